//! Email with lettre over SMTP: STARTTLS, implicit TLS, or plain only to this
//! computer; authentication when a user is set. The message carries the code and
//! instructions only, never clinical data; the receipt PDF is attached.

use crate::error::{DeskError, Result};
use crate::words::Words;
use lettre::message::{header::ContentType, Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    #[serde(skip)]
    pub password: Option<String>,
    pub from: String,
    /// A PEM file with the certificate authority to trust for this server
    /// (a clinic's own mail server); the system's roots otherwise.
    #[serde(default)]
    pub ca_file: Option<String>,
}

impl Smtp {
    /// The submission port and security most mail servers take: the default
    /// wherever SMTP is set (the CLI, the app's settings, a stored setting).
    pub const DEFAULT_PORT: u16 = 587;
    pub const DEFAULT_SECURITY: &'static str = "starttls";
}

/// How the connection to the SMTP server is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain first, then STARTTLS (required).
    #[default]
    Starttls,
    /// TLS from the first byte.
    Tls,
    /// No encryption: only to this computer.
    None,
}

impl Security {
    pub fn name(self) -> &'static str {
        match self {
            Security::Starttls => "starttls",
            Security::Tls => "tls",
            Security::None => "none",
        }
    }

    /// `starttls`, `tls` or `none`, or an error that lists them.
    pub fn parse(s: &str) -> Result<Security> {
        match s.trim().to_ascii_lowercase().as_str() {
            "starttls" => Ok(Security::Starttls),
            "tls" => Ok(Security::Tls),
            "none" => Ok(Security::None),
            _ => Err(DeskError::Input(
                Words::new("desk-email-security").with("security", format!("{:?}", s.trim())),
            )),
        }
    }
}

/// What the patient reads.
pub struct Mail {
    pub to: String,
    pub clinic: String,
    pub raz_id: String,
    pub redeem_url: String,
    /// The code's own page (the HTML part's button).
    pub code_url: String,
    pub expires: String,
    /// The barcode as the receipt prints it, and its media type.
    pub barcode: Option<(Vec<u8>, &'static str)>,
    /// The bill staged with the code, as the receipt shows it.
    pub amount_due: Option<super::AmountDue>,
    pub pdf: Vec<u8>,
    /// The patient's language: subject and body are in it.
    pub language: razcode_lang::Language,
}

/// The clinic's own certificate authority from a PEM file; errors name the file.
pub fn read_ca(file: &str) -> Result<Certificate> {
    let pem = std::fs::read(file).map_err(|e| {
        DeskError::Email(
            Words::new("desk-email-ca-unreadable")
                .with("file", file)
                .with("cause", e),
        )
    })?;
    // The TLS library takes a file without any certificate in it silently.
    if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
        return Err(DeskError::Email(
            Words::new("desk-email-ca-empty").with("file", file),
        ));
    }
    Certificate::from_pem(&pem).map_err(|e| {
        DeskError::Email(
            Words::new("desk-email-ca-bad")
                .with("file", file)
                .with("cause", e),
        )
    })
}

pub fn parse_address(a: &str) -> Result<Mailbox> {
    a.trim().parse::<Mailbox>().map_err(|e| {
        DeskError::Email(
            Words::new("desk-email-address")
                .with("address", format!("{a:?}"))
                .with("cause", e),
        )
    })
}

pub fn build(smtp: &Smtp, m: &Mail) -> Result<Message> {
    let l = m.language;
    let mut body = razcode_lang::text_with(
        l,
        "email-body",
        &[
            ("clinic", &m.clinic),
            ("code", &m.raz_id),
            ("url", &m.redeem_url),
            ("expires", &m.expires),
        ],
    );
    body.push('\n');
    let unbuilt = |e: lettre::error::Error| {
        DeskError::Email(Words::new("desk-email-unbuilt").with("cause", e))
    };
    let content_type = |t: &str| {
        ContentType::parse(t)
            .map_err(|e| DeskError::Email(Words::new("desk-email-unbuilt").with("cause", e)))
    };
    // The plain part and the HTML one are alternatives; the HTML one's barcode
    // travels beside it (related), the receipt after both (mixed).
    let alternative = MultiPart::alternative_plain_html(body, super::email_html::page(m));
    let readable = match &m.barcode {
        Some((bytes, mime)) => MultiPart::related().multipart(alternative).singlepart(
            Attachment::new_inline(super::email_html::BARCODE_CID.to_string())
                .body(bytes.clone(), content_type(mime)?),
        ),
        None => alternative,
    };
    Message::builder()
        .from(parse_address(&smtp.from)?)
        .to(parse_address(&m.to)?)
        .subject(razcode_lang::text_with(
            l,
            "email-subject",
            &[("clinic", &m.clinic)],
        ))
        .multipart(
            MultiPart::mixed().multipart(readable).singlepart(
                Attachment::new(format!("receipt-{}.pdf", m.raz_id.replace('-', "")))
                    .body(m.pdf.clone(), content_type("application/pdf")?),
            ),
        )
        .map_err(unbuilt)
}

fn loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

/// Sends the message; errors say what to fix. `transient` in the result says
/// whether sending later may work (the delivery then waits in the outbox).
pub async fn send(smtp: &Smtp, message: Message) -> std::result::Result<(), (bool, DeskError)> {
    let tls = match &smtp.ca_file {
        Some(file) if smtp.security != Security::None => {
            let cert = read_ca(file).map_err(|e| (false, e))?;
            let params = TlsParameters::builder(smtp.host.clone())
                .add_root_certificate(cert)
                .build()
                .map_err(|e| {
                    (
                        false,
                        DeskError::Email(Words::new("desk-email-tls").with("cause", e)),
                    )
                })?;
            Some(if smtp.security == Security::Tls {
                Tls::Wrapper(params)
            } else {
                Tls::Required(params)
            })
        }
        _ => None,
    };
    let builder = match (smtp.security, tls) {
        (_, Some(tls)) => {
            Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host).tls(tls))
        }
        (Security::Starttls, None) => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
        }
        (Security::Tls, None) => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host),
        (Security::None, None) if loopback(&smtp.host) => Ok(
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        ),
        (Security::None, None) => {
            return Err((
                false,
                DeskError::Insecure {
                    address: format!("smtp://{} without TLS", smtp.host),
                },
            ));
        }
    }
    .map_err(|e| {
        (
            false,
            DeskError::Email(Words::new("desk-email-settings").with("cause", e)),
        )
    })?;
    let mut builder = builder
        .port(smtp.port)
        .timeout(Some(Duration::from_secs(20)));
    if let Some(user) = &smtp.user {
        // PLAIN only (always inside TLS here): a refused login is answered at once.
        builder = builder
            .credentials(Credentials::new(
                user.clone(),
                smtp.password.clone().unwrap_or_default(),
            ))
            .authentication(vec![Mechanism::Plain]);
    }
    let transport = builder.build();
    match transport.send(message).await {
        Ok(_) => Ok(()),
        Err(e) => {
            let text = e.to_string();
            if text.contains("certificate") {
                return Err((false, DeskError::SmtpUntrusted { cause: text }));
            }
            let (transient, why) = if e.is_permanent() {
                if text.contains("535") || text.to_ascii_lowercase().contains("auth") {
                    (false, Words::new("desk-email-login").with("cause", &text))
                } else {
                    (false, Words::new("desk-email-refused").with("cause", &text))
                }
            } else if e.is_transient() {
                (true, Words::new("desk-email-later").with("cause", &text))
            } else {
                (
                    true,
                    Words::new("desk-email-unreachable")
                        .with("server", format!("{}:{}", smtp.host, smtp.port))
                        .with("cause", &text),
                )
            };
            Err((transient, DeskError::Email(why)))
        }
    }
}
