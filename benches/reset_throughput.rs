//! Reset throughput against the raw Argon2id hash rate on this machine.
//!
//! Run with `cargo bench --bench reset_throughput`. Starts the real router on a loopback port
//! with a fresh SQLite file, seeds patients with valid PIN documents, then measures:
//! 1. the raw rate of Argon2id hashes (OWASP parameters) on all cores, each thread reusing one
//!    working memory: the most these cores can do (and, for reference, allocating per hash),
//!    before and again after step 2, which is compared with their mean;
//! 2. complete resets per second (both steps: one verify and one hash each), nothing else
//!    running, against that raw rate;
//! 3. the latency of a page (GET /reset-passphrase, one request at a time) on the idle server
//!    and while a second batch of resets saturates the hashing pool.
//!
//! The allocator is set up as `relink` sets it (src/main.rs), so the server measured here
//! allocates as the real one does. Each client uses its own loopback source address so the
//! per-client limit is not what is measured. Bounded: 2 × N resets, and every request has a
//! timeout.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "../tests/it/common/mod.rs"]
mod common;

use app::secrets::{hash_secret, SecretHasher};
use app::server::{self, Config};
use common::seed;

const PATIENTS: usize = 160;
const CLIENTS: usize = 16;

fn main() {
    // As src/main.rs does, before any other thread exists.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: first thing in main, single-threaded; mallopt only changes allocator settings.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 16 << 20);
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(run());
}

/// Hashes per second on every core, `per_thread` each, with `hash` run by each thread.
fn raw_rate(cores: usize, per_thread: usize, hash: fn(&mut SecretHasher, &str)) -> f64 {
    let started = Instant::now();
    let threads: Vec<_> = (0..cores)
        .map(|i| {
            std::thread::spawn(move || {
                let mut hasher = SecretHasher::new();
                (0..per_thread).for_each(|j| hash(&mut hasher, &format!("raw-{i}-{j}")))
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    (cores * per_thread) as f64 / started.elapsed().as_secs_f64()
}

async fn run() {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!("cores: {cores}");

    // 1. Raw Argon2id rate on every core: measured again after the resets, since this shared
    //    machine's speed drifts, and the resets are compared with the mean of the two.
    let per_thread = 100;
    let reusing = |hasher: &mut SecretHasher, secret: &str| drop(hasher.hash(secret));
    let raw_before = raw_rate(cores, per_thread, reusing);
    let allocating = raw_rate(cores, per_thread / 4, |_, secret| drop(hash_secret(secret)));
    println!(
        "raw Argon2id hashes per second: {raw_before:.1} reusing memory; {allocating:.1} allocating per hash"
    );

    // A server on a fresh database, with 2 × PATIENTS valid PIN documents.
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let config = Config::new(url, "127.0.0.1:0", dir.path().join("site"), true).unwrap();
    let state = server::prepare(&config).await.unwrap();
    seed::seed_patients(&state.db, 2 * PATIENTS).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = server::service(state);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let base = Arc::new(format!("http://{addr}"));

    // 2. Resets alone: PATIENTS of them from CLIENTS clients in parallel.
    let cpu_before = process_cpu_seconds();
    let elapsed = resets(base.clone(), 0..PATIENTS).await;
    let cores_busy = (process_cpu_seconds() - cpu_before) / elapsed;
    let resets_per_second = PATIENTS as f64 / elapsed;
    let raw_after = raw_rate(cores, per_thread, reusing);
    let raw = (raw_before + raw_after) / 2.0;
    println!("complete resets: {PATIENTS} in {elapsed:.2} s = {resets_per_second:.1} per second, {cores_busy:.2} of {cores} cores busy");
    println!(
        "  each reset costs 2 Argon2 operations: {:.1} operations per second, {:.0}% of the raw rate (budget 85%; raw {raw_before:.1} before and {raw_after:.1} after the resets)",
        2.0 * resets_per_second,
        100.0 * 2.0 * resets_per_second / raw
    );

    // 3. Page latency idle, then while the next PATIENTS resets saturate the hashing pool.
    let mut idle = page_latencies(base.clone(), Arc::new(AtomicBool::new(false)), 300).await;
    let stop = Arc::new(AtomicBool::new(false));
    let reader = tokio::spawn(page_latencies(base.clone(), stop.clone(), usize::MAX));
    resets(base.clone(), PATIENTS..2 * PATIENTS).await;
    stop.store(true, Ordering::SeqCst);
    let mut busy = reader.await.unwrap();
    let (idle_p99, busy_p99) = (percentile(&mut idle, 0.99), percentile(&mut busy, 0.99));
    println!(
        "page GET /reset-passphrase: idle p50 {:.2} ms p99 {idle_p99:.2} ms ({} requests); while resets saturate the hashing pool p50 {:.2} ms p99 {busy_p99:.2} ms ({} requests): p99 ratio {:.2} (budget 3)",
        percentile(&mut idle, 0.5),
        idle.len(),
        percentile(&mut busy, 0.5),
        busy.len(),
        busy_p99 / idle_p99
    );
}

/// Resets the patients in `range` from CLIENTS clients in parallel; returns the seconds taken.
async fn resets(base: Arc<String>, range: std::ops::Range<usize>) -> f64 {
    let started = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let base = base.clone();
            let range = range.clone();
            tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 1, c as u8 + 1)))
                    .redirect(reqwest::redirect::Policy::none())
                    .timeout(Duration::from_secs(30))
                    .build()
                    .unwrap();
                for n in range.skip(c).step_by(CLIENTS) {
                    let cookie = step_one(&client, &base, n).await;
                    step_two(&client, &base, &cookie).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    started.elapsed().as_secs_f64()
}

async fn step_one(client: &reqwest::Client, base: &str, n: usize) -> String {
    let account = seed::account_id(n);
    let form = [
        ("account_id", account.as_str()),
        ("ods_code", seed::ODS),
        ("pin_passphrase", seed::PIN),
        ("date_of_birth_day", "1"),
        ("date_of_birth_month", "2"),
        ("date_of_birth_year", "1980"),
    ];
    let response = client
        .post(format!("{base}/reset-passphrase"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "step 1 for {account}");
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

async fn step_two(client: &reqwest::Client, base: &str, cookie: &str) {
    let form = [
        ("new_passphrase", "carpet orbit lemon harbour"),
        ("confirm_passphrase", "carpet orbit lemon harbour"),
    ];
    let response = client
        .post(format!("{base}/reset-passphrase/new-passphrase"))
        .header("cookie", cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "step 2");
}

/// Reads GET /reset-passphrase one request at a time, `count` times or until `stop`; returns
/// each latency in milliseconds.
async fn page_latencies(base: Arc<String>, stop: Arc<AtomicBool>, count: usize) -> Vec<f64> {
    let client = reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 2, 1)))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut latencies = Vec::new();
    while latencies.len() < count && !stop.load(Ordering::SeqCst) {
        let started = Instant::now();
        let response = client
            .get(format!("{base}/reset-passphrase"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.bytes().await.unwrap();
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    latencies
}

fn percentile(latencies: &mut [f64], q: f64) -> f64 {
    latencies.sort_by(f64::total_cmp);
    latencies[((latencies.len() - 1) as f64 * q).round() as usize]
}

/// User and system CPU time of this process so far: how many cores a phase kept busy.
fn process_cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
