//! `cargo xtask bench-cli [RUNS]`: cold `ssokit credentials` for a session profile against
//! the loopback fake portal, timed from process start to exit (its output complete), over
//! RUNS runs (default 100, at least 50) after 5 warm-up runs; prints min, median, p90 and
//! max, the same for a three-role chain over that profile (`h3`: one `GetRoleCredentials`,
//! three signed `AssumeRole`) and for `ssokit --version` (the floor: start, parse
//! arguments, exit), the stripped release binary's size, and whether the 3 ms median target
//! is met.
//!
//! "Cold" is a new process each run: no in-process cache, the config files and the token
//! cache read from disk, one `GetRoleCredentials` over a new loopback connection. The
//! token is valid, so no `CreateToken`. Not part of CI (timings depend on the machine).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ssokit_fake_portal::{FakePortal, Operation};

use crate::demo::sandboxed;
use crate::workspace::Workspace;

pub(crate) fn run(ws: &Workspace, runs: Option<&str>) -> Result<(), String> {
    let runs: usize = match runs {
        None => 100,
        Some(text) => text
            .parse()
            .ok()
            .filter(|n| *n >= 50)
            .ok_or_else(|| format!("RUNS must be a number of at least 50, not {text:?}"))?,
    };
    let figures = measure(ws, runs)?;
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    println!(
        "cold `ssokit credentials --profile s` (session profile, fake portal on loopback), {runs} runs:"
    );
    println!(
        "  min {}  median {}  p90 {}  max {}",
        ms(figures.min),
        ms(figures.median),
        ms(figures.p90),
        ms(figures.max)
    );
    println!(
        "cold `ssokit credentials --profile h3` (three roles over s: 1 GetRoleCredentials, 3 AssumeRole): median {}  p90 {}",
        ms(figures.chain_median),
        ms(figures.chain_p90)
    );
    println!(
        "  floor (`ssokit --version`: process start, argument parsing, exit): median {}",
        ms(figures.floor_median)
    );
    println!(
        "  target: median under 3 ms: {}",
        if figures.median < Duration::from_millis(3) {
            "met"
        } else {
            "NOT met"
        }
    );
    #[allow(
        clippy::cast_precision_loss,
        reason = "a file size shown in MiB with two decimals"
    )]
    let mib = figures.size as f64 / 1024.0 / 1024.0;
    println!(
        "release binary {} (stripped): {} bytes ({mib:.2} MiB); target under 4 MB: {}",
        figures.binary.display(),
        figures.size,
        if figures.size < 4_000_000 {
            "met"
        } else {
            "NOT met"
        }
    );
    Ok(())
}

/// What one `bench-cli` measurement found.
pub(crate) struct CliFigures {
    pub(crate) binary: PathBuf,
    pub(crate) size: u64,
    pub(crate) min: Duration,
    pub(crate) median: Duration,
    pub(crate) p90: Duration,
    pub(crate) max: Duration,
    pub(crate) floor_median: Duration,
    /// The three-role chain `h3`.
    pub(crate) chain_median: Duration,
    pub(crate) chain_p90: Duration,
}

/// Builds the release binary and times `runs` cold `ssokit credentials` runs and as many
/// `ssokit --version` runs (the floor).
pub(crate) fn measure(ws: &Workspace, runs: usize) -> Result<CliFigures, String> {
    let binary = crate::demo::build(ws, true)?;
    let size = std::fs::metadata(&binary)
        .map_err(|e| format!("{}: {e}", binary.display()))?
        .len();
    let home = tempfile::tempdir().map_err(|e| format!("could not make a sandbox HOME: {e}"))?;
    let portal =
        FakePortal::start().map_err(|e| format!("could not start the fake portal: {e}"))?;
    crate::demo::write_sandbox(home.path())?;
    let command = |profile: &'static str| {
        let binary = &binary;
        let home = home.path();
        let portal = &portal;
        move || {
            let mut command =
                sandboxed(binary, home, portal, &["credentials", "--profile", profile]);
            command.stdout(Stdio::piped()).stderr(Stdio::piped());
            command
        }
    };
    let mut times = timed(runs, 5, command("s"), |stdout| stdout.starts_with(b"{"))?;
    let mut chain = timed(runs, 5, command("h3"), |stdout| {
        String::from_utf8_lossy(stdout).contains("ASIASTS")
    })?;
    chain.sort_unstable();
    // The floor: the same binary starting, parsing its arguments and printing its version.
    let mut floor = timed(
        runs,
        5,
        || {
            let mut command = Command::new(&binary);
            command.arg("--version").env_clear().stdout(Stdio::piped());
            command
        },
        |stdout| stdout.starts_with(b"ssokit"),
    )?;
    times.sort_unstable();
    floor.sort_unstable();
    if portal.count(Operation::CreateToken) != 0 {
        return Err("the benchmark's token was refreshed; it must stay cached".into());
    }
    let at = |q: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss,
            reason = "a rank among at most a few thousand runs"
        )]
        let rank = ((times.len() - 1) as f64 * q).round() as usize;
        times[rank]
    };
    Ok(CliFigures {
        binary,
        size,
        min: times[0],
        median: at(0.5),
        p90: at(0.9),
        max: times[times.len() - 1],
        floor_median: floor[floor.len() / 2],
        chain_median: chain[chain.len() / 2],
        chain_p90: chain[(chain.len() - 1) * 9 / 10],
    })
}

/// Runs `command()` `warmup + runs` times; the wall times of the last `runs`, each from
/// spawn to exit with its output read. Fails unless each run succeeds and `ok(stdout)`.
fn timed(
    runs: usize,
    warmup: usize,
    command: impl Fn() -> Command,
    ok: impl Fn(&[u8]) -> bool,
) -> Result<Vec<Duration>, String> {
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs + warmup {
        let start = Instant::now();
        let output = command()
            .output()
            .map_err(|e| format!("could not run ssokit: {e}"))?;
        let elapsed = start.elapsed();
        if !output.status.success() || !ok(&output.stdout) {
            return Err(format!(
                "ssokit failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        if i >= warmup {
            times.push(elapsed);
        }
    }
    Ok(times)
}
