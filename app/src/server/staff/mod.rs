//! The staff area's endpoints, one module per part of the staff journey. Every page but sign-in
//! and sign-out sits behind one guard (`guard`) that finds the signed-in staff member from
//! their own session cookie; handlers take them as a [`SignedInStaff`]. Every page about a
//! patient, document or preview checks that it belongs to one of the member's practices:
//! anything else is "not found", whatever id is guessed.

mod attention;
mod audit;
mod auth;
mod import_wording;
mod imports;
mod kept;
mod lists;
mod members;
mod patients;
mod pin_documents;
mod practices;
mod preview;
mod provider;
mod registration;
mod second_factor;
mod spine;
mod test_patients;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use time::OffsetDateTime;

use super::{render, request_cookie, AppState, JourneyError};
use crate::db::audit::{record_all, AuditKind, NewAuditEvent};
use crate::db::patients::{DemographicSource, Demographics, Patient};
use crate::db::sessions::{self, SessionKind};
use crate::db::staff::{self, StaffMember};
use crate::db::tokens::SessionId;
use crate::db::DbError;
use crate::domain::{KeptForm, OdsCode};
use crate::views::routes;
use crate::views::staff::StaffNavFacts;

pub use pin_documents::PIN_SECRET_COOKIE;
pub use provider::{ProviderError, StaffProvider, PROVIDER_LOGIN_COOKIE};
pub(crate) use spine::store_answer as store_pds_answer;

/// The staff session cookie: separate from the patients' one.
pub const STAFF_COOKIE: &str = "__Host-relink-staff";

/// The staff area. Sign-in and sign-out are open; every other page is for signed-in staff only
/// and sits behind `guard`, so no handler runs for anyone else.
pub fn routes(state: &AppState) -> Router<AppState> {
    let signed_in =
        Router::new()
            .route(routes::STAFF_HOME, get(attention::home))
            .route(routes::TEST_PATIENTS, get(test_patients::list))
            .route(
                routes::NEW_TEST_PATIENT,
                get(test_patients::show_new).post(test_patients::create),
            )
            .route(routes::FIND_PATIENT, get(patients::find))
            .route(routes::STAFF_PATIENT, get(patients::page))
            .route(routes::STAFF_CHECK_PDS, post(spine::check))
            .route(
                routes::STAFF_REGISTER,
                get(registration::show).post(registration::register),
            )
            .route(
                routes::STAFF_ACCESS,
                get(registration::show_access).post(registration::change_access),
            )
            .route(
                routes::STAFF_END_ACCESS,
                get(registration::show_end_access).post(registration::end_access),
            )
            .route(
                routes::STAFF_REISSUE,
                get(pin_documents::show_reissue).post(pin_documents::reissue),
            )
            .route(
                routes::STAFF_PREVIEW_START,
                get(preview::show_start).post(preview::start),
            )
            .route(routes::STAFF_PREVIEW, get(preview::show))
            .route(routes::STAFF_PREVIEW_END, post(preview::end))
            .route(routes::STAFF_PRINT, get(pin_documents::print))
            .route(routes::REQUESTS, get(lists::requests))
            .route(routes::MISMATCHES, get(lists::mismatches))
            .route(routes::AUDIT, get(audit::log))
            .route(
                routes::IMPORTS,
                get(imports::show).post(imports::upload).layer(
                    axum::extract::DefaultBodyLimit::max(imports::MAX_REQUEST_BYTES as usize),
                ),
            )
            .route(routes::PRACTICES, get(practices::show).post(practices::add))
            .route(routes::STAFF_MEMBERS, get(members::list))
            .route(routes::STAFF_MEMBER, get(members::show))
            .route(routes::STAFF_MEMBER_DISABLE, post(members::disable))
            .route(routes::STAFF_MEMBER_ENABLE, post(members::enable))
            .route(
                routes::STAFF_MEMBER_RESET_PASSWORD,
                post(members::reset_password),
            )
            .route(
                routes::STAFF_MEMBER_RESET_SECOND_FACTOR,
                post(members::reset_second_factor),
            )
            .route(routes::STAFF_KEEP_ALIVE, post(auth::keep_alive))
            .route_layer(middleware::from_fn_with_state(state.clone(), guard));
    Router::new()
        .route(
            routes::STAFF_SIGN_IN,
            get(auth::show_sign_in).post(auth::sign_in),
        )
        .route(routes::STAFF_SIGN_OUT, post(auth::sign_out))
        .route(
            routes::STAFF_NEW_PASSWORD,
            get(second_factor::show_new_password).post(second_factor::new_password),
        )
        .route(
            routes::STAFF_AUTHENTICATOR,
            get(second_factor::show_authenticator).post(second_factor::authenticator),
        )
        .route(
            routes::STAFF_SECURITY_CODE,
            get(second_factor::show_security_code).post(second_factor::security_code),
        )
        .route(
            routes::STAFF_SIGN_IN_MORE_TIME,
            post(second_factor::more_time),
        )
        .route(routes::STAFF_PROVIDER_START, get(provider::start))
        .route(routes::STAFF_PROVIDER_CALLBACK, get(provider::callback))
        .merge(signed_in)
}

/// The staff member a request is answered for: put in the request by `guard`, read by
/// handlers. Without it (a route outside the guard) the request is refused, never answered.
#[derive(Debug, Clone)]
pub struct SignedInStaff(pub StaffMember);

impl FromRequestParts<AppState> for SignedInStaff {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Self>() {
            Some(member) => Ok(member.clone()),
            None => Err(refuse(state, &parts.method, parts.uri.path()).await),
        }
    }
}

/// The one check in front of every signed-in staff page: a live staff session lets the request
/// through with its [`SignedInStaff`]; anyone else gets `refuse`'s answer and nothing is done.
async fn guard(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, JourneyError> {
    let Some((_, member)) = signed_in(&state, request.headers()).await? else {
        let ended =
            request_cookie(request.headers(), STAFF_COOKIE).map(|v| SessionId::from_cookie(&v));
        return match ended {
            Some(id) => session_ended(&state, &id, request).await,
            None => Ok(refuse(&state, request.method(), request.uri().path()).await),
        };
    };
    let nav = StaffNavFacts {
        is_admin: member.is_admin,
    };
    // What this member typed here as their last session ended, put back in the page's form.
    let had_kept = kept::is_present(request.headers());
    let kept = (request.method() == Method::GET)
        .then(|| kept::kept_for(request.headers(), &member.username, request.uri().path()))
        .flatten()
        .map(KeptForm::into_fields)
        .unwrap_or_default();
    let putting_back = !kept.is_empty();
    request.extensions_mut().insert(SignedInStaff(member));
    let mut response = NAV.scope(nav, KEPT.scope(kept, next.run(request))).await;
    if putting_back || (had_kept && response.status().is_success()) {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, kept::cleared());
    }
    Ok(response)
}

tokio::task_local! {
    /// What the staff navigation shows for the member a request is answered for; set by
    /// `guard` around the handler, read by the renderer (see [`nav_facts`]).
    static NAV: StaffNavFacts;
    /// What the member typed into this page's form as their last session ended (see
    /// [`kept`]), for the renderer to put back; empty almost always.
    static KEPT: Vec<(String, String)>;
}

/// The fields to put back in the page's form (see [`kept`]); empty outside the guard.
pub(crate) fn kept_fields() -> Vec<(String, String)> {
    KEPT.try_with(Clone::clone).unwrap_or_default()
}

/// The navigation facts of the signed-in staff member the current request is answered for;
/// `None` outside the staff area's guard (the navigation then offers no administrators' pages).
pub(crate) fn nav_facts() -> Option<StaffNavFacts> {
    NAV.try_with(|facts| *facts).ok()
}

/// The answer for someone who is not signed in as staff: a page asks them to sign in (303, and
/// comes back to `path` after); a
/// form post (any method but GET) is refused (403) with the sign-in page, without doing anything.
async fn refuse(state: &AppState, method: &Method, path: &str) -> Response {
    if method == Method::GET {
        // Back to this page once signed in (a link from /demo, an email, a bookmark).
        let to = match crate::domain::StaffReturnPath::parse(path) {
            Some(next) => routes::staff_sign_in_then(&next),
            None => routes::STAFF_SIGN_IN.to_owned(),
        };
        return Redirect::to(&to).into_response();
    }
    let view = auth::sign_in_view(state);
    render(state, routes::STAFF_SIGN_IN, view, StatusCode::FORBIDDEN).await
}

/// The answer for a browser whose staff session has ended (unused for its idle time, or ended
/// elsewhere): like [`refuse`], but the sign-in page says the session ended, and the dead
/// cookie goes. Nothing is done. A form posted from a page is not sent on, but what was typed
/// into it (not secrets) is kept for the member whose session it was (see [`kept`]), and
/// signing in again goes back to that page.
async fn session_ended(
    state: &AppState,
    ended: &SessionId,
    request: Request,
) -> Result<Response, JourneyError> {
    let path = request.uri().path().to_owned();
    let mut response = if request.method() == Method::GET {
        let to = match crate::domain::StaffReturnPath::parse(&path) {
            Some(next) => routes::staff_timed_out_then(&next),
            None => routes::timed_out(routes::STAFF_SIGN_IN),
        };
        Redirect::to(&to).into_response()
    } else {
        let page = crate::domain::StaffReturnPath::parse(&path)
            .filter(|page| routes::is_page(page.as_str()));
        let owner = sessions::subject_on_record(state.db.pool(), SessionKind::Staff, ended)
            .await?
            .and_then(|name| crate::domain::StaffUsername::parse(&name).ok());
        let kept_cookie = match (&page, owner) {
            (Some(page), Some(owner)) => kept::posted_form(request)
                .await
                .and_then(|form| kept::cookie(page, &owner, form)),
            _ => None,
        };
        let idle = state.session_timeouts.idle_seconds(SessionKind::Staff);
        let view = crate::views::staff::StaffSignInView {
            timed_out_after_minutes: Some(crate::language::whole_minutes(idle)),
            kept_form: kept_cookie.is_some(),
            next: page
                .map(|page| page.as_str().to_owned())
                .unwrap_or_default(),
            ..auth::sign_in_view(state)
        };
        let mut response = render(state, routes::STAFF_SIGN_IN, view, StatusCode::FORBIDDEN).await;
        if let Some(cookie) = kept_cookie {
            response
                .headers_mut()
                .append(axum::http::header::SET_COOKIE, cookie);
        }
        response
    };
    response.headers_mut().append(
        axum::http::header::SET_COOKIE,
        super::host_cookie(STAFF_COOKIE, None, "Strict", None),
    );
    Ok(response)
}

/// The signed-in staff member and their session, if the staff session is live.
async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(SessionId, StaffMember)>, JourneyError> {
    let Some(value) = request_cookie(headers, STAFF_COOKIE) else {
        return Ok(None);
    };
    let id = SessionId::from_cookie(&value);
    let Some(username) = sessions::resume_within(
        state.db.pool(),
        SessionKind::Staff,
        state.session_timeouts,
        &id,
        now().unix_timestamp(),
    )
    .await?
    else {
        return Ok(None);
    };
    Ok(staff::find(&state.db, &username)
        .await?
        .map(|member| (id, member)))
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// The staff area's "not found" page: for ids that do not exist and for ids the member may not
/// see alike.
async fn not_found(state: &AppState) -> Response {
    render(state, routes::STAFF_NOT_FOUND, (), StatusCode::NOT_FOUND).await
}

/// The patient, only if they belong to one of the member's practices.
async fn authorised_patient(
    state: &AppState,
    member: &StaffMember,
    id: &str,
) -> Result<Option<Patient>, DbError> {
    Ok(crate::db::patients::find(state.db.pool(), id)
        .await?
        .filter(|p| member.may_see(&p.practice_ods)))
}

/// Logs that the member was shown identifiable records, before the page is answered (a read
/// whose event cannot be written is not shown). One event for each practice whose records were
/// shown (`shown` holds each record's practice), in that practice's log, saying how many; when
/// nothing was shown, one event in the member's own practice's log, or (several practices, or
/// an administrator) in no practice's, which administrators see.
async fn audit_read<'a>(
    state: &AppState,
    member: &StaffMember,
    kind: AuditKind,
    patient_id: Option<&str>,
    shown: impl IntoIterator<Item = &'a OdsCode>,
    describe: impl Fn(usize) -> String,
) -> Result<(), DbError> {
    let scopes = read_scopes(member, shown);
    let details: Vec<String> = scopes.iter().map(|(_, count)| describe(*count)).collect();
    let events: Vec<NewAuditEvent<'_>> = scopes
        .iter()
        .zip(&details)
        .map(|((practice, _), detail)| NewAuditEvent {
            kind,
            actor: member.username.as_str(),
            practice_ods: practice.as_ref().map(OdsCode::as_str),
            patient_id,
            detail,
        })
        .collect();
    record_all(&state.db, &events, now().unix_timestamp()).await
}

/// The practices a read concerns, in ODS code order, with how many of the records shown were
/// each one's; see [`audit_read`].
fn read_scopes<'a>(
    member: &StaffMember,
    shown: impl IntoIterator<Item = &'a OdsCode>,
) -> Vec<(Option<OdsCode>, usize)> {
    let mut counts = std::collections::BTreeMap::<&OdsCode, usize>::new();
    for ods in shown {
        *counts.entry(ods).or_default() += 1;
    }
    if counts.is_empty() {
        let own = match member.practices.as_slice() {
            [only] if !member.is_admin => Some(only.clone()),
            _ => None,
        };
        return vec![(own, 0)];
    }
    counts
        .into_iter()
        .map(|(ods, count)| (Some(ods.clone()), count))
        .collect()
}

/// The patient's name as the GP record has it (or the first record there is).
fn patient_name(records: &[Demographics]) -> String {
    records
        .iter()
        .find(|r| r.source == DemographicSource::ClinicalSystem)
        .or_else(|| records.first())
        .map(|r| format!("{} {}", r.given_name, r.family_name))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::header;
    use tower::ServiceExt as _;

    use super::*;
    use crate::server::{prepare, Config};

    fn member(practices: &[&str], is_admin: bool) -> StaffMember {
        StaffMember {
            username: crate::domain::StaffUsername::parse("staff.x").unwrap(),
            is_admin,
            practices: practices
                .iter()
                .map(|p| OdsCode::parse(p).unwrap())
                .collect(),
        }
    }

    #[test]
    fn a_read_is_logged_in_the_log_of_each_practice_it_showed() {
        let [t, e] = ["T00001", "E00001"].map(|p| OdsCode::parse(p).unwrap());
        let both = member(&["T00001", "E00001"], false);
        assert_eq!(
            read_scopes(&both, [&t, &e, &t]),
            [(Some(e.clone()), 1), (Some(t.clone()), 2)]
        );
        // Nothing shown: the member's own practice, or none (administrators see those).
        assert_eq!(
            read_scopes(&member(&["T00001"], false), []),
            [(Some(t.clone()), 0)]
        );
        assert_eq!(read_scopes(&both, []), [(None, 0)]);
        assert_eq!(read_scopes(&member(&["T00001"], true), []), [(None, 0)]);
        assert_eq!(
            read_scopes(&member(&[], true), [&e]),
            [(Some(e.clone()), 1)]
        );
    }

    /// A handler that takes [`SignedInStaff`] on a route the guard does not cover never runs:
    /// the extractor refuses as the guard does (303 to sign-in for a page, 403 for a post).
    #[tokio::test]
    async fn without_the_guard_the_extractor_fails_closed() {
        sqlx::any::install_default_drivers();
        // Rendering a page needs Leptos' executor, which building the app's routes sets up.
        leptos_axum::generate_route_list(crate::App);
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("relink.db").display());
        let config = Config::new(url, "127.0.0.1:0", dir.path().join("site"), false).unwrap();
        let state = prepare(&config).await.unwrap();
        async fn handler(SignedInStaff(_): SignedInStaff) -> &'static str {
            "the handler ran"
        }
        let app = Router::new()
            .route("/unguarded", get(handler).post(handler))
            .with_state(state);
        let request = |method: Method| {
            axum::http::Request::builder()
                .method(method)
                .uri("/unguarded")
                .body(Body::empty())
                .unwrap()
        };

        let page = app.clone().oneshot(request(Method::GET)).await.unwrap();
        assert_eq!(page.status(), StatusCode::SEE_OTHER);
        assert_eq!(page.headers()[header::LOCATION], routes::STAFF_SIGN_IN);

        let post = app.oneshot(request(Method::POST)).await.unwrap();
        assert_eq!(post.status(), StatusCode::FORBIDDEN);
        let body = axum::body::to_bytes(post.into_body(), 1 << 20)
            .await
            .unwrap();
        let body = String::from_utf8_lossy(&body);
        assert!(!body.contains("the handler ran"));
        assert!(body.contains(r#"action="/staff/sign-in""#), "{body}");
    }
}
