//! `parse_forwarded_address` on arbitrary text (an `X-Forwarded-For` entry from a load
//! balancer): never panics; whatever parses is never an IPv4-mapped IPv6 address, parses back
//! from its own form, and gives the same client key as its canonical form.
#![no_main]

use std::net::IpAddr;

use app::domain::attempts::{parse_forwarded_address, ClientKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let Some(ip) = parse_forwarded_address(input) else {
        return;
    };
    if let IpAddr::V6(v6) = ip {
        assert!(v6.to_ipv4_mapped().is_none(), "{input:?} -> {ip}");
    }
    assert_eq!(parse_forwarded_address(&ip.to_string()), Some(ip), "{input:?}");
    let bracketed = match ip {
        IpAddr::V4(v4) => format!("{v4}:443"),
        IpAddr::V6(v6) => format!("[{v6}]:443"),
    };
    assert_eq!(parse_forwarded_address(&bracketed), Some(ip), "{input:?}");
    assert!(ClientKey::from_ip(ip).as_str().starts_with("client:"));
});
