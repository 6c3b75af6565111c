//! [`ProfileSet`] and its inputs ([`Source`]): parsing both files into one set.

use std::fmt;
use std::path::{Path, PathBuf};

use super::builder::Builder;
use super::kind::FileKind;
use super::names::Warning;
use super::table::{Index, Texts, joined_key};
use crate::error::{MAX_FILE_SIZE, ParseError, ParseErrorKind};
use crate::grammar;
use crate::location::Location;

/// One input file: its path (for messages and locations) and its text.
#[derive(Clone, PartialEq, Eq)]
pub struct Source {
    pub(super) path: PathBuf,
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

    /// The file's text (empty for a file that does not exist).
    pub fn text(&self) -> &str {
        &self.text
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

/// The merged contents of the config and credentials files: profiles, sso-sessions and
/// services sections, each property with the file and line that defined it.
pub struct ProfileSet {
    pub(super) config: Source,
    pub(super) credentials: Source,
    pub(super) index: Index,
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

    /// What was dropped while parsing, in file order (config file first).
    pub fn warnings(&self) -> &[Warning] {
        &self.index.warnings
    }

    /// The two files it was parsed from, config first: equal sources give an equal set, so
    /// a caller can keep what it built from a set while the files are unchanged.
    pub fn sources(&self) -> [&Source; 2] {
        [&self.config, &self.credentials]
    }

    /// The config file's path.
    pub fn config_path(&self) -> &Path {
        &self.config.path
    }

    /// The credentials file's path.
    pub fn credentials_path(&self) -> &Path {
        &self.credentials.path
    }

    pub(super) fn texts(&self) -> Texts<'_> {
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

    pub(super) fn location(&self, file: FileKind, line: usize) -> Location {
        Location::new(self.source(file).path.clone(), line)
    }

    /// The joined value of the property on `line` of `file`, if it had continuation lines.
    pub(super) fn joined_value(&self, file: FileKind, line: u32) -> Option<&str> {
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

/// A text over [`MAX_FILE_SIZE`] is refused before parsing: a `Span` holds 32-bit offsets.
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
