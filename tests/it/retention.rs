//! Retention in the background: a running server purges what is past its retention at the
//! interval it is given (`RELINK_RETENTION_INTERVAL`), with nobody running `relink purge`.

use std::time::Duration;

use crate::common::{fixture, start_configured};

#[tokio::test]
async fn a_running_server_purges_expired_sessions_on_its_own() {
    let server = start_configured(
        true,
        |config| config.retention_interval = Some(Duration::from_millis(200)),
        |_| {},
    )
    .await;
    let signed_in = server
        .post(
            "/sign-in",
            &[
                ("account_id", "1000000005"),
                ("ods_code", "T00001"),
                ("passphrase", "river otter lantern forty two"),
            ],
            None,
        )
        .await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let db = &server.database_url;
    assert_eq!(fixture::session_subjects(db).await.len(), 1);
    // Idle for 15 minutes and a second: the session has ended, and goes at the next purge.
    fixture::backdate_session_activity(db, 15 * 60 + 1).await;
    for _ in 0..50 {
        if fixture::session_subjects(db).await.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the expired session is still stored");
}
