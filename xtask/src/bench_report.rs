//! `cargo xtask bench-report`: measures every figure BENCHMARKS.md holds and rewrites the
//! file. It runs the criterion benches of config-parser, token-cache and credentials, times
//! cold CLI runs, times `ssokit accounts` / `ssokit roles` over 500 fake accounts, runs a
//! 32-process storm, counts the CLI's crates, times a clean release
//! build in a fresh target folder, and reads peak memory with GNU `time` where installed.
//! The fuzzing figures come from `fuzz/RESULTS.md` (10-minute runs are not repeated here).
//! Takes about ten minutes on 2 cores; not part of CI (timings depend on the machine).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::bench_cli::CliFigures;
use crate::bench_listing::ListingRun;
use crate::storm::Storm;
use crate::workspace::Workspace;

const CRITERION_ARGS: [&str; 5] = ["--warm-up-time", "2", "--measurement-time", "5", "--noplot"];

/// How many times the parse benchmark runs: its figure moves between runs with the page
/// faults the allocator's state costs it, so the report gives every run and the median.
const PARSE_RUNS: usize = 3;

pub(crate) fn run(ws: &Workspace) -> Result<(), String> {
    let criterion = Criterion(target_dir(ws).join("criterion"));
    let mut parse_runs = Vec::new();
    for _ in 0..PARSE_RUNS {
        bench(ws, "ssokit-config-parser", "parse")?;
        parse_runs.push(ParseRun::read(&criterion)?);
    }
    bench(ws, "ssokit-token-cache", "read")?;
    bench(ws, "ssokit-credentials", "get")?;
    let cli = crate::bench_cli::measure(ws, 200)?;
    let listing = crate::bench_listing::drill(ws, true)?;
    let storm = crate::storm::drill(ws, 32, true)?;
    let crates = crate::layering::normal_dependency_count(&ws.root, "ssokit-cli")?;
    let build = clean_build(ws)?;
    let memory = peak_memory(&cli.binary, &ws.root)?;
    let fuzz = fs::read_to_string(ws.root.join("fuzz/RESULTS.md")).ok();
    let text = render(&Figures {
        criterion: &criterion,
        parse_runs: &parse_runs,
        cli: &cli,
        listing: &listing,
        storm: &storm,
        crates,
        build,
        memory,
        fuzz: fuzz.as_deref(),
    })?;
    let path = ws.root.join("BENCHMARKS.md");
    fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("xtask bench-report: wrote {}", path.display());
    Ok(())
}

/// Runs one criterion bench.
fn bench(ws: &Workspace, package: &str, bench: &str) -> Result<(), String> {
    cargo(
        ws,
        &["bench", "--locked", "-p", package, "--bench", bench, "--"],
    )
    .args(CRITERION_ARGS)
    .status()
    .map_err(|e| format!("could not run cargo bench: {e}"))?
    .success()
    .then_some(())
    .ok_or_else(|| format!("cargo bench -p {package} failed"))
}

/// The medians of one run of the parse bench.
struct ParseRun {
    floor: Duration,
    parse: Duration,
    load: Duration,
    small: Duration,
}

impl ParseRun {
    fn read(c: &Criterion) -> Result<Self, String> {
        Ok(Self {
            floor: c.median("config-10k/floor: read file + scan lines")?,
            parse: c.median("config-10k/parse (text in memory)")?,
            load: c.median("config-10k/load (read + parse)")?,
            small: c.median("config-20/parse")?,
        })
    }
}

/// The middle value of a few (the upper middle of an even count).
fn middle(mut values: Vec<Duration>) -> Duration {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn cargo(ws: &Workspace, args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.args(args).current_dir(&ws.root);
    command
}

fn target_dir(ws: &Workspace) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .filter(|v| !v.is_empty())
        .map_or_else(|| ws.root.join("target"), PathBuf::from)
}

/// Criterion's saved estimates.
struct Criterion(PathBuf);

impl Criterion {
    /// The median of a benchmark, by its id (`group/function` or `function`).
    fn median(&self, id: &str) -> Result<Duration, String> {
        // Criterion names folders after the id with these characters replaced.
        let folder: String = id
            .split('/')
            .map(|part| part.replace(['?', '"', '\\', '*', '<', '>', ':', '|', '^'], "_"))
            .collect::<Vec<_>>()
            .join("/");
        let path = self.0.join(&folder).join("new/estimates.json");
        let path = if path.exists() {
            path
        } else {
            self.0
                .join(folder.replace('/', "_"))
                .join("new/estimates.json")
        };
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let nanos = json["median"]["point_estimate"]
            .as_f64()
            .ok_or_else(|| format!("{} has no median", path.display()))?;
        Ok(Duration::from_secs_f64(nanos / 1e9))
    }
}

/// Times a release build of the CLI into an empty target folder.
fn clean_build(ws: &Workspace) -> Result<Duration, String> {
    let target = tempfile::tempdir().map_err(|e| format!("could not make a target folder: {e}"))?;
    println!("== timing a clean release build of ssokit-cli (a few minutes)");
    let started = Instant::now();
    let status = cargo(ws, &["build", "--release", "--locked", "-p", "ssokit-cli"])
        .env("CARGO_TARGET_DIR", target.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("could not run cargo build: {e}"))?;
    if !status.success() {
        return Err("the clean release build failed".into());
    }
    Ok(started.elapsed())
}

/// Peak resident memory (KiB) of a cold `ssokit credentials` and of `ssokit profiles` over
/// the 10,000-profile config, read with GNU `time -f %M`; `None` without GNU time.
fn peak_memory(binary: &Path, root: &Path) -> Result<Option<(u64, u64)>, String> {
    let time = Path::new("/usr/bin/time");
    if !time.is_file() {
        return Ok(None);
    }
    let home = tempfile::tempdir().map_err(|e| format!("could not make a sandbox HOME: {e}"))?;
    crate::demo::write_sandbox(home.path())?;
    let portal = crate::demo::start_portal()?;
    let measure = |args: &[&str]| -> Result<u64, String> {
        let output = Command::new(time)
            .args(["-f", "%M"])
            .arg(binary)
            .args(args)
            .env_clear()
            .env("HOME", home.path())
            .env("AWS_ENDPOINT_URL_SSO", portal.url())
            .env("AWS_ENDPOINT_URL_SSO_OIDC", portal.url())
            .output()
            .map_err(|e| format!("could not run GNU time: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "ssokit {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        String::from_utf8_lossy(&output.stderr)
            .lines()
            .last()
            .and_then(|line| line.trim().parse().ok())
            .ok_or_else(|| "GNU time printed no peak memory".to_owned())
    };
    let credentials = measure(&["credentials", "--profile", "s"])?;
    let large = root.join("config-parser/tests/generated/large/config");
    let config = home.path().join(".aws/config");
    fs::copy(&large, &config).map_err(|e| format!("{}: {e}", large.display()))?;
    let profiles = measure(&["profiles"])?;
    Ok(Some((credentials, profiles)))
}

struct Figures<'a> {
    criterion: &'a Criterion,
    parse_runs: &'a [ParseRun],
    cli: &'a CliFigures,
    listing: &'a [ListingRun],
    storm: &'a Storm,
    crates: usize,
    build: Duration,
    memory: Option<(u64, u64)>,
    fuzz: Option<&'a str>,
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn ns(d: Duration) -> String {
    format!("{:.1} ns", d.as_secs_f64() * 1e9)
}

fn met(ok: bool) -> &'static str {
    if ok { "**met**" } else { "**not met**" }
}

/// The machine, as `/proc` and `rustc` describe it.
fn machine() -> String {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map_or("unknown CPU", |rest| {
            rest.trim_start_matches([' ', '\t', ':'])
        });
    let cores = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let memory = fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|kb| kb.trim().trim_end_matches(" kB").parse::<u64>().ok())
        .map_or_else(
            || "unknown memory".to_owned(),
            |kb| format!("{} GiB", kb / 1024 / 1024),
        );
    let rustc = Command::new("rustc")
        .arg("-V")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("{cores} vCPU ({model}), {memory}, {rustc}")
}

fn render(f: &Figures<'_>) -> Result<String, String> {
    let c = f.criterion;
    let mut out = String::new();
    let w = &mut out;
    let today = jiff::Timestamp::now().strftime("%Y-%m-%d");
    let _ = writeln!(
        w,
        "# Benchmarks\n\n\
         Generated by `cargo xtask bench-report` on {today}; do not edit by hand (the fuzzing\n\
         section is copied from `fuzz/RESULTS.md`). Machine: {}. Criterion medians\n\
         (`--warm-up-time 2 --measurement-time 5`, the `bench` profile: release, thin LTO, one\n\
         codegen unit). Timings on a shared 2-vCPU VM vary by about ±10% between runs.\n",
        machine()
    );

    parse_section(w, f.parse_runs);
    cache_and_credentials_sections(w, c)?;
    cli_section(w, f);
    listing_section(w, f.listing);
    storm_section(w, f.storm);
    if let Some(fuzz) = f.fuzz {
        let body = fuzz
            .trim()
            .trim_start_matches("# Fuzzing results")
            .trim_start();
        // One heading level down: the file's own sections become subsections here.
        let body = body.replace("\n## ", "\n### ");
        let _ = writeln!(w, "## Fuzzing (from `fuzz/RESULTS.md`)\n\n{body}");
    }
    Ok(out)
}

fn parse_section(w: &mut String, runs: &[ParseRun]) {
    let of = |pick: fn(&ParseRun) -> Duration| middle(runs.iter().map(pick).collect());
    let (floor, parse, load, small) = (
        of(|r| r.floor),
        of(|r| r.parse),
        of(|r| r.load),
        of(|r| r.small),
    );
    let ratio = |d: Duration| d.as_secs_f64() / floor.as_secs_f64();
    let each = |pick: fn(&ParseRun) -> Duration| {
        runs.iter()
            .map(|r| ms(pick(r)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        w,
        "## config-parser: parsing `~/.aws/config`\n\n\
         Input: `config-parser/tests/generated/large/config` (written by `cargo xtask\n\
         fixtures`): 10,000 profiles (legacy SSO, sso-session, static-key and sub-property\n\
         profiles) and 50 sso-sessions, 1.35 MB, 55,391 lines, 32,769 properties.\n\n\
         The bench ran {} times; the table gives the median of the runs' medians, and each\n\
         run's median after it.\n\n\
         | benchmark | median | vs floor | each run |\n|---|---|---|---|\n\
         | floor: read the file + split it into lines | {} | 1.0× | {} |\n\
         | parse, text already in memory | {} | {:.1}× | {} |\n\
         | load: read + parse | {} | {:.1}× | {} |\n\
         | typical 20-profile pair (`small/`), parse | {} | | |\n\n\
         Target: the 10,000-profile parse under 2 ms: {}. Throughput: {:.0} MB/s.\n",
        runs.len(),
        ms(floor),
        each(|r| r.floor),
        ms(parse),
        ratio(parse),
        each(|r| r.parse),
        ms(load),
        ratio(load),
        each(|r| r.load),
        us(small),
        met(parse < Duration::from_millis(2)),
        1.35 / parse.as_secs_f64(),
    );
    let _ = writeln!(w, "{}", PARSE_NOTES.trim());
}

fn cache_and_credentials_sections(w: &mut String, c: &Criterion) -> Result<(), String> {
    let cached = c.median("cached get()")?;
    let cold = c.median("cold session-profile resolution (fake portal)")?;
    let thousand = c.median("1,000 concurrent get() on a cold provider")?;
    let token_parse = c.median("parse session token")?;
    let token_render = c.median("render session token")?;
    let _ = writeln!(
        w,
        "\n## token-cache: reading and rewriting a cache file\n\n\
         | benchmark | median |\n|---|---|\n\
         | parse a session cache file (`CachedToken::parse`) | {} |\n\
         | render the lossless rewrite (`with_refresh` + `render`) | {} |\n",
        us(token_parse),
        us(token_render)
    );

    let _ = writeln!(
        w,
        "## credentials: cached, cold and concurrent resolution\n\n\
         | benchmark | median | target |\n|---|---|---|\n\
         | cached `get()` (value fresh; the future polled once with a no-op waker) | {} | under 100 ns: {} |\n\
         | cold session-profile resolution: both files, the cache file, `GetRoleCredentials` against the in-process loopback fake | {} | |\n\
         | 1,000 concurrent `get()` on one cold provider (2 worker threads; one load serves all, as the tests assert: 1 `GetRoleCredentials`) | {} | |\n\n\
         The cached path takes one uncontended `std::sync::RwLock` read and clones an `Arc`.\n",
        ns(cached),
        met(cached < Duration::from_nanos(100)),
        us(cold),
        ms(thousand)
    );

    Ok(())
}

fn cli_section(w: &mut String, f: &Figures<'_>) {
    let cli = f.cli;
    #[allow(clippy::cast_precision_loss, reason = "a size shown in MiB")]
    let mib = cli.size as f64 / 1024.0 / 1024.0;
    let _ = writeln!(
        w,
        "## cli: a cold `ssokit credentials`\n\n\
         `cargo xtask bench-cli 200`: each run is a new `ssokit credentials --profile s --no-disk-cache` process\n\
         (release build) with an empty environment but `HOME` (a sandbox config and a valid\n\
         session token) and the endpoint overrides pointing at the loopback fake portal: parse\n\
         both files, read the token, one `GetRoleCredentials`, print the JSON. Spawn to exit,\n\
         200 runs after 5 warm-up runs. The floor is `ssokit --version` timed the same way.\n\n\
         | measure | figure | target |\n|---|---|---|\n\
         | median | {} | under 3 ms: {} |\n\
         | p90 | {} | |\n\
         | min / max | {} / {} | |\n\
         | floor (`--version`), median | {} | |\n\
         | the same command answered from the role credential cache (the CLI's default; an entry valid for an hour: no token read, no lock, no request), median / p90 | {} / {} | |\n\
         | a three-role chain (`--profile h3`: `GetRoleCredentials`, then three `AssumeRole` each signed by the hop below, the fake checking every signature), median / p90 | {} / {} | |\n\
         | nothing configured but the container endpoint (the fake, `AWS_CONTAINER_CREDENTIALS_FULL_URI`): the whole default chain to the container's credentials, median | {} | |\n\
         | no instance metadata service: IMDS at a closed loopback port, to the K-ANY error (one connection attempt), median | {} | |\n\
         | an instance metadata service that never answers: a loopback listener that accepts and stays silent, to the K-ANY error (one connection, the 1 s absence bound), median of {} runs | {} | at most about 1 s plus the floor |\n\
         | release binary, stripped | {} bytes ({mib:.2} MiB) | under 4 MB: {} |\n\
         | clean release build of the CLI (empty target folder, `cargo build --release --locked -p ssokit-cli`) | {:.0} s | |\n\
         | crates in the CLI's build (normal dependencies, this host) | {} | |\n",
        ms(cli.median),
        met(cli.median < Duration::from_millis(3)),
        ms(cli.p90),
        ms(cli.min),
        ms(cli.max),
        ms(cli.floor_median),
        ms(cli.disk_median),
        ms(cli.disk_p90),
        ms(cli.chain_median),
        ms(cli.chain_p90),
        ms(cli.container_median),
        ms(cli.absent_imds_median),
        cli.silent_imds_runs,
        ms(cli.silent_imds_median),
        cli.size,
        met(cli.size < 4_000_000),
        f.build.as_secs_f64(),
        f.crates + 1,
    );
    match f.memory {
        Some((credentials, profiles)) => {
            let _ = writeln!(
                w,
                "Peak memory (GNU `time -f %M`, maximum resident set): a cold `ssokit credentials`\n\
                 {credentials} KiB; `ssokit profiles` over the 10,000-profile config {profiles} KiB.\n"
            );
        }
        None => {
            let _ = writeln!(
                w,
                "Peak memory: not measured (GNU `time` is not installed).\n"
            );
        }
    }
}

fn listing_section(w: &mut String, runs: &[ListingRun]) {
    let _ = writeln!(
        w,
        "## Listing accounts and roles\n\n\
         `cargo xtask bench-listing --release`: `ssokit accounts` and `ssokit roles --format json`\n\
         over a fake organisation of {} accounts × {} roles (100 accounts per page), without\n\
         and with 429s. Real waits: at most 10 request starts a second, at most 4 in flight,\n\
         and after a 429 no request starts until its retry delay has passed.\n\n\
         | run | wall time | requests | 429s | most in flight | starts/s | output |\n\
         |---|---|---|---|---|---|---|",
        crate::bench_listing::ACCOUNTS,
        crate::bench_listing::ROLES
    );
    for run in runs {
        let _ = writeln!(
            w,
            "| {} | {:.1} s | {} | {} | {} | {:.1} | {} |",
            run.name,
            run.elapsed.as_secs_f64(),
            run.requests,
            run.throttled,
            run.max_in_flight,
            run.starts_per_second(),
            if run.passed() {
                "complete"
            } else {
                run.problem.as_str()
            }
        );
    }
    let _ = writeln!(w);
}

fn storm_section(w: &mut String, s: &Storm) {
    let _ = writeln!(
        w,
        "## The refresh storm\n\n\
         `cargo xtask storm --processes {}` (release build): {} `ssokit credentials --profile s`\n\
         processes started together on one session token inside the 300 s refresh window;\n\
         the fake portal answers `CreateToken` after 200 ms so the processes overlap.\n\n\
         | measure | figure |\n|---|---|\n\
         | processes that printed credentials | {}/{} |\n\
         | `CreateToken` calls | {} (target: exactly 1: {}) |\n\
         | `GetRoleCredentials` calls | {} |\n\
         | cache file afterwards | {} |\n\
         | wall time for all processes | {:.0} ms |\n\n\
         CI runs the same drill with 32 processes (debug build) on every submission.\n",
        s.processes,
        s.processes,
        s.processes - s.failures.len(),
        s.processes,
        s.create_token,
        met(s.create_token == 1),
        s.get_role_credentials,
        s.cache_state,
        s.elapsed.as_secs_f64() * 1000.0
    );
}

/// What was measured and tried on the parser, kept with the figures it explains.
const PARSE_NOTES: &str = "
How the parse got here, measured with `valgrind --tool=callgrind` (instruction counts) and
`--tool=cachegrind --branch-sim=yes` (branch misses), which do not vary with load, and
`perf stat -e page-faults`: an allocation-per-property first design took 11.6 ms; an arena,
interned keys, span-keyed section tables and byte loops brought it to 4.3 ms (45 million
instructions). Then:
- an index instead of byte loops (`scan.rs`): each 64-byte block becomes bitmasks of
  newlines, `=` and `#`/`;` with 16-byte vector compares (`wide`, safe code; `memchr`
  per line cost about 50 instructions a call), and the grammar walks lines by their newline
  bits, finding a line's `=` and comments by masking: 4.3 to 1.9 ms;
- a direct-mapped cache of exact key spellings in front of the interner, headers
  classified by their fixed prefixes, sections left in definition order (lookups scan a few
  entries from the end), continuation values joined into one shared string, a
  register-sized per-line error and a builder that owns what it fills: 1.9 to 1.65 ms,
  about 21 million instructions;
- less fresh memory: a parse first wrote about 318 pages it did not have before; on this
  VM a first-touch page fault costs about 2.3 us, so that was about 0.7 ms in a cold
  process, and the benchmark moved between about 1.7 and 3.2 ms with whether the
  allocator handed back pages it already had. Compact records (32-bit spans and lines),
  section records in a dense vector behind a table of 4-byte indices, and finally no
  property records at all (a lookup reads the section's few lines again; a parse keeps
  one record per section) brought it to about 140 pages, and the figure to about 1.55 ms,
  the same in three runs in a row.
Tried and dropped: writing eight line slots per block without a branch (simdjson-style)
cost more than the branch misses it saved. The scan itself takes about 0.16 ms; what
remains is per-line work (about 150 instructions a line, plus branch misses from the random
mix of line kinds) and hashing 10,000 section names. This VM's timings also sometimes
double for minutes at a time, for every benchmark alike; instruction counts do not.
";
