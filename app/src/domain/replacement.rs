//! The rules for replacing an account, as NHS login applies them, and the reference number a
//! replacement request is known by.

use std::fmt;

use time::{Date, Duration};

/// An account used this many days ago or fewer cannot be replaced: its owner can still sign in
/// and change the email address instead.
pub const RECENT_USE_DAYS: i64 = 30;

/// A patient may have at most this many accounts, replaced ones included.
pub const MAX_ACCOUNTS: i64 = 5;

/// What the eligibility rules look at, read from the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplacementFacts {
    /// The day the current account was last signed in to, if ever.
    pub last_used_on: Option<Date>,
    /// Whether any of the patient's accounts was already replaced.
    pub replaced_before: bool,
    /// How many accounts the patient has, whatever their status.
    pub account_count: i64,
    /// PDS records the patient as deceased.
    pub deceased: bool,
    /// The practice ended online access to the patient's newest account and they have no
    /// live one: why.
    pub ended: Option<super::AccessEnd>,
}

/// Why an account cannot be replaced; each reason has its own next step for the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Ineligible {
    /// Used within [`RECENT_USE_DAYS`]: sign in and change the email address instead. The day
    /// of use is not carried: the page must not tell whoever runs the journey when the account
    /// was last used.
    UsedRecently,
    /// Replaced once already: the practice must help.
    ReplacedBefore,
    /// Already [`MAX_ACCOUNTS`] accounts: the practice must help.
    TooManyAccounts,
    /// Online access has ended: PDS records the patient as deceased, or the practice ended it
    /// and the patient has no live account.
    AccessEnded(super::AccessEnd),
}

/// Decides whether the patient's current account may be replaced today.
pub fn check_eligibility(facts: &ReplacementFacts, today: Date) -> Result<(), Ineligible> {
    if facts.deceased {
        return Err(Ineligible::AccessEnded(super::AccessEnd::Deceased));
    }
    if let Some(why) = facts.ended {
        return Err(Ineligible::AccessEnded(why));
    }
    if let Some(last_used_on) = facts.last_used_on {
        if today - last_used_on <= Duration::days(RECENT_USE_DAYS) {
            return Err(Ineligible::UsedRecently);
        }
    }
    if facts.replaced_before {
        return Err(Ineligible::ReplacedBefore);
    }
    if facts.account_count >= MAX_ACCOUNTS {
        return Err(Ineligible::TooManyAccounts);
    }
    Ok(())
}

/// Where a replacement request stands. The old account stays active while it is `Pending`:
/// only a PIN document (the practice's identity check) completes it, and the old account's
/// owner can cancel it with the link sent to the old address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ReplacementState {
    /// Asked for; waiting for the patient to activate it with a PIN document.
    Pending,
    /// Cancelled from the link sent to the old account's email address, or overtaken by
    /// another request for the same account.
    Cancelled,
    /// Activated with a PIN document: the old account is replaced.
    Completed,
}

impl ReplacementState {
    /// The value stored in `replacement_requests.status`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Cancelled => "cancelled",
            Self::Completed => "completed",
        }
    }

    /// The state a stored code names; `None` for anything else.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Pending, Self::Cancelled, Self::Completed]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// How long the "Cancel this replacement" link in the old account's email works.
pub const CANCEL_LINK_DAYS: i64 = 7;

/// Characters that cannot be mistaken for one another when read aloud or from a screen: no
/// 0/O, 1/I/L, 5/S, 8/B or U/V.
const REFERENCE_ALPHABET: &[u8] = b"234679ACDEFGHJKMNPQRTWXYZ";
const REFERENCE_PREFIX: &str = "RPL";

/// A replacement request's reference, like `RPL-7K3D-9QX2`: short, unambiguous, and useless
/// without the patient's date of birth.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReplacementReference(String);

/// Why a typed reference was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("Enter your reference number")]
    Empty,
    #[error("Enter the reference number as it is shown, like RPL-7K3D-9QX2")]
    WrongFormat,
}

impl ReplacementReference {
    /// Builds a reference from 8 random bytes (one character from each).
    pub fn from_random(random: [u8; 8]) -> Self {
        let chars: String = random
            .iter()
            .map(|b| REFERENCE_ALPHABET[usize::from(*b) % REFERENCE_ALPHABET.len()] as char)
            .collect();
        Self(format!(
            "{REFERENCE_PREFIX}-{}-{}",
            &chars[..4],
            &chars[4..]
        ))
    }

    /// Accepts lower case, spaces and missing dashes or prefix ("rpl 7k3d 9qx2", "7K3D9QX2").
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.is_empty() {
            return Err(ReferenceError::Empty);
        }
        let body = compact.strip_prefix(REFERENCE_PREFIX).unwrap_or(&compact);
        if body.len() != 8 || !body.bytes().all(|b| REFERENCE_ALPHABET.contains(&b)) {
            return Err(ReferenceError::WrongFormat);
        }
        Ok(Self(format!(
            "{REFERENCE_PREFIX}-{}-{}",
            &body[..4],
            &body[4..]
        )))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReplacementReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ReplacementReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReplacementReference({})", self.0)
    }
}

impl TryFrom<String> for ReplacementReference {
    type Error = ReferenceError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ReplacementReference> for String {
    fn from(value: ReplacementReference) -> Self {
        value.0
    }
}

impl crate::language::Localize for ReferenceError {
    fn localize(&self, locale: crate::language::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            Self::Empty => td_string!(locale, errors.reference.empty),
            Self::WrongFormat => td_string!(locale, errors.reference.wrong_format),
        }
        .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AccessEnd;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 28);

    fn facts(days_ago: Option<i64>, replaced_before: bool, account_count: i64) -> ReplacementFacts {
        ReplacementFacts {
            last_used_on: days_ago.map(|d| TODAY - Duration::days(d)),
            replaced_before,
            account_count,
            deceased: false,
            ended: None,
        }
    }

    #[test]
    fn a_deceased_patient_is_never_eligible_whatever_else_holds() {
        let deceased = ReplacementFacts {
            deceased: true,
            ..facts(None, false, 1)
        };
        assert_eq!(
            check_eligibility(&deceased, TODAY),
            Err(Ineligible::AccessEnded(AccessEnd::Deceased))
        );
        let left = ReplacementFacts {
            ended: Some(AccessEnd::LeftPractice),
            ..facts(None, false, 1)
        };
        assert_eq!(
            check_eligibility(&left, TODAY),
            Err(Ineligible::AccessEnded(AccessEnd::LeftPractice))
        );
        assert_eq!(check_eligibility(&facts(None, false, 1), TODAY), Ok(()));
    }

    #[test]
    fn eligibility_at_each_boundary() {
        let used = |_days_ago: i64| Err(Ineligible::UsedRecently);
        let table: [(ReplacementFacts, Result<(), Ineligible>); 10] = [
            (facts(Some(0), false, 1), used(0)),
            (facts(Some(29), false, 1), used(29)),
            (facts(Some(30), false, 1), used(30)),
            (facts(Some(31), false, 1), Ok(())),
            (facts(None, false, 1), Ok(())),
            (facts(None, false, 4), Ok(())),
            (facts(None, false, 5), Err(Ineligible::TooManyAccounts)),
            (facts(None, false, 6), Err(Ineligible::TooManyAccounts)),
            (facts(None, true, 2), Err(Ineligible::ReplacedBefore)),
            // Recent use is said first: its next step (change the email) is the easiest.
            (facts(Some(3), true, 5), used(3)),
        ];
        for (facts, expected) in table {
            assert_eq!(check_eligibility(&facts, TODAY), expected, "{facts:?}");
        }
    }

    #[test]
    fn references_are_normalised() {
        let r = ReplacementReference::parse(" rpl 7k3d 9qx2 ").unwrap();
        assert_eq!(r.as_str(), "RPL-7K3D-9QX2");
        assert_eq!(ReplacementReference::parse("7K3D9QX2"), Ok(r.clone()));
        assert_eq!(ReplacementReference::parse(""), Err(ReferenceError::Empty));
        for typed in [
            "RPL-7K3D-9QX",
            "RPL-7K3D-9QX22",
            "RPL-0K3D-9QX2",
            "RPL-1I5S-8BUV",
        ] {
            assert_eq!(
                ReplacementReference::parse(typed),
                Err(ReferenceError::WrongFormat),
                "{typed}"
            );
        }
    }

    proptest! {
        #[test]
        fn generated_references_parse_back(random in any::<[u8; 8]>()) {
            let r = ReplacementReference::from_random(random);
            prop_assert_eq!(r.as_str().len(), 13);
            prop_assert_eq!(ReplacementReference::parse(r.as_str()), Ok(r.clone()));
            prop_assert_eq!(ReplacementReference::parse(&r.as_str().to_lowercase()), Ok(r.clone()));
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = ReplacementReference::parse(&s);
        }
    }
}
