//! [`SingleFlight`]: at most one run of a job at a time, whose result every concurrent
//! caller shares. The cached providers' loads, the session-token refresh and the chains'
//! walks all use it.
//!
//! The job runs as its own Tokio task and reports through a `watch` channel, so a caller
//! that is dropped cancels nobody. The flight is cleared *before* the result is published,
//! so a caller that sees the result and asks again starts a new run. When the task is
//! dropped unfinished (its runtime shut down), every waiter gets [`Abandoned`] and the
//! flight is cleared, so the next call starts afresh.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::watch;

type Slot<T> = Arc<Mutex<Option<watch::Receiver<Option<T>>>>>;

/// At most one run of a job at a time; concurrent callers join it. Clones share the flight.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use ssokit_credentials::SingleFlight;
///
/// let flight: SingleFlight<u32> = SingleFlight::new();
/// let (a, b) = tokio::join!(flight.run(|| async { 1 }), flight.run(|| async { 2 }));
/// // The second caller joined the first run.
/// assert_eq!((a, b), (Ok(1), Ok(1)));
/// // A finished run is not cached: the next call runs the job again.
/// assert_eq!(flight.run(|| async { 3 }).await, Ok(3));
/// # }
/// ```
pub struct SingleFlight<T> {
    slot: Slot<T>,
}

impl<T> Clone for SingleFlight<T> {
    fn clone(&self) -> Self {
        Self {
            slot: Arc::clone(&self.slot),
        }
    }
}

impl<T> Default for SingleFlight<T> {
    fn default() -> Self {
        Self {
            slot: Arc::new(Mutex::new(None)),
        }
    }
}

impl<T> fmt::Debug for SingleFlight<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let running = self
            .slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some();
        f.debug_struct("SingleFlight")
            .field("running", &running)
            .finish()
    }
}

/// The job's task was dropped before it finished (its runtime shut down).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Abandoned;

impl<T: Clone + Send + Sync + 'static> SingleFlight<T> {
    /// No run in flight.
    pub fn new() -> Self {
        Self::default()
    }

    /// Joins the run in flight, or starts `job()` as a task; returns its result.
    /// Needs a Tokio runtime.
    pub async fn run<F>(&self, job: impl FnOnce() -> F) -> Result<T, Abandoned>
    where
        F: Future<Output = T> + Send + 'static,
    {
        match self.join_or_start(|| Some(job())) {
            Some(flight) => flight.wait().await,
            None => Err(Abandoned),
        }
    }

    /// Joins the run in flight; else asks `start` for a job and runs it as a task. `start`
    /// may decline (`None`: e.g. a throttle); it is called under the flight's lock, so no
    /// other run can begin meanwhile. `None` when nothing runs.
    pub fn join_or_start<F>(&self, start: impl FnOnce() -> Option<F>) -> Option<Flight<T>>
    where
        F: Future<Output = T> + Send + 'static,
    {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(receiver) = slot.as_ref() {
            tracing::debug!("joining the run in flight");
            return Some(self.flight(receiver.clone()));
        }
        let job = start()?;
        let (sender, receiver) = watch::channel(None);
        *slot = Some(receiver.clone());
        let flight_slot = Arc::clone(&self.slot);
        tokio::spawn(async move {
            let outcome = job.await;
            *flight_slot.lock().unwrap_or_else(PoisonError::into_inner) = None;
            sender.send_replace(Some(outcome));
        });
        Some(self.flight(receiver))
    }

    /// Whether a run is in flight.
    pub fn is_running(&self) -> bool {
        self.slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    fn flight(&self, receiver: watch::Receiver<Option<T>>) -> Flight<T> {
        Flight {
            receiver,
            slot: Arc::clone(&self.slot),
        }
    }
}

/// A run joined or started by [`SingleFlight::join_or_start`]; [`wait`](Self::wait) for
/// its result. Dropping it cancels nothing.
pub struct Flight<T> {
    receiver: watch::Receiver<Option<T>>,
    slot: Slot<T>,
}

impl<T> fmt::Debug for Flight<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Flight").finish_non_exhaustive()
    }
}

impl<T: Clone> Flight<T> {
    /// The run's result, or [`Abandoned`] if its task was dropped unfinished (then the
    /// flight is cleared, so the next call starts a new run).
    pub async fn wait(mut self) -> Result<T, Abandoned> {
        let outcome = self
            .receiver
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|outcome| outcome.clone());
        outcome.ok_or_else(|| {
            let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
            if slot.as_ref().is_some_and(|r| r.has_changed().is_err()) {
                *slot = None;
            }
            Abandoned
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn concurrent_callers_share_one_run() {
        let flight: SingleFlight<usize> = SingleFlight::new();
        let runs = Arc::new(AtomicUsize::new(0));
        let (gate, opened) = tokio::sync::oneshot::channel::<()>();
        let first = {
            let runs = Arc::clone(&runs);
            flight
                .join_or_start(|| {
                    Some(async move {
                        let _ = opened.await;
                        runs.fetch_add(1, Ordering::SeqCst) + 10
                    })
                })
                .unwrap()
        };
        assert!(flight.is_running());
        let second = flight
            .join_or_start(|| -> Option<std::future::Ready<usize>> {
                panic!("a second run must not start")
            })
            .unwrap();
        let _ = gate.send(());
        assert_eq!(first.wait().await, Ok(10));
        assert_eq!(second.wait().await, Ok(10));
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert!(!flight.is_running());
    }

    #[tokio::test]
    async fn a_declined_start_runs_nothing() {
        let flight: SingleFlight<u8> = SingleFlight::new();
        assert!(
            flight
                .join_or_start(|| None::<std::future::Ready<u8>>)
                .is_none()
        );
        assert!(!flight.is_running());
    }

    #[tokio::test]
    async fn a_dropped_caller_cancels_nobody() {
        let flight: SingleFlight<u8> = SingleFlight::new();
        let (gate, opened) = tokio::sync::oneshot::channel::<()>();
        let started = flight.join_or_start(|| {
            Some(async move {
                let _ = opened.await;
                7
            })
        });
        drop(started);
        let joined = flight
            .join_or_start(|| None::<std::future::Ready<u8>>)
            .unwrap();
        let _ = gate.send(());
        assert_eq!(joined.wait().await, Ok(7));
    }

    #[test]
    fn a_run_whose_runtime_shut_down_is_abandoned_and_cleared() {
        let flight: SingleFlight<u8> = SingleFlight::new();
        let started = {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            let _entered = runtime.enter();
            flight.join_or_start(|| Some(std::future::pending::<u8>()))
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert_eq!(runtime.block_on(started.unwrap().wait()), Err(Abandoned));
        assert!(!flight.is_running());
    }
}
