//! "I cannot sign in": the problems a patient can choose from, and what each one needs next.
//! Nothing leads to deleting an account: deleting causes problems, so every answer ends at a
//! reset, the practice, or a replacement.

/// A problem as the patient chose it on `/cannot-sign-in`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInProblem {
    ForgottenPassphrase,
    PinDocument,
    LostEmail,
    TechnicalProblem,
    DeleteAccount,
}

/// What the patient needs next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Reset the passphrase with the PIN document.
    ResetPassphrase,
    /// Ask the practice for a new PIN document (14 days, single use).
    AskForPinDocument,
    /// Replace the account (never delete it).
    ReplaceAccount,
    /// Why deleting causes problems, and the replacement route.
    WhyNotDelete,
}

impl SignInProblem {
    /// The problems in the order the question lists them.
    pub const ALL: [Self; 5] = [
        Self::ForgottenPassphrase,
        Self::PinDocument,
        Self::LostEmail,
        Self::TechnicalProblem,
        Self::DeleteAccount,
    ];

    /// The value the question's radio posts.
    pub fn value(self) -> &'static str {
        match self {
            Self::ForgottenPassphrase => "forgotten-passphrase",
            Self::PinDocument => "pin-document",
            Self::LostEmail => "lost-email",
            Self::TechnicalProblem => "technical-problem",
            Self::DeleteAccount => "delete-account",
        }
    }

    /// The problem a posted value names, if it is one of ours.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|problem| problem.value() == value)
    }

    /// What the patient needs next.
    pub fn next_step(self) -> NextStep {
        match self {
            Self::ForgottenPassphrase => NextStep::ResetPassphrase,
            Self::PinDocument => NextStep::AskForPinDocument,
            Self::LostEmail | Self::TechnicalProblem => NextStep::ReplaceAccount,
            Self::DeleteAccount => NextStep::WhyNotDelete,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_parses_back_and_nothing_else_does() {
        for problem in SignInProblem::ALL {
            assert_eq!(SignInProblem::parse(problem.value()), Some(problem));
        }
        assert_eq!(SignInProblem::parse(""), None);
        assert_eq!(SignInProblem::parse("delete"), None);
    }

    #[test]
    fn no_answer_leads_to_deleting() {
        assert_eq!(
            SignInProblem::DeleteAccount.next_step(),
            NextStep::WhyNotDelete
        );
        assert_eq!(
            SignInProblem::LostEmail.next_step(),
            NextStep::ReplaceAccount
        );
    }
}
