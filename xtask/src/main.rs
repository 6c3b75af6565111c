//! `cargo xtask`: development tasks for the ssokit workspace.
//!
//! - `cargo xtask fixtures` writes every generated fixture file, deterministically.
//! - `cargo xtask fixtures --check` fails when a committed fixture is stale or stray, and
//!   says which command to run.
//! - `cargo xtask layering` checks that the crate graph points down (also a test).
//! - `cargo xtask demo` runs the real `ssokit` binary against the loopback fake portal in a
//!   sandbox HOME (the README's first command).
//! - `cargo xtask bench-cli [RUNS]` times cold `ssokit credentials` runs (release build)
//!   against the fake portal and prints median / p90 and the binary size.
//! - `cargo xtask storm [--processes N] [--release]` starts N `ssokit credentials` processes
//!   together on an expiring token and checks the portal saw exactly one `CreateToken`.
//! - `cargo xtask fuzz <target> [--seconds N]` runs one `cargo fuzz` target (`fuzz/`) from
//!   a corpus seeded with the fixtures.
//! - `cargo xtask bench-listing [--release]` times `ssokit accounts` / `ssokit roles` over a
//!   fake organisation of 500 accounts × 3 roles, with and without 429s.
//! - `cargo xtask bench-report` measures every figure and rewrites BENCHMARKS.md.
//! - `cargo xtask install [--prefix DIR] [--binary PATH]` installs the release binary, its
//!   shell completions (bash, zsh, fish) and its man page under DIR (default `~/.local`).
//!
//! Generated files live in folders named `generated/` (or are Rust sources whose first line
//! says they are generated); nothing else in the tree is written by this tool.

// xtask is a developer tool: it prints to the terminal and reads the real environment.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::disallowed_methods,
    reason = "xtask is a terminal tool and a process entry point: it prints and reads its own environment"
)]

mod bench_cli;
mod bench_listing;
mod bench_report;
mod config_fixtures;
mod credentials_fixtures;
mod demo;
mod endpoints;
mod fixtures;
mod fuzz;
mod install;
mod layering;
mod output;
mod storm;
mod token_cache_fixtures;
mod usage;
mod workspace;

use std::process::ExitCode;

use usage::USAGE;
use workspace::Workspace;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["fixtures"] => fixtures::run(&Workspace::locate(), fixtures::Mode::Write),
        ["fixtures", "--check"] => fixtures::run(&Workspace::locate(), fixtures::Mode::Check),
        ["layering"] => layering::run(&Workspace::locate()),
        ["demo"] => demo::run(&Workspace::locate()),
        ["bench-cli"] => bench_cli::run(&Workspace::locate(), None),
        ["bench-cli", runs] => bench_cli::run(&Workspace::locate(), Some(runs)),
        ["bench-listing", rest @ ..] => bench_listing::run(&Workspace::locate(), rest),
        ["bench-report"] => bench_report::run(&Workspace::locate()),
        ["storm", rest @ ..] => storm::run(&Workspace::locate(), rest),
        ["fuzz", rest @ ..] => fuzz::run(&Workspace::locate(), rest),
        ["install", rest @ ..] => install::run(&Workspace::locate(), rest),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}
