//! What a form's problems are, as data: found by the server, shown by the components (next to
//! each field and in the error summary).

use serde::{Deserialize, Serialize};

/// One problem with one field: `id` is the input the summary links to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub id: String,
    pub message: String,
}

/// The problems found in one submission, in the order of the fields on the page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormErrors(pub Vec<FieldError>);

impl FormErrors {
    pub fn add(&mut self, id: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            id: id.to_owned(),
            message: message.into(),
        });
    }

    /// The message for the field whose id starts with `prefix` (a date input has three ids).
    pub fn for_field(&self, prefix: &str) -> Option<String> {
        self.0
            .iter()
            .find(|e| e.id.starts_with(prefix))
            .map(|e| e.message.clone())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A row of an nhsuk summary list, with an optional "Change" link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub key: String,
    pub value: String,
    /// Where "Change" goes, and what it changes (for screen readers).
    pub change: Option<(String, String)>,
}

/// A problem with the whole form rather than one field: what the credential-attempt policy
/// decided about an attempt that did not succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormProblem {
    NoMatch,
    LockedOut,
    ClientLockedOut,
    /// The credential reached its daily cap: try again tomorrow.
    LockedForToday,
    /// The details matched, but online access to the account has ended, for this reason.
    AccessEnded(crate::domain::AccessEnd),
}
