//! One Tauri command per thing the UI asks; each is a call into the desk core.

use crate::shell::{Shell, UiError};
use razcode_desk::about::About;
use razcode_desk::activation::{open_browser, Verifier, APPROVAL_WAIT};
use razcode_desk::checkout::{QuickEntry, StageForm};
use razcode_desk::import::Imported;
use razcode_desk::languages::Language;
use razcode_desk::receipt_desk::parse_format;
use razcode_desk::reports::{HistoryEntry, Refreshed, RetryReport, Waiting};
use razcode_desk::screens::{CodeScreen, Preview};
use razcode_desk::settings_form::{blank_none, from_base64, SettingsForm};
use razcode_desk::store::{Encounter, Staging};
use razcode_desk::views::{
    Activated, AppState, Emailed, FileImport, Linked, Printing, Saved, SavedReceipt, SetUp,
    SettingsScreen, Speaks,
};
use razcode_desk::{DeskError, Setup, Words};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use tauri::{AppHandle, Emitter, Manager, State};

type Answer<T> = Result<T, UiError>;

/// Where the app stands: set up or not, on the sandbox or a gateway, activated.
#[tauri::command]
pub async fn app_state(shell: State<'_, Shell>) -> Answer<AppState> {
    let running = shell.sandbox.lock().await.is_some();
    let start_on_sandbox = shell.start_on_sandbox;
    shell
        .desk(move |desk| async move { Ok(desk.app_state(running, start_on_sandbox)?) })
        .await
}

/// The staff app's texts in a language (English or Spanish).
#[tauri::command]
pub fn ui_messages(language: String) -> Answer<BTreeMap<String, String>> {
    let lang = razcode_desk::languages::parse(&language)?;
    Ok(razcode_desk::languages::app_messages(lang))
}

/// The languages receipts speak, by their own names (the pickers). Asked for
/// after the first paint: an English desk parses no catalog before it.
#[tauri::command]
pub fn receipt_languages() -> Answer<Vec<razcode_desk::languages::MenuItem>> {
    Ok(razcode_desk::languages::menu())
}

/// Large print for a staged code's receipts, chosen on the code screen
/// (kept with the code and its patient).
#[tauri::command]
pub async fn receipt_large_print(shell: State<'_, Shell>, id: i64, on: bool) -> Answer<bool> {
    shell
        .desk(move |desk| async move {
            desk.staged(id)?;
            desk.keep_large_print(id, on)?;
            Ok(desk.large_print(id)?)
        })
        .await
}

/// The language of a staged code's receipts and emails, chosen on the code
/// screen (kept with the code and its patient).
#[tauri::command]
pub async fn receipt_language(
    shell: State<'_, Shell>,
    id: i64,
    language: String,
) -> Answer<Speaks> {
    shell
        .desk(move |desk| async move {
            let lang = razcode_desk::languages::parse(&language)?;
            desk.staged(id)?;
            desk.keep_staging_language(id, lang)?;
            Ok(Speaks {
                mrn: None,
                language: lang,
            })
        })
        .await
}

/// The About box: version, data folder, gateway, licences.
#[tauri::command]
pub async fn about(shell: State<'_, Shell>) -> Answer<About> {
    shell.desk(|desk| async move { Ok(desk.about()) }).await
}

/// Starts the embedded gateway with the demo practice (first run, or each
/// start of a desk set up on the sandbox); one already running is kept.
#[tauri::command]
pub async fn use_sandbox(shell: State<'_, Shell>) -> Answer<SetUp> {
    let settings = shell.start_sandbox().await?;
    Ok(SetUp { settings })
}

#[derive(Debug, Deserialize)]
pub struct GatewayForm {
    pub api_base: String,
    pub platform_base: Option<String>,
    pub healthjibe_base: Option<String>,
    pub consumer_key: String,
    pub consumer_secret: String,
}

/// A real gateway: three base URLs and the consumer credentials.
#[tauri::command]
pub async fn setup_gateway(shell: State<'_, Shell>, form: GatewayForm) -> Answer<SetUp> {
    if let Some(old) = shell.sandbox.lock().await.take() {
        old.stop().await;
    }
    shell
        .desk(move |desk| async move {
            let s = desk.setup(&Setup {
                api_base: form.api_base,
                platform_base: blank_none(form.platform_base),
                healthjibe_base: blank_none(form.healthjibe_base),
                consumer_key: form.consumer_key,
                consumer_secret: form.consumer_secret,
            })?;
            Ok(SetUp { settings: s })
        })
        .await
}

/// The approval page goes to the UI (an `approval` event) and, unless
/// `RAZDESK_NO_BROWSER` is set, to the system browser.
fn show_approval(app: AppHandle) -> impl Fn(&str) + Sync + Send + 'static {
    move |url: &str| {
        if let Ok(mut slot) = app.state::<Shell>().approval_url.lock() {
            *slot = Some(url.to_string());
        }
        let _ = app.emit("approval", url);
        if std::env::var_os("RAZDESK_NO_BROWSER").is_none() {
            open_browser(url);
        }
    }
}

/// With `oob` the gateway shows a verifier that staff type into the app.
fn verifier(shell: &Shell, oob: bool) -> Verifier {
    if !oob {
        return Verifier::Loopback;
    }
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    if let Ok(mut slot) = shell.verifier.lock() {
        *slot = Some(tx);
    }
    Verifier::Typed(Box::new(move || {
        rx.recv_timeout(APPROVAL_WAIT).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "no verifier was typed within 10 minutes; start again",
            )
        })
    }))
}

#[tauri::command]
pub async fn activate(app: AppHandle, shell: State<'_, Shell>, oob: bool) -> Answer<Activated> {
    shell.gateway_ready().await?;
    let v = verifier(&shell, oob);
    let show = show_approval(app);
    shell
        .desk(move |desk| async move {
            let a = desk.activate(v, &show).await?;
            Ok(Activated {
                organization: a.organization,
            })
        })
        .await
}

#[tauri::command]
pub async fn link_patient(
    app: AppHandle,
    shell: State<'_, Shell>,
    mrn: String,
    oob: bool,
) -> Answer<Linked> {
    shell.gateway_ready().await?;
    let v = verifier(&shell, oob);
    let show = show_approval(app);
    shell
        .desk(move |desk| async move {
            desk.link_patient(&mrn, v, &show).await?;
            Ok(Linked { mrn, linked: true })
        })
        .await
}

/// Opens the approval page being waited on in the system browser again (only
/// that page: the UI cannot open arbitrary addresses).
#[tauri::command]
pub fn open_approval(shell: State<'_, Shell>) -> Result<(), UiError> {
    let url = shell.approval_url.lock().ok().and_then(|u| u.clone());
    match url {
        Some(u) => {
            open_browser(&u);
            Ok(())
        }
        None => {
            Err(UiError::said(Words::new("desk-activation-waiting")).in_language(shell.language()))
        }
    }
}

#[tauri::command]
pub fn submit_verifier(shell: State<'_, Shell>, verifier: String) -> Result<(), UiError> {
    let tx = shell.verifier.lock().ok().and_then(|mut s| s.take());
    match tx {
        Some(tx) if tx.send(verifier).is_ok() => Ok(()),
        _ => Err(
            UiError::said(Words::new("desk-activation-no-verifier-wait"))
                .in_language(shell.language()),
        ),
    }
}

/// `since`: the desk's local midnight (Unix seconds) for today's worklist; none for all.
#[tauri::command]
pub async fn encounters(
    shell: State<'_, Shell>,
    search: Option<String>,
    since: Option<i64>,
) -> Answer<Vec<Encounter>> {
    shell
        .desk(move |desk| async move {
            let q = search.as_deref().map(str::trim).filter(|s| !s.is_empty());
            Ok(desk.worklist(q, since)?)
        })
        .await
}

/// One file's import as the worklist shows it (picker or drop), its refusal
/// in the app's language.
fn import_result(name: &str, r: Result<Imported, DeskError>, lang: Language) -> FileImport {
    FileImport::new(name, r.map_err(|e| e.message(lang)))
}

/// Files dropped on the window: each imports or says why not.
#[tauri::command]
pub async fn import_files(shell: State<'_, Shell>, paths: Vec<String>) -> Answer<Vec<FileImport>> {
    shell
        .desk(move |desk| async move {
            let lang = desk.app_language()?;
            Ok(paths
                .iter()
                .map(|p| import_result(p, desk.import_file(&PathBuf::from(p)), lang))
                .collect())
        })
        .await
}

/// A file from the file picker: its name and its bytes in base64.
#[tauri::command]
pub async fn import_upload(
    shell: State<'_, Shell>,
    name: String,
    data: String,
) -> Answer<FileImport> {
    shell
        .desk(move |desk| async move {
            let bytes = from_base64(&name, &data)?;
            let lang = desk.app_language()?;
            Ok(import_result(&name, desk.import_bytes(&name, &bytes), lang))
        })
        .await
}

#[tauri::command]
pub async fn quick_entry(shell: State<'_, Shell>, form: QuickEntry) -> Answer<Imported> {
    shell
        .desk(move |desk| async move { Ok(desk.quick_entry(&form)?) })
        .await
}

#[tauri::command]
pub async fn preview(shell: State<'_, Shell>, id: i64, leave_out: Vec<String>) -> Answer<Preview> {
    shell
        .desk(move |desk| async move { Ok(desk.preview(id, &leave_out)?) })
        .await
}

/// Stages; the code screen's content only when the gateway answered Success.
#[tauri::command]
pub async fn stage(shell: State<'_, Shell>, form: StageForm) -> Answer<CodeScreen> {
    shell.gateway_ready().await?;
    shell
        .desk(move |desk| async move {
            let req = form.request()?;
            match desk.stage(&req).await {
                Ok(s) => Ok(desk.code_screen(s.id)?),
                Err((s, e)) => {
                    let mut ui = UiError::from(e);
                    if let Some(s) = s {
                        ui.status = Some(s.status);
                        ui.staging_id = Some(s.id);
                    }
                    Err(ui)
                }
            }
        })
        .await
}

#[tauri::command]
pub async fn code(shell: State<'_, Shell>, id: i64) -> Answer<CodeScreen> {
    shell
        .desk(move |desk| async move { Ok(desk.code_screen(id)?) })
        .await
}

#[tauri::command]
pub async fn history(shell: State<'_, Shell>, search: Option<String>) -> Answer<Vec<HistoryEntry>> {
    shell
        .desk(move |desk| async move {
            let q = search.as_deref().map(str::trim).filter(|s| !s.is_empty());
            Ok(desk.history_page(q, razcode_desk::screens::SCREEN_ROWS)?)
        })
        .await
}

/// Asks the gateway for the state of every code that can still change.
#[tauri::command]
pub async fn refresh_states(shell: State<'_, Shell>) -> Answer<Refreshed> {
    shell.gateway_ready().await?;
    shell
        .desk(|desk| async move { Ok(desk.refresh_states().await?) })
        .await
}

/// Who opened a code's record (protocol v1.2), in the app's language.
#[tauri::command]
pub async fn code_accesses(
    shell: State<'_, Shell>,
    id: i64,
    language: String,
) -> Answer<Vec<razcode_desk::accesses::AccessShown>> {
    let lang = razcode_desk::languages::parse(&language)?;
    shell.gateway_ready().await?;
    shell
        .desk(move |desk| async move { Ok(desk.accesses(&id.to_string()).await?.in_words(lang)) })
        .await
}

/// Answers a patient's request for a new code: the new code emailed to the
/// address the patient gave, printed too when staff chose; its screen.
#[tauri::command]
pub async fn answer_request(
    shell: State<'_, Shell>,
    id: i64,
    print: bool,
) -> Answer<AnsweredScreen> {
    shell.gateway_ready().await?;
    shell
        .desk(move |desk| async move {
            let a = desk.answer_request(id, print).await?;
            Ok(AnsweredScreen {
                code: desk.code_screen(a.staging.id)?,
                emailed_to: a.emailed_to,
                printed: a.printed,
            })
        })
        .await
}

/// A request answered, as the app shows it.
#[derive(serde::Serialize)]
pub struct AnsweredScreen {
    pub code: CodeScreen,
    pub emailed_to: String,
    pub printed: Option<String>,
}

/// The requests for a new code that wait, with the address and note each gave.
#[tauri::command]
pub async fn new_code_requests(
    shell: State<'_, Shell>,
) -> Answer<Vec<razcode_desk::new_code_requests::Request>> {
    shell.desk(|desk| async move { Ok(desk.requests()?) }).await
}

/// Withdraws a code (the gateway erases its record); the staging as it is now.
#[tauri::command]
pub async fn void_code(shell: State<'_, Shell>, id: i64, reason: String) -> Answer<Staging> {
    shell.gateway_ready().await?;
    shell
        .desk(move |desk| async move { Ok(desk.void(id, &reason).await?) })
        .await
}

/// Voids a code and stages its encounter again; the new code's screen.
#[tauri::command]
pub async fn reissue_code(
    shell: State<'_, Shell>,
    id: i64,
    reason: Option<String>,
) -> Answer<CodeScreen> {
    shell.gateway_ready().await?;
    shell
        .desk(move |desk| async move {
            match desk.reissue(id, reason.as_deref()).await {
                Ok(s) => Ok(desk.code_screen(s.id)?),
                Err((_, e)) => Err(e.into()),
            }
        })
        .await
}

/// What waits: stagings that could not reach the gateway, emails not sent.
#[tauri::command]
pub async fn outbox(shell: State<'_, Shell>) -> Answer<Waiting> {
    shell.desk(|desk| async move { Ok(desk.waiting()?) }).await
}

#[tauri::command]
pub async fn retry_outbox(shell: State<'_, Shell>) -> Answer<RetryReport> {
    shell.gateway_ready().await?;
    shell
        .desk(|desk| async move { Ok(desk.retry_all().await?) })
        .await
}

#[tauri::command]
pub async fn save_receipt(
    shell: State<'_, Shell>,
    id: i64,
    format: Option<String>,
    copy: bool,
) -> Answer<SavedReceipt> {
    shell
        .desk(move |desk| async move {
            let asked = format.as_deref().map(parse_format).transpose()?;
            let f = desk.receipt_format_or(asked)?;
            let file = desk.save_receipt_file(id, f, copy)?;
            Ok(SavedReceipt {
                file,
                format: f.name(),
                bytes: None,
            })
        })
        .await
}

#[tauri::command]
pub async fn print_receipt(shell: State<'_, Shell>, id: i64) -> Answer<Printing> {
    shell
        .desk(move |desk| async move {
            let f = desk.receipt_format()?;
            let job = desk.print_receipt(id, None, f)?;
            Ok(Printing { job })
        })
        .await
}

#[tauri::command]
pub async fn email_receipt(shell: State<'_, Shell>, id: i64, to: String) -> Answer<Emailed> {
    shell
        .desk(move |desk| async move {
            let f = desk.receipt_format()?;
            desk.email_receipt(id, &to, f).await?;
            Ok(Emailed { to })
        })
        .await
}

/// Everything the settings screen shows; secrets never leave the core.
#[tauri::command]
pub async fn get_settings(shell: State<'_, Shell>) -> Answer<SettingsScreen> {
    shell
        .desk(|desk| async move { Ok(desk.settings_screen()?) })
        .await
}

#[tauri::command]
pub async fn save_settings(shell: State<'_, Shell>, form: SettingsForm) -> Answer<Saved> {
    shell
        .desk(move |desk| async move {
            desk.save_settings(form)?;
            Ok(Saved { saved: true })
        })
        .await
}

#[tauri::command]
pub async fn print_test(shell: State<'_, Shell>) -> Answer<Printing> {
    shell
        .desk(|desk| async move {
            Ok(Printing {
                job: desk.print_test(None)?,
            })
        })
        .await
}

/// The UI calls this once its first screen is painted: the start-up time and
/// the screen go to stderr (the start-up benchmark and the installed
/// package's test read them), and with `--exit-after-paint` the app quits.
#[tauri::command]
pub fn first_paint(
    app: AppHandle,
    shell: State<'_, Shell>,
    screen: Option<String>,
    marks: Option<Vec<(String, f64)>>,
) {
    let ms = shell.started.elapsed().as_secs_f64() * 1000.0;
    let screen = screen.unwrap_or_else(|| "an empty page".into());
    // Where the start went: the page's marks (wall-clock ms) from the process's start.
    let marks: Vec<String> = marks
        .unwrap_or_default()
        .iter()
        .map(|(name, at)| format!("{name} {:.0}", at - shell.started_epoch_ms))
        .collect();
    let marks = match marks.is_empty() {
        true => String::new(),
        false => format!(" ({})", marks.join(", ")),
    };
    eprintln!("first paint after {ms:.0} ms: {screen}{marks}");
    if shell.exit_after_paint {
        app.exit(0);
    }
}

/// Every few seconds, imports what the EHR dropped in the watched folder and
/// tells the UI (an `imported` event with each file's outcome).
pub async fn watch_folder(app: AppHandle) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        let shell = app.state::<Shell>();
        let done = shell
            .desk(|desk| async move {
                let Some(folder) = desk.watch_folder()? else {
                    return Ok(Vec::new());
                };
                Ok(desk
                    .import_folder(&folder)?
                    .into_iter()
                    .map(|(path, r)| FileImport::new(&path.display().to_string(), r))
                    .collect::<Vec<_>>())
            })
            .await;
        match done {
            Ok(files) if !files.is_empty() => {
                let _ = app.emit("imported", files);
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e.message, "the watched folder could not be read"),
        }
    }
}
