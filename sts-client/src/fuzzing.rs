//! The response parsers, for the fuzz targets in `fuzz/` only.
//!
//! Compiled only under `--cfg fuzzing` (which `cargo fuzz` passes) and hidden from the docs:
//! the public API stays [`StsClient`](crate::StsClient). Each function is a thin wrapper
//! over what the client does with an answer, without the network.

use crate::error::{Error, Operation};
use crate::model::StsCredentials;
use crate::wire;

/// A 2xx body of `operation`, as the client reads it.
pub fn credentials(operation: Operation, body: &[u8]) -> Result<StsCredentials, Error> {
    wire::parse_credentials(operation, body)
}

/// The code and message of a non-2xx answer (SPEC §14.4).
pub fn error_code_and_message(
    status: u16,
    reason: Option<&str>,
    error_type: Option<&str>,
    body: &[u8],
) -> (String, String) {
    wire::error_code_and_message(status, reason, error_type, body)
}
