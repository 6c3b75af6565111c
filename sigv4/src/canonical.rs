//! The canonical pieces of a request (SigV4 "task 1"): the URI path, the query string and
//! the headers, each in the one form both sides of a signature compute.

use std::fmt::Write as _;

/// Percent-encodes `bytes` per RFC 3986: `A-Z a-z 0-9 - _ . ~` stay, every other byte is
/// `%XX` (upper-case hex); `/` stays too when `keep_slash`.
pub(crate) fn encode(bytes: &[u8], keep_slash: bool) -> String {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len()), |mut out, &b| {
            if unreserved(b) || (keep_slash && b == b'/') {
                out.push(char::from(b));
            } else {
                let _ = write!(out, "%{b:02X}");
            }
            out
        })
}

/// Decodes `%XX` escapes (a `%` not followed by two hex digits stays as it is; `+` is not
/// a space in a URI).
pub(crate) fn decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escape = bytes.get(i + 1..i + 3).and_then(|pair| {
            let hex = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(hex, 16).ok()
        });
        match (bytes[i], escape) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// The canonical URI of `path` (as sent, percent-encoded): normalised when asked (dot
/// segments removed, repeated slashes collapsed, a trailing slash kept), then encoded once
/// more when `double_encode` (every service but S3), else decoded and encoded once.
pub(crate) fn uri(path: &str, normalize: bool, double_encode: bool) -> String {
    let path = if path.is_empty() { "/" } else { path };
    let path = if normalize {
        normalize_path(path)
    } else {
        path.to_owned()
    };
    if double_encode {
        encode(path.as_bytes(), true)
    } else {
        encode(&decode(&path), true)
    }
}

/// Removes `.` and `..` segments and empty segments (RFC 3986 §5.2.4, plus the collapse of
/// repeated slashes that SigV4 asks for); keeps a trailing slash; always absolute.
fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let trailing = path.ends_with('/')
        || path.ends_with("/.")
        || path.ends_with("/..")
        || path == "."
        || path == "..";
    let mut out = String::with_capacity(path.len());
    for segment in &segments {
        out.push('/');
        out.push_str(segment);
    }
    if trailing || out.is_empty() {
        out.push('/');
    }
    out
}

/// One query parameter, encoded canonically.
pub(crate) type Param = (String, String);

/// The parameters of a query string as sent (`a=1&b`), each decoded and encoded again
/// strictly; an empty query has none.
pub(crate) fn query_params(query: &str) -> Vec<Param> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (encode(&decode(name), false), encode(&decode(value), false))
        })
        .collect()
}

/// `name=value` pairs sorted by name, then value, joined by `&`.
pub(crate) fn query_string(mut params: Vec<Param>) -> String {
    params.sort();
    let pairs: Vec<String> = params
        .into_iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    pairs.join("&")
}

/// Headers that are never signed: they change on the way (hop-by-hop, tracing) or are the
/// signature's own.
const UNSIGNED: &[&str] = &[
    "authorization",
    "connection",
    "expect",
    "transfer-encoding",
    "user-agent",
    "x-amzn-trace-id",
];

/// The canonical headers: lower-case names, sorted; values trimmed with inner runs of
/// spaces collapsed; repeated names joined by `,` in order. Returns the block (each
/// `name:value\n`) and the signed-header list (`a;b;c`).
pub(crate) fn headers(headers: &[(String, String)]) -> (String, String) {
    let mut named: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), collapse(value)))
        .filter(|(name, _)| !UNSIGNED.contains(&name.as_str()))
        .collect();
    // A stable sort keeps repeated names in the order they were given.
    named.sort_by(|a, b| a.0.cmp(&b.0));
    let mut block = String::new();
    let mut signed: Vec<&str> = Vec::new();
    for (name, value) in &named {
        if signed.last() == Some(&name.as_str()) {
            block.pop();
            block.push(',');
        } else {
            signed.push(name);
            block.push_str(name);
            block.push(':');
        }
        block.push_str(value);
        block.push('\n');
    }
    (block, signed.join(";"))
}

/// Trims a header value and collapses runs of spaces (and tabs) into one space.
fn collapse(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise_like_the_suite() {
        for (path, normal) in [
            ("/", "/"),
            ("//example//", "/example/"),
            ("/./", "/"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("/example/.", "/example/"),
            ("/a/./b/../c", "/a/c"),
            ("/a/b/", "/a/b/"),
        ] {
            assert_eq!(normalize_path(path), normal, "{path}");
        }
    }

    #[test]
    fn encoding_is_strict_and_decoding_lenient() {
        assert_eq!(encode(b"a b/c~%", true), "a%20b/c~%25");
        assert_eq!(encode(b"a/b", false), "a%2Fb");
        assert_eq!(decode("%E1%88%B4%zz%4"), b"\xE1\x88\xB4%zz%4".to_vec());
        assert_eq!(uri("/a%3Ab", true, true), "/a%253Ab");
        assert_eq!(uri("/a%3Ab", true, false), "/a%3Ab");
    }

    #[test]
    fn repeated_headers_join_in_order_and_values_collapse() {
        let h = |n: &str, v: &str| (n.to_owned(), v.to_owned());
        let (block, names) = headers(&[
            h("My-Header1", "value2"),
            h("Host", "example.amazonaws.com"),
            h("my-header1", "  a   b  "),
            h("User-Agent", "x"),
        ]);
        assert_eq!(block, "host:example.amazonaws.com\nmy-header1:value2,a b\n");
        assert_eq!(names, "host;my-header1");
    }
}
