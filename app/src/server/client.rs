//! Who is asking: the client's address, for per-client throttling.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use super::AppState;

/// The client's address, for per-client throttling: the socket peer, or, when the peer is a
/// trusted load balancer, the nearest address in `X-Forwarded-For` that is not one.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        let address = client_address(peer, &forwarded, &state.trusted_proxies);
        Ok(Self(
            address.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()),
        ))
    }
}

/// Walks `X-Forwarded-For` from the right (the entries a trusted proxy appended) past trusted
/// proxies; an address a client wrote itself further left is never believed.
fn client_address(
    peer: Option<std::net::IpAddr>,
    forwarded: &str,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let mut client = peer?;
    if !trusted.contains(&client) {
        return Some(client);
    }
    for hop in forwarded.rsplit(',').map(str::trim) {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !trusted.contains(&ip) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    Some(client)
}

#[cfg(test)]
mod client_address_tests {
    use super::client_address;

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let proxy = [ip("10.0.0.1")];
        // No proxy configured: the peer, whatever the header says.
        assert_eq!(
            client_address(Some(ip("203.0.113.9")), "1.2.3.4", &[]),
            Some(ip("203.0.113.9"))
        );
        // From the proxy: the address it appended.
        assert_eq!(
            client_address(Some(ip("10.0.0.1")), "198.51.100.7", &proxy),
            Some(ip("198.51.100.7"))
        );
        // A client that forges the header only adds entries to the left of the real one.
        assert_eq!(
            client_address(Some(ip("10.0.0.1")), "1.1.1.1, 198.51.100.7", &proxy),
            Some(ip("198.51.100.7"))
        );
        // Not from the proxy: the header is ignored.
        assert_eq!(
            client_address(Some(ip("198.51.100.7")), "1.1.1.1", &proxy),
            Some(ip("198.51.100.7"))
        );
        // Garbage stops the walk at the last good address.
        assert_eq!(
            client_address(Some(ip("10.0.0.1")), "nonsense", &proxy),
            Some(ip("10.0.0.1"))
        );
        assert_eq!(client_address(None, "", &proxy), None);
    }
}
