//! Names: which section and key names are valid, what a header line names in each file
//! kind, and the [`Warning`] for a section or key that is dropped.

use std::fmt;

use super::kind::{FileKind, SectionKind};
use crate::grammar::{is_blank, trim};
use crate::location::Location;

/// Something the parser dropped and a user may want to hear about: an invalid section or
/// key name, a section type this file kind does not take, a shadowed `[default]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub(super) location: Location,
    pub(super) message: String,
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

/// What a header means in a given file kind.
pub(super) enum Header<'a> {
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
pub(super) fn is_valid_name(name: &str) -> bool {
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

pub(super) fn classify(inside: &str, file: FileKind) -> Header<'_> {
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
