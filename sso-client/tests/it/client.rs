//! The two operations on the wire: request line, query encoding, headers, bodies, answers.

use ssokit_fake_portal::{Answer, FakePortal, Operation};
use ssokit_http::USER_AGENT_VALUE;
use ssokit_sso_client::{
    CreateTokenRequest, Error, GetRoleCredentialsRequest, ServiceErrorKind, SsoClient,
    role_credentials_message,
};

use crate::{legacy_request, legacy_role_credentials, oidc, portal, refresh_token, settings};

#[tokio::test]
async fn get_role_credentials_is_byte_exact() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let request = GetRoleCredentialsRequest::new("0123", "Role+Name/é x", "legacy-at");
    let creds = client
        .get_role_credentials(&portal(fake.url()), &request)
        .await
        .unwrap();
    assert_eq!(creds.access_key_id(), "ASIAMOCKACCESSKEY");
    assert_eq!(creds.secret_access_key(), "mockSecretKey");
    assert_eq!(creds.session_token(), "mockSessionToken");
    assert_eq!(creds.expiration_millis(), 1_772_370_000_000);

    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(
        r.request_line(),
        "GET /federation/credentials?account_id=0123&role_name=Role%2BName%2F%C3%A9%20x HTTP/1.1"
    );
    assert_eq!(
        r.header_names(),
        ["host", "user-agent", "x-amz-sso_bearer_token"]
    );
    assert_eq!(r.header("x-amz-sso_bearer_token"), Some("legacy-at"));
    assert_eq!(r.header("user-agent"), Some("ssokit/0.1.0"));
    assert_eq!(
        USER_AGENT_VALUE,
        concat!("ssokit/", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        r.header("host"),
        Some(format!("127.0.0.1:{}", fake.port()).as_str())
    );
    assert!(r.body.is_empty());
}

#[tokio::test]
async fn reserved_characters_in_the_role_are_encoded() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let request = GetRoleCredentialsRequest::new("111122223333", "Role#1;x", "t");
    client
        .get_role_credentials(&portal(fake.url()), &request)
        .await
        .unwrap();
    assert_eq!(
        fake.requests()[0].target,
        "/federation/credentials?account_id=111122223333&role_name=Role%231%3Bx"
    );
}

#[tokio::test]
async fn endpoint_path_prefix_is_kept() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let endpoint = portal(&format!("{}/prefix/", fake.url()));
    client
        .get_role_credentials(&endpoint, &legacy_request())
        .await
        .unwrap();
    refresh_token(&client, &format!("{}/prefix/", fake.url()))
        .await
        .unwrap();
    let targets: Vec<String> = fake.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/prefix/federation/credentials?account_id=111122223333&role_name=LegacyRole",
            "/prefix/token"
        ]
    );
}

#[tokio::test]
async fn create_token_is_byte_exact() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let response = refresh_token(&client, fake.url()).await.unwrap();
    assert_eq!(response.access_token(), "at-2");
    assert_eq!(response.expires_in().as_secs(), 3600);
    assert_eq!(response.refresh_token(), Some("rt-2"));

    let r = &fake.requests()[0];
    assert_eq!(r.request_line(), "POST /token HTTP/1.1");
    assert_eq!(
        r.header_names(),
        ["content-length", "content-type", "host", "user-agent"]
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body = r#"{"clientId":"cid","clientSecret":"csecret","refreshToken":"rt-1","grantType":"refresh_token"}"#;
    assert_eq!(r.body_text(), body);
    assert_eq!(
        r.header("content-length"),
        Some(body.len().to_string().as_str())
    );
}

#[tokio::test]
async fn create_token_without_refresh_token_in_the_answer() {
    let fake = FakePortal::start().unwrap();
    fake.script(
        Operation::CreateToken,
        [Answer::json(
            200,
            r#"{"accessToken":"at-3","expiresIn":60}"#,
        )],
    );
    let client = SsoClient::new(settings());
    let response = refresh_token(&client, fake.url()).await.unwrap();
    assert_eq!(
        (response.access_token(), response.refresh_token()),
        ("at-3", None)
    );
}

#[tokio::test]
async fn modeled_portal_errors_are_not_retried() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let endpoint = portal(fake.url());
    let cases = [
        (
            Answer::service_error(
                Operation::GetRoleCredentials,
                "UnauthorizedException",
                "Session token not found or invalid",
            ),
            ServiceErrorKind::Unauthorized,
            "GetRoleCredentials failed: HTTP 401 UnauthorizedException: Session token not found or invalid",
            "The SSO session associated with this profile has expired or is otherwise invalid (UnauthorizedException: Session token not found or invalid). To refresh this SSO session run aws sso login with the corresponding profile.",
        ),
        (
            Answer::json(
                403,
                r#"{"__type":"com.amazonaws.sso#ForbiddenException","message":"No access"}"#,
            ),
            ServiceErrorKind::Forbidden,
            "GetRoleCredentials failed: HTTP 403 ForbiddenException: No access",
            "No access to role LegacyRole in account 111122223333 (ForbiddenException: No access)",
        ),
        (
            Answer::empty(404),
            ServiceErrorKind::Other,
            "GetRoleCredentials failed: HTTP 404 UnknownError: Not Found",
            "Role LegacyRole in account 111122223333 was not found (UnknownError: Not Found)",
        ),
        (
            Answer::service_error(
                Operation::GetRoleCredentials,
                "InvalidRequestException",
                "bad account",
            ),
            ServiceErrorKind::InvalidRequest,
            "GetRoleCredentials failed: HTTP 400 InvalidRequestException: bad account",
            "GetRoleCredentials failed: HTTP 400 InvalidRequestException: bad account",
        ),
    ];
    for (answer, kind, text, role_text) in cases {
        fake.script(Operation::GetRoleCredentials, [answer]);
        let err = client
            .get_role_credentials(&endpoint, &legacy_request())
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), text);
        let service = err.as_service().unwrap();
        assert_eq!(ServiceErrorKind::of(service), kind);
        assert_eq!(service.attempts(), 1);
        assert_eq!(
            role_credentials_message(service, "LegacyRole", "111122223333"),
            role_text
        );
        assert_eq!(fake.count(Operation::GetRoleCredentials), 1, "{text}");
    }
}

#[tokio::test]
async fn modeled_oidc_errors() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let endpoint = oidc(fake.url());
    let request = CreateTokenRequest::refresh("cid", "csecret", "rt-1");
    let body = r#"{"error":"invalid_grant","error_description":"Invalid refresh token provided"}"#;
    for answer in [
        Answer::service_error(
            Operation::CreateToken,
            "InvalidGrantException",
            "Invalid refresh token provided",
        ),
        Answer::json(400, body),
    ] {
        fake.script(Operation::CreateToken, [answer]);
        let err = client.create_token(&endpoint, &request).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "CreateToken failed: HTTP 400 InvalidGrantException: Invalid refresh token provided"
        );
        assert_eq!(
            err.cause(),
            "InvalidGrantException: Invalid refresh token provided"
        );
        assert_eq!(
            ServiceErrorKind::of(err.as_service().unwrap()),
            ServiceErrorKind::InvalidGrant
        );
        assert_eq!(fake.count(Operation::CreateToken), 1);
    }
    for (code, kind, status) in [
        (
            "InvalidClientException",
            ServiceErrorKind::InvalidClient,
            401,
        ),
        ("ExpiredTokenException", ServiceErrorKind::ExpiredToken, 400),
        (
            "AuthorizationPendingException",
            ServiceErrorKind::AuthorizationPending,
            400,
        ),
        ("AccessDeniedException", ServiceErrorKind::AccessDenied, 400),
    ] {
        fake.script(
            Operation::CreateToken,
            [Answer::service_error(Operation::CreateToken, code, "m")],
        );
        let err = client.create_token(&endpoint, &request).await.unwrap_err();
        let service = err.as_service().unwrap();
        assert_eq!(
            (
                ServiceErrorKind::of(service),
                service.status(),
                service.code(),
                service.message()
            ),
            (kind, status, code, "m")
        );
        assert_eq!(fake.count(Operation::CreateToken), 1);
    }
}

#[tokio::test]
async fn invalid_credentials_are_reported_with_the_field() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let endpoint = portal(fake.url());
    let url = format!("{}/federation/credentials", fake.url());
    let cases = [
        (
            r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"S","expiration":1772370000000}}"#,
            "SSO returns an invalid temporary credential. (roleCredentials.sessionToken is missing or empty)".to_owned(),
        ),
        (
            r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T","expiration":"2026-01-01T00:00:00Z"}}"#,
            "SSO returns an invalid temporary credential. (roleCredentials.expiration is not a positive integer)".to_owned(),
        ),
        ("{}", "SSO returns an invalid temporary credential. (roleCredentials is missing)".to_owned()),
        ("", "SSO returns an invalid temporary credential. (roleCredentials is missing)".to_owned()),
        ("<html>ok</html>", format!("GetRoleCredentials response from {url} is not valid JSON (HTTP 200)")),
    ];
    for (body, text) in cases {
        fake.script(Operation::GetRoleCredentials, [Answer::raw(200, body)]);
        let err = client
            .get_role_credentials(&endpoint, &legacy_request())
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), text);
        assert_eq!(
            fake.count(Operation::GetRoleCredentials),
            1,
            "not retried: {text}"
        );
    }
    fake.script(
        Operation::CreateToken,
        [Answer::json(200, r#"{"accessToken":"at","expiresIn":0}"#)],
    );
    let err = refresh_token(&client, fake.url()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "CreateToken response lacks a positive expiresIn"
    );
    assert!(matches!(err, Error::InvalidToken(_)));
}

#[tokio::test]
async fn one_client_one_pool_for_both_operations() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let clone = client.clone();
    for _ in 0..3 {
        legacy_role_credentials(&client, fake.url()).await.unwrap();
        refresh_token(&clone, fake.url()).await.unwrap();
    }
    assert_eq!(fake.requests().len(), 6);
    assert_eq!(
        fake.connections(),
        1,
        "keep-alive connection reused across operations and clones"
    );
}
