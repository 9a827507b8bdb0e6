//! What a staff member typed into a form when their session ended before they sent it
//! (WCAG 2.2.1, JavaScript off: the warning never showed). The post is refused, as any post
//! without a live session is, but its fields that are not secrets ([`KeptForm`]) go into a
//! short-lived cookie of this browser, for that member and that page only; when the same member
//! signs in again and the page opens, its form shows them again (and the cookie goes).
//!
//! The cookie is `__Host-`, HttpOnly and SameSite=Strict like the session's, lasts 15 minutes,
//! and holds only what the member typed into their own browser. Anything in it is parsed again
//! when it comes back, like any other input: a cookie someone made up can only fill in a form
//! they then still have to send themselves.

use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::domain::{KeptForm, StaffReturnPath, StaffUsername};
use crate::server::{host_cookie, request_cookie};

/// The cookie holding a kept form.
pub const KEPT_COOKIE: &str = "__Host-relink-staff-kept";
/// How long a kept form waits for its member to sign in again.
const KEPT_SECONDS: i64 = 15 * 60;
/// The largest posted form read for keeping (a staff form is a few hundred bytes).
const MAX_READ_BYTES: usize = 64 * 1024;
/// The largest cookie value sent (browsers keep 4,096 bytes a cookie, name included).
const MAX_COOKIE_BYTES: usize = 3_800;

/// The cookie's contents, before encoding.
#[derive(Serialize, Deserialize)]
struct Kept {
    path: String,
    member: String,
    fields: Vec<(String, String)>,
}

/// The fields worth keeping of a form post (URL-encoded only: a file upload is not kept).
pub(super) async fn posted_form(request: Request) -> Option<KeptForm> {
    let url_encoded = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !url_encoded {
        return None;
    }
    let body = to_bytes(request.into_body(), MAX_READ_BYTES).await.ok()?;
    KeptForm::from_posted(form_urlencoded::parse(&body).into_owned())
}

/// The `Set-Cookie` value keeping `form` for `member` at `page`; `None` when it would not fit
/// in a cookie.
pub(super) fn cookie(
    page: &StaffReturnPath,
    member: &StaffUsername,
    form: KeptForm,
) -> Option<HeaderValue> {
    let kept = Kept {
        path: page.as_str().to_owned(),
        member: member.as_str().to_owned(),
        fields: form.into_fields(),
    };
    let json = serde_json::to_vec(&kept).ok()?;
    let value = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
    (value.len() <= MAX_COOKIE_BYTES)
        .then(|| host_cookie(KEPT_COOKIE, Some(&value), "Strict", Some(KEPT_SECONDS)))
}

/// The `Set-Cookie` value that takes the kept form away.
pub(super) fn cleared() -> HeaderValue {
    host_cookie(KEPT_COOKIE, None, "Strict", None)
}

/// Whether the request carries a kept form at all (to take it away once used or refused).
pub(super) fn is_present(headers: &HeaderMap) -> bool {
    request_cookie(headers, KEPT_COOKIE).is_some()
}

/// The form kept in the request's cookie for `member` at `path`, parsed again as input;
/// `None` when there is none, it is for someone else or another page, or it does not parse.
pub(super) fn kept_for(
    headers: &HeaderMap,
    member: &StaffUsername,
    path: &str,
) -> Option<KeptForm> {
    let value = request_cookie(headers, KEPT_COOKIE)?;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(value.as_bytes())
        .ok()?;
    let kept: Kept = serde_json::from_slice(&json).ok()?;
    let page = StaffReturnPath::parse(&kept.path)?;
    let owner = StaffUsername::parse(&kept.member).ok()?;
    (page.as_str() == path && &owner == member)
        .then(|| KeptForm::from_posted(kept.fields))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers_with(cookie: &HeaderValue) -> HeaderMap {
        let pair = cookie
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&pair).unwrap());
        headers
    }

    #[test]
    fn a_kept_form_comes_back_only_for_its_member_at_its_page() {
        let page = StaffReturnPath::parse("/staff/test-patients/new").unwrap();
        let member = StaffUsername::parse("staff.riverside").unwrap();
        let form = KeptForm::from_posted([
            ("given_name".to_owned(), "Sam \"Quote\" Ünïcode".to_owned()),
            ("password".to_owned(), "never".to_owned()),
        ])
        .unwrap();
        let set = cookie(&page, &member, form.clone()).unwrap();
        assert!(set.to_str().unwrap().contains("HttpOnly"));
        assert!(set.to_str().unwrap().contains("Max-Age=900"));
        let headers = headers_with(&set);
        assert_eq!(kept_for(&headers, &member, page.as_str()), Some(form));
        let someone_else = StaffUsername::parse("staff.hillview").unwrap();
        assert_eq!(kept_for(&headers, &someone_else, page.as_str()), None);
        assert_eq!(kept_for(&headers, &member, "/staff/practices"), None);
        let mut forged = HeaderMap::new();
        forged.insert(
            header::COOKIE,
            HeaderValue::from_static("__Host-relink-staff-kept=not-base64!"),
        );
        assert_eq!(kept_for(&forged, &member, page.as_str()), None);
    }
}
