//! Stage 2: normalisation and merge. Raw sections in, a [`ProfileSet`] out.
//!
//! Section headers are classified by file kind (`[profile x]`, `[default]`,
//! `[sso-session x]`, `[services x]` in the config file; `[x]` in the credentials file),
//! invalid names are dropped with a [`Warning`], repeated sections merge, and within a
//! section the last definition of a key wins, the credentials file after the config file.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{BoolError, Location, ParseError, parse_bool};
use crate::grammar::{self, RawSection, Text, is_blank};

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
    const ALL: [SectionKind; 3] = [Self::Profile, Self::SsoSession, Self::Services];

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
    /// A file's path and text. A leading UTF-8 byte order mark is skipped when parsing.
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

#[derive(Debug)]
struct PropertyData {
    file: FileKind,
    line: usize,
    key: Text,
    value: Text,
}

#[derive(Debug)]
struct SectionData {
    file: FileKind,
    line: usize,
    /// Sorted by key, one entry per key.
    properties: Vec<PropertyData>,
}

/// The merged contents of the config and credentials files: profiles, sso-sessions and
/// services sections, each property with the file and line that defined it.
pub struct ProfileSet {
    config: Source,
    credentials: Source,
    sections: [HashMap<Box<str>, SectionData>; 3],
    warnings: Vec<Warning>,
}

/// Values are not shown: profiles hold secret keys.
impl fmt::Debug for ProfileSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&str> = self.sections[0].keys().map(AsRef::as_ref).collect();
        names.sort_unstable();
        f.debug_struct("ProfileSet")
            .field("config", &self.config.path)
            .field("credentials", &self.credentials.path)
            .field("profiles", &names)
            .field("sso_sessions", &self.sections[1].len())
            .field("services", &self.sections[2].len())
            .field("warnings", &self.warnings.len())
            .finish()
    }
}

impl ProfileSet {
    /// Parses and merges a config file and a credentials file (either may be
    /// [`Source::empty`]). Grammar errors fail the whole parse; dropped names become
    /// [`warnings`](Self::warnings).
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
        let config_raw = grammar::parse(&config.text, config.body_start(), &config.path)?;
        let credentials_raw = grammar::parse(
            &credentials.text,
            credentials.body_start(),
            &credentials.path,
        )?;
        let mut set = Self {
            config,
            credentials,
            sections: Default::default(),
            warnings: Vec::new(),
        };
        set.merge(FileKind::Config, config_raw);
        set.merge(FileKind::Credentials, credentials_raw);
        set.finish();
        Ok(set)
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
        let (name, data) = self.sections[kind.index()].get_key_value(name)?;
        Some(Section {
            set: self,
            kind,
            name,
            data,
        })
    }

    /// Every section of one kind, sorted by name.
    pub fn sections(&self, kind: SectionKind) -> Vec<Section<'_>> {
        let mut out: Vec<Section<'_>> = self.sections[kind.index()]
            .iter()
            .map(|(name, data)| Section {
                set: self,
                kind,
                name,
                data,
            })
            .collect();
        out.sort_unstable_by(|a, b| a.name.cmp(b.name));
        out
    }

    /// What was dropped while parsing, in file order (config file first).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The config file's path.
    pub fn config_path(&self) -> &Path {
        &self.config.path
    }

    /// The credentials file's path.
    pub fn credentials_path(&self) -> &Path {
        &self.credentials.path
    }

    fn source(&self, file: FileKind) -> &Source {
        match file {
            FileKind::Config => &self.config,
            FileKind::Credentials => &self.credentials,
        }
    }

    fn text(&self, file: FileKind) -> &str {
        &self.source(file).text
    }

    fn location(&self, file: FileKind, line: usize) -> Location {
        Location::new(self.source(file).path.clone(), line)
    }

    fn warn(&mut self, file: FileKind, line: usize, message: String) {
        let location = self.location(file, line);
        self.warnings.push(Warning { location, message });
    }

    fn merge(&mut self, file: FileKind, raw: Vec<RawSection>) {
        let classified: Vec<(Header, RawSection)> = raw
            .into_iter()
            .map(|section| {
                let inside = self
                    .text(file)
                    .get(section.name.clone())
                    .unwrap_or_default();
                (classify(inside, file), section)
            })
            .collect();
        let has_prefixed_default = classified.iter().any(|(header, _)| {
            matches!(header, Header::Keep { kind: SectionKind::Profile, name, prefixed: true } if name == "default")
        });
        for (header, section) in classified {
            match header {
                Header::Drop(reason) => self.warn(file, section.line, reason),
                Header::Keep {
                    name,
                    prefixed: false,
                    kind: SectionKind::Profile,
                } if has_prefixed_default && file == FileKind::Config && name == "default" => {
                    self.warn(
                        file,
                        section.line,
                        "section [default] ignored: [profile default] is also defined and takes priority".into(),
                    );
                }
                Header::Keep { kind, name, .. } => self.add_section(file, kind, name, section),
            }
        }
    }

    fn add_section(&mut self, file: FileKind, kind: SectionKind, name: String, raw: RawSection) {
        let mut properties = Vec::with_capacity(raw.properties.len());
        for property in raw.properties {
            let key = property.key.resolve(self.text(file));
            if is_valid_name(key) {
                properties.push(PropertyData {
                    file,
                    line: property.line,
                    key: property.key,
                    value: property.value,
                });
            } else {
                let message =
                    format!("property `{key}` ignored: `{key}` is not a valid property name");
                self.warn(file, property.line, message);
            }
        }
        let map = &mut self.sections[kind.index()];
        if let Some(existing) = map.get_mut(name.as_str()) {
            existing.properties.append(&mut properties);
        } else {
            map.insert(
                name.into_boxed_str(),
                SectionData {
                    file,
                    line: raw.line,
                    properties,
                },
            );
        }
    }

    /// Sorts each section's properties by key and keeps the last definition of each key.
    fn finish(&mut self) {
        let (config, credentials) = (&self.config.text, &self.credentials.text);
        let text = |file: FileKind| match file {
            FileKind::Config => config.as_str(),
            FileKind::Credentials => credentials.as_str(),
        };
        for map in &mut self.sections {
            for section in map.values_mut() {
                let properties = &mut section.properties;
                properties
                    .sort_by(|a, b| a.key.resolve(text(a.file)).cmp(b.key.resolve(text(b.file))));
                properties.dedup_by(|later, earlier| {
                    let same = later.key.resolve(text(later.file))
                        == earlier.key.resolve(text(earlier.file));
                    if same {
                        std::mem::swap(later, earlier);
                    }
                    same
                });
            }
        }
        debug_assert!(SectionKind::ALL.len() == self.sections.len());
    }
}

/// What a header means in a given file kind.
enum Header {
    Keep {
        kind: SectionKind,
        name: String,
        /// `[profile default]` (true) versus `[default]` (false).
        prefixed: bool,
    },
    Drop(String),
}

/// Names are ASCII letters, digits and `_-/.%@:+`.
fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-/.%@:+".contains(&b))
}

fn classify(inside: &str, file: FileKind) -> Header {
    let split = inside
        .find(is_blank)
        .map(|at| (&inside[..at], inside[at..].trim_matches(is_blank)));
    let keep = |kind, name: &str, prefixed| {
        if is_valid_name(name) {
            Header::Keep {
                kind,
                name: name.to_owned(),
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
    name: &'a str,
    data: &'a SectionData,
}

impl fmt::Debug for Section<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Section")
            .field("kind", &self.kind)
            .field("name", &self.name)
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
        self.name
    }

    /// Profile, sso-session or services.
    pub fn kind(&self) -> SectionKind {
        self.kind
    }

    /// Where the section's first header is (the config file's, if both files define it).
    pub fn location(&self) -> Location {
        self.set.location(self.data.file, self.data.line)
    }

    /// A property by its lower-case key, if defined (even with an empty value).
    pub fn property(&self, key: &str) -> Option<Property<'a>> {
        let set = self.set;
        let properties = &self.data.properties;
        let index = properties
            .binary_search_by(|p| p.key.resolve(set.text(p.file)).cmp(key))
            .ok()?;
        Some(Property {
            set,
            data: &properties[index],
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

    /// Every property, sorted by key.
    pub fn properties(&self) -> impl Iterator<Item = Property<'a>> + 'a {
        let set = self.set;
        self.data
            .properties
            .iter()
            .map(move |data| Property { set, data })
    }
}

/// One property of a [`Section`].
#[derive(Clone, Copy)]
pub struct Property<'a> {
    set: &'a ProfileSet,
    data: &'a PropertyData,
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
        self.data.key.resolve(self.set.text(self.data.file))
    }

    /// The raw value: trimmed, continuation lines joined with `\n`, possibly empty.
    pub fn value(&self) -> &'a str {
        self.data.value.resolve(self.set.text(self.data.file))
    }

    /// The file and line of the definition that won.
    pub fn location(&self) -> Location {
        self.set.location(self.data.file, self.data.line)
    }

    /// The sub-properties of a property whose value is an indented block
    /// (`s3 =` / `  max_concurrent_requests = 20`): `(key, value)` pairs, trimmed.
    pub fn sub_properties(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.value()
            .split('\n')
            .filter_map(|line| line.split_once('='))
            .map(|(k, v)| (k.trim_matches(is_blank), v.trim_matches(is_blank)))
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
