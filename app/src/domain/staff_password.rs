//! The rules a staff member's own password must meet, when they replace a first or reset one.
//!
//! As for patients' passphrases (NCSC and NIST advice): long, no composition rules, strong
//! enough by zxcvbn's estimate with the member's username as a known word, and not the
//! one-time password they were given.

/// What zxcvbn must rate a password at least: 10^10 guesses or more.
const MIN_ZXCVBN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;
/// Fewer than patients' 15: a second factor always stands behind a staff password.
pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;

/// Why a new staff password was refused; the page says what to do for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StaffPasswordRejection {
    #[error("Enter a new password")]
    Empty,
    #[error("New password must be 12 characters or more")]
    TooShort,
    #[error("New password must be 128 characters or fewer")]
    TooLong,
    #[error("New password must be different from the password you were given")]
    SameAsGiven,
    #[error("New password must not include your username")]
    HasUsername,
    #[error("New password is too easy to guess")]
    TooWeak,
    #[error("Confirm your new password")]
    ConfirmationEmpty,
    #[error("Passwords do not match")]
    ConfirmationMismatch,
}

impl StaffPasswordRejection {
    /// Whether the message belongs beside the confirmation box rather than the first one.
    pub fn is_about_confirmation(self) -> bool {
        matches!(self, Self::ConfirmationEmpty | Self::ConfirmationMismatch)
    }
}

/// Checks a new password and its confirmation. The comparison with the password given (a hash
/// check) is the caller's, after these cheap rules pass.
pub fn check_new_password(
    password: &str,
    confirmation: &str,
    username: &str,
) -> Result<(), StaffPasswordRejection> {
    let length = password.chars().count();
    if password.is_empty() {
        return Err(StaffPasswordRejection::Empty);
    }
    if length < MIN_CHARS {
        return Err(StaffPasswordRejection::TooShort);
    }
    if length > MAX_CHARS {
        return Err(StaffPasswordRejection::TooLong);
    }
    let lower = password.to_lowercase();
    let name_parts: Vec<&str> = username
        .split(['.', '-'])
        .filter(|part| part.len() >= 4)
        .collect();
    if lower.contains(username) || name_parts.iter().any(|part| lower.contains(part)) {
        return Err(StaffPasswordRejection::HasUsername);
    }
    let mut known = vec![username, "relink", "password", "staff"];
    known.extend(name_parts);
    if zxcvbn::zxcvbn(password, &known).score() < MIN_ZXCVBN_SCORE {
        return Err(StaffPasswordRejection::TooWeak);
    }
    if confirmation.is_empty() {
        return Err(StaffPasswordRejection::ConfirmationEmpty);
    }
    if confirmation != password {
        return Err(StaffPasswordRejection::ConfirmationMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "copper kettle sunrise meadow";

    #[test]
    fn a_long_uncommon_password_confirmed_is_accepted() {
        assert_eq!(check_new_password(GOOD, GOOD, "staff.riverside"), Ok(()));
    }

    #[test]
    fn each_rule_refuses_with_its_own_reason() {
        use StaffPasswordRejection::*;
        let user = "jo.bloggs";
        for (password, confirmation, expected) in [
            ("", "", Empty),
            ("short one", "short one", TooShort),
            (&"a b".repeat(50)[..], "", TooLong),
            (
                "bloggs kettle sunrise",
                "bloggs kettle sunrise",
                HasUsername,
            ),
            ("jo.bloggs2026!", "jo.bloggs2026!", HasUsername),
            ("password1234", "password1234", TooWeak),
            ("aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa", TooWeak),
            (GOOD, "", ConfirmationEmpty),
            (GOOD, "copper kettle sunrise", ConfirmationMismatch),
        ] {
            assert_eq!(
                check_new_password(password, confirmation, user),
                Err(expected),
                "{password:?}"
            );
        }
        assert!(ConfirmationMismatch.is_about_confirmation());
        assert!(!TooWeak.is_about_confirmation());
    }
}
