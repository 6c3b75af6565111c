//! Reading a set back: [`Section`] and [`Property`], and the lookups of [`ProfileSet`]
//! that hand them out. A lookup reads the section's lines again with the grammar (a
//! section has a handful); the last definition of a key wins.

use std::fmt;
use std::ops::Range;

use super::kind::{FileKind, SectionKind};
use super::names::is_valid_name;
use super::set::ProfileSet;
use super::span::{Span, small};
use super::table::{Part, SectionData};
use crate::error::{BoolError, parse_bool};
use crate::grammar::{self, Sink, trim};
use crate::location::Location;

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
