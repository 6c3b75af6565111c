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

use ssokit_fake_portal::{Answer, FakePortal, Operation};

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
        "cold `ssokit credentials --profile s --no-disk-cache` (session profile, GetRoleCredentials to the fake portal on loopback), {runs} runs:"
    );
    println!(
        "  min {}  median {}  p90 {}  max {}",
        ms(figures.min),
        ms(figures.median),
        ms(figures.p90),
        ms(figures.max)
    );
    println!(
        "the same with the role credential cache on and a valid entry (no token read, no request): median {}  p90 {}",
        ms(figures.disk_median),
        ms(figures.disk_p90)
    );
    println!(
        "cold `ssokit credentials --profile h3` (three roles over s: 1 GetRoleCredentials, 3 AssumeRole): median {}  p90 {}",
        ms(figures.chain_median),
        ms(figures.chain_p90)
    );
    println!(
        "cold `ssokit credentials`, nothing configured but the container endpoint (the fake): median {}",
        ms(figures.container_median)
    );
    println!(
        "the K-ANY error with IMDS at a closed loopback port: median {}; at a listener that never answers ({} runs): median {}",
        ms(figures.absent_imds_median),
        figures.silent_imds_runs,
        ms(figures.silent_imds_median)
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
    /// `credentials --profile s` answered from the role credential cache (no request).
    pub(crate) disk_median: Duration,
    pub(crate) disk_p90: Duration,
    /// Nothing configured but the container endpoint (the fake): the whole default chain.
    pub(crate) container_median: Duration,
    /// Nothing configured, IMDS at a closed loopback port: to the K-ANY error.
    pub(crate) absent_imds_median: Duration,
    /// Nothing configured, IMDS at a loopback listener that never answers (fewer runs).
    pub(crate) silent_imds_median: Duration,
    pub(crate) silent_imds_runs: usize,
}

/// Runs of the silent-IMDS drill (each takes about a second).
const SILENT_RUNS: usize = 5;

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
            let mut command = sandboxed(
                binary,
                home,
                portal,
                &["credentials", "--profile", profile, "--no-disk-cache"],
            );
            command.stdout(Stdio::piped()).stderr(Stdio::piped());
            command
        }
    };
    let mut times = timed(runs, 5, command("s"), |out| {
        succeeded(out, "\"AccessKeyId\"")
    })?;
    let disk = disk_hits(&binary, home.path(), &portal, runs)?;
    let mut chain = timed(runs, 5, command("h3"), |out| succeeded(out, "ASIASTS"))?;
    chain.sort_unstable();
    let metadata = MetadataDrills::start(&binary, &portal)?;
    let mut container = timed(
        runs,
        5,
        || metadata.container(),
        |out| succeeded(out, "ASIACONT"),
    )?;
    container.sort_unstable();
    let absent_text = "ImdsCredentialsProvider: no instance metadata service at";
    let mut absent = timed(
        runs,
        5,
        || metadata.imds(&metadata.closed),
        |out| failed_with(out, absent_text),
    )?;
    absent.sort_unstable();
    let mut silent = timed(
        SILENT_RUNS,
        1,
        || metadata.imds(&metadata.silent),
        |out| failed_with(out, "no response within 1 s"),
    )?;
    silent.sort_unstable();
    // The floor: the same binary starting, parsing its arguments and printing its version.
    let mut floor = timed(
        runs,
        5,
        || {
            let mut command = Command::new(&binary);
            command.arg("--version").env_clear().stdout(Stdio::piped());
            command
        },
        |out| succeeded(out, "ssokit"),
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
        container_median: container[container.len() / 2],
        disk_median: disk[disk.len() / 2],
        disk_p90: disk[(disk.len() - 1) * 9 / 10],
        absent_imds_median: absent[absent.len() / 2],
        silent_imds_median: silent[silent.len() / 2],
        silent_imds_runs: SILENT_RUNS,
    })
}

/// `credentials --profile s` with the role credential cache on (the CLI's default) and an
/// entry valid for an hour: no token read, lock or request after the first run. Sorted.
fn disk_hits(
    binary: &std::path::Path,
    home: &std::path::Path,
    portal: &FakePortal,
    runs: usize,
) -> Result<Vec<Duration>, String> {
    portal.script(
        Operation::GetRoleCredentials,
        [Answer::role_credentials(crate::demo::in_seconds_ms(3600))],
    );
    let hit = || {
        let mut command = sandboxed(binary, home, portal, &["credentials", "--profile", "s"]);
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        command
    };
    let fetched = portal.count(Operation::GetRoleCredentials);
    let mut disk = timed(runs, 5, hit, |out| succeeded(out, "\"AccessKeyId\""))?;
    if portal.count(Operation::GetRoleCredentials) != fetched + 1 {
        return Err("the disk cache runs made more than the first run's GetRoleCredentials".into());
    }
    disk.sort_unstable();
    Ok(disk)
}

/// Exit 0 and `needle` on stdout.
fn succeeded(output: &std::process::Output, needle: &str) -> bool {
    output.status.success() && String::from_utf8_lossy(&output.stdout).contains(needle)
}

/// Exit 1, nothing on stdout, and `needle` on stderr.
fn failed_with(output: &std::process::Output, needle: &str) -> bool {
    output.status.code() == Some(1)
        && output.stdout.is_empty()
        && String::from_utf8_lossy(&output.stderr).contains(needle)
}

/// The default chain with nothing configured in an empty home, but one of: the container
/// endpoint at the fake, or IMDS at a closed loopback port or at a loopback listener that
/// accepts and never answers. Everything stays on loopback.
struct MetadataDrills<'a> {
    binary: &'a std::path::Path,
    home: tempfile::TempDir,
    portal: &'a FakePortal,
    closed: String,
    silent: String,
    _listener: std::net::TcpListener,
}

impl<'a> MetadataDrills<'a> {
    fn start(binary: &'a std::path::Path, portal: &'a FakePortal) -> Result<Self, String> {
        let home =
            tempfile::tempdir().map_err(|e| format!("could not make a sandbox HOME: {e}"))?;
        let bind = || {
            std::net::TcpListener::bind("127.0.0.1:0")
                .map_err(|e| format!("could not listen on loopback: {e}"))
        };
        let closed = bind()?;
        let closed_url = format!("http://{}", local(&closed)?);
        drop(closed);
        // Accepted by the kernel's backlog and never read: no answer ever comes.
        let listener = bind()?;
        let silent = format!("http://{}", local(&listener)?);
        Ok(Self {
            binary,
            home,
            portal,
            closed: closed_url,
            silent,
            _listener: listener,
        })
    }

    fn base(&self) -> Command {
        let mut command = Command::new(self.binary);
        command
            .arg("credentials")
            .env_clear()
            .env("HOME", self.home.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// The container endpoint at the fake; IMDS disabled.
    fn container(&self) -> Command {
        let mut command = self.base();
        command
            .env(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                format!("{}/creds", self.portal.url()),
            )
            .env("AWS_EC2_METADATA_DISABLED", "true");
        command
    }

    /// IMDS at `endpoint`, nothing else.
    fn imds(&self, endpoint: &str) -> Command {
        let mut command = self.base();
        command.env("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint);
        command
    }
}

fn local(listener: &std::net::TcpListener) -> Result<std::net::SocketAddr, String> {
    listener
        .local_addr()
        .map_err(|e| format!("could not read a loopback address: {e}"))
}

/// Runs `command()` `warmup + runs` times; the wall times of the last `runs`, each from
/// spawn to exit with its output read. Fails unless `ok(output)` for each run.
fn timed(
    runs: usize,
    warmup: usize,
    command: impl Fn() -> Command,
    ok: impl Fn(&std::process::Output) -> bool,
) -> Result<Vec<Duration>, String> {
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs + warmup {
        let start = Instant::now();
        let output = command()
            .output()
            .map_err(|e| format!("could not run ssokit: {e}"))?;
        let elapsed = start.elapsed();
        if !ok(&output) {
            return Err(format!(
                "ssokit did not end as expected ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        if i >= warmup {
            times.push(elapsed);
        }
    }
    Ok(times)
}
