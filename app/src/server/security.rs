//! Security headers on every response, a per-response nonce for the Content-Security-Policy,
//! and refusal of cross-site form posts (CSRF).

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::request_context::{self, Nonce, RequestContext};
use super::Problem;
use crate::language::Locale;

/// The policy: only this site's files, inline scripts only with this response's nonce, wasm
/// compilation allowed (the hydration bundle), no framing, no plugins, forms only to this site.
pub fn content_security_policy(nonce: &str) -> String {
    [POLICY_BEFORE_NONCE, nonce, POLICY_AFTER_NONCE].concat()
}

const POLICY_BEFORE_NONCE: &str = "default-src 'self'; script-src 'self' 'nonce-";
const POLICY_AFTER_NONCE: &str = "' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

const FIXED_HEADER_COUNT: usize = 6;

/// The headers that are the same on every response, made once.
const FIXED_HEADERS: [(HeaderName, HeaderValue); FIXED_HEADER_COUNT] = [
    (
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=63072000; includeSubDomains"),
    ),
    (
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ),
    (
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    ),
    (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    (
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    ),
    (
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        ),
    ),
];

/// How many headers [`protect`] adds to every response: the policy and the fixed ones.
pub const HEADERS_ADDED: usize = FIXED_HEADER_COUNT + 1;

/// Whether a state-changing request comes from another site: browsers say so in
/// `Sec-Fetch-Site`, or older ones in an `Origin` that is not this host. Requests without
/// either (not from a browser) are let through: they carry no victim's cookies.
pub fn is_cross_site(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .split_once("://")
        .map_or(origin, |(_, rest)| rest)
        .trim_end_matches('/');
    origin == "null" || !origin_host.eq_ignore_ascii_case(host)
}

/// More header bytes than any browser sends to this site (its cookies are small).
const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Middleware: refuses oversized headers and cross-site posts, keeps the request's context
/// (nonce, cookies, language) at hand for the pages, then adds the security headers to
/// whatever answers.
pub async fn protect(request: Request<Body>, next: axum::middleware::Next) -> Response {
    let nonce = Nonce::random();
    let locale = super::locale_of(request.headers());
    let header_bytes: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    let mut response = if header_bytes > MAX_HEADER_BYTES {
        (
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Html(super::problem_page(Problem::HeadersTooLarge, locale)),
        )
            .into_response()
    } else if is_cross_site(request.method(), request.headers()) {
        tracing::warn!(path = %request.uri().path(), "cross-site form post refused");
        (
            StatusCode::FORBIDDEN,
            Html(super::problem_page(Problem::CrossSite, locale)),
        )
            .into_response()
    } else {
        let context = RequestContext {
            nonce,
            cookies: request.headers().get(header::COOKIE).cloned(),
            locale,
        };
        let response = request_context::scope(context, next.run(request)).await;
        as_nhs_page(response, locale)
    };
    let headers = response.headers_mut();
    headers.reserve(HEADERS_ADDED);
    let policy = content_security_policy(nonce.as_str());
    if let Ok(policy) = HeaderValue::from_maybe_shared(Bytes::from(policy)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    for (name, value) in FIXED_HEADERS {
        headers.insert(name, value);
    }
    response
}

/// Errors that the framework answers itself (a body too large, a form that cannot be read, a
/// method not allowed) come as plain text: they become a complete NHS page, same status.
fn as_nhs_page(response: Response, locale: Locale) -> Response {
    let status = response.status();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let problem = match status {
        StatusCode::PAYLOAD_TOO_LARGE => Problem::TooLarge,
        StatusCode::METHOD_NOT_ALLOWED => Problem::MethodNotAllowed,
        // "Wait a minute, then try again" (a keep-alive pressed past its limit).
        StatusCode::TOO_MANY_REQUESTS => Problem::Busy,
        s if s.is_server_error() => Problem::ServiceDown,
        _ => Problem::Unreadable,
    };
    let mut page = (status, Html(super::problem_page(problem, locale))).into_response();
    if let Some(allow) = response.headers().get(header::ALLOW) {
        page.headers_mut().insert(header::ALLOW, allow.clone());
    }
    // A cookie taken away (an ended session's) goes with the page too.
    for cookie in response.headers().get_all(header::SET_COOKIE) {
        page.headers_mut()
            .append(header::SET_COOKIE, cookie.clone());
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn cross_site_posts_are_recognised() {
        let post = Method::POST;
        let table: [(&[(&'static str, &str)], bool); 9] = [
            (&[], false),
            (&[("sec-fetch-site", "same-origin")], false),
            (&[("sec-fetch-site", "none")], false),
            (&[("sec-fetch-site", "cross-site")], true),
            (&[("sec-fetch-site", "same-site")], true),
            (
                &[
                    ("origin", "http://relink.example"),
                    ("host", "relink.example"),
                ],
                false,
            ),
            (
                &[
                    ("origin", "https://evil.example"),
                    ("host", "relink.example"),
                ],
                true,
            ),
            (&[("origin", "null"), ("host", "relink.example")], true),
            // Sec-Fetch-Site is the browser's own judgement and wins.
            (
                &[
                    ("sec-fetch-site", "same-origin"),
                    ("origin", "https://evil.example"),
                    ("host", "x"),
                ],
                false,
            ),
        ];
        for (pairs, expected) in table {
            assert_eq!(is_cross_site(&post, &headers(pairs)), expected, "{pairs:?}");
        }
        assert!(!is_cross_site(
            &Method::GET,
            &headers(&[("sec-fetch-site", "cross-site")])
        ));
    }

    #[test]
    fn the_policy_has_no_unsafe_inline() {
        let policy = content_security_policy("abc");
        assert!(policy.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
        assert_eq!(
            policy,
            "default-src 'self'; script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        );
    }
}
