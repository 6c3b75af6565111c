//! `cargo xtask storm --processes N`: the refresh-storm drill. N real `ssokit credentials`
//! processes start together on one session token that is inside the 300 s refresh window,
//! against the loopback fake portal (`CreateToken` delayed 200 ms, so they really overlap).
//! Reports how many `CreateToken` and `GetRoleCredentials` calls the portal saw and whether
//! the cache file is still valid, and fails unless there was exactly one `CreateToken`,
//! every process printed credentials, and the file parses with its unknown field kept.

use std::process::Stdio;
use std::time::{Duration, Instant};

use ssokit_fake_portal::{Answer, Operation};
use ssokit_token_cache::CachedToken;

use crate::demo::{
    SESSION_CACHE, build, in_seconds, sandboxed, session_cache, start_portal, write_sandbox,
};
use crate::workspace::Workspace;

pub(crate) fn run(ws: &Workspace, args: &[&str]) -> Result<(), String> {
    let (processes, release) = parse_args(args)?;
    let storm = drill(ws, processes, release)?;
    println!("\n== storm: {processes} `ssokit credentials --profile s` processes started together");
    println!("   token inside the refresh window; CreateToken answers after 200 ms");
    println!(
        "   processes that printed credentials: {}/{processes}",
        processes - storm.failures.len()
    );
    println!(
        "   CreateToken calls:                  {}",
        storm.create_token
    );
    println!(
        "   GetRoleCredentials calls:           {}",
        storm.get_role_credentials
    );
    println!(
        "   cache file:                         {}",
        storm.cache_state
    );
    println!(
        "   wall time for all processes:        {:.0} ms",
        storm.elapsed.as_secs_f64() * 1000.0
    );
    for failure in storm.failures.iter().take(5) {
        println!("   failed: {failure}");
    }
    if storm.passed() {
        Ok(())
    } else {
        Err("the storm drill failed (see above)".to_owned())
    }
}

/// What one storm found.
pub(crate) struct Storm {
    pub(crate) processes: usize,
    pub(crate) failures: Vec<String>,
    pub(crate) create_token: usize,
    pub(crate) get_role_credentials: usize,
    pub(crate) cache_state: String,
    pub(crate) elapsed: Duration,
}

impl Storm {
    /// Exactly one `CreateToken`, every process printed credentials, the cache is valid.
    pub(crate) fn passed(&self) -> bool {
        self.create_token == 1 && self.failures.is_empty() && self.cache_state.starts_with("valid")
    }
}

/// Runs the storm and reports what the portal and the cache file show.
pub(crate) fn drill(ws: &Workspace, processes: usize, release: bool) -> Result<Storm, String> {
    let binary = build(ws, release)?;
    let home = tempfile::tempdir().map_err(|e| format!("could not make a sandbox HOME: {e}"))?;
    write_sandbox(home.path())?;
    let cache = home.path().join(SESSION_CACHE);
    std::fs::write(&cache, session_cache(&in_seconds(60)))
        .map_err(|e| format!("{}: {e}", cache.display()))?;
    let portal = start_portal()?;
    portal.script(
        Operation::CreateToken,
        [Answer::default_for(Operation::CreateToken).delay(Duration::from_millis(200))],
    );

    let started = Instant::now();
    let children = (0..processes)
        .map(|_| {
            sandboxed(
                &binary,
                home.path(),
                &portal,
                &["credentials", "--profile", "s"],
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", binary.display()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut failures = Vec::new();
    for child in children {
        let output = child
            .wait_with_output()
            .map_err(|e| format!("could not wait for ssokit: {e}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() || !stdout.contains("\"AccessKeyId\": \"ASIAMOCKACCESSKEY\"") {
            failures.push(format!(
                "{}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
    }
    let elapsed = started.elapsed();

    let create_token = portal.count(Operation::CreateToken);
    let get_role_credentials = portal.count(Operation::GetRoleCredentials);
    let bytes = std::fs::read(&cache).map_err(|e| format!("{}: {e}", cache.display()))?;
    let cache_state = match CachedToken::parse(&bytes, &cache) {
        Ok(Some(token)) if token.access_token() == "at-2" => {
            if String::from_utf8_lossy(&bytes).contains("\"x-extra\": 1.50") {
                "valid (at-2, rt-2, \"x-extra\": 1.50 kept)".to_owned()
            } else {
                "INVALID: the unknown field was lost".to_owned()
            }
        }
        Ok(Some(_)) => "INVALID: not the refreshed token".to_owned(),
        Ok(None) => "INVALID: empty".to_owned(),
        Err(e) => format!("INVALID: {e}"),
    };

    Ok(Storm {
        processes,
        failures,
        create_token,
        get_role_credentials,
        cache_state,
        elapsed,
    })
}

fn parse_args(args: &[&str]) -> Result<(usize, bool), String> {
    let mut processes = 32;
    let mut release = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--processes" => {
                processes = rest
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| (1..=512).contains(n))
                    .ok_or("--processes takes a number from 1 to 512")?;
            }
            "--release" => release = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok((processes, release))
}
