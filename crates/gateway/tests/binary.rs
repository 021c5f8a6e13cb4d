//! The `razcode-gateway` binary: its commands and its output contract.

mod common;
use common::first_line;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_razcode-gateway");

fn lines(out: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(out)
        .lines()
        .filter_map(|l| {
            l.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect()
}

#[test]
fn admin_commands() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gw.db");
    let out = Command::new(BIN)
        .args(["consumer", "add", "--name", "Front desk"])
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(out.status.success());
    let l = lines(&out.stdout);
    assert_eq!(l.len(), 2);
    assert_eq!(l[0].0, "consumer_key");
    assert_eq!(l[1].0, "consumer_secret");
    assert!(l[1].1.len() >= 32);
    let out = Command::new(BIN)
        .args([
            "org",
            "add",
            "--email",
            "a@clinic.test",
            "--password",
            "long-enough-pw",
            "--name",
            "Clinic",
        ])
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(BIN)
        .args([
            "org",
            "add",
            "--email",
            "a@clinic.test",
            "--password",
            "long-enough-pw",
            "--name",
            "Clinic",
        ])
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    let out = Command::new(BIN)
        .args([
            "patient",
            "add",
            "--email",
            "p@x.test",
            "--password",
            "short",
        ])
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let out = Command::new(BIN)
        .args([
            "patient",
            "add",
            "--email",
            "p@x.test",
            "--password",
            "long-enough-pw",
        ])
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(out.status.success());
}

/// Secrets need not be on the command line, where the process list shows
/// them: `-` reads standard input, or an environment variable gives them.
#[test]
fn secrets_from_standard_input_or_the_environment() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gw.db");
    let mut child = Command::new(BIN)
        .args(["org", "add", "--email", "a@clinic.test", "--name", "Clinic"])
        .args(["--password", "-", "--db"])
        .arg(&db)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "long-enough-pw").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(BIN)
        .args(["org", "set", "--email", "a@clinic.test", "--db"])
        .arg(&db)
        .env(
            "RAZCODE_GATEWAY_NOTIFY_SECRET",
            "sixteen-or-more-characters",
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("notify_secret=set"));
    // The password read from standard input is the account's.
    let store = razcode_gateway::store::Store::open(&db).unwrap();
    let account = store
        .account_by_email(razcode_gateway::store::AccountKind::Org, "a@clinic.test")
        .unwrap()
        .unwrap();
    assert!(razcode_gateway::crypto::verify_password(
        "long-enough-pw",
        &account.password_hash
    ));
    // --help says so, and never shows an environment variable's value.
    let help = Command::new(BIN)
        .args(["org", "set", "--help"])
        .env("RAZCODE_GATEWAY_NOTIFY_SECRET", "do-not-show-this-value")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("RAZCODE_GATEWAY_NOTIFY_SECRET"), "{help}");
    assert!(!help.contains("do-not-show-this-value"), "{help}");
}

#[test]
fn serve_sandbox_prints_credentials_then_listens() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--sandbox", "--db"])
        .arg(dir.path().join("gw.db"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut seen = Vec::new();
    let mut base = String::new();
    for _ in 0..10 {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let line = line.trim().to_string();
        if let Some(url) = line.strip_prefix("listening on ") {
            base = url.to_string();
            break;
        }
        seen.push(line);
    }
    let keys: Vec<&str> = seen
        .iter()
        .filter_map(|l| l.split_once('=').map(|(k, _)| k))
        .collect();
    assert_eq!(
        keys,
        [
            "consumer_key",
            "consumer_secret",
            "org_email",
            "org_password",
            "patient_email",
            "patient_password"
        ]
    );
    assert!(
        base.starts_with("http://127.0.0.1:") && !base.ends_with(":0"),
        "{base}"
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let status = rt.block_on(async { reqwest::get(format!("{base}/r")).await.unwrap().status() });
    assert_eq!(status, 200);
    terminate(&mut child);
}

#[test]
fn sandbox_refuses_a_public_address() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["serve", "--listen", "0.0.0.0:0", "--sandbox", "--db"])
        .arg(dir.path().join("gw.db"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
}

#[test]
fn a_plain_http_public_url_is_refused_unless_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gw.db");
    for args in [
        vec!["--public-url", "http://gw.clinic.example"],
        vec!["--listen", "0.0.0.0:0"],
    ] {
        let out = Command::new(BIN)
            .args(["serve", "--db"])
            .arg(&db)
            .args(&args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("unencrypted") && err.contains("--insecure-http"),
            "{err}"
        );
    }
    // Asked for, it starts (and says where it listens).
    let mut child = Command::new(BIN)
        .args(["serve", "--insecure-http", "--listen", "127.0.0.1:0"])
        .args(["--public-url", "http://gw.clinic.example", "--db"])
        .arg(&db)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    assert_eq!(
        first_line(&mut child),
        "listening on http://gw.clinic.example"
    );
    terminate(&mut child);
}

fn terminate(child: &mut std::process::Child) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let _ = child.wait();
}

/// `serve --config`: the file's settings, flags over them, the key file made
/// on first start, and a typo named.
#[test]
fn serve_reads_its_config_file_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("state/gateway.db");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let config = dir.path().join("gateway.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:1\"\npublic_url = \"http://127.0.0.1:9\"\ndb = \"{}\"\n",
            db.display()
        ),
    )
    .unwrap();
    // The flag's address wins over the file's; the file's public URL stays.
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(&config)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    assert_eq!(first_line(&mut child), "listening on http://127.0.0.1:9");
    terminate(&mut child);
    assert!(db.exists(), "the file's database");
    assert!(
        dir.path().join("state/gateway.db.key").exists(),
        "the key file made on first start"
    );

    std::fs::write(&config, "listen_on = \"127.0.0.1:0\"\n").unwrap();
    let out = Command::new(BIN)
        .args(["serve", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("listen_on") && err.contains("gateway.toml"),
        "{err}"
    );
}
