//! A bounded pool for Argon2 work. Each hash takes tens of milliseconds of CPU and 19 MiB of
//! memory: run on the async runtime it would stall page rendering, and unbounded it would let
//! a burst of resets exhaust memory. So at most `size` hashes run at once, on blocking threads,
//! and a request waits at most `max_wait` for a turn before it is told to try again.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

/// The pool was busy for longer than a request may wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the service is busy")]
pub struct PoolBusy;

#[derive(Debug, Clone)]
pub struct HashingPool {
    permits: Arc<Semaphore>,
    max_wait: Duration,
}

impl HashingPool {
    pub fn new(size: usize, max_wait: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(size.max(1))),
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

    /// Runs CPU-heavy `work` on a blocking thread once a slot is free.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PoolBusy> {
        let permit = tokio::time::timeout(self.max_wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| PoolBusy)?
            .map_err(|_| PoolBusy)?;
        tokio::task::spawn_blocking(move || {
            let _slot = permit;
            work()
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
            busy.run(|| std::thread::sleep(Duration::from_millis(500)))
                .await
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(pool.run(|| 1).await, Err(PoolBusy));
        long.await.unwrap().unwrap();
        assert_eq!(pool.run(|| 2).await, Ok(2));
    }
}
