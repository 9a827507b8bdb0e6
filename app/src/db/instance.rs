//! What the database itself is: whether `relink --demo` made it. A demo database holds made-up
//! patients and staff whose passwords and PIN passphrases are published (README, `/demo`), so
//! it must never be served as the real thing; and demo mode must never seed those published
//! credentials into a real database. The fact is one row of `instance_facts`.

use sqlx::{Any, Executor};

use super::{Db, DbError};
use crate::demo::{DEMO_ADMIN, DEMO_PRACTICES, DEMO_STAFF};

const CREATED_BY: &str = "created_by";
const DEMO: &str = "demo";

/// Whether `relink --demo` made this database.
pub async fn created_by_demo<'e>(exec: impl Executor<'e, Database = Any>) -> Result<bool, DbError> {
    let value: Option<String> =
        sqlx::query_scalar("SELECT value FROM instance_facts WHERE name = $1")
            .bind(CREATED_BY)
            .fetch_optional(exec)
            .await?;
    Ok(value.as_deref() == Some(DEMO))
}

/// Whether demo mode may use this database, marking it as a demo database when it may: yes
/// when demo mode made it, or when it holds no practice and no staff member but the demo's own
/// (an empty database, or a demo database from before the mark existed); no otherwise.
pub async fn claim_for_demo(db: &Db, now: i64) -> Result<bool, DbError> {
    if created_by_demo(db.pool()).await? {
        return Ok(true);
    }
    let mut demo_staff = DEMO_STAFF.map(|s| s.0).to_vec();
    demo_staff.push(DEMO_ADMIN.0);
    let others = count_not_in(db, "practices", "ods_code", &DEMO_PRACTICES.map(|p| p.0)).await?
        + count_not_in(db, "staff_members", "username", &demo_staff).await?;
    if others > 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO instance_facts (name, value, set_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(CREATED_BY)
    .bind(DEMO)
    .bind(now)
    .execute(db.pool())
    .await?;
    // Another start may have written something else first.
    created_by_demo(db.pool()).await
}

/// How many rows of `table` have a `column` outside `allowed`.
async fn count_not_in(
    db: &Db,
    table: &str,
    column: &str,
    allowed: &[&str],
) -> Result<i64, DbError> {
    let placeholders: Vec<String> = (1..=allowed.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT COUNT(*) FROM {table} WHERE {column} NOT IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_scalar::<_, i64>(&sql);
    for value in allowed {
        query = query.bind(*value);
    }
    Ok(query.fetch_one(db.pool()).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::each_backend;

    #[tokio::test]
    async fn an_empty_database_becomes_a_demo_database() {
        each_backend(|db| async move {
            assert!(!created_by_demo(db.pool()).await.unwrap());
            assert!(claim_for_demo(&db, 5).await.unwrap());
            assert!(created_by_demo(db.pool()).await.unwrap());
            // Seeded, it is still the demo's.
            crate::db::demo::seed(&db, time::macros::date!(2026 - 03 - 01), 10)
                .await
                .unwrap();
            assert!(claim_for_demo(&db, 20).await.unwrap());
        })
        .await;
    }

    #[tokio::test]
    async fn a_database_with_other_practices_or_staff_is_not_the_demos() {
        each_backend(|db| async move {
            sqlx::query(
                "INSERT INTO practices (ods_code, name, clinical_system) VALUES ('A81001', 'Real', 'TPP')",
            )
            .execute(db.pool())
            .await
            .unwrap();
            assert!(!claim_for_demo(&db, 5).await.unwrap());
            assert!(!created_by_demo(db.pool()).await.unwrap());
        })
        .await;
        each_backend(|db| async move {
            sqlx::query(
                "INSERT INTO staff_members (username, password_hash, is_admin, created_at)
                 VALUES ('admin', 'h', 1, 1)",
            )
            .execute(db.pool())
            .await
            .unwrap();
            assert!(!claim_for_demo(&db, 5).await.unwrap());
        })
        .await;
    }

    #[tokio::test]
    async fn a_demo_database_from_before_the_mark_is_recognised() {
        each_backend(|db| async move {
            crate::db::demo::seed(&db, time::macros::date!(2026 - 03 - 01), 10)
                .await
                .unwrap();
            assert!(!created_by_demo(db.pool()).await.unwrap());
            assert!(claim_for_demo(&db, 20).await.unwrap());
            assert!(created_by_demo(db.pool()).await.unwrap());
        })
        .await;
    }
}
