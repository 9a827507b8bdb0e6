//! NHS England's own PDS FHIR sandbox (the Node.js hapi app vendored in
//! `../shared/vendor/pds-sandbox`), started once per test binary on a free loopback port.
//!
//! `../shared` is read-only, so the app is copied to `target/pds-sandbox/` and its packages are
//! installed there with `npm ci --omit=dev` (again only when the lockfile changed), by
//! `scripts/pds-sandbox.sh prepare`. The `node`
//! process is started from a thread that lives as long as the test binary and asks the kernel to
//! kill it when that thread ends (`PR_SET_PDEATHSIG`): the sandbox goes with the binary however
//! the binary ends, even killed. `RELINK_TEST_PDS_URL` points the tests at a sandbox already
//! running instead.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

static SANDBOX: OnceLock<Result<String, String>> = OnceLock::new();

/// The sandbox's base URL (no trailing slash), started on first use. Panics, failing the test,
/// when it cannot be started: the vendored sandbox is part of the test set-up.
pub async fn url() -> String {
    if let Ok(url) = std::env::var("RELINK_TEST_PDS_URL") {
        return url.trim_end_matches('/').to_owned();
    }
    let started = tokio::task::spawn_blocking(|| SANDBOX.get_or_init(start).clone())
        .await
        .unwrap();
    started.unwrap_or_else(|e| panic!("the PDS sandbox could not be started: {e}"))
}

fn source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vendor/pds-sandbox")
}

fn workdir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is `target/tmp` (set for tests and benches, not for the examples that
    // include `common` too).
    let tmp = option_env!("CARGO_TARGET_TMPDIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tmp"),
        PathBuf::from,
    );
    tmp.parent().unwrap().join("pds-sandbox")
}

fn start() -> Result<String, String> {
    let (source, dir) = (source(), workdir());
    prepare(&source, &dir)?;

    // A free port: bound and released; nothing else on this machine picks ports from the
    // ephemeral range by number.
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port: {e}"))?
        .port();
    let log_path = dir.join("sandbox.log");
    let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
    let log_err = log.try_clone().map_err(|e| e.to_string())?;
    let mut command = Command::new("node");
    command
        .arg("src/app.js")
        .current_dir(&dir)
        .env("PDS_SANDBOX_PORT", port.to_string())
        .env("PDS_SANDBOX_HOST", "127.0.0.1")
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err);
    // SAFETY: prctl is async-signal-safe, and nothing else runs between fork and exec.
    unsafe {
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let (spawned_tx, spawned) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("pds-sandbox".into())
        .spawn(move || match command.spawn() {
            Ok(mut child) => {
                spawned_tx.send(Ok(())).ok();
                // This thread's end is what kills node (PDEATHSIG); it ends with the binary.
                let _ = child.wait();
            }
            Err(e) => {
                spawned_tx
                    .send(Err(format!("`node` could not be run: {e}")))
                    .ok();
            }
        })
        .map_err(|e| e.to_string())?;
    spawned.recv().map_err(|e| e.to_string())??;

    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if answers(port) {
            return Ok(format!("http://127.0.0.1:{port}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!(
        "it did not answer on port {port} within 30 s; see {}",
        log_path.display()
    ))
}

/// Copies the sandbox's files to `dir` and installs its packages when they are missing or the
/// lockfile changed: `scripts/pds-sandbox.sh prepare`, which Playwright's sandbox uses too.
fn prepare(source: &Path, dir: &Path) -> Result<(), String> {
    if !source.join("package.json").is_file() {
        return Err(format!(
            "{} is missing (the vendored sandbox, ../shared/vendor)",
            source.display()
        ));
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/pds-sandbox.sh");
    let output = Command::new("bash")
        .arg(&script)
        .arg("prepare")
        .env("CARGO_TARGET_DIR", dir.parent().unwrap())
        .output()
        .map_err(|e| format!("{} could not be run: {e}", script.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} prepare failed: {}",
            script.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(())
}

/// Whether the sandbox answers a patient read (200) on `port`.
fn answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else {
        return false;
    };
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok();
    let request = "GET /Patient/9000000009 HTTP/1.1\r\nHost: 127.0.0.1\r\n\
                   X-Request-ID: 0b8b5b1e-4a5f-4a3e-9d1c-3f0f5c2e8a11\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && &head == b"HTTP/1.1 200"
}
