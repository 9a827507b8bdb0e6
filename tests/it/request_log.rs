//! Request logging: on at the `info` level, through the real router over HTTP.

use crate::common::{log, start};

/// Request tracing is left out of the stack when its level is off (as it is for every other
/// test: see `common::log`); when it is on, every request is logged, and pages are still
/// compressed.
///
/// The subscriber is the test binary's one global subscriber, installed before any server is
/// built; only this test's thread captures, and this test's server runs on that thread (the
/// current-thread runtime), so the log holds this test's own request and nothing from the
/// tests running beside it.
#[tokio::test(flavor = "current_thread")]
async fn requests_are_logged_when_the_log_level_is_info() {
    let log = log::capture_this_thread();
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
    let written = log.text();
    let line = written
        .lines()
        .find(|line| line.contains("finished processing request"))
        .unwrap_or_else(|| panic!("no request logged in:\n{written}"));
    assert!(line.contains("path=/reset-passphrase"), "{line}");
    assert!(line.contains("status=200"), "{line}");
}
