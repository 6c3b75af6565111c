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
    match input.as_bytes().iter().position(|&b| b == b'=') {
        Some(at) => Ok((&input[at..], &input[..at])),
        None => Err(nom::Err::Error(nom::error::Error::new(
            input,
            nom::error::ErrorKind::TakeUntil,
        ))),
    }
}

/// A whole property line: `key = value`, split at the first `=`, the value ending where a
/// comment starts (`#` or `;` after a blank). One pass over the bytes: this runs on every
/// line of a large file. Returns the comment (or nothing) as the remaining input.
fn property_line(input: &str) -> IResult<&str, (&str, &str)> {
    let bytes = input.as_bytes();
    let mut equals = None;
    let mut end = bytes.len();
    let mut previous_blank = false;
    for (at, &b) in bytes.iter().enumerate() {
        match b {
            b'=' if equals.is_none() => equals = Some(at),
            b'#' | b';' if previous_blank => {
                end = at;
                break;
            }
            _ => {}
        }
        previous_blank = b == b' ' || b == b'\t';
    }
    match equals.filter(|&at| at < end) {
        Some(at) => Ok((&input[end..], (&input[..at], &input[at + 1..end]))),
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

/// Cuts a header's comment: everything from the first `#` or `;` (ASCII, so the byte
/// position is a char boundary).
fn strip_header_comment(line: &str) -> &str {
    match line.as_bytes().iter().position(|&b| b == b'#' || b == b';') {
        Some(at) => &line[..at],
        None => line,
    }
}

/// The lines of a text split on `\n`, like `str::split('\n')`. Lines are short; a plain
/// byte loop finds their ends in fewer instructions than `memchr`'s set-up per call.
struct Lines<'a>(&'a str);

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.0;
        if rest.is_empty() {
            return None;
        }
        if let Some(end) = rest.as_bytes().iter().position(|&b| b == b'\n') {
            self.0 = &rest[end + 1..];
            Some(&rest[..end])
        } else {
            self.0 = &rest[rest.len()..];
            Some(rest)
        }
    }
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
    for (index, full_line) in Lines(body).enumerate() {
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
            Some(b'[') => {
                let Some(inside) = header(trim(strip_header_comment(line))) else {
                    return Err(error(ParseErrorKind::UnterminatedHeader));
                };
                sink.section(line_number, span(trim(inside)));
                state = State::InSection { property: None };
            }
            Some(b' ' | b'\t') => {
                let content = trim(line);
                if content.is_empty() {
                    continue;
                }
                let current = match &state {
                    State::Start => return Err(error(ParseErrorKind::ExpectedProfile)),
                    State::InSection { property: None } => {
                        return Err(error(ParseErrorKind::ContinuationWithoutProperty));
                    }
                    State::InSection {
                        property: Some(current),
                    } => *current,
                };
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
                let Ok((_, (key, value))) = property_line(line) else {
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
        let split = |line| property_line(line).map(|(comment, kv)| (kv, comment)).ok();
        assert_eq!(split("a = b#c ; d"), Some((("a ", " b#c "), "; d")));
        assert_eq!(split("a = b\t#c"), Some((("a ", " b\t"), "#c")));
        assert_eq!(split("a = é ;x"), Some((("a ", " é "), ";x")));
        assert_eq!(split("a=b=c"), Some((("a", "b=c"), "")));
        assert_eq!(split("a #= b"), None);
        assert_eq!(split("no equals"), None);
        assert_eq!(strip_header_comment("[x]#c ;d"), "[x]");
        assert_eq!(strip_header_comment("[x]"), "[x]");
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
