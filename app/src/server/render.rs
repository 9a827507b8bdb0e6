//! Rendering a page: the Leptos app at a page's address, with the view the journey decided
//! and the page's facts in context, and the fresh-form cache.

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;

use super::page_cache::CachedPage;
use super::{request_context, request_locale, AppState};
use crate::db::sessions::SessionKind;
use crate::domain::StepWindow;
use crate::shell;
use crate::views::page::{PageFacts, TimeLimit, TimeLimited};
use crate::views::routes;

/// Renders the app at `path` with `view` in context: the page component there reads it (and
/// the browser gets the same value for hydration). The request's cookies go along, so the
/// header knows whether the patient is signed in.
pub async fn render<V: Clone + Send + Sync + 'static>(
    state: &AppState,
    path: &str,
    view: V,
    status: StatusCode,
) -> Response {
    let nonce = request_context::nonce();
    render_with_nonce(state, path, view, status, nonce, None).await
}

/// Renders a page of a journey step that ends after a time (`window`, read at `now`): like
/// [`render`], and the page says how long is left and, with JavaScript, warns before the end
/// and offers more time (see [`TimeLimit`]).
pub async fn render_step<V: Clone + Send + Sync + 'static>(
    state: &AppState,
    path: &str,
    view: V,
    status: StatusCode,
    step: (TimeLimited, StepWindow),
    now: i64,
) -> Response {
    let (what, window) = step;
    let limit = TimeLimit {
        what,
        seconds_left: window.seconds_left(now),
        extend_seconds: window.lifetime_seconds,
        warning_seconds: state.session_timeouts.warning_seconds(),
    };
    let nonce = request_context::nonce();
    render_with_nonce(state, path, view, status, nonce, Some(limit)).await
}

/// A page that shows its view's default, a fresh form: the same for every visitor but for the
/// nonce and the signed-in header, so it is rendered once per variant and then served from
/// [`AppState::form_pages`] with this response's nonce (see [`page_cache`]).
pub async fn render_fresh_form<V: Clone + Default + Send + Sync + 'static>(
    state: &AppState,
    path: &'static str,
) -> Response {
    // A page with personal data is never shared between visitors (see `routes::Shows`).
    let personal = routes::shows_personal_data(true, path);
    let Some(nonce) = request_context::nonce().filter(|_| !personal) else {
        return render(state, path, V::default(), StatusCode::OK).await;
    };
    let signed_in = request_context::has_session_cookie();
    let locale = request_locale();
    if let Some(page) = state.form_pages.get(path, signed_in, locale) {
        return page.response(nonce.as_str());
    }
    let placeholder = request_context::Nonce::random();
    let rendered = render_with_nonce(
        state,
        path,
        V::default(),
        StatusCode::OK,
        Some(placeholder),
        None,
    )
    .await;
    let (parts, body) = rendered.into_parts();
    match axum::body::to_bytes(body, 1 << 20).await {
        Ok(body) => state
            .form_pages
            .insert(
                path,
                signed_in,
                locale,
                CachedPage::new(parts.status, parts.headers, &body, placeholder.as_str()),
            )
            .response(nonce.as_str()),
        Err(error) => {
            tracing::error!(%error, path, "rendering a form page failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn render_with_nonce<V: Clone + Send + Sync + 'static>(
    state: &AppState,
    path: &str,
    view: V,
    status: StatusCode,
    nonce: Option<request_context::Nonce>,
    step: Option<TimeLimit>,
) -> Response {
    let mut request = Request::builder().uri(path);
    if let Some(cookies) = request_context::cookies() {
        request = request.header(header::COOKIE, cookies);
    }
    let request = request.body(Body::empty()).expect("a path is a valid URI");
    let context_state = state.clone();
    let locale = request_locale();
    let staff_nav = super::staff::nav_facts();
    let kept = super::staff::kept_fields();
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_to_stream_with_context(
        move || {
            provide_context(context_state.clone());
            provide_context(locale);
            if let Some(facts) = staff_nav {
                provide_context(facts);
            }
            provide_page_facts(&context_state, staff_nav.is_some(), step, kept.clone());
            provide_context(view.clone());
            provide_nonce(nonce);
        },
        move || shell(options.clone()),
    );
    let mut response = handler(request).await.into_response();
    *response.status_mut() = status;
    response
}

/// The facts a page may read (see [`PageFacts`]), from the state and the request Leptos is
/// rendering: its path, whether it carries a patient session cookie, the time limit of the
/// session or step it belongs to (a journey step's, `step`, from its handler; a staff page's
/// behind the staff guard, `staff_signed_in`; or "Your account"'s), and what to put back in
/// its form (`kept`, from the staff guard).
pub(crate) fn page_facts(
    state: &AppState,
    staff_signed_in: bool,
    step: Option<TimeLimit>,
    kept: Vec<(String, String)>,
) -> PageFacts {
    let path = use_context::<Parts>()
        .and_then(|parts| parts.uri.path_and_query().map(|pq| pq.as_str().to_owned()))
        .unwrap_or_else(|| routes::HOME.to_owned());
    let signed_in = request_context::has_session_cookie();
    // Staff pages behind the guard, and "Your account" (rendered for a live session only), are
    // the pages whose request marked a session used: other pages a patient with a session
    // cookie reads do not keep the session alive, so they have no time limit to state.
    let session = if staff_signed_in {
        Some((TimeLimited::StaffSession, SessionKind::Staff))
    } else {
        (signed_in && path == routes::ACCOUNT)
            .then_some((TimeLimited::PatientSession, SessionKind::Patient))
    };
    let timeouts = state.session_timeouts;
    let session_limit = session.map(|(what, kind)| TimeLimit {
        what,
        seconds_left: timeouts.idle_seconds(kind),
        extend_seconds: timeouts.idle_seconds(kind),
        warning_seconds: timeouts.warning_seconds(),
    });
    PageFacts {
        demo: state.demo,
        signed_in,
        path,
        time_limit: step.or(session_limit),
        kept,
    }
}

/// Makes the page's facts (see [`page_facts`]) available to the page being rendered.
pub(crate) fn provide_page_facts(
    state: &AppState,
    staff_signed_in: bool,
    step: Option<TimeLimit>,
    kept: Vec<(String, String)>,
) {
    crate::views::page::provide_page_facts(page_facts(state, staff_signed_in, step, kept));
}

/// Gives Leptos' scripts the nonce the Content-Security-Policy header of this response allows.
pub(crate) fn provide_nonce(nonce: Option<request_context::Nonce>) {
    if let Some(nonce) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce.as_str()));
    }
}
