//! IMDSv2: SPEC §18 scenarios 14-16 against fake-portal's IMDS routes (the token and its
//! reuse, the extended then legacy path, the IMDSv1 fallback rule, the absence rule), the
//! 401, 5xx, shape, role and token faults, and `imds-endpoint-tests.json`.

use std::collections::HashMap;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use ssokit_fake_portal::sandbox::{
    assert_no_secret, closed_port, conformance_dir, silent_listener, ts,
};
use ssokit_fake_portal::{Answer, FakePortal, Operation, RecordedRequest};
use ssokit_metadata_client::{ImdsClient, ImdsEndpoint, ImdsError};

use crate::{chain_text, now, settings};

const TOKEN_PATH: &str = "/latest/api/token";
const EXTENDED: &str = "/latest/meta-data/iam/security-credentials-extended/";
const LEGACY: &str = "/latest/meta-data/iam/security-credentials/";
const TTL: &str = "x-aws-ec2-metadata-token-ttl-seconds";
const TOKEN: &str = "x-aws-ec2-metadata-token";
const ENDPOINT_VAR: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
const MODE_VAR: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE";

/// A client of `url` (as `AWS_EC2_METADATA_SERVICE_ENDPOINT`), IMDSv1 allowed.
fn client_of(url: &str) -> ImdsClient {
    client_with(url, None)
}

fn client_with(url: &str, v1_disabled: Option<&str>) -> ImdsClient {
    let endpoint = ImdsEndpoint::resolve(Some((url, ENDPOINT_VAR)), None).unwrap();
    ImdsClient::new(endpoint, settings(), v1_disabled.map(str::to_owned))
}

/// Each request as `METHOD target token-header`, the token `-` when absent.
fn lines(requests: &[RecordedRequest]) -> Vec<String> {
    requests
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r.method,
                r.target,
                r.header(TOKEN).unwrap_or("-")
            )
        })
        .collect()
}

/// The requests of a load through the extended path with `token`.
fn extended_load(token: &str) -> Vec<String> {
    vec![
        format!("GET {EXTENDED} {token}"),
        format!("GET {EXTENDED}role-1 {token}"),
    ]
}

fn put_line() -> String {
    format!("PUT {TOKEN_PATH} -")
}

fn at(time: &str) -> Timestamp {
    ts(time)
}

#[tokio::test]
async fn s14_one_put_then_two_gets_with_the_token_on_the_extended_path() {
    let fake = FakePortal::start().unwrap();
    let client = client_of(fake.url());
    let creds = client.credentials(now()).await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAIMDS");
    assert_eq!(creds.secret_access_key(), "imds-secret");
    assert_eq!(creds.token(), "imds-token");
    assert_eq!(creds.account_id(), Some("210987654321"));
    assert_eq!(creds.expiration().to_string(), "2026-03-01T18:00:00Z");

    let log = fake.requests();
    let mut expected = vec![put_line()];
    expected.extend(extended_load("imds-token-1"));
    assert_eq!(lines(&log), expected);
    let put = &log[0];
    assert_eq!(put.operation, Some(Operation::ImdsToken));
    assert_eq!(put.header(TTL), Some("21600"));
    let lengths: Vec<&str> = put
        .headers
        .iter()
        .filter(|(n, _)| n == "content-length")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(lengths, ["0"]);
    assert!(put.body.is_empty());
    for get in &log[1..] {
        assert_eq!(get.header(TTL), None);
        assert_eq!(get.method, "GET");
    }
    assert_eq!(
        log.iter().map(|r| r.operation).collect::<Vec<_>>(),
        [
            Some(Operation::ImdsToken),
            Some(Operation::ImdsExtendedRoles),
            Some(Operation::ImdsExtendedCredentials)
        ]
    );

    // The next load reuses the token: two GETs, no PUT.
    fake.reset();
    client.credentials(now()).await.unwrap();
    assert_eq!(lines(&fake.requests()), extended_load("imds-token-1"));
}

#[tokio::test]
async fn s14_the_token_is_renewed_120_s_before_its_ttl_ends() {
    let fake = FakePortal::start().unwrap();
    let client = client_of(fake.url());
    client.credentials(now()).await.unwrap();
    // Obtained at 12:00:00Z with a TTL of 21600 s: reused until 17:58:00Z.
    client
        .credentials(at("2026-03-01T17:57:59Z"))
        .await
        .unwrap();
    client
        .credentials(at("2026-03-01T17:58:00Z"))
        .await
        .unwrap();
    let log = lines(&fake.requests());
    assert_eq!(log[3..5], extended_load("imds-token-1"));
    let mut renewed = vec![put_line()];
    renewed.extend(extended_load("imds-token-2"));
    assert_eq!(log[5..], renewed);
    assert_eq!(fake.count(Operation::ImdsToken), 2);
}

#[tokio::test]
async fn the_ttl_comes_from_the_answer() {
    let fake = FakePortal::start().unwrap();
    fake.script(
        Operation::ImdsToken,
        [
            Answer::text(200, "short-1").header(TTL, "300"),
            Answer::text(200, "short-2").header(TTL, "300"),
        ],
    );
    let client = client_of(fake.url());
    client.credentials(now()).await.unwrap();
    // 300 s - 120 s: reused until 12:03:00Z.
    let t1 = now() + SignedDuration::from_secs(179);
    client.credentials(t1).await.unwrap();
    assert_eq!(fake.count(Operation::ImdsToken), 1);
    let t2 = now() + SignedDuration::from_secs(180);
    client.credentials(t2).await.unwrap();
    assert_eq!(fake.count(Operation::ImdsToken), 2);
    let log = lines(&fake.requests());
    assert_eq!(
        log.last().unwrap(),
        &format!("GET {EXTENDED}role-1 short-2")
    );

    // A TTL outside 1-21600, or none, counts as 21600 s.
    for ttl in [Some("0"), Some("21601"), Some("soon"), None] {
        fake.reset();
        let answer = Answer::text(200, "long-token");
        let answer = match ttl {
            Some(ttl) => answer.header(TTL, ttl),
            None => answer,
        };
        fake.script(Operation::ImdsToken, [answer]);
        let client = client_of(fake.url());
        client.credentials(now()).await.unwrap();
        client
            .credentials(at("2026-03-01T17:57:59Z"))
            .await
            .unwrap();
        assert_eq!(fake.count(Operation::ImdsToken), 1, "{ttl:?}");
        client
            .credentials(at("2026-03-01T17:58:00Z"))
            .await
            .unwrap();
        assert_eq!(fake.count(Operation::ImdsToken), 2, "{ttl:?}");
    }
}

#[tokio::test]
async fn s14_without_the_extended_path_one_404_then_the_legacy_path_for_good() {
    let fake = FakePortal::start().unwrap();
    for op in [
        Operation::ImdsExtendedRoles,
        Operation::ImdsExtendedCredentials,
    ] {
        fake.script(op, [Answer::text(404, "404 - Not Found")]);
    }
    let client = client_of(fake.url());
    let creds = client.credentials(now()).await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAIMDS");
    assert_eq!(creds.account_id(), None);
    assert_eq!(creds.expiration().to_string(), "2026-03-01T18:00:00Z");
    assert_eq!(
        lines(&fake.requests()),
        [
            put_line(),
            format!("GET {EXTENDED} imds-token-1"),
            format!("GET {LEGACY} imds-token-1"),
            format!("GET {LEGACY}role-1 imds-token-1"),
        ]
    );
    fake.reset();
    client.credentials(now()).await.unwrap();
    assert_eq!(
        lines(&fake.requests()),
        [
            format!("GET {LEGACY} imds-token-1"),
            format!("GET {LEGACY}role-1 imds-token-1"),
        ]
    );
}

#[tokio::test]
async fn an_endpoint_path_prefix_is_kept() {
    let fake = FakePortal::start().unwrap();
    let client = client_of(&format!("{}/imds/", fake.url()));
    assert_eq!(
        client.endpoint().token_url(),
        format!("{}/imds/latest/api/token", fake.url())
    );
    client.credentials(now()).await.unwrap();
    assert_eq!(
        lines(&fake.requests()),
        [
            format!("PUT /imds{TOKEN_PATH} -"),
            format!("GET /imds{EXTENDED} imds-token-1"),
            format!("GET /imds{EXTENDED}role-1 imds-token-1"),
        ]
    );
}

#[tokio::test]
async fn s15_a_403_put_falls_back_to_imdsv1_for_this_load() {
    let fake = FakePortal::start().unwrap();
    fake.script(Operation::ImdsToken, [Answer::empty(403)]);
    let client = client_of(fake.url());
    let creds = client.credentials(now()).await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAIMDS");
    let mut expected = vec![put_line()];
    expected.extend(extended_load("-"));
    assert_eq!(lines(&fake.requests()), expected);
    // The next load asks for a token again (and gets one).
    fake.reset();
    client.credentials(now()).await.unwrap();
    let mut expected = vec![put_line()];
    expected.extend(extended_load("imds-token-1"));
    assert_eq!(lines(&fake.requests()), expected);
    // 404 and 405 fall back too.
    for status in [404, 405] {
        fake.reset();
        fake.script(Operation::ImdsToken, [Answer::empty(status)]);
        client_of(fake.url()).credentials(now()).await.unwrap();
        assert_eq!(fake.requests()[1].header(TOKEN), None, "{status}");
    }
}

#[tokio::test]
async fn s15_without_the_imdsv1_fallback_a_403_put_is_i_v1off_and_no_get() {
    let fake = FakePortal::start().unwrap();
    for status in [403, 404, 405] {
        fake.reset();
        fake.script(Operation::ImdsToken, [Answer::empty(status)]);
        let client = client_with(fake.url(), Some("AWS_EC2_METADATA_V1_DISABLED"));
        let error = client.credentials(now()).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "the IMDSv2 token request to {} returned HTTP {status} and the IMDSv1 fallback is disabled by AWS_EC2_METADATA_V1_DISABLED",
                fake.url()
            )
        );
        assert!(!error.is_absence());
        assert_eq!(lines(&fake.requests()), [put_line()]);
    }
    // With a token, the setting changes nothing.
    fake.reset();
    let client = client_with(
        fake.url(),
        Some("ec2_metadata_v1_disabled in profile default"),
    );
    assert_eq!(
        client.credentials(now()).await.unwrap().access_key_id(),
        "ASIAIMDS"
    );
}

#[tokio::test]
async fn s15_a_400_put_is_i_http_and_no_get() {
    let fake = FakePortal::start().unwrap();
    fake.script(Operation::ImdsToken, [Answer::empty(400)]);
    let error = client_of(fake.url()).credentials(now()).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "instance metadata request PUT /latest/api/token to {} failed: HTTP 400",
            fake.url()
        )
    );
    assert!(!error.is_absence());
    assert_eq!(lines(&fake.requests()), [put_line()]);
}

#[tokio::test]
async fn s16_a_closed_port_is_i_unreach_after_one_connection_attempt() {
    let addr = closed_port();
    let url = format!("http://{addr}");
    let error = client_of(&url).credentials(now()).await.unwrap_err();
    let ImdsError::Unreachable { cause, .. } = &error else {
        panic!("not I-UNREACH: {error:?}");
    };
    // One attempt, no retry.
    assert_eq!(cause.attempts(), 1);
    let ssokit_http::Error::Io { message, .. } = cause.as_ref() else {
        panic!("not an I/O error: {cause:?}");
    };
    assert_eq!(
        error.to_string(),
        format!("no instance metadata service at {url}: {message}")
    );
    assert!(message.contains("Connection refused"), "{message}");
    assert!(error.is_absence());
}

#[tokio::test]
async fn s16_a_listener_that_never_answers_is_i_unreach_after_one_connection() {
    let silent = silent_listener();
    let error = client_of(silent.url())
        .credentials(now())
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "no instance metadata service at {}: no response within 1 s",
            silent.url()
        )
    );
    assert!(error.is_absence());
    assert_eq!(silent.connections(), 1);
}

#[tokio::test]
async fn a_401_on_a_get_gets_a_new_token_and_the_get_once_more() {
    let fake = FakePortal::start().unwrap();
    let client = client_of(fake.url());
    client.credentials(now()).await.unwrap();
    // The instance forgot the token (the fake is told to refuse it once).
    fake.script(
        Operation::ImdsExtendedRoles,
        [
            Answer::text(401, "401 - Unauthorized"),
            Answer::default_for(Operation::ImdsExtendedRoles),
        ],
    );
    let creds = client.credentials(now()).await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAIMDS");
    let log = lines(&fake.requests());
    let mut expected = vec![format!("GET {EXTENDED} imds-token-1"), put_line()];
    expected.extend(extended_load("imds-token-2"));
    assert_eq!(log[3..], expected);

    // A GET refused again after the new token: I-HTTP, the GET sent twice in all.
    fake.script(
        Operation::ImdsExtendedCredentials,
        [Answer::text(401, "401 - Unauthorized")],
    );
    let error = client.credentials(now()).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "instance metadata request GET {EXTENDED}role-1 to {} failed: HTTP 401",
            fake.url()
        )
    );
    let log = lines(&fake.requests());
    assert_eq!(
        log[7..],
        [
            format!("GET {EXTENDED} imds-token-2"),
            format!("GET {EXTENDED}role-1 imds-token-2"),
            put_line(),
            format!("GET {EXTENDED}role-1 imds-token-3"),
        ]
    );
    assert_eq!(fake.count(Operation::ImdsExtendedCredentials), 2);
}

#[tokio::test]
async fn an_instance_that_requires_imdsv2_is_served_with_the_token() {
    let fake = FakePortal::start().unwrap();
    fake.imds_require_token();
    let creds = client_of(fake.url()).credentials(now()).await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAIMDS");
    // Without a token (the PUT refused), the GETs are refused: I-HTTP after the new token
    // is refused too.
    fake.reset();
    fake.imds_require_token();
    fake.script(Operation::ImdsToken, [Answer::empty(403)]);
    let error = client_of(fake.url()).credentials(now()).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "instance metadata request GET {EXTENDED} to {} failed: HTTP 401",
            fake.url()
        )
    );
}

#[tokio::test]
async fn assume_role_unauthorized_access_is_i_shape_with_the_hint() {
    let fake = FakePortal::start().unwrap();
    fake.script(
        Operation::ImdsExtendedCredentials,
        [Answer::text(
            200,
            r#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"EC2 cannot assume the role role-1.","LastUpdated":"2026-03-01T12:00:00Z"}"#,
        )],
    );
    let error = client_of(fake.url()).credentials(now()).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid instance metadata credentials for role role-1 (Code is \"AssumeRoleUnauthorizedAccess\": EC2 cannot assume the role role-1.; does the role trust ec2.amazonaws.com?)"
    );
    assert!(!error.is_absence());
    let shapes = [
        (
            r#"{"AccessKeyId":"ASIAIMDS","SecretAccessKey":"imds-secret","Token":"imds-token","Expiration":"2026-03-01T18:00:00Z"}"#,
            "Code is \"(missing)\": ",
        ),
        (
            r#"{"Code":"Success","AccessKeyId":"ASIAIMDS","Token":"imds-token","Expiration":"2026-03-01T18:00:00Z"}"#,
            "SecretAccessKey is missing or empty",
        ),
        ("role-1", "not a JSON object"),
    ];
    for (body, detail) in shapes {
        fake.script(
            Operation::ImdsExtendedCredentials,
            [Answer::text(200, body)],
        );
        let error = client_of(fake.url()).credentials(now()).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("invalid instance metadata credentials for role role-1 ({detail})")
        );
        assert_no_secret(&chain_text(&error));
        assert_no_secret(&format!("{error:?}"));
    }
}

#[tokio::test]
async fn a_5xx_on_the_first_request_is_retried_within_three_attempts() {
    let fake = FakePortal::start().unwrap();
    fake.script(
        Operation::ImdsToken,
        [
            Answer::empty(500),
            Answer::empty(503),
            Answer::default_for(Operation::ImdsToken),
        ],
    );
    let creds = client_of(fake.url()).credentials(now()).await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAIMDS");
    let mut expected = vec![put_line(), put_line(), put_line()];
    expected.extend(extended_load("imds-token-1"));
    assert_eq!(lines(&fake.requests()), expected);

    // Always 500: three attempts, I-HTTP.
    fake.reset();
    fake.script(Operation::ImdsToken, [Answer::empty(500)]);
    let error = client_of(fake.url()).credentials(now()).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "instance metadata request PUT /latest/api/token to {} failed: HTTP 500 (after 3 attempts)",
            fake.url()
        )
    );
    assert!(!error.is_absence());
    assert_eq!(fake.count(Operation::ImdsToken), 3);

    // A later request gets its three attempts too, and a dropped connection is retried.
    fake.reset();
    fake.script(
        Operation::ImdsExtendedCredentials,
        [
            Answer::empty(502),
            Answer::drop_connection(),
            Answer::default_for(Operation::ImdsExtendedCredentials),
        ],
    );
    client_of(fake.url()).credentials(now()).await.unwrap();
    assert_eq!(fake.count(Operation::ImdsExtendedCredentials), 3);
}

#[tokio::test]
async fn timeouts_after_an_answer_get_the_three_attempts() {
    let fake = FakePortal::start().unwrap();
    let slow = |op| Answer::default_for(op).delay(Duration::from_millis(1500));
    // The first request answered 500: the service is there, so the two attempts left
    // time out like any request's, and the text counts all three.
    fake.script(
        Operation::ImdsToken,
        [Answer::empty(500), slow(Operation::ImdsToken)],
    );
    let error = client_of(fake.url()).credentials(now()).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "instance metadata request PUT /latest/api/token to {} failed: no response within 1 s (after 3 attempts)",
            fake.url()
        )
    );
    assert!(!error.is_absence());
    assert_eq!(fake.count(Operation::ImdsToken), 3);
    // A later request that times out once is sent again.
    fake.reset();
    fake.script(
        Operation::ImdsExtendedRoles,
        [
            slow(Operation::ImdsExtendedRoles),
            Answer::default_for(Operation::ImdsExtendedRoles),
        ],
    );
    client_of(fake.url()).credentials(now()).await.unwrap();
    assert_eq!(fake.count(Operation::ImdsExtendedRoles), 2);
}

#[tokio::test]
async fn a_first_request_without_an_answer_within_1_s_is_i_unreach() {
    let fake = FakePortal::start().unwrap();
    fake.script(
        Operation::ImdsToken,
        [Answer::default_for(Operation::ImdsToken).delay(Duration::from_millis(1500))],
    );
    let error = client_of(fake.url()).credentials(now()).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "no instance metadata service at {}: no response within 1 s",
            fake.url()
        )
    );
    assert_eq!(fake.count(Operation::ImdsToken), 1);
}

#[tokio::test]
async fn an_imds_gone_after_a_success_is_i_unreach_at_the_next_load() {
    let fake = FakePortal::start().unwrap();
    let url = fake.url().to_owned();
    let client = client_of(&url);
    client.credentials(now()).await.unwrap();
    drop(fake);
    // The token is reused, so the load's first request is the listing.
    let error = client.credentials(now()).await.unwrap_err();
    let ImdsError::Unreachable { cause, .. } = &error else {
        panic!("not I-UNREACH: {error:?}");
    };
    assert_eq!(cause.attempts(), 1);
    assert!(
        error
            .to_string()
            .starts_with(&format!("no instance metadata service at {url}: ")),
        "{error}"
    );
}

#[tokio::test]
async fn a_dropped_first_request_is_i_unreach_without_retry() {
    let fake = FakePortal::start().unwrap();
    fake.script(Operation::ImdsToken, [Answer::drop_connection()]);
    let error = client_of(fake.url()).credentials(now()).await.unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with(&format!("no instance metadata service at {}: ", fake.url())),
        "{error}"
    );
    assert!(error.is_absence());
    assert_eq!(fake.count(Operation::ImdsToken), 1);
}

#[tokio::test]
async fn no_role_listed_is_i_norole() {
    let fake = FakePortal::start().unwrap();
    let no_role = format!(
        "the instance metadata service at {} lists no IAM role (no instance profile attached)",
        fake.url()
    );
    // The listing 404 on both paths.
    fake.script(
        Operation::ImdsExtendedRoles,
        [Answer::text(404, "404 - Not Found")],
    );
    fake.script(Operation::ImdsRoles, [Answer::text(404, "404 - Not Found")]);
    let error = client_of(fake.url()).credentials(now()).await.unwrap_err();
    assert_eq!(error.to_string(), no_role);
    assert!(error.is_absence());
    // An empty (or blank) listing.
    for listing in ["", "\n", "  \nrole-2"] {
        fake.reset();
        fake.script(Operation::ImdsExtendedRoles, [Answer::text(200, listing)]);
        let error = client_of(fake.url()).credentials(now()).await.unwrap_err();
        assert_eq!(error.to_string(), no_role, "{listing:?}");
    }
    // The role's credentials 404 twice: once more from the listing, then I-NOROLE.
    fake.reset();
    fake.script(
        Operation::ImdsExtendedCredentials,
        [Answer::text(404, "404 - Not Found")],
    );
    let error = client_of(fake.url()).credentials(now()).await.unwrap_err();
    assert_eq!(error.to_string(), no_role);
    assert_eq!(
        lines(&fake.requests()),
        [
            put_line(),
            format!("GET {EXTENDED} imds-token-1"),
            format!("GET {EXTENDED}role-1 imds-token-1"),
            format!("GET {EXTENDED} imds-token-1"),
            format!("GET {EXTENDED}role-1 imds-token-1"),
        ]
    );
    // Once: the second listing's role answers.
    fake.reset();
    fake.script(
        Operation::ImdsExtendedCredentials,
        [
            Answer::text(404, "404 - Not Found"),
            Answer::default_for(Operation::ImdsExtendedCredentials),
        ],
    );
    assert!(client_of(fake.url()).credentials(now()).await.is_ok());
    // The first line of the listing, trimmed, names the role.
    fake.reset();
    fake.script(
        Operation::ImdsExtendedRoles,
        [Answer::text(200, " role-1 \nrole-2\n")],
    );
    client_of(fake.url()).credentials(now()).await.unwrap();
    assert_eq!(fake.requests()[2].target, format!("{EXTENDED}role-1"));
}

#[tokio::test]
async fn a_role_name_is_encoded_in_the_path() {
    let fake = FakePortal::start().unwrap();
    fake.script(
        Operation::ImdsExtendedRoles,
        [Answer::text(200, "role+a@b=c,d")],
    );
    fake.script(
        Operation::ImdsExtendedCredentials,
        [Answer::text(
            200,
            ssokit_fake_portal::DEFAULT_IMDS_CREDENTIALS_BODY,
        )],
    );
    client_of(fake.url()).credentials(now()).await.unwrap();
    assert_eq!(
        fake.requests()[2].target,
        format!("{EXTENDED}role%2Ba%40b%3Dc%2Cd")
    );
}

#[tokio::test]
async fn an_invalid_token_is_i_token() {
    let fake = FakePortal::start().unwrap();
    let cases = [
        (Answer::text(200, ""), "empty"),
        (Answer::text(200, "a b"), "characters outside 0x21-0x7E"),
        (
            Answer::text(200, "tok\u{e9}n"),
            "characters outside 0x21-0x7E",
        ),
        (
            Answer::text(200, "a".repeat(4097)),
            "longer than 4096 bytes",
        ),
    ];
    for (answer, detail) in cases {
        fake.reset();
        fake.script(Operation::ImdsToken, [answer]);
        let error = client_of(fake.url()).credentials(now()).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("the IMDSv2 token from {} is invalid ({detail})", fake.url())
        );
        assert_eq!(lines(&fake.requests()), [put_line()], "{detail}");
    }
    // 4096 bytes of 0x21-0x7E are a token.
    fake.reset();
    let longest = "!~".repeat(2048);
    fake.script(Operation::ImdsToken, [Answer::text(200, longest.clone())]);
    client_of(fake.url()).credentials(now()).await.unwrap();
    assert_eq!(fake.requests()[1].header(TOKEN), Some(longest.as_str()));
}

#[tokio::test]
async fn no_secret_in_debug_display_or_errors() {
    let fake = FakePortal::start().unwrap();
    let client = client_of(fake.url());
    let creds = client.credentials(now()).await.unwrap();
    // The client now holds imds-token-1.
    let mut texts = vec![
        format!("{creds:?}"),
        format!("{client:?}"),
        format!("{:?}", client.endpoint()),
        client.endpoint().to_string(),
    ];
    assert!(texts[0].contains("ASIAIMDS"), "{}", texts[0]);
    let faults = [
        (
            Operation::ImdsExtendedRoles,
            Answer::text(500, "imds-token-1"),
        ),
        (Operation::ImdsExtendedRoles, Answer::text(401, "no")),
        (
            Operation::ImdsExtendedCredentials,
            Answer::text(
                200,
                r#"{"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"imds-secret","Token":"imds-token","Expiration":"later"}"#,
            ),
        ),
        (Operation::ImdsToken, Answer::text(200, "imds-token-x y")),
    ];
    for (op, answer) in faults {
        fake.reset();
        fake.script(op, [answer]);
        let client = client_of(fake.url());
        let error = client.credentials(now()).await.unwrap_err();
        texts.push(chain_text(&error));
        texts.push(format!("{error:?}"));
    }
    for text in &texts {
        assert_no_secret(text);
    }
}

/// The `[default]` section of a one-file config (the conformance cases hold no other).
fn profile_settings(config: &str) -> HashMap<String, String> {
    let mut settings = HashMap::new();
    let mut in_default = false;
    for line in config.lines().map(str::trim) {
        if line.starts_with('[') {
            in_default = line == "[default]";
            continue;
        }
        assert!(in_default, "a setting outside [default]: {line}");
        if let Some((key, value)) = line.split_once('=') {
            settings.insert(key.trim().to_owned(), value.trim().to_owned());
        }
    }
    settings
}

/// `imds-config/imds-endpoint-tests.json`: 14 cases through [`ImdsEndpoint::resolve`], the
/// winning endpoint and mode chosen as the provider chooses them (the builder's, else the
/// variable, else the profile's key); `Ok` is the token URL. Nothing is requested.
#[test]
fn imds_endpoint_tests_json() {
    let Some(dir) = conformance_dir("imds_endpoint_tests_json") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("imds-config/imds-endpoint-tests.json")).unwrap();
    let suite: Value = serde_json::from_str(&text).unwrap();
    let cases = suite["tests"].as_array().unwrap();
    let mut ran = 0;
    for case in cases {
        let docs = case["docs"].as_str().unwrap();
        let env = case["env"].as_object().unwrap();
        let var = |name: &str| env.get(name).and_then(Value::as_str).map(str::to_owned);
        let profile = match var("AWS_CONFIG_FILE") {
            Some(file) => {
                let config = case["fs"][&file]
                    .as_str()
                    .unwrap_or_else(|| panic!("{docs}: no file {file}"));
                profile_settings(config)
            }
            None => HashMap::new(),
        };
        let builder = |key: &str| case.get(key).and_then(Value::as_str).map(str::to_owned);
        let choose = |builder: Option<String>, var_name: &'static str, key: &str| {
            builder
                .map(|v| (v, "the builder".to_owned()))
                .or_else(|| var(var_name).map(|v| (v, var_name.to_owned())))
                .or_else(|| {
                    profile
                        .get(key)
                        .map(|v| (v.clone(), format!("{key} in profile default")))
                })
        };
        let endpoint = choose(
            builder("endpoint_override"),
            ENDPOINT_VAR,
            "ec2_metadata_service_endpoint",
        );
        let mode = choose(
            builder("mode_override"),
            MODE_VAR,
            "ec2_metadata_service_endpoint_mode",
        );
        let outcome = ImdsEndpoint::resolve(
            endpoint.as_ref().map(|(v, s)| (v.as_str(), s.as_str())),
            mode.as_ref().map(|(v, s)| (v.as_str(), s.as_str())),
        );
        let result = &case["result"];
        if let Some(url) = result.get("Ok").and_then(Value::as_str) {
            let resolved = outcome.unwrap_or_else(|e| panic!("{docs}: {e}"));
            assert_eq!(resolved.token_url(), url, "{docs}");
        } else {
            let aws_config = result["Err"].as_str().unwrap();
            let error = outcome.expect_err(docs).to_string();
            // aws-config's wording differs; ssokit's is SPEC §16.6's I-ENDPOINT.
            let expected = match docs {
                "invalid endpoint mode override" => format!(
                    "invalid value \"error\" for {MODE_VAR}: expected IPv4 or IPv6"
                ),
                "invalid config endpoint mode" => "invalid value \"IPv7\" for ec2_metadata_service_endpoint_mode in profile default: expected IPv4 or IPv6".to_owned(),
                "invalid uri" => format!(
                    "invalid IMDS endpoint \"not a uri\" from {ENDPOINT_VAR}: expected an absolute http:// or https:// URL"
                ),
                other => panic!("{other}: an unexpected error case ({aws_config}): {error}"),
            };
            assert_eq!(error, expected, "{docs} (aws-config: {aws_config})");
        }
        ran += 1;
    }
    assert_eq!((ran, cases.len()), (14, 14));
}
