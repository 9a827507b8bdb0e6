//! What "I cannot sign in" shows, and where each answer leads.

use serde::{Deserialize, Serialize};

use super::form::FormErrors;
use super::routes;
use crate::domain::NextStep;

/// Where the patient goes for what they need next.
pub fn destination(step: NextStep) -> &'static str {
    match step {
        NextStep::ResetPassphrase => routes::RESET,
        NextStep::AskForPinDocument => routes::PIN_PROBLEM,
        NextStep::ReplaceAccount => routes::REPLACE,
        NextStep::WhyNotDelete => routes::DELETE_ACCOUNT,
    }
}

/// What `/cannot-sign-in` shows: the question, with an error when nothing was chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannotSignInView {
    pub errors: FormErrors,
}
