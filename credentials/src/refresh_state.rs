//! The refresh state of session tokens (SPEC §7.2), shared by the providers of one chain:
//! per cache file, the refresh in flight and the time of the last `CreateToken` attempt.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use jiff::Timestamp;

use crate::error::CredentialsError;
use crate::single_flight::SingleFlight;
use crate::types::Token;

/// Minimum time between two `CreateToken` attempts for one cache file.
pub(crate) const THROTTLE: Duration = Duration::from_secs(30);

/// The shared per-cache-file refresh state of one chain (SPEC §7.2): which refresh is in
/// flight and when the last attempt was. Clones share it; there is no process-global state.
#[derive(Clone, Default)]
pub struct SessionTokenStates(Arc<Mutex<HashMap<PathBuf, Arc<SessionTokenState>>>>);

impl SessionTokenStates {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    pub(crate) fn state(&self, cache_file: &Path) -> Arc<SessionTokenState> {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(map.entry(cache_file.to_path_buf()).or_default())
    }
}

impl fmt::Debug for SessionTokenStates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("SessionTokenStates")
            .field("cache_files", &map.len())
            .finish()
    }
}

/// The refresh state of one cache file.
#[derive(Default)]
pub(crate) struct SessionTokenState {
    last_attempt: Mutex<Option<Timestamp>>,
    flight: SingleFlight<Result<Token, CredentialsError>>,
}

impl SessionTokenState {
    /// The refresh in flight for this cache file (one at a time).
    pub(crate) fn flight(&self) -> &SingleFlight<Result<Token, CredentialsError>> {
        &self.flight
    }

    /// Whether a `CreateToken` was attempted less than [`THROTTLE`] ago.
    pub(crate) fn recent_attempt(&self, now: Timestamp) -> bool {
        let last = *self
            .last_attempt
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        last.is_some_and(|last| within_throttle(last, now))
    }

    pub(crate) fn record_attempt(&self, now: Timestamp) {
        *self
            .last_attempt
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(now);
    }
}

/// Whether `last` is less than [`THROTTLE`] from `now`, either way (a clock set back
/// counts too).
pub(crate) fn within_throttle(last: Timestamp, now: Timestamp) -> bool {
    let age = now.duration_since(last);
    age.unsigned_abs() < THROTTLE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn throttle_is_thirty_seconds_either_way() {
        let now = ts("2026-03-01T12:00:30Z");
        assert!(within_throttle(ts("2026-03-01T12:00:01Z"), now));
        assert!(!within_throttle(ts("2026-03-01T12:00:00Z"), now));
        assert!(within_throttle(ts("2026-03-01T12:00:40Z"), now));
    }
}
