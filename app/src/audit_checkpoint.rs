//! Signed checkpoints of the audit chain's head, kept outside the database.
//!
//! The hash chain (`db::audit`) finds a change made by someone who cannot write the chain; an
//! insider with the database owner's rights can recompute every hash after a change, or cut
//! the newest entries and wind the head back, and the chain alone looks whole. A checkpoint is
//! the head (its entry number and hash, and when it was taken) signed with an Ed25519 key that
//! never enters the database, written as one JSON line to a file or a log collector. Later the
//! chain must still hold exactly that hash at that number, and reach at least that far.
//!
//! Format, signing and checking a signature are pure and live here; reading the chain is
//! `db::audit`'s; [`check`] puts the two together.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _};
/// The keys, re-exported so the binary needs no crate of its own for them.
pub use ed25519_dalek::{SigningKey, VerifyingKey};
use rand::RngCore as _;
use serde::{Deserialize, Serialize};

use crate::db::{audit, Db, DbError};

/// What is signed starts with this, so a signature made for anything else never fits.
const CONTEXT: &str = "relink-audit-checkpoint-v1";

/// Why a key or a checkpoint could not be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CheckpointError {
    #[error("the signing key is not valid (expected the base64 text `relink audit keygen` wrote)")]
    BadSigningKey,
    #[error(
        "the public key is not valid (expected the base64 text `relink audit keygen` printed)"
    )]
    BadPublicKey,
    #[error("checkpoint on line {0} is not a checkpoint: {1}")]
    Unreadable(usize, String),
    #[error("checkpoint on line {0} has a signature that does not verify: it was not made with the signing key")]
    BadSignature(usize),
}

/// The chain's head at one moment, signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// The newest entry's number in the chain.
    pub seq: i64,
    /// Its hash (hex SHA-256; "genesis" before the first entry).
    pub hash: String,
    /// When the checkpoint was taken (Unix seconds).
    pub at: i64,
    /// Ed25519 over the context, number, hash and time, in base64.
    pub signature: String,
}

fn message(seq: i64, hash: &str, at: i64) -> Vec<u8> {
    format!("{CONTEXT}\n{seq}\n{hash}\n{at}").into_bytes()
}

impl Checkpoint {
    /// Signs the head `(seq, hash)` as seen at `at`.
    pub fn sign(seq: i64, hash: &str, at: i64, key: &SigningKey) -> Self {
        let signature = key.sign(&message(seq, hash, at));
        Self {
            seq,
            hash: hash.to_owned(),
            at,
            signature: BASE64.encode(signature.to_bytes()),
        }
    }

    /// The one line written to the checkpoint file or log.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("a checkpoint always serialises")
    }

    /// Reads the line numbered `line` (from 1) and checks its signature with `key`.
    pub fn read(text: &str, line: usize, key: &VerifyingKey) -> Result<Self, CheckpointError> {
        let checkpoint: Self = serde_json::from_str(text)
            .map_err(|e| CheckpointError::Unreadable(line, e.to_string()))?;
        let bytes = BASE64
            .decode(&checkpoint.signature)
            .map_err(|_| CheckpointError::BadSignature(line))?;
        let signature =
            Signature::from_slice(&bytes).map_err(|_| CheckpointError::BadSignature(line))?;
        key.verify_strict(
            &message(checkpoint.seq, &checkpoint.hash, checkpoint.at),
            &signature,
        )
        .map_err(|_| CheckpointError::BadSignature(line))?;
        Ok(checkpoint)
    }
}

/// Every checkpoint in a file's text (one a line, blank lines skipped), each signature checked;
/// the first line that is not a good checkpoint is an error.
pub fn read_all(text: &str, key: &VerifyingKey) -> Result<Vec<Checkpoint>, CheckpointError> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| Checkpoint::read(line.trim(), index + 1, key))
        .collect()
}

/// A new random signing key, from the operating system's generator.
pub fn new_signing_key() -> SigningKey {
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    SigningKey::from_bytes(&seed)
}

/// The signing key as the key file holds it: its 32-byte seed in base64.
pub fn signing_key_text(key: &SigningKey) -> String {
    BASE64.encode(key.to_bytes())
}

/// The signing key from the key file's text.
pub fn signing_key_from_text(text: &str) -> Result<SigningKey, CheckpointError> {
    let bytes = BASE64
        .decode(text.trim())
        .map_err(|_| CheckpointError::BadSigningKey)?;
    let seed: [u8; 32] = bytes
        .try_into()
        .map_err(|_| CheckpointError::BadSigningKey)?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The public key in base64: what `keygen` prints and `verify --public-key` takes.
pub fn public_key_text(key: &VerifyingKey) -> String {
    BASE64.encode(key.to_bytes())
}

/// The public key from its base64 text.
pub fn public_key_from_text(text: &str) -> Result<VerifyingKey, CheckpointError> {
    let bytes = BASE64
        .decode(text.trim())
        .map_err(|_| CheckpointError::BadPublicKey)?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| CheckpointError::BadPublicKey)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| CheckpointError::BadPublicKey)
}

/// Compares each checkpoint with the chain in the database: the entry it names must be there
/// with exactly its hash, and the head must be at or past it. Says what is wrong with the
/// first one that does not fit, if any.
pub async fn check(db: &Db, checkpoints: &[Checkpoint]) -> Result<Option<String>, DbError> {
    let (head, _) = audit::chain_head(db).await?;
    for checkpoint in checkpoints {
        let seq = checkpoint.seq;
        if head < seq {
            return Ok(Some(format!(
                "the chain ends at entry number {head}, but a checkpoint saw it reach number \
                 {seq}: entries were removed and the chain was wound back"
            )));
        }
        let stored = if seq == 0 {
            Some("genesis".to_owned())
        } else {
            audit::entry_hash_at(db, seq).await?
        };
        match stored {
            None => {
                return Ok(Some(format!(
                    "entry number {seq}, seen by a checkpoint, is missing"
                )))
            }
            Some(hash) if hash != checkpoint.hash => {
                return Ok(Some(format!(
                    "entry number {seq} no longer has the hash its checkpoint signed: the \
                     chain was rewritten up to it"
                )))
            }
            Some(_) => {}
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::audit::{AuditKind, NewAuditEvent};
    use crate::db::testing::each_backend;

    async fn append(db: &Db, n: usize) {
        for i in 0..n {
            let detail = format!("event {i}");
            let event = NewAuditEvent {
                kind: AuditKind::StaffSignedIn,
                actor: "staff.riverside",
                practice_ods: Some("T00001"),
                patient_id: None,
                detail: &detail,
            };
            audit::record(db.pool(), &event, 100 + i as i64)
                .await
                .unwrap();
        }
    }

    async fn checkpoint_now(db: &Db, key: &SigningKey) -> Checkpoint {
        let (seq, hash) = audit::chain_head(db).await.unwrap();
        Checkpoint::sign(seq, &hash, 1_000, key)
    }

    #[test]
    fn a_checkpoint_reads_back_and_keys_round_trip() {
        let key = new_signing_key();
        let again = signing_key_from_text(&signing_key_text(&key)).unwrap();
        assert_eq!(again.to_bytes(), key.to_bytes());
        let public = public_key_from_text(&public_key_text(&key.verifying_key())).unwrap();
        let checkpoint = Checkpoint::sign(7, "abc", 99, &key);
        let line = checkpoint.to_line();
        assert!(!line.contains('\n'));
        assert_eq!(Checkpoint::read(&line, 1, &public).unwrap(), checkpoint);
        assert_eq!(
            signing_key_from_text("too short"),
            Err(CheckpointError::BadSigningKey)
        );
        assert_eq!(
            public_key_from_text("AAAA"),
            Err(CheckpointError::BadPublicKey)
        );
    }

    #[test]
    fn forged_or_altered_checkpoints_are_refused() {
        let key = new_signing_key();
        let public = key.verifying_key();
        let genuine = Checkpoint::sign(7, "abc", 99, &key);
        // The same head signed with another key (a forger's).
        let forged = Checkpoint::sign(7, "abc", 99, &new_signing_key()).to_line();
        // A genuine signature moved to another head.
        let moved = Checkpoint {
            seq: 3,
            ..genuine.clone()
        }
        .to_line();
        let text = format!("{}\n\n{forged}\n", genuine.to_line());
        assert_eq!(
            read_all(&text, &public),
            Err(CheckpointError::BadSignature(3))
        );
        assert_eq!(
            Checkpoint::read(&moved, 1, &public),
            Err(CheckpointError::BadSignature(1))
        );
        assert!(matches!(
            Checkpoint::read("{\"seq\": 1}", 4, &public),
            Err(CheckpointError::Unreadable(4, _))
        ));
        assert_eq!(
            read_all(&format!("{}\n", genuine.to_line()), &public).unwrap(),
            [genuine]
        );
    }

    #[tokio::test]
    async fn a_recomputed_chain_passes_alone_but_not_against_a_checkpoint() {
        each_backend(|db| async move {
            let key = new_signing_key();
            append(&db, 4).await;
            let early = checkpoint_now(&db, &key).await;
            append(&db, 2).await;
            let late = checkpoint_now(&db, &key).await;
            let both = [early, late];
            assert_eq!(check(&db, &both).await.unwrap(), None);

            audit::rewrite_and_recompute(&db, 2, "nothing happened").await;
            let alone = audit::verify_chain(&db).await.unwrap();
            assert_eq!((alone.checked, alone.first_broken), (6, None));
            let found = check(&db, &both).await.unwrap().expect("found");
            assert!(
                found.contains("entry number 4 no longer has the hash"),
                "{found}"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn a_cut_chain_with_its_head_wound_back_fails_against_a_checkpoint() {
        each_backend(|db| async move {
            let key = new_signing_key();
            let empty = checkpoint_now(&db, &key).await;
            append(&db, 5).await;
            let checkpoint = checkpoint_now(&db, &key).await;
            append(&db, 1).await;
            assert_eq!(
                check(&db, std::slice::from_ref(&empty)).await.unwrap(),
                None
            );

            audit::cut_and_reset(&db, 3).await;
            let alone = audit::verify_chain(&db).await.unwrap();
            assert_eq!((alone.checked, alone.first_broken), (3, None));
            assert_eq!(check(&db, &[empty]).await.unwrap(), None);
            let found = check(&db, &[checkpoint]).await.unwrap().expect("found");
            assert!(
                found.contains("the chain ends at entry number 3"),
                "{found}"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn a_checkpoint_of_a_hash_the_chain_never_had_fails() {
        each_backend(|db| async move {
            let key = new_signing_key();
            append(&db, 3).await;
            // Signed with the real key, but of a head this chain never had (another database,
            // or a chain replaced wholesale).
            let foreign = Checkpoint::sign(2, "0123", 1_000, &key);
            let found = check(&db, &[foreign]).await.unwrap().expect("found");
            assert!(found.contains("entry number 2 no longer"), "{found}");
        })
        .await;
    }
}
