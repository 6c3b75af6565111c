//! The answer parsers and endpoint checks, for the fuzz targets in `fuzz/` only.
//!
//! Compiled only under `--cfg fuzzing` (which `cargo fuzz` passes) and hidden from the docs:
//! thin wrappers over what the clients do with an answer or a variable, without the
//! network.

use crate::credentials::{CodeRule, MetadataCredentials, ShapeDetail, parse_credentials};

/// A 2xx credentials body, as the container client (`Code` optional) or the IMDS client
/// (`Code` required) reads it.
pub fn credentials(body: &[u8], code_required: bool) -> Result<MetadataCredentials, ShapeDetail> {
    let rule = if code_required {
        CodeRule::Required
    } else {
        CodeRule::Optional
    };
    parse_credentials(body, rule)
}

/// The token of an IMDS token answer, or the I-TOKEN detail.
pub fn imds_token(body: &[u8]) -> Result<String, &'static str> {
    crate::imds::valid_token(body)
}
