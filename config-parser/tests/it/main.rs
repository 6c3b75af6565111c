//! Integration tests of ssokit-config-parser; modules mirror `src/`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    reason = "test code: a failed unwrap is a failed test, and skips are announced on stderr"
)]

mod conformance;
mod env;
mod files;
mod fixtures;
mod grammar;
mod load;
mod model;
mod suite_json;

/// The shared conformance data, located in place (`SSOKIT_CONFORMANCE_DIR`, else
/// `../shared/conformance` beside the workspace root); `None` with a loud message when it
/// is absent, a failure under `SSOKIT_REQUIRE_CONFORMANCE=1`.
pub(crate) use ssokit_fake_portal::sandbox::conformance_dir;

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
