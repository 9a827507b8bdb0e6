//! What can go wrong on our side, and the complete NHS page that says so.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::hashing::PoolBusy;
use super::request_locale;
use crate::db::DbError;
use crate::language::Locale;
pub use crate::views::problem::Problem;

/// What can go wrong inside a journey that is not the patient's doing.
#[derive(Debug, thiserror::Error)]
pub enum JourneyError {
    #[error("hashing pool busy")]
    Busy(#[from] PoolBusy),
    #[error(transparent)]
    Database(#[from] DbError),
    /// The server's own disk (an upload's temporary file) failed.
    #[error("temporary file: {0}")]
    Storage(#[from] std::io::Error),
}

impl IntoResponse for JourneyError {
    fn into_response(self) -> Response {
        // The detail goes to the log only; the patient gets a plain page and a time to retry.
        let problem = match &self {
            Self::Busy(_) => Problem::Busy,
            Self::Database(error) => {
                tracing::error!(%error, "database error in a journey");
                Problem::ServiceDown
            }
            Self::Storage(error) => {
                tracing::error!(%error, "temporary storage error in a journey");
                Problem::ServiceDown
            }
        };
        let page = problem_page(problem, request_locale());
        let mut response = (StatusCode::SERVICE_UNAVAILABLE, Html(page)).into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        response
    }
}

/// A complete NHS page for when something went wrong on our side. Plain HTML: it needs no
/// database and no hydration.
pub(crate) fn problem_page(problem: Problem, locale: Locale) -> String {
    crate::problem_document(problem, locale)
}
