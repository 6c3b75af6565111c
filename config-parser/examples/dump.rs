//! Prints the merged profiles and sso-sessions of a config and a credentials file as JSON,
//! in the conformance suite's `output` shape, so any case can be run by hand:
//!
//! ```text
//! cargo run -p ssokit-config-parser --example dump -- --config F --credentials G
//! ```
//!
//! Either file may be left out (it is then empty). Dropped names are listed on stderr as
//! warnings. On an error it prints the message (and `  at <path>:<line>`) and exits 1.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line example"
)]

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;
use ssokit_config_parser::{FileLocations, ProfileSet};

// The conformance tests' rendering, so what this prints is what the suite compares.
#[path = "../tests/it/suite_json.rs"]
mod suite_json;

fn main() -> ExitCode {
    let mut config = None;
    let mut credentials = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--config", Some(path)) => config = Some(PathBuf::from(path)),
            ("--credentials", Some(path)) => credentials = Some(PathBuf::from(path)),
            _ => {
                eprintln!("usage: dump [--config FILE] [--credentials FILE]");
                return ExitCode::from(2);
            }
        }
    }
    // A path that cannot exist stands in for a file that was not given: missing is empty.
    let absent = PathBuf::from("/nonexistent/ssokit-dump/none");
    let files = FileLocations::new(
        config.unwrap_or_else(|| absent.clone()),
        credentials.unwrap_or(absent),
    );
    match ProfileSet::load(&files) {
        Ok(set) => {
            for warning in set.warnings() {
                eprintln!("warning: {warning}");
            }
            let json = json!({ "config": suite_json::as_suite_json(&set) });
            match serde_json::to_string_pretty(&json) {
                Ok(text) => println!("{text}"),
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            if let Some(location) = error.location() {
                eprintln!("  at {location}");
            }
            ExitCode::FAILURE
        }
    }
}
