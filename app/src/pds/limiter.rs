//! One request rate for every task of this instance, so Relink stays under PDS's limit (about
//! 5 requests a second per application) however many lookups run at once.
//!
//! A minimal version for the client's tests; helper B's `limiter.rs` replaces it at merge.

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota};
use tokio::time::Instant;

/// A shared rate limit: clones share one budget, and a pause asked for by one task (PDS answered
/// 429) holds back every task.
#[derive(Clone)]
pub struct RateLimiter {
    inner: Arc<Inner>,
}

struct Inner {
    limiter: DefaultDirectRateLimiter,
    paused_until: Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// At most `rate` requests a second across every clone.
    pub fn per_second(rate: NonZeroU32) -> Self {
        Self {
            inner: Arc::new(Inner {
                limiter: governor::RateLimiter::direct(Quota::per_second(rate)),
                paused_until: Mutex::new(None),
            }),
        }
    }

    /// Waits for this task's turn: after any pause, within the rate.
    pub async fn until_ready(&self) {
        loop {
            let paused_until = *self
                .inner
                .paused_until
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            match paused_until {
                Some(until) if until > Instant::now() => tokio::time::sleep_until(until).await,
                _ => break,
            }
        }
        self.inner.limiter.until_ready().await;
    }

    /// Holds every task back for at least `pause` (PDS said it is receiving too many requests).
    pub fn back_off(&self, pause: Duration) {
        let until = Instant::now() + pause;
        let mut paused_until = self
            .inner
            .paused_until
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if paused_until.is_none_or(|current| current < until) {
            *paused_until = Some(until);
        }
    }
}
