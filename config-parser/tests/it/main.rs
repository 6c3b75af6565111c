//! Integration tests of ssokit-config-parser; modules mirror `src/`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    reason = "test code: a failed unwrap is a failed test, and skips are announced on stderr"
)]

mod conformance;
mod env;
mod fixtures;
mod grammar;
mod load;
mod location;
mod model;

use std::path::{Path, PathBuf};

/// The shared conformance data: `SSOKIT_CONFORMANCE_DIR`, else `../shared/conformance`
/// beside the workspace root. `None` (with a loud message) when absent, unless
/// `SSOKIT_REQUIRE_CONFORMANCE=1`, which makes absence a failure.
#[allow(
    clippy::disallowed_methods,
    reason = "locating test data, not the system under test"
)]
pub(crate) fn conformance_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("SSOKIT_CONFORMANCE_DIR")
        .filter(|v| !v.is_empty())
        .map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"),
            PathBuf::from,
        );
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("SSOKIT_REQUIRE_CONFORMANCE").as_deref() != Ok("1"),
        "SSOKIT_REQUIRE_CONFORMANCE=1 but the conformance data is missing at {}",
        dir.display()
    );
    eprintln!(
        "\n*** SKIPPED: conformance data not found at {} (set SSOKIT_CONFORMANCE_DIR) ***\n",
        dir.display()
    );
    None
}

/// Parses a config text alone (empty credentials file) with the usual fake paths.
pub(crate) fn parse_config(
    text: &str,
) -> Result<ssokit_config_parser::ProfileSet, ssokit_config_parser::ParseError> {
    parse_both(text, "")
}

/// Parses a config and a credentials text with the usual fake paths.
pub(crate) fn parse_both(
    config: &str,
    credentials: &str,
) -> Result<ssokit_config_parser::ProfileSet, ssokit_config_parser::ParseError> {
    use ssokit_config_parser::{ProfileSet, Source};
    ProfileSet::parse(
        Source::new("/h/.aws/config", config),
        Source::new("/h/.aws/credentials", credentials),
    )
}
