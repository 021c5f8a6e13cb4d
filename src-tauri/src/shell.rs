//! The shell's state: the data folder, the sandbox gateway while it runs, and
//! the channel a typed verifier travels on. Each command opens the desk for
//! itself (SQLite in WAL mode takes that well), so no lock is held while the
//! network is waited on.

use razcode_desk::languages::Language;
use razcode_desk::sandbox::Sandbox;
use razcode_desk::store::StagingStatus;
use razcode_desk::{Desk, DeskError, Words};
use serde::Serialize;
use std::future::Future;
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::sync::Mutex;
use std::time::Instant;

pub struct Shell {
    pub dir: PathBuf,
    pub started: Instant,
    /// The same moment on the wall clock, in ms since 1970 (the page's marks are).
    pub started_epoch_ms: f64,
    /// Print the time to first paint and quit (the start-up benchmark).
    pub exit_after_paint: bool,
    /// `--baseline`: the window on an empty page (the start-up benchmark's baseline).
    pub baseline: bool,
    /// `--sandbox`: a desk that is not set up starts on the sandbox at once.
    pub start_on_sandbox: bool,
    pub sandbox: tokio::sync::Mutex<Option<Sandbox>>,
    pub verifier: Mutex<Option<Sender<String>>>,
    /// The approval page being waited on (the UI can open it again).
    pub approval_url: Mutex<Option<String>>,
}

/// An error as the UI shows it: words to act on in the app's language, and
/// what the gateway said.
#[derive(Debug, Serialize)]
pub struct UiError {
    pub message: String,
    pub errorcode: Option<String>,
    /// A staging's state after a failed stage: `pending` (in the outbox) or `failed`.
    pub status: Option<StagingStatus>,
    pub staging_id: Option<i64>,
    /// The message as the catalogs have it, to be said in the app's language.
    #[serde(skip)]
    words: Words,
}

impl From<DeskError> for UiError {
    fn from(e: DeskError) -> UiError {
        let mut ui = UiError::said(e.words());
        ui.errorcode = e.errorcode().map(str::to_string);
        ui
    }
}

impl From<razcode_desk::store::StoreError> for UiError {
    fn from(e: razcode_desk::store::StoreError) -> UiError {
        DeskError::from(e).into()
    }
}

impl UiError {
    /// Words of the catalogs (English until [`UiError::in_language`]).
    pub fn said(words: Words) -> UiError {
        UiError {
            message: words.text(Language::En),
            errorcode: None,
            status: None,
            staging_id: None,
            words,
        }
    }

    /// The message in the language the app speaks.
    pub fn in_language(mut self, lang: Language) -> UiError {
        self.message = self.words.text(lang);
        self
    }
}

impl Shell {
    /// `--data-dir DIR` (the same folder `razdesk --data-dir` uses),
    /// `--sandbox`, `--exit-after-paint` and `--baseline`.
    pub fn from_args(args: impl Iterator<Item = String>) -> Result<Shell, String> {
        let mut dir = None;
        let mut exit_after_paint = false;
        let mut start_on_sandbox = false;
        let mut baseline = false;
        let mut args = args.peekable();
        while let Some(a) = args.next() {
            match a.as_str() {
                "--data-dir" => {
                    dir = Some(PathBuf::from(
                        args.next().ok_or("--data-dir needs a folder")?,
                    ))
                }
                "--exit-after-paint" => exit_after_paint = true,
                "--sandbox" => start_on_sandbox = true,
                "--baseline" => baseline = true,
                other => {
                    return Err(format!(
                        "unknown argument {other:?}; use --data-dir DIR, --sandbox, --exit-after-paint or --baseline"
                    ))
                }
            }
        }
        Ok(Shell {
            dir: dir.unwrap_or_else(razcode_desk::default_data_dir),
            started: Instant::now(),
            started_epoch_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64() * 1000.0),
            exit_after_paint,
            start_on_sandbox,
            baseline,
            sandbox: tokio::sync::Mutex::new(None),
            verifier: Mutex::new(None),
            approval_url: Mutex::new(None),
        })
    }

    /// Starts the sandbox's gateway unless it runs (the lock is held while it
    /// starts, so a second caller waits for the first start); the settings.
    pub async fn start_sandbox(&self) -> Result<razcode_desk::Settings, UiError> {
        let mut running = self.sandbox.lock().await;
        if running.is_some() {
            return self.desk(|desk| async move { Ok(desk.settings()?) }).await;
        }
        let (gateway, settings) = self
            .desk(|desk| async move {
                let gw = desk.start_sandbox().await?;
                let settings = desk.settings()?;
                Ok((gw, settings))
            })
            .await?;
        *running = Some(gateway);
        Ok(settings)
    }

    /// Before a call to the gateway: a desk on the sandbox has its gateway up.
    /// The app starts it after the first paint; staff quicker than that (or a
    /// start that failed) get it started here rather than a refused connection.
    pub async fn gateway_ready(&self) -> Result<(), UiError> {
        if self.sandbox.lock().await.is_some() {
            return Ok(());
        }
        let on_sandbox = self
            .desk(|desk| async move { Ok(desk.settings()?.sandbox) })
            .await?;
        if on_sandbox {
            self.start_sandbox().await?;
        }
        Ok(())
    }

    /// Runs `f` with the desk on a blocking thread. The desk's futures borrow
    /// its SQLite connection, which is not `Sync`, so they are driven there by
    /// the app's runtime; what they spawn (the sandbox) lives on that runtime.
    pub async fn desk<T, F, Fut>(&self, f: F) -> Result<T, UiError>
    where
        F: FnOnce(Desk) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, UiError>>,
        T: Send + 'static,
    {
        let dir = self.dir.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let desk = Desk::open(&dir)?;
            // Read from the desk this call opens anyway: errors are said in
            // the app's language without opening it a second time.
            let lang = desk.app_language().unwrap_or_default();
            tauri::async_runtime::block_on(f(desk)).map_err(|e| e.in_language(lang))
        })
        .await
        .map_err(|e| UiError::said(Words::new("desk-task-stopped").with("cause", e)))?
    }

    /// The language the app speaks (English when the desk cannot say), for
    /// the shell's own messages outside a desk call.
    pub fn language(&self) -> Language {
        Desk::open(&self.dir)
            .and_then(|d| d.app_language())
            .unwrap_or_default()
    }
}
