//! Stage 1: the line grammar. Text in, events out ([`Sink`]); no I/O, no normalisation.
//!
//! Each line is classified by its first character (`[` header, space or tab continuation,
//! `#`/`;` comment, anything else a property), then parsed by a small nom parser. Section
//! names and values are reported as byte spans into the source text, so a 1 MB file is
//! parsed without copying them.

use std::ops::Range;

use nom::character::complete::char;
use nom::combinator::rest;
use nom::sequence::{preceded, separated_pair};
use nom::{IResult, Parser};

use crate::error::{ParseError, ParseErrorKind};

/// Receives what the grammar finds, line by line. The grammar enforces the structure
/// (a property needs a section, a continuation needs a property); the sink decides what
/// the sections mean.
pub(crate) trait Sink {
    /// A `[...]` header; `inside` is the trimmed text between the brackets.
    fn section(&mut self, line: usize, inside: Range<usize>);
    /// A `key = value` line. `key` is trimmed, non-empty and as written (any case).
    fn property(&mut self, line: usize, key: &str, value: Range<usize>);
    /// A continuation line (trimmed) of the last property.
    fn continuation(&mut self, content: &str);
}

/// Whitespace in this grammar is space and tab only.
pub(crate) fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Trims spaces and tabs (ASCII, so byte positions are char boundaries).
fn trim(s: &str) -> &str {
    let bytes = s.as_bytes();
    let start = bytes.iter().position(|&b| b != b' ' && b != b'\t');
    let Some(start) = start else {
        return &s[s.len()..];
    };
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(start, |e| e + 1);
    &s[start..end]
}

/// The byte offset of `inner` in `outer`, when `inner` is a subslice of it.
pub(crate) fn offset_in(outer: &str, inner: &str) -> Option<usize> {
    let offset = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    (offset + inner.len() <= outer.len()).then_some(offset)
}

/// `[` inside `]`, after the comment is cut and the line trimmed: the inside, if the line
/// ends with the closing bracket.
fn header(input: &str) -> Option<&str> {
    let parsed: IResult<&str, &str> = preceded(char('['), rest).parse(input);
    parsed.ok().and_then(|(_, body)| body.strip_suffix(']'))
}

/// Everything before the first `=` (a single-byte search; nom's `take_until` sets up a
/// substring searcher per call, which dominated the parse of large files).
fn before_equals(input: &str) -> IResult<&str, &str> {
    match input.find('=') {
        Some(at) => Ok((&input[at..], &input[..at])),
        None => Err(nom::Err::Error(nom::error::Error::new(
            input,
            nom::error::ErrorKind::TakeUntil,
        ))),
    }
}

/// `key = value`, split at the first `=`.
fn property(input: &str) -> IResult<&str, (&str, &str)> {
    separated_pair(before_equals, char('='), rest).parse(input)
}

/// Cuts a comment: the first `#` or `;` (for properties: only one preceded by a blank).
/// All four characters involved are ASCII, so byte positions are char boundaries.
fn strip_comment(line: &str, needs_blank_before: bool) -> &str {
    let bytes = line.as_bytes();
    let mut from = 0;
    while let Some(found) = bytes[from..].iter().position(|&b| b == b'#' || b == b';') {
        let at = from + found;
        if !needs_blank_before || (at > 0 && matches!(bytes[at - 1], b' ' | b'\t')) {
            return &line[..at];
        }
        from = at + 1;
    }
    line
}

/// Where the parser is: before any header, or inside a section (and maybe a property).
enum State {
    Start,
    InSection { property: Option<PropertyState> },
}

#[derive(Clone, Copy)]
struct PropertyState {
    /// An empty value opens a block of sub-properties.
    sub_properties: bool,
}

/// Parses a whole file from byte `start` (past any BOM), feeding `sink`. Spans are
/// offsets into `text`.
pub(crate) fn parse(
    text: &str,
    start: usize,
    path: &std::path::Path,
    sink: &mut impl Sink,
) -> Result<(), ParseError> {
    let mut state = State::Start;
    let mut offset = start;
    let body = text.get(start..).unwrap_or_default();
    for (index, full_line) in body.split('\n').enumerate() {
        let line_number = index + 1;
        let line_start = offset;
        offset += full_line.len() + 1;
        let line = full_line.strip_suffix('\r').unwrap_or(full_line);
        let error = |kind| ParseError::new(path, line_number, kind);

        // Every part is a subslice of `line`; the fallback (an empty span) is unreachable.
        let span = |part: &str| {
            let begin = line_start + offset_in(line, part).unwrap_or(0);
            begin..begin + part.len()
        };
        match line.as_bytes().first() {
            // Blank and comment lines carry nothing.
            None | Some(b'#' | b';') => {}
            Some(b' ' | b'\t') if trim(line).is_empty() => {}
            Some(b'[') => {
                let Some(inside) = header(trim(strip_comment(line, false))) else {
                    return Err(error(ParseErrorKind::UnterminatedHeader));
                };
                sink.section(line_number, span(trim(inside)));
                state = State::InSection { property: None };
            }
            Some(b' ' | b'\t') => {
                let current = match &state {
                    State::Start => return Err(error(ParseErrorKind::ExpectedProfile)),
                    State::InSection { property: None } => {
                        return Err(error(ParseErrorKind::ContinuationWithoutProperty));
                    }
                    State::InSection {
                        property: Some(current),
                    } => *current,
                };
                let content = trim(line);
                if current.sub_properties {
                    let Ok((_, (key, _))) = property(content) else {
                        return Err(error(ParseErrorKind::SubPropertyWithoutEquals));
                    };
                    if trim(key).is_empty() {
                        return Err(error(ParseErrorKind::SubPropertyWithoutName));
                    }
                }
                sink.continuation(content);
            }
            _ => {
                if matches!(state, State::Start) {
                    return Err(error(ParseErrorKind::ExpectedProfile));
                }
                let cut = trim(strip_comment(line, true));
                let Ok((_, (key, value))) = property(cut) else {
                    return Err(error(ParseErrorKind::PropertyWithoutEquals));
                };
                let key = trim(key);
                if key.is_empty() {
                    return Err(error(ParseErrorKind::PropertyWithoutName));
                }
                let value = trim(value);
                sink.property(line_number, key, span(value));
                state = State::InSection {
                    property: Some(PropertyState {
                        sub_properties: value.is_empty(),
                    }),
                };
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_in_properties_need_a_blank_before_them() {
        assert_eq!(strip_comment("a = b#c ; d", true), "a = b#c ");
        assert_eq!(strip_comment("a = b\t#c", true), "a = b\t");
        assert_eq!(strip_comment("#a", true), "#a");
        assert_eq!(strip_comment("[x]#c", false), "[x]");
        assert_eq!(strip_comment("a = é ;x", true), "a = é ");
    }

    #[test]
    fn trim_returns_a_subslice_even_when_all_blank() {
        let line = "x \t ";
        let blank = &line[1..];
        let trimmed = trim(blank);
        assert_eq!(trimmed, "");
        assert_eq!(offset_in(line, trimmed), Some(line.len()));
        assert_eq!(trim(" \ta b\t "), "a b");
        assert_eq!(offset_in("abc", "zz"), None);
    }

    #[test]
    fn the_nom_parsers_split_headers_and_properties() {
        assert_eq!(header("[profile a]"), Some("profile a"));
        assert_eq!(header("[profile a"), None);
        assert_eq!(header("[]"), Some(""));
        assert_eq!(
            property("k = v = w").map(|(_, kv)| kv).ok(),
            Some(("k ", " v = w"))
        );
        assert!(property("no equals").is_err());
    }
}
