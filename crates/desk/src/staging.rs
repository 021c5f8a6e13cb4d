//! Staging: recorded before it is sent, sent once with an idempotency key, the
//! answer read strictly, the barcode saved. What cannot reach the gateway waits
//! in the outbox and is sent again with the same key, so an encounter is never
//! staged twice, even across a crash.

use crate::barcode;
use crate::client::Signed;
use crate::error::{DeskError, Result};
use crate::ids::sha256_hex;
use crate::keys;
use crate::store::{StagedCode, Staging, StagingStatus};
use crate::words::Words;
use crate::Desk;
use razcode_her::ccr::{filter::drop_sections, SectionKind};
use razcode_protocol::params::{IDEMPOTENCY_KEY, RESERVED_ID, SHL, SHL_FILE, SHL_PASSCODE};
use razcode_protocol::{PaymentRequest, StageAnswer};
use std::path::PathBuf;

/// What to stage.
#[derive(Debug, Clone, Default)]
pub struct StageRequest {
    pub encounter_id: i64,
    /// Bind the code to this patient's linked HealthJibe account.
    pub mrn: Option<String>,
    pub payment: Option<PaymentRequest>,
    /// The barcode (none: the clinic's choice): a QR code drawn here from
    /// `/gateway/stage/url`, or the gateway's Tag image.
    pub barcode: Option<crate::links::Barcode>,
    /// A SMART Health Link on the code (none: the clinic's setting).
    pub shl: Option<crate::links::ShlMode>,
    /// Sections left out (minimum necessary).
    pub leave_out: Vec<SectionKind>,
    /// The staging whose code this one replaces (a reissue).
    pub replaces: Option<i64>,
    /// The language its receipts and emails are in (kept with the staging and
    /// the patient); none: the patient's, else the clinic's.
    pub language: Option<razcode_lang::Language>,
}

/// What a stage ends with: the staging, or why not (with the staging when
/// one was recorded).
pub type StageResult = std::result::Result<Staging, (Option<Staging>, DeskError)>;

impl Desk {
    /// Stages an encounter. Returns the staging (staged, or failed with the
    /// gateway's answer) or an error; a transient error leaves it in the outbox.
    pub async fn stage(&self, req: &StageRequest) -> StageResult {
        let prepared = self.prepare(req).map_err(|e| (None, e))?;
        match prepared {
            Prepared::Done(s) => Ok(*s),
            Prepared::Send(s) => self.send(s, true).await,
        }
    }

    fn prepare(&self, req: &StageRequest) -> Result<Prepared> {
        let enc = self.encounter(req.encounter_id)?;
        let her = record_to_send(&enc.her, &enc.kind, &req.leave_out)?;
        if let Some(p) = &req.payment {
            p.validate().map_err(|e| DeskError::PaymentInvalid {
                cause: e.to_string(),
            })?;
        }
        let mrn = req.mrn.as_deref().map(str::trim).filter(|m| !m.is_empty());
        if let Some(m) = mrn {
            let linked = self.store.patient(m)?.map(|p| p.linked).unwrap_or(false);
            if !linked {
                return Err(DeskError::NotLinked { mrn: m.to_string() });
            }
        }
        let prefs = self.code_prefs()?;
        let variant = req.barcode.unwrap_or(prefs.barcode);
        let shl = req.shl.unwrap_or(prefs.shl);
        let pmt = req.payment.as_ref().map(PaymentRequest::to_json);
        let key = self.idempotency_key(enc.id, &her, mrn, pmt.as_deref(), req.replaces, shl)?;
        let now = self.now();
        // Durable before the request leaves, in one commit: the staging (the
        // outbox entry) and the older requests it replaces.
        // The language is the desk's, never sent: kept in the same commit.
        let keep_language = |store: &crate::store::Store, id: i64| -> crate::store::Result<()> {
            if let Some(lang) = req.language {
                store.set_staging_language(id, lang.tag())?;
                if let Some(m) = &enc.patient_mrn {
                    store.set_patient_language(m, lang.tag())?;
                }
            }
            Ok(())
        };
        let staging = self.store.together(|store| {
            let staging = match store.staging_by_key(&key)? {
                Some(s) if s.status == StagingStatus::Staged => {
                    keep_language(store, s.id)?;
                    return Ok(Err(s));
                }
                Some(s) => {
                    store.requeue(s.id, variant, mrn, pmt.as_deref(), now)?;
                    store.staging(s.id)?.unwrap_or(s)
                }
                None => store.add_pending(
                    &crate::store::Pending {
                        encounter_id: enc.id,
                        key: &key,
                        variant,
                        user_mrn: mrn,
                        pmt: pmt.as_deref(),
                        leave_out: &req.leave_out,
                        replaces: req.replaces,
                        shl_mode: shl,
                    },
                    now,
                )?,
            };
            // Sent with other choices before the gateway answered: the older
            // request is replaced, never sent again (v1.1: a key covers all it sends).
            store.supersede_pending(enc.id, staging.id, now)?;
            keep_language(store, staging.id)?;
            Ok(Ok(staging))
        })?;
        let staging = match staging {
            Ok(s) => s,
            Err(done) => return Ok(Prepared::Done(Box::new(done))),
        };
        Ok(Prepared::Send(Box::new((staging, her))))
    }

    /// The key for "this encounter, this record, these choices": it covers
    /// everything a stage sends (v1.1: a repeat that differs is refused), so a
    /// retry after changing the patient link or the payment is a new request and
    /// never gets back the old code. A plain stage keeps the key earlier desks
    /// made, so that re-staging after an update finds its code.
    fn idempotency_key(
        &self,
        encounter_id: i64,
        her: &str,
        mrn: Option<&str>,
        pmt: Option<&str>,
        replaces: Option<i64>,
        shl: crate::links::ShlMode,
    ) -> Result<String> {
        let install = self.store.setting(keys::INSTALL_ID)?.unwrap_or_default();
        let mut material = format!("{install}:{encounter_id}:{}", sha256_hex(her.as_bytes()));
        if mrn.is_some() || pmt.is_some() || replaces.is_some() {
            material.push_str(&format!(
                ":user={}:pmt={}:replaces={}",
                mrn.unwrap_or(""),
                pmt.map(|p| sha256_hex(p.as_bytes())).unwrap_or_default(),
                replaces.map(|r| r.to_string()).unwrap_or_default()
            ));
        }
        // A link is a different request (v1.1: the key covers what is sent).
        if shl != crate::links::ShlMode::Off {
            material.push_str(&format!(":shl={}", shl.name()));
        }
        Ok(sha256_hex(material.as_bytes()))
    }

    /// Sends a recorded staging. `at_checkout`: the patient is at the desk, so
    /// a gateway that cannot be reached gives way to a reserved code.
    async fn send(&self, boxed: Box<(Staging, String)>, at_checkout: bool) -> StageResult {
        let (staging, her) = *boxed;
        let fail = |s: &Staging, e: DeskError| (Some(s.clone()), e);
        let result = self.send_once(&staging, &her).await;
        let now = self.now();
        match result {
            Ok(()) => {
                let s = self
                    .store
                    .staging(staging.id)
                    .map_err(|e| fail(&staging, e.into()))?
                    .unwrap_or(staging);
                self.audit("stage", &format!("staging {} staged", s.id));
                self.top_up_pool().await;
                Ok(s)
            }
            Err(e) if e.is_transient() => {
                let _ = self.store.note_waiting(staging.id, &e.to_string(), now);
                self.audit(
                    "stage",
                    &format!("staging {} waits in the outbox", staging.id),
                );
                // The patient still leaves with a code: a reserved one, when
                // the pool has one (v1.2); the stage names it when it goes.
                if at_checkout || staging.offline {
                    match self.take_offline_code(&staging) {
                        Ok(Some(s)) => return Ok(s),
                        Ok(None) => {}
                        Err(taking) => {
                            tracing::warn!(error = %taking, "no code for offline use was taken")
                        }
                    }
                }
                let s = self.store.staging(staging.id).ok().flatten();
                Err((s, e))
            }
            Err(e) => {
                if let Some(code) = e.errorcode() {
                    let _ = self
                        .store
                        .mark_failed(staging.id, code, e.detail().unwrap_or(""), now);
                } else {
                    let _ = self.store.mark_failed(staging.id, "", &e.to_string(), now);
                }
                self.audit("stage", &format!("staging {} refused", staging.id));
                let s = self.store.staging(staging.id).ok().flatten();
                Err((s, e))
            }
        }
    }

    async fn send_once(&self, s: &Staging, her: &str) -> Result<()> {
        let token = self.practice_token()?;
        let url = self.stage_url(s.variant)?;
        let mut params: Vec<(&str, String)> = vec![
            ("her", her.to_string()),
            (IDEMPOTENCY_KEY, s.idem_key.clone()),
        ];
        // A code printed offline: the stage issues that one (v1.2).
        if let (true, Some(id)) = (s.offline, &s.raz_id) {
            params.push((RESERVED_ID, id.clone()));
        }
        if let Some(m) = &s.user_mrn {
            let user = self
                .store
                .patient(m)?
                .and_then(|p| p.user_token)
                .ok_or_else(|| DeskError::NotLinked { mrn: m.clone() })?;
            params.push(("user", user));
        }
        if let Some(p) = &s.pmt {
            params.push(("pmt", p.clone()));
        }
        // A code printed offline carries the link the desk made: its file
        // goes with the stage, under the passcode printed (v1.2).
        let desk_link = match s.offline && s.has_link {
            true => self.code_link(s.id)?,
            false => None,
        };
        // Otherwise a new passcode each time the request goes out: the gateway
        // makes the link anew on a repeat, and the answer's link goes with it.
        let passcode = match (&desk_link, s.shl_mode) {
            (Some(l), _) => {
                params.push((SHL_FILE, crate::offline_link::file_for(&l.shl, her)?));
                if let Some(p) = &l.passcode {
                    params.push((SHL_PASSCODE, p.clone()));
                }
                None
            }
            (None, crate::links::ShlMode::Off) => None,
            (None, crate::links::ShlMode::On) => {
                params.push((SHL, "1".into()));
                None
            }
            (None, crate::links::ShlMode::Passcode) => {
                let p = crate::links::new_passcode()?;
                params.push((SHL, "1".into()));
                params.push((SHL_PASSCODE, p.clone()));
                Some(p)
            }
        };
        let mut client = self.client()?;
        // A count for people; the staging itself is already durable.
        let now = self.now();
        self.store.relaxed(|store| store.attempt(s.id, now))?;
        let answer = client.stage(&Signed::practice(&url, params, &token)).await;
        self.remember_offset(&client)?;
        let StageAnswer::Success {
            raz_id,
            raz_image,
            raz_uri,
            pmt_valid,
            pay_online,
            shl,
        } = answer?
        else {
            return Err(DeskError::NotAnAnswer {
                status: 200,
                reason: "not a success".into(),
            });
        };
        if s.offline && s.raz_id.as_deref() != Some(raz_id.grouped().as_str()) {
            // Only a gateway that ignores reserved codes answers another ID:
            // the code on the printed receipt does not work; staff reprint it.
            tracing::warn!("the gateway issued another code than the one printed offline");
            self.audit(
                "stage",
                &format!("staging {}: the gateway issued another code than the one printed offline; print the receipt again", s.id),
            );
        }
        if s.shl_mode != crate::links::ShlMode::Off && shl.is_none() && desk_link.is_none() {
            tracing::warn!("the gateway made no SMART Health Link (it may not offer them)");
        }
        let row = s.id.to_string();
        let (shl, sealed_link, sealed_passcode) = match desk_link {
            // The link printed stays the code's link.
            Some(l) => {
                let (link, passcode) = self.store.sealed_link(s.id)?;
                (Some(l.shl), link, passcode)
            }
            None => {
                let sealed_link = shl
                    .as_deref()
                    .map(|l| self.seal(crate::secret::SHL, &row, l))
                    .transpose()?;
                let sealed_passcode = match (&shl, &passcode) {
                    (Some(_), Some(p)) => Some(self.seal(crate::secret::SHL_PASSCODE, &row, p)?),
                    _ => None,
                };
                (shl, sealed_link, sealed_passcode)
            }
        };
        let settings = self.settings()?;
        let redeem = redeem_url(
            raz_uri.as_deref(),
            &settings.healthjibe_base,
            &raz_id.compact(),
        );
        let dir = self.dir.join("barcodes");
        std::fs::create_dir_all(&dir).map_err(DeskError::io_at("desk-io-folder", dir.display()))?;
        // With a link the QR is the barcode (a Tag image cannot carry it):
        // a camera opens the redemption page, a health app takes the link after `#`.
        let drawn = match (&raz_image, &shl) {
            (Some(_), None) => None,
            (_, link) => Some(qr_text(&redeem, link.as_deref())),
        };
        let staged = StagedCode {
            raz_id: &raz_id.grouped(),
            raz_image: raz_image.as_deref(),
            raz_uri: raz_uri.as_deref(),
            pmt_valid,
            pay_online: pay_online.filter(|_| pmt_valid),
            shl: sealed_link.as_deref(),
            shl_passcode: sealed_passcode.as_deref(),
        };
        let now = self.now();
        let file = |ext: &str| dir.join(format!("{}.{ext}", raz_id.compact()));
        let save = |path: &PathBuf, bytes: Vec<u8>| {
            std::fs::write(path, bytes).map_err(DeskError::io_at("desk-io-save", path.display()))
        };
        match drawn {
            // Nothing to fetch: the code and its image's name are made durable
            // in one commit while another core draws and saves the QR (the
            // wait for the disk and the drawing overlap). Should the process
            // die before the file is saved, the code is kept and the QR is
            // drawn again when it is shown ([`Desk::barcode_bytes`]).
            Some(text) => {
                let path = file("png");
                let shown = path.display().to_string();
                let (drawn, committed) = std::thread::scope(|scope| {
                    let drawing = scope.spawn(|| save(&path, barcode::qr_png(&text)?));
                    let committed = self.store.together(|store| {
                        store.mark_staged(s.id, &staged, now)?;
                        store.set_image(s.id, &shown)
                    });
                    let drawn = drawing
                        .join()
                        .unwrap_or_else(|_| Err(DeskError::Receipt(Words::new("desk-receipt-qr"))));
                    (drawn, committed)
                });
                committed?;
                drawn?;
            }
            // The Tag image is fetched over the network: the code is durable
            // first, so that nothing that can fail on the way loses it.
            None => {
                self.store.mark_staged(s.id, &staged, now)?;
                let (bytes, path) = match client
                    .fetch_jpeg(raz_image.as_deref().unwrap_or(""))
                    .await
                {
                    Ok(b) => (b, file("jpg")),
                    Err(e) => {
                        tracing::warn!(error = %e, "tag image not fetched; drawing a QR code instead");
                        (barcode::qr_png(&redeem)?, file("png"))
                    }
                };
                save(&path, bytes)?;
                self.store.set_image(s.id, &path.display().to_string())?;
            }
        }
        Ok(())
    }

    /// A staged code's barcode image as saved; a QR whose file is gone (the
    /// process stopped between the commit and the save, or someone deleted
    /// it) is drawn again from the code and saved.
    pub fn barcode_bytes(&self, s: &Staging) -> Result<Vec<u8>> {
        let path = s
            .image_path
            .as_deref()
            .ok_or_else(|| DeskError::Receipt(Words::new("desk-receipt-no-barcode")))?;
        match std::fs::read(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && path.ends_with(".png") => {
                let raz_id = s.raz_id.as_deref().unwrap_or_default();
                let compact = razcode_protocol::RazId::parse(raz_id)
                    .map(|r| r.compact())
                    .unwrap_or_else(|_| raz_id.to_string());
                let settings = self.settings()?;
                let redeem = redeem_url(s.raz_uri.as_deref(), &settings.healthjibe_base, &compact);
                let link = self.code_link(s.id)?.map(|l| l.shl);
                let png = barcode::qr_png(&qr_text(&redeem, link.as_deref()))?;
                std::fs::write(path, &png).map_err(DeskError::io_at("desk-io-save", path))?;
                Ok(png)
            }
            other => other.map_err(DeskError::io_at("desk-io-read", path)),
        }
    }

    /// Sends every staging waiting in the outbox again (same idempotency key).
    pub async fn retry_outbox(&self) -> Result<Vec<StageResult>> {
        let mut out = Vec::new();
        for s in self.store.outbox()? {
            let Some(enc) = self.store.encounter(s.encounter_id)? else {
                continue;
            };
            let her = record_to_send(&enc.her, &enc.kind, &s.leave_out)?;
            out.push(self.send(Box::new((s, her)), false).await);
        }
        Ok(out)
    }
}

/// Where the patient types the code: the gateway's `raz_uri`, else the
/// redemption page on the HealthJibe base.
fn redeem_url(raz_uri: Option<&str>, base: &str, compact: &str) -> String {
    raz_uri.map_or_else(|| format!("{base}/r/{compact}"), str::to_string)
}

/// What a desk-drawn QR carries: the redemption page, and a SMART Health
/// Link after `#` for health apps (a camera opens the page).
pub(crate) fn qr_text(redeem: &str, link: Option<&str>) -> String {
    match link {
        Some(link) => format!("{redeem}#{link}"),
        None => redeem.to_string(),
    }
}

/// Section keys, as typed, ticked or stored, to section kinds; blanks are
/// skipped, an unknown key is an error that lists the known ones.
pub fn parse_leave_out<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Vec<SectionKind>> {
    names
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            SectionKind::parse(s).ok_or_else(|| {
                DeskError::Input(Words::new("desk-not-a-section").with("section", format!("{s:?}")))
            })
        })
        .collect()
}

/// The record as it is sent: the encounter's, less the sections left out.
pub(crate) fn record_to_send(her: &str, kind: &str, leave_out: &[SectionKind]) -> Result<String> {
    if leave_out.is_empty() || kind != "ccr" {
        Ok(her.to_string())
    } else {
        drop_sections(her, leave_out).map_err(DeskError::record)
    }
}

enum Prepared {
    Done(Box<Staging>),
    Send(Box<(Staging, String)>),
}
