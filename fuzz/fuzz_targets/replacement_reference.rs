//! `ReplacementReference::parse` on arbitrary text: never panics; whatever parses is
//! `RPL-XXXX-XXXX` in the unambiguous alphabet, ignores case, spaces, dashes and the prefix, and
//! parses back from its own form.
#![no_main]

use app::domain::{ReferenceError, ReplacementReference};
use libfuzzer_sys::fuzz_target;

const ALPHABET: &str = "234679ACDEFGHJKMNPQRTWXYZ";

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let result = ReplacementReference::parse(input);
    assert_eq!(
        result == Err(ReferenceError::Empty),
        input.chars().all(|c| c.is_whitespace() || c == '-'),
        "{input:?}"
    );
    assert_eq!(
        ReplacementReference::parse(&input.to_ascii_lowercase()),
        result
    );
    let Ok(reference) = result else {
        return;
    };

    let s = reference.as_str();
    assert_eq!(s.len(), 13, "{input:?} -> {s:?}");
    let body = s.strip_prefix("RPL-").expect("starts RPL-");
    let (first, second) = body.split_once('-').expect("two groups");
    for group in [first, second] {
        assert_eq!(group.len(), 4, "{s:?}");
        assert!(group.chars().all(|c| ALPHABET.contains(c)), "{s:?}");
    }
    let typed: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    let kept = format!("{first}{second}");
    assert!(
        typed == kept || typed == format!("RPL{kept}"),
        "{input:?} -> {s:?}"
    );
    assert_eq!(reference.to_string(), s);
    assert_eq!(ReplacementReference::parse(s), Ok(reference.clone()));
    assert_eq!(ReplacementReference::parse(&kept), Ok(reference.clone()));
    assert_eq!(
        ReplacementReference::try_from(String::from(reference.clone())),
        Ok(reference)
    );
});
