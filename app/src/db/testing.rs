//! Fresh, isolated databases for repository tests: a temporary SQLite file and a new
//! PostgreSQL database on the server named by `RELINK_TEST_POSTGRES_URL`
//! (default: the local server at 127.0.0.1:5432). The PostgreSQL half is never skipped: a
//! missing server fails the test, so a green run means both backends were exercised.

use std::future::Future;

use rand::Rng;
use sqlx::{Connection, Executor};

use super::Db;

pub const DEFAULT_POSTGRES_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// 64 random bits in hex: names of throwaway databases and roles that never collide.
pub fn random_suffix() -> String {
    format!("{:016x}", rand::thread_rng().gen::<u64>())
}

/// Runs `test` once against a fresh SQLite database and once against a fresh PostgreSQL one.
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("temporary directory");
    let sqlite = Db::connect(&format!(
        "sqlite://{}",
        dir.path().join("test.db").display()
    ))
    .await
    .expect("open SQLite test database");
    test(sqlite.clone()).await;
    sqlite.close().await;

    let postgres = TestPostgres::create().await;
    let db = Db::connect(&postgres.url)
        .await
        .expect("open PostgreSQL test database");
    test(db.clone()).await;
    db.close().await;
    postgres.drop_database().await;
}

/// A throwaway PostgreSQL database.
pub struct TestPostgres {
    admin_url: String,
    name: String,
    pub url: String,
}

impl TestPostgres {
    pub async fn create() -> Self {
        let admin_url = std::env::var("RELINK_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| DEFAULT_POSTGRES_ADMIN_URL.to_owned());
        let name = format!("relink_test_{}", random_suffix());
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| {
                panic!("PostgreSQL must be running for these tests ({admin_url}): {e}")
            });
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create test database");
        let base = admin_url
            .rsplit_once('/')
            .map(|(base, _)| base)
            .unwrap_or(&admin_url);
        let url = format!("{base}/{name}");
        Self {
            admin_url,
            name,
            url,
        }
    }

    pub async fn drop_database(self) {
        if let Ok(mut admin) = sqlx::PgConnection::connect(&self.admin_url).await {
            let _ = admin
                .execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name).as_str())
                .await;
        }
    }
}
