//! One function per subcommand: each calls the core and says what it did.

use crate::args::{Cli, Command, HerAction, ShlAction};
use crate::Out;
use razcode_desk::activation::{open_browser, Verifier};
use razcode_desk::checkout::StageForm;
use razcode_desk::receipt::email::Smtp;
use razcode_desk::receipt_desk::Clinic;
use razcode_desk::reports::{HistoryEntry, StageOutcome};
use razcode_desk::staging::StageResult;
use razcode_desk::{Desk, DeskError, Setup};
use serde_json::{json, Value};
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

type Run = Result<Out, DeskError>;

pub async fn command(cli: Cli) -> Run {
    let dir = cli
        .data_dir
        .clone()
        .unwrap_or_else(razcode_desk::default_data_dir);
    // Reading a record needs no desk.
    if let Command::Her {
        action: HerAction::Check { file },
    } = &cli.command
    {
        return her_check(file);
    }
    if let Command::Her {
        action: HerAction::Fhir { file },
    } = &cli.command
    {
        return her_fhir(file);
    }
    // Opening a link needs no desk either: it is what a patient's app does.
    if let Command::Shl {
        action:
            ShlAction::Open {
                link,
                passcode,
                recipient,
            },
    } = &cli.command
    {
        return shl_open(link, passcode.as_deref(), recipient).await;
    }
    let desk = Desk::open(&dir)?;
    match cli.command {
        Command::Setup {
            api_base,
            platform_base,
            healthjibe_base,
            consumer_key,
            consumer_secret,
        } => setup(
            &desk,
            Setup {
                api_base,
                platform_base,
                healthjibe_base,
                consumer_key,
                consumer_secret,
            },
        ),
        Command::Activate { oob, no_browser } => activate(&desk, oob, no_browser).await,
        Command::LinkPatient {
            mrn,
            oob,
            no_browser,
        } => link_patient(&desk, &mrn, oob, no_browser).await,
        Command::Import { files } => import(&desk, files),
        Command::Encounters { search } => encounters(&desk, search.as_deref()),
        Command::Her { .. } | Command::Shl { .. } => {
            unreachable!("handled before the desk opens")
        }
        Command::Stage { target, choices } => {
            let form = choices.form(encounter_or_file(&desk, &target)?);
            stage(&desk, form).await
        }
        Command::History {
            search,
            refresh,
            unpaid,
        } => history(&desk, search.as_deref(), refresh, unpaid).await,
        Command::Void { staging_id, reason } => void(&desk, staging_id, &reason).await,
        Command::Reissue { staging_id, reason } => {
            stage_outcome(desk.reissue(staging_id, reason.as_deref()).await)
        }
        Command::Outbox { retry: true } => retry_outbox(&desk).await,
        Command::Outbox { retry: false } => outbox(&desk),
        Command::Watch { dir, once } => watch(&desk, &dir, once).await,
        Command::Clinic {
            name,
            address,
            phone,
            logo,
            receipt_format,
            printer,
            barcode,
            shl,
            language,
        } => {
            desk.set_code_prefs(barcode.as_deref(), shl.as_deref())?;
            if let Some(tag) = language {
                desk.set_clinic_language(&tag)?;
            }
            clinic(
                &desk,
                Clinic {
                    name,
                    address,
                    phone,
                    logo,
                },
                printer.as_deref(),
                receipt_format.as_deref(),
            )
        }
        Command::Receipt {
            staging_id,
            out,
            format,
            copy,
            language,
        } => {
            choose_language(&desk, staging_id, language.as_deref())?;
            receipt(&desk, staging_id, &out, format.as_deref(), copy)
        }
        Command::Print {
            staging_id,
            printer,
            format,
            language,
        } => {
            choose_language(&desk, staging_id, language.as_deref())?;
            print(&desk, staging_id, printer.as_deref(), format.as_deref())
        }
        Command::Patient { mrn, language } => {
            let lang = match language {
                Some(tag) => desk.set_patient_language(&mrn, &tag)?,
                None => desk.patient_language(Some(&mrn))?,
            };
            Ok(Out::ok(
                json!({"ok": true, "mrn": mrn, "language": lang}),
                format!("{mrn}: {} ({})", lang.name(), lang.tag()),
            ))
        }
        Command::PrintTest { printer } => {
            let job = desk.print_test(printer.as_deref())?;
            Ok(Out::ok(
                json!({"ok": true, "job": job}),
                format!("printing: {job}"),
            ))
        }
        Command::Printers => {
            let list = razcode_desk::receipt::print::printers()?;
            Ok(Out::ok(
                json!({"ok": true, "printers": list}),
                list.join("\n"),
            ))
        }
        Command::Email {
            staging_id,
            to,
            format,
            language,
        } => {
            choose_language(&desk, staging_id, language.as_deref())?;
            email(&desk, staging_id, &to, format.as_deref()).await
        }
        Command::Smtp(args) => smtp(&desk, args.into()),
        #[cfg(feature = "sandbox")]
        Command::Sandbox => sandbox(&desk, cli.json).await,
        Command::About { licences } => {
            let a = desk.about();
            let mut text = format!(
                "RAZCODE Desk {}\ndata folder {}\ngateway {}\nfonts: {}\n{} crates (MIT, Apache-2.0, and others: razdesk about --licences)",
                a.version,
                a.data_dir,
                a.gateway.as_deref().unwrap_or("(not set up)"),
                a.fonts.iter().map(|f| format!("{} ({})", f.name, f.licence)).collect::<Vec<_>>().join("; "),
                a.crates.len()
            );
            if licences {
                for c in &a.crates {
                    text.push_str(&format!("\n{} {} {}", c.name, c.version, c.licence));
                }
            }
            Ok(Out::ok(json!({"ok": true, "about": a}), text))
        }
    }
}

fn setup(desk: &Desk, s: Setup) -> Run {
    let s = desk.setup(&s)?;
    Ok(Out::ok(
        json!({"ok": true, "settings": s}),
        format!("gateway {}\nsecrets {}", s.api_base, s.secrets),
    ))
}

/// Prints `APPROVE <url>` (a line other tools wait for) and opens the browser.
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

async fn activate(desk: &Desk, oob: bool, no_browser: bool) -> Run {
    let a = desk.activate(verifier(oob), &show_url(no_browser)).await?;
    let org = a.organization.clone().unwrap_or_default();
    Ok(Out::ok(
        json!({"ok": true, "organization": a.organization}),
        format!("activated for {org}"),
    ))
}

async fn link_patient(desk: &Desk, mrn: &str, oob: bool, no_browser: bool) -> Run {
    desk.link_patient(mrn, verifier(oob), &show_url(no_browser))
        .await?;
    Ok(Out::ok(
        json!({"ok": true, "mrn": mrn, "linked": true}),
        format!("patient {mrn} linked"),
    ))
}

fn import(desk: &Desk, files: Vec<PathBuf>) -> Run {
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
    Ok(Out::ok(
        json!({"ok": true, "imported": items}),
        text.trim_end().to_string(),
    ))
}

fn encounters(desk: &Desk, search: Option<&str>) -> Run {
    let list = desk.store.encounters(search)?;
    let text = lines(&list, |e| {
        format!(
            "{:>5}  {:<28} {:<24} {}",
            e.id,
            e.patient_name.clone().unwrap_or_default(),
            e.visit_date.clone().unwrap_or_default(),
            e.summary
        )
    });
    Ok(Out::ok(json!({"ok": true, "encounters": list}), text))
}

/// An encounter ID, or a file imported first.
fn encounter_or_file(desk: &Desk, target: &str) -> Result<i64, DeskError> {
    match target.parse::<i64>() {
        Ok(id) => Ok(id),
        Err(_) => Ok(desk.import_file(Path::new(target))?.encounter.id),
    }
}

fn stage_text(o: &StageOutcome) -> String {
    match &o.raz_id {
        Some(id) => format!(
            "RAZCODE {id}\nbarcode: {}\npayment: {}{}",
            o.image.as_deref().unwrap_or("-"),
            o.pmt.unwrap_or("-"),
            o.notice
                .as_deref()
                .map(|n| format!("\nnote: {n}"))
                .unwrap_or_default()
        ),
        None => format!(
            "not staged: {}",
            o.errormsg.as_deref().unwrap_or("unknown error")
        ),
    }
}

async fn stage(desk: &Desk, form: StageForm) -> Run {
    let req = form.request()?;
    stage_outcome(desk.stage(&req).await)
}

/// A stage's (or a reissue's) outcome as `stage` prints it.
fn stage_outcome(result: StageResult) -> Run {
    let (outcome, ok) = match result {
        Ok(s) => (StageOutcome::new(&s, None), true),
        Err((Some(s), e)) => (StageOutcome::new(&s, Some(&e)), false),
        Err((None, e)) => return Err(e),
    };
    Ok(Out {
        text: stage_text(&outcome),
        json: serde_json::to_value(&outcome).unwrap_or(Value::Null),
        ok,
    })
}

async fn history(desk: &Desk, search: Option<&str>, refresh: bool, unpaid: bool) -> Run {
    let refreshed = match refresh {
        true => Some(desk.refresh_states().await?),
        false => None,
    };
    let mut list: Vec<HistoryEntry> = desk.history(search)?;
    if unpaid {
        list.retain(|h| matches!(h.payment, Some("unpaid" | "overdue")));
    }
    let mut text = lines(&list, |h| {
        let s = &h.staging;
        format!(
            "{:>5}  {:<16} {:<8} {:<8} {:<8} {}",
            s.id,
            s.raz_id.clone().unwrap_or_else(|| "-".into()),
            s.status,
            h.state.unwrap_or("-"),
            h.payment.unwrap_or("-"),
            s.patient_name.clone().unwrap_or_default()
        )
    });
    // A refresh that could not finish says why; the states are the last known.
    let refresh_error = refreshed.as_ref().and_then(|r| r.error.clone());
    if let Some(e) = &refresh_error {
        text.push_str(&format!(
            "
states not refreshed: {}",
            e.message
        ));
    }
    // Every delivery at the top as well, as before entries carried their own.
    let deliveries = desk.store.deliveries(None)?;
    let mut json =
        json!({"ok": refresh_error.is_none(), "history": list, "deliveries": deliveries});
    if let Some(r) = refreshed {
        json["refresh"] = json!(r);
    }
    Ok(Out {
        ok: refresh_error.is_none(),
        json,
        text,
    })
}

async fn void(desk: &Desk, staging_id: i64, reason: &str) -> Run {
    let s = desk.void(staging_id, reason).await?;
    Ok(Out::ok(
        json!({
            "ok": true,
            "staging_id": s.id,
            "raz_id": s.raz_id,
            "state": s.code_state.map(|c| c.as_str()),
            "voided_at": s.voided_at,
            "claimed_at": s.claimed_at,
        }),
        format!(
            "code {} voided{}",
            s.raz_id.clone().unwrap_or_default(),
            match &s.claimed_at {
                Some(t) => format!(" (it had been claimed at {t})"),
                None => String::new(),
            }
        ),
    ))
}

async fn retry_outbox(desk: &Desk) -> Run {
    let report = desk.retry_all().await?;
    let text = lines(&report.results, |r| match r {
        razcode_desk::reports::Retried::Staging(o) => stage_text(o),
        razcode_desk::reports::Retried::Error { error, .. } => {
            format!("not staged: {}", error.message)
        }
    });
    Ok(Out {
        json: serde_json::to_value(&report).unwrap_or(Value::Null),
        text,
        ok: report.ok,
    })
}

fn outbox(desk: &Desk) -> Run {
    let w = desk.waiting()?;
    let mut text = lines(&w.outbox, |s| {
        format!(
            "{:>5}  encounter {}  {}",
            s.id,
            s.encounter_id,
            s.errormsg.clone().unwrap_or_default()
        )
    });
    for s in &w.voids {
        text.push_str(&format!(
            "\nvoid of code {} (staging {})",
            s.raz_id.clone().unwrap_or_default(),
            s.id
        ));
    }
    for d in &w.emails {
        text.push_str(&format!(
            "\nemail to {} for staging {}: {}",
            d.target,
            d.staging_id,
            d.error.clone().unwrap_or_default()
        ));
    }
    let text = text.trim().to_string();
    Ok(Out::report(&w, text))
}

async fn watch(desk: &Desk, folder: &Path, once: bool) -> Run {
    loop {
        let done = desk.import_folder(folder)?;
        for (path, r) in &done {
            let line = match r {
                Ok(i) => json!({"file": path, "ok": true, "encounter_id": i.encounter.id}),
                Err(e) => json!({"file": path, "ok": false, "error": e}),
            };
            println!("{line}");
        }
        if once {
            return Ok(Out::ok(
                json!({"ok": true, "files": done.len()}),
                format!("{} files", done.len()),
            ));
        }
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    }
}

fn clinic(desk: &Desk, c: Clinic, printer: Option<&str>, format: Option<&str>) -> Run {
    desk.set_receipt_prefs(printer, format)?;
    let c = desk.set_clinic(&c)?;
    let format = desk.receipt_format()?;
    let prefs = desk.code_prefs()?;
    Ok(Out::ok(
        json!({"ok": true, "clinic": c, "receipt_format": format.name(),
               "barcode": prefs.barcode, "shl": prefs.shl}),
        format!(
            "{}\nreceipts: {}\nbarcode: {}\nSMART Health Link: {}",
            c.name.clone().unwrap_or_default(),
            format.name(),
            prefs.barcode.name(),
            prefs.shl.name()
        ),
    ))
}

/// A language given for a staged code's receipt is kept with it (the
/// staging's later receipts, emails and outbox retries use it too).
fn choose_language(desk: &Desk, staging_id: i64, tag: Option<&str>) -> Result<(), DeskError> {
    if let Some(tag) = tag {
        let lang = razcode_desk::languages::parse(tag)?;
        desk.staged(staging_id)?;
        desk.keep_staging_language(staging_id, lang)?;
    }
    Ok(())
}

fn receipt(desk: &Desk, staging_id: i64, out: &Path, format: Option<&str>, copy: bool) -> Run {
    let format = desk.receipt_format_or(format)?;
    let pdf = desk.receipt_pdf(staging_id, format, copy)?;
    std::fs::write(out, &pdf).map_err(DeskError::io(format!("cannot write {}", out.display())))?;
    Ok(Out::ok(
        json!({"ok": true, "file": out, "format": format.name(), "bytes": pdf.len()}),
        format!("receipt written to {}", out.display()),
    ))
}

fn print(desk: &Desk, staging_id: i64, printer: Option<&str>, format: Option<&str>) -> Run {
    let format = desk.receipt_format_or(format)?;
    let job = desk.print_receipt(staging_id, printer, format)?;
    Ok(Out::ok(
        json!({"ok": true, "job": job}),
        format!("printing: {job}"),
    ))
}

async fn email(desk: &Desk, staging_id: i64, to: &str, format: Option<&str>) -> Run {
    let format = desk.receipt_format_or(format)?;
    desk.email_receipt(staging_id, to, format).await?;
    Ok(Out::ok(
        json!({"ok": true, "to": to}),
        format!("emailed to {to}"),
    ))
}

fn smtp(desk: &Desk, smtp: Smtp) -> Run {
    desk.set_smtp(&smtp)?;
    Ok(Out::ok(
        json!({"ok": true, "smtp": smtp}),
        format!("SMTP {}:{}", smtp.host, smtp.port),
    ))
}

/// Serves the sandbox until Ctrl+C; its address goes out first, as one line.
#[cfg(feature = "sandbox")]
async fn sandbox(desk: &Desk, json_mode: bool) -> Run {
    let gw = desk.start_sandbox().await?;
    let s = desk.settings()?;
    let line = json!({"ok": true, "sandbox": gw.base_url(), "organization": s.organization});
    println!(
        "{}",
        if json_mode {
            line.to_string()
        } else {
            format!(
                "sandbox gateway on {} for {}",
                gw.base_url(),
                s.organization.unwrap_or_default()
            )
        }
    );
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    gw.stop().await;
    Ok(Out::ok(
        json!({"ok": true, "stopped": true}),
        "sandbox stopped",
    ))
}

/// A record's bytes from a file, or standard input for `-`.
fn read_record(file: &str) -> Result<Vec<u8>, DeskError> {
    if file == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .map_err(DeskError::io("cannot read standard input"))?;
        Ok(b)
    } else {
        std::fs::read(file).map_err(DeskError::io(format!("cannot read {file}")))
    }
}

/// `her fhir`: the record as the FHIR R4 Bundle a patient's app gets.
fn her_fhir(file: &str) -> Run {
    let bytes = read_record(file)?;
    let text = razcode_her::xml::decode(&bytes).map_err(|e| DeskError::Record(e.to_string()))?;
    // A CCD is read as the CCR the desk would stage from it.
    let her = if text.contains("<ClinicalDocument") {
        razcode_her::ccd::to_ccr(&text).map_err(|e| DeskError::Record(e.to_string()))?
    } else {
        text
    };
    let bundle = razcode_her::fhir::convert(&her).map_err(|e| DeskError::Record(e.to_string()))?;
    let pretty = serde_json::to_string_pretty(&bundle).unwrap_or_default();
    Ok(Out::ok(bundle, pretty))
}

/// `shl open`: what a patient's app will see behind a link.
async fn shl_open(link: &str, passcode: Option<&str>, recipient: &str) -> Run {
    let opened = razcode_desk::links::open_link(link, passcode, recipient).await?;
    let v = serde_json::to_value(&opened).unwrap_or_default();
    let text = opened
        .files
        .iter()
        .map(|f| serde_json::to_string_pretty(&f.content).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    Ok(Out::ok(json!({"ok": true, "link": v}), text))
}

fn her_check(file: &str) -> Run {
    let bytes = read_record(file)?;
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

/// One line per item.
fn lines<T>(items: &[T], line: impl Fn(&T) -> String) -> String {
    items.iter().map(line).collect::<Vec<_>>().join("\n")
}
