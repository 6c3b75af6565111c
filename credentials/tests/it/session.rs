//! The session token refresh across processes (SPEC §7.2, §3.6): 8 OS processes (this test
//! binary re-executing itself) on one expiring token make exactly one `CreateToken`.

use std::process::Command;
use std::time::Duration;

use ssokit_config_parser::Env;
use ssokit_credentials::{ProviderConfig, SsoCredentialsProvider, TestClock};
use ssokit_fake_portal::{Answer, Operation};
use ssokit_http::HttpSettings;
use ssokit_token_cache::LockOptions;

use crate::{NOW, SESSION_CACHE, World, ts};

const CHILD_HOME: &str = "SSOKIT_TEST_CHILD_HOME";
const CHILD_PORTAL: &str = "SSOKIT_TEST_CHILD_PORTAL";

/// The child's side: a no-op unless the parent set the variables.
#[allow(
    clippy::disallowed_methods,
    clippy::print_stdout,
    reason = "the child process learns its world from the parent and reports on stdout"
)]
#[test]
fn cross_process_child() {
    let (Ok(home), Ok(portal)) = (std::env::var(CHILD_HOME), std::env::var(CHILD_PORTAL)) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let env = Env::from_pairs([
        ("HOME", home.as_str()),
        ("AWS_ENDPOINT_URL_SSO", portal.as_str()),
        ("AWS_ENDPOINT_URL_SSO_OIDC", portal.as_str()),
    ]);
    let config = ProviderConfig::new(env, TestClock::new(ts(NOW)))
        .with_http_settings(HttpSettings::default().without_retry_delay())
        .with_lock_options(
            LockOptions::default()
                .with_poll_interval(Duration::from_millis(5), Duration::from_millis(20)),
        );
    let provider = SsoCredentialsProvider::builder(config)
        .profile_name("s")
        .build();
    let creds = runtime.block_on(provider.get()).unwrap();
    println!("CHILD-OK {}", creds.access_key_id());
}

#[test]
fn eight_processes_make_one_create_token() {
    let w = World::new();
    w.session_expires_at("\"2026-03-01T11:59:00Z\"");
    w.portal.script(
        Operation::CreateToken,
        [Answer::default_for(Operation::CreateToken).delay(Duration::from_millis(300))],
    );
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..8)
        .map(|_| {
            Command::new(&exe)
                .args([
                    "session::cross_process_child",
                    "--exact",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(CHILD_HOME, w.home.path())
                .env(CHILD_PORTAL, w.portal.url())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("CHILD-OK ASIAMOCKACCESSKEY"),
            "child failed: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(w.posts(), 1);
    assert_eq!(w.gets(), 8);
    let cache = w.read(SESSION_CACHE);
    let value: serde_json::Value = serde_json::from_str(&cache).unwrap();
    assert_eq!(value["accessToken"], "at-2");
    assert_eq!(value["expiresAt"], "2026-03-01T13:00:00Z");
    assert_eq!(value["refreshToken"], "rt-2");
    assert!(cache.contains("\"x-extra\": 1.50"), "{cache}");
}
