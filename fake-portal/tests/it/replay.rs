//! `sandbox::replay`: a provider-chain case folder set up against the two fakes.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use ssokit_fake_portal::sandbox::replay::{Expected, ExpectedCredentials, ReplayCase};
use ssokit_fake_portal::sandbox::{NOW, ts};

use crate::{exchange, parse};

const TRAFFIC: &str = r#"{"version": "V0", "events": [
  {"connection_id": 0, "action": {"Request": {"request": {"uri": "http://sts.override.test",
    "headers": {"content-type": ["application/x-www-form-urlencoded"], "host": ["sts.override.test"]},
    "method": "POST"}}}},
  {"connection_id": 0, "action": {"Data": {"data": {"Utf8": "Action=AssumeRole&Version=2011-06-15"}, "direction": "Request"}}},
  {"connection_id": 0, "action": {"Eof": {"ok": true, "direction": "Request"}}},
  {"connection_id": 0, "action": {"Response": {"response": {"Ok": {"status": 200, "version": "HTTP/1.1",
    "headers": {"content-type": ["text/xml"], "content-length": ["7"]}}}}}},
  {"connection_id": 0, "action": {"Data": {"data": {"Utf8": "<ok/>\n"}, "direction": "Response"}}},
  {"connection_id": 1, "action": {"Request": {"request": {"uri": "https://portal.sso.us-east-1.amazonaws.com/federation/credentials?role_name=R&account_id=1",
    "headers": {"x-amz-sso_bearer_token": ["at"]}, "method": "GET"}}}},
  {"connection_id": 1, "action": {"Response": {"response": {"Ok": {"status": 503, "version": "HTTP/1.1", "headers": {}}}}}}
]}"#;

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn case_folder() -> tempfile::TempDir {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().join("sso_server_error");
    write(
        &dir,
        "env.json",
        r#"{"HOME": "/home", "AWS_WEB_IDENTITY_TOKEN_FILE": "/token.jwt", "AWS_REGION": "us-east-1"}"#,
    );
    write(
        &dir,
        "fs/home/.aws/config",
        "[profile b]\nrole_arn = arn:aws:iam::123456789012:role/B\nweb_identity_token_file = /token.jwt\nregion = us-east-1\n",
    );
    write(&dir, "fs/token.jwt", "tok");
    write(&dir, "http-traffic.json", TRAFFIC);
    write(
        &dir,
        "test-case.json",
        r#"{"name": "x", "docs": "x", "result": {"Ok": {"access_key_id": "AK", "secret_access_key": "SK", "expiry": 12}}}"#,
    );
    folder
}

#[test]
fn a_case_is_rooted_in_a_temporary_folder_and_its_hosts_are_pinned() {
    let folder = case_folder();
    let case = ReplayCase::load(&folder.path().join("sso_server_error"));
    let root = case.root().to_owned();
    assert_eq!(case.name(), "sso_server_error");
    assert_eq!(
        case.expected(),
        &Expected::Credentials(ExpectedCredentials {
            access_key_id: "AK".to_owned(),
            secret_access_key: "SK".to_owned(),
            session_token: None,
            account_id: None,
            expiry: Some(12),
        })
    );
    let env = case.env_pairs();
    let token = root.join("token.jwt").display().to_string();
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(
        env[..3],
        [
            pair("HOME", &root.join("home").display().to_string()),
            pair("AWS_WEB_IDENTITY_TOKEN_FILE", &token),
            pair("AWS_REGION", "us-east-1"),
        ]
    );
    assert_eq!(env[3].0, "ALL_PROXY");
    assert!(env[3].1.starts_with("http://127.0.0.1:"));
    assert_eq!(
        env[4],
        pair(
            "NO_PROXY",
            "portal.sso.us-east-1.amazonaws.com,sts.override.test"
        )
    );
    assert_eq!(
        fs::read_to_string(root.join("home/.aws/config")).unwrap(),
        format!(
            "[profile b]\nrole_arn = arn:aws:iam::123456789012:role/B\nweb_identity_token_file = {token}\nregion = us-east-1\n"
        )
    );
    let pins = case.pins();
    assert_eq!(pins.len(), 2);
    assert_eq!(pins[0].0, "portal.sso.us-east-1.amazonaws.com");
    assert_eq!(pins[1].0, "sts.override.test");
    assert_ne!(pins[0].1, pins[1].1);
    assert!(
        fs::read_to_string(case.ca_file())
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
    assert!(case.records_plain_http());
    assert_eq!(case.max_attempts(), Some(1));
    assert_eq!(case.now(), ts(NOW));
    assert_eq!(case.recorded(), 2);
}

#[test]
fn the_recording_is_answered_in_order_then_the_connection_drops() {
    let folder = case_folder();
    let case = ReplayCase::load(&folder.path().join("sso_server_error"));
    let plain = case.pins()[1].1;
    let body = "Action=AssumeRole&Version=2011-06-15";
    let request = format!(
        "POST / HTTP/1.1\r\nHost: sts.override.test\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let answer = parse(&exchange(plain, &request));
    assert_eq!(answer.status_line, "HTTP/1.1 200 OK");
    assert_eq!(answer.header("content-type"), Some("text/xml"));
    assert_eq!(answer.body_text(), "<ok/>\n");
    // The https exchange was not made: one request short.
    let missing = catch_unwind(AssertUnwindSafe(|| case.assert_requests())).unwrap_err();
    let message = missing.downcast_ref::<String>().unwrap();
    assert!(
        message.contains(
            "sso_server_error: https requests received: [], recorded: [\"GET https://portal.sso.us-east-1.amazonaws.com/federation/credentials?role_name=R&account_id=1\"]"
        ),
        "{message}"
    );
    // Past the recording: no answer.
    assert!(exchange(plain, &request).is_empty());
}
