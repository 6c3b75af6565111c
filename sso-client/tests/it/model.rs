//! No token, key or secret in any `Debug`, `Display` or error text.

use ssokit_fake_portal::{Answer, FakePortal, Operation};
use ssokit_http::{HttpSettings, ProxySettings};
use ssokit_sso_client::{
    CreateTokenRequest, GetRoleCredentialsRequest, RegisterClientRequest, SsoClient,
    StartDeviceAuthorizationRequest,
};

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

/// The secrets of a login: client secrets, codes, the verifier, the login tokens.
const LOGIN_SECRETS: &[&str] = &[
    "csecret",
    "code-1",
    "device-code-",
    "dc-secret",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "at-login",
    "rt-login",
    "session-at",
];

fn assert_login_clean(text: &str) {
    assert_clean(text);
    for secret in LOGIN_SECRETS {
        assert!(!text.contains(secret), "{secret:?} leaked in {text:?}");
    }
}

#[tokio::test]
async fn login_secrets_never_print() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let endpoint = oidc(fake.url());
    let verifier = "a".repeat(64);
    let pkce = RegisterClientRequest::authorization_code(
        "ssokit-client-dev",
        "https://d-abc123.awsapps.com/start",
    );
    let registered = client.register_client(&endpoint, &pkce).await.unwrap();
    let start = StartDeviceAuthorizationRequest::new(
        "client-1",
        "csecret-1",
        "https://d-abc123.awsapps.com/start",
    );
    let device = client
        .start_device_authorization(&endpoint, &start)
        .await
        .unwrap();
    let code = CreateTokenRequest::authorization_code(
        "client-1",
        "csecret-1",
        "code-1",
        &verifier,
        "http://127.0.0.1:8400/oauth/callback",
    );
    let poll = CreateTokenRequest::device_code("client-1", "csecret-1", device.device_code());
    let token = client.create_token(&endpoint, &poll).await.unwrap();
    let debug = format!("{pkce:?} {registered:?} {start:?} {device:?} {code:?} {poll:?} {token:?}");
    assert_login_clean(&debug);
    for shown in [
        "client-1",
        "USER-CODE",
        "/device?user_code=USER-CODE",
        "http://127.0.0.1:8400/oauth/callback",
        "authorization_code",
        "urn:ietf:params:oauth:grant-type:device_code",
        "https://d-abc123.awsapps.com/start",
        "1780142400",
    ] {
        assert!(debug.contains(shown), "{shown} missing from {debug}");
    }
    assert_eq!(
        format!("{code:?}"),
        "CreateTokenRequest { client_id: \"client-1\", client_secret: \"** redacted **\", grant_type: \"authorization_code\", code: \"** redacted **\", code_verifier: \"** redacted **\", redirect_uri: \"http://127.0.0.1:8400/oauth/callback\" }"
    );

    // Every error path of every login operation, rendered every way; answers that echo
    // secrets included.
    let answers = [
        Answer::service_error(
            Operation::CreateToken,
            "InvalidGrantException",
            "Invalid grant provided",
        ),
        Answer::service_error(
            Operation::CreateToken,
            "AuthorizationPendingException",
            "pending",
        ),
        Answer::empty(500),
        Answer::drop_connection(),
        Answer::json(
            200,
            r#"{"accessToken":"at-login","clientSecret":"csecret-1","deviceCode":"dc-secret"}"#,
        ),
        Answer::raw(200, "not json csecret-1 dc-secret at-login"),
        Answer::oversized(2 << 20),
    ];
    for answer in answers {
        for operation in [
            Operation::RegisterClient,
            Operation::StartDeviceAuthorization,
            Operation::CreateToken,
            Operation::Logout,
        ] {
            fake.script(operation, [answer.clone()]);
        }
        let errors = [
            client.register_client(&endpoint, &pkce).await.err(),
            client
                .start_device_authorization(&endpoint, &start)
                .await
                .err(),
            client.create_token(&endpoint, &code).await.err(),
            client.create_token(&endpoint, &poll).await.err(),
            client.logout(&portal(fake.url()), "session-at").await.err(),
        ];
        for err in errors.into_iter().flatten() {
            assert_login_clean(&format!("{err} {err:?} {}", err.cause()));
        }
    }
}
