//! The tables a parse builds beside the texts: one record per section (name, header
//! line, first body) in a dense vector per kind with a hash table of 4-byte indices, the
//! further bodies of repeated sections, and the joined values of continuation lines.

use hashbrown::DefaultHashBuilder;
use std::hash::BuildHasher;

use super::intern::Keys;
use super::kind::FileKind;
use super::names::Warning;
use super::span::Span;

/// A stretch of one file that belongs to a section: the lines after one of its headers,
/// up to the next header. Properties are not copied out of it: a lookup reads these lines
/// again (a section has a handful), so a parse stores per section one record, not one per
/// property; on fresh memory every page a parse fills costs a page fault.
#[derive(Clone, Copy, Debug)]
pub(super) struct Part {
    /// From the line after the header to the start of the next header line.
    pub(super) body: Span,
    /// The number of the body's first line.
    pub(super) first_line: u32,
    pub(super) file: FileKind,
}

/// A section repeated after its first definition: one more [`Part`], in a list.
#[derive(Clone, Copy, Debug)]
pub(super) struct ExtraPart {
    pub(super) part: Part,
    /// The next extra part of the same section, or [`NO_PART`].
    pub(super) next: u32,
    /// In a section's first extra part: its last extra part (for appending in constant
    /// time); elsewhere unused.
    pub(super) last: u32,
}

/// No extra part.
pub(super) const NO_PART: u32 = u32::MAX;

#[derive(Debug)]
pub(super) struct SectionData {
    /// The name: a span of the text of `file`.
    pub(super) name: Span,
    /// The line of the first header.
    pub(super) line: u32,
    /// The body of the first definition (its first line is `line + 1`).
    pub(super) body: Span,
    /// The first of the repeated definitions in [`Index::extra_parts`], or
    /// [`NO_PART`].
    pub(super) extra: u32,
    /// The file of the first definition.
    pub(super) file: FileKind,
}

impl SectionData {
    pub(super) fn first_part(&self) -> Part {
        Part {
            body: self.body,
            first_line: self.line + 1,
            file: self.file,
        }
    }
}

/// The two files' texts, for resolving spans.
#[derive(Clone, Copy)]
pub(super) struct Texts<'a> {
    pub(super) config: &'a str,
    pub(super) credentials: &'a str,
}

impl<'a> Texts<'a> {
    pub(super) fn of(self, file: FileKind) -> &'a str {
        match file {
            FileKind::Config => self.config,
            FileKind::Credentials => self.credentials,
        }
    }

    pub(super) fn name(self, section: &SectionData) -> &'a str {
        section.name.of(self.of(section.file))
    }
}

/// The sections of one kind, keyed by name. The records lie in one dense vector in the
/// order they were first defined, and the hash table holds their 4-byte indices: a table
/// of whole records would scatter 10,000 writes over twice the memory (every page of it a
/// page fault on fresh memory). Names are spans of the source texts, so the table hashes
/// and compares them through [`Texts`] instead of owning copies.
#[derive(Default)]
pub(super) struct SectionTable {
    pub(super) records: Vec<SectionData>,
    pub(super) index: hashbrown::HashTable<u32>,
}

impl SectionTable {
    pub(super) fn with_capacity(sections: usize) -> Self {
        Self {
            records: Vec::with_capacity(sections),
            index: hashbrown::HashTable::with_capacity(sections),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.records.len()
    }

    fn record(&self, index: u32) -> Option<&SectionData> {
        self.records.get(index as usize)
    }

    pub(super) fn find(
        &self,
        texts: Texts<'_>,
        hasher: &DefaultHashBuilder,
        name: &str,
    ) -> Option<&SectionData> {
        let same = |&i: &u32| self.record(i).is_some_and(|s| texts.name(s) == name);
        let &index = self.index.find(hasher.hash_one(name), same)?;
        self.record(index)
    }
}

/// What a parse builds beside the texts: the sections' records and what cannot be read
/// back from the text.
pub(super) struct Index {
    pub(super) sections: [SectionTable; 3],
    /// The second and later definitions of repeated sections.
    pub(super) extra_parts: Vec<ExtraPart>,
    /// The values of properties with continuation lines, joined, one after another.
    pub(super) joined: String,
    /// Which property each joined value belongs to: [`joined_key`] of its file and line,
    /// in file and line order (the order they were made in).
    pub(super) joined_values: Vec<(u32, Span)>,
    pub(super) hasher: DefaultHashBuilder,
    pub(super) keys: Keys,
    pub(super) warnings: Vec<Warning>,
}

/// The key of a joined value in [`Index::joined_values`]: its file (the top bit),
/// then its line (a 16 MiB file has far fewer than 2^31 lines).
pub(super) fn joined_key(file: FileKind, line: u32) -> u32 {
    let file = match file {
        FileKind::Config => 0,
        FileKind::Credentials => 1 << 31,
    };
    file | line
}
