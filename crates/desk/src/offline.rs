//! Codes for receipts printed while the gateway cannot be reached (protocol
//! v1.2 reserved codes). The gateway reserves IDs ahead of time; the desk keeps
//! them sealed in a pool, tops it up when the gateway answers and the pool is
//! below half, and a checkout that cannot reach the gateway takes one at once:
//! the staging gets the code in one commit, its receipt is printed with it, and
//! the stage that waits in the outbox names it when it goes.

use crate::client::Signed;
use crate::error::{DeskError, Result};
use crate::links::ShlMode;
use crate::store::{NewReserved, SealedReserved, Staging, Taken};
use crate::{barcode, keys, secret, Desk};
use razcode_protocol::params::RESERVE_COUNT;
use razcode_protocol::reserve::RESERVE_MAX;
use razcode_protocol::{paths, RazId, CODE_TTL_DAYS};
use serde::Serialize;

/// How many codes the desk keeps in reserve.
pub const POOL_TARGET: i64 = 25;
/// A reserved code is used only while it stays reserved at least this long:
/// its stage has that long to reach the gateway before the code lapses.
pub const USABLE_FOR_SECS: i64 = 7 * 86_400;

/// The pool as staff and IT see it.
#[derive(Debug, Clone, Serialize)]
pub struct Pool {
    /// Codes ready for receipts printed offline.
    pub available: i64,
    pub target: i64,
    /// False once the gateway said it has no reserved codes (a v1.1
    /// gateway); none until it was asked.
    pub gateway_reserves: Option<bool>,
}

impl Desk {
    pub fn pool(&self) -> Result<Pool> {
        let usable = self.now() + USABLE_FOR_SECS;
        Ok(Pool {
            available: self.store.pool_size(usable)?,
            target: POOL_TARGET,
            gateway_reserves: self
                .store
                .setting(keys::GATEWAY_RESERVES)?
                .map(|v| v == "yes"),
        })
    }

    /// Asks the gateway for `count` codes (at most 100) and keeps them; the pool after.
    pub async fn reserve_codes(&self, count: u32) -> Result<Pool> {
        let count = count.clamp(1, RESERVE_MAX);
        let token = self.practice_token()?;
        let url = format!("{}{}", self.settings()?.api_base, paths::RESERVE);
        let mut client = self.client()?;
        let answer = client
            .reserve(&Signed::practice(
                &url,
                vec![(RESERVE_COUNT, count.to_string())],
                &token,
            ))
            .await;
        self.remember_offset(&client)?;
        let said = match &answer {
            Err(DeskError::NoReserve) => Some("no"),
            Ok(_) => Some("yes"),
            Err(_) => None,
        };
        if let Some(word) = said {
            self.store
                .relaxed(|s| s.set_setting(keys::GATEWAY_RESERVES, word))?;
        }
        let list = answer?;
        // Sealed before the commit, each for a random slot of its own.
        let mut rows = Vec::with_capacity(list.len());
        for c in &list {
            let Some(until) = unix_time(&c.reserved_until) else {
                continue;
            };
            let id = RazId::parse(&c.raz_id).map_err(|_| DeskError::NotAnAnswer {
                status: 200,
                reason: format!("the reserved ID {:?} is not a RAZCODE ID", c.raz_id),
            })?;
            let slot = crate::ids::random_hex(16)?;
            let raz_id = self.seal(secret::RESERVED_ID, &slot, &id.grouped())?;
            let raz_uri = self.seal(secret::RESERVED_URI, &slot, &c.raz_uri)?;
            let shl_url = c
                .shl_url
                .as_deref()
                .map(|u| self.seal(secret::RESERVED_SHL, &slot, u))
                .transpose()?;
            rows.push((slot, raz_id, raz_uri, shl_url, until));
        }
        let usable = self.now() + USABLE_FOR_SECS;
        self.store.together(|store| {
            store.drop_lapsing(usable)?;
            for (slot, raz_id, raz_uri, shl_url, until) in &rows {
                store.add_reserved(&NewReserved {
                    slot,
                    raz_id,
                    raz_uri,
                    shl_url: shl_url.as_deref(),
                    reserved_until: *until,
                })?;
            }
            Ok(())
        })?;
        self.audit("reserve", &format!("{} codes reserved", rows.len()));
        self.pool()
    }

    /// Fills the pool when it is below half and the gateway can; a failure is
    /// logged, never raised (the pool is for later, the answer was for now).
    pub async fn top_up_pool(&self) {
        let Ok(pool) = self.pool() else { return };
        if pool.gateway_reserves == Some(false) || pool.available * 2 >= pool.target {
            return;
        }
        let wanted = (pool.target - pool.available).max(1) as u32;
        if let Err(e) = self.reserve_codes(wanted).await {
            tracing::warn!(error = %e, "the pool of offline codes was not topped up");
        }
    }

    /// Gives a pending staging a reserved code, in one commit (the code is
    /// taken from the pool and the staging gets it together), and draws its QR.
    /// None when the pool is empty. A staging that has a code keeps it: a
    /// crash between this commit and the print prints the same code again.
    pub(crate) fn take_offline_code(&self, staging: &Staging) -> Result<Option<Staging>> {
        if staging.offline {
            return Ok(Some(staging.clone()));
        }
        let usable = self.now() + USABLE_FOR_SECS;
        let dir = self.dir.join("barcodes");
        std::fs::create_dir_all(&dir).map_err(DeskError::io_at("desk-io-folder", dir.display()))?;
        // Another process may take the same free code first: then the next.
        for _ in 0..4 {
            let Some(free) = self.store.free_reserved(usable)? else {
                return Ok(None);
            };
            let raz_id = self.unseal(secret::RESERVED_ID, &free.slot, &free.raz_id)?;
            let raz_uri = self.unseal(secret::RESERVED_URI, &free.slot, &free.raz_uri)?;
            let compact = RazId::parse(&raz_id)
                .map(|r| r.compact())
                .unwrap_or_else(|_| raz_id.clone());
            let path = dir.join(format!("{compact}.png"));
            let shown = path.display().to_string();
            let link = self.offline_link(staging, &free)?;
            let taken = self.store.together(|store| {
                store.take_reserved(
                    free.id,
                    staging.id,
                    &Taken {
                        raz_id: &raz_id,
                        raz_uri: &raz_uri,
                        image_path: &shown,
                        shl: link.as_ref().map(|l| l.sealed.as_slice()),
                        shl_passcode: link.as_ref().and_then(|l| l.passcode.as_deref()),
                    },
                )
            })?;
            if !taken {
                let now = self.staging(staging.id)?;
                if now.offline {
                    return Ok(Some(now));
                }
                continue;
            }
            // Drawn after the commit; should the process die first, the QR
            // is drawn again when it is shown (`Desk::barcode_bytes`).
            let text = match &link {
                Some(l) => crate::staging::qr_text(&raz_uri, Some(&l.shl)),
                None => raz_uri.clone(),
            };
            let png = barcode::qr_png(&text)?;
            std::fs::write(&path, png).map_err(DeskError::io_at("desk-io-save", path.display()))?;
            self.audit(
                "stage",
                &format!("staging {} got a code for offline use", staging.id),
            );
            return Ok(Some(self.staging(staging.id)?));
        }
        Ok(None)
    }
}

/// A link made for a code printed offline: the link itself, and it and its
/// passcode sealed for the staging's row.
struct OfflineLink {
    shl: String,
    sealed: Vec<u8>,
    passcode: Option<Vec<u8>>,
}

impl Desk {
    /// The link a staging's offline code carries, when the clinic uses links
    /// and the gateway reserved a manifest with the code; made here, its key
    /// known only to the desk and the receipt.
    fn offline_link(
        &self,
        staging: &Staging,
        free: &SealedReserved,
    ) -> Result<Option<OfflineLink>> {
        let (Some(sealed_url), true) = (&free.shl_url, staging.shl_mode != ShlMode::Off) else {
            return Ok(None);
        };
        let manifest = self.unseal(secret::RESERVED_SHL, &free.slot, sealed_url)?;
        let now = self.now();
        let visit = self
            .encounter(staging.encounter_id)?
            .visit_date
            .and_then(|v| v.get(..10).map(str::to_string))
            .unwrap_or_else(|| iso_date(now));
        let organization = self.settings()?.organization;
        let shl = crate::offline_link::new_link(&crate::offline_link::LinkFor {
            manifest: &manifest,
            // The code's expiry counts from its stage, never earlier than this.
            exp: now + CODE_TTL_DAYS * 86_400,
            passcode: staging.shl_mode == ShlMode::Passcode,
            practice: organization.as_deref(),
            visit: &visit,
        })?;
        let row = staging.id.to_string();
        let passcode = match staging.shl_mode {
            ShlMode::Passcode => {
                Some(self.seal(secret::SHL_PASSCODE, &row, &crate::links::new_passcode()?)?)
            }
            _ => None,
        };
        Ok(Some(OfflineLink {
            sealed: self.seal(secret::SHL, &row, &shl)?,
            shl,
            passcode,
        }))
    }
}

/// `YYYY-MM-DD` of a Unix time, in UTC.
fn iso_date(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}

/// RFC 3339 to Unix seconds.
fn unix_time(rfc3339: &str) -> Option<i64> {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}
