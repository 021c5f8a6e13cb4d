//! Who a request comes from. Behind the documented TLS proxy every request's
//! peer is the proxy, so the limits (sign-in attempts, wrong codes) would lump
//! every patient together; the client's address is then read from
//! `Forwarded` or `X-Forwarded-For`, but only when the peer is a proxy the
//! operator named (`--trusted-proxy`): anyone else could write those headers.

use axum::http::HeaderMap;
use std::net::IpAddr;

/// The client's address: the peer, or when the peer is a trusted proxy, the
/// right-most forwarded address that is not itself a trusted proxy.
pub fn client_ip(trusted: &[IpAddr], peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    forwarded_chain(headers)
        .into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

/// The addresses a request passed through, first (the client) to last.
fn forwarded_chain(headers: &HeaderMap) -> Vec<IpAddr> {
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_string())
            .collect()
    };
    // RFC 7239 first: `for=192.0.2.60;proto=https`, `for="[2001:db8::1]:4711"`.
    let forwarded: Vec<IpAddr> = values("forwarded")
        .iter()
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                k.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| parse_node(v))?
            })
        })
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }
    values("x-forwarded-for")
        .iter()
        .filter_map(|v| parse_node(v))
        .collect()
}

/// `192.0.2.60`, `"[2001:db8::1]:4711"`, `192.0.2.60:8080`.
fn parse_node(v: &str) -> Option<IpAddr> {
    let v = v.trim().trim_matches('"');
    if let Ok(ip) = v.parse() {
        return Some(ip);
    }
    if let Some(rest) = v.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    v.rsplit_once(':')?.0.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn forwarded_addresses_count_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let peer: IpAddr = "198.51.100.7".parse().unwrap();
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        // Anyone may write the header: from an untrusted peer it is ignored.
        assert_eq!(client_ip(&[proxy], peer, &h), peer);
        assert_eq!(client_ip(&[], proxy, &h), proxy);
        // From the trusted proxy, the client is the address it saw.
        assert_eq!(
            client_ip(&[proxy], proxy, &h),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        // A client that prepends its own guess does not choose its address.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9")]);
        assert_eq!(
            client_ip(&[proxy], proxy, &h),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        // RFC 7239, IPv6 with a port, and a second trusted hop.
        let inner: IpAddr = "10.0.0.3".parse().unwrap();
        let h = headers(&[(
            "forwarded",
            r#"for="[2001:db8::1]:4711";proto=https, for=10.0.0.3"#,
        )]);
        assert_eq!(
            client_ip(&[proxy, inner], proxy, &h),
            "2001:db8::1".parse::<IpAddr>().unwrap()
        );
        // Nothing forwarded: the proxy itself.
        assert_eq!(client_ip(&[proxy], proxy, &HeaderMap::new()), proxy);
    }
}
