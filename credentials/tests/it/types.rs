//! `Credentials` and `Token`: accessors and redaction (SPEC §9, scenario 47).

use ssokit_credentials::{Credentials, Token};

use crate::{World, assert_no_secret, ts};

#[test]
fn s47_credentials_and_token_are_redacted() {
    let creds = Credentials::new(
        "ASIAMOCKACCESSKEY",
        "mockSecretKey",
        Some("mockSessionToken".to_owned()),
        Some(ts("2026-03-01T13:00:00Z")),
        "Sso",
    )
    .with_account_id(Some("111122223333".to_owned()));
    let token = Token::new("session-at", Some(ts("2026-03-01T14:00:00Z")));
    for text in [
        format!("{creds:?}"),
        format!("{creds}"),
        format!("{creds:#?}"),
        format!("{token:?}"),
        format!("{token}"),
        format!("{token:#?}"),
    ] {
        assert_no_secret(&text);
        assert!(text.contains("** redacted **"), "{text}");
    }
    assert_eq!(
        creds.to_string(),
        "Credentials { access_key_id: ASIAMOCKACCESSKEY, secret_access_key: ** redacted **, session_token: ** redacted **, expires: 2026-03-01T13:00:00Z, account_id: 111122223333, provider: Sso }"
    );
    assert_eq!(
        token.to_string(),
        "Token { token: ** redacted **, expires: 2026-03-01T14:00:00Z }"
    );
}

#[tokio::test]
async fn s47_resolved_values_and_providers_are_redacted() {
    let w = World::new();
    let provider = w.sso("s");
    let creds = provider.get().await.unwrap();
    let token_provider = w.token("s");
    let token = token_provider.get().await.unwrap();
    for text in [
        format!("{creds:?} {creds}"),
        format!("{token:?} {token}"),
        format!("{provider:?} {token_provider:?}"),
        format!("{:?}", w.config()),
    ] {
        assert_no_secret(&text);
    }
}

#[test]
fn accessors_and_clones_share() {
    let creds = Credentials::new("A", "S", None, None, "Static");
    let clone = creds.clone();
    assert_eq!(clone, creds);
    assert_eq!(clone.session_token(), None);
    assert_eq!(clone.account_id(), None);
    assert_eq!(clone.expire_time(), None);
    assert_eq!(
        creds.with_account_id(Some(String::new())).account_id(),
        None
    );
}
