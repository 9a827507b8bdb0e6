//! The second factor of a local staff account: a TOTP authenticator (RFC 6238: HMAC-SHA1, six
//! digits, 30-second steps, as every authenticator app reads from a QR code) and ten
//! single-use recovery codes. Pure: the codes are computed by `totp-rs` from the secret and a
//! time given by the caller; which step was last used (no code works twice) is the database's.

use std::fmt;

use totp_rs::{Algorithm, TOTP};

/// The issuer an authenticator app shows beside the account ("Relink: staff.riverside").
pub const TOTP_ISSUER: &str = "Relink";

/// Seconds per step: the authenticator apps' default.
const STEP_SECONDS: u64 = 30;

/// Steps either side of now that are accepted, for a phone's clock that is a little out.
const SKEW_STEPS: u64 = 1;

/// How many recovery codes a member gets, each usable once.
pub const RECOVERY_CODE_COUNT: usize = 10;

/// The letters of a recovery code: no 0/o, 1/l/i, so a code copied from paper is read right.
pub const RECOVERY_CODE_ALPHABET: &[u8; 31] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// Characters in a recovery code (without the hyphens that group it): 16 of 31 letters is
/// about 79 random bits, so the SHA-256 stored cannot be reversed by trying them all.
pub const RECOVERY_CODE_LENGTH: usize = 16;

/// An authenticator's shared secret: 20 random bytes (160 bits, RFC 4226's recommendation).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

/// Why a stored or typed secret is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotpSecretError {
    #[error("the secret is not base32")]
    NotBase32,
    #[error("the secret is shorter than 128 bits")]
    TooShort,
}

impl TotpSecret {
    /// Wraps 20 random bytes (from the operating system: the caller's job).
    pub fn from_bytes(bytes: [u8; 20]) -> Self {
        Self(bytes.to_vec())
    }

    /// Reads the base32 form (as stored, or as the demo publishes it); spaces are ignored.
    pub fn parse_base32(text: &str) -> Result<Self, TotpSecretError> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = base32::decode(base32::Alphabet::Rfc4648 { padding: false }, &compact)
            .ok_or(TotpSecretError::NotBase32)?;
        if bytes.len() < 16 {
            return Err(TotpSecretError::TooShort);
        }
        Ok(Self(bytes))
    }

    /// The base32 form: stored, put in the QR code, and typed by someone whose phone cannot
    /// scan.
    pub fn base32(&self) -> String {
        base32::encode(base32::Alphabet::Rfc4648 { padding: false }, &self.0)
    }

    /// The base32 form in groups of four, as it is shown to be typed.
    pub fn grouped(&self) -> String {
        let text = self.base32();
        text.as_bytes()
            .chunks(4)
            .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn totp(&self, account: &str) -> TOTP {
        TOTP::new_unchecked(
            Algorithm::SHA1,
            6,
            0,
            STEP_SECONDS,
            self.0.clone(),
            Some(TOTP_ISSUER.to_owned()),
            account.to_owned(),
        )
    }

    /// The six-digit code at this Unix time (the demo's helper, and tests).
    pub fn code_at(&self, unix_seconds: u64) -> String {
        self.totp("").generate(unix_seconds)
    }

    /// The step (Unix time / 30) whose code this is, if it is the code of now or of one step
    /// either side. The caller then refuses a step at or before the last one used.
    pub fn matching_step(&self, code: &AuthenticatorCode, unix_seconds: u64) -> Option<u64> {
        let now = unix_seconds / STEP_SECONDS;
        let totp = self.totp("");
        (now.saturating_sub(SKEW_STEPS)..=now + SKEW_STEPS).find(|step| {
            let expected = totp.generate(step * STEP_SECONDS);
            constant_time_eq(expected.as_bytes(), code.0.as_bytes())
        })
    }

    /// The `otpauth://` address an authenticator app reads from the QR code.
    pub fn otpauth_url(&self, account: &str) -> String {
        self.totp(account).get_url()
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Six digits from an authenticator app, as typed (spaces and hyphens ignored).
#[derive(Clone, PartialEq, Eq)]
pub struct AuthenticatorCode(String);

impl fmt::Debug for AuthenticatorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthenticatorCode(<redacted>)")
    }
}

/// A recovery code, as typed (case, spaces and hyphens ignored).
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(<redacted>)")
    }
}

impl RecoveryCode {
    /// A code from `RECOVERY_CODE_LENGTH` random indexes (0..31) into the alphabet's letters.
    pub fn from_indexes(indexes: &[u8; RECOVERY_CODE_LENGTH]) -> Self {
        Self(
            indexes
                .iter()
                .map(|&i| {
                    char::from(
                        RECOVERY_CODE_ALPHABET[usize::from(i) % RECOVERY_CODE_ALPHABET.len()],
                    )
                })
                .collect(),
        )
    }

    /// The code as shown once: four groups of four, joined by hyphens.
    pub fn shown(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// The code without grouping: what is hashed and stored.
    pub fn compact(&self) -> &str {
        &self.0
    }
}

/// What a member types at the second-factor step: a code from their app, or a recovery code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactorAnswer {
    Authenticator(AuthenticatorCode),
    Recovery(RecoveryCode),
}

/// Why what was typed is neither kind of code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SecondFactorAnswerError {
    #[error("Enter the 6-digit code from your authenticator app")]
    Empty,
    #[error("Enter the 6-digit code from your authenticator app, or a 16-character recovery code")]
    WrongFormat,
}

impl SecondFactorAnswer {
    /// Reads a typed answer: six digits are an authenticator code, sixteen letters of the
    /// recovery alphabet a recovery code. Spaces and hyphens are ignored, case too.
    pub fn parse(input: &str) -> Result<Self, SecondFactorAnswerError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if compact.is_empty() {
            return Err(SecondFactorAnswerError::Empty);
        }
        if compact.len() == 6 && compact.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Self::Authenticator(AuthenticatorCode(compact)));
        }
        if compact.len() == RECOVERY_CODE_LENGTH
            && compact.bytes().all(|b| RECOVERY_CODE_ALPHABET.contains(&b))
        {
            return Ok(Self::Recovery(RecoveryCode(compact)));
        }
        Err(SecondFactorAnswerError::WrongFormat)
    }
}

/// Reads a typed authenticator code alone (setting up an app, where a recovery code has no
/// place).
pub fn parse_authenticator_code(input: &str) -> Result<AuthenticatorCode, SecondFactorAnswerError> {
    match SecondFactorAnswer::parse(input)? {
        SecondFactorAnswer::Authenticator(code) => Ok(code),
        SecondFactorAnswer::Recovery(_) => Err(SecondFactorAnswerError::WrongFormat),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 6238 appendix B's SHA-1 secret ("12345678901234567890"), as base32.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn codes_are_rfc_6238s_test_vectors() {
        let secret = TotpSecret::parse_base32(RFC_SECRET).unwrap();
        // RFC 6238 gives 8 digits; the last 6 are the 6-digit code.
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            assert_eq!(secret.code_at(time), eight[2..], "at {time}");
        }
    }

    fn code(text: &str) -> AuthenticatorCode {
        parse_authenticator_code(text).unwrap()
    }

    #[test]
    fn a_code_matches_its_own_step_and_one_either_side_only() {
        let secret = TotpSecret::parse_base32(RFC_SECRET).unwrap();
        let now = 1_234_567_890;
        let step = now / 30;
        let current = code(&secret.code_at(now));
        assert_eq!(secret.matching_step(&current, now), Some(step));
        assert_eq!(secret.matching_step(&current, now + 30), Some(step));
        assert_eq!(secret.matching_step(&current, now - 30), Some(step));
        assert_eq!(secret.matching_step(&current, now + 60), None);
        assert_eq!(secret.matching_step(&current, now - 60), None);
        let wrong = code(if current.0 == "000000" {
            "000001"
        } else {
            "000000"
        });
        assert_eq!(secret.matching_step(&wrong, now), None);
    }

    #[test]
    fn the_otpauth_url_names_the_issuer_the_account_and_the_secret() {
        let secret = TotpSecret::parse_base32(RFC_SECRET).unwrap();
        let url = secret.otpauth_url("staff.riverside");
        assert!(
            url.starts_with("otpauth://totp/Relink:staff.riverside?"),
            "{url}"
        );
        assert!(url.contains(&format!("secret={RFC_SECRET}")), "{url}");
        assert!(url.contains("issuer=Relink"), "{url}");
    }

    #[test]
    fn secrets_read_back_and_short_or_bad_ones_are_refused() {
        let secret = TotpSecret::from_bytes([7; 20]);
        assert_eq!(TotpSecret::parse_base32(&secret.grouped()).unwrap(), secret);
        assert_eq!(secret.base32().len(), 32);
        assert_eq!(
            TotpSecret::parse_base32("GEZDGNBV"),
            Err(TotpSecretError::TooShort)
        );
        assert_eq!(
            TotpSecret::parse_base32("not base32 at all!"),
            Err(TotpSecretError::NotBase32)
        );
        assert!(!format!("{secret:?}").contains(&secret.base32()));
    }

    #[test]
    fn answers_are_read_as_typed() {
        assert!(matches!(
            SecondFactorAnswer::parse(" 123 456 "),
            Ok(SecondFactorAnswer::Authenticator(_))
        ));
        assert!(matches!(
            SecondFactorAnswer::parse("ABCD-efgh-jkmn-pqrs"),
            Ok(SecondFactorAnswer::Recovery(_))
        ));
        assert_eq!(
            SecondFactorAnswer::parse("  "),
            Err(SecondFactorAnswerError::Empty)
        );
        for wrong in [
            "12345",
            "1234567",
            "12345a",
            "abcd-efgh-ijkl-mnop",
            "abcdefgh",
        ] {
            assert_eq!(
                SecondFactorAnswer::parse(wrong),
                Err(SecondFactorAnswerError::WrongFormat),
                "{wrong}"
            );
        }
        assert_eq!(
            parse_authenticator_code("abcd-efgh-jkmn-pqrs"),
            Err(SecondFactorAnswerError::WrongFormat)
        );
    }

    proptest! {
        #[test]
        fn a_shown_recovery_code_reads_back_as_itself(indexes in proptest::array::uniform16(0u8..31)) {
            let made = RecoveryCode::from_indexes(&indexes);
            prop_assert_eq!(made.compact().len(), RECOVERY_CODE_LENGTH);
            let read = SecondFactorAnswer::parse(&made.shown().to_uppercase());
            prop_assert_eq!(read, Ok(SecondFactorAnswer::Recovery(made)));
        }

        #[test]
        fn any_input_is_read_or_refused_without_panicking(input in "\\PC{0,40}") {
            let _ = SecondFactorAnswer::parse(&input);
            let _ = TotpSecret::parse_base32(&input);
        }
    }
}
