//! Real TLS handshakes against the https fake and its generated CA.

use ssokit_fake_portal::{FakePortal, Operation};
use ssokit_http::{CaBundle, HttpSettings};
use ssokit_sso_client::SsoClient;

use crate::{legacy_role_credentials, legacy_role_credentials_error, refresh_token, settings};

fn write_ca(fake: &FakePortal) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ca.pem");
    std::fs::write(&path, fake.ca_pem().unwrap()).unwrap();
    (dir, path)
}

#[tokio::test]
async fn handshake_succeeds_with_the_extra_bundle() {
    let fake = FakePortal::start_https().unwrap();
    assert!(fake.url().starts_with("https://127.0.0.1:"));
    let (_dir, path) = write_ca(&fake);
    // The OS store stays on: the bundle is added to it.
    let client = SsoClient::new(
        HttpSettings::new()
            .without_retry_delay()
            .ca_bundle(Some(CaBundle::new(&path, "AWS_CA_BUNDLE"))),
    );
    let creds = legacy_role_credentials(&client, fake.url()).await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAMOCKACCESSKEY");
    let token = refresh_token(&client, fake.url()).await.unwrap();
    assert_eq!(token.access_token(), "at-2");
    assert_eq!(
        fake.requests()[0].header("x-amz-sso_bearer_token"),
        Some("legacy-at")
    );
    assert_eq!(fake.connections(), 1);
}

#[tokio::test]
async fn handshake_fails_clearly_without_it_and_is_not_retried() {
    let fake = FakePortal::start_https().unwrap();
    let client = SsoClient::new(HttpSettings::new().without_retry_delay());
    let err = legacy_role_credentials_error(&client, fake.url()).await;
    assert_eq!(
        err.to_string(),
        format!(
            "GetRoleCredentials request to {}/federation/credentials failed: TLS handshake failed: invalid peer certificate: UnknownIssuer",
            fake.url()
        )
    );
    assert_eq!(err.attempts(), 1);
    assert_eq!(fake.count(Operation::GetRoleCredentials), 0);
    assert_eq!(fake.connections(), 1);
}

#[tokio::test]
async fn an_unreadable_bundle_is_reported_before_connecting() {
    let fake = FakePortal::start_https().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem");
    let client = SsoClient::new(settings().ca_bundle(Some(CaBundle::new(&missing, "ca_bundle"))));
    let err = legacy_role_credentials_error(&client, fake.url()).await;
    assert_eq!(
        err.to_string(),
        format!(
            "could not load CA bundle {} (from ca_bundle): No such file or directory (os error 2)",
            missing.display()
        )
    );
    assert_eq!(fake.connections(), 0);

    // The bundle is read at the first https request: plain http to loopback never reads it,
    // and once fixed, the same client works.
    let plain = FakePortal::start().unwrap();
    legacy_role_credentials(&client, plain.url()).await.unwrap();
    std::fs::write(&missing, fake.ca_pem().unwrap()).unwrap();
    legacy_role_credentials(&client, fake.url()).await.unwrap();
}
