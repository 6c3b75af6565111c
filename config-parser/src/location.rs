//! A place in a config or credentials file: the file and a 1-based line.

use std::fmt;
use std::path::{Path, PathBuf};

/// A place in a config or credentials file: the file and a 1-based line.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    path: PathBuf,
    line: usize,
}

impl Location {
    /// A location from a path and a 1-based line number.
    pub fn new(path: impl Into<PathBuf>, line: usize) -> Self {
        Self {
            path: path.into(),
            line,
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The 1-based line number.
    pub fn line(&self) -> usize {
        self.line
    }
}

/// Renders as `<path>:<line>`, the form the CLI prints after `  at `.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)
    }
}
