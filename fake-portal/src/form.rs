//! Form bodies (`application/x-www-form-urlencoded`), as the query protocol sends its
//! parameters.

/// The decoded `name=value` pairs of a form body, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Form(Vec<(String, String)>);

impl Form {
    /// Splits `body` at `&`, each part at its first `=` (none: an empty value), and decodes
    /// both sides (`+` is a space, `%XX` a byte; a broken escape stays as written; bytes that
    /// are not UTF-8 become U+FFFD). Empty parts are skipped.
    pub(crate) fn parse(body: &[u8]) -> Self {
        Self(
            body.split(|&b| b == b'&')
                .filter(|part| !part.is_empty())
                .map(|part| {
                    let (name, value) = match part.iter().position(|&b| b == b'=') {
                        Some(i) => (&part[..i], &part[i + 1..]),
                        None => (part, &[][..]),
                    };
                    (decode(name, true), decode(value, true))
                })
                .collect(),
        )
    }

    /// The value of the first parameter `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The part of a URL or request target after its first `?` (empty without one).
pub(crate) fn query_of(target: &str) -> &str {
    target.split_once('?').map_or("", |(_, q)| q)
}

/// A query value encoded per RFC 3986, strictly: only `A-Za-z0-9-_.~` literal, every other
/// UTF-8 byte as `%XX` (upper-case hex).
pub(crate) fn encode_component(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        }
    }
    out
}

/// A path segment decoded: `%XX` is a byte, `+` stays a `+` (a broken escape stays as
/// written; bytes that are not UTF-8 become U+FFFD).
pub(crate) fn decode_path_segment(encoded: &[u8]) -> String {
    decode(encoded, false)
}

/// `%XX` decoded, and `+` as a space when `plus_is_space` (forms).
fn decode(encoded: &[u8], plus_is_space: bool) -> String {
    let mut out = Vec::with_capacity(encoded.len());
    let mut i = 0;
    while let Some(&b) = encoded.get(i) {
        match b {
            b'+' if plus_is_space => out.push(b' '),
            b'%' => {
                let hex = encoded
                    .get(i + 1..i + 3)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(byte) = hex {
                    out.push(byte);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_a_form() {
        let form = Form::parse(b"Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FR&a+b=c+d%2B&flag&&x=%zz%+1%4&RoleArn=second");
        assert_eq!(form.get("Action"), Some("AssumeRole"));
        assert_eq!(form.get("RoleArn"), Some("arn:aws:iam::1:role/R"));
        assert_eq!(form.get("a b"), Some("c d+"));
        assert_eq!(form.get("flag"), Some(""));
        assert_eq!(form.get("x"), Some("%zz% 1%4"));
        assert_eq!(form.get("missing"), None);
        assert_eq!(Form::parse(b"t=%E2%9C%93%0A").get("t"), Some("\u{2713}\n"));
    }

    #[test]
    fn encodes_strictly_and_reads_back() {
        let text = "a Z/0?&=+~._-\u{e9}";
        let encoded = encode_component(text);
        assert_eq!(encoded, "a%20Z%2F0%3F%26%3D%2B~._-%C3%A9");
        assert_eq!(
            Form::parse(format!("v={encoded}").as_bytes()).get("v"),
            Some(text)
        );
    }
}
