//! `sso-token-provider/sso-token-cache-behavior.json`, the cross-SDK token cache suite,
//! read in place from the shared conformance data.
//!
//! What runs here is the file-format half of each case; the refresh decisions (whether to
//! call `CreateToken`, the refresh buffer, the error for an expired token) belong to the
//! credentials crate, which runs the same cases end to end. Per case:
//!
//! - every case: `cachedToken` written as the cache file of sso-session `test-session`
//!   (`70780fa17c57df49aa7c7f603fde6ea7a14148f2.json`) reads back with every member equal;
//! - `expectedToken` without `refreshResponse` ("Valid token with all fields", "Minimal
//!   valid cached token"): the token and expiry read from the file, and the token is still
//!   valid at `currentTime` (window 0);
//! - `expectedException` ("Minimal expired cached token", "Expired token and expired client
//!   registration"): the file reads fine and the token is expired at `currentTime` (and the
//!   registration too, where the case says so); the exception text is not checked here;
//! - `refreshResponse` + `expectedTokenWriteback` ("Expired token refresh with refresh
//!   token", "... without new refresh token"): the rewrite (`with_refresh` with
//!   `currentTime + expiresIn`, `write`) produces `expectedTokenWriteback`, field by field,
//!   except that ssokit keeps the old `refreshToken` when the response has none (SPEC §12).

use std::fs;
use std::time::Duration;

use serde_json::Value;
use ssokit_token_cache::{TokenCacheFile, cache_dir, parse_time};

use crate::conformance_dir;

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn time_field(v: &Value, key: &str) -> Option<jiff::Timestamp> {
    str_field(v, key).map(|s| parse_time(s).unwrap_or_else(|| panic!("{key}: {s}")))
}

#[test]
fn sso_token_cache_behavior_file_format() {
    let Some(dir) = conformance_dir("sso_token_cache_behavior_file_format") else {
        return;
    };
    let path = dir.join("sso-token-provider/sso-token-cache-behavior.json");
    let suite: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    let cases = suite["cases"].as_array().unwrap();
    let (mut valid, mut expired, mut rewrites) = (0, 0, 0);
    for case in cases {
        let doc = case["documentation"].as_str().unwrap();
        let now = parse_time(case["currentTime"].as_str().unwrap()).unwrap();
        let cached = &case["cachedToken"];

        let home = tempfile::tempdir().unwrap();
        let cache = TokenCacheFile::new(&cache_dir(home.path()), "test-session");
        assert!(
            cache
                .path()
                .ends_with("70780fa17c57df49aa7c7f603fde6ea7a14148f2.json")
        );
        fs::create_dir_all(cache.path().parent().unwrap()).unwrap();
        fs::write(cache.path(), serde_json::to_vec_pretty(cached).unwrap()).unwrap();

        let token = cache.read().unwrap().unwrap();
        assert_eq!(
            Some(token.access_token()),
            str_field(cached, "accessToken"),
            "{doc}"
        );
        assert_eq!(
            Some(token.expires_at()),
            time_field(cached, "expiresAt"),
            "{doc}"
        );
        assert_eq!(
            token.refresh_token(),
            str_field(cached, "refreshToken"),
            "{doc}"
        );
        assert_eq!(token.client_id(), str_field(cached, "clientId"), "{doc}");
        assert_eq!(
            token.client_secret(),
            str_field(cached, "clientSecret"),
            "{doc}"
        );
        assert_eq!(token.region(), str_field(cached, "region"), "{doc}");
        assert_eq!(token.start_url(), str_field(cached, "startUrl"), "{doc}");
        assert_eq!(
            token.registration_expires_at().map(Result::unwrap),
            time_field(cached, "registrationExpiresAt"),
            "{doc}"
        );

        if let Some(response) = case.get("refreshResponse") {
            check_rewrite(case, response, &token, &cache, now, doc);
            rewrites += 1;
        } else if let Some(expected) = case.get("expectedToken") {
            assert!(token.expires_at() > now, "{doc}");
            assert_eq!(
                Some(token.access_token()),
                str_field(expected, "token"),
                "{doc}"
            );
            assert_eq!(
                Some(token.expires_at()),
                time_field(expected, "expiration"),
                "{doc}"
            );
            valid += 1;
        } else {
            assert!(case.get("expectedException").is_some(), "{doc}");
            assert!(token.expires_at() <= now, "{doc}");
            if let Some(registration) = token.registration_expires_at() {
                let registration_expired = registration.unwrap() <= now;
                assert_eq!(
                    registration_expired,
                    doc.contains("expired client registration")
                );
            }
            expired += 1;
        }
    }
    let ran = valid + expired + rewrites;
    eprintln!(
        "sso-token-cache-behavior.json: {ran} of {} cases ran here (file format): \
         {valid} valid, {expired} expired, {rewrites} rewrites; refresh decisions run in the \
         credentials crate",
        cases.len()
    );
    assert!(ran > 0, "no case ran from {}", path.display());
    assert_eq!(ran, cases.len());
}

/// The file half of a refresh case: the rewrite gives `expectedTokenWriteback`.
fn check_rewrite(
    case: &Value,
    response: &Value,
    token: &ssokit_token_cache::CachedToken,
    cache: &TokenCacheFile,
    now: jiff::Timestamp,
    doc: &str,
) {
    let written = &case["expectedTokenWriteback"];
    let access = str_field(response, "accessToken").unwrap();
    let expires_in = response["expiresIn"].as_u64().unwrap();
    let next = token.with_refresh(
        access,
        now + Duration::from_secs(expires_in),
        str_field(response, "refreshToken"),
    );
    cache.write(&next).unwrap();
    let back = cache.read().unwrap().unwrap();
    assert_eq!(
        Some(back.access_token()),
        str_field(written, "accessToken"),
        "{doc}"
    );
    assert_eq!(
        Some(back.expires_at()),
        time_field(written, "expiresAt"),
        "{doc}"
    );
    assert_eq!(back.client_id(), str_field(written, "clientId"), "{doc}");
    assert_eq!(
        back.client_secret(),
        str_field(written, "clientSecret"),
        "{doc}"
    );
    assert_eq!(back.region(), str_field(written, "region"), "{doc}");
    assert_eq!(back.start_url(), str_field(written, "startUrl"), "{doc}");
    assert_eq!(
        back.registration_expires_at().map(Result::unwrap),
        time_field(written, "registrationExpiresAt"),
        "{doc}"
    );
    if str_field(response, "refreshToken").is_some() {
        assert_eq!(
            back.refresh_token(),
            str_field(written, "refreshToken"),
            "{doc}"
        );
    } else {
        // The suite expects the refresh token dropped; ssokit keeps it (§12).
        assert_eq!(str_field(written, "refreshToken"), None, "{doc}");
        assert_eq!(back.refresh_token(), token.refresh_token(), "{doc}");
    }
    // Every member of the written file is one the suite expects, plus the kept
    // refresh token: nothing lost, nothing invented.
    let file: Value = serde_json::from_slice(&fs::read(cache.path()).unwrap()).unwrap();
    let mut keys: Vec<&String> = file.as_object().unwrap().keys().collect();
    let mut want: Vec<&String> = written.as_object().unwrap().keys().collect();
    let kept = "refreshToken".to_owned();
    if !want.contains(&&kept) {
        want.push(&kept);
    }
    keys.sort();
    want.sort();
    assert_eq!(keys, want, "{doc}");
    let expected = &case["expectedToken"];
    assert_eq!(
        Some(back.access_token()),
        str_field(expected, "token"),
        "{doc}"
    );
    assert_eq!(
        Some(back.expires_at()),
        time_field(expected, "expiration"),
        "{doc}"
    );
}
