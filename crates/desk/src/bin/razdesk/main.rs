//! `razdesk`: the desk without a window, for automation and tests. Every command
//! takes `--data-dir` and `--json`; the JSON is a stable interface.

mod args;
mod run;

use args::Cli;
use clap::Parser;
use razcode_desk::reports::ErrorReport;
use razcode_desk::DeskError;
use serde::Serialize;
use serde_json::{json, Value};
use std::process::ExitCode;

/// What a command printed: JSON, and the text form of it.
pub struct Out {
    pub json: Value,
    pub text: String,
    pub ok: bool,
}

impl Out {
    /// A success: `json` is printed as it is.
    pub fn ok(json: Value, text: impl Into<String>) -> Out {
        Out {
            json,
            text: text.into(),
            ok: true,
        }
    }

    /// A core report with `"ok": true` added beside its own keys.
    pub fn report(report: &impl Serialize, text: impl Into<String>) -> Out {
        let mut json = serde_json::to_value(report).unwrap_or(Value::Null);
        if let Some(o) = json.as_object_mut() {
            o.insert("ok".into(), json!(true));
        }
        Out::ok(json, text)
    }
}

/// The core's words, and where the core names a choice, the flag that makes it.
fn message(e: &DeskError) -> String {
    let hint = match e {
        DeskError::PaymentIncomplete => " Give --amount and --currency together.".to_string(),
        DeskError::NotLinked { mrn } => {
            format!(" Link it with `razdesk link-patient --mrn {mrn}`, or stage without --mrn.")
        }
        DeskError::SmtpUntrusted(_) => " Set it with `razdesk smtp --ca-file FILE`.".to_string(),
        DeskError::NotFound(what) if what.starts_with("encounter") => {
            " See `razdesk encounters`.".to_string()
        }
        DeskError::NotFound(what) if what.starts_with("staging") => {
            " See `razdesk history`.".to_string()
        }
        _ => String::new(),
    };
    format!("{e}{hint}")
}

fn error_json(e: &DeskError) -> Value {
    let mut report = ErrorReport::from(e);
    report.message = message(e);
    json!({"ok": false, "error": report})
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
    match rt.block_on(run::command(cli)) {
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
                eprintln!("razdesk: {}", message(&e));
            }
            ExitCode::FAILURE
        }
    }
}
