//! The append-only audit log of every security-relevant event. The database refuses UPDATE and
//! DELETE on it (triggers in the migrations), so history cannot be rewritten through Relink.

use sha2::{Digest, Sha256};
use sqlx::{Acquire, Any, Executor};

use super::DbError;

pub use crate::domain::AuditKind;

/// One event to append.
#[derive(Debug, Clone)]
pub struct NewAuditEvent<'a> {
    pub kind: AuditKind,
    /// Who acted: "patient", "system" or a staff username. Never a secret.
    pub actor: &'a str,
    pub practice_ods: Option<&'a str>,
    pub patient_id: Option<&'a str>,
    pub detail: &'a str,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: i64,
    pub kind: String,
    pub actor: String,
    pub practice_ods: Option<String>,
    pub patient_id: Option<String>,
    pub detail: String,
}

/// Appends an event to the chain: it takes the chain's head (in a transaction of its own, or a
/// savepoint inside the caller's, so the head stays taken until the caller commits), hashes the
/// event with the previous entry's hash, and stores both. Concurrent writers queue on the head,
/// so the chain never forks.
pub async fn record<'c>(
    conn: impl Acquire<'c, Database = Any>,
    event: &NewAuditEvent<'_>,
    now: i64,
) -> Result<(), DbError> {
    let mut tx = conn.begin().await?;
    let (seq, prev_hash): (i64, String) = sqlx::query_as(
        "UPDATE audit_chain SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash",
    )
    .fetch_one(&mut *tx)
    .await?;
    let fields = ChainFields {
        seq,
        occurred_at: now,
        kind: event.kind.code(),
        actor: event.actor,
        practice_ods: event.practice_ods,
        patient_id: event.patient_id,
        detail: event.detail,
    };
    let hash = chain_hash(&prev_hash, &fields);
    sqlx::query(
        "INSERT INTO audit_events (occurred_at, kind, actor, practice_ods, patient_id, detail, seq, prev_hash, entry_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now)
    .bind(event.kind.code())
    .bind(event.actor)
    .bind(event.practice_ods)
    .bind(event.patient_id)
    .bind(event.detail)
    .bind(seq)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE audit_chain SET last_hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Appends several events in one transaction: all of them are in the chain, or none.
pub async fn record_all(
    db: &super::Db,
    events: &[NewAuditEvent<'_>],
    now: i64,
) -> Result<(), DbError> {
    let mut tx = db.pool().begin().await?;
    for event in events {
        record(&mut *tx, event, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// What an entry's hash covers: everything stored about it, and its place in the chain.
struct ChainFields<'a> {
    seq: i64,
    occurred_at: i64,
    kind: &'a str,
    actor: &'a str,
    practice_ods: Option<&'a str>,
    patient_id: Option<&'a str>,
    detail: &'a str,
}

/// SHA-256 over the previous hash and each field, length-prefixed so that no two different
/// entries can be written the same way.
fn chain_hash(prev_hash: &str, fields: &ChainFields<'_>) -> String {
    let mut hasher = Sha256::new();
    let seq = fields.seq.to_string();
    let occurred_at = fields.occurred_at.to_string();
    let parts: [Option<&str>; 8] = [
        Some(prev_hash),
        Some(&seq),
        Some(&occurred_at),
        Some(fields.kind),
        Some(fields.actor),
        fields.practice_ods,
        fields.patient_id,
        Some(fields.detail),
    ];
    for part in parts {
        match part {
            Some(text) => hasher.update(format!("{}:{text};", text.len()).as_bytes()),
            None => hasher.update(b"-;"),
        }
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What `relink audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Entries whose hash was checked.
    pub checked: usize,
    /// Entries written before the chain existed (no hash), all older than the first chained one.
    pub before_chain: usize,
    /// The first entry that does not fit, and why.
    pub first_broken: Option<(i64, String)>,
}

#[derive(sqlx::FromRow)]
struct ChainRow {
    id: i64,
    occurred_at: i64,
    kind: String,
    actor: String,
    practice_ods: Option<String>,
    patient_id: Option<String>,
    detail: String,
    seq: Option<i64>,
    prev_hash: Option<String>,
    entry_hash: Option<String>,
}

/// Recomputes the whole chain and names the first entry that was changed, removed around, or
/// added outside it; also checks that the newest entries were not cut off.
pub async fn verify_chain(db: &super::Db) -> Result<ChainReport, DbError> {
    let rows = sqlx::query_as::<_, ChainRow>(
        "SELECT id, occurred_at, kind, actor, practice_ods, patient_id, detail, seq, prev_hash, entry_hash
         FROM audit_events ORDER BY id",
    )
    .fetch_all(db.pool())
    .await?;
    let (head_seq, head_hash) = chain_head(db).await?;
    let mut report = ChainReport {
        checked: 0,
        before_chain: 0,
        first_broken: None,
    };
    let mut previous = ("genesis".to_owned(), 0_i64);
    let mut chained = false;
    for row in rows {
        let broken = |why: &str| Some((row.id, why.to_owned()));
        let (Some(seq), Some(prev_hash), Some(entry_hash)) =
            (row.seq, &row.prev_hash, &row.entry_hash)
        else {
            if chained {
                report.first_broken = broken("it has no hash: it was added outside the chain");
                return Ok(report);
            }
            report.before_chain += 1;
            continue;
        };
        chained = true;
        if seq != previous.1 + 1 || *prev_hash != previous.0 {
            report.first_broken = broken("the entry before it was removed or changed");
            return Ok(report);
        }
        let fields = ChainFields {
            seq,
            occurred_at: row.occurred_at,
            kind: &row.kind,
            actor: &row.actor,
            practice_ods: row.practice_ods.as_deref(),
            patient_id: row.patient_id.as_deref(),
            detail: &row.detail,
        };
        if chain_hash(prev_hash, &fields) != *entry_hash {
            report.first_broken = broken("its contents were changed");
            return Ok(report);
        }
        report.checked += 1;
        previous = (entry_hash.clone(), seq);
    }
    if (head_seq, head_hash.as_str()) != (previous.1, previous.0.as_str()) {
        report.first_broken = Some((
            0,
            format!(
                "the newest entries after number {} were removed",
                previous.1
            ),
        ));
    }
    Ok(report)
}

/// The chain's head as `audit_chain` holds it: the newest entry's number and hash (0 and
/// "genesis" before the first). What a checkpoint signs.
pub async fn chain_head(db: &super::Db) -> Result<(i64, String), DbError> {
    Ok(
        sqlx::query_as("SELECT seq, last_hash FROM audit_chain WHERE id = 1")
            .fetch_one(db.pool())
            .await?,
    )
}

/// The stored hash of the entry with this place in the chain, if there is one: what a
/// checkpoint is compared with.
pub async fn entry_hash_at(db: &super::Db, seq: i64) -> Result<Option<String>, DbError> {
    Ok(sqlx::query_scalar::<_, Option<String>>(
        "SELECT entry_hash FROM audit_events WHERE seq = $1",
    )
    .bind(seq)
    .fetch_optional(db.pool())
    .await?
    .flatten())
}

/// Lifts the append-only and forward-only rules, as the database's owner can.
#[cfg(test)]
async fn drop_guards(db: &super::Db) {
    use crate::db::Backend;
    let drop = match db.backend() {
        Backend::Sqlite => {
            "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;
             DROP TRIGGER audit_chain_forward_only; DROP TRIGGER audit_chain_no_delete"
        }
        Backend::Postgres => {
            "DROP TRIGGER audit_events_no_change ON audit_events;
             DROP TRIGGER audit_chain_forward_only ON audit_chain"
        }
    };
    db.pool().execute(drop).await.unwrap();
}

/// What an insider with the database owner's rights can do to hide a change: drop the
/// triggers, rewrite `detail` of the entry at `seq`, and recompute every hash after it and the
/// head, so that `verify_chain` alone finds nothing. Only a checkpoint held outside catches it.
#[cfg(test)]
pub(crate) async fn rewrite_and_recompute(db: &super::Db, seq: i64, detail: &str) {
    drop_guards(db).await;
    sqlx::query("UPDATE audit_events SET detail = $1 WHERE seq = $2")
        .bind(detail)
        .bind(seq)
        .execute(db.pool())
        .await
        .unwrap();
    let rows = sqlx::query_as::<_, ChainRow>(
        "SELECT id, occurred_at, kind, actor, practice_ods, patient_id, detail, seq, prev_hash, entry_hash
         FROM audit_events WHERE seq IS NOT NULL ORDER BY seq",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    let mut previous = "genesis".to_owned();
    let mut last_seq = 0;
    for row in rows {
        let fields = ChainFields {
            seq: row.seq.unwrap(),
            occurred_at: row.occurred_at,
            kind: &row.kind,
            actor: &row.actor,
            practice_ods: row.practice_ods.as_deref(),
            patient_id: row.patient_id.as_deref(),
            detail: &row.detail,
        };
        let hash = chain_hash(&previous, &fields);
        sqlx::query("UPDATE audit_events SET prev_hash = $1, entry_hash = $2 WHERE id = $3")
            .bind(&previous)
            .bind(&hash)
            .bind(row.id)
            .execute(db.pool())
            .await
            .unwrap();
        previous = hash;
        last_seq = fields.seq;
    }
    sqlx::query("UPDATE audit_chain SET seq = $1, last_hash = $2 WHERE id = 1")
        .bind(last_seq)
        .bind(&previous)
        .execute(db.pool())
        .await
        .unwrap();
}

/// The insider's other way: drop the triggers, cut the entries after `keep` off the end and
/// wind the head back to the last one kept, so that `verify_chain` alone finds nothing.
#[cfg(test)]
pub(crate) async fn cut_and_reset(db: &super::Db, keep: i64) {
    drop_guards(db).await;
    sqlx::query("DELETE FROM audit_events WHERE seq > $1")
        .bind(keep)
        .execute(db.pool())
        .await
        .unwrap();
    let hash: String = sqlx::query_scalar("SELECT entry_hash FROM audit_events WHERE seq = $1")
        .bind(keep)
        .fetch_one(db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE audit_chain SET seq = $1, last_hash = $2 WHERE id = 1")
        .bind(keep)
        .bind(&hash)
        .execute(db.pool())
        .await
        .unwrap();
}

/// The newest events about one patient, newest first.
pub async fn recent_for_patient<'e>(
    exec: impl Executor<'e, Database = Any>,
    patient_id: &str,
    limit: i64,
) -> Result<Vec<AuditEvent>, DbError> {
    Ok(sqlx::query_as::<_, AuditEvent>(
        "SELECT id, occurred_at, kind, actor, practice_ods, patient_id, detail FROM audit_events
         WHERE patient_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2",
    )
    .bind(patient_id)
    .bind(limit)
    .fetch_all(exec)
    .await?)
}

/// How many events of a kind the log holds (tests count lockouts with it).
#[cfg(test)]
pub async fn count_of_kind<'e>(
    exec: impl Executor<'e, Database = Any>,
    kind: AuditKind,
) -> Result<i64, DbError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE kind = $1")
            .bind(kind.code())
            .fetch_one(exec)
            .await?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::each_backend;

    #[tokio::test]
    async fn events_are_appended_and_can_never_be_changed() {
        each_backend(|db| async move {
            for (i, kind) in [AuditKind::PinVerificationFailed, AuditKind::PassphraseReset]
                .into_iter()
                .enumerate()
            {
                let event = NewAuditEvent {
                    kind,
                    actor: "patient",
                    practice_ods: Some("T00001"),
                    patient_id: Some("p1"),
                    detail: "",
                };
                record(db.pool(), &event, 100 + i as i64).await.unwrap();
            }
            let events = recent_for_patient(db.pool(), "p1", 10).await.unwrap();
            let kinds: Vec<_> = events.iter().map(|e| e.kind.as_str()).collect();
            assert_eq!(kinds, ["passphrase_reset", "pin_verification_failed"]);

            assert!(sqlx::query("UPDATE audit_events SET detail = 'x'")
                .execute(db.pool())
                .await
                .is_err());
            assert!(sqlx::query("DELETE FROM audit_events")
                .execute(db.pool())
                .await
                .is_err());
            assert_eq!(
                recent_for_patient(db.pool(), "p1", 10).await.unwrap(),
                events
            );
        })
        .await;
    }

    async fn append(db: &crate::db::Db, n: usize) {
        for i in 0..n {
            let detail = format!("event {i}");
            let event = NewAuditEvent {
                kind: AuditKind::SignedIn,
                actor: "patient",
                practice_ods: Some("T00001"),
                patient_id: if i % 2 == 0 { Some("p1") } else { None },
                detail: &detail,
            };
            record(db.pool(), &event, 100 + i as i64).await.unwrap();
        }
    }

    /// What an attacker with the database's owner rights can do: lift the append-only rule.
    async fn allow_tampering(db: &crate::db::Db) {
        let sql = match db.backend() {
            crate::db::Backend::Sqlite => {
                "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete"
            }
            crate::db::Backend::Postgres => "DROP TRIGGER audit_events_no_change ON audit_events",
        };
        db.pool().execute(sql).await.unwrap();
    }

    #[tokio::test]
    async fn the_chain_holds_under_concurrent_writers() {
        each_backend(|db| async move {
            let writers: Vec<_> = (0..4)
                .map(|_| {
                    let db = db.clone();
                    tokio::spawn(async move { append(&db, 10).await })
                })
                .collect();
            for writer in writers {
                writer.await.unwrap();
            }
            // Inside a caller's transaction too: the entry commits (or not) with it.
            let mut tx = db.pool().begin().await.unwrap();
            let event = NewAuditEvent {
                kind: AuditKind::SignedOut,
                actor: "patient",
                practice_ods: None,
                patient_id: None,
                detail: "",
            };
            record(&mut *tx, &event, 500).await.unwrap();
            tx.rollback().await.unwrap();
            let report = verify_chain(&db).await.unwrap();
            assert_eq!(
                report,
                ChainReport {
                    checked: 40,
                    before_chain: 0,
                    first_broken: None
                }
            );
        })
        .await;
    }

    #[tokio::test]
    async fn rows_outside_the_chain_and_truncation_are_refused() {
        each_backend(|db| async move {
            let unhashed = "INSERT INTO audit_events (occurred_at, kind, actor, detail)
                            VALUES (1, 'signed_in', 'patient', 'made up')";
            // Before the chain began (a database from before it), plain rows were the rule.
            let mut tx = db.pool().begin().await.unwrap();
            tx.execute(unhashed).await.unwrap();
            tx.rollback().await.unwrap();
            append(&db, 2).await;
            let refused = db.pool().execute(unhashed).await.unwrap_err();
            assert!(
                refused.to_string().contains("outside the hash chain"),
                "{refused}"
            );
            let half = "INSERT INTO audit_events (occurred_at, kind, actor, detail, seq, prev_hash)
                        VALUES (1, 'signed_in', 'patient', 'made up', 3, 'x')";
            assert!(db.pool().execute(half).await.is_err());
            // The head cannot be wound back or removed.
            assert!(db
                .pool()
                .execute("UPDATE audit_chain SET seq = 1 WHERE id = 1")
                .await
                .is_err());
            assert!(db.pool().execute("DELETE FROM audit_chain").await.is_err());
            if db.backend() == crate::db::Backend::Postgres {
                for sql in ["TRUNCATE audit_events", "TRUNCATE audit_chain"] {
                    let refused = db.pool().execute(sql).await;
                    assert!(refused.is_err(), "{sql} was allowed");
                }
            }
            let report = verify_chain(&db).await.unwrap();
            assert_eq!((report.checked, report.first_broken), (2, None));
        })
        .await;
    }

    #[tokio::test]
    async fn a_changed_entry_is_named() {
        each_backend(|db| async move {
            append(&db, 6).await;
            allow_tampering(&db).await;
            let victim: i64 = sqlx::query_scalar("SELECT id FROM audit_events WHERE seq = 4")
                .fetch_one(db.pool())
                .await
                .unwrap();
            sqlx::query("UPDATE audit_events SET detail = 'nothing happened' WHERE id = $1")
                .bind(victim)
                .execute(db.pool())
                .await
                .unwrap();
            let report = verify_chain(&db).await.unwrap();
            assert_eq!(report.checked, 3);
            assert_eq!(
                report.first_broken,
                Some((victim, "its contents were changed".to_owned()))
            );
        })
        .await;
    }

    #[tokio::test]
    async fn removed_entries_are_found_in_the_middle_and_at_the_end() {
        each_backend(|db| async move {
            append(&db, 6).await;
            allow_tampering(&db).await;
            let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM audit_events ORDER BY seq")
                .fetch_all(db.pool())
                .await
                .unwrap();
            sqlx::query("DELETE FROM audit_events WHERE id = $1")
                .bind(ids[5])
                .execute(db.pool())
                .await
                .unwrap();
            let report = verify_chain(&db).await.unwrap();
            assert_eq!(
                report.first_broken,
                Some((
                    0,
                    "the newest entries after number 5 were removed".to_owned()
                ))
            );
            sqlx::query("DELETE FROM audit_events WHERE id = $1")
                .bind(ids[2])
                .execute(db.pool())
                .await
                .unwrap();
            let report = verify_chain(&db).await.unwrap();
            assert_eq!(
                report.first_broken,
                Some((
                    ids[3],
                    "the entry before it was removed or changed".to_owned()
                ))
            );
        })
        .await;
    }
}
