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

/// Fixtures under `expires-at/` whose value is refused; the error quotes the value as the
/// file spells it ([`raw_expires_at`]).
const REJECTED: &[&str] = &[
    "rejected-digits-string",
    "rejected-date-only",
    "rejected-http-date",
    "rejected-leading-space",
    "rejected-month-13",
    "rejected-hour-24",
    "rejected-no-seconds",
    "rejected-offset-without-colon",
    "rejected-not-a-date",
    "rejected-fraction-number",
    "rejected-negative-number",
];

/// The `expiresAt` value of the minimal fixture `expires-at/<name>.json`, as its JSON text
/// spells it (`{"accessToken": "session-at", "expiresAt": <value>}`).
fn raw_expires_at(name: &str) -> String {
    let text = String::from_utf8(fixture(&format!("expires-at/{name}.json"))).unwrap();
    let (_, value) = text
        .split_once(r#""expiresAt": "#)
        .unwrap_or_else(|| panic!("{name}: {text}"));
    let value = value.trim_end().strip_suffix('}');
    value.unwrap_or_else(|| panic!("{name}: {text}")).to_owned()
}

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
    for name in REJECTED {
        let json = raw_expires_at(name);
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
        .map(|(name, _)| *name)
        .chain(REJECTED.iter().copied())
        .map(str::to_owned)
        .collect();
    covered.sort();
    assert_eq!(on_disk, covered);
    // The fixture files hold the values the tests claim, and read back as spelt.
    let text = String::from_utf8(fixture("expires-at/rejected-not-a-date.json")).unwrap();
    assert!(text.contains(r#""expiresAt": "not a date""#), "{text}");
    assert_eq!(raw_expires_at("rejected-not-a-date"), r#""not a date""#);
    assert_eq!(raw_expires_at("rejected-fraction-number"), "1.5");
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
