//! The sso-client response parsers: any status, reason phrase, `x-amzn-ErrorType` header
//! and body must become credentials, a token or a typed error, never a panic.
//!
//! Input: when it starts with three ASCII digits, its first line is a head
//! `STATUS[|REASON[|ERROR-TYPE]]` and the rest is the body; otherwise it is all body, with
//! status 200 and neither reason nor header. Every body goes through every parser
//! (`GetRoleCredentials`, `CreateToken`, `RegisterClient`, `StartDeviceAuthorization`,
//! error code and message), as the client would for a 2xx or a non-2xx answer.
//!
//! Checked, besides "no panic":
//! - accepted credentials, tokens, registrations and device authorizations hold exactly
//!   the body's non-empty strings and a positive expiry (compared with a plain `serde_json`
//!   reading of the body);
//! - every error code and message is non-empty; a code taken from the header or the
//!   `__type`/`code`/`Code` member keeps nothing up to a `#`; the retry decision matches
//!   the status and the throttling codes; every rendering of the error works.

#![no_main]

#[path = "common/head.rs"]
mod head;

use std::time::{Duration, SystemTime};

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use ssokit_sso_client::fuzzing;
use ssokit_sso_client::{Error, Operation, ServiceErrorKind, role_credentials_message};

fuzz_target!(|data: &[u8]| {
    let (status, reason, error_type, body) = head::split(data);
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let member = |outer: Option<&str>, name: &str| -> Option<Value> {
        let object = json.as_ref()?.as_object()?;
        let object = match outer {
            Some(outer) => object.get(outer)?.as_object()?,
            None => object,
        };
        object.get(name).cloned()
    };

    match fuzzing::role_credentials(status, body) {
        Ok(creds) => {
            let field = |name| member(Some("roleCredentials"), name);
            assert_eq!(
                field("accessKeyId"),
                Some(Value::from(creds.access_key_id()))
            );
            assert_eq!(
                field("secretAccessKey"),
                Some(Value::from(creds.secret_access_key()))
            );
            assert_eq!(
                field("sessionToken"),
                Some(Value::from(creds.session_token()))
            );
            assert!(!creds.access_key_id().is_empty());
            assert!(!creds.secret_access_key().is_empty());
            assert!(!creds.session_token().is_empty());
            let millis = creds.expiration_millis();
            assert!(millis > 0);
            let expiration = match field("expiration") {
                Some(Value::Number(n)) => n.as_u64(),
                Some(Value::String(s)) => s.parse().ok(),
                _ => None,
            };
            assert_eq!(expiration, Some(millis));
            assert_eq!(
                creds.expiration(),
                SystemTime::UNIX_EPOCH + Duration::from_millis(millis)
            );
            let _ = format!("{creds:?}");
        }
        Err(error) => {
            if json.is_none() && !body.iter().all(u8::is_ascii_whitespace) {
                assert!(matches!(error, Error::InvalidJson { status: s, .. } if s == status));
            }
            assert!(!matches!(error, Error::InvalidToken(_)));
            rendered(&error);
        }
    }

    match fuzzing::create_token(status, body) {
        Ok(token) => {
            assert!(!token.access_token().is_empty());
            assert_eq!(
                member(None, "accessToken"),
                Some(Value::from(token.access_token()))
            );
            let seconds = token.expires_in().as_secs();
            assert!(seconds > 0);
            assert_eq!(
                member(None, "expiresIn").and_then(|v| v.as_u64()),
                Some(seconds)
            );
            match token.refresh_token() {
                Some(r) => {
                    assert!(!r.is_empty());
                    assert_eq!(member(None, "refreshToken"), Some(Value::from(r)));
                }
                None => assert!(!matches!(
                    member(None, "refreshToken"),
                    Some(Value::String(s)) if !s.is_empty()
                )),
            }
            let _ = format!("{token:?}");
        }
        Err(error) => {
            assert!(!matches!(error, Error::InvalidCredentials(_)));
            rendered(&error);
        }
    }

    match fuzzing::register_client(status, body) {
        Ok(registration) => {
            assert!(!registration.client_id().is_empty());
            assert!(!registration.client_secret().is_empty());
            assert_eq!(
                member(None, "clientId"),
                Some(Value::from(registration.client_id()))
            );
            let seconds = registration.client_secret_expires_at();
            assert!(seconds > 0);
            assert_eq!(
                member(None, "clientSecretExpiresAt").and_then(|v| v.as_u64()),
                Some(seconds)
            );
            assert_eq!(
                registration.expires_at(),
                SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
            );
            let _ = format!("{registration:?}");
        }
        Err(error) => rendered(&error),
    }

    match fuzzing::device_authorization(status, body) {
        Ok(device) => {
            for (name, value) in [
                ("deviceCode", device.device_code()),
                ("userCode", device.user_code()),
                ("verificationUri", device.verification_uri()),
            ] {
                assert!(!value.is_empty());
                assert_eq!(member(None, name), Some(Value::from(value)));
            }
            assert!(device.interval() >= Duration::from_secs(1));
            assert!(device.expires_in() >= Duration::from_secs(1));
            let _ = format!("{device:?}");
        }
        Err(error) => rendered(&error),
    }

    let (code, message) = fuzzing::error_code_and_message(status, reason, error_type, body);
    assert!(!code.is_empty(), "empty code");
    assert!(!message.is_empty(), "empty message");
    let header_code = error_type
        .map(|h| h.split(':').next().unwrap_or(h).trim())
        .and_then(|h| h.rsplit('#').next())
        .filter(|c| !c.is_empty());
    if header_code.is_some() {
        assert!(
            !code.contains('#') && !code.contains(':'),
            "header code {code:?}"
        );
    }

    for operation in [Operation::GetRoleCredentials, Operation::CreateToken] {
        for attempts in [1, 3] {
            let (error, retryable) =
                fuzzing::service_error(operation, status, reason, error_type, body, attempts);
            assert_eq!(
                (error.code(), error.message()),
                (code.as_str(), message.as_str())
            );
            assert_eq!((error.status(), error.attempts()), (status, attempts));
            if (500..600).contains(&status) || status == 429 {
                assert!(retryable, "5xx and 429 are retried");
            }
            match ServiceErrorKind::of(&error) {
                ServiceErrorKind::TooManyRequests => assert!(retryable),
                ServiceErrorKind::InvalidRequest
                | ServiceErrorKind::Unauthorized
                | ServiceErrorKind::Forbidden
                | ServiceErrorKind::ResourceNotFound
                | ServiceErrorKind::InvalidGrant
                | ServiceErrorKind::AccessDenied
                | ServiceErrorKind::ExpiredToken
                | ServiceErrorKind::InvalidClient
                    if (400..500).contains(&status) && status != 429 =>
                {
                    assert!(!retryable, "{code} with HTTP {status} is not retried");
                }
                _ => {}
            }
            let summary = error.summary();
            assert!(summary.starts_with(&format!("{code}: {message}")));
            let _ = role_credentials_message(&error, "Role", "111122223333");
            rendered(&Error::from(ssokit_http::Error::from(error)));
        }
    }
});

/// Every rendering of an error works and none is empty.
fn rendered(error: &Error) {
    assert!(!error.to_string().is_empty());
    assert!(!error.cause().is_empty());
    let _ = format!("{error:?}");
    let _ = error.attempts();
}
