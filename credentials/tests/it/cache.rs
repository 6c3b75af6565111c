//! The caching layer (SPEC §9): v2 semantics, single-flight, failures, scenario 48.

use std::sync::Arc;
use std::time::Duration;

use ssokit_fake_portal::{Answer, Operation};

use crate::{World, ts};

#[tokio::test]
async fn construction_does_no_io_and_starts_expired() {
    let w = World::new();
    w.remove(".aws/config");
    let provider = w.sso("a");
    assert!(provider.expired());
    assert!(provider.needs_refresh());
    assert_eq!(provider.expire_time(), None);
    assert!(provider.cached().is_none());
    assert_eq!(w.portal.requests().len(), 0);
}

#[tokio::test]
async fn get_caches_and_refresh_always_loads() {
    let w = World::new();
    let provider = w.sso("a");
    provider.get().await.unwrap();
    assert!(!provider.expired());
    assert!(!provider.needs_refresh());
    assert_eq!(provider.expire_time(), Some(ts("2026-03-01T13:00:00Z")));
    provider.get().await.unwrap();
    assert_eq!(w.gets(), 1);
    provider.refresh().await.unwrap();
    assert_eq!(w.gets(), 2);
    provider.expire();
    assert!(provider.expired());
    assert!(provider.needs_refresh());
    provider.get().await.unwrap();
    assert_eq!(w.gets(), 3);
    // Within the 15 s window of the expiry: stale.
    w.clock.set(ts("2026-03-01T12:59:46Z"));
    assert!(provider.needs_refresh());
    w.clock.set(ts("2026-03-01T12:59:45Z"));
    assert!(!provider.needs_refresh());
}

#[tokio::test]
async fn s48_failed_load_then_success() {
    let w = World::new();
    w.portal
        .script(Operation::GetRoleCredentials, [Answer::drop_connection()]);
    let provider = w.sso("a");
    assert!(provider.get().await.is_err());
    assert!(provider.expired());
    w.portal.script(Operation::GetRoleCredentials, []);
    let creds = provider.get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAMOCKACCESSKEY");
}

#[tokio::test]
async fn failed_refresh_keeps_the_old_value() {
    let w = World::new();
    let provider = w.sso("a");
    provider.get().await.unwrap();
    w.portal
        .script(Operation::GetRoleCredentials, [Answer::empty(500)]);
    assert!(provider.refresh().await.is_err());
    assert_eq!(
        provider.cached().unwrap().access_key_id(),
        "ASIAMOCKACCESSKEY"
    );
    assert!(!provider.expired());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_failures_share_one_load_and_error() {
    let w = World::new();
    w.portal.script(
        Operation::GetRoleCredentials,
        [Answer::empty(403).delay(Duration::from_millis(100))],
    );
    let provider = Arc::new(w.sso("a"));
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let p = Arc::clone(&provider);
            tokio::spawn(async move { p.get().await })
        })
        .collect();
    for task in tasks {
        let error = task.await.unwrap().unwrap_err();
        assert_eq!(
            error.to_string(),
            "No access to role LegacyRole in account 111122223333 (UnknownError: Forbidden)"
        );
    }
    assert_eq!(w.gets(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_caller_cancels_nobody() {
    let w = World::new();
    w.portal.script(
        Operation::GetRoleCredentials,
        [Answer::default_for(Operation::GetRoleCredentials).delay(Duration::from_millis(200))],
    );
    let provider = Arc::new(w.sso("a"));
    let first = {
        let p = Arc::clone(&provider);
        tokio::spawn(async move { p.get().await })
    };
    // Wait until the first caller's load has reached the portal.
    while w.gets() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let second = {
        let p = Arc::clone(&provider);
        tokio::spawn(async move { p.get().await })
    };
    first.abort();
    assert!(second.await.unwrap().is_ok());
    assert_eq!(w.gets(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_flight_1000_callers_one_create_token_one_get_role_credentials() {
    let w = World::new();
    w.session_expires_at("\"2026-03-01T12:02:00Z\"");
    w.portal.script(
        Operation::CreateToken,
        [Answer::default_for(Operation::CreateToken).delay(Duration::from_millis(50))],
    );
    let provider = Arc::new(w.sso("s"));
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let p = Arc::clone(&provider);
            tokio::spawn(async move { p.get().await })
        })
        .collect();
    for task in tasks {
        assert_eq!(
            task.await.unwrap().unwrap().access_key_id(),
            "ASIAMOCKACCESSKEY"
        );
    }
    assert_eq!(w.posts(), 1);
    assert_eq!(w.gets(), 1);
    let get = w
        .portal
        .requests()
        .into_iter()
        .find(|r| r.method == "GET")
        .unwrap();
    assert_eq!(get.header("x-amz-sso_bearer_token"), Some("at-2"));
}

#[tokio::test]
async fn debug_shows_the_cache_state_and_no_value() {
    let w = World::new();
    let sso = w.sso("a");
    sso.get().await.unwrap();
    let token = w.token("s");
    token.get().await.unwrap();
    let mut env = w.env.clone();
    env = env
        .with("AWS_ACCESS_KEY_ID", "AKIDENV")
        .with("AWS_SECRET_ACCESS_KEY", "envSecret");
    let config = ssokit_credentials::ProviderConfig::new(env, w.clock.clone());
    let environment = ssokit_credentials::EnvironmentCredentialsProvider::new(config, "AWS");
    environment.get().await.unwrap();
    let rendered = format!("{sso:?}\n{token:?}\n{environment:?}\n{:?}", w.profile("a"));
    assert!(
        rendered.contains(
            "SsoCredentialsProvider { expired: false, expire_time: Some(2026-03-01T13:00:00Z), .. }"
        ),
        "{rendered}"
    );
    assert!(
        rendered.contains(
            "SsoTokenProvider { expired: false, expire_time: Some(2026-03-01T14:00:00Z), .. }"
        ),
        "{rendered}"
    );
    assert!(rendered.contains("EnvironmentCredentialsProvider { name: \"EnvironmentCredentialsProvider(AWS)\", expired: false"), "{rendered}");
    assert!(
        rendered.contains("ProfileCredentialsProvider { expired: true, expire_time: None, .. }"),
        "{rendered}"
    );
    for secret in [
        "mockSecretKey",
        "mockSessionToken",
        "session-at",
        "envSecret",
        "csecret",
        "rt-1",
    ] {
        assert!(!rendered.contains(secret), "{secret} in {rendered}");
    }
}
