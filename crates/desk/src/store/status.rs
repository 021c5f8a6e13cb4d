//! The states of stagings and deliveries: stored as lower-case words, and
//! serialised the same way (the CLI's JSON, the UI).

use serde::Serialize;

macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                match v.as_str()? {
                    $($word => Ok($name::$variant),)+
                    other => Err(rusqlite::types::FromSqlError::Other(
                        format!("unknown {} {other:?}", stringify!($name)).into(),
                    )),
                }
            }
        }
    };
}

word_enum! {
    /// Where a staging stands.
    StagingStatus {
        /// Waiting to be sent, or to be sent again (the outbox).
        Pending = "pending",
        /// The gateway answered `ACK=Success`: it has a code.
        Staged = "staged",
        /// The gateway refused it for good.
        Failed = "failed",
    }
}

word_enum! {
    /// Where a receipt's delivery (print, email, file) stands.
    DeliveryStatus {
        /// An email that waits to be sent again.
        Pending = "pending",
        Sent = "sent",
        Failed = "failed",
    }
}
