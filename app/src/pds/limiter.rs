//! One request rate for every task of this instance that talks to PDS.
//!
//! PDS allows about 5 requests a second per application and answers 429 beyond that. Lookups
//! come from many tasks at once (imports, the background refresh, staff pressing "Check against
//! PDS"), so they share one [`RateLimiter`]: a GCRA (`governor`) with a burst of one, which spaces
//! requests evenly. A burst quota of `rate` would let `2 × rate` requests through in one second
//! across a window boundary; even spacing keeps every one-second window at `rate` or fewer.

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota};
use tokio::time::Instant;

/// The share of each interval kept free, so that `rate` requests fit in a second even when one
/// task is woken a little later than the next: the limiter decides when a request may start,
/// and the scheduler and the network add jitter between that decision and the request on the
/// wire. 5 % of 200 ms (5 a second) is 10 ms a request, 50 ms a second: the rate drill saw
/// scheduling take up to 11 ms of a 20 ms margin on a loaded machine, so 2 % was too tight.
const MARGIN_PER_MILLE: u64 = 50;

/// The shared limiter: clones share one quota and one back-off, so a 429 seen by one task
/// slows every task.
#[derive(Clone)]
pub struct RateLimiter {
    inner: Arc<Inner>,
}

struct Inner {
    gcra: DefaultDirectRateLimiter,
    /// After a 429, no request starts before this instant.
    not_before: Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// A limiter that lets at most `rate` requests start in any one second, evenly spaced.
    pub fn per_second(rate: NonZeroU32) -> Self {
        Self {
            inner: Arc::new(Inner {
                gcra: governor::RateLimiter::direct(quota(rate)),
                not_before: Mutex::new(None),
            }),
        }
    }

    /// Waits until this task may send one request: past any back-off, then for its turn.
    pub async fn until_ready(&self) {
        loop {
            self.sleep_past_back_off().await;
            self.inner.gcra.until_ready().await;
            // A 429 seen while this task waited for its turn: the turn is given up, and taken
            // again after the pause, so that tasks released together by the pause do not all
            // start at its end.
            if self.back_off_ends().is_none() {
                return;
            }
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

/// The time between two requests at `rate`: `(1 s / rate) × 1.05`, rounded up to the
/// nanosecond (the drill reports it beside what it measured).
pub fn spacing(rate: NonZeroU32) -> Duration {
    let rate = u64::from(rate.get());
    Duration::from_nanos((1_000_000_000 * (1000 + MARGIN_PER_MILLE)).div_ceil(rate * 1000))
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
            assert!(period * n > Duration::from_secs(1), "rate {n}: {period:?}");
            assert!(
                period * n <= Duration::from_millis(1051),
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
                    limiter.until_ready().await;
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
    async fn a_back_off_delays_every_tasks_next_turn() {
        let limiter = RateLimiter::per_second(rate(100));
        // The quota is not what delays anyone below: its first cell is spent before the pause.
        limiter.until_ready().await;

        let paused_at = Instant::now();
        limiter.back_off(Duration::from_millis(500));
        // A shorter pause asked for later does not shorten the one in force.
        limiter.back_off(Duration::from_millis(100));
        let tasks: Vec<_> = (0..5)
            .map(|_| {
                let limiter = limiter.clone();
                tokio::spawn(async move {
                    limiter.until_ready().await;
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
        // Released together, they still take turns one interval (10.2 ms) apart: the fifth
        // starts four intervals after the pause ends.
        let last = times.iter().max().unwrap().duration_since(paused_at);
        assert!(last >= Duration::from_millis(540), "{last:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_back_off_reaches_a_task_already_waiting_for_its_turn() {
        let limiter = RateLimiter::per_second(rate(2));
        limiter.until_ready().await;
        // The next turn is about 510 ms away; the task is waiting for it when the 429 comes.
        let waiting = {
            let limiter = limiter.clone();
            tokio::spawn(async move {
                limiter.until_ready().await;
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
