//! The sandbox: the gateway embedded on loopback with a demo practice, the desk
//! set up and activated against it, and sample encounters to stage. Works with
//! no network at all.

use crate::activation::Verifier;
use crate::error::{DeskError, Result};
use crate::keys;
use crate::words::Words;
use crate::{Desk, Setup};
use razcode_gateway::sandbox::{self as demo, DemoApprover};
use razcode_gateway::{Config, Gateway};
use razcode_her::ccr::writer::{write, Charge, Coded, Medication, NewEncounter, NewPatient, Vital};
use std::net::SocketAddr;

/// The running sandbox gateway: the desk's handle on it, so that a shell never
/// names a gateway type. Stop it with `stop().await`.
pub struct Sandbox {
    gateway: Gateway,
}

impl Sandbox {
    /// The base URL the sandbox serves every host's paths from.
    pub fn base_url(&self) -> &str {
        &self.gateway.base_url
    }

    /// Stops the gateway and waits until it stopped.
    pub async fn stop(self) {
        self.gateway.stop().await;
    }
}

/// The port the sandbox tries first, so that its address stays the same between runs.
pub const PREFERRED_PORT: u16 = 47_800;

impl Desk {
    /// Starts the sandbox gateway, points the desk at it and activates the demo practice.
    pub async fn start_sandbox(&self) -> Result<Sandbox> {
        let dir = self.dir.join("sandbox");
        std::fs::create_dir_all(&dir).map_err(DeskError::io_at("desk-io-folder", dir.display()))?;
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
                .map_err(|e| DeskError::Sandbox(Words::new("desk-sandbox").with("cause", e)))?,
        };
        let creds = gw
            .sandbox
            .clone()
            .ok_or_else(|| DeskError::Sandbox(Words::new("desk-sandbox-no-credentials")))?;
        let settings = self.setup(&Setup {
            api_base: gw.base_url.clone(),
            platform_base: None,
            healthjibe_base: None,
            consumer_key: creds.consumer_key.clone(),
            consumer_secret: creds.consumer_secret.clone(),
        })?;
        self.store.set_setting(keys::MODE, "sandbox")?;
        if !settings.activated {
            let approver = gw
                .demo_approver()
                .ok_or(DeskError::Sandbox(Words::new("desk-sandbox-no-approver")))?;
            activate_demo(self, approver).await?;
        }
        if self.store.encounters(None)?.is_empty() {
            // Dated today, in the desk's time zone: a new user's "today"
            // worklist shows them.
            let today = jiff::Zoned::now();
            for e in samples(&today) {
                self.import_text("sandbox sample", &write(&e))?;
            }
            self.import_text(
                "sandbox sample (OMHE)",
                &format!(
                    "bp=118/76p64#dt{}:091500\nwt=154.2l\nbg=96\n",
                    today.strftime("%Y%m%d")
                ),
            )?;
        }
        self.audit("sandbox", "sandbox started");
        Ok(Sandbox { gateway: gw })
    }
}

/// Activates the demo practice through the sandbox gateway directly: the desk
/// asks for `oob` credentials, and when their approval URL is shown the gateway
/// approves them as the demo organization would (no page, no browser); the
/// verifier comes back on a channel instead of being typed.
async fn activate_demo(desk: &Desk, approver: DemoApprover) -> Result<()> {
    let (tx, rx) = std::sync::mpsc::channel();
    let approve = move |url: &str| {
        let query = url.split_once('?').map_or("", |(_, q)| q);
        let token = form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "oauth_token")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let (approver, tx) = (approver.clone(), tx.clone());
        tokio::spawn(async move {
            let _ = tx.send(approver.approve_practice(&token).await);
        });
    };
    let verifier = Verifier::Typed(Box::new(move || {
        match rx.recv_timeout(std::time::Duration::from_secs(30)) {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(std::io::Error::other(e)),
            Err(_) => Err(std::io::Error::other("the sandbox gave no verifier")),
        }
    }));
    desk.activate(verifier, &approve).await?;
    Ok(())
}

/// `today` at `hour`:`minute`, with its offset (`2026-11-26T09:30:00-05:00`).
fn today_at(today: &jiff::Zoned, hour: i8, minute: i8) -> String {
    today
        .date()
        .at(hour, minute, 0, 0)
        .to_zoned(today.time_zone().clone())
        .map(|z| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
        .unwrap_or_else(|_| today.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
}

fn samples(today: &jiff::Zoned) -> Vec<NewEncounter> {
    let (created, visit_date) = (today_at(today, 10, 0), today_at(today, 9, 30));
    let visit =
        |id: &str, given: &str, family: &str, dob: &str, gender: &str, mrn: &str| NewEncounter {
            document_id: format!("sandbox-{id}"),
            created: created.clone(),
            patient: NewPatient {
                given: given.into(),
                family: family.into(),
                date_of_birth: Some(dob.into()),
                gender: Some(gender.into()),
                mrn: Some(mrn.into()),
                language: None,
            },
            clinic: demo::ORG_NAME.into(),
            provider: Some("Dr. Robin Lee".into()),
            visit_date: visit_date.clone(),
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
