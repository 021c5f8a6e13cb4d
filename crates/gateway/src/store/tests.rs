//! The store's own tests: secrets, records, bills, void reasons and names
//! sealed at rest, including what earlier gateways kept in clear.

use super::*;

fn file_holds(path: &Path, needle: &[u8]) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    [path.to_path_buf(), PathBuf::from(wal)].iter().any(|p| {
        std::fs::read(p)
            .map(|b| b.windows(needle.len()).any(|w| w == needle))
            .unwrap_or(false)
    })
}

/// OAuth secrets are sealed with `<db>.key`; whoever has the database
/// alone has no secret, and a database from before sealing is sealed the
/// first time it is opened.
#[test]
fn oauth_secrets_are_sealed_at_rest() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gateway.db");
    let store = Store::open(&db).unwrap();
    let consumer = store.add_consumer("Desk", 0).unwrap();
    let temp = store.add_temp_token(consumer.id, "oob", 0).unwrap();
    let secret_of = |store: &Store| {
        store
            .consumer_by_key(&consumer.key)
            .unwrap()
            .unwrap()
            .secret
    };
    assert_eq!(secret_of(&store), consumer.secret);
    assert_eq!(
        store.temp_token(&temp.token).unwrap().unwrap().secret,
        temp.secret
    );
    for secret in [&consumer.secret, &temp.secret] {
        assert!(
            !file_holds(&db, secret.as_bytes()),
            "a secret is in the database in clear"
        );
    }
    assert!(key_path(&db).exists());
    let server_key = store.server_key().unwrap();
    assert_eq!(store.server_key().unwrap(), server_key);
    assert!(!file_holds(&db, &server_key), "the server key is in clear");

    // As an earlier gateway kept it: text.
    let old_secret = "plain-secret-from-an-earlier-gateway-000";
    store
        .with(|c| {
            c.execute(
                "UPDATE consumers SET secret = ?1 WHERE id = ?2",
                p![old_secret, consumer.id],
            )?;
            c.execute(
                "DELETE FROM settings WHERE name = 'server_key_sealed'",
                p![],
            )?;
            c.execute(
                "INSERT INTO settings(name, value) VALUES ('server_key', ?1)",
                p![&[7u8; 32][..]],
            )?;
            Ok(())
        })
        .unwrap();
    drop(store);
    let store = Store::open(&db).unwrap();
    assert_eq!(secret_of(&store), old_secret);
    let kind: String = store
        .with(|c| c.query_one("SELECT typeof(secret) FROM consumers", p![]))
        .unwrap();
    assert_eq!(kind, "blob");
    assert_eq!(store.server_key().unwrap(), vec![7u8; 32]);
    let clear: i64 = store
        .with(|c| {
            c.query_one(
                "SELECT count(*) FROM settings WHERE name = 'server_key'",
                p![],
            )
        })
        .unwrap();
    assert_eq!(clear, 0, "the key kept in clear is gone once sealed");
    drop(store);

    // A database restored without its key file does not start.
    std::fs::rename(key_path(&db), dir.path().join("elsewhere.key")).unwrap();
    let e = Store::open(&db).err().unwrap().to_string();
    assert!(e.contains("gateway.db.key") && e.contains("backup"), "{e}");
}

/// Records that an earlier gateway kept in clear are sealed when the
/// database is next opened, and read back the same.
#[test]
fn records_kept_in_clear_are_sealed_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gateway.db");
    let store = Store::open(&db).unwrap();
    let consumer = store.add_consumer("Desk", 0).unwrap();
    let org = store
        .add_account(AccountKind::Org, "o@x.test", "Org", "hash", 0)
        .unwrap();
    let record = "<ContinuityOfCareRecord>Theodora Quill</ContinuityOfCareRecord>";
    store
        .with(|c| {
            c.execute(
                "INSERT INTO stages(raz_id, consumer_id, org_account_id, her, her_kind, created, expires, her_sealed)
                 VALUES ('OLDPLAIN0000', ?1, ?2, CAST(?3 AS BLOB), 'ccr', 0, 10, 0)",
                p![consumer.id, org, record],
            )?;
            Ok(())
        })
        .unwrap();
    assert!(file_holds(&db, b"Theodora Quill"));
    drop(store);
    let store = Store::open(&db).unwrap();
    let stage = store.stage("OLDPLAIN0000").unwrap().unwrap();
    assert_eq!(stage.her, record.as_bytes());
    store
        .with(|c| c.batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;"))
        .unwrap();
    assert!(!file_holds(&db, b"Theodora Quill"));
}

#[test]
fn bills_void_reasons_and_names_kept_in_clear_are_sealed_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gateway.db");
    let store = Store::open(&db).unwrap();
    let consumer = store.add_consumer("Desk", 0).unwrap();
    let org = store
        .add_account(
            AccountKind::Org,
            "zinnia.quill@x.test",
            "Quillfeather Clinic",
            "hash",
            0,
        )
        .unwrap();
    // What earlier gateways wrote: all of it in clear.
    store
        .with(|c| {
            c.execute(
                "UPDATE accounts SET name = 'Quillfeather Clinic', name_sealed = NULL,
                   email = 'zinnia.quill@x.test', email_sealed = NULL WHERE id = ?1",
                p![org],
            )?;
            c.execute(
                "INSERT INTO stages(raz_id, consumer_id, org_account_id, her, her_kind, created, expires, her_sealed, pmt, voided_at, void_reason)
                 VALUES ('OLDPLAIN0001', ?1, ?2, x'', 'ccr', 0, 10, 1,
                         '{\"amount\":\"25.00\",\"currency\":\"USD\",\"description\":\"Zephyrine consult\"}',
                         5, 'handed to Zephyrine by mistake')",
                p![consumer.id, org],
            )?;
            Ok(())
        })
        .unwrap();
    drop(store);
    let store = Store::open(&db).unwrap();
    let stage = store.stage("OLDPLAIN0001").unwrap().unwrap();
    assert!(stage.pmt.unwrap().contains("Zephyrine consult"));
    assert_eq!(
        stage.void_reason.as_deref(),
        Some("handed to Zephyrine by mistake")
    );
    assert_eq!(
        store.account(org).unwrap().unwrap().name,
        "Quillfeather Clinic"
    );
    assert_eq!(store.org_payment(org).unwrap().name, "Quillfeather Clinic");
    // The email is found by its index and reads back whole.
    let found = store
        .account_by_email(AccountKind::Org, " Zinnia.Quill@x.test")
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.id, found.email.as_str()),
        (org, "zinnia.quill@x.test")
    );
    store
        .with(|c| c.batch("PRAGMA wal_checkpoint(TRUNCATE);"))
        .unwrap();
    // secure_delete: the clear values' pages were overwritten, no VACUUM.
    for clear in [&b"Zephyrine"[..], b"Quillfeather", b"zinnia.quill"] {
        assert!(
            !file_holds(&db, clear),
            "{}",
            String::from_utf8_lossy(clear)
        );
    }
    // New values are sealed from the start.
    store
        .void("OLDPLAIN0001", 6, Some("second reason"))
        .unwrap();
    let org2 = store
        .add_account(AccountKind::Org, "p@x.test", "Marigold Practice", "hash", 0)
        .unwrap();
    assert_eq!(
        store.account(org2).unwrap().unwrap().name,
        "Marigold Practice"
    );
    store
        .with(|c| c.batch("PRAGMA wal_checkpoint(TRUNCATE);"))
        .unwrap();
    assert!(!file_holds(&db, b"Marigold"));
    assert!(!file_holds(&db, b"p@x.test"));
    // The same email again is still one account.
    let again = store.add_account(AccountKind::Org, "P@x.test", "Other", "hash", 0);
    assert!(
        matches!(again, Err(StoreError::EmailTaken { .. })),
        "{again:?}"
    );
}
