//! Online accounts: the credentials a patient signs in with, at one practice.

use sqlx::{Any, Executor};

use super::DbError;
use crate::domain::{AccessEnd, AccountId, OdsCode};
use crate::language::Locale;

/// Whether an account can still be used, was replaced by another, or had its online access
/// ended by the practice (never deleted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountStatus {
    Active,
    Replaced {
        by: String,
    },
    /// Found by its Account ID, so the patient is told why it stopped working.
    Ended {
        reason: AccessEnd,
        at: i64,
    },
}

/// A patient's online account at one practice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnlineAccount {
    pub id: String,
    pub patient_id: String,
    pub practice_ods: OdsCode,
    pub account_id: AccountId,
    pub email: Option<String>,
    pub has_passphrase: bool,
    pub status: AccountStatus,
    pub last_used_at: Option<i64>,
}

/// What is needed to create an account.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub id: &'a str,
    pub patient_id: &'a str,
    pub practice_ods: &'a OdsCode,
    pub account_id: &'a AccountId,
    pub email: Option<&'a str>,
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: String,
    patient_id: String,
    practice_ods: String,
    account_id: String,
    email: Option<String>,
    passphrase_hash: Option<String>,
    status: String,
    replaced_by: Option<String>,
    last_used_at: Option<i64>,
    ended_at: Option<i64>,
    ended_reason: Option<String>,
}

impl TryFrom<AccountRow> for OnlineAccount {
    type Error = DbError;
    fn try_from(row: AccountRow) -> Result<Self, DbError> {
        let corrupt = |what: &str| DbError::Corrupt(format!("account {}: {what}", row.id));
        let ended = row.ended_reason.as_deref().map(AccessEnd::from_stored_code);
        let status = match (row.status.as_str(), row.replaced_by, row.ended_at, ended) {
            ("active", _, None, None) => AccountStatus::Active,
            ("active", _, Some(at), Some(Some(reason))) => AccountStatus::Ended { reason, at },
            ("replaced", Some(by), None, None) => AccountStatus::Replaced { by },
            _ => return Err(corrupt("status")),
        };
        Ok(Self {
            practice_ods: OdsCode::parse(&row.practice_ods).map_err(|_| corrupt("ODS code"))?,
            account_id: AccountId::parse(&row.account_id).map_err(|_| corrupt("Account ID"))?,
            patient_id: row.patient_id,
            email: row.email,
            has_passphrase: row.passphrase_hash.is_some(),
            status,
            last_used_at: row.last_used_at,
            id: row.id,
        })
    }
}

const ACCOUNT_COLUMNS: &str = "id, patient_id, practice_ods, account_id, email, passphrase_hash, \
     status, replaced_by, last_used_at, ended_at, ended_reason";

/// Creates the account if no account has this id yet; an existing one is left as it is.
pub async fn insert_if_missing<'e>(
    exec: impl Executor<'e, Database = Any>,
    account: &NewAccount<'_>,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO online_accounts (id, patient_id, practice_ods, account_id, email, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
    )
    .bind(account.id)
    .bind(account.patient_id)
    .bind(account.practice_ods.as_str())
    .bind(account.account_id.as_str())
    .bind(account.email)
    .bind(now)
    .execute(exec)
    .await?;
    Ok(())
}

pub async fn find<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: &str,
) -> Result<Option<OnlineAccount>, DbError> {
    sqlx::query_as::<_, AccountRow>(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM online_accounts WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(exec)
    .await?
    .map(OnlineAccount::try_from)
    .transpose()
}

/// The active account a PIN document's Account ID and ODS code name, if any, live or with its
/// access ended (so the patient can be told why). A replaced account keeps its Account ID but
/// is never found this way: its replacement is.
pub async fn find_by_account_id<'e>(
    exec: impl Executor<'e, Database = Any>,
    practice_ods: &OdsCode,
    account_id: &AccountId,
) -> Result<Option<OnlineAccount>, DbError> {
    sqlx::query_as::<_, AccountRow>(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM online_accounts
         WHERE practice_ods = $1 AND account_id = $2 AND status = 'active'"
    ))
    .bind(practice_ods.as_str())
    .bind(account_id.as_str())
    .fetch_optional(exec)
    .await?
    .map(OnlineAccount::try_from)
    .transpose()
}

/// The stored Argon2id PHC string, for sign-in verification only.
pub async fn passphrase_hash<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: &str,
) -> Result<Option<String>, DbError> {
    Ok(sqlx::query_scalar::<_, Option<String>>(
        "SELECT passphrase_hash FROM online_accounts WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(exec)
    .await?
    .flatten())
}

/// Stores a new passphrase hash (an Argon2id PHC string, never the passphrase).
pub async fn set_passphrase_hash<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: &str,
    phc: Option<&str>,
) -> Result<(), DbError> {
    sqlx::query("UPDATE online_accounts SET passphrase_hash = $1 WHERE id = $2")
        .bind(phc)
        .bind(id)
        .execute(exec)
        .await?;
    Ok(())
}

/// Remembers that the account was just used to sign in (eligibility for replacement depends
/// on it: an account used in the last 30 days is not replaced).
pub async fn mark_used<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: &str,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query("UPDATE online_accounts SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(exec)
        .await?;
    Ok(())
}

/// Remembers the language the patient is using (at sign-in and at a passphrase reset), so that
/// a message about a change someone else makes to the account (a PIN document reissued by
/// staff) is written in it.
pub async fn remember_language<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: &str,
    language: Locale,
) -> Result<(), DbError> {
    let code = match language {
        Locale::en => "en",
        Locale::cy => "cy",
    };
    sqlx::query("UPDATE online_accounts SET language = $1 WHERE id = $2")
        .bind(code)
        .bind(id)
        .execute(exec)
        .await?;
    Ok(())
}

/// Where the patient can be told about a change to their account: its email address, and the
/// language they last used (`None` when not known yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub email: String,
    pub language: Option<Locale>,
}

/// The account's [`Contact`], when it has an email address. Read inside the transaction of
/// the change it announces, so the message goes to the address the account has then.
pub async fn contact<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: &str,
) -> Result<Option<Contact>, DbError> {
    let row = sqlx::query_as::<_, (Option<String>, Option<String>)>(
        "SELECT email, language FROM online_accounts WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(exec)
    .await?;
    Ok(row.and_then(|(email, language)| {
        let email = email.filter(|e| !e.trim().is_empty())?;
        let language = language.as_deref().and_then(crate::language::parse_code);
        Some(Contact { email, language })
    }))
}

/// The patient's newest live account (active, access not ended), if they have one: what the
/// staff patient page shows and works on.
pub async fn latest_active_for_patient(
    pool: &sqlx::AnyPool,
    patient_id: &str,
) -> Result<Option<OnlineAccount>, DbError> {
    let id = sqlx::query_scalar::<_, String>(
        "SELECT id FROM online_accounts WHERE patient_id = $1 AND status = 'active'
         AND ended_at IS NULL ORDER BY created_at DESC LIMIT 1",
    )
    .bind(patient_id)
    .fetch_optional(pool)
    .await?;
    match id {
        Some(id) => find(pool, &id).await,
        None => Ok(None),
    }
}

/// The newest account of the patient whose access the practice ended, when they have no live
/// one: the staff patient page says so, and offers registering them again.
pub async fn ended_for_patient(
    pool: &sqlx::AnyPool,
    patient_id: &str,
) -> Result<Option<OnlineAccount>, DbError> {
    let id = sqlx::query_scalar::<_, String>(
        "SELECT id FROM online_accounts a WHERE patient_id = $1 AND status = 'active'
         AND ended_at IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM online_accounts l WHERE l.patient_id = a.patient_id
             AND l.status = 'active' AND l.ended_at IS NULL)
         ORDER BY ended_at DESC, created_at DESC LIMIT 1",
    )
    .bind(patient_id)
    .fetch_optional(pool)
    .await?;
    match id {
        Some(id) => find(pool, &id).await,
        None => Ok(None),
    }
}

/// Whose live accounts an end of online access covers.
#[derive(Debug, Clone, Copy)]
pub enum EndScope<'a> {
    /// One patient (deregistered: they left the practice).
    Patient(&'a str),
    /// Every patient of a practice (it moved to another clinical system).
    Practice(&'a OdsCode),
}

/// Ends online access for the live accounts in `scope`, inside the caller's transaction, and
/// says how many accounts ended. The accounts are kept with the reason (sign-in, reset and
/// replacement then say why they stopped working); their sessions end and reset journeys in
/// progress are cut off (their step tokens go), so nothing opened with the old credentials
/// outlives the change. The PIN documents are left as they were: a patient who types one in
/// is told why it no longer works only once it matched. The first statement writes, so on
/// SQLite the transaction holds the write lock before it reads.
pub async fn end_access(
    tx: &mut sqlx::Transaction<'_, Any>,
    scope: EndScope<'_>,
    reason: AccessEnd,
    now: i64,
) -> Result<u64, DbError> {
    let Some(code) = reason.stored_code() else {
        return Ok(0);
    };
    let (column, key) = match scope {
        EndScope::Patient(id) => ("patient_id", id),
        EndScope::Practice(ods) => ("practice_ods", ods.as_str()),
    };
    let ended = sqlx::query(&format!(
        "UPDATE online_accounts SET ended_at = $1, ended_reason = $2
         WHERE {column} = $3 AND status = 'active' AND ended_at IS NULL"
    ))
    .bind(now)
    .bind(code)
    .bind(key)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    let just_ended = format!(
        "SELECT id FROM online_accounts WHERE {column} = $1 AND ended_at = $2 AND ended_reason = $3"
    );
    sqlx::query(&format!(
        "DELETE FROM sessions WHERE kind = 'patient' AND subject IN ({just_ended})"
    ))
    .bind(key)
    .bind(now)
    .bind(code)
    .execute(&mut **tx)
    .await?;
    sqlx::query(&format!(
        "DELETE FROM step_tokens WHERE pin_document_id IN (
             SELECT id FROM pin_documents WHERE online_account_id IN ({just_ended}))"
    ))
    .bind(key)
    .bind(now)
    .bind(code)
    .execute(&mut **tx)
    .await?;
    Ok(ended)
}

/// Whether the account can still be used (active, its access not ended): checked again inside
/// a change's transaction, so access ended half-way through a journey is never reopened.
pub async fn is_live<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: &str,
) -> Result<bool, DbError> {
    let live = sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM online_accounts WHERE id = $1 AND status = 'active' AND ended_at IS NULL",
    )
    .bind(id)
    .fetch_one(exec)
    .await?;
    Ok(live > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::patients::tests::{insert_practice, sample_patient};
    use crate::db::{patients, testing::each_backend};
    use crate::domain::ClinicalSystem;

    #[tokio::test]
    async fn accounts_are_found_by_practice_and_account_id() {
        each_backend(|db| async move {
            insert_practice(&db, "T00001", ClinicalSystem::Tpp).await;
            patients::upsert(db.pool(), &sample_patient(), 1)
                .await
                .unwrap();
            let ods = OdsCode::parse("T00001").unwrap();
            let account_id = AccountId::parse("1000000001").unwrap();
            let new = NewAccount {
                id: "acc-1",
                patient_id: "patient-1",
                practice_ods: &ods,
                account_id: &account_id,
                email: None,
            };
            insert_if_missing(db.pool(), &new, 5).await.unwrap();
            insert_if_missing(db.pool(), &new, 6).await.unwrap();

            let found = find_by_account_id(db.pool(), &ods, &account_id)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(found.id, "acc-1");
            assert_eq!(found.status, AccountStatus::Active);
            assert!(!found.has_passphrase);
            let other = AccountId::parse("1000000009").unwrap();
            assert_eq!(
                find_by_account_id(db.pool(), &ods, &other).await.unwrap(),
                None
            );

            set_passphrase_hash(db.pool(), "acc-1", Some("$argon2id$v=19$stub"))
                .await
                .unwrap();
            assert!(
                find(db.pool(), "acc-1")
                    .await
                    .unwrap()
                    .unwrap()
                    .has_passphrase
            );
            assert_eq!(
                passphrase_hash(db.pool(), "acc-1")
                    .await
                    .unwrap()
                    .as_deref(),
                Some("$argon2id$v=19$stub")
            );
        })
        .await;
    }

    /// Ending access ends the live accounts in scope only, keeps them findable by Account ID
    /// with the reason, ends their sessions and reset journeys, and leaves other practices'
    /// accounts alone; a second end changes nothing.
    #[tokio::test]
    async fn ending_access_keeps_the_account_and_ends_what_it_opened() {
        use crate::db::{demo, sessions, step_tokens};
        each_backend(|db| async move {
            demo::seed(&db, time::macros::date!(2026 - 11 - 27), 1_000)
                .await
                .unwrap();
            let ods = OdsCode::parse("T00001").unwrap();
            let sam = find_by_account_id(db.pool(), &ods, &AccountId::parse("1000000001").unwrap())
                .await
                .unwrap()
                .unwrap();
            let session = sessions::create(db.pool(), sessions::SessionKind::Patient, &sam.id, 1_100)
                .await
                .unwrap();
            let document = crate::db::pin_documents::current_for_account(db.pool(), &sam.id)
                .await
                .unwrap()
                .unwrap();
            let token = step_tokens::StepToken::generate();
            step_tokens::issue(db.pool(), &token, &document.id, 1_100)
                .await
                .unwrap();

            let mut tx = db.pool().begin().await.unwrap();
            let ended = end_access(&mut tx, EndScope::Practice(&ods), AccessEnd::SystemChanged, 1_200)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let at_riverside: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM online_accounts WHERE practice_ods = 'T00001' AND status = 'active'",
            )
            .fetch_one(db.pool())
            .await
            .unwrap();
            assert_eq!(ended as i64, at_riverside);
            let found = find(db.pool(), &sam.id).await.unwrap().unwrap();
            assert_eq!(
                found.status,
                AccountStatus::Ended {
                    reason: AccessEnd::SystemChanged,
                    at: 1_200
                }
            );
            assert!(!is_live(db.pool(), &sam.id).await.unwrap());
            assert!(latest_active_for_patient(db.pool(), &sam.patient_id)
                .await
                .unwrap()
                .is_none());
            assert_eq!(
                ended_for_patient(db.pool(), &sam.patient_id)
                    .await
                    .unwrap()
                    .map(|a| a.id),
                Some(sam.id.clone())
            );
            assert!(sessions::resume(db.pool(), sessions::SessionKind::Patient, &session, 1_201)
                .await
                .unwrap()
                .is_none());
            assert!(matches!(
                step_tokens::state(db.pool(), &token, 1_201).await.unwrap(),
                step_tokens::StepTokenState::Invalid
            ));
            // Hillview's accounts are untouched.
            let chris = find_by_account_id(
                db.pool(),
                &OdsCode::parse("E00001").unwrap(),
                &AccountId::parse("2000000001").unwrap(),
            )
            .await
            .unwrap()
            .unwrap();
            assert_eq!(chris.status, AccountStatus::Active);
            let mut tx = db.pool().begin().await.unwrap();
            let again = end_access(&mut tx, EndScope::Practice(&ods), AccessEnd::SystemChanged, 1_300)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(again, 0);
        })
        .await;
    }
}
