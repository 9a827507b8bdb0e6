//! Can response times tell an attacker which Account IDs and NHS numbers exist? (issue #7)
//!
//! Run with `cargo bench --bench enumeration_timing`. Starts the real router on a loopback port
//! with a fresh SQLite file and seeded patients, then, for each door a guesser could knock on,
//! sends wrong details for identifiers that exist and for ones that do not, interleaved in a
//! shuffled order (so drift on this shared machine hits both alike), one request at a time:
//! 1. reset step 1: a real Account ID with a wrong PIN passphrase vs an unknown Account ID;
//! 2. sign-in: a real Account ID (with a passphrase set) and a wrong passphrase vs unknown;
//! 3. replacement identity check: a real NHS number with a wrong postcode vs an unknown number.
//!
//! Every answer must be the same generic 422 page ("do not match our records"); the report
//! gives medians, the 10th and 90th percentiles, and the difference of the medians. Every
//! identifier, known or not, is tried four times (throttles allow five), so both arms do the same
//! throttle work, and each request comes from its own loopback address.

#[path = "../tests/it/common/mod.rs"]
mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use app::db::accounts;
use app::pages::reset_passphrase::NO_MATCH;
use app::secrets::hash_secret;
use app::server::{self, Config};
use common::seed;

/// Samples per arm (known, unknown) per door.
const SAMPLES: usize = 200;
/// Tries per existing identifier (each throttle allows five).
const TRIES_EACH: usize = 4;

#[tokio::main]
async fn main() {
    let known_per_door = SAMPLES.div_ceil(TRIES_EACH);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("timing.db").display());
    let config = Config::new(url, "127.0.0.1:0", dir.path().join("site"), true).unwrap();
    let state = server::prepare(&config).await.unwrap();
    // Patients 0.. for reset, then sign-in, then replacement.
    seed::seed_patients(&state.db, 3 * known_per_door).await;
    let passphrase_hash = hash_secret("correct horse battery staple");
    for n in known_per_door..2 * known_per_door {
        let row = format!("seeded-account-{n}");
        accounts::set_passphrase_hash(state.db.pool(), &row, Some(&passphrase_hash))
            .await
            .unwrap();
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = server::service(state);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let base = format!("http://{addr}");

    println!("{SAMPLES} requests per arm, one at a time, shuffled; times in milliseconds");
    println!(
        "{:<44} {:>8} {:>8} {:>8}   {:>8} {:>8} {:>8}   {:>10}",
        "door", "known", "p10", "p90", "unknown", "p10", "p90", "difference"
    );
    let (dob_day, dob_month, dob_year) = seed::DATE_OF_BIRTH;
    let doors: [(&str, Door); 3] = [
        ("reset: Account ID + wrong PIN passphrase", &|n, known| {
            let account = if known {
                seed::account_id(n)
            } else {
                format!("{}", 4_100_000_000u64 + n as u64)
            };
            (
                "/reset-passphrase",
                vec![
                    ("account_id", account),
                    ("ods_code", seed::ODS.into()),
                    ("pin_passphrase", "wrong-pin-1".into()),
                    ("date_of_birth_day", dob_day.into()),
                    ("date_of_birth_month", dob_month.into()),
                    ("date_of_birth_year", dob_year.into()),
                ],
            )
        }),
        ("sign-in: Account ID + wrong passphrase", &|n, known| {
            let account = if known {
                seed::account_id(known_per_door + n)
            } else {
                format!("{}", 4_200_000_000u64 + n as u64)
            };
            (
                "/sign-in",
                vec![
                    ("account_id", account),
                    ("ods_code", seed::ODS.into()),
                    ("passphrase", "not the passphrase at all".into()),
                ],
            )
        }),
        ("replacement: NHS number + wrong postcode", &|n, known| {
            let number = if known {
                seed::nhs_number(2 * known_per_door + n)
            } else {
                seed::nhs_number(3 * known_per_door + n)
            };
            (
                "/replace-account",
                vec![
                    ("nhs_number", number.digits().to_owned()),
                    ("date_of_birth_day", dob_day.into()),
                    ("date_of_birth_month", dob_month.into()),
                    ("date_of_birth_year", dob_year.into()),
                    ("postcode", "ZZ9 9ZZ".into()),
                ],
            )
        }),
    ];

    let mut client_number = 0u32;
    for (name, door) in doors {
        // Arm order: SAMPLES of each, shuffled with a fixed-seed generator (repeatable).
        let mut order: Vec<(bool, usize)> = (0..SAMPLES)
            .flat_map(|i| [(true, i / TRIES_EACH), (false, i / TRIES_EACH)])
            .collect();
        shuffle(&mut order, 0x5eed);
        let (mut known, mut unknown) = (Vec::new(), Vec::new());
        for (is_known, n) in order {
            client_number += 1;
            let client = reqwest::Client::builder()
                .local_address(IpAddr::V4(Ipv4Addr::from(
                    u32::from(Ipv4Addr::new(127, 1, 0, 0)) + client_number,
                )))
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap();
            let (path, form) = door(n, is_known);
            let started = Instant::now();
            let response = client
                .post(format!("{base}{path}"))
                .form(&form)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body = response.text().await.unwrap();
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            assert!(
                status == 422 && body.contains(NO_MATCH),
                "{name} {form:?}: not the generic answer: {status} {body}"
            );
            if is_known { &mut known } else { &mut unknown }.push(elapsed);
        }
        let (k, u) = (summary(&mut known), summary(&mut unknown));
        println!(
            "{name:<44} {:>8.2} {:>8.2} {:>8.2}   {:>8.2} {:>8.2} {:>8.2}   {:>+7.2} ms ({:+.1}%)",
            k.0,
            k.1,
            k.2,
            u.0,
            u.1,
            u.2,
            k.0 - u.0,
            100.0 * (k.0 - u.0) / u.0
        );
    }
}

/// A door: for patient index `n` and whether the identifier should exist, the path and form.
type Door<'a> = &'a dyn Fn(usize, bool) -> (&'static str, Vec<(&'static str, String)>);

/// Median, 10th and 90th percentile.
fn summary(times: &mut [f64]) -> (f64, f64, f64) {
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.1), at(0.9))
}

/// Fisher–Yates with a small xorshift generator: no dependency needed for a fixed shuffle.
fn shuffle<T>(items: &mut [T], mut state: u64) {
    for i in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        items.swap(i, (state % (i as u64 + 1)) as usize);
    }
}
