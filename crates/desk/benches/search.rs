//! Search at scale: a desk database filled in bulk with ENCOUNTERS encounters,
//! each staged once, then p50 and p99 of the worklist's and history's searches
//! (name, MRN, visit date, code; today's worklist) against a primary-key lookup
//! of an encounter in the same run.
//!
//! `cargo bench -p razcode-desk --bench search [-- ENCOUNTERS]` (default 1,000,000)

use razcode_desk::screens::SCREEN_ROWS;
use razcode_desk::store::Store;
use rusqlite::params;
use std::time::{Duration, Instant};

const GIVEN: [&str; 10] = [
    "Ana", "Wei", "Sofia", "John", "Maria", "Amir", "Lena", "Kofi", "Yuki", "Omar",
];
const FAMILY: [&str; 10] = [
    "Avila",
    "Zhang",
    "Papadopoulou",
    "Stuart",
    "Garcia",
    "Haddad",
    "Novak",
    "Mensah",
    "Sato",
    "Khan",
];
const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// A code like the gateway's, grouped: derived from `n`, so the bench can ask for one.
fn code(n: u64) -> String {
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let chars: String = (0..12)
        .map(|_| {
            let c = ALPHABET[(x % 32) as usize] as char;
            x /= 32;
            c
        })
        .collect();
    format!("{}-{}-{}", &chars[0..4], &chars[4..8], &chars[8..12])
}

fn fill(db: &std::path::Path, n: u64) {
    let mut c = rusqlite::Connection::open(db).expect("the database");
    c.pragma_update(None, "synchronous", "OFF").expect("pragma");
    let tx = c.transaction().expect("a transaction");
    {
        let mut enc = tx
            .prepare(
                "INSERT INTO encounters(id, source, kind, her, her_sha256, patient_name, patient_mrn, visit_date, summary, created)
                 VALUES (?1, 'bench', 'omhe', 'bp=120/80', ?2, ?3, ?4, ?5, 'Office visit', ?6)",
            )
            .expect("insert encounters");
        let mut stg = tx
            .prepare(
                "INSERT INTO stagings(encounter_id, idem_key, variant, status, raz_id, created, updated)
                 VALUES (?1, ?2, 'url', 'staged', ?3, ?4, ?4)",
            )
            .expect("insert stagings");
        for i in 1..=n {
            let name = format!(
                "{} {} {i}",
                GIVEN[(i % 10) as usize],
                FAMILY[(i / 10 % 10) as usize]
            );
            let day = 1 + i % 28;
            let created = 1_700_000_000 + i as i64;
            enc.execute(params![
                i as i64,
                format!("{i:064x}"),
                name,
                format!("MRN-{i:07}"),
                format!("2026-11-{day:02}T09:30:00-05:00"),
                created
            ])
            .expect("an encounter");
            stg.execute(params![i as i64, format!("key-{i}"), code(i), created])
                .expect("a staging");
        }
    }
    tx.commit().expect("commit");
}

fn measure(
    label: &str,
    rounds: usize,
    baseline: Option<Duration>,
    mut f: impl FnMut(usize) -> usize,
) -> Duration {
    let mut times = Vec::with_capacity(rounds);
    let mut rows = 0;
    for r in 0..rounds {
        let t = Instant::now();
        rows += f(r);
        times.push(t.elapsed());
    }
    times.sort();
    let (p50, p99) = (percentile(&times, 0.5), percentile(&times, 0.99));
    let ratio = baseline
        .map(|b| format!("{:.0}", p99.as_secs_f64() / b.as_secs_f64()))
        .unwrap_or_else(|| "1".into());
    println!(
        "| {label} | {:.3} | {:.3} | {ratio} | {} |",
        p50.as_secs_f64() * 1000.0,
        p99.as_secs_f64() * 1000.0,
        rows / rounds
    );
    p99
}

fn main() {
    let n: u64 = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(1_000_000);
    let dir = std::env::temp_dir().join(format!("razdesk-search-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let db = dir.join("desk.db");
    let store = Store::open(&db).expect("a desk database");
    let t = Instant::now();
    fill(&db, n);
    println!(
        "filled {n} encounters and stagings in {:.1} s\n",
        t.elapsed().as_secs_f64()
    );
    let rounds = 200;
    let pick = |r: usize| 1 + (r as u64 * 7919) % n;
    println!("| query | p50 ms | p99 ms | p99 / baseline p99 | rows |");
    println!("|---|---:|---:|---:|---:|");
    let base = measure(
        "baseline: one encounter by primary key",
        rounds,
        None,
        |r| {
            store
                .encounter(pick(r) as i64)
                .expect("lookup")
                .map_or(0, |_| 1)
        },
    );
    let b = Some(base);
    measure("worklist: a name (`Zhang 4711`)", rounds, b, |r| {
        let q = format!("{} {}", FAMILY[(pick(r) / 10 % 10) as usize], pick(r));
        store
            .worklist(Some(&q), None, SCREEN_ROWS)
            .expect("search")
            .len()
    });
    measure("worklist: a common family name", rounds, b, |r| {
        store
            .worklist(Some(FAMILY[r % 10]), None, SCREEN_ROWS)
            .expect("search")
            .len()
    });
    measure(
        "worklist: part of an MRN (its last 5 digits)",
        rounds,
        b,
        |r| {
            let q = format!("{:07}", pick(r));
            store
                .worklist(Some(&q[2..]), None, SCREEN_ROWS)
                .expect("search")
                .len()
        },
    );
    measure("worklist: a whole MRN", rounds, b, |r| {
        let q = format!("MRN-{:07}", pick(r));
        store
            .worklist(Some(&q), None, SCREEN_ROWS)
            .expect("search")
            .len()
    });
    measure("worklist: a visit date", rounds, b, |r| {
        let q = format!("2026-11-{:02}", 1 + r % 28);
        store
            .worklist(Some(&q), None, SCREEN_ROWS)
            .expect("search")
            .len()
    });
    measure("worklist: today's, no search", rounds, b, |_| {
        let since = 1_700_000_000 + n as i64 - 50;
        store
            .worklist(None, Some(since), SCREEN_ROWS)
            .expect("worklist")
            .len()
    });
    measure("history: part of a code", rounds, b, |r| {
        let c = code(pick(r));
        store
            .history_page(Some(&c[5..9]), SCREEN_ROWS)
            .expect("search")
            .len()
    });
    measure("history: a name", rounds, b, |r| {
        let q = format!(
            "{} {}",
            GIVEN[(pick(r) % 10) as usize],
            FAMILY[(pick(r) / 10 % 10) as usize]
        );
        store
            .history_page(Some(&q), SCREEN_ROWS)
            .expect("search")
            .len()
    });
    let _ = std::fs::remove_dir_all(&dir);
}
