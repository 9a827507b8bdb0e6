//! The HTTP server: configuration, shared state, router and middleware.

mod access_ended;
pub mod account;
mod caching;
pub mod cannot_sign_in;
mod client;
mod config;
mod cookies;
pub mod demo;
mod errors;
pub mod hashing;
pub mod imports;
pub mod mail;
mod more_time;
mod notices;
pub mod page_cache;
mod patient_session;
mod render;
pub mod replacement;
pub mod request_context;
pub mod reset;
pub mod retention;
pub mod security;
mod sign_in;
mod site;
pub mod spine_refresh;
pub mod staff;
pub(crate) mod throttle;

pub use client::ClientAddress;
pub use config::{
    defaults as config_defaults, parse_trusted_proxies, staff_oidc_from_env, Config, ConfigError,
    StaffOidcClientAuth, StaffOidcConfig, StaffOidcConfigError,
};
pub(crate) use cookies::locale_of;
pub use cookies::{has_session_cookie, host_cookie, request_cookie};
pub use errors::JourneyError;
pub(crate) use errors::{problem_page, Problem};
pub use render::{render, render_fresh_form, render_step};

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::connect_info::IntoMakeServiceWithConnectInfo;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::http::{header, HeaderValue, Request};
use axum::response::Response;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list_with_exclusions, LeptosRoutes};
use time::OffsetDateTime;
use tower::Service;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::db::{self, Db, DbError};
use crate::language::Locale;
use crate::secrets::hash_secret;
use crate::views::routes;
use crate::{shell, App};
use hashing::HashingPool;
use page_cache::PageCache;

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
    /// Woken after an import brings patients in, so the PDS refresh reads them straight away.
    pub pds_wake: Arc<tokio::sync::Notify>,
    /// Where patients reach the service (printed on PIN documents), without a trailing slash.
    pub public_url: Arc<str>,
    /// Peers whose `X-Forwarded-For` is believed (see [`Config::trusted_proxies`]).
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    /// Fresh forms, rendered once (see [`render_fresh_form`]).
    pub form_pages: Arc<PageCache>,
    /// Whether emails have somewhere to go (SMTP, or the demo mailbox); without it they wait
    /// in the outbox, and `/readyz` says how many.
    pub mail_configured: bool,
    /// The PDS client, when PDS is configured: staff checks and the background refresh use it.
    pub pds: Option<crate::pds::PdsClient>,
    /// The identity provider staff sign in with (NHS CIS2), when one is configured.
    pub staff_provider: Option<Arc<staff::StaffProvider>>,
    /// How long sessions last unused, and when the warning before the end shows.
    pub session_timeouts: crate::db::sessions::SessionTimeouts,
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
    #[error("--demo refuses this database: it holds practices or staff that demo mode did not create, and the demo would add patients and staff with published passwords to it; give --demo a new database")]
    NotADemoDatabase,
    #[error("cannot set up the PDS client: {0}")]
    Pds(crate::pds::PdsError),
    #[error("this database was created by --demo (its staff passwords and PIN passphrases are published): serve it only with --demo, or use another DATABASE_URL")]
    DemoDatabase,
    #[error("cannot set up staff sign-in with the identity provider: {0}")]
    StaffProvider(staff::ProviderError),
}

/// Opens and migrates the database, seeds demo data when asked, and builds the state.
/// Also starts the outbox worker when emails have somewhere to go.
pub async fn prepare(config: &Config) -> Result<AppState, StartError> {
    let delivery =
        mail::Delivery::from_config(config.smtp_url.as_deref(), &config.mail_from, config.demo)?;
    let db = Db::connect(&config.database_url).await?;
    if config.demo {
        let now = OffsetDateTime::now_utc();
        if !db::instance::claim_for_demo(&db, now.unix_timestamp()).await? {
            return Err(StartError::NotADemoDatabase);
        }
        db::demo::seed(&db, now.date(), now.unix_timestamp())
            .await
            .map_err(StartError::Seed)?;
    } else if db::instance::created_by_demo(db.pool()).await? {
        return Err(StartError::DemoDatabase);
    }
    let leptos_options = LeptosOptions::builder()
        .output_name("relink")
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.site_addr)
        .env(leptos::config::Env::PROD)
        .build();
    // A hash of a random secret nobody knows, for the no-such-document path.
    let dummy_hash: Arc<str> = hash_secret(&crate::db::tokens::unknowable_secret()).into();
    let hashing = HashingPool::per_core(config.hashing_max_wait);
    let outbox_wake = Arc::new(tokio::sync::Notify::new());
    let mail_configured = delivery.is_some();
    match delivery {
        Some(delivery) => mail::spawn_worker(db.clone(), delivery, outbox_wake.clone()),
        None => tracing::warn!("SMTP_URL is not set: emails wait in the outbox until it is"),
    }
    match config.retention_interval {
        Some(every) => retention::spawn(db.clone(), every),
        None => {
            tracing::warn!("RELINK_RETENTION_INTERVAL is 0: expired rows stay until `relink purge`")
        }
    }
    let pds = config
        .pds
        .clone()
        .map(crate::pds::PdsClient::new)
        .transpose()
        .map_err(StartError::Pds)?;
    let public_url: Arc<str> = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.site_addr))
        .trim_end_matches('/')
        .into();
    let staff_provider = config
        .staff_oidc
        .clone()
        .map(|oidc| staff::StaffProvider::new(oidc, &public_url).map(Arc::new))
        .transpose()
        .map_err(StartError::StaffProvider)?;
    let state = AppState(Arc::new(AppStateFields {
        leptos_options,
        db,
        demo: config.demo,
        hashing,
        dummy_hash,
        outbox_wake,
        pds_wake: Arc::new(tokio::sync::Notify::new()),
        public_url,
        trusted_proxies: config.trusted_proxies.clone().into(),
        form_pages: Arc::default(),
        mail_configured,
        pds: pds.clone(),
        staff_provider,
        session_timeouts: config.session_timeouts,
    }));
    match (pds, config.pds_refresh_interval) {
        (Some(client), Some(every)) => {
            spine_refresh::spawn(state.clone(), client, every, config.pds_max_age);
        }
        (Some(_), None) => tracing::warn!(
            "RELINK_PDS_REFRESH_INTERVAL is 0: PDS is read only when staff check a patient"
        ),
        (None, _) => {
            tracing::info!("PDS_BASE_URL is not set: the stored Spine values are shown as they are")
        }
    }
    Ok(state)
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
    crate::language::install_plural_rules();
    let site_root = std::path::PathBuf::from(state.leptos_options.site_root.as_ref());
    // Journey pages are answered by their own handlers (which decide what the page shows).
    let routes = generate_route_list_with_exclusions(App, Some(routes::answered_by_journeys()));
    let context_state = state.clone();
    let provide_state = move || {
        provide_context(context_state.clone());
        provide_context(request_locale());
        // Pages Leptos answers itself are outside the staff area's guard.
        render::provide_page_facts(&context_state, false, None, Vec::new());
        render::provide_nonce(request_context::nonce());
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
        .merge(site::routes())
        .merge(reset::routes())
        .merge(sign_in::routes())
        .merge(account::routes())
        .merge(cannot_sign_in::routes())
        .merge(replacement::routes())
        .merge(demo::routes())
        .merge(staff::routes(&state))
        .leptos_routes_with_context(&state, routes, provide_state, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .nest_service("/pkg", static_files("pkg"))
        .nest_service("/assets", static_files("assets"))
        .fallback(site::not_found)
        .layer(DefaultBodyLimit::max(16 * 1024))
        .layer(axum::middleware::from_fn(caching::no_store_personal))
        .layer(axum::middleware::from_fn(security::protect))
        .with_state(state)
}

/// The language of the request being answered: the one its page, messages and emails use.
/// English outside a request (tests calling handlers directly, background work).
pub fn request_locale() -> Locale {
    request_context::locale()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The route table and the app's Leptos routes name the same pages, so every page a
    /// journey renders exists in the app and no page is routed that the table does not know.
    #[test]
    fn the_apps_routes_are_the_pages_of_the_route_table() {
        let leptos: BTreeSet<String> = leptos_axum::generate_route_list(App)
            .iter()
            .map(|route| route.path().to_owned())
            .collect();
        let table: BTreeSet<String> = routes::PAGES
            .iter()
            .map(|(path, ..)| (*path).to_owned())
            .collect();
        assert_eq!(leptos, table);
    }
}
