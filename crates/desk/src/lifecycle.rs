//! The codes the desk handed out, after they left it (protocol v1.1): their
//! state at the gateway, voids (the code withdrawn and its record erased there)
//! and reissues (void, then the same encounter staged again under a new code).

use crate::client::Signed;
use crate::error::{DeskError, Result};
use crate::reports::{Refreshed, VoidRetried};
use crate::staging::{StageRequest, StageResult};
use crate::store::{Staging, StagingStatus};
use crate::words::Words;
use crate::Desk;
use razcode_protocol::params::{RAZ_ID, VOID_REASON, VOID_REASON_MAX};
use razcode_protocol::{paths, CodeState, CodeStatus, PaymentRequest, CODE_TTL_DAYS};

/// A staging's code state as the desk shows it: `pending` while it waits in
/// the outbox, then the gateway's last word (`issued` until it says more, and
/// `expired` once 30 days have passed unclaimed); none for a refused staging.
pub fn shown_state(s: &Staging, now: i64) -> Option<&'static str> {
    match s.status {
        StagingStatus::Pending => Some("pending"),
        StagingStatus::Failed => None,
        StagingStatus::Staged => Some(match s.code_state {
            Some(CodeState::Claimed) => "claimed",
            Some(CodeState::Voided) => "voided",
            Some(CodeState::Expired) => "expired",
            Some(CodeState::Issued) | None if now > s.updated + CODE_TTL_DAYS * 86_400 => "expired",
            Some(CodeState::Issued) | None => "issued",
            // A v1.2 gateway's word for a code printed before its stage
            // arrived: to the desk it is still on its way.
            Some(CodeState::Reserved) => "pending",
        }),
    }
}

/// A staging's bill as the desk shows it: `paid`, `overdue` (its due date has
/// passed, `today` being `YYYY-MM-DD`), `unpaid`; none without a valid bill.
pub fn shown_payment(s: &Staging, today: &str) -> Option<&'static str> {
    if s.status != StagingStatus::Staged || s.pmt_valid != Some(true) {
        return None;
    }
    if s.paid_at.is_some() {
        return Some("paid");
    }
    let due = s
        .pmt
        .as_deref()
        .and_then(|p| PaymentRequest::parse(p).ok())
        .and_then(|p| p.due_date);
    Some(match due {
        Some(d) if d.as_str() < today => "overdue",
        _ => "unpaid",
    })
}

impl Desk {
    /// Sends one status or void request for a staging's code.
    async fn lifecycle_call(
        &self,
        path: &str,
        s: &Staging,
        reason: Option<&str>,
    ) -> Result<CodeStatus> {
        let raz_id = s.raz_id.clone().ok_or(DeskError::NothingToVoid(s.id))?;
        let token = self.practice_token()?;
        let url = format!("{}{path}", self.settings()?.api_base);
        let mut params = vec![(RAZ_ID, raz_id)];
        if let Some(r) = reason.filter(|r| !r.is_empty()) {
            params.push((VOID_REASON, r.to_string()));
        }
        let mut client = self.client()?;
        let answer = client
            .code_status(&Signed::practice(&url, params, &token))
            .await;
        self.remember_offset(&client)?;
        let status = answer?;
        self.store.set_code_status(s.id, &status, self.now())?;
        self.keep_request(s, &status)?;
        Ok(status)
    }

    /// Asks the gateway for the state of every code that can still change.
    pub async fn refresh_states(&self) -> Result<Refreshed> {
        let mut done = Refreshed {
            checked: 0,
            changed: 0,
            error: None,
        };
        let watch_since = self.now() - crate::new_code_requests::WATCH_SECS;
        for s in self.store.open_codes(watch_since)? {
            match self.lifecycle_call(paths::STATUS, &s, None).await {
                Ok(st) => {
                    done.checked += 1;
                    // Never asked counts as issued: it is shown that way.
                    if st.state != s.code_state.unwrap_or(CodeState::Issued)
                        || st.paid_at != s.paid_at
                        || st.access_count.map(|c| c as i64) != s.access_count
                        || st.reissue_requested_at != s.reissue_requested_at
                    {
                        done.changed += 1;
                    }
                }
                // One code the gateway does not know does not stop the others.
                Err(e @ DeskError::Refused { .. }) if !e.is_transient() => {
                    tracing::warn!(staging = s.id, error = %e, "a code's state was refused");
                }
                Err(e) => {
                    done.error = Some((&e).into());
                    break;
                }
            }
        }
        self.audit("refresh", &format!("{} codes checked", done.checked));
        Ok(done)
    }

    /// Voids a staging's code at the gateway, then here. A gateway that cannot
    /// be reached leaves the void in the outbox (`VoidWaits`): the code is not
    /// shown as voided until the gateway said so.
    pub async fn void(&self, staging_id: i64, reason: &str) -> Result<Staging> {
        let s = self.staging(staging_id)?;
        if s.status != StagingStatus::Staged {
            return Err(DeskError::NothingToVoid(staging_id));
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > VOID_REASON_MAX {
            return Err(DeskError::Input(
                Words::new("desk-void-reason").with("max", VOID_REASON_MAX),
            ));
        }
        if s.code_state != Some(CodeState::Voided) {
            self.store.set_void_pending(s.id, Some(reason))?;
            self.send_void(&s).await?;
            self.audit("void", &format!("staging {staging_id} voided"));
        }
        self.staging(staging_id)
    }

    /// Sends a void that is asked for; keeps it waiting only when it may go later.
    async fn send_void(&self, s: &Staging) -> Result<CodeStatus> {
        let reason = self.staging(s.id)?.void_reason;
        match self.lifecycle_call(paths::VOID, s, reason.as_deref()).await {
            Ok(st) => Ok(st),
            Err(e) if e.is_transient() => Err(DeskError::VoidWaits(Box::new(e))),
            Err(e) => {
                // It can never go (no v1.1 here, or the gateway refuses it): out of the outbox.
                self.store.set_void_pending(s.id, None)?;
                Err(e)
            }
        }
    }

    /// Sends every void that waits.
    pub async fn retry_voids(&self) -> Result<Vec<VoidRetried>> {
        let mut out = Vec::new();
        for s in self.store.pending_voids()? {
            let r = self.send_void(&s).await;
            out.push(VoidRetried {
                staging_id: s.id,
                ok: r.is_ok(),
                error: r.err().map(|e| e.to_string()),
            });
        }
        Ok(out)
    }

    /// Voids a staging's code and stages its encounter again with the same
    /// choices (sections, payment, patient binding, barcode) under a new code.
    pub async fn reissue(&self, staging_id: i64, reason: Option<&str>) -> StageResult {
        let old = self.staging(staging_id).map_err(|e| (None, e))?;
        let reason = reason
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .unwrap_or("Reissued: a new code replaces it.");
        self.void(staging_id, reason).await.map_err(|e| (None, e))?;
        let req = StageRequest {
            encounter_id: old.encounter_id,
            mrn: old.user_mrn.clone(),
            payment: old
                .pmt
                .as_deref()
                .and_then(|p| PaymentRequest::parse(p).ok()),
            barcode: Some(old.variant),
            shl: Some(old.shl_mode),
            leave_out: old.leave_out.clone(),
            replaces: Some(old.id),
            language: self.staging_language(old.id).ok(),
        };
        self.stage(&req).await
    }
}
