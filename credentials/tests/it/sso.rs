//! `SsoCredentialsProvider`: SPEC §13 scenarios 1-19 and 38 (profiles, sso-sessions, the
//! token cache, the credentials' expiry). The portal call itself (endpoints, errors,
//! retries, transport, TLS) is in `sso_http`.

use std::time::Duration;

use ssokit_credentials::{ErrorCode, ErrorKind};
use ssokit_fake_portal::{Answer, Operation};
use ssokit_http::USER_AGENT_VALUE;

use crate::{LEGACY_CACHE, World, ts};

/// A config holding only profile `a` of the §13 home (legacy SSO, no sso-session).
pub(crate) const L_CONFIG: &str = "[profile a]\nsso_start_url = https://d-abc123.awsapps.com/start\n\
sso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = LegacyRole\n";

fn s_legacy_message(p: &str) -> String {
    format!(
        "Profile {p} does not have valid SSO credentials. Required parameters \"sso_account_id\", \"sso_region\", \"sso_role_name\", \"sso_start_url\". Reference: https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sso.html"
    )
}

#[tokio::test]
async fn s01_legacy_profile_resolves() {
    let w = World::new();
    let provider = w.sso("a");
    let creds = provider.get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAMOCKACCESSKEY");
    assert_eq!(creds.secret_access_key(), "mockSecretKey");
    assert_eq!(creds.session_token(), Some("mockSessionToken"));
    assert_eq!(creds.expire_time(), Some(ts("2026-03-01T13:00:00Z")));
    assert_eq!(creds.account_id(), Some("111122223333"));
    assert_eq!(creds.provider_name(), "Sso");
    let requests = w.portal.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].request_line(),
        "GET /federation/credentials?account_id=111122223333&role_name=LegacyRole HTTP/1.1"
    );
    assert_eq!(
        requests[0].header("x-amz-sso_bearer_token"),
        Some("legacy-at")
    );
    assert_eq!(requests[0].header("user-agent"), Some(USER_AGENT_VALUE));
    assert!(USER_AGENT_VALUE.starts_with("ssokit/"));
    assert!(!w.path(".aws/credentials").exists());
}

#[tokio::test]
async fn s02_config_file_from_aws_config_file_with_tilde() {
    let mut w = World::new();
    let config = w.read(".aws/config");
    w.remove(".aws/config");
    w.write("alt/config", config);
    w.set_env("AWS_CONFIG_FILE", "~/alt/config");
    let creds = w.sso("a").get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAMOCKACCESSKEY");
    let token = w.token("s").get().await.unwrap();
    assert_eq!(token.token(), "session-at");
}

#[tokio::test]
async fn s03_home_from_userprofile() {
    let mut w = World::new();
    let home = w.home_str();
    w.unset_env("HOME");
    w.set_env("USERPROFILE", &home);
    let creds = w.sso("a").get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAMOCKACCESSKEY");
}

#[tokio::test]
async fn s03_no_home_is_e_home() {
    let mut w = World::new();
    w.unset_env("HOME");
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Cannot load credentials, HOME path not set"
    );
    assert_eq!(error.code(), ErrorCode::Home);
}

#[tokio::test]
async fn s04_credentials_file_wins_key_by_key() {
    let w = World::new();
    w.write(".aws/credentials", "[a]\nsso_role_name = FromCreds\n");
    w.sso("a").get().await.unwrap();
    assert_eq!(
        w.portal.requests()[0].target,
        "/federation/credentials?account_id=111122223333&role_name=FromCreds"
    );
}

#[tokio::test]
async fn s05_unprefixed_config_section_is_not_a_profile() {
    let w = World::new();
    w.write(".aws/config", L_CONFIG.replace("[profile a]", "[a]"));
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(error.to_string(), "Profile a not found");
    assert_eq!(error.kind(), ErrorKind::NotConfigured);
    let w = World::new();
    let error = w.sso("A").get().await.unwrap_err();
    assert_eq!(error.to_string(), "Profile A not found");
    assert_eq!(w.gets(), 0);
}

#[tokio::test]
async fn s06_profile_default_wins_over_default() {
    let w = World::new();
    w.write(
        ".aws/config",
        format!(
            "{}\n[profile default]\nsso_role_name = OnlyRole\n",
            L_CONFIG.replace("[profile a]", "[default]")
        ),
    );
    let error = w.sso("default").get().await.unwrap_err();
    assert_eq!(error.to_string(), s_legacy_message("default"));
    assert_eq!(error.kind(), ErrorKind::Failed);
    assert_eq!(error.location().unwrap().line(), 7);
}

#[tokio::test]
async fn s07_upper_case_keys_and_empty_values() {
    let w = World::new();
    w.write(".aws/config", L_CONFIG.replace("sso_", "SSO_"));
    assert_eq!(
        w.sso("a").get().await.unwrap().access_key_id(),
        "ASIAMOCKACCESSKEY"
    );
    let w = World::new();
    w.write(
        ".aws/config",
        L_CONFIG.replace("sso_role_name = LegacyRole", "sso_role_name ="),
    );
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(error.to_string(), s_legacy_message("a"));
    assert_eq!(error.kind(), ErrorKind::Failed);
}

#[tokio::test]
async fn s08_parse_errors_fail_the_load() {
    let w = World::new();
    w.write(
        ".aws/config",
        "[profile s]\nsso_session = dev\n[profile a]junk\nsso_region = us-east-1\n",
    );
    let error = w.sso("a").get().await.unwrap_err();
    let path = w.path(".aws/config");
    assert_eq!(
        error.to_string(),
        format!(
            "error parsing {} on line 3: Profile definition must end with ']'",
            path.display()
        )
    );
    assert_eq!(error.code(), ErrorCode::Parse);
    assert_eq!(error.kind(), ErrorKind::Failed);
    assert_eq!(error.location().unwrap().line(), 3);
    assert_eq!(error.location().unwrap().path(), path);

    w.write(".aws/config", "[profile a]\nsso_region: us-east-1\n");
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "error parsing {} on line 2: Expected an '=' sign defining a property",
            path.display()
        )
    );
    assert_eq!(w.gets(), 0);
}

#[tokio::test]
async fn s09_comments_and_encoding_of_role_name() {
    let w = World::new();
    w.write(
        ".aws/config",
        L_CONFIG.replace("LegacyRole", "Role#1;x ; note"),
    );
    w.sso("a").get().await.unwrap();
    assert_eq!(
        w.portal.requests()[0].target,
        "/federation/credentials?account_id=111122223333&role_name=Role%231%3Bx"
    );
}

#[tokio::test]
async fn s10_services_section_endpoint() {
    let mut w = World::new();
    w.unset_env("AWS_ENDPOINT_URL_SSO");
    w.write(
        ".aws/config",
        format!(
            "{L_CONFIG}services = local\n\n[services local]\nsso =\n  endpoint_url = {}\n",
            w.portal.url()
        ),
    );
    let creds = w.sso("a").get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAMOCKACCESSKEY");
    assert_eq!(w.gets(), 1);
}

#[tokio::test]
async fn s11_legacy_token_not_found() {
    let w = World::new();
    w.remove(LEGACY_CACHE);
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "Cached credentials not found under a profile. Please make sure you log in with aws sso login first (looked for {}). With ssokit: ssokit login --profile a.",
            w.path(LEGACY_CACHE).display()
        )
    );
    assert_eq!(error.kind(), ErrorKind::Failed);
    assert_eq!(w.gets(), 0);
}

#[tokio::test]
async fn s12_trailing_slash_is_another_cache_key() {
    let w = World::new();
    w.write(".aws/config", L_CONFIG.replace("/start\n", "/start/\n"));
    let error = w.sso("a").get().await.unwrap_err();
    let expected = w.path(".aws/sso/cache/efc31dacc9f40d3b937b7214601a881f4c2500c4.json");
    assert_eq!(
        error.to_string(),
        format!(
            "Cached credentials not found under a profile. Please make sure you log in with aws sso login first (looked for {}). With ssokit: ssokit login --profile a.",
            expected.display()
        )
    );
}

fn legacy_token(expires_at: &str) -> String {
    format!(r#"{{"accessToken": "legacy-at", "expiresAt": {expires_at}}}"#)
}

const S_EXPIRED: &str = "The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile. With ssokit: ssokit login --profile a.";

#[tokio::test]
async fn s13_legacy_expiry_has_no_margin() {
    let w = World::new();
    w.write(LEGACY_CACHE, legacy_token(r#""2026-03-01T12:10:00Z""#));
    w.sso("a").get().await.unwrap();
    for expired in [r#""2026-03-01T12:00:00Z""#, r#""2026-03-01T11:59:59Z""#] {
        let w = World::new();
        w.write(LEGACY_CACHE, legacy_token(expired));
        let error = w.sso("a").get().await.unwrap_err();
        assert_eq!(error.to_string(), S_EXPIRED);
        assert_eq!(error.code(), ErrorCode::TokenExpired);
        assert_eq!(w.gets(), 0);
    }
}

#[tokio::test]
async fn s14_expires_at_variants() {
    for accepted in [
        r#""2026-03-01T14:00:00UTC""#,
        r#""2026-03-01T14:00:00 UTC""#,
        r#""2026-03-01T14:00:00""#,
        r#""2026-03-01 14:00:00""#,
        r#""2026-03-01t14:00:00z""#,
        r#""2026-03-01T14:00:00.123456Z""#,
        r#""2026-03-01T23:00:00+09:00""#,
        "1772373600000",
    ] {
        let mut w = World::new();
        // Zone-less times are UTC whatever TZ says.
        w.set_env("TZ", "Asia/Tokyo");
        w.write(LEGACY_CACHE, legacy_token(accepted));
        assert!(w.sso("a").get().await.is_ok(), "{accepted}");
    }
    for rejected in [
        r#""not a date""#,
        r#""1772373600000""#,
        r#""2026-03-01""#,
        r#""Sun, 01 Mar 2026 14:00:00 GMT""#,
        r#"" 2026-03-01T14:00:00Z""#,
        r#""2026-13-01T00:00:00Z""#,
        r#""2026-03-01T24:00:00Z""#,
        r#""2026-03-01T14:00Z""#,
        r#""2026-03-01T14:00:00+0900""#,
        "1.5",
        "-1",
    ] {
        let w = World::new();
        w.write(LEGACY_CACHE, legacy_token(rejected));
        let error = w.sso("a").get().await.unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "Invalid \"expiresAt\" value {rejected} in SSO Token ({})",
                w.path(LEGACY_CACHE).display()
            )
        );
        assert_eq!(error.code(), ErrorCode::TokenExpiresAt);
        assert_eq!(w.gets(), 0);
    }
}

#[tokio::test]
async fn s15_required_cache_members() {
    let w = World::new();
    w.write(LEGACY_CACHE, r#"{"expiresAt": "2026-03-01T14:00:00Z"}"#);
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "Cached credentials are missing required properties. Try running aws sso login. ({} lacks \"accessToken\"). With ssokit: ssokit login --profile a.",
            w.path(LEGACY_CACHE).display()
        )
    );
    let w = World::new();
    w.write(LEGACY_CACHE, legacy_token(r#""2026-03-01T14:00:00Z""#));
    assert!(w.sso("a").get().await.is_ok());
}

#[tokio::test]
async fn s16_corrupt_legacy_cache_is_reported_untouched() {
    let w = World::new();
    w.write(LEGACY_CACHE, r#"{"accessToken":"#);
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "The SSO token cache file {} is not a valid token file (invalid JSON at line 1, column 15) and was left unchanged. Please log in using \"aws sso login --profile a\". With ssokit: ssokit login --profile a.",
            w.path(LEGACY_CACHE).display()
        )
    );
    assert_eq!(error.code(), ErrorCode::TokenCorrupt);
    assert_eq!(w.read(LEGACY_CACHE), r#"{"accessToken":"#);
    for empty in ["", "null"] {
        let w = World::new();
        w.write(LEGACY_CACHE, empty);
        let error = w.sso("a").get().await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::TokenNotFound, "{empty:?}");
    }
}

#[tokio::test]
async fn s17_session_profile_uses_cached_token() {
    let w = World::new();
    let creds = w.sso("s").get().await.unwrap();
    assert_eq!(creds.account_id(), Some("444455556666"));
    assert_eq!(w.posts(), 0);
    let requests = w.portal.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].header("x-amz-sso_bearer_token"),
        Some("session-at")
    );
    assert_eq!(
        requests[0].target,
        "/federation/credentials?account_id=444455556666&role_name=SessionRole"
    );
}

#[tokio::test]
async fn s17_default_endpoint_is_the_sessions_region() {
    // No override: the request goes to portal.sso.eu-west-1.amazonaws.com, pinned to a
    // closed loopback port so that nothing leaves the machine.
    let mut w = World::new();
    w.unset_env("AWS_ENDPOINT_URL_SSO");
    w.pin_to_closed_port("portal.sso.eu-west-1.amazonaws.com");
    let error = w.sso("s").get().await.unwrap_err();
    assert!(
        error.to_string().starts_with(
            "GetRoleCredentials request to https://portal.sso.eu-west-1.amazonaws.com/federation/credentials failed: "
        ),
        "{error}"
    );
    assert_eq!(error.code(), ErrorCode::Transport);
}

#[tokio::test]
async fn s18_profile_and_session_must_agree() {
    let w = World::new();
    let config = w.read(".aws/config");
    w.write(
        ".aws/config",
        config.replace(
            "sso_session = dev\n",
            "sso_session = dev\nsso_region = us-east-1\n",
        ),
    );
    let error = w.sso("s").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Profile s sets sso_region \"us-east-1\" but sso-session dev sets \"eu-west-1\"; remove it from the profile or make the values equal"
    );
    assert_eq!(error.code(), ErrorCode::SessionMismatch);
    assert_eq!(error.location().unwrap().line(), 9);
    w.write(
        ".aws/config",
        config.replace(
            "sso_session = dev\n",
            "sso_session = dev\nsso_region = eu-west-1\n",
        ),
    );
    assert!(w.sso("s").get().await.is_ok());
}

#[tokio::test]
async fn s19_missing_session_or_session_keys() {
    let w = World::new();
    let config = w.read(".aws/config");
    let without_session = &config[..config.find("[sso-session dev]").unwrap()];
    w.write(".aws/config", without_session);
    let error = w.sso("s").get().await.unwrap_err();
    assert_eq!(error.to_string(), "Sso session \"dev\" not found");
    assert_eq!(error.kind(), ErrorKind::Failed);
    assert_eq!(error.location().unwrap().line(), 8);

    w.write(
        ".aws/config",
        config.replace("sso_region = eu-west-1\n", ""),
    );
    let error = w.sso("s").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Sso session \"dev\" is missing required property \"sso_region\"."
    );
    assert_eq!(error.code(), ErrorCode::SessionKeyMissing);
    assert_eq!(w.gets(), 0);
}

#[tokio::test]
async fn s19_session_profile_without_account_and_role() {
    let w = World::new();
    let config = w.read(".aws/config");
    let message = "Profile s with session dev does not have valid SSO credentials. Required parameters \"sso_account_id\", \"sso_session\", \"sso_role_name\". Reference: https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sso.html";
    w.write(
        ".aws/config",
        config
            .replace("sso_account_id = 444455556666\n", "")
            .replace("sso_role_name = SessionRole\n", ""),
    );
    let error = w.sso("s").get().await.unwrap_err();
    assert_eq!(error.to_string(), message);
    assert_eq!(error.kind(), ErrorKind::NotConfigured);
    w.write(
        ".aws/config",
        config.replace("sso_role_name = SessionRole\n", ""),
    );
    let error = w.sso("s").get().await.unwrap_err();
    assert_eq!(error.to_string(), message);
    assert_eq!(error.kind(), ErrorKind::Failed);
}

#[tokio::test]
async fn s38_expiry_window_of_credentials() {
    let w = World::new();
    let soon = r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T","expiration":1772366410000}}"#;
    w.portal
        .script(Operation::GetRoleCredentials, [Answer::json(200, soon)]);
    let provider = w.sso("a");
    for _ in 0..3 {
        provider.get().await.unwrap();
    }
    assert_eq!(w.gets(), 3);

    let later = r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T","expiration":1772366460000}}"#;
    w.portal
        .script(Operation::GetRoleCredentials, [Answer::json(200, later)]);
    let provider = w.sso("a");
    for _ in 0..3 {
        provider.get().await.unwrap();
    }
    assert_eq!(w.gets(), 1);
    assert_eq!(provider.expiry_window(), Duration::from_secs(15));
}
