//! The cache file model: a parsed token that remembers every member, in order and byte for
//! byte, so that a rewrite loses nothing (SPEC §3.2, §3.4).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::time::{format_time, parse_epoch_millis, parse_time};

const REDACTED: &str = "** redacted **";
pub(crate) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// The members this crate interprets; `Debug` lists only the names of the others.
const KNOWN: [&str; 8] = [
    "accessToken",
    "expiresAt",
    "refreshToken",
    "clientId",
    "clientSecret",
    "registrationExpiresAt",
    "region",
    "startUrl",
];

/// A token read from a cache file.
///
/// Besides the typed accessors it keeps every member of the JSON object as written (key
/// order, unknown members, number spellings such as `1.50`), so that
/// [`with_refresh`](Self::with_refresh) followed by [`render`](Self::render) changes only
/// `accessToken`, `expiresAt` and (when given) `refreshToken`. It also remembers a
/// fingerprint of the bytes it was parsed from, which
/// [`TokenCacheFile::write`](crate::TokenCacheFile::write) uses to refuse overwriting a file
/// that changed since.
///
/// `Debug` prints `** redacted **` for `accessToken`, `refreshToken` and `clientSecret`, and
/// only the names of unknown members.
#[derive(Clone)]
pub struct CachedToken {
    /// Every member as (decoded key, raw JSON text of the value), in file order.
    members: Vec<(String, String)>,
    access_token: String,
    expires_at: Timestamp,
    refresh_token: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    registration_expires_at: Option<Result<Timestamp, InvalidTime>>,
    region: Option<String>,
    start_url: Option<String>,
    /// SHA-1 of the file bytes this token was parsed from.
    origin: [u8; 20],
}

/// Whether `bytes` (after a UTF-8 byte order mark) is empty or JSON whitespace only: a
/// token file that counts as none.
pub(crate) fn is_blank(bytes: &[u8]) -> bool {
    bytes
        .strip_prefix(UTF8_BOM)
        .unwrap_or(bytes)
        .iter()
        .all(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
}

/// The members of the JSON document in `bytes` (a leading UTF-8 byte order mark skipped)
/// in order, each with its raw value, when it is an object; `None` when it is `null`; else
/// why not. The one reader of every cache file kind (tokens, login writes, role cache
/// entries).
pub(crate) fn object_members(bytes: &[u8]) -> Result<Option<Vec<(String, String)>>, CorruptDetail> {
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let invalid = |e: &serde_json::Error| CorruptDetail::InvalidJson {
        line: e.line(),
        column: e.column(),
    };
    let document: Box<RawValue> = serde_json::from_slice(body).map_err(|e| invalid(&e))?;
    let text = document.get().trim_start();
    if text.starts_with('n') {
        return Ok(None);
    }
    if !text.starts_with('{') {
        return Err(CorruptDetail::NotAnObject);
    }
    let Members(members) = serde_json::from_str(text).map_err(|e| invalid(&e))?;
    Ok(Some(members))
}

/// The raw value of the last member named `name` (JSON's "last one wins").
pub(crate) fn last<'m>(members: &'m [(String, String)], name: &str) -> Option<&'m str> {
    members
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

impl CachedToken {
    /// Parses the bytes of a cache file; `path` is used only in error messages.
    ///
    /// Returns `Ok(None)` when the file counts as "not found": empty, whitespace only, or
    /// the JSON `null`. A leading UTF-8 byte order mark is skipped.
    /// [`TokenCacheFile::read`](crate::TokenCacheFile::read) adds the file access and the
    /// one re-read of a corrupt file.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<Option<Self>, ReadError> {
        let origin = sha1_smol::Sha1::from(bytes).digest().bytes();
        if is_blank(bytes) {
            return Ok(None);
        }
        let corrupt = |detail| ReadError::Corrupt {
            path: path.to_path_buf(),
            detail,
        };
        let Some(members) = object_members(bytes).map_err(corrupt)? else {
            return Ok(None);
        };
        Self::from_members(members, origin, path).map(Some)
    }

    fn from_members(
        members: Vec<(String, String)>,
        origin: [u8; 20],
        path: &Path,
    ) -> Result<Self, ReadError> {
        let last = |key: &str| last(&members, key).map(Json::classify);
        let access_token = match last("accessToken") {
            None | Some(Json::Null) => return Err(ReadError::missing(path, "accessToken")),
            Some(Json::Str(s)) if s.is_empty() => {
                return Err(ReadError::missing(path, "accessToken"));
            }
            Some(Json::Str(s)) => s,
            Some(_) => {
                return Err(ReadError::NotAString {
                    path: path.to_path_buf(),
                    key: "accessToken",
                });
            }
        };
        let expires_at = match last("expiresAt") {
            None | Some(Json::Null) => return Err(ReadError::missing(path, "expiresAt")),
            Some(Json::Str(s)) if s.is_empty() => {
                return Err(ReadError::missing(path, "expiresAt"));
            }
            Some(value) => {
                value
                    .to_time()
                    .map_err(|InvalidTime { json }| ReadError::InvalidExpiresAt {
                        path: path.to_path_buf(),
                        json,
                    })?
            }
        };
        let optional = |key: &str| match last(key) {
            Some(Json::Str(s)) if !s.is_empty() => Some(s),
            _ => None,
        };
        let registration_expires_at = match last("registrationExpiresAt") {
            Some(value @ (Json::Str(_) | Json::Number(_))) if !value.is_empty_string() => {
                Some(value.to_time())
            }
            _ => None,
        };
        Ok(Self {
            access_token,
            expires_at,
            refresh_token: optional("refreshToken"),
            client_id: optional("clientId"),
            client_secret: optional("clientSecret"),
            registration_expires_at,
            region: optional("region"),
            start_url: optional("startUrl"),
            members,
            origin,
        })
    }

    /// `accessToken`: the bearer token. A secret; never logged by this crate.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// `expiresAt`, parsed by the grammar of [`parse_time`](crate::parse_time), or from epoch
    /// milliseconds.
    pub fn expires_at(&self) -> Timestamp {
        self.expires_at
    }

    /// `refreshToken`, if present as a non-empty string. A secret.
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }

    /// `clientId`, if present as a non-empty string.
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// `clientSecret`, if present as a non-empty string. A secret.
    pub fn client_secret(&self) -> Option<&str> {
        self.client_secret.as_deref()
    }

    /// `registrationExpiresAt`: `None` if absent, `null`, `""` or neither a string nor a
    /// number; otherwise the parsed time (same grammar as `expiresAt`) or, when it does not
    /// parse, an [`InvalidTime`] holding the value as JSON.
    pub fn registration_expires_at(&self) -> Option<Result<Timestamp, InvalidTime>> {
        self.registration_expires_at.clone()
    }

    /// `region`, if present as a non-empty string (the OIDC region `aws sso login` used).
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// `startUrl`, if present as a non-empty string (informational; never compared with the
    /// config).
    pub fn start_url(&self) -> Option<&str> {
        self.start_url.as_deref()
    }

    /// The token after a successful refresh: `accessToken` and `expiresAt` (written as
    /// `YYYY-MM-DDTHH:MM:SSZ`, truncated to whole seconds) replaced, and `refreshToken`
    /// replaced only when `refresh_token` is a non-empty string. A member that is not there
    /// yet is appended; every other member keeps its position and bytes. A key that appears
    /// more than once is replaced at every occurrence.
    ///
    /// The result keeps the fingerprint of the file this token was read from.
    #[must_use]
    pub fn with_refresh(
        &self,
        access_token: &str,
        expires_at: Timestamp,
        refresh_token: Option<&str>,
    ) -> Self {
        let mut next = self.clone();
        let written = format_time(expires_at);
        next.set("accessToken", json_string(access_token));
        next.set("expiresAt", json_string(&written));
        access_token.clone_into(&mut next.access_token);
        next.expires_at = parse_time(&written).unwrap_or(expires_at);
        if let Some(refresh) = refresh_token.filter(|r| !r.is_empty()) {
            next.set("refreshToken", json_string(refresh));
            next.refresh_token = Some(refresh.to_owned());
        }
        next
    }

    fn set(&mut self, key: &str, raw: String) {
        let mut found = false;
        for (k, v) in &mut self.members {
            if k == key {
                v.clone_from(&raw);
                found = true;
            }
        }
        if !found {
            self.members.push((key.to_owned(), raw));
        }
    }

    /// The file contents for this token: a JSON object with 2-space indent, `\n` line ends
    /// and no trailing newline. Holds secrets: write it to the cache file, nowhere else.
    pub fn render(&self) -> String {
        render_members(&self.members)
    }

    pub(crate) fn origin(&self) -> [u8; 20] {
        self.origin
    }
}

impl fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |s: &Option<String>| s.as_ref().map(|_| REDACTED);
        let other: Vec<&str> = self
            .members
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| !KNOWN.contains(k))
            .collect();
        f.debug_struct("CachedToken")
            .field("access_token", &REDACTED)
            .field("expires_at", &self.expires_at)
            .field("refresh_token", &redacted(&self.refresh_token))
            .field("client_id", &self.client_id)
            .field("client_secret", &redacted(&self.client_secret))
            .field("registration_expires_at", &self.registration_expires_at)
            .field("region", &self.region)
            .field("start_url", &self.start_url)
            .field("other_members", &other)
            .finish_non_exhaustive()
    }
}

/// A time member that does not follow the `expiresAt` grammar; holds the value as JSON.
///
/// Displays as `<json> is not a valid time`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{json} is not a valid time")]
pub struct InvalidTime {
    json: String,
}

impl InvalidTime {
    /// The offending value rendered as JSON, e.g. `"not a date"` (quotes included) or `1.5`.
    pub fn json(&self) -> &str {
        &self.json
    }
}

/// Why a cache file could not be read as a token.
///
/// Every variant names the file; none holds a token or secret. The Display texts are those
/// of the SPEC §0 catalogue (E-READ, T-KEY, T-EXPIRES) except for
/// [`Corrupt`](Self::Corrupt): see there.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file exists but could not be read (E-READ): `could not read <path>: <io error>`.
    #[error("could not read {}: {source}", path.display())]
    #[non_exhaustive]
    Io {
        /// The cache file.
        path: PathBuf,
        /// The I/O error, shared so that the error can be cloned.
        source: Arc<io::Error>,
    },
    /// The file is not a JSON object (invalid JSON, trailing data, another JSON type), also
    /// on the second read. It was left unchanged.
    ///
    /// Displays the first sentence of T-CORRUPT: `The SSO token cache file <path> is not a
    /// valid token file (<detail>) and was left unchanged.` This crate cannot know which
    /// login command applies; a caller renders the full T-CORRUPT text by appending
    /// ` Please log in using "aws sso login --sso-session <s>".` (or `--profile <p>`), or
    /// builds it from [`ReadError::path`] and [`ReadError::corrupt_detail`].
    #[error(
        "The SSO token cache file {} is not a valid token file ({detail}) and was left unchanged.",
        path.display()
    )]
    #[non_exhaustive]
    Corrupt {
        /// The cache file.
        path: PathBuf,
        /// What is wrong with it.
        detail: CorruptDetail,
    },
    /// A required member is absent, `null` or `""` (T-KEY): `Key "<k>" not present in SSO
    /// Token (<path>)`. The credentials crate renders S-KEYS from `path` and `key`.
    #[error("Key \"{key}\" not present in SSO Token ({})", path.display())]
    #[non_exhaustive]
    MissingKey {
        /// The cache file.
        path: PathBuf,
        /// `accessToken` or `expiresAt`.
        key: &'static str,
    },
    /// A required member has the wrong JSON type (T-KEY, second form): `Key "<k>" in SSO
    /// Token (<path>) is not a string`.
    #[error("Key \"{key}\" in SSO Token ({}) is not a string", path.display())]
    #[non_exhaustive]
    NotAString {
        /// The cache file.
        path: PathBuf,
        /// The member, `accessToken`.
        key: &'static str,
    },
    /// `expiresAt` is present but outside the grammar (T-EXPIRES): `Invalid "expiresAt"
    /// value <json> in SSO Token (<path>)`.
    #[error("Invalid \"expiresAt\" value {json} in SSO Token ({})", path.display())]
    #[non_exhaustive]
    InvalidExpiresAt {
        /// The cache file.
        path: PathBuf,
        /// The value as JSON, e.g. `"not a date"` (quotes included) or `1.5`.
        json: String,
    },
}

impl ReadError {
    fn missing(path: &Path, key: &'static str) -> Self {
        Self::MissingKey {
            path: path.to_path_buf(),
            key,
        }
    }

    pub(crate) fn io(path: &Path, source: io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source: Arc::new(source),
        }
    }

    /// The cache file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            Self::Io { path, .. }
            | Self::Corrupt { path, .. }
            | Self::MissingKey { path, .. }
            | Self::NotAString { path, .. }
            | Self::InvalidExpiresAt { path, .. } => path,
        }
    }

    /// For [`Corrupt`](Self::Corrupt), what is wrong with the file; else `None`.
    pub fn corrupt_detail(&self) -> Option<&CorruptDetail> {
        match self {
            Self::Corrupt { detail, .. } => Some(detail),
            _ => None,
        }
    }

    /// For [`MissingKey`](Self::MissingKey) and [`NotAString`](Self::NotAString), the
    /// member's name; else `None`.
    pub fn key(&self) -> Option<&'static str> {
        match self {
            Self::MissingKey { key, .. } | Self::NotAString { key, .. } => Some(key),
            _ => None,
        }
    }

    /// Whether the file is corrupt (worth one more read after a short delay).
    pub fn is_corrupt(&self) -> bool {
        matches!(self, Self::Corrupt { .. })
    }
}

/// What makes a cache file corrupt; its Display is the `<detail>` of T-CORRUPT.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CorruptDetail {
    /// Not valid JSON (or data after the value); 1-based position after a BOM, if any.
    #[error("invalid JSON at line {line}, column {column}")]
    InvalidJson {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// Valid JSON, but not an object (nor `null`, which counts as "not found").
    #[error("not a JSON object")]
    NotAnObject,
}

/// A member value, classified from its raw JSON text.
pub(crate) enum Json<'a> {
    Null,
    Str(String),
    Number(&'a str),
    Other(&'a str),
}

impl<'a> Json<'a> {
    pub(crate) fn classify(raw: &'a str) -> Self {
        let raw = raw.trim();
        match raw.as_bytes().first() {
            Some(b'n') => Self::Null,
            Some(b'"') => serde_json::from_str(raw).map_or(Self::Other(raw), Self::Str),
            Some(b'-' | b'0'..=b'9') => Self::Number(raw),
            _ => Self::Other(raw),
        }
    }

    pub(crate) fn is_empty_string(&self) -> bool {
        matches!(self, Self::Str(s) if s.is_empty())
    }

    pub(crate) fn to_time(&self) -> Result<Timestamp, InvalidTime> {
        let parsed = match self {
            Self::Str(s) => parse_time(s),
            Self::Number(n) => parse_epoch_millis(n),
            Self::Null | Self::Other(_) => None,
        };
        parsed.ok_or_else(|| InvalidTime {
            json: self.render(),
        })
    }

    /// The value as compact JSON: strings re-escaped, numbers as written, others compacted.
    fn render(&self) -> String {
        match self {
            Self::Null => "null".to_owned(),
            Self::Str(s) => json_string(s),
            Self::Number(n) => (*n).to_owned(),
            Self::Other(raw) => serde_json::from_str::<serde_json::Value>(raw)
                .map_or_else(|_| (*raw).to_owned(), |v| v.to_string()),
        }
    }
}

/// A JSON string literal for `s`, escaped as `serde_json` does.
pub(crate) fn json_string(s: &str) -> String {
    use fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Members as a JSON object: 2-space indent, `\n` line ends, no trailing newline (the
/// layout of every token file this crate writes).
pub(crate) fn render_members(members: &[(String, String)]) -> String {
    let mut out = String::from("{");
    for (i, (key, raw)) in members.iter().enumerate() {
        out.push_str(if i == 0 { "\n  " } else { ",\n  " });
        out.push_str(&json_string(key));
        out.push_str(": ");
        out.push_str(raw);
    }
    out.push_str(if members.is_empty() { "}" } else { "\n}" });
    out
}

/// The members of a JSON object, in order, duplicates kept, values as raw text.
struct Members(Vec<(String, String)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value: &RawValue = map.next_value()?;
                    members.push((key, value.get().to_owned()));
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(MembersVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Option<CachedToken>, ReadError> {
        CachedToken::parse(text.as_bytes(), Path::new("/c/t.json"))
    }

    fn token(text: &str) -> CachedToken {
        parse(text).unwrap().unwrap()
    }

    fn error(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn not_found_forms() {
        for text in [
            "",
            "  \n\t\r ",
            "null",
            " null \n",
            "\u{feff}",
            "\u{feff}null",
        ] {
            assert!(parse(text).unwrap().is_none(), "{text:?}");
        }
    }

    #[test]
    fn corrupt_forms_name_the_position_or_the_type() {
        let prefix = "The SSO token cache file /c/t.json is not a valid token file";
        let suffix = "and was left unchanged.";
        for (text, detail) in [
            (r#"{"accessToken":"#, "invalid JSON at line 1, column 15"),
            ("not json", "invalid JSON at line 1, column 2"),
            ("{}\n{}", "invalid JSON at line 2, column 1"),
            ("[]", "not a JSON object"),
            ("\"x\"", "not a JSON object"),
            ("12", "not a JSON object"),
            ("true", "not a JSON object"),
        ] {
            assert_eq!(
                error(text),
                format!("{prefix} ({detail}) {suffix}"),
                "{text}"
            );
        }
    }

    #[test]
    fn required_members() {
        let missing = |k: &str| format!("Key \"{k}\" not present in SSO Token (/c/t.json)");
        assert_eq!(error(r#"{"expiresAt":0}"#), missing("accessToken"));
        assert_eq!(
            error(r#"{"accessToken":null,"expiresAt":0}"#),
            missing("accessToken")
        );
        assert_eq!(
            error(r#"{"accessToken":"","expiresAt":0}"#),
            missing("accessToken")
        );
        assert_eq!(error(r#"{"accessToken":"a"}"#), missing("expiresAt"));
        assert_eq!(
            error(r#"{"accessToken":"a","expiresAt":null}"#),
            missing("expiresAt")
        );
        assert_eq!(
            error(r#"{"accessToken":"a","expiresAt":""}"#),
            missing("expiresAt")
        );
        assert_eq!(
            error(r#"{"accessToken":1,"expiresAt":0}"#),
            "Key \"accessToken\" in SSO Token (/c/t.json) is not a string"
        );
        assert_eq!(
            error(r#"{"accessToken":"a","expiresAt":true}"#),
            "Invalid \"expiresAt\" value true in SSO Token (/c/t.json)"
        );
        assert_eq!(
            error(r#"{"accessToken":"a","expiresAt":{ "a" : [1, 2] }}"#),
            "Invalid \"expiresAt\" value {\"a\":[1,2]} in SSO Token (/c/t.json)"
        );
    }

    #[test]
    fn optional_members_absent_when_null_empty_or_mistyped() {
        let t = token(
            r#"{"accessToken":"a","expiresAt":0,"refreshToken":null,"clientId":"",
                "clientSecret":7,"region":{},"startUrl":[],"registrationExpiresAt":true}"#,
        );
        assert_eq!(t.refresh_token(), None);
        assert_eq!(t.client_id(), None);
        assert_eq!(t.client_secret(), None);
        assert_eq!(t.region(), None);
        assert_eq!(t.start_url(), None);
        assert_eq!(t.registration_expires_at(), None);
    }

    #[test]
    fn registration_expiry_keeps_an_unparseable_value() {
        let t = token(r#"{"accessToken":"a","expiresAt":0,"registrationExpiresAt":"soon"}"#);
        let invalid = t.registration_expires_at().unwrap().unwrap_err();
        assert_eq!(invalid.json(), "\"soon\"");
        assert_eq!(invalid.to_string(), "\"soon\" is not a valid time");
        let t = token(r#"{"accessToken":"a","expiresAt":0,"registrationExpiresAt":1772373600000}"#);
        assert_eq!(
            t.registration_expires_at(),
            Some(Ok("2026-03-01T14:00:00Z".parse().unwrap()))
        );
    }

    #[test]
    fn last_duplicate_wins_and_rewrite_replaces_all() {
        let t = token(r#"{"accessToken":"a","accessToken":"b","expiresAt":0}"#);
        assert_eq!(t.access_token(), "b");
        let next = t.with_refresh("c", Timestamp::UNIX_EPOCH, None);
        assert_eq!(
            next.render(),
            "{\n  \"accessToken\": \"c\",\n  \"accessToken\": \"c\",\n  \"expiresAt\": \"1970-01-01T00:00:00Z\"\n}"
        );
    }

    #[test]
    fn json_string_escapes_like_serde_json() {
        for s in [
            "plain",
            "q\"b\\",
            "\n\r\t\u{8}\u{c}\u{1}\u{1f}",
            "é ☃ \u{7f}",
        ] {
            assert_eq!(json_string(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn invalid_utf8_is_corrupt_with_a_position() {
        let error = CachedToken::parse(b"{\n\"accessToken\": \"a\xff\"}", Path::new("/c/t.json"))
            .unwrap_err();
        assert_eq!(
            error.corrupt_detail(),
            Some(&CorruptDetail::InvalidJson {
                line: 2,
                column: 18
            })
        );
    }

    #[test]
    fn escaped_keys_are_decoded() {
        let t = token(r#"{"access\u0054oken":"a","expiresAt":0}"#);
        assert_eq!(t.access_token(), "a");
    }

    #[test]
    fn huge_numbers_in_unknown_members_survive() {
        let text = "{\n  \"accessToken\": \"a\",\n  \"expiresAt\": 0,\n  \"big\": 1e400\n}";
        assert_eq!(token(text).render(), text);
    }
}
