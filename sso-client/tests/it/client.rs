//! The operations on the wire: request line, query encoding, headers, bodies, answers.

use std::time::{Duration, UNIX_EPOCH};

use ssokit_fake_portal::{Answer, CLIENT_SECRET_EXPIRES_AT, FakePortal, Operation, USER_CODE};
use ssokit_http::USER_AGENT_VALUE;
use ssokit_sso_client::{
    CreateTokenRequest, DEFAULT_SCOPE, DEVICE_CODE_GRANT_TYPE, Error, GetRoleCredentialsRequest,
    REGISTERED_REDIRECT_URI, RegisterClientRequest, ServiceErrorKind, SsoClient,
    StartDeviceAuthorizationRequest, role_credentials_message,
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

/// SPEC §19.3's start URL.
const START_URL: &str = "https://d-abc123.awsapps.com/start";

/// SPEC §19.6's example verifier and its S256 challenge.
const VERIFIER: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const CHALLENGE: &str = "_-BU_nrgy23GXDr5th1SCfQ5hR20PQulmXM33xVGaOs";

/// The redirect URI of a listener on port 8400.
const REDIRECT: &str = "http://127.0.0.1:8400/oauth/callback";

/// The browser's part of a PKCE login: `GET /authorize` (SPEC §19.6 step 4) for `client`,
/// returning the `location` of the fake's 302.
fn authorize(fake: &FakePortal, client: &str, state: &str) -> String {
    use std::io::{Read, Write};
    let target = format!(
        "/authorize?response_type=code&client_id={client}&redirect_uri=http%3A%2F%2F127.0.0.1%3A8400%2Foauth%2Fcallback&state={state}&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge={CHALLENGE}"
    );
    let mut stream = std::net::TcpStream::connect(fake.addr()).unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 302 "), "{answer}");
    answer
        .lines()
        .find_map(|line| line.strip_prefix("location: "))
        .unwrap()
        .to_owned()
}

fn pkce_registration() -> RegisterClientRequest {
    RegisterClientRequest::authorization_code("ssokit-client-dev", START_URL)
}

fn device_registration() -> RegisterClientRequest {
    RegisterClientRequest::device_code("ssokit-client-dev")
}

#[tokio::test]
async fn register_client_is_byte_exact_in_both_forms() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let endpoint = oidc(fake.url());
    let registered = client
        .register_client(&endpoint, &pkce_registration())
        .await
        .unwrap();
    assert_eq!(
        (
            registered.client_id(),
            registered.client_secret(),
            registered.client_secret_expires_at()
        ),
        ("client-1", "csecret-1", CLIENT_SECRET_EXPIRES_AT)
    );
    assert_eq!(
        registered.expires_at(),
        UNIX_EPOCH + Duration::from_secs(1_780_142_400)
    );

    let scoped =
        pkce_registration().with_scopes(["sso:account:access", "codewhisperer:completions"]);
    client.register_client(&endpoint, &scoped).await.unwrap();
    client
        .register_client(&endpoint, &device_registration())
        .await
        .unwrap();
    let scoped_device = device_registration().with_scopes(["sso:account:access"]);
    client
        .register_client(&endpoint, &scoped_device)
        .await
        .unwrap();
    // An empty list is no configured scope.
    let empty = device_registration().with_scopes(Vec::<String>::new());
    client.register_client(&endpoint, &empty).await.unwrap();

    let requests = fake.requests();
    let bodies: Vec<String> = requests
        .iter()
        .map(ssokit_fake_portal::RecordedRequest::body_text)
        .collect();
    assert_eq!(
        bodies,
        [
            r#"{"clientName":"ssokit-client-dev","clientType":"public","scopes":["sso:account:access"],"grantTypes":["authorization_code","refresh_token"],"redirectUris":["http://127.0.0.1/oauth/callback"],"issuerUrl":"https://d-abc123.awsapps.com/start"}"#,
            r#"{"clientName":"ssokit-client-dev","clientType":"public","scopes":["sso:account:access","codewhisperer:completions"],"grantTypes":["authorization_code","refresh_token"],"redirectUris":["http://127.0.0.1/oauth/callback"],"issuerUrl":"https://d-abc123.awsapps.com/start"}"#,
            r#"{"clientName":"ssokit-client-dev","clientType":"public"}"#,
            r#"{"clientName":"ssokit-client-dev","clientType":"public","scopes":["sso:account:access"]}"#,
            r#"{"clientName":"ssokit-client-dev","clientType":"public"}"#,
        ]
    );
    let r = &requests[0];
    assert_eq!(r.request_line(), "POST /client/register HTTP/1.1");
    assert_eq!(
        r.header_names(),
        ["content-length", "content-type", "host", "user-agent"]
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.header("content-length"),
        Some(bodies[0].len().to_string().as_str())
    );

    // What the registration cache records (SPEC §19.3) is readable back.
    let pkce = pkce_registration();
    assert_eq!(pkce.client_name(), "ssokit-client-dev");
    assert_eq!(pkce.scopes(), Some(&[DEFAULT_SCOPE.to_owned()][..]));
    assert_eq!(pkce.grant_types(), ["authorization_code", "refresh_token"]);
    assert_eq!(pkce.issuer_url(), Some(START_URL));
    assert_eq!(REGISTERED_REDIRECT_URI, "http://127.0.0.1/oauth/callback");
    assert_eq!(device_registration().scopes(), None);
    assert!(device_registration().grant_types().is_empty());
    assert_eq!(device_registration().issuer_url(), None);
    assert_eq!(
        scoped_device.scopes(),
        Some(&["sso:account:access".to_owned()][..])
    );
}

#[tokio::test]
async fn register_client_answers_are_validated() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let endpoint = oidc(fake.url());
    let url = format!("{}/client/register", fake.url());
    let lacks_expiry = "RegisterClient response lacks a positive clientSecretExpiresAt";
    let cases = [
        ("", "RegisterClient response lacks clientId".to_owned()),
        ("{}", "RegisterClient response lacks clientId".to_owned()),
        ("[1]", "RegisterClient response lacks clientId".to_owned()),
        (
            r#"{"clientId":"","clientSecret":"s","clientSecretExpiresAt":1}"#,
            "RegisterClient response lacks clientId".to_owned(),
        ),
        (
            r#"{"clientId":"c","clientSecretExpiresAt":1}"#,
            "RegisterClient response lacks clientSecret".to_owned(),
        ),
        (
            r#"{"clientId":"c","clientSecret":"s"}"#,
            lacks_expiry.to_owned(),
        ),
        (
            r#"{"clientId":"c","clientSecret":"s","clientSecretExpiresAt":0}"#,
            lacks_expiry.to_owned(),
        ),
        (
            r#"{"clientId":"c","clientSecret":"s","clientSecretExpiresAt":-1}"#,
            lacks_expiry.to_owned(),
        ),
        (
            r#"{"clientId":"c","clientSecret":"s","clientSecretExpiresAt":1.5}"#,
            lacks_expiry.to_owned(),
        ),
        (
            r#"{"clientId":"c","clientSecret":"s","clientSecretExpiresAt":"1780142400"}"#,
            lacks_expiry.to_owned(),
        ),
        (
            r#"{"clientId":"c","clientSecret":"s","clientSecretExpiresAt":18446744073709551615}"#,
            lacks_expiry.to_owned(),
        ),
        (
            "<html>ok</html>",
            format!("RegisterClient response from {url} is not valid JSON (HTTP 200)"),
        ),
    ];
    for (body, text) in cases {
        fake.script(Operation::RegisterClient, [Answer::raw(200, body)]);
        let err = client
            .register_client(&endpoint, &device_registration())
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), text, "{body}");
        assert_eq!(
            fake.count(Operation::RegisterClient),
            1,
            "not retried: {body}"
        );
    }
    fake.script(
        Operation::RegisterClient,
        [Answer::json(
            200,
            r#"{"clientId":"cid-new","clientSecret":"csecret-new","clientIdIssuedAt":1,"clientSecretExpiresAt":1780272000,"authorizationEndpoint":null}"#,
        )],
    );
    let registered = client
        .register_client(&endpoint, &device_registration())
        .await
        .unwrap();
    assert_eq!(
        (
            registered.client_id(),
            registered.client_secret_expires_at()
        ),
        ("cid-new", 1_780_272_000)
    );
}

#[tokio::test]
async fn register_client_errors_are_l_oidc() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    fake.script(
        Operation::RegisterClient,
        [Answer::service_error(
            Operation::RegisterClient,
            "InvalidRedirectUriException",
            "Invalid redirect URI provided",
        )],
    );
    let err = client
        .register_client(&oidc(fake.url()), &pkce_registration())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "RegisterClient failed: HTTP 400 InvalidRedirectUriException: Invalid redirect URI provided"
    );
    assert_eq!(
        err.service_kind(),
        Some(ServiceErrorKind::InvalidRedirectUri)
    );
    assert_eq!(fake.count(Operation::RegisterClient), 1);
}

#[tokio::test]
async fn start_device_authorization_is_byte_exact() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let endpoint = oidc(fake.url());
    client
        .register_client(&endpoint, &device_registration())
        .await
        .unwrap();
    let request = StartDeviceAuthorizationRequest::new("client-1", "csecret-1", START_URL);
    assert_eq!(
        (request.client_id(), request.start_url()),
        ("client-1", START_URL)
    );
    let device = client
        .start_device_authorization(&endpoint, &request)
        .await
        .unwrap();
    let page = format!("{}/device", fake.url());
    assert_eq!(device.device_code(), "device-code-1");
    assert_eq!(device.user_code(), USER_CODE);
    assert_eq!(device.verification_uri(), page);
    assert_eq!(
        device.verification_uri_complete(),
        Some(format!("{page}?user_code=USER-CODE").as_str())
    );
    assert_eq!(device.expires_in(), Duration::from_secs(600));
    assert_eq!(device.interval(), Duration::from_secs(1));

    let r = &fake.requests()[1];
    assert_eq!(r.request_line(), "POST /device_authorization HTTP/1.1");
    assert_eq!(
        r.header_names(),
        ["content-length", "content-type", "host", "user-agent"]
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body = r#"{"clientId":"client-1","clientSecret":"csecret-1","startUrl":"https://d-abc123.awsapps.com/start"}"#;
    assert_eq!(r.body_text(), body);
    assert_eq!(
        r.header("content-length"),
        Some(body.len().to_string().as_str())
    );

    // An unknown client: InvalidClientException, not retried.
    let err = client
        .start_device_authorization(
            &endpoint,
            &StartDeviceAuthorizationRequest::new("client-9", "csecret-9", START_URL),
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "StartDeviceAuthorization failed: HTTP 401 InvalidClientException: Invalid client provided"
    );
    assert_eq!(err.service_kind(), Some(ServiceErrorKind::InvalidClient));
    assert_eq!(fake.count(Operation::StartDeviceAuthorization), 2);
}

#[tokio::test]
async fn device_authorization_answers_are_validated_with_defaults() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let endpoint = oidc(fake.url());
    let request = StartDeviceAuthorizationRequest::new("cid", "csecret", START_URL);
    let answer = |body: &str| {
        fake.script(
            Operation::StartDeviceAuthorization,
            [Answer::json(200, body)],
        );
        client.start_device_authorization(&endpoint, &request)
    };
    let base = r#""deviceCode":"dc-1","userCode":"ABCD-EFGH","verificationUri":"https://device.sso.us-east-1.amazonaws.com/""#;
    for (rest, expires_in, interval) in [
        ("", 600, 5),
        (r#","expiresIn":0,"interval":0"#, 600, 5),
        (r#","expiresIn":-1,"interval":-5"#, 600, 5),
        (r#","expiresIn":"900","interval":"2""#, 600, 5),
        (r#","expiresIn":1.5,"interval":null"#, 600, 5),
        (r#","expiresIn":1,"interval":1"#, 1, 1),
        (r#","expiresIn":900,"interval":10"#, 900, 10),
    ] {
        let device = answer(&format!("{{{base}{rest}}}")).await.unwrap();
        assert_eq!(
            (
                device.expires_in().as_secs(),
                device.interval().as_secs(),
                device.verification_uri_complete()
            ),
            (expires_in, interval, None),
            "{rest}"
        );
    }
    let device = answer(&format!(r#"{{{base},"verificationUriComplete":""}}"#))
        .await
        .unwrap();
    assert_eq!(device.verification_uri_complete(), None);
    assert_eq!(
        (device.device_code(), device.user_code()),
        ("dc-1", "ABCD-EFGH")
    );

    let url = format!("{}/device_authorization", fake.url());
    for (body, text) in [
        (
            "",
            "StartDeviceAuthorization response lacks deviceCode".to_owned(),
        ),
        (
            r#"{"deviceCode":"","userCode":"u","verificationUri":"v"}"#,
            "StartDeviceAuthorization response lacks deviceCode".to_owned(),
        ),
        (
            r#"{"deviceCode":"d","verificationUri":"v"}"#,
            "StartDeviceAuthorization response lacks userCode".to_owned(),
        ),
        (
            r#"{"deviceCode":"d","userCode":"u","verificationUriComplete":"v"}"#,
            "StartDeviceAuthorization response lacks verificationUri".to_owned(),
        ),
        (
            "busy",
            format!("StartDeviceAuthorization response from {url} is not valid JSON (HTTP 200)"),
        ),
    ] {
        let err = answer(body).await.unwrap_err();
        assert_eq!(err.to_string(), text, "{body}");
        assert_eq!(fake.count(Operation::StartDeviceAuthorization), 1, "{body}");
    }
}

#[tokio::test]
async fn authorization_code_grant_is_byte_exact() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let endpoint = oidc(fake.url());
    let registered = client
        .register_client(&endpoint, &pkce_registration())
        .await
        .unwrap();
    let location = authorize(
        &fake,
        registered.client_id(),
        "3f1c2a9e-7d4b-4e8a-b6c5-0a1b2c3d4e5f",
    );
    assert_eq!(
        location,
        "http://127.0.0.1:8400/oauth/callback?code=code-1&state=3f1c2a9e-7d4b-4e8a-b6c5-0a1b2c3d4e5f"
    );
    let exchange = |verifier: &str| {
        CreateTokenRequest::authorization_code(
            registered.client_id(),
            registered.client_secret(),
            "code-1",
            verifier,
            REDIRECT,
        )
    };
    let request = exchange(VERIFIER);
    assert_eq!(
        (request.client_id(), request.grant_type()),
        ("client-1", "authorization_code")
    );

    // The wrong verifier: InvalidGrantException, typed, not retried.
    let err = client
        .create_token(&endpoint, &exchange(&"b".repeat(64)))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "CreateToken failed: HTTP 400 InvalidGrantException: Invalid grant provided"
    );
    assert_eq!(err.service_kind(), Some(ServiceErrorKind::InvalidGrant));
    assert_eq!(err.attempts(), 1);

    let token = client.create_token(&endpoint, &request).await.unwrap();
    assert_eq!(
        (
            token.access_token(),
            token.expires_in().as_secs(),
            token.refresh_token()
        ),
        ("at-login", 28_800, Some("rt-login"))
    );
    let r = fake.requests().pop().unwrap();
    assert_eq!(r.request_line(), "POST /token HTTP/1.1");
    assert_eq!(
        r.header_names(),
        ["content-length", "content-type", "host", "user-agent"]
    );
    let body = format!(
        r#"{{"clientId":"client-1","clientSecret":"csecret-1","grantType":"authorization_code","code":"code-1","codeVerifier":"{VERIFIER}","redirectUri":"http://127.0.0.1:8400/oauth/callback"}}"#
    );
    assert_eq!(r.body_text(), body);
    assert_eq!(
        r.header("content-length"),
        Some(body.len().to_string().as_str())
    );
    assert_eq!(fake.count(Operation::CreateToken), 2);
}

#[tokio::test]
async fn device_code_polls_are_typed_and_never_retried() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let endpoint = oidc(fake.url());
    client
        .register_client(&endpoint, &device_registration())
        .await
        .unwrap();
    let device = client
        .start_device_authorization(
            &endpoint,
            &StartDeviceAuthorizationRequest::new("client-1", "csecret-1", START_URL),
        )
        .await
        .unwrap();
    let poll = CreateTokenRequest::device_code("client-1", "csecret-1", device.device_code());
    assert_eq!(poll.grant_type(), DEVICE_CODE_GRANT_TYPE);
    fake.script(
        Operation::CreateToken,
        [
            Answer::service_error(
                Operation::CreateToken,
                "AuthorizationPendingException",
                "Authorization pending",
            ),
            // As the OAuth body alone, without x-amzn-ErrorType.
            Answer::json(
                400,
                r#"{"error":"slow_down","error_description":"Slow down"}"#,
            ),
            Answer::default_for(Operation::CreateToken),
        ],
    );
    let pending = client.create_token(&endpoint, &poll).await.unwrap_err();
    assert_eq!(
        pending.service_kind(),
        Some(ServiceErrorKind::AuthorizationPending)
    );
    assert_eq!(
        (pending.attempts(), fake.count(Operation::CreateToken)),
        (1, 1)
    );
    let slow = client.create_token(&endpoint, &poll).await.unwrap_err();
    assert_eq!(slow.service_kind(), Some(ServiceErrorKind::SlowDown));
    assert_eq!(
        slow.to_string(),
        "CreateToken failed: HTTP 400 SlowDownException: Slow down"
    );
    assert_eq!(
        (slow.attempts(), fake.count(Operation::CreateToken)),
        (1, 2)
    );
    let token = client.create_token(&endpoint, &poll).await.unwrap();
    assert_eq!(token.access_token(), "at-login");
    assert_eq!(fake.count(Operation::CreateToken), 3);
    assert_eq!(
        fake.requests().pop().unwrap().body_text(),
        r#"{"clientId":"client-1","clientSecret":"csecret-1","grantType":"urn:ietf:params:oauth:grant-type:device_code","deviceCode":"device-code-1"}"#
    );

    // The ends of a device code login: L-EXPIRED and L-DENIED go by these kinds.
    for (code, kind, text) in [
        (
            "ExpiredTokenException",
            ServiceErrorKind::ExpiredToken,
            "CreateToken failed: HTTP 400 ExpiredTokenException: Device code has expired",
        ),
        (
            "AccessDeniedException",
            ServiceErrorKind::AccessDenied,
            "CreateToken failed: HTTP 400 AccessDeniedException: Device code has expired",
        ),
    ] {
        fake.script(
            Operation::CreateToken,
            [Answer::service_error(
                Operation::CreateToken,
                code,
                "Device code has expired",
            )],
        );
        let err = client.create_token(&endpoint, &poll).await.unwrap_err();
        assert_eq!(err.service_kind(), Some(kind));
        assert_eq!(err.to_string(), text);
        let service = err.as_service().unwrap();
        assert_eq!(
            format!("{}: {}", service.code(), service.message()),
            format!("{code}: Device code has expired")
        );
        assert_eq!(fake.count(Operation::CreateToken), 1);
    }
}

#[tokio::test]
async fn logout_is_byte_exact() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    client
        .logout(&portal(fake.url()), "session-at")
        .await
        .unwrap();
    let r = &fake.requests()[0];
    assert_eq!(r.operation, Some(Operation::Logout));
    assert_eq!(r.request_line(), "POST /logout HTTP/1.1");
    assert_eq!(
        r.header_names(),
        [
            "content-length",
            "host",
            "user-agent",
            "x-amz-sso_bearer_token"
        ]
    );
    assert_eq!(r.header("x-amz-sso_bearer_token"), Some("session-at"));
    assert_eq!(r.header("content-length"), Some("0"));
    assert!(r.body.is_empty());

    // Any 2xx ends it, whatever the body.
    fake.script(
        Operation::Logout,
        [Answer::empty(204), Answer::raw(200, "not json")],
    );
    for _ in 0..2 {
        client
            .logout(&portal(fake.url()), "session-at")
            .await
            .unwrap();
    }

    // O-CALL's causes.
    fake.script(
        Operation::Logout,
        [Answer::service_error(
            Operation::Logout,
            "UnauthorizedException",
            "Session token not found or invalid",
        )],
    );
    let err = client
        .logout(&portal(fake.url()), "session-at")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Logout failed: HTTP 401 UnauthorizedException: Session token not found or invalid"
    );
    assert_eq!(fake.count(Operation::Logout), 1);
    fake.script(Operation::Logout, [Answer::empty(500)]);
    let err = client
        .logout(&portal(fake.url()), "session-at")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Logout failed: HTTP 500 UnknownError: Internal Server Error (after 3 attempts)"
    );
    assert_eq!(fake.count(Operation::Logout), 3);
}

#[tokio::test]
async fn the_login_operations_keep_the_endpoint_path_prefix() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let prefixed = format!("{}/prefix/", fake.url());
    let endpoint = oidc(&prefixed);
    client
        .register_client(&endpoint, &device_registration())
        .await
        .unwrap();
    client
        .start_device_authorization(
            &endpoint,
            &StartDeviceAuthorizationRequest::new("client-1", "csecret-1", START_URL),
        )
        .await
        .unwrap();
    client
        .create_token(
            &endpoint,
            &CreateTokenRequest::device_code("client-1", "csecret-1", "device-code-1"),
        )
        .await
        .unwrap();
    client
        .logout(&portal(&prefixed), "session-at")
        .await
        .unwrap();
    let targets: Vec<String> = fake.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/prefix/client/register",
            "/prefix/device_authorization",
            "/prefix/token",
            "/prefix/logout"
        ]
    );
}
