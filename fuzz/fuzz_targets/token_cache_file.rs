//! The token cache file (`ssokit-token-cache`): any bytes must read as a token, as "not
//! found" or as a typed error, never panic; a token must survive a rewrite losslessly.
//!
//! Input: the bytes of a cache file; when they are UTF-8, also a time string.
//!
//! Checked, besides "no panic":
//! - lossless reading: the members of `render()` are the members of the input (order,
//!   duplicates, keys and raw value text byte for byte), and re-parsing `render()` gives
//!   the same token;
//! - refresh: `with_refresh(..)` + `render()` re-parses, has the new `accessToken`,
//!   `expiresAt` (whole seconds) and `refreshToken`, keeps every other member in place,
//!   appends the missing ones, and keeps every other accessor;
//! - `parse_time`: what it accepts round-trips through `format_time`, and agrees with
//!   jiff's RFC 3339 parser wherever both accept the string.

#![no_main]

use std::fmt;
use std::path::Path;

use jiff::Timestamp;
use libfuzzer_sys::fuzz_target;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use ssokit_token_cache::{CachedToken, format_time, parse_time};

const PATH: &str = "/fuzz/sso/cache/token.json";
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check_time(text);
    }
    let path = Path::new(PATH);
    let token = match CachedToken::parse(data, path) {
        Ok(Some(token)) => token,
        Ok(None) => return,
        Err(error) => {
            assert_eq!(error.path(), path);
            let _ = error.to_string();
            return;
        }
    };
    let _ = format!("{token:?}");

    // Reading is lossless.
    let body = data.strip_prefix(UTF8_BOM).unwrap_or(data);
    let input_members = members(body).expect("a token's input is a JSON object");
    let rendered = token.render();
    assert_eq!(members(rendered.as_bytes()).as_ref(), Some(&input_members));
    let again = reparse(&rendered);
    assert_same_token(&again, &token);
    assert_eq!(again.render(), rendered);

    // A refresh changes the three members it names and nothing else. The new values come
    // from the input, so they cover whatever text and times the fuzzer puts in the file.
    let access = format!("{}\u{1}\"2", token.access_token());
    let refresh = token.client_id();
    let mut expiries = vec![token.expires_at()];
    if let Some(Ok(at)) = token.registration_expires_at() {
        expiries.push(at);
    }
    for expires_at in expiries {
        let refreshed = token.with_refresh(&access, expires_at, refresh);
        let text = refreshed.render();
        let reread = reparse(&text);
        assert_same_token(&reread, &refreshed);
        assert_eq!(reread.render(), text);
        assert_eq!(reread.access_token(), access);
        assert_eq!(format_time(reread.expires_at()), format_time(expires_at));
        assert_eq!(reread.expires_at().subsec_nanosecond(), 0);
        let new_refresh = refresh.filter(|r| !r.is_empty());
        assert_eq!(
            reread.refresh_token(),
            new_refresh.or(token.refresh_token())
        );
        assert_eq!(reread.client_id(), token.client_id());
        assert_eq!(reread.client_secret(), token.client_secret());
        assert_eq!(reread.region(), token.region());
        assert_eq!(reread.start_url(), token.start_url());
        assert_eq!(
            reread.registration_expires_at(),
            token.registration_expires_at()
        );

        let mut replaced: Vec<(&str, String)> = vec![
            ("accessToken", json(&access)),
            ("expiresAt", json(&format_time(expires_at))),
        ];
        if let Some(r) = new_refresh {
            replaced.push(("refreshToken", json(r)));
        }
        let mut expected: Vec<(String, String)> = input_members
            .iter()
            .map(|(k, v)| {
                let new = replaced.iter().find(|(name, _)| name == k);
                (
                    k.clone(),
                    new.map_or_else(|| v.clone(), |(_, raw)| raw.clone()),
                )
            })
            .collect();
        for (name, raw) in replaced {
            if !input_members.iter().any(|(k, _)| k == name) {
                expected.push((name.to_owned(), raw));
            }
        }
        assert_eq!(members(text.as_bytes()), Some(expected));
    }
});

fn reparse(text: &str) -> CachedToken {
    match CachedToken::parse(text.as_bytes(), Path::new(PATH)) {
        Ok(Some(token)) => token,
        Ok(None) => panic!("rendered token reads as not found:\n{text}"),
        Err(error) => panic!("rendered token does not read back: {error}\n{text}"),
    }
}

fn assert_same_token(a: &CachedToken, b: &CachedToken) {
    assert_eq!(a.access_token(), b.access_token());
    assert_eq!(a.expires_at(), b.expires_at());
    assert_eq!(a.refresh_token(), b.refresh_token());
    assert_eq!(a.client_id(), b.client_id());
    assert_eq!(a.client_secret(), b.client_secret());
    assert_eq!(a.registration_expires_at(), b.registration_expires_at());
    assert_eq!(a.region(), b.region());
    assert_eq!(a.start_url(), b.start_url());
}

fn check_time(text: &str) {
    let Some(at) = parse_time(text) else {
        return;
    };
    // What ssokit writes reads back as the same instant, truncated to whole seconds.
    let written = format_time(at);
    if (0..=9999).contains(&at.to_zoned(jiff::tz::TimeZone::UTC).year()) {
        let back = parse_time(&written).expect("format_time output is in the grammar");
        assert_eq!(format_time(back), written);
        assert_eq!(
            back.as_second(),
            at.as_second() - i64::from(at.subsec_nanosecond() < 0)
        );
    }
    // Where jiff's RFC 3339 parser also accepts the text, both mean the same instant.
    if let Ok(theirs) = text.parse::<Timestamp>() {
        assert_eq!(at, theirs, "{text:?}");
    }
}

fn json(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// The members of a JSON object as (decoded key, raw value text), in order, duplicates
/// kept; `None` if the bytes are not one JSON object.
fn members(bytes: &[u8]) -> Option<Vec<(String, String)>> {
    serde_json::from_slice::<Members>(bytes).ok().map(|m| m.0)
}

struct Members(Vec<(String, String)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value: Box<RawValue> = map.next_value()?;
                    out.push((key, value.get().to_owned()));
                }
                Ok(Members(out))
            }
        }
        deserializer.deserialize_map(V)
    }
}
