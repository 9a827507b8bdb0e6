//! The PDS client against NHS England's own sandbox (the documented test patients), and against
//! a local server that misbehaves in each way PDS can (429, 5xx, slowness, bad or endless
//! bodies, a superseded record, refused credentials). Time bounds are upper bounds, generous:
//! they show a lookup ends, not how fast.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::domain::{Confidentiality, NhsNumber, OdsCode};
use app::pds::{fhir, Lookup, PdsAuth, PdsClient, PdsConfig, PdsError};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use time::macros::date;

use crate::common::{log, pds_sandbox};

fn nhs(digits: &str) -> NhsNumber {
    NhsNumber::parse(digits).unwrap()
}

fn config(base_url: &str) -> PdsConfig {
    PdsConfig {
        base_url: base_url.to_owned(),
        auth: PdsAuth::None,
        requests_per_second: NonZeroU32::new(50).unwrap(),
        attempt_timeout: Duration::from_millis(500),
        attempts: 3,
    }
}

fn client(base_url: &str) -> PdsClient {
    PdsClient::new(config(base_url)).unwrap()
}

const CORRELATION: &str = "relink-test-correlation";

fn vendored(file: &str) -> Vec<u8> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vendor");
    std::fs::read(root.join(file)).unwrap()
}

fn error_stub(code: &str) -> Vec<u8> {
    vendored(&format!(
        "pds-spec/karate-tests/src/test/java/mocks/stubs/errorResponses/{code}.json"
    ))
}

fn is_uuid_v4(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
        && groups[2].starts_with('4')
}

// ---- Against the sandbox ----

#[tokio::test]
async fn sandbox_full_record_9000000009() {
    let log = log::capture_this_thread();
    let pds = client(&pds_sandbox::url().await);
    let Lookup::Found(record) = pds
        .read_patient(&nhs("9000000009"), CORRELATION)
        .await
        .unwrap()
    else {
        panic!("expected the record")
    };
    assert_eq!(record.nhs_number, nhs("9000000009"));
    assert_eq!(record.version.as_deref(), Some("2"));
    assert_eq!(record.given_name.as_deref(), Some("Jane"));
    assert_eq!(record.family_name.as_deref(), Some("Smith"));
    assert_eq!(record.birth_date, Some(date!(2010 - 10 - 22)));
    assert_eq!(record.gender.as_deref(), Some("female"));
    assert_eq!(record.gp_ods, Some(OdsCode::parse("Y12345").unwrap()));
    assert_eq!(record.deceased_on, Some(date!(2010 - 10 - 22)));
    assert_eq!(record.confidentiality, Confidentiality::Unrestricted);
    let address = record.address.unwrap();
    assert_eq!(address.postcode.as_deref(), Some("LS1 6AE"));
    assert_eq!(
        address.lines.first().map(String::as_str),
        Some("1 Trevelyan Square")
    );
    assert_eq!(address.lines.len(), 5);

    // The log says a lookup happened, and nothing about whom.
    let text = log.text();
    assert!(text.contains("PDS answered"), "{text}");
    assert!(text.contains("request_id="), "{text}");
    for personal in [
        "9000000009",
        "900 000 0009",
        "Jane",
        "Smith",
        "LS1 6AE",
        "Trevelyan",
    ] {
        assert!(!text.contains(personal), "{personal} logged: {text}");
    }
}

#[tokio::test]
async fn sandbox_restricted_record_9000000025_has_no_address() {
    let pds = client(&pds_sandbox::url().await);
    let Lookup::Found(record) = pds
        .read_patient(&nhs("9000000025"), CORRELATION)
        .await
        .unwrap()
    else {
        panic!("expected the record")
    };
    assert_eq!(record.confidentiality, Confidentiality::Restricted);
    assert_eq!(record.address, None);
    assert_eq!(record.gp_ods, None);
    assert_eq!(record.family_name.as_deref(), Some("Smythe"));
}

#[tokio::test]
async fn sandbox_minimal_record_9000000033() {
    let pds = client(&pds_sandbox::url().await);
    let Lookup::Found(record) = pds
        .read_patient(&nhs("9000000033"), CORRELATION)
        .await
        .unwrap()
    else {
        panic!("expected the record")
    };
    assert_eq!(record.nhs_number, nhs("9000000033"));
    assert_eq!(record.version.as_deref(), Some("2"));
    assert_eq!(
        (
            record.given_name,
            record.family_name,
            record.birth_date,
            record.address
        ),
        (None, None, None, None)
    );
    assert_eq!(record.confidentiality, Confidentiality::Unrestricted);
}

#[tokio::test]
async fn sandbox_9111231130_is_not_found() {
    let pds = client(&pds_sandbox::url().await);
    assert_eq!(
        pds.read_patient(&nhs("9111231130"), CORRELATION).await,
        Ok(Lookup::NotFound)
    );
}

/// 9000000000 fails the Modulus 11 check, so Relink never holds it as an [`NhsNumber`] and
/// never sends it. The sandbox's real answer to it is still what the client must read as
/// "PDS does not accept this number": a proxy sends the sandbox 9000000000 in place of the
/// number the client asked for, and hands back the sandbox's answer unchanged.
#[tokio::test]
async fn sandbox_9000000000_is_an_invalid_nhs_number() {
    assert!(NhsNumber::parse("9000000000").is_err());
    let proxy = Proxy::start(pds_sandbox::url().await, "9000000000").await;
    let pds = client(&proxy.base);
    assert_eq!(
        pds.read_patient(&nhs("9000000009"), CORRELATION).await,
        Err(PdsError::InvalidNhsNumber)
    );
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1, "a 400 is not retried");
    assert_eq!(seen[0].status, 400);
}

/// The sandbox echoes the request and correlation IDs the client sent; the client sends a
/// fresh UUID v4 request ID each time, and the caller's correlation ID.
#[tokio::test]
async fn sandbox_echoes_the_request_id() {
    let proxy = Proxy::start(pds_sandbox::url().await, "9000000009").await;
    let pds = client(&proxy.base);
    for _ in 0..2 {
        assert!(matches!(
            pds.read_patient(&nhs("9000000009"), CORRELATION).await,
            Ok(Lookup::Found(_))
        ));
    }
    let seen = proxy.seen();
    assert_eq!(seen.len(), 2);
    for exchange in &seen {
        let sent = exchange.sent_request_id.as_deref().unwrap();
        assert!(is_uuid_v4(sent), "{sent}");
        assert_eq!(exchange.echoed_request_id.as_deref(), Some(sent));
        assert_eq!(exchange.sent_correlation_id.as_deref(), Some(CORRELATION));
        assert_eq!(exchange.echoed_correlation_id.as_deref(), Some(CORRELATION));
    }
    assert_ne!(seen[0].sent_request_id, seen[1].sent_request_id);

    // Without an X-Request-ID the sandbox refuses, as PDS does: the header matters.
    let response = reqwest::get(format!("{}/Patient/9000000009", pds_sandbox::url().await))
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let outcome = fhir::parse_outcome(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(outcome.spine_code, "MISSING_VALUE");
}

/// Forwards `GET /Patient/{any}` to the sandbox as `GET /Patient/{target}`, with the client's
/// headers, and notes what was sent and echoed.
struct Proxy {
    base: String,
    seen: Arc<Mutex<Vec<Exchange>>>,
}

#[derive(Clone, Debug)]
struct Exchange {
    status: u16,
    sent_request_id: Option<String>,
    echoed_request_id: Option<String>,
    sent_correlation_id: Option<String>,
    echoed_correlation_id: Option<String>,
}

#[derive(Clone)]
struct ProxyState {
    sandbox: String,
    target: &'static str,
    http: reqwest::Client,
    seen: Arc<Mutex<Vec<Exchange>>>,
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

impl Proxy {
    async fn start(sandbox: String, target: &'static str) -> Self {
        async fn forward(
            State(state): State<ProxyState>,
            Path(_asked): Path<String>,
            headers: HeaderMap,
        ) -> Response {
            let mut request = state
                .http
                .get(format!("{}/Patient/{}", state.sandbox, state.target));
            for name in ["x-request-id", "x-correlation-id", "accept"] {
                if let Some(value) = headers.get(name) {
                    request = request.header(name, value.clone());
                }
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let echoed = response.headers().clone();
            let body = response.bytes().await.unwrap();
            state.seen.lock().unwrap().push(Exchange {
                status,
                sent_request_id: header(&headers, "x-request-id"),
                echoed_request_id: header(&echoed, "x-request-id"),
                sent_correlation_id: header(&headers, "x-correlation-id"),
                echoed_correlation_id: header(&echoed, "x-correlation-id"),
            });
            (StatusCode::from_u16(status).unwrap(), body.to_vec()).into_response()
        }
        let seen = Arc::new(Mutex::new(Vec::new()));
        let state = ProxyState {
            sandbox,
            target,
            http: reqwest::Client::new(),
            seen: seen.clone(),
        };
        let router = axum::Router::new()
            .route("/Patient/{nhs}", axum::routing::get(forward))
            .with_state(state);
        Self {
            base: serve(router).await,
            seen,
        }
    }

    fn seen(&self) -> Vec<Exchange> {
        self.seen.lock().unwrap().clone()
    }
}

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

// ---- Against a local server that misbehaves ----

/// One scripted answer.
#[derive(Clone)]
enum Reply {
    Body(u16, Vec<u8>),
    TooMany { retry_after: Option<u64> },
    Slow(Duration),
}

/// What the fake PDS received.
#[derive(Clone, Debug)]
struct Received {
    at: Instant,
    path: String,
    request_id: Option<String>,
    correlation_id: Option<String>,
    accept: Option<String>,
    authorization: Option<String>,
}

/// A server that answers request n with `replies[n]`, and the last reply from then on.
struct FakePds {
    base: String,
    received: Arc<Mutex<Vec<Received>>>,
}

#[derive(Clone)]
struct FakeState {
    replies: Arc<Vec<Reply>>,
    received: Arc<Mutex<Vec<Received>>>,
    tokens: Arc<std::sync::atomic::AtomicUsize>,
}

impl FakePds {
    async fn start(replies: Vec<Reply>) -> Self {
        async fn answer(
            State(state): State<FakeState>,
            uri: axum::http::Uri,
            headers: HeaderMap,
        ) -> Response {
            // n: how many patient reads came before this request (token requests aside).
            let n = {
                let mut received = state.received.lock().unwrap();
                received.push(Received {
                    at: Instant::now(),
                    path: uri.path().to_owned(),
                    request_id: header(&headers, "x-request-id"),
                    correlation_id: header(&headers, "x-correlation-id"),
                    accept: header(&headers, "accept"),
                    authorization: header(&headers, "authorization"),
                });
                received
                    .iter()
                    .filter(|r| r.path != "/token")
                    .count()
                    .saturating_sub(1)
            };
            // The token endpoint, for application-restricted access: a new token each time.
            if uri.path() == "/token" {
                let tokens = state
                    .tokens
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
                    + 1;
                return axum::Json(serde_json::json!({
                    "access_token": format!("token-{tokens}"),
                    "expires_in": "599",
                    "token_type": "Bearer",
                }))
                .into_response();
            }
            let reply = state.replies[n.min(state.replies.len() - 1)].clone();
            let fhir = [("content-type", "application/fhir+json")];
            match reply {
                Reply::Body(status, body) => {
                    (StatusCode::from_u16(status).unwrap(), fhir, body).into_response()
                }
                Reply::TooMany { retry_after } => {
                    let mut response =
                        (StatusCode::TOO_MANY_REQUESTS, fhir, Vec::new()).into_response();
                    if let Some(seconds) = retry_after {
                        response
                            .headers_mut()
                            .insert("retry-after", seconds.to_string().parse().unwrap());
                    }
                    response
                }
                Reply::Slow(pause) => {
                    tokio::time::sleep(pause).await;
                    (
                        StatusCode::OK,
                        fhir,
                        vendored("pds-sandbox/mocks/Patient.json"),
                    )
                        .into_response()
                }
            }
        }
        let received = Arc::new(Mutex::new(Vec::new()));
        let state = FakeState {
            replies: Arc::new(replies),
            received: received.clone(),
            tokens: Arc::default(),
        };
        let router = axum::Router::new().fallback(answer).with_state(state);
        Self {
            base: serve(router).await,
            received,
        }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn patient_9000000009() -> Reply {
    Reply::Body(200, vendored("pds-sandbox/mocks/Patient.json"))
}

#[tokio::test]
async fn what_the_client_sends() {
    let fake = FakePds::start(vec![patient_9000000009()]).await;
    let found = client(&fake.base)
        .read_patient(&nhs("9000000009"), CORRELATION)
        .await;
    assert!(matches!(found, Ok(Lookup::Found(_))), "{found:?}");
    let received = fake.received();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(request.path, "/Patient/9000000009");
    assert_eq!(request.accept.as_deref(), Some("application/fhir+json"));
    assert_eq!(request.correlation_id.as_deref(), Some(CORRELATION));
    assert!(is_uuid_v4(request.request_id.as_deref().unwrap()));
    assert_eq!(
        request.authorization, None,
        "no credentials for the sandbox"
    );
}

#[tokio::test]
async fn too_many_requests_then_an_answer_waits_as_told() {
    let fake = FakePds::start(vec![
        Reply::TooMany {
            retry_after: Some(1),
        },
        patient_9000000009(),
    ])
    .await;
    let started = Instant::now();
    let found = client(&fake.base)
        .read_patient(&nhs("9000000009"), CORRELATION)
        .await;
    assert!(matches!(found, Ok(Lookup::Found(_))), "{found:?}");
    let received = fake.received();
    assert_eq!(received.len(), 2);
    let gap = received[1].at - received[0].at;
    assert!(
        gap >= Duration::from_millis(950),
        "retried after {gap:?}, not after Retry-After"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn always_too_many_requests_is_rate_limited_in_bounded_time() {
    let fake = FakePds::start(vec![Reply::TooMany { retry_after: None }]).await;
    let started = Instant::now();
    assert_eq!(
        client(&fake.base)
            .read_patient(&nhs("9000000009"), CORRELATION)
            .await,
        Err(PdsError::RateLimited)
    );
    assert_eq!(fake.received().len(), 3, "tried `attempts` times");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn unavailable_then_an_answer_is_retried_with_a_new_request_id() {
    let fake = FakePds::start(vec![
        Reply::Body(503, b"Service Unavailable".to_vec()),
        patient_9000000009(),
    ])
    .await;
    let found = client(&fake.base)
        .read_patient(&nhs("9000000009"), CORRELATION)
        .await;
    assert!(matches!(found, Ok(Lookup::Found(_))), "{found:?}");
    let received = fake.received();
    assert_eq!(received.len(), 2);
    assert_ne!(received[0].request_id, received[1].request_id);
    assert!(received
        .iter()
        .all(|r| r.correlation_id.as_deref() == Some(CORRELATION)));
}

#[tokio::test]
async fn always_unavailable_is_reported_after_every_attempt() {
    for status in [500, 502, 503, 504] {
        let fake = FakePds::start(vec![Reply::Body(status, Vec::new())]).await;
        let started = Instant::now();
        assert_eq!(
            client(&fake.base)
                .read_patient(&nhs("9000000009"), CORRELATION)
                .await,
            Err(PdsError::Unavailable { status })
        );
        assert_eq!(fake.received().len(), 3);
        // Two back-offs of at most 200 ms and 400 ms.
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}

#[tokio::test]
async fn a_request_timeout_is_retried_then_timed_out() {
    let fake = FakePds::start(vec![Reply::Body(408, error_stub("ACCESS_DENIED"))]).await;
    assert_eq!(
        client(&fake.base)
            .read_patient(&nhs("9000000009"), CORRELATION)
            .await,
        Err(PdsError::TimedOut)
    );
    assert_eq!(fake.received().len(), 3);
}

#[tokio::test]
async fn a_slow_pds_times_out_within_attempts_times_the_timeout() {
    let fake = FakePds::start(vec![Reply::Slow(Duration::from_secs(5))]).await;
    let started = Instant::now();
    assert_eq!(
        client(&fake.base)
            .read_patient(&nhs("9000000009"), CORRELATION)
            .await,
        Err(PdsError::TimedOut)
    );
    let elapsed = started.elapsed();
    assert_eq!(fake.received().len(), 3);
    // 3 × 500 ms, and back-offs of at most 200 ms and 400 ms.
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
}

#[tokio::test]
async fn slow_once_then_an_answer() {
    let fake = FakePds::start(vec![
        Reply::Slow(Duration::from_secs(5)),
        patient_9000000009(),
    ])
    .await;
    let found = client(&fake.base)
        .read_patient(&nhs("9000000009"), CORRELATION)
        .await;
    assert!(matches!(found, Ok(Lookup::Found(_))), "{found:?}");
}

#[tokio::test]
async fn no_pds_listening_is_unavailable_in_bounded_time() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = Instant::now();
    assert_eq!(
        client(&format!("http://127.0.0.1:{port}"))
            .read_patient(&nhs("9000000009"), CORRELATION)
            .await,
        Err(PdsError::Unavailable { status: 0 })
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn malformed_answers_are_not_retried() {
    let bodies: [(u16, &[u8]); 5] = [
        (200, b"{\"resourceType\": \"Patient\", \"id\": "),
        (200, b"<html>Bad gateway</html>"),
        (404, b"<html>Not found</html>"),
        (400, b""),
        (200, br#"{"resourceType": "Patient", "id": "9000000001"}"#),
    ];
    for (status, body) in bodies {
        let fake = FakePds::start(vec![Reply::Body(status, body.to_vec())]).await;
        let result = client(&fake.base)
            .read_patient(&nhs("9000000009"), CORRELATION)
            .await;
        assert!(
            matches!(result, Err(PdsError::Malformed(_))),
            "{status}: {result:?}"
        );
        assert_eq!(fake.received().len(), 1);
    }
    // A status PDS does not document.
    let fake = FakePds::start(vec![Reply::Body(302, Vec::new())]).await;
    assert_eq!(
        client(&fake.base)
            .read_patient(&nhs("9000000009"), CORRELATION)
            .await,
        Err(PdsError::Malformed("unexpected HTTP 302".into()))
    );
}

#[tokio::test]
async fn a_two_mebibyte_body_is_refused() {
    let mut huge = br#"{"resourceType": "Patient", "id": "9000000009", "x": ""#.to_vec();
    huge.resize(2 * 1024 * 1024, b'a');
    huge.extend_from_slice(br#""}"#);
    let fake = FakePds::start(vec![Reply::Body(200, huge)]).await;
    let started = Instant::now();
    let result = client(&fake.base)
        .read_patient(&nhs("9000000009"), CORRELATION)
        .await;
    assert!(
        matches!(&result, Err(PdsError::Malformed(m)) if m.contains("1 MiB")),
        "{result:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// A body with no length that never ends: the client stops reading after 1 MiB.
#[tokio::test]
async fn an_endless_body_is_refused_after_one_mebibyte() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let sent = Arc::new(Mutex::new(0usize));
    let counter = sent.clone();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = vec![0u8; 4096];
        let _ = stream.read(&mut request).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/fhir+json\r\n\
                    transfer-encoding: chunked\r\n\r\n";
        if stream.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let chunk = vec![b' '; 64 * 1024];
        loop {
            let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
            if stream.write_all(&framed).await.is_err() {
                return;
            }
            *counter.lock().unwrap() += chunk.len();
        }
    });
    let started = Instant::now();
    let result = client(&base)
        .read_patient(&nhs("9000000009"), CORRELATION)
        .await;
    assert!(
        matches!(&result, Err(PdsError::Malformed(m)) if m.contains("1 MiB")),
        "{result:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    // Well short of the timeout's worth: the client stopped reading (socket buffers aside).
    assert!(*sent.lock().unwrap() < 32 * 1024 * 1024);
}

#[tokio::test]
async fn a_superseded_number_comes_back_under_its_new_one() {
    let fake = FakePds::start(vec![patient_9000000009()]).await;
    let asked = nhs("9000000017");
    match client(&fake.base).read_patient(&asked, CORRELATION).await {
        Ok(Lookup::Superseded { asked: was, record }) => {
            assert_eq!(was, asked);
            assert_eq!(record.nhs_number, nhs("9000000009"));
            assert_eq!(record.family_name.as_deref(), Some("Smith"));
        }
        other => panic!("expected a superseded record: {other:?}"),
    }
    assert_eq!(fake.received()[0].path, "/Patient/9000000017");
}

#[tokio::test]
async fn refused_credentials_are_access_denied_and_not_retried() {
    for status in [401, 403] {
        let fake = FakePds::start(vec![Reply::Body(status, error_stub("ACCESS_DENIED"))]).await;
        assert_eq!(
            client(&fake.base)
                .read_patient(&nhs("9000000009"), CORRELATION)
                .await,
            Err(PdsError::AccessDenied { status })
        );
        assert_eq!(fake.received().len(), 1, "{status}");
    }
}

#[tokio::test]
async fn every_documented_not_found_and_bad_request() {
    let cases = [
        (404, "RESOURCE_NOT_FOUND", Ok(Lookup::NotFound)),
        (404, "INVALIDATED_RESOURCE", Ok(Lookup::Invalidated)),
        (400, "INVALID_RESOURCE_ID", Err(PdsError::InvalidNhsNumber)),
        (400, "INVALID_VALUE", Err(PdsError::InvalidNhsNumber)),
        (
            400,
            "MISSING_VALUE",
            Err(PdsError::Malformed(
                "HTTP 400 with code MISSING_VALUE".into(),
            )),
        ),
        (
            404,
            "INVALID_METHOD",
            Err(PdsError::Malformed(
                "HTTP 404 with code INVALID_METHOD".into(),
            )),
        ),
    ];
    for (status, code, expected) in cases {
        let fake = FakePds::start(vec![Reply::Body(status, error_stub(code))]).await;
        assert_eq!(
            client(&fake.base)
                .read_patient(&nhs("9000000009"), CORRELATION)
                .await,
            expected,
            "{status} {code}"
        );
        assert_eq!(fake.received().len(), 1);
    }
}

#[tokio::test]
async fn a_correlation_id_that_is_not_a_header_is_refused_before_sending() {
    let fake = FakePds::start(vec![patient_9000000009()]).await;
    assert!(matches!(
        client(&fake.base)
            .read_patient(&nhs("9000000009"), "line\nbreak")
            .await,
        Err(PdsError::Config(_))
    ));
    assert!(fake.received().is_empty());
}

/// An RSA private key made for the test (Node's crypto: node is on every machine that runs
/// these tests), so no key is committed.
fn test_private_key() -> Vec<u8> {
    let output = std::process::Command::new("node")
        .args([
            "-e",
            "const { privateKey } = require('crypto').generateKeyPairSync('rsa', \
             { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, \
             publicKeyEncoding: { type: 'spki', format: 'pem' } }); \
             process.stdout.write(privateKey)",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    output.stdout
}

fn signed_jwt_client(base: &str) -> PdsClient {
    PdsClient::new(PdsConfig {
        auth: PdsAuth::SignedJwt(app::pds::SignedJwtConfig {
            private_key_pem: test_private_key().into(),
            key_id: "test-1".into(),
            api_key: "test-api-key".into(),
            token_url: format!("{base}/token"),
        }),
        ..config(base)
    })
    .unwrap()
}

/// A 401 with a token: the token may have been revoked before it expired, so it is dropped and
/// the read tried once more with a new one; a second 401 is a refusal.
#[tokio::test]
async fn a_refused_token_is_renewed_once() {
    let fake = FakePds::start(vec![
        Reply::Body(401, error_stub("ACCESS_DENIED")),
        patient_9000000009(),
    ])
    .await;
    let found = signed_jwt_client(&fake.base)
        .read_patient(&nhs("9000000009"), CORRELATION)
        .await;
    assert!(matches!(found, Ok(Lookup::Found(_))), "{found:?}");
    let reads: Vec<_> = fake
        .received()
        .into_iter()
        .filter(|r| r.path != "/token")
        .map(|r| r.authorization)
        .collect();
    assert_eq!(
        reads,
        [
            Some("Bearer token-1".to_owned()),
            Some("Bearer token-2".to_owned())
        ]
    );

    let fake = FakePds::start(vec![Reply::Body(401, error_stub("ACCESS_DENIED"))]).await;
    assert_eq!(
        signed_jwt_client(&fake.base)
            .read_patient(&nhs("9000000009"), CORRELATION)
            .await,
        Err(PdsError::AccessDenied { status: 401 })
    );
    let received = fake.received();
    assert_eq!(received.iter().filter(|r| r.path == "/token").count(), 2);
    assert_eq!(received.iter().filter(|r| r.path != "/token").count(), 2);
}
