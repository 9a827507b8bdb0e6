//! A bounded pool for Argon2 work. Each hash takes tens of milliseconds of CPU and 19 MiB of
//! memory: run on the async runtime it would stall page rendering, and unbounded it would let
//! a burst of resets exhaust memory. So at most `size` hashes run at once, on blocking threads,
//! and a request waits at most `max_wait` for a turn before it is told to try again.

use std::sync::{Arc, Mutex};
use std::time::Duration;

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
    hashers: Arc<Mutex<Vec<SecretHasher>>>,
    max_wait: Duration,
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
            let take = || hashers.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let mut hasher = take().unwrap_or_default();
            let result = work(&mut hasher);
            hashers
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(hasher);
            result
        })
        .await
        .map_err(|_| PoolBusy)
    }
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
        let kept = pool.hashers.lock().unwrap().len();
        assert!((1..=2).contains(&kept), "{kept} hashers for 2 slots");
    }
}
