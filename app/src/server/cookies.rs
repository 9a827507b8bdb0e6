//! Reading the request's cookies and writing Relink's own (`__Host-`, HttpOnly, Secure).

use axum::http::{header, HeaderMap, HeaderValue};

use crate::language::{self, Locale, LANGUAGE_COOKIE};

/// Whether the request carries a non-empty patient session cookie: the header then offers
/// "Your account" and "Sign out". Only the server checks what the cookie is worth.
pub fn has_session_cookie<'a>(cookie_headers: impl IntoIterator<Item = &'a HeaderValue>) -> bool {
    use super::account::SESSION_COOKIE;
    cookie_pairs(cookie_headers).any(|(name, value)| name == SESSION_COOKIE && !value.is_empty())
}

/// The `name=value` pairs of `Cookie` header values.
pub(crate) fn cookie_pairs<'a>(
    cookie_headers: impl IntoIterator<Item = &'a HeaderValue>,
) -> impl Iterator<Item = (&'a str, &'a str)> {
    cookie_headers
        .into_iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
}

/// The value of the named cookie, if the browser sent it.
pub fn request_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
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

/// The language of a request from its headers: the language cookie, else `Accept-Language`.
pub(crate) fn locale_of(headers: &HeaderMap) -> Locale {
    let chosen = cookie_pairs(headers.get_all(header::COOKIE))
        .find(|(name, _)| *name == LANGUAGE_COOKIE)
        .map(|(_, value)| value);
    let accept_language = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    language::negotiate(chosen, accept_language)
}
