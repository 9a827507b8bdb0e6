//! The HTTP server: configuration, shared state, router and middleware.

mod config;

pub use config::{defaults as config_defaults, Config, ConfigError};

use std::time::Duration;

use axum::extract::{FromRef, State};
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use time::OffsetDateTime;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::db::{demo, Db, DbError};
use crate::{shell, App};

/// What every request handler and server function can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    /// Demo mode: seeded made-up data and a notice on every page.
    pub demo: bool,
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
}

/// Opens and migrates the database, seeds demo data when asked, and builds the state.
pub async fn prepare(config: &Config) -> Result<AppState, StartError> {
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
    Ok(AppState {
        leptos_options,
        db,
        demo: config.demo,
    })
}

/// The complete router: pages, server functions, health checks and static files.
pub fn router(state: AppState) -> Router {
    let site_root = std::path::PathBuf::from(state.leptos_options.site_root.as_ref());
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let provide_state = move || provide_context(context_state.clone());

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
        .leptos_routes_with_context(&state, routes, provide_state.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .nest_service("/pkg", static_files("pkg"))
        .nest_service("/assets", static_files("assets"))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(provide_state, shell))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(tower_http::LatencyUnit::Millis)),
        )
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
