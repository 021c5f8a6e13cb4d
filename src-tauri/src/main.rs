//! The desktop shell: Tauri commands that hand the web UI's forms to
//! `razcode-desk` and its answers back. No rule of the checkout lives here.

// A Windows program, never a console one, in every build: the installers
// the tests install carry the debug build, and a front desk sees no console.
#![cfg_attr(target_os = "windows", windows_subsystem = "windows")]

mod commands;
mod shell;

use shell::Shell;
use tauri::{WebviewUrl, WebviewWindowBuilder};

/// The desk's screens are forms: WebKitGTK paints them on the CPU. Its GPU path
/// compiles shaders for the first form control it draws (~90 ms on a PC without
/// a GPU, where they run on the CPU anyway, as in a VM or over remote desktop) and
/// is the one some GL drivers show a blank window with. IT can choose otherwise by
/// setting the variable themselves (`WEBKIT_SKIA_ENABLE_CPU_RENDERING=0`).
#[cfg(target_os = "linux")]
fn paint_on_the_cpu() {
    const VAR: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";
    if std::env::var_os(VAR).is_none() {
        // Before any thread starts: nothing reads the environment concurrently.
        std::env::set_var(VAR, "1");
    }
}

fn main() {
    #[cfg(target_os = "linux")]
    paint_on_the_cpu();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RAZDESK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let shell = match Shell::from_args(std::env::args().skip(1)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("razcode-desk: {e}");
            std::process::exit(2);
        }
    };
    let baseline = shell.baseline;
    let result = tauri::Builder::default()
        .manage(shell)
        .setup(move |app| {
            // The window is made here so that the start-up benchmark can open the
            // same window on an empty page (its baseline, `--baseline`).
            let page = if baseline {
                "baseline.html"
            } else {
                "index.html"
            };
            let url = WebviewUrl::App(page.into());
            WebviewWindowBuilder::new(app, "main", url)
                .title("RAZCODE Desk")
                .inner_size(1180.0, 780.0)
                .min_inner_size(900.0, 600.0)
                .build()?;
            tauri::async_runtime::spawn(commands::watch_folder(app.handle().clone()));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_state,
            commands::about,
            commands::use_sandbox,
            commands::ui_messages,
            commands::receipt_languages,
            commands::receipt_language,
            commands::receipt_large_print,
            commands::setup_gateway,
            commands::activate,
            commands::link_patient,
            commands::submit_verifier,
            commands::open_approval,
            commands::encounters,
            commands::import_files,
            commands::import_upload,
            commands::quick_entry,
            commands::preview,
            commands::stage,
            commands::code,
            commands::history,
            commands::refresh_states,
            commands::code_accesses,
            commands::answer_request,
            commands::new_code_requests,
            commands::void_code,
            commands::reissue_code,
            commands::outbox,
            commands::retry_outbox,
            commands::save_receipt,
            commands::print_receipt,
            commands::email_receipt,
            commands::get_settings,
            commands::save_settings,
            commands::print_test,
            commands::first_paint,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("razcode-desk: the window could not start: {e}");
        std::process::exit(1);
    }
}
