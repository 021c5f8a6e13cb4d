//! Protocol v1.2, who opened the record and the audit log, against the real
//! gateway: every access event made by a browser session and by a SMART
//! Health Link client, listed for the practice (`/gateway/accesses`, status's
//! count) and shown to the patient on the record page (English and Spanish);
//! another practice sees nothing; `audit verify` passes, then names the entry
//! after one is changed with the database's own client and after one is
//! deleted; `audit export` writes the practice's disclosures as CSV. Runs on
//! SQLite and again on PostgreSQL (the README's test command).

mod common;
use common::*;
use razcode_protocol::shl::Payload;
use razcode_protocol::{AccessesAnswer, RazId};
use serde_json::{json, Value};
use std::process::Command;

const VISIT: &str = "ccr/examples/minimal_clinic_encounter.xml";
const APP: &str = "Harbor Portal App";

/// The practice's list of a code's accesses: the status and the answer.
async fn accesses(env: &Env, t: &Tokens, id: &RazId) -> (u16, Value) {
    let r = at_gateway_time(env, t, "/gateway/accesses", &[("raz_id", &id.grouped())]).await;
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    let body = r.bytes().await.unwrap();
    if status == 200 {
        assert_eq!(ct.as_deref(), Some("application/json"));
        // Read as the protocol's reader reads it: known events only.
        assert!(matches!(
            AccessesAnswer::decode(ct.as_deref(), &body),
            Ok(Ok(_))
        ));
    }
    // A refusal comes as name/value pairs unless JSON was asked for.
    let v = serde_json::from_slice(&body).unwrap_or_else(|_| {
        pairs(&String::from_utf8_lossy(&body))
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect()
    });
    (status, v)
}

fn events(v: &Value) -> Vec<String> {
    v["accesses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["event"].as_str().unwrap().to_string())
        .collect()
}

/// `razcode-gateway audit …` on the test's database: success, standard output.
fn audit_cmd(env: &Env, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_razcode-gateway"))
        .arg("audit")
        .args(args)
        .args(env.db_args())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs SQL with the database's own client (sqlite3 or psql), as someone
/// with the database in hand would.
fn by_hand(env: &Env, sql: &str) {
    let out = match &env.db {
        razcode_gateway::store::Target::Sqlite(path) => Command::new("sqlite3")
            .arg(path)
            .arg(sql)
            .output()
            .expect("sqlite3 runs (scripts/setup-test.sh installs it)"),
        razcode_gateway::store::Target::Postgres(url) => Command::new("psql")
            .args([url.as_str(), "-v", "ON_ERROR_STOP=1", "-c", sql])
            .output()
            .expect("psql runs"),
    };
    assert!(
        out.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_access_is_listed_for_the_practice_and_shown_to_the_patient() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let her = fixture(VISIT);
    let (status, a) = stage(
        &env,
        &t,
        "/gateway/stage/url",
        &[
            ("her", her.as_str()),
            ("razcode_shl", "1"),
            ("razcode_shl_passcode", "135790"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{a:?}");
    let id = RazId::parse(get(&a, "raz_id").unwrap()).unwrap();
    let link = Payload::decode(get(&a, "shl").unwrap()).unwrap();
    let (status, v) = accesses(&env, &t, &id).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(events(&v), Vec::<String>::new(), "nothing yet");

    // A browser session: the page, the claim, the record, both downloads.
    let path = format!("/r/{}", id.compact());
    let (b, r) = claim(&env, &path, PATIENT_EMAIL, PATIENT_PASSWORD).await;
    assert_eq!(r.status(), 303);
    for suffix in ["/record", "/download", "/fhir"] {
        let r = b
            .get(env.url(&format!("{path}{suffix}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{suffix}");
    }
    // A SMART Health Link client: a wrong passcode, the manifest, the file.
    let manifest = |body: Value| env.http.post(&link.url).json(&body).send();
    let r = manifest(json!({"recipient": APP, "passcode": "000000"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let m: Value =
        manifest(json!({"recipient": APP, "passcode": "135790", "embeddedLengthMax": 10}))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let location = m["files"][0]["location"].as_str().expect("a file address");
    let r = env.http.get(location).send().await.unwrap();
    assert_eq!(r.status(), 200);

    let (status, v) = accesses(&env, &t, &id).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["raz_id"], id.grouped().as_str());
    assert_eq!(
        events(&v),
        [
            "page_opened",
            "claimed",
            "record_viewed",
            "record_downloaded",
            "fhir_downloaded",
            "passcode_refused",
            "shl_manifest",
            "shl_file"
        ]
    );
    for (i, a) in v["accesses"].as_array().unwrap().iter().enumerate() {
        let at = a["at"].as_str().unwrap();
        assert!(
            time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).is_ok(),
            "{a}"
        );
        let named = matches!(i, 5 | 6);
        assert_eq!(a["recipient"].as_str() == Some(APP), named, "{a}");
    }
    let last_at = v["accesses"][7]["at"].as_str().unwrap().to_string();
    let (_, s) = status_of(&env, &t, &id).await;
    assert_eq!(get(&s, "access_count"), Some("8"), "{s:?}");
    assert_eq!(get(&s, "last_access_at"), Some(last_at.as_str()));

    // The patient sees the same on the record page, in the page's language.
    let en = page_text(&b, &env.url(&format!("{path}/record?lang=en"))).await;
    assert!(en.contains("Who opened this record"), "{en}");
    assert!(
        en.contains(&format!("A health app opened the link: {APP}")),
        "{en}"
    );
    assert!(
        en.contains("A wrong passcode was given for the link"),
        "{en}"
    );
    assert!(
        en.contains("The record was downloaded for health apps"),
        "{en}"
    );
    assert!(en.contains("<time datetime="), "{en}");
    let es = page_text(&b, &env.url(&format!("{path}/record?lang=es"))).await;
    assert!(es.contains("Quién abrió este registro"), "{es}");
    assert!(
        es.contains(&format!("Una aplicación de salud abrió el enlace: {APP}")),
        "{es}"
    );
    assert!(es.contains("Se abrió la página del código"), "{es}");

    // Deleted by the patient, then withdrawn by the clinic.
    let r = delete_record(&env, &b, &path).await;
    assert_eq!(r.status(), 303);
    let (status, _) = stage(&env, &t, "/gateway/void", &[("raz_id", &id.grouped())]).await;
    assert_eq!(status, 200);
    let (_, v) = accesses(&env, &t, &id).await;
    let list = events(&v);
    assert_eq!(
        &list[list.len() - 2..],
        ["deleted_by_patient", "voided"],
        "{list:?}"
    );

    // Another practice: the code does not exist for it.
    let other = other_practice(&env).await;
    let (status, v) = accesses(&env, &other, &id).await;
    assert_eq!(
        (status, v["errorcode"].as_str()),
        (404, Some("raz_id_unknown"))
    );

    // The log holds codes and events, never the patient or the record.
    let all = env
        .with_store(|s| {
            s.disclosures(1, i64::MIN, i64::MAX)
                .unwrap()
                .into_iter()
                .chain(s.disclosures(2, i64::MIN, i64::MAX).unwrap())
                .map(|e| format!("{e:?}"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .await;
    assert!(!all.is_empty());
    for private in ["Ávila", PATIENT_EMAIL, "Amoxicillin"] {
        assert!(!all.contains(private), "{private} in the log: {all}");
    }

    // The practice's accounting of disclosures.
    let (ok, csv, err) = audit_cmd(&env, &["export", "--org", ORG_EMAIL]);
    assert!(ok, "{err}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "at,raz_id,event,disclosure,recipient");
    assert_eq!(lines.len(), 1 + list.len(), "each access, a line: {csv}");
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with(&format!("shl_manifest,yes,{APP}"))),
        "{csv}"
    );
    assert!(lines.iter().all(|l| !l.contains("status")), "{csv}");
    let (ok, csv, _) = audit_cmd(&env, &["export", "--org", ORG_EMAIL, "--to", "2000-01-01"]);
    assert!(ok);
    assert_eq!(csv.lines().count(), 1, "nothing before 2000: {csv}");
    let (ok, _, err) = audit_cmd(&env, &["export", "--org", "nobody@x.test"]);
    assert!(!ok && err.contains("no organization"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_verify_names_the_entry_that_was_changed_or_deleted() {
    let env = Env::start().await;
    let t = activate(&env).await;
    // A busy log: stages (written in groups), statuses, page openings.
    let mut ids = Vec::new();
    for _ in 0..12 {
        ids.push(staged(&env, &t, None).await);
    }
    for id in &ids {
        let (status, _) = status_of(&env, &t, id).await;
        assert_eq!(status, 200);
        let r = env
            .http
            .get(env.url(&format!("/r/{}", id.compact())))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let (ok, out, err) = audit_cmd(&env, &["verify"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("audit=intact"), "{out}");
    assert!(
        out.contains("entries=36"),
        "12 stages, 12 statuses, 12 pages: {out}"
    );

    // One row's text changed by hand: that entry is named.
    by_hand(&env, "UPDATE audit_log SET kind = 'status' WHERE seq = 20");
    let (ok, out, err) = audit_cmd(&env, &["verify"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("audit=broken") && out.contains("entry=20"),
        "{out}"
    );
    assert!(err.contains("entry 20"), "{err}");

    // Put back, the chain holds again; a row deleted: the entry after it is named.
    by_hand(
        &env,
        "UPDATE audit_log SET kind = 'page_opened' WHERE seq = 20",
    );
    let (ok, out, _) = audit_cmd(&env, &["verify"]);
    assert!(ok && out.contains("entries=36"), "{out}");
    // The last entry deleted: the chain's head still names it.
    by_hand(&env, "DELETE FROM audit_log WHERE seq = 36");
    let (ok, out, err) = audit_cmd(&env, &["verify"]);
    assert!(!ok);
    assert!(out.contains("entry=36"), "{out}");
    assert!(err.contains("cut from its end"), "{err}");
    by_hand(&env, "DELETE FROM audit_log WHERE seq = 30");
    let (ok, out, err) = audit_cmd(&env, &["verify"]);
    assert!(!ok);
    assert!(out.contains("entry=31"), "{out}");
    assert!(err.contains("entry before it (30) is missing"), "{err}");
}
