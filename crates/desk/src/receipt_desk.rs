//! Receipts for a staging: what the desk knows, put in a [`Receipt`].

use crate::clock::{date, date_time};
use crate::error::{DeskError, Missing, Result};
use crate::keys;
use crate::receipt::email::{Security, Smtp};
use crate::receipt::{self, Barcode, Format, Receipt};
use crate::store::{DeliveryStatus, NewDelivery, Staging, StagingStatus};
use crate::words::Words;
use crate::Desk;
use razcode_protocol::{PaymentRequest, RazId, CODE_TTL_DAYS};

/// A receipt format by name, or an error that lists the names.
pub fn parse_format(f: &str) -> Result<Format> {
    Format::parse(f).ok_or_else(|| {
        DeskError::Input(Words::new("desk-not-a-format").with("format", format!("{f:?}")))
    })
}

/// Clinic details printed on receipts.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Clinic {
    pub name: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub logo: Option<String>,
}

impl Desk {
    pub fn set_clinic(&self, c: &Clinic) -> Result<Clinic> {
        for (k, v) in [
            (keys::CLINIC_NAME, &c.name),
            (keys::CLINIC_ADDRESS, &c.address),
            (keys::CLINIC_PHONE, &c.phone),
        ] {
            if let Some(v) = v {
                self.store.set_setting(k, v.trim())?;
            }
        }
        if let Some(logo) = &c.logo {
            let bytes = std::fs::read(logo).map_err(DeskError::io_at("desk-io-read", logo))?;
            self.set_logo(&bytes)?;
        }
        self.clinic()
    }

    /// Keeps a PNG or JPEG logo in the data folder for the receipts.
    pub fn set_logo(&self, bytes: &[u8]) -> Result<()> {
        image::load_from_memory(bytes)
            .map_err(|e| DeskError::Input(Words::new("desk-logo-not-an-image").with("cause", e)))?;
        let dest = self.dir.join("logo");
        std::fs::write(&dest, bytes).map_err(DeskError::io_at("desk-io-save", dest.display()))?;
        self.store
            .set_setting(keys::CLINIC_LOGO, &dest.display().to_string())?;
        Ok(())
    }

    pub fn clinic(&self) -> Result<Clinic> {
        let get = |k: &str| -> Result<Option<String>> {
            Ok(self.store.setting(k)?.filter(|v| !v.is_empty()))
        };
        Ok(Clinic {
            name: get(keys::CLINIC_NAME)?,
            address: get(keys::CLINIC_ADDRESS)?,
            phone: get(keys::CLINIC_PHONE)?,
            logo: get(keys::CLINIC_LOGO)?,
        })
    }

    /// A staged code's staging, or a clear error.
    pub fn staged(&self, staging_id: i64) -> Result<Staging> {
        let s = self.staging(staging_id)?;
        // A code printed offline (v1.2) is on its receipt before its stage
        // reaches the gateway; it works once it does.
        if s.status != StagingStatus::Staged && !s.printed_offline() {
            return Err(DeskError::NoCode {
                staging_id,
                status: s.status,
            });
        }
        Ok(s)
    }

    /// The receipt's content for a staging. `copy` forces COPY; a reprint says it anyway.
    pub fn receipt_for(&self, s: &Staging, copy: bool) -> Result<Receipt> {
        let settings = self.settings()?;
        let lang = self.staging_language(s.id)?;
        let tz = self.time_zone();
        let clinic = self.clinic()?;
        let enc = self.store.encounter(s.encounter_id)?;
        let bytes = self.barcode_bytes(s)?;
        let barcode = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Barcode::Jpeg(bytes)
        } else {
            Barcode::QrPng(bytes)
        };
        let logo = match &clinic.logo {
            Some(p) => Some(std::fs::read(p).map_err(DeskError::io_at("desk-io-read", p))?),
            None => None,
        };
        let link = self.code_link(s.id)?;
        let amount_due = if s.bill_shown() {
            s.pmt
                .as_deref()
                .and_then(|p| PaymentRequest::parse(p).ok())
                .map(|p| receipt::AmountDue {
                    amount: razcode_lang::amount(lang, &p.currency, &p.amount),
                    description: p.description,
                    reference: p.reference,
                    due_date: p.due_date.map(|d| razcode_lang::visit_date(lang, &d, &tz)),
                    online: s.pay_online == Some(true),
                })
        } else {
            None
        };
        Ok(Receipt {
            clinic_name: clinic
                .name
                .or(settings.organization)
                .unwrap_or_else(|| razcode_lang::text(lang, "receipt-your-clinic")),
            clinic_address: clinic.address,
            clinic_phone: clinic.phone,
            logo,
            patient_name: enc
                .as_ref()
                .and_then(|e| e.patient_name.clone())
                .unwrap_or_else(|| razcode_lang::text(lang, "receipt-no-name")),
            visit_date: enc
                .as_ref()
                .and_then(|e| e.visit_date.as_deref())
                .map(|d| razcode_lang::visit_date(lang, d, &tz)),
            raz_id: s.raz_id.clone().unwrap_or_default(),
            barcode,
            redeem_url: format!("{}/r", settings.healthjibe_base),
            expires: razcode_lang::date_in(lang, s.updated + CODE_TTL_DAYS * 86_400, &tz),
            amount_due,
            copy: copy || self.store.receipts_made(s.id)? > 0,
            issued: razcode_lang::date_time_in(lang, self.now(), &tz),
            replaces: match s.replaces {
                Some(old) => self.store.staging(old)?.and_then(|o| o.raz_id),
                None => None,
            },
            health_apps: link.is_some(),
            shl_passcode: link.and_then(|l| l.passcode),
            language: lang,
            large_print: self.store.large_print(s.id)?,
        })
    }

    /// Makes the receipt PDF and counts it (so that the next one says COPY).
    pub fn receipt_pdf(&self, staging_id: i64, format: Format, copy: bool) -> Result<Vec<u8>> {
        Ok(self.make_receipt(staging_id, format, copy)?.pdf)
    }

    fn make_receipt(&self, staging_id: i64, format: Format, copy: bool) -> Result<receipt::Made> {
        let s = self.staged(staging_id)?;
        let r = self.receipt_for(&s, copy)?;
        let made = receipt::Made::of(&r, format)?;
        self.store.receipt_made(s.id)?;
        self.audit(
            "receipt",
            &format!("staging {} receipt ({})", s.id, format.name()),
        );
        Ok(made)
    }

    /// Makes the receipt and keeps it in the data folder's `receipts/`; the file
    /// is recorded in the history like a print or an email.
    pub fn save_receipt_file(
        &self,
        staging_id: i64,
        format: Format,
        copy: bool,
    ) -> Result<std::path::PathBuf> {
        let pdf = self.receipt_pdf(staging_id, format, copy)?;
        let file = self.save_receipt(staging_id, &pdf)?;
        let f = file.display().to_string();
        self.record_delivery(staging_id, "file", &f, format, &file, Ok(()))?;
        Ok(file)
    }

    /// A print, email or file in the history, with why it failed if it did.
    fn record_delivery(
        &self,
        staging_id: i64,
        channel: &str,
        target: &str,
        format: Format,
        file: &std::path::Path,
        outcome: std::result::Result<(), &str>,
    ) -> Result<i64> {
        let f = file.display().to_string();
        Ok(self.store.add_delivery(
            &NewDelivery {
                staging_id,
                channel,
                target,
                format: format.name(),
                file: Some(&f),
                status: if outcome.is_ok() {
                    DeliveryStatus::Sent
                } else {
                    DeliveryStatus::Failed
                },
                error: outcome.err(),
            },
            self.now(),
        )?)
    }

    /// The receipt settings: the printer (empty for the system default) and the format.
    pub fn set_receipt_prefs(&self, printer: Option<&str>, format: Option<Format>) -> Result<()> {
        if let Some(f) = format {
            self.store.set_setting(keys::RECEIPT_FORMAT, f.name())?;
        }
        if let Some(p) = printer {
            self.store.set_setting(keys::PRINTER, p.trim())?;
        }
        Ok(())
    }

    /// The format asked for, else the one in the settings.
    pub fn receipt_format_or(&self, asked: Option<Format>) -> Result<Format> {
        match asked {
            Some(f) => Ok(f),
            None => self.receipt_format(),
        }
    }

    /// The format set in the settings (Letter when none).
    pub fn receipt_format(&self) -> Result<Format> {
        Ok(self
            .store
            .setting(keys::RECEIPT_FORMAT)?
            .and_then(|f| Format::parse(&f))
            .unwrap_or(Format::Letter))
    }
}

impl Desk {
    pub fn set_smtp(&self, s: &Smtp) -> Result<()> {
        crate::receipt::email::parse_address(&s.from)?;
        // A CA file that cannot be used is named now, not at the first email.
        if let Some(file) = &s.ca_file {
            crate::receipt::email::read_ca(file)?;
        }
        self.store.set_setting(keys::SMTP_HOST, &s.host)?;
        self.store
            .set_setting(keys::SMTP_PORT, &s.port.to_string())?;
        self.store
            .set_setting(keys::SMTP_SECURITY, s.security.name())?;
        self.store
            .set_setting(keys::SMTP_USER, s.user.as_deref().unwrap_or(""))?;
        self.store.set_setting(keys::SMTP_FROM, &s.from)?;
        self.store
            .set_setting(keys::SMTP_CA_FILE, s.ca_file.as_deref().unwrap_or(""))?;
        if let Some(p) = &s.password {
            self.set_secret(keys::SMTP_PASSWORD, p)?;
        }
        Ok(())
    }

    pub fn smtp(&self) -> Result<Smtp> {
        let get = |k: &str| -> Result<Option<String>> {
            Ok(self.store.setting(k)?.filter(|v| !v.is_empty()))
        };
        let host = get(keys::SMTP_HOST)?.ok_or_else(|| DeskError::NotSetUp(Missing::Smtp))?;
        let password = self.secret(keys::SMTP_PASSWORD)?;
        Ok(Smtp {
            host,
            port: get(keys::SMTP_PORT)?
                .and_then(|p| p.parse().ok())
                .unwrap_or(Smtp::DEFAULT_PORT),
            security: get(keys::SMTP_SECURITY)?
                .and_then(|s| Security::parse(&s).ok())
                .unwrap_or_default(),
            user: get(keys::SMTP_USER)?,
            password,
            from: get(keys::SMTP_FROM)?.unwrap_or_default(),
            ca_file: get(keys::SMTP_CA_FILE)?,
        })
    }

    fn save_receipt(&self, staging_id: i64, pdf: &[u8]) -> Result<std::path::PathBuf> {
        let dir = self.dir.join("receipts");
        std::fs::create_dir_all(&dir).map_err(DeskError::io_at("desk-io-folder", dir.display()))?;
        // The receipt's number among the staging's keeps two made in the same
        // second apart.
        let n = self.store.receipts_made(staging_id)?;
        let path = dir.join(format!("{staging_id}-{}-{n}.pdf", self.now()));
        std::fs::write(&path, pdf).map_err(DeskError::io_at("desk-io-save", path.display()))?;
        Ok(path)
    }

    /// Prints the receipt; the delivery is recorded either way.
    /// The print queue the clinic chose, if any.
    pub fn printer(&self) -> Result<Option<String>> {
        Ok(self.store.setting(keys::PRINTER)?.filter(|p| !p.is_empty()))
    }

    pub fn print_receipt(
        &self,
        staging_id: i64,
        printer: Option<&str>,
        format: Format,
    ) -> Result<String> {
        let printer = match printer {
            Some(p) => Some(p.to_string()),
            None => self.store.setting(keys::PRINTER)?.filter(|p| !p.is_empty()),
        };
        let made = self.make_receipt(staging_id, format, false)?;
        let file = self.save_receipt(staging_id, &made.pdf)?;
        let target = printer
            .clone()
            .unwrap_or_else(|| "(default printer)".into());
        match receipt::print::print(&made, &file, printer.as_deref(), "RAZCODE receipt") {
            Ok(job) => {
                self.record_delivery(staging_id, "print", &target, format, &file, Ok(()))?;
                Ok(job)
            }
            Err(e) => {
                let why = e.to_string();
                self.record_delivery(staging_id, "print", &target, format, &file, Err(&why))?;
                Err(e)
            }
        }
    }

    /// A test page: the clinic's header and a sample code, marked TEST.
    pub fn print_test(&self, printer: Option<&str>) -> Result<String> {
        let printer = match printer {
            Some(p) => Some(p.to_string()),
            None => self.store.setting(keys::PRINTER)?.filter(|p| !p.is_empty()),
        };
        let clinic = self.clinic()?;
        let sample = crate::barcode::qr_png("https://healthjibe.example/r/TEST")?;
        let r = Receipt {
            clinic_name: clinic.name.unwrap_or_else(|| "RAZCODE Desk".into()),
            clinic_address: clinic.address,
            clinic_phone: clinic.phone,
            logo: match &clinic.logo {
                Some(p) => std::fs::read(p).ok(),
                None => None,
            },
            patient_name: "TEST PAGE (no patient)".into(),
            visit_date: None,
            raz_id: "TEST-0000-0000".into(),
            barcode: Barcode::QrPng(sample),
            redeem_url: "https://healthjibe.example/r".into(),
            expires: date(self.now()),
            amount_due: None,
            copy: false,
            issued: date_time(self.now()),
            replaces: None,
            health_apps: false,
            shl_passcode: None,
            language: self.clinic_language()?,
            large_print: false,
        };
        let made = receipt::Made::of(&r, self.receipt_format()?)?;
        let dir = self.dir.join("receipts");
        std::fs::create_dir_all(&dir).map_err(DeskError::io_at("desk-io-folder", dir.display()))?;
        let file = dir.join("test-page.pdf");
        std::fs::write(&file, &made.pdf)
            .map_err(DeskError::io_at("desk-io-save", file.display()))?;
        receipt::print::print(&made, &file, printer.as_deref(), "RAZCODE Desk test page")
    }

    /// Emails the receipt. A send that fails for now waits in the outbox.
    pub async fn email_receipt(&self, staging_id: i64, to: &str, format: Format) -> Result<()> {
        crate::receipt::email::parse_address(to)?;
        let smtp = self.smtp()?;
        let pdf = self.receipt_pdf(staging_id, format, false)?;
        let file = self.save_receipt(staging_id, &pdf)?;
        let f = file.display().to_string();
        let id = self.store.add_delivery(
            &NewDelivery {
                staging_id,
                channel: "email",
                target: to,
                format: format.name(),
                file: Some(&f),
                status: DeliveryStatus::Pending,
                error: None,
            },
            self.now(),
        )?;
        self.send_delivery(id, staging_id, to, &smtp, pdf).await
    }

    async fn send_delivery(
        &self,
        id: i64,
        staging_id: i64,
        to: &str,
        smtp: &Smtp,
        pdf: Vec<u8>,
    ) -> Result<()> {
        let s = self.staged(staging_id)?;
        let r = self.receipt_for(&s, false)?;
        let code_url = format!(
            "{}/{}",
            r.redeem_url,
            RazId::parse(&r.raz_id)
                .map(|id| id.compact())
                .unwrap_or_else(|_| r.raz_id.replace('-', ""))
        );
        let barcode = match r.barcode {
            Barcode::Jpeg(b) => (b, "image/jpeg"),
            Barcode::QrPng(b) => (b, "image/png"),
        };
        let mail = crate::receipt::email::Mail {
            to: to.to_string(),
            clinic: r.clinic_name,
            raz_id: r.raz_id,
            redeem_url: r.redeem_url,
            code_url,
            expires: r.expires,
            barcode: Some(barcode),
            amount_due: r.amount_due,
            pdf,
            language: r.language,
        };
        let message = crate::receipt::email::build(smtp, &mail)?;
        match crate::receipt::email::send(smtp, message).await {
            Ok(()) => {
                self.store
                    .set_delivery(id, DeliveryStatus::Sent, None, self.now())?;
                self.audit("email", &format!("staging {staging_id} receipt emailed"));
                Ok(())
            }
            Err((transient, e)) => {
                let status = if transient {
                    DeliveryStatus::Pending
                } else {
                    DeliveryStatus::Failed
                };
                self.store
                    .set_delivery(id, status, Some(&e.to_string()), self.now())?;
                Err(e)
            }
        }
    }

    /// Sends the emails waiting in the outbox again.
    /// Emails that could not be sent for now and wait to be sent again (a refused
    /// login or address is `failed`, not waiting).
    pub fn waiting_emails(&self) -> Result<Vec<crate::store::Delivery>> {
        let mut pending = self.store.deliveries(Some(DeliveryStatus::Pending))?;
        pending.retain(|d| d.channel == "email");
        Ok(pending)
    }

    pub async fn retry_emails(&self) -> Result<Vec<(i64, std::result::Result<(), String>)>> {
        let mut out = Vec::new();
        let pending = self.waiting_emails()?;
        if pending.is_empty() {
            return Ok(out);
        }
        let smtp = self.smtp()?;
        for d in pending {
            let file = d.file.clone().unwrap_or_default();
            let pdf = std::fs::read(&file).map_err(DeskError::io_at("desk-io-read", file))?;
            let r = self
                .send_delivery(d.id, d.staging_id, &d.target, &smtp, pdf)
                .await
                .map_err(|e| e.to_string());
            out.push((d.id, r));
        }
        Ok(out)
    }
}
