//! Many made-up patients at the demo practice Riverside Surgery (T00001), for the benchmarks and
//! the reliability drills. Patient `n`'s details all follow from `n`, so a load generator in
//! another process knows them without sharing anything but the number.

use app::db::accounts::{self, NewAccount};
use app::db::patients::{self, DemographicSource, Demographics, Patient, PatientServiceSettings};
use app::db::pin_documents::{self, IssuedPinDocument};
use app::db::Db;
use app::domain::{AccountId, NhsNumber, OdsCode, RecordAccessLevel, VisibleFromRule};
use app::secrets::hash_secret;
use time::macros::date;

/// Every seeded patient's PIN document carries this one-time passphrase.
pub const PIN: &str = "seeded-pin-1";
pub const ODS: &str = "T00001";
/// Date of birth (day, month, year) and postcode of every seeded patient.
pub const DATE_OF_BIRTH: (&str, &str, &str) = ("1", "2", "1980");
pub const POSTCODE: &str = "TE1 1ST";

/// Valid NHS numbers in the 999 test range, in order (at most one check digit fits a prefix).
pub fn nhs_numbers() -> impl Iterator<Item = NhsNumber> {
    (200_000u32..).filter_map(|prefix| {
        (0..=9).find_map(|check| NhsNumber::parse(&format!("999{prefix:06}{check}")).ok())
    })
}

pub fn nhs_number(n: usize) -> NhsNumber {
    nhs_numbers().nth(n).expect("enough test-range numbers")
}

pub fn account_id(n: usize) -> String {
    format!("{}", 4_000_000_000u64 + n as u64)
}

pub fn email(n: usize) -> String {
    format!("patient{n}@example.com")
}

pub fn patient_row(n: usize) -> String {
    format!("seeded-patient-{n}")
}

pub fn pin_document_row(n: usize) -> String {
    format!("seeded-pin-{n}")
}

/// Adds patients `0..count`, each with an online account (no passphrase yet), an email address
/// and a PIN document printed today. The demo practices must be there already.
pub async fn seed_patients(db: &Db, count: usize) {
    let ods = OdsCode::parse(ODS).unwrap();
    let secret_hash = hash_secret(PIN);
    let today = time::OffsetDateTime::now_utc().date();
    for (n, nhs_number) in nhs_numbers().take(count).enumerate() {
        let patient = Patient {
            id: patient_row(n),
            practice_ods: ods.clone(),
            nhs_number,
            is_test: true,
            joined_practice_on: date!(2015 - 06 - 01),
            access_requested_on: None,
            record_access: RecordAccessLevel::None,
            visible_from_rule: VisibleFromRule::JoinedPractice,
            visible_from_set: None,
            settings: PatientServiceSettings {
                appointments: true,
                prescriptions: true,
                record: true,
                messages: true,
            },
        };
        patients::upsert(db.pool(), &patient, 0).await.unwrap();
        let record = Demographics {
            source: DemographicSource::ClinicalSystem,
            given_name: "Seeded".into(),
            family_name: format!("Patient {n}"),
            date_of_birth: date!(1980 - 02 - 01),
            address_line: "1 Test Road".into(),
            postcode: POSTCODE.into(),
        };
        patients::upsert_demographics(db.pool(), &patient.id, &record, 0)
            .await
            .unwrap();
        let account_row = format!("seeded-account-{n}");
        let email = email(n);
        let new = NewAccount {
            id: &account_row,
            patient_id: &patient.id,
            practice_ods: &ods,
            account_id: &AccountId::parse(&account_id(n)).unwrap(),
            email: Some(&email),
        };
        accounts::insert_if_missing(db.pool(), &new, 0)
            .await
            .unwrap();
        let document = IssuedPinDocument {
            id: &pin_document_row(n),
            online_account_id: &account_row,
            secret_hash: &secret_hash,
            printed_on: today,
            used_at: None,
        };
        pin_documents::upsert(db.pool(), &document, 0)
            .await
            .unwrap();
    }
}
