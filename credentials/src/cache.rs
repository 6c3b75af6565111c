//! The one caching mechanism every provider uses (SPEC §9): v2's `expired` /
//! `expireTime` / `expiryWindow` / `needsRefresh` / `get` / `refresh`, plus single-flight.
//!
//! The cached value sits behind a std `RwLock`, so a cached `get()` is one uncontended read
//! lock, a clock read and a reference-count increment. A load runs through the crate's one
//! [`SingleFlight`]: every caller (the one that started it included) shares its result,
//! and a caller that is dropped cancels nobody. A successful load stores its value before
//! the flight ends; a failed load leaves the old value in place, so the next call loads
//! again.

use std::future::Future;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use jiff::Timestamp;

use crate::clock::Clock;
use crate::error::{CredentialsError, ErrorCode};
use crate::single_flight::SingleFlight;
use crate::types::Expiring;

/// The default expiry window of credentials: 15 s.
pub const CREDENTIALS_WINDOW: Duration = Duration::from_secs(15);

/// The default expiry window of tokens, and the validity margin of a cached token: 300 s.
pub const TOKEN_WINDOW: Duration = Duration::from_secs(300);

struct Slot<T> {
    value: Option<T>,
    expired: bool,
}

struct Inner<T> {
    slot: RwLock<Slot<T>>,
    flight: SingleFlight<Result<T, CredentialsError>>,
    window: Duration,
}

/// A cached value with single-flight loading. Clones share the cache.
pub(crate) struct Cache<T>(Arc<Inner<T>>);

impl<T> Clone for Cache<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<T: Expiring> Cache<T> {
    pub(crate) fn new(window: Duration) -> Self {
        Self(Arc::new(Inner {
            slot: RwLock::new(Slot {
                value: None,
                expired: true,
            }),
            flight: SingleFlight::new(),
            window,
        }))
    }

    pub(crate) fn window(&self) -> Duration {
        self.0.window
    }

    pub(crate) fn expired(&self) -> bool {
        self.0
            .slot
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .expired
    }

    pub(crate) fn expire(&self) {
        self.0
            .slot
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .expired = true;
    }

    pub(crate) fn expire_time(&self) -> Option<Timestamp> {
        self.0
            .slot
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .value
            .as_ref()
            .and_then(Expiring::expiry)
    }

    pub(crate) fn cached(&self) -> Option<T> {
        self.0
            .slot
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .value
            .clone()
    }

    /// The cached value if it does not need a refresh at `now`.
    fn fresh(&self, now: Timestamp) -> Option<T> {
        let slot = self.0.slot.read().unwrap_or_else(PoisonError::into_inner);
        match &slot.value {
            Some(value) if !slot.expired && !stale(value.expiry(), now, self.0.window) => {
                Some(value.clone())
            }
            _ => None,
        }
    }

    pub(crate) fn needs_refresh(&self, clock: &dyn Clock) -> bool {
        self.fresh(clock.now()).is_none()
    }

    /// Whether a value is held but was marked expired ([`expire`](Self::expire)): the
    /// next load is then a forced one.
    fn expired_by_hand(&self) -> bool {
        let slot = self.0.slot.read().unwrap_or_else(PoisonError::into_inner);
        slot.expired && slot.value.is_some()
    }

    /// The cached value, or a refresh when it needs one. `load` is told whether the value
    /// was expired by hand (a forced load) rather than missing or stale.
    pub(crate) async fn get<F, Fut>(
        &self,
        clock: &dyn Clock,
        load: F,
    ) -> Result<T, CredentialsError>
    where
        F: FnOnce(bool) -> Fut,
        Fut: Future<Output = Result<T, CredentialsError>> + Send + 'static,
    {
        if let Some(value) = self.fresh(clock.now()) {
            tracing::debug!("cached value is fresh: no load");
            return Ok(value);
        }
        tracing::debug!("no fresh cached value: loading");
        let forced = self.expired_by_hand();
        self.refresh(move || load(forced)).await
    }

    /// Loads now (joining a load already in flight).
    pub(crate) async fn refresh<F, Fut>(&self, load: F) -> Result<T, CredentialsError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, CredentialsError>> + Send + 'static,
    {
        let inner = Arc::clone(&self.0);
        let outcome = self
            .0
            .flight
            .run(move || {
                let future = load();
                async move {
                    let outcome = future.await;
                    if let Ok(value) = &outcome {
                        let mut slot = inner.slot.write().unwrap_or_else(PoisonError::into_inner);
                        slot.value = Some(value.clone());
                        slot.expired = false;
                    }
                    outcome
                }
            })
            .await;
        outcome.unwrap_or_else(|_abandoned| {
            Err(CredentialsError::failed(
                ErrorCode::Cancelled,
                "the load was abandoned (its runtime shut down)",
            ))
        })
    }
}

/// `expire_time` set and `now + window > expire_time`.
pub(crate) fn stale(expiry: Option<Timestamp>, now: Timestamp, window: Duration) -> bool {
    expiry.is_some_and(|expiry| now.checked_add(window).map_or(true, |t| t > expiry))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::TestClock;
    use crate::types::Token;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn stale_is_now_plus_window_after_expiry() {
        let expiry = Some(ts("2026-03-01T12:05:00Z"));
        let window = Duration::from_secs(300);
        assert!(!stale(expiry, ts("2026-03-01T12:00:00Z"), window));
        assert!(stale(expiry, ts("2026-03-01T12:00:01Z"), window));
        assert!(!stale(None, ts("2026-03-01T12:00:01Z"), window));
    }

    #[tokio::test]
    async fn v2_cached_semantics() {
        let clock = TestClock::new(ts("2026-03-01T12:00:00Z"));
        let cache: Cache<Token> = Cache::new(Duration::from_secs(300));
        assert!(cache.expired() && cache.needs_refresh(&clock));
        let token = Token::new("t", Some(ts("2026-03-01T13:00:00Z")));
        let loaded = token.clone();
        let got = cache
            .get(&clock, move |_| async move { Ok(loaded) })
            .await
            .unwrap();
        assert_eq!(got, token);
        assert!(!cache.expired() && !cache.needs_refresh(&clock));
        let got = cache
            .get(&clock, |_| async { panic!("cached: no load") })
            .await
            .unwrap();
        assert_eq!(got, token);
        let failed = cache
            .refresh(|| async { Err(CredentialsError::failed(ErrorCode::Transport, "down")) })
            .await;
        assert_eq!(failed.unwrap_err().to_string(), "down");
        assert_eq!(cache.cached(), Some(token));
        cache.expire();
        assert!(cache.needs_refresh(&clock));
        clock.set(ts("2026-03-01T12:55:01Z"));
        assert!(cache.needs_refresh(&clock));
    }
}
