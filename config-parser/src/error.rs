//! The errors of this crate: reading, parsing, home resolution and boolean settings.
//!
//! Every error names the file and, where there is one, the 1-based line. All of them are
//! `Clone` so a provider can hand the same failure to every caller waiting on one load.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::location::Location;

/// What was wrong with a line of a config or credentials file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// A property or continuation line before any `[section]` header.
    ExpectedProfile,
    /// A continuation line (starting with whitespace) right after a header.
    ContinuationWithoutProperty,
    /// A header line that does not end with `]` (after its comment is cut).
    UnterminatedHeader,
    /// A property line without `=`.
    PropertyWithoutEquals,
    /// A property line whose key is empty (`= value`).
    PropertyWithoutName,
    /// A sub-property line (after `key =`) without `=`.
    SubPropertyWithoutEquals,
    /// A sub-property line whose key is empty.
    SubPropertyWithoutName,
    /// The text is larger than [`MAX_FILE_SIZE`]; the line is where the limit is crossed.
    TooLarge,
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ExpectedProfile => "Expected a profile definition",
            Self::ContinuationWithoutProperty => {
                "Expected a property definition, found continuation"
            }
            Self::UnterminatedHeader => "Profile definition must end with ']'",
            Self::PropertyWithoutEquals => "Expected an '=' sign defining a property",
            Self::PropertyWithoutName => "Property did not have a name",
            Self::SubPropertyWithoutEquals => "Expected an '=' sign defining a sub-property",
            Self::SubPropertyWithoutName => "Sub-property did not have a name",
            Self::TooLarge => {
                "The file is larger than 16 MiB, the limit for AWS config files; split it or remove unused profiles"
            }
        })
    }
}

/// A grammar error: `error parsing <path> on line <n>: <message>`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("error parsing {} on line {}: {kind}", .location.path().display(), .location.line())]
pub struct ParseError {
    location: Location,
    kind: ParseErrorKind,
}

impl ParseError {
    pub(crate) fn new(path: &Path, line: usize, kind: ParseErrorKind) -> Self {
        Self {
            location: Location::new(path, line),
            kind,
        }
    }

    /// What was wrong.
    pub fn kind(&self) -> ParseErrorKind {
        self.kind
    }

    /// The file and line of the bad line.
    pub fn location(&self) -> &Location {
        &self.location
    }
}

/// The largest config or credentials file this crate reads: 16 MiB.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// Loading the config and credentials files failed.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file exists but could not be read.
    #[error("could not read {}: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: Arc<io::Error>,
    },
    /// The file is not UTF-8.
    #[error("could not read {}: invalid UTF-8 on line {line}", .path.display())]
    InvalidUtf8 {
        /// The file.
        path: PathBuf,
        /// The 1-based line holding the first invalid byte.
        line: usize,
    },
    /// The file is larger than [`MAX_FILE_SIZE`].
    #[error(
        "could not read {}: the file is larger than 16 MiB, the limit for AWS config files",
        .path.display()
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
    },
    /// The file breaks the grammar.
    #[error(transparent)]
    Parse(#[from] ParseError),
}

impl LoadError {
    /// The file and line the error is about, when it is about one line.
    pub fn location(&self) -> Option<Location> {
        match self {
            Self::InvalidUtf8 { path, line } => Some(Location::new(path, *line)),
            Self::Parse(error) => Some(error.location.clone()),
            Self::Read { .. } | Self::TooLarge { .. } => None,
        }
    }
}

/// No home directory could be found in the environment or from the operating system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Cannot load credentials, HOME path not set")]
pub struct HomeError;

/// A boolean setting whose value is not `true` or `false` (in any case).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid value \"{value}\" for {name}: expected true or false")]
pub struct BoolError {
    name: String,
    value: String,
    location: Option<Location>,
}

impl BoolError {
    pub(crate) fn new(name: &str, value: &str, location: Option<Location>) -> Self {
        Self {
            name: name.to_owned(),
            value: value.to_owned(),
            location,
        }
    }

    /// The setting's name: a property key or an environment variable.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the value was set, when it came from a file.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }
}

/// Parses `true` / `false` in any case; anything else is an error naming the setting.
pub(crate) fn parse_bool(
    name: &str,
    value: &str,
    location: impl FnOnce() -> Option<Location>,
) -> Result<bool, BoolError> {
    if value.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if value.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(BoolError::new(name, value, location()))
    }
}
