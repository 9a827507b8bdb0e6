//! What sign-in and "Your account" show: plain data, so the staff preview of a test patient\n//! shows exactly what the patient sees.

use super::form::{FormErrors, FormProblem};
use crate::domain::{OnlineService, RecordVisibility, ServiceState};
use serde::{Deserialize, Serialize};

/// Where a detail about the patient comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DetailSource {
    GpRecord,
    NhsSpine,
}

/// One row of "Your details": label and value in the language of the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailRow {
    pub label: String,
    pub value: String,
    pub source: DetailSource,
    /// What the other source holds, when the two disagree.
    pub other_source_value: Option<String>,
}

/// One line of recent security activity, in the language of the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityItem {
    pub date: String,
    pub description: String,
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
}
