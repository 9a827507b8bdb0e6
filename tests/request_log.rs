//! Request logging: on at the `info` level, through the real router over HTTP.

mod common;

use common::start;

/// What a tracing subscriber writes, kept for the test to read.
#[derive(Clone, Default)]
struct CapturedLog(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

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

/// Request tracing is left out of the stack when its level is off (the other test binaries run
/// without a subscriber); when it is on, every request is logged, and pages are still compressed.
#[tokio::test]
async fn requests_are_logged_when_the_log_level_is_info() {
    let log = CapturedLog::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_writer(log.clone())
        .finish();
    // The process's only subscriber: a thread's own default would race with other tests over
    // tracing's cached interest in each call site, so this test has a binary to itself.
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let server = start(false).await;
    let response = server
        .client
        .get(format!("{}/reset-passphrase", server.base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    response.bytes().await.unwrap();
    let written = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    let line = written
        .lines()
        .find(|line| line.contains("finished processing request"))
        .unwrap_or_else(|| panic!("no request logged in:\n{written}"));
    assert!(line.contains("path=/reset-passphrase"), "{line}");
    assert!(line.contains("status=200"), "{line}");
}
