//! `serve --config PATH`: the settings an installed gateway reads from
//! `/etc/razcode-gateway/gateway.toml`. Flags given on the command line
//! override the file; the file overrides the defaults.

use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

/// The file's keys; any other key is an error (a typo would otherwise be
/// ignored silently).
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// `127.0.0.1:8080`
    pub listen: Option<SocketAddr>,
    /// `https://razcode.clinic.example`
    pub public_url: Option<String>,
    /// A SQLite path or a PostgreSQL URL.
    pub db: Option<String>,
    pub key_file: Option<PathBuf>,
    #[serde(default)]
    pub trusted_proxies: Vec<IpAddr>,
    /// `x-forwarded-for` (default) or `forwarded`: the header the trusted
    /// proxies write.
    pub forwarded_header: Option<crate::ForwardedHeader>,
    /// Seconds a connection has to send its request head (default 10).
    pub header_timeout_secs: Option<u64>,
    /// Connections one client address may hold at once (default 64).
    pub connections_per_client: Option<usize>,
    #[serde(default)]
    pub insecure_http: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigFileError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the configuration file {path} is not valid: {message}")]
    Invalid { path: String, message: String },
}

impl ConfigFile {
    pub fn read(path: &Path) -> Result<ConfigFile, ConfigFileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigFileError::Read {
            path: path.display().to_string(),
            source,
        })?;
        ConfigFile::parse(&text).map_err(|message| ConfigFileError::Invalid {
            path: path.display().to_string(),
            message,
        })
    }

    pub fn parse(text: &str) -> Result<ConfigFile, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_packaged_file_reads_and_typos_are_refused() {
        let packaged = include_str!("../packaging/gateway.toml");
        let c = ConfigFile::parse(packaged).unwrap();
        assert_eq!(c.listen, Some("127.0.0.1:8080".parse().unwrap()));
        assert_eq!(c.db.as_deref(), Some("/var/lib/razcode-gateway/gateway.db"));
        let full = ConfigFile::parse(
            r#"
            listen = "0.0.0.0:8443"
            public_url = "https://razcode.clinic.example"
            db = "postgres://gw@db.internal/razcode"
            key_file = "/etc/razcode-gateway/gateway.key"
            trusted_proxies = ["10.0.0.2", "10.0.0.3"]
            forwarded_header = "forwarded"
            "#,
        )
        .unwrap();
        assert_eq!(full.trusted_proxies.len(), 2);
        assert_eq!(
            full.forwarded_header,
            Some(crate::ForwardedHeader::Forwarded)
        );
        assert!(!full.insecure_http);
        let typo = ConfigFile::parse("listen_on = \"127.0.0.1:1\"").unwrap_err();
        assert!(typo.contains("listen_on"), "{typo}");
        let bad = ConfigFile::parse("listen = \"not an address\"").unwrap_err();
        assert!(bad.contains("listen"), "{bad}");
    }
}
