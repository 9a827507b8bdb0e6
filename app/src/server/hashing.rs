//! A bounded pool for Argon2 work. Each hash takes tens of milliseconds of CPU and 19 MiB of
//! memory: run on the async runtime it would stall page rendering, and unbounded it would let
//! a burst of resets exhaust memory. So `size` threads of its own do the hashing, each with one
//! working memory, taking queued work in turn; a request waits at most `max_wait` for its work
//! to start before it is told to try again.
//!
//! A thread that finishes a hash takes the next one straight from the queue. The pool used to
//! hand each hash to a new `spawn_blocking` task once a semaphore permit came free: two wake-ups
//! between one hash and the next, while the core sat idle (docs/PERFORMANCE.md, item 3).

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use crate::secrets::SecretHasher;

/// The pool was busy for longer than a request may wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the service is busy")]
pub struct PoolBusy;

/// How long a hashing thread keeps its 19 MiB working memory without work: a server that
/// hashed once an hour ago should not hold it. The next hash makes a new one.
const RELEASE_AFTER: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct HashingPool {
    queue: Arc<QueueOwner>,
    max_wait: Duration,
    /// How many pieces of work have started, on this handle and its clones.
    started: Arc<AtomicU64>,
}

/// Work for a hashing thread, with that thread's working memory.
type Job = Box<dyn FnOnce(&mut SecretHasher) + Send>;

struct Queue {
    state: Mutex<QueueState>,
    work_ready: Condvar,
    /// How many hashing threads hold a working memory now.
    memories: AtomicUsize,
    release_after: Duration,
}

struct QueueState {
    jobs: VecDeque<Job>,
    /// False once every handle on the pool is gone: the threads then end.
    open: bool,
}

/// Closes the queue when the last [`HashingPool`] handle goes (a test server, say), so its
/// threads end instead of waiting for ever.
struct QueueOwner(Arc<Queue>);

impl Drop for QueueOwner {
    fn drop(&mut self) {
        self.0.lock().open = false;
        self.0.work_ready.notify_all();
    }
}

/// Where a queued piece of work is: whichever of the hashing thread (starting it) and the
/// request (giving up after `max_wait`) moves it out of `QUEUED` first decides.
const QUEUED: u8 = 0;
const STARTED: u8 = 1;
const ABANDONED: u8 = 2;

impl std::fmt::Debug for HashingPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HashingPool")
            .field("queued", &self.queue.0.lock().jobs.len())
            .field("max_wait", &self.max_wait)
            .finish()
    }
}

impl HashingPool {
    pub fn new(size: usize, max_wait: Duration) -> Self {
        Self::with_release_after(size, max_wait, RELEASE_AFTER)
    }

    /// As [`Self::new`], with threads that give their working memory back after
    /// `release_after` without work.
    pub fn with_release_after(size: usize, max_wait: Duration, release_after: Duration) -> Self {
        let queue = Arc::new(Queue {
            state: Mutex::new(QueueState {
                jobs: VecDeque::new(),
                open: true,
            }),
            work_ready: Condvar::new(),
            memories: AtomicUsize::new(0),
            release_after,
        });
        for n in 0..size.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("relink-hashing-{n}"))
                .spawn(move || queue.work())
                .expect("the system can start a hashing thread");
        }
        Self {
            queue: Arc::new(QueueOwner(queue)),
            max_wait,
            started: Arc::new(AtomicU64::new(0)),
        }
    }

    /// One thread per core: more would only queue inside the kernel instead of here.
    pub fn per_core(max_wait: Duration) -> Self {
        Self::new(
            std::thread::available_parallelism().map_or(2, usize::from),
            max_wait,
        )
    }

    /// Runs CPU-heavy `work` on a hashing thread, with that thread's working memory, once one
    /// is free. Waits at most `max_wait` for the work to start; once started it finishes.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut SecretHasher) -> T + Send + 'static,
    ) -> Result<T, PoolBusy> {
        let (send, mut result) = tokio::sync::oneshot::channel();
        let progress = Arc::new(AtomicU8::new(QUEUED));
        let job_progress = progress.clone();
        let started = self.started.clone();
        let job: Job = Box::new(move |hasher| {
            let start =
                job_progress.compare_exchange(QUEUED, STARTED, Ordering::AcqRel, Ordering::Acquire);
            // Skipped when the request gave up waiting or went away (its client left).
            if start.is_ok() && !send.is_closed() {
                started.fetch_add(1, Ordering::SeqCst);
                let _ = send.send(work(hasher));
            }
        });
        let queue = &self.queue.0;
        queue.lock().jobs.push_back(job);
        queue.work_ready.notify_one();
        match tokio::time::timeout(self.max_wait, &mut result).await {
            Ok(done) => done.map_err(|_| PoolBusy),
            Err(_) => {
                let gave_up = progress.compare_exchange(
                    QUEUED,
                    ABANDONED,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                );
                match gave_up {
                    Ok(_) => Err(PoolBusy),
                    // It started just now: it finishes like any other.
                    Err(_) => result.await.map_err(|_| PoolBusy),
                }
            }
        }
    }

    /// How many pieces of work have started on this pool (any handle): what a request cost in
    /// Argon2 runs, so tests can check that cheap refusals cost none.
    pub fn work_started(&self) -> u64 {
        self.started.load(Ordering::SeqCst)
    }

    #[cfg(test)]
    fn memories(&self) -> usize {
        self.queue.0.memories.load(Ordering::SeqCst)
    }
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A hashing thread: takes work in turn until the pool is dropped, and gives its working
    /// memory back after `release_after` without work.
    fn work(&self) {
        let mut hasher: Option<SecretHasher> = None;
        loop {
            let job = {
                let mut state = self.lock();
                loop {
                    if let Some(job) = state.jobs.pop_front() {
                        break Some(job);
                    }
                    if !state.open {
                        break None;
                    }
                    let (next, waited) = self
                        .work_ready
                        .wait_timeout(state, self.release_after)
                        .unwrap_or_else(|e| e.into_inner());
                    state = next;
                    if waited.timed_out() && state.jobs.is_empty() && hasher.take().is_some() {
                        self.memories.fetch_sub(1, Ordering::SeqCst);
                    }
                }
            };
            let Some(job) = job else { return };
            let memory = hasher.get_or_insert_with(|| {
                self.memories.fetch_add(1, Ordering::SeqCst);
                SecretHasher::new()
            });
            // A panic in the work fails that request only (its sender is dropped); the
            // memory it may have left half-written is not reused.
            if std::panic::catch_unwind(AssertUnwindSafe(|| job(memory))).is_err() {
                hasher = None;
                self.memories.fetch_sub(1, Ordering::SeqCst);
            }
        }
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
    async fn work_that_started_finishes_even_past_the_wait() {
        // The wait leaves room for the thread to pick the work up on a loaded machine; the work
        // then runs three times as long as the wait.
        let pool = HashingPool::new(1, Duration::from_millis(250));
        let slow = pool.run(|_| {
            std::thread::sleep(Duration::from_millis(750));
            "done"
        });
        assert_eq!(slow.await, Ok("done"));
    }

    #[tokio::test]
    async fn abandoned_work_is_skipped() {
        let pool = HashingPool::new(1, Duration::from_millis(30));
        let ran = Arc::new(AtomicUsize::new(0));
        let busy = pool.clone();
        let long = tokio::spawn(async move {
            busy.run(|_| std::thread::sleep(Duration::from_millis(200)))
                .await
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        let counted = ran.clone();
        let refused = pool
            .run(move |_| counted.fetch_add(1, Ordering::SeqCst))
            .await;
        assert_eq!(refused, Err(PoolBusy));
        long.await.unwrap().unwrap();
        assert_eq!(pool.run(|_| ()).await, Ok(()));
        assert_eq!(
            ran.load(Ordering::SeqCst),
            0,
            "work the request gave up on never ran"
        );
        assert_eq!(
            pool.work_started(),
            2,
            "the long work and the last; not the abandoned"
        );
    }

    #[tokio::test]
    async fn a_panic_fails_one_request_and_the_thread_goes_on() {
        let pool = HashingPool::new(1, Duration::from_secs(5));
        assert_eq!(
            pool.run(|_| -> u8 { panic!("bad work") }).await,
            Err(PoolBusy)
        );
        assert_eq!(pool.run(|_| 3).await, Ok(3));
    }

    #[tokio::test]
    async fn threads_reuse_their_memory_and_give_it_back_when_quiet() {
        let pool =
            HashingPool::with_release_after(2, Duration::from_secs(5), Duration::from_millis(300));
        let runs: Vec<_> = (0..8)
            .map(|_| {
                let pool = pool.clone();
                tokio::spawn(async move { pool.run(|hasher| hasher.hash("lemon harbour")).await })
            })
            .collect();
        for run in runs {
            assert!(run.await.unwrap().unwrap().starts_with("$argon2id$"));
        }
        let kept = pool.memories();
        assert!(
            (1..=2).contains(&kept),
            "{kept} working memories for 2 threads"
        );
        tokio::time::sleep(Duration::from_millis(1000)).await;
        assert_eq!(pool.memories(), 0, "quiet long enough: memory given back");
        assert!(pool.run(|hasher| hasher.hash("again")).await.is_ok());
        assert_eq!(pool.memories(), 1);
    }
}
