//! Integration tests of `ssokit-token-cache`; the modules mirror `src/`.
//!
//! Fixtures come from `tests/generated/` (written by `cargo xtask fixtures`); the shared
//! conformance data is read in place (`SSOKIT_CONFORMANCE_DIR`, else
//! `<CARGO_MANIFEST_DIR>/../../shared/conformance`, located by
//! `ssokit_fake_portal::sandbox::conformance_dir`).

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
mod registration;
mod time;
mod token;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use ssokit_fake_portal::sandbox::NOW;
use ssokit_token_cache::{TokenCacheFile, cache_dir};

pub(crate) use ssokit_fake_portal::sandbox::{conformance_dir, ts};

/// The fixtures' clock.
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

/// Permission bits of a path.
#[cfg(unix)]
pub(crate) fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}
