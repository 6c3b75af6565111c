//! Reading cache files (SPEC §3.2), the lossless rewrite (§3.4), and redaction.

use std::path::Path;
use std::time::Duration;

use ssokit_token_cache::{
    CachedToken, CorruptDetail, LockOptions, ReadError, TokenCacheFile, WriteError,
};

use crate::{Home, fixture, now, ts};

#[test]
fn session_token_accessors() {
    let home = Home::with_fixture("session-valid.json");
    let token = home.cache.read().unwrap().unwrap();
    assert_eq!(token.access_token(), "session-at");
    assert_eq!(token.expires_at(), ts("2026-03-01T14:00:00Z"));
    assert_eq!(token.refresh_token(), Some("rt-1"));
    assert_eq!(token.client_id(), Some("cid"));
    assert_eq!(token.client_secret(), Some("csecret"));
    assert_eq!(
        token.registration_expires_at(),
        Some(Ok(ts("2026-06-01T00:00:00Z")))
    );
    assert_eq!(token.region(), Some("eu-west-1"));
    assert_eq!(
        token.start_url(),
        Some("https://d-abc123.awsapps.com/start")
    );
}

#[test]
fn session_token_timing_fixtures() {
    let window = Duration::from_secs(300);
    let read = |name: &str| Home::with_fixture(name).cache.read().unwrap().unwrap();
    assert!(read("session-valid.json").expires_at() > now() + window);
    let soon = read("session-expiring-soon.json").expires_at();
    assert!(soon > now() && soon <= now() + window);
    assert!(read("session-expired.json").expires_at() <= now());
}

#[test]
fn refresh_fields_are_optional() {
    let home = Home::with_fixture("session-no-refresh.json");
    let token = home.cache.read().unwrap().unwrap();
    assert_eq!(token.access_token(), "session-at");
    assert_eq!(token.refresh_token(), None);
    assert_eq!(token.client_id(), None);
    assert_eq!(token.client_secret(), None);
    assert_eq!(token.registration_expires_at(), None);
}

#[test]
fn legacy_tokens() {
    let token = Home::with_fixture("legacy-valid.json")
        .cache
        .read()
        .unwrap()
        .unwrap();
    assert_eq!(token.access_token(), "legacy-at");
    assert_eq!(token.expires_at(), ts("2026-03-01T14:00:00Z"));
    assert_eq!(token.region(), Some("us-east-1"));
    let minimal = Home::with_fixture("legacy-minimal.json")
        .cache
        .read()
        .unwrap()
        .unwrap();
    assert_eq!(minimal.access_token(), "legacy-at");
    assert_eq!(minimal.region(), None);
    assert_eq!(minimal.start_url(), None);
}

#[test]
fn not_found_forms() {
    assert!(Home::empty().cache.read().unwrap().is_none());
    for name in ["empty.json", "whitespace.json", "null.json"] {
        let home = Home::with_fixture(name);
        assert!(home.cache.read().unwrap().is_none(), "{name}");
        assert_eq!(home.bytes(), fixture(name), "{name} must stay as it is");
    }
}

#[test]
fn bom_is_skipped() {
    let bytes = fixture("bom.json");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let token = Home::with(&bytes).cache.read().unwrap().unwrap();
    assert_eq!(token.access_token(), "session-at");
    assert_eq!(token.refresh_token(), Some("rt-1"));
}

#[test]
fn corrupt_files_are_reported_and_left_byte_for_byte() {
    for (name, detail) in [
        ("invalid-json.json", "invalid JSON at line 1, column 15"),
        ("not-json.json", "invalid JSON at line 1, column 2"),
        ("trailing-data.json", "invalid JSON at line 2, column 1"),
        ("not-an-object.json", "not a JSON object"),
    ] {
        let home = Home::with_fixture(name);
        let error = home.cache.read().unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "The SSO token cache file {} is not a valid token file ({detail}) and was left unchanged.",
                home.cache.path().display()
            ),
            "{name}"
        );
        assert_eq!(error.corrupt_detail().unwrap().to_string(), detail);
        assert!(error.is_corrupt());
        // Taking the lock around the read changes nothing either.
        let lock = home.cache.lock(&LockOptions::default()).unwrap();
        assert!(home.cache.read().is_err());
        drop(lock);
        assert_eq!(home.bytes(), fixture(name), "{name} was modified");
        assert_eq!(
            home.listing(),
            vec![
                "34c6fceca75e456f25e7e99531e2425c6c1de443.json".to_owned(),
                "34c6fceca75e456f25e7e99531e2425c6c1de443.json.lock".to_owned(),
            ]
        );
    }
}

#[test]
fn corrupt_detail_positions_are_structured() {
    let home = Home::with_fixture("invalid-json.json");
    let error = home.cache.read().unwrap_err();
    assert_eq!(
        error.corrupt_detail(),
        Some(&CorruptDetail::InvalidJson {
            line: 1,
            column: 15
        })
    );
    // The credentials crate renders the full T-CORRUPT text like this.
    let full = format!("{error} Please log in using \"aws sso login --profile a\".");
    assert_eq!(
        full,
        format!(
            "The SSO token cache file {} is not a valid token file (invalid JSON at line 1, column 15) and was left unchanged. Please log in using \"aws sso login --profile a\".",
            home.cache.path().display()
        )
    );
}

#[test]
fn missing_and_mistyped_keys() {
    for (contents, key, template) in [
        (
            r#"{"expiresAt": "2026-03-01T14:00:00Z"}"#,
            "accessToken",
            "Key \"accessToken\" not present in SSO Token (PATH)",
        ),
        (
            r#"{"accessToken": "", "expiresAt": 0}"#,
            "accessToken",
            "Key \"accessToken\" not present in SSO Token (PATH)",
        ),
        (
            r#"{"accessToken": "a"}"#,
            "expiresAt",
            "Key \"expiresAt\" not present in SSO Token (PATH)",
        ),
        (
            r#"{"accessToken": "a", "expiresAt": null}"#,
            "expiresAt",
            "Key \"expiresAt\" not present in SSO Token (PATH)",
        ),
        (
            r#"{"accessToken": ["a"], "expiresAt": 0}"#,
            "accessToken",
            "Key \"accessToken\" in SSO Token (PATH) is not a string",
        ),
    ] {
        let home = Home::with(contents.as_bytes());
        let error = home.cache.read().unwrap_err();
        let path = home.cache.path().display().to_string();
        assert_eq!(
            error.to_string(),
            template.replace("PATH", &path),
            "{contents}"
        );
        assert_eq!(error.key(), Some(key));
        assert_eq!(error.path(), home.cache.path());
    }
}

#[test]
fn rewrite_is_lossless() {
    let original = fixture("unknown-fields.json");
    let token = CachedToken::parse(&original, Path::new("t.json"))
        .unwrap()
        .unwrap();
    assert_eq!(token.render().as_bytes(), original.as_slice());
    let next = token.with_refresh("at-2", ts("2026-03-01T13:00:00.9Z"), Some("rt-2"));
    assert_eq!(
        next.render(),
        "{\n  \"accessToken\": \"at-2\",\n  \"zeta\": 1.50,\n  \"expiresAt\": \"2026-03-01T13:00:00Z\",\n  \
         \"nested\": {\"b\": [1, 2.0, {\"c\": null}], \"a\": \"\\u00e9\"},\n  \"huge\": 1e400,\n  \
         \"alpha\": true,\n  \"refreshToken\": \"rt-2\"\n}"
    );
    assert_eq!(next.access_token(), "at-2");
    assert_eq!(next.expires_at(), ts("2026-03-01T13:00:00Z"));
    assert_eq!(next.refresh_token(), Some("rt-2"));
}

/// Found by the `token_cache_file` fuzz target's round trip: an `expiresAt` whose offset
/// puts it before year 0 was rewritten as `"-001-12-31T23:59:00Z"`, which no reader accepts.
#[test]
fn a_refresh_before_year_zero_is_written_readable() {
    let original = br#"{"accessToken":"a","expiresAt":"0000-01-01T00:00:00+00:01"}"#;
    let token = CachedToken::parse(original, Path::new("t.json"))
        .unwrap()
        .unwrap();
    let next = token.with_refresh("at-2", token.expires_at(), None);
    let text = next.render();
    assert_eq!(
        text,
        "{\n  \"accessToken\": \"at-2\",\n  \"expiresAt\": \"0000-01-01T00:00:00Z\"\n}"
    );
    let reread = CachedToken::parse(text.as_bytes(), Path::new("t.json"))
        .unwrap()
        .unwrap();
    assert_eq!(reread.expires_at(), ts("0000-01-01T00:00:00Z"));
    assert_eq!(next.expires_at(), reread.expires_at());
}

#[test]
fn rewrite_keeps_refresh_token_unless_a_new_one_is_given() {
    let token = Home::with_fixture("session-expiring-soon.json")
        .cache
        .read()
        .unwrap()
        .unwrap();
    for given in [None, Some("")] {
        let next = token.with_refresh("at-2", ts("2026-03-01T13:00:00Z"), given);
        assert_eq!(next.refresh_token(), Some("rt-1"));
        assert!(next.render().contains("\"refreshToken\": \"rt-1\""));
    }
}

#[test]
fn the_canonical_layout_renders_unchanged() {
    let original = fixture("session-valid.json");
    let token = CachedToken::parse(&original, Path::new("t.json"))
        .unwrap()
        .unwrap();
    assert_eq!(token.render().as_bytes(), original.as_slice());
}

/// Every error and the token itself, formatted with `{:?}` and `{}`, hold no secret.
#[test]
fn secrets_never_reach_debug_display_or_errors() {
    let secrets = ["session-at", "rt-1", "csecret", "at-2", "rt-2"];
    let home = Home::with_fixture("session-valid.json");
    let token = home.cache.read().unwrap().unwrap();
    let refreshed = token.with_refresh("at-2", now(), Some("rt-2"));
    let mut texts = vec![
        format!("{token:?}"),
        format!("{refreshed:?}"),
        format!("{token:#?}"),
    ];

    let mut read_errors: Vec<ReadError> = Vec::new();
    for contents in [
        &br#"{"accessToken": "session-at"}"#[..],
        br#"{"accessToken": 5, "refreshToken": "rt-1", "expiresAt": 0}"#,
        br#"{"accessToken": "session-at", "clientSecret": "csecret", "expiresAt": "x"}"#,
        br#"{"accessToken": "session-at", "refreshToken": "rt-1""#,
        br#"["session-at"]"#,
    ] {
        read_errors.push(Home::with(contents).cache.read().unwrap_err());
    }
    // E-READ: the path is a directory.
    read_errors.push(TokenCacheFile::at_path(home.dir.path()).read().unwrap_err());
    for e in &read_errors {
        texts.push(format!("{e}"));
        texts.push(format!("{e:?}"));
    }

    let mut write_errors: Vec<WriteError> = Vec::new();
    // Changed since read.
    std::fs::write(home.cache.path(), b"{}").unwrap();
    write_errors.push(home.cache.write(&refreshed).unwrap_err());
    // The cache directory cannot be created (a file is in the way).
    let blocked = TokenCacheFile::at_path(home.cache.path().join("sub/x.json"));
    write_errors.push(blocked.write(&refreshed).unwrap_err());
    for e in &write_errors {
        texts.push(format!("{e}"));
        texts.push(format!("{e:?}"));
    }

    let lock = home.cache.lock(&LockOptions::default()).unwrap();
    let short = LockOptions::default().with_timeout(Duration::from_millis(30));
    let lock_errors = [
        home.cache.lock(&short).unwrap_err(),
        blocked.lock(&short).unwrap_err(),
    ];
    drop(lock);
    for e in &lock_errors {
        texts.push(format!("{e}"));
        texts.push(format!("{e:?}"));
    }

    assert!(texts.len() >= 20);
    for text in &texts {
        for secret in secrets {
            assert!(!text.contains(secret), "{secret:?} leaked in {text}");
        }
    }
    assert!(texts[0].contains("** redacted **"), "{}", texts[0]);
    assert!(texts[0].contains("x-extra"), "{}", texts[0]);
}
