//! Integration tests of the `ssokit` binary: each runs the built binary with an empty
//! environment, `HOME` set to a temporary copy of the SPEC §13 home (its cache expiry
//! times rewritten relative to the real clock, which the binary uses) and the SSO and OIDC
//! endpoints set to the loopback fake portal. Modules mirror `src/`; test names carry
//! SPEC §13 scenario numbers.

#![allow(missing_docs, unreachable_pub, reason = "test code")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::missing_panics_doc,
    reason = "test code, helpers included: a failed unwrap is a failed test"
)]

mod accounts;
mod aws_cli;
#[cfg(unix)]
mod browser;
mod console;
mod doctor;
mod exec;
mod format;
mod generated_docs;
mod interop;
mod login;
mod main_cmd;
mod metadata;
mod profiles;
mod role_cache;
mod roles;
mod trace;

use std::ops::Deref;
use std::process::{Command, Output};
use std::time::Duration;

use jiff::Timestamp;
use ssokit_fake_portal::sandbox;

// The §13 cache files, and the values that must never reach stderr (or `profiles`' stdout).
pub use ssokit_fake_portal::sandbox::{LEGACY_CACHE, SECRETS, SESSION_CACHE};

/// A tool an interop test needs: `found`, or `None` after saying that `test` is skipped
/// for want of `missing` (`install` says how to get it); a failure when the variable
/// `required_by` is set, as CI sets it after installing the tool.
#[allow(
    clippy::print_stderr,
    reason = "a skipped test says so on stderr, loudly"
)]
pub fn or_skip<T>(
    found: Option<T>,
    test: &str,
    required_by: &str,
    missing: &str,
    install: &str,
) -> Option<T> {
    if found.is_none() {
        #[allow(
            clippy::disallowed_methods,
            reason = "the test asks the CI environment whether the tool is required"
        )]
        let required = std::env::var_os(required_by).is_some();
        assert!(!required, "{required_by} is set but there is {missing}");
        eprintln!("{test}: SKIPPED: {missing} ({install})");
    }
    found
}

/// Profile `s`'s role credential cache entry (SPEC §21), relative to the home.
pub const S_ENTRY: &str = ".aws/cli/cache/9eed7d016ae9398e5d2c4152bf33123c25e9740f.json";

/// RFC 3339, whole seconds.
pub fn time(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The real time, whole seconds, plus `seconds` (may be negative).
#[allow(
    clippy::disallowed_methods,
    reason = "the ssokit binary under test reads the real clock, so its cache files are dated from it"
)]
pub fn now_plus(seconds: i64) -> String {
    time(Timestamp::from_second(Timestamp::now().as_second() + seconds).unwrap())
}

/// A [`sandbox::Sandbox`] (a temporary HOME with the §13 tree, the fake portal), and the
/// expiry times in use.
pub struct Sandbox {
    base: sandbox::Sandbox,
    /// `expiresAt` of both cache files: two hours from now.
    pub expires_at: String,
    extra_env: Vec<(String, String)>,
    removed_env: Vec<String>,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    /// The §13 home, both tokens valid for two hours, the client registration for 90 days.
    pub fn new() -> Self {
        let sandbox = Self {
            base: sandbox::Sandbox::new(),
            expires_at: now_plus(7200),
            extra_env: Vec::new(),
            removed_env: Vec::new(),
        };
        sandbox.set_expires_at(LEGACY_CACHE, &sandbox.expires_at.clone());
        sandbox.set_expires_at(SESSION_CACHE, &sandbox.expires_at.clone());
        let text = sandbox
            .read(SESSION_CACHE)
            .replace("2026-06-01T00:00:00Z", &now_plus(90 * 86_400));
        sandbox.write(SESSION_CACHE, text);
        sandbox
    }

    /// Replaces the `expiresAt` value of a cache file.
    pub fn set_expires_at(&self, rel: &str, value: &str) {
        let text = self.read(rel);
        let start = text.find("\"expiresAt\": \"").unwrap() + "\"expiresAt\": \"".len();
        let end = start + text[start..].find('"').unwrap();
        self.write(rel, format!("{}{value}{}", &text[..start], &text[end..]));
    }

    /// Takes the `refreshToken` out of a cache file.
    pub fn drop_refresh_token(&self, rel: &str) {
        let text: String = self
            .read(rel)
            .lines()
            .filter(|l| !l.contains("\"refreshToken\""))
            .collect::<Vec<_>>()
            .join("\n")
            .replace(",\n}", "\n}");
        self.write(rel, text);
    }

    pub fn env(&mut self, name: &str, value: &str) {
        self.extra_env.push((name.to_owned(), value.to_owned()));
    }

    /// Leaves `name` out of the sandbox's environment.
    pub fn unset(&mut self, name: &str) {
        self.removed_env.push(name.to_owned());
    }

    /// The command, not yet run.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ssokit"));
        command
            .args(args)
            .env_clear()
            .envs(self.env_pairs())
            .env("AWS_MAX_ATTEMPTS", "1");
        for (name, value) in &self.extra_env {
            command.env(name, value);
        }
        for name in &self.removed_env {
            command.env_remove(name);
        }
        command
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run(self.command(args).output().unwrap())
    }
}

impl Deref for Sandbox {
    type Target = sandbox::Sandbox;

    fn deref(&self) -> &sandbox::Sandbox {
        &self.base
    }
}

/// A finished run.
pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().unwrap()
    }

    pub fn stdout(&self) -> String {
        String::from_utf8(self.0.stdout.clone()).unwrap()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8(self.0.stderr.clone()).unwrap()
    }

    /// Exit 0, empty stderr; the stdout.
    pub fn success(&self) -> String {
        assert_eq!(self.code(), 0, "stderr: {}", self.stderr());
        assert_eq!(self.stderr(), "");
        self.stdout()
    }

    /// Exit 1, empty stdout, no secret on stderr; the stderr.
    pub fn failure(&self) -> String {
        assert_eq!(
            self.code(),
            1,
            "stdout: {} stderr: {}",
            self.stdout(),
            self.stderr()
        );
        assert_eq!(self.stdout(), "");
        let stderr = self.stderr();
        for secret in SECRETS {
            assert!(!stderr.contains(secret), "{secret} on stderr: {stderr}");
        }
        stderr
    }
}

/// Retry-free waits for a slow fake answer.
pub const SLOW: Duration = Duration::from_millis(300);
