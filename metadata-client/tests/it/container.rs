//! The container endpoint: SPEC §18 scenario 13 against fake-portal's container route,
//! the error answers and shapes, and `ecs-tests.json`.

use std::time::Duration;

use serde_json::Value;
use ssokit_fake_portal::sandbox::{assert_no_secret, conformance_dir};
use ssokit_fake_portal::{Answer, FakePortal, Operation};
use ssokit_metadata_client::{
    ContainerClient, ContainerEndpoint, ContainerError, MetadataCredentials, check_authorization,
};

use crate::{chain_text, settings};

const FULL: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
const RELATIVE: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";

/// The endpoint `AWS_CONTAINER_CREDENTIALS_FULL_URI=<fake>/<target>` names.
fn endpoint(fake: &FakePortal, target: &str) -> ContainerEndpoint {
    ContainerEndpoint::from_variables(None, Some(&format!("{}{target}", fake.url())))
        .unwrap()
        .expect("configured")
}

fn client() -> ContainerClient {
    ContainerClient::new(settings())
}

async fn load(
    fake: &FakePortal,
    target: &str,
    authorization: Option<&str>,
) -> Result<MetadataCredentials, ContainerError> {
    client()
        .credentials(&endpoint(fake, target), authorization)
        .await
}

#[tokio::test]
async fn s13_one_get_with_the_query_the_token_and_accept_json() {
    let fake = FakePortal::start().unwrap();
    let endpoint = endpoint(&fake, "/creds?task=1");
    let client = client();
    let creds = client
        .credentials(&endpoint, Some("pod-token-1"))
        .await
        .unwrap();
    assert_eq!(creds.access_key_id(), "ASIACONT");
    assert_eq!(creds.secret_access_key(), "cont-secret");
    assert_eq!(creds.token(), "cont-token");
    assert_eq!(creds.account_id(), Some("111122223333"));
    assert_eq!(creds.expiration().to_string(), "2026-03-01T13:00:00Z");

    let log = fake.requests();
    assert_eq!(log.len(), 1);
    let request = &log[0];
    assert_eq!(request.operation, Some(Operation::ContainerCredentials));
    assert_eq!(request.request_line(), "GET /creds?task=1 HTTP/1.1");
    assert_eq!(request.header("authorization"), Some("pod-token-1"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert!(
        request
            .header("user-agent")
            .is_some_and(|ua| ua.starts_with("ssokit")),
        "{:?}",
        request.headers
    );
    assert_eq!(
        request.header("host"),
        Some(format!("127.0.0.1:{}", fake.port()).as_str())
    );
    assert!(request.body.is_empty());

    // The token file now holds pod-token-2: the next load sends it (nothing is cached).
    let again = client
        .credentials(&endpoint, Some("pod-token-2"))
        .await
        .unwrap();
    assert_eq!(again.access_key_id(), "ASIACONT");
    let log = fake.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].header("authorization"), Some("pod-token-2"));

    // AWS_CONTAINER_AUTHORIZATION_TOKEN=env-token, and no token at all.
    client
        .credentials(&endpoint, Some("env-token"))
        .await
        .unwrap();
    client.credentials(&endpoint, None).await.unwrap();
    let log = fake.requests();
    assert_eq!(log[2].header("authorization"), Some("env-token"));
    assert_eq!(log[3].header("authorization"), None);
    assert_eq!(
        log[3].header_names(),
        ["accept", "host", "user-agent"],
        "{:?}",
        log[3].headers
    );
}

#[tokio::test]
async fn s13_a_token_with_cr_or_lf_sends_no_request() {
    let fake = FakePortal::start().unwrap();
    // The provider reads the file and checks what it holds, naming the file.
    assert_eq!(
        check_authorization("pod-token-1\n", "H/pod-token")
            .unwrap_err()
            .to_string(),
        "the container authorization token from H/pod-token contains CR or LF"
    );
    // The client refuses such a token too, before any request.
    for token in ["pod-token-1\n", "pod-token-1\r", "pod\r\ntoken"] {
        let error = load(&fake, "/creds", Some(token)).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "the container authorization token from the caller contains CR or LF"
        );
        assert!(!error.is_http());
    }
    let error = load(&fake, "/creds", Some("")).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "the container authorization token from the caller is empty"
    );
    assert!(fake.requests().is_empty());
    assert_eq!(fake.connections(), 0);
}

#[test]
fn s13_plain_http_to_another_host_is_refused_before_any_connection() {
    // No client can even be pointed there: the endpoint is refused (192.0.2.10 is
    // TEST-NET-1, never dialled).
    let error =
        ContainerEndpoint::from_variables(None, Some("http://192.0.2.10/creds")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "refusing container credentials over plain http from 192.0.2.10 (AWS_CONTAINER_CREDENTIALS_FULL_URI): allowed are loopback, 169.254.170.2, 169.254.170.23 and fd00:ec2::23, or https"
    );
    // https to that host is allowed (resolved, not requested).
    let https = ContainerEndpoint::from_variables(None, Some("https://192.0.2.10/creds"))
        .unwrap()
        .unwrap();
    assert_eq!(https.url(), "https://192.0.2.10/creds");
    assert!(https.is_secure());
}

#[tokio::test]
async fn s13_500_always_is_three_requests_and_c_http() {
    let fake = FakePortal::start().unwrap();
    fake.script(Operation::ContainerCredentials, [Answer::empty(500)]);
    let error = load(&fake, "/creds?task=1", Some("pod-token-1"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "container credentials request to {}/creds failed: HTTP 500 UnknownError: Internal Server Error (after 3 attempts)",
            fake.url()
        )
    );
    assert!(error.is_http());
    assert_eq!(fake.count(Operation::ContainerCredentials), 3);
    for request in fake.requests() {
        assert_eq!(request.target, "/creds?task=1");
        assert_eq!(request.header("authorization"), Some("pod-token-1"));
    }
    assert_no_secret(&chain_text(&error));
    assert_no_secret(&format!("{error:?}"));
}

#[tokio::test]
async fn a_5xx_or_429_then_success_is_retried_within_three_attempts() {
    let fake = FakePortal::start().unwrap();
    fake.script(
        Operation::ContainerCredentials,
        [
            Answer::empty(503),
            Answer::empty(429),
            Answer::default_for(Operation::ContainerCredentials),
        ],
    );
    let creds = load(&fake, "/creds", None).await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIACONT");
    assert_eq!(fake.count(Operation::ContainerCredentials), 3);
    // A dropped connection is retried too.
    fake.script(
        Operation::ContainerCredentials,
        [
            Answer::drop_connection(),
            Answer::default_for(Operation::ContainerCredentials),
        ],
    );
    assert_eq!(
        load(&fake, "/creds", None).await.unwrap().access_key_id(),
        "ASIACONT"
    );
    assert_eq!(fake.count(Operation::ContainerCredentials), 2);
}

/// An answer `delay` late, then a prompt one.
fn late_then_prompt(fake: &FakePortal, delay: Duration) {
    let answer = || Answer::default_for(Operation::ContainerCredentials);
    fake.script(
        Operation::ContainerCredentials,
        [answer().delay(delay), answer()],
    );
}

#[tokio::test]
async fn an_attempt_without_an_answer_within_5_s_is_sent_again() {
    let fake = FakePortal::start().unwrap();
    late_then_prompt(&fake, Duration::from_millis(5_600));
    let creds = load(&fake, "/creds", None).await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIACONT");
    assert_eq!(fake.count(Operation::ContainerCredentials), 2);
}

#[tokio::test]
async fn an_answer_within_5_s_is_waited_for() {
    let fake = FakePortal::start().unwrap();
    late_then_prompt(&fake, Duration::from_millis(4_200));
    load(&fake, "/creds", None).await.unwrap();
    assert_eq!(fake.count(Operation::ContainerCredentials), 1);
}

#[tokio::test]
async fn error_answers_show_their_code_and_message_and_are_not_retried() {
    let fake = FakePortal::start().unwrap();
    let url = format!("{}/v2/credentials/abc", fake.url());
    let cases = [
        (
            Answer::service_error(
                Operation::ContainerCredentials,
                "AccessDenied",
                "the task has no role",
            ),
            "HTTP 400 AccessDenied: the task has no role",
        ),
        (Answer::empty(404), "HTTP 404 UnknownError: Not Found"),
        (
            Answer::json(403, r#"{"Message":"forbidden"}"#),
            "HTTP 403 UnknownError: forbidden",
        ),
    ];
    for (answer, detail) in cases {
        fake.reset();
        fake.script(Operation::ContainerCredentials, [answer]);
        let error = load(&fake, "/v2/credentials/abc?x=1", Some("pod-token-1"))
            .await
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("container credentials request to {url} failed: {detail}")
        );
        assert_eq!(fake.count(Operation::ContainerCredentials), 1, "{detail}");
    }
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let fake = FakePortal::start().unwrap();
    let elsewhere = format!("{}/elsewhere", fake.url());
    fake.script(
        Operation::ContainerCredentials,
        [
            Answer::empty(302).header("location", &elsewhere),
            Answer::default_for(Operation::ContainerCredentials),
        ],
    );
    let error = load(&fake, "/creds", None).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "container credentials request to {}/creds failed: HTTP 302 UnknownError: Found",
            fake.url()
        )
    );
    let targets: Vec<String> = fake.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/creds"]);
}

#[tokio::test]
async fn answers_of_the_wrong_shape_are_c_shape() {
    let fake = FakePortal::start().unwrap();
    let cases = [
        (Answer::json(200, "[]"), "not a JSON object"),
        (
            Answer::json(
                200,
                r#"{"AccessKeyId":"ASIACONT","SecretAccessKey":"cont-secret","Expiration":"2026-03-01T13:00:00Z"}"#,
            ),
            "Token is missing or empty",
        ),
        (
            Answer::json(
                200,
                r#"{"AccessKeyId":"ASIACONT","SecretAccessKey":"cont-secret","Token":"cont-token","Expiration":"1772370000"}"#,
            ),
            "Expiration \"1772370000\" is not an RFC 3339 time",
        ),
        (
            Answer::json(
                200,
                r#"{"Code":"Failure","Message":"no role","AccessKeyId":"ASIACONT","SecretAccessKey":"cont-secret","Token":"cont-token","Expiration":"2026-03-01T13:00:00Z"}"#,
            ),
            "Code is \"Failure\": no role",
        ),
        (Answer::oversized(1024 * 1024 + 1), "larger than 1 MiB"),
        (
            Answer::oversized(1024 * 1024 + 1).chunked(),
            "larger than 1 MiB",
        ),
    ];
    for (answer, detail) in cases {
        fake.reset();
        fake.script(Operation::ContainerCredentials, [answer]);
        let error = load(&fake, "/creds?task=1", None).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "invalid container credentials from {}/creds ({detail})",
                fake.url()
            )
        );
        assert_eq!(fake.count(Operation::ContainerCredentials), 1, "{detail}");
        assert_no_secret(&chain_text(&error));
        assert_no_secret(&format!("{error:?}"));
    }
    // Code Success, other members and no AccountId are fine.
    fake.script(
        Operation::ContainerCredentials,
        [Answer::json(
            200,
            r#"{"Code":"Success","Type":"AWS-HMAC","RoleArn":"arn:aws:iam::1:role/x","AccessKeyId":"ASIACONT","SecretAccessKey":"cont-secret","Token":"cont-token","Expiration":"2026-03-01T13:00:00+00:00"}"#,
        )],
    );
    let creds = load(&fake, "/creds", None).await.unwrap();
    assert_eq!(creds.account_id(), None);
    assert_eq!(creds.expiration().to_string(), "2026-03-01T13:00:00Z");
}

#[tokio::test]
async fn a_stopped_endpoint_is_an_io_error_after_three_attempts() {
    let addr = ssokit_fake_portal::sandbox::closed_port();
    let endpoint =
        ContainerEndpoint::from_variables(None, Some(&format!("http://{addr}/creds"))).unwrap();
    let error = client()
        .credentials(&endpoint.unwrap(), None)
        .await
        .unwrap_err();
    let text = error.to_string();
    let prefix = format!("container credentials request to http://{addr}/creds failed: ");
    assert!(
        text.starts_with(&prefix) && text.ends_with(" (after 3 attempts)"),
        "{text}"
    );
    assert!(error.is_http());
}

#[test]
fn the_relative_uri_goes_to_the_ecs_agent_and_is_only_resolved() {
    let endpoint = ContainerEndpoint::from_variables(Some("/v2/credentials/52b19262?id=1"), None)
        .unwrap()
        .unwrap();
    assert_eq!(
        endpoint.url(),
        "http://169.254.170.2/v2/credentials/52b19262?id=1"
    );
    assert_eq!(
        endpoint.url_without_query(),
        "http://169.254.170.2/v2/credentials/52b19262"
    );
    assert_eq!(endpoint.var(), RELATIVE);
    assert!(!endpoint.is_secure());
    let shown = format!("{endpoint:?}");
    assert!(!shown.contains("id=1"), "{shown}");
}

#[tokio::test]
async fn no_secret_in_debug_display_or_errors() {
    let fake = FakePortal::start().unwrap();
    let endpoint = endpoint(&fake, "/creds?task=1");
    let client = client();
    let creds = client
        .credentials(&endpoint, Some("pod-token-1"))
        .await
        .unwrap();
    let mut texts = vec![
        format!("{creds:?}"),
        format!("{endpoint:?}"),
        format!("{client:?}"),
    ];
    assert!(texts[0].contains("ASIACONT"), "{}", texts[0]);
    for answer in [
        Answer::empty(500),
        Answer::json(
            200,
            r#"{"AccessKeyId":"ASIACONT","SecretAccessKey":"cont-secret"}"#,
        ),
    ] {
        fake.script(Operation::ContainerCredentials, [answer]);
        let error = client
            .credentials(&endpoint, Some("pod-token-1"))
            .await
            .unwrap_err();
        texts.push(chain_text(&error));
        texts.push(format!("{error:?}"));
    }
    for token in ["pod-token-1\n", ""] {
        let error = client
            .credentials(&endpoint, Some(token))
            .await
            .unwrap_err();
        texts.push(chain_text(&error));
        texts.push(format!("{error:?}"));
    }
    for text in &texts {
        assert_no_secret(text);
    }
}

/// `ecs-tests.json`: 11 cases of the two variables, through
/// [`ContainerEndpoint::from_variables`] (no request: the endpoints are the ECS agent's and
/// EKS's link-local addresses).
#[test]
fn ecs_tests_json() {
    let Some(dir) = conformance_dir("ecs_tests_json") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("ecs-tests.json")).unwrap();
    let suite: Value = serde_json::from_str(&text).unwrap();
    let cases = suite["tests"].as_array().unwrap();
    let mut ran = 0;
    for case in cases {
        let docs = case["docs"].as_str().unwrap();
        let env = case["env"].as_object().unwrap();
        for var in env.keys() {
            assert!(
                [FULL, RELATIVE].contains(&var.as_str()),
                "{docs}: unexpected variable {var}"
            );
        }
        let relative = env.get(RELATIVE).and_then(Value::as_str);
        let full = env.get(FULL).and_then(Value::as_str);
        let outcome = ContainerEndpoint::from_variables(relative, full);
        let result = &case["result"];
        if let Some(url) = result.get("Ok").and_then(Value::as_str) {
            let endpoint = outcome
                .unwrap_or_else(|e| panic!("{docs}: {e}"))
                .unwrap_or_else(|| panic!("{docs}: not configured"));
            assert_eq!(endpoint.url(), url, "{docs}");
            let var = if relative.is_some() { RELATIVE } else { FULL };
            assert_eq!(endpoint.var(), var, "{docs}");
        } else {
            let expected = result["ErrorContains"].as_str().unwrap();
            // aws-config's wording; ssokit's texts are SPEC §16.6's.
            match (docs, outcome) {
                ("all fields unset provider is not enabled", Ok(None)) => {
                    // C-NONE: not configured (the provider says so; see credentials).
                    assert_eq!(
                        expected,
                        "No environment variables were set to configure ECS provider"
                    );
                }
                ("invalid full uri", Err(error)) => {
                    assert_eq!(
                        error.to_string(),
                        "invalid container credentials URL \"/credentials\" from AWS_CONTAINER_CREDENTIALS_FULL_URI: expected an absolute http or https URL",
                        "{docs} (aws-config: {expected})"
                    );
                }
                (_, outcome) => panic!("{docs}: expected an error ({expected}), got {outcome:?}"),
            }
        }
        ran += 1;
    }
    assert_eq!((ran, cases.len()), (11, 11));
}
