//! Sealing what earlier gateways kept in clear beside the records: a stage's
//! bill (its description and reference), a void's reason, an account's name
//! and email (the email column then holds its keyed index).
//! Run as a store opens, on either engine, in one transaction; the clear
//! columns are emptied. On SQLite, `secure_delete` (set on every connection)
//! overwrites the pages the clear values were on.

use super::places;
use super::sql::{p, Conn};
use super::Result;
use razcode_vault::{Place, Vault};

pub fn seal_clear_columns(c: &mut Conn, vault: &Vault) -> Result<()> {
    c.transaction(|tx| {
        for r in tx.query("SELECT raz_id, pmt FROM stages WHERE pmt IS NOT NULL", p![])? {
            let (id, pmt): (String, String) = (r.get(0)?, r.get(1)?);
            tx.execute(
                "UPDATE stages SET pmt_sealed = ?2, pmt = NULL WHERE raz_id = ?1",
                p![id, vault.seal_at(Place::new(places::PMT, &id), &pmt)?],
            )?;
        }
        for r in tx.query(
            "SELECT raz_id, void_reason FROM stages WHERE void_reason IS NOT NULL",
            p![],
        )? {
            let (id, reason): (String, String) = (r.get(0)?, r.get(1)?);
            tx.execute(
                "UPDATE stages SET void_reason_sealed = ?2, void_reason = NULL WHERE raz_id = ?1",
                p![
                    id,
                    vault.seal_at(Place::new(places::VOID_REASON, &id), &reason)?
                ],
            )?;
        }
        for r in tx.query(
            "SELECT id, kind, email FROM accounts WHERE email_sealed IS NULL",
            p![],
        )? {
            let (id, kind, email): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let index = super::accounts::email_index(vault, &email);
            let row = places::account_row(&kind, &index);
            tx.execute(
                "UPDATE accounts SET email_sealed = ?2, email = ?3 WHERE id = ?1",
                p![
                    id,
                    vault.seal_at(Place::new(places::ACCOUNT_EMAIL, &row), &email)?,
                    index
                ],
            )?;
        }
        // After the emails: a row's key holds its email's index.
        for r in tx.query(
            "SELECT id, name, kind || '/' || email FROM accounts WHERE name_sealed IS NULL",
            p![],
        )? {
            let (id, name, row): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            tx.execute(
                "UPDATE accounts SET name_sealed = ?2, name = '' WHERE id = ?1",
                p![
                    id,
                    vault.seal_at(Place::new(places::ACCOUNT_NAME, &row), &name)?
                ],
            )?;
        }
        Ok(())
    })
}
