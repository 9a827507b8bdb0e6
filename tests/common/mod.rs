//! A real `relink` router on a loopback port, backed by a fresh SQLite file, for HTTP tests.
#![allow(dead_code)]

use std::net::SocketAddr;

use app::server::{self, Config};

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
    let dir = tempfile::tempdir().unwrap();
    let database_url = format!("sqlite://{}", dir.path().join("relink.db").display());
    let config = Config::new(
        database_url.clone(),
        "127.0.0.1:0",
        dir.path().join("site"),
        demo,
    )
    .unwrap();
    let mut state = server::prepare(&config).await.unwrap();
    adjust(&mut state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let app = server::router(state).into_make_service_with_connect_info::<SocketAddr>();
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
    pub fn cookie(&self) -> String {
        self.set_cookie
            .as_deref()
            .and_then(|c| c.split(';').next())
            .unwrap_or_default()
            .to_owned()
    }
}

impl TestServer {
    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Page {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        Self::page(request.send().await.unwrap()).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Page {
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
        Self::page(request.send().await.unwrap()).await
    }

    async fn page(response: reqwest::Response) -> Page {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let (status, location, set_cookie) = (
            response.status().as_u16(),
            header("location"),
            header("set-cookie"),
        );
        Page {
            status,
            location,
            set_cookie,
            body: response.text().await.unwrap(),
        }
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
