//! Faults: the database going away under a running server, on PostgreSQL (what several
//! instances share). Requests get a clear 503 page, `/readyz` says not ready, and the server
//! recovers by itself when the database is back.

use crate::common::{drop_postgres_database, fixture, recreate_postgres_database, start_on};
use sqlx::Connection;

const ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn admin_url() -> String {
    std::env::var("RELINK_TEST_POSTGRES_URL").unwrap_or_else(|_| ADMIN_URL.to_owned())
}

#[tokio::test]
async fn when_the_database_goes_away_pages_say_so_and_the_server_recovers() {
    let admin_url = admin_url();
    let mut admin = sqlx::PgConnection::connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL must be running for this test ({admin_url}): {e}"));
    let name = format!("relink_fault_{}", std::process::id());
    recreate_postgres_database(&mut admin, &name).await;
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(base, _)| base);
    let server = start_on(Some(format!("{base}/{name}")), true, |_| {}, |_| {}).await;

    let verify = || {
        server.post(
            "/reset-passphrase",
            &[
                ("account_id", "1000000001"),
                ("ods_code", "T00001"),
                ("pin_passphrase", "wrong-pin"),
                ("date_of_birth_day", "1"),
                ("date_of_birth_month", "2"),
                ("date_of_birth_year", "1980"),
            ],
            None,
        )
    };
    assert_eq!(verify().await.status, 422);
    assert_eq!(server.get("/readyz", None).await.status, 200);

    // The database stops accepting connections, and the open ones are cut.
    fixture::cut_off_postgres_database(&mut admin, &name).await;
    let down = verify().await;
    assert_eq!(down.status, 503, "{}", down.body);
    assert!(down
        .body
        .contains("Sorry, there is a problem with the service"));
    assert!(down.body.contains("Nothing has been changed"));
    assert!(
        !down.body.to_lowercase().contains("sqlx") && !down.body.contains("connection"),
        "no database detail"
    );
    assert_eq!(server.get("/readyz", None).await.status, 503);
    // Pages that need no database still work.
    assert_eq!(server.get("/reset-passphrase", None).await.status, 200);

    // Back again: the next requests work, without a restart.
    fixture::reopen_postgres_database(&mut admin, &name).await;
    let mut recovered = false;
    for _ in 0..50 {
        if server.get("/readyz", None).await.status == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(recovered, "/readyz is ready again");
    assert_eq!(verify().await.status, 422);

    drop(server);
    drop_postgres_database(&mut admin, &name).await;
}
