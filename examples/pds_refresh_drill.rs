//! The PDS rate drill (issue #21): N patients (1,000 by default) refreshed from a local PDS by
//! the real background refresh (`server::spine_refresh::refresh_round`, 16 lookups in flight,
//! all through the client's shared limiter) never put more than the configured rate (5 a second
//! by default) into any one-second window.
//!
//! The PDS here is a small axum server that answers `GET /Patient/{nhs}` with a minimal valid
//! FHIR Patient and notes when each request arrived, so the count is of requests as PDS would
//! see them, after the scheduler and the network have added their jitter. `--429-every K`
//! refuses the first request of every K-th patient with a 429, to show that the back-off keeps
//! the rate too. The drill fails (exit 1) if any one-second window holds more than the rate, if
//! a request came without an `X-Request-ID` (or with one seen before), if the round reports a
//! failure, or if any patient ends without a stored PDS record.
//!
//! Run by `scripts/reliability/pds-rate.sh` (and in the background by `scripts/test.sh`).

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use app::db::patients::{self, Patient, PatientServiceSettings};
use app::db::practices::{self, Practice, PracticeServices};
use app::domain::{ClinicalSystem, NhsNumber, OdsCode, RecordAccessLevel, VisibleFromRule};
use app::pds::{PdsAuth, PdsConfig};
use app::server::{self, spine_refresh, Config};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use clap::Parser;
use time::macros::date;

/// The drill's one practice (a made-up ODS code).
const ODS: &str = "D00001";
/// The first nine digits of the drill's NHS numbers start here (the 999 test range).
const FIRST_PREFIX: u32 = 999_300_000;
/// More patients than this would run out of test-range prefixes and take hours at 5 a second.
const MAX_PATIENTS: usize = 100_000;

#[derive(Parser)]
#[command(about = "PDS refresh rate drill: N patients at a limit, counted per second")]
struct Args {
    /// How many patients to refresh.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u32).range(1..=MAX_PATIENTS as i64))]
    patients: u32,
    /// The limit given to the client (`PDS_REQUESTS_PER_SECOND`): no one-second window may hold
    /// more requests than this.
    #[arg(long, default_value_t = NonZeroU32::new(5).expect("5 is not zero"))]
    rate: NonZeroU32,
    /// The limit the client is configured with, when it should differ from `--rate` (set it
    /// higher to see the drill catch a client that sends too much).
    #[arg(long)]
    client_rate: Option<NonZeroU32>,
    /// Answer 429 to the first request of every K-th patient (none by default).
    #[arg(long = "429-every", value_parser = clap::value_parser!(u32).range(1..))]
    too_many_every: Option<u32>,
}

/// What the drill itself can fail on before it gets to count (setting up is not the test).
#[derive(Debug, thiserror::Error)]
enum DrillError {
    #[error("temporary directory: {0}")]
    TempDir(#[from] std::io::Error),
    #[error("configuration: {0}")]
    Config(#[from] server::ConfigError),
    #[error("server state: {0}")]
    Start(#[from] server::StartError),
    #[error("database: {0}")]
    Db(#[from] app::db::DbError),
    #[error("database query: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("the drill's own data is invalid: {0}")]
    Data(&'static str),
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    match drill(&args).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("pds-rate drill could not run: {error}");
            ExitCode::from(2)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The patients.

/// The modulus-11 check digit of nine digits, or `None` when it would be 10 (no valid number
/// has those nine digits).
fn check_digit(nine: &[u8; 9]) -> Option<u8> {
    let sum: u32 = nine
        .iter()
        .zip((2..=10).rev())
        .map(|(digit, weight)| u32::from(*digit) * weight)
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        check => u8::try_from(check).ok(),
    }
}

/// Valid NHS numbers in the test range, in order from [`FIRST_PREFIX`].
fn nhs_numbers() -> impl Iterator<Item = NhsNumber> {
    (FIRST_PREFIX..=999_999_999).filter_map(|prefix| {
        let digits = prefix.to_string();
        let nine: [u8; 9] = digits
            .bytes()
            .map(|b| b - b'0')
            .collect::<Vec<_>>()
            .try_into()
            .ok()?;
        let check = check_digit(&nine)?;
        NhsNumber::parse(&format!("{digits}{check}")).ok()
    })
}

/// One practice and `count` patients (not test patients: the refresh skips those), in one
/// transaction.
async fn seed(state: &server::AppState, count: usize) -> Result<Vec<NhsNumber>, DrillError> {
    let ods = OdsCode::parse(ODS).map_err(|_| DrillError::Data("ODS code"))?;
    let numbers: Vec<NhsNumber> = nhs_numbers().take(count).collect();
    if numbers.len() < count {
        return Err(DrillError::Data("not enough test-range NHS numbers"));
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut tx = state.db.pool().begin().await?;
    let practice = Practice {
        ods_code: ods.clone(),
        name: "Drill Surgery".into(),
        clinical_system: ClinicalSystem::Emis,
        services: PracticeServices::ALL,
    };
    practices::upsert(&mut *tx, &practice).await?;
    for (n, nhs_number) in numbers.iter().enumerate() {
        let patient = Patient {
            id: format!("drill-patient-{n}"),
            practice_ods: ods.clone(),
            nhs_number: *nhs_number,
            is_test: false,
            joined_practice_on: date!(2015 - 06 - 01),
            access_requested_on: None,
            record_access: RecordAccessLevel::None,
            visible_from_rule: VisibleFromRule::JoinedPractice,
            visible_from_set: None,
            settings: PatientServiceSettings {
                appointments: true,
                prescriptions: true,
                record: true,
                messages: true,
            },
        };
        patients::upsert(&mut *tx, &patient, now).await?;
    }
    tx.commit().await?;
    Ok(numbers)
}

// ---------------------------------------------------------------------------------------------
// The counting PDS.

/// One request as the PDS saw it.
struct Arrival {
    at: Instant,
    nhs: String,
    request_id: Option<String>,
    refused: bool,
}

#[derive(Clone)]
struct CountingPds {
    arrivals: Arc<Mutex<Vec<Arrival>>>,
    too_many_every: Option<u32>,
    /// Patients seen so far (first requests), to pick every K-th for a 429.
    first_seen: Arc<Mutex<HashSet<String>>>,
}

async fn patient(
    State(pds): State<CountingPds>,
    Path(nhs): Path<String>,
    headers: HeaderMap,
) -> Response {
    let at = Instant::now();
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // Only a patient's first request can be refused, so a lookup meets at most one 429.
    let refused = {
        let mut seen = pds
            .first_seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let first = seen.insert(nhs.clone());
        let nth = u32::try_from(seen.len()).unwrap_or(u32::MAX);
        first && pds.too_many_every.is_some_and(|k| nth.is_multiple_of(k))
    };
    pds.arrivals
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(Arrival {
            at,
            nhs: nhs.clone(),
            request_id,
            refused,
        });
    if refused {
        return (StatusCode::TOO_MANY_REQUESTS, "Too Many Requests").into_response();
    }
    let body = serde_json::json!({
        "resourceType": "Patient",
        "id": nhs,
        "meta": {
            "versionId": "1",
            "security": [{
                "system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
                "code": "U",
                "display": "unrestricted"
            }]
        },
        "name": [{"use": "usual", "given": ["Drill"], "family": "Patient"}],
        "gender": "unknown",
        "birthDate": "1980-02-01"
    });
    (
        [(header::CONTENT_TYPE, "application/fhir+json")],
        body.to_string(),
    )
        .into_response()
}

async fn start_pds(pds: CountingPds) -> Result<SocketAddr, DrillError> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let router = axum::Router::new()
        .route("/Patient/{nhs}", axum::routing::get(patient))
        .with_state(pds);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            eprintln!("the counting PDS stopped: {error}");
        }
    });
    Ok(addr)
}

// ---------------------------------------------------------------------------------------------
// Counting.

/// The most arrivals in any half-open window `[t, t + 1 s)`, over every `t` that is an arrival
/// (where the count peaks), and the time of the first arrival of that window.
fn busiest_window(times: &[Instant]) -> (usize, usize) {
    let mut best = (0, 0);
    let mut end = 0;
    for (start, t) in times.iter().enumerate() {
        end = end.max(start);
        while end < times.len() && times[end].duration_since(*t) < Duration::from_secs(1) {
            end += 1;
        }
        if end - start > best.0 {
            best = (end - start, start);
        }
    }
    best
}

/// Arrivals per whole second since the first one.
fn per_calendar_second(times: &[Instant]) -> BTreeMap<u64, usize> {
    let mut seconds = BTreeMap::new();
    if let Some(first) = times.first() {
        for t in times {
            *seconds
                .entry(t.duration_since(*first).as_secs())
                .or_default() += 1;
        }
    }
    seconds
}

async fn drill(args: &Args) -> Result<bool, DrillError> {
    sqlx::any::install_default_drivers();
    let count = usize::try_from(args.patients).map_err(|_| DrillError::Data("patients"))?;
    let rate = args.rate.get();

    let counting = CountingPds {
        arrivals: Arc::default(),
        too_many_every: args.too_many_every,
        first_seen: Arc::default(),
    };
    let pds_addr = start_pds(counting.clone()).await?;

    let dir = tempfile::tempdir()?;
    let database_url = format!("sqlite://{}", dir.path().join("pds-drill.db").display());
    let mut config = Config::new(database_url, "127.0.0.1:0", dir.path().join("site"), false)?;
    // Nothing in the background but what is measured.
    config.retention_interval = None;
    config.pds_refresh_interval = None;
    config.pds = Some(PdsConfig {
        base_url: format!("http://{pds_addr}"),
        auth: PdsAuth::None,
        requests_per_second: args.client_rate.unwrap_or(args.rate),
        attempt_timeout: Duration::from_secs(10),
        attempts: 3,
    });
    let state = server::prepare(&config).await?;
    let client = state
        .pds
        .clone()
        .ok_or(DrillError::Data("prepare built no PDS client"))?;
    let numbers = seed(&state, count).await?;
    println!(
        "pds-rate drill: {count} patients, limit {rate} a second (client set to {}), {}",
        args.client_rate.unwrap_or(args.rate),
        args.too_many_every.map_or_else(
            || "no 429s".to_owned(),
            |k| format!("429 for the first request of every {k}th patient")
        )
    );

    // Every patient has never been read, so every one is due: one round of `count`.
    let started = Instant::now();
    let limit = i64::try_from(count).map_err(|_| DrillError::Data("patients"))?;
    let round = spine_refresh::refresh_round(&state, &client, Duration::ZERO, limit).await?;
    let elapsed = started.elapsed();

    let arrivals = std::mem::take(
        &mut *counting
            .arrivals
            .lock()
            .unwrap_or_else(PoisonError::into_inner),
    );
    let mut times: Vec<Instant> = arrivals.iter().map(|a| a.at).collect();
    times.sort();

    // The table: seconds since the first request, ten to a line.
    let seconds = per_calendar_second(&times);
    let last_second = seconds.keys().next_back().copied().unwrap_or(0);
    println!("requests per second since the first (10 seconds a line):");
    for row in (0..=last_second).step_by(10) {
        let counts: Vec<String> = (row..(row + 10).min(last_second + 1))
            .map(|s| format!("{:>2}", seconds.get(&s).copied().unwrap_or(0)))
            .collect();
        println!("  {row:>5} s: {}", counts.join(" "));
    }
    let busiest_calendar = seconds.values().copied().max().unwrap_or(0);
    let (busiest, busiest_at) = busiest_window(&times);
    let span = match (times.first(), times.last()) {
        (Some(first), Some(last)) => last.duration_since(*first),
        _ => Duration::ZERO,
    };
    let achieved = if span.is_zero() {
        0.0
    } else {
        (times.len().saturating_sub(1)) as f64 / span.as_secs_f64()
    };
    let gaps = times.windows(2).map(|w| w[1].duration_since(w[0]));
    let shortest_gap = gaps.clone().min().unwrap_or_default();
    // How close the run came to the limit: `rate + 1` requests in a row must span a second or
    // more for no window to hold `rate + 1`.
    let over = usize::try_from(rate)
        .unwrap_or(usize::MAX)
        .saturating_add(1);
    let tightest = times
        .windows(over)
        .map(|w| w[over - 1].duration_since(w[0]))
        .min();
    let refused = arrivals.iter().filter(|a| a.refused).count();
    println!(
        "requests: {} ({} answered 429), over {:.1} s; round took {:.1} s; achieved {achieved:.3} a second \
         (client spacing {:.1} ms); shortest gap between requests {:.1} ms",
        times.len(),
        refused,
        span.as_secs_f64(),
        elapsed.as_secs_f64(),
        app::pds::limiter::spacing(args.client_rate.unwrap_or(args.rate)).as_secs_f64() * 1000.0,
        shortest_gap.as_secs_f64() * 1000.0,
    );
    println!(
        "busiest calendar second: {busiest_calendar}; busiest sliding one-second window: {busiest} \
         (from {:.3} s)",
        times
            .get(busiest_at)
            .zip(times.first())
            .map_or(0.0, |(t, first)| t.duration_since(*first).as_secs_f64())
    );
    if let Some(tightest) = tightest {
        println!(
            "tightest {over} requests in a row spanned {:.1} ms (more than 1000 ms: no window over {rate})",
            tightest.as_secs_f64() * 1000.0
        );
    }
    println!(
        "round: {} asked, {} answered, {} failed",
        round.asked, round.answered, round.failed
    );

    let mut problems = Vec::new();
    if busiest > args.rate.get() as usize {
        problems.push(format!(
            "{busiest} requests inside one second, over the limit of {rate}"
        ));
    }
    let without_id = arrivals.iter().filter(|a| a.request_id.is_none()).count();
    if without_id > 0 {
        problems.push(format!(
            "{without_id} requests came without an X-Request-ID"
        ));
    }
    let ids: HashSet<&str> = arrivals
        .iter()
        .filter_map(|a| a.request_id.as_deref())
        .collect();
    if ids.len() + without_id != arrivals.len() {
        problems.push("an X-Request-ID was sent twice".to_owned());
    }
    let asked: HashSet<&str> = arrivals.iter().map(|a| a.nhs.as_str()).collect();
    let seeded: HashSet<String> = numbers.iter().map(|n| n.digits().to_owned()).collect();
    if asked.len() != count || asked.iter().any(|n| !seeded.contains(*n)) {
        problems.push(format!(
            "PDS was asked about {} distinct numbers, not the {count} seeded",
            asked.len()
        ));
    }
    if arrivals.len() != count + refused {
        problems.push(format!(
            "{} requests for {count} patients and {refused} refusals: lookups repeated",
            arrivals.len()
        ));
    }
    if round.asked != count || round.answered != count || round.failed > 0 {
        problems.push(format!(
            "the round asked {}, answered {}, failed {} (of {count})",
            round.asked, round.answered, round.failed
        ));
    }
    let (stored,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM pds_records r JOIN patients p ON p.id = r.patient_id
         WHERE r.status = 'found' AND r.family_name = 'Patient' AND r.version_id = '1'",
    )
    .fetch_one(state.db.pool())
    .await?;
    println!("stored PDS records: {stored} of {count}");
    if usize::try_from(stored).ok() != Some(count) {
        problems.push(format!("{stored} stored PDS records, not {count}"));
    }

    state.db.close().await;
    if problems.is_empty() {
        println!("pds-rate drill: held (no one-second window over {rate})");
        Ok(true)
    } else {
        for problem in &problems {
            eprintln!("PDS RATE DRILL FAILED: {problem}");
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_match_the_parser() {
        // 943 476 591 9 is the NHS's own example number.
        assert_eq!(check_digit(&[9, 4, 3, 4, 7, 6, 5, 9, 1]), Some(9));
        let numbers: Vec<NhsNumber> = nhs_numbers().take(50).collect();
        assert_eq!(numbers.len(), 50);
        assert!(numbers.windows(2).all(|w| w[0].digits() < w[1].digits()));
    }

    #[test]
    fn the_busiest_window_slides() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        // Two per calendar second, but three inside [900 ms, 1900 ms).
        let times = [at(0), at(900), at(1000), at(1899), at(2500)];
        assert_eq!(busiest_window(&times), (3, 1));
        assert_eq!(per_calendar_second(&times).values().max(), Some(&2));
        assert_eq!(busiest_window(&[]), (0, 0));
    }
}
