//! `razdesk`: the desk without a window, for automation and tests. Every command
//! takes `--data-dir` and `--json`; the JSON is a stable interface.

use clap::{Parser, Subcommand};
use razcode_desk::activation::{open_browser, Verifier};
use razcode_desk::checkout::StageForm;
use razcode_desk::staging::outcome_json;
use razcode_desk::{Desk, DeskError, Setup};
use serde_json::{json, Value};
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "razdesk", version, about = "RAZCODE Desk without a window")]
struct Cli {
    /// The desk's data folder (database, key file, barcodes).
    #[arg(long, global = true, env = "RAZDESK_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
        #[arg(long)]
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
        #[arg(long)]
        mrn: Option<String>,
        /// `12.50`: digits, optional point and 1 or 2 decimals.
        #[arg(long, allow_hyphen_values = true)]
        amount: Option<String>,
        #[arg(long)]
        currency: Option<String>,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        reference: Option<String>,
        #[arg(long)]
        due_date: Option<String>,
        /// Ask for raz_uri and draw a QR code here.
        #[arg(long)]
        qr: bool,
        /// Sections to leave out, comma-separated (problems,medications,...).
        #[arg(long, value_delimiter = ',')]
        leave_out: Vec<String>,
    },
    /// Stagings and their codes.
    History {
        #[arg(long)]
        search: Option<String>,
    },
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
    Sandbox,
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
    },
    /// Print a staged code's receipt through the system's print queue.
    Print {
        staging_id: i64,
        #[arg(long)]
        printer: Option<String>,
        #[arg(long)]
        format: Option<String>,
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
    },
    /// The SMTP server emails go through.
    Smtp {
        #[arg(long)]
        host: String,
        #[arg(long, default_value_t = 587)]
        port: u16,
        /// starttls, tls, or none (only to this computer).
        #[arg(long, default_value = "starttls")]
        security: String,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        password: Option<String>,
        #[arg(long)]
        from: String,
        /// A PEM certificate authority to trust for this server.
        #[arg(long)]
        ca_file: Option<String>,
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
    },
}

#[derive(Subcommand)]
enum HerAction {
    /// Read a record (file or `-` for stdin) and print what it holds.
    Check { file: String },
}

/// What a command printed: JSON, and the text form of it.
struct Out {
    json: Value,
    text: String,
    ok: bool,
}

fn ok(json: Value, text: impl Into<String>) -> Out {
    Out {
        json,
        text: text.into(),
        ok: true,
    }
}

fn error_json(e: &DeskError) -> Value {
    json!({"ok": false, "error": {"message": e.to_string(), "errorcode": e.errorcode()}})
}

fn show_url(no_browser: bool) -> impl Fn(&str) + Sync {
    move |url: &str| {
        println!("APPROVE {url}");
        let _ = std::io::stdout().flush();
        if !no_browser {
            open_browser(url);
        }
    }
}

fn verifier(oob: bool) -> Verifier {
    if oob {
        Verifier::Typed(Box::new(|| {
            eprint!("Verifier shown on the approval page: ");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            Ok(line)
        }))
    } else {
        Verifier::Loopback
    }
}

fn staging_text(v: &Value) -> String {
    match v["raz_id"].as_str() {
        Some(id) => format!(
            "RAZCODE {id}\nbarcode: {}\npayment: {}",
            v["image"].as_str().unwrap_or("-"),
            v["pmt"].as_str().unwrap_or("-")
        ),
        None => format!(
            "not staged: {}",
            v["errormsg"].as_str().unwrap_or("unknown error")
        ),
    }
}

async fn run(cli: Cli) -> Result<Out, DeskError> {
    let dir = cli
        .data_dir
        .clone()
        .unwrap_or_else(razcode_desk::default_data_dir);
    if let Command::Her {
        action: HerAction::Check { file },
    } = &cli.command
    {
        return her_check(file);
    }
    let desk = Desk::open(&dir)?;
    match cli.command {
        Command::Setup {
            api_base,
            platform_base,
            healthjibe_base,
            consumer_key,
            consumer_secret,
        } => {
            let s = desk.setup(&Setup {
                api_base,
                platform_base,
                healthjibe_base,
                consumer_key,
                consumer_secret,
            })?;
            Ok(ok(
                json!({"ok": true, "settings": s}),
                format!("gateway {}\nsecrets {}", s.api_base, s.secrets),
            ))
        }
        Command::Activate { oob, no_browser } => {
            let a = desk.activate(verifier(oob), &show_url(no_browser)).await?;
            let org = a.organization.clone().unwrap_or_default();
            Ok(ok(
                json!({"ok": true, "organization": a.organization}),
                format!("activated for {org}"),
            ))
        }
        Command::LinkPatient {
            mrn,
            oob,
            no_browser,
        } => {
            desk.link_patient(&mrn, verifier(oob), &show_url(no_browser))
                .await?;
            Ok(ok(
                json!({"ok": true, "mrn": mrn, "linked": true}),
                format!("patient {mrn} linked"),
            ))
        }
        Command::Import { files } => {
            if files.is_empty() {
                return Err(DeskError::Input("name at least one file to import".into()));
            }
            let mut items = Vec::new();
            let mut text = String::new();
            for f in files {
                let i = desk.import_file(&f)?;
                text.push_str(&format!(
                    "{} encounter {}: {}\n",
                    if i.new { "imported" } else { "already had" },
                    i.encounter.id,
                    i.encounter.summary
                ));
                items.push(json!({"encounter": i.encounter, "new": i.new}));
            }
            Ok(ok(
                json!({"ok": true, "imported": items}),
                text.trim_end().to_string(),
            ))
        }
        Command::Encounters { search } => {
            let list = desk.store.encounters(search.as_deref())?;
            let text = list
                .iter()
                .map(|e| {
                    format!(
                        "{:>5}  {:<28} {:<24} {}",
                        e.id,
                        e.patient_name.clone().unwrap_or_default(),
                        e.visit_date.clone().unwrap_or_default(),
                        e.summary
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok(ok(json!({"ok": true, "encounters": list}), text))
        }
        Command::Her { .. } => unreachable!("handled before the desk opens"),
        Command::Stage {
            target,
            mrn,
            amount,
            currency,
            description,
            reference,
            due_date,
            qr,
            leave_out,
        } => {
            let encounter_id = match target.parse::<i64>() {
                Ok(id) => id,
                Err(_) => desk.import_file(Path::new(&target))?.encounter.id,
            };
            let req = StageForm {
                encounter_id,
                mrn,
                amount,
                currency,
                description,
                reference,
                due_date,
                qr,
                leave_out,
            }
            .request()?;
            match desk.stage(&req).await {
                Ok(s) => {
                    let v = outcome_json(&s, None);
                    Ok(ok(v.clone(), staging_text(&v)))
                }
                Err((Some(s), e)) => {
                    let v = outcome_json(&s, Some(&e));
                    Ok(Out {
                        text: staging_text(&v),
                        json: v,
                        ok: false,
                    })
                }
                Err((None, e)) => Err(e),
            }
        }
        Command::History { search } => {
            let list = desk.store.history(search.as_deref())?;
            let text = list
                .iter()
                .map(|s| {
                    format!(
                        "{:>5}  {:<16} {:<8} {}",
                        s.id,
                        s.raz_id.clone().unwrap_or_else(|| "-".into()),
                        s.status,
                        s.patient_name.clone().unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            let deliveries = desk.store.deliveries(None)?;
            Ok(ok(
                json!({"ok": true, "history": list, "deliveries": deliveries}),
                text,
            ))
        }
        Command::Outbox { retry } => {
            if retry {
                let results = desk.retry_outbox().await?;
                let mut all_ok = true;
                let items: Vec<Value> = results
                    .iter()
                    .map(|r| match r {
                        Ok(s) => outcome_json(s, None),
                        Err((Some(s), e)) => {
                            all_ok = false;
                            outcome_json(s, Some(e))
                        }
                        Err((None, e)) => {
                            all_ok = false;
                            error_json(e)
                        }
                    })
                    .collect();
                let emails = desk.retry_emails().await?;
                let email_items: Vec<Value> = emails
                    .iter()
                    .map(|(id, r)| match r {
                        Ok(()) => json!({"delivery": id, "ok": true}),
                        Err(e) => {
                            all_ok = false;
                            json!({"delivery": id, "ok": false, "error": e})
                        }
                    })
                    .collect();
                let text = items
                    .iter()
                    .map(staging_text)
                    .collect::<Vec<_>>()
                    .join("\n");
                let waiting = desk.store.outbox()?.len() + desk.waiting_emails()?.len();
                Ok(Out {
                    json: json!({"ok": all_ok, "results": items, "emails": email_items, "waiting": waiting}),
                    text,
                    ok: all_ok,
                })
            } else {
                let list = desk.store.outbox()?;
                let mut text = list
                    .iter()
                    .map(|s| {
                        format!(
                            "{:>5}  encounter {}  {}",
                            s.id,
                            s.encounter_id,
                            s.errormsg.clone().unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                let emails = desk.waiting_emails()?;
                for d in &emails {
                    text.push_str(&format!(
                        "\nemail to {} for staging {}: {}",
                        d.target,
                        d.staging_id,
                        d.error.clone().unwrap_or_default()
                    ));
                }
                Ok(ok(
                    json!({"ok": true, "outbox": list, "emails": emails}),
                    text.trim().to_string(),
                ))
            }
        }
        Command::Watch { dir: folder, once } => loop {
            let done = desk.import_folder(&folder)?;
            for (path, r) in &done {
                let line = match r {
                    Ok(i) => json!({"file": path, "ok": true, "encounter_id": i.encounter.id}),
                    Err(e) => json!({"file": path, "ok": false, "error": e}),
                };
                println!("{line}");
            }
            if once {
                return Ok(ok(
                    json!({"ok": true, "files": done.len()}),
                    format!("{} files", done.len()),
                ));
            }
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        },
        Command::Clinic {
            name,
            address,
            phone,
            logo,
            receipt_format,
            printer,
        } => {
            desk.set_receipt_prefs(printer.as_deref(), receipt_format.as_deref())?;
            let c = desk.set_clinic(&razcode_desk::receipt_desk::Clinic {
                name,
                address,
                phone,
                logo,
            })?;
            let format = desk.receipt_format()?;
            Ok(ok(
                json!({"ok": true, "clinic": c, "receipt_format": format.name()}),
                format!(
                    "{}\nreceipts: {}",
                    c.name.clone().unwrap_or_default(),
                    format.name()
                ),
            ))
        }
        Command::Receipt {
            staging_id,
            out,
            format,
            copy,
        } => {
            let format = desk.receipt_format_or(format.as_deref())?;
            let pdf = desk.receipt_pdf(staging_id, format, copy)?;
            std::fs::write(&out, &pdf)
                .map_err(DeskError::io(format!("cannot write {}", out.display())))?;
            Ok(ok(
                json!({"ok": true, "file": out, "format": format.name(), "bytes": pdf.len()}),
                format!("receipt written to {}", out.display()),
            ))
        }
        Command::Print {
            staging_id,
            printer,
            format,
        } => {
            let format = desk.receipt_format_or(format.as_deref())?;
            let job = desk.print_receipt(staging_id, printer.as_deref(), format)?;
            Ok(ok(
                json!({"ok": true, "job": job}),
                format!("printing: {job}"),
            ))
        }
        Command::PrintTest { printer } => {
            let job = desk.print_test(printer.as_deref())?;
            Ok(ok(
                json!({"ok": true, "job": job}),
                format!("printing: {job}"),
            ))
        }
        Command::Printers => {
            let list = razcode_desk::receipt::print::printers()?;
            Ok(ok(json!({"ok": true, "printers": list}), list.join("\n")))
        }
        Command::Email {
            staging_id,
            to,
            format,
        } => {
            let format = desk.receipt_format_or(format.as_deref())?;
            desk.email_receipt(staging_id, &to, format).await?;
            Ok(ok(
                json!({"ok": true, "to": to}),
                format!("emailed to {to}"),
            ))
        }
        Command::Smtp {
            host,
            port,
            security,
            user,
            password,
            from,
            ca_file,
        } => {
            let smtp = razcode_desk::receipt::email::Smtp {
                host,
                port,
                security,
                user,
                password,
                from,
                ca_file,
            };
            desk.set_smtp(&smtp)?;
            Ok(ok(
                json!({"ok": true, "smtp": smtp}),
                format!("SMTP {}:{}", smtp.host, smtp.port),
            ))
        }
        Command::Sandbox => {
            let gw = desk.start_sandbox().await?;
            let s = desk.settings()?;
            let line = json!({"ok": true, "sandbox": gw.base_url, "organization": s.organization});
            println!(
                "{}",
                if cli.json {
                    line.to_string()
                } else {
                    format!(
                        "sandbox gateway on {} for {}",
                        gw.base_url,
                        s.organization.unwrap_or_default()
                    )
                }
            );
            let _ = std::io::stdout().flush();
            let _ = tokio::signal::ctrl_c().await;
            gw.stop().await;
            Ok(ok(json!({"ok": true, "stopped": true}), "sandbox stopped"))
        }
    }
}

fn her_check(file: &str) -> Result<Out, DeskError> {
    let bytes = if file == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .map_err(DeskError::io("cannot read standard input"))?;
        b
    } else {
        std::fs::read(file).map_err(DeskError::io(format!("cannot read {file}")))?
    };
    let v = match razcode_her::xml::decode(&bytes) {
        Ok(text) if text.contains("<ClinicalDocument") => match razcode_her::ccd::to_ccr(&text) {
            Ok(ccr) => razcode_her::check_json(&ccr),
            Err(e) => json!({"ok": false, "error": {"message": e.to_string(), "line": null}}),
        },
        Ok(text) => razcode_her::check_json(&text),
        Err(e) => json!({"ok": false, "error": {"message": e.to_string(), "line": e.line}}),
    };
    let good = v["ok"] == json!(true);
    let text = if good {
        serde_json::to_string_pretty(&v).unwrap_or_default()
    } else {
        v["error"]["message"].as_str().unwrap_or("").to_string()
    };
    Ok(Out {
        json: v,
        text,
        ok: good,
    })
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RAZDESK_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let json_mode = cli.json;
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("razdesk: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(out) => {
            if json_mode {
                println!("{}", out.json);
            } else if !out.text.is_empty() {
                println!("{}", out.text);
            }
            if out.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            if json_mode {
                println!("{}", error_json(&e));
            } else {
                eprintln!("razdesk: {e}");
            }
            ExitCode::FAILURE
        }
    }
}
