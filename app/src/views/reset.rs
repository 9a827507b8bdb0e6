//! What the passphrase reset journey's pages show, as the server decides it.

use super::form::{FormErrors, FormProblem};
use crate::domain::AccessEnd;
use serde::{Deserialize, Serialize};
use time::Date;

/// What the patient typed, echoed back when the form is shown again. Never the PIN passphrase.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetFormValues {
    pub account_id: String,
    pub ods_code: String,
    pub dob_day: String,
    pub dob_month: String,
    pub dob_year: String,
}

/// What `/reset-passphrase` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetView {
    Form {
        values: ResetFormValues,
        errors: FormErrors,
        problem: Option<FormProblem>,
    },
    Expired {
        expired_on: Date,
        practice_name: String,
    },
    AlreadyUsed {
        practice_name: String,
    },
    EmisPractice {
        practice_name: String,
    },
    /// Online access has ended: PDS records the patient as deceased, or the practice ended it
    /// (said only once the PIN document matched).
    AccessEnded {
        practice_name: String,
        why: AccessEnd,
    },
}

impl Default for ResetView {
    fn default() -> Self {
        Self::Form {
            values: ResetFormValues::default(),
            errors: FormErrors::default(),
            problem: None,
        }
    }
}

/// What `/reset-passphrase/new-passphrase` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum NewPassphraseView {
    Ready {
        errors: FormErrors,
    },
    #[default]
    SessionEnded,
    /// `practice_name` is `None` when the practice is not known: the page then says "your GP
    /// practice".
    AlreadyUsed {
        practice_name: Option<String>,
    },
    /// The step ended after 5 refused passphrases on its step token (or too many failures
    /// from the connection): nothing changed; start again.
    TooManyAttempts {
        from_connection: bool,
    },
}

/// What `/reset-passphrase/done` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoneView {
    /// `None` when the practice is not known: the page then says "your GP practice".
    pub practice_name: Option<String>,
    /// The step activated a replacement: the new account is now the active one.
    pub activated: bool,
}
