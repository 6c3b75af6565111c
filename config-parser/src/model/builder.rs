//! The builder: the grammar's sink while parsing. It classifies each header, files each
//! section's body into the tables, drops invalid names with a warning, keeps a
//! `[default]` aside until it knows whether `[profile default]` replaces it, and joins
//! continuation lines.

use hashbrown::DefaultHashBuilder;
use std::hash::BuildHasher;
use std::ops::Range;
use std::path::Path;

use super::intern::Keys;
use super::kind::{FileKind, SectionKind};
use super::names::{Header, Warning, classify};
use super::span::{Span, small};
use super::table::{ExtraPart, Index, NO_PART, Part, SectionData, SectionTable, Texts, joined_key};
use crate::grammar::{self, Sink};
use crate::location::Location;

/// The section whose header the builder read last.
struct OpenSection {
    kind: SectionKind,
    name: Span,
    line: u32,
    /// Where its body starts: the line after its header.
    body_start: usize,
    /// `[default]` in the config file: kept aside until the file is done, because a
    /// `[profile default]` anywhere in the file replaces it.
    unprefixed_default: bool,
}

/// Turns the grammar events of both files, one after the other, into the parts of a
/// `ProfileSet`. It owns those parts while it works: the sink methods run once a line.
pub(super) struct Builder<'s> {
    texts: Texts<'s>,
    /// The file being parsed.
    file: FileKind,
    path: &'s Path,
    /// What the builder fills, moved into the set at the end.
    pub(super) index: Index,
    /// `None` before the first header and inside a dropped section.
    open: Option<OpenSection>,
    /// The line and value of the last property line, when it was kept (its continuations
    /// follow it).
    last_kept: Option<(u32, Span)>,
    has_prefixed_default: bool,
    unprefixed_defaults: Vec<(OpenSection, Part)>,
}

impl<'s> Builder<'s> {
    pub(super) fn new(texts: Texts<'s>) -> Self {
        // Sized from the input length, not by growth: doubling costs copies and, on fresh
        // memory, page faults; reserved but untouched memory costs nothing. A section
        // takes well over 96 bytes.
        let bytes = texts.config.len() + texts.credentials.len();
        let headers = bytes / 96 + 4;
        let mut sections: [SectionTable; 3] = Default::default();
        sections[SectionKind::Profile.index()] = SectionTable::with_capacity(headers);
        Self {
            texts,
            file: FileKind::Config,
            path: Path::new(""),
            index: Index {
                sections,
                extra_parts: Vec::new(),
                joined: String::new(),
                joined_values: Vec::new(),
                hasher: DefaultHashBuilder::default(),
                keys: Keys::for_input(bytes),
                warnings: Vec::new(),
            },
            open: None,
            last_kept: None,
            has_prefixed_default: false,
            unprefixed_defaults: Vec::new(),
        }
    }

    /// Resets the per-file state before parsing `file`.
    pub(super) fn start_file(&mut self, file: FileKind, path: &'s Path) {
        self.file = file;
        self.path = path;
        self.open = None;
        self.last_kept = None;
        self.has_prefixed_default = false;
        self.unprefixed_defaults.clear();
    }

    fn warn(&mut self, line: usize, message: String) {
        let location = Location::new(self.path, line);
        self.index.warnings.push(Warning { location, message });
    }

    /// Files the open section into the set; its body ends at `end` (the start of the next
    /// header line, or the end of the file).
    fn close(&mut self, end: usize) {
        let Some(open) = self.open.take() else { return };
        let part = Part {
            body: Span::new(open.body_start.min(end)..end),
            first_line: open.line + 1,
            file: self.file,
        };
        if open.unprefixed_default {
            self.unprefixed_defaults.push((open, part));
        } else {
            self.store(&open, part);
        }
    }

    /// A new section gets a record; a repeated one gets one more part at the end of its
    /// list (later parts win, so the credentials file's definitions win over the config
    /// file's).
    fn store(&mut self, open: &OpenSection, part: Part) {
        let texts = self.texts;
        let name = open.name.of(texts.of(self.file));
        let hasher = &self.index.hasher;
        let SectionTable { records, index } = &mut self.index.sections[open.kind.index()];
        let name_of = |&i: &u32| records.get(i as usize).map_or("", |s| texts.name(s));
        let entry = index.entry(
            hasher.hash_one(name),
            |i| name_of(i) == name,
            |i| hasher.hash_one(name_of(i)),
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(found) => {
                let Some(section) = records.get_mut(*found.get() as usize) else {
                    return;
                };
                let new = small(self.index.extra_parts.len());
                self.index.extra_parts.push(ExtraPart {
                    part,
                    next: NO_PART,
                    last: new,
                });
                if section.extra == NO_PART {
                    section.extra = new;
                    return;
                }
                let head = section.extra as usize;
                let last = self.index.extra_parts.get(head).map_or(NO_PART, |p| p.last);
                if let Some(tail) = self.index.extra_parts.get_mut(last as usize) {
                    tail.next = new;
                }
                if let Some(head) = self.index.extra_parts.get_mut(head) {
                    head.last = new;
                }
            }
            hashbrown::hash_table::Entry::Vacant(vacant) => {
                vacant.insert(small(records.len()));
                records.push(SectionData {
                    name: open.name,
                    line: open.line,
                    body: part.body,
                    extra: NO_PART,
                    file: part.file,
                });
            }
        }
    }

    pub(super) fn finish_file(&mut self) {
        self.close(self.texts.of(self.file).len());
        for (open, part) in std::mem::take(&mut self.unprefixed_defaults) {
            if self.has_prefixed_default {
                self.warn(
                    open.line as usize,
                    "section [default] ignored: [profile default] is also defined and takes priority".into(),
                );
            } else {
                self.store(&open, part);
            }
        }
    }
}

impl Sink for Builder<'_> {
    fn section(&mut self, line: usize, inside: Range<usize>, whole: Range<usize>) {
        self.close(whole.start);
        self.last_kept = None;
        let text = self.texts.of(self.file);
        let inside_text = text.get(inside.clone()).unwrap_or_default();
        match classify(inside_text, self.file) {
            Header::Drop(reason) => self.warn(line, reason),
            Header::Keep {
                kind,
                name,
                prefixed,
            } => {
                let is_default = kind == SectionKind::Profile && name == "default";
                let in_config = self.file == FileKind::Config;
                self.has_prefixed_default |= is_default && prefixed && in_config;
                let offset = grammar::offset_in(text, name).unwrap_or(inside.start);
                self.open = Some(OpenSection {
                    kind,
                    name: Span::new(offset..offset + name.len()),
                    line: small(line),
                    body_start: whole.end + 1,
                    unprefixed_default: is_default && !prefixed && in_config,
                });
            }
        }
    }

    fn property(&mut self, line: usize, key: &str, value: Range<usize>) {
        self.last_kept = None;
        let id = self.index.keys.intern(key);
        if !self.index.keys.is_valid(id) {
            if self.open.is_some() {
                self.warn(
                    line,
                    format!("property `{key}` ignored: `{key}` is not a valid property name"),
                );
            }
            return;
        }
        if self.open.is_some() {
            self.last_kept = Some((small(line), Span::new(value)));
        }
    }

    fn continuation(&mut self, content: &str) {
        let Some((line, first)) = self.last_kept else {
            return;
        };
        let key = joined_key(self.file, line);
        let start = match self.index.joined_values.last() {
            Some(&(last, span)) if last == key => span.start as usize,
            _ => {
                let start = self.index.joined.len();
                self.index
                    .joined
                    .push_str(first.of(self.texts.of(self.file)));
                self.index
                    .joined_values
                    .push((key, Span::new(start..start)));
                start
            }
        };
        self.index.joined.push('\n');
        self.index.joined.push_str(content);
        if let Some(entry) = self.index.joined_values.last_mut() {
            entry.1 = Span::new(start..self.index.joined.len());
        }
    }
}
