use std::fmt;

/// The Account ID printed on a PIN document: 6 to 15 letters and digits, stored upper case.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountId(String);

/// Why a typed Account ID was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountIdError {
    #[error("Enter your Account ID")]
    Empty,
    #[error("Account ID must only include letters and numbers")]
    NotAlphanumeric,
    #[error("Account ID must be 6 to 15 letters and numbers")]
    WrongLength,
}

impl AccountId {
    /// Spaces are ignored anywhere; letters compare without regard to case.
    pub fn parse(input: &str) -> Result<Self, AccountIdError> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Err(AccountIdError::Empty);
        }
        if !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(AccountIdError::NotAlphanumeric);
        }
        if !(6..=15).contains(&compact.len()) {
            return Err(AccountIdError::WrongLength);
        }
        Ok(Self(compact.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountId({})", self.0)
    }
}

impl TryFrom<String> for AccountId {
    type Error = AccountIdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AccountId> for String {
    fn from(value: AccountId) -> Self {
        value.0
    }
}

impl crate::language::Localize for AccountIdError {
    fn localize(&self, locale: crate::language::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            Self::Empty => td_string!(locale, errors.account_id.empty),
            Self::NotAlphanumeric => td_string!(locale, errors.account_id.not_alphanumeric),
            Self::WrongLength => td_string!(locale, errors.account_id.wrong_length),
        }
        .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ignores_spaces_and_case() {
        assert_eq!(
            AccountId::parse(" 1000 000 001 ").unwrap().as_str(),
            "1000000001"
        );
        assert_eq!(AccountId::parse("ab12cd").unwrap().as_str(), "AB12CD");
    }

    #[test]
    fn refuses_with_the_reason() {
        assert_eq!(AccountId::parse("   "), Err(AccountIdError::Empty));
        assert_eq!(AccountId::parse("12345"), Err(AccountIdError::WrongLength));
        assert_eq!(
            AccountId::parse("1234567890123456"),
            Err(AccountIdError::WrongLength)
        );
        assert_eq!(
            AccountId::parse("12345-678"),
            Err(AccountIdError::NotAlphanumeric)
        );
    }

    proptest! {
        #[test]
        fn valid_ids_round_trip(id in "[a-zA-Z0-9]{6,15}") {
            let parsed = AccountId::parse(&id).unwrap();
            prop_assert_eq!(parsed.as_str(), id.to_ascii_uppercase());
            prop_assert_eq!(AccountId::parse(parsed.as_str()), Ok(parsed.clone()));
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = AccountId::parse(&s);
        }
    }
}
