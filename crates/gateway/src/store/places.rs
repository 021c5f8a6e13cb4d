//! Where each sealed value lives: its column and its row's key, the
//! associated data that binds it there ([`razcode_vault::Place`]). Someone who
//! can write the database but has no key file cannot move a sealed record,
//! bill or secret into another row (a code of theirs) and have it open.
//! Values sealed before places were bound are converted once, as a store opens.

use super::sql::{p, Conn};
use super::Result;
use razcode_vault::{Place, Rebound, Vault};

pub const CONSUMER_SECRET: &str = "consumers.secret";
pub const TEMP_SECRET: &str = "temp_tokens.secret";
pub const ACCESS_SECRET: &str = "access_tokens.secret";
pub const HER: &str = "stages.her";
pub const PMT: &str = "stages.pmt_sealed";
pub const VOID_REASON: &str = "stages.void_reason_sealed";
pub const ACCOUNT_NAME: &str = "accounts.name_sealed";
pub const ACCOUNT_EMAIL: &str = "accounts.email_sealed";
pub const NOTIFY_SECRET: &str = "accounts.notify_secret";
pub const SETTING: &str = "settings.value";
pub const REISSUE_EMAIL: &str = "reissue_requests.email_sealed";
pub const REISSUE_NOTE: &str = "reissue_requests.note_sealed";

/// An account's row key: its kind and email index, both known before the
/// row (and its id) exists.
pub fn account_row(kind: &str, email_index: &str) -> String {
    format!("{kind}/{email_index}")
}

/// A sealed column: where it is and how to name its rows in SQL.
struct SealedColumn {
    place: &'static str,
    table: &'static str,
    column: &'static str,
    /// The row key, as SQL (the same text as the code's key for the row).
    row: &'static str,
}

const ACCOUNT_ROW: &str = "kind || '/' || email";

const SEALED: [SealedColumn; 10] = [
    SealedColumn {
        place: CONSUMER_SECRET,
        table: "consumers",
        column: "secret",
        row: "key",
    },
    SealedColumn {
        place: TEMP_SECRET,
        table: "temp_tokens",
        column: "secret",
        row: "token",
    },
    SealedColumn {
        place: ACCESS_SECRET,
        table: "access_tokens",
        column: "secret",
        row: "token",
    },
    SealedColumn {
        place: HER,
        table: "stages",
        column: "her",
        row: "raz_id",
    },
    SealedColumn {
        place: PMT,
        table: "stages",
        column: "pmt_sealed",
        row: "raz_id",
    },
    SealedColumn {
        place: VOID_REASON,
        table: "stages",
        column: "void_reason_sealed",
        row: "raz_id",
    },
    SealedColumn {
        place: ACCOUNT_NAME,
        table: "accounts",
        column: "name_sealed",
        row: ACCOUNT_ROW,
    },
    SealedColumn {
        place: ACCOUNT_EMAIL,
        table: "accounts",
        column: "email_sealed",
        row: ACCOUNT_ROW,
    },
    SealedColumn {
        place: NOTIFY_SECRET,
        table: "accounts",
        column: "notify_secret",
        row: ACCOUNT_ROW,
    },
    SealedColumn {
        place: SETTING,
        table: "settings",
        column: "value",
        row: "name",
    },
];

impl SealedColumn {
    /// What else a row needs to hold a sealed value in this column.
    fn only(&self) -> &'static str {
        if self.table == "settings" {
            // Only the server key is sealed among the settings.
            " AND name = 'server_key_sealed'"
        } else if self.column == "her" {
            // An erased record is empty: nothing sealed.
            " AND her_sealed = 1 AND length(her) > 0"
        } else {
            ""
        }
    }
}

/// Rows converted per statement batch: bounds the memory a database of
/// large records needs while it converts.
const PAGE: i64 = 256;

/// Converts every value sealed before places were bound, once per database:
/// whoever inserts the `sealed_bound` mark does it in the same transaction;
/// another process opening at once waits for that and finds the mark.
pub fn bind_sealed(c: &mut Conn, vault: &Vault) -> Result<()> {
    c.transaction(|tx| {
        let marked = tx.execute(
            "INSERT INTO settings(name, value) VALUES ('sealed_bound', ?1) ON CONFLICT (name) DO NOTHING",
            p![b"1".to_vec()],
        )?;
        if marked == 0 {
            return Ok(());
        }
        for col in &SEALED {
            rebind_column(tx, vault, col)?;
        }
        Ok(())
    })
}

fn rebind_column(tx: &mut Conn, vault: &Vault, col: &SealedColumn) -> Result<()> {
    let only = col.only();
    let select = format!(
        "SELECT {row}, {column} FROM {table} WHERE {column} IS NOT NULL{only} AND {row} > ?1 ORDER BY {row} LIMIT {PAGE}",
        row = col.row,
        column = col.column,
        table = col.table,
    );
    let update = format!(
        "UPDATE {table} SET {column} = ?2 WHERE {row} = ?1",
        row = col.row,
        column = col.column,
        table = col.table,
    );
    let mut after = String::new();
    loop {
        let rows = tx.query_dyn(&select, p![after])?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.get(0)?;
        for r in &rows {
            let (row, sealed): (String, Vec<u8>) = (r.get(0)?, r.get(1)?);
            if let Rebound::Sealed(bound) = vault.rebind(Place::new(col.place, &row), &sealed)? {
                tx.execute_dyn(&update, p![row, bound])?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{AccountKind, Store};
    use super::*;
    use base64::engine::general_purpose::STANDARD as BASE64;
    use base64::Engine;

    fn stage_row(store: &Store, raz_id: &str, org: i64, consumer: i64, her: &str, pmt: &str) {
        let her = store.seal(HER, raz_id, her).unwrap();
        let pmt = store.seal(PMT, raz_id, pmt).unwrap();
        store
            .with(|c| {
                c.execute(
                    "INSERT INTO stages(raz_id, consumer_id, org_account_id, her, her_kind, pmt_sealed, created, expires, her_sealed)
                     VALUES (?1, ?2, ?3, ?4, 'ccr', ?5, 0, 10, 1)",
                    p![raz_id, consumer, org, her, pmt],
                )?;
                Ok(())
            })
            .unwrap();
    }

    /// Whoever can write the database but has no key file cannot move one
    /// code's record, bill or reason, one account's name or email, or one
    /// consumer's secret into another row: it no longer opens there.
    #[test]
    fn sealed_values_moved_to_another_row_do_not_open() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("gateway.db")).unwrap();
        let consumer = store.add_consumer("Desk", 0).unwrap();
        let other = store.add_consumer("Other desk", 0).unwrap();
        let org = store
            .add_account(AccountKind::Org, "o@x.test", "Clinic", "h", 0)
            .unwrap();
        let bob = store
            .add_account(AccountKind::Patient, "b@x.test", "Bob", "h", 0)
            .unwrap();
        stage_row(
            &store,
            "AAAAAAAAAAAA",
            org,
            consumer.id,
            "<r>Alma</r>",
            "{}",
        );
        stage_row(
            &store,
            "BBBBBBBBBBBB",
            org,
            consumer.id,
            "<r>Bruno</r>",
            "{}",
        );
        store
            .void("BBBBBBBBBBBB", 1, Some("wrong patient"))
            .unwrap();
        assert_eq!(
            store.stage("AAAAAAAAAAAA").unwrap().unwrap().her,
            b"<r>Alma</r>"
        );

        let moves = [
            "UPDATE stages SET her = (SELECT her FROM stages WHERE raz_id = 'AAAAAAAAAAAA'),
                               her_sealed = 1 WHERE raz_id = 'BBBBBBBBBBBB'",
            "UPDATE stages SET pmt_sealed = (SELECT void_reason_sealed FROM stages WHERE raz_id = 'BBBBBBBBBBBB')
               WHERE raz_id = 'BBBBBBBBBBBB'",
            "UPDATE accounts SET name_sealed = (SELECT name_sealed FROM accounts WHERE kind = 'org')
               WHERE kind = 'patient'",
            "UPDATE consumers SET secret = (SELECT secret FROM consumers WHERE name = 'Desk')
               WHERE name = 'Other desk'",
        ];
        let reads: [&dyn Fn(&Store) -> bool; 4] = [
            &|s| s.stage("BBBBBBBBBBBB").is_err(),
            &|s| s.stage("BBBBBBBBBBBB").is_err(),
            &|s| s.account(bob).is_err(),
            &|s| s.consumer_by_key(&other.key).is_err(),
        ];
        for (sql, refused) in moves.iter().zip(reads) {
            let snapshot = store.with(|c| {
                c.batch("SAVEPOINT moved")?;
                c.execute_dyn(sql, p![])
            });
            assert_eq!(snapshot.unwrap(), 1, "{sql}");
            assert!(refused(&store), "a value moved by `{sql}` opened");
            store
                .with(|c| c.batch("ROLLBACK TO moved; RELEASE moved"))
                .unwrap();
        }
        // Each still opens in its own row.
        assert_eq!(
            store.stage("AAAAAAAAAAAA").unwrap().unwrap().her,
            b"<r>Alma</r>"
        );
        assert_eq!(store.account(bob).unwrap().unwrap().name, "Bob");
        assert_eq!(
            store.consumer_by_key(&other.key).unwrap().unwrap().secret,
            other.secret
        );
    }

    /// A database whose values were sealed before places were bound opens,
    /// every value converted and read back the same; afterwards an unbound
    /// value is refused, and says what to do.
    #[test]
    fn values_sealed_before_places_were_bound_are_converted_once() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gateway.db");
        let store = Store::open(&db).unwrap();
        let consumer = store.add_consumer("Desk", 0).unwrap();
        let temp = store.add_temp_token(consumer.id, "oob", 0).unwrap();
        let org = store
            .add_account(AccountKind::Org, "o@x.test", "Clinic", "h", 0)
            .unwrap();
        store
            .set_org_payment("o@x.test", None, Some("notice-secret"))
            .unwrap();
        stage_row(
            &store,
            "CCCCCCCCCCCC",
            org,
            consumer.id,
            "<r>Cleo</r>",
            "{\"a\":1}",
        );
        store.void("CCCCCCCCCCCC", 1, Some("reprinted")).unwrap();
        stage_row(
            &store,
            "DDDDDDDDDDDD",
            org,
            consumer.id,
            "<r>Dara</r>",
            "{\"a\":2}",
        );
        let server_key = store.server_key().unwrap();
        // As earlier versions sealed them: no associated data.
        let old = |plain: &str| store.vault.seal_unbound(plain).unwrap();
        let (secret, temp_secret) = (old(&consumer.secret), old(&temp.secret));
        let (her, pmt, reason) = (old("<r>Dara</r>"), old("{\"a\":2}"), old("reprinted"));
        let (name, email, notice) = (old("Clinic"), old("o@x.test"), old("notice-secret"));
        let key = old(&BASE64.encode(&server_key));
        store
            .with(|c| {
                c.execute("UPDATE consumers SET secret = ?1", p![secret])?;
                c.execute("UPDATE temp_tokens SET secret = ?1", p![temp_secret])?;
                c.execute(
                    "UPDATE stages SET her = ?1, pmt_sealed = ?2 WHERE raz_id = 'DDDDDDDDDDDD'",
                    p![her, pmt],
                )?;
                c.execute(
                    "UPDATE stages SET void_reason_sealed = ?1 WHERE raz_id = 'CCCCCCCCCCCC'",
                    p![reason],
                )?;
                c.execute(
                    "UPDATE accounts SET name_sealed = ?1, email_sealed = ?2, notify_secret = ?3",
                    p![name, email, notice],
                )?;
                c.execute(
                    "UPDATE settings SET value = ?1 WHERE name = 'server_key_sealed'",
                    p![key],
                )?;
                c.execute("DELETE FROM settings WHERE name = 'sealed_bound'", p![])?;
                Ok(())
            })
            .unwrap();
        drop(store);

        let store = Store::open(&db).unwrap();
        assert_eq!(
            store
                .consumer_by_key(&consumer.key)
                .unwrap()
                .unwrap()
                .secret,
            consumer.secret
        );
        assert_eq!(
            store.temp_token(&temp.token).unwrap().unwrap().secret,
            temp.secret
        );
        let d = store.stage("DDDDDDDDDDDD").unwrap().unwrap();
        assert_eq!(
            (d.her.as_slice(), d.pmt.as_deref()),
            (&b"<r>Dara</r>"[..], Some("{\"a\":2}"))
        );
        let c = store.stage("CCCCCCCCCCCC").unwrap().unwrap();
        assert_eq!(c.void_reason.as_deref(), Some("reprinted"));
        let account = store.account(org).unwrap().unwrap();
        assert_eq!(
            (account.name.as_str(), account.email.as_str()),
            ("Clinic", "o@x.test")
        );
        assert_eq!(
            store.org_payment(org).unwrap().notify_secret.as_deref(),
            Some("notice-secret")
        );
        assert_eq!(store.server_key().unwrap(), server_key);
        // Every sealed value now carries the bound form.
        for col in &SEALED {
            let sql = format!(
                "SELECT count(*) FROM {t} WHERE {c} IS NOT NULL{only} AND substr({c}, 1, 4) != CAST('RZp1' AS BLOB)",
                t = col.table,
                c = col.column,
                only = col.only(),
            );
            let unbound: i64 = store.with(|c| c.query_dyn(&sql, p![])?[0].get(0)).unwrap();
            assert_eq!(unbound, 0, "{}", col.place);
        }

        // Once converted, an unbound value is not accepted.
        let stray = store.vault.seal_unbound("<r>Eve</r>").unwrap();
        store
            .with(|c| {
                c.execute(
                    "UPDATE stages SET her = ?1 WHERE raz_id = 'DDDDDDDDDDDD'",
                    p![stray],
                )?;
                Ok(())
            })
            .unwrap();
        drop(store);
        let store = Store::open(&db).unwrap();
        let e = store.stage("DDDDDDDDDDDD").unwrap_err().to_string();
        assert!(e.contains("stages.her") && e.contains("not bound"), "{e}");
    }
}
