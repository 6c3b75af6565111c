//! One cache file on disk: lenient reading (SPEC §3.2) and the atomic write (§3.5).

use std::collections::hash_map::RandomState;
use std::fs::{self, File, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::key::cache_file_name;
use crate::lock::{CacheLock, LockError, LockOptions};
use crate::token::{CachedToken, ReadError};

/// How long [`TokenCacheFile::read`] waits before reading a corrupt file a second time
/// (other tools write the cache in place, so a reader may catch a half-written file).
pub const DEFAULT_CORRUPT_RETRY_DELAY: Duration = Duration::from_millis(100);

/// One token cache file, `<cache dir>/<sha1 of key>.json`, and its lock file beside it.
///
/// Construction does no I/O. Every method is blocking file I/O; async callers run them on
/// a blocking thread.
#[derive(Clone, Debug)]
pub struct TokenCacheFile {
    path: PathBuf,
    corrupt_retry_delay: Duration,
}

impl TokenCacheFile {
    /// The cache file for `key` (sso-session name, or legacy start URL) in `cache_dir`
    /// (normally [`cache_dir`](crate::cache_dir)`(home)`).
    pub fn new(cache_dir: &Path, key: &str) -> Self {
        Self::at_path(cache_dir.join(cache_file_name(key)))
    }

    /// A cache file at an explicit path.
    pub fn at_path(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            corrupt_retry_delay: DEFAULT_CORRUPT_RETRY_DELAY,
        }
    }

    /// Sets the delay before a corrupt file is read again (default
    /// [`DEFAULT_CORRUPT_RETRY_DELAY`]).
    #[must_use]
    pub fn with_corrupt_retry_delay(mut self, delay: Duration) -> Self {
        self.corrupt_retry_delay = delay;
        self
    }

    /// The cache file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The lock file's path: the cache file's path with `.lock` appended.
    pub fn lock_path(&self) -> PathBuf {
        let mut name = self.path.as_os_str().to_owned();
        name.push(".lock");
        PathBuf::from(name)
    }

    /// Reads and parses the file.
    ///
    /// `Ok(None)` means "not found": no file, an empty or whitespace-only file, or `null`.
    /// A corrupt file is read once more after the configured delay; if it is still corrupt
    /// the error is returned and the file is left exactly as it is. This never locks and
    /// never writes.
    pub fn read(&self) -> Result<Option<CachedToken>, ReadError> {
        self.with_second_chance(|| self.read_once(), ReadError::is_corrupt)
    }

    /// Runs `read`, and once more after the corrupt-retry delay when its error
    /// `is_invalid`: a tool that writes in place may have been halfway through. The one
    /// second-chance read of every file kind kept here.
    pub(crate) fn with_second_chance<T, E>(
        &self,
        read: impl Fn() -> Result<T, E>,
        is_invalid: impl Fn(&E) -> bool,
    ) -> Result<T, E> {
        match read() {
            Err(e) if is_invalid(&e) => {
                std::thread::sleep(self.corrupt_retry_delay);
                read()
            }
            other => other,
        }
    }

    fn read_once(&self) -> Result<Option<CachedToken>, ReadError> {
        match fs::read(&self.path) {
            Ok(bytes) => CachedToken::parse(&bytes, &self.path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ReadError::io(&self.path, e)),
        }
    }

    /// Takes the exclusive cross-process lock for this cache file; see [`CacheLock`]. A
    /// missing cache directory is created 0700 first, as a write would.
    pub fn lock(&self, options: &LockOptions) -> Result<CacheLock, LockError> {
        self.acquire(self.lock_path(), options)
    }

    /// Takes the lock file `path` beside this file, creating the directory first (a fresh
    /// home has no `~/.aws/sso/cache` before its first login). A directory that cannot be
    /// made is [`LockError::Folder`], naming it and the real cause (a `~/.aws` owned by
    /// root, say), not the lock file's "No such file or directory".
    fn acquire(&self, path: PathBuf, options: &LockOptions) -> Result<CacheLock, LockError> {
        if let Some(dir) = self.path.parent()
            && !dir.as_os_str().is_empty()
            && let Err(e) = create_private_dir(dir)
            && !dir.is_dir()
        {
            return Err(LockError::Folder {
                path: dir.to_path_buf(),
                source: Arc::new(e),
            });
        }
        CacheLock::acquire(path, options)
    }

    /// The login lock: `<cache file>.login.lock` (SPEC §19.9), held by a login from before
    /// its client registration to after its token write, so one login per target runs at
    /// a time. Its recorded time ([`CacheLock::record_attempt`]) is that of the last
    /// successful login. Separate from [`lock`](Self::lock), which a refresh takes.
    pub fn login_lock_path(&self) -> PathBuf {
        let mut name = self.path.as_os_str().to_owned();
        name.push(".login.lock");
        PathBuf::from(name)
    }

    /// Takes the login lock (a zero timeout tries once: [`LockError::TimedOut`] says
    /// another login holds it).
    pub fn login_lock(&self, options: &LockOptions) -> Result<CacheLock, LockError> {
        self.acquire(self.login_lock_path(), options)
    }

    /// Replaces the file with `token` atomically (SPEC §3.5).
    ///
    /// 1. Missing directories are created with mode 0700 (existing ones keep theirs).
    /// 2. `.<file name>.<pid>.<random>.tmp` is created beside the target, exclusively, mode
    ///    0600; the contents are written and synced.
    /// 3. The target is read again: if its bytes differ from those `token` was read from (a
    ///    tool that ignores the lock wrote it), nothing is replaced and
    ///    [`WriteError::Changed`] is returned.
    /// 4. The temporary file is renamed over the target and the directory synced (best
    ///    effort).
    ///
    /// On any failure the temporary file is removed; the target is never truncated or
    /// written in place. Callers warn about errors and go on with the token they hold.
    pub fn write(&self, token: &CachedToken) -> Result<(), WriteError> {
        self.write_bytes(token.render().as_bytes(), Some(token.origin()))
    }

    /// Replaces the file with `bytes` the same atomic way (0600 temporary file, fsync,
    /// rename, directories 0700), but without step 3: whatever the file holds now is
    /// replaced. For writes that win by design (a login's new token, a client
    /// registration), made under the caller's lock.
    pub fn replace(&self, bytes: &[u8]) -> Result<(), WriteError> {
        self.write_bytes(bytes, None)
    }

    /// The atomic write; `origin` (the SHA-1 of the bytes a token was parsed from) makes it
    /// refuse a file that changed since.
    fn write_bytes(&self, bytes: &[u8], origin: Option<[u8; 20]>) -> Result<(), WriteError> {
        let dir = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        create_private_dir(&dir).map_err(|e| WriteError::CreateDir {
            path: dir.clone(),
            source: Arc::new(e),
        })?;
        let (temp_path, mut temp) = self.create_temp(&dir)?;
        let result = self.finish_write(bytes, origin, &temp_path, &mut temp, &dir);
        if result.is_err() {
            drop(temp);
            let _ = fs::remove_file(&temp_path);
        }
        result
    }

    fn create_temp(&self, dir: &Path) -> Result<(PathBuf, File), WriteError> {
        let name = self
            .path
            .file_name()
            .map_or_else(|| "token".into(), |n| n.to_string_lossy().into_owned());
        let pid = std::process::id();
        let mut attempt = 0u32;
        loop {
            let temp_path = dir.join(format!(".{name}.{pid}.{:016x}.tmp", random_u64()));
            match create_private_file(&temp_path) {
                Ok(file) => return Ok((temp_path, file)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 8 => {
                    attempt += 1;
                }
                Err(e) => {
                    return Err(WriteError::CreateTemp {
                        path: temp_path,
                        source: Arc::new(e),
                    });
                }
            }
        }
    }

    fn finish_write(
        &self,
        bytes: &[u8],
        origin: Option<[u8; 20]>,
        temp_path: &Path,
        temp: &mut File,
        dir: &Path,
    ) -> Result<(), WriteError> {
        temp.write_all(bytes)
            .and_then(|()| temp.sync_all())
            .map_err(|e| WriteError::WriteTemp {
                path: temp_path.to_path_buf(),
                source: Arc::new(e),
            })?;
        if let Some(origin) = origin {
            let unchanged = match fs::read(&self.path) {
                Ok(current) => sha1_smol::Sha1::from(&current).digest().bytes() == origin,
                Err(e) if e.kind() == io::ErrorKind::NotFound => false,
                Err(e) => {
                    return Err(WriteError::Reread {
                        path: self.path.clone(),
                        source: Arc::new(e),
                    });
                }
            };
            if !unchanged {
                return Err(WriteError::Changed {
                    path: self.path.clone(),
                });
            }
        }
        fs::rename(temp_path, &self.path).map_err(|e| WriteError::Rename {
            from: temp_path.to_path_buf(),
            to: self.path.clone(),
            source: Arc::new(e),
        })?;
        sync_dir(dir);
        Ok(())
    }
}

/// Why [`TokenCacheFile::write`] did not replace the file. The file is unchanged in every
/// case, and no temporary file is left behind.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// A missing cache directory could not be created.
    #[error("could not create directory {}: {source}", path.display())]
    #[non_exhaustive]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        source: Arc<io::Error>,
    },
    /// The temporary file could not be created (for example a read-only cache directory).
    #[error("could not create temporary file {}: {source}", path.display())]
    #[non_exhaustive]
    CreateTemp {
        /// The temporary file.
        path: PathBuf,
        /// The I/O error.
        source: Arc<io::Error>,
    },
    /// Writing or syncing the temporary file failed.
    #[error("could not write temporary file {}: {source}", path.display())]
    #[non_exhaustive]
    WriteTemp {
        /// The temporary file.
        path: PathBuf,
        /// The I/O error.
        source: Arc<io::Error>,
    },
    /// The target could not be read again before replacing it.
    #[error("could not read {} again before replacing it: {source}", path.display())]
    #[non_exhaustive]
    Reread {
        /// The cache file.
        path: PathBuf,
        /// The I/O error.
        source: Arc<io::Error>,
    },
    /// The target changed (or disappeared) since the token was read from it: another program
    /// wrote it without taking the lock, so it was left as that program wrote it.
    #[error("{} changed since it was read (another program wrote it); left as it is", path.display())]
    #[non_exhaustive]
    Changed {
        /// The cache file.
        path: PathBuf,
    },
    /// The temporary file could not be renamed over the target.
    #[error("could not rename {} to {}: {source}", from.display(), to.display())]
    #[non_exhaustive]
    Rename {
        /// The temporary file.
        from: PathBuf,
        /// The cache file.
        to: PathBuf,
        /// The I/O error.
        source: Arc<io::Error>,
    },
}

/// A random number from the standard library's per-process random hash keys.
fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.finish()
}

#[cfg(unix)]
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::DirBuilder::new().recursive(true).create(dir)
}

#[cfg(unix)]
pub(crate) fn create_private_file(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
pub(crate) fn create_private_file(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_path_appends_lock() {
        let f = TokenCacheFile::new(Path::new("/c"), "dev");
        assert_eq!(
            f.lock_path(),
            Path::new("/c/34c6fceca75e456f25e7e99531e2425c6c1de443.json.lock")
        );
        assert_eq!(
            f.login_lock_path(),
            Path::new("/c/34c6fceca75e456f25e7e99531e2425c6c1de443.json.login.lock")
        );
    }

    #[test]
    fn a_held_login_lock_makes_a_try_time_out_and_leaves_the_refresh_lock_free() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let f = TokenCacheFile::new(dir.path(), "dev");
        let mut held = f
            .login_lock(&LockOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let now = jiff::Timestamp::UNIX_EPOCH;
        held.record_attempt(now).unwrap_or_else(|e| panic!("{e}"));
        let try_once = LockOptions::default().with_timeout(Duration::ZERO);
        assert!(matches!(
            f.login_lock(&try_once),
            Err(LockError::TimedOut { .. })
        ));
        assert!(
            f.lock(&try_once).is_ok(),
            "a refresh is not blocked by a login"
        );
        drop(held);
        let again = f.login_lock(&try_once).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.last_attempt().unwrap_or(None), Some(now));
    }

    #[test]
    fn every_write_error_renders_path_and_cause() {
        let io = || Arc::new(io::Error::other("boom"));
        let p = || PathBuf::from("/c/x.json");
        let cases = [
            (
                WriteError::CreateDir {
                    path: p(),
                    source: io(),
                },
                "could not create directory /c/x.json: boom",
            ),
            (
                WriteError::CreateTemp {
                    path: p(),
                    source: io(),
                },
                "could not create temporary file /c/x.json: boom",
            ),
            (
                WriteError::WriteTemp {
                    path: p(),
                    source: io(),
                },
                "could not write temporary file /c/x.json: boom",
            ),
            (
                WriteError::Reread {
                    path: p(),
                    source: io(),
                },
                "could not read /c/x.json again before replacing it: boom",
            ),
            (
                WriteError::Changed { path: p() },
                "/c/x.json changed since it was read (another program wrote it); left as it is",
            ),
            (
                WriteError::Rename {
                    from: PathBuf::from("/c/.x.tmp"),
                    to: p(),
                    source: io(),
                },
                "could not rename /c/.x.tmp to /c/x.json: boom",
            ),
        ];
        for (error, text) in cases {
            assert_eq!(error.to_string(), text);
        }
    }

    #[test]
    fn temp_files_are_named_after_the_target_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let file = TokenCacheFile::new(dir.path(), "dev");
        let (first, _f1) = file.create_temp(dir.path()).unwrap();
        let (second, _f2) = file.create_temp(dir.path()).unwrap();
        assert_ne!(first, second);
        for path in [&first, &second] {
            let name = path.file_name().unwrap().to_str().unwrap();
            let rest = name
                .strip_prefix(".34c6fceca75e456f25e7e99531e2425c6c1de443.json.")
                .unwrap();
            let parts: Vec<&str> = rest.split('.').collect();
            assert_eq!(parts.len(), 3, "{name}");
            assert_eq!(parts[0], std::process::id().to_string());
            assert_eq!(parts[1].len(), 16, "{name}");
            assert_eq!(parts[2], "tmp");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = fs::metadata(path).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o600);
            }
        }
        // Exclusive: an existing name is never opened again.
        assert_eq!(
            create_private_file(&first).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
    }

    #[test]
    fn random_numbers_differ() {
        assert_ne!(random_u64(), random_u64());
    }
}
