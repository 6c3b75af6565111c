//! Stage 1: the line grammar. Text in, events out ([`Sink`]); no I/O, no normalisation.
//!
//! Two layers. The index ([`crate::scan`]) turns each 64-byte block of the text into
//! bitmasks of the bytes that give a line its structure: line ends (`\n`), `=`, and the
//! comment characters `#` and `;`. The line grammar walks the lines by their newline bits,
//! finds a line's first `=` and its comment characters by masking, classifies the line by
//! its first byte (`[` header, space or tab continuation, `#`/`;` comment, anything else a
//! property) and cuts it at those positions; nom parses the header and sub-property forms.
//! No line is searched byte by byte for its `\n`, `=` or comment (only blanks are trimmed
//! byte by byte, and a sub-property line is split by nom). Section names and values are
//! reported as byte spans into the source text and keys as slices of it, so a 1 MB file
//! is parsed without copying them.

use std::ops::Range;
use std::path::Path;

use nom::character::complete::char;
use nom::combinator::rest;
use nom::sequence::{preceded, separated_pair};
use nom::{IResult, Parser};

use crate::error::{ParseError, ParseErrorKind};
use crate::scan;

/// Receives what the grammar finds, line by line. The grammar enforces the structure
/// (a property needs a section, a continuation needs a property); the sink decides what
/// the sections mean.
pub(crate) trait Sink {
    /// A `[...]` header; `inside` is the trimmed text between the brackets and `whole`
    /// the header line (its first byte to its `\n` or the end of the text).
    fn section(&mut self, line: usize, inside: Range<usize>, whole: Range<usize>);
    /// A `key = value` line. `key` is trimmed, non-empty and as written (any case).
    fn property(&mut self, line: usize, key: &str, value: Range<usize>);
    /// A continuation line (trimmed) of the last property.
    fn continuation(&mut self, content: &str);
}

/// Whitespace in this grammar is space and tab only.
pub(crate) fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// A byte range without its leading and trailing spaces and tabs.
fn trim_span(bytes: &[u8], span: Range<usize>) -> Range<usize> {
    let Some(mut slice) = bytes.get(span.clone()) else {
        return span;
    };
    let (mut start, mut end) = (span.start, span.end);
    while let [first, rest @ ..] = slice
        && is_blank(*first)
    {
        slice = rest;
        start += 1;
    }
    while let [rest @ .., last] = slice
        && is_blank(*last)
    {
        slice = rest;
        end -= 1;
    }
    start..end
}

/// A text without its leading and trailing spaces and tabs.
pub(crate) fn trim(s: &str) -> &str {
    s.get(trim_span(s.as_bytes(), 0..s.len()))
        .unwrap_or_default()
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

/// Everything before the first `=`.
fn before_equals(input: &str) -> IResult<&str, &str> {
    match input.as_bytes().iter().position(|&b| b == b'=') {
        Some(at) => Ok((&input[at..], &input[..at])),
        None => Err(nom::Err::Error(nom::error::Error::new(
            input,
            nom::error::ErrorKind::TakeUntil,
        ))),
    }
}

/// A sub-property line: `key = value`, split at the first `=`.
fn sub_property(input: &str) -> IResult<&str, (&str, &str)> {
    separated_pair(before_equals, char('='), rest).parse(input)
}

/// One line: its number, its byte range without the `\n` and any `\r` before it, and
/// where its `\n` is (or the end of the text).
#[derive(Clone, Copy)]
struct Line {
    number: usize,
    start: usize,
    end: usize,
    newline: usize,
}

/// Where the parser is: before any header, or inside a section (and maybe a property).
#[derive(Clone, Copy)]
enum State {
    Start,
    InSection { property: Option<PropertyState> },
}

#[derive(Clone, Copy)]
struct PropertyState {
    /// An empty value opens a block of sub-properties.
    sub_properties: bool,
}

/// The line grammar over one text, fed the structural bytes in order.
struct Lines<'t> {
    text: &'t str,
    state: State,
    /// The current line: its number, where it starts, and what the index found in it.
    number: usize,
    start: usize,
    /// The first `=`, or [`NONE`].
    equals: usize,
    /// The first `#` or `;` (a header's comment), or [`NONE`].
    comment: usize,
    /// The first `#` or `;` after a space or tab (a property's comment), or [`NONE`].
    blank_comment: usize,
}

/// No position: larger than every position, so "the first" is a minimum.
const NONE: usize = usize::MAX;

/// The position of the lowest bit of a block's `bits`, or [`NONE`].
fn first(offset: usize, bits: u64) -> usize {
    if bits == 0 {
        NONE
    } else {
        offset + bits.trailing_zeros() as usize
    }
}

/// Parses a whole file from byte `start` (past any BOM), feeding `sink`. Spans are
/// offsets into `text`.
pub(crate) fn parse(
    text: &str,
    start: usize,
    path: &Path,
    sink: &mut impl Sink,
) -> Result<(), ParseError> {
    let range = start..text.len();
    parse_lines(text, range, 1, State::Start, sink)
        .map_err(|e| ParseError::new(path, e.line, e.kind))
}

/// Reads again the lines of a section's body (`range`, from the line after its header to
/// the end of its last line; `first_line` is the number of its first line), feeding
/// `sink` its properties and continuations. The body parsed once already, so it has no
/// errors to report.
pub(crate) fn parse_body(text: &str, range: Range<usize>, first_line: usize, sink: &mut impl Sink) {
    let state = State::InSection { property: None };
    let _ = parse_lines(text, range, first_line, state, sink);
}

/// A bad line: its number and what is wrong. Small enough to come back in registers from
/// every line; the path is added once, by [`parse`].
struct LineError {
    line: usize,
    kind: ParseErrorKind,
}

impl LineError {
    #[cold]
    fn at(line: Line, kind: ParseErrorKind) -> Self {
        Self {
            line: line.number,
            kind,
        }
    }
}

/// The lines of `text[range]`, the first numbered `first_line`, from `state`.
fn parse_lines(
    text: &str,
    range: Range<usize>,
    first_line: usize,
    state: State,
    sink: &mut impl Sink,
) -> Result<(), LineError> {
    let mut lines = Lines {
        text,
        state,
        number: first_line.saturating_sub(1),
        start: range.start,
        equals: NONE,
        comment: NONE,
        blank_comment: NONE,
    };
    // Lines are walked by their newlines; within a block, a line's `=` and comment
    // characters are the block's bits below its newline and above the previous one, so
    // finding them takes a mask and a minimum, not a branch per byte found.
    let base = range.start;
    let bytes = text.as_bytes().get(range.clone()).unwrap_or_default();
    for (offset, block) in scan::blocks(bytes) {
        let offset = base + offset;
        let mut newlines = block.newlines;
        // The bits after the last newline handled: the current line's part of the block.
        let mut rest = u64::MAX;
        while newlines != 0 {
            let newline = newlines & newlines.wrapping_neg();
            newlines ^= newline;
            let line = rest & (newline - 1);
            lines.found(offset, block, line);
            lines.end(offset + newline.trailing_zeros() as usize, sink)?;
            rest &= !(newline | (newline - 1));
        }
        lines.found(offset, block, rest);
    }
    lines.end(range.end, sink)
}

impl Lines<'_> {
    /// The text of a span. Spans end at ASCII bytes or line ends, so this always succeeds.
    fn str(&self, span: Range<usize>) -> &str {
        self.text.get(span).unwrap_or_default()
    }

    /// A span without its leading and trailing spaces and tabs.
    fn trim(&self, span: Range<usize>) -> Range<usize> {
        trim_span(self.text.as_bytes(), span)
    }

    /// The `=` and comment characters of the current line among the bits `line` of the
    /// block at `offset`.
    fn found(&mut self, offset: usize, block: scan::Block, line: u64) {
        self.equals = self.equals.min(first(offset, block.equals & line));
        let mut comments = block.comments & line;
        while comments != 0 {
            self.comment(offset + comments.trailing_zeros() as usize);
            comments &= comments - 1;
        }
    }

    /// A `#` or `;` at `at` in the current line.
    fn comment(&mut self, at: usize) {
        self.comment = self.comment.min(at);
        let after_blank = at > self.start
            && self
                .text
                .as_bytes()
                .get(at - 1)
                .is_some_and(|&b| is_blank(b));
        if after_blank {
            self.blank_comment = self.blank_comment.min(at);
        }
    }

    /// The current line ends at `at` (its `\n`, or the end of the text): parse it and
    /// start the next.
    fn end(&mut self, at: usize, sink: &mut impl Sink) -> Result<(), LineError> {
        self.number += 1;
        // `&`, not `&&`: blank lines come and go at random, a branch here would guess wrong.
        let cr = (at > self.start) & (self.text.as_bytes().get(at.wrapping_sub(1)) == Some(&b'\r'));
        let line = Line {
            number: self.number,
            start: self.start,
            end: if cr { at - 1 } else { at },
            newline: at,
        };
        let parsed = self.line(line, sink);
        self.start = at + 1;
        self.equals = NONE;
        self.comment = NONE;
        self.blank_comment = NONE;
        parsed
    }

    fn line(&mut self, line: Line, sink: &mut impl Sink) -> Result<(), LineError> {
        if line.start >= line.end {
            return Ok(());
        }
        match self.text.as_bytes().get(line.start) {
            // Blank and comment lines carry nothing.
            None | Some(b'#' | b';') => Ok(()),
            // In a header any `#` or `;` starts a comment.
            Some(b'[') => self.header(line, self.comment.min(line.end), sink),
            Some(b' ' | b'\t') => self.continuation(line, sink),
            Some(_) => {
                let cut = self.blank_comment.min(line.end);
                self.property(line, cut, sink)
            }
        }
    }
    fn header(&mut self, line: Line, cut: usize, sink: &mut impl Sink) -> Result<(), LineError> {
        let whole = self.str(self.trim(line.start..cut));
        let Some(inside) = header(whole) else {
            return Err(LineError::at(line, ParseErrorKind::UnterminatedHeader));
        };
        let start = offset_in(self.text, inside).unwrap_or(line.start);
        let whole = line.start..line.newline;
        sink.section(line.number, self.trim(start..start + inside.len()), whole);
        self.state = State::InSection { property: None };
        Ok(())
    }

    fn continuation(&mut self, line: Line, sink: &mut impl Sink) -> Result<(), LineError> {
        let content = self.trim(line.start..line.end);
        if content.is_empty() {
            return Ok(());
        }
        let current = match self.state {
            State::Start => return Err(LineError::at(line, ParseErrorKind::ExpectedProfile)),
            State::InSection { property: None } => {
                return Err(LineError::at(
                    line,
                    ParseErrorKind::ContinuationWithoutProperty,
                ));
            }
            State::InSection {
                property: Some(current),
            } => current,
        };
        let content = self.str(content);
        if current.sub_properties {
            let Ok((_, (key, _))) = sub_property(content) else {
                return Err(LineError::at(
                    line,
                    ParseErrorKind::SubPropertyWithoutEquals,
                ));
            };
            if trim(key).is_empty() {
                return Err(LineError::at(line, ParseErrorKind::SubPropertyWithoutName));
            }
        }
        sink.continuation(content);
        Ok(())
    }

    fn property(&mut self, line: Line, cut: usize, sink: &mut impl Sink) -> Result<(), LineError> {
        if matches!(self.state, State::Start) {
            return Err(LineError::at(line, ParseErrorKind::ExpectedProfile));
        }
        let equals = self.equals;
        if equals >= cut {
            return Err(LineError::at(line, ParseErrorKind::PropertyWithoutEquals));
        }
        let key = self.trim(line.start..equals);
        if key.is_empty() {
            return Err(LineError::at(line, ParseErrorKind::PropertyWithoutName));
        }
        let value = self.trim(equals + 1..cut);
        let sub_properties = value.is_empty();
        sink.property(line.number, self.str(key), value);
        self.state = State::InSection {
            property: Some(PropertyState { sub_properties }),
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nom_parsers_split_headers_and_sub_properties() {
        assert_eq!(header("[profile a]"), Some("profile a"));
        assert_eq!(header("[profile a"), None);
        assert_eq!(header("[]"), Some(""));
        assert_eq!(
            sub_property("k = v = w").map(|(_, kv)| kv).ok(),
            Some(("k ", " v = w"))
        );
        assert!(sub_property("no equals").is_err());
    }

    #[test]
    fn offset_in_needs_a_subslice() {
        let line = "x \t ";
        assert_eq!(offset_in(line, &line[1..]), Some(1));
        assert_eq!(offset_in(line, &line[4..]), Some(4));
        assert_eq!(offset_in("abc", "zz"), None);
    }

    #[test]
    fn trim_returns_an_empty_span_when_all_blank() {
        assert_eq!(trim_span(b"x \t ", 1..4), 4..4);
        assert_eq!(trim(" \ta b\t "), "a b");
        assert_eq!(trim(""), "");
    }

    #[derive(Debug, PartialEq)]
    enum Event {
        Section(usize, String),
        Property(usize, String, String),
        Continuation(String),
    }

    struct Recorder<'t> {
        text: &'t str,
        events: Vec<Event>,
    }

    impl Sink for Recorder<'_> {
        fn section(&mut self, line: usize, inside: Range<usize>, whole: Range<usize>) {
            let inside = self.text[inside].to_owned();
            assert!(self.text[whole].starts_with('['));
            self.events.push(Event::Section(line, inside));
        }

        fn property(&mut self, line: usize, key: &str, value: Range<usize>) {
            let value = self.text[value].to_owned();
            self.events
                .push(Event::Property(line, key.to_owned(), value));
        }

        fn continuation(&mut self, content: &str) {
            self.events.push(Event::Continuation(content.to_owned()));
        }
    }

    type Outcome = Result<Vec<Event>, (usize, ParseErrorKind)>;

    fn fast(text: &str) -> Outcome {
        let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut recorder = Recorder {
            text,
            events: Vec::new(),
        };
        match parse(text, start, Path::new("f"), &mut recorder) {
            Ok(()) => Ok(recorder.events),
            Err(e) => Err((e.location().line(), e.kind())),
        }
    }

    /// The grammar written the plain way, line by line with `str` methods: the oracle the
    /// indexed parser must agree with.
    fn reference(text: &str) -> Outcome {
        use ParseErrorKind::*;
        let blank = |c: char| c == ' ' || c == '\t';
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut events = Vec::new();
        let mut in_section = false;
        let mut sub_properties: Option<bool> = None;
        for (index, raw) in body.split('\n').enumerate() {
            let n = index + 1;
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            match line.chars().next() {
                None | Some('#' | ';') => {}
                Some('[') => {
                    let cut = line.find(['#', ';']).map_or(line, |at| &line[..at]);
                    let inside = cut
                        .trim_matches(blank)
                        .strip_prefix('[')
                        .and_then(|rest| rest.strip_suffix(']'))
                        .ok_or((n, UnterminatedHeader))?;
                    events.push(Event::Section(n, inside.trim_matches(blank).to_owned()));
                    in_section = true;
                    sub_properties = None;
                }
                Some(' ' | '\t') => {
                    let content = line.trim_matches(blank);
                    if content.is_empty() {
                        continue;
                    }
                    if !in_section {
                        return Err((n, ExpectedProfile));
                    }
                    let sub = sub_properties.ok_or((n, ContinuationWithoutProperty))?;
                    if sub {
                        let (key, _) = content
                            .split_once('=')
                            .ok_or((n, SubPropertyWithoutEquals))?;
                        if key.trim_matches(blank).is_empty() {
                            return Err((n, SubPropertyWithoutName));
                        }
                    }
                    events.push(Event::Continuation(content.to_owned()));
                }
                Some(_) => {
                    if !in_section {
                        return Err((n, ExpectedProfile));
                    }
                    let comment = line
                        .char_indices()
                        .find(|&(at, c)| matches!(c, '#' | ';') && line[..at].ends_with(blank));
                    let cut = comment.map_or(line, |(at, _)| &line[..at]);
                    let (key, value) = cut.split_once('=').ok_or((n, PropertyWithoutEquals))?;
                    let key = key.trim_matches(blank);
                    if key.is_empty() {
                        return Err((n, PropertyWithoutName));
                    }
                    let value = value.trim_matches(blank);
                    events.push(Event::Property(n, key.to_owned(), value.to_owned()));
                    sub_properties = Some(value.is_empty());
                }
            }
        }
        Ok(events)
    }

    /// A small deterministic generator (xorshift).
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            usize::try_from(self.0 % n as u64).unwrap_or(0)
        }

        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[self.below(from.len())]
        }
    }

    /// A random text of mostly well-formed lines (headers, properties, continuations,
    /// comments) whose parts are dense in structure: comment characters with and without
    /// blanks before them, `=` in values, CR, multi-byte characters, lines longer than a
    /// 64-byte block, and now and then a malformed line.
    fn random_text(rng: &mut Rng) -> String {
        const BLANKS: [&str; 4] = ["", " ", "\t", "  "];
        const INDENTS: [&str; 3] = [" ", "\t", "  \t"];
        const WORDS: [&str; 10] = [
            "a",
            "profile a",
            "sso-session s",
            "x#y",
            "v;w",
            "é",
            "日本",
            "a=b",
            "",
            "a_rather_long_name_that_crosses_a_sixty_four_byte_block_boundary_somewhere",
        ];
        const COMMENTS: [&str; 6] = ["", "", " # c", ";c", "#c]", "\t; c ; d"];
        const JUNK: [&str; 8] = ["[", "]", "=", "#", ";", "x", " ", "\r"];
        let mut text = String::new();
        if rng.below(10) == 0 {
            text.push('\u{feff}');
        }
        if rng.below(10) != 0 {
            text.push_str("[profile a]\n");
        }
        for _ in 0..rng.below(30) {
            let (b1, b2, b3) = (rng.pick(&BLANKS), rng.pick(&BLANKS), rng.pick(&BLANKS));
            let (w1, w2) = (rng.pick(&WORDS[..9]), rng.pick(&WORDS));
            let line = match rng.below(40) {
                0..=5 => format!("{b1}[{b2}{w1}{b3}]{b1}{}", rng.pick(&COMMENTS)),
                6..=21 => format!("{w1}{b1}={b2}{w2}{b3}{}", rng.pick(&COMMENTS)),
                22..=29 => format!("{}{w1}{b1}={b2}{w2}", rng.pick(&INDENTS)),
                30..=32 => format!("{}{w1}{}", rng.pick(&INDENTS), rng.pick(&COMMENTS)),
                33..=38 => format!("{}{w1}", rng.pick(&["#", ";"])),
                _ => (0..rng.below(6)).map(|_| rng.pick(&JUNK)).collect(),
            };
            text.push_str(&line);
            text.push_str(rng.pick(&["\n", "\n", "\r\n"]));
        }
        if rng.below(2) == 0 {
            text.pop();
        }
        text
    }

    #[test]
    fn the_indexed_grammar_agrees_with_the_plain_one() {
        let fixed = [
            "",
            "\u{feff}[a]\nk=v",
            "[a]\nk = v # c ; d\nx = y#z\n  cont ; x\n",
            "[a] ; c\n[b]#c]\n",
            "[c\n",
            "[a]\nk #= v\n",
            "[a]\r\ns3 =\r\n  x = 1\r\n  y\r\n",
        ];
        for text in fixed {
            assert_eq!(fast(text), reference(text), "{text:?}");
        }
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut parsed, mut events) = (0, 0);
        for _ in 0..20_000 {
            let text = random_text(&mut rng);
            let outcome = fast(&text);
            assert_eq!(outcome, reference(&text), "{text:?}");
            if let Ok(found) = outcome {
                parsed += 1;
                events += found.len();
            }
        }
        // The comparison means little unless many texts parse, with many events.
        assert!(
            parsed > 4_000 && events > 20_000,
            "{parsed} parsed, {events} events"
        );
    }
}
