//! Every `expiresAt` variant of SPEC §3.3, read from the generated fixture files.

use ssokit_token_cache::{format_time, parse_time};

use crate::{Home, fixture, ts};

/// (fixture under `expires-at/`, the instant it means).
const ACCEPTED: &[(&str, &str)] = &[
    ("accepted-z-upper", "2026-03-01T14:00:00Z"),
    ("accepted-z-lower", "2026-03-01T14:00:00Z"),
    ("accepted-fraction", "2026-03-01T14:00:00.123456Z"),
    ("accepted-offset", "2026-03-01T14:00:00Z"),
    ("accepted-utc-suffix", "2026-03-01T14:00:00Z"),
    ("accepted-space-utc", "2026-03-01T14:00:00Z"),
    ("accepted-space-separator", "2026-03-01T14:00:00Z"),
    ("accepted-zoneless", "2026-03-01T14:00:00Z"),
    ("accepted-epoch-millis", "2026-03-01T14:00:00Z"),
];

/// (fixture under `expires-at/`, the value as the error renders it).
const REJECTED: &[(&str, &str)] = &[
    ("rejected-digits-string", r#""1772373600000""#),
    ("rejected-date-only", r#""2026-03-01""#),
    ("rejected-http-date", r#""Sun, 01 Mar 2026 14:00:00 GMT""#),
    ("rejected-leading-space", r#"" 2026-03-01T14:00:00Z""#),
    ("rejected-month-13", r#""2026-13-01T00:00:00Z""#),
    ("rejected-hour-24", r#""2026-03-01T24:00:00Z""#),
    ("rejected-no-seconds", r#""2026-03-01T14:00Z""#),
    (
        "rejected-offset-without-colon",
        r#""2026-03-01T14:00:00+0900""#,
    ),
    ("rejected-not-a-date", r#""not a date""#),
    ("rejected-fraction-number", "1.5"),
    ("rejected-negative-number", "-1"),
];

#[test]
fn accepted_variants() {
    for (name, instant) in ACCEPTED {
        let home = Home::with_fixture(&format!("expires-at/{name}.json"));
        let token = home.cache.read().unwrap().unwrap();
        assert_eq!(token.expires_at(), ts(instant), "{name}");
        assert_eq!(token.access_token(), "session-at");
    }
}

#[test]
fn rejected_variants_name_the_file_and_the_value() {
    for (name, json) in REJECTED {
        let home = Home::with_fixture(&format!("expires-at/{name}.json"));
        let error = home.cache.read().unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "Invalid \"expiresAt\" value {json} in SSO Token ({})",
                home.cache.path().display()
            ),
            "{name}"
        );
        assert_eq!(error.path(), home.cache.path());
    }
}

#[test]
fn every_variant_fixture_is_covered() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/generated/expires-at");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .replace(".json", "")
        })
        .collect();
    on_disk.sort();
    let mut covered: Vec<String> = ACCEPTED
        .iter()
        .chain(REJECTED)
        .map(|(name, _)| (*name).to_owned())
        .collect();
    covered.sort();
    assert_eq!(on_disk, covered);
    // The fixture files hold the values the tables claim.
    let text = String::from_utf8(fixture("expires-at/rejected-not-a-date.json")).unwrap();
    assert!(text.contains(r#""expiresAt": "not a date""#), "{text}");
}

#[test]
fn written_form_is_whole_seconds_utc() {
    let t = parse_time("2026-03-01T23:00:00.75+09:00").unwrap();
    assert_eq!(format_time(t), "2026-03-01T14:00:00Z");
    assert_eq!(
        parse_time(&format_time(t)),
        Some(ts("2026-03-01T14:00:00Z"))
    );
}
