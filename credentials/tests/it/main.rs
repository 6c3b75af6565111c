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

mod assignments;
mod cache;
mod conformance;
mod console;
mod container;
mod drills;
mod environment;
mod error;
mod imds;
mod login;
mod logout;
mod plan;
mod process;
mod profile;
mod role;
mod role_cache;
mod session;
mod sso;
mod sso_http;
mod token;
mod types;
mod web_identity;

use std::net::SocketAddr;
use std::ops::Deref;
use std::time::Duration;

use ssokit_config_parser::Env;
use ssokit_credentials::{
    ProfileCredentialsProvider, ProviderConfig, SsoCredentialsProvider, SsoTokenProvider, TestClock,
};
use ssokit_fake_portal::sandbox::Sandbox;
use ssokit_fake_portal::{Operation, RecordedRequest};
use ssokit_http::HttpSettings;
use ssokit_token_cache::LockOptions;

pub use ssokit_fake_portal::sandbox::{
    Capture, LEGACY_CACHE, NOW, SESSION_CACHE, assert_no_secret, conformance_dir, copy_tree, ts,
};

/// One scenario's world: a [`Sandbox`] (a temporary HOME holding a copy of the §13 tree,
/// and the fake portal), the test clock, the environment snapshot and the HTTP settings.
pub struct World {
    sandbox: Sandbox,
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
        let sandbox = Sandbox::new();
        Self {
            env: Env::from_pairs(sandbox.env_pairs()),
            sandbox,
            clock: TestClock::new(ts(NOW)),
            settings: HttpSettings::default().without_retry_delay(),
        }
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

    /// Sends requests for `host` to a [`closed_port`], one attempt each: a regional endpoint
    /// is tried without anything leaving the machine.
    pub fn pin_to_closed_port(&mut self, host: &str) {
        self.settings = self
            .settings
            .clone()
            .max_attempts(1)
            .resolve_to(host, closed_port());
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

    /// The requests the fake received for `operation`, in order.
    pub fn requests_of(&self, operation: Operation) -> Vec<RecordedRequest> {
        self.portal
            .requests()
            .into_iter()
            .filter(|r| r.operation == Some(operation))
            .collect()
    }

    /// Points IMDS at the fake (instead of leaving it disabled, as every world starts).
    pub fn use_fake_imds(&mut self) {
        self.unset_env("AWS_EC2_METADATA_DISABLED");
        let url = self.portal.url().to_owned();
        self.set_env("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url);
    }

    pub fn profile(&self, profile: &str) -> ProfileCredentialsProvider {
        ProfileCredentialsProvider::builder(self.config())
            .profile_name(profile)
            .build()
    }
}

/// A loopback address that nothing listens on (bound, then closed): connecting is refused.
pub fn closed_port() -> SocketAddr {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    closed.local_addr().unwrap()
}

impl Deref for World {
    type Target = Sandbox;

    fn deref(&self) -> &Sandbox {
        &self.sandbox
    }
}
