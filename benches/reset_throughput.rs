//! Reset throughput against the raw Argon2id hash rate on this machine.
//!
//! Run with `cargo bench --bench reset_throughput`. Starts the real router on a loopback port
//! with a fresh SQLite file, seeds N patients with valid PIN documents, then measures:
//! 1. the raw rate of Argon2id hashes (OWASP parameters) on all cores;
//! 2. verifications per second (step 1 of the journey: one Argon2 verify each);
//! 3. complete resets per second (both steps: one verify and one hash each);
//! 4. the latency of a page (GET /reset-passphrase, one request at a time) on the idle server
//!    and while the resets saturate the hashing pool.
//!
//! Each client uses its own loopback source address so the per-client limit is not what is
//! measured. Bounded: N resets, and every request has a timeout.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "../tests/common/mod.rs"]
mod common;

use app::secrets::hash_secret;
use app::server::{self, Config};
use common::seed;

const PATIENTS: usize = 160;
const CLIENTS: usize = 16;

#[tokio::main]
async fn main() {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!("cores: {cores}");

    // 1. Raw Argon2id rate on every core.
    let per_thread = 20;
    let started = Instant::now();
    let threads: Vec<_> = (0..cores)
        .map(|i| {
            std::thread::spawn(move || {
                (0..per_thread).for_each(|j| drop(hash_secret(&format!("raw-{i}-{j}"))))
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    let raw_rate = (cores * per_thread) as f64 / started.elapsed().as_secs_f64();
    println!("raw Argon2id hashes per second: {raw_rate:.1}");

    // A server on a fresh database, with PATIENTS valid PIN documents.
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let config = Config::new(url, "127.0.0.1:0", dir.path().join("site"), true).unwrap();
    let state = server::prepare(&config).await.unwrap();
    seed::seed_patients(&state.db, PATIENTS).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = server::router(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let base = Arc::new(format!("http://{addr}"));

    // 4 (before): page latency on an idle server.
    let idle = page_latencies(base.clone(), Arc::new(AtomicBool::new(false)), 300).await;

    // 2 and 3: CLIENTS clients in parallel, each its own source address, each taking its share;
    // meanwhile one more client keeps reading a page (4, during).
    let stop = Arc::new(AtomicBool::new(false));
    let reader = tokio::spawn(page_latencies(base.clone(), stop.clone(), usize::MAX));
    let started = Instant::now();
    let mut verify_time = Duration::ZERO;
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let base = base.clone();
            tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 1, c as u8 + 1)))
                    .redirect(reqwest::redirect::Policy::none())
                    .timeout(Duration::from_secs(30))
                    .build()
                    .unwrap();
                let mut verify = Duration::ZERO;
                for n in (c..PATIENTS).step_by(CLIENTS) {
                    let t = Instant::now();
                    let cookie = step_one(&client, &base, n).await;
                    verify += t.elapsed();
                    step_two(&client, &base, &cookie).await;
                }
                verify
            })
        })
        .collect();
    for task in tasks {
        verify_time += task.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::SeqCst);
    let busy = reader.await.unwrap();
    let resets_per_second = PATIENTS as f64 / elapsed;
    // Verification throughput: verifications completed per second of wall time spent in step 1,
    // with CLIENTS in flight (total client time / clients approximates its wall time).
    let verify_wall = verify_time.as_secs_f64() / CLIENTS as f64;
    let verifications_per_second = PATIENTS as f64 / verify_wall;
    println!("complete resets: {PATIENTS} in {elapsed:.2} s = {resets_per_second:.1} per second");
    println!(
        "  each reset costs 2 Argon2 operations: {:.0}% of the raw rate ({:.1} operations per second)",
        100.0 * 2.0 * resets_per_second / raw_rate,
        2.0 * resets_per_second
    );
    println!(
        "verifications (step 1, interleaved with step 2): about {verifications_per_second:.1} per second, {:.0}% of the raw rate",
        100.0 * verifications_per_second / raw_rate
    );
    let (mut idle, mut busy) = (idle, busy);
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
