//! Integration tests of ssokit-metadata-client: the container and IMDS clients against
//! fake-portal's container and IMDS routes over real loopback sockets (SPEC §18 scenarios
//! 13-16 and the faults around them), and the shared conformance files `ecs-tests.json`
//! and `imds-config/imds-endpoint-tests.json`. Modules mirror `src/`.
//!
//! No test reaches 169.254.169.254, 169.254.170.2, 169.254.170.23 or `fd00:ec2::/64`: every
//! client is pointed at a fake (or a silent listener, or a closed port) on 127.0.0.1, and
//! the endpoints of those addresses are resolved, never requested.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod container;
mod imds;

use jiff::Timestamp;
use ssokit_fake_portal::sandbox::{NOW, ts};
use ssokit_http::HttpSettings;

/// The settings of every client here: the defaults without the waits between attempts.
pub(crate) fn settings() -> HttpSettings {
    HttpSettings::default().without_retry_delay()
}

/// The fixtures' clock, 2026-03-01T12:00:00Z.
pub(crate) fn now() -> Timestamp {
    ts(NOW)
}

/// An error's text and the texts of its sources, joined with `: ` (how a chain renders it).
pub(crate) fn chain_text(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}
