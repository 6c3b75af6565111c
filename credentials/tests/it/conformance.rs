//! The shared conformance suites that concern these providers, read in place:
//!
//! - `sso-token-provider/sso-token-cache-behavior.json`: every case end to end through
//!   `SsoTokenProvider` (session `test-session`, window 0) against the fake portal;
//! - `profile-provider/<case>/` (18) through `ProfileCredentialsProvider` and
//!   `default-token-provider-chain/<case>/` (3) through `SsoTokenProvider`, every case, set
//!   up by fake-portal's [`ReplayCase`] (SPEC §18.24): `env.json`, `fs/` as the root, the
//!   recorded answers replayed in order by loopback fakes that the recorded hosts are pinned
//!   to, the requests compared with the recording. `ErrorContains` cases must fail; the
//!   wording is ssokit's.

use std::fs;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use ssokit_config_parser::Env;
use ssokit_credentials::{
    ErrorCode, ProfileCredentialsProvider, ProviderConfig, SsoTokenProvider, TestClock,
};
use ssokit_fake_portal::sandbox::replay::{Expected, ReplayCase};
use ssokit_fake_portal::{Answer, FakePortal, Operation};
use ssokit_http::{CaBundle, HttpSettings};
use ssokit_token_cache::{cache_file_name, format_time, parse_time};

use crate::{Capture, conformance_dir};

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
                    "SSO Token refresh failed: the token for sso-session \"test-session\" expired at {expires} and cannot be refreshed ({why}). Please log in using \"aws sso login --sso-session test-session\". With ssokit: ssokit login --sso-session test-session."
                ),
                "{doc}"
            );
        }
        ran += 1;
    }
    assert_eq!(ran, 6);
}

/// Runs one provider case directory (SPEC §18.24) through `ProfileCredentialsProvider`, or
/// through `SsoTokenProvider` for the token chain.
async fn run_case(case_dir: &Path, token_chain: bool) {
    let case = ReplayCase::load(case_dir);
    let name = case.name();
    let (capture, _guard) = Capture::start();
    let config = replay_config(&case);
    match (case.expected(), token_chain) {
        (Expected::Token { token, expiration }, true) => {
            let got = SsoTokenProvider::builder(config).build().get().await;
            let got = got.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(got.token(), token, "{name}");
            assert_eq!(
                got.expire_time().map(format_time).as_deref(),
                Some(expiration.as_str()),
                "{name}"
            );
        }
        (Expected::Credentials(ok), false) => {
            let provider = ProfileCredentialsProvider::builder(config).build();
            let got = provider
                .get()
                .await
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(got.access_key_id(), ok.access_key_id, "{name}");
            assert_eq!(got.secret_access_key(), ok.secret_access_key, "{name}");
            assert_eq!(got.session_token(), ok.session_token.as_deref(), "{name}");
            assert_eq!(got.account_id(), ok.account_id.as_deref(), "{name}");
            assert_eq!(
                got.expire_time().map(jiff::Timestamp::as_second),
                ok.expiry,
                "{name}"
            );
            assert!(!capture.text().contains(&ok.secret_access_key), "{name}");
        }
        (Expected::Error(wanted), _) => {
            let error = if token_chain {
                SsoTokenProvider::builder(config)
                    .build()
                    .get()
                    .await
                    .map(drop)
            } else {
                let provider = ProfileCredentialsProvider::builder(config).build();
                provider.get().await.map(drop)
            };
            let error = error.expect_err(name);
            eprintln!("conformance {name}: fails as expected ({wanted}): {error}");
        }
        (expected, _) => panic!("{name}: {expected:?} is not a result of this chain"),
    }
    case.assert_requests();
}

/// A provider configuration for `case`: its environment and clock, its recorded hosts
/// pinned to the fakes whose CA is the only one trusted, no retry delay, and insecure http
/// allowed when the recording holds plain http (SPEC §18.24).
fn replay_config(case: &ReplayCase) -> ProviderConfig {
    let env = Env::from_pairs(case.env_pairs().iter().cloned());
    let mut settings = HttpSettings::default()
        .without_retry_delay()
        .native_roots(false)
        .ca_bundle(Some(CaBundle::new(case.ca_file(), "the fakes' CA")));
    if let Some(attempts) = case.max_attempts() {
        settings = settings.max_attempts(attempts);
    }
    for (host, addr) in case.pins() {
        settings = settings.resolve_to(&host, addr);
    }
    ProviderConfig::new(env, TestClock::new(case.now()))
        .with_http_settings(settings)
        .with_allow_insecure_http(case.records_plain_http())
}

async fn run_suite(folder: &str, token_chain: bool) -> usize {
    let Some(dir) = conformance_dir(folder) else {
        return 0;
    };
    let mut cases: Vec<_> = fs::read_dir(dir.join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "{folder}: no cases");
    for case in &cases {
        run_case(case, token_chain).await;
    }
    eprintln!("{folder}: {} of {} cases ran", cases.len(), cases.len());
    cases.len()
}

#[tokio::test]
async fn profile_provider_cases() {
    let ran = run_suite("profile-provider", false).await;
    assert!(ran == 0 || ran == 18, "{ran} cases");
}

#[tokio::test]
async fn default_token_provider_chain_cases() {
    let ran = run_suite("default-token-provider-chain", true).await;
    assert!(ran == 0 || ran == 3, "{ran} cases");
}
