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
