//! One function per subcommand: each calls the core and says what it did.

mod receipts;
mod records;

use crate::args::{Cli, Command, HerAction, ShlAction};
use crate::Out;
use razcode_desk::activation::{open_browser, Verifier};
use razcode_desk::checkout::StageForm;
use razcode_desk::languages;
use razcode_desk::links::{parse_barcode, ShlMode};
use razcode_desk::receipt_desk::Clinic;
use razcode_desk::reports::{HistoryEntry, StageOutcome};
use razcode_desk::staging::StageResult;
use razcode_desk::views::{
    AboutBox, Activated, Encounters, History, Imports, Linked, OfflineCodes, Printers, Printing,
    SetUp, Speaks, Voided,
};
use razcode_desk::{Desk, DeskError, Setup, Words};
use serde::Serialize;
use std::io::{BufRead, Write};
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
        return records::her_check(file);
    }
    if let Command::Her {
        action: HerAction::Fhir { file },
    } = &cli.command
    {
        return records::her_fhir(file);
    }
    if let Command::Her {
        action: HerAction::Show { file, language },
    } = &cli.command
    {
        return records::her_show(file, language.as_deref());
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
        return records::shl_open(link, passcode.as_deref(), recipient).await;
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
            refresh,
            requests: true,
            ..
        } => requests(&desk, refresh).await,
        Command::History {
            search,
            refresh,
            unpaid,
            requests: false,
        } => history(&desk, search.as_deref(), refresh, unpaid).await,
        Command::Void { staging_id, reason } => void(&desk, staging_id, &reason).await,
        Command::Reissue {
            staging_id,
            request: true,
            print,
            ..
        } => {
            let a = desk.answer_request(staging_id, print).await?;
            let text = format!(
                "code {} emailed to {}{}",
                a.staging.raz_id.clone().unwrap_or_default(),
                a.emailed_to,
                a.printed
                    .as_deref()
                    .map(|j| format!(", printed ({j})"))
                    .unwrap_or_default()
            );
            Ok(Out::ok(&a, text))
        }
        Command::Reissue {
            staging_id, reason, ..
        } => stage_outcome(desk.reissue(staging_id, reason.as_deref()).await),
        Command::Accesses { code } => {
            let list = desk.accesses(&code).await?;
            let shown = list.in_words(razcode_lang::Language::En);
            let mut text = lines(&shown, |a| format!("{}  {}", a.when, a.words));
            if list.accesses.is_empty() {
                text = format!("nobody has opened code {} yet", list.raz_id);
            }
            Ok(Out::ok(&list, text))
        }
        Command::Reserve { count } => {
            let pool = desk.reserve_codes(count).await?;
            let text = format!(
                "{} codes ready for receipts printed offline (the desk keeps {})",
                pool.available, pool.target
            );
            Ok(Out::ok(
                &OfflineCodes {
                    offline_codes: pool,
                },
                text,
            ))
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
            let barcode = barcode.as_deref().map(parse_barcode).transpose()?;
            let shl = shl.as_deref().map(ShlMode::parse).transpose()?;
            desk.set_code_prefs(barcode, shl)?;
            if let Some(tag) = language {
                desk.set_clinic_language(languages::parse(&tag)?)?;
            }
            receipts::clinic(
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
            large_print,
        } => {
            receipts::choose_language(&desk, staging_id, language.as_deref())?;
            receipts::choose_large_print(&desk, staging_id, large_print)?;
            receipts::receipt(&desk, staging_id, &out, format.as_deref(), copy)
        }
        Command::Print {
            staging_id,
            printer,
            format,
            language,
            large_print,
        } => {
            receipts::choose_language(&desk, staging_id, language.as_deref())?;
            receipts::choose_large_print(&desk, staging_id, large_print)?;
            receipts::print(&desk, staging_id, printer.as_deref(), format.as_deref())
        }
        Command::Patient { mrn, language } => {
            let lang = match language {
                Some(tag) => desk.set_patient_language(&mrn, languages::parse(&tag)?)?,
                None => desk.patient_language(Some(&mrn))?,
            };
            let text = format!("{mrn}: {} ({})", lang.name(), lang.tag());
            Ok(Out::ok(
                &Speaks {
                    mrn: Some(mrn),
                    language: lang,
                },
                text,
            ))
        }
        Command::PrintTest { printer } => {
            let job = desk.print_test(printer.as_deref())?;
            let text = format!("printing: {job}");
            Ok(Out::ok(&Printing { job }, text))
        }
        Command::Printers => {
            let list = razcode_desk::receipt::print::printers()?;
            let text = list.join("\n");
            Ok(Out::ok(&Printers { printers: list }, text))
        }
        Command::Email {
            staging_id,
            to,
            format,
            language,
            large_print,
        } => {
            receipts::choose_language(&desk, staging_id, language.as_deref())?;
            receipts::choose_large_print(&desk, staging_id, large_print)?;
            receipts::email(&desk, staging_id, &to, format.as_deref()).await
        }
        Command::Smtp(args) => receipts::smtp(&desk, args.smtp()?),
        #[cfg(feature = "sandbox")]
        Command::Sandbox => sandbox(&desk, cli.json).await,
        Command::About { licences } => {
            let a = desk.about();
            let mut text = format!(
                "RAZCODE Desk {}\ndata folder {}{}\ngateway {}\ncodes for offline receipts: {}\nfonts: {}\n{} crates (MIT, Apache-2.0, and others: razdesk about --licences)",
                a.version,
                a.data_dir,
                match a.data_dir_private {
                    Some(true) => " (this user's alone)",
                    Some(false) => " (NOT private: others on this computer may read it)",
                    None => "",
                },
                a.gateway.as_deref().unwrap_or("(not set up)"),
                match &a.offline_codes {
                    Some(p) if p.gateway_reserves == Some(false) => {
                        "none (the gateway cannot give codes for offline use)".to_string()
                    }
                    Some(p) => format!("{} of {}", p.available, p.target),
                    None => "-".to_string(),
                },
                a.fonts.iter().map(|f| format!("{} ({})", f.name, f.licence)).collect::<Vec<_>>().join("; "),
                a.crates.len()
            );
            if licences {
                for c in &a.crates {
                    text.push_str(&format!("\n{} {} {}", c.name, c.version, c.licence));
                }
            }
            Ok(Out::ok(&AboutBox { about: a }, text))
        }
    }
}

fn setup(desk: &Desk, s: Setup) -> Run {
    let s = desk.setup(&s)?;
    let text = format!("gateway {}\nsecrets {}", s.api_base, s.secrets);
    Ok(Out::ok(&SetUp { settings: s }, text))
}

/// Prints `APPROVE <url>` (a line other tools wait for) and opens the browser.
fn show_url(no_browser: bool) -> impl Fn(&str) + Sync {
    move |url: &str| {
        crate::say(format!("APPROVE {url}"));
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
    let text = format!(
        "activated for {}",
        a.organization.as_deref().unwrap_or_default()
    );
    Ok(Out::ok(
        &Activated {
            organization: a.organization,
        },
        text,
    ))
}

async fn link_patient(desk: &Desk, mrn: &str, oob: bool, no_browser: bool) -> Run {
    desk.link_patient(mrn, verifier(oob), &show_url(no_browser))
        .await?;
    Ok(Out::ok(
        &Linked {
            mrn: mrn.to_string(),
            linked: true,
        },
        format!("patient {mrn} linked"),
    ))
}

fn import(desk: &Desk, files: Vec<PathBuf>) -> Run {
    if files.is_empty() {
        return Err(DeskError::Input(Words::new("desk-nothing-to-import")));
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
        items.push(i);
    }
    Ok(Out::ok(
        &Imports { imported: items },
        text.trim_end().to_string(),
    ))
}

fn encounters(desk: &Desk, search: Option<&str>) -> Run {
    let list = desk.encounters(search)?;
    let text = lines(&list, |e| {
        format!(
            "{:>5}  {:<28} {:<24} {}",
            e.id,
            e.patient_name.clone().unwrap_or_default(),
            e.visit_date.clone().unwrap_or_default(),
            e.summary
        )
    });
    Ok(Out::ok(&Encounters { encounters: list }, text))
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
    Ok(Out::document(&outcome, stage_text(&outcome), ok))
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
    let view = History {
        history: list,
        deliveries: desk.deliveries()?,
        refresh: refreshed,
    };
    Ok(Out::reply(refresh_error.is_none(), &view, text))
}

/// `history --requests`: what patients asked for, newest first.
async fn requests(desk: &Desk, refresh: bool) -> Run {
    let refreshed = match refresh {
        true => Some(desk.refresh_states().await?),
        false => None,
    };
    let list = desk.requests()?;
    let mut text = lines(&list, |r| {
        format!(
            "{:>5}  {:<16} {}  asked {} for a new code, to {}{}",
            r.staging_id,
            r.raz_id.clone().unwrap_or_else(|| "-".into()),
            r.patient_name.clone().unwrap_or_default(),
            r.requested_at,
            r.email,
            r.note
                .as_deref()
                .map(|n| format!(": \"{n}\""))
                .unwrap_or_default()
        )
    });
    if list.is_empty() {
        text = "no requests for a new code wait".into();
    }
    Ok(Out::ok(
        &RequestsView {
            requests: list,
            refresh: refreshed,
        },
        text,
    ))
}

#[derive(Serialize)]
struct RequestsView {
    requests: Vec<razcode_desk::new_code_requests::Request>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh: Option<razcode_desk::reports::Refreshed>,
}

async fn void(desk: &Desk, staging_id: i64, reason: &str) -> Run {
    let s = desk.void(staging_id, reason).await?;
    Ok(Out::ok(
        &Voided::from(&s),
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
    Ok(Out::document(&report, text, report.ok))
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
    Ok(Out::ok(&w, text))
}

async fn watch(desk: &Desk, folder: &Path, once: bool) -> Run {
    loop {
        let done = desk.import_folder(folder)?;
        for (path, r) in &done {
            let line = match r {
                Ok(i) => Watched {
                    file: path,
                    ok: true,
                    encounter_id: Some(i.encounter.id),
                    error: None,
                },
                Err(e) => Watched {
                    file: path,
                    ok: false,
                    encounter_id: None,
                    error: Some(e),
                },
            };
            crate::say(serde_json::to_string(&line).unwrap_or_default());
        }
        if once {
            return Ok(Out::ok(
                &WatchRound { files: done.len() },
                format!("{} files", done.len()),
            ));
        }
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    }
}

/// Serves the sandbox until Ctrl+C; its address goes out first, as one line.
#[cfg(feature = "sandbox")]
async fn sandbox(desk: &Desk, json_mode: bool) -> Run {
    let gw = desk.start_sandbox().await?;
    let s = desk.settings()?;
    let line = SandboxUp {
        ok: true,
        sandbox: gw.base_url().to_string(),
        organization: s.organization.clone(),
    };
    crate::say(if json_mode {
        serde_json::to_string(&line).unwrap_or_default()
    } else {
        format!(
            "sandbox gateway on {} for {}",
            gw.base_url(),
            s.organization.unwrap_or_default()
        )
    });
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    gw.stop().await;
    Ok(Out::ok(
        &SandboxStopped { stopped: true },
        "sandbox stopped",
    ))
}

/// A line `razdesk watch` prints for each file as it goes.
#[derive(Serialize)]
struct Watched<'a> {
    file: &'a Path,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    encounter_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a String>,
}

/// `razdesk watch --once`: how many files the round took.
#[derive(Serialize)]
struct WatchRound {
    files: usize,
}

/// `razdesk sandbox`'s first line: where the sandbox listens.
#[cfg(feature = "sandbox")]
#[derive(Serialize)]
struct SandboxUp {
    ok: bool,
    sandbox: String,
    organization: Option<String>,
}

#[cfg(feature = "sandbox")]
#[derive(Serialize)]
struct SandboxStopped {
    stopped: bool,
}

/// One line per item.
fn lines<T>(items: &[T], line: impl Fn(&T) -> String) -> String {
    items.iter().map(line).collect::<Vec<_>>().join("\n")
}
