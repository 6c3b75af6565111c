//! `cargo xtask fuzz <target> [--seconds N]`: one `cargo fuzz` target for N seconds.
//!
//! The corpus lives in `fuzz/corpus/<target>` (not committed). When it is empty it is
//! seeded first: config files from `config-parser/tests/generated/` (each alone, and each
//! folder's config and credentials joined by a NUL, which the target reads as the two
//! files), token files from `token-cache/tests/generated/` and `fuzz/seeds/token_cache_file/`,
//! and the hand-written response bodies in `fuzz/seeds/sso_responses/`. The run is
//! `cargo fuzz run -s none`: coverage guided without a sanitizer, the only mode a stable
//! toolchain builds (see `fuzz/README.md`). libFuzzer's closing lines, with the execution
//! count, are repeated at the end.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::workspace::Workspace;

/// Collects a target's seeds.
type Seeds = fn(&Workspace) -> Result<Vec<Seed>, String>;

/// The fuzz targets of `fuzz/Cargo.toml` and where their seeds come from.
const TARGETS: &[(&str, Seeds)] = &[
    ("config_grammar", config_seeds),
    ("token_cache_file", token_cache_seeds),
    ("sso_responses", sso_response_seeds),
    ("sts_responses", sts_response_seeds),
    ("metadata_responses", metadata_response_seeds),
];

/// Seeds larger than this are cut at a line end: libFuzzer's inputs grow from the corpus,
/// and a megabyte seed would make every execution slow without adding grammar.
const MAX_SEED: usize = 16 * 1024;

/// Seconds when `--seconds` is not given.
const DEFAULT_SECONDS: u64 = 60;

/// A seed file: its name in the corpus and its bytes.
type Seed = (String, Vec<u8>);

/// Parses `<target> [--seconds N]` and runs the target.
pub(crate) fn run(ws: &Workspace, args: &[&str]) -> Result<(), String> {
    let (target, seconds) = match args {
        [target] => (*target, DEFAULT_SECONDS),
        [target, "--seconds", n] => (
            *target,
            n.parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("--seconds takes a positive integer, not `{n}`"))?,
        ),
        _ => return Err(crate::usage::USAGE.to_owned()),
    };
    let Some((_, seeds)) = TARGETS.iter().find(|(name, _)| *name == target) else {
        let names: Vec<&str> = TARGETS.iter().map(|(name, _)| *name).collect();
        return Err(format!(
            "unknown fuzz target `{target}` (targets: {})",
            names.join(", ")
        ));
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let installed = Command::new(&cargo)
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        return Err(
            "cargo-fuzz is not installed; install it with `cargo install cargo-fuzz --locked`"
                .to_owned(),
        );
    }

    let corpus = ws.root.join("fuzz/corpus").join(target);
    seed(&corpus, &seeds(ws)?)?;

    let mut command = Command::new(&cargo);
    // `cargo run` gave this process xtask's package variables; build scripts that rerun on
    // them (ring's) would rebuild on every switch between this and a plain `cargo fuzz`.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_PKG_")
            || name.starts_with("CARGO_MANIFEST_")
            || matches!(
                name.as_ref(),
                "CARGO_CRATE_NAME" | "CARGO_BIN_NAME" | "CARGO_PRIMARY_PACKAGE"
            )
        {
            command.env_remove(name.as_ref());
        }
    }
    let mut child = command
        .args(["fuzz", "run", "-s", "none", target, "--"])
        .arg(format!("-max_total_time={seconds}"))
        .arg("-print_final_stats=1")
        .current_dir(&ws.root)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not run cargo fuzz: {e}"))?;
    // libFuzzer reports on stderr: pass it through and keep the closing lines.
    let mut last_status = None;
    let mut done = None;
    let mut executions = None;
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines() {
            let line = line.map_err(|e| format!("could not read cargo fuzz output: {e}"))?;
            eprintln!("{line}");
            if line.starts_with('#') && line.contains(" cov: ") {
                last_status = Some(line.clone());
            }
            if line.starts_with("Done ") && line.contains(" runs in ") {
                done = Some(line.clone());
            }
            if line.starts_with("stat::number_of_executed_units:") {
                executions = Some(line.clone());
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("could not wait for cargo fuzz: {e}"))?;
    println!("xtask fuzz {target} ({seconds} s):");
    for line in [last_status, done, executions].into_iter().flatten() {
        println!("  {line}");
    }
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo fuzz run {target} failed ({status}); a crash input is in fuzz/artifacts/{target}/"
        ))
    }
}

/// Fills an empty (or missing) corpus folder with the seeds; a corpus that has inputs is
/// left as it is, so runs build on each other.
fn seed(corpus: &Path, seeds: &[Seed]) -> Result<(), String> {
    fs::create_dir_all(corpus)
        .map_err(|e| format!("could not create {}: {e}", corpus.display()))?;
    let has_inputs = fs::read_dir(corpus)
        .map_err(|e| format!("could not list {}: {e}", corpus.display()))?
        .next()
        .is_some();
    if has_inputs {
        println!(
            "xtask fuzz: corpus {} is not empty, not seeding",
            corpus.display()
        );
        return Ok(());
    }
    for (name, bytes) in seeds {
        let path = corpus.join(name);
        fs::write(&path, bytes).map_err(|e| format!("could not write {}: {e}", path.display()))?;
    }
    println!(
        "xtask fuzz: seeded {} with {} inputs",
        corpus.display(),
        seeds.len()
    );
    Ok(())
}

/// Every file under `dir` (recursively) that `keep` accepts, sorted, with its path
/// relative to `dir`.
fn files(dir: &Path, keep: fn(&Path) -> bool) -> Result<Vec<(PathBuf, Vec<u8>)>, String> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = fs::read_dir(&folder)
            .map_err(|e| format!("could not list {}: {e}", folder.display()))?;
        for entry in entries {
            let path = entry
                .map_err(|e| format!("could not list {}: {e}", folder.display()))?
                .path();
            if path.is_dir() {
                pending.push(path);
            } else if keep(&path) {
                let bytes = fs::read(&path)
                    .map_err(|e| format!("could not read {}: {e}", path.display()))?;
                let relative = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
                out.push((relative, bytes));
            }
        }
    }
    out.sort();
    if out.is_empty() {
        return Err(format!("no seed files in {}", dir.display()));
    }
    Ok(out)
}

/// A corpus file name for a relative path: `small/config` → `small-config`.
fn seed_name(relative: &Path) -> String {
    relative.to_string_lossy().replace(['/', '\\'], "-")
}

/// At most [`MAX_SEED`] bytes, cut after the last line end that fits.
fn cap(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.len() > MAX_SEED {
        let end = bytes[..MAX_SEED]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(MAX_SEED, |at| at + 1);
        bytes.truncate(end);
    }
    bytes
}

fn config_seeds(ws: &Workspace) -> Result<Vec<Seed>, String> {
    let dir = ws.root.join("config-parser/tests/generated");
    let found = files(&dir, |p| {
        matches!(
            p.file_name().and_then(|n| n.to_str()),
            Some("config" | "credentials")
        )
    })?;
    let mut seeds: Vec<Seed> = Vec::new();
    for (relative, bytes) in &found {
        seeds.push((seed_name(relative), cap(bytes.clone())));
        if relative.file_name().and_then(|n| n.to_str()) == Some("config") {
            let credentials = relative.with_file_name("credentials");
            if let Some((_, other)) = found.iter().find(|(r, _)| *r == credentials) {
                let mut both = cap(bytes.clone());
                both.push(0);
                both.extend_from_slice(&cap(other.clone()));
                let folder = relative.parent().map(seed_name).unwrap_or_default();
                seeds.push((format!("{folder}-config-nul-credentials"), both));
            }
        }
    }
    Ok(seeds)
}

fn token_cache_seeds(ws: &Workspace) -> Result<Vec<Seed>, String> {
    let dir = ws.root.join("token-cache/tests/generated");
    let found = files(&dir, |p| p.extension().is_some_and(|e| e == "json"))?;
    let mut seeds: Vec<Seed> = found
        .into_iter()
        .map(|(relative, bytes)| (seed_name(&relative), cap(bytes)))
        .collect();
    // Hand-written edges the fixtures do not cover: the ends of the time range, escapes.
    let extra = files(&ws.root.join("fuzz/seeds/token_cache_file"), |_| true)?;
    seeds.extend(
        extra
            .into_iter()
            .map(|(relative, bytes)| (format!("hand-{}", seed_name(&relative)), bytes)),
    );
    Ok(seeds)
}

fn sso_response_seeds(ws: &Workspace) -> Result<Vec<Seed>, String> {
    hand_written(ws, "sso_responses")
}

fn sts_response_seeds(ws: &Workspace) -> Result<Vec<Seed>, String> {
    hand_written(ws, "sts_responses")
}

fn metadata_response_seeds(ws: &Workspace) -> Result<Vec<Seed>, String> {
    hand_written(ws, "metadata_responses")
}

/// The hand-written seeds in `fuzz/seeds/<target>/`.
fn hand_written(ws: &Workspace, target: &str) -> Result<Vec<Seed>, String> {
    let dir = ws.root.join("fuzz/seeds").join(target);
    let found = files(&dir, |_| true)?;
    Ok(found
        .into_iter()
        .map(|(relative, bytes)| (seed_name(&relative), bytes))
        .collect())
}
