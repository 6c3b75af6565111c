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
