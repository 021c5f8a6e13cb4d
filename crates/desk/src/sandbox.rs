//! The sandbox: the gateway embedded on loopback with a demo practice, the desk
//! set up and activated against it, and sample encounters to stage. Works with
//! no network at all.

use crate::activation::Verifier;
use crate::error::{DeskError, Result};
use crate::{Desk, Setup};
/// The running sandbox gateway; stop it with `stop().await`.
pub use razcode_gateway::Gateway;
use razcode_gateway::{sandbox as demo, Config};
use razcode_her::ccr::writer::{write, Charge, Coded, Medication, NewEncounter, NewPatient, Vital};
use std::net::SocketAddr;

/// The port the sandbox tries first, so that its address stays the same between runs.
pub const PREFERRED_PORT: u16 = 47_800;

impl Desk {
    /// Starts the sandbox gateway, points the desk at it and activates the demo practice.
    pub async fn start_sandbox(&self) -> Result<Gateway> {
        let dir = self.dir.join("sandbox");
        std::fs::create_dir_all(&dir).map_err(DeskError::io("cannot create the sandbox folder"))?;
        let db = dir.join("gateway.db");
        let start = |port: u16| {
            let mut c = Config::new(&db, SocketAddr::from(([127, 0, 0, 1], port)));
            c.sandbox = true;
            Gateway::start(c)
        };
        let gw = match start(PREFERRED_PORT).await {
            Ok(g) => g,
            Err(_) => start(0)
                .await
                .map_err(|e| DeskError::Input(format!("the sandbox gateway did not start: {e}")))?,
        };
        let creds = gw.sandbox.clone().ok_or_else(|| {
            DeskError::Input("the sandbox gateway has no demo credentials".into())
        })?;
        let settings = self.setup(&Setup {
            api_base: gw.base_url.clone(),
            platform_base: None,
            healthjibe_base: None,
            consumer_key: creds.consumer_key.clone(),
            consumer_secret: creds.consumer_secret.clone(),
        })?;
        self.store.set_setting("mode", "sandbox")?;
        if !settings.activated {
            // The desk approves for the demo practice itself: it knows the demo password.
            let (email, password) = (creds.org_email.clone(), creds.org_password.clone());
            let approve = move |url: &str| {
                let (url, email, password) = (url.to_string(), email.clone(), password.clone());
                tokio::spawn(async move {
                    if let Err(e) = approve_as(&url, &email, &password).await {
                        tracing::error!(error = %e, "sandbox approval failed");
                    }
                });
            };
            self.activate(Verifier::Loopback, &approve).await?;
        }
        if self.store.encounters(None)?.is_empty() {
            for e in samples() {
                self.import_text("sandbox sample", &write(&e))?;
            }
            self.import_text(
                "sandbox sample (OMHE)",
                "bp=118/76p64#dt20261126:091500\nwt=154.2l\nbg=96\n",
            )?;
        }
        self.audit("sandbox", "sandbox started");
        Ok(gw)
    }
}

/// Fills in the approval form the way a browser would, then follows the redirect.
async fn approve_as(url: &str, email: &str, password: &str) -> std::result::Result<(), String> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let page = http.get(url).send().await.map_err(|e| e.to_string())?;
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .collect::<Vec<_>>()
        .join("; ");
    let html = page.text().await.map_err(|e| e.to_string())?;
    let field = |name: &str| -> Option<String> {
        let needle = format!("name=\"{name}\" value=\"");
        let start = html.find(&needle)? + needle.len();
        html[start..].split('"').next().map(str::to_string)
    };
    let (token, csrf) = (
        field("oauth_token").ok_or("no token field")?,
        field("csrf").ok_or("no csrf field")?,
    );
    let action = url.split('?').next().unwrap_or(url);
    let resp = http
        .post(action)
        .header("Cookie", cookie)
        .form(&[
            ("oauth_token", token.as_str()),
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
            ("action", "approve"),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| format!("the approval answered {}", resp.status()))?
        .to_string();
    http.get(&location)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

fn samples() -> Vec<NewEncounter> {
    let visit =
        |id: &str, given: &str, family: &str, dob: &str, gender: &str, mrn: &str| NewEncounter {
            document_id: format!("sandbox-{id}"),
            created: "2026-11-26T10:00:00-05:00".into(),
            patient: NewPatient {
                given: given.into(),
                family: family.into(),
                date_of_birth: Some(dob.into()),
                gender: Some(gender.into()),
                mrn: Some(mrn.into()),
            },
            clinic: demo::ORG_NAME.into(),
            provider: Some("Dr. Robin Lee".into()),
            visit_date: "2026-11-26T09:30:00-05:00".into(),
            visit_kind: "Office Visit".into(),
            ..NewEncounter::default()
        };
    let mut a = visit("1", "Ana", "Ávila", "1984-03-02", "Female", "SB-1001");
    a.reason = Some(Coded::text("Sore throat"));
    a.vitals = vec![
        Vital {
            name: "Systolic blood pressure".into(),
            loinc: Some("8480-6".into()),
            value: "118".into(),
            unit: "mm[Hg]".into(),
        },
        Vital {
            name: "Diastolic blood pressure".into(),
            loinc: Some("8462-4".into()),
            value: "76".into(),
            unit: "mm[Hg]".into(),
        },
        Vital {
            name: "Body temperature".into(),
            loinc: Some("8310-5".into()),
            value: "38.1".into(),
            unit: "Cel".into(),
        },
    ];
    a.problems = vec![Coded {
        text: "Acute pharyngitis".into(),
        code: Some(("ICD10-CM".into(), "J02.9".into())),
    }];
    a.medications = vec![Medication {
        name: Coded::text("Amoxicillin 500 MG Oral Capsule"),
        directions: Some("1 capsule twice a day for 10 days".into()),
    }];
    a.plan = vec!["Fluids and rest; come back if the fever lasts more than 3 days".into()];
    a.charges = vec![Charge {
        description: "Office visit".into(),
        code: Some(("CPT-4".into(), "99213".into())),
        amount: "125.00".into(),
        currency: "USD".into(),
    }];
    let mut b = visit("2", "Wei", "Zhang 张", "1961-11-20", "Male", "SB-1002");
    b.reason = Some(Coded::text("Blood pressure check"));
    b.vitals = vec![
        Vital {
            name: "Systolic blood pressure".into(),
            loinc: Some("8480-6".into()),
            value: "142".into(),
            unit: "mm[Hg]".into(),
        },
        Vital {
            name: "Diastolic blood pressure".into(),
            loinc: Some("8462-4".into()),
            value: "91".into(),
            unit: "mm[Hg]".into(),
        },
    ];
    b.problems = vec![Coded {
        text: "Essential hypertension".into(),
        code: Some(("ICD10-CM".into(), "I10".into())),
    }];
    let mut c = visit(
        "3",
        "Σοφία",
        "Παπαδοπούλου",
        "2012-06-15",
        "Female",
        "SB-1003",
    );
    c.reason = Some(Coded::text("Immunization"));
    c.immunizations = vec![Coded::text("Influenza vaccine, quadrivalent")];
    vec![a, b, c]
}
