//! Demo data, seeded only when the server starts with `--demo`.
//!
//! Idempotent, and each start re-issues the PIN documents in the state the demo promises (one
//! valid, one expired, one used, one at an EMIS practice), so every journey can be tried again.

use sqlx::Any;
use time::{macros::date, Date};

use super::accounts::{self, NewAccount};
use super::audit::{self, AuditKind, NewAuditEvent};
use super::patients::{self, DemographicSource, Demographics, Patient, PatientServiceSettings};
use super::pin_documents::{self, IssuedPinDocument};
use super::practices::{self, Practice, PracticeServices};
use super::{Db, DbError};
use crate::demo::{
    DemoPatient, DemoPinState, DEMO_ADMIN, DEMO_PATIENTS, DEMO_PRACTICES, DEMO_STAFF,
    DEMO_TEST_PATIENT, DEMO_TOTP_SECRET,
};
use crate::domain::{AccountId, NhsNumber, OdsCode};
use crate::secrets::hash_secret;

fn patient_id(demo: &DemoPatient) -> String {
    format!("demo-patient-{}", demo.nhs_number)
}

/// Seeds (or refreshes) the demo data in one transaction.
pub async fn seed(db: &Db, today: Date, now: i64) -> Result<(), DbError> {
    // Hash before opening the transaction: Argon2 is slow and must not hold a write lock.
    let staff_hashes: Vec<String> = DEMO_STAFF
        .iter()
        .map(|(_, password, _)| hash_secret(password))
        .collect();
    let admin_hash = hash_secret(DEMO_ADMIN.1);
    let hashes: Vec<(String, Option<String>)> = DEMO_PATIENTS
        .iter()
        .map(|p| (hash_secret(p.pin_passphrase), p.passphrase.map(hash_secret)))
        .collect();

    let mut tx = db.pool().begin().await?;
    for (ods, name, system) in DEMO_PRACTICES {
        let practice = Practice {
            ods_code: OdsCode::parse(ods).expect("demo ODS codes are valid"),
            name: name.to_owned(),
            clinical_system: system,
            services: PracticeServices::ALL,
        };
        practices::upsert(&mut *tx, &practice).await?;
    }
    for (demo, (secret_hash, passphrase_hash)) in DEMO_PATIENTS.iter().zip(&hashes) {
        let patient_id = patient_id(demo);
        let ods = OdsCode::parse(demo.practice_ods).expect("demo ODS codes are valid");
        let patient = Patient {
            id: patient_id.clone(),
            practice_ods: ods.clone(),
            nhs_number: NhsNumber::parse(demo.nhs_number).expect("demo NHS numbers are valid"),
            is_test: false,
            joined_practice_on: date!(2015 - 06 - 01),
            access_requested_on: Some(date!(2024 - 01 - 10)),
            record_access: demo.record_access,
            visible_from_rule: demo.visible_from,
            visible_from_set: None,
            settings: PatientServiceSettings {
                appointments: true,
                prescriptions: true,
                record: true,
                messages: true,
            },
        };
        patients::upsert(&mut *tx, &patient, now).await?;
        let gp_record = Demographics {
            source: DemographicSource::ClinicalSystem,
            given_name: demo.given_name.to_owned(),
            family_name: demo.family_name.to_owned(),
            date_of_birth: demo.date_of_birth,
            address_line: demo.address_line.to_owned(),
            postcode: demo.postcode.to_owned(),
        };
        let pds_record = Demographics {
            source: DemographicSource::Pds,
            family_name: demo.pds_family_name.unwrap_or(demo.family_name).to_owned(),
            ..gp_record.clone()
        };
        patients::upsert_demographics(&mut *tx, &patient_id, &gp_record, now).await?;
        // As if PDS had been read the day before: a "Check against PDS" (when the demo is
        // pointed at the sandbox) asks at once.
        patients::upsert_demographics(&mut *tx, &patient_id, &pds_record, now - 86_400).await?;

        let account_row_id = format!("demo-account-{}", demo.account_id);
        // A demo account that was replaced stays replaced (and its documents with the new
        // account) until the database is deleted: replacements are never undone.
        if accounts::find(&mut *tx, &account_row_id)
            .await?
            .is_some_and(|a| a.status != accounts::AccountStatus::Active)
        {
            continue;
        }
        let account_id = AccountId::parse(demo.account_id).expect("demo Account IDs are valid");
        accounts::insert_if_missing(
            &mut *tx,
            &NewAccount {
                id: &account_row_id,
                patient_id: &patient_id,
                practice_ods: &ods,
                account_id: &account_id,
                email: demo.email,
            },
            now,
        )
        .await?;
        // The replacement story depends on when the account was last used: kept relative to today.
        if let Some(days) = demo.last_used_days_ago {
            sqlx::query("UPDATE online_accounts SET email = $1, last_used_at = $2 WHERE id = $3")
                .bind(demo.email)
                .bind(now - days * 24 * 60 * 60)
                .bind(&account_row_id)
                .execute(&mut *tx)
                .await?;
        }
        let pin_id = format!("demo-pin-document-{}", demo.account_id);
        let doc = IssuedPinDocument {
            id: &pin_id,
            online_account_id: &account_row_id,
            secret_hash,
            printed_on: demo.printed_on(today),
            used_at: (demo.pin_state == DemoPinState::Used).then_some(now),
        };
        pin_documents::upsert(&mut *tx, &doc, now).await?;
        pin_documents::revoke_others(&mut *tx, &account_row_id, &pin_id, now).await?;
        // Demo passphrases are set again too; other accounts keep whatever was reset.
        if passphrase_hash.is_some() {
            accounts::set_passphrase_hash(&mut *tx, &account_row_id, passphrase_hash.as_deref())
                .await?;
        }
    }
    seed_test_patient(&mut tx, now).await?;
    // Demo staff, with the passwords `/demo` lists (set again on every start).
    for ((username, _, ods), hash) in DEMO_STAFF.iter().zip(&staff_hashes) {
        sqlx::query(
            "INSERT INTO staff_members (username, password_hash, is_admin, created_at, totp_secret)
             VALUES ($1, $2, 0, $3, $4)
             ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash,
                 totp_secret = excluded.totp_secret, totp_last_step = NULL,
                 must_change_password = 0",
        )
        .bind(*username)
        .bind(hash)
        .bind(now)
        .bind(DEMO_TOTP_SECRET)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO staff_practices (username, practice_ods) VALUES ($1, $2)
             ON CONFLICT (username, practice_ods) DO NOTHING",
        )
        .bind(*username)
        .bind(*ods)
        .execute(&mut *tx)
        .await?;
    }
    // The demo administrator: every practice, no practice of their own.
    sqlx::query(
        "INSERT INTO staff_members (username, password_hash, is_admin, created_at, totp_secret)
         VALUES ($1, $2, 1, $3, $4)
         ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, is_admin = 1,
             totp_secret = excluded.totp_secret, totp_last_step = NULL, must_change_password = 0",
    )
    .bind(DEMO_ADMIN.0)
    .bind(&admin_hash)
    .bind(now)
    .bind(DEMO_TOTP_SECRET)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &NewAuditEvent {
            kind: AuditKind::DemoSeeded,
            actor: "system",
            practice_ods: None,
            patient_id: None,
            detail: "",
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The demo test patient, as `/demo` promises them: a GP record only (test patients are never
/// sent to PDS), no online account, the usual access settings (set again on every start, like
/// the PIN documents, whatever a staff member changed). Set up once, audited as the form's test
/// patients are; matched on their fixed id, so a restart refreshes them and never adds another.
/// If someone else already holds the NHS number (a patient set up by hand with it), both are
/// left alone: the start must not fail over demo data.
async fn seed_test_patient(tx: &mut sqlx::Transaction<'_, Any>, now: i64) -> Result<(), DbError> {
    let demo = DEMO_TEST_PATIENT;
    let nhs_number = NhsNumber::parse(demo.nhs_number).expect("demo NHS numbers are valid");
    let holder = patients::find_by_nhs_number(&mut **tx, &nhs_number).await?;
    if holder.as_ref().is_some_and(|p| p.id != demo.id) {
        return Ok(());
    }
    let practice_ods = OdsCode::parse(demo.practice_ods).expect("demo ODS codes are valid");
    let patient = Patient {
        id: demo.id.to_owned(),
        practice_ods: practice_ods.clone(),
        nhs_number,
        is_test: true,
        joined_practice_on: date!(2015 - 06 - 01),
        access_requested_on: Some(date!(2024 - 01 - 10)),
        record_access: demo.record_access,
        visible_from_rule: demo.visible_from,
        visible_from_set: None,
        settings: PatientServiceSettings {
            appointments: true,
            prescriptions: true,
            record: true,
            messages: true,
        },
    };
    patients::upsert(&mut **tx, &patient, now).await?;
    let record = Demographics {
        source: DemographicSource::ClinicalSystem,
        given_name: demo.given_name.to_owned(),
        family_name: demo.family_name.to_owned(),
        date_of_birth: demo.date_of_birth,
        address_line: demo.address_line.to_owned(),
        postcode: demo.postcode.to_owned(),
    };
    patients::upsert_demographics(&mut **tx, demo.id, &record, now).await?;
    if holder.is_none() {
        audit::record(
            &mut **tx,
            &NewAuditEvent {
                kind: AuditKind::TestPatientCreated,
                actor: "system",
                practice_ods: Some(practice_ods.as_str()),
                patient_id: Some(demo.id),
                detail: &format!("Test patient with NHS number {} set up", patient.nhs_number),
            },
            now,
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::each_backend;
    use crate::domain::ClinicalSystem;
    use crate::secrets::verify_secret;

    #[test]
    fn demo_fixtures_are_valid_domain_values() {
        for p in DEMO_PATIENTS {
            assert!(NhsNumber::parse(p.nhs_number).unwrap().is_test_range());
            AccountId::parse(p.account_id).unwrap();
            crate::domain::PinPassphrase::parse(p.pin_passphrase).unwrap();
        }
    }

    #[tokio::test]
    async fn seeding_twice_leaves_one_test_patient_with_the_promised_settings() {
        each_backend(|db| async move {
            let today = date!(2026 - 11 - 27);
            seed(&db, today, 1_000).await.unwrap();
            // A staff member switches the record off; the next start sets it up as promised.
            sqlx::query("UPDATE patients SET record_access_level = 'none' WHERE id = $1")
                .bind(DEMO_TEST_PATIENT.id)
                .execute(db.pool())
                .await
                .unwrap();
            seed(&db, today, 2_000).await.unwrap();

            let nhs = NhsNumber::parse(DEMO_TEST_PATIENT.nhs_number).unwrap();
            assert!(nhs.is_test_range());
            let patient = patients::find_by_nhs_number(db.pool(), &nhs)
                .await
                .unwrap()
                .expect("the demo test patient exists");
            assert_eq!(patient.id, DEMO_TEST_PATIENT.id);
            assert!(patient.is_test);
            assert_eq!(
                patient.practice_ods.as_str(),
                DEMO_TEST_PATIENT.practice_ods
            );
            assert_eq!(patient.record_access, DEMO_TEST_PATIENT.record_access);
            let (test_patients, created_events): (i64, i64) = sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM patients WHERE is_test = 1),
                        (SELECT COUNT(*) FROM audit_events WHERE kind = 'test_patient_created')",
            )
            .fetch_one(db.pool())
            .await
            .unwrap();
            assert_eq!((test_patients, created_events), (1, 1));
            let records = patients::demographics(db.pool(), DEMO_TEST_PATIENT.id)
                .await
                .unwrap();
            assert_eq!(records.len(), 1, "a GP record only, never PDS");
            assert_eq!(records[0].family_name, DEMO_TEST_PATIENT.family_name);
        })
        .await;
    }

    #[tokio::test]
    async fn a_patient_already_holding_the_number_is_left_alone() {
        each_backend(|db| async move {
            // Set up by hand with the number before the demo had its test patient.
            let (ods, name, system) = DEMO_PRACTICES[0];
            assert_eq!(ods, DEMO_TEST_PATIENT.practice_ods);
            let practice = Practice {
                ods_code: OdsCode::parse(ods).unwrap(),
                name: name.to_owned(),
                clinical_system: system,
                services: PracticeServices::ALL,
            };
            practices::upsert(db.pool(), &practice).await.unwrap();
            let nhs = NhsNumber::parse(DEMO_TEST_PATIENT.nhs_number).unwrap();
            let by_hand = Patient {
                id: "by-hand".into(),
                practice_ods: practice.ods_code.clone(),
                nhs_number: nhs,
                is_test: true,
                joined_practice_on: date!(2020 - 01 - 01),
                access_requested_on: None,
                record_access: crate::domain::RecordAccessLevel::None,
                visible_from_rule: crate::domain::VisibleFromRule::JoinedPractice,
                visible_from_set: None,
                settings: PatientServiceSettings {
                    appointments: false,
                    prescriptions: false,
                    record: false,
                    messages: false,
                },
            };
            patients::upsert(db.pool(), &by_hand, 500).await.unwrap();

            seed(&db, date!(2026 - 11 - 27), 1_000).await.unwrap();
            let holder = patients::find_by_nhs_number(db.pool(), &nhs)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(holder, by_hand);
            assert!(patients::find(db.pool(), DEMO_TEST_PATIENT.id)
                .await
                .unwrap()
                .is_none());
        })
        .await;
    }

    #[tokio::test]
    async fn seeding_twice_reissues_documents_in_their_promised_state() {
        each_backend(|db| async move {
            let today = date!(2026 - 11 - 27);
            seed(&db, today, 1_000).await.unwrap();
            // A patient uses the valid document; the next start makes it usable again.
            let ods = OdsCode::parse("T00001").unwrap();
            let account = accounts::find_by_account_id(
                db.pool(),
                &ods,
                &AccountId::parse("1000000001").unwrap(),
            )
            .await
            .unwrap()
            .unwrap();
            let doc = pin_documents::current_for_account(db.pool(), &account.id)
                .await
                .unwrap()
                .unwrap();
            assert!(pin_documents::mark_used(db.pool(), &doc.id, 1_001)
                .await
                .unwrap());
            seed(&db, today, 2_000).await.unwrap();

            for demo in DEMO_PATIENTS {
                let ods = OdsCode::parse(demo.practice_ods).unwrap();
                let account = accounts::find_by_account_id(
                    db.pool(),
                    &ods,
                    &AccountId::parse(demo.account_id).unwrap(),
                )
                .await
                .unwrap()
                .expect("demo account exists");
                let doc = pin_documents::current_for_account(db.pool(), &account.id)
                    .await
                    .unwrap()
                    .unwrap();
                assert!(verify_secret(demo.pin_passphrase, &doc.secret_hash));
                assert_eq!(
                    doc.used_at.is_some(),
                    demo.pin_state == DemoPinState::Used,
                    "{}",
                    demo.account_id
                );
                assert_eq!(
                    doc.dates.is_expired(today),
                    demo.pin_state == DemoPinState::Expired,
                    "{}",
                    demo.account_id
                );
            }
            let practice = practices::find(db.pool(), &OdsCode::parse("E00001").unwrap())
                .await
                .unwrap()
                .unwrap();
            assert_eq!(practice.clinical_system, ClinicalSystem::Emis);
        })
        .await;
    }
}
