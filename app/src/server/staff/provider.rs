//! Staff sign-in with an OpenID Connect provider (NHS Care Identity Service 2, or any other):
//! the authorisation code flow with PKCE (S256), `state` and `nonce`, done with the
//! `openidconnect` crate. The crate checks the ID token (signature against the provider's
//! published keys, issuer, audience, expiry, nonce, and `acr` against the configured minimum);
//! Relink decides what the person may do from the provider's claims.
//!
//! - `GET /staff/sign-in/provider` (the button is a link: a form's redirect to the provider
//!   would break the CSP's `form-action 'self'`) keeps the sign-in's secrets (PKCE verifier, nonce, state,
//!   where to go on to) in `staff_provider_logins` under the hash of a random value set in a
//!   `SameSite=Lax` cookie (the callback comes back by a top-level navigation from the
//!   provider's site, which a Strict cookie would miss), and sends the browser to the provider.
//! - `GET /staff/sign-in/callback` takes that row (once: it is deleted), checks `state`, swaps
//!   the code for tokens, checks the ID token, reads the person's roles from the userinfo
//!   endpoint (where CIS2 sends `nhsid_nrbac_roles`), maps their organisations to Relink
//!   practices, brings their member row up to date and starts the staff session with
//!   [`super::auth::start_session`]. Its answer is a page that moves on at once (`Refresh`),
//!   not a redirect: the staff cookie is `SameSite=Strict`, and Chromium does not send a Strict
//!   cookie on a redirect that is still part of the provider's cross-site chain, so the
//!   member would land on the sign-in page again. The page's own navigation is same-site.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreProviderMetadata,
};
use openidconnect::{
    AccessTokenHash, AdditionalClaims, AuthenticationContextClass, AuthorizationCode,
    ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, RequestTokenError, Scope, TokenResponse, UserInfoClaims,
};
use serde::{Deserialize, Serialize};

use super::auth::start_session;
use super::now;
use crate::db::audit::{self, AuditKind, NewAuditEvent};
use crate::db::staff::{self, ProviderLogin, ProviderSignIn, PROVIDER_LOGIN_LIFETIME_SECONDS};
use crate::db::throttles;
use crate::db::tokens::ProviderLoginToken;
use crate::domain::attempts::{provider_starts_counter, CLIENT_LIMIT, PROVIDER_STARTS_LIMIT};
use crate::domain::staff_provider::{access_from_roles, username_for, RbacRole};
use crate::domain::{OdsCode, StaffReturnPath};
use crate::server::config::{StaffOidcClientAuth, StaffOidcConfig};
use crate::server::{host_cookie, render, request_cookie, AppState, ClientAddress, JourneyError};
use crate::views::form::FormProblem;
use crate::views::routes;
use crate::views::staff::{ProviderRefusal, StaffProviderView, StaffSignInView};

/// The cookie that ties the provider's callback to the browser that started the sign-in.
pub const PROVIDER_LOGIN_COOKIE: &str = "__Host-relink-staff-login";

/// How long discovery (the provider's endpoints and signing keys) is trusted before it is read
/// again, so keys the provider rotates are picked up.
const DISCOVERY_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// How long Relink waits for the provider on each request.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// The client discovery gives: authorisation endpoint set, token and userinfo endpoints if the
/// provider has them.
type DiscoveredClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The provider as the server knows it: its settings, where it sends staff back to, and what
/// discovery found (read on first use, then cached).
pub struct StaffProvider {
    config: StaffOidcConfig,
    redirect_uri: RedirectUrl,
    http: reqwest::Client,
    discovered: Mutex<Option<(Instant, Arc<DiscoveredClient>)>>,
}

impl std::fmt::Debug for StaffProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffProvider")
            .field("config", &self.config)
            .field("redirect_uri", &self.redirect_uri.as_str())
            .finish_non_exhaustive()
    }
}

/// Why the provider could not be used (the detail goes to the log, never to the browser).
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("the redirect URI {0:?} is not a URL")]
    RedirectUri(String),
    #[error("the HTTP client cannot be built: {0}")]
    Http(String),
    #[error("discovery failed: {0}")]
    Discovery(String),
}

impl StaffProvider {
    /// The provider for these settings, sending staff back to `public_url`'s callback.
    pub fn new(config: StaffOidcConfig, public_url: &str) -> Result<Self, ProviderError> {
        let uri = format!("{public_url}{}", routes::STAFF_PROVIDER_CALLBACK);
        let redirect_uri =
            RedirectUrl::new(uri.clone()).map_err(|_| ProviderError::RedirectUri(uri))?;
        let http = reqwest::Client::builder()
            // Following redirects would let a provider's answer send Relink anywhere (SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .map_err(|e| ProviderError::Http(e.to_string()))?;
        Ok(Self {
            config,
            redirect_uri,
            http,
            discovered: Mutex::new(None),
        })
    }

    /// What the sign-in page offers: the provider's button (and its label), and whether the
    /// local form is offered too.
    pub fn label(&self) -> Option<&str> {
        self.config.label.as_deref()
    }

    /// Whether the local username and password form is still offered.
    pub fn password_sign_in(&self) -> bool {
        self.config.password_sign_in
    }

    /// The discovered client, read from the provider's
    /// `/.well-known/openid-configuration` (and its JWKS) when missing or older than an hour.
    async fn client(&self) -> Result<Arc<DiscoveredClient>, ProviderError> {
        if let Some((at, client)) = self.lock().as_ref() {
            if at.elapsed() < DISCOVERY_LIFETIME {
                return Ok(client.clone());
            }
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone())
            .map_err(|e| ProviderError::Discovery(e.to_string()))?;
        // Checks the document's issuer is the one configured.
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| ProviderError::Discovery(error_chain(&e)))?;
        let secret = match &self.config.client_auth {
            StaffOidcClientAuth::Secret(secret) => Some(ClientSecret::new(secret.clone())),
            StaffOidcClientAuth::PrivateKeyJwt { .. } => None,
        };
        let mut client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            secret,
        )
        .set_redirect_uri(self.redirect_uri.clone());
        if matches!(
            self.config.client_auth,
            StaffOidcClientAuth::PrivateKeyJwt { .. }
        ) {
            // The client id goes in the body with the assertion.
            client = client.set_auth_type(openidconnect::AuthType::RequestBody);
        }
        let client = Arc::new(client);
        *self.lock() = Some((Instant::now(), client.clone()));
        Ok(client)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(Instant, Arc<DiscoveredClient>)>> {
        self.discovered
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The `private_key_jwt` client assertion for the token endpoint (RFC 7523): signed with
    /// Relink's key, for this endpoint only, used once (`jti`), valid for 5 minutes.
    fn client_assertion(&self, token_url: &str) -> Option<String> {
        let StaffOidcClientAuth::PrivateKeyJwt {
            private_key_pem,
            key_id,
        } = &self.config.client_auth
        else {
            return None;
        };
        #[derive(Serialize)]
        struct Claims<'a> {
            iss: &'a str,
            sub: &'a str,
            aud: &'a str,
            jti: String,
            iat: i64,
            exp: i64,
        }
        let at = now().unix_timestamp();
        let claims = Claims {
            iss: &self.config.client_id,
            sub: &self.config.client_id,
            aud: token_url,
            jti: uuid::Uuid::new_v4().to_string(),
            iat: at,
            exp: at + 300,
        };
        let key = jsonwebtoken::EncodingKey::from_rsa_pem(private_key_pem).ok()?;
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS512);
        header.kid = Some(key_id.clone());
        jsonwebtoken::encode(&header, &claims, &key).ok()
    }
}

/// An error and its causes, for the log.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// "Sign in with CIS2"'s query: the staff page to go on to, if any.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct StartQuery {
    next: String,
}

/// Starts a sign-in with the provider: keeps its secrets server side, sets the Lax cookie that
/// finds them again, and sends the browser to the provider's authorisation endpoint.
pub(super) async fn start(
    State(state): State<AppState>,
    client_address: ClientAddress,
    Query(form): Query<StartQuery>,
) -> Result<Response, JourneyError> {
    let Some(provider) = state.staff_provider.clone() else {
        return Ok(super::not_found(&state).await);
    };
    // Each start keeps a row: a client that starts without end is stopped.
    let counter = provider_starts_counter(client_address.key());
    let timestamp = now().unix_timestamp();
    let (started, locked_until) =
        throttles::reserve(state.db.pool(), &counter, PROVIDER_STARTS_LIMIT, timestamp).await?;
    if locked_until > timestamp || started > PROVIDER_STARTS_LIMIT.max {
        let view = StaffSignInView {
            problem: Some(FormProblem::ClientLockedOut),
            ..StaffSignInView::default()
        };
        return Ok(render(
            &state,
            routes::STAFF_SIGN_IN,
            view,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await);
    }
    let client = match provider.client().await {
        Ok(client) => client,
        Err(error) => {
            tracing::warn!(%error, "the staff identity provider is not available");
            return Ok(answer(
                &state,
                StaffProviderView::Unavailable,
                StatusCode::SERVICE_UNAVAILABLE,
            )
            .await);
        }
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let scopes = provider
        .config
        .scopes
        .iter()
        .filter(|scope| *scope != "openid")
        .map(|scope| Scope::new(scope.clone()));
    let acr = provider.config.minimum_assurance.acr_values().to_owned();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scopes(scopes)
        .add_auth_context_value(AuthenticationContextClass::new(acr))
        .set_pkce_challenge(challenge)
        .url();
    let token = ProviderLoginToken::generate();
    let login = ProviderLogin {
        state: csrf.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        next_path: StaffReturnPath::parse(&form.next)
            .map(|path| path.as_str().to_owned())
            .unwrap_or_default(),
    };
    staff::save_provider_login(
        state.db.pool(),
        &token.digest(),
        &login,
        now().unix_timestamp(),
    )
    .await?;
    let mut response = Redirect::to(url.as_str()).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        host_cookie(
            PROVIDER_LOGIN_COOKIE,
            Some(token.expose()),
            "Lax",
            Some(PROVIDER_LOGIN_LIFETIME_SECONDS),
        ),
    );
    Ok(response)
}

/// What the provider sends back: a code and the state, or an error.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The CIS2 claims Relink reads from the userinfo endpoint.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Cis2Claims {
    /// The person's CIS2 user id: their Relink username is made from it.
    #[serde(default)]
    nhsid_useruid: Option<String>,
    /// Every national RBAC role they hold.
    #[serde(default)]
    nhsid_nrbac_roles: Vec<RoleClaim>,
    /// The role they chose for this session (recorded in the audit detail).
    #[serde(default)]
    selected_roleid: Option<String>,
}

impl AdditionalClaims for Cis2Claims {}

/// One entry of `nhsid_nrbac_roles` (the fields Relink reads; the others are ignored).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct RoleClaim {
    #[serde(default)]
    person_roleid: Option<String>,
    #[serde(default)]
    org_code: String,
    #[serde(default)]
    role_code: String,
}

/// How a callback ended, short of a session: the page, its status, and what the audit log
/// records (never shown).
struct Outcome {
    view: StaffProviderView,
    status: StatusCode,
    kind: Option<AuditKind>,
    actor: String,
    detail: String,
}

impl Outcome {
    fn failed(detail: impl Into<String>) -> Self {
        Self {
            view: StaffProviderView::Failed,
            status: StatusCode::BAD_REQUEST,
            kind: Some(AuditKind::StaffProviderSignInFailed),
            actor: "unknown".to_owned(),
            detail: detail.into(),
        }
    }

    fn refused(reason: ProviderRefusal, actor: &str, detail: impl Into<String>) -> Self {
        Self {
            view: StaffProviderView::Refused(reason),
            status: StatusCode::FORBIDDEN,
            kind: Some(AuditKind::StaffProviderSignInRefused),
            actor: actor.to_owned(),
            detail: detail.into(),
        }
    }

    fn unavailable(error: impl std::fmt::Display) -> Self {
        tracing::warn!(%error, "the staff identity provider is not available");
        Self {
            view: StaffProviderView::Unavailable,
            status: StatusCode::SERVICE_UNAVAILABLE,
            kind: None,
            actor: String::new(),
            detail: String::new(),
        }
    }
}

/// The provider's callback: finishes the sign-in the cookie names, or says why not.
pub(super) async fn callback(
    State(state): State<AppState>,
    client_address: ClientAddress,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, JourneyError> {
    let Some(provider) = state.staff_provider.clone() else {
        return Ok(super::not_found(&state).await);
    };
    let timestamp = now().unix_timestamp();
    // A failed callback counts against the client like any failed sign-in (and writes an audit
    // row), so a client that fails without end is stopped before anything is written.
    let client = client_address.key().as_str();
    let (number, locked_until) =
        throttles::reserve(state.db.pool(), client, CLIENT_LIMIT, timestamp).await?;
    if locked_until > timestamp || number > CLIENT_LIMIT.max {
        let view = StaffSignInView {
            problem: Some(FormProblem::ClientLockedOut),
            ..StaffSignInView::default()
        };
        return Ok(render(
            &state,
            routes::STAFF_SIGN_IN,
            view,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await);
    }
    let response = match finish(&state, &provider, &headers, query, timestamp).await? {
        Ok(session) => {
            throttles::release(state.db.pool(), client).await?;
            continue_page(&state, session).await
        }
        Err(outcome) => {
            if number >= CLIENT_LIMIT.max {
                throttles::lock(state.db.pool(), client, CLIENT_LIMIT, timestamp).await?;
            }
            if let Some(kind) = outcome.kind {
                let detail: String = outcome.detail.chars().take(500).collect();
                audit::record(
                    state.db.pool(),
                    &NewAuditEvent {
                        kind,
                        actor: &outcome.actor,
                        practice_ods: None,
                        patient_id: None,
                        detail: &detail,
                    },
                    timestamp,
                )
                .await?;
            }
            answer(&state, outcome.view, outcome.status).await
        }
    };
    Ok(forget_login(response))
}

/// The checks of a callback, in order; a session response when every one passes.
async fn finish(
    state: &AppState,
    provider: &StaffProvider,
    headers: &HeaderMap,
    query: CallbackQuery,
    timestamp: i64,
) -> Result<Result<Response, Outcome>, JourneyError> {
    // 1. The sign-in this browser started, taken once.
    let Some(cookie) = request_cookie(headers, PROVIDER_LOGIN_COOKIE) else {
        return Ok(Err(Outcome::failed(
            "no sign-in in progress in this browser",
        )));
    };
    let id_hash = ProviderLoginToken::from_cookie(&cookie).digest();
    let Some(login) = staff::take_provider_login(state.db.pool(), &id_hash, timestamp).await?
    else {
        return Ok(Err(Outcome::failed(
            "the sign-in was already used, or is older than 10 minutes",
        )));
    };
    // 2. The same state (the callback is for this sign-in, not one an attacker started).
    let same_state = query
        .state
        .as_deref()
        .is_some_and(|given| constant_time_eq(given.as_bytes(), login.state.as_bytes()));
    if !same_state {
        return Ok(Err(Outcome::failed(
            "the state did not match the sign-in's",
        )));
    }
    if let Some(error) = query.error {
        let error: String = error.chars().take(100).collect();
        return Ok(Err(Outcome::failed(format!(
            "the provider answered {error}"
        ))));
    }
    let Some(code) = query.code else {
        return Ok(Err(Outcome::failed("the provider sent no code")));
    };
    // 3. The code, with the PKCE verifier, for tokens.
    let client = match provider.client().await {
        Ok(client) => client,
        Err(error) => return Ok(Err(Outcome::unavailable(error))),
    };
    let Ok(request) = client.exchange_code(AuthorizationCode::new(code)) else {
        return Ok(Err(Outcome::unavailable(
            "the provider has no token endpoint",
        )));
    };
    let mut request = request.set_pkce_verifier(PkceCodeVerifier::new(login.pkce_verifier));
    if let Some(token_url) = client.token_uri() {
        if let Some(assertion) = provider.client_assertion(token_url.as_str()) {
            request = request
                .add_extra_param(
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                )
                .add_extra_param("client_assertion", assertion);
        }
    }
    let tokens = match request.request_async(&provider.http).await {
        Ok(tokens) => tokens,
        Err(RequestTokenError::Request(error)) => {
            return Ok(Err(Outcome::unavailable(error_chain(&error))))
        }
        Err(RequestTokenError::ServerResponse(error)) => {
            return Ok(Err(Outcome::failed(format!(
                "the provider refused the code: {}",
                error.error().as_ref()
            ))))
        }
        Err(error) => {
            return Ok(Err(Outcome::failed(format!(
                "the token response could not be read: {}",
                error_chain(&error)
            ))))
        }
    };
    // 4. The ID token: signature, issuer, audience, expiry, nonce and acr, by the crate.
    let Some(id_token) = tokens.id_token() else {
        return Ok(Err(Outcome::failed("the provider sent no ID token")));
    };
    let minimum = provider.config.minimum_assurance.level();
    let verifier = client
        .id_token_verifier()
        .set_auth_context_verifier_fn(move |acr| {
            if minimum.is_met_by(acr.map(|acr| acr.as_str())) {
                Ok(())
            } else {
                Err(format!(
                    "acr {:?} is below {minimum}",
                    acr.map(|acr| acr.as_str())
                ))
            }
        });
    let nonce = Nonce::new(login.nonce);
    let claims = match id_token.claims(&verifier, &nonce) {
        Ok(claims) => claims,
        Err(ClaimsVerificationError::InvalidAuthContext(why)) => {
            // Every other check passed: who it was, for the audit log.
            let any_acr = verifier.clone().set_auth_context_verifier_fn(|_| Ok(()));
            let subject = id_token
                .claims(&any_acr, &nonce)
                .map(|claims| claims.subject().to_string())
                .unwrap_or_default();
            return Ok(Err(Outcome::refused(
                ProviderRefusal::LowAssurance,
                &subject,
                format!("sign-in too weak: {why}"),
            )));
        }
        Err(error) => {
            return Ok(Err(Outcome::failed(format!(
                "ID token refused: {}",
                error_chain(&error)
            ))))
        }
    };
    // The access token is the one this ID token was issued with.
    if let Some(expected) = claims.access_token_hash() {
        let actual = id_token.signing_alg().ok().and_then(|alg| {
            let key = id_token.signing_key(&verifier).ok()?;
            AccessTokenHash::from_token(tokens.access_token(), alg, key).ok()
        });
        if actual.as_ref() != Some(expected) {
            return Ok(Err(Outcome::failed("the access token hash did not match")));
        }
    }
    let subject = claims.subject().clone();
    // 5. Who they are and their roles, from the userinfo endpoint (its `sub` must be the ID
    //    token's).
    let Ok(request) = client.user_info(tokens.access_token().clone(), Some(subject.clone())) else {
        return Ok(Err(Outcome::failed(
            "the provider has no userinfo endpoint",
        )));
    };
    let info: UserInfoClaims<Cis2Claims, CoreGenderClaim> =
        match request.request_async(&provider.http).await {
            Ok(info) => info,
            Err(openidconnect::UserInfoError::Request(error)) => {
                return Ok(Err(Outcome::unavailable(error_chain(&error))))
            }
            Err(error) => {
                return Ok(Err(Outcome::failed(format!(
                    "the userinfo response was refused: {}",
                    error_chain(&error)
                ))))
            }
        };
    let cis2 = info.additional_claims();
    let Some(username) = cis2.nhsid_useruid.as_deref().and_then(username_for) else {
        return Ok(Err(Outcome::failed(format!(
            "no usable nhsid_useruid for subject {}",
            subject.as_str()
        ))));
    };
    // 6. Their organisations, mapped to Relink's practices.
    let relink: Vec<OdsCode> = crate::db::practices::all_ods_codes(state.db.pool())
        .await?
        .iter()
        .filter_map(|code| OdsCode::parse(code).ok())
        .collect();
    let roles: Vec<RbacRole> = cis2
        .nhsid_nrbac_roles
        .iter()
        .map(|role| RbacRole {
            org_code: role.org_code.clone(),
            role_code: role.role_code.clone(),
        })
        .collect();
    let organisations: Vec<&str> = roles.iter().map(|r| r.org_code.as_str()).collect();
    let admin_code = provider.config.admin_role_code.as_deref();
    let Some(access) = access_from_roles(&roles, &relink, admin_code) else {
        return Ok(Err(Outcome::refused(
            ProviderRefusal::NoPractice,
            username.as_str(),
            format!(
                "no role at a Relink practice (organisations: {})",
                organisations.join(", ")
            ),
        )));
    };
    // 7. Their member row, made or brought up to date from the claims.
    match staff::sign_in_with_provider(&state.db, &username, subject.as_str(), &access, timestamp)
        .await?
    {
        ProviderSignIn::Admitted => {}
        ProviderSignIn::Disabled => {
            return Ok(Err(Outcome::refused(
                ProviderRefusal::Disabled,
                username.as_str(),
                "the member is disabled",
            )))
        }
        ProviderSignIn::NotTheirs => {
            return Ok(Err(Outcome::failed(format!(
                "the username {username} belongs to another member"
            ))))
        }
    }
    if let Some(role) = &cis2.selected_roleid {
        tracing::info!(member = %username, selected_role = %role, "staff signed in with the provider");
    }
    // 8. The staff session, as for every sign-in.
    Ok(Ok(start_session(
        state,
        headers,
        &username,
        &login.next_path,
        timestamp,
    )
    .await?))
}

/// Equal bytes, compared in time that does not depend on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The page that takes a member who just signed in on to where they were going: the session
/// response's cookie, a `Refresh` to its `Location` (a same-site navigation, so the Strict staff
/// cookie goes with it), and a link for a browser that waits.
async fn continue_page(state: &AppState, session: Response) -> Response {
    let to = session
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or(routes::STAFF_HOME)
        .to_owned();
    let mut page = answer(
        state,
        StaffProviderView::Continue { to: to.clone() },
        StatusCode::OK,
    )
    .await;
    for cookie in session.headers().get_all(header::SET_COOKIE) {
        page.headers_mut()
            .append(header::SET_COOKIE, cookie.clone());
    }
    if let Ok(refresh) = HeaderValue::from_str(&format!("0; url={to}")) {
        page.headers_mut()
            .insert(HeaderName::from_static("refresh"), refresh);
    }
    page
}

/// The provider page with this view.
async fn answer(state: &AppState, view: StaffProviderView, status: StatusCode) -> Response {
    render(state, routes::STAFF_PROVIDER_CALLBACK, view, status).await
}

/// Clears the sign-in's cookie: its row is gone whatever the callback decided.
fn forget_login(mut response: Response) -> Response {
    response.headers_mut().append(
        header::SET_COOKIE,
        host_cookie(PROVIDER_LOGIN_COOKIE, None, "Lax", None),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_only_when_every_byte_is() {
        assert!(constant_time_eq(b"state-1", b"state-1"));
        assert!(!constant_time_eq(b"state-1", b"state-2"));
        assert!(!constant_time_eq(b"state", b"state-1"));
        assert!(constant_time_eq(b"", b""));
    }
}
