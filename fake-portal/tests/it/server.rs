//! Routing, the request log, counters and shutdown.

use std::net::TcpStream;

use ssokit_fake_portal::{Answer, CONSOLE_PAGE, DEFAULT_SIGNIN_TOKEN_BODY, FakePortal, Operation};

use crate::{exchange, get, parse, post};

#[test]
fn routes_by_method_and_path_suffix() {
    assert_eq!(
        Operation::route("GET", "/federation/credentials", b""),
        Some(Operation::GetRoleCredentials)
    );
    assert_eq!(
        Operation::route("GET", "/prefix/federation/credentials", b""),
        Some(Operation::GetRoleCredentials)
    );
    assert_eq!(
        Operation::route("POST", "/token", b"Action=AssumeRole"),
        Some(Operation::CreateToken)
    );
    assert_eq!(
        Operation::route("POST", "/federation/credentials", b""),
        None
    );
    assert_eq!(
        Operation::route("GET", "/token", b""),
        Some(Operation::ContainerCredentials)
    );
    assert_eq!(
        Operation::route("POST", "/", b"Action=AssumeRole&Version=2011-06-15"),
        Some(Operation::AssumeRole)
    );
    assert_eq!(
        Operation::route(
            "POST",
            "/sts/",
            b"Version=2011-06-15&Action=AssumeRoleWithWebIdentity"
        ),
        Some(Operation::AssumeRoleWithWebIdentity)
    );
    assert_eq!(
        Operation::route("POST", "/", b"Action=Assume%52ole"),
        Some(Operation::AssumeRole)
    );
    assert_eq!(
        Operation::route("POST", "/", b"Action=GetCallerIdentity"),
        None
    );
    assert_eq!(Operation::route("POST", "/", b""), None);
    assert_eq!(Operation::route("POST", "/sts", b"Action=AssumeRole"), None);
    assert_eq!(
        Operation::route("GET", "/", b"Action=AssumeRole"),
        Some(Operation::ContainerCredentials)
    );
}

#[test]
fn routes_imds_and_the_container_endpoint() {
    let route = |method: &str, path: &str| Operation::route(method, path, b"");
    let extended = "/latest/meta-data/iam/security-credentials-extended/";
    let legacy = "/latest/meta-data/iam/security-credentials/";
    for prefix in ["", "/prefix", "/a/b"] {
        assert_eq!(
            route("PUT", &format!("{prefix}/latest/api/token")),
            Some(Operation::ImdsToken),
            "{prefix}"
        );
        assert_eq!(
            route("GET", &format!("{prefix}{extended}")),
            Some(Operation::ImdsExtendedRoles)
        );
        assert_eq!(
            route("GET", &format!("{prefix}{extended}role-1")),
            Some(Operation::ImdsExtendedCredentials)
        );
        assert_eq!(
            route("GET", &format!("{prefix}{legacy}")),
            Some(Operation::ImdsRoles)
        );
        assert_eq!(
            route("GET", &format!("{prefix}{legacy}role%2B1")),
            Some(Operation::ImdsCredentials)
        );
    }
    // Not IMDS: another method, another path under /latest/, a role with a slash.
    assert_eq!(route("GET", "/latest/api/token"), None);
    // A POST to …/token is SSO-OIDC's, whatever comes before.
    assert_eq!(
        route("POST", "/latest/api/token"),
        Some(Operation::CreateToken)
    );
    assert_eq!(route("PUT", "/latest/api/tokens"), None);
    assert_eq!(route("GET", "/latest/meta-data/ami-id"), None);
    assert_eq!(route("GET", &format!("{legacy}a/b")), None);
    assert_eq!(
        route("GET", "/latest/meta-data/iam/security-credentials"),
        None
    );
    // Every other GET is the container endpoint's.
    for path in [
        "/creds",
        "/creds?task=1",
        "/v2/credentials/52b19262",
        "/v1/credentials",
        "/",
    ] {
        assert_eq!(
            route("GET", path),
            Some(Operation::ContainerCredentials),
            "{path}"
        );
    }
    assert_eq!(route("PUT", "/creds"), None);
    assert_eq!(route("DELETE", "/creds"), None);
    assert_eq!(
        route("GET", "/prefix/assignment/accounts"),
        Some(Operation::ListAccounts)
    );
    assert_eq!(
        route("GET", "/assignment/roles"),
        Some(Operation::ListAccountRoles)
    );
    assert_eq!(Operation::ALL.len(), 18);
    for op in Operation::ALL {
        assert_eq!(op.is_imds(), op.name().starts_with("Imds"), "{}", op.name());
        assert_eq!(
            op.is_sts(),
            op.name().starts_with("AssumeRole"),
            "{}",
            op.name()
        );
        assert_eq!(
            op.is_listing(),
            op.name().starts_with("List"),
            "{}",
            op.name()
        );
    }
}

#[test]
fn routes_the_federation_endpoint_by_its_query_action() {
    let route = |target: &str| Operation::route("GET", target, b"");
    assert_eq!(
        route("/federation?Action=getSigninToken&Session=%7B%7D"),
        Some(Operation::GetSigninToken)
    );
    assert_eq!(
        route("/prefix/federation?SessionDuration=900&Action=getSigninToken"),
        Some(Operation::GetSigninToken)
    );
    assert_eq!(
        route("/federation?Action=login&Issuer=&SigninToken=st-1"),
        Some(Operation::ConsoleLogin)
    );
    assert_eq!(route("/federation?Action=getFederationToken"), None);
    assert_eq!(route("/federation"), None);
    assert_eq!(
        Operation::route("POST", "/federation?Action=getSigninToken", b""),
        None
    );
    // The portal's own path, with its query, is still GetRoleCredentials.
    assert_eq!(
        route("/federation/credentials?account_id=1&role_name=r"),
        Some(Operation::GetRoleCredentials)
    );
    assert!(Operation::GetSigninToken.is_federation());
    assert!(!Operation::GetRoleCredentials.is_federation());
    assert_eq!(Operation::GetSigninToken.name(), "getSigninToken");
}

#[test]
fn the_federation_fake_answers_a_token_and_a_page_and_logs_the_session() {
    let fake = FakePortal::start().unwrap();
    let token = parse(&get(
        fake.addr(),
        "/federation?Action=getSigninToken&Session=%7B%22sessionId%22%3A%22A%22%7D",
    ));
    assert_eq!(token.status_line, "HTTP/1.1 200 OK");
    assert_eq!(token.header("content-type"), Some("application/json"));
    assert_eq!(token.body_text(), DEFAULT_SIGNIN_TOKEN_BODY);
    assert_eq!(DEFAULT_SIGNIN_TOKEN_BODY, r#"{"SigninToken":"st-1"}"#);
    let page = parse(&get(
        fake.addr(),
        "/federation?Action=login&Issuer=&Destination=x&SigninToken=st-1",
    ));
    assert_eq!(page.status_line, "HTTP/1.1 200 OK");
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.body_text(), CONSOLE_PAGE);
    let log = fake.requests();
    assert_eq!(
        log[0].target,
        "/federation?Action=getSigninToken&Session=%7B%22sessionId%22%3A%22A%22%7D"
    );
    assert_eq!(
        (
            fake.count(Operation::GetSigninToken),
            fake.count(Operation::ConsoleLogin)
        ),
        (1, 1)
    );

    fake.script(Operation::GetSigninToken, [Answer::empty(403)]);
    let refused = parse(&get(fake.addr(), "/federation?Action=getSigninToken"));
    assert_eq!(refused.status_line, "HTTP/1.1 403 Forbidden");
}

#[test]
fn the_log_holds_every_request_as_sent() {
    let fake = FakePortal::start().unwrap();
    assert!(fake.url().starts_with("http://127.0.0.1:"));
    assert_eq!(fake.url(), format!("http://127.0.0.1:{}", fake.port()));
    get(
        fake.addr(),
        "/p/federation/credentials?account_id=0123&role_name=Role%2BName%2F%C3%A9%20x",
    );
    post(fake.addr(), "/token", r#"{"clientId":"cid"}"#);
    let unknown = parse(&get(fake.addr(), "/latest/meta-data/nope"));
    assert_eq!(unknown.status_line, "HTTP/1.1 404 Not Found");
    assert_eq!(
        unknown.header("x-amzn-errortype"),
        Some("ResourceNotFoundException")
    );

    let log = fake.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].operation, Some(Operation::GetRoleCredentials));
    assert_eq!(
        log[0].request_line(),
        "GET /p/federation/credentials?account_id=0123&role_name=Role%2BName%2F%C3%A9%20x HTTP/1.1"
    );
    assert_eq!(
        log[0].header_names(),
        ["connection", "host", "x-amz-sso_bearer_token"]
    );
    assert_eq!(log[0].header("X-Amz-Sso_Bearer_Token"), Some("t"));
    assert_eq!(log[1].operation, Some(Operation::CreateToken));
    assert_eq!(log[1].body_text(), r#"{"clientId":"cid"}"#);
    assert_eq!(log[2].operation, None);
    assert_eq!(
        (
            fake.count(Operation::GetRoleCredentials),
            fake.count(Operation::CreateToken)
        ),
        (1, 1)
    );
    assert_eq!(fake.connections(), 3);

    fake.reset();
    assert!(fake.requests().is_empty());
    assert_eq!(fake.count(Operation::GetRoleCredentials), 0);
}

#[test]
fn keep_alive_connections_serve_several_requests() {
    let fake = FakePortal::start().unwrap();
    let request = "GET /federation/credentials HTTP/1.1\r\nHost: fake\r\n\r\nGET /federation/credentials HTTP/1.1\r\nHost: fake\r\nConnection: close\r\n\r\n";
    let bytes = exchange(fake.addr(), request);
    let text = String::from_utf8_lossy(&bytes);
    assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 2);
    assert_eq!(fake.connections(), 1);
    assert_eq!(fake.count(Operation::GetRoleCredentials), 2);
}

#[test]
fn dropping_the_fake_stops_it() {
    let fake = FakePortal::start().unwrap();
    let addr = fake.addr();
    drop(fake);
    assert!(TcpStream::connect(addr).is_err());
}
