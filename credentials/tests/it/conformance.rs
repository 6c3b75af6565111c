//! The shared conformance suites that concern these providers, read in place:
//!
//! - `sso-token-provider/sso-token-cache-behavior.json`: every case end to end through
//!   `SsoTokenProvider` (session `test-session`, window 0) against the fake portal;
//! - `profile-provider/<case>/` through `ProfileCredentialsProvider` and
//!   `default-token-provider-chain/<case>/` through `SsoTokenProvider`: `env.json`, `fs/`
//!   copied into a temporary root that stands for `/`, the recorded traffic replayed by the
//!   fake portal. Cases that need assume role (STS) wait for that phase and are skipped with
//!   the reason printed. `ErrorContains` cases must fail; the wording is ssokit's.

use std::fs;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use ssokit_config_parser::Env;
use ssokit_credentials::{
    ErrorCode, ProfileCredentialsProvider, ProviderConfig, SsoTokenProvider, TestClock,
};
use ssokit_fake_portal::{Answer, FakePortal, Operation};
use ssokit_http::HttpSettings;
use ssokit_token_cache::{cache_file_name, format_time, parse_time};

use crate::{conformance_dir, copy_tree, ts};

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

#[tokio::test]
async fn sso_token_cache_behavior() {
    let Some(dir) = conformance_dir("sso_token_cache_behavior") else {
        return;
    };
    let path = dir.join("sso-token-provider/sso-token-cache-behavior.json");
    let suite: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    let cases = suite["cases"].as_array().unwrap();
    let mut ran = 0;
    for case in cases {
        let doc = case["documentation"].as_str().unwrap();
        let now = parse_time(case["currentTime"].as_str().unwrap()).unwrap();
        let cached = &case["cachedToken"];
        let home = tempfile::tempdir().unwrap();
        let portal = FakePortal::start().unwrap();
        fs::create_dir_all(home.path().join(".aws/sso/cache")).unwrap();
        fs::write(
            home.path().join(".aws/config"),
            "[profile p]\nsso_session = test-session\n\n[sso-session test-session]\n\
             sso_start_url = https://d-123.awsapps.com/start\nsso_region = us-west-2\n",
        )
        .unwrap();
        let cache = home
            .path()
            .join(".aws/sso/cache")
            .join(cache_file_name("test-session"));
        fs::write(&cache, serde_json::to_vec_pretty(cached).unwrap()).unwrap();
        if let Some(response) = case.get("refreshResponse") {
            portal.script(
                Operation::CreateToken,
                [Answer::json(200, response.to_string())],
            );
        }
        let env = Env::from_pairs([
            ("HOME", home.path().to_str().unwrap()),
            ("AWS_ENDPOINT_URL_SSO_OIDC", portal.url()),
        ]);
        let config = ProviderConfig::new(env, TestClock::new(now))
            .with_http_settings(HttpSettings::default().without_retry_delay());
        let provider = SsoTokenProvider::builder(config)
            .profile_name("p")
            .expiry_window(Duration::ZERO)
            .build();
        let result = provider.get().await;
        if let Some(expected) = case.get("expectedToken") {
            let token = result.clone().unwrap_or_else(|e| panic!("{doc}: {e}"));
            assert_eq!(Some(token.token()), str_field(expected, "token"), "{doc}");
            assert_eq!(
                token.expire_time().map(format_time).as_deref(),
                str_field(expected, "expiration"),
                "{doc}"
            );
        }
        if let Some(expected) = case.get("expectedTokenWriteback") {
            assert_eq!(portal.count(Operation::CreateToken), 1, "{doc}");
            let written: Value = serde_json::from_slice(&fs::read(&cache).unwrap()).unwrap();
            let written = written.as_object().unwrap();
            for (key, value) in expected.as_object().unwrap() {
                assert_eq!(written.get(key), Some(value), "{doc}: {key}");
            }
            for key in written.keys() {
                if !expected.as_object().unwrap().contains_key(key) {
                    // Difference (SPEC §12, RFC 6749 §6): a response without a refresh
                    // token keeps the old one; the SDKs remove it.
                    assert_eq!(key, "refreshToken", "{doc}");
                    assert_eq!(written[key], cached["refreshToken"], "{doc}");
                    eprintln!("{doc}: ssokit keeps the old refreshToken (SPEC §12)");
                }
            }
        } else {
            assert_eq!(portal.count(Operation::CreateToken), 0, "{doc}");
        }
        if case.get("expectedException").is_some() {
            // Difference (SPEC §12): the SDK's "is expired" becomes T-FAILED with the reason.
            let error = result.unwrap_err();
            assert_eq!(error.code(), ErrorCode::RefreshFailed, "{doc}");
            let expires = format_time(parse_time(str_field(cached, "expiresAt").unwrap()).unwrap());
            let why = match cached.get("registrationExpiresAt").and_then(Value::as_str) {
                Some(at) => format!(
                    "client registration expired at {}",
                    format_time(parse_time(at).unwrap())
                ),
                None => "no clientId in cache".to_owned(),
            };
            assert_eq!(
                error.to_string(),
                format!(
                    "SSO Token refresh failed: the token for sso-session \"test-session\" expired at {expires} and cannot be refreshed ({why}). Please log in using \"aws sso login --sso-session test-session\"."
                ),
                "{doc}"
            );
        }
        ran += 1;
    }
    assert_eq!(ran, 6);
}

/// A request of the recorded traffic and its answer.
struct Exchange {
    uri: String,
    bearer: Option<String>,
    status: u16,
    body: String,
}

fn exchanges(traffic: &Value) -> Vec<Exchange> {
    let mut out: Vec<Exchange> = Vec::new();
    for event in traffic["events"].as_array().into_iter().flatten() {
        let id = usize::try_from(event["connection_id"].as_u64().unwrap()).unwrap();
        let action = &event["action"];
        if out.len() <= id {
            out.resize_with(id + 1, || Exchange {
                uri: String::new(),
                bearer: None,
                status: 0,
                body: String::new(),
            });
        }
        if let Some(request) = action.get("Request") {
            let request = &request["request"];
            request["uri"]
                .as_str()
                .unwrap()
                .clone_into(&mut out[id].uri);
            out[id].bearer = request["headers"]["x-amz-sso_bearer_token"][0]
                .as_str()
                .map(str::to_owned);
        } else if let Some(response) = action.get("Response") {
            out[id].status =
                u16::try_from(response["response"]["Ok"]["status"].as_u64().unwrap()).unwrap();
        } else if let Some(data) = action.get("Data")
            && data["direction"] == "Response"
            && let Some(text) = data["data"]["Utf8"].as_str()
        {
            out[id].body.push_str(text);
        }
    }
    out
}

/// Sorted query parameters of a URI or target.
fn query_set(uri: &str) -> Vec<String> {
    let mut params: Vec<String> = uri
        .split_once('?')
        .map(|(_, q)| q.split('&').map(str::to_owned).collect())
        .unwrap_or_default();
    params.sort();
    params
}

/// Runs one provider case directory; returns false when skipped.
#[allow(clippy::too_many_lines, reason = "one case, read top to bottom")]
async fn run_case(case_dir: &Path, token_chain: bool) -> bool {
    let name = case_dir.file_name().unwrap().to_string_lossy().into_owned();
    let test_case: Value =
        serde_json::from_slice(&fs::read(case_dir.join("test-case.json")).unwrap()).unwrap();
    let env_json: Value =
        serde_json::from_slice(&fs::read(case_dir.join("env.json")).unwrap()).unwrap();
    let root = tempfile::tempdir().unwrap();
    if case_dir.join("fs").is_dir() {
        copy_tree(&case_dir.join("fs"), root.path());
    }
    let config_text = fs::read_to_string(root.path().join("home/.aws/config")).unwrap_or_default();
    if config_text.contains("role_arn") {
        eprintln!("conformance {name}: SKIPPED: assume role (STS) waits for its phase");
        return false;
    }
    let portal = FakePortal::start().unwrap();
    let traffic: Value = fs::read(case_dir.join("http-traffic.json"))
        .ok()
        .map_or(Value::Null, |b| serde_json::from_slice(&b).unwrap());
    let exchanges = exchanges(&traffic);
    if !exchanges.is_empty() {
        portal.script(
            Operation::GetRoleCredentials,
            exchanges
                .iter()
                .map(|e| Answer::json(e.status, e.body.clone())),
        );
    }
    let mut env = Env::new();
    let mut overridden = false;
    for (key, value) in env_json.as_object().unwrap() {
        let value = value.as_str().unwrap();
        let value = if key.starts_with("AWS_ENDPOINT_URL") {
            // The recorded host stands for the fake portal (DNS of the harness).
            overridden = true;
            portal.url().to_owned()
        } else if let Some(rel) = value.strip_prefix('/') {
            root.path().join(rel).display().to_string()
        } else {
            value.to_owned()
        };
        env = env.with(key, value);
    }
    if !overridden {
        env = env.with("AWS_ENDPOINT_URL_SSO", portal.url());
    }
    let config = ProviderConfig::new(env, TestClock::new(ts("2026-03-01T12:00:00Z")))
        .with_http_settings(
            HttpSettings::default()
                .without_retry_delay()
                .max_attempts(1),
        );
    let result = &test_case["result"];
    if token_chain {
        let outcome = SsoTokenProvider::builder(config).build().get().await;
        if let Some(ok) = result.get("Ok") {
            let token = outcome.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(Some(token.token()), str_field(ok, "token"), "{name}");
            assert_eq!(
                token.expire_time().map(format_time).as_deref(),
                str_field(ok, "expiration"),
                "{name}"
            );
        } else {
            assert!(outcome.is_err(), "{name} must fail");
        }
        return true;
    }
    let outcome = ProfileCredentialsProvider::builder(config)
        .build()
        .get()
        .await;
    if let Some(ok) = result.get("Ok") {
        let creds = outcome.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            Some(creds.access_key_id()),
            str_field(ok, "access_key_id"),
            "{name}"
        );
        assert_eq!(
            Some(creds.secret_access_key()),
            str_field(ok, "secret_access_key"),
            "{name}"
        );
        assert_eq!(
            creds.session_token(),
            str_field(ok, "session_token"),
            "{name}"
        );
        assert_eq!(creds.account_id(), str_field(ok, "account_id"), "{name}");
        assert_eq!(
            creds.expire_time().map(jiff::Timestamp::as_second),
            ok.get("expiry").and_then(Value::as_i64),
            "{name}"
        );
    } else {
        let error = outcome.expect_err(&name);
        eprintln!("conformance {name}: failed as expected: {error}");
    }
    let requests = portal.requests();
    assert_eq!(requests.len(), exchanges.len(), "{name}");
    for (request, expected) in requests.iter().zip(&exchanges) {
        let path = expected
            .uri
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
            .unwrap();
        assert_eq!(
            request.target.split('?').next(),
            path.split('?').next(),
            "{name}"
        );
        assert_eq!(query_set(&request.target), query_set(path), "{name}");
        assert_eq!(
            request.header("x-amz-sso_bearer_token"),
            expected.bearer.as_deref(),
            "{name}"
        );
    }
    true
}

async fn run_suite(folder: &str, token_chain: bool) {
    let Some(dir) = conformance_dir(folder) else {
        return;
    };
    let mut cases: Vec<_> = fs::read_dir(dir.join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "{folder}: no cases");
    let mut ran = 0;
    for case in &cases {
        if run_case(case, token_chain).await {
            ran += 1;
        }
    }
    eprintln!("{folder}: {ran} of {} cases ran", cases.len());
    assert!(ran > 0, "{folder}: every case was skipped");
}

#[tokio::test]
async fn profile_provider_cases() {
    run_suite("profile-provider", false).await;
}

#[tokio::test]
async fn default_token_provider_chain_cases() {
    run_suite("default-token-provider-chain", true).await;
}
