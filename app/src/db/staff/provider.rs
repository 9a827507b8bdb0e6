//! Staff who sign in with an OpenID Connect provider: the sign-ins in progress (what the
//! callback checks, used once) and the member row each sign-in makes or brings up to date from
//! the provider's claims.

use sqlx::{Any, Executor};

use super::super::audit::{self, AuditKind, NewAuditEvent};
use super::super::{Db, DbError};
use crate::domain::staff_provider::ProviderAccess;
use crate::domain::{OdsCode, StaffUsername};

/// How long a sign-in with the provider may take, from pressing the button to the callback.
pub const PROVIDER_LOGIN_LIFETIME_SECONDS: i64 = 10 * 60;

/// The password hash of a member who signs in with the provider: no Argon2 PHC string, so it
/// verifies nothing (and the local form never asks for it: see [`super::password_hash`]).
pub const NO_LOCAL_PASSWORD: &str = "!signs-in-with-provider";

/// A sign-in with the provider in progress: what the callback must find to finish it.
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderLogin {
    /// The `state` sent with the authorisation request: the callback's must be the same.
    pub state: String,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier, sent with the code.
    pub pkce_verifier: String,
    /// The checked staff page to go on to, or empty.
    pub next_path: String,
}

/// Never prints the values (each one is a secret of the sign-in).
impl std::fmt::Debug for ProviderLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProviderLogin(<redacted>)")
    }
}

/// Keeps a sign-in in progress under the hash of its browser's cookie value, for
/// [`PROVIDER_LOGIN_LIFETIME_SECONDS`].
pub async fn save_provider_login<'e>(
    exec: impl Executor<'e, Database = Any>,
    id_hash: &str,
    login: &ProviderLogin,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO staff_provider_logins
             (id_hash, state, nonce, pkce_verifier, next_path, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id_hash)
    .bind(&login.state)
    .bind(&login.nonce)
    .bind(&login.pkce_verifier)
    .bind(&login.next_path)
    .bind(now)
    .bind(now + PROVIDER_LOGIN_LIFETIME_SECONDS)
    .execute(exec)
    .await?;
    Ok(())
}

/// Takes the sign-in in progress whose cookie hashes to `id_hash`: deleted whatever happens
/// next, so a callback is honoured once. `None` if there is none, or it is past its time.
pub async fn take_provider_login<'e>(
    exec: impl Executor<'e, Database = Any>,
    id_hash: &str,
    now: i64,
) -> Result<Option<ProviderLogin>, DbError> {
    let row: Option<(String, String, String, String, i64)> = sqlx::query_as(
        "DELETE FROM staff_provider_logins WHERE id_hash = $1
         RETURNING state, nonce, pkce_verifier, next_path, expires_at",
    )
    .bind(id_hash)
    .fetch_optional(exec)
    .await?;
    Ok(row.filter(|(.., expires_at)| *expires_at > now).map(
        |(state, nonce, pkce_verifier, next_path, _)| ProviderLogin {
            state,
            nonce,
            pkce_verifier,
            next_path,
        },
    ))
}

/// What a sign-in with the provider did to the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderSignIn {
    /// Their row made or brought up to date: a session may start.
    Admitted,
    /// They were disabled by an administrator: the provider does not bring them back.
    Disabled,
    /// The username is a local member's (or another subject's): never taken over.
    NotTheirs,
}

/// Makes (or updates) the member `username` for the provider's `subject`, with the practices and
/// administrator flag the claims gave (replacing what they had), and audits it, in one
/// transaction. A disabled member, or a username that is a local member's, is left alone.
pub async fn sign_in_with_provider(
    db: &Db,
    username: &StaffUsername,
    subject: &str,
    access: &ProviderAccess,
    now: i64,
) -> Result<ProviderSignIn, DbError> {
    let mut tx = db.pool().begin().await?;
    // Writes first (SQLite takes its write lock here), then reads.
    let written = sqlx::query(
        "INSERT INTO staff_members (username, password_hash, is_admin, created_at, provider_subject)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (username) DO UPDATE SET is_admin = excluded.is_admin
         WHERE staff_members.provider_subject = excluded.provider_subject
           AND staff_members.disabled_at IS NULL",
    )
    .bind(username.as_str())
    .bind(NO_LOCAL_PASSWORD)
    .bind(i64::from(access.is_admin))
    .bind(now)
    .bind(subject)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if written == 0 {
        let row: Option<(Option<String>, Option<i64>)> = sqlx::query_as(
            "SELECT provider_subject, disabled_at FROM staff_members WHERE username = $1",
        )
        .bind(username.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        tx.rollback().await?;
        return Ok(match row {
            Some((Some(theirs), Some(_))) if theirs == subject => ProviderSignIn::Disabled,
            _ => ProviderSignIn::NotTheirs,
        });
    }
    let before: Vec<String> = sqlx::query_scalar(
        "SELECT practice_ods FROM staff_practices WHERE username = $1 ORDER BY practice_ods",
    )
    .bind(username.as_str())
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM staff_practices WHERE username = $1")
        .bind(username.as_str())
        .execute(&mut *tx)
        .await?;
    for ods in &access.practices {
        sqlx::query("INSERT INTO staff_practices (username, practice_ods) VALUES ($1, $2)")
            .bind(username.as_str())
            .bind(ods.as_str())
            .execute(&mut *tx)
            .await?;
    }
    let after: Vec<&str> = access.practices.iter().map(OdsCode::as_str).collect();
    let role = if access.is_admin {
        "administrator"
    } else {
        "not an administrator"
    };
    let change = if before == after {
        String::new()
    } else if before.is_empty() {
        " (first sign-in)".to_owned()
    } else {
        format!(" (was {})", before.join(", "))
    };
    let detail = format!(
        "Signed in with the identity provider: practices {}{change}; {role}",
        after.join(", ")
    );
    audit::record(
        &mut *tx,
        &NewAuditEvent {
            kind: AuditKind::StaffProviderAccessSet,
            actor: username.as_str(),
            practice_ods: None,
            patient_id: None,
            detail: &detail,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(ProviderSignIn::Admitted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::each_backend;

    fn login(state: &str) -> ProviderLogin {
        ProviderLogin {
            state: state.into(),
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            next_path: "/staff/audit".into(),
        }
    }

    #[tokio::test]
    async fn a_login_is_taken_once_and_not_after_its_time() {
        each_backend(|db| async move {
            save_provider_login(db.pool(), "h1", &login("s1"), 100)
                .await
                .unwrap();
            let taken = take_provider_login(db.pool(), "h1", 101).await.unwrap();
            assert_eq!(taken, Some(login("s1")));
            assert_eq!(
                take_provider_login(db.pool(), "h1", 102).await.unwrap(),
                None
            );

            save_provider_login(db.pool(), "h2", &login("s2"), 100)
                .await
                .unwrap();
            let late = 100 + PROVIDER_LOGIN_LIFETIME_SECONDS;
            assert_eq!(
                take_provider_login(db.pool(), "h2", late).await.unwrap(),
                None
            );
        })
        .await;
    }

    async fn practices(db: &Db) {
        for ods in ["T00001", "E00001"] {
            sqlx::query(
                "INSERT INTO practices (ods_code, name, clinical_system) VALUES ($1, 'P', 'TPP')",
            )
            .bind(ods)
            .execute(db.pool())
            .await
            .unwrap();
        }
    }

    fn access(codes: &[&str], is_admin: bool) -> ProviderAccess {
        ProviderAccess {
            practices: codes.iter().map(|c| OdsCode::parse(c).unwrap()).collect(),
            is_admin,
        }
    }

    #[tokio::test]
    async fn each_sign_in_replaces_the_members_practices_and_role() {
        each_backend(|db| async move {
            practices(&db).await;
            let name = StaffUsername::parse("cis2.555000000001").unwrap();
            let riverside = access(&["T00001"], false);
            let first = sign_in_with_provider(&db, &name, "sub-1", &riverside, 1);
            assert_eq!(first.await.unwrap(), ProviderSignIn::Admitted);
            let member = super::super::find(&db, name.as_str())
                .await
                .unwrap()
                .unwrap();
            assert_eq!(member.practices, riverside.practices);
            assert!(!member.is_admin);
            // The local form never signs them in.
            assert_eq!(
                super::super::password_hash(db.pool(), &name).await.unwrap(),
                None
            );

            let again = access(&["E00001"], true);
            let second = sign_in_with_provider(&db, &name, "sub-1", &again, 2);
            assert_eq!(second.await.unwrap(), ProviderSignIn::Admitted);
            let member = super::super::find(&db, name.as_str())
                .await
                .unwrap()
                .unwrap();
            assert_eq!(member.practices, again.practices);
            assert!(member.is_admin);
        })
        .await;
    }

    #[tokio::test]
    async fn a_disabled_member_or_a_local_username_is_left_alone() {
        each_backend(|db| async move {
            practices(&db).await;
            let name = StaffUsername::parse("cis2.555000000001").unwrap();
            let riverside = access(&["T00001"], false);
            let ok = sign_in_with_provider(&db, &name, "sub-1", &riverside, 1);
            assert_eq!(ok.await.unwrap(), ProviderSignIn::Admitted);
            super::super::set_disabled(&db, &name, true, "cli", 2)
                .await
                .unwrap();
            let admin = access(&["T00001"], true);
            let disabled = sign_in_with_provider(&db, &name, "sub-1", &admin, 3);
            assert_eq!(disabled.await.unwrap(), ProviderSignIn::Disabled);
            let is_admin: i64 =
                sqlx::query_scalar("SELECT is_admin FROM staff_members WHERE username = $1")
                    .bind(name.as_str())
                    .fetch_one(db.pool())
                    .await
                    .unwrap();
            assert_eq!(is_admin, 0);

            let local = StaffUsername::parse("cis2.555000000009").unwrap();
            super::super::add(&db, &local, "$argon2id$x", false, &[], 4)
                .await
                .unwrap();
            let taken = sign_in_with_provider(&db, &local, "sub-9", &admin, 5);
            assert_eq!(taken.await.unwrap(), ProviderSignIn::NotTheirs);
            let other = sign_in_with_provider(&db, &name, "sub-2", &admin, 6);
            assert_eq!(other.await.unwrap(), ProviderSignIn::NotTheirs);
        })
        .await;
    }
}
