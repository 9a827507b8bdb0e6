//! The secrets a browser holds in a cookie, one type each, so a session id can never be passed
//! where a reset's step token is expected: 256 random bits, URL-safe, of which only the SHA-256
//! is stored (a copy of the database lets nobody sign in or finish a journey). And the random
//! ids of new rows.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Defines a browser-held secret type. `Debug` never shows the secret.
macro_rules! bearer_secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// 256 fresh random bits from the operating system, URL-safe.
            pub fn generate() -> Self {
                Self(random_secret())
            }

            /// Wraps a value sent back by a browser (any string: it is only hashed and compared).
            pub fn from_cookie(value: &str) -> Self {
                Self(value.to_owned())
            }

            /// The secret itself, for the cookie that carries it.
            pub fn expose(&self) -> &str {
                &self.0
            }

            /// The SHA-256 stored in place of the secret.
            pub fn digest(&self) -> String {
                sha256_hex(&self.0)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }
    };
}

bearer_secret!(
    /// Lets the browser that matched a PIN document set a new passphrase for it, once.
    StepToken
);
bearer_secret!(
    /// A patient's or staff member's session.
    SessionId
);
bearer_secret!(
    /// A replacement journey in progress.
    JourneyToken
);
bearer_secret!(
    /// A staff member who gave the right password, on their way through the second factor
    /// (and a first password change) to a session.
    StaffSignInToken
);
bearer_secret!(
    /// A staff sign-in with the identity provider in progress, in a SameSite=Lax cookie: the
    /// provider's callback arrives by a top-level navigation from its site.
    ProviderLoginToken
);
bearer_secret!(
    /// The one-click "Cancel this replacement" link sent to the old account's email address.
    CancelToken
);

/// 256 random bits as URL-safe base64.
fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 (hex) of a secret with enough randomness of its own that no salt or slow hash
/// is needed: what is stored of a staff recovery code.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A secret nobody knows, for the hash verified when no real one exists (so every path does
/// the same Argon2 work).
pub fn unknowable_secret() -> String {
    random_secret()
}

/// A new row's id: `prefix-` and 24 random hex digits (96 bits), unguessable and unique.
pub fn new_record_id(prefix: &str) -> String {
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}-{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_url_safe_and_never_shown() {
        let a = SessionId::generate();
        let b = SessionId::generate();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 43);
        assert!(a
            .expose()
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_eq!(format!("{a:?}"), "SessionId(<redacted>)");
        assert_eq!(a.digest().len(), 64);
        assert_eq!(SessionId::from_cookie(a.expose()).digest(), a.digest());
    }

    #[test]
    fn record_ids_carry_their_prefix_and_96_random_bits() {
        let id = new_record_id("rpl");
        assert!(id.starts_with("rpl-"));
        assert_eq!(id.len(), "rpl-".len() + 24);
        assert_ne!(new_record_id("rpl"), id);
    }
}
