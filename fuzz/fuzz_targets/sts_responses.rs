//! The sts-client answer parsers: any status, reason phrase, `x-amzn-ErrorType` header and
//! body must become credentials or a typed error, never a panic.
//!
//! Input: when it starts with three ASCII digits, its first line is a head
//! `STATUS[|REASON[|ERROR-TYPE]]` and the rest is the body; otherwise it is all body, with
//! status 200 and neither reason nor header. Every body goes through both operations'
//! credential readers and the error reader, as the client would for a 2xx or a non-2xx
//! answer.
//!
//! Checked, besides "no panic":
//! - accepted credentials have non-empty, trimmed keys and token, an account id only of 12
//!   digits, and no session token in `Debug`;
//! - a rejection renders, and names the operation;
//! - every error code and message is non-empty.

#![no_main]

#[path = "common/head.rs"]
mod head;

use libfuzzer_sys::fuzz_target;
use ssokit_sts_client::Operation;
use ssokit_sts_client::fuzzing;

fuzz_target!(|data: &[u8]| {
    let (status, reason, error_type, body) = head::split(data);
    for operation in [Operation::AssumeRole, Operation::AssumeRoleWithWebIdentity] {
        match fuzzing::credentials(operation, body) {
            Ok(credentials) => {
                for value in [
                    credentials.access_key_id(),
                    credentials.secret_access_key(),
                    credentials.session_token(),
                ] {
                    assert!(!value.is_empty());
                    assert_eq!(value, value.trim());
                }
                if let Some(account) = credentials.account_id() {
                    assert!(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
                }
                let shown = format!("{credentials:?}");
                let token = credentials.session_token();
                assert!(token.len() < 8 || !shown.contains(token));
            }
            Err(error) => {
                let rendered = error.to_string();
                assert!(rendered.contains(operation.name()), "{rendered}");
            }
        }
    }
    let (code, message) = fuzzing::error_code_and_message(status, reason, error_type, body);
    assert!(!code.is_empty() && !message.is_empty());
});
