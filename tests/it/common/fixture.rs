//! The fixture builder: what tests change or read in the database behind the app's back, each
//! under a name that says what it means. The app's own repository functions (`app::db`) do the
//! work where they exist; where they do not, the SQL is here, and nowhere else in the tests.
//!
//! Every function takes the database's URL (a test server's `database_url`, or a test's own
//! file) and works on a connection of its own, closed before it returns. A function that cannot
//! do what it says panics: that is a broken test, not a finding.

use app::db::accounts;
use app::db::audit::{self, AuditKind, NewAuditEvent};
use app::db::patients::{self, DemographicSource, Patient};
use app::db::practices::{self, Practice};
use app::domain::{AccountId, NhsNumber, OdsCode};
use app::secrets::hash_secret;
use sqlx::{AnyConnection, Connection, Executor};

/// Runs `work` on a connection of its own to the database at `db_url`, and closes it.
pub async fn on<T>(db_url: &str, work: impl AsyncFnOnce(&mut AnyConnection) -> T) -> T {
    sqlx::any::install_default_drivers();
    let mut db = AnyConnection::connect(db_url)
        .await
        .unwrap_or_else(|e| panic!("cannot open {db_url}: {e}"));
    let result = work(&mut db).await;
    db.close().await.unwrap();
    result
}

/// Runs one statement that changes rows, with its parameters.
async fn change(db_url: &str, sql: &str, parameters: &[&str]) {
    on(db_url, async |db| {
        let mut query = sqlx::query(sql);
        for parameter in parameters {
            query = query.bind(*parameter);
        }
        db.execute(query)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    })
    .await
}

fn ods(code: &str) -> OdsCode {
    OdsCode::parse(code).unwrap()
}

fn account_id(id: &str) -> AccountId {
    AccountId::parse(id).unwrap()
}

/// The row id of the active account with this Account ID at the practice.
async fn account_row(db: &mut AnyConnection, practice_ods: &str, account: &str) -> String {
    accounts::find_by_account_id(&mut *db, &ods(practice_ods), &account_id(account))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no active account {account} at {practice_ods}"))
        .id
}

// Online accounts.

/// Adds an active online account (no email address, no passphrase) for the patient, created at
/// time 1, before any demo account.
pub async fn add_account(
    db_url: &str,
    id: &str,
    patient_id: &str,
    practice_ods: &str,
    account: &str,
) {
    on(db_url, async |db| {
        let new = accounts::NewAccount {
            id,
            patient_id,
            practice_ods: &ods(practice_ods),
            account_id: &account_id(account),
            email: None,
        };
        accounts::insert_if_missing(&mut *db, &new, 1)
            .await
            .unwrap();
    })
    .await
}

/// Marks the account (row `id`) replaced by the account `by`.
pub async fn mark_account_replaced(db_url: &str, id: &str, by: &str) {
    change(
        db_url,
        "UPDATE online_accounts SET status = 'replaced', replaced_by = $1 WHERE id = $2",
        &[by, id],
    )
    .await
}

/// Marks every account of the patient but `by` itself replaced by the account `by`.
pub async fn mark_other_accounts_replaced(db_url: &str, patient_id: &str, by: &str) {
    change(
        db_url,
        "UPDATE online_accounts SET status = 'replaced', replaced_by = $1
         WHERE patient_id = $2 AND id <> $1",
        &[by, patient_id],
    )
    .await
}

/// Moves the account (row `id`) to another patient.
pub async fn move_account(db_url: &str, id: &str, patient_id: &str) {
    change(
        db_url,
        "UPDATE online_accounts SET patient_id = $1 WHERE id = $2",
        &[patient_id, id],
    )
    .await
}

/// Gives the active account with this Account ID a passphrase, hashed as the app hashes it.
pub async fn set_passphrase(db_url: &str, practice_ods: &str, account: &str, passphrase: &str) {
    let phc = hash_secret(passphrase);
    on(db_url, async |db| {
        let id = account_row(db, practice_ods, account).await;
        accounts::set_passphrase_hash(&mut *db, &id, Some(&phc))
            .await
            .unwrap();
    })
    .await
}

/// Gives the active account with this Account ID an email address.
pub async fn set_email(db_url: &str, practice_ods: &str, account: &str, email: &str) {
    let id = on(db_url, async |db| {
        account_row(db, practice_ods, account).await
    })
    .await;
    change(
        db_url,
        "UPDATE online_accounts SET email = $1 WHERE id = $2",
        &[email, &id],
    )
    .await
}

/// The stored passphrase hash (a PHC string) of the active account with this Account ID.
pub async fn passphrase_hash(db_url: &str, practice_ods: &str, account: &str) -> Option<String> {
    on(db_url, async |db| {
        let id = account_row(db, practice_ods, account).await;
        accounts::passphrase_hash(&mut *db, &id).await.unwrap()
    })
    .await
}

/// Every account, active or replaced, that has this Account ID, oldest first, as
/// `(id, status, replaced_by)`.
pub async fn accounts_with_account_id(
    db_url: &str,
    account: &str,
) -> Vec<(String, String, Option<String>)> {
    on(db_url, async |db| {
        sqlx::query_as(
            "SELECT id, status, replaced_by FROM online_accounts WHERE account_id = $1
             ORDER BY created_at, status DESC",
        )
        .bind(account)
        .fetch_all(&mut *db)
        .await
        .unwrap()
    })
    .await
}

/// How many active accounts with this Account ID have a passphrase.
pub async fn active_accounts_with_a_passphrase(db_url: &str, account: &str) -> i64 {
    on(db_url, async |db| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM online_accounts
             WHERE status = 'active' AND account_id = $1 AND passphrase_hash IS NOT NULL",
        )
        .bind(account)
        .fetch_one(&mut *db)
        .await
        .unwrap()
    })
    .await
}

// Patients and practices.

/// Changes what is stored about the patient with this NHS number (record access, services…).
pub async fn change_patient(db_url: &str, nhs_number: &str, edit: impl FnOnce(&mut Patient)) {
    on(db_url, async |db| {
        let mut patient =
            patients::find_by_nhs_number(&mut *db, &NhsNumber::parse(nhs_number).unwrap())
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("no patient with NHS number {nhs_number}"));
        edit(&mut patient);
        patients::upsert(&mut *db, &patient, 0).await.unwrap();
    })
    .await
}

/// Changes what the practice's clinical system holds for the patient (their GP record's side
/// of a difference with PDS).
pub async fn change_gp_record(
    db_url: &str,
    patient_id: &str,
    edit: impl FnOnce(&mut patients::Demographics),
) {
    on(db_url, async |db| {
        let mut record = patients::demographics(&mut *db, patient_id)
            .await
            .unwrap()
            .into_iter()
            .find(|record| record.source == DemographicSource::ClinicalSystem)
            .unwrap_or_else(|| panic!("no GP record for {patient_id}"));
        edit(&mut record);
        patients::upsert_demographics(&mut *db, patient_id, &record, 0)
            .await
            .unwrap();
    })
    .await
}

/// Where the stored demographics of the patient come from, one entry per source.
pub async fn demographic_sources(db_url: &str, patient_id: &str) -> Vec<DemographicSource> {
    on(db_url, async |db| {
        patients::demographics(&mut *db, patient_id)
            .await
            .unwrap()
            .into_iter()
            .map(|record| record.source)
            .collect()
    })
    .await
}

/// Adds the practice (or brings it up to date).
pub async fn add_practice(db_url: &str, practice: &Practice) {
    on(db_url, async |db| {
        practices::upsert(&mut *db, practice).await.unwrap();
    })
    .await
}

/// The ODS codes of every practice stored, sorted.
pub async fn practice_codes(db_url: &str) -> Vec<String> {
    on(db_url, async |db| {
        sqlx::query_scalar("SELECT ods_code FROM practices ORDER BY ods_code")
            .fetch_all(&mut *db)
            .await
            .unwrap()
    })
    .await
}

/// Changes what is stored about the practice with this ODS code (the services it offers…).
pub async fn change_practice(db_url: &str, practice_ods: &str, edit: impl FnOnce(&mut Practice)) {
    on(db_url, async |db| {
        let mut practice = practices::find(&mut *db, &ods(practice_ods))
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no practice {practice_ods}"));
        edit(&mut practice);
        practices::upsert(&mut *db, &practice).await.unwrap();
    })
    .await
}

// Time passing: sessions, step tokens, journeys and previews.

/// Moves the last request of every session `seconds` into the past: they have been idle.
pub async fn backdate_session_activity(db_url: &str, seconds: i64) {
    change(
        db_url,
        &format!("UPDATE sessions SET last_seen_at = last_seen_at - {seconds}"),
        &[],
    )
    .await
}

/// Moves the start of every session `seconds` into the past: they are that much older.
pub async fn backdate_session_start(db_url: &str, seconds: i64) {
    change(
        db_url,
        &format!("UPDATE sessions SET created_at = created_at - {seconds}"),
        &[],
    )
    .await
}

/// Every reset step token (the cookie between the two reset steps) has run out of time.
pub async fn expire_step_tokens(db_url: &str) {
    change(db_url, "UPDATE step_tokens SET expires_at = 0", &[]).await
}

/// What ends after a time, by its table: each row has the `created_at` and `expires_at` of its
/// time window.
#[derive(Debug, Clone, Copy)]
pub enum TimedStep {
    ResetStepTokens,
    ReplacementJourneys,
    StaffSignInSteps,
}

/// Moves the start and end of every `step` `seconds` into the past, as if each had begun that
/// much earlier.
pub async fn backdate_steps(db_url: &str, step: TimedStep, seconds: i64) {
    let table = match step {
        TimedStep::ResetStepTokens => "step_tokens",
        TimedStep::ReplacementJourneys => "replacement_journeys",
        TimedStep::StaffSignInSteps => "staff_sign_in_steps",
    };
    let sql = format!(
        "UPDATE {table} SET created_at = created_at - {seconds}, expires_at = expires_at - {seconds}"
    );
    change(db_url, &sql, &[]).await
}

/// Sets every reset step token's window relative to `now`: begun `started_ago` seconds ago,
/// ending in `ends_in` seconds (as if more time had been asked for again and again since).
pub async fn set_step_token_window(db_url: &str, now: i64, started_ago: i64, ends_in: i64) {
    let sql = format!(
        "UPDATE step_tokens SET created_at = {}, expires_at = {}",
        now - started_ago,
        now + ends_in
    );
    change(db_url, &sql, &[]).await
}

/// Every replacement journey has run out of time.
pub async fn expire_replacement_journeys(db_url: &str) {
    change(
        db_url,
        "UPDATE replacement_journeys SET expires_at = 0",
        &[],
    )
    .await
}

/// Every staff preview has reached its time limit.
pub async fn expire_previews(db_url: &str) {
    change(
        db_url,
        "UPDATE previews SET expires_at = started_at - 1",
        &[],
    )
    .await
}

// Time passing: attempt counters.

/// Moves every attempt counter (credentials' and clients', short and daily) `seconds` into
/// the past: their windows started, and their locks end, that much earlier.
pub async fn backdate_attempt_counters(db_url: &str, seconds: i64) {
    change(
        db_url,
        &format!(
            "UPDATE throttles SET window_started_at = window_started_at - {seconds},
                 locked_until = CASE WHEN locked_until > 0 THEN locked_until - {seconds} ELSE 0 END"
        ),
        &[],
    )
    .await
}

// PIN documents.

/// Gives the PIN document a new one-time passphrase, hashed as the app hashes it.
pub async fn set_pin_passphrase(db_url: &str, document_id: &str, passphrase: &str) {
    let phc = hash_secret(passphrase);
    change(
        db_url,
        "UPDATE pin_documents SET secret_hash = $1 WHERE id = $2",
        &[&phc, document_id],
    )
    .await
}

/// Prints the PIN document again today, unused, with this one-time passphrase (as the demo's
/// re-issue does), while its account keeps its passphrase and sessions.
pub async fn renew_pin_document(db_url: &str, document_id: &str, passphrase: &str) {
    let phc = hash_secret(passphrase);
    let today = time::OffsetDateTime::now_utc().date();
    let iso = |d: time::Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    change(
        db_url,
        "UPDATE pin_documents SET secret_hash = $1, used_at = NULL, revoked_at = NULL,
             printed_on = $2, expires_on = $3 WHERE id = $4",
        &[
            &phc,
            &iso(today),
            &iso(today + time::Duration::days(14)),
            document_id,
        ],
    )
    .await
}

/// When the PIN document was used, if it has been.
pub async fn pin_document_used_at(db_url: &str, document_id: &str) -> Option<i64> {
    on(db_url, async |db| {
        sqlx::query_scalar("SELECT used_at FROM pin_documents WHERE id = $1")
            .bind(document_id)
            .fetch_one(&mut *db)
            .await
            .unwrap()
    })
    .await
}

// The audit log.

/// Appends an event to the audit log as the app does (in the hash chain), at time `at`.
pub async fn record_audit_event(db_url: &str, event: &NewAuditEvent<'_>, at: i64) {
    on(db_url, async |db| {
        audit::record(&mut *db, event, at).await.unwrap();
    })
    .await
}

/// How many events of this kind the audit log holds.
pub async fn audit_count(db_url: &str, kind: AuditKind) -> i64 {
    on(db_url, async |db| {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE kind = $1")
            .bind(kind.code())
            .fetch_one(&mut *db)
            .await
            .unwrap()
    })
    .await
}

/// The events of these kinds, oldest first, as `(kind, detail)`.
pub async fn audit_events(db_url: &str, kinds: &[AuditKind]) -> Vec<(String, String)> {
    let placeholders: Vec<String> = (1..=kinds.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT kind, detail FROM audit_events WHERE kind IN ({}) ORDER BY id",
        placeholders.join(", ")
    );
    on(db_url, async |db| {
        let mut query = sqlx::query_as(&sql);
        for kind in kinds {
            query = query.bind(kind.code());
        }
        query.fetch_all(&mut *db).await.unwrap()
    })
    .await
}

/// The details of the events of this kind, oldest first.
pub async fn audit_details(db_url: &str, kind: AuditKind) -> Vec<String> {
    audit_events(db_url, &[kind])
        .await
        .into_iter()
        .map(|(_, detail)| detail)
        .collect()
}

/// One audit entry as staff reads are checked: who, which practice's log, about whom, and
/// the detail.
pub type AuditEntry = (String, Option<String>, Option<String>, String);

/// The entries of this kind, oldest first.
pub async fn audit_entries(db_url: &str, kind: AuditKind) -> Vec<AuditEntry> {
    on(db_url, async |db| {
        sqlx::query_as(
            "SELECT actor, practice_ods, patient_id, detail FROM audit_events
             WHERE kind = $1 ORDER BY id",
        )
        .bind(kind.code())
        .fetch_all(&mut *db)
        .await
        .unwrap()
    })
    .await
}

/// Adds an administrator (every practice) with this password, as `relink staff add --admin`,
/// past their first sign-in: their own password chosen and the demo's authenticator set up.
pub async fn add_administrator(db_url: &str, username: &str, password: &str) {
    let db = app::db::Db::connect(db_url).await.unwrap();
    let username = app::domain::StaffUsername::parse(username).unwrap();
    let hash = hash_secret(password);
    app::db::staff::add(&db, &username, &hash, true, &[], 1)
        .await
        .unwrap();
    let secret =
        app::domain::second_factor::TotpSecret::parse_base32(app::demo::DEMO_TOTP_SECRET).unwrap();
    app::db::staff::set_known_credentials(db.pool(), &username, &hash, &secret)
        .await
        .unwrap();
    db.close().await;
}

/// Adds a member of these practices as `relink staff add` does: a first password they must
/// change, and no authenticator yet.
pub async fn add_new_member(db_url: &str, username: &str, password: &str, practices: &[&str]) {
    let db = app::db::Db::connect(db_url).await.unwrap();
    let username = app::domain::StaffUsername::parse(username).unwrap();
    let practices: Vec<_> = practices
        .iter()
        .map(|code| app::domain::OdsCode::parse(code).unwrap())
        .collect();
    app::db::staff::add(&db, &username, &hash_secret(password), false, &practices, 1)
        .await
        .unwrap();
    db.close().await;
}

/// The id (its place in the log) of the event with this detail.
pub async fn audit_event_id(db_url: &str, detail: &str) -> i64 {
    on(db_url, async |db| {
        sqlx::query_scalar("SELECT id FROM audit_events WHERE detail = $1")
            .bind(detail)
            .fetch_one(&mut *db)
            .await
            .unwrap()
    })
    .await
}

/// Rewrites who did the event with this detail, as someone with direct access to a SQLite
/// database could: the append-only trigger dropped first.
pub async fn tamper_with_audit_actor(db_url: &str, detail: &str, actor: &str) {
    on(db_url, async |db| {
        db.execute("DROP TRIGGER audit_events_no_update")
            .await
            .unwrap();
        let update = sqlx::query("UPDATE audit_events SET actor = $1 WHERE detail = $2")
            .bind(actor)
            .bind(detail);
        db.execute(update).await.unwrap();
    })
    .await
}

/// Cuts the entries after number `keep` off the end of a SQLite database's audit log and winds
/// the chain's head back to the last one kept, as its owner could (triggers dropped first):
/// the chain alone then looks whole.
pub async fn cut_audit_log_and_wind_back(db_url: &str, keep: i64) {
    on(db_url, async |db| {
        db.execute("DROP TRIGGER audit_events_no_delete; DROP TRIGGER audit_chain_forward_only;")
            .await
            .unwrap();
        let cut = sqlx::query("DELETE FROM audit_events WHERE seq > $1").bind(keep);
        db.execute(cut).await.unwrap();
        let wind_back = sqlx::query(
            "UPDATE audit_chain SET seq = $1,
                 last_hash = (SELECT entry_hash FROM audit_events WHERE seq = $1) WHERE id = 1",
        )
        .bind(keep);
        db.execute(wind_back).await.unwrap();
    })
    .await
}

// The email outbox.

/// The oldest message's delivery so far, as `(attempts, sent_at, last_error, next_attempt_at)`.
pub async fn outbox_delivery(db_url: &str) -> (i64, Option<i64>, Option<String>, i64) {
    on(db_url, async |db| {
        sqlx::query_as(
            "SELECT attempts, sent_at, last_error, next_attempt_at FROM outbox ORDER BY id LIMIT 1",
        )
        .fetch_one(&mut *db)
        .await
        .unwrap()
    })
    .await
}

/// Every message the outbox holds, oldest first, as `(recipient, subject, body, purpose)`.
pub async fn outbox_messages(db_url: &str) -> Vec<(String, String, String, String)> {
    on(db_url, async |db| {
        sqlx::query_as("SELECT recipient, subject, body, purpose FROM outbox ORDER BY id")
            .fetch_all(&mut *db)
            .await
            .unwrap()
    })
    .await
}

/// Queues a security code email to `recipient`, as a replacement journey would, created now.
pub async fn queue_security_code_email(db_url: &str, recipient: &str, code: &str) {
    let body = format!("Your security code is {code}");
    let message = app::db::outbox::NewMessage {
        recipient,
        subject: "Your security code",
        body: &body,
        purpose: app::db::outbox::Purpose::SecurityCode,
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    on(db_url, async |db| {
        app::db::outbox::enqueue(&mut *db, &message, now)
            .await
            .unwrap()
    })
    .await
}

/// The body of the oldest message, as stored now.
pub async fn oldest_outbox_body(db_url: &str) -> String {
    on(db_url, async |db| {
        sqlx::query_scalar("SELECT body FROM outbox ORDER BY id LIMIT 1")
            .fetch_one(&mut *db)
            .await
            .unwrap()
    })
    .await
}

/// Whose sessions are stored (signed-in or not), sorted.
pub async fn session_subjects(db_url: &str) -> Vec<String> {
    on(db_url, async |db| {
        sqlx::query_scalar("SELECT subject FROM sessions ORDER BY subject")
            .fetch_all(&mut *db)
            .await
            .unwrap()
    })
    .await
}

/// Every message waiting for a later try is due now.
pub async fn make_outbox_due(db_url: &str) {
    change(db_url, "UPDATE outbox SET next_attempt_at = 0", &[]).await
}

// A PostgreSQL database going away (the admin connection is to the server's `postgres`).

/// The database stops accepting connections, and the open ones are cut.
pub async fn cut_off_postgres_database(admin: &mut sqlx::PgConnection, name: &str) {
    admin
        .execute(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false").as_str())
        .await
        .unwrap();
    admin
        .execute(
            format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            )
            .as_str(),
        )
        .await
        .unwrap();
}

/// The database accepts connections again.
pub async fn reopen_postgres_database(admin: &mut sqlx::PgConnection, name: &str) {
    admin
        .execute(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true").as_str())
        .await
        .unwrap();
}

// PDS values.

/// Makes every stored PDS read look `seconds` older (the demo seeds them as read at start).
pub async fn backdate_pds_reads(db_url: &str, seconds: i64) {
    change(
        db_url,
        "UPDATE pds_records SET read_at = read_at - CAST($1 AS BIGINT)",
        &[&seconds.to_string()],
    )
    .await
}

/// What is stored of the patient's PDS record.
pub async fn pds_snapshot(db_url: &str, patient_id: &str) -> Option<app::db::pds::PdsSnapshot> {
    on(db_url, async |db| {
        app::db::pds::find(&mut *db, patient_id).await.unwrap()
    })
    .await
}

/// Every address the database holds for the patient, from any source, as `(line, postcode)`.
pub async fn stored_addresses(db_url: &str, patient_id: &str) -> Vec<(String, String)> {
    on(db_url, async |db| {
        sqlx::query_as(
            "SELECT address_line, postcode FROM demographics WHERE patient_id = $1
             UNION ALL
             SELECT COALESCE(address_line, ''), COALESCE(postcode, '') FROM pds_records WHERE patient_id = $2",
        )
        .bind(patient_id)
        .bind(patient_id)
        .fetch_all(&mut *db)
        .await
        .unwrap()
    })
    .await
}

/// The Account IDs of every online account the patient has had, oldest first.
pub async fn patient_account_ids(db_url: &str, patient_id: &str) -> Vec<String> {
    on(db_url, async |db| {
        sqlx::query_scalar(
            "SELECT account_id FROM online_accounts WHERE patient_id = $1 ORDER BY created_at, id",
        )
        .bind(patient_id)
        .fetch_all(&mut *db)
        .await
        .unwrap()
    })
    .await
}

/// The Account ID of the patient's active online account, if they have one.
pub async fn active_account_id(db_url: &str, patient_id: &str) -> Option<String> {
    on(db_url, async |db| {
        sqlx::query_scalar(
            "SELECT account_id FROM online_accounts WHERE patient_id = $1 AND status = 'active'",
        )
        .bind(patient_id)
        .fetch_optional(&mut *db)
        .await
        .unwrap()
    })
    .await
}
