//! Which database a gateway uses: `--db` is a SQLite file path, or a
//! PostgreSQL URL (`postgres://` or `postgresql://`, libpq's form).

use super::{key_path, Result, StoreError};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Target {
    /// A `--db` value: a PostgreSQL URL, else a path.
    pub fn parse(value: &str) -> Target {
        let lower = value.trim_start().to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Target::Postgres(value.trim().to_string())
        } else {
            Target::Sqlite(PathBuf::from(value))
        }
    }

    /// The key file: the one given, else `<db>.key` beside a SQLite database;
    /// PostgreSQL has no "beside", so there it must be given.
    pub fn key_file(&self, given: Option<&Path>) -> Result<PathBuf> {
        match (given, self) {
            (Some(k), _) => Ok(k.to_path_buf()),
            (None, Target::Sqlite(db)) => Ok(key_path(db)),
            (None, Target::Postgres(_)) => Err(StoreError::KeyFileRequired),
        }
    }

    /// For messages and logs: a URL's password is left out.
    pub fn display(&self) -> String {
        match self {
            Target::Sqlite(p) => p.display().to_string(),
            Target::Postgres(url) => match url::Url::parse(url) {
                Ok(mut u) if u.password().is_some() => {
                    let _ = u.set_password(Some("***"));
                    u.to_string()
                }
                _ => url.clone(),
            },
        }
    }
}

impl std::str::FromStr for Target {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> std::result::Result<Target, Self::Err> {
        Ok(Target::parse(s))
    }
}

impl From<PathBuf> for Target {
    fn from(p: PathBuf) -> Target {
        Target::Sqlite(p)
    }
}

impl From<&Path> for Target {
    fn from(p: &Path) -> Target {
        Target::Sqlite(p.to_path_buf())
    }
}

impl From<&PathBuf> for Target {
    fn from(p: &PathBuf) -> Target {
        Target::Sqlite(p.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_postgres_and_the_rest_are_files() {
        assert_eq!(
            Target::parse("postgres://gw:pw@db.example/razcode"),
            Target::Postgres("postgres://gw:pw@db.example/razcode".into())
        );
        assert!(matches!(
            Target::parse("POSTGRESQL://db/x"),
            Target::Postgres(_)
        ));
        assert_eq!(
            Target::parse("/var/lib/razcode-gateway/gateway.db"),
            Target::Sqlite("/var/lib/razcode-gateway/gateway.db".into())
        );
        let pg = Target::parse("postgres://gw:secret@db.example/razcode");
        assert!(!pg.display().contains("secret"), "{}", pg.display());
        assert!(matches!(
            pg.key_file(None),
            Err(StoreError::KeyFileRequired)
        ));
        assert_eq!(
            Target::parse("gw.db").key_file(None).unwrap(),
            PathBuf::from("gw.db.key")
        );
    }
}
