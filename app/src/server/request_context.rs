//! What a page needs to know of the request it answers, worked out once per request and kept
//! at hand while the request is answered: the response's Content-Security-Policy nonce, the
//! request's cookies (the header's links depend on the session cookie) and its language.
//!
//! [`super::security::protect`] makes it and scopes it around the rest of the stack; one
//! task-local instead of one per value, and the language negotiated once (docs/PERFORMANCE.md,
//! item 1). Outside a request (tests calling handlers directly, background work) there is none:
//! no nonce, no cookies, English.

use std::future::Future;

use axum::http::HeaderValue;
use base64::Engine;
use rand::RngCore;

use crate::language::Locale;

/// A CSP nonce: 16 random bytes as 22 characters of URL-safe base64. Kept inline (no heap) as
/// every response makes one.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Nonce([u8; 22]);

impl Nonce {
    /// A fresh nonce from the thread's CSPRNG (ChaCha, seeded and reseeded from the operating
    /// system): unpredictable like the system's generator without a system call per response.
    pub fn random() -> Self {
        let mut bytes = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut bytes);
        let mut text = [0u8; 22];
        let written = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode_slice(bytes, &mut text)
            .expect("16 bytes are 22 characters of unpadded base64");
        debug_assert_eq!(written, text.len());
        Self(text)
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("base64 is ASCII")
    }
}

impl std::fmt::Debug for Nonce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The request being answered, as the pages see it.
#[derive(Debug)]
pub struct RequestContext {
    pub nonce: Nonce,
    /// The Cookie header, passed on to Leptos when a page is rendered.
    pub cookies: Option<HeaderValue>,
    pub locale: Locale,
}

tokio::task_local! {
    static REQUEST: RequestContext;
}

/// Runs `answer` with `context` as the current request's.
pub async fn scope<F: Future>(context: RequestContext, answer: F) -> F::Output {
    REQUEST.scope(context, answer).await
}

/// The current response's nonce.
pub fn nonce() -> Option<Nonce> {
    REQUEST.try_with(|request| request.nonce).ok()
}

/// The current request's Cookie header.
pub fn cookies() -> Option<HeaderValue> {
    REQUEST
        .try_with(|request| request.cookies.clone())
        .ok()
        .flatten()
}

/// Whether the current request carries a patient session cookie (see
/// [`super::has_session_cookie`]).
pub fn has_session_cookie() -> bool {
    REQUEST
        .try_with(|request| super::has_session_cookie(request.cookies.as_ref()))
        .unwrap_or(false)
}

/// The current request's language; English outside a request.
pub fn locale() -> Locale {
    REQUEST
        .try_with(|request| request.locale)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_22_url_safe_characters_and_differ() {
        let nonces: Vec<Nonce> = (0..1000).map(|_| Nonce::random()).collect();
        for nonce in &nonces {
            assert_eq!(nonce.as_str().len(), 22);
            assert!(nonce
                .as_str()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        }
        let distinct: std::collections::HashSet<&str> = nonces.iter().map(Nonce::as_str).collect();
        assert_eq!(distinct.len(), nonces.len());
    }

    #[tokio::test]
    async fn the_context_is_there_inside_its_scope_only() {
        assert_eq!(nonce(), None);
        assert_eq!(locale(), Locale::en);
        let context = RequestContext {
            nonce: Nonce::random(),
            cookies: Some(HeaderValue::from_static("__Host-relink-session=abc")),
            locale: Locale::cy,
        };
        let expected = context.nonce;
        scope(context, async {
            assert_eq!(nonce(), Some(expected));
            assert_eq!(locale(), Locale::cy);
            assert!(has_session_cookie());
            assert_eq!(
                cookies(),
                Some(HeaderValue::from_static("__Host-relink-session=abc"))
            );
        })
        .await;
        assert!(!has_session_cookie());
    }
}
