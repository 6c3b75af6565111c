//! The metadata-client parsers: any body must become credentials or a typed shape error,
//! any token answer a token or an I-TOKEN detail, and any variable value an endpoint or a
//! C-URL / C-HOST / I-ENDPOINT error, never a panic.
//!
//! Input: the `STATUS[|REASON[|ERROR-TYPE]]` head of the other response targets is
//! accepted and skipped (the seeds share it); the body goes through both credential rules
//! (the container's `Code` optional, IMDS's required), the token check, and, as text, the
//! container variables and the IMDS endpoint.
//!
//! Checked, besides "no panic":
//! - accepted credentials have non-empty keys and token, and no secret in `Debug`;
//! - an accepted IMDS token is 1-4096 bytes of `0x21-0x7E`;
//! - an accepted container endpoint is shown without its query;
//! - every rejection renders.

#![no_main]

#[path = "common/head.rs"]
mod head;

use libfuzzer_sys::fuzz_target;
use ssokit_metadata_client::fuzzing;
use ssokit_metadata_client::{ContainerEndpoint, ImdsEndpoint};

fuzz_target!(|data: &[u8]| {
    let (_status, _reason, _error_type, body) = head::split(data);
    for code_required in [false, true] {
        match fuzzing::credentials(body, code_required) {
            Ok(credentials) => {
                for value in [
                    credentials.access_key_id(),
                    credentials.secret_access_key(),
                    credentials.token(),
                ] {
                    assert!(!value.is_empty());
                }
                // The secrets must not be shown, unless a field that is shown (the key id,
                // the expiry, the account) happens to contain the same text.
                let shown = format!("{credentials:?}");
                let public = format!(
                    "{} {} {:?}",
                    credentials.access_key_id(),
                    credentials.expiration(),
                    credentials.account_id()
                );
                for secret in [credentials.secret_access_key(), credentials.token()] {
                    let in_public = public.contains(secret);
                    assert!(secret.len() < 8 || in_public || !shown.contains(secret));
                }
            }
            Err(detail) => assert!(!detail.to_string().is_empty()),
        }
    }
    if let Ok(token) = fuzzing::imds_token(body) {
        assert!((1..=4096).contains(&token.len()));
        assert!(token.bytes().all(|b| (0x21..=0x7e).contains(&b)));
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return;
    };
    for (relative, full) in [(Some(text), None), (None, Some(text))] {
        match ContainerEndpoint::from_variables(relative, full) {
            Ok(Some(endpoint)) => assert!(!endpoint.url_without_query().contains('?')),
            Ok(None) => assert!(text.is_empty()),
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }
    match ImdsEndpoint::resolve(Some((text, "fuzz")), None) {
        Ok(endpoint) => assert!(endpoint.token_url().ends_with("/latest/api/token")),
        Err(error) => assert!(!error.to_string().is_empty()),
    }
});
