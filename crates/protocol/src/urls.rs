//! The protocol's rule for addresses: `https`, or plain `http` only to a
//! loopback host [decided]. URLs are parsed with the `url` crate (WHATWG), so
//! that what is checked is the host a client will really connect to; a URL with
//! userinfo (`http://127.0.0.1:80@gw.example/`) or a backslash is refused, since
//! readers disagree about where its host is.

pub use url::Url;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlRefused {
    #[error("{0:?} is not a URL")]
    NotAUrl(String),
    #[error("{0:?} has a user name or password in it, or a backslash; give the address alone")]
    Ambiguous(String),
    #[error("{0:?} is neither https nor http to this computer")]
    Insecure(String),
}

/// True when the URL's host is this computer (`localhost`, 127.0.0.0/8, `::1`).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Parses `text` as an `https` URL with a host, or an `http` URL to this
/// computer; anything else is refused with the reason.
pub fn secure_or_loopback(text: &str) -> Result<Url, UrlRefused> {
    if text.contains('\\') {
        return Err(UrlRefused::Ambiguous(text.to_string()));
    }
    let url = Url::parse(text.trim()).map_err(|_| UrlRefused::NotAUrl(text.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlRefused::Ambiguous(text.to_string()));
    }
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        _ => Err(UrlRefused::Insecure(text.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_only_to_this_computer() {
        for ok in [
            "https://gw.example",
            "https://gw.example/cb?x=1",
            "http://127.0.0.1:8080",
            "http://127.9.9.9/",
            "http://localhost/x",
            "http://LOCALHOST:9/",
            "http://[::1]:9/",
        ] {
            assert!(secure_or_loopback(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://gw.example",
            "http://127.0.0.1.evil.example/",
            "ftp://127.0.0.1/",
            "gw.example",
            "javascript:alert(1)",
            "",
        ] {
            assert!(secure_or_loopback(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn userinfo_and_backslashes_cannot_pass_for_loopback() {
        for bad in [
            "http://127.0.0.1:80@gw.example/",
            "http://evil.example\\@127.0.0.1/",
            "http://evil.example@127.0.0.1/",
            "http://user:pw@127.0.0.1/",
            "https://user@gw.example/",
            "http://127.0.0.1\\@evil.example/",
        ] {
            assert!(
                matches!(secure_or_loopback(bad), Err(UrlRefused::Ambiguous(_))),
                "{bad}: {:?}",
                secure_or_loopback(bad)
            );
        }
    }
}
