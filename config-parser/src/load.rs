//! Reading the two files from disk: the only part of this crate that does I/O.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;

use crate::error::{LoadError, MAX_FILE_SIZE};
use crate::files::FileLocations;
use crate::model::set::{ProfileSet, Source};

impl ProfileSet {
    /// Reads and parses both files, config first. A missing file is empty; an unreadable,
    /// oversized or non-UTF-8 file, or a grammar error, fails the load.
    pub fn load(files: &FileLocations) -> Result<Self, LoadError> {
        let config = read_source(files.config())?;
        let credentials = read_source(files.credentials())?;
        Ok(Self::parse(config, credentials)?)
    }
}

/// Reads one file into a [`Source`]; a file that does not exist is empty.
pub fn read_source(path: &Path) -> Result<Source, LoadError> {
    let read_error = |source: io::Error| LoadError::Read {
        path: path.to_path_buf(),
        source: Arc::new(source),
    };
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Source::empty(path)),
        Err(e) => return Err(read_error(e)),
    };
    let mut bytes = Vec::new();
    // Read one byte past the limit to tell "at the limit" from "over it" without trusting
    // metadata (a FIFO or /dev/stdin has no size).
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if u64::try_from(bytes.len()).map_or(true, |size| size > MAX_FILE_SIZE) {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source::new(path, text)),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.split(|&b| b == b'\n').count();
            Err(LoadError::InvalidUtf8 {
                path: path.to_path_buf(),
                line,
            })
        }
    }
}
