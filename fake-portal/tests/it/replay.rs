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

const IMDS_TRAFFIC: &str = r#"{"version": "V0", "events": [
  {"connection_id": 0, "action": {"Request": {"request": {"uri": "http://169.254.169.254/latest/api/token",
    "headers": {"x-aws-ec2-metadata-token-ttl-seconds": ["21600"]}, "method": "PUT"}}}},
  {"connection_id": 0, "action": {"Response": {"response": {"Ok": {"status": 200, "version": "HTTP/1.1",
    "headers": {"x-aws-ec2-metadata-token-ttl-seconds": ["21600"], "content-length": ["9"]}}}}}},
  {"connection_id": 0, "action": {"Data": {"data": {"Utf8": "recorded1"}, "direction": "Response"}}},
  {"connection_id": 1, "action": {"Request": {"request": {"uri": "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "headers": {"x-aws-ec2-metadata-token": ["recorded1"]}, "method": "GET"}}}},
  {"connection_id": 1, "action": {"Response": {"response": {"Ok": {"status": 200, "version": "HTTP/1.1", "headers": {}}}}}},
  {"connection_id": 1, "action": {"Data": {"data": {"Utf8": "recorded-role"}, "direction": "Response"}}},
  {"connection_id": 2, "action": {"Request": {"request": {"uri": "http://169.254.170.2/v2/credentials/abc",
    "headers": {}, "method": "GET"}}}},
  {"connection_id": 2, "action": {"Response": {"response": {"Ok": {"status": 200, "version": "HTTP/1.1", "headers": {}}}}}},
  {"connection_id": 2, "action": {"Data": {"data": {"Utf8": "{\"AccessKeyId\":\"ASIAREC\"}"}, "direction": "Response"}}}
]}"#;

#[test]
fn imds_and_container_recordings_are_replayed_and_the_extended_path_is_404() {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().join("imds_case");
    write(&dir, "env.json", "{}");
    write(&dir, "http-traffic.json", IMDS_TRAFFIC);
    write(
        &dir,
        "test-case.json",
        r#"{"name": "x", "docs": "x", "result": {"ErrorContains": "x"}}"#,
    );
    let case = ReplayCase::load(&dir);
    let pins = case.pins();
    let hosts: Vec<&str> = pins.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(hosts, ["169.254.169.254", "169.254.170.2"]);
    let plain = pins[0].1;
    let send = |head: &str| {
        parse(&exchange(
            plain,
            &format!("{head}\r\nConnection: close\r\n\r\n"),
        ))
    };
    let imds = "Host: 169.254.169.254";
    let token = send(&format!(
        "PUT /latest/api/token HTTP/1.1\r\n{imds}\r\nx-aws-ec2-metadata-token-ttl-seconds: 21600\r\ncontent-length: 0"
    ));
    assert_eq!(token.body_text(), "recorded1");
    // The extended path is not in the recording: 404, however often.
    for _ in 0..2 {
        let extended = send(&format!(
            "GET /latest/meta-data/iam/security-credentials-extended/ HTTP/1.1\r\n{imds}\r\nx-aws-ec2-metadata-token: recorded1"
        ));
        assert_eq!(extended.status_line, "HTTP/1.1 404 Not Found");
    }
    let roles = send(&format!(
        "GET /latest/meta-data/iam/security-credentials/ HTTP/1.1\r\n{imds}\r\nx-aws-ec2-metadata-token: recorded1"
    ));
    assert_eq!(roles.body_text(), "recorded-role");
    let container = send("GET /v2/credentials/abc HTTP/1.1\r\nHost: 169.254.170.2");
    assert_eq!(container.body_text(), r#"{"AccessKeyId":"ASIAREC"}"#);
    // Everything recorded was received; the extended requests are not compared.
    case.assert_requests();
    // Past the recording: no answer.
    assert!(
        exchange(
            plain,
            "GET /v2/credentials/abc HTTP/1.1\r\nHost: 169.254.170.2\r\nConnection: close\r\n\r\n"
        )
        .is_empty()
    );
}
