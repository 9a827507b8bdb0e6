//! Hashing of secrets (PIN passphrases, patient passphrases) with Argon2id.
//!
//! Parameters are OWASP's recommendation for Argon2id: m = 19 456 KiB, t = 2, p = 1. The PHC
//! string carries them, so stronger parameters later still verify old hashes.

use argon2::password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// Memory cost in KiB (one Argon2 block is 1 KiB).
const MEMORY_KIB: u32 = 19_456;

fn owasp_params() -> Params {
    Params::new(MEMORY_KIB, 2, 1, None).expect("OWASP Argon2id parameters are valid")
}

/// The one Argon2id configuration Relink hashes with.
pub fn argon2id() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, owasp_params())
}

/// Argon2id with its 19 MiB of working memory allocated once and reused for every hash.
///
/// Why: allocating the memory per hash means the kernel maps and zeroes 19 MiB each time (or,
/// with glibc's default allocator settings, keeps every thread's blocks resident; see
/// docs/RELIABILITY.md). The hashing pool owns one of these per slot, so memory stays at
/// slots × 19 MiB and no hash pays for fresh pages (docs/PERFORMANCE.md, item 3).
pub struct SecretHasher {
    memory: Vec<Block>,
}

impl Default for SecretHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl SecretHasher {
    pub fn new() -> Self {
        Self {
            memory: vec![Block::default(); owasp_params().block_count()],
        }
    }

    /// Hashes a secret into a PHC string with a fresh random salt. CPU-heavy (tens of
    /// milliseconds): call it off the async runtime.
    pub fn hash(&mut self, secret: &str) -> String {
        let salt = SaltString::generate(&mut OsRng);
        let mut salt_bytes = [0u8; 64];
        let salt_bytes = salt
            .decode_b64(&mut salt_bytes)
            .expect("a generated salt decodes");
        let params = owasp_params();
        let mut output = [0u8; Params::DEFAULT_OUTPUT_LEN];
        argon2id()
            .hash_password_into_with_memory(
                secret.as_bytes(),
                salt_bytes,
                &mut output,
                &mut self.memory,
            )
            .expect("hashing with valid parameters cannot fail");
        PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params).expect("OWASP parameters format"),
            salt: Some(salt.as_salt()),
            hash: Some(Output::new(&output).expect("32 bytes is a valid output")),
        }
        .to_string()
    }

    /// True when `secret` matches the PHC string; a malformed PHC string never matches. A hash
    /// made with more memory than this hasher holds (stronger parameters, later) still verifies,
    /// with memory allocated for it.
    pub fn verify(&mut self, secret: &str, phc: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(phc) else {
            return false;
        };
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return false;
        };
        let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
            return false;
        };
        let Ok(version) = parsed
            .version
            .map_or(Ok(Version::default()), Version::try_from)
        else {
            return false;
        };
        let Ok(params) = Params::try_from(&parsed) else {
            return false;
        };
        let mut salt_bytes = [0u8; 64];
        let Ok(salt_bytes) = salt.decode_b64(&mut salt_bytes) else {
            return false;
        };
        let argon2 = Argon2::new(algorithm, version, params.clone());
        let computed = Output::init_with(expected.len(), |out| {
            let hashed = if params.block_count() <= self.memory.len() {
                argon2.hash_password_into_with_memory(
                    secret.as_bytes(),
                    salt_bytes,
                    out,
                    &mut self.memory[..params.block_count()],
                )
            } else {
                argon2.hash_password_into(secret.as_bytes(), salt_bytes, out)
            };
            hashed.map_err(|_| argon2::password_hash::Error::Password)
        });
        // `Output`'s equality is constant-time.
        computed.is_ok_and(|computed| computed == expected)
    }
}

/// Hashes a secret with memory allocated for this one hash: for the command line, seeding and
/// tests. The server hashes through its pool's [`SecretHasher`]s.
pub fn hash_secret(secret: &str) -> String {
    SecretHasher::new().hash(secret)
}

/// [`SecretHasher::verify`] with memory allocated for this one check.
pub fn verify_secret(secret: &str, phc: &str) -> bool {
    SecretHasher::new().verify(secret, phc)
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

    #[test]
    fn a_reused_hasher_agrees_with_the_argon2_crate() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let mut hasher = SecretHasher::new();
        // Ours verifies the crate's hashes and the crate verifies ours, over the same memory.
        let theirs = argon2id()
            .hash_password(b"orbit lemon cat", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert!(hasher.verify("orbit lemon cat", &theirs));
        assert!(!hasher.verify("orbit lemon dog", &theirs));
        let ours = hasher.hash("carpet orbit lemon harbour");
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(argon2id()
            .verify_password(b"carpet orbit lemon harbour", &parsed)
            .is_ok());
        assert!(argon2id()
            .verify_password(b"carpet orbit lemon", &parsed)
            .is_err());
        assert!(hasher.verify("carpet orbit lemon harbour", &ours));
    }

    #[test]
    fn hashes_with_other_parameters_still_verify() {
        use argon2::password_hash::PasswordHasher;
        let mut hasher = SecretHasher::new();
        for (m, t) in [(8_192, 1), (32_768, 2)] {
            let params = Params::new(m, t, 1, None).unwrap();
            let phc = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
                .hash_password(b"lemon harbour", &SaltString::generate(&mut OsRng))
                .unwrap()
                .to_string();
            assert!(hasher.verify("lemon harbour", &phc), "m={m}");
            assert!(!hasher.verify("lemon harbor", &phc), "m={m}");
        }
        assert!(!hasher.verify("x", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$"));
        assert!(!hasher.verify("x", "$argon2id$v=19$m=19456,t=2,p=1"));
    }
}
