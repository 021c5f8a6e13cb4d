//! Who a request comes from. Behind the documented TLS proxy every request's
//! peer is the proxy, so the limits (sign-in attempts, wrong codes) would lump
//! every patient together; the client's address is then read from the one
//! header the operator's proxy writes (`--forwarded-header`), and only when
//! the peer is a proxy the operator named (`--trusted-proxy`): anyone else
//! could write those headers. The other header is never read: nginx and
//! HAProxy append to `X-Forwarded-For` but pass a client's `Forwarded`
//! through untouched, so reading both let a client choose its address.

use axum::http::HeaderMap;
use std::net::IpAddr;

/// The header the trusted proxy writes the client's address into.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum ForwardedHeader {
    /// `X-Forwarded-For` (nginx's `$proxy_add_x_forwarded_for`, HAProxy's
    /// `option forwardfor`, most load balancers).
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded` (a proxy set to write it, e.g. Caddy or Envoy).
    Forwarded,
}

/// The client's address: the peer, or when the peer is a trusted proxy, the
/// right-most address in `header` that is not itself a trusted proxy.
pub fn client_ip(
    trusted: &[IpAddr],
    header: ForwardedHeader,
    peer: IpAddr,
    headers: &HeaderMap,
) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    forwarded_chain(header, headers)
        .into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

/// The addresses a request passed through, first (the client) to last.
fn forwarded_chain(header: ForwardedHeader, headers: &HeaderMap) -> Vec<IpAddr> {
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_string())
            .collect()
    };
    match header {
        // RFC 7239: `for=192.0.2.60;proto=https`, `for="[2001:db8::1]:4711"`.
        ForwardedHeader::Forwarded => values("forwarded")
            .iter()
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (k, v) = pair.trim().split_once('=')?;
                    k.trim()
                        .eq_ignore_ascii_case("for")
                        .then(|| parse_node(v))?
                })
            })
            .collect(),
        ForwardedHeader::XForwardedFor => values("x-forwarded-for")
            .iter()
            .filter_map(|v| parse_node(v))
            .collect(),
    }
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

    const XFF: ForwardedHeader = ForwardedHeader::XForwardedFor;

    #[test]
    fn forwarded_addresses_count_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let peer: IpAddr = "198.51.100.7".parse().unwrap();
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        // Anyone may write the header: from an untrusted peer it is ignored.
        assert_eq!(client_ip(&[proxy], XFF, peer, &h), peer);
        assert_eq!(client_ip(&[], XFF, proxy, &h), proxy);
        // From the trusted proxy, the client is the address it saw.
        assert_eq!(
            client_ip(&[proxy], XFF, proxy, &h),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        // A client that prepends its own guess does not choose its address.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9")]);
        assert_eq!(
            client_ip(&[proxy], XFF, proxy, &h),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        // RFC 7239, IPv6 with a port, and a second trusted hop.
        let inner: IpAddr = "10.0.0.3".parse().unwrap();
        let h = headers(&[(
            "forwarded",
            r#"for="[2001:db8::1]:4711";proto=https, for=10.0.0.3"#,
        )]);
        assert_eq!(
            client_ip(&[proxy, inner], ForwardedHeader::Forwarded, proxy, &h),
            "2001:db8::1".parse::<IpAddr>().unwrap()
        );
        // Nothing forwarded: the proxy itself.
        assert_eq!(client_ip(&[proxy], XFF, proxy, &HeaderMap::new()), proxy);
    }

    #[test]
    fn only_the_header_the_proxy_writes_is_read() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        // nginx appended the real client to X-Forwarded-For and passed the
        // client's own Forwarded through.
        let h = headers(&[
            ("forwarded", "for=192.0.2.77"),
            ("x-forwarded-for", "203.0.113.9"),
        ]);
        let real: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(client_ip(&[proxy], XFF, proxy, &h), real);
        let written: IpAddr = "192.0.2.77".parse().unwrap();
        assert_eq!(
            client_ip(&[proxy], ForwardedHeader::Forwarded, proxy, &h),
            written
        );
    }
}
