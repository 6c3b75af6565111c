//! The fake SSO-OIDC login and the portal's Logout over the wire: registration, the
//! authorization page with PKCE, the device authorization, the token exchange of each grant.

use ssokit_fake_portal::sandbox::ts;
use ssokit_fake_portal::{
    Answer, CLIENT_SECRET_EXPIRES_AT, DEFAULT_LOGIN_TOKEN_BODY, DEFAULT_TOKEN_BODY,
    DEVICE_CODE_GRANT_TYPE, FakePortal, Operation, USER_CODE,
};

use crate::{Raw, exchange, get, parse, post};

/// SPEC §19.3's PKCE registration body (session `dev`, default scope).
const PKCE_REGISTRATION: &str = r#"{"clientName":"ssokit-client-dev","clientType":"public","scopes":["sso:account:access"],"grantTypes":["authorization_code","refresh_token"],"redirectUris":["http://127.0.0.1/oauth/callback"],"issuerUrl":"https://d-abc123.awsapps.com/start"}"#;

/// SPEC §19.3's device code registration body (no scopes configured).
const DEVICE_REGISTRATION: &str = r#"{"clientName":"ssokit-client-dev","clientType":"public"}"#;

/// The verifier of SPEC §19.6's example, and its S256 challenge.
const VERIFIER: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const CHALLENGE: &str = "_-BU_nrgy23GXDr5th1SCfQ5hR20PQulmXM33xVGaOs";

/// The redirect URI of a listener on port 8400, and its encoding in a query.
const REDIRECT: &str = "http://127.0.0.1:8400/oauth/callback";
const REDIRECT_ENCODED: &str = "http%3A%2F%2F127.0.0.1%3A8400%2Foauth%2Fcallback";

const INVALID_GRANT: &str =
    r#"{"error":"invalid_grant","error_description":"Invalid grant provided"}"#;

/// SPEC §19.6's authorization query for `client`, with `redirect` (encoded) and `state`.
fn authorize_target(client: &str, redirect: &str, state: &str) -> String {
    format!(
        "/authorize?response_type=code&client_id={client}&redirect_uri={redirect}&state={state}&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge={CHALLENGE}"
    )
}

fn register(fake: &FakePortal, body: &str) -> Raw {
    parse(&post(fake.addr(), "/client/register", body))
}

fn authorization_code_body(client: &str, secret: &str, code: &str, verifier: &str) -> String {
    format!(
        r#"{{"clientId":"{client}","clientSecret":"{secret}","grantType":"authorization_code","code":"{code}","codeVerifier":"{verifier}","redirectUri":"{REDIRECT}"}}"#
    )
}

fn device_code_body(client: &str, secret: &str, device_code: &str) -> String {
    format!(
        r#"{{"clientId":"{client}","clientSecret":"{secret}","grantType":"{DEVICE_CODE_GRANT_TYPE}","deviceCode":"{device_code}"}}"#
    )
}

fn token(fake: &FakePortal, body: &str) -> Raw {
    parse(&post(fake.addr(), "/token", body))
}

/// Status line, `x-amzn-ErrorType` and body of an answer.
fn outcome(raw: &Raw) -> (String, Option<String>, String) {
    (
        raw.status_line.clone(),
        raw.header("x-amzn-errortype").map(str::to_owned),
        raw.body_text(),
    )
}

fn oidc_error(status: &str, code: &str, body: &str) -> (String, Option<String>, String) {
    (
        format!("HTTP/1.1 {status}"),
        Some(format!(
            "{code}:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"
        )),
        body.to_owned(),
    )
}

fn ok(body: &str) -> (String, Option<String>, String) {
    ("HTTP/1.1 200 OK".to_owned(), None, body.to_owned())
}

#[test]
fn routes_the_login_operations_under_any_prefix() {
    for prefix in ["", "/prefix"] {
        let route =
            |method: &str, path: &str| Operation::route(method, &format!("{prefix}{path}"), b"");
        assert_eq!(
            route("POST", "/client/register"),
            Some(Operation::RegisterClient)
        );
        assert_eq!(route("GET", "/authorize"), Some(Operation::Authorize));
        assert_eq!(
            route("POST", "/device_authorization"),
            Some(Operation::StartDeviceAuthorization)
        );
        assert_eq!(route("POST", "/logout"), Some(Operation::Logout));
        assert_eq!(route("POST", "/token"), Some(Operation::CreateToken));
    }
    // Other methods: not these operations (any other GET is the container endpoint's).
    assert_eq!(Operation::route("POST", "/authorize", b""), None);
    assert_eq!(
        Operation::route("GET", "/client/register", b""),
        Some(Operation::ContainerCredentials)
    );
    assert_eq!(Operation::route("PUT", "/logout", b""), None);
    let oidc: Vec<&str> = Operation::ALL
        .iter()
        .filter(|op| op.is_oidc())
        .map(|op| op.name())
        .collect();
    assert_eq!(
        oidc,
        [
            "CreateToken",
            "RegisterClient",
            "Authorize",
            "StartDeviceAuthorization"
        ]
    );
}

#[test]
fn register_client_issues_numbered_clients() {
    let fake = FakePortal::start().unwrap();
    assert_eq!(
        CLIENT_SECRET_EXPIRES_AT,
        u64::try_from(ts("2026-05-30T12:00:00Z").as_second()).unwrap()
    );
    let first = register(&fake, PKCE_REGISTRATION);
    assert_eq!(first.status_line, "HTTP/1.1 200 OK");
    assert_eq!(first.header("content-type"), Some("application/json"));
    assert_eq!(
        first.body_text(),
        r#"{"clientId":"client-1","clientSecret":"csecret-1","clientIdIssuedAt":1772366400,"clientSecretExpiresAt":1780142400}"#
    );
    assert_eq!(
        register(&fake, DEVICE_REGISTRATION).body_text(),
        r#"{"clientId":"client-2","clientSecret":"csecret-2","clientIdIssuedAt":1772366400,"clientSecretExpiresAt":1780142400}"#
    );
    assert_eq!(fake.count(Operation::RegisterClient), 2);
    assert_eq!(fake.requests()[0].body_text(), PKCE_REGISTRATION);
}

#[test]
fn register_client_refuses_what_identity_center_refuses() {
    let fake = FakePortal::start().unwrap();
    let cases = [
        (
            "not json",
            "InvalidRequestException",
            "invalid_request",
            "Invalid request",
        ),
        (
            r#"{"clientType":"public"}"#,
            "InvalidRequestException",
            "invalid_request",
            "clientName must not be empty",
        ),
        (
            r#"{"clientName":"n","clientType":"confidential"}"#,
            "InvalidClientMetadataException",
            "invalid_client_metadata",
            "clientType must be public",
        ),
        (
            r#"{"clientName":"n","clientType":"public","grantTypes":["password"]}"#,
            "UnsupportedGrantTypeException",
            "unsupported_grant_type",
            "Unsupported grant type: password",
        ),
        (
            r#"{"clientName":"n","clientType":"public","grantTypes":["authorization_code"],"issuerUrl":"https://x"}"#,
            "InvalidRedirectUriException",
            "invalid_redirect_uri",
            "redirectUris is required for the authorization_code grant",
        ),
        (
            r#"{"clientName":"n","clientType":"public","grantTypes":["authorization_code"],"redirectUris":["/oauth/callback"],"issuerUrl":"https://x"}"#,
            "InvalidRedirectUriException",
            "invalid_redirect_uri",
            "Invalid redirect URI provided",
        ),
        (
            r#"{"clientName":"n","clientType":"public","grantTypes":["authorization_code"],"redirectUris":["http://127.0.0.1/oauth/callback"]}"#,
            "InvalidRequestException",
            "invalid_request",
            "issuerUrl is required for the authorization_code grant",
        ),
    ];
    for (body, code, error, message) in cases {
        assert_eq!(
            outcome(&register(&fake, body)),
            oidc_error(
                "400 Bad Request",
                code,
                &format!(r#"{{"error":"{error}","error_description":"{message}"}}"#)
            ),
            "{body}"
        );
    }
    // Nothing was issued: the next client is the first.
    assert!(
        register(&fake, DEVICE_REGISTRATION)
            .body_text()
            .contains("client-1")
    );
}

#[test]
fn authorization_code_with_pkce_end_to_end() {
    let fake = FakePortal::start().unwrap();
    register(&fake, PKCE_REGISTRATION);
    let page = parse(&get(
        fake.addr(),
        &authorize_target(
            "client-1",
            REDIRECT_ENCODED,
            "0b5c7f4e-6a1d-4c1e-9a57-2f1e0d3c4b5a",
        ),
    ));
    assert_eq!(page.status_line, "HTTP/1.1 302 Found");
    assert_eq!(
        page.header("location"),
        Some(
            "http://127.0.0.1:8400/oauth/callback?code=code-1&state=0b5c7f4e-6a1d-4c1e-9a57-2f1e0d3c4b5a"
        )
    );
    assert!(page.body.is_empty());
    assert_eq!(fake.count(Operation::Authorize), 1);

    // A wrong verifier, another redirect URI, another client or a wrong secret: refused,
    // and the code stays usable.
    let wrong_verifier =
        authorization_code_body("client-1", "csecret-1", "code-1", &"b".repeat(64));
    assert_eq!(
        outcome(&token(&fake, &wrong_verifier)),
        oidc_error("400 Bad Request", "InvalidGrantException", INVALID_GRANT)
    );
    let other_port = authorization_code_body("client-1", "csecret-1", "code-1", VERIFIER)
        .replace(":8400/", ":8401/");
    assert_eq!(
        outcome(&token(&fake, &other_port)),
        oidc_error("400 Bad Request", "InvalidGrantException", INVALID_GRANT)
    );
    register(&fake, PKCE_REGISTRATION);
    let other_client = authorization_code_body("client-2", "csecret-2", "code-1", VERIFIER);
    assert_eq!(
        outcome(&token(&fake, &other_client)),
        oidc_error("400 Bad Request", "InvalidGrantException", INVALID_GRANT)
    );
    let wrong_secret = authorization_code_body("client-1", "csecret-2", "code-1", VERIFIER);
    assert_eq!(
        outcome(&token(&fake, &wrong_secret)),
        oidc_error(
            "401 Unauthorized",
            "InvalidClientException",
            r#"{"error":"invalid_client","error_description":"Invalid client provided"}"#
        )
    );
    let unknown_code = authorization_code_body("client-1", "csecret-1", "code-9", VERIFIER);
    assert_eq!(
        outcome(&token(&fake, &unknown_code)),
        oidc_error("400 Bad Request", "InvalidGrantException", INVALID_GRANT)
    );

    // The right exchange, once.
    let right = authorization_code_body("client-1", "csecret-1", "code-1", VERIFIER);
    let answer = token(&fake, &right);
    assert_eq!(outcome(&answer), ok(DEFAULT_LOGIN_TOKEN_BODY));
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(
        outcome(&token(&fake, &right)),
        oidc_error("400 Bad Request", "InvalidGrantException", INVALID_GRANT)
    );
    assert_eq!(fake.count(Operation::CreateToken), 7);
}

#[test]
fn authorize_refuses_with_an_error_page() {
    let fake = FakePortal::start().unwrap();
    register(&fake, PKCE_REGISTRATION);
    register(&fake, DEVICE_REGISTRATION);
    let good = authorize_target("client-1", REDIRECT_ENCODED, "s");
    let cases = [
        (
            good.replace("response_type=code", "response_type=token"),
            "invalid_request: response_type must be code",
        ),
        (
            good.replace("client_id=client-1", "client_id=client-9"),
            "invalid_client: unknown client_id",
        ),
        (
            good.replace("client_id=client-1", "client_id=client-2"),
            "unauthorized_client: the client is not registered for the authorization_code grant",
        ),
        (
            good.replace("%2Foauth%2Fcallback", "%2Foauth%2Fother"),
            "invalid_request: redirect_uri is not registered for this client",
        ),
        (
            good.replace("127.0.0.1", "localhost"),
            "invalid_request: redirect_uri is not registered for this client",
        ),
        (
            good.replace("http%3A", "https%3A"),
            "invalid_request: redirect_uri is not registered for this client",
        ),
        (
            good.replace("code_challenge_method=S256", "code_challenge_method=plain"),
            "invalid_request: code_challenge_method must be S256",
        ),
        (
            good.replace(CHALLENGE, ""),
            "invalid_request: code_challenge is missing",
        ),
        (
            good.replace("&state=s", ""),
            "invalid_request: state is missing",
        ),
    ];
    for (target, text) in cases {
        let page = parse(&get(fake.addr(), &target));
        assert_eq!(page.status_line, "HTTP/1.1 400 Bad Request", "{target}");
        assert_eq!(
            page.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(page.header("location"), None);
        assert_eq!(
            page.body_text(),
            format!(
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>fake portal: sign-in refused</title></head><body><p>{text}</p></body></html>"
            ),
            "{target}"
        );
    }
    // Any loopback port matches the portless registration (RFC 8252 §7.3); the state is
    // echoed encoded.
    let page = parse(&get(
        fake.addr(),
        &authorize_target(
            "client-1",
            "http%3A%2F%2F127.0.0.1%3A1%2Foauth%2Fcallback",
            "a%20b%26c",
        ),
    ));
    assert_eq!(
        page.header("location"),
        Some("http://127.0.0.1:1/oauth/callback?code=code-1&state=a%20b%26c")
    );
}

#[test]
fn device_code_end_to_end_with_a_scripted_wait() {
    let fake = FakePortal::start().unwrap();
    register(&fake, DEVICE_REGISTRATION);
    let start = parse(&post(
        fake.addr(),
        "/device_authorization",
        r#"{"clientId":"client-1","clientSecret":"csecret-1","startUrl":"https://d-abc123.awsapps.com/start"}"#,
    ));
    let url = fake.url();
    assert_eq!(
        outcome(&start),
        ok(&format!(
            r#"{{"deviceCode":"device-code-1","userCode":"{USER_CODE}","verificationUri":"{url}/device","verificationUriComplete":"{url}/device?user_code=USER-CODE","expiresIn":600,"interval":1}}"#
        ))
    );

    fake.script(
        Operation::CreateToken,
        [
            Answer::service_error(
                Operation::CreateToken,
                "AuthorizationPendingException",
                "Authorization pending",
            ),
            Answer::service_error(Operation::CreateToken, "SlowDownException", "Slow down"),
            Answer::default_for(Operation::CreateToken),
        ],
    );
    let poll = device_code_body("client-1", "csecret-1", "device-code-1");
    let answers: Vec<_> = (0..4).map(|_| outcome(&token(&fake, &poll))).collect();
    assert_eq!(
        answers,
        [
            oidc_error(
                "400 Bad Request",
                "AuthorizationPendingException",
                r#"{"error":"authorization_pending","error_description":"Authorization pending"}"#
            ),
            oidc_error(
                "400 Bad Request",
                "SlowDownException",
                r#"{"error":"slow_down","error_description":"Slow down"}"#
            ),
            ok(DEFAULT_LOGIN_TOKEN_BODY),
            // A device code is exchanged once.
            oidc_error("400 Bad Request", "InvalidGrantException", INVALID_GRANT),
        ]
    );
    assert_eq!(fake.count(Operation::CreateToken), 4);

    // Unknown device code, another client's, an unknown client.
    fake.script(Operation::CreateToken, []);
    let start_body = r#"{"clientId":"client-1","clientSecret":"csecret-1","startUrl":"https://d-abc123.awsapps.com/start"}"#;
    post(fake.addr(), "/device_authorization", start_body);
    register(&fake, DEVICE_REGISTRATION);
    for body in [
        device_code_body("client-1", "csecret-1", "device-code-9"),
        device_code_body("client-2", "csecret-2", "device-code-2"),
    ] {
        assert_eq!(
            outcome(&token(&fake, &body)),
            oidc_error("400 Bad Request", "InvalidGrantException", INVALID_GRANT),
            "{body}"
        );
    }
    let refused = parse(&post(
        fake.addr(),
        "/device_authorization",
        &start_body.replace("csecret-1", "csecret-2"),
    ));
    assert_eq!(refused.status_line, "HTTP/1.1 401 Unauthorized");
    let refused = parse(&post(
        fake.addr(),
        "/device_authorization",
        r#"{"clientId":"client-1","clientSecret":"csecret-1"}"#,
    ));
    assert_eq!(
        refused.body_text(),
        r#"{"error":"invalid_request","error_description":"startUrl must not be empty"}"#
    );
    assert_eq!(
        outcome(&token(
            &fake,
            &device_code_body("client-1", "csecret-1", "device-code-2")
        )),
        ok(DEFAULT_LOGIN_TOKEN_BODY)
    );
}

#[test]
fn scripted_registrations_and_device_codes_are_remembered() {
    let fake = FakePortal::start().unwrap();
    // SPEC §26's OIDC fake, scripted.
    fake.script(
        Operation::RegisterClient,
        [Answer::json(
            200,
            r#"{"clientId":"cid-new","clientSecret":"csecret-new","clientSecretExpiresAt":1780272000}"#,
        )],
    );
    fake.script(
        Operation::StartDeviceAuthorization,
        [Answer::json(
            200,
            r#"{"deviceCode":"dc-1","userCode":"ABCD-EFGH","verificationUri":"http://127.0.0.1:1/device","expiresIn":600,"interval":1}"#,
        )],
    );
    register(&fake, PKCE_REGISTRATION);
    let page = parse(&get(
        fake.addr(),
        &authorize_target("cid-new", REDIRECT_ENCODED, "s"),
    ));
    assert_eq!(
        page.header("location"),
        Some("http://127.0.0.1:8400/oauth/callback?code=code-1&state=s")
    );
    let exchange_body = authorization_code_body("cid-new", "csecret-new", "code-1", VERIFIER);
    assert_eq!(
        outcome(&token(&fake, &exchange_body)),
        ok(DEFAULT_LOGIN_TOKEN_BODY)
    );

    post(
        fake.addr(),
        "/device_authorization",
        r#"{"clientId":"cid-new","clientSecret":"csecret-new","startUrl":"https://d-abc123.awsapps.com/start"}"#,
    );
    assert_eq!(
        outcome(&token(
            &fake,
            &device_code_body("cid-new", "csecret-new", "dc-1")
        )),
        ok(DEFAULT_LOGIN_TOKEN_BODY)
    );
}

#[test]
fn the_refresh_grant_is_unchanged_and_unknown_grants_are_refused() {
    let fake = FakePortal::start().unwrap();
    for body in [
        "{}",
        "not json",
        r#"{"clientId":"cid","clientSecret":"csecret","refreshToken":"rt-1","grantType":"refresh_token"}"#,
    ] {
        assert_eq!(
            outcome(&token(&fake, body)),
            ok(DEFAULT_TOKEN_BODY),
            "{body}"
        );
    }
    assert_eq!(
        outcome(&token(&fake, r#"{"grantType":"password"}"#)),
        oidc_error(
            "400 Bad Request",
            "UnsupportedGrantTypeException",
            r#"{"error":"unsupported_grant_type","error_description":"Unsupported grant type: password"}"#
        )
    );
}

#[test]
fn logout_answers_an_empty_200_and_can_be_scripted() {
    let fake = FakePortal::start().unwrap();
    let request = "POST /logout HTTP/1.1\r\nHost: fake\r\nx-amz-sso_bearer_token: session-at\r\ncontent-length: 0\r\nConnection: close\r\n\r\n";
    let answer = parse(&exchange(fake.addr(), request));
    assert_eq!(answer.status_line, "HTTP/1.1 200 OK");
    assert!(answer.body.is_empty());
    let logged = &fake.requests()[0];
    assert_eq!(logged.operation, Some(Operation::Logout));
    assert_eq!(logged.header("x-amz-sso_bearer_token"), Some("session-at"));

    fake.script(
        Operation::Logout,
        [Answer::service_error(
            Operation::Logout,
            "UnauthorizedException",
            "Session token not found or invalid",
        )],
    );
    let answer = parse(&exchange(fake.addr(), request));
    assert_eq!(
        outcome(&answer),
        (
            "HTTP/1.1 401 Unauthorized".to_owned(),
            Some(
                "UnauthorizedException:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/"
                    .to_owned()
            ),
            r#"{"message":"Session token not found or invalid"}"#.to_owned()
        )
    );
    assert_eq!(fake.count(Operation::Logout), 1);
}

#[test]
fn faults_and_reset_apply_to_the_login_operations() {
    let fake = FakePortal::start().unwrap();
    fake.script(
        Operation::RegisterClient,
        [
            Answer::empty(500),
            Answer::default_for(Operation::RegisterClient),
        ],
    );
    assert_eq!(
        register(&fake, DEVICE_REGISTRATION).status_line,
        "HTTP/1.1 500 Internal Server Error"
    );
    assert!(
        register(&fake, DEVICE_REGISTRATION)
            .body_text()
            .contains("client-1")
    );
    fake.script(Operation::Authorize, [Answer::drop_connection()]);
    assert!(exchange(fake.addr(), "GET /authorize HTTP/1.1\r\nHost: fake\r\n\r\n").is_empty());

    // After a reset the numbering restarts; what was registered stays valid.
    fake.reset();
    assert!(
        register(&fake, PKCE_REGISTRATION)
            .body_text()
            .contains("client-1")
    );
    let start = post(
        fake.addr(),
        "/device_authorization",
        r#"{"clientId":"client-1","clientSecret":"csecret-1","startUrl":"u"}"#,
    );
    assert!(parse(&start).body_text().contains("device-code-1"));
    assert_eq!(fake.count(Operation::RegisterClient), 1);
}
