//! No token, key or secret in any `Debug`, `Display` or error text.

use ssokit_fake_portal::{Answer, FakePortal, Operation};
use ssokit_http::{HttpSettings, ProxySettings};
use ssokit_sso_client::{CreateTokenRequest, GetRoleCredentialsRequest, SsoClient};

use crate::{oidc, portal, settings};

const SECRETS: &[&str] = &[
    "legacy-at",
    "ASIAMOCKACCESSKEY",
    "mockSecretKey",
    "mockSessionToken",
    "csecret",
    "rt-1",
    "at-2",
    "rt-2",
    "pr0xyPass",
];

fn assert_clean(text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret:?} leaked in {text:?}");
    }
}

#[tokio::test]
async fn secrets_never_print() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let grc = GetRoleCredentialsRequest::new("111122223333", "LegacyRole", "legacy-at");
    let ct = CreateTokenRequest::refresh("cid", "csecret", "rt-1");
    let creds = client
        .get_role_credentials(&portal(fake.url()), &grc)
        .await
        .unwrap();
    let token = client.create_token(&oidc(fake.url()), &ct).await.unwrap();
    let debug = format!("{grc:?} {ct:?} {creds:?} {token:?} {client:?}");
    assert_clean(&debug);
    assert!(debug.contains("** redacted **"));
    assert!(debug.contains("111122223333") && debug.contains("cid"));

    let settings = HttpSettings::new()
        .proxy(ProxySettings::none().https_proxy("http://u:pr0xyPass@127.0.0.1:1"));
    assert_clean(&format!("{settings:?}"));

    // Every error path, rendered every way.
    let answers = [
        Answer::service_error(
            Operation::GetRoleCredentials,
            "UnauthorizedException",
            "Session token not found or invalid",
        ),
        Answer::empty(500),
        Answer::drop_connection(),
        Answer::json(
            200,
            r#"{"roleCredentials":{"accessKeyId":"ASIAMOCKACCESSKEY","secretAccessKey":"mockSecretKey"}}"#,
        ),
        Answer::raw(200, "not json mockSecretKey"),
        Answer::oversized(2 << 20),
    ];
    for answer in answers {
        fake.script(Operation::GetRoleCredentials, [answer.clone()]);
        let err = client
            .get_role_credentials(&portal(fake.url()), &grc)
            .await
            .unwrap_err();
        assert_clean(&format!("{err} {err:?} {}", err.cause()));
        fake.script(Operation::CreateToken, [answer]);
        let err = client
            .create_token(&oidc(fake.url()), &ct)
            .await
            .unwrap_err();
        assert_clean(&format!("{err} {err:?} {}", err.cause()));
    }
}
