//! What the replacement journey's pages show.

use super::form::{FormErrors, FormProblem, SummaryRow};
use crate::domain::{Ineligible, ReplacementState};
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
    /// Nothing about the account or the practice is shown: passing the identity check proves
    /// only that someone knows the patient's details.
    Ineligible {
        reason: Ineligible,
    },
    NoAccount,
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
    /// The address was sent after the journey ended: the page says so, with the address.
    EndedWith {
        email: String,
    },
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
    /// The confirmed address is the old account's own: whoever owns that mailbox can sign in
    /// instead. Said only once the code proves the mailbox is theirs, so a guesser learns
    /// nothing about which address an account has.
    SameAsOld,
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

/// What `/replace-account/done` shows: the reference and the address just confirmed, nothing
/// of the old account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplaceDoneView {
    pub reference: String,
    pub email: String,
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
/// into its list of steps. Nothing of the old account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestStatus {
    pub reference: String,
    pub requested_on: Date,
    pub state: ReplacementState,
    /// When it was cancelled or completed.
    pub decided_on: Option<Date>,
}

/// What `/replace-account/activate` shows: the form (the reference and the one-time
/// passphrase from a PIN document), or why the request cannot be activated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActivateView {
    Form {
        reference: String,
        errors: FormErrors,
        problem: Option<FormProblem>,
    },
    /// The request was cancelled from the old address, or overtaken by another.
    Cancelled,
    /// Already activated: sign in.
    AlreadyComplete,
    /// The PIN document was used already: the practice must print a new one.
    PinUsed,
    /// The PIN document is past its 14 days.
    PinExpired { expired_on: Date },
}

impl Default for ActivateView {
    fn default() -> Self {
        Self::Form {
            reference: String::new(),
            errors: FormErrors::default(),
            problem: None,
        }
    }
}

/// What `/replace-account/cancel` shows to whoever follows the link in the old address's email.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CancelView {
    /// Asks to confirm with one button (a link alone never changes anything, so a mail
    /// scanner that follows it cancels nothing). `token` goes back in the form.
    Confirm { reference: String, token: String },
    /// Cancelled (now or before): the old account was never changed.
    Cancelled,
    /// Activated before the link was used: contact the practice.
    Completed,
    /// Unknown or past its 7 days.
    #[default]
    Dead,
}
