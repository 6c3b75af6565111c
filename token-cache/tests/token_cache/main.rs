//! Integration tests of `ssokit-token-cache`; the modules mirror `src/`.
//!
//! Fixtures come from `tests/generated/` (written by `cargo xtask fixtures`); the shared
//! conformance data is read in place (`SSOKIT_CONFORMANCE_DIR`, else
//! `<CARGO_MANIFEST_DIR>/../../shared/conformance`).

#![allow(missing_docs, reason = "test code")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    reason = "test code, helpers included: a failed unwrap is a failed test; tests report to stderr"
)]

mod conformance;
mod file;
mod key;
mod lock;
mod time;
mod token;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use ssokit_token_cache::{TokenCacheFile, cache_dir};

/// The fixtures' clock.
pub(crate) const NOW: &str = "2026-03-01T12:00:00Z";

pub(crate) fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

pub(crate) fn now() -> Timestamp {
    ts(NOW)
}

/// The bytes of a generated fixture.
pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/generated")
        .join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// A fresh home with the cache file of sso-session `dev` holding `contents`.
pub(crate) struct Home {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) cache: TokenCacheFile,
}

impl Home {
    pub(crate) fn empty() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCacheFile::new(&cache_dir(dir.path()), "dev")
            .with_corrupt_retry_delay(Duration::from_millis(1));
        Self { dir, cache }
    }

    pub(crate) fn with(contents: &[u8]) -> Self {
        let home = Self::empty();
        fs::create_dir_all(home.cache_dir()).unwrap();
        fs::write(home.cache.path(), contents).unwrap();
        home
    }

    pub(crate) fn with_fixture(name: &str) -> Self {
        Self::with(&fixture(name))
    }

    pub(crate) fn cache_dir(&self) -> PathBuf {
        cache_dir(self.dir.path())
    }

    pub(crate) fn bytes(&self) -> Vec<u8> {
        fs::read(self.cache.path()).unwrap()
    }

    /// The names in the cache directory, sorted.
    pub(crate) fn listing(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.cache_dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// The shared conformance folder, or `None` (with a loud message) when it is absent and
/// `SSOKIT_REQUIRE_CONFORMANCE=1` is not set; with it set, a missing folder fails the test.
#[allow(
    clippy::disallowed_methods,
    reason = "tests locate the shared conformance data through the environment"
)]
pub(crate) fn conformance_dir(test: &str) -> Option<PathBuf> {
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

/// Permission bits of a path.
#[cfg(unix)]
pub(crate) fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}
