//! A bounded pool for Argon2 work. Each hash takes tens of milliseconds of CPU and 19 MiB of
//! memory: run on the async runtime it would stall page rendering, and unbounded it would let
//! a burst of resets exhaust memory. So at most `size` hashes run at once, on blocking threads,
//! and a request waits at most `max_wait` for a turn before it is told to try again.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use crate::secrets::SecretHasher;

/// The pool was busy for longer than a request may wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the service is busy")]
pub struct PoolBusy;

#[derive(Clone)]
pub struct HashingPool {
    permits: Arc<Semaphore>,
    /// One Argon2 working memory per slot, made on first use and then reused: a slot takes one
    /// while it runs and puts it back, so there are never more than `size`.
    hashers: Arc<Mutex<IdleHashers>>,
    max_wait: Duration,
}

/// The hashers not in use, and when one was last put back.
#[derive(Default)]
struct IdleHashers {
    hashers: Vec<SecretHasher>,
    last_used: Option<Instant>,
}

impl std::fmt::Debug for HashingPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HashingPool")
            .field("free_slots", &self.permits.available_permits())
            .field("max_wait", &self.max_wait)
            .finish()
    }
}

impl HashingPool {
    pub fn new(size: usize, max_wait: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(size.max(1))),
            hashers: Arc::default(),
            max_wait,
        }
    }

    /// One slot per core: more would only queue inside the kernel instead of here.
    pub fn per_core(max_wait: Duration) -> Self {
        Self::new(
            std::thread::available_parallelism().map_or(2, usize::from),
            max_wait,
        )
    }

    /// Runs CPU-heavy `work` on a blocking thread once a slot is free, with the slot's hasher.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut SecretHasher) -> T + Send + 'static,
    ) -> Result<T, PoolBusy> {
        let permit = tokio::time::timeout(self.max_wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| PoolBusy)?
            .map_err(|_| PoolBusy)?;
        let hashers = self.hashers.clone();
        tokio::task::spawn_blocking(move || {
            let _slot = permit;
            let take = || lock(&hashers).hashers.pop();
            let mut hasher = take().unwrap_or_default();
            let result = work(&mut hasher);
            let mut idle = lock(&hashers);
            idle.hashers.push(hasher);
            idle.last_used = Some(Instant::now());
            result
        })
        .await
        .map_err(|_| PoolBusy)
    }

    /// Gives the hashers' memory back (19 MiB each) when none has been used for `quiet`: a
    /// server that hashed once an hour ago should not hold it. The next hash makes a new one.
    pub fn release_idle(&self, quiet: Duration) {
        let mut idle = lock(&self.hashers);
        if idle.last_used.is_some_and(|at| at.elapsed() >= quiet) {
            idle.hashers.clear();
            idle.last_used = None;
        }
    }

    /// Calls [`Self::release_idle`] every quarter of `quiet` for as long as the server runs,
    /// so the memory goes back between `quiet` and 1.25 × `quiet` after the last hash.
    pub fn spawn_releaser(&self, quiet: Duration) {
        let pool = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(quiet / 4);
            loop {
                every.tick().await;
                pool.release_idle(quiet);
            }
        });
    }

    #[cfg(test)]
    fn kept(&self) -> usize {
        lock(&self.hashers).hashers.len()
    }
}

fn lock(hashers: &Mutex<IdleHashers>) -> std::sync::MutexGuard<'_, IdleHashers> {
    hashers.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_saturated_pool_refuses_after_the_wait() {
        let pool = HashingPool::new(1, Duration::from_millis(50));
        let busy = pool.clone();
        let long = tokio::spawn(async move {
            busy.run(|_| std::thread::sleep(Duration::from_millis(500)))
                .await
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(pool.run(|_| 1).await, Err(PoolBusy));
        long.await.unwrap().unwrap();
        assert_eq!(pool.run(|_| 2).await, Ok(2));
    }

    #[tokio::test]
    async fn slots_reuse_their_hasher_instead_of_making_more() {
        let pool = HashingPool::new(2, Duration::from_secs(5));
        let runs: Vec<_> = (0..8)
            .map(|_| {
                let pool = pool.clone();
                tokio::spawn(async move { pool.run(|hasher| hasher.hash("lemon harbour")).await })
            })
            .collect();
        for run in runs {
            assert!(run.await.unwrap().unwrap().starts_with("$argon2id$"));
        }
        let kept = pool.kept();
        assert!((1..=2).contains(&kept), "{kept} hashers for 2 slots");
        pool.release_idle(Duration::from_secs(60));
        assert_eq!(pool.kept(), kept, "used just now: kept");
        pool.release_idle(Duration::ZERO);
        assert_eq!(pool.kept(), 0, "quiet long enough: memory given back");
        assert!(pool.run(|hasher| hasher.hash("again")).await.is_ok());
        assert_eq!(pool.kept(), 1);
    }
}
