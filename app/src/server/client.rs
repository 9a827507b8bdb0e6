//! Who is asking: the client's address, for per-client throttling.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use super::AppState;
use crate::domain::attempts::{canonical, parse_forwarded_address, ClientKey};

/// The client, for per-client throttling: the socket peer, or, when the peer is a trusted load
/// balancer, the nearest address in `X-Forwarded-For` that is not one; as a [`ClientKey`], so
/// the addresses of one client (IPv4-mapped forms, one IPv6 /64 network) count as one.
#[derive(Debug, Clone)]
pub struct ClientAddress(ClientKey);

impl ClientAddress {
    /// The client's counter key.
    pub fn key(&self) -> &ClientKey {
        &self.0
    }

    /// The client at `ip`, for tests that call the policy directly.
    #[cfg(test)]
    pub fn test(ip: &str) -> Self {
        Self(ClientKey::from_ip(ip.parse().expect("a test address")))
    }
}

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
            address.map_or_else(ClientKey::unknown, ClientKey::from_ip),
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
    let mut client = canonical(peer?);
    if !trusted.contains(&client) {
        return Some(client);
    }
    for hop in forwarded.rsplit(',').map(str::trim) {
        let Some(ip) = parse_forwarded_address(hop) else {
            break;
        };
        client = ip;
        if !trusted.contains(&ip) {
            break;
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

    #[test]
    fn forwarded_addresses_with_ports_brackets_or_mapped_forms_are_one_client() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let proxy = [ip("10.0.0.1")];
        for forwarded in [
            "1.2.3.4",
            "1.2.3.4:5555",
            "[::ffff:1.2.3.4]",
            "[::ffff:1.2.3.4]:80",
        ] {
            assert_eq!(
                client_address(Some(ip("10.0.0.1")), forwarded, &proxy),
                Some(ip("1.2.3.4")),
                "{forwarded}"
            );
        }
        assert_eq!(
            client_address(Some(ip("10.0.0.1")), "[2001:db8::40]:443", &proxy),
            Some(ip("2001:db8::40"))
        );
        // A peer that arrives IPv4-mapped (a dual-stack listener) is the IPv4 address.
        assert_eq!(
            client_address(Some(ip("::ffff:203.0.113.9")), "", &[]),
            Some(ip("203.0.113.9"))
        );
    }
}
