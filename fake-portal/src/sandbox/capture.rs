//! [`Capture`]: the `tracing` output of one test's thread, as text.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, Once, PoisonError};

use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

/// Records, as text, every tracing event and span field emitted on the test's thread while
/// started (the current-thread runtime of a `#[tokio::test]` runs the spawned tasks there).
///
/// One global subscriber routes events to the capture of the emitting thread: scoped
/// dispatchers per test race with each other's callsite-interest rebuilds.
///
/// Each line is `span <name>`, `record` or the event's level (`WARN`, ...), then
/// ` field=value` for each field (`Debug` formatting).
#[derive(Clone, Debug, Default)]
pub struct Capture(Arc<Mutex<Vec<String>>>);

thread_local! {
    static CURRENT: RefCell<Option<Capture>> = const { RefCell::new(None) };
}

static INSTALL: Once = Once::new();

/// Stops the capture of this thread when dropped.
#[derive(Debug)]
pub struct CaptureGuard;

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        CURRENT.with(|c| c.borrow_mut().take());
    }
}

impl Capture {
    /// Starts capturing this thread's output, until the guard is dropped. The first call
    /// installs the process-wide router.
    ///
    /// # Panics
    ///
    /// When another global `tracing` subscriber was installed first.
    pub fn start() -> (Self, CaptureGuard) {
        INSTALL.call_once(|| {
            if let Err(e) = tracing::subscriber::set_global_default(Router) {
                panic!("the capture's router cannot be installed: {e}");
            }
        });
        let capture = Self::default();
        CURRENT.with(|c| *c.borrow_mut() = Some(capture.clone()));
        (capture, CaptureGuard)
    }

    /// The lines so far.
    pub fn lines(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The lines so far, joined by `\n`.
    pub fn text(&self) -> String {
        self.lines().join("\n")
    }
}

fn record(line: String) {
    CURRENT.with(|c| {
        if let Some(capture) = c.borrow().as_ref() {
            capture
                .0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(line);
        }
    });
}

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

struct Router;

impl Subscriber for Router {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::always()
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::TRACE)
    }

    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Fields(format!("span {}", span.metadata().name()));
        span.record(&mut fields);
        record(fields.0);
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut fields = Fields("record".to_owned());
        values.record(&mut fields);
        record(fields.0);
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(format!("{}", event.metadata().level()));
        event.record(&mut fields);
        record(fields.0);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
