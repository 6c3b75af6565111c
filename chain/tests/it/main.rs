//! Integration tests of `ssokit-chain`; the modules mirror `src/`.
//!
//! Tests copy the generated SPEC §13 home (`credentials/tests/generated/home`, written by
//! `cargo xtask fixtures`) into a temporary HOME, inject the environment and a test clock,
//! and talk to the loopback fake portal. Nothing reads the real environment or HOME except
//! the `process` module's tests of the functions that exist to do so. Test names carry the
//! SPEC §13 scenario numbers.

#![allow(missing_docs, unreachable_pub, reason = "test code")]
#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

#[cfg(feature = "aws-sdk")]
mod aws_sdk;
mod chains;
mod conformance;
mod defaults;
mod error;
mod metadata;
mod process;

use std::ops::Deref;

use ssokit_chain::config::Env;
use ssokit_chain::http::HttpSettings;
use ssokit_chain::{DefaultProviders, ProviderConfig, TestClock};
use ssokit_fake_portal::sandbox::{Sandbox, ts};

pub use ssokit_fake_portal::sandbox::NOW;

/// A [`Sandbox`] (a temporary HOME, a copy of the §13 tree or empty, and the fake portal),
/// the test clock and the environment snapshot.
pub struct World {
    sandbox: Sandbox,
    pub clock: TestClock,
    pub env: Env,
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

impl World {
    /// The §13 home with the portal as the SSO and OIDC endpoint.
    pub fn new() -> Self {
        Self::around(Sandbox::new())
    }

    /// An empty home, the portal as the endpoints.
    pub fn empty() -> Self {
        Self::around(Sandbox::empty())
    }

    fn around(sandbox: Sandbox) -> Self {
        Self {
            env: Env::from_pairs(sandbox.env_pairs()),
            sandbox,
            clock: TestClock::new(ts(NOW)),
        }
    }

    pub fn unset_env(&mut self, name: &str) {
        self.env = self.env.clone().without(name);
    }

    pub fn set_env(&mut self, name: &str, value: &str) {
        self.env = self.env.clone().with(name, value);
    }

    pub fn config(&self) -> ProviderConfig {
        ProviderConfig::new(self.env.clone(), self.clock.clone())
            .with_http_settings(HttpSettings::default().without_retry_delay())
    }

    pub fn defaults(&self) -> DefaultProviders {
        DefaultProviders::new(self.config())
    }
}

impl Deref for World {
    type Target = Sandbox;

    fn deref(&self) -> &Sandbox {
        &self.sandbox
    }
}
