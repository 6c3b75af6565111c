//! The keys the AWS CLI v2 hashes into cache file names (SPEC §19.3, §21): a small JSON
//! document written exactly as Python's `json.dumps(..., sort_keys=True)` writes it, so the
//! SHA-1 of its UTF-8 bytes, and so the file name, is the CLI's.
//!
//! Escaping as Python's default `ensure_ascii`: `"` and `\` escaped, `\b` `\f` `\n` `\r`
//! `\t` by name, every other character outside `0x20..=0x7e` as lower-case `\uxxxx` (UTF-16
//! surrogate pairs above the BMP); `/` literal.

use std::fmt::Write as _;

/// A value of a cache key document: the few JSON shapes the CLI's keys hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyValue<'a> {
    /// A string.
    Str(&'a str),
    /// An unsigned integer (`DurationSeconds`).
    Int(u64),
    /// A list of strings (`scopes`).
    List(Vec<&'a str>),
    /// `null` (an absent session name or scope list).
    Null,
}

/// The separators `json.dumps` is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Separators {
    /// Python's default: `", "` between members, `": "` after a key.
    Spaced,
    /// `separators=(",", ":")`.
    Compact,
}

/// `members` as `json.dumps(dict(members), sort_keys=True, separators=…)` writes them
/// (keys sorted by their characters, as Python sorts `str`).
///
/// ```
/// use ssokit_token_cache::{KeyValue, Separators, cli_key_json};
///
/// let json = cli_key_json(
///     &[("roleName", KeyValue::Str("R")), ("accountId", KeyValue::Str("1"))],
///     Separators::Compact,
/// );
/// assert_eq!(json, r#"{"accountId":"1","roleName":"R"}"#);
/// ```
pub fn cli_key_json(members: &[(&str, KeyValue<'_>)], separators: Separators) -> String {
    let mut sorted: Vec<&(&str, KeyValue<'_>)> = members.iter().collect();
    sorted.sort_by(|a, b| a.0.chars().cmp(b.0.chars()));
    write_members(sorted.into_iter(), separators)
}

/// The object of `members`, in the order they come.
fn write_members<'m, 'v: 'm>(
    members: impl Iterator<Item = &'m (&'m str, KeyValue<'v>)>,
    separators: Separators,
) -> String {
    let (between, after) = match separators {
        Separators::Spaced => (", ", ": "),
        Separators::Compact => (",", ":"),
    };
    let mut out = String::from("{");
    for (i, (key, value)) in members.enumerate() {
        if i > 0 {
            out.push_str(between);
        }
        push_string(&mut out, key);
        out.push_str(after);
        match value {
            KeyValue::Str(text) => push_string(&mut out, text),
            KeyValue::Int(n) => {
                let _ = write!(out, "{n}");
            }
            KeyValue::List(items) => {
                out.push('[');
                for (j, item) in items.iter().enumerate() {
                    if j > 0 {
                        out.push_str(between);
                    }
                    push_string(&mut out, item);
                }
                out.push(']');
            }
            KeyValue::Null => out.push_str("null"),
        }
    }
    out.push('}');
    out
}

/// `members` in the order given, as `json.dumps` writes a dict built in that order (the
/// files the AWS CLI writes, such as the client registration: spaced separators).
pub(crate) fn cli_json_in_order(members: &[(&str, KeyValue<'_>)]) -> String {
    write_members(members.iter(), Separators::Spaced)
}

/// The cache file name of a key document: the lowercase hex SHA-1 of its UTF-8, `.json`.
pub fn cli_key_file_name(members: &[(&str, KeyValue<'_>)], separators: Separators) -> String {
    crate::key::cache_file_name(&cli_key_json(members, separators))
}

/// The AWS CLI's client registration cache file name (SPEC §19.3) for `start_url` in
/// `region`, the registration scopes (`None`: not configured) and the sso-session (`None`
/// for the legacy form).
///
/// ```
/// use ssokit_token_cache::registration_file_name;
///
/// assert_eq!(
///     registration_file_name("https://d-abc123.awsapps.com/start", "eu-west-1", None, Some("dev")),
///     "31c6709b4a22ba40b33cc658a6728837f3007d63.json"
/// );
/// ```
pub fn registration_file_name(
    start_url: &str,
    region: &str,
    scopes: Option<&[&str]>,
    session_name: Option<&str>,
) -> String {
    let scopes = scopes.map_or(KeyValue::Null, |s| KeyValue::List(s.to_vec()));
    let session = session_name.map_or(KeyValue::Null, KeyValue::Str);
    cli_key_file_name(
        &[
            ("region", KeyValue::Str(region)),
            ("scopes", scopes),
            ("session_name", session),
            ("startUrl", KeyValue::Str(start_url)),
            ("tool", KeyValue::Str("botocore")),
        ],
        Separators::Spaced,
    )
}

/// `text` as a JSON string with Python's `ensure_ascii` escaping.
fn push_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://d-abc123.awsapps.com/start";

    #[test]
    fn the_three_registration_names_of_the_spec() {
        assert_eq!(
            registration_file_name(URL, "eu-west-1", None, Some("dev")),
            "31c6709b4a22ba40b33cc658a6728837f3007d63.json"
        );
        assert_eq!(
            registration_file_name(
                URL,
                "eu-west-1",
                Some(&["sso:account:access", "codewhisperer:completions"]),
                Some("dev")
            ),
            "a5cea1916135f7851150430d8c7f55f0b70cc4f8.json"
        );
        assert_eq!(
            registration_file_name(URL, "us-east-1", None, None),
            "c7029af06842ab71c7d71a4f2d85fc584e0c5528.json"
        );
    }

    #[test]
    fn escaping_is_pythons() {
        // json.dumps({"a": "é\u2028😀\"\\/\x01\x7f\n"}) in Python 3.
        assert_eq!(
            cli_key_json(
                &[("a", KeyValue::Str("é\u{2028}😀\"\\/\u{1}\u{7f}\n"))],
                Separators::Spaced
            ),
            r#"{"a": "\u00e9\u2028\ud83d\ude00\"\\/\u0001\u007f\n"}"#
        );
    }

    #[test]
    fn keys_sort_and_separators_apply_to_lists_too() {
        assert_eq!(
            cli_key_json(
                &[
                    ("b", KeyValue::List(vec!["x", "y"])),
                    ("a", KeyValue::Int(3600)),
                    ("B", KeyValue::Null),
                ],
                Separators::Spaced
            ),
            r#"{"B": null, "a": 3600, "b": ["x", "y"]}"#
        );
        assert_eq!(
            cli_key_json(
                &[("b", KeyValue::List(vec!["x", "y"]))],
                Separators::Compact
            ),
            r#"{"b":["x","y"]}"#
        );
    }
}
