//! `razdesk`: the desk without a window, for automation and tests. Every command
//! takes `--data-dir` and `--json`; the JSON is a stable interface.

mod args;
mod hints;
mod run;

use args::Cli;
use clap::Parser;
use razcode_desk::reports::ErrorReport;
use razcode_desk::DeskError;
use serde::Serialize;
use serde_json::Value;
use std::process::ExitCode;

/// What a command printed: JSON, and the text form of it.
pub struct Out {
    pub json: Value,
    pub text: String,
    pub ok: bool,
}

/// A typed answer with `"ok"` beside its own keys: `--json` prints the view
/// the app's command returns, and says whether it went.
#[derive(Serialize)]
struct Reply<'a, T: Serialize> {
    ok: bool,
    #[serde(flatten)]
    body: &'a T,
}

impl Out {
    /// A success: the view with `"ok": true`.
    pub fn ok(body: &impl Serialize, text: impl Into<String>) -> Out {
        Out::reply(true, body, text)
    }

    /// The view with `"ok"` as `ok` says (a report of what went and what did not).
    pub fn reply(ok: bool, body: &impl Serialize, text: impl Into<String>) -> Out {
        Out {
            json: serde_json::to_value(Reply { ok, body }).unwrap_or(Value::Null),
            text: text.into(),
            ok,
        }
    }

    /// Output that carries its own keys (a stage's outcome, a FHIR Bundle,
    /// a check's answer), printed as it is.
    pub fn document(body: &impl Serialize, text: impl Into<String>, ok: bool) -> Out {
        Out {
            json: serde_json::to_value(body).unwrap_or(Value::Null),
            text: text.into(),
            ok,
        }
    }
}

/// A command that failed: `{"ok": false, "error": {"message", "errorcode"}}`.
#[derive(Serialize)]
struct Failed {
    error: ErrorReport,
}

fn error_json(e: &DeskError) -> Value {
    let mut report = ErrorReport::from(e);
    report.message = hints::message(e);
    Out::reply(false, &Failed { error: report }, "").json
}

/// Writes a line to standard output. A reader that went away (`razdesk … |
/// head`) is not an error of ours: the line is dropped quietly, as other
/// tools do, where `println!` would panic.
pub fn say(line: impl std::fmt::Display) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
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
                say(&out.json);
            } else if !out.text.is_empty() {
                say(&out.text);
            }
            if out.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            if json_mode {
                say(error_json(&e));
            } else {
                eprintln!("razdesk: {}", hints::message(&e));
            }
            ExitCode::FAILURE
        }
    }
}
