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

use libfuzzer_sys::fuzz_target;
use ssokit_sts_client::Operation;
use ssokit_sts_client::fuzzing;

fuzz_target!(|data: &[u8]| {
    let (status, reason, error_type, body) = split(data);
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

/// Splits the input into status, reason, error-type header and body.
fn split(data: &[u8]) -> (u16, Option<&str>, Option<&str>, &[u8]) {
    let has_head = data.len() >= 3 && data[..3].iter().all(u8::is_ascii_digit);
    if !has_head {
        return (200, None, None, data);
    }
    let end = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let head = std::str::from_utf8(&data[..end]).unwrap_or("200");
    let body = data.get(end + 1..).unwrap_or_default();
    let mut parts = head.splitn(3, '|');
    let status = parts
        .next()
        .and_then(|s| s.get(..3))
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    (status, parts.next(), parts.next(), body)
}
