//! Receipts made and their deliveries: prints, emails (pending ones are the
//! outbox's), saved files.

use super::{DeliveryStatus, Result, Store};
use rusqlite::params;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub id: i64,
    pub staging_id: i64,
    pub channel: String,
    pub target: String,
    pub format: String,
    pub status: DeliveryStatus,
    pub error: Option<String>,
    pub created: i64,
    pub file: Option<String>,
}

pub struct NewDelivery<'a> {
    pub staging_id: i64,
    pub channel: &'a str,
    pub target: &'a str,
    pub format: &'a str,
    pub file: Option<&'a str>,
    pub status: DeliveryStatus,
    pub error: Option<&'a str>,
}

impl Store {
    /// Counts a receipt made for a staging; returns how many were made before.
    pub fn receipt_made(&self, id: i64) -> Result<i64> {
        let before: i64 = self.conn.query_row(
            "SELECT receipts FROM stagings WHERE id = ?1",
            params![id],
            |r| r.get(0),
        )?;
        self.conn.execute(
            "UPDATE stagings SET receipts = receipts + 1 WHERE id = ?1",
            params![id],
        )?;
        Ok(before)
    }

    pub fn receipts_made(&self, id: i64) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT receipts FROM stagings WHERE id = ?1",
            params![id],
            |r| r.get(0),
        )?)
    }

    pub fn add_delivery(&self, d: &NewDelivery, now: i64) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO deliveries(staging_id, channel, target, format, file, status, error, created, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![d.staging_id, d.channel, d.target, d.format, d.file, d.status, d.error, now],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn set_delivery(
        &self,
        id: i64,
        status: DeliveryStatus,
        error: Option<&str>,
        now: i64,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE deliveries SET status = ?2, error = ?3, updated = ?4 WHERE id = ?1",
            params![id, status, error, now],
        )?;
        Ok(())
    }

    /// `(id, staging_id, channel, target, format, status, error)` of deliveries.
    pub fn deliveries(&self, status: Option<DeliveryStatus>) -> Result<Vec<Delivery>> {
        self.deliveries_where("?1 IS NULL OR status = ?1", params![status])
    }

    /// The deliveries of stagings `from..=to` (a page of history).
    pub fn deliveries_between(&self, from: i64, to: i64) -> Result<Vec<Delivery>> {
        self.deliveries_where("staging_id BETWEEN ?1 AND ?2", params![from, to])
    }

    fn deliveries_where(&self, cond: &str, p: impl rusqlite::Params) -> Result<Vec<Delivery>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT id, staging_id, channel, target, format, status, error, created, file FROM deliveries WHERE {cond} ORDER BY id"
        ))?;
        let rows = st.query_map(p, |r| {
            Ok(Delivery {
                id: r.get(0)?,
                staging_id: r.get(1)?,
                channel: r.get(2)?,
                target: r.get(3)?,
                format: r.get(4)?,
                status: r.get(5)?,
                error: r.get(6)?,
                created: r.get(7)?,
                file: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
