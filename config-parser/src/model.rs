//! Stage 2: normalisation and merge. Raw sections in, a [`ProfileSet`] out.
//!
//! Section headers are classified by file kind (`[profile x]`, `[default]`,
//! `[sso-session x]`, `[services x]` in the config file; `[x]` in the credentials file),
//! invalid names are dropped with a [`Warning`], repeated sections merge, and within a
//! section the last definition of a key wins, the credentials file after the config file.
//!
//! The parse keeps one record per section, pointing at its lines in the owned texts;
//! [`Section::property`] reads those lines again (see ARCHITECTURE.md).

use hashbrown::DefaultHashBuilder;
use std::fmt;
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};

use std::ops::Range;

use crate::error::{BoolError, Location, MAX_FILE_SIZE, ParseError, ParseErrorKind, parse_bool};
use crate::grammar::{self, Sink, is_blank, trim};

/// A byte range of a source text or of the joined values. Sources are at most
/// [`MAX_FILE_SIZE`] bytes and the joined values at most both sources, so 32 bits hold any
/// offset (and any line number); half the size of a `Range<usize>` keeps the tables of a
/// large file small.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn new(range: Range<usize>) -> Self {
        Self {
            start: small(range.start),
            end: small(range.end),
        }
    }

    fn of(self, text: &str) -> &str {
        text.get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }
}

/// An offset or line number of a source, which fits 32 bits (see [`Span`]).
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Which of the two shared files a section or property came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `~/.aws/config`: `[profile x]`, `[default]`, `[sso-session x]`, `[services x]`.
    Config,
    /// `~/.aws/credentials`: `[x]` only.
    Credentials,
}

/// The kind of a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SectionKind {
    /// `[profile x]` or `[default]` in the config file, `[x]` in the credentials file.
    Profile,
    /// `[sso-session x]` in the config file.
    SsoSession,
    /// `[services x]` in the config file: per-service settings such as `endpoint_url`.
    Services,
}

impl SectionKind {
    fn index(self) -> usize {
        match self {
            Self::Profile => 0,
            Self::SsoSession => 1,
            Self::Services => 2,
        }
    }
}

/// One input file: its path (for messages and locations) and its text.
#[derive(Clone)]
pub struct Source {
    path: PathBuf,
    text: String,
}

impl Source {
    /// A file's path and text. A leading UTF-8 byte order mark is skipped when parsing;
    /// [`ProfileSet::parse`] refuses a text over [`MAX_FILE_SIZE`].
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            text: text.into(),
        }
    }

    /// A file that does not exist: parsed as empty.
    pub fn empty(path: impl Into<PathBuf>) -> Self {
        Self::new(path, String::new())
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn body_start(&self) -> usize {
        if self.text.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        }
    }
}

/// The text is not shown: a credentials file holds secret keys.
impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Source")
            .field("path", &self.path)
            .field("len", &self.text.len())
            .finish()
    }
}

/// Something the parser dropped and a user may want to hear about: an invalid section or
/// key name, a section type this file kind does not take, a shadowed `[default]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    location: Location,
    message: String,
}

impl Warning {
    /// Where the dropped text is.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// What was dropped and why.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Renders as `<path>:<line>: <message>`.
impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// An interned property key: an index into [`Keys`].
type KeyId = u32;

/// Every distinct property key of both files, lower-cased and validated once. Keys repeat
/// across thousands of profiles: the parse checks each distinct spelling once, and a
/// lookup finds the lower-case name of a key written with upper-case letters here.
struct Keys {
    ids: hashbrown::HashMap<Box<str>, KeyId>,
    names: Vec<Box<str>>,
    valid: Vec<bool>,
    /// The spellings met most recently, exactly as written, in slots chosen by their
    /// [`Spelling`] hash: a large file repeats a few spellings thousands of times, and a
    /// hit here costs a hash and a comparison of three words.
    recent: Vec<Option<(Spelling, Box<str>, KeyId)>>,
}

/// The most slots of the spelling cache: a file has a few dozen distinct keys at most.
const MAX_RECENT_SLOTS: usize = 256;

/// A key's length and its first and last eight bytes (a key shorter than eight bytes is
/// packed whole into `head`, with `tail` zero): for keys of up to 16 bytes, the whole key.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Spelling {
    len: usize,
    head: u64,
    tail: u64,
}

impl Spelling {
    fn of(key: &[u8]) -> Self {
        let (head, tail) = match (key.first_chunk::<8>(), key.last_chunk::<8>()) {
            (Some(head), Some(tail)) => (u64::from_le_bytes(*head), u64::from_le_bytes(*tail)),
            _ => (key.iter().fold(0, |w, &b| w << 8 | u64::from(b)), 0),
        };
        Self {
            len: key.len(),
            head,
            tail,
        }
    }

    /// A slot among `slots`, a power of two.
    fn slot(self, slots: usize) -> usize {
        let mixed = (self.head ^ self.tail.rotate_left(32) ^ self.len as u64)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        // The top bits mix best; `slots - 1` also bounds the result for one slot.
        usize::try_from(mixed >> (64 - slots.trailing_zeros().max(1))).unwrap_or(0) & (slots - 1)
    }

    /// Whether `key`, of this spelling, is `cached`, also of this spelling.
    fn same_key(self, key: &str, cached: &str) -> bool {
        self.len <= 16 || key == cached
    }
}

impl Keys {
    /// Interned keys for `bytes` of input: the spelling cache grows with the input, up to
    /// [`MAX_RECENT_SLOTS`], so a small file does not pay for a large cache.
    fn for_input(bytes: usize) -> Self {
        let slots = (bytes / 512)
            .next_power_of_two()
            .clamp(16, MAX_RECENT_SLOTS);
        Self {
            ids: hashbrown::HashMap::default(),
            names: Vec::new(),
            valid: Vec::new(),
            recent: vec![None; slots],
        }
    }

    fn intern(&mut self, key: &str) -> KeyId {
        let spelling = Spelling::of(key.as_bytes());
        let slot = spelling.slot(self.recent.len());
        if let Some(Some((cached, text, id))) = self.recent.get(slot)
            && *cached == spelling
            && spelling.same_key(key, text)
        {
            return *id;
        }
        let id = if key.bytes().any(|b| b.is_ascii_uppercase()) {
            self.intern_lowercase(&key.to_ascii_lowercase())
        } else {
            self.intern_lowercase(key)
        };
        if let Some(entry) = self.recent.get_mut(slot) {
            *entry = Some((spelling, key.into(), id));
        }
        id
    }

    fn intern_lowercase(&mut self, key: &str) -> KeyId {
        if let Some(&id) = self.ids.get(key) {
            return id;
        }
        let id = small(self.names.len());
        self.ids.insert(key.into(), id);
        self.names.push(key.into());
        self.valid.push(is_valid_name(key));
        id
    }

    fn find(&self, key: &str) -> Option<KeyId> {
        self.ids.get(key).copied()
    }

    fn name(&self, id: KeyId) -> &str {
        self.names.get(id as usize).map_or("", AsRef::as_ref)
    }

    fn is_valid(&self, id: KeyId) -> bool {
        self.valid.get(id as usize).copied().unwrap_or(false)
    }
}

/// A stretch of one file that belongs to a section: the lines after one of its headers,
/// up to the next header. Properties are not copied out of it: a lookup reads these lines
/// again (a section has a handful), so a parse stores per section one record, not one per
/// property; on fresh memory every page a parse fills costs a page fault.
#[derive(Clone, Copy, Debug)]
struct Part {
    /// From the line after the header to the start of the next header line.
    body: Span,
    /// The number of the body's first line.
    first_line: u32,
    file: FileKind,
}

/// A section repeated after its first definition: one more [`Part`], in a list.
#[derive(Clone, Copy, Debug)]
struct ExtraPart {
    part: Part,
    /// The next extra part of the same section, or [`NO_PART`].
    next: u32,
    /// In a section's first extra part: its last extra part (for appending in constant
    /// time); elsewhere unused.
    last: u32,
}

/// No extra part.
const NO_PART: u32 = u32::MAX;

#[derive(Debug)]
struct SectionData {
    /// The name: a span of the text of `file`.
    name: Span,
    /// The line of the first header.
    line: u32,
    /// The body of the first definition (its first line is `line + 1`).
    body: Span,
    /// The first of the repeated definitions in [`Index::extra_parts`], or
    /// [`NO_PART`].
    extra: u32,
    /// The file of the first definition.
    file: FileKind,
}

impl SectionData {
    fn first_part(&self) -> Part {
        Part {
            body: self.body,
            first_line: self.line + 1,
            file: self.file,
        }
    }
}

/// The two files' texts, for resolving spans.
#[derive(Clone, Copy)]
struct Texts<'a> {
    config: &'a str,
    credentials: &'a str,
}

impl<'a> Texts<'a> {
    fn of(self, file: FileKind) -> &'a str {
        match file {
            FileKind::Config => self.config,
            FileKind::Credentials => self.credentials,
        }
    }

    fn name(self, section: &SectionData) -> &'a str {
        section.name.of(self.of(section.file))
    }
}

/// The sections of one kind, keyed by name. The records lie in one dense vector in the
/// order they were first defined, and the hash table holds their 4-byte indices: a table
/// of whole records would scatter 10,000 writes over twice the memory (every page of it a
/// page fault on fresh memory). Names are spans of the source texts, so the table hashes
/// and compares them through [`Texts`] instead of owning copies.
#[derive(Default)]
struct SectionTable {
    records: Vec<SectionData>,
    index: hashbrown::HashTable<u32>,
}

impl SectionTable {
    fn with_capacity(sections: usize) -> Self {
        Self {
            records: Vec::with_capacity(sections),
            index: hashbrown::HashTable::with_capacity(sections),
        }
    }

    fn len(&self) -> usize {
        self.records.len()
    }

    fn record(&self, index: u32) -> Option<&SectionData> {
        self.records.get(index as usize)
    }

    fn find(
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

/// The merged contents of the config and credentials files: profiles, sso-sessions and
/// services sections, each property with the file and line that defined it.
pub struct ProfileSet {
    config: Source,
    credentials: Source,
    index: Index,
}

/// What a parse builds beside the texts: the sections' records and what cannot be read
/// back from the text.
struct Index {
    sections: [SectionTable; 3],
    /// The second and later definitions of repeated sections.
    extra_parts: Vec<ExtraPart>,
    /// The values of properties with continuation lines, joined, one after another.
    joined: String,
    /// Which property each joined value belongs to: [`joined_key`] of its file and line,
    /// in file and line order (the order they were made in).
    joined_values: Vec<(u32, Span)>,
    hasher: DefaultHashBuilder,
    keys: Keys,
    warnings: Vec<Warning>,
}

/// Values are not shown: profiles hold secret keys.
impl fmt::Debug for ProfileSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self
            .sections(SectionKind::Profile)
            .iter()
            .map(Section::name)
            .collect();
        f.debug_struct("ProfileSet")
            .field("config", &self.config.path)
            .field("credentials", &self.credentials.path)
            .field("profiles", &names)
            .field("sso_sessions", &self.index.sections[1].len())
            .field("services", &self.index.sections[2].len())
            .field("warnings", &self.index.warnings.len())
            .finish_non_exhaustive()
    }
}

impl ProfileSet {
    /// Parses and merges a config file and a credentials file (either may be
    /// [`Source::empty`]). Grammar errors fail the whole parse, and so does a text over
    /// [`MAX_FILE_SIZE`] ([`ParseErrorKind::TooLarge`], at the line that crosses the limit);
    /// dropped names become [`warnings`](Self::warnings).
    ///
    /// ```
    /// use ssokit_config_parser::{ProfileSet, Source};
    ///
    /// let set = ProfileSet::parse(
    ///     Source::new("config", "[profile dev]\nsso_session = corp\n[sso-session corp]\nsso_region = eu-west-1\n"),
    ///     Source::new("credentials", "[dev]\nregion = us-east-1\n"),
    /// )?;
    /// let dev = set.profile("dev").expect("dev is defined");
    /// assert_eq!(dev.get("region"), Some("us-east-1"));
    /// assert_eq!(dev.property("sso_session").map(|p| p.location().line()), Some(2));
    /// assert_eq!(set.sso_session("corp").and_then(|s| s.get("sso_region")), Some("eu-west-1"));
    /// # Ok::<(), ssokit_config_parser::ParseError>(())
    /// ```
    pub fn parse(config: Source, credentials: Source) -> Result<Self, ParseError> {
        for source in [&config, &credentials] {
            check_size(source)?;
        }
        let texts = Texts {
            config: &config.text,
            credentials: &credentials.text,
        };
        let mut builder = Builder::new(texts);
        for (file, source) in [
            (FileKind::Config, &config),
            (FileKind::Credentials, &credentials),
        ] {
            builder.start_file(file, &source.path);
            grammar::parse(
                &source.text,
                source.body_start(),
                &source.path,
                &mut builder,
            )?;
            builder.finish_file();
        }
        let index = builder.index;
        Ok(Self {
            config,
            credentials,
            index,
        })
    }

    /// A profile by its exact, case-sensitive name.
    pub fn profile(&self, name: &str) -> Option<Section<'_>> {
        self.section(SectionKind::Profile, name)
    }

    /// An `[sso-session NAME]` section by its exact name.
    pub fn sso_session(&self, name: &str) -> Option<Section<'_>> {
        self.section(SectionKind::SsoSession, name)
    }

    /// A `[services NAME]` section by its exact name.
    pub fn services(&self, name: &str) -> Option<Section<'_>> {
        self.section(SectionKind::Services, name)
    }

    /// A section of any kind by its exact name.
    pub fn section(&self, kind: SectionKind, name: &str) -> Option<Section<'_>> {
        let data =
            self.index.sections[kind.index()].find(self.texts(), &self.index.hasher, name)?;
        Some(Section {
            set: self,
            kind,
            data,
        })
    }

    /// Every section of one kind, sorted by name.
    pub fn sections(&self, kind: SectionKind) -> Vec<Section<'_>> {
        let mut out: Vec<Section<'_>> = self.index.sections[kind.index()]
            .records
            .iter()
            .map(|data| Section {
                set: self,
                kind,
                data,
            })
            .collect();
        out.sort_unstable_by(|a, b| a.name().cmp(b.name()));
        out
    }

    /// What was dropped while parsing, in file order (config file first).
    pub fn warnings(&self) -> &[Warning] {
        &self.index.warnings
    }

    /// The config file's path.
    pub fn config_path(&self) -> &Path {
        &self.config.path
    }

    /// The credentials file's path.
    pub fn credentials_path(&self) -> &Path {
        &self.credentials.path
    }

    fn texts(&self) -> Texts<'_> {
        Texts {
            config: &self.config.text,
            credentials: &self.credentials.text,
        }
    }

    fn source(&self, file: FileKind) -> &Source {
        match file {
            FileKind::Config => &self.config,
            FileKind::Credentials => &self.credentials,
        }
    }

    fn location(&self, file: FileKind, line: usize) -> Location {
        Location::new(self.source(file).path.clone(), line)
    }

    /// The lower-case key of a definition: the text itself when it has no upper-case
    /// letters, else the lower-cased name interned while parsing.
    fn key_name(&self, definition: &Definition) -> &str {
        let written = definition.key.of(self.texts().of(definition.file));
        if !written.bytes().any(|b| b.is_ascii_uppercase()) {
            return written;
        }
        self.index
            .keys
            .find(&written.to_ascii_lowercase())
            .map_or("", |id| self.index.keys.name(id))
    }

    /// The joined value of the property on `line` of `file`, if it had continuation lines.
    fn joined_value(&self, file: FileKind, line: u32) -> Option<&str> {
        let key = joined_key(file, line);
        let at = self
            .index
            .joined_values
            .binary_search_by_key(&key, |&(k, _)| k)
            .ok()?;
        let (_, span) = self.index.joined_values.get(at)?;
        Some(span.of(&self.index.joined))
    }
}

/// A text over [`MAX_FILE_SIZE`] is refused before parsing: [`Span`] holds 32-bit offsets.
/// The error names the line at which the limit is crossed.
fn check_size(source: &Source) -> Result<(), ParseError> {
    let limit = usize::try_from(MAX_FILE_SIZE).unwrap_or(usize::MAX);
    if source.text.len() <= limit {
        return Ok(());
    }
    let before = source.text.as_bytes().get(..limit).unwrap_or_default();
    let line = before.split(|&b| b == b'\n').count();
    Err(ParseError::new(
        &source.path,
        line,
        ParseErrorKind::TooLarge,
    ))
}

/// The key of a joined value in [`Index::joined_values`]: its file (the top bit),
/// then its line (a 16 MiB file has far fewer than 2^31 lines).
fn joined_key(file: FileKind, line: u32) -> u32 {
    let file = match file {
        FileKind::Config => 0,
        FileKind::Credentials => 1 << 31,
    };
    file | line
}

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
/// [`ProfileSet`]. It owns those parts while it works: the sink methods run once a line.
struct Builder<'s> {
    texts: Texts<'s>,
    /// The file being parsed.
    file: FileKind,
    path: &'s Path,
    /// What the builder fills, moved into the set at the end.
    index: Index,
    /// `None` before the first header and inside a dropped section.
    open: Option<OpenSection>,
    /// The line and value of the last property line, when it was kept (its continuations
    /// follow it).
    last_kept: Option<(u32, Span)>,
    has_prefixed_default: bool,
    unprefixed_defaults: Vec<(OpenSection, Part)>,
}

impl<'s> Builder<'s> {
    fn new(texts: Texts<'s>) -> Self {
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
    fn start_file(&mut self, file: FileKind, path: &'s Path) {
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

    fn finish_file(&mut self) {
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

/// What a header means in a given file kind.
enum Header<'a> {
    Keep {
        kind: SectionKind,
        name: &'a str,
        /// `[profile default]` (true) versus `[default]` (false).
        prefixed: bool,
    },
    Drop(String),
}

/// The bytes of a valid name: ASCII letters, digits and `_-/.%@:+`.
const NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b: u8 = 0;
    loop {
        table[b as usize] = b.is_ascii_alphanumeric()
            || matches!(b, b'_' | b'-' | b'/' | b'.' | b'%' | b'@' | b':' | b'+');
        if b == u8::MAX {
            break table;
        }
        b += 1;
    }
};

/// Names are ASCII letters, digits and `_-/.%@:+`.
fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| NAME_BYTES[usize::from(b)])
}

/// A header's first word and the rest, trimmed: `("profile", "dev")`; `None` without a
/// blank. The section types are tried first by their fixed prefixes: the common case then
/// costs a few comparisons instead of a search for the blank.
fn split_header(inside: &str) -> Option<(&str, &str)> {
    for prefix in ["profile", "sso-session", "services"] {
        if let Some(rest) = inside.strip_prefix(prefix)
            && rest.bytes().next().is_some_and(is_blank)
        {
            return Some((prefix, trim(rest)));
        }
    }
    let at = inside.bytes().position(is_blank)?;
    Some((&inside[..at], trim(&inside[at..])))
}

fn classify(inside: &str, file: FileKind) -> Header<'_> {
    let split = split_header(inside);
    let keep = |kind, name, prefixed| {
        if is_valid_name(name) {
            Header::Keep {
                kind,
                name,
                prefixed,
            }
        } else {
            Header::Drop(format!(
                "section [{inside}] ignored: `{name}` is not a valid name (use letters, digits and _-/.%@:+)"
            ))
        }
    };
    match (file, split) {
        (FileKind::Credentials, Some(("profile", name))) => Header::Drop(format!(
            "section [{inside}] ignored: the credentials file takes [{name}] without the `profile` prefix"
        )),
        (FileKind::Credentials, _) => keep(SectionKind::Profile, inside, false),
        (FileKind::Config, None) if inside == "default" => {
            keep(SectionKind::Profile, inside, false)
        }
        (FileKind::Config, None) => Header::Drop(format!(
            "section [{inside}] ignored: profiles in the config file need the `profile` prefix, as in [profile {inside}]"
        )),
        (FileKind::Config, Some(("profile", name))) => keep(SectionKind::Profile, name, true),
        (FileKind::Config, Some(("sso-session", name))) => {
            keep(SectionKind::SsoSession, name, true)
        }
        (FileKind::Config, Some(("services", name))) => keep(SectionKind::Services, name, true),
        (FileKind::Config, Some((prefix, _))) => Header::Drop(format!(
            "section [{inside}] ignored: `{prefix}` is not a section type (profile, sso-session, services)"
        )),
    }
}

/// A profile, sso-session or services section of a [`ProfileSet`].
#[derive(Clone, Copy)]
pub struct Section<'a> {
    set: &'a ProfileSet,
    kind: SectionKind,
    data: &'a SectionData,
}

impl fmt::Debug for Section<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Section")
            .field("kind", &self.kind)
            .field("name", &self.name())
            .field(
                "keys",
                &self.properties().map(|p| p.key()).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl<'a> Section<'a> {
    /// The section's name, without any prefix.
    pub fn name(&self) -> &'a str {
        self.set.texts().name(self.data)
    }

    /// Profile, sso-session or services.
    pub fn kind(&self) -> SectionKind {
        self.kind
    }

    /// Where the section's first header is (the config file's, if both files define it).
    pub fn location(&self) -> Location {
        self.set.location(self.data.file, self.data.line as usize)
    }

    /// A property by its lower-case key, if defined (even with an empty value). Keys are
    /// matched lower-cased; a key with upper-case letters is never found. The section's
    /// lines are read again for it (a section has a handful); the last definition wins.
    pub fn property(&self, key: &str) -> Option<Property<'a>> {
        if !is_valid_name(key) || key.bytes().any(|b| b.is_ascii_uppercase()) {
            return None;
        }
        let texts = self.set.texts();
        let mut found = None;
        self.definitions(|definition| {
            let written = definition.key.of(texts.of(definition.file));
            if written.eq_ignore_ascii_case(key) {
                found = Some(definition);
            }
        });
        Some(Property {
            set: self.set,
            definition: found?,
        })
    }

    /// A property's value by its lower-case key; `None` when absent or empty (an empty
    /// value counts as absent).
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.property(key)
            .map(|p| p.value())
            .filter(|v| !v.is_empty())
    }

    /// A boolean property: `true`/`false` in any case; absent or empty is `None`; any
    /// other value is an error naming the key and its file and line.
    pub fn get_bool(&self, key: &str) -> Result<Option<bool>, BoolError> {
        let Some(property) = self.property(key).filter(|p| !p.value().is_empty()) else {
            return Ok(None);
        };
        parse_bool(key, property.value(), || Some(property.location())).map(Some)
    }

    /// Every property, in the order each key first appears in the section (config file
    /// first), each with its winning (last) definition.
    pub fn properties(&self) -> impl Iterator<Item = Property<'a>> + 'a {
        let set = self.set;
        let mut order: Vec<Definition> = Vec::new();
        let mut slots: hashbrown::HashMap<&'a str, usize> = hashbrown::HashMap::new();
        self.definitions(|definition| match slots.entry(set.key_name(&definition)) {
            hashbrown::hash_map::Entry::Occupied(slot) => {
                if let Some(earlier) = order.get_mut(*slot.get()) {
                    *earlier = definition;
                }
            }
            hashbrown::hash_map::Entry::Vacant(slot) => {
                slot.insert(order.len());
                order.push(definition);
            }
        });
        order
            .into_iter()
            .map(move |definition| Property { set, definition })
    }

    /// The section's definitions: the first, then each repeat in order.
    fn parts(&self) -> impl Iterator<Item = Part> + 'a {
        let extras = &self.set.index.extra_parts;
        let mut next = self.data.extra;
        std::iter::once(self.data.first_part()).chain(std::iter::from_fn(move || {
            let extra = extras.get(next as usize)?;
            next = extra.next;
            Some(extra.part)
        }))
    }

    /// Reads the section's lines again, handing every property with a valid key to
    /// `visit`, in file order (config file first).
    fn definitions(&self, mut visit: impl FnMut(Definition)) {
        for part in self.parts() {
            let text = self.set.texts().of(part.file);
            let mut reread = Reread {
                text,
                file: part.file,
                visit: &mut visit,
            };
            let body = part.body.start as usize..part.body.end as usize;
            grammar::parse_body(text, body, part.first_line as usize, &mut reread);
        }
    }
}

/// One definition of a property, found by reading a section's lines again.
#[derive(Clone, Copy, Debug)]
struct Definition {
    file: FileKind,
    line: u32,
    /// The key as written.
    key: Span,
    value: Span,
}

/// A sink for reading a section's body again: its properties with valid keys.
struct Reread<'t, F> {
    text: &'t str,
    file: FileKind,
    visit: F,
}

impl<F: FnMut(Definition)> Sink for Reread<'_, F> {
    fn section(&mut self, _: usize, _: Range<usize>, _: Range<usize>) {}

    fn property(&mut self, line: usize, key: &str, value: Range<usize>) {
        if is_valid_name(key) {
            let start = grammar::offset_in(self.text, key).unwrap_or(0);
            (self.visit)(Definition {
                file: self.file,
                line: small(line),
                key: Span::new(start..start + key.len()),
                value: Span::new(value),
            });
        }
    }

    fn continuation(&mut self, _: &str) {}
}

/// One property of a [`Section`].
#[derive(Clone, Copy)]
pub struct Property<'a> {
    set: &'a ProfileSet,
    definition: Definition,
}

/// The value is not shown: it may be a secret key.
impl fmt::Debug for Property<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Property")
            .field("key", &self.key())
            .field("location", &self.location())
            .finish_non_exhaustive()
    }
}

impl<'a> Property<'a> {
    /// The key, lower-cased.
    pub fn key(&self) -> &'a str {
        self.set.key_name(&self.definition)
    }

    /// The raw value: trimmed, continuation lines joined with `\n`, possibly empty.
    pub fn value(&self) -> &'a str {
        let Definition {
            file, line, value, ..
        } = self.definition;
        self.set
            .joined_value(file, line)
            .unwrap_or_else(|| value.of(self.set.texts().of(file)))
    }

    /// The file and line of the definition that won.
    pub fn location(&self) -> Location {
        let Definition { file, line, .. } = self.definition;
        self.set.location(file, line as usize)
    }

    /// The sub-properties of a property whose value is an indented block
    /// (`s3 =` / `  max_concurrent_requests = 20`): `(key, value)` pairs, trimmed.
    pub fn sub_properties(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.value()
            .split('\n')
            .filter_map(|line| line.split_once('='))
            .map(|(k, v)| (trim(k), trim(v)))
    }

    /// One sub-property's value by key (ASCII case-insensitive); empty counts as absent.
    pub fn sub_property(&self, key: &str) -> Option<&'a str> {
        self.sub_properties()
            .filter(|(k, _)| k.eq_ignore_ascii_case(key))
            .last()
            .map(|(_, v)| v)
            .filter(|v| !v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_classified_per_file_kind() {
        let kind = |inside, file| match classify(inside, file) {
            Header::Keep {
                kind,
                name,
                prefixed,
            } => Some((kind, name.to_owned(), prefixed)),
            Header::Drop(_) => None,
        };
        assert_eq!(
            kind("profile  a", FileKind::Config),
            Some((SectionKind::Profile, "a".into(), true))
        );
        assert_eq!(
            kind("default", FileKind::Config),
            Some((SectionKind::Profile, "default".into(), false))
        );
        assert_eq!(
            kind("sso-session\tcorp", FileKind::Config),
            Some((SectionKind::SsoSession, "corp".into(), true))
        );
        assert_eq!(
            kind("services x", FileKind::Config),
            Some((SectionKind::Services, "x".into(), true))
        );
        assert_eq!(kind("a", FileKind::Config), None);
        assert_eq!(kind("profilea", FileKind::Config), None);
        assert_eq!(
            kind("a", FileKind::Credentials),
            Some((SectionKind::Profile, "a".into(), false))
        );
        assert_eq!(kind("profile a", FileKind::Credentials), None);
        assert_eq!(
            kind("sso-sessionfoo", FileKind::Credentials),
            Some((SectionKind::Profile, "sso-sessionfoo".into(), false))
        );
    }

    #[test]
    fn names_allow_exactly_the_documented_characters() {
        assert!(is_valid_name("Aa0_-/.%@:+"));
        for bad in ["", "a b", "a!", "é", "a[b]", "a=b"] {
            assert!(!is_valid_name(bad), "{bad:?}");
        }
    }
}
