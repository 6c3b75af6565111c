//! Integration tests of `ssokit-credentials`; the modules mirror `src/`.
//!
//! Every test copies the generated SPEC §13 home (`tests/generated/home`, written by
//! `cargo xtask fixtures`) into a temporary HOME, varies the copy, and talks to the
//! loopback fake portal through `AWS_ENDPOINT_URL_SSO` / `AWS_ENDPOINT_URL_SSO_OIDC` in the
//! injected environment. Nothing reads the real environment or HOME. Test names carry the
//! SPEC §13 scenario numbers.

#![allow(missing_docs, unreachable_pub, reason = "test code")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    clippy::missing_panics_doc,
    reason = "test code, helpers included: a failed unwrap is a failed test; tests report to stderr"
)]

mod cache;
mod conformance;
mod drills;
mod environment;
mod error;
mod process;
mod profile;
mod session;
mod sso;
mod token;
mod types;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use jiff::Timestamp;
use ssokit_config_parser::Env;
use ssokit_credentials::{
    ProfileCredentialsProvider, ProviderConfig, SsoCredentialsProvider, SsoTokenProvider, TestClock,
};
use ssokit_fake_portal::{FakePortal, Operation};
use ssokit_sso_client::HttpSettings;
use ssokit_token_cache::LockOptions;

/// The fixtures' clock.
pub const NOW: &str = "2026-03-01T12:00:00Z";
/// The cache file of L's start URL.
pub const LEGACY_CACHE: &str = ".aws/sso/cache/40a89917e3175433e361b710a9d43528d7f1890a.json";
/// The cache file of sso-session `dev`.
pub const SESSION_CACHE: &str = ".aws/sso/cache/34c6fceca75e456f25e7e99531e2425c6c1de443.json";

pub fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// The generated home.
pub fn generated_home() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/generated/home")
}

pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// One scenario's world: a temporary HOME holding a copy of the §13 tree, the fake portal,
/// the test clock and the environment snapshot.
pub struct World {
    pub home: tempfile::TempDir,
    pub portal: FakePortal,
    pub clock: TestClock,
    pub env: Env,
    pub settings: HttpSettings,
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

impl World {
    /// The §13 home with the portal as the SSO and OIDC endpoint.
    pub fn new() -> Self {
        let home = tempfile::tempdir().unwrap();
        copy_tree(&generated_home(), home.path());
        let portal = FakePortal::start().unwrap();
        let env = Env::from_pairs([
            ("HOME", home.path().to_str().unwrap()),
            ("AWS_ENDPOINT_URL_SSO", portal.url()),
            ("AWS_ENDPOINT_URL_SSO_OIDC", portal.url()),
        ]);
        Self {
            home,
            portal,
            clock: TestClock::new(ts(NOW)),
            env,
            settings: HttpSettings::default().without_retry_delay(),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.home.path().join(rel)
    }

    pub fn home_str(&self) -> String {
        self.home.path().display().to_string()
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap()
    }

    pub fn remove(&self, rel: &str) {
        fs::remove_file(self.path(rel)).unwrap();
    }

    pub fn set_env(&mut self, name: &str, value: &str) {
        self.env = self.env.clone().with(name, value);
    }

    pub fn unset_env(&mut self, name: &str) {
        self.env = self.env.clone().without(name);
    }

    /// Replaces `expiresAt` of the session cache file, keeping everything else.
    pub fn session_expires_at(&self, value: &str) {
        let text = self
            .read(SESSION_CACHE)
            .replace("\"2026-03-01T14:00:00Z\"", value);
        self.write(SESSION_CACHE, text);
    }

    pub fn config(&self) -> ProviderConfig {
        ProviderConfig::new(self.env.clone(), self.clock.clone())
            .with_http_settings(self.settings.clone())
            .with_corrupt_retry_delay(Duration::from_millis(1))
            .with_lock_options(
                LockOptions::default()
                    .with_poll_interval(Duration::from_millis(1), Duration::from_millis(5)),
            )
    }

    pub fn sso(&self, profile: &str) -> SsoCredentialsProvider {
        SsoCredentialsProvider::builder(self.config())
            .profile_name(profile)
            .build()
    }

    pub fn token(&self, profile: &str) -> SsoTokenProvider {
        SsoTokenProvider::builder(self.config())
            .profile_name(profile)
            .build()
    }

    pub fn profile(&self, profile: &str) -> ProfileCredentialsProvider {
        ProfileCredentialsProvider::builder(self.config())
            .profile_name(profile)
            .build()
    }

    pub fn gets(&self) -> usize {
        self.portal.count(Operation::GetRoleCredentials)
    }

    pub fn posts(&self) -> usize {
        self.portal.count(Operation::CreateToken)
    }
}

/// The shared conformance folder, or `None` (loudly) when absent and not required.
#[allow(
    clippy::disallowed_methods,
    reason = "tests locate the shared conformance data through the environment"
)]
pub fn conformance_dir(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("SSOKIT_CONFORMANCE_DIR")
        .filter(|v| !v.is_empty())
        .map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"),
            PathBuf::from,
        );
    if dir.is_dir() {
        return Some(dir);
    }
    let required = std::env::var("SSOKIT_REQUIRE_CONFORMANCE").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "{test}: conformance data not found at {} and SSOKIT_REQUIRE_CONFORMANCE=1",
        dir.display()
    );
    eprintln!(
        "\n!!!!!! {test}: SKIPPED: conformance data not found at {} \
         (set SSOKIT_CONFORMANCE_DIR, or SSOKIT_REQUIRE_CONFORMANCE=1 to fail) !!!!!!\n",
        dir.display()
    );
    None
}

/// Records, as text, every tracing event and span field emitted on the test's thread while
/// started (the current-thread runtime of a `#[tokio::test]` runs the spawned tasks there).
///
/// One global subscriber routes events to the capture of the emitting thread: scoped
/// dispatchers per test race with each other's callsite-interest rebuilds.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<String>>>);

thread_local! {
    static CURRENT: std::cell::RefCell<Option<Capture>> = const { std::cell::RefCell::new(None) };
}

static INSTALL: std::sync::Once = std::sync::Once::new();

/// Stops the capture of this thread when dropped.
pub struct CaptureGuard;

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        CURRENT.with(|c| c.borrow_mut().take());
    }
}

impl Capture {
    pub fn start() -> (Self, CaptureGuard) {
        INSTALL.call_once(|| {
            tracing::subscriber::set_global_default(Router).unwrap();
        });
        let capture = Self::default();
        CURRENT.with(|c| *c.borrow_mut() = Some(capture.clone()));
        (capture, CaptureGuard)
    }

    pub fn lines(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn text(&self) -> String {
        self.lines().join("\n")
    }
}

fn record(line: String) {
    CURRENT.with(|c| {
        if let Some(capture) = c.borrow().as_ref() {
            capture
                .0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(line);
        }
    });
}

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write;
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

struct Router;

impl tracing::Subscriber for Router {
    fn register_callsite(
        &self,
        _: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::always()
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut fields = Fields(format!("span {}", span.metadata().name()));
        span.record(&mut fields);
        record(fields.0);
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut fields = Fields("record".to_owned());
        values.record(&mut fields);
        record(fields.0);
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields(format!("{}", event.metadata().level()));
        event.record(&mut fields);
        record(fields.0);
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

/// Every secret of the §13 fixtures and the fake portal.
pub const SECRETS: &[&str] = &[
    "legacy-at",
    "session-at",
    "at-2",
    "rt-1",
    "rt-2",
    "csecret",
    "mockSecretKey",
    "mockSessionToken",
];

pub fn assert_no_secret(text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret} appears in: {text}");
    }
}
