//! `razcode-gateway`: run a RAZCODE gateway, and manage its consumers and accounts.

use clap::{Parser, Subcommand};
use razcode_gateway::config_file::ConfigFile;
use razcode_gateway::store::{AccountKind, Store, Target};
use razcode_gateway::{clock::Clock, crypto, Config, Gateway};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "razcode-gateway",
    version,
    about = "A self-hostable RAZCODE gateway"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the protocol, the approval pages and redemption.
    Serve {
        /// Settings from a file (the package's /etc/razcode-gateway/gateway.toml);
        /// flags override it.
        #[arg(long)]
        config: Option<PathBuf>,
        #[command(flatten)]
        flags: ServeFlags,
    },
    /// Consumers: the apps (desks) that may call the gateway.
    Consumer {
        #[command(subcommand)]
        action: ConsumerAction,
    },
    /// Organizations: the practices that approve activation.
    Org {
        #[command(subcommand)]
        action: AccountAction,
    },
    /// Patients: HealthJibe accounts.
    Patient {
        #[command(subcommand)]
        action: PatientAction,
    },
    /// The audit log: check its hash chain, export a practice's disclosures.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
}

#[derive(Subcommand)]
enum AuditAction {
    /// Checks every entry against its hash and the one before it; names the
    /// first that does not match (exit status 1).
    Verify {
        #[command(flatten)]
        db: Database,
    },
    /// A practice's accounting of disclosures as CSV (standard output):
    /// each access to each of its codes.
    Export {
        #[command(flatten)]
        db: Database,
        /// The organization's email.
        #[arg(long)]
        org: String,
        /// The first day, YYYY-MM-DD (UTC).
        #[arg(long)]
        from: Option<String>,
        /// The last day, YYYY-MM-DD (UTC), included.
        #[arg(long)]
        to: Option<String>,
    },
}

fn audit(action: AuditAction) -> Result<(), String> {
    use razcode_gateway::store::audit::AuditCheck;
    match action {
        AuditAction::Verify { db } => match db.open()?.verify_audit().map_err(|e| e.to_string())? {
            AuditCheck::Intact { entries, head } => {
                println!("audit=intact");
                println!("entries={entries}");
                println!("head={head}");
                Ok(())
            }
            AuditCheck::Broken { seq, why } => {
                println!("audit=broken");
                println!("entry={seq}");
                Err(format!(
                    "the audit log does not match at entry {seq}: {why}"
                ))
            }
        },
        AuditAction::Export { db, org, from, to } => {
            let (from, to) =
                razcode_gateway::audit_export::day_range(from.as_deref(), to.as_deref())?;
            let csv = razcode_gateway::audit_export::disclosures_csv(&db.open()?, &org, from, to)?;
            print!("{csv}");
            Ok(())
        }
    }
}

#[derive(Subcommand)]
enum ConsumerAction {
    Add {
        #[command(flatten)]
        db: Database,
        #[arg(long)]
        name: String,
    },
}

/// The database every command works on, and the key file that seals it.
#[derive(clap::Args)]
struct Database {
    /// A SQLite file (created when missing), or a PostgreSQL URL:
    /// postgres://user:password@host:port/dbname (libpq's form).
    #[arg(long)]
    db: Target,
    /// The key file that seals secrets and records (created when missing).
    /// Default: <db>.key beside a SQLite file; required with PostgreSQL, the
    /// same file for every instance on the database.
    #[arg(long)]
    key_file: Option<PathBuf>,
}

impl Database {
    fn open(&self) -> Result<Store, String> {
        Store::connect(&self.db, self.key_file.as_deref()).map_err(|e| e.to_string())
    }
}

/// An account's sign-in, for `org add` and `patient add`.
#[derive(clap::Args)]
struct SignIn {
    #[command(flatten)]
    db: Database,
    #[arg(long)]
    email: String,
    /// At least 10 characters; `-` reads it from standard input, or set
    /// RAZCODE_GATEWAY_PASSWORD instead (a value given here is visible in
    /// the process list).
    #[arg(long, env = "RAZCODE_GATEWAY_PASSWORD", hide_env_values = true,
          value_parser = razcode_vault::secret_arg)]
    password: String,
}

#[derive(Subcommand)]
enum AccountAction {
    Add {
        #[command(flatten)]
        account: SignIn,
        #[arg(long)]
        name: String,
    },
    /// How the organization's patients pay: its payment link and the secret its
    /// payment portal signs notices with.
    Set {
        #[command(flatten)]
        db: Database,
        /// The organization's email.
        #[arg(long)]
        email: String,
        /// `https://pay.clinic.example/?ref={reference}&amount={amount}&currency={currency}&code={raz_id}`
        /// (placeholders are URL-encoded when filled; empty removes the link).
        #[arg(long)]
        pay_url: Option<String>,
        /// The HMAC-SHA256 secret of `POST /payments/notify` (sealed at rest);
        /// `-` reads it from standard input, or set RAZCODE_GATEWAY_NOTIFY_SECRET
        /// instead (a value given here is visible in the process list).
        #[arg(long, env = "RAZCODE_GATEWAY_NOTIFY_SECRET", hide_env_values = true,
              value_parser = razcode_vault::secret_arg)]
        notify_secret: Option<String>,
        /// The phone number its patients' pages give (an expired or withdrawn
        /// code's page, with the request for a new code); empty removes it.
        #[arg(long)]
        phone: Option<String>,
    },
}

#[derive(Subcommand)]
enum PatientAction {
    Add {
        #[command(flatten)]
        account: SignIn,
        /// The patient's name (default: the email).
        #[arg(long)]
        name: Option<String>,
    },
}

fn add_account(account: &SignIn, kind: AccountKind, name: &str) -> Result<(), String> {
    if account.password.chars().count() < 10 {
        return Err("choose a password of at least 10 characters".into());
    }
    let store = account.db.open()?;
    let hash = crypto::hash_password(&account.password)?;
    let id = store
        .add_account(kind, &account.email, name, &hash, Clock::default().now())
        .map_err(|e| e.to_string())?;
    println!("account_id={id}");
    Ok(())
}

fn set_org_payment(
    db: &Database,
    email: &str,
    pay_url: Option<&str>,
    notify_secret: Option<&str>,
) -> Result<(), String> {
    if let Some(url) = pay_url.filter(|u| !u.is_empty()) {
        razcode_gateway::check_pay_url(url)?;
    }
    if notify_secret.is_some_and(|s| s.len() < 16) {
        return Err("choose a notice secret of at least 16 characters".into());
    }
    let store = db.open()?;
    if !store
        .set_org_payment(email, pay_url, notify_secret)
        .map_err(|e| e.to_string())?
    {
        return Err(format!("there is no organization with the email {email}"));
    }
    println!("pay_url={}", pay_url.unwrap_or("(unchanged)"));
    println!(
        "notify_secret={}",
        if notify_secret.is_some() {
            "set"
        } else {
            "(unchanged)"
        }
    );
    Ok(())
}

fn set_org_phone(db: &Database, email: &str, phone: Option<&str>) -> Result<(), String> {
    let Some(phone) = phone else {
        return Ok(());
    };
    razcode_gateway::store::reissue::check_phone(phone)?;
    if !db
        .open()?
        .set_org_phone(email, phone)
        .map_err(|e| e.to_string())?
    {
        return Err(format!("there is no organization with the email {email}"));
    }
    println!(
        "phone={}",
        match phone.trim() {
            "" => "(removed)",
            p => p,
        }
    );
    Ok(())
}

/// `serve`'s flags, each overriding the configuration file.
#[derive(clap::Args)]
struct ServeFlags {
    /// A SQLite file (created when missing), or a PostgreSQL URL.
    #[arg(long)]
    db: Option<Target>,
    /// The key file that seals secrets and records (see the other commands).
    #[arg(long)]
    key_file: Option<PathBuf>,
    /// Default 127.0.0.1:8080.
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// The URL clients use, when it is not http://<listen> (behind a TLS proxy).
    #[arg(long)]
    public_url: Option<String>,
    /// Seed and print demo credentials (loopback only).
    #[arg(long)]
    sandbox: bool,
    /// Allow a plain http public URL that is not loopback (a test network only).
    #[arg(long)]
    insecure_http: bool,
    /// A proxy whose Forwarded / X-Forwarded-For headers name the client
    /// (repeatable): limits then count each patient, not the proxy.
    #[arg(long = "trusted-proxy")]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// The one header the trusted proxies write the client's address into
    /// (default x-forwarded-for, as nginx and HAProxy do); the other is
    /// never read, since a client could have written it.
    #[arg(long, value_enum)]
    forwarded_header: Option<razcode_gateway::ForwardedHeader>,
    /// Seconds a connection has to send its request head, also between two
    /// requests on one connection (default 10): silent sockets are closed.
    #[arg(long)]
    header_timeout_secs: Option<u64>,
    /// Connections one client address may hold at once (default 64; the
    /// trusted proxies are not bounded).
    #[arg(long)]
    connections_per_client: Option<usize>,
}

fn serve_config(file: Option<&std::path::Path>, flags: ServeFlags) -> Result<Config, String> {
    let file = match file {
        Some(path) => ConfigFile::read(path).map_err(|e| e.to_string())?,
        None => ConfigFile::default(),
    };
    let db = flags
        .db
        .or_else(|| file.db.as_deref().map(Target::parse))
        .ok_or("no database: give --db (a SQLite file or a PostgreSQL URL) or db in --config")?;
    let listen = flags
        .listen
        .or(file.listen)
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
    let mut config = Config::new(db, listen);
    config.key_file = flags.key_file.or(file.key_file);
    config.public_url = flags.public_url.or(file.public_url);
    config.sandbox = flags.sandbox;
    config.insecure_http = flags.insecure_http || file.insecure_http;
    config.forwarded_header = flags
        .forwarded_header
        .or(file.forwarded_header)
        .unwrap_or_default();
    if let Some(secs) = flags.header_timeout_secs.or(file.header_timeout_secs) {
        if secs == 0 {
            return Err("header_timeout_secs must be at least 1".into());
        }
        config.limits.header_timeout = std::time::Duration::from_secs(secs);
    }
    if let Some(n) = flags.connections_per_client.or(file.connections_per_client) {
        if n == 0 {
            return Err("connections_per_client must be at least 1".into());
        }
        config.limits.per_client = n;
    }
    config.trusted_proxies = if flags.trusted_proxies.is_empty() {
        file.trusted_proxies
    } else {
        flags.trusted_proxies
    };
    Ok(config)
}

async fn serve(config: Config) -> Result<(), String> {
    let gw = Gateway::start(config).await.map_err(|e| e.to_string())?;
    if let Some(creds) = &gw.sandbox {
        for line in creds.lines() {
            println!("{line}");
        }
    }
    println!("listening on {}", gw.base_url);
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .map_err(|e| e.to_string())?;
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    gw.stop().await;
    Ok(())
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RAZCODE_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve { config, flags } => {
            serve_config(config.as_deref(), flags).and_then(|config| {
                match tokio::runtime::Runtime::new() {
                    Ok(rt) => rt.block_on(serve(config)),
                    Err(e) => Err(e.to_string()),
                }
            })
        }
        Command::Consumer {
            action: ConsumerAction::Add { db, name },
        } => db.open().and_then(|s| {
            let c = s
                .add_consumer(&name, Clock::default().now())
                .map_err(|e| e.to_string())?;
            println!("consumer_key={}", c.key);
            println!("consumer_secret={}", c.secret);
            Ok(())
        }),
        Command::Org {
            action: AccountAction::Add { account, name },
        } => add_account(&account, AccountKind::Org, &name),
        Command::Org {
            action:
                AccountAction::Set {
                    db,
                    email,
                    pay_url,
                    notify_secret,
                    phone,
                },
        } => set_org_phone(&db, &email, phone.as_deref()).and_then(|()| {
            match (
                pay_url.is_some() || notify_secret.is_some(),
                phone.is_some(),
            ) {
                // Only the phone was given: the payment settings stay unsaid.
                (false, true) => Ok(()),
                _ => set_org_payment(&db, &email, pay_url.as_deref(), notify_secret.as_deref()),
            }
        }),
        Command::Patient {
            action: PatientAction::Add { account, name },
        } => {
            let name = name.unwrap_or_else(|| account.email.clone());
            add_account(&account, AccountKind::Patient, &name)
        }
        Command::Audit { action } => audit(action),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("razcode-gateway: {e}");
            ExitCode::FAILURE
        }
    }
}
