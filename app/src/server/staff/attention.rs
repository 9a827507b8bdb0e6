//! The staff home page: the member's practices and what needs their attention.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use time::OffsetDateTime;

use super::{now, SignedInStaff};
use crate::db::staff::{self, StaffMember};
use crate::db::{Db, DbError};
use crate::domain::attempts::CredentialKind;
use crate::server::{render, AppState, JourneyError};
use crate::views::routes;
use crate::views::staff::{DailyLockRow, StaffHomeView};

/// How many replacement requests, mismatches and test patients the member's practices have,
/// and which of their patients' NHS numbers are locked for the day.
pub(super) async fn home(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
) -> Result<Response, JourneyError> {
    let practices = staff::practices_of(&state.db, &member).await?;
    let view = StaffHomeView {
        username: member.username.to_string(),
        practices: practices
            .into_iter()
            .map(|p| format!("{} ({})", p.name, p.ods_code))
            .collect(),
        requests: staff::replacement_requests(&state.db, &member).await?.len(),
        mismatches: staff::demographic_mismatches(&state.db, &member)
            .await?
            .len(),
        test_patients: staff::test_patients(&state.db, &member).await?.len(),
        daily_locks: daily_locks(&state.db, &member).await?,
        staff_sign_in_alerts: if member.is_admin {
            let day_ago = now().unix_timestamp() - 24 * 60 * 60;
            staff::staff_sign_in_alerts(&state.db, day_ago).await?
        } else {
            0
        },
    };
    Ok(render(&state, routes::STAFF_HOME, view, StatusCode::OK).await)
}

/// The member's practices' patients whose NHS number reached the identity check's daily cap
/// and is locked still (the cap's lock time has not passed since), with when the lock ends.
async fn daily_locks(db: &Db, member: &StaffMember) -> Result<Vec<DailyLockRow>, DbError> {
    let Some(cap) = CredentialKind::IdentityCheck.daily_cap() else {
        return Ok(Vec::new());
    };
    let lock = cap.limit.lock_seconds;
    let since = now().unix_timestamp() - lock;
    Ok(staff::daily_locked_patients(db, member, since)
        .await?
        .into_iter()
        .map(|l| DailyLockRow {
            name: format!("{} {}", l.given_name, l.family_name),
            nhs_number: l.nhs_number.to_string(),
            practice_ods: l.practice_ods.to_string(),
            locked_until: OffsetDateTime::from_unix_timestamp(l.locked_at + lock)
                .unwrap_or(OffsetDateTime::UNIX_EPOCH),
            patient_id: l.patient_id,
        })
        .collect())
}
