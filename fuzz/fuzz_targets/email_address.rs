//! `EmailAddress::parse` on arbitrary text: never panics; whatever parses is at most 254 bytes,
//! has no control characters or spaces, has a dotted domain name (not a literal) in lower case
//! (ASCII), keeps the local part as typed, is the same mailbox as what was typed, and parses back
//! from its own form.
#![no_main]

use app::domain::{EmailAddress, EmailAddressError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let result = EmailAddress::parse(input);
    assert_eq!(
        result == Err(EmailAddressError::Empty),
        input.trim().is_empty(),
        "{input:?}"
    );
    assert_eq!(EmailAddress::parse(&format!(" {input}\n")), result);
    let Ok(email) = result else {
        return;
    };

    let s = email.as_str();
    assert!(s.len() <= 254, "{input:?} -> {s:?}");
    assert_eq!(s, s.trim());
    let Some((local, domain)) = s.rsplit_once('@') else {
        panic!("no @ in {s:?}");
    };
    assert!(!local.is_empty(), "{input:?} -> {s:?}");
    // Dots only between characters: mail servers refuse anything else.
    assert!(
        !local.starts_with('.') && !local.ends_with('.') && !local.contains(".."),
        "{input:?} -> {s:?}"
    );
    // Nothing a mailbox name cannot hold: no control characters (NUL, CR, LF) or spaces.
    assert!(
        !s.chars().any(|c| c.is_control() || c.is_whitespace()),
        "{input:?} -> {s:?}"
    );
    // A dotted domain name, not a domain literal like [127.0.0.1] (not in the HTML5 definition).
    assert!(domain.contains('.') && !domain.ends_with('.'), "{s:?}");
    assert!(!domain.contains(['[', ']']), "{input:?} -> {s:?}");
    // An internationalised domain maps to a name too, not to a literal.
    if let Ok(mapped) = idna::domain_to_ascii(domain) {
        assert!(
            mapped
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-'),
            "{input:?} -> {s:?} maps to {mapped:?}"
        );
    }
    assert!(!domain.bytes().any(|b| b.is_ascii_uppercase()), "{s:?}");
    let (typed_local, typed_domain) = input.trim().rsplit_once('@').unwrap();
    assert_eq!(local, typed_local);
    assert_eq!(domain, typed_domain.to_ascii_lowercase());
    assert!(email.same_mailbox(input), "{input:?} -> {s:?}");
    assert!(email.same_mailbox(&input.to_ascii_uppercase()));
    assert_eq!(email.to_string(), s);
    assert_eq!(EmailAddress::parse(s), Ok(email.clone()));
    // Typing the domain in capitals reaches the same mailbox.
    let shouted = format!("{local}@{}", domain.to_ascii_uppercase());
    assert_eq!(EmailAddress::parse(&shouted), Ok(email));
});
