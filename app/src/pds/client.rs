//! The PDS HTTP client: `GET {base}/Patient/{nhs-number}`, with every documented answer turned
//! into a [`Lookup`] or a [`PdsError`], in bounded time.
//!
//! Each attempt waits for the shared [`RateLimiter`], sends a fresh `X-Request-ID`, and may take
//! at most `attempt_timeout`. 408, 429, 5xx, timeouts and failed connections are tried again,
//! up to `attempts` in all, after an exponential back-off with full jitter (so many tasks that
//! failed together do not come back together); a 429 pauses every task through the limiter.
//! Bodies over [`MAX_BODY`] are refused unread. Logs carry the request ID, the status, the
//! attempt and the time taken, never an NHS number, a name or a body.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::header::{HeaderValue, ACCEPT, RETRY_AFTER};
use reqwest::StatusCode;

use super::auth::AccessTokens;
use super::fhir;
use super::limiter::RateLimiter;
use super::{Lookup, PdsAuth, PdsConfig, PdsError};
use crate::domain::NhsNumber;

/// The largest body read from PDS (a Patient is a few kilobytes): anything longer is refused.
pub const MAX_BODY: usize = 1024 * 1024;
/// The first retry waits up to this long; each further one up to twice as long as the last.
const BACKOFF_BASE: Duration = Duration::from_millis(200);
/// No wait between attempts is longer than this (nor a 429's `Retry-After` honoured beyond it),
/// so a lookup's time stays bounded.
const BACKOFF_CAP: Duration = Duration::from_secs(5);

/// A client for one PDS; clones share the HTTP connections, the rate limit and the token.
#[derive(Clone)]
pub struct PdsClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    tokens: Option<AccessTokens>,
    limiter: RateLimiter,
    attempts: u32,
}

/// What one attempt came to.
enum Attempt {
    /// An answer about the patient (or a refusal no retry changes).
    Done(Result<Lookup, PdsError>),
    /// Worth trying again after a back-off; `error` is reported if no attempt is left.
    Retry(PdsError),
    /// 429: try again once every task has paused (`Retry-After`, when PDS gave one).
    SlowDown(Option<Duration>),
    /// 401 with a token: it may have been revoked early; try once with a new one.
    NewToken,
}

impl PdsClient {
    /// Builds the HTTP client (rustls, no redirects, the per-attempt timeout), the rate limiter
    /// and, for application-restricted access, the token source.
    pub fn new(config: PdsConfig) -> Result<Self, PdsError> {
        let base_url = config.base_url.trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|_| PdsError::Config("the PDS base URL is not a URL".into()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(PdsError::Config(
                "the PDS base URL is not http or https".into(),
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(config.attempt_timeout)
            .connect_timeout(config.attempt_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("relink/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| PdsError::Config("the HTTP client could not be built".into()))?;
        let tokens = match config.auth {
            PdsAuth::None => None,
            PdsAuth::SignedJwt(jwt) => Some(AccessTokens::new(jwt, http.clone())?),
        };
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base_url,
                tokens,
                limiter: RateLimiter::per_second(config.requests_per_second),
                attempts: config.attempts.max(1),
            }),
        })
    }

    /// Reads the patient's record. `correlation_id` ties PDS's logs to Relink's (the request
    /// ID of the page or job that asked); it must be a valid header value.
    pub async fn read_patient(
        &self,
        nhs_number: &NhsNumber,
        correlation_id: &str,
    ) -> Result<Lookup, PdsError> {
        let correlation = HeaderValue::from_str(correlation_id)
            .map_err(|_| PdsError::Config("the correlation ID is not a header value".into()))?;
        let url = format!("{}/Patient/{}", self.inner.base_url, nhs_number.digits());
        let mut attempt = 0;
        let mut token_renewed = false;
        loop {
            attempt += 1;
            let last = attempt >= self.inner.attempts;
            let turn = self.inner.limiter.until_ready().await;
            let outcome = self.attempt(&url, nhs_number, &correlation, attempt).await;
            drop(turn);
            match outcome {
                Attempt::Done(result) => return result,
                Attempt::NewToken => match &self.inner.tokens {
                    Some(tokens) if !token_renewed => {
                        token_renewed = true;
                        tokens.forget();
                        // A retry with a new token is not one of the `attempts`.
                        attempt -= 1;
                    }
                    _ => return Err(PdsError::AccessDenied { status: 401 }),
                },
                Attempt::Retry(error) if last => return Err(error),
                Attempt::Retry(_) => tokio::time::sleep(backoff(attempt)).await,
                Attempt::SlowDown(retry_after) => {
                    let pause =
                        retry_after.map_or_else(|| backoff(attempt), |d| d.min(BACKOFF_CAP));
                    self.inner.limiter.back_off(pause);
                    if last {
                        return Err(PdsError::RateLimited);
                    }
                }
            }
        }
    }

    async fn attempt(
        &self,
        url: &str,
        asked: &NhsNumber,
        correlation: &HeaderValue,
        attempt: u32,
    ) -> Attempt {
        let request_id = uuid::Uuid::new_v4().to_string();
        let started = Instant::now();
        let mut request = self
            .inner
            .http
            .get(url)
            .header("X-Request-ID", &request_id)
            .header("X-Correlation-ID", correlation.clone())
            .header(ACCEPT, "application/fhir+json");
        if let Some(tokens) = &self.inner.tokens {
            match tokens.bearer().await {
                Ok(token) => request = request.bearer_auth(token),
                Err(error) => return Attempt::Done(Err(error)),
            }
        }
        let elapsed_ms = || u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                let timed_out = error.is_timeout();
                tracing::warn!(
                    request_id,
                    attempt,
                    elapsed_ms = elapsed_ms(),
                    timed_out,
                    "PDS request failed without an answer"
                );
                return Attempt::Retry(if timed_out {
                    PdsError::TimedOut
                } else {
                    PdsError::Unavailable { status: 0 }
                });
            }
        };
        let status = response.status();
        let retry_after = retry_after(response.headers().get(RETRY_AFTER));
        // The body is read only when it says something; error bodies of other statuses are not.
        let body = if matches!(status.as_u16(), 200 | 400 | 404) {
            match read_bounded(response).await {
                Ok(body) => Some(body),
                Err(failure) => {
                    tracing::warn!(
                        request_id,
                        status = status.as_u16(),
                        attempt,
                        elapsed_ms = elapsed_ms(),
                        "PDS answer's body could not be read: {}",
                        failure.describe()
                    );
                    return failure.into_attempt(status);
                }
            }
        } else {
            None
        };
        let verdict = judge(
            status,
            body.as_deref().unwrap_or_default(),
            asked,
            retry_after,
        );
        if matches!(verdict, Attempt::Done(_)) {
            tracing::info!(
                request_id,
                status = status.as_u16(),
                attempt,
                elapsed_ms = elapsed_ms(),
                "PDS answered"
            );
        } else {
            tracing::warn!(
                request_id,
                status = status.as_u16(),
                attempt,
                elapsed_ms = elapsed_ms(),
                "PDS answered with a status worth retrying"
            );
        }
        verdict
    }
}

/// What an answer means (the body read only for 200, 400 and 404).
fn judge(
    status: StatusCode,
    body: &[u8],
    asked: &NhsNumber,
    retry_after: Option<Duration>,
) -> Attempt {
    let outcome = || fhir::parse_outcome(body).map(|o| o.spine_code);
    match status.as_u16() {
        200 => Attempt::Done(
            match fhir::parse_patient(body, time::OffsetDateTime::now_utc().date()) {
                Ok(record) if record.nhs_number == *asked => Ok(Lookup::Found(record)),
                Ok(record) => Ok(Lookup::Superseded {
                    asked: *asked,
                    record,
                }),
                Err(error) => Err(PdsError::Malformed(error.to_string())),
            },
        ),
        404 => Attempt::Done(match outcome().as_deref() {
            Ok("RESOURCE_NOT_FOUND") => Ok(Lookup::NotFound),
            Ok("INVALIDATED_RESOURCE") => Ok(Lookup::Invalidated),
            Ok(code) => Err(PdsError::Malformed(format!(
                "HTTP 404 with code {}",
                printable(code)
            ))),
            Err(error) => Err(PdsError::Malformed(format!("HTTP 404: {error}"))),
        }),
        400 => Attempt::Done(match outcome().as_deref() {
            Ok("INVALID_RESOURCE_ID" | "INVALID_VALUE") => Err(PdsError::InvalidNhsNumber),
            Ok(code) => Err(PdsError::Malformed(format!(
                "HTTP 400 with code {}",
                printable(code)
            ))),
            Err(error) => Err(PdsError::Malformed(format!("HTTP 400: {error}"))),
        }),
        401 => Attempt::NewToken,
        403 => Attempt::Done(Err(PdsError::AccessDenied { status: 403 })),
        408 => Attempt::Retry(PdsError::TimedOut),
        429 => Attempt::SlowDown(retry_after),
        code @ 500..=599 => Attempt::Retry(PdsError::Unavailable { status: code }),
        code => Attempt::Done(Err(PdsError::Malformed(format!("unexpected HTTP {code}")))),
    }
}

/// A code from the server, safe to put in a message: printable ASCII, at most 64 characters.
fn printable(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(64)
        .collect()
}

/// `Retry-After` in seconds (PDS does not send the HTTP-date form).
fn retry_after(header: Option<&HeaderValue>) -> Option<Duration> {
    let seconds: u64 = header?.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(seconds))
}

/// Full jitter: a random wait between zero and `BACKOFF_BASE × 2^(attempt − 1)`, capped.
fn backoff(attempt: u32) -> Duration {
    let ceiling = BACKOFF_BASE
        .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
        .min(BACKOFF_CAP);
    let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(rand::thread_rng().gen_range(0..=ceiling_ms))
}

enum BodyFailure {
    TooLarge,
    TimedOut,
    Broken,
}

impl BodyFailure {
    fn describe(&self) -> &'static str {
        match self {
            Self::TooLarge => "longer than 1 MiB",
            Self::TimedOut => "timed out",
            Self::Broken => "the connection broke",
        }
    }

    fn into_attempt(self, status: StatusCode) -> Attempt {
        match self {
            Self::TooLarge => Attempt::Done(Err(PdsError::Malformed(format!(
                "HTTP {} with a body longer than 1 MiB",
                status.as_u16()
            )))),
            Self::TimedOut => Attempt::Retry(PdsError::TimedOut),
            Self::Broken => Attempt::Retry(PdsError::Unavailable { status: 0 }),
        }
    }
}

/// The body, chunk by chunk, refused as soon as it passes [`MAX_BODY`].
async fn read_bounded(mut response: reqwest::Response) -> Result<Vec<u8>, BodyFailure> {
    if response
        .content_length()
        .is_some_and(|length| length > MAX_BODY as u64)
    {
        return Err(BodyFailure::TooLarge);
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BODY {
                    return Err(BodyFailure::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(error) if error.is_timeout() => return Err(BodyFailure::TimedOut),
            Err(_) => return Err(BodyFailure::Broken),
        }
    }
}

/// Names the client without its settings (the configuration's own Debug hides its keys).
impl std::fmt::Debug for PdsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdsClient").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_full_jitter_and_is_capped() {
        for attempt in 1..=40 {
            let ceiling = BACKOFF_BASE
                .saturating_mul(2u32.saturating_pow(attempt - 1))
                .min(BACKOFF_CAP);
            for _ in 0..50 {
                assert!(backoff(attempt) <= ceiling);
            }
        }
        // Jitter: not every wait is the ceiling.
        assert!((0..50).any(|_| backoff(3) < Duration::from_millis(800)));
        assert!((0..200).map(|_| backoff(10)).max().unwrap() > Duration::from_secs(2));
    }

    #[test]
    fn retry_after_is_seconds_or_nothing() {
        let header = |v: &str| HeaderValue::from_str(v).unwrap();
        assert_eq!(
            retry_after(Some(&header("2"))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            retry_after(Some(&header("Wed, 21 Oct 2015 07:28:00 GMT"))),
            None
        );
        assert_eq!(retry_after(Some(&header("-1"))), None);
        assert_eq!(retry_after(None), None);
    }

    #[test]
    fn codes_from_the_server_are_made_printable_and_short() {
        assert_eq!(printable("INVALID\u{7}_VALUE é"), "INVALID_VALUE");
        assert_eq!(printable(&"A".repeat(500)).len(), 64);
    }

    #[test]
    fn a_bad_base_url_is_refused_at_start_up() {
        let config = |base_url: &str| PdsConfig {
            base_url: base_url.into(),
            auth: PdsAuth::None,
            requests_per_second: std::num::NonZeroU32::new(5).unwrap(),
            attempt_timeout: Duration::from_secs(1),
            attempts: 3,
        };
        assert!(matches!(
            PdsClient::new(config("not a url")),
            Err(PdsError::Config(_))
        ));
        assert!(matches!(
            PdsClient::new(config("ftp://pds.example")),
            Err(PdsError::Config(_))
        ));
        assert!(PdsClient::new(config("http://127.0.0.1:9000/")).is_ok());
    }
}
