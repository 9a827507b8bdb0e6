//! The emails that tell a patient their credentials changed (a passphrase reset, a PIN document
//! reissued by staff) and what to do if it was not them. Written here, in the patient's
//! language; the database layer queues them in the change's own transaction, to the address
//! the account has then (`db::outbox::Wording`).
//!
//! Which language: a reset is written in the language of the request that made it (the
//! patient's language at that moment). A reissue is made by staff, so it is written in the
//! language the patient last used with the account (remembered at sign-in and at a reset);
//! when that is not known, in English, and for a practice in Wales in Welsh then English, as
//! its PIN documents are printed.

use crate::db::accounts::Contact;
use crate::db::outbox::{Purpose, Wording};
use crate::domain::OdsCode;
use crate::i18n::td_string;
use crate::language::Locale;

/// "Your passphrase was reset", in the language of the request that reset it.
pub fn passphrase_reset(locale: Locale, practice: &str) -> Wording {
    Wording {
        subject: td_string!(locale, emails.passphrase_reset.subject).to_owned(),
        body: td_string!(
            locale,
            emails.passphrase_reset.body,
            practice = practice,
            signature = td_string!(locale, emails.signature),
        ),
        purpose: Purpose::PassphraseReset,
    }
}

/// "A new PIN document was issued for your account", in the languages [`reissue_languages`]
/// chooses for the account's address.
pub fn pin_document_reissued(contact: &Contact, ods: &OdsCode, practice: &str) -> Wording {
    let one = |locale: Locale| {
        let subject = td_string!(locale, emails.pin_reissued.subject);
        let body = td_string!(
            locale,
            emails.pin_reissued.body,
            practice = practice,
            signature = td_string!(locale, emails.signature),
        );
        (subject, body)
    };
    let (subjects, bodies): (Vec<_>, Vec<_>) = reissue_languages(contact.language, ods)
        .iter()
        .map(|locale| one(*locale))
        .unzip();
    Wording {
        subject: subjects.join(" / "),
        body: bodies.join("\n\n――――――――――\n\n"),
        purpose: Purpose::PinDocumentReissued,
    }
}

/// The languages of a message about a change staff made: the patient's own when known, else
/// Welsh and English for a practice in Wales, else English.
pub fn reissue_languages(known: Option<Locale>, ods: &OdsCode) -> &'static [Locale] {
    match known {
        Some(Locale::en) => &[Locale::en],
        Some(Locale::cy) => &[Locale::cy],
        None if ods.is_welsh() => &[Locale::cy, Locale::en],
        None => &[Locale::en],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(language: Option<Locale>) -> Contact {
        Contact {
            email: "p@example.com".to_owned(),
            language,
        }
    }

    #[test]
    fn a_reissue_is_written_in_the_patients_language_or_the_practices() {
        let (wales, england) = (
            OdsCode::parse("W00001").unwrap(),
            OdsCode::parse("T00001").unwrap(),
        );
        assert_eq!(reissue_languages(Some(Locale::cy), &england), [Locale::cy]);
        assert_eq!(reissue_languages(Some(Locale::en), &wales), [Locale::en]);
        assert_eq!(reissue_languages(None, &england), [Locale::en]);
        assert_eq!(reissue_languages(None, &wales), [Locale::cy, Locale::en]);

        let english = pin_document_reissued(&contact(None), &england, "Riverside Surgery");
        assert_eq!(
            english.subject,
            "A new PIN document was issued for your account"
        );
        assert!(english
            .body
            .contains("Riverside Surgery has issued a new PIN document"));
        assert!(english.body.contains(
            "If you did not ask for a new PIN document, contact Riverside Surgery straight away."
        ));
        let both = pin_document_reissued(&contact(None), &wales, "Meddygfa Glan yr Afon");
        let welsh_first = both
            .body
            .find("Mae Meddygfa Glan yr Afon wedi rhoi")
            .unwrap();
        let english_after = both.body.find("Meddygfa Glan yr Afon has issued").unwrap();
        assert!(welsh_first < english_after, "{}", both.body);
        assert!(both.subject.starts_with("Cafodd dogfen PIN newydd"));
        assert!(both.subject.ends_with("issued for your account"));
    }

    #[test]
    fn a_reset_says_what_to_do_if_it_was_not_the_patient_in_their_language() {
        let english = passphrase_reset(Locale::en, "Riverside Surgery");
        assert_eq!(english.subject, "Your passphrase was reset");
        assert_eq!(english.purpose, Purpose::PassphraseReset);
        assert!(english.body.contains("If this was not you"));
        assert!(english
            .body
            .contains("Contact Riverside Surgery straight away and ask for a new PIN document"));
        let welsh = passphrase_reset(Locale::cy, "Riverside Surgery");
        assert_eq!(welsh.subject, "Cafodd eich cyfrinymadrodd ei ailosod");
        assert!(welsh
            .body
            .contains("Cysylltwch gyda Riverside Surgery ar unwaith"));
        assert!(!welsh.body.contains("If this was not you"));
    }
}
