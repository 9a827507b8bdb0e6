//! A real OpenID Connect provider for the staff sign-in tests: `oidc-provider` (OpenID
//! Certified) with CIS2-like claims, from `scripts/oidc-provider/`, started once per test binary
//! on a free loopback port. `scripts/oidc-provider.sh prepare` copies it to
//! `target/oidc-provider/` and installs its locked packages there (again only when the lockfile
//! changed). Like the PDS sandbox, `node` is killed with the thread that started it
//! (`PR_SET_PDEATHSIG`), so it goes with the binary however the binary ends.
//!
//! Each test server registers its own client (OpenID Connect Dynamic Client Registration), with
//! its own redirect URI; [`Browser`] then plays the member's browser through the real code flow.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

static PROVIDER: OnceLock<Result<String, String>> = OnceLock::new();

/// The provider's issuer (`http://127.0.0.1:PORT`), started on first use. Panics, failing the
/// test, when it cannot be started: it is part of the test set-up.
pub async fn issuer() -> String {
    let started = tokio::task::spawn_blocking(|| PROVIDER.get_or_init(start).clone())
        .await
        .unwrap();
    started.unwrap_or_else(|e| panic!("the test OpenID provider could not be started: {e}"))
}

fn workdir() -> PathBuf {
    let tmp = option_env!("CARGO_TARGET_TMPDIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tmp"),
        PathBuf::from,
    );
    tmp.parent().unwrap().join("oidc-provider")
}

fn start() -> Result<String, String> {
    let dir = workdir();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/oidc-provider.sh");
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
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port: {e}"))?
        .port();
    let log_path = dir.join("provider.log");
    let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
    let log_err = log.try_clone().map_err(|e| e.to_string())?;
    let mut command = Command::new("node");
    command
        .arg("provider.mjs")
        .current_dir(&dir)
        .env("OIDC_PORT", port.to_string())
        .env("OIDC_HOST", "127.0.0.1")
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
        .name("oidc-provider".into())
        .spawn(move || match command.spawn() {
            Ok(mut child) => {
                spawned_tx.send(Ok(())).ok();
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

/// Whether the provider serves its discovery document on `port`.
fn answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else {
        return false;
    };
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok();
    let request = "GET /.well-known/openid-configuration HTTP/1.1\r\nHost: 127.0.0.1\r\n\
                   Connection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && &head == b"HTTP/1.1 200"
}

/// A client registered at the provider.
#[derive(Debug, Clone)]
pub struct Registered {
    pub client_id: String,
    /// None for a `private_key_jwt` client.
    pub client_secret: Option<String>,
}

/// Registers a client sending staff back to `redirect_uri`: with a client secret
/// (`client_secret_basic`), or, given a public JWK, authenticating with `private_key_jwt`.
pub async fn register(
    issuer: &str,
    redirect_uri: &str,
    jwk: Option<&serde_json::Value>,
) -> Registered {
    let mut metadata = serde_json::json!({
        "redirect_uris": [redirect_uri],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
    });
    if let Some(jwk) = jwk {
        metadata["token_endpoint_auth_method"] = "private_key_jwt".into();
        metadata["token_endpoint_auth_signing_alg"] = "RS512".into();
        metadata["jwks"] = serde_json::json!({ "keys": [jwk] });
    }
    let response = reqwest::Client::new()
        .post(format!("{issuer}/reg"))
        .json(&metadata)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let body: serde_json::Value = response.json().await.unwrap();
    Registered {
        client_id: body["client_id"].as_str().unwrap().to_owned(),
        client_secret: body["client_secret"].as_str().map(str::to_owned),
    }
}

/// A new RSA key for `private_key_jwt`: the private key as PEM, and the public JWK (made by
/// `node`, which the provider needs anyway).
pub fn rsa_key(kid: &str) -> (String, serde_json::Value) {
    let script = format!(
        "const c=require('node:crypto');const {{privateKey,publicKey}}=c.generateKeyPairSync('rsa',{{modulusLength:2048}});\
         console.log(JSON.stringify({{pem:privateKey.export({{type:'pkcs8',format:'pem'}}),\
         jwk:{{...publicKey.export({{format:'jwk'}}),kid:'{kid}',alg:'RS512',use:'sig'}}}}))"
    );
    let output = Command::new("node").arg("-e").arg(script).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let both: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    (
        both["pem"].as_str().unwrap().to_owned(),
        both["jwk"].clone(),
    )
}

/// A response as a browser sees it.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub refresh: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
}

/// The member's browser: follows nothing by itself (each hop is the test's), and keeps each
/// site's cookies (name and value; a `Max-Age=0` removes one). Attributes are not enforced:
/// the tests send exactly what a browser would, and check the attributes where they matter.
#[derive(Default)]
pub struct Browser {
    http: reqwest::Client,
    jar: HashMap<String, Vec<(String, String)>>,
}

impl Browser {
    pub fn new() -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            jar: HashMap::new(),
        }
    }

    fn site(url: &str) -> String {
        let url = reqwest::Url::parse(url).unwrap();
        format!(
            "{}:{}",
            url.host_str().unwrap(),
            url.port_or_known_default().unwrap()
        )
    }

    /// The cookie `name` this browser holds for `url`'s site.
    pub fn cookie(&self, url: &str, name: &str) -> Option<String> {
        self.jar
            .get(&Self::site(url))?
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    /// Sets (or replaces) a cookie for `url`'s site, as an attacker holding an old one would.
    pub fn set_cookie(&mut self, url: &str, name: &str, value: &str) {
        let cookies = self.jar.entry(Self::site(url)).or_default();
        cookies.retain(|(n, _)| n != name);
        cookies.push((name.to_owned(), value.to_owned()));
    }

    pub async fn get(&mut self, url: &str) -> Answer {
        let request = self.http.get(url);
        self.send(url, request).await
    }

    pub async fn post(&mut self, url: &str, form: &[(&str, &str)]) -> Answer {
        let request = self.http.post(url).form(form);
        self.send(url, request).await
    }

    async fn send(&mut self, url: &str, mut request: reqwest::RequestBuilder) -> Answer {
        let site = Self::site(url);
        if let Some(cookies) = self.jar.get(&site).filter(|c| !c.is_empty()) {
            let header: Vec<String> = cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
            request = request.header("cookie", header.join("; "));
        }
        let response = request.send().await.unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let (location, refresh) = (header("location"), header("refresh"));
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        let cookies = self.jar.entry(site).or_default();
        for set in &set_cookies {
            let pair = set.split(';').next().unwrap_or_default();
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            cookies.retain(|(n, _)| n != name);
            let removed = value.is_empty() || set.to_ascii_lowercase().contains("max-age=0");
            if !removed {
                cookies.push((name.to_owned(), value.to_owned()));
            }
        }
        let location = location.map(|to| {
            reqwest::Url::parse(url)
                .unwrap()
                .join(&to)
                .unwrap()
                .to_string()
        });
        Answer {
            status: response.status().as_u16(),
            location,
            refresh,
            set_cookies,
            body: response.text().await.unwrap(),
        }
    }
}
