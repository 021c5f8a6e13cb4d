//! A real SMTP server on loopback for the email tests (aiosmtpd, plain SMTP:
//! the desk allows that to this computer only), for the desk's receipt
//! tests and the app's webview tests.

use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::Duration;

/// An SMTP server that keeps what it receives (aiosmtpd's Maildir handler).
pub struct Smtp {
    child: std::process::Child,
    pub port: u16,
    maildir: tempfile::TempDir,
}

impl Smtp {
    pub fn start(port: u16) -> Smtp {
        let maildir = tempfile::tempdir().unwrap();
        for d in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(maildir.path().join(d)).unwrap();
        }
        let child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(maildir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd (pip install aiosmtpd)");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Smtp {
            child,
            port,
            maildir,
        }
    }

    /// Every message received, parsed by Python's email package: `body` (every
    /// text part), `text` and `html` apart, `inline` parts by Content-ID,
    /// `attachments`, and `structure` (each part's type, in order).
    pub fn messages(&self) -> Vec<Value> {
        let script = r#"
import email, email.header, json, os, sys, base64
out = []
d = os.path.join(sys.argv[1], 'new')
for name in sorted(os.listdir(d)):
    m = email.message_from_binary_file(open(os.path.join(d, name), 'rb'))
    body, text, html, atts, inline = '', '', '', [], []
    structure = [p.get_content_type() for p in m.walk()]
    for part in m.walk():
        if part.get_content_maintype() == 'multipart':
            continue
        data = part.get_payload(decode=True)
        if part.get_filename() and part.get_content_disposition() != 'inline':
            atts.append({'name': part.get_filename(), 'type': part.get_content_type(), 'data': base64.b64encode(data).decode()})
        elif part.get('Content-ID'):
            inline.append({'cid': part['Content-ID'].strip('<>'), 'type': part.get_content_type(), 'data': base64.b64encode(data).decode()})
        else:
            decoded = data.decode(part.get_content_charset() or 'utf-8')
            body += decoded
            if part.get_content_type() == 'text/html':
                html += decoded
            else:
                text += decoded
    out.append({'to': m['To'], 'from': m['From'], 'subject': str(email.header.make_header(email.header.decode_header(m['Subject'] or ''))), 'body': body, 'text': text, 'html': html, 'inline': inline, 'structure': structure, 'attachments': atts})
print(json.dumps(out))
"#;
        let out = Command::new("python3")
            .args(["-c", script])
            .arg(self.maildir.path())
            .output()
            .expect("python3 reads the Maildir");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("the messages as JSON")
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
