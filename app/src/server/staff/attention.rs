//! The staff home page: the member's practices and what needs their attention.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::SignedInStaff;
use crate::db::staff;
use crate::server::{render, AppState, JourneyError};
use crate::views::routes;
use crate::views::staff::StaffHomeView;

/// How many replacement requests, mismatches and test patients the member's practices have.
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
    };
    Ok(render(&state, routes::STAFF_HOME, view, StatusCode::OK).await)
}
