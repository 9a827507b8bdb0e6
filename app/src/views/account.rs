//! What sign-in and "Your account" show: plain data, so the staff preview of a test patient
//! shows exactly what the patient sees.

use super::form::{FormErrors, FormProblem};
use crate::domain::{OnlineService, PatientActivity, RecordVisibility, ServiceState};
use serde::{Deserialize, Serialize};
use time::Date;

/// Where a detail about the patient comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DetailSource {
    GpRecord,
    NhsSpine,
}

/// Which detail a row of "Your details" is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DetailField {
    Name,
    DateOfBirth,
    Address,
    NhsNumber,
}

/// A detail's value as a record holds it; the page writes it in its own language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DetailValue {
    Text(String),
    Date(Date),
    /// The record holds no address (test patients have none).
    NoAddress,
}

/// One row of "Your details".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailRow {
    pub field: DetailField,
    pub value: DetailValue,
    pub source: DetailSource,
    /// When the value was read from the NHS Spine (PDS); `None` for the GP record.
    pub read_on: Option<Date>,
    /// What the other source holds, when the two disagree.
    pub other_source_value: Option<DetailValue>,
}

/// One line of recent security activity: when, and what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityItem {
    pub date: Date,
    pub activity: PatientActivity,
}

/// Everything "Your account" shows, decided on the server by the domain rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub practice_name: String,
    pub practice_ods: String,
    pub clinical_system: String,
    pub record: RecordVisibility,
    pub services: Vec<(OnlineService, ServiceState)>,
    pub details: Vec<DetailRow>,
    pub activity: Vec<ActivityItem>,
}

/// What `/sign-in` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInView {
    pub account_id: String,
    pub ods_code: String,
    pub errors: FormErrors,
    pub problem: Option<FormProblem>,
    pub signed_out: bool,
    /// Signed out of all devices ("Sign out of all devices" on "Your account").
    pub signed_out_everywhere: bool,
    /// The session ended unused (or elsewhere): the idle time, in minutes, the page states.
    pub timed_out_after_minutes: Option<u64>,
}
