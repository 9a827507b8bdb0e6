//! `Cache-Control: no-store` on every answer that may show personal data, decided in one place
//! from the route table (`routes::shows_personal_data`: the pages marked `Shows::Personal`, and
//! the answer to any form post), so no handler has to remember it and no new page is missed.
//! Other answers keep the headers they had: none on public pages, an hour on static files.

use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Request};
use axum::response::Response;

use crate::views::routes;

/// Middleware: marks the answer `no-store` when its request's page may show personal data.
pub async fn no_store_personal(request: Request<Body>, next: axum::middleware::Next) -> Response {
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    let personal = routes::shows_personal_data(is_read, request.uri().path());
    let mut response = next.run(request).await;
    if personal {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
