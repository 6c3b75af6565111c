//! The little XML the fake STS writes and reads back: escaped text, and the text of one
//! element.

/// `text` with `&`, `<` and `>` escaped, for element text (quotes stay as they are, as in
/// STS's answers).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// The unescaped, trimmed text of the first `<tag>…</tag>` in `document` (no attributes, no
/// nesting: the credential fields of an STS answer).
pub(crate) fn element_text(document: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = document.find(&open)? + open.len();
    let length = document[start..].find(&close)?;
    Some(unescape(document[start..start + length].trim()))
}

/// The five predefined entities back to their characters (`&amp;` last, so `&amp;lt;` stays
/// `&lt;`).
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_reads_back() {
        assert_eq!(escape(r#"a&b<c>"d'"#), r#"a&amp;b&lt;c&gt;"d'"#);
        let document = format!("<A><Key> {} </Key></A>", escape("x&lt;<y"));
        assert_eq!(element_text(&document, "Key").as_deref(), Some("x&lt;<y"));
        assert_eq!(element_text(&document, "Missing"), None);
    }
}
