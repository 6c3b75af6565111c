//! Every error the providers produce, formatted with `{}` and `{:?}`: no secret appears
//! (SPEC §9, scenario 47); kinds and codes per SPEC §7.1, §8, §10.

use ssokit_credentials::{CredentialsError, ErrorKind};
use ssokit_fake_portal::{Answer, Operation};

use crate::{LEGACY_CACHE, SESSION_CACHE, World, assert_no_secret};

/// One error per reachable catalogue entry, each from a real scenario.
async fn every_error() -> Vec<CredentialsError> {
    let mut errors = Vec::new();
    let w = World::new();
    errors.push(w.sso("missing").get().await.unwrap_err()); // S-PROFILE
    errors.push(w.token("missing").get().await.unwrap_err()); // T-PROFILE
    errors.push(w.token("a").get().await.unwrap_err()); // T-LEGACY
    // S-401 / S-403 / S-404 / S-HTTP / S-SHAPE / N-BODY
    for answer in [
        Answer::service_error(
            Operation::GetRoleCredentials,
            "UnauthorizedException",
            "bad",
        ),
        Answer::empty(403),
        Answer::empty(404),
        Answer::empty(429),
        Answer::json(200, "{}"),
        Answer::raw(200, "<html>"),
        Answer::oversized(2 << 20),
    ] {
        w.portal.script(Operation::GetRoleCredentials, [answer]);
        errors.push(w.sso("s").get().await.unwrap_err());
    }
    // T-FAILED, expired, with a failing CreateToken.
    let w = World::new();
    w.session_expires_at("\"2026-03-01T11:59:00Z\"");
    w.portal.script(
        Operation::CreateToken,
        [Answer::service_error(
            Operation::CreateToken,
            "InvalidGrantException",
            "bad grant",
        )],
    );
    errors.push(w.sso("s").get().await.unwrap_err());
    // T-CORRUPT, T-KEY, T-EXPIRES, T-NOTOKEN, S-KEYS, S-EXPIRED, S-NOTOKEN
    for (file, contents) in [
        (SESSION_CACHE, "{\"accessToken\": \"session-at\""),
        (
            SESSION_CACHE,
            "{\"accessToken\": 5, \"expiresAt\": \"2026-03-01T14:00:00Z\"}",
        ),
        (
            SESSION_CACHE,
            "{\"accessToken\": \"session-at\", \"expiresAt\": \"x\"}",
        ),
        (SESSION_CACHE, "null"),
        (LEGACY_CACHE, "{\"expiresAt\": \"2026-03-01T14:00:00Z\"}"),
        (
            LEGACY_CACHE,
            "{\"accessToken\": \"legacy-at\", \"expiresAt\": \"2026-03-01T11:00:00Z\"}",
        ),
        (LEGACY_CACHE, ""),
    ] {
        let w = World::new();
        w.write(file, contents);
        let profile = if file == SESSION_CACHE { "s" } else { "a" };
        errors.push(w.sso(profile).get().await.unwrap_err());
    }
    errors
}

#[tokio::test]
async fn s47_no_error_holds_a_secret() {
    let errors = every_error().await;
    assert_eq!(errors.len(), 18);
    for error in &errors {
        let text = format!(
            "{error} | {error:?} | {:?} | {:?}",
            error.kind(),
            error.code()
        );
        assert_no_secret(&text);
        assert_eq!(error.message(), error.to_string());
        assert_eq!(error.kind(), ErrorKind::Failed.min_kind(error));
    }
}

trait MinKind {
    fn min_kind(self, error: &CredentialsError) -> ErrorKind;
}

impl MinKind for ErrorKind {
    /// Only "profile not found" is not configured among these.
    fn min_kind(self, error: &CredentialsError) -> ErrorKind {
        if error.to_string().contains("not found") && error.to_string().starts_with("Profile") {
            ErrorKind::NotConfigured
        } else {
            self
        }
    }
}

#[test]
fn errors_are_clone_send_sync_and_std_errors() {
    fn check<T: Clone + Send + Sync + std::error::Error + 'static>() {}
    check::<CredentialsError>();
}
