//! Fresh forms rendered once and served many times.
//!
//! A page like `/reset-passphrase` before anything is typed is the same for every visitor,
//! except for two things: the Content-Security-Policy nonce (new for every response) and the
//! header's "Your account" links (whether a session cookie came with the request). So it is
//! rendered once per variant with a placeholder where the nonce goes, and each response splices
//! its own nonce in: a copy of a few kilobytes instead of a render (docs/PERFORMANCE.md, item 1).
//! Pages that show anything decided by the request (errors, typed values, database rows) are
//! rendered every time by [`super::render`].

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::language::Locale;

/// Which variant of a page: its path, whether the request had a session cookie, its language.
type PageKey = (&'static str, bool, Locale);

/// The rendered variants of the fresh form pages.
#[derive(Default)]
pub struct PageCache {
    pages: RwLock<HashMap<PageKey, Arc<CachedPage>>>,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.pages.read().map_or(0, |pages| pages.len());
        f.debug_struct("PageCache").field("pages", &count).finish()
    }
}

/// One rendered page, cut where the nonce goes.
pub struct CachedPage {
    status: StatusCode,
    headers: HeaderMap,
    /// The body's pieces between nonces: `pieces.len() - 1` nonces go between them.
    pieces: Vec<Bytes>,
}

impl CachedPage {
    /// Cuts a body rendered with `placeholder` as its nonce. The placeholder is random per
    /// render, so the page's own text cannot contain it.
    pub fn new(status: StatusCode, headers: HeaderMap, body: &[u8], placeholder: &str) -> Self {
        let mut pieces = Vec::new();
        let mut rest = body;
        let needle = placeholder.as_bytes();
        while let Some(at) = rest.windows(needle.len()).position(|w| w == needle) {
            pieces.push(Bytes::copy_from_slice(&rest[..at]));
            rest = &rest[at + needle.len()..];
        }
        pieces.push(Bytes::copy_from_slice(rest));
        Self {
            status,
            headers,
            pieces,
        }
    }

    /// The page as this response sends it, with its nonce.
    pub fn response(&self, nonce: &str) -> Response {
        let length = self.pieces.iter().map(Bytes::len).sum::<usize>()
            + nonce.len() * (self.pieces.len() - 1);
        let mut body = Vec::with_capacity(length);
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(nonce.as_bytes());
            }
            body.extend_from_slice(piece);
        }
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = self.status;
        // Room for the headers every response gets on its way out (security headers, and the
        // compression layer's Vary), so adding them does not grow the map.
        let headers = response.headers_mut();
        headers.reserve(self.headers.len() + super::security::HEADERS_ADDED + 1);
        for (name, value) in &self.headers {
            headers.append(name.clone(), value.clone());
        }
        response
    }
}

impl PageCache {
    pub fn get(
        &self,
        path: &'static str,
        signed_in: bool,
        locale: Locale,
    ) -> Option<Arc<CachedPage>> {
        self.pages
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(path, signed_in, locale))
            .cloned()
    }

    pub fn insert(
        &self,
        path: &'static str,
        signed_in: bool,
        locale: Locale,
        page: CachedPage,
    ) -> Arc<CachedPage> {
        let page = Arc::new(page);
        self.pages
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert((path, signed_in, locale), page.clone());
        page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn every_placeholder_becomes_the_responses_nonce() {
        let page = CachedPage::new(
            StatusCode::OK,
            HeaderMap::new(),
            b"<script nonce=\"PLACE\">a</script><link nonce=\"PLACE\">end",
            "PLACE",
        );
        assert_eq!(
            body_of(page.response("n0nce1")).await,
            "<script nonce=\"n0nce1\">a</script><link nonce=\"n0nce1\">end"
        );
        assert_eq!(
            body_of(page.response("other")).await,
            "<script nonce=\"other\">a</script><link nonce=\"other\">end"
        );
    }

    #[tokio::test]
    async fn a_page_without_placeholder_is_served_as_it_is() {
        let page = CachedPage::new(StatusCode::NOT_FOUND, HeaderMap::new(), b"plain", "PLACE");
        let response = page.response("n0nce");
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(body_of(response).await, "plain");
    }
}
