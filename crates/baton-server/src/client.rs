//! The client's IP address, through X-Forwarded-For only from configured proxies.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::app::AppState;
use crate::config::{IpNet, canonical};
use crate::error::ApiError;

/// The peer address, or — when the peer is a trusted proxy — the rightmost X-Forwarded-For entry
/// that is not itself a trusted proxy. Entries left of that are client-supplied and ignored.
pub fn client_ip(peer: SocketAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    let mut ip = canonical(peer.ip());
    if !is_trusted(ip) {
        return ip;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(hop) => {
                ip = canonical(hop);
                if !is_trusted(ip) {
                    break;
                }
            }
            // A garbled entry: keep the last address we could trust.
            Err(_) => break,
        }
    }
    ip
}

/// Extractor for [`client_ip`] with the server's trusted proxies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0)
            .ok_or_else(|| ApiError::internal("no peer address: serve with connect info"))?;
        Ok(ClientIp(client_ip(
            peer,
            &parts.headers,
            &state.config().trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn xff(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        h
    }

    fn nets(s: &[&str]) -> Vec<IpNet> {
        s.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn untrusted_peer_is_the_client() {
        let peer: SocketAddr = "203.0.113.5:5000".parse().unwrap();
        let ip = client_ip(peer, &xff("1.2.3.4"), &nets(&["10.0.0.0/8"]));
        assert_eq!(ip, "203.0.113.5".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn trusted_proxies_are_skipped_from_the_right() {
        let peer: SocketAddr = "10.0.0.2:5000".parse().unwrap();
        let trusted = nets(&["10.0.0.0/8"]);
        // The client forged 6.6.6.6; the first proxy saw 198.51.100.7.
        let ip = client_ip(peer, &xff("6.6.6.6, 198.51.100.7, 10.0.0.9"), &trusted);
        assert_eq!(ip, "198.51.100.7".parse::<IpAddr>().unwrap());
        let ip = client_ip(peer, &HeaderMap::new(), &trusted);
        assert_eq!(ip, "10.0.0.2".parse::<IpAddr>().unwrap());
        let ip = client_ip(peer, &xff("garbage, 10.0.0.9"), &trusted);
        assert_eq!(ip, "10.0.0.9".parse::<IpAddr>().unwrap());
        let peer6: SocketAddr = "[::ffff:10.0.0.2]:1".parse().unwrap();
        let ip = client_ip(peer6, &xff("192.0.2.1"), &trusted);
        assert_eq!(ip, "192.0.2.1".parse::<IpAddr>().unwrap());
    }
}
