//! The cross-process lock of one cache file (SPEC §3.6).
//!
//! The lock is an exclusive advisory lock (`flock` / `LockFileEx` semantics, through
//! [`std::fs::File::try_lock`]) on `<cache file>.lock`. Two handles exclude each other even
//! in one process. The lock file is created with mode 0600 when missing and never deleted;
//! its contents are the RFC 3339 time of the last `CreateToken` attempt, which is how
//! processes throttle refreshes across the machine.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;

use crate::time::{format_time, parse_time};

/// How [`TokenCacheFile::lock`](crate::TokenCacheFile::lock) waits for the lock.
///
/// It tries at once, then sleeps between tries, starting at the minimum interval and
/// doubling up to the maximum, until the timeout. The defaults are 25 ms, 100 ms and 45 s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockOptions {
    min_poll: Duration,
    max_poll: Duration,
    timeout: Duration,
}

impl Default for LockOptions {
    fn default() -> Self {
        Self {
            min_poll: Duration::from_millis(25),
            max_poll: Duration::from_millis(100),
            timeout: Duration::from_secs(45),
        }
    }
}

impl LockOptions {
    /// Sets the interval between tries (`min` first, doubling up to `max`).
    #[must_use]
    pub fn with_poll_interval(mut self, min: Duration, max: Duration) -> Self {
        self.min_poll = min;
        self.max_poll = max.max(min);
        self
    }

    /// Sets how long to wait in total before giving up with [`LockError::TimedOut`].
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The total wait before giving up.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}

/// A held lock on a cache file's lock file. Dropping it releases the lock, also during a
/// panic; the lock file stays.
///
/// The refresh protocol: lock, read the cache file again, decide (a valid token now? a
/// recent [`last_attempt`](Self::last_attempt)?), [`record_attempt`](Self::record_attempt),
/// call `CreateToken`, [`TokenCacheFile::write`](crate::TokenCacheFile::write), drop the lock.
#[derive(Debug)]
pub struct CacheLock {
    file: File,
    path: PathBuf,
}

impl CacheLock {
    pub(crate) fn acquire(path: PathBuf, options: &LockOptions) -> Result<Self, LockError> {
        let file = open_lock_file(&path).map_err(|e| LockError::Open {
            path: path.clone(),
            source: Arc::new(e),
        })?;
        #[allow(
            clippy::disallowed_methods,
            reason = "the lock wait's deadline is a monotonic duration from now, not a time of day; its length comes from the caller's LockOptions"
        )]
        let start = Instant::now();
        let mut interval = options.min_poll;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Self { file, path }),
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(e)) => {
                    return Err(LockError::Lock {
                        path,
                        source: Arc::new(e),
                    });
                }
            }
            let waited = start.elapsed();
            if waited >= options.timeout {
                return Err(LockError::TimedOut { path });
            }
            std::thread::sleep(interval.min(options.timeout.saturating_sub(waited)));
            interval = interval.saturating_mul(2).min(options.max_poll);
        }
    }

    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The time of the last `CreateToken` attempt recorded in the lock file by any process;
    /// `None` when the file is empty or holds no valid time (it is only a hint).
    pub fn last_attempt(&self) -> Result<Option<Timestamp>, LockError> {
        let mut text = String::new();
        let mut file = &self.file;
        file.seek(SeekFrom::Start(0))
            .and_then(|_| file.take(256).read_to_string(&mut text))
            .map_err(|e| self.error_attempt(e))?;
        Ok(parse_time(text.trim()))
    }

    /// Records `at` as the time of a `CreateToken` attempt, replacing the previous one.
    pub fn record_attempt(&mut self, at: Timestamp) -> Result<(), LockError> {
        let text = format_time(at);
        let mut file = &self.file;
        file.set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(text.as_bytes()))
            .and_then(|()| file.sync_data())
            .map_err(|e| self.error_attempt(e))
    }

    fn error_attempt(&self, e: io::Error) -> LockError {
        LockError::Attempt {
            path: self.path.clone(),
            source: Arc::new(e),
        }
    }
}

impl Drop for CacheLock {
    fn drop(&mut self) {
        // Closing the handle releases the lock too; unlocking first makes it immediate.
        let _ = self.file.unlock();
    }
}

/// Why no lock is held. Callers warn and go on unlocked for [`Open`](Self::Open),
/// [`Folder`](Self::Folder) and [`Lock`](Self::Lock); [`TimedOut`](Self::TimedOut) fails
/// the refresh.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LockError {
    /// The lock file could not be opened or created.
    #[error("could not open lock file {}: {source}", path.display())]
    #[non_exhaustive]
    Open {
        /// The lock file.
        path: PathBuf,
        /// The I/O error.
        source: Arc<io::Error>,
    },
    /// The cache folder the lock file belongs in could not be made (a `~/.aws` owned by
    /// another user, say).
    #[error("could not create the cache folder {}: {source}", path.display())]
    #[non_exhaustive]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        source: Arc<io::Error>,
    },
    /// Locking failed for another reason than another holder (e.g. unsupported).
    #[error("could not lock {}: {source}", path.display())]
    #[non_exhaustive]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The I/O error.
        source: Arc<io::Error>,
    },
    /// Another holder kept the lock for the whole timeout: `timed out waiting for <path>`.
    #[error("timed out waiting for {}", path.display())]
    #[non_exhaustive]
    TimedOut {
        /// The lock file.
        path: PathBuf,
    },
    /// The attempt time could not be read from or written to the lock file.
    #[error("could not record the refresh attempt in {}: {source}", path.display())]
    #[non_exhaustive]
    Attempt {
        /// The lock file.
        path: PathBuf,
        /// The I/O error.
        source: Arc<io::Error>,
    },
}

/// Opens the lock file for reading and writing, creating it (mode 0600 on Unix) when missing
/// and keeping its contents.
fn open_lock_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_spec() {
        let o = LockOptions::default();
        assert_eq!(o.min_poll, Duration::from_millis(25));
        assert_eq!(o.max_poll, Duration::from_millis(100));
        assert_eq!(o.timeout(), Duration::from_secs(45));
    }

    #[test]
    fn huge_intervals_do_not_overflow() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.json.lock");
        let held = CacheLock::acquire(path.clone(), &LockOptions::default()).unwrap();
        let options = LockOptions::default()
            .with_poll_interval(Duration::MAX, Duration::MAX)
            .with_timeout(Duration::from_millis(20));
        let error = CacheLock::acquire(path, &options).unwrap_err();
        assert!(matches!(error, LockError::TimedOut { .. }));
        drop(held);
    }

    #[test]
    fn every_lock_error_renders_path_and_cause() {
        let io = || Arc::new(io::Error::other("boom"));
        let p = || PathBuf::from("/c/x.json.lock");
        let cases = [
            (
                LockError::Open {
                    path: p(),
                    source: io(),
                },
                "could not open lock file /c/x.json.lock: boom",
            ),
            (
                LockError::Lock {
                    path: p(),
                    source: io(),
                },
                "could not lock /c/x.json.lock: boom",
            ),
            (
                LockError::TimedOut { path: p() },
                "timed out waiting for /c/x.json.lock",
            ),
            (
                LockError::Attempt {
                    path: p(),
                    source: io(),
                },
                "could not record the refresh attempt in /c/x.json.lock: boom",
            ),
        ];
        for (error, text) in cases {
            assert_eq!(error.to_string(), text);
        }
    }

    #[test]
    fn max_poll_is_at_least_min_poll() {
        let o = LockOptions::default()
            .with_poll_interval(Duration::from_millis(50), Duration::from_millis(10));
        assert_eq!(o.max_poll, Duration::from_millis(50));
    }
}
