//! Database access: one module per aggregate, shared SQL for SQLite and PostgreSQL.
//!
//! Queries go through sqlx's `Any` driver with `$n` placeholders, which both backends accept, so
//! every repository function is written once. Only the migrations differ per backend (identity
//! columns and triggers are spelled differently).

pub mod accounts;
pub mod audit;
pub mod demo;
pub mod import;
pub mod instance;
pub mod outbox;
pub mod patients;
pub mod pds;
pub mod pin_documents;
pub mod practices;
pub mod replacement;
pub mod reset;
pub mod retention;
pub mod sessions;
pub mod staff;
pub mod step_tokens;
#[cfg(test)]
pub(crate) mod testing;
pub mod throttles;
pub mod tokens;

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};
use time::{macros::format_description, Date};

/// Errors of the database layer. The text of a query error never reaches a browser: the server
/// layer maps every variant to a generic page and logs the detail.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL is not valid: {0}")]
    BadUrl(String),
    #[error("cannot open the database: {0}")]
    Connect(String),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database query failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error("stored value is not valid: {0}")]
    Corrupt(String),
}

/// Which engine is behind the pool; only migrations and connection set-up depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool to the one database, cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

impl Db {
    /// Opens the database named by `url` (creating a SQLite file if missing) and applies the
    /// embedded migrations that are not applied yet (none: nothing is run, so a role without
    /// DDL rights can open a database its owner migrated).
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        let db = Self::open(url).await?;
        db.migrate().await?;
        Ok(db)
    }

    /// Opens the database without migrating it.
    async fn open(url: &str) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let (backend, url) = normalise_url(url)?;
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|e| DbError::BadUrl(e.to_string()))?
            .disable_statement_logging();
        let max_connections = match backend {
            // SQLite has one writer; a few readers are plenty and avoid lock contention.
            Backend::Sqlite => 4,
            Backend::Postgres => 16,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(std::time::Duration::from_secs(5))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        for pragma in [
                            // busy_timeout first: switching to WAL takes a lock too. 15 s:
                            // SQLite has one writer, and a command (`relink staff add`) beside
                            // a busy server on a loaded machine queues behind its writes.
                            "PRAGMA busy_timeout = 15000",
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA foreign_keys = ON",
                            "PRAGMA synchronous = NORMAL",
                        ] {
                            conn.execute(pragma).await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| DbError::Connect(describe_connect_error(&e)))?;
        Ok(Self { pool, backend })
    }

    /// `relink migrate`: opens the database, applies what is pending and says how many
    /// migrations that was. Run as the schema's owner; the server may then use a role that
    /// can only read and write rows.
    pub async fn connect_and_migrate(url: &str) -> Result<(Self, usize), DbError> {
        let db = Self::open(url).await?;
        let applied = db.migrate().await?;
        Ok((db, applied))
    }

    fn migrator(&self) -> sqlx::migrate::Migrator {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        }
    }

    /// Applies the pending migrations, if any, and says how many there were. With none
    /// pending nothing is run at all: sqlx's migrator would first `CREATE TABLE IF NOT EXISTS`
    /// its own table and take a lock, which a role without DDL rights may not do.
    async fn migrate(&self) -> Result<usize, DbError> {
        let migrator = self.migrator();
        let pending = self.pending_migrations(&migrator).await;
        if pending == 0 {
            return Ok(0);
        }
        migrator.run(&self.pool).await?;
        Ok(pending)
    }

    /// How many of the embedded migrations are not applied (successfully, with the same
    /// checksum). A database sqlx never migrated, one it cannot read, or one holding a
    /// migration this binary does not know, counts as pending: the migrator then reports what
    /// is wrong, as it always did.
    async fn pending_migrations(&self, migrator: &sqlx::migrate::Migrator) -> usize {
        let wanted: Vec<_> = migrator
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .collect();
        let applied: Vec<(i64, Vec<u8>)> = match sqlx::query_as(
            "SELECT version, checksum FROM _sqlx_migrations WHERE success = TRUE",
        )
        .fetch_all(&self.pool)
        .await
        {
            Ok(rows) => rows,
            Err(_) => return wanted.len(),
        };
        // One this binary does not know (a newer one migrated): let the migrator refuse it.
        if applied
            .iter()
            .any(|(version, _)| !wanted.iter().any(|m| m.version == *version))
        {
            return wanted.len().max(1);
        }
        wanted
            .iter()
            .filter(|m| {
                !applied
                    .iter()
                    .any(|(version, checksum)| *version == m.version && *checksum == *m.checksum)
            })
            .count()
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// True when a trivial query succeeds: what `/readyz` reports.
    pub async fn is_reachable(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Picks the backend from the scheme and makes a SQLite file URL create its file when missing.
fn normalise_url(url: &str) -> Result<(Backend, String), DbError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_owned()));
    }
    if url.starts_with("sqlite:") {
        let has_mode = url.contains("mode=");
        let url = match (has_mode, url.contains('?'), url.contains(":memory:")) {
            (true, _, _) | (_, _, true) => url.to_owned(),
            (false, true, false) => format!("{url}&mode=rwc"),
            (false, false, false) => format!("{url}?mode=rwc"),
        };
        return Ok((Backend::Sqlite, url));
    }
    Err(DbError::BadUrl(format!(
        "expected a URL starting with sqlite: or postgres://, got {:?}",
        url.split(':').next().unwrap_or_default()
    )))
}

fn describe_connect_error(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Io(io) => format!("cannot reach the database server ({io})"),
        sqlx::Error::PoolTimedOut => "timed out waiting for the database".to_owned(),
        other => other.to_string(),
    }
}

const ISO_DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

/// Dates are stored as ISO 8601 text on both backends.
pub(crate) fn date_to_sql(date: Date) -> String {
    date.format(ISO_DATE).expect("ISO dates always format")
}

pub(crate) fn date_from_sql(text: &str) -> Result<Date, DbError> {
    Date::parse(text, ISO_DATE).map_err(|_| DbError::Corrupt(format!("date {text:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_create_their_file() {
        assert_eq!(
            normalise_url("sqlite://relink.db").unwrap().1,
            "sqlite://relink.db?mode=rwc"
        );
        assert_eq!(
            normalise_url("sqlite://a.db?cache=shared").unwrap().1,
            "sqlite://a.db?cache=shared&mode=rwc"
        );
        assert_eq!(
            normalise_url("sqlite://a.db?mode=ro").unwrap().1,
            "sqlite://a.db?mode=ro"
        );
        assert_eq!(
            normalise_url("postgres://u@h/d").unwrap().0,
            Backend::Postgres
        );
        assert!(normalise_url("mysql://x").is_err());
    }

    #[test]
    fn dates_round_trip_through_text() {
        let d = time::macros::date!(2026 - 03 - 14);
        assert_eq!(date_to_sql(d), "2026-03-14");
        assert_eq!(date_from_sql("2026-03-14").unwrap(), d);
        assert!(date_from_sql("14/03/2026").is_err());
    }
}

#[cfg(test)]
mod upgrade_tests {
    use std::borrow::Cow;

    use super::*;

    /// The SQLite migration that rebuilds `online_accounts` ends sqlx's transaction to turn
    /// foreign keys off: this upgrades a database holding data from before it and checks that
    /// nothing was lost and the foreign keys still hold.
    #[tokio::test]
    async fn upgrading_a_sqlite_database_keeps_accounts_and_their_documents() {
        sqlx::any::install_default_drivers();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    Ok(())
                })
            });
        let pool = pool.connect(&url).await.unwrap();
        let mut before = sqlx::migrate!("./migrations/sqlite");
        let first_three = before.migrations[..3].to_vec();
        before.migrations = Cow::Owned(first_three);
        before.run(&pool).await.unwrap();
        pool.execute(
            "INSERT INTO practices (ods_code, name, clinical_system) VALUES ('T00001', 'P', 'TPP');
             INSERT INTO patients (id, practice_ods, nhs_number, joined_practice_on, created_at)
                 VALUES ('p', 'T00001', '9990000018', '2020-01-01', 1);
             INSERT INTO online_accounts (id, patient_id, practice_ods, account_id, email, created_at)
                 VALUES ('a', 'p', 'T00001', '1000000001', 'x@example.com', 1);
             INSERT INTO pin_documents (id, online_account_id, secret_hash, printed_on, expires_on, created_at)
                 VALUES ('d', 'a', 'h', '2020-01-01', '2020-01-15', 1);",
        )
        .await
        .unwrap();
        pool.close().await;

        let db = Db::connect(&format!("sqlite://{}", dir.path().join("old.db").display()))
            .await
            .unwrap();
        let kept: (String, Option<String>) =
            sqlx::query_as("SELECT account_id, email FROM online_accounts WHERE id = 'a'")
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert_eq!(
            kept,
            ("1000000001".to_owned(), Some("x@example.com".to_owned()))
        );
        let document_owner: String =
            sqlx::query_scalar("SELECT online_account_id FROM pin_documents WHERE id = 'd'")
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert_eq!(document_owner, "a");
        // Foreign keys are on again and still point at the rebuilt table.
        let orphan = sqlx::query(
            "INSERT INTO pin_documents (id, online_account_id, secret_hash, printed_on, expires_on, created_at)
             VALUES ('e', 'nobody', 'h', '2020-01-01', '2020-01-15', 1)",
        )
        .execute(db.pool())
        .await;
        assert!(orphan.is_err(), "a document for no account is refused");
        // The Account ID is unique among active accounts only.
        let second_active = sqlx::query(
            "INSERT INTO online_accounts (id, patient_id, practice_ods, account_id, created_at)
             VALUES ('b', 'p', 'T00001', '1000000001', 2)",
        )
        .execute(db.pool())
        .await;
        assert!(second_active.is_err());
        sqlx::query(
            "INSERT INTO online_accounts (id, patient_id, practice_ods, account_id, status, created_at)
             VALUES ('c', 'p', 'T00001', '1000000001', 'replaced', 2)",
        )
        .execute(db.pool())
        .await
        .unwrap();
    }
}

#[cfg(test)]
mod role_tests {
    use sqlx::{Connection, Executor};

    use super::*;
    use crate::db::audit::{self, AuditKind, NewAuditEvent};
    use crate::db::testing::{random_suffix, TestPostgres};

    /// The deployment README describes: migrations run as the schema's owner (`relink
    /// migrate`), the server as a role that may read and write rows and nothing else. The
    /// server still starts (nothing pending, so no DDL is tried) and writes the audit log,
    /// but cannot empty, alter or unprotect it.
    #[tokio::test]
    async fn the_server_runs_as_a_role_that_cannot_change_the_schema_or_truncate() {
        let postgres = TestPostgres::create().await;
        let (owner, applied) = Db::connect_and_migrate(&postgres.url).await.unwrap();
        assert!(applied > 0);
        owner.close().await;
        let (owner, applied) = Db::connect_and_migrate(&postgres.url).await.unwrap();
        assert_eq!(applied, 0, "nothing is pending the second time");

        let role = format!("relink_app_{}", random_suffix());
        let grants = format!(
            "CREATE ROLE {role} LOGIN;
             REVOKE CREATE ON SCHEMA public FROM PUBLIC;
             GRANT USAGE ON SCHEMA public TO {role};
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
             GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};"
        );
        owner.pool().execute(grants.as_str()).await.unwrap();
        owner.close().await;

        let (scheme, rest) = postgres.url.split_once("://").unwrap();
        let host_and_database = rest.rsplit_once('@').map_or(rest, |(_, after)| after);
        let app_url = format!("{scheme}://{role}@{host_and_database}");
        let app = Db::connect(&app_url)
            .await
            .expect("the server starts as the app role");
        let event = NewAuditEvent {
            kind: AuditKind::StaffSignedIn,
            actor: "staff.riverside",
            practice_ods: Some("T00001"),
            patient_id: None,
            detail: "",
        };
        audit::record(app.pool(), &event, 1).await.unwrap();
        audit::record(app.pool(), &event, 2).await.unwrap();
        for sql in [
            "TRUNCATE audit_events",
            "DROP TRIGGER audit_events_no_change ON audit_events",
            "ALTER TABLE audit_events DISABLE TRIGGER ALL",
            "ALTER TABLE audit_events ADD COLUMN note TEXT",
            "UPDATE audit_events SET detail = 'x'",
            "DELETE FROM audit_events",
            "UPDATE audit_chain SET seq = 0 WHERE id = 1",
            "CREATE TABLE notes (id BIGINT)",
        ] {
            assert!(app.pool().execute(sql).await.is_err(), "{sql} was allowed");
        }
        let report = audit::verify_chain(&app).await.unwrap();
        assert_eq!((report.checked, report.first_broken), (2, None));
        app.close().await;

        let admin_url = std::env::var("RELINK_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| crate::db::testing::DEFAULT_POSTGRES_ADMIN_URL.to_owned());
        postgres.drop_database().await;
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
        admin
            .execute(format!("DROP ROLE IF EXISTS {role}").as_str())
            .await
            .unwrap();
    }
}
