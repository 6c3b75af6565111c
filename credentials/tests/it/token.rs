//! `SsoTokenProvider`: SPEC §13 scenarios 20-31.

use std::sync::Arc;
use std::time::Duration;

use ssokit_credentials::{ErrorCode, ErrorKind, ProvideToken, SsoTokenProvider};
use ssokit_fake_portal::{Answer, Operation};

use crate::{Capture, SESSION_CACHE, World, ts};

fn t_failed(expired_at: &str, why: &str) -> String {
    format!(
        "SSO Token refresh failed: the token for sso-session \"dev\" expired at {expired_at} and {why}. Please log in using \"aws sso login --sso-session dev\". With ssokit: ssokit login --sso-session dev."
    )
}

#[tokio::test]
async fn s20_valid_token_is_returned_without_request() {
    for expires in ["2026-03-01T14:00:00Z", "2026-03-01T12:06:00Z"] {
        let w = World::new();
        w.session_expires_at(&format!("\"{expires}\""));
        let provider = w.token("s");
        assert!(provider.expired());
        let token = provider.get().await.unwrap();
        assert_eq!(token.token(), "session-at");
        assert_eq!(token.expire_time(), Some(ts(expires)));
        assert!(!provider.expired());
        assert_eq!(provider.expire_time(), Some(ts(expires)));
        assert_eq!(w.portal.requests().len(), 0);
        assert_eq!(provider.provider_name(), "SsoTokenProvider");
    }
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn s21_refresh_rewrites_cache_losslessly() {
    let w = World::new();
    w.session_expires_at("\"2026-03-01T12:02:00Z\"");
    let token = w.token("s").get().await.unwrap();
    assert_eq!(token.token(), "at-2");
    assert_eq!(token.expire_time(), Some(ts("2026-03-01T13:00:00Z")));
    assert_eq!(w.posts(), 1);
    let post = &w.portal.requests()[0];
    assert_eq!(post.request_line(), "POST /token HTTP/1.1");
    assert_eq!(
        post.body_text(),
        r#"{"clientId":"cid","clientSecret":"csecret","refreshToken":"rt-1","grantType":"refresh_token"}"#
    );
    assert_eq!(
        w.read(SESSION_CACHE),
        "{\n  \"startUrl\": \"https://d-abc123.awsapps.com/start\",\n  \"region\": \"eu-west-1\",\n  \
         \"accessToken\": \"at-2\",\n  \"expiresAt\": \"2026-03-01T13:00:00Z\",\n  \"clientId\": \"cid\",\n  \
         \"clientSecret\": \"csecret\",\n  \"registrationExpiresAt\": \"2026-06-01T00:00:00Z\",\n  \
         \"refreshToken\": \"rt-2\",\n  \"x-extra\": 1.50\n}"
    );
    #[cfg(unix)]
    assert_eq!(mode(&w.path(SESSION_CACHE)), 0o600);
    let mut names: Vec<String> = std::fs::read_dir(w.path(".aws/sso/cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "34c6fceca75e456f25e7e99531e2425c6c1de443.json",
            "34c6fceca75e456f25e7e99531e2425c6c1de443.json.lock",
            "40a89917e3175433e361b710a9d43528d7f1890a.json",
        ]
    );
}

#[tokio::test]
async fn s21_response_without_refresh_token_keeps_the_old_one() {
    let w = World::new();
    w.session_expires_at("\"2026-03-01T12:02:00Z\"");
    w.portal.script(
        Operation::CreateToken,
        [Answer::json(
            200,
            r#"{"accessToken":"at-2","tokenType":"Bearer","expiresIn":3600}"#,
        )],
    );
    assert_eq!(w.token("s").get().await.unwrap().token(), "at-2");
    assert!(w.read(SESSION_CACHE).contains("\"refreshToken\": \"rt-1\""));
}

#[tokio::test]
async fn s21_trace_log_holds_no_secret() {
    let (capture, _guard) = Capture::start();
    let w = World::new();
    w.session_expires_at("\"2026-03-01T12:02:00Z\"");
    let token = w.token("s").get().await.unwrap();
    assert_eq!(token.token(), "at-2");
    let creds = w.sso("s").get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAMOCKACCESSKEY");
    let text = capture.text();
    assert!(text.contains("CreateToken"), "{text}");
    crate::assert_no_secret(&text);
}

fn invalid_grant() -> Answer {
    Answer::json(
        400,
        r#"{"error":"invalid_grant","error_description":"Invalid refresh token provided"}"#,
    )
}

#[tokio::test]
async fn s22_failed_refresh_of_expired_token() {
    for with_header in [true, false] {
        let w = World::new();
        w.session_expires_at("\"2026-03-01T11:59:00Z\"");
        let before = w.read(SESSION_CACHE);
        let answer = if with_header {
            invalid_grant().header(
                "x-amzn-ErrorType",
                "InvalidGrantException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/",
            )
        } else {
            invalid_grant()
        };
        w.portal.script(Operation::CreateToken, [answer]);
        let error = w.token("s").get().await.unwrap_err();
        assert_eq!(
            error.to_string(),
            t_failed(
                "2026-03-01T11:59:00Z",
                "the refresh failed (InvalidGrantException: Invalid refresh token provided)"
            )
        );
        assert_eq!(error.kind(), ErrorKind::Failed);
        assert_eq!(error.code(), ErrorCode::RefreshFailed);
        assert_eq!(w.posts(), 1);
        assert_eq!(w.read(SESSION_CACHE), before);
    }
}

#[tokio::test]
async fn s23_failed_refresh_of_valid_token_warns_and_returns_it() {
    let (capture, _guard) = Capture::start();
    let w = World::new();
    w.session_expires_at("\"2026-03-01T12:02:00Z\"");
    w.portal.script(Operation::CreateToken, [invalid_grant()]);
    let token = w.token("s").get().await.unwrap();
    assert_eq!(token.token(), "session-at");
    assert_eq!(token.expire_time(), Some(ts("2026-03-01T12:02:00Z")));
    assert!(
        capture.lines().iter().any(|l| l.starts_with("WARN")),
        "{:?}",
        capture.lines()
    );
}

#[tokio::test]
async fn s24_not_refreshable() {
    let w = World::new();
    let text = w.read(SESSION_CACHE);
    let no_refresh = text.replace("  \"refreshToken\": \"rt-1\",\n", "");
    w.write(
        SESSION_CACHE,
        no_refresh.replace("2026-03-01T14:00:00Z", "2026-03-01T11:59:00Z"),
    );
    let error = w.token("s").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        t_failed(
            "2026-03-01T11:59:00Z",
            "cannot be refreshed (no refresh token in cache)"
        )
    );
    let registration = text.replace("2026-06-01T00:00:00Z", "2026-02-01T00:00:00Z");
    w.write(
        SESSION_CACHE,
        registration.replace("2026-03-01T14:00:00Z", "2026-03-01T11:59:00Z"),
    );
    let error = w.token("s").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        t_failed(
            "2026-03-01T11:59:00Z",
            "cannot be refreshed (client registration expired at 2026-02-01T00:00:00Z)"
        )
    );
    assert_eq!(w.posts(), 0);
    for variant in [no_refresh, registration] {
        w.write(
            SESSION_CACHE,
            variant.replace("2026-03-01T14:00:00Z", "2026-03-01T12:02:00Z"),
        );
        assert_eq!(w.token("s").get().await.unwrap().token(), "session-at");
    }
    assert_eq!(w.posts(), 0);
}

#[tokio::test]
async fn s25_throttle_per_cache_file() {
    let w = World::new();
    w.session_expires_at("\"2026-03-01T11:59:00Z\"");
    w.portal
        .script(Operation::CreateToken, [Answer::empty(500)]);
    let provider = w.token("s");
    let error = provider.get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        t_failed(
            "2026-03-01T11:59:00Z",
            "the refresh failed (UnknownError: Internal Server Error (after 3 attempts))"
        )
    );
    assert_eq!(w.posts(), 3);

    w.clock.advance(Duration::from_secs(10));
    let error = provider.get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        t_failed(
            "2026-03-01T11:59:00Z",
            "cannot be refreshed (a refresh was attempted less than 30 s ago)"
        )
    );
    assert_eq!(w.posts(), 3);

    // Another sso-session is not throttled by this one.
    let config = w.read(".aws/config");
    w.write(
        ".aws/config",
        format!(
            "{config}\n[profile o]\nsso_session = ops\n\n[sso-session ops]\nsso_start_url = https://ops\nsso_region = eu-west-1\n"
        ),
    );
    let ops = w.read(SESSION_CACHE);
    let ops_file = format!(
        ".aws/sso/cache/{}",
        ssokit_token_cache::cache_file_name("ops")
    );
    w.write(&ops_file, ops);
    w.portal.script(Operation::CreateToken, []);
    let shared = SsoTokenProvider::builder(w.config())
        .profile_name("o")
        .build();
    assert_eq!(shared.get().await.unwrap().token(), "at-2");
    assert_eq!(w.posts(), 1);

    w.portal
        .script(Operation::CreateToken, [Answer::empty(500)]);
    w.clock.advance(Duration::from_secs(21));
    let error = provider.get().await.unwrap_err();
    assert!(error.to_string().contains("the refresh failed"), "{error}");
    assert_eq!(w.posts(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn s26_concurrent_providers_share_one_refresh() {
    let w = World::new();
    w.session_expires_at("\"2026-03-01T11:59:00Z\"");
    w.portal.script(
        Operation::CreateToken,
        [Answer::default_for(Operation::CreateToken).delay(Duration::from_millis(200))],
    );
    let config = w.config();
    let main = Arc::new(
        SsoTokenProvider::builder(config.clone())
            .profile_name("s")
            .build(),
    );
    let others: Vec<Arc<SsoTokenProvider>> = (0..5)
        .map(|_| {
            Arc::new(
                SsoTokenProvider::builder(config.clone())
                    .profile_name("s")
                    .build(),
            )
        })
        .collect();
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let p = Arc::clone(&main);
        tasks.push(tokio::spawn(async move { p.get().await }));
    }
    for p in &others {
        let p = Arc::clone(p);
        tasks.push(tokio::spawn(async move { p.get().await }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().token(), "at-2");
    }
    assert_eq!(w.posts(), 1);
}

#[cfg(unix)]
#[tokio::test]
async fn s28_unwritable_cache_directory_warns() {
    use std::os::unix::fs::PermissionsExt;
    let (capture, _guard) = Capture::start();
    let w = World::new();
    w.session_expires_at("\"2026-03-01T11:59:00Z\"");
    let before = w.read(SESSION_CACHE);
    let dir = w.path(".aws/sso/cache");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o500)).unwrap();
    if std::fs::write(dir.join("probe"), "").is_ok() {
        std::fs::remove_file(dir.join("probe")).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        eprintln!(
            "\n!!!!!! s28: SKIPPED: running with privileges that ignore directory modes (root) !!!!!!\n"
        );
        return;
    }
    let token = w.token("s").get().await.unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(token.token(), "at-2");
    assert_eq!(w.read(SESSION_CACHE), before);
    let warnings: Vec<String> = capture
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("WARN"))
        .collect();
    assert!(
        warnings
            .iter()
            .any(|l| l.contains("could not update the SSO token cache")),
        "{warnings:?}"
    );
}

#[tokio::test]
async fn s29_corrupt_or_missing_session_cache() {
    let w = World::new();
    w.write(SESSION_CACHE, "not json");
    let error = w.token("s").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "The SSO token cache file {} is not a valid token file (invalid JSON at line 1, column 2) and was left unchanged. Please log in using \"aws sso login --sso-session dev\". With ssokit: ssokit login --sso-session dev.",
            w.path(SESSION_CACHE).display()
        )
    );
    assert_eq!(w.read(SESSION_CACHE), "not json");
    w.remove(SESSION_CACHE);
    let error = w.token("s").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "Cached token not found at {}. Please log in using \"aws sso login --sso-session dev\". With ssokit: ssokit login --sso-session dev.",
            w.path(SESSION_CACHE).display()
        )
    );
    assert_eq!(error.kind(), ErrorKind::Failed);
    assert_eq!(w.portal.requests().len(), 0);
}

#[tokio::test]
async fn s30_epoch_millis_expiry() {
    let w = World::new();
    w.session_expires_at("1772373600000");
    let token = w.token("s").get().await.unwrap();
    assert_eq!(token.token(), "session-at");
    assert_eq!(token.expire_time(), Some(ts("2026-03-01T14:00:00Z")));
}

#[tokio::test]
async fn s31_token_for_legacy_profile_fails() {
    let w = World::new();
    let error = w.token("a").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Profile \"a\" is missing required property \"sso_session\". Bearer tokens need a profile that refers to an [sso-session] section; this profile uses the legacy sso_start_url form."
    );
    assert_eq!(error.kind(), ErrorKind::Failed);
    assert_eq!(error.location().unwrap().line(), 2);
}

#[tokio::test]
async fn t_profile_not_found_and_no_session_are_not_configured() {
    let w = World::new();
    let error = w.token("default").get().await.unwrap_err();
    assert_eq!(error.to_string(), "Profile \"default\" not found");
    assert_eq!(error.kind(), ErrorKind::NotConfigured);
    w.write(".aws/config", "[default]\nregion = us-east-1\n");
    let error = w.token("default").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Profile \"default\" is missing required property \"sso_session\"."
    );
    assert_eq!(error.kind(), ErrorKind::NotConfigured);
}

#[tokio::test]
async fn t_token_provider_ignores_the_credentials_file() {
    let w = World::new();
    w.write(".aws/credentials", "[s]\nsso_session = nope\n");
    assert_eq!(w.token("s").get().await.unwrap().token(), "session-at");
}

#[tokio::test]
async fn s28_write_failure_only_warns_even_as_root() {
    // A tool that ignores the lock rewrites the file while CreateToken is in flight: the
    // write-back is refused (token-cache `WriteError::Changed`), ssokit warns and returns
    // the new token; the other tool's bytes stay.
    let (capture, _guard) = Capture::start();
    let w = World::new();
    w.session_expires_at("\"2026-03-01T11:59:00Z\"");
    w.portal.script(
        Operation::CreateToken,
        [Answer::default_for(Operation::CreateToken).delay(Duration::from_millis(300))],
    );
    let provider = Arc::new(w.token("s"));
    let task = {
        let p = Arc::clone(&provider);
        tokio::spawn(async move { p.get().await })
    };
    while w.posts() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let foreign = w.read(SESSION_CACHE).replace("session-at", "other-tool-at");
    w.write(SESSION_CACHE, &foreign);
    let token = task.await.unwrap().unwrap();
    assert_eq!(token.token(), "at-2");
    assert_eq!(w.read(SESSION_CACHE), foreign);
    let expected = format!(
        "could not update the SSO token cache {}: {} changed since it was read (another program wrote it); left as it is",
        w.path(SESSION_CACHE).display(),
        w.path(SESSION_CACHE).display()
    );
    assert!(
        capture.lines().iter().any(|l| l.contains(&expected)),
        "{:?}",
        capture.lines()
    );
}

#[tokio::test]
async fn s10_services_section_oidc_endpoint() {
    let mut w = World::new();
    w.unset_env("AWS_ENDPOINT_URL_SSO_OIDC");
    w.session_expires_at("\"2026-03-01T12:02:00Z\"");
    let config = w.read(".aws/config");
    w.write(
        ".aws/config",
        config.replace(
            "sso_session = dev\n",
            &format!(
                "sso_session = dev\nservices = local\n\n[services local]\nsso-oidc =\n  endpoint_url = {}/oidc\n\n[profile s]\n",
                w.portal.url()
            ),
        ),
    );
    assert_eq!(w.token("s").get().await.unwrap().token(), "at-2");
    assert_eq!(w.portal.requests()[0].target, "/oidc/token");
}

#[tokio::test]
async fn lock_timeout_is_a_refresh_failure() {
    let w = World::new();
    w.session_expires_at("\"2026-03-01T11:59:00Z\"");
    let cache = ssokit_token_cache::TokenCacheFile::at_path(w.path(SESSION_CACHE));
    let held = cache
        .lock(&ssokit_token_cache::LockOptions::default())
        .unwrap();
    let provider = SsoTokenProvider::builder(
        w.config().with_lock_options(
            ssokit_token_cache::LockOptions::default()
                .with_poll_interval(Duration::from_millis(1), Duration::from_millis(5))
                .with_timeout(Duration::from_millis(50)),
        ),
    )
    .profile_name("s")
    .build();
    let error = provider.get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        t_failed(
            "2026-03-01T11:59:00Z",
            &format!(
                "cannot be refreshed (timed out waiting for {})",
                cache.lock_path().display()
            )
        )
    );
    assert_eq!(w.posts(), 0);
    drop(held);
}

#[tokio::test]
async fn lock_file_throttles_other_processes() {
    // Another process (another state) attempted a refresh 5 s ago: throttled.
    let w = World::new();
    w.session_expires_at("\"2026-03-01T11:59:00Z\"");
    w.write(&format!("{SESSION_CACHE}.lock"), "2026-03-01T11:59:55Z");
    let error = w.token("s").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        t_failed(
            "2026-03-01T11:59:00Z",
            "cannot be refreshed (a refresh was attempted less than 30 s ago)"
        )
    );
    assert_eq!(w.posts(), 0);
    // 31 s later it refreshes, and records the attempt in the lock file.
    w.clock.advance(Duration::from_secs(26));
    assert_eq!(w.token("s").get().await.unwrap().token(), "at-2");
    assert_eq!(
        w.read(&format!("{SESSION_CACHE}.lock")),
        "2026-03-01T12:00:26Z"
    );
}
