//! `PinPassphrase::parse` (the normalisation of what a patient types) on arbitrary text: never
//! panics; the result is 6 to 15 characters, trimmed, free of smart punctuation, otherwise the
//! characters typed in order and case, and normalising it again changes nothing.
#![no_main]

use app::domain::{PinPassphrase, PinPassphraseError};
use libfuzzer_sys::fuzz_target;

/// What phones substitute for plain quotes, dashes and spaces, and the plain one each stands for.
fn plain_for(c: char) -> Option<char> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => Some('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => Some('"'),
        '\u{2010}'..='\u{2015}' | '\u{2212}' => Some('-'),
        '\u{00A0}' | '\u{2007}' | '\u{202F}' => Some(' '),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let result = PinPassphrase::parse(input);
    assert_eq!(
        result == Err(PinPassphraseError::Empty),
        input.trim().is_empty(),
        "{input:?}"
    );
    // Spaces around it never matter.
    assert_eq!(PinPassphrase::parse(&format!("  {input}\t")), result);
    let Ok(pass) = result else {
        return;
    };

    let s = pass.expose();
    assert!((6..=15).contains(&s.chars().count()), "{input:?} -> {s:?}");
    assert_eq!(s, s.trim(), "{input:?} -> {s:?}");
    assert!(!s.chars().any(|c| plain_for(c).is_some()), "{s:?}");
    let typed = input.trim();
    assert_eq!(typed.chars().count(), s.chars().count());
    for (t, n) in typed.chars().zip(s.chars()) {
        assert_eq!(plain_for(t).unwrap_or(t), n, "{input:?} -> {s:?}");
    }
    assert_eq!(PinPassphrase::parse(s), Ok(pass.clone()));
});
