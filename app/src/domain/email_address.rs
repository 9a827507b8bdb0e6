use std::fmt;

use validator::ValidateEmail;

/// An email address a message can be sent to: trimmed, domain in lower case, checked by the
/// `validator` crate (the HTML5 definition) and no longer than SMTP allows.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

/// Why a typed email address was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailAddressError {
    #[error("Enter your email address")]
    Empty,
    #[error("Enter an email address in the correct format, like name@example.com")]
    WrongFormat,
    #[error("Email address must be 254 characters or fewer")]
    TooLong,
}

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, EmailAddressError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailAddressError::Empty);
        }
        if trimmed.len() > 254 {
            return Err(EmailAddressError::TooLong);
        }
        let Some((local, domain)) = trimmed.rsplit_once('@') else {
            return Err(EmailAddressError::WrongFormat);
        };
        // Domain literals ("sam@[127.0.0.1]") are not in the HTML5 definition, and `validator`
        // finds one at the end of any domain (its pattern is not anchored at the start), so
        // "a@x\r\nBcc: y[127.0.0.1]" passed. No square brackets, nor those IDNA maps to them.
        if domain.contains(['[', ']', '\u{FE47}', '\u{FE48}', '\u{FF3B}', '\u{FF3D}']) {
            return Err(EmailAddressError::WrongFormat);
        }
        // HTML5 allows ".sam@", "sam.@" and "sam..patel@", but mail servers (and lettre, which
        // sends our emails) refuse them: the security code could never arrive.
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(EmailAddressError::WrongFormat);
        }
        // A dotless domain is valid HTML5 but cannot receive mail from the internet.
        if !domain.contains('.') || domain.ends_with('.') || !trimmed.validate_email() {
            return Err(EmailAddressError::WrongFormat);
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether two addresses reach the same mailbox, as far as can be told (case ignored).
    pub fn same_mailbox(&self, other: &str) -> bool {
        self.0.eq_ignore_ascii_case(other.trim())
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.0)
    }
}

impl crate::language::Localize for EmailAddressError {
    fn localize(&self, locale: crate::language::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            Self::Empty => td_string!(locale, errors.email.empty),
            Self::WrongFormat => td_string!(locale, errors.email.wrong_format),
            Self::TooLong => td_string!(locale, errors.email.too_long),
        }
        .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dots_that_mail_servers_refuse() {
        for typed in [
            ".sam@example.com",
            "sam.@example.com",
            "sam..patel@example.com",
        ] {
            assert_eq!(
                EmailAddress::parse(typed),
                Err(EmailAddressError::WrongFormat),
                "{typed}"
            );
        }
        assert!(EmailAddress::parse("sam.patel@example.com").is_ok());
    }
    use proptest::prelude::*;

    #[test]
    fn accepts_and_normalises_addresses() {
        assert_eq!(
            EmailAddress::parse(" Sam.Patel+nhs@Example.NHS.uk ")
                .unwrap()
                .as_str(),
            "Sam.Patel+nhs@example.nhs.uk"
        );
        assert!(EmailAddress::parse("a@b.co")
            .unwrap()
            .same_mailbox("A@B.CO"));
    }

    #[test]
    fn refuses_what_cannot_receive_mail() {
        assert_eq!(EmailAddress::parse(" "), Err(EmailAddressError::Empty));
        for typed in [
            "sam",
            "sam@",
            "@example.com",
            "sam@example",
            "sam patel@example.com",
            "sam@example.com.",
        ] {
            assert_eq!(
                EmailAddress::parse(typed),
                Err(EmailAddressError::WrongFormat),
                "{typed}"
            );
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(EmailAddressError::TooLong));
    }

    #[test]
    fn refuses_domain_literals_and_what_hides_in_front_of_them() {
        // Found by fuzzing (fuzz/fuzz_targets/email_address.rs): NUL and control characters
        // before a bracketed IP address were accepted, as was CR LF.
        for typed in [
            "Hi@[127.0.0.1{s\u{1}\0\0\0\0\0\0\0\0[127.0.0.1]",
            "a@x\r\nBcc: y[127.0.0.1]",
            "a@ms[127.0.0.1]",
            "sam@[127.0.0.1]",
            "sam@[127.0.0.1]\u{AD}",
            "a@x\u{FF3B}127.0.0.1\u{FF3D}",
            "a@\u{FE47}127.0.0.1\u{FE48}",
        ] {
            assert_eq!(
                EmailAddress::parse(typed),
                Err(EmailAddressError::WrongFormat),
                "{typed:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn simple_addresses_round_trip(local in "[a-z0-9._%+-]{1,20}", domain in "[a-z0-9]{1,10}\\.[a-z]{2,6}") {
            prop_assume!(!local.starts_with('.') && !local.ends_with('.') && !local.contains(".."));
            let email = EmailAddress::parse(&format!("{local}@{domain}")).unwrap();
            prop_assert_eq!(EmailAddress::parse(email.as_str()), Ok(email.clone()));
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = EmailAddress::parse(&s);
        }
    }
}
