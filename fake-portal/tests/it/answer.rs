//! Scripted answers as they arrive on the wire.

use std::time::{Duration, Instant};

use ssokit_fake_portal::{Answer, DEFAULT_CREDENTIALS_BODY, FakePortal, Operation};

use crate::{get, parse, post};

const CREDS: &str = "/federation/credentials?account_id=1&role_name=r";

#[test]
fn defaults_are_the_spec_portal() {
    let fake = FakePortal::start().unwrap();
    let r = parse(&get(fake.addr(), CREDS));
    assert_eq!(r.status_line, "HTTP/1.1 200 OK");
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.body_text(), DEFAULT_CREDENTIALS_BODY);
    let r = parse(&post(fake.addr(), "/token", "{}"));
    assert_eq!(
        r.body_text(),
        r#"{"accessToken":"at-2","tokenType":"Bearer","expiresIn":3600,"refreshToken":"rt-2"}"#
    );
}

#[test]
fn scripts_play_in_order_and_the_last_repeats() {
    let fake = FakePortal::start().unwrap();
    fake.script(
        Operation::GetRoleCredentials,
        [Answer::empty(500), Answer::json(200, "{}")],
    );
    let statuses: Vec<String> = (0..4)
        .map(|_| parse(&get(fake.addr(), CREDS)).status_line)
        .collect();
    assert_eq!(
        statuses,
        [
            "HTTP/1.1 500 Internal Server Error",
            "HTTP/1.1 200 OK",
            "HTTP/1.1 200 OK",
            "HTTP/1.1 200 OK"
        ]
    );
    assert_eq!(fake.count(Operation::GetRoleCredentials), 4);
    // Scripting again resets that operation's counter; an empty script restores the default.
    fake.script(Operation::GetRoleCredentials, []);
    assert_eq!(fake.count(Operation::GetRoleCredentials), 0);
    assert_eq!(
        parse(&get(fake.addr(), CREDS)).body_text(),
        DEFAULT_CREDENTIALS_BODY
    );
}

#[test]
fn modeled_errors_carry_status_header_and_body() {
    let fake = FakePortal::start().unwrap();
    fake.script(
        Operation::CreateToken,
        [Answer::service_error(
            Operation::CreateToken,
            "InvalidGrantException",
            "Invalid refresh token provided",
        )],
    );
    let r = parse(&post(fake.addr(), "/token", "{}"));
    assert_eq!(r.status_line, "HTTP/1.1 400 Bad Request");
    assert_eq!(
        r.header("x-amzn-errortype"),
        Some("InvalidGrantException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/")
    );
    assert_eq!(
        r.body_text(),
        r#"{"error":"invalid_grant","error_description":"Invalid refresh token provided"}"#
    );
    fake.script(
        Operation::GetRoleCredentials,
        [Answer::service_error(
            Operation::GetRoleCredentials,
            "UnauthorizedException",
            "Session token not found or invalid",
        )],
    );
    let r = parse(&get(fake.addr(), CREDS));
    assert_eq!(r.status_line, "HTTP/1.1 401 Unauthorized");
    assert_eq!(
        r.body_text(),
        r#"{"message":"Session token not found or invalid"}"#
    );
}

#[test]
fn faults_on_the_wire() {
    let fake = FakePortal::start().unwrap();
    fake.script(Operation::GetRoleCredentials, [Answer::drop_connection()]);
    assert!(get(fake.addr(), CREDS).is_empty(), "no response at all");

    fake.script(
        Operation::GetRoleCredentials,
        [Answer::json(200, "0123456789").truncated()],
    );
    let r = parse(&get(fake.addr(), CREDS));
    assert_eq!(r.header("content-length"), Some("10"));
    assert_eq!(r.body_text(), "01234");

    fake.script(Operation::GetRoleCredentials, [Answer::oversized(2 << 20)]);
    let r = parse(&get(fake.addr(), CREDS));
    assert_eq!(r.header("content-length"), Some("2097152"));
    assert_eq!(r.body.len(), 2 << 20);

    fake.script(
        Operation::GetRoleCredentials,
        [Answer::raw(200, "abc").chunked()],
    );
    let r = parse(&get(fake.addr(), CREDS));
    assert_eq!(r.header("transfer-encoding"), Some("chunked"));
    assert_eq!(r.header("content-length"), None);
    assert_eq!(r.body_text(), "3\r\nabc\r\n0\r\n\r\n");
    assert_eq!(fake.count(Operation::GetRoleCredentials), 1);
}

#[test]
#[allow(
    clippy::disallowed_methods,
    reason = "the test measures the fake's delay with the monotonic clock"
)]
fn delays_hold_the_answer_back() {
    let fake = FakePortal::start().unwrap();
    fake.script(
        Operation::CreateToken,
        [Answer::default_for(Operation::CreateToken).delay(Duration::from_millis(50))],
    );
    let started = Instant::now();
    let r = parse(&post(fake.addr(), "/token", "{}"));
    assert_eq!(r.status_line, "HTTP/1.1 200 OK");
    // A lower bound only: the answer cannot come before the scripted delay.
    assert!(started.elapsed() >= Duration::from_millis(50));
}
