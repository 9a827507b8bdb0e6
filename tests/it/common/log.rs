//! The test process's one tracing subscriber, for the test that reads the request log
//! (`request_log.rs`), with every other test running beside it in the same binary.
//!
//! tracing allows one global subscriber per process, and it caches each call site's interest in
//! it, so the subscriber is installed once, before any test server is built ([`install`], from
//! [`super::start_on`]), and is the same for the whole run. What it captures is decided per
//! event instead: only events and spans on a thread that asked for them
//! ([`capture_this_thread`]) are enabled; on every other thread `tracing::enabled!` is false, so
//! their servers are built without request tracing and log nothing, exactly as with no
//! subscriber. libtest runs each test on a thread of its own and `#[tokio::test]`'s runtime
//! runs the test's server on that thread, so a capturing test sees its own server's lines only.

use std::cell::Cell;
use std::sync::{Arc, Mutex, OnceLock};

use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

thread_local! {
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
}

static LOG: OnceLock<CapturedLog> = OnceLock::new();

/// What the subscriber writes, kept for the test to read.
#[derive(Clone, Default)]
pub struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl CapturedLog {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl std::io::Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for CapturedLog {
    type Writer = CapturedLog;

    fn make_writer(&'a self) -> CapturedLog {
        self.clone()
    }
}

/// Enables events and spans on capturing threads only. Every call site's interest is
/// "sometimes", so the question is asked at each use rather than cached for the first thread
/// that happened to pass by.
struct CapturingThreadsOnly;

impl<S: Subscriber> Layer<S> for CapturingThreadsOnly {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if *metadata.level() <= Level::INFO {
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, _: &Metadata<'_>, _: Context<'_, S>) -> bool {
        CAPTURING.with(Cell::get)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::INFO)
    }
}

/// Installs the process's subscriber (at the `info` level, writing to the captured log) if no
/// test has yet. Concurrent callers wait until it is installed.
pub fn install() -> &'static CapturedLog {
    LOG.get_or_init(|| {
        let log = CapturedLog::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(Level::INFO)
            .with_ansi(false)
            .with_writer(log.clone())
            .finish()
            .with(CapturingThreadsOnly);
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other tracing subscriber in the test binary");
        log
    })
}

/// Turns logging on for the calling thread (the test's own) and returns the log it goes to.
/// Call it before starting the test's server: whether a server traces requests is decided when
/// it is built.
pub fn capture_this_thread() -> &'static CapturedLog {
    let log = install();
    CAPTURING.with(|capturing| capturing.set(true));
    log
}
