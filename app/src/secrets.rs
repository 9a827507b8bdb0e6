//! Hashing of secrets (PIN passphrases, patient passphrases) with Argon2id.
//!
//! Parameters are OWASP's recommendation for Argon2id: m = 19 456 KiB, t = 2, p = 1. The PHC
//! string carries them, so stronger parameters later still verify old hashes.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

/// The one Argon2id configuration Relink hashes with.
pub fn argon2id() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("OWASP Argon2id parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a secret into a PHC string with a fresh random salt. CPU-heavy (tens of
/// milliseconds): call it off the async runtime.
pub fn hash_secret(secret: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2id()
        .hash_password(secret.as_bytes(), &salt)
        .expect("hashing with valid parameters cannot fail")
        .to_string()
}

/// True when `secret` matches the PHC string; a malformed PHC string never matches.
pub fn verify_secret(secret: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        argon2id()
            .verify_password(secret.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A random initial password for a new staff member: two one-time-secret groups, about 98 bits
/// ("k7mfq-2xwpa-9hrtd-c4nze"), shown once and then stored only as a hash.
pub fn new_staff_password() -> String {
    use rand::RngCore;
    let mut random = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut random);
    let (first, second) = random.split_at(10);
    let group =
        |bytes: &[u8]| crate::domain::one_time_secret(bytes.try_into().expect("10 random bytes"));
    format!("{}-{}", group(first), group(second))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_carry_owasp_parameters() {
        let phc = hash_secret("demo-pin-1");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_secret("demo-pin-1", &phc));
        assert!(!verify_secret("demo-pin-2", &phc));
        assert!(!verify_secret("demo-pin-1", "not a phc string"));
        assert_ne!(hash_secret("demo-pin-1"), phc, "each hash has its own salt");
    }
}
