//! The reads and the one transaction behind the passphrase reset journey.

use time::Date;

use super::accounts::{self, OnlineAccount};
use super::audit::{self, AuditKind, NewAuditEvent};
use super::outbox::{self, Wording};
use super::patients::{self, DemographicSource};
use super::pin_documents::{self, PinDocument};
use super::practices::{self, Practice};
use super::sessions::{self, SessionKind};
use super::step_tokens::{self, StepToken};
use super::{Db, DbError};
use crate::domain::{AccountId, OdsCode};
use crate::language::Locale;

/// Everything the journey needs to know about the account a PIN document names.
#[derive(Debug, Clone)]
pub struct ResetCandidate {
    pub account: OnlineAccount,
    pub practice: Practice,
    /// The newest document not revoked, if any.
    pub document: Option<PinDocument>,
    pub given_name: String,
    pub family_name: String,
    /// From the practice's clinical system, which printed the PIN document.
    pub date_of_birth: Option<Date>,
    /// PDS records the patient as deceased: the journey ends, whatever was typed.
    pub deceased: bool,
}

impl ResetCandidate {
    /// Why online access to the account has ended, if it has: a death PDS records, or the
    /// practice ending it. Said to the patient only once their PIN document matched.
    pub fn access_ended(&self) -> Option<crate::domain::AccessEnd> {
        if self.deceased {
            return Some(crate::domain::AccessEnd::Deceased);
        }
        match self.account.status {
            accounts::AccountStatus::Ended { reason, .. } => Some(reason),
            _ => None,
        }
    }
}

/// Looks up the account named by an Account ID and ODS code, with its practice, current PIN
/// document and the patient's details. An unknown account costs the same queries (looking up
/// nothing), so response times do not tell which Account IDs exist.
pub async fn find_candidate(
    db: &Db,
    ods: &OdsCode,
    account_id: &AccountId,
) -> Result<Option<ResetCandidate>, DbError> {
    let Some(account) = accounts::find_by_account_id(db.pool(), ods, account_id).await? else {
        practices::find(db.pool(), ods).await?;
        pin_documents::current_for_account(db.pool(), "").await?;
        patients::demographics(db.pool(), "").await?;
        super::pds::is_deceased(db.pool(), "").await?;
        return Ok(None);
    };
    candidate_for_account(db, account).await
}

/// The same, starting from a PIN document (the second step of the journey).
pub async fn candidate_for_document(
    db: &Db,
    pin_document_id: &str,
) -> Result<Option<ResetCandidate>, DbError> {
    let account_row = sqlx::query_scalar::<_, String>(
        "SELECT online_account_id FROM pin_documents WHERE id = $1",
    )
    .bind(pin_document_id)
    .fetch_optional(db.pool())
    .await?;
    let Some(account_row) = account_row else {
        return Ok(None);
    };
    let Some(account) = accounts::find(db.pool(), &account_row).await? else {
        return Ok(None);
    };
    let candidate = candidate_for_account(db, account).await?;
    // Only the document the token was issued for counts, even if a newer one was printed since.
    Ok(candidate.filter(|c| c.document.as_ref().is_some_and(|d| d.id == pin_document_id)))
}

async fn candidate_for_account(
    db: &Db,
    account: OnlineAccount,
) -> Result<Option<ResetCandidate>, DbError> {
    let Some(practice) = practices::find(db.pool(), &account.practice_ods).await? else {
        return Ok(None);
    };
    let document = pin_documents::current_for_account(db.pool(), &account.id).await?;
    let records = patients::demographics(db.pool(), &account.patient_id).await?;
    let record = records
        .iter()
        .find(|r| r.source == DemographicSource::ClinicalSystem)
        .or_else(|| records.first());
    Ok(Some(ResetCandidate {
        given_name: record.map(|r| r.given_name.clone()).unwrap_or_default(),
        family_name: record.map(|r| r.family_name.clone()).unwrap_or_default(),
        date_of_birth: record.map(|r| r.date_of_birth),
        deceased: super::pds::is_deceased(db.pool(), &account.patient_id).await?,
        account,
        practice,
        document,
    }))
}

/// How a final submission ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// This submission set the passphrase and used up the PIN document.
    Reset,
    /// Another submission (or an earlier reset) used the document first; nothing changed.
    DocumentAlreadyUsed,
    /// The step token was already used or has expired; nothing changed.
    TokenNoLongerValid,
    /// The practice ended the account's online access while the journey was open (or the
    /// account was replaced); nothing changed.
    AccessEnded,
}

/// What a winning final submission writes.
#[derive(Debug, Clone)]
pub struct NewCredentials<'a> {
    pub pin_document_id: &'a str,
    /// The Argon2id PHC string of the new passphrase.
    pub passphrase_hash: &'a str,
    /// The language of the request: remembered for the account, and the email's language.
    pub language: Locale,
    /// The email telling the account's address (if it has one) that the passphrase was reset.
    pub notice: &'a Wording,
}

/// In one transaction: marks the PIN document used, consumes the step token, stores the new
/// passphrase hash and the patient's language, ends every session of the account (whoever
/// was signed in with the old passphrase is signed out), queues the email to the account's
/// address and writes the audit event. Of any number of concurrent calls for one document,
/// exactly one returns [`Completion::Reset`]: the conditional UPDATE on the document decides,
/// and the losers roll back (ending nothing and queueing nothing).
pub async fn complete(
    db: &Db,
    token: &StepToken,
    candidate: &ResetCandidate,
    new: &NewCredentials<'_>,
    now: i64,
) -> Result<Completion, DbError> {
    let mut tx = db.pool().begin().await?;
    if !pin_documents::mark_used(&mut *tx, new.pin_document_id, now).await? {
        tx.rollback().await?;
        return Ok(Completion::DocumentAlreadyUsed);
    }
    if !step_tokens::consume(&mut *tx, token, now).await? {
        tx.rollback().await?;
        return Ok(Completion::TokenNoLongerValid);
    }
    let account = &candidate.account.id;
    if !accounts::is_live(&mut *tx, account).await? {
        tx.rollback().await?;
        return Ok(Completion::AccessEnded);
    }
    accounts::set_passphrase_hash(&mut *tx, account, Some(new.passphrase_hash)).await?;
    accounts::remember_language(&mut *tx, account, new.language).await?;
    let ended = sessions::end_all_for(&mut *tx, SessionKind::Patient, account).await?;
    if let Some(contact) = accounts::contact(&mut *tx, account).await? {
        outbox::enqueue(&mut *tx, &new.notice.to(&contact.email), now).await?;
    }
    audit::record(
        &mut *tx,
        &NewAuditEvent {
            kind: AuditKind::PassphraseReset,
            actor: "patient",
            practice_ods: Some(candidate.practice.ods_code.as_str()),
            patient_id: Some(&candidate.account.patient_id),
            detail: &format!("passphrase reset with PIN document; {ended} session(s) ended"),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Completion::Reset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{demo, testing::each_backend};
    use crate::secrets::verify_secret;
    use std::sync::Arc;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 27);

    fn notice() -> Wording {
        Wording {
            subject: "Your passphrase was reset".to_owned(),
            body: "Body".to_owned(),
            purpose: outbox::Purpose::PassphraseReset,
        }
    }

    fn credentials<'a>(doc_id: &'a str, hash: &'a str, notice: &'a Wording) -> NewCredentials<'a> {
        NewCredentials {
            pin_document_id: doc_id,
            passphrase_hash: hash,
            language: Locale::cy,
            notice,
        }
    }

    async fn give_email(db: &Db, account: &str, email: &str) {
        sqlx::query("UPDATE online_accounts SET email = $1 WHERE id = $2")
            .bind(email)
            .bind(account)
            .execute(db.pool())
            .await
            .unwrap();
    }

    async fn queued(db: &Db) -> Vec<outbox::OutboxMessage> {
        outbox::recent(db.pool(), 100).await.unwrap()
    }

    async fn demo_candidate(db: &Db) -> ResetCandidate {
        demo::seed(db, TODAY, 1_000).await.unwrap();
        find_candidate(
            db,
            &OdsCode::parse("T00001").unwrap(),
            &AccountId::parse("1000000001").unwrap(),
        )
        .await
        .unwrap()
        .unwrap()
    }

    #[tokio::test]
    async fn finds_the_candidate_with_its_details() {
        each_backend(|db| async move {
            let candidate = demo_candidate(&db).await;
            assert_eq!(candidate.given_name, "Sam");
            assert_eq!(candidate.date_of_birth, Some(date!(1980 - 02 - 01)));
            let doc = candidate.document.clone().unwrap();
            assert!(verify_secret("demo-pin-1", &doc.secret_hash));
            let again = candidate_for_document(&db, &doc.id).await.unwrap().unwrap();
            assert_eq!(again.account.id, candidate.account.id);
            assert!(candidate_for_document(&db, "no-such-document")
                .await
                .unwrap()
                .is_none());
            let (ods, unknown) = (
                OdsCode::parse("T00001").unwrap(),
                AccountId::parse("1999999999").unwrap(),
            );
            assert!(find_candidate(&db, &ods, &unknown).await.unwrap().is_none());
        })
        .await;
    }

    /// 50 simultaneous final submissions for one PIN document: exactly one wins.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn exactly_one_of_fifty_concurrent_completions_wins() {
        each_backend(|db| async move {
            let candidate = Arc::new(demo_candidate(&db).await);
            let account = candidate.account.id.clone();
            give_email(&db, &account, "sam@example.com").await;
            let signed_in = [
                sessions::create(db.pool(), SessionKind::Patient, &account, 1_990)
                    .await
                    .unwrap(),
                sessions::create(db.pool(), SessionKind::Patient, &account, 1_995)
                    .await
                    .unwrap(),
            ];
            let doc_id = candidate.document.as_ref().unwrap().id.clone();
            let token = StepToken::generate();
            step_tokens::issue(db.pool(), &token, &doc_id, 2_000)
                .await
                .unwrap();

            let tasks: Vec<_> = (0..50)
                .map(|i| {
                    let (db, candidate, doc_id, token) =
                        (db.clone(), candidate.clone(), doc_id.clone(), token.clone());
                    tokio::spawn(async move {
                        let (hash, notice) = (format!("$argon2id$hash-{i}"), notice());
                        let new = credentials(&doc_id, &hash, &notice);
                        complete(&db, &token, &candidate, &new, 2_001)
                            .await
                            .unwrap()
                    })
                })
                .collect();
            let mut outcomes = Vec::new();
            for task in tasks {
                outcomes.push(task.await.unwrap());
            }
            let winners = outcomes.iter().filter(|o| **o == Completion::Reset).count();
            let already_used = outcomes
                .iter()
                .filter(|o| **o == Completion::DocumentAlreadyUsed)
                .count();
            assert_eq!((winners, already_used), (1, 49), "{outcomes:?}");

            let stored = accounts::passphrase_hash(db.pool(), &candidate.account.id)
                .await
                .unwrap()
                .unwrap();
            assert!(stored.starts_with("$argon2id$hash-"));
            let resets = audit::recent_for_patient(db.pool(), &candidate.account.patient_id, 100)
                .await
                .unwrap();
            assert_eq!(
                resets
                    .iter()
                    .filter(|e| e.kind == "passphrase_reset")
                    .count(),
                1
            );
            // The winner ended both sessions and queued one email; the 49 losers queued none.
            for id in &signed_in {
                let resumed = sessions::resume(db.pool(), SessionKind::Patient, id, 2_002).await;
                assert_eq!(resumed.unwrap(), None);
            }
            let messages = queued(&db).await;
            assert_eq!(messages.len(), 1, "{messages:?}");
            assert_eq!(messages[0].recipient, "sam@example.com");
            assert_eq!(messages[0].purpose, "passphrase_reset");
            let contact = accounts::contact(db.pool(), &account).await.unwrap();
            assert_eq!(contact.unwrap().language, Some(Locale::cy));
        })
        .await;
    }

    #[tokio::test]
    async fn an_expired_or_used_token_changes_nothing() {
        each_backend(|db| async move {
            let candidate = demo_candidate(&db).await;
            let account = candidate.account.id.clone();
            give_email(&db, &account, "sam@example.com").await;
            let doc_id = candidate.document.as_ref().unwrap().id.clone();
            let token = StepToken::generate();
            step_tokens::issue(db.pool(), &token, &doc_id, 2_000)
                .await
                .unwrap();
            let late = 2_000 + step_tokens::STEP_TOKEN_LIFETIME_SECONDS + 1;
            let session = sessions::create(db.pool(), SessionKind::Patient, &account, late - 5)
                .await
                .unwrap();
            let notice = notice();
            assert_eq!(
                complete(
                    &db,
                    &token,
                    &candidate,
                    &credentials(&doc_id, "h", &notice),
                    late
                )
                .await
                .unwrap(),
                Completion::TokenNoLongerValid
            );
            // Nothing queued, nobody signed out.
            assert!(queued(&db).await.is_empty());
            assert!(
                sessions::resume(db.pool(), SessionKind::Patient, &session, late)
                    .await
                    .unwrap()
                    .is_some()
            );
            // The failed attempt rolled back: the document is still unused.
            let doc = pin_documents::current_for_account(db.pool(), &candidate.account.id)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(doc.used_at, None);
            assert_eq!(
                accounts::passphrase_hash(db.pool(), &candidate.account.id)
                    .await
                    .unwrap(),
                None
            );
        })
        .await;
    }

    /// Access ended after the step token was issued (a race the end itself cannot close, since
    /// the token may be written just after): the completion changes nothing.
    #[tokio::test]
    async fn an_account_whose_access_ended_is_never_reset() {
        each_backend(|db| async move {
            let candidate = demo_candidate(&db).await;
            let account = candidate.account.id.clone();
            let doc_id = candidate.document.as_ref().unwrap().id.clone();
            let mut tx = db.pool().begin().await.unwrap();
            let ended = accounts::end_access(
                &mut tx,
                accounts::EndScope::Patient(&candidate.account.patient_id),
                crate::domain::AccessEnd::LeftPractice,
                1_500,
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(ended, 1);
            let token = StepToken::generate();
            step_tokens::issue(db.pool(), &token, &doc_id, 2_000)
                .await
                .unwrap();
            let notice = notice();
            let completion = complete(
                &db,
                &token,
                &candidate,
                &credentials(&doc_id, "h", &notice),
                2_001,
            )
            .await
            .unwrap();
            assert_eq!(completion, Completion::AccessEnded);
            let doc = pin_documents::current_for_account(db.pool(), &account)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(doc.used_at, None, "rolled back");
            assert_eq!(
                accounts::passphrase_hash(db.pool(), &account)
                    .await
                    .unwrap(),
                None
            );
            let found = find_candidate(
                &db,
                &OdsCode::parse("T00001").unwrap(),
                &AccountId::parse("1000000001").unwrap(),
            )
            .await
            .unwrap()
            .unwrap();
            assert_eq!(
                found.access_ended(),
                Some(crate::domain::AccessEnd::LeftPractice)
            );
        })
        .await;
    }

    #[tokio::test]
    async fn an_account_without_an_email_address_is_reset_without_a_message() {
        each_backend(|db| async move {
            let candidate = demo_candidate(&db).await;
            assert_eq!(candidate.account.email, None);
            let doc_id = candidate.document.as_ref().unwrap().id.clone();
            let token = StepToken::generate();
            step_tokens::issue(db.pool(), &token, &doc_id, 2_000)
                .await
                .unwrap();
            let notice = notice();
            let new = credentials(&doc_id, "$argon2id$h", &notice);
            assert_eq!(
                complete(&db, &token, &candidate, &new, 2_001)
                    .await
                    .unwrap(),
                Completion::Reset
            );
            assert!(queued(&db).await.is_empty());
            assert_eq!(
                accounts::contact(db.pool(), &candidate.account.id)
                    .await
                    .unwrap(),
                None
            );
        })
        .await;
    }
}
