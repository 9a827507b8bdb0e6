//! Access tokens for application-restricted access: an RS512 JWT signed with the application's
//! private key, exchanged at the token endpoint, and kept until shortly before it expires.
//!
//! A minimal version for the client; helper B's `auth.rs` (tested against a local token
//! endpoint) replaces it at merge.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, EncodingKey, Header};

use super::{PdsError, SignedJwtConfig};

/// The current access token, shared by every clone; [`AccessTokens::forget`] drops it when PDS
/// refuses it.
#[derive(Clone)]
pub struct AccessTokens {
    inner: Arc<Inner>,
}

struct Inner {
    config: SignedJwtConfig,
    key: EncodingKey,
    http: reqwest::Client,
    token: Mutex<Option<(String, Instant)>>,
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: Option<serde_json::Value>,
}

impl AccessTokens {
    /// Reads the private key once, so a bad key is found at start-up, not on the first lookup.
    pub fn new(config: SignedJwtConfig, http: reqwest::Client) -> Result<Self, PdsError> {
        let key = EncodingKey::from_rsa_pem(&config.private_key_pem)
            .map_err(|_| PdsError::Token("the private key is not an RSA key in PEM".into()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                key,
                http,
                token: Mutex::new(None),
            }),
        })
    }

    /// A token that is still valid, from the cache or a fresh exchange.
    pub async fn bearer(&self) -> Result<String, PdsError> {
        if let Some((token, expires)) = self.inner.token.lock().unwrap().clone() {
            if Instant::now() < expires {
                return Ok(token);
            }
        }
        let config = &self.inner.config;
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let claims = serde_json::json!({
            "iss": config.api_key, "sub": config.api_key, "aud": config.token_url,
            "jti": uuid::Uuid::new_v4().to_string(), "exp": now + 300,
        });
        let mut header = Header::new(Algorithm::RS512);
        header.kid = Some(config.key_id.clone());
        let assertion = jsonwebtoken::encode(&header, &claims, &self.inner.key)
            .map_err(|_| PdsError::Token("the client assertion could not be signed".into()))?;
        let response = self
            .inner
            .http
            .post(&config.token_url)
            .form(&[
                ("grant_type", "client_credentials"),
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ),
                ("client_assertion", assertion.as_str()),
            ])
            .send()
            .await
            .map_err(|_| PdsError::Token("the token endpoint did not answer".into()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(PdsError::Token(format!(
                "the token endpoint answered HTTP {status}"
            )));
        }
        let body: TokenResponse = response
            .json()
            .await
            .map_err(|_| PdsError::Token("the token endpoint's answer is not a token".into()))?;
        let lifetime = body
            .expires_in
            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
            .unwrap_or(60);
        let expires = Instant::now() + Duration::from_secs(lifetime.saturating_sub(30));
        *self.inner.token.lock().unwrap() = Some((body.access_token.clone(), expires));
        Ok(body.access_token)
    }

    /// Drops the cached token (PDS answered 401), so the next call exchanges a new one.
    pub fn forget(&self) {
        *self.inner.token.lock().unwrap() = None;
    }
}
