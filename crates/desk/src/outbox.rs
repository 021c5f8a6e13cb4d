//! The outbox and the history as the shells show them: what waits, sending
//! all of it again, and the codes handed out with their state and bill as
//! the desk shows them. The shapes are in [`crate::reports`].

use crate::error::Result;
use crate::lifecycle::{shown_payment, shown_state};
use crate::reports::{EmailRetried, HistoryEntry, Retried, RetryReport, StageOutcome, Waiting};
use crate::store::{Delivery, StagingStatus};
use crate::Desk;

impl Desk {
    /// Every receipt made, printed or emailed, newest first.
    pub fn deliveries(&self) -> Result<Vec<Delivery>> {
        Ok(self.store.deliveries(None)?)
    }

    /// How many things wait in the outbox (stagings and emails): the badge.
    pub fn waiting_count(&self) -> Result<usize> {
        Ok(self.store.outbox()?.len()
            + self.waiting_emails()?.len()
            + self.store.pending_voids()?.len())
    }

    pub fn waiting(&self) -> Result<Waiting> {
        Ok(Waiting {
            outbox: self.store.outbox()?,
            emails: self.waiting_emails()?,
            voids: self.store.pending_voids()?,
        })
    }

    /// Sends again every staging and email that waits.
    pub async fn retry_all(&self) -> Result<RetryReport> {
        let results: Vec<Retried> = self
            .retry_outbox()
            .await?
            .iter()
            .map(|r| match r {
                Ok(s) => Retried::Staging(StageOutcome::new(s, None)),
                Err((Some(s), e)) => Retried::Staging(StageOutcome::new(s, Some(e))),
                Err((None, e)) => Retried::Error {
                    ok: false,
                    error: e.into(),
                },
            })
            .collect();
        let emails: Vec<EmailRetried> = self
            .retry_emails()
            .await?
            .into_iter()
            .map(|(delivery, r)| EmailRetried {
                delivery,
                ok: r.is_ok(),
                error: r.err(),
            })
            .collect();
        let voids = self.retry_voids().await?;
        let staged = |r: &Retried| match r {
            Retried::Staging(o) => o.status == StagingStatus::Staged,
            Retried::Error { .. } => false,
        };
        Ok(RetryReport {
            ok: results.iter().all(staged)
                && emails.iter().all(|e| e.ok)
                && voids.iter().all(|v| v.ok),
            results,
            emails,
            voids,
            waiting: self.waiting_count()?,
        })
    }

    /// Stagings, newest first, each with its deliveries.
    pub fn history(&self, search: Option<&str>) -> Result<Vec<HistoryEntry>> {
        self.history_page(search, usize::MAX)
    }

    /// At most `limit` stagings, newest first, each with its deliveries.
    pub fn history_page(&self, search: Option<&str>, limit: usize) -> Result<Vec<HistoryEntry>> {
        let stagings = self.store.history_page(search, limit)?;
        let ids = stagings.iter().map(|s| s.id);
        let (from, to) = (ids.clone().min().unwrap_or(0), ids.max().unwrap_or(-1));
        let mut deliveries = self.store.deliveries_between(from, to)?;
        let now = self.now();
        let today = crate::clock::date(now);
        Ok(stagings
            .into_iter()
            .map(|staging| {
                let (mine, rest) = deliveries
                    .drain(..)
                    .partition(|d: &Delivery| d.staging_id == staging.id);
                deliveries = rest;
                HistoryEntry {
                    state: shown_state(&staging, now),
                    payment: shown_payment(&staging, &today),
                    staging,
                    deliveries: mine,
                }
            })
            .collect())
    }
}
