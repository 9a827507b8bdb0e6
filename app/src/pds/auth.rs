//! Access tokens for application-restricted access to PDS.
//!
//! Relink proves who it is with a JWT signed RS512 with its private key (the client assertion),
//! which the platform's OAuth token endpoint exchanges for an access token. One token serves
//! every lookup until it nears its expiry: [`AccessTokens`] keeps it, and makes sure that many
//! tasks finding no token make one exchange between them, not one each.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};

use super::{PdsError, SignedJwtConfig};

/// How long a client assertion is valid. The platform refuses one whose `exp` is more than
/// five minutes ahead by its own clock; a minute less leaves room for the two clocks to differ.
const ASSERTION_LIFETIME: Duration = Duration::from_secs(4 * 60);
/// A token with less left than this is not handed out: a lookup (with its retries) must not
/// find it expired on the way.
const TOKEN_MARGIN: Duration = Duration::from_secs(30);
/// How long the token exchange may take.
const TOKEN_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest a token is believed, whatever `expires_in` says (the platform's are 10 minutes).
const LONGEST_TOKEN: Duration = Duration::from_secs(24 * 60 * 60);
const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The cached access token of one application. Clones share the token, so every task of the
/// instance uses the same one.
#[derive(Clone)]
pub struct AccessTokens {
    inner: Arc<Inner>,
}

struct Inner {
    key: EncodingKey,
    key_id: String,
    api_key: String,
    token_url: String,
    http: reqwest::Client,
    /// How long one exchange may take ([`TOKEN_TIMEOUT`]; shorter in tests).
    timeout: Duration,
    /// The current token: read without waiting on any exchange.
    cached: Mutex<Option<Cached>>,
    /// Held by the task making the exchange; the others wait on it, then take its outcome.
    exchange: tokio::sync::Mutex<Option<PdsError>>,
    /// How many exchanges have finished, so a waiting task knows whether one ended while it
    /// waited (and takes its failure rather than trying again at once).
    exchanges: AtomicU64,
}

struct Cached {
    token: String,
    expires_at: Instant,
}

impl Cached {
    fn lasts(&self, margin: Duration) -> bool {
        Instant::now()
            .checked_add(margin)
            .is_some_and(|then| then < self.expires_at)
    }
}

/// The claims of the client assertion, as the platform asks for them.
#[derive(Serialize, Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    aud: String,
    jti: String,
    iat: u64,
    exp: u64,
}

/// The token endpoint's answer (RFC 6749 §5.1); `expires_in` comes as a number or a string.
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: serde_json::Value,
}

/// An OAuth error answer (RFC 6749 §5.2): only its code is kept.
#[derive(Deserialize)]
struct ErrorAnswer {
    error: String,
}

impl AccessTokens {
    /// Parses the key once: a bad PEM is PdsError::Token("…") at start-up, not at first use.
    pub fn new(config: SignedJwtConfig, http: reqwest::Client) -> Result<Self, PdsError> {
        Self::with_timeout(config, http, TOKEN_TIMEOUT)
    }

    fn with_timeout(
        config: SignedJwtConfig,
        http: reqwest::Client,
        timeout: Duration,
    ) -> Result<Self, PdsError> {
        let bad_key =
            || PdsError::Token("PDS_PRIVATE_KEY_FILE is not an RSA private key in PEM".into());
        let key = EncodingKey::from_rsa_pem(&config.private_key_pem).map_err(|_| bad_key())?;
        let tokens = Self {
            inner: Arc::new(Inner {
                key,
                key_id: config.key_id,
                api_key: config.api_key,
                token_url: config.token_url,
                http,
                timeout,
                cached: Mutex::new(None),
                exchange: tokio::sync::Mutex::new(None),
                exchanges: AtomicU64::new(0),
            }),
        };
        // The PEM parser only finds the DER inside; the key itself is read when signing. One
        // signature now shows a public key or a damaged key before the server takes requests.
        tokens.assertion().map_err(|_| bad_key())?;
        Ok(tokens)
    }

    /// A bearer token valid for at least 30 more seconds; when none is cached, one task
    /// fetches it and the others wait for that fetch (no stampede: use a tokio Mutex).
    ///
    /// When the platform grants a token shorter than that, it is handed out once, fresh.
    pub async fn bearer(&self) -> Result<String, PdsError> {
        if let Some(token) = self.cached_token() {
            return Ok(token);
        }
        let finished_before = self.inner.exchanges.load(Ordering::Acquire);
        let mut last_failure = self.inner.exchange.lock().await;
        if let Some(token) = self.cached_token() {
            return Ok(token);
        }
        if self.inner.exchanges.load(Ordering::Acquire) != finished_before {
            if let Some(error) = last_failure.as_ref() {
                return Err(error.clone());
            }
        }
        let outcome = self.exchange().await;
        *last_failure = outcome.as_ref().err().cloned();
        if let Ok(fresh) = &outcome {
            *self.lock_cache() = Some(Cached {
                token: fresh.token.clone(),
                expires_at: fresh.expires_at,
            });
        }
        self.inner.exchanges.fetch_add(1, Ordering::Release);
        outcome.map(|fresh| fresh.token)
    }

    /// PDS refused the token (401): drop it so the next bearer() fetches a fresh one.
    pub fn forget(&self) {
        *self.lock_cache() = None;
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, Option<Cached>> {
        self.inner
            .cached
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn cached_token(&self) -> Option<String> {
        self.lock_cache()
            .as_ref()
            .filter(|cached| cached.lasts(TOKEN_MARGIN))
            .map(|cached| cached.token.clone())
    }

    /// A new client assertion: a fresh `jti` each time, as the platform refuses a replay.
    fn assertion(&self) -> Result<String, PdsError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|_| PdsError::Token("the system clock is before 1970".into()))?
            .as_secs();
        let claims = Claims {
            iss: self.inner.api_key.clone(),
            sub: self.inner.api_key.clone(),
            aud: self.inner.token_url.clone(),
            jti: uuid::Uuid::new_v4().to_string(),
            iat: now,
            exp: now + ASSERTION_LIFETIME.as_secs(),
        };
        let mut header = Header::new(Algorithm::RS512);
        header.kid = Some(self.inner.key_id.clone());
        jsonwebtoken::encode(&header, &claims, &self.inner.key)
            .map_err(|_| PdsError::Token("the client assertion could not be signed".into()))
    }

    /// One exchange at the token endpoint.
    async fn exchange(&self) -> Result<Cached, PdsError> {
        let assertion = self.assertion()?;
        // Expiry counts from before the request: the token was issued no earlier than this.
        let asked_at = Instant::now();
        let response = self
            .inner
            .http
            .post(&self.inner.token_url)
            .timeout(self.inner.timeout)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_assertion_type", ASSERTION_TYPE),
                ("client_assertion", assertion.as_str()),
            ])
            .send()
            .await
            .map_err(|error| self.transport_error(&error))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|error| self.transport_error(&error))?;

        if !status.is_success() {
            // Only the OAuth error code is repeated: the description may quote the assertion.
            let code = serde_json::from_slice::<ErrorAnswer>(&body)
                .ok()
                .map(|answer| answer.error)
                .filter(|code| is_error_code(code));
            let status = status.as_u16();
            return Err(PdsError::Token(match code {
                Some(code) => format!("the token endpoint answered HTTP {status} ({code})"),
                None => format!("the token endpoint answered HTTP {status}"),
            }));
        }

        let unreadable = || {
            PdsError::Token(
                "the token endpoint's answer has no usable access_token and expires_in".into(),
            )
        };
        let answer: TokenAnswer = serde_json::from_slice(&body).map_err(|_| unreadable())?;
        // The token goes into an Authorization header as it is: visible ASCII only (RFC 6750).
        if answer.access_token.is_empty()
            || !answer.access_token.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(unreadable());
        }
        let lifetime = seconds(&answer.expires_in).ok_or_else(unreadable)?;
        let lifetime = Duration::from_secs(lifetime).min(LONGEST_TOKEN);
        tracing::debug!(
            lifetime_seconds = lifetime.as_secs(),
            "obtained a PDS access token"
        );
        Ok(Cached {
            token: answer.access_token,
            expires_at: asked_at + lifetime,
        })
    }
}

impl AccessTokens {
    /// What went wrong reaching the token endpoint, without reqwest's text (which names the
    /// URL and the underlying error in words of its own).
    fn transport_error(&self, error: &reqwest::Error) -> PdsError {
        PdsError::Token(if error.is_timeout() {
            format!(
                "the token endpoint did not answer within {} ms",
                self.inner.timeout.as_millis()
            )
        } else if error.is_connect() {
            "could not connect to the token endpoint".to_owned()
        } else {
            "the token endpoint's answer was cut off or could not be read".to_owned()
        })
    }
}

/// `expires_in` as a whole number of seconds, from a JSON number or a string of digits.
fn seconds(value: &serde_json::Value) -> Option<u64> {
    match value {
        serde_json::Value::Number(number) => number.as_u64(),
        serde_json::Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// An OAuth error code is short and made of printable ASCII (RFC 6749 §5.2); anything else in
/// that field is not repeated.
fn is_error_code(code: &str) -> bool {
    (1..=64).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};
    use std::sync::atomic::AtomicUsize;

    use axum::extract::{Form, State};
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};
    use axum::Json;
    use jsonwebtoken::{DecodingKey, Validation};
    use serde_json::json;

    use super::*;

    const PRIVATE: &[u8] = include_bytes!("../../tests/fixtures/pds-test-private.pem");
    const PUBLIC: &[u8] = include_bytes!("../../tests/fixtures/pds-test-public.pem");
    const OTHER_PUBLIC: &[u8] = include_bytes!("../../tests/fixtures/pds-test-other-public.pem");
    const KID: &str = "relink-test-1";
    const API_KEY: &str = "test-api-key-7f3a";

    /// A token endpoint that checks the client assertion as the API platform does.
    struct Platform {
        public_key: DecodingKey,
        url: String,
        expires_in: serde_json::Value,
        delay: Duration,
        /// Answer this instead of checking anything.
        refuse: Option<(StatusCode, serde_json::Value)>,
        requests: AtomicUsize,
        /// Why each refused assertion was refused.
        refusals: Mutex<Vec<String>>,
        seen_jtis: Mutex<HashSet<String>>,
    }

    #[derive(Default)]
    struct Options {
        public_key: Option<&'static [u8]>,
        expires_in: Option<serde_json::Value>,
        delay: Duration,
        refuse: Option<(StatusCode, serde_json::Value)>,
    }

    impl Platform {
        async fn start(options: Options) -> Arc<Platform> {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let platform = Arc::new(Platform {
                public_key: DecodingKey::from_rsa_pem(options.public_key.unwrap_or(PUBLIC))
                    .unwrap(),
                url: format!("http://{}/oauth2/token", listener.local_addr().unwrap()),
                expires_in: options.expires_in.unwrap_or(json!("599")),
                delay: options.delay,
                refuse: options.refuse,
                requests: AtomicUsize::new(0),
                refusals: Mutex::new(Vec::new()),
                seen_jtis: Mutex::new(HashSet::new()),
            });
            let app = axum::Router::new()
                .route("/oauth2/token", axum::routing::post(token))
                .with_state(platform.clone());
            tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
            platform
        }

        fn requests(&self) -> usize {
            self.requests.load(Ordering::SeqCst)
        }

        fn refusals(&self) -> Vec<String> {
            self.refusals.lock().unwrap().clone()
        }

        fn tokens(&self, key: &'static [u8]) -> AccessTokens {
            AccessTokens::new(
                SignedJwtConfig {
                    private_key_pem: Arc::from(key),
                    key_id: KID.to_owned(),
                    api_key: API_KEY.to_owned(),
                    token_url: self.url.clone(),
                },
                reqwest::Client::new(),
            )
            .unwrap()
        }

        /// Every check the platform makes; `Err` says which failed.
        fn check(&self, form: &HashMap<String, String>) -> Result<(), String> {
            if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
                return Err("grant_type".into());
            }
            if form.get("client_assertion_type").map(String::as_str) != Some(ASSERTION_TYPE) {
                return Err("client_assertion_type".into());
            }
            let jwt = form.get("client_assertion").ok_or("no client_assertion")?;
            let header = jsonwebtoken::decode_header(jwt).map_err(|e| format!("header: {e}"))?;
            if header.alg != Algorithm::RS512 || header.typ.as_deref() != Some("JWT") {
                return Err("alg or typ".into());
            }
            if header.kid.as_deref() != Some(KID) {
                return Err("kid".into());
            }
            let mut validation = Validation::new(Algorithm::RS512);
            validation.leeway = 0;
            validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
            validation.set_issuer(&[API_KEY]);
            validation.sub = Some(API_KEY.to_owned());
            validation.set_audience(&[&self.url]);
            let claims = jsonwebtoken::decode::<Claims>(jwt, &self.public_key, &validation)
                .map_err(|e| format!("the JWT does not verify: {e}"))?
                .claims;
            if claims.iss != API_KEY || claims.sub != API_KEY || claims.aud != self.url {
                return Err("iss, sub or aud".into());
            }
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs();
            if claims.exp <= now || claims.exp - now > 300 {
                return Err(format!("exp is {} s away", claims.exp as i64 - now as i64));
            }
            if claims.iat > now {
                return Err("iat in the future".into());
            }
            if uuid::Uuid::parse_str(&claims.jti).is_err() {
                return Err("jti".into());
            }
            if !self.seen_jtis.lock().unwrap().insert(claims.jti) {
                return Err("jti replayed".into());
            }
            Ok(())
        }
    }

    async fn token(
        State(platform): State<Arc<Platform>>,
        Form(form): Form<HashMap<String, String>>,
    ) -> Response {
        let n = platform.requests.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::time::sleep(platform.delay).await;
        if let Some((status, body)) = &platform.refuse {
            return (*status, Json(body.clone())).into_response();
        }
        match platform.check(&form) {
            Ok(()) => Json(json!({
                "access_token": format!("token-{n}"),
                "expires_in": platform.expires_in,
                "token_type": "Bearer",
                "issued_at": "1700000000000",
            }))
            .into_response(),
            Err(reason) => {
                let (status, code) = if reason.starts_with("the JWT does not verify") {
                    (StatusCode::UNAUTHORIZED, "invalid_client")
                } else {
                    (StatusCode::BAD_REQUEST, "invalid_request")
                };
                platform.refusals.lock().unwrap().push(reason.clone());
                (
                    status,
                    Json(json!({ "error": code, "error_description": reason })),
                )
                    .into_response()
            }
        }
    }

    fn token_error(result: Result<String, PdsError>) -> String {
        match result {
            Err(PdsError::Token(message)) => message,
            other => panic!("expected a token error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_good_assertion_is_exchanged_for_a_token() {
        let platform = Platform::start(Options::default()).await;
        let tokens = platform.tokens(PRIVATE);
        assert_eq!(tokens.bearer().await.unwrap(), "token-1");
        assert_eq!(platform.refusals(), Vec::<String>::new());
        assert_eq!(platform.requests(), 1);
    }

    #[tokio::test]
    async fn the_token_is_kept_and_shared_by_clones() {
        let platform = Platform::start(Options::default()).await;
        let tokens = platform.tokens(PRIVATE);
        assert_eq!(tokens.bearer().await.unwrap(), "token-1");
        assert_eq!(tokens.bearer().await.unwrap(), "token-1");
        assert_eq!(tokens.clone().bearer().await.unwrap(), "token-1");
        assert_eq!(platform.requests(), 1);
    }

    #[tokio::test]
    async fn a_token_near_its_expiry_is_replaced() {
        // 31 s (as a number this time): usable now, inside the 30 s margin a second later.
        let platform = Platform::start(Options {
            expires_in: Some(json!(31)),
            ..Options::default()
        })
        .await;
        let tokens = platform.tokens(PRIVATE);
        assert_eq!(tokens.bearer().await.unwrap(), "token-1");
        assert_eq!(tokens.bearer().await.unwrap(), "token-1");
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert_eq!(tokens.bearer().await.unwrap(), "token-2");
        assert_eq!(platform.requests(), 2);
        // Two exchanges, two different jti: the platform saw no replay.
        assert_eq!(platform.refusals(), Vec::<String>::new());
    }

    #[tokio::test]
    async fn a_token_shorter_than_the_margin_is_used_once() {
        let platform = Platform::start(Options {
            expires_in: Some(json!("20")),
            ..Options::default()
        })
        .await;
        let tokens = platform.tokens(PRIVATE);
        assert_eq!(tokens.bearer().await.unwrap(), "token-1");
        assert_eq!(tokens.bearer().await.unwrap(), "token-2");
        assert_eq!(platform.requests(), 2);
    }

    #[tokio::test]
    async fn a_forgotten_token_is_fetched_again() {
        let platform = Platform::start(Options::default()).await;
        let tokens = platform.tokens(PRIVATE);
        assert_eq!(tokens.bearer().await.unwrap(), "token-1");
        tokens.clone().forget();
        assert_eq!(tokens.bearer().await.unwrap(), "token-2");
        assert_eq!(tokens.bearer().await.unwrap(), "token-2");
        assert_eq!(platform.requests(), 2);
        assert_eq!(platform.refusals(), Vec::<String>::new());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_callers_share_one_exchange() {
        let platform = Platform::start(Options {
            delay: Duration::from_millis(300),
            ..Options::default()
        })
        .await;
        let tokens = platform.tokens(PRIVATE);
        let calls: Vec<_> = (0..10)
            .map(|_| {
                let tokens = tokens.clone();
                tokio::spawn(async move { tokens.bearer().await })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap().unwrap(), "token-1");
        }
        assert_eq!(platform.requests(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_callers_share_one_failure() {
        let platform = Platform::start(Options {
            delay: Duration::from_millis(300),
            refuse: Some((
                StatusCode::SERVICE_UNAVAILABLE,
                json!({ "error": "temporarily_unavailable" }),
            )),
            ..Options::default()
        })
        .await;
        let tokens = platform.tokens(PRIVATE);
        let calls: Vec<_> = (0..5)
            .map(|_| {
                let tokens = tokens.clone();
                tokio::spawn(async move { tokens.bearer().await })
            })
            .collect();
        for call in calls {
            let message = token_error(call.await.unwrap());
            assert_eq!(
                message,
                "the token endpoint answered HTTP 503 (temporarily_unavailable)"
            );
        }
        assert_eq!(platform.requests(), 1);
        // The failure is not kept: the next caller tries again.
        token_error(tokens.bearer().await);
        assert_eq!(platform.requests(), 2);
    }

    #[tokio::test]
    async fn an_assertion_signed_with_another_key_is_refused() {
        let platform = Platform::start(Options {
            public_key: Some(OTHER_PUBLIC),
            ..Options::default()
        })
        .await;
        let message = token_error(platform.tokens(PRIVATE).bearer().await);
        assert_eq!(
            message,
            "the token endpoint answered HTTP 401 (invalid_client)"
        );
        let refusals = platform.refusals();
        assert_eq!(refusals.len(), 1);
        assert!(refusals[0].contains("InvalidSignature"), "{refusals:?}");
    }

    #[tokio::test]
    async fn an_oauth_error_is_named_without_its_description() {
        let platform = Platform::start(Options {
            refuse: Some((
                StatusCode::BAD_REQUEST,
                json!({ "error": "invalid_request", "error_description": "Missing or non-matching iss/sub claims in JWT", "message_id": "rrt-1" }),
            )),
            ..Options::default()
        })
        .await;
        let message = token_error(platform.tokens(PRIVATE).bearer().await);
        assert_eq!(
            message,
            "the token endpoint answered HTTP 400 (invalid_request)"
        );

        // A body that is not an OAuth error gives the status alone.
        let platform = Platform::start(Options {
            refuse: Some((
                StatusCode::BAD_GATEWAY,
                json!({ "error": "<b>bad gateway</b> from 10.0.0.1" }),
            )),
            ..Options::default()
        })
        .await;
        let message = token_error(platform.tokens(PRIVATE).bearer().await);
        assert_eq!(message, "the token endpoint answered HTTP 502");
    }

    #[tokio::test]
    async fn an_answer_without_a_usable_token_is_refused() {
        for expires_in in [json!("soon"), json!(-5), json!(null)] {
            let platform = Platform::start(Options {
                expires_in: Some(expires_in.clone()),
                ..Options::default()
            })
            .await;
            let message = token_error(platform.tokens(PRIVATE).bearer().await);
            assert!(
                message.contains("no usable access_token"),
                "{expires_in}: {message}"
            );
        }
    }

    #[tokio::test]
    async fn a_slow_endpoint_is_given_up_on() {
        let platform = Platform::start(Options {
            delay: Duration::from_secs(5),
            ..Options::default()
        })
        .await;
        let tokens = AccessTokens::with_timeout(
            SignedJwtConfig {
                private_key_pem: Arc::from(PRIVATE),
                key_id: KID.to_owned(),
                api_key: API_KEY.to_owned(),
                token_url: platform.url.clone(),
            },
            reqwest::Client::new(),
            Duration::from_millis(300),
        )
        .unwrap();
        let started = Instant::now();
        let message = token_error(tokens.bearer().await);
        assert_eq!(message, "the token endpoint did not answer within 300 ms");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(tokens.inner.timeout, Duration::from_millis(300));
        assert_eq!(
            AccessTokens::new(
                SignedJwtConfig {
                    private_key_pem: Arc::from(PRIVATE),
                    key_id: KID.to_owned(),
                    api_key: API_KEY.to_owned(),
                    token_url: platform.url.clone(),
                },
                reqwest::Client::new(),
            )
            .unwrap()
            .inner
            .timeout,
            Duration::from_secs(10)
        );
    }

    #[tokio::test]
    async fn an_endpoint_that_does_not_answer_is_a_token_error() {
        // A port that was free a moment ago: nothing listens there now.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/oauth2/token", listener.local_addr().unwrap());
        drop(listener);
        let tokens = AccessTokens::new(
            SignedJwtConfig {
                private_key_pem: Arc::from(PRIVATE),
                key_id: KID.to_owned(),
                api_key: API_KEY.to_owned(),
                token_url: url,
            },
            reqwest::Client::new(),
        )
        .unwrap();
        assert_eq!(
            token_error(tokens.bearer().await),
            "could not connect to the token endpoint"
        );
    }

    #[test]
    fn a_bad_key_is_refused_at_start_up() {
        let garbage_pem = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        for key in [&b"not a key"[..], PUBLIC, garbage_pem, b""] {
            let result = AccessTokens::new(
                SignedJwtConfig {
                    private_key_pem: Arc::from(key),
                    key_id: KID.to_owned(),
                    api_key: API_KEY.to_owned(),
                    token_url: "http://127.0.0.1:1/oauth2/token".to_owned(),
                },
                reqwest::Client::new(),
            );
            match result {
                Err(PdsError::Token(message)) => {
                    assert_eq!(
                        message,
                        "PDS_PRIVATE_KEY_FILE is not an RSA private key in PEM"
                    )
                }
                Err(other) => panic!("expected a token error, got {other:?}"),
                Ok(_) => panic!("a bad key was accepted: {}", String::from_utf8_lossy(key)),
            }
        }
    }
}
