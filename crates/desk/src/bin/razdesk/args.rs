//! The command line: every command and flag. They are an interface other
//! tools drive: add to them, never rename or drop.

use clap::{Parser, Subcommand};
use razcode_desk::checkout::StageForm;
use razcode_desk::receipt::email::{Security, Smtp};
use razcode_desk::DeskError;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "razdesk", version, about = "RAZCODE Desk without a window")]
pub struct Cli {
    /// The desk's data folder (database, key file, barcodes).
    #[arg(long, global = true, env = "RAZDESK_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Point the desk at a gateway.
    Setup {
        #[arg(long)]
        api_base: String,
        #[arg(long)]
        platform_base: Option<String>,
        #[arg(long)]
        healthjibe_base: Option<String>,
        #[arg(long)]
        consumer_key: String,
        /// The consumer secret; `-` reads it from standard input, or set
        /// RAZDESK_CONSUMER_SECRET instead (a value given here is visible in
        /// the process list).
        #[arg(long, env = "RAZDESK_CONSUMER_SECRET", hide_env_values = true,
              value_parser = razcode_vault::secret_arg)]
        consumer_secret: String,
    },
    /// Activate the practice (its organization approves in the browser).
    Activate {
        /// Type the verifier shown by the approval page instead of a loopback callback.
        #[arg(long)]
        oob: bool,
        /// Print `APPROVE <url>` and do not open a browser.
        #[arg(long)]
        no_browser: bool,
    },
    /// Link a patient's HealthJibe account ("Connect with HealthJibe").
    LinkPatient {
        #[arg(long)]
        mrn: String,
        #[arg(long)]
        oob: bool,
        #[arg(long)]
        no_browser: bool,
    },
    /// Import CCR, CCD or OMHE files.
    Import { files: Vec<PathBuf> },
    /// List encounters.
    Encounters {
        #[arg(long)]
        search: Option<String>,
    },
    /// Records.
    Her {
        #[command(subcommand)]
        action: HerAction,
    },
    /// Stage an encounter (or a file, imported first) and show its RAZCODE.
    Stage {
        /// An encounter ID, or a file to import and stage.
        target: String,
        #[command(flatten)]
        choices: StageChoices,
    },
    /// Stagings and their codes, with each code's state.
    History {
        #[arg(long)]
        search: Option<String>,
        /// Ask the gateway first for the state of the codes that can still change.
        #[arg(long)]
        refresh: bool,
        /// Only codes whose bill is not paid (unpaid or overdue).
        #[arg(long)]
        unpaid: bool,
        /// Only the patients' requests for a new code that wait (protocol
        /// v1.2), with the address and note each gave; `--refresh` asks first.
        #[arg(long)]
        requests: bool,
    },
    /// Withdraw a code at the gateway: it stops working and its record is erased there.
    Void {
        staging_id: i64,
        /// Why (kept with the code at the gateway; 1 to 140 characters).
        #[arg(long)]
        reason: String,
    },
    /// Void a code and stage the same encounter again under a new one (same
    /// sections, payment and patient binding); prints the new staging as `stage` does.
    Reissue {
        staging_id: i64,
        #[arg(long)]
        reason: Option<String>,
        /// Answer the patient's request for a new code (protocol v1.2): the
        /// new code is emailed to the address the patient gave.
        #[arg(long)]
        request: bool,
        /// With --request: print the new code's receipt too.
        #[arg(long, requires = "request")]
        print: bool,
    },
    /// Reserve codes at the gateway for receipts printed while it cannot be
    /// reached (the desk keeps 25 and tops them up itself).
    Reserve {
        #[arg(long, default_value_t = 25)]
        count: u32,
    },
    /// Who opened a code's record, as the gateway logged it (protocol v1.2):
    /// by staging number or RAZCODE ID.
    Accesses { code: String },
    /// What waits to be sent; `--retry` sends it again.
    Outbox {
        #[arg(long)]
        retry: bool,
    },
    /// Import every file in a folder, now and whenever new ones arrive.
    Watch {
        dir: PathBuf,
        /// One pass, then exit.
        #[arg(long)]
        once: bool,
    },
    /// Run the embedded gateway on loopback with a demo practice, and keep serving.
    #[cfg(feature = "sandbox")]
    Sandbox,
    /// The version, the data folder, the gateway, and the licences of the
    /// fonts and crates the programs ship (--licences lists every crate).
    About {
        #[arg(long)]
        licences: bool,
    },
    /// Clinic details printed on receipts, and the receipt format.
    Clinic {
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        address: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        /// A PNG or JPEG logo.
        #[arg(long)]
        logo: Option<String>,
        /// letter, a4 or 80mm.
        #[arg(long)]
        receipt_format: Option<String>,
        /// The printer receipts go to (see `razdesk printers`).
        #[arg(long)]
        printer: Option<String>,
        /// The barcode codes get: qr (the default; any phone camera reads it) or tag.
        #[arg(long)]
        barcode: Option<String>,
        /// Put a SMART Health Link on receipts: off, on, or passcode (printed separately).
        #[arg(long)]
        shl: Option<String>,
        /// The language receipts and emails are in when the patient has none
        /// (BCP 47: en, es, zh-Hans, vi, ar).
        #[arg(long)]
        language: Option<String>,
    },
    /// A patient's language, kept with the patient (receipts and emails use it).
    Patient {
        #[arg(long)]
        mrn: String,
        /// BCP 47: en, es, zh-Hans, vi, ar. Without it, the patient's language is shown.
        #[arg(long)]
        language: Option<String>,
    },
    /// Print a staged code's receipt through the system's print queue.
    Print {
        staging_id: i64,
        #[arg(long)]
        printer: Option<String>,
        #[arg(long)]
        format: Option<String>,
        /// The language (BCP 47: en, es, zh-Hans, vi, ar); default: the staging's.
        #[arg(long)]
        language: Option<String>,
        /// Large print (18 pt and more), kept with the staging and its
        /// patient; `--large-print=false` goes back to the usual size.
        #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
        large_print: Option<bool>,
    },
    /// The printers the system knows.
    Printers,
    /// Print a test page to check a printer.
    PrintTest {
        #[arg(long)]
        printer: Option<String>,
    },
    /// Email a staged code's receipt (code and instructions, the PDF attached).
    Email {
        staging_id: i64,
        #[arg(long)]
        to: String,
        #[arg(long)]
        format: Option<String>,
        /// The language (BCP 47: en, es, zh-Hans, vi, ar); default: the staging's.
        #[arg(long)]
        language: Option<String>,
        /// Large print (18 pt and more), kept with the staging and its
        /// patient; `--large-print=false` goes back to the usual size.
        #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
        large_print: Option<bool>,
    },
    /// The SMTP server emails go through.
    Smtp(SmtpArgs),
    /// SMART Health Links.
    Shl {
        #[command(subcommand)]
        action: ShlAction,
    },
    /// Write a staged code's discharge receipt as PDF.
    Receipt {
        staging_id: i64,
        #[arg(long)]
        out: PathBuf,
        /// letter, a4 or 80mm (default: the clinic's setting, else letter).
        #[arg(long)]
        format: Option<String>,
        /// Mark it COPY (a reprint always is).
        #[arg(long)]
        copy: bool,
        /// The language (BCP 47: en, es, zh-Hans, vi, ar); default: the staging's.
        #[arg(long)]
        language: Option<String>,
        /// Large print (18 pt and more), kept with the staging and its
        /// patient; `--large-print=false` goes back to the usual size.
        #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
        large_print: Option<bool>,
    },
}

#[derive(Subcommand)]
pub enum HerAction {
    /// Read a record (file or `-` for stdin) and print what it holds.
    Check { file: String },
    /// Print a record (file or `-` for stdin) as a FHIR R4 Bundle.
    Fhir { file: String },
    /// Print a record (file or `-` for stdin) in plain words, as the
    /// patient's record page shows it: dates, units and titles as people
    /// write them.
    Show {
        file: String,
        /// The language (`en`, `es`, `zh-Hans`, `vi`); else the patient's, as the
        /// record names it, else English.
        #[arg(long)]
        language: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ShlAction {
    /// Open a link as a patient's health app does (`shlink:/...`, or a URL
    /// holding `#shlink:/...`) and print what it holds.
    Open {
        link: String,
        /// The passcode, for a link whose flag holds P.
        #[arg(long)]
        passcode: Option<String>,
        /// Who is asking, as the manifest request names it.
        #[arg(long, default_value = "RAZCODE Desk viewer")]
        recipient: String,
    },
}

/// What `stage` sends besides the record: the patient binding, the payment,
/// the barcode and the sections left out.
#[derive(clap::Args)]
pub struct StageChoices {
    #[arg(long)]
    pub mrn: Option<String>,
    /// `12.50`: digits, optional point and 1 or 2 decimals.
    #[arg(long, allow_hyphen_values = true)]
    pub amount: Option<String>,
    #[arg(long)]
    pub currency: Option<String>,
    #[arg(long)]
    pub description: Option<String>,
    #[arg(long)]
    pub reference: Option<String>,
    #[arg(long)]
    pub due_date: Option<String>,
    /// Ask for raz_uri and draw a QR code here (the default unless the clinic chose tag).
    #[arg(long)]
    pub qr: bool,
    /// Ask for the gateway's Tag image instead of a QR code.
    #[arg(long, conflicts_with = "qr")]
    pub tag: bool,
    /// Put a SMART Health Link in the QR code (health apps can scan it).
    #[arg(long)]
    pub shl: bool,
    /// The same, with a passcode printed on its own page.
    #[arg(long)]
    pub shl_passcode: bool,
    /// No SMART Health Link, whatever the clinic's setting.
    #[arg(long, conflicts_with_all = ["shl", "shl_passcode"])]
    pub no_shl: bool,
    /// Sections to leave out, comma-separated (problems,medications,...).
    #[arg(long, value_delimiter = ',')]
    pub leave_out: Vec<String>,
    /// The receipt's and email's language (BCP 47: en, es, zh-Hans, vi, ar), kept
    /// with the staging and the patient; default: the patient's, else the clinic's.
    #[arg(long)]
    pub language: Option<String>,
}

impl StageChoices {
    pub fn form(self, encounter_id: i64) -> StageForm {
        StageForm {
            encounter_id,
            mrn: self.mrn,
            amount: self.amount,
            currency: self.currency,
            description: self.description,
            reference: self.reference,
            due_date: self.due_date,
            qr: self.qr,
            tag: self.tag,
            shl: match (self.shl_passcode, self.shl, self.no_shl) {
                (true, _, _) => Some("passcode".into()),
                (false, true, _) => Some("on".into()),
                (false, false, true) => Some("off".into()),
                _ => None,
            },
            leave_out: self.leave_out,
            language: self.language,
        }
    }
}

/// The SMTP server's settings as flags.
#[derive(clap::Args)]
pub struct SmtpArgs {
    #[arg(long)]
    pub host: String,
    #[arg(long, default_value_t = Smtp::DEFAULT_PORT)]
    pub port: u16,
    /// starttls, tls, or none (only to this computer).
    #[arg(long, default_value = Smtp::DEFAULT_SECURITY)]
    pub security: String,
    #[arg(long)]
    pub user: Option<String>,
    /// The SMTP password; `-` reads it from standard input, or set
    /// RAZDESK_SMTP_PASSWORD instead (a value given here is visible in the
    /// process list).
    #[arg(long, env = "RAZDESK_SMTP_PASSWORD", hide_env_values = true,
          value_parser = razcode_vault::secret_arg)]
    pub password: Option<String>,
    #[arg(long)]
    pub from: String,
    /// A PEM certificate authority to trust for this server.
    #[arg(long)]
    pub ca_file: Option<String>,
}

impl SmtpArgs {
    /// The settings, the security parsed here at the edge.
    pub fn smtp(self) -> Result<Smtp, DeskError> {
        Ok(Smtp {
            host: self.host,
            port: self.port,
            security: Security::parse(&self.security)?,
            user: self.user,
            password: self.password,
            from: self.from,
            ca_file: self.ca_file,
        })
    }
}
