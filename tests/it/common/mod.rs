//! A real `relink` router on a loopback port, backed by a fresh SQLite file, for HTTP tests.
//! The benches and `examples/drill.rs` include this file too (`#[path]`), each using a part.
#![allow(dead_code)]

use std::net::SocketAddr;

use app::server::{self, Config};

pub mod fixture;
pub mod log;
pub mod oidc_provider;
pub mod pds_sandbox;
pub mod seed;

pub struct TestServer {
    pub base: String,
    pub database_url: String,
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
}

pub async fn start(demo: bool) -> TestServer {
    start_with(demo, |_| {}).await
}

/// Starts a server after `adjust` has changed its state (for example, a smaller hashing pool).
pub async fn start_with(demo: bool, adjust: impl FnOnce(&mut server::AppState)) -> TestServer {
    start_configured(demo, |_| {}, adjust).await
}

/// Starts a demo server that sends its emails to `smtp` over real SMTP.
pub async fn start_with_smtp(smtp: &SmtpSink) -> TestServer {
    let url = smtp.url.clone();
    start_configured(true, move |config| config.smtp_url = Some(url), |_| {}).await
}

pub async fn start_configured(
    demo: bool,
    configure: impl FnOnce(&mut Config),
    adjust: impl FnOnce(&mut server::AppState),
) -> TestServer {
    start_on(None, demo, configure, adjust).await
}

/// Starts a server on the given database (a fresh SQLite file when `None`).
pub async fn start_on(
    database_url: Option<String>,
    demo: bool,
    configure: impl FnOnce(&mut Config),
    adjust: impl FnOnce(&mut server::AppState),
) -> TestServer {
    start_listening(None, database_url, demo, configure, adjust).await
}

/// Starts a server answering on `listener` (bound by the caller, who needed its address first:
/// an identity provider's redirect URI names it), or a fresh loopback port when `None`.
pub async fn start_listening(
    listener: Option<tokio::net::TcpListener>,
    database_url: Option<String>,
    demo: bool,
    configure: impl FnOnce(&mut Config),
    adjust: impl FnOnce(&mut server::AppState),
) -> TestServer {
    // Before anything touches tracing: see `log`.
    log::install();
    sqlx::any::install_default_drivers();
    let dir = tempfile::tempdir().unwrap();
    let database_url = database_url
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("relink.db").display()));
    let mut config = Config::new(
        database_url.clone(),
        "127.0.0.1:0",
        dir.path().join("site"),
        demo,
    )
    .unwrap();
    configure(&mut config);
    let mut state = server::prepare(&config).await.unwrap();
    adjust(&mut state);
    let listener = match listener {
        Some(listener) => listener,
        None => tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
    };
    let addr: SocketAddr = listener.local_addr().unwrap();
    let app = server::service(state);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestServer {
        base: format!("http://{addr}"),
        database_url,
        client,
        _dir: dir,
    }
}

/// A response reduced to what tests look at.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookie: Option<String>,
    /// Every `Set-Cookie` header, in order.
    pub set_cookies: Vec<String>,
    /// Which instance answered, when a load balancer in front says so (`X-Upstream`).
    pub upstream: Option<String>,
    /// The `Cache-Control` header, if any.
    pub cache_control: Option<String>,
    pub body: String,
}

impl Page {
    /// The texts of the error summary's links, in order.
    pub fn summary(&self) -> Vec<String> {
        let Some(start) = self.body.find("nhsuk-error-summary__list") else {
            return Vec::new();
        };
        let list = &self.body[start
            ..self.body[start..]
                .find("</ul>")
                .map_or(self.body.len(), |e| start + e)];
        list.split("<a href=")
            .skip(1)
            .filter_map(|a| {
                a.split_once('>')
                    .and_then(|(_, rest)| rest.split_once("</a>"))
                    .map(|(text, _)| text.trim().to_owned())
            })
            .collect()
    }

    /// The `name=value` part of the cookie the response set.
    /// The `name=value` pair of the cookie `name` this answer set, if it set one.
    pub fn cookie_named(&self, name: &str) -> Option<String> {
        self.set_cookies
            .iter()
            .filter_map(|c| c.split(';').next())
            .find(|pair| pair.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }

    pub fn cookie(&self) -> String {
        self.set_cookie
            .as_deref()
            .and_then(|c| c.split(';').next())
            .unwrap_or_default()
            .to_owned()
    }
}

impl TestServer {
    /// A client for a server started elsewhere (the reliability drills' `relink` processes),
    /// saying it forwards for `client_address` (believed only from a trusted proxy).
    pub fn remote(base: &str, client_address: &str) -> TestServer {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", client_address.parse().unwrap());
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap();
        TestServer {
            base: base.to_owned(),
            database_url: String::new(),
            client,
            _dir: tempfile::tempdir().unwrap(),
        }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Page {
        self.try_get(path, cookie).await.unwrap()
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Page {
        self.try_post(path, form, cookie).await.unwrap()
    }

    /// Like [`Self::get`], but a connection failure is returned rather than a panic.
    pub async fn try_get(&self, path: &str, cookie: Option<&str>) -> reqwest::Result<Page> {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        Self::page(request.send().await?).await
    }

    pub async fn try_post(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> reqwest::Result<Page> {
        let body: String = form
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        Self::page(request.send().await?).await
    }

    async fn page(response: reqwest::Response) -> reqwest::Result<Page> {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let set_cookies = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        let (status, location, set_cookie, upstream, cache_control) = (
            response.status().as_u16(),
            header("location"),
            header("set-cookie"),
            header("x-upstream"),
            header("cache-control"),
        );
        Ok(Page {
            status,
            location,
            set_cookie,
            set_cookies,
            upstream,
            cache_control,
            body: response.text().await?,
        })
    }
}

fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// A real SMTP server on loopback that accepts every message and keeps it, so tests see what
/// the outbox worker actually sent over the wire.
pub struct SmtpSink {
    pub url: String,
    received: std::sync::Arc<std::sync::Mutex<Vec<ReceivedEmail>>>,
}

/// One message as the sink received it: the envelope recipient and the raw DATA.
#[derive(Debug, Clone)]
pub struct ReceivedEmail {
    pub to: String,
    pub data: String,
}

impl ReceivedEmail {
    /// The 6-digit code after "Your security code is", if the message carries one.
    pub fn security_code(&self) -> Option<String> {
        let start = self.data.find("Your security code is ")? + "Your security code is ".len();
        let code: String = self.data[start..].chars().take(6).collect();
        (code.len() == 6 && code.chars().all(|c| c.is_ascii_digit())).then_some(code)
    }

    /// The outbox row the message came from, read from its Message-ID (`<outbox-ID-…>`).
    pub fn outbox_id(&self) -> Option<i64> {
        let header = self.data.lines().find_map(|l| {
            l.strip_prefix("Message-ID: ")
                .or_else(|| l.strip_prefix("Message-Id: "))
        })?;
        let id = header.trim().strip_prefix("<outbox-")?.split('-').next()?;
        id.parse().ok()
    }

    pub fn subject(&self) -> &str {
        self.data
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap_or_default()
    }
}

impl SmtpSink {
    pub async fn start() -> Self {
        Self::start_on("127.0.0.1:0").await
    }

    /// A sink on a fixed address (the reliability drills give it to `relink` as SMTP_URL).
    pub async fn start_on(address: &str) -> Self {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind(address).await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let store = received.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let store = store.clone();
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read).lines();
                    write.write_all(b"220 sink ESMTP\r\n").await.ok();
                    let mut to = Vec::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        let verb = line
                            .split_whitespace()
                            .next()
                            .unwrap_or_default()
                            .to_ascii_uppercase();
                        let reply: &[u8] = match verb.as_str() {
                            "EHLO" | "HELO" => b"250 sink\r\n",
                            "RCPT" => {
                                let addr =
                                    line.split(['<', '>']).nth(1).unwrap_or_default().to_owned();
                                to.push(addr);
                                b"250 OK\r\n"
                            }
                            "DATA" => {
                                write.write_all(b"354 go ahead\r\n").await.ok();
                                let mut data = String::new();
                                let mut complete = false;
                                while let Ok(Some(line)) = lines.next_line().await {
                                    if line == "." {
                                        complete = true;
                                        break;
                                    }
                                    data.push_str(&line);
                                    data.push('\n');
                                }
                                // As an SMTP server does: a message cut off before its final
                                // "." (the sender was killed mid-DATA) was never received, and
                                // the sender, which got no 250, sends it again.
                                if !complete {
                                    return;
                                }
                                for recipient in to.drain(..) {
                                    store.lock().unwrap().push(ReceivedEmail {
                                        to: recipient,
                                        data: data.clone(),
                                    });
                                }
                                b"250 OK queued\r\n"
                            }
                            "QUIT" => {
                                write.write_all(b"221 bye\r\n").await.ok();
                                return;
                            }
                            _ => b"250 OK\r\n",
                        };
                        write.write_all(reply).await.ok();
                    }
                });
            }
        });
        Self { url, received }
    }

    pub fn received(&self) -> Vec<ReceivedEmail> {
        self.received.lock().unwrap().clone()
    }

    /// Waits (up to 10 seconds) until `count` messages have reached `to`, and returns them.
    pub async fn wait_for(&self, to: &str, count: usize) -> Vec<ReceivedEmail> {
        for _ in 0..200 {
            let mine: Vec<_> = self.received().into_iter().filter(|m| m.to == to).collect();
            if mine.len() >= count {
                return mine;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!(
            "expected {count} emails to {to}; the sink has {:?}",
            self.received()
        );
    }
}

/// The main content with every `value="…"` emptied: what is left must not depend on the account.
pub fn without_typed_values(body: &str) -> String {
    let main = &body[body.find("<main").unwrap()..body.find("</main>").unwrap()];
    let mut out = String::new();
    let mut rest = main;
    while let Some(start) = rest.find(r#"value=""#) {
        out.push_str(&rest[..start + 7]);
        rest = &rest[start + 7..];
        rest = &rest[rest.find('"').unwrap_or(0)..];
    }
    out.push_str(rest);
    out
}

/// Drops a PostgreSQL database (ending its sessions) and creates it afresh.
pub async fn recreate_postgres_database(admin: &mut sqlx::PgConnection, name: &str) {
    use sqlx::Executor;
    drop_postgres_database(admin, name).await;
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
}

/// Drops a PostgreSQL database if it is there, ending its sessions.
pub async fn drop_postgres_database(admin: &mut sqlx::PgConnection, name: &str) {
    use sqlx::Executor;
    admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
}

/// The demo staff's authenticator code at this Unix time (the secret `/demo` publishes).
pub fn demo_staff_code(unix_seconds: u64) -> String {
    app::domain::second_factor::TotpSecret::parse_base32(app::demo::DEMO_TOTP_SECRET)
        .unwrap()
        .code_at(unix_seconds)
}

/// Seconds since the Unix epoch, now.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Finishes a staff sign-in whose password was right (`password_answer`, the 303 to the
/// security-code step with the step's cookie) with the demo authenticator's code, and returns
/// the last answer (a 303 to where the member goes, with the session cookie). No code works
/// twice, so when this member already used the code of now, the next step's (accepted: one
/// step either side) is sent; when both were used, the next step is waited for.
pub async fn finish_staff_sign_in(server: &TestServer, password_answer: &Page) -> Page {
    assert_eq!(password_answer.status, 303, "{}", password_answer.body);
    assert_eq!(
        password_answer.location.as_deref(),
        Some("/staff/sign-in/security-code")
    );
    let step = password_answer.cookie();
    assert!(step.starts_with("__Host-relink-staff-step="), "{step}");
    for _ in 0..3 {
        let now = unix_now();
        for at in [now, now + 30] {
            let code = demo_staff_code(at);
            let page = server
                .post(
                    "/staff/sign-in/security-code",
                    &[("code", &code)],
                    Some(&step),
                )
                .await;
            if page.status == 303 {
                return page;
            }
            assert_eq!(page.status, 422, "{}", page.body);
        }
        tokio::time::sleep(std::time::Duration::from_secs(30 - unix_now() % 30)).await;
    }
    panic!("no code was accepted in three steps");
}

/// The initial password `relink staff add` printed.
pub fn printed_password(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|line| {
            line.strip_prefix("Initial password (shown once, give it to them privately): ")
        })
        .unwrap_or_else(|| panic!("no password in {stdout}"))
        .trim()
        .to_owned()
}

/// The setup key an authenticator page shows as text, without its spaces.
pub fn shown_key(page: &Page) -> String {
    let marker = r#"<code class="relink-secret">"#;
    let start = page
        .body
        .find(marker)
        .unwrap_or_else(|| panic!("no key on the page: {}", page.body))
        + marker.len();
    let end = start + page.body[start..].find("</code>").unwrap();
    page.body[start..end].replace(' ', "")
}

/// A member's first sign-in as a new starter makes it: the given password, their own
/// (`own`), an authenticator set up with the key the page shows. Returns the session cookie.
pub async fn first_staff_sign_in(
    server: &TestServer,
    username: &str,
    given: &str,
    own: &str,
) -> String {
    let first = server
        .post(
            "/staff/sign-in",
            &[("username", username), ("password", given)],
            None,
        )
        .await;
    assert_eq!(
        first.location.as_deref(),
        Some("/staff/sign-in/new-password"),
        "{}",
        first.body
    );
    let step = first.cookie();
    let chosen = server
        .post(
            "/staff/sign-in/new-password",
            &[("password", own), ("confirmation", own)],
            Some(&step),
        )
        .await;
    assert_eq!(chosen.status, 303, "{:?}", chosen.summary());
    let setup = server
        .get("/staff/sign-in/authenticator", Some(&step))
        .await;
    let key = shown_key(&setup);
    let code = app::domain::second_factor::TotpSecret::parse_base32(&key)
        .unwrap()
        .code_at(unix_now());
    let done = server
        .post(
            "/staff/sign-in/authenticator",
            &[("code", &code)],
            Some(&step),
        )
        .await;
    assert_eq!(done.status, 200, "{:?}", done.summary());
    done.cookie()
}
