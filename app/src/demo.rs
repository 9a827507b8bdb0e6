//! The demo data set: what `relink --demo` seeds, what `/demo` lists and what the README
//! repeats. Plain data, shared by the server and the browser bundle.

use time::{macros::date, Date, Duration};

use crate::domain::{ClinicalSystem, RecordAccessLevel, VisibleFromRule};

/// The state a demo PIN document is re-issued in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoPinState {
    Valid,
    Expired,
    Used,
}

/// One demo patient with their account and PIN document; `/demo` and the README list these.
#[derive(Debug, Clone, Copy)]
pub struct DemoPatient {
    pub nhs_number: &'static str,
    pub given_name: &'static str,
    pub family_name: &'static str,
    pub date_of_birth: Date,
    pub practice_ods: &'static str,
    pub account_id: &'static str,
    pub pin_passphrase: &'static str,
    pub pin_state: DemoPinState,
    pub address_line: &'static str,
    pub postcode: &'static str,
    /// A passphrase already set, for trying sign-in.
    pub passphrase: Option<&'static str>,
    /// A surname on the NHS Spine that differs from the GP record, to show a mismatch.
    pub pds_family_name: Option<&'static str>,
    /// The email address on the account (lost, in the replacement story).
    pub email: Option<&'static str>,
    /// When the account was last signed in to, in days before the server started.
    pub last_used_days_ago: Option<i64>,
    pub record_access: RecordAccessLevel,
    pub visible_from: VisibleFromRule,
}

/// The demo practices: (ODS code, name, clinical system).
/// W00001 is a Welsh practice (ODS codes in Wales start with W): its PIN documents are printed
/// in Welsh and English, and its patients try the journeys in Welsh.
pub const DEMO_PRACTICES: [(&str, &str, ClinicalSystem); 3] = [
    ("T00001", "Riverside Surgery", ClinicalSystem::Tpp),
    ("E00001", "Hillview Medical Centre", ClinicalSystem::Emis),
    ("W00001", "Meddygfa Glan yr Afon", ClinicalSystem::Tpp),
];

pub const DEMO_PATIENTS: [DemoPatient; 9] = [
    DemoPatient {
        nhs_number: "9990000018",
        given_name: "Sam",
        family_name: "Patel",
        date_of_birth: date!(1980 - 02 - 01),
        practice_ods: "T00001",
        account_id: "1000000001",
        pin_passphrase: "demo-pin-1",
        pin_state: DemoPinState::Valid,
        address_line: "1 River Road, Riverton",
        postcode: "RV1 2AB",
        passphrase: None,
        pds_family_name: None,
        email: None,
        last_used_days_ago: None,
        record_access: RecordAccessLevel::DetailedCoded,
        visible_from: VisibleFromRule::RequestedAccess,
    },
    DemoPatient {
        nhs_number: "9990000026",
        given_name: "Alex",
        family_name: "Morgan",
        date_of_birth: date!(1975 - 03 - 02),
        practice_ods: "T00001",
        account_id: "1000000002",
        pin_passphrase: "demo-pin-2",
        pin_state: DemoPinState::Expired,
        address_line: "8 Mill Lane, Riverton",
        postcode: "RV2 3CD",
        passphrase: None,
        pds_family_name: None,
        email: None,
        last_used_days_ago: None,
        record_access: RecordAccessLevel::DetailedCoded,
        visible_from: VisibleFromRule::RequestedAccess,
    },
    DemoPatient {
        nhs_number: "9990000034",
        given_name: "Jo",
        family_name: "Williams",
        date_of_birth: date!(1990 - 04 - 03),
        practice_ods: "T00001",
        account_id: "1000000003",
        pin_passphrase: "demo-pin-3",
        pin_state: DemoPinState::Used,
        address_line: "22 Quay Street, Riverton",
        postcode: "RV3 4EF",
        passphrase: None,
        pds_family_name: None,
        email: None,
        last_used_days_ago: None,
        record_access: RecordAccessLevel::DetailedCoded,
        visible_from: VisibleFromRule::RequestedAccess,
    },
    DemoPatient {
        nhs_number: "9990000042",
        given_name: "Chris",
        family_name: "Evans",
        date_of_birth: date!(1985 - 05 - 04),
        practice_ods: "E00001",
        account_id: "2000000001",
        pin_passphrase: "demo-pin-4",
        pin_state: DemoPinState::Valid,
        address_line: "5 Hill View, Hillbury",
        postcode: "HV1 5GH",
        passphrase: None,
        pds_family_name: None,
        email: None,
        last_used_days_ago: None,
        record_access: RecordAccessLevel::DetailedCoded,
        visible_from: VisibleFromRule::RequestedAccess,
    },
    DemoPatient {
        nhs_number: "9990000050",
        given_name: "Robin",
        family_name: "Taylor",
        date_of_birth: date!(1968 - 06 - 05),
        practice_ods: "T00001",
        account_id: "1000000005",
        pin_passphrase: "demo-pin-5",
        pin_state: DemoPinState::Used,
        address_line: "14 Orchard Way, Riverton",
        postcode: "RV5 6JK",
        passphrase: Some("river otter lantern forty two"),
        pds_family_name: Some("Taylor-Reid"),
        email: None,
        last_used_days_ago: None,
        record_access: RecordAccessLevel::Full,
        visible_from: VisibleFromRule::JoinedPractice,
    },
    // Lost the email address behind the account, which has not been used for 90 days: may replace it.
    DemoPatient {
        nhs_number: "9990000069",
        given_name: "Dana",
        family_name: "Hughes",
        date_of_birth: date!(1972 - 07 - 06),
        practice_ods: "T00001",
        account_id: "1000000006",
        pin_passphrase: "demo-pin-6",
        pin_state: DemoPinState::Valid,
        address_line: "3 Weir Close, Riverton",
        postcode: "RV6 7LM",
        passphrase: None,
        pds_family_name: None,
        email: Some("dana.hughes@example.com"),
        last_used_days_ago: Some(90),
        record_access: RecordAccessLevel::DetailedCoded,
        visible_from: VisibleFromRule::RequestedAccess,
    },
    // Signed in 3 days ago: told to sign in and change the email address instead.
    DemoPatient {
        nhs_number: "9990000077",
        given_name: "Lee",
        family_name: "Roberts",
        date_of_birth: date!(1995 - 08 - 07),
        practice_ods: "T00001",
        account_id: "1000000007",
        pin_passphrase: "demo-pin-7",
        pin_state: DemoPinState::Used,
        address_line: "9 Ferry Lane, Riverton",
        postcode: "RV7 8NP",
        passphrase: None,
        pds_family_name: None,
        email: Some("lee.roberts@example.com"),
        last_used_days_ago: Some(3),
        record_access: RecordAccessLevel::DetailedCoded,
        visible_from: VisibleFromRule::RequestedAccess,
    },
    // At the Welsh practice: a valid PIN document, for the reset journey in Welsh.
    DemoPatient {
        nhs_number: "9990000301",
        given_name: "Cerys",
        family_name: "Davies",
        date_of_birth: date!(1988 - 09 - 08),
        practice_ods: "W00001",
        account_id: "3000000001",
        pin_passphrase: "demo-pin-8",
        pin_state: DemoPinState::Valid,
        address_line: "3 Heol y Bont, Caernarfon",
        postcode: "LL55 1AB",
        passphrase: None,
        pds_family_name: None,
        email: None,
        last_used_days_ago: None,
        record_access: RecordAccessLevel::DetailedCoded,
        visible_from: VisibleFromRule::RequestedAccess,
    },
    // At the Welsh practice, lost their email: the replacement journey in Welsh.
    DemoPatient {
        nhs_number: "9990000328",
        given_name: "Gethin",
        family_name: "Lewis",
        date_of_birth: date!(1979 - 10 - 09),
        practice_ods: "W00001",
        account_id: "3000000002",
        pin_passphrase: "demo-pin-9",
        pin_state: DemoPinState::Valid,
        address_line: "12 Stryd Fawr, Caernarfon",
        postcode: "LL55 2CD",
        passphrase: None,
        pds_family_name: None,
        email: Some("gethin.lewis@example.com"),
        last_used_days_ago: Some(120),
        record_access: RecordAccessLevel::DetailedCoded,
        visible_from: VisibleFromRule::RequestedAccess,
    },
];

/// How many days before today the expired demo document was printed.
pub const EXPIRED_DEMO_PRINTED_DAYS_AGO: i64 = 20;

impl DemoPatient {
    pub fn printed_on(&self, today: Date) -> Date {
        match self.pin_state {
            DemoPinState::Expired => today - Duration::days(EXPIRED_DEMO_PRINTED_DAYS_AGO),
            DemoPinState::Valid | DemoPinState::Used => today,
        }
    }
}

/// The authenticator secret every demo staff member is set up with (base32, as an app takes
/// it): `/demo` shows it and the current code, so the demo's staff area can be tried without a
/// phone. Never used outside demo mode.
pub const DEMO_TOTP_SECRET: &str = "RELINKDEMOSTAFFTOTPSECRETDEMOKEY";

/// The demo administrator: (username, password). Sees every practice and may add practices
/// (`/staff/practices`); `/demo` lists them with the staff.
pub const DEMO_ADMIN: (&str, &str) = ("admin.demo", "admin-demo-password");

/// The demo staff members: (username, password, practice ODS code). `/demo` lists them.
pub const DEMO_STAFF: [(&str, &str, &str); 3] = [
    ("staff.riverside", "riverside-demo-password", "T00001"),
    ("staff.hillview", "hillview-demo-password", "E00001"),
    ("staff.glanyrafon", "glanyrafon-demo-password", "W00001"),
];

/// The demo's test patient: set up at Riverside with the usual access, so staff can preview
/// what a patient sees at once (issue #20). `/demo` lists them with a link to the preview.
#[derive(Debug, Clone, Copy)]
pub struct DemoTestPatient {
    /// Fixed, so each start refreshes the same patient and `/demo` can link to them.
    pub id: &'static str,
    pub nhs_number: &'static str,
    pub given_name: &'static str,
    pub family_name: &'static str,
    pub date_of_birth: Date,
    pub practice_ods: &'static str,
    pub address_line: &'static str,
    pub postcode: &'static str,
    pub record_access: RecordAccessLevel,
    pub visible_from: VisibleFromRule,
}

pub const DEMO_TEST_PATIENT: DemoTestPatient = DemoTestPatient {
    id: "demo-test-patient-9990000107",
    nhs_number: "9990000107",
    given_name: "Pat",
    family_name: "Tester",
    date_of_birth: date!(1985 - 03 - 01),
    practice_ods: "T00001",
    address_line: "10 Test Street, Riverton",
    postcode: "RV9 9ZZ",
    record_access: RecordAccessLevel::DetailedCoded,
    visible_from: VisibleFromRule::RequestedAccess,
};

impl DemoTestPatient {
    /// The demo staff member of the test patient's practice: the one `/demo` says to sign in as.
    pub fn staff(&self) -> (&'static str, &'static str) {
        DEMO_STAFF
            .iter()
            .find(|(_, _, ods)| *ods == self.practice_ods)
            .map(|(username, password, _)| (*username, *password))
            .expect("a demo staff member works at the test patient's practice")
    }
}
