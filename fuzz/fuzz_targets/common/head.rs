//! The input shape the response targets share: an optional head line
//! `STATUS[|REASON[|ERROR-TYPE]]` (when the input starts with three ASCII digits), then the
//! body.

/// The status, reason, error type header and body of an input.
pub(crate) fn split(data: &[u8]) -> (u16, Option<&str>, Option<&str>, &[u8]) {
    let starts_with_status = data.len() >= 3 && data[..3].iter().all(u8::is_ascii_digit);
    if !starts_with_status {
        return (200, None, None, data);
    }
    let (head, body) = match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &data[data.len()..]),
    };
    let head = std::str::from_utf8(head).unwrap_or("");
    let mut parts = head.splitn(3, '|');
    let status = parts
        .next()
        .and_then(|s| s.get(..3))
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    (status, parts.next(), parts.next(), body)
}
