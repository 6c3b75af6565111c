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
    clippy::expect_used,
    clippy::missing_panics_doc,
    reason = "test code, helpers included: a failed unwrap is a failed test"
)]

#[cfg(feature = "aws-sdk")]
mod aws_sdk;
mod chains;
mod defaults;
mod error;
mod process;

use std::fs;
use std::path::{Path, PathBuf};

use ssokit_chain::config::Env;
use ssokit_chain::sso_client::HttpSettings;
use ssokit_chain::{DefaultProviders, ProviderConfig, TestClock};
use ssokit_fake_portal::{FakePortal, Operation};

/// The fixtures' clock.
pub const NOW: &str = "2026-03-01T12:00:00Z";

/// The generated §13 home of the credentials crate.
pub fn generated_home() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../credentials/tests/generated/home")
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

/// A temporary HOME (a copy of the §13 tree, or empty), the fake portal, the test clock
/// and the environment snapshot.
pub struct World {
    pub home: tempfile::TempDir,
    pub portal: FakePortal,
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
        let world = Self::empty();
        copy_tree(&generated_home(), world.home.path());
        world
    }

    /// An empty home, the portal as the endpoints.
    pub fn empty() -> Self {
        let home = tempfile::tempdir().unwrap();
        let portal = FakePortal::start().unwrap();
        let env = Env::from_pairs([
            ("HOME", home.path().to_str().unwrap()),
            ("AWS_ENDPOINT_URL_SSO", portal.url()),
            ("AWS_ENDPOINT_URL_SSO_OIDC", portal.url()),
        ]);
        Self {
            home,
            portal,
            clock: TestClock::new(NOW.parse().unwrap()),
            env,
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.home.path().join(rel)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
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

    pub fn gets(&self) -> usize {
        self.portal.count(Operation::GetRoleCredentials)
    }

    pub fn posts(&self) -> usize {
        self.portal.count(Operation::CreateToken)
    }
}
