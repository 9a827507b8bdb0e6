//! One request rate for every task of this instance that talks to PDS.
//!
//! PDS allows about 5 requests a second per application and answers 429 beyond that, counting
//! requests as they *arrive*. Lookups come from many tasks at once (imports, the background
//! refresh, staff pressing "Check against PDS"), so they share one [`RateLimiter`], which does two
//! things:
//!
//! - **Spacing** (a GCRA from `governor`, burst of one): turns start `1 s / rate` apart, so the
//!   load is even rather than `rate` at once.
//! - **A window guarantee**: spacing alone decides when a request may *leave*, and the scheduler,
//!   a token fetch or the network can hold one back until it arrives next to the one after it
//!   (the rate drill on a loaded CI machine saw six arrive within 853 ms, gaps as short as 4 ms).
//!   So a turn is a [`Turn`] held for the whole request, and its place is given back only one
//!   second after the answer came. A new request starts only while fewer than `rate` places are
//!   taken, that is fewer than `rate` requests are in flight or were answered in the last second.
//!   Each request arrives at PDS after it left and before its answer came back, so any `rate + 1`
//!   arrivals include two at least a second apart: no one-second window at PDS ever holds more
//!   than `rate`, whatever the jitter.

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// How long a request's place stays taken after its answer came: the one-second window PDS
/// counts in.
const WINDOW: Duration = Duration::from_secs(1);

/// The shared limiter: clones share one quota, one set of places and one back-off, so a 429
/// seen by one task slows every task.
#[derive(Clone)]
pub struct RateLimiter {
    inner: Arc<Inner>,
}

struct Inner {
    gcra: DefaultDirectRateLimiter,
    /// `rate` places; see the module documentation.
    places: Arc<Semaphore>,
    /// After a 429, no request starts before this instant.
    not_before: Mutex<Option<Instant>>,
}

/// One request's right to be sent: hold it until the answer (or the failure) has come back.
/// Dropping it keeps its place taken for one more second.
#[must_use = "a turn must be held while its request is in flight"]
pub struct Turn {
    place: Option<OwnedSemaphorePermit>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        let Some(place) = self.place.take() else {
            return;
        };
        // Outside a runtime no request can be in flight, so there is nothing to wait for.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                tokio::time::sleep(WINDOW).await;
                drop(place);
            });
        }
    }
}

impl RateLimiter {
    /// A limiter that lets at most `rate` requests arrive in any one second, evenly spaced.
    pub fn per_second(rate: NonZeroU32) -> Self {
        let places = usize::try_from(rate.get()).unwrap_or(usize::MAX);
        Self {
            inner: Arc::new(Inner {
                gcra: governor::RateLimiter::direct(quota(rate)),
                places: Arc::new(Semaphore::new(places.min(Semaphore::MAX_PERMITS))),
                not_before: Mutex::new(None),
            }),
        }
    }

    /// Waits until this task may send one request: past any back-off, for a free place, then
    /// for its turn. Hold the [`Turn`] until the answer has come back.
    pub async fn until_ready(&self) -> Turn {
        loop {
            self.sleep_past_back_off().await;
            let place = Arc::clone(&self.inner.places)
                .acquire_owned()
                .await
                .expect("the limiter never closes its semaphore");
            self.inner.gcra.until_ready().await;
            // A 429 seen while this task waited for its turn: the turn is given up, and taken
            // again after the pause, so that tasks released together by the pause do not all
            // start at its end. The place was not used, so it is free at once.
            if self.back_off_ends().is_none() {
                return Turn { place: Some(place) };
            }
            drop(place);
        }
    }

    /// PDS answered 429: every task waits at least `pause` before its next request.
    pub fn back_off(&self, pause: Duration) {
        let Some(until) = Instant::now().checked_add(pause) else {
            return;
        };
        let mut not_before = self
            .inner
            .not_before
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if not_before.is_none_or(|current| current < until) {
            *not_before = Some(until);
        }
    }

    /// When the current back-off ends, if it has not ended yet.
    fn back_off_ends(&self) -> Option<Instant> {
        let not_before = *self
            .inner
            .not_before
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        not_before.filter(|until| *until > Instant::now())
    }

    async fn sleep_past_back_off(&self) {
        // A loop: the back-off may be extended by another 429 while this task sleeps.
        while let Some(until) = self.back_off_ends() {
            tokio::time::sleep_until(until).await;
        }
    }
}

/// The time between two turns at `rate`: `1 s / rate`, rounded up to the nanosecond (the drill
/// reports it beside what it measured).
pub fn spacing(rate: NonZeroU32) -> Duration {
    Duration::from_nanos(1_000_000_000_u64.div_ceil(u64::from(rate.get())))
}

/// One request every [`spacing`], with no burst.
fn quota(rate: NonZeroU32) -> Quota {
    Quota::with_period(spacing(rate))
        .expect("the period of a non-zero rate is at least 1 ns")
        .allow_burst(NonZeroU32::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(n: u32) -> NonZeroU32 {
        NonZeroU32::new(n).unwrap()
    }

    /// The most turns that start in any half-open one-second window `[t, t + 1 s)`, for each
    /// `t` that is a turn's own time (the windows where the count can peak).
    fn busiest_second(times: &mut [Instant]) -> usize {
        times.sort();
        times
            .iter()
            .enumerate()
            .map(|(i, start)| {
                times[i..]
                    .iter()
                    .take_while(|t| t.duration_since(*start) < Duration::from_secs(1))
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn the_interval_keeps_rate_requests_inside_a_second() {
        for n in [1, 3, 5, 7, 10, 1000] {
            let period = quota(rate(n)).replenish_interval();
            assert!(period * n >= Duration::from_secs(1), "rate {n}: {period:?}");
            assert!(
                period * n < Duration::from_secs(1) + Duration::from_nanos(u64::from(n)),
                "rate {n}: {period:?}"
            );
            assert_eq!(quota(rate(n)).burst_size(), NonZeroU32::MIN);
        }
        // The limit a u32 allows does not overflow.
        assert!(quota(rate(u32::MAX)).replenish_interval() >= Duration::from_nanos(1));
    }

    #[test]
    fn the_busiest_second_is_counted_over_sliding_windows() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        // Two per calendar second, but three inside [900 ms, 1900 ms).
        let mut times = vec![at(0), at(900), at(1000), at(1899), at(2500)];
        assert_eq!(busiest_second(&mut times), 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn twenty_tasks_at_ten_a_second_never_exceed_ten_in_any_second() {
        let limiter = RateLimiter::per_second(rate(10));
        let started = Instant::now();
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let limiter = limiter.clone();
                tokio::spawn(async move {
                    drop(limiter.until_ready().await);
                    Instant::now()
                })
            })
            .collect();
        let mut times = Vec::new();
        for task in tasks {
            times.push(task.await.unwrap());
        }
        let elapsed = times.iter().max().unwrap().duration_since(started);

        let busiest = busiest_second(&mut times);
        assert!(busiest <= 10, "{busiest} in one second: {times:?}");
        assert!(elapsed >= Duration::from_millis(1900), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_request_held_back_on_its_way_does_not_crowd_the_next_second() {
        // The first request leaves at once but arrives 950 ms later (a slow token fetch, a
        // starved scheduler); the others arrive as soon as they leave. Spacing alone would put
        // it, the tenth and the next nine turns inside [950 ms, 1950 ms): eleven at ten a second.
        let limiter = RateLimiter::per_second(rate(10));
        let tasks: Vec<_> = (0..20)
            .map(|i| {
                let limiter = limiter.clone();
                tokio::spawn(async move {
                    let turn = limiter.until_ready().await;
                    if i == 0 {
                        tokio::time::sleep(Duration::from_millis(950)).await;
                    }
                    let arrived = Instant::now();
                    // The answer takes a little while to come back.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    drop(turn);
                    arrived
                })
            })
            .collect();
        let mut arrivals = Vec::new();
        for task in tasks {
            arrivals.push(task.await.unwrap());
        }
        let busiest = busiest_second(&mut arrivals);
        assert!(busiest <= 10, "{busiest} arrived in one second");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_back_off_delays_every_tasks_next_turn() {
        let limiter = RateLimiter::per_second(rate(100));
        // The quota is not what delays anyone below: its first cell is spent before the pause.
        drop(limiter.until_ready().await);

        let paused_at = Instant::now();
        limiter.back_off(Duration::from_millis(500));
        // A shorter pause asked for later does not shorten the one in force.
        limiter.back_off(Duration::from_millis(100));
        let tasks: Vec<_> = (0..5)
            .map(|_| {
                let limiter = limiter.clone();
                tokio::spawn(async move {
                    drop(limiter.until_ready().await);
                    Instant::now()
                })
            })
            .collect();
        let mut times = Vec::new();
        for task in tasks {
            times.push(task.await.unwrap());
        }
        for time in &times {
            let waited = time.duration_since(paused_at);
            assert!(waited >= Duration::from_millis(500), "{waited:?}");
            assert!(waited < Duration::from_secs(2), "{waited:?}");
        }
        // Released together, they still take turns one interval (10 ms) apart: the fifth
        // starts four intervals after the pause ends.
        let last = times.iter().max().unwrap().duration_since(paused_at);
        assert!(last >= Duration::from_millis(540), "{last:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_back_off_reaches_a_task_already_waiting_for_its_turn() {
        let limiter = RateLimiter::per_second(rate(2));
        drop(limiter.until_ready().await);
        // The next turn is about 510 ms away; the task is waiting for it when the 429 comes.
        let waiting = {
            let limiter = limiter.clone();
            tokio::spawn(async move {
                drop(limiter.until_ready().await);
                Instant::now()
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        let paused_at = Instant::now();
        limiter.back_off(Duration::from_millis(800));

        let turn = waiting.await.unwrap();
        let waited = turn.duration_since(paused_at);
        assert!(waited >= Duration::from_millis(800), "{waited:?}");
        assert!(waited < Duration::from_secs(2), "{waited:?}");
    }
}
