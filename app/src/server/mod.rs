//! The HTTP server: configuration, shared state, router and middleware.

pub mod account;
mod config;
pub mod hashing;
pub mod mail;
pub mod page_cache;
pub mod replacement;
pub mod request_context;
pub mod reset;
pub mod security;
pub mod staff;

pub use config::{defaults as config_defaults, parse_trusted_proxies, Config, ConfigError};

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::connect_info::IntoMakeServiceWithConnectInfo;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRef, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list_with_exclusions, LeptosRoutes};
use serde::Deserialize;
use time::OffsetDateTime;
use tower::Service;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::components::layout::{Footer, Header, SkipLink};
use crate::db::{demo, Db, DbError};
use crate::language::{self, Locale, LANGUAGE_COOKIE, LANGUAGE_PATH};
use crate::pages::account::{ACCOUNT_PATH, SIGN_IN_PATH, SIGN_OUT_PATH};
use crate::pages::cannot_sign_in::{CANNOT_SIGN_IN_PATH, REPLACE_PATH};
use crate::pages::demo::MAILBOX_PATH;
use crate::pages::replace_account::{
    CHECK_PATH, CODE_PATH, EMAIL_PATH, REPLACE_DONE_PATH, RESEND_PATH, STATUS_PATH,
};
use crate::pages::reset_passphrase::{DONE_PATH, NEW_PASSPHRASE_PATH, RESET_PATH};
use crate::pages::staff::{
    AUDIT_PATH, FIND_PATIENT_PATH, MISMATCHES_PATH, NEW_TEST_PATIENT_PATH, REQUESTS_PATH,
    STAFF_HOME_PATH, STAFF_SIGN_IN_PATH, STAFF_SIGN_OUT_PATH, TEST_PATIENTS_PATH,
};
use crate::secrets::hash_secret;
use crate::{shell, App};
use hashing::{HashingPool, PoolBusy};
use page_cache::{CachedPage, PageCache};

/// The staff routes with an id, in axum's path syntax (the Leptos routes use `:id`).
const STAFF_PATIENT_ROUTE: &str = "/staff/patients/{id}";
const STAFF_REISSUE_ROUTE: &str = "/staff/patients/{id}/pin-document";
const STAFF_PREVIEW_START_ROUTE: &str = "/staff/patients/{id}/preview";
const STAFF_PREVIEW_ROUTE: &str = "/staff/previews/{id}";
const STAFF_PRINT_ROUTE: &str = "/staff/pin-documents/{id}/print";

/// What every request handler and server function can reach. Cheap to clone (one reference
/// count): axum clones the state for every request, and cloning each field every time cost
/// about a tenth of a cached page's CPU (measured with perf, docs/PERFORMANCE.md, item 1).
#[derive(Clone, Debug)]
pub struct AppState(Arc<AppStateFields>);

impl std::ops::Deref for AppState {
    type Target = AppStateFields;

    fn deref(&self) -> &AppStateFields {
        &self.0
    }
}

/// Changing a field (tests do, before serving) leaves other holders of the state as they were.
impl std::ops::DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut AppStateFields {
        Arc::make_mut(&mut self.0)
    }
}

/// The fields of [`AppState`].
#[derive(Clone, Debug)]
pub struct AppStateFields {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    /// Demo mode: seeded made-up data and a notice on every page.
    pub demo: bool,
    /// Where Argon2 work runs, bounded.
    pub hashing: HashingPool,
    /// A hash of a random secret, verified against when no real PIN document matches, so a
    /// wrong Account ID costs the same time as a wrong passphrase.
    pub dummy_hash: Arc<str>,
    /// Woken after a change queues an email, so the outbox worker sends it straight away.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// Where patients reach the service (printed on PIN documents), without a trailing slash.
    pub public_url: Arc<str>,
    /// Peers whose `X-Forwarded-For` is believed (see [`Config::trusted_proxies`]).
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    /// Fresh forms, rendered once (see [`render_fresh_form`]).
    pub form_pages: Arc<PageCache>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Why the server could not start; each message is one line a person can act on.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("cannot seed the demo data: {0}")]
    Seed(DbError),
    #[error(transparent)]
    Mail(#[from] mail::MailConfigError),
}

/// Opens and migrates the database, seeds demo data when asked, and builds the state.
/// Also starts the outbox worker when emails have somewhere to go.
pub async fn prepare(config: &Config) -> Result<AppState, StartError> {
    let delivery =
        mail::Delivery::from_config(config.smtp_url.as_deref(), &config.mail_from, config.demo)?;
    let db = Db::connect(&config.database_url).await?;
    if config.demo {
        let now = OffsetDateTime::now_utc();
        demo::seed(&db, now.date(), now.unix_timestamp())
            .await
            .map_err(StartError::Seed)?;
    }
    let leptos_options = LeptosOptions::builder()
        .output_name("relink")
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.site_addr)
        .env(leptos::config::Env::PROD)
        .build();
    // A hash of a random secret nobody knows, for the no-such-document path.
    let dummy_hash: Arc<str> =
        hash_secret(crate::db::step_tokens::StepToken::generate().expose()).into();
    let hashing = HashingPool::per_core(config.hashing_max_wait);
    let outbox_wake = Arc::new(tokio::sync::Notify::new());
    match delivery {
        Some(delivery) => mail::spawn_worker(db.clone(), delivery, outbox_wake.clone()),
        None => tracing::warn!("SMTP_URL is not set: emails wait in the outbox until it is"),
    }
    Ok(AppState(Arc::new(AppStateFields {
        leptos_options,
        db,
        demo: config.demo,
        hashing,
        dummy_hash,
        outbox_wake,
        public_url: config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", config.site_addr))
            .trim_end_matches('/')
            .into(),
        trusted_proxies: config.trusted_proxies.clone().into(),
        form_pages: Arc::default(),
    })))
}

/// The whole application as `axum::serve` takes it: [`router`] inside response compression
/// and, when its level is on, request tracing, with each connection's peer address at hand
/// ([`ClientAddress`]). Tracing and compression wrap the router once, from outside, instead of
/// every route (`Router::layer`): two body conversions per response fewer (docs/PERFORMANCE.md,
/// item 1). The tracing layer reads the clock for every response and body chunk even when its
/// events are filtered out, so it is left out when `RUST_LOG` turns its level off.
pub fn service(
    state: AppState,
) -> IntoMakeServiceWithConnectInfo<
    impl Service<Request<Body>, Response = Response, Error = Infallible, Future: Send>
        + Clone
        + Send
        + Sync
        + 'static,
    SocketAddr,
> {
    let compressed = tower::Layer::layer(&CompressionLayer::new(), router(state));
    let app = if tracing::enabled!(Level::INFO) {
        let traced = TraceLayer::new_for_http()
            .make_span_with(|request: &Request<_>| {
                tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
            })
            .on_response(
                DefaultOnResponse::new()
                    .level(Level::INFO)
                    .latency_unit(tower_http::LatencyUnit::Millis),
            );
        tower::util::Either::Left(
            tower::ServiceBuilder::new()
                .map_response(|response: Response<_>| response.map(Body::new))
                .layer(traced)
                .service(compressed),
        )
    } else {
        tower::util::Either::Right(
            tower::ServiceBuilder::new()
                .map_response(|response: Response<_>| response.map(Body::new))
                .service(compressed),
        )
    };
    axum::ServiceExt::<Request<Body>>::into_make_service_with_connect_info::<SocketAddr>(app)
}

/// The routes: pages, server functions, health checks and static files, each behind the
/// security middleware ([`security::protect`]).
pub fn router(state: AppState) -> Router {
    let site_root = std::path::PathBuf::from(state.leptos_options.site_root.as_ref());
    // Journey pages are answered by their own handlers (which decide what the page shows).
    let own_handlers = [
        RESET_PATH,
        NEW_PASSPHRASE_PATH,
        DONE_PATH,
        SIGN_IN_PATH,
        ACCOUNT_PATH,
        CANNOT_SIGN_IN_PATH,
        REPLACE_PATH,
        EMAIL_PATH,
        CODE_PATH,
        CHECK_PATH,
        REPLACE_DONE_PATH,
        STATUS_PATH,
        MAILBOX_PATH,
        STAFF_SIGN_IN_PATH,
        STAFF_HOME_PATH,
        TEST_PATIENTS_PATH,
        NEW_TEST_PATIENT_PATH,
        FIND_PATIENT_PATH,
        STAFF_PATIENT_ROUTE,
        STAFF_REISSUE_ROUTE,
        STAFF_PREVIEW_START_ROUTE,
        STAFF_PREVIEW_ROUTE,
        STAFF_PRINT_ROUTE,
        REQUESTS_PATH,
        MISMATCHES_PATH,
        AUDIT_PATH,
    ]
    .map(str::to_owned)
    .to_vec();
    let routes = generate_route_list_with_exclusions(App, Some(own_handlers));
    let context_state = state.clone();
    let provide_state = move || {
        provide_context(context_state.clone());
        provide_context(request_locale());
        provide_nonce(request_context::nonce());
    };

    // Files are not content-hashed, so browsers revalidate them after an hour.
    let static_files = |dir: &str| {
        tower::ServiceBuilder::new()
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ))
            .service(
                ServeDir::new(site_root.join(dir))
                    .precompressed_br()
                    .precompressed_gzip(),
            )
    };

    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route(LANGUAGE_PATH, get(choose_language))
        .route(RESET_PATH, get(reset::show_form).post(reset::verify))
        .route(
            NEW_PASSPHRASE_PATH,
            get(reset::show_new_passphrase).post(reset::set_new_passphrase),
        )
        .route(DONE_PATH, get(reset::show_done))
        .route(
            SIGN_IN_PATH,
            get(account::show_sign_in).post(account::sign_in),
        )
        .route(SIGN_OUT_PATH, axum::routing::post(account::sign_out))
        .route(ACCOUNT_PATH, get(account::show_account))
        .route(
            CANNOT_SIGN_IN_PATH,
            get(replacement::show_cannot_sign_in).post(replacement::choose_problem),
        )
        .route(
            REPLACE_PATH,
            get(replacement::show_identity).post(replacement::check_identity),
        )
        .route(
            EMAIL_PATH,
            get(replacement::show_email).post(replacement::set_email),
        )
        .route(
            CODE_PATH,
            get(replacement::show_code).post(replacement::check_code),
        )
        .route(RESEND_PATH, axum::routing::post(replacement::resend_code))
        .route(
            CHECK_PATH,
            get(replacement::show_check).post(replacement::request_replacement),
        )
        .route(REPLACE_DONE_PATH, get(replacement::show_done))
        .route(
            STATUS_PATH,
            get(replacement::show_status).post(replacement::check_status),
        )
        .route(MAILBOX_PATH, get(replacement::show_mailbox))
        .route(
            STAFF_SIGN_IN_PATH,
            get(staff::show_sign_in).post(staff::sign_in),
        )
        .route(STAFF_SIGN_OUT_PATH, axum::routing::post(staff::sign_out))
        .route(STAFF_HOME_PATH, get(staff::home))
        .route(TEST_PATIENTS_PATH, get(staff::test_patients))
        .route(
            NEW_TEST_PATIENT_PATH,
            get(staff::show_new_test_patient).post(staff::create_test_patient),
        )
        .route(FIND_PATIENT_PATH, get(staff::find_patient))
        .route(STAFF_PATIENT_ROUTE, get(staff::patient_page))
        .route(
            STAFF_REISSUE_ROUTE,
            get(staff::show_reissue).post(staff::reissue),
        )
        .route(
            STAFF_PREVIEW_START_ROUTE,
            get(staff::show_preview_start).post(staff::start_preview),
        )
        .route(STAFF_PREVIEW_ROUTE, get(staff::show_preview))
        .route(
            "/staff/previews/{id}/end",
            axum::routing::post(staff::end_preview),
        )
        .route(STAFF_PRINT_ROUTE, get(staff::print))
        .route(REQUESTS_PATH, get(staff::requests))
        .route(MISMATCHES_PATH, get(staff::mismatches))
        .route(AUDIT_PATH, get(staff::audit_log))
        .leptos_routes_with_context(&state, routes, provide_state.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .nest_service("/pkg", static_files("pkg"))
        .nest_service("/assets", static_files("assets"))
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(provide_state, shell))
        .layer(DefaultBodyLimit::max(16 * 1024))
        .layer(axum::middleware::from_fn(security::protect))
        .with_state(state)
}

/// Liveness: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers too. A load balancer stops sending traffic on 503.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let reachable = tokio::time::timeout(Duration::from_secs(2), state.db.is_reachable())
        .await
        .unwrap_or(false);
    if reachable {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}

/// The language of the request being answered: the one its page, messages and emails use.
/// English outside a request (tests calling handlers directly, background work).
pub fn request_locale() -> Locale {
    request_context::locale()
}

/// The query of the header's language link.
#[derive(Deserialize)]
pub struct LanguageChoice {
    to: String,
    #[serde(rename = "return", default)]
    return_to: String,
}

/// `GET /language?to=cy&return=/page`: remembers the language in a cookie (a year; no script
/// needs it, so HttpOnly) and goes back to the page, which then shows in that language. A plain
/// link, so it works without JavaScript. Only a path on this site is a place to go back to.
async fn choose_language(
    State(state): State<AppState>,
    axum::extract::Query(choice): axum::extract::Query<LanguageChoice>,
) -> Response {
    let Some(locale) = language::parse_code(&choice.to) else {
        // Rendered at a path no page has: the "Page not found" page, in the current language.
        return render(&state, LANGUAGE_PATH, (), StatusCode::NOT_FOUND).await;
    };
    let back = local_path(&choice.return_to).unwrap_or("/");
    let cookie = format!(
        "{LANGUAGE_COOKIE}={}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=31536000",
        locale
    );
    let mut response = Redirect::to(back).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// `path` if it is a path on this site (`/x?y`), not another site (`//host`, `/\host`, `https:`).
fn local_path(path: &str) -> Option<&str> {
    let safe = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && path.len() <= 2048
        && !path.chars().any(|c| c.is_control() || c == '\\');
    safe.then_some(path)
}

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
    render_with_nonce(state, path, view, status, nonce).await
}

/// A page that shows its view's default, a fresh form: the same for every visitor but for the
/// nonce and the signed-in header, so it is rendered once per variant and then served from
/// [`AppState::form_pages`] with this response's nonce (see [`page_cache`]).
pub async fn render_fresh_form<V: Clone + Default + Send + Sync + 'static>(
    state: &AppState,
    path: &'static str,
) -> Response {
    let Some(nonce) = request_context::nonce() else {
        return render(state, path, V::default(), StatusCode::OK).await;
    };
    let signed_in = request_context::has_session_cookie();
    let locale = request_locale();
    if let Some(page) = state.form_pages.get(path, signed_in, locale) {
        return page.response(nonce.as_str());
    }
    let placeholder = request_context::Nonce::random();
    let rendered =
        render_with_nonce(state, path, V::default(), StatusCode::OK, Some(placeholder)).await;
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

/// Whether the request carries a non-empty patient session cookie: the header then offers
/// "Your account" and "Sign out". Only the server checks what the cookie is worth.
pub fn has_session_cookie<'a>(cookie_headers: impl IntoIterator<Item = &'a HeaderValue>) -> bool {
    use crate::components::layout::SESSION_COOKIE;
    cookie_pairs(cookie_headers).any(|(name, value)| name == SESSION_COOKIE && !value.is_empty())
}

/// The `name=value` pairs of `Cookie` header values.
fn cookie_pairs<'a>(
    cookie_headers: impl IntoIterator<Item = &'a HeaderValue>,
) -> impl Iterator<Item = (&'a str, &'a str)> {
    cookie_headers
        .into_iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
}

async fn render_with_nonce<V: Clone + Send + Sync + 'static>(
    state: &AppState,
    path: &str,
    view: V,
    status: StatusCode,
    nonce: Option<request_context::Nonce>,
) -> Response {
    let mut request = Request::builder().uri(path);
    if let Some(cookies) = request_context::cookies() {
        request = request.header(header::COOKIE, cookies);
    }
    let request = request.body(Body::empty()).expect("a path is a valid URI");
    let context_state = state.clone();
    let locale = request_locale();
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_to_stream_with_context(
        move || {
            provide_context(context_state.clone());
            provide_context(locale);
            provide_context(view.clone());
            provide_nonce(nonce);
        },
        move || shell(options.clone()),
    );
    let mut response = handler(request).await.into_response();
    *response.status_mut() = status;
    response
}

/// Gives Leptos' scripts the nonce the Content-Security-Policy header of this response allows.
fn provide_nonce(nonce: Option<request_context::Nonce>) {
    if let Some(nonce) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce.as_str()));
    }
}

/// The value of the named cookie, if the browser sent it.
pub fn request_cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    cookie_pairs(headers.get_all(header::COOKIE))
        .find(|(cookie_name, _)| *cookie_name == name)
        .map(|(_, value)| value.to_owned())
}

/// A `Set-Cookie` value for one of Relink's `__Host-` cookies: HttpOnly and Secure always;
/// `None` clears the cookie.
pub fn host_cookie(
    name: &str,
    value: Option<&str>,
    same_site: &str,
    max_age: Option<i64>,
) -> HeaderValue {
    let cookie = match (value, max_age) {
        (Some(value), Some(age)) => {
            format!("{name}={value}; Path=/; HttpOnly; Secure; SameSite={same_site}; Max-Age={age}")
        }
        (Some(value), None) => {
            format!("{name}={value}; Path=/; HttpOnly; Secure; SameSite={same_site}")
        }
        (None, _) => format!("{name}=; Path=/; HttpOnly; Secure; SameSite={same_site}; Max-Age=0"),
    };
    HeaderValue::from_str(&cookie).expect("cookie values are ASCII")
}

/// Decides whether an attempt on a credential may go ahead: refused while the client or the
/// credential (`pair_key`) is locked; otherwise counted against the client.
pub async fn admit_attempt(
    db: &Db,
    client: &ClientAddress,
    pair_key: &str,
    now: i64,
) -> Result<Option<crate::pages::reset_passphrase::FormProblem>, DbError> {
    use crate::db::throttles::{self, CLIENT_LIMIT};
    use crate::pages::reset_passphrase::FormProblem;
    let client_key = format!("client:{}", client.0);
    if throttles::locked_until(db.pool(), &client_key, now)
        .await?
        .is_some()
    {
        return Ok(Some(FormProblem::ClientLockedOut));
    }
    if throttles::locked_until(db.pool(), pair_key, now)
        .await?
        .is_some()
    {
        return Ok(Some(FormProblem::LockedOut));
    }
    throttles::record(db.pool(), &client_key, CLIENT_LIMIT, now).await?;
    Ok(None)
}

/// Records a failed attempt on a throttled key: the failure event, then, when this failure
/// locks the key, the lockout event. Says whether the key is now locked.
pub(crate) async fn record_failure(
    db: &Db,
    key: &str,
    failure: &crate::db::audit::NewAuditEvent<'_>,
    lockout: &crate::db::audit::NewAuditEvent<'_>,
    now: i64,
) -> Result<bool, DbError> {
    use crate::db::throttles::{self, PIN_PAIR_LIMIT};
    crate::db::audit::record(db.pool(), failure, now).await?;
    let locked = throttles::record(db.pool(), key, PIN_PAIR_LIMIT, now)
        .await?
        .is_some();
    if locked {
        crate::db::audit::record(db.pool(), lockout, now).await?;
    }
    Ok(locked)
}

/// The client's address, for per-client throttling: the socket peer, or, when the peer is a
/// trusted load balancer, the nearest address in `X-Forwarded-For` that is not one.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        let address = client_address(peer, &forwarded, &state.trusted_proxies);
        Ok(Self(
            address.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()),
        ))
    }
}

/// Walks `X-Forwarded-For` from the right (the entries a trusted proxy appended) past trusted
/// proxies; an address a client wrote itself further left is never believed.
fn client_address(
    peer: Option<std::net::IpAddr>,
    forwarded: &str,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let mut client = peer?;
    if !trusted.contains(&client) {
        return Some(client);
    }
    for hop in forwarded.rsplit(',').map(str::trim) {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !trusted.contains(&ip) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    Some(client)
}

#[cfg(test)]
mod client_address_tests {
    use super::client_address;

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let proxy = [ip("10.0.0.1")];
        // No proxy configured: the peer, whatever the header says.
        assert_eq!(
            client_address(Some(ip("203.0.113.9")), "1.2.3.4", &[]),
            Some(ip("203.0.113.9"))
        );
        // From the proxy: the address it appended.
        assert_eq!(
            client_address(Some(ip("10.0.0.1")), "198.51.100.7", &proxy),
            Some(ip("198.51.100.7"))
        );
        // A client that forges the header only adds entries to the left of the real one.
        assert_eq!(
            client_address(Some(ip("10.0.0.1")), "1.1.1.1, 198.51.100.7", &proxy),
            Some(ip("198.51.100.7"))
        );
        // Not from the proxy: the header is ignored.
        assert_eq!(
            client_address(Some(ip("198.51.100.7")), "1.1.1.1", &proxy),
            Some(ip("198.51.100.7"))
        );
        // Garbage stops the walk at the last good address.
        assert_eq!(
            client_address(Some(ip("10.0.0.1")), "nonsense", &proxy),
            Some(ip("10.0.0.1"))
        );
        assert_eq!(client_address(None, "", &proxy), None);
    }
}

/// A journey's answer, or the page for what went wrong on our side.
pub(crate) fn respond(result: Result<Response, JourneyError>) -> Response {
    result.unwrap_or_else(IntoResponse::into_response)
}

/// What can go wrong inside a journey that is not the patient's doing.
#[derive(Debug, thiserror::Error)]
pub enum JourneyError {
    #[error("hashing pool busy")]
    Busy(#[from] PoolBusy),
    #[error(transparent)]
    Database(#[from] DbError),
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
        };
        let page = problem_page(problem, request_locale());
        let mut response = (StatusCode::SERVICE_UNAVAILABLE, Html(page)).into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        response
    }
}

/// What went wrong, for [`problem_page`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    /// Every hashing slot is taken.
    Busy,
    /// The database (or something else of ours) failed.
    ServiceDown,
    /// More header bytes than any browser sends.
    HeadersTooLarge,
    /// A form posted from another website.
    CrossSite,
    /// A form body over the limit.
    TooLarge,
    /// A method the address does not take.
    MethodNotAllowed,
    /// Anything else the framework could not read.
    Unreadable,
}

impl Problem {
    /// The page's heading and advice, in the reader's language.
    fn text(self, locale: Locale) -> (&'static str, &'static str) {
        use crate::i18n::td_string;
        match self {
            Self::Busy => (
                td_string!(locale, common.problem.busy_heading),
                td_string!(locale, common.problem.busy_advice),
            ),
            Self::ServiceDown => (
                td_string!(locale, common.problem.service_heading),
                td_string!(locale, common.problem.service_advice),
            ),
            Self::HeadersTooLarge => (
                td_string!(locale, common.problem.unreadable_heading),
                td_string!(locale, common.problem.headers_advice),
            ),
            Self::CrossSite => (
                td_string!(locale, common.problem.cross_site_heading),
                td_string!(locale, common.problem.cross_site_advice),
            ),
            Self::TooLarge => (
                td_string!(locale, common.problem.too_large_heading),
                td_string!(locale, common.problem.go_back_advice),
            ),
            Self::MethodNotAllowed => (
                td_string!(locale, common.problem.method_heading),
                td_string!(locale, common.problem.start_again_advice),
            ),
            Self::Unreadable => (
                td_string!(locale, common.problem.unreadable_heading),
                td_string!(locale, common.problem.go_back_advice),
            ),
        }
    }
}

/// The language of a request from its headers: the language cookie, else `Accept-Language`.
pub(crate) fn locale_of(headers: &axum::http::HeaderMap) -> Locale {
    let chosen = cookie_pairs(headers.get_all(header::COOKIE))
        .find(|(name, _)| *name == LANGUAGE_COOKIE)
        .map(|(_, value)| value);
    let accept_language = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    language::negotiate(chosen, accept_language)
}

/// A complete NHS page for when something went wrong on our side. Plain HTML: it needs no
/// database and no hydration.
pub(crate) fn problem_page(problem: Problem, locale: Locale) -> String {
    let (heading, advice) = problem.text(locale);
    let owner = Owner::new();
    owner.with(|| {
        provide_context(locale);
        view! {
            <!DOCTYPE html>
            <html lang=language::html_lang(locale)>
                <head>
                    <meta charset="utf-8" />
                    <meta name="viewport" content="width=device-width, initial-scale=1" />
                    <link rel="stylesheet" href="/pkg/relink.css" />
                    <title>
                        {format!(
                            "{heading} – {} – {}",
                            crate::i18n::td_string!(locale, common.service_name),
                            crate::i18n::td_string!(locale, common.nhs),
                        )}
                    </title>
                </head>
                <body>
                    <SkipLink />
                    <Header />
                    <div class="nhsuk-width-container">
                        <main class="nhsuk-main-wrapper" id="maincontent">
                            <h1>{heading}</h1>
                            <p>{advice}</p>
                            <p>
                                <a href="/">{crate::i18n::td_string!(locale, common.go_to_start)}</a>
                            </p>
                        </main>
                    </div>
                    <Footer />
                </body>
            </html>
        }
        .to_html()
    })
}
