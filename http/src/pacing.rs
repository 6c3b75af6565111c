//! [`Pacing`]: what the requests of one fanned-out job share (SPEC-commands §23): a limit on
//! request starts per second, a larger attempt budget for throttled answers, and the
//! shared pause after one (no request of the job starts until a throttled request's retry
//! delay has passed).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, watch};

use crate::settings::HttpSettings;

/// The window of the start limit.
const WINDOW: Duration = Duration::from_secs(1);

/// Pacing shared by the requests of one job, such as listing every role of an organisation
/// with several requests in flight. Cheap to clone: clones share the state. Give it to
/// each request with [`Request::pacing`](crate::Request::pacing).
///
/// - **Start limit**: at most `starts_per_second` attempts (retries included) start in any
///   window of one second (each start holds one of that many slots for one second, waited
///   with the client's [sleep](HttpSettings::sleep), so tests that inject a sleep do not
///   wait).
/// - **Throttled answers** (status 429 or a throttling code) are retried up to
///   `throttled_attempts` attempts in all (or the client's `max_attempts` if larger), with
///   the client's retry delays; other failures keep the client's policy.
/// - **Shared pause**: while a throttled request waits for its retry, no request of the job
///   starts (requests already sent go on); a request ready to start waits until every
///   such delay has passed.
///
/// No clock is read: the pause and the start slots are the client's sleep futures. It
/// holds no request data, so its `Debug` shows its limits only.
///
/// ```
/// use ssokit_http::Pacing;
///
/// let pacing = Pacing::new(10, 8);
/// assert_eq!((pacing.starts_per_second(), pacing.throttled_attempts()), (10, 8));
/// ```
#[derive(Clone)]
pub struct Pacing {
    inner: Arc<Inner>,
}

struct Inner {
    starts_per_second: u32,
    throttled_attempts: u32,
    /// Start slots (none without a limit).
    starts: Option<Arc<Semaphore>>,
    /// Throttled requests waiting for their retry (the pause lasts while it is above 0).
    pauses: watch::Sender<usize>,
}

impl fmt::Debug for Pacing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pacing")
            .field("starts_per_second", &self.inner.starts_per_second)
            .field("throttled_attempts", &self.inner.throttled_attempts)
            .field("paused", &self.paused())
            .finish()
    }
}

impl Pacing {
    /// At most `starts_per_second` request starts per second (0: no limit), and up to
    /// `throttled_attempts` attempts for a throttled request (at least 1).
    pub fn new(starts_per_second: u32, throttled_attempts: u32) -> Self {
        let starts = usize::try_from(starts_per_second)
            .ok()
            .filter(|n| *n > 0)
            .map(|n| Arc::new(Semaphore::new(n.min(Semaphore::MAX_PERMITS))));
        Self {
            inner: Arc::new(Inner {
                starts_per_second,
                throttled_attempts: throttled_attempts.max(1),
                starts,
                pauses: watch::Sender::new(0),
            }),
        }
    }

    /// The start limit per second (0: none).
    pub fn starts_per_second(&self) -> u32 {
        self.inner.starts_per_second
    }

    /// The attempts a throttled request gets, the first included.
    pub fn throttled_attempts(&self) -> u32 {
        self.inner.throttled_attempts
    }

    /// Whether a throttled request's delay is running now (no request starts).
    pub fn paused(&self) -> bool {
        *self.inner.pauses.borrow() > 0
    }

    /// Waits until an attempt may start: no pause running, and a start slot free (held for
    /// one second from now).
    pub(crate) async fn start(&self, settings: &HttpSettings) {
        loop {
            let mut pauses = self.inner.pauses.subscribe();
            // The sender lives in `self`: waiting cannot fail.
            let _ = pauses.wait_for(|n| *n == 0).await;
            let permit = match &self.inner.starts {
                Some(slots) => Arc::clone(slots).acquire_owned().await.ok(),
                None => None,
            };
            if self.paused() {
                // A pause began while this start waited for a slot: give it back unused.
                continue;
            }
            if let Some(permit) = permit {
                let hold = settings.wait(WINDOW);
                tokio::spawn(async move {
                    hold.await;
                    drop(permit);
                });
            }
            return;
        }
    }

    /// A throttled request's retry delay: the job's pause lasts at least until it ends.
    pub(crate) async fn pause(&self, settings: &HttpSettings, delay: Duration) {
        let _pause = PauseGuard::new(&self.inner.pauses);
        settings.wait(delay).await;
    }
}

/// One running pause; ends when dropped (also when the waiting request is cancelled).
struct PauseGuard<'a> {
    pauses: &'a watch::Sender<usize>,
}

impl<'a> PauseGuard<'a> {
    fn new(pauses: &'a watch::Sender<usize>) -> Self {
        pauses.send_modify(|n| *n += 1);
        Self { pauses }
    }
}

impl Drop for PauseGuard<'_> {
    fn drop(&mut self) {
        self.pauses.send_modify(|n| *n = n.saturating_sub(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::Mutex;

    /// Real time, scaled down a hundredfold: one second of pacing is 10 ms.
    fn scaled() -> HttpSettings {
        HttpSettings::new().sleep(|d| Box::pin(tokio::time::sleep(d / 100)))
    }

    #[allow(
        clippy::disallowed_methods,
        reason = "the test measures how long real (scaled) waits took"
    )]
    fn now() -> std::time::Instant {
        std::time::Instant::now()
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn at_most_n_starts_per_second() {
        runtime().block_on(async {
            let pacing = Pacing::new(2, 8);
            let settings = scaled();
            let begin = now();
            let starts: Arc<Mutex<Vec<Duration>>> = Arc::default();
            let mut tasks = Vec::new();
            for _ in 0..5 {
                let (pacing, settings, starts) =
                    (pacing.clone(), settings.clone(), Arc::clone(&starts));
                tasks.push(tokio::spawn(async move {
                    pacing.start(&settings).await;
                    let at = begin.elapsed();
                    starts.lock().unwrap_or_else(|e| panic!("{e}")).push(at);
                }));
            }
            for task in tasks {
                task.await.unwrap_or_else(|e| panic!("{e}"));
            }
            let mut starts = starts.lock().unwrap_or_else(|e| panic!("{e}")).clone();
            starts.sort();
            // Two in the first (scaled) second, two in the second, the fifth in the third.
            assert!(starts[2] >= Duration::from_millis(10), "{starts:?}");
            assert!(starts[4] >= Duration::from_millis(20), "{starts:?}");
        });
    }

    #[test]
    fn no_start_while_a_throttled_request_waits() {
        runtime().block_on(async {
            let pacing = Pacing::new(0, 8);
            let settings = scaled();
            let paused = {
                let (pacing, settings) = (pacing.clone(), settings.clone());
                tokio::spawn(async move { pacing.pause(&settings, Duration::from_secs(5)).await })
            };
            tokio::task::yield_now().await;
            assert!(pacing.paused());
            let begin = now();
            pacing.start(&settings).await;
            assert!(begin.elapsed() >= Duration::from_millis(49));
            assert!(!pacing.paused());
            paused.await.unwrap_or_else(|e| panic!("{e}"));
            // A cancelled wait ends its pause too.
            let cancelled = {
                let (pacing, settings) = (pacing.clone(), settings.clone());
                tokio::spawn(async move { pacing.pause(&settings, Duration::from_secs(500)).await })
            };
            tokio::task::yield_now().await;
            assert!(pacing.paused());
            cancelled.abort();
            let _ = cancelled.await;
            assert!(!pacing.paused());
            assert_eq!(
                format!("{pacing:?}"),
                "Pacing { starts_per_second: 0, throttled_attempts: 8, paused: false }"
            );
        });
    }
}
