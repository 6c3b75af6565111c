//! Stage 1: the line grammar. Text in, raw sections out; no I/O, no normalisation.
//!
//! Each line is classified by its first character (`[` header, space or tab continuation,
//! `#`/`;` comment, anything else a property), then parsed by a small nom parser. Parsed
//! pieces are kept as byte spans into the source text, so a 1 MB file is parsed without
//! copying its keys and values; only continuation values and upper-case keys are owned.

use std::ops::Range;

use nom::bytes::complete::take_till;
use nom::character::complete::char;
use nom::combinator::rest;
use nom::sequence::{preceded, separated_pair};
use nom::{IResult, Parser};

use crate::error::{ParseError, ParseErrorKind};

/// A piece of text: a span of the source, or an owned string where the text had to change
/// (joined continuation lines, lower-cased keys).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Text {
    Span(Range<usize>),
    Owned(Box<str>),
}

impl Text {
    pub(crate) fn resolve<'a>(&'a self, source: &'a str) -> &'a str {
        match self {
            Text::Span(range) => source.get(range.clone()).unwrap_or_default(),
            Text::Owned(text) => text,
        }
    }
}

/// One `key = value` line (with its continuation lines folded into `value`).
#[derive(Clone, Debug)]
pub(crate) struct RawProperty {
    pub(crate) line: usize,
    pub(crate) key: Text,
    pub(crate) value: Text,
}

/// One `[...]` header and the properties under it, up to the next header.
#[derive(Debug)]
pub(crate) struct RawSection {
    pub(crate) line: usize,
    /// The text between the brackets, trimmed.
    pub(crate) name: Range<usize>,
    pub(crate) properties: Vec<RawProperty>,
}

/// Whitespace in this grammar is space and tab only.
pub(crate) fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_comment_char(c: char) -> bool {
    c == '#' || c == ';'
}

fn trim(s: &str) -> &str {
    s.trim_matches(is_blank)
}

/// `[` inside `]`, after the comment is cut and the line trimmed: the inside, if the line
/// ends with the closing bracket.
fn header(input: &str) -> Option<&str> {
    let parsed: IResult<&str, &str> = preceded(char('['), rest).parse(input);
    parsed.ok().and_then(|(_, body)| body.strip_suffix(']'))
}

/// `key = value`, split at the first `=`.
fn property(input: &str) -> IResult<&str, (&str, &str)> {
    separated_pair(take_till(|c| c == '='), char('='), rest).parse(input)
}

/// Cuts a comment: the first `#` or `;` (for properties: only one preceded by a blank).
fn strip_comment(line: &str, needs_blank_before: bool) -> &str {
    let mut previous_blank = false;
    for (index, c) in line.char_indices() {
        if is_comment_char(c) && (previous_blank || !needs_blank_before) {
            return &line[..index];
        }
        previous_blank = is_blank(c);
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

/// Parses a whole file into raw sections. `text` must not start with a BOM (the caller
/// passes the offset where parsing starts).
pub(crate) fn parse(
    text: &str,
    start: usize,
    path: &std::path::Path,
) -> Result<Vec<RawSection>, ParseError> {
    let mut sections: Vec<RawSection> = Vec::new();
    let mut state = State::Start;
    let mut offset = start;
    let body = text.get(start..).unwrap_or_default();
    for (index, full_line) in body.split('\n').enumerate() {
        let line_number = index + 1;
        let line_start = offset;
        offset += full_line.len() + 1;
        let line = full_line.strip_suffix('\r').unwrap_or(full_line);
        let error = |kind| ParseError::new(path, line_number, kind);

        if trim(line).is_empty() {
            continue;
        }
        let span = |part: &str| {
            let begin = line_start + (part.as_ptr() as usize - line.as_ptr() as usize);
            begin..begin + part.len()
        };
        match line.chars().next() {
            Some('#' | ';') => {}
            Some('[') => {
                let Some(inside) = header(trim(strip_comment(line, false))) else {
                    return Err(error(ParseErrorKind::UnterminatedHeader));
                };
                sections.push(RawSection {
                    line: line_number,
                    name: span(trim(inside)),
                    properties: Vec::new(),
                });
                state = State::InSection { property: None };
            }
            Some(' ' | '\t') => {
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
                // A continuation always belongs to the last property of the last section.
                if let Some(last) = sections
                    .last_mut()
                    .and_then(|section| section.properties.last_mut())
                {
                    let mut joined = String::from(last.value.resolve(text));
                    joined.push('\n');
                    joined.push_str(content);
                    last.value = Text::Owned(joined.into_boxed_str());
                }
            }
            _ => {
                let Some(section) = sections.last_mut() else {
                    return Err(error(ParseErrorKind::ExpectedProfile));
                };
                let cut = trim(strip_comment(line, true));
                let Ok((_, (key, value))) = property(cut) else {
                    return Err(error(ParseErrorKind::PropertyWithoutEquals));
                };
                let key = trim(key);
                if key.is_empty() {
                    return Err(error(ParseErrorKind::PropertyWithoutName));
                }
                let value = trim(value);
                let key = if key.bytes().any(|b| b.is_ascii_uppercase()) {
                    Text::Owned(key.to_ascii_lowercase().into_boxed_str())
                } else {
                    Text::Span(span(key))
                };
                section.properties.push(RawProperty {
                    line: line_number,
                    key,
                    value: Text::Span(span(value)),
                });
                state = State::InSection {
                    property: Some(PropertyState {
                        sub_properties: value.is_empty(),
                    }),
                };
            }
        }
    }
    Ok(sections)
}
