//! STS against its rule set's own cases, and both operations against the loopback fake.

#![allow(missing_docs, unreachable_pub, reason = "test code")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap is a failed test"
)]

mod client;
mod endpoint;
