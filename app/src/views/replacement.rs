//! What the replacement journey's pages show.

use super::form::{FormErrors, FormProblem, SummaryRow};
use crate::domain::Ineligible;
use serde::{Deserialize, Serialize};
use time::Date;

/// What the patient typed in the identity form, echoed back when it is shown again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityValues {
    pub nhs_number: String,
    pub dob_day: String,
    pub dob_month: String,
    pub dob_year: String,
    pub postcode: String,
}

/// What `/replace-account` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdentityView {
    Form {
        values: IdentityValues,
        errors: FormErrors,
        problem: Option<FormProblem>,
    },
    /// `practice_name` is `None` when the practice is not known: the page says "your GP
    /// practice".
    Ineligible {
        reason: Ineligible,
        practice_name: Option<String>,
    },
    NoAccount {
        practice_name: Option<String>,
    },
}

impl Default for IdentityView {
    fn default() -> Self {
        Self::Form {
            values: IdentityValues::default(),
            errors: FormErrors::default(),
            problem: None,
        }
    }
}

/// What `/replace-account/email` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmailView {
    Ready {
        value: String,
        errors: FormErrors,
    },
    #[default]
    JourneyEnded,
}

/// What `/replace-account/security-code` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeView {
    Ready {
        email: String,
        errors: FormErrors,
        /// "We have sent a new code", after a resend.
        resent: bool,
        can_resend: bool,
    },
    /// The code's 10 minutes or 5 tries are used up.
    CodeDead { email: String, can_resend: bool },
    #[default]
    JourneyEnded,
}

/// What `/replace-account/check-answers` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckView {
    Ready {
        rows: Vec<SummaryRow>,
    },
    #[default]
    JourneyEnded,
}

/// What `/replace-account/done` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplaceDoneView {
    pub reference: String,
    pub email: String,
    pub practice_name: Option<String>,
}

/// What `/replace-account/status` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusView {
    Form {
        reference: String,
        dob: (String, String, String),
        errors: FormErrors,
        problem: Option<FormProblem>,
    },
    Found(RequestStatus),
}

impl Default for StatusView {
    fn default() -> Self {
        Self::Form {
            reference: String::new(),
            dob: Default::default(),
            errors: FormErrors::default(),
            problem: None,
        }
    }
}

/// The progress of one replacement, as the patient sees it: the facts, which the page turns
/// into its list of steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestStatus {
    pub reference: String,
    pub requested_on: Date,
    pub practice_name: Option<String>,
    /// A PIN document for the new account is ready (or no longer needed: the passphrase is set).
    pub pin_ready: bool,
    /// The new account has its passphrase: the replacement is complete.
    pub passphrase_set: bool,
}
