//! The clock as a value: providers never read the system time themselves.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use jiff::Timestamp;

/// A source of the current time. The chain crate has the system clock; tests use
/// [`TestClock`].
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// A clock that says what it is told: fixed until [`set`](Self::set) or
/// [`advance`](Self::advance). Clones share the time.
///
/// ```
/// use std::time::Duration;
/// use ssokit_credentials::{Clock, TestClock};
///
/// let clock = TestClock::new("2026-03-01T12:00:00Z".parse()?);
/// clock.advance(Duration::from_secs(10));
/// assert_eq!(clock.now().to_string(), "2026-03-01T12:00:10Z");
/// # Ok::<(), jiff::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct TestClock(Arc<Mutex<Timestamp>>);

impl TestClock {
    /// A clock standing at `now`.
    pub fn new(now: Timestamp) -> Self {
        Self(Arc::new(Mutex::new(now)))
    }

    /// Moves the clock to `now`.
    pub fn set(&self, now: Timestamp) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = now;
    }

    /// Moves the clock forward by `by` (saturating at the largest time).
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *now = now.checked_add(by).unwrap_or(Timestamp::MAX);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
