//! The fake IMDS and the fake container endpoint on the wire: tokens, the token check,
//! IMDSv1, the two credentials paths, scripts, and the keys the fake STS then trusts.

use ssokit_fake_portal::{
    Answer, DEFAULT_CONTAINER_BODY, DEFAULT_IMDS_CREDENTIALS_BODY, FakePortal, IMDS_ROLE,
    Operation, RecordedRequest,
};

use crate::{Raw, exchange, parse};

const EXTENDED: &str = "/latest/meta-data/iam/security-credentials-extended/";
const LEGACY: &str = "/latest/meta-data/iam/security-credentials/";

/// `PUT <path>` with the TTL header when given.
fn put(fake: &FakePortal, path: &str, ttl: Option<&str>) -> Raw {
    let ttl = ttl.map_or_else(String::new, |t| {
        format!("x-aws-ec2-metadata-token-ttl-seconds: {t}\r\n")
    });
    parse(&exchange(
        fake.addr(),
        &format!(
            "PUT {path} HTTP/1.1\r\nHost: 169.254.169.254\r\n{ttl}content-length: 0\r\nConnection: close\r\n\r\n"
        ),
    ))
}

/// `GET <path>` with the token header when given.
fn get_with(fake: &FakePortal, path: &str, token: Option<&str>) -> Raw {
    let token = token.map_or_else(String::new, |t| {
        format!("x-aws-ec2-metadata-token: {t}\r\n")
    });
    parse(&exchange(
        fake.addr(),
        &format!(
            "GET {path} HTTP/1.1\r\nHost: 169.254.169.254\r\n{token}Connection: close\r\n\r\n"
        ),
    ))
}

fn status(raw: &Raw) -> &str {
    raw.status_line.split_once(' ').map_or("", |(_, s)| s)
}

fn extended_body() -> String {
    DEFAULT_IMDS_CREDENTIALS_BODY.replace(
        r#""Expiration":"2026-03-01T18:00:00Z"}"#,
        r#""Expiration":"2026-03-01T18:00:00Z","AccountId":"210987654321"}"#,
    )
}

#[test]
fn tokens_are_numbered_and_echo_the_ttl() {
    let fake = FakePortal::start().unwrap();
    let first = put(&fake, "/latest/api/token", Some("21600"));
    assert_eq!(first.status_line, "HTTP/1.1 200 OK");
    assert_eq!(first.body_text(), "imds-token-1");
    assert_eq!(first.header("content-type"), Some("text/plain"));
    assert_eq!(
        first.header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("21600")
    );
    let second = put(&fake, "/prefix/latest/api/token", Some("1"));
    assert_eq!(second.body_text(), "imds-token-2");
    assert_eq!(
        second.header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("1")
    );
    for bad in [
        None,
        Some("0"),
        Some("21601"),
        Some("-5"),
        Some("soon"),
        Some(""),
    ] {
        let refused = put(&fake, "/latest/api/token", bad);
        assert_eq!(status(&refused), "400 Bad Request", "{bad:?}");
        assert_eq!(refused.header("x-aws-ec2-metadata-token-ttl-seconds"), None);
    }
    assert_eq!(fake.count(Operation::ImdsToken), 8);
    // Refused requests issue nothing: the next is number 3; a reset restarts at 1.
    assert_eq!(
        put(&fake, "/latest/api/token", Some("60")).body_text(),
        "imds-token-3"
    );
    fake.reset();
    assert_eq!(
        put(&fake, "/latest/api/token", Some("60")).body_text(),
        "imds-token-1"
    );
}

#[test]
fn the_credentials_paths_serve_role_1() {
    let fake = FakePortal::start().unwrap();
    let token = put(&fake, "/latest/api/token", Some("21600")).body_text();
    for (path, body) in [
        (EXTENDED.to_owned(), IMDS_ROLE.to_owned()),
        (format!("{EXTENDED}role-1"), extended_body()),
        (LEGACY.to_owned(), "role-1".to_owned()),
        (
            format!("{LEGACY}role-1"),
            DEFAULT_IMDS_CREDENTIALS_BODY.to_owned(),
        ),
        (
            format!("/prefix{LEGACY}role%2D1"),
            DEFAULT_IMDS_CREDENTIALS_BODY.to_owned(),
        ),
    ] {
        let answer = get_with(&fake, &path, Some(&token));
        assert_eq!(answer.status_line, "HTTP/1.1 200 OK", "{path}");
        assert_eq!(answer.header("content-type"), Some("text/plain"), "{path}");
        assert_eq!(answer.body_text(), body, "{path}");
    }
    let extended: serde_json::Value = serde_json::from_str(
        &get_with(&fake, &format!("{EXTENDED}role-1"), Some(&token)).body_text(),
    )
    .unwrap();
    assert_eq!(extended["AccountId"], "210987654321");
    assert_eq!(extended["AccessKeyId"], "ASIAIMDS");
    let legacy: serde_json::Value = serde_json::from_str(
        &get_with(&fake, &format!("{LEGACY}role-1"), Some(&token)).body_text(),
    )
    .unwrap();
    assert_eq!(legacy.get("AccountId"), None);
    assert_eq!(legacy["Expiration"], "2026-03-01T18:00:00Z");
    for unknown in [format!("{EXTENDED}role-2"), format!("{LEGACY}Role-1")] {
        let answer = get_with(&fake, &unknown, Some(&token));
        assert_eq!(status(&answer), "404 Not Found", "{unknown}");
    }
    assert_eq!(
        (
            fake.count(Operation::ImdsExtendedRoles),
            fake.count(Operation::ImdsExtendedCredentials),
            fake.count(Operation::ImdsRoles),
            fake.count(Operation::ImdsCredentials),
        ),
        (1, 3, 1, 4)
    );
}

#[test]
fn tokens_are_checked_and_v1_is_served_unless_required() {
    let fake = FakePortal::start().unwrap();
    // Without a token: IMDSv1.
    assert_eq!(get_with(&fake, LEGACY, None).body_text(), "role-1");
    // A token the fake did not issue (none issued yet, then another one).
    assert_eq!(
        status(&get_with(&fake, LEGACY, Some("imds-token-1"))),
        "401 Unauthorized"
    );
    let token = put(&fake, "/latest/api/token", Some("300")).body_text();
    assert_eq!(token, "imds-token-1");
    assert_eq!(get_with(&fake, LEGACY, Some(&token)).body_text(), "role-1");
    assert_eq!(
        status(&get_with(
            &fake,
            &format!("{EXTENDED}role-1"),
            Some("imds-token-2")
        )),
        "401 Unauthorized"
    );
    fake.imds_require_token();
    assert_eq!(status(&get_with(&fake, LEGACY, None)), "401 Unauthorized");
    assert_eq!(get_with(&fake, LEGACY, Some(&token)).body_text(), "role-1");
    // A reset serves IMDSv1 again; the issued token stays valid.
    fake.reset();
    assert_eq!(get_with(&fake, LEGACY, None).body_text(), "role-1");
    assert_eq!(get_with(&fake, LEGACY, Some(&token)).body_text(), "role-1");
}

#[test]
fn scripted_tokens_count_as_issued_and_scripts_override_the_check() {
    let fake = FakePortal::start().unwrap();
    fake.script(
        Operation::ImdsToken,
        [
            Answer::empty(403),
            Answer::text(200, "scripted-token").header("x-aws-ec2-metadata-token-ttl-seconds", "5"),
            Answer::default_for(Operation::ImdsToken).header("x-extra", "1"),
        ],
    );
    assert_eq!(
        status(&put(&fake, "/latest/api/token", Some("21600"))),
        "403 Forbidden"
    );
    let scripted = put(&fake, "/latest/api/token", None);
    assert_eq!(scripted.body_text(), "scripted-token");
    assert_eq!(
        get_with(&fake, LEGACY, Some("scripted-token")).body_text(),
        "role-1"
    );
    // The default answer scripted: checked (no TTL, 400), then numbered from 1.
    let checked = put(&fake, "/latest/api/token", None);
    assert_eq!(status(&checked), "400 Bad Request");
    assert_eq!(checked.header("x-extra"), Some("1"));
    assert_eq!(
        put(&fake, "/latest/api/token", Some("9")).body_text(),
        "imds-token-1"
    );
    // "No extended path", "no role": the listing scripted to 404.
    fake.script(Operation::ImdsExtendedRoles, [Answer::text(404, "gone")]);
    fake.script(Operation::ImdsRoles, [Answer::text(404, "gone")]);
    assert_eq!(
        status(&get_with(&fake, EXTENDED, Some("wrong"))),
        "404 Not Found"
    );
    assert_eq!(status(&get_with(&fake, LEGACY, None)), "404 Not Found");
    // A scripted answer is not checked: an unknown token gets it too.
    fake.script(Operation::ImdsCredentials, [Answer::text(200, "{}")]);
    assert_eq!(
        get_with(&fake, &format!("{LEGACY}any"), Some("wrong")).body_text(),
        "{}"
    );
    // An empty script restores the checking default.
    fake.script(Operation::ImdsCredentials, []);
    assert_eq!(
        status(&get_with(&fake, &format!("{LEGACY}role-1"), Some("wrong"))),
        "401 Unauthorized"
    );
}

#[test]
fn the_container_endpoint_answers_any_other_get_and_logs_the_authorization() {
    let fake = FakePortal::start().unwrap();
    for (target, authorization) in [
        ("/creds?task=1", Some("pod-token-1")),
        ("/v2/credentials/52b19262", None),
    ] {
        let header = authorization.map_or_else(String::new, |a| format!("authorization: {a}\r\n"));
        let raw = parse(&exchange(
            fake.addr(),
            &format!(
                "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\naccept: application/json\r\n{header}Connection: close\r\n\r\n"
            ),
        ));
        assert_eq!(raw.status_line, "HTTP/1.1 200 OK");
        assert_eq!(raw.header("content-type"), Some("application/json"));
        assert_eq!(raw.body_text(), DEFAULT_CONTAINER_BODY);
    }
    let log: Vec<RecordedRequest> = fake.requests();
    assert_eq!(log[0].operation, Some(Operation::ContainerCredentials));
    assert_eq!(log[0].target, "/creds?task=1");
    assert_eq!(log[0].header("authorization"), Some("pod-token-1"));
    assert_eq!(log[1].header("authorization"), None);
    assert_eq!(fake.count(Operation::ContainerCredentials), 2);
    let body: serde_json::Value = serde_json::from_str(DEFAULT_CONTAINER_BODY).unwrap();
    assert_eq!(body["AccessKeyId"], "ASIACONT");
    assert_eq!(body["AccountId"], "111122223333");
    assert_eq!(body["Expiration"], "2026-03-01T13:00:00Z");
    let error = Answer::service_error(
        Operation::ContainerCredentials,
        "AccessDenied",
        "no \"task\"",
    );
    fake.script(Operation::ContainerCredentials, [error]);
    let raw = parse(&exchange(
        fake.addr(),
        "GET /creds HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ));
    assert_eq!(status(&raw), "400 Bad Request");
    assert_eq!(
        raw.body_text(),
        r#"{"Code":"AccessDenied","Message":"no \"task\""}"#
    );
}
