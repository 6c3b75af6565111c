//! The shared config grammar (`ssokit-config-parser`): any text, as a config file, as a
//! credentials file and as both, must parse or fail with a located error, never panic; and
//! what it parses to must hold the model's invariants.
//!
//! Input: UTF-8 text (anything else is skipped: `load` rejects non-UTF-8 before parsing).
//! Up to the first NUL it is the config file, after it the credentials file; without a NUL
//! the whole text is both.
//!
//! Checked, besides "no panic":
//! - every error and warning points at a line of its own file;
//! - every section is found again by its name and kind, names are unique, valid and
//!   sorted; every property is found again by its key with the same value and location;
//!   keys are lower-case; values have no outer blanks; `get`, `get_bool` and
//!   `sub_property` agree with `property` and `sub_properties`;
//! - a credentials file yields profiles only;
//! - merging: the two files parse together exactly when each parses alone, and the merged
//!   set is the union of the two with the credentials file's definitions winning.

#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use ssokit_config_parser::{Location, ProfileSet, Section, SectionKind, Source};

const CONFIG: &str = "/fuzz/config";
const CREDENTIALS: &str = "/fuzz/credentials";
const KINDS: [SectionKind; 3] = [
    SectionKind::Profile,
    SectionKind::SsoSession,
    SectionKind::Services,
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (config, credentials) = text.split_once('\0').unwrap_or((text, text));

    let alone_config = parse(config, "");
    let alone_credentials = parse("", credentials);
    let both = parse(config, credentials);

    if let Ok(set) = &alone_credentials {
        assert!(set.sections(SectionKind::SsoSession).is_empty());
        assert!(set.sections(SectionKind::Services).is_empty());
    }
    match (&alone_config, &alone_credentials, &both) {
        (Ok(c), Ok(k), Ok(b)) => check_merge(c, k, b),
        (Err(e), _, Err(b)) => assert_eq!(e, b, "the config file's error comes first"),
        (Ok(_), Err(e), Err(b)) => assert_eq!(e, b),
        (c, k, b) => panic!(
            "config alone ok: {}, credentials alone ok: {}, together ok: {}",
            c.is_ok(),
            k.is_ok(),
            b.is_ok()
        ),
    }
});

/// Parses and checks the result's invariants against both texts.
fn parse(config: &str, credentials: &str) -> Result<ProfileSet, ssokit_config_parser::ParseError> {
    let result = ProfileSet::parse(
        Source::new(CONFIG, config),
        Source::new(CREDENTIALS, credentials),
    );
    let config_lines = config.split('\n').count();
    let credentials_lines = credentials.split('\n').count();
    let in_file = |location: &Location| {
        let lines = match location.path().to_str() {
            Some(CONFIG) => config_lines,
            Some(CREDENTIALS) => credentials_lines,
            other => panic!("location in an unknown file {other:?}"),
        };
        assert!(
            (1..=lines).contains(&location.line()),
            "line {} of {lines}",
            location.line()
        );
    };
    match &result {
        Err(error) => {
            in_file(error.location());
            let shown = error.to_string();
            assert!(shown.contains(&error.location().line().to_string()));
        }
        Ok(set) => {
            for warning in set.warnings() {
                in_file(warning.location());
                let _ = warning.to_string();
            }
            for kind in KINDS {
                let sections = set.sections(kind);
                for pair in sections.windows(2) {
                    assert!(pair[0].name() < pair[1].name(), "sorted, unique names");
                }
                for section in sections {
                    check_section(set, section);
                    in_file(&section.location());
                    for property in section.properties() {
                        in_file(&property.location());
                    }
                }
            }
            let _ = format!("{set:?}");
        }
    }
    result
}

fn check_section(set: &ProfileSet, section: Section<'_>) {
    let name = section.name();
    assert!(!name.is_empty());
    assert!(
        name.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-/.%@:+".contains(&b)),
        "kept section name {name:?}"
    );
    let again = set
        .section(section.kind(), name)
        .expect("a listed section is found by its name");
    assert_eq!(again.location(), section.location());
    let mut seen = Vec::new();
    for property in section.properties() {
        let key = property.key();
        assert!(!seen.contains(&key), "one property per key");
        seen.push(key);
        assert!(!key.is_empty() && !key.bytes().any(|b| b.is_ascii_uppercase()));
        let value = property.value();
        assert_eq!(value, value.trim_matches([' ', '\t']), "values are trimmed");
        let found = section
            .property(key)
            .expect("a listed property is found by its key");
        assert_eq!(
            (found.value(), found.location()),
            (value, property.location())
        );
        assert_eq!(section.get(key), Some(value).filter(|v| !v.is_empty()));
        let expected_bool = if value.is_empty() {
            Some(None)
        } else if value.eq_ignore_ascii_case("true") {
            Some(Some(true))
        } else if value.eq_ignore_ascii_case("false") {
            Some(Some(false))
        } else {
            None
        };
        match (section.get_bool(key), expected_bool) {
            (Ok(got), Some(want)) => assert_eq!(got, want),
            (Err(error), None) => {
                assert_eq!(error.to_string().is_empty(), false);
            }
            (got, want) => panic!("get_bool({value:?}) = {got:?}, expected {want:?}"),
        }
        let subs: Vec<(&str, &str)> = property.sub_properties().collect();
        for &(k, v) in &subs {
            assert_eq!(k, k.trim_matches([' ', '\t']));
            assert_eq!(v, v.trim_matches([' ', '\t']));
            let last = subs
                .iter()
                .rev()
                .find(|(other, _)| other.eq_ignore_ascii_case(k))
                .map(|&(_, v)| v)
                .filter(|v| !v.is_empty());
            assert_eq!(property.sub_property(k), last);
        }
        let _ = format!("{property:?}");
    }
    let _ = format!("{section:?}");
}

/// What a section holds: key → (value, location).
fn contents(section: Section<'_>) -> BTreeMap<String, (String, Location)> {
    section
        .properties()
        .map(|p| (p.key().to_owned(), (p.value().to_owned(), p.location())))
        .collect()
}

/// The merged set is the union of the sets of each file alone, the credentials file's
/// definition of a key winning, and a section keeping the location of its first file.
fn check_merge(config: &ProfileSet, credentials: &ProfileSet, both: &ProfileSet) {
    for kind in KINDS {
        let mut names: Vec<&str> = config.sections(kind).iter().map(Section::name).collect();
        names.extend(credentials.sections(kind).iter().map(Section::name));
        names.sort_unstable();
        names.dedup();
        let merged: Vec<&str> = both.sections(kind).iter().map(Section::name).collect();
        assert_eq!(
            merged, names,
            "the merged set has the sections of both files"
        );
        for name in names {
            let from_config = config.section(kind, name);
            let from_credentials = credentials.section(kind, name);
            let section = both.section(kind, name).expect("listed above");
            let first = from_config.or(from_credentials).expect("from one file");
            assert_eq!(section.location(), first.location());
            let mut expected = from_config.map(contents).unwrap_or_default();
            expected.extend(from_credentials.map(contents).unwrap_or_default());
            assert_eq!(contents(section), expected, "section {name}");
        }
    }
    let mut warnings = config.warnings().to_vec();
    warnings.extend_from_slice(credentials.warnings());
    assert_eq!(both.warnings(), warnings.as_slice());
}
