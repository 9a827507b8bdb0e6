//! The staff lifecycle in the staff area (administrators only), as `relink staff` does it on the
//! command line: every member listed, and on a member's page disable or enable them, give them a
//! new one-time password, or remove their authenticator app (a lost phone). Each change is one
//! transaction in `db::staff`, ends the member's sessions where it should, and is audited with
//! the administrator as its actor. Anyone else gets the staff area's "not found".

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{not_found, now, SignedInStaff};
use crate::db::staff::{self, StaffChange, StaffListing, StaffMember};
use crate::domain::StaffUsername;
use crate::server::{render, AppState, JourneyError};
use crate::views::routes;
use crate::views::staff::{StaffMemberChange, StaffMemberRow, StaffMemberView, StaffMembersView};

fn row(listing: StaffListing) -> StaffMemberRow {
    StaffMemberRow {
        username: listing.username,
        is_admin: listing.is_admin,
        practices: listing.practices,
        disabled: listing.disabled_at.is_some(),
        has_authenticator: listing.has_authenticator,
        signs_in_with_provider: listing.signs_in_with_provider,
    }
}

/// Every staff member.
pub(super) async fn list(
    State(state): State<AppState>,
    SignedInStaff(admin): SignedInStaff,
) -> Result<Response, JourneyError> {
    if !admin.is_admin {
        return Ok(not_found(&state).await);
    }
    let members = staff::list(&state.db).await?.into_iter().map(row).collect();
    let view = StaffMembersView {
        username: admin.username.to_string(),
        members,
    };
    Ok(render(&state, routes::STAFF_MEMBERS, view, StatusCode::OK).await)
}

/// The member page's query: what was just done (after the redirect).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct MemberQuery {
    done: Option<String>,
}

/// The member's page as the administrator sees it, or `None` when there is no such member.
async fn member_view(
    state: &AppState,
    admin: &StaffMember,
    username: &str,
) -> Result<Option<StaffMemberView>, JourneyError> {
    let found = staff::list(&state.db)
        .await?
        .into_iter()
        .find(|listing| listing.username == username);
    Ok(found.map(|listing| StaffMemberView {
        username: admin.username.to_string(),
        is_self: listing.username == admin.username.as_str(),
        member: row(listing),
        ..StaffMemberView::default()
    }))
}

/// One member, and the changes that can be made.
pub(super) async fn show(
    State(state): State<AppState>,
    SignedInStaff(admin): SignedInStaff,
    Path(username): Path<String>,
    Query(query): Query<MemberQuery>,
) -> Result<Response, JourneyError> {
    if !admin.is_admin {
        return Ok(not_found(&state).await);
    }
    let Some(mut view) = member_view(&state, &admin, &username).await? else {
        return Ok(not_found(&state).await);
    };
    view.change = match query.done.as_deref() {
        Some("disabled") => Some(StaffMemberChange::Disabled),
        Some("enabled") => Some(StaffMemberChange::Enabled),
        Some("second-factor-reset") => Some(StaffMemberChange::SecondFactorReset),
        _ => None,
    };
    Ok(render(&state, routes::STAFF_MEMBER, view, StatusCode::OK).await)
}

/// A change an administrator makes from a member's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Disable,
    Enable,
    ResetPassword,
    ResetSecondFactor,
}

/// Parses the member from the path and checks the administrator, then makes the change.
async fn change(
    state: &AppState,
    admin: &StaffMember,
    username: &str,
    action: Action,
) -> Result<Response, JourneyError> {
    if !admin.is_admin {
        return Ok(not_found(state).await);
    }
    let Ok(member) = StaffUsername::parse(username) else {
        return Ok(not_found(state).await);
    };
    let Some(mut view) = member_view(state, admin, member.as_str()).await? else {
        return Ok(not_found(state).await);
    };
    if action == Action::Disable && view.is_self {
        view.change = Some(StaffMemberChange::NotYourself);
        return Ok(render(state, routes::STAFF_MEMBER, view, StatusCode::CONFLICT).await);
    }
    let resets = matches!(action, Action::ResetPassword | Action::ResetSecondFactor);
    if resets && view.member.signs_in_with_provider {
        view.change = Some(StaffMemberChange::SignsInWithProvider);
        return Ok(render(state, routes::STAFF_MEMBER, view, StatusCode::CONFLICT).await);
    }
    let actor = admin.username.as_str();
    let timestamp = now().unix_timestamp();
    let db = &state.db;
    let mut password = None;
    let changed = match action {
        Action::Disable => staff::set_disabled(db, &member, true, actor, timestamp).await?,
        Action::Enable => staff::set_disabled(db, &member, false, actor, timestamp).await?,
        Action::ResetPassword => {
            let new = crate::secrets::new_staff_password();
            let typed = new.clone();
            let hash = state.hashing.run(move |hasher| hasher.hash(&typed)).await?;
            password = Some(new);
            staff::reset_password(db, &member, &hash, actor, timestamp).await?
        }
        Action::ResetSecondFactor => {
            staff::reset_second_factor(db, &member, actor, timestamp).await?
        }
    };
    let sessions_ended = match changed {
        StaffChange::NoSuchMember => return Ok(not_found(state).await),
        // Already so (a second click, another administrator): nothing to say but the page.
        StaffChange::Unchanged => {
            return Ok(Redirect::to(&routes::staff_member(member.as_str())).into_response())
        }
        StaffChange::Changed { sessions_ended } => sessions_ended,
    };
    if let Some(password) = password {
        // Shown on this answer only (a form's answer is never kept by a browser or proxy).
        let Some(mut view) = member_view(state, admin, member.as_str()).await? else {
            return Ok(not_found(state).await);
        };
        view.change = Some(StaffMemberChange::PasswordReset);
        view.sessions_ended = sessions_ended;
        view.one_time_password = Some(password);
        return Ok(render(state, routes::STAFF_MEMBER, view, StatusCode::OK).await);
    }
    let done = match action {
        Action::Disable => "disabled",
        Action::Enable => "enabled",
        Action::ResetSecondFactor | Action::ResetPassword => "second-factor-reset",
    };
    let to = format!("{}?done={done}", routes::staff_member(member.as_str()));
    Ok(Redirect::to(&to).into_response())
}

/// Disables the member: their sessions end at once.
pub(super) async fn disable(
    State(state): State<AppState>,
    SignedInStaff(admin): SignedInStaff,
    Path(username): Path<String>,
) -> Result<Response, JourneyError> {
    change(&state, &admin, &username, Action::Disable).await
}

/// Lets a disabled member sign in again.
pub(super) async fn enable(
    State(state): State<AppState>,
    SignedInStaff(admin): SignedInStaff,
    Path(username): Path<String>,
) -> Result<Response, JourneyError> {
    change(&state, &admin, &username, Action::Enable).await
}

/// Gives the member a one-time password, shown once; they choose their own at sign-in.
pub(super) async fn reset_password(
    State(state): State<AppState>,
    SignedInStaff(admin): SignedInStaff,
    Path(username): Path<String>,
) -> Result<Response, JourneyError> {
    change(&state, &admin, &username, Action::ResetPassword).await
}

/// Removes the member's authenticator app and recovery codes; they set up a new app.
pub(super) async fn reset_second_factor(
    State(state): State<AppState>,
    SignedInStaff(admin): SignedInStaff,
    Path(username): Path<String>,
) -> Result<Response, JourneyError> {
    change(&state, &admin, &username, Action::ResetSecondFactor).await
}
