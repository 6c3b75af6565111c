//! Which token files `ssokit logout` ends and which get the server call (SPEC §20): every
//! token file for `--all` (registrations, locks and unparsable files stay), one target's
//! otherwise; expired or region-less tokens get no call; a corrupt target file refuses.

use ssokit_config_parser::ProfileSet;
use ssokit_credentials::{LoginTargetRequest, LogoutScope, logout_files};

use crate::{LEGACY_CACHE, SESSION_CACHE, World, ts};

fn set(w: &World) -> ProfileSet {
    ProfileSet::load(&w.config().file_locations().unwrap()).unwrap()
}

#[test]
fn all_lists_token_files_only_in_name_order() {
    let w = World::new();
    w.write(
        ".aws/sso/cache/31c6709b4a22ba40b33cc658a6728837f3007d63.json",
        r#"{"clientId": "c", "clientSecret": "s", "expiresAt": "2026-05-30T12:00:00Z"}"#,
    );
    w.write(".aws/sso/cache/broken.json", "{");
    w.write(&format!("{SESSION_CACHE}.lock"), "");
    let files = logout_files(
        &w.config(),
        &set(&w),
        &LogoutScope::All,
        ts("2026-03-01T12:00:00Z"),
    )
    .unwrap();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.path().file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut expected = vec![
        LEGACY_CACHE.rsplit('/').next().unwrap().to_owned(),
        SESSION_CACHE.rsplit('/').next().unwrap().to_owned(),
    ];
    expected.sort();
    assert_eq!(names, expected);
    for file in &files {
        let (region, token) = file.server_call().expect("valid tokens get the call");
        assert!(["us-east-1", "eu-west-1"].contains(&region));
        assert!(!format!("{file:?}").contains(token), "no token in Debug");
    }
    let later = logout_files(
        &w.config(),
        &set(&w),
        &LogoutScope::All,
        ts("2026-03-01T15:00:00Z"),
    )
    .unwrap();
    assert!(
        later.iter().all(|f| f.server_call().is_none()),
        "expired: no call"
    );
}

#[test]
fn one_session_and_a_corrupt_file() {
    let w = World::new();
    let scope = LogoutScope::Target(LoginTargetRequest {
        sso_session: Some("dev".to_owned()),
        profile: "default".to_owned(),
    });
    let files = logout_files(&w.config(), &set(&w), &scope, ts("2026-03-01T12:00:00Z")).unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].path(), w.path(SESSION_CACHE));
    assert_eq!(
        files[0].start_url(),
        Some("https://d-abc123.awsapps.com/start")
    );
    assert_eq!(files[0].server_call().map(|(r, _)| r), Some("eu-west-1"));

    w.write(SESSION_CACHE, "[]");
    let error =
        logout_files(&w.config(), &set(&w), &scope, ts("2026-03-01T12:00:00Z")).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "The SSO token cache file {} is not a valid token file (not a JSON object) and was left unchanged; delete it yourself to log out.",
            w.path(SESSION_CACHE).display()
        )
    );
}

/// Collects what logout says.
#[derive(Default)]
struct Said(std::sync::Mutex<Vec<String>>);

impl ssokit_credentials::LoginOutput for Said {
    fn say(&self, text: &str) {
        self.0.lock().unwrap().push(text.to_owned());
    }

    fn warn(&self, text: &str) {
        self.0.lock().unwrap().push(format!("warning: {text}"));
    }
}

#[tokio::test]
async fn logging_out_of_one_session_leaves_the_other() {
    let w = World::new();
    let said = Said::default();
    let scope = LogoutScope::Target(LoginTargetRequest {
        sso_session: Some("dev".to_owned()),
        profile: "default".to_owned(),
    });
    let summary = ssokit_credentials::logout(&w.config(), &scope, "default", &said)
        .await
        .unwrap();
    assert_eq!(summary.deleted, 1);
    assert!(!summary.failed);
    assert!(!w.path(SESSION_CACHE).exists());
    assert!(
        w.path(LEGACY_CACHE).exists(),
        "the legacy start URL's token stays"
    );
    let logout = w.requests_of(ssokit_fake_portal::Operation::Logout);
    assert_eq!(logout.len(), 1);
    assert_eq!(
        logout[0].header("x-amz-sso_bearer_token"),
        Some("session-at")
    );
    let lines = said.0.lock().unwrap().clone();
    assert_eq!(
        lines,
        [
            format!(
                "Logged out: {} (https://d-abc123.awsapps.com/start; server session ended)",
                w.path(SESSION_CACHE).display()
            ),
            "Deleted 1 SSO token file(s) and 0 cached role credential file(s).".to_owned(),
        ]
    );
}

#[tokio::test]
async fn a_portal_that_is_down_does_not_keep_the_tokens() {
    let w = World::new();
    w.portal.script(
        ssokit_fake_portal::Operation::Logout,
        [ssokit_fake_portal::Answer::empty(503)],
    );
    let said = Said::default();
    let summary = ssokit_credentials::logout(&w.config(), &LogoutScope::All, "default", &said)
        .await
        .unwrap();
    assert_eq!(summary.deleted, 2);
    assert!(!w.path(SESSION_CACHE).exists() && !w.path(LEGACY_CACHE).exists());
    let text = said.0.lock().unwrap().join("\n");
    assert!(
        text.contains("warning: could not end the server session for https://d-abc123.awsapps.com/start (Logout failed: HTTP 503"),
        "{text}"
    );
    assert!(text.contains("server session not ended"), "{text}");
    crate::assert_no_secret(&text);
}

const S_ENTRY: &str = ".aws/cli/cache/9eed7d016ae9398e5d2c4152bf33123c25e9740f.json";
const A_ENTRY: &str = ".aws/cli/cache/a1847eccf36ce53c247d19387b61917da9090692.json";
const ROLE_ENTRY: &str = ".aws/cli/cache/51e7b105b5040ce662656c8dc6ab4de70c4de7ad.json";
const SSO_ENTRY: &str = r#"{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIA1", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2026-03-01T13:00:00Z"}}"#;

/// The cache of SPEC §26 scenario 10 beside the §13 tokens: SSO entries of `s` and `a`, an
/// assume-role entry, the AWS CLI's `session.db`, locks and a registration.
fn scenario_10_cache(w: &World) {
    let legacy = w.read(LEGACY_CACHE);
    let without_region: String = legacy
        .lines()
        .filter(|line| !line.contains("\"region\""))
        .collect::<Vec<_>>()
        .join("\n");
    w.write(LEGACY_CACHE, without_region);
    w.write(S_ENTRY, SSO_ENTRY);
    w.write(A_ENTRY, SSO_ENTRY);
    w.write(
        ROLE_ENTRY,
        SSO_ENTRY.replace("\"ProviderType\": \"sso\", ", ""),
    );
    w.write(".aws/cli/cache/session.db", "SQLite format 3");
    w.write(&format!("{S_ENTRY}.lock"), "");
    w.write(&format!("{SESSION_CACHE}.lock"), "");
    w.write(
        ".aws/sso/cache/31c6709b4a22ba40b33cc658a6728837f3007d63.json",
        r#"{"clientId": "c", "clientSecret": "s", "expiresAt": "2026-05-30T12:00:00Z"}"#,
    );
}

#[tokio::test]
async fn s10_all_deletes_the_tokens_and_the_sso_entries_and_keeps_the_rest() {
    let w = World::new();
    scenario_10_cache(&w);
    let said = Said::default();
    let summary = ssokit_credentials::logout(&w.config(), &LogoutScope::All, "default", &said)
        .await
        .unwrap();
    assert_eq!((summary.deleted, summary.deleted_entries), (2, 2));
    assert!(!summary.failed);
    let logout = w.requests_of(ssokit_fake_portal::Operation::Logout);
    assert_eq!(logout.len(), 1, "the legacy token has no region: no call");
    assert_eq!(
        logout[0].header("x-amz-sso_bearer_token"),
        Some("session-at")
    );
    for gone in [SESSION_CACHE, LEGACY_CACHE, S_ENTRY, A_ENTRY] {
        assert!(!w.path(gone).exists(), "{gone}");
    }
    for kept in [
        ROLE_ENTRY,
        ".aws/cli/cache/session.db",
        ".aws/sso/cache/31c6709b4a22ba40b33cc658a6728837f3007d63.json",
    ] {
        assert!(w.path(kept).exists(), "{kept}");
    }
    assert!(w.path(&format!("{S_ENTRY}.lock")).exists(), "locks stay");
    let lines = said.0.lock().unwrap().clone();
    assert_eq!(
        lines.last().map(String::as_str),
        Some("Deleted 2 SSO token file(s) and 2 cached role credential file(s).")
    );
    assert!(
        lines.iter().any(|l| l
            == &format!(
                "Logged out: {} (https://d-abc123.awsapps.com/start; no server call: token expired or without region)",
                w.path(LEGACY_CACHE).display()
            )),
        "{lines:?}"
    );
}

#[tokio::test]
async fn one_session_takes_its_profiles_entries_only() {
    let w = World::new();
    scenario_10_cache(&w);
    let scope = LogoutScope::Target(LoginTargetRequest {
        sso_session: Some("dev".to_owned()),
        profile: "default".to_owned(),
    });
    let said = Said::default();
    let summary = ssokit_credentials::logout(&w.config(), &scope, "default", &said)
        .await
        .unwrap();
    assert_eq!((summary.deleted, summary.deleted_entries), (1, 1));
    assert!(!w.path(S_ENTRY).exists());
    assert!(w.path(A_ENTRY).exists(), "the legacy profile's entry stays");
    assert!(w.path(LEGACY_CACHE).exists());
    // The legacy profile's logout takes its entry.
    let scope = LogoutScope::Target(LoginTargetRequest {
        sso_session: None,
        profile: "a".to_owned(),
    });
    let summary = ssokit_credentials::logout(&w.config(), &scope, "a", &said)
        .await
        .unwrap();
    assert_eq!((summary.deleted, summary.deleted_entries), (1, 1));
    assert!(!w.path(A_ENTRY).exists());
    assert!(w.path(ROLE_ENTRY).exists());
}
