//! `cargo xtask bench-listing [--release]`: `ssokit accounts` and `ssokit roles` over a fake
//! organisation of 500 accounts × 3 roles (100 accounts per `ListAccounts` page), once
//! without throttling and once with 429s (a throttled `ListAccounts` page and one 429 for
//! every 25th account's roles). Reports each run's wall time, the requests the portal saw,
//! the 429s among them, the most requests it answered at once and the start rate, and
//! fails unless every run printed every row and the pacing held (at most 4 in flight).
//!
//! The real process, the real clock: the pacing (at most 10 request starts a second) and the
//! retry delays after a 429 (the shared pause) are real waits, so a `roles` run takes about
//! a minute. Not part of CI.

use std::process::Stdio;
use std::time::{Duration, Instant};

use ssokit_fake_portal::{Answer, FakePortal, Operation, Organisation};

use crate::demo::{build, sandboxed, write_sandbox};
use crate::workspace::Workspace;

/// Accounts of the benchmark organisation.
pub(crate) const ACCOUNTS: usize = 500;
/// Roles per account.
pub(crate) const ROLES: usize = 3;
/// Every this-many-th account's roles answer 429 once in the throttled runs.
const THROTTLE_EVERY: usize = 25;

pub(crate) fn run(ws: &Workspace, args: &[&str]) -> Result<(), String> {
    let release = match args {
        [] => false,
        ["--release"] => true,
        _ => {
            return Err(format!(
                "unexpected arguments {args:?}; usage: bench-listing [--release]"
            ));
        }
    };
    let runs = drill(ws, release)?;
    println!(
        "\n== listings over {ACCOUNTS} accounts × {ROLES} roles ({} build)",
        if release { "release" } else { "debug" }
    );
    println!(
        "   {:<44} {:>9} {:>9} {:>6} {:>10} {:>10}",
        "run", "wall", "requests", "429s", "in flight", "starts/s"
    );
    for run in &runs {
        println!(
            "   {:<44} {:>7.1} s {:>9} {:>6} {:>10} {:>10.1}",
            run.name,
            run.elapsed.as_secs_f64(),
            run.requests,
            run.throttled,
            run.max_in_flight,
            run.starts_per_second()
        );
    }
    let failed: Vec<&ListingRun> = runs.iter().filter(|r| !r.passed()).collect();
    if failed.is_empty() {
        Ok(())
    } else {
        for run in failed {
            println!("   failed: {}: {}", run.name, run.problem);
        }
        Err("the listing benchmark failed (see above)".to_owned())
    }
}

/// One timed run.
pub(crate) struct ListingRun {
    pub(crate) name: &'static str,
    pub(crate) elapsed: Duration,
    /// `ListAccounts` and `ListAccountRoles` requests the portal received.
    pub(crate) requests: usize,
    /// How many of them were answered 429.
    pub(crate) throttled: usize,
    pub(crate) max_in_flight: usize,
    /// Empty when the run printed what it should.
    pub(crate) problem: String,
}

impl ListingRun {
    pub(crate) fn passed(&self) -> bool {
        self.problem.is_empty()
    }

    /// Requests started per second of wall time.
    pub(crate) fn starts_per_second(&self) -> f64 {
        #[allow(clippy::cast_precision_loss, reason = "a request count far below 2^52")]
        let requests = self.requests as f64;
        requests / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }
}

/// Builds the CLI and times the four runs: `accounts` and `roles`, without and with 429s.
pub(crate) fn drill(ws: &Workspace, release: bool) -> Result<Vec<ListingRun>, String> {
    let binary = build(ws, release)?;
    let home = tempfile::tempdir().map_err(|e| format!("could not make a sandbox HOME: {e}"))?;
    write_sandbox(home.path())?;
    let mut runs = Vec::new();
    for (name, args, throttled, rows) in [
        ("accounts", "accounts", false, ACCOUNTS),
        ("roles", "roles", false, ACCOUNTS * ROLES),
        (
            "accounts, page 3 throttled once",
            "accounts",
            true,
            ACCOUNTS,
        ),
        (
            "roles, page 3 and every 25th account once",
            "roles",
            true,
            ACCOUNTS * ROLES,
        ),
    ] {
        let portal = portal(throttled)?;
        let mut command = sandboxed(
            &binary,
            home.path(),
            &portal,
            &[args, "--sso-session", "dev", "--format", "json"],
        );
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let start = Instant::now();
        let output = command
            .output()
            .map_err(|e| format!("could not run {}: {e}", binary.display()))?;
        let elapsed = start.elapsed();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let printed = stdout.matches("\"accountId\"").count();
        let requests =
            portal.count(Operation::ListAccounts) + portal.count(Operation::ListAccountRoles);
        let throttled_answers = if throttled {
            1 + if args == "roles" {
                ACCOUNTS / THROTTLE_EVERY
            } else {
                0
            }
        } else {
            0
        };
        let max_in_flight = portal.max_in_flight();
        let problem = if !output.status.success() {
            format!(
                "exit {}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            )
        } else if printed != rows {
            format!("printed {printed} rows, expected {rows}")
        } else if max_in_flight > 4 {
            format!("{max_in_flight} requests in flight at once (at most 4)")
        } else {
            String::new()
        };
        runs.push(ListingRun {
            name,
            elapsed,
            requests,
            throttled: throttled_answers,
            max_in_flight,
            problem,
        });
    }
    Ok(runs)
}

/// A fake portal with the benchmark organisation; `throttled`: the third `ListAccounts`
/// page answers 429 once, and every 25th account's roles once.
fn portal(throttled: bool) -> Result<FakePortal, String> {
    let portal =
        FakePortal::start().map_err(|e| format!("could not start the fake portal: {e}"))?;
    let mut organisation = Organisation::generated(ACCOUNTS, ROLES).page_size(100);
    if throttled {
        for account in organisation
            .accounts()
            .iter()
            .step_by(THROTTLE_EVERY)
            .map(|a| a.account_id.clone())
            .collect::<Vec<_>>()
        {
            organisation = organisation.throttle_roles(&account, 1);
        }
        let page = Answer::default_for(Operation::ListAccounts);
        portal.script(
            Operation::ListAccounts,
            [
                page.clone(),
                page.clone(),
                Answer::service_error(
                    Operation::ListAccounts,
                    "TooManyRequestsException",
                    "Too many requests",
                ),
                page,
            ],
        );
    }
    portal.organisation(organisation);
    Ok(portal)
}
