//! The audit chain in the database: one entry per act in the act's transaction, a linear
//! chain whatever the number of writers and sealers, and no way to change a sealed entry.

use crate::support::{TestApp, eventually, spawn, spawn_on};
use cloudseal::audit::{self, AuditEvent, sealer};
use cloudseal::clock::SystemClock;

pub async fn append(app: &TestApp, n: usize, action: &str) {
    let mut client = app.db.client().await.unwrap();
    for i in 0..n {
        let tx = client.transaction().await.unwrap();
        let event = AuditEvent::system(action)
            .on("test", i.to_string())
            .with_details(serde_json::json!({"i": i, "name": "Иванов", "b": [1, 2.5, null]}));
        audit::record(&tx, &SystemClock, event).await.unwrap();
        tx.commit().await.unwrap();
    }
}

pub async fn entry_count(app: &TestApp) -> i64 {
    let c = app.owner().await;
    c.query_one("SELECT count(*) FROM audit_entries", &[])
        .await
        .unwrap()
        .get(0)
}

pub async fn sealed_seqs(app: &TestApp) -> Vec<i64> {
    let c = app.owner().await;
    c.query("SELECT seq FROM audit_chain ORDER BY seq", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[tokio::test]
async fn an_entry_exists_only_if_its_transaction_commits() {
    let app = spawn().await;
    let mut client = app.db.client().await.unwrap();
    let tx = client.transaction().await.unwrap();
    audit::record(&tx, &SystemClock, AuditEvent::system("test.rolled_back"))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(entry_count(&app).await, 0);
    let tx = client.transaction().await.unwrap();
    audit::record(&tx, &SystemClock, AuditEvent::system("test.committed"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(entry_count(&app).await, 1);
}

#[tokio::test]
async fn the_background_sealer_links_committed_entries_within_a_bounded_lag() {
    let app = spawn().await;
    append(&app, 25, "test.sealer").await;
    let linked = eventually(10, || async { sealed_seqs(&app).await.len() == 25 }).await;
    assert!(linked, "the sealer linked every entry");
    assert_eq!(sealed_seqs(&app).await, (1..=25).collect::<Vec<_>>());
}

#[tokio::test]
async fn an_entry_committed_late_is_linked_after_not_skipped() {
    let app = spawn_with_slow_sealer().await;
    let mut early = app.db.client().await.unwrap();
    let mut late = app.db.client().await.unwrap();
    // The long transaction starts first and so has the lower transaction id.
    let long_tx = early.transaction().await.unwrap();
    audit::record(&long_tx, &SystemClock, AuditEvent::system("test.long"))
        .await
        .unwrap();
    let short_tx = late.transaction().await.unwrap();
    audit::record(&short_tx, &SystemClock, AuditEvent::system("test.short"))
        .await
        .unwrap();
    short_tx.commit().await.unwrap();
    // The sealer must wait: linking "short" now would leave no place for "long" before it.
    sealer::seal_pending(&app.db, 100).await.unwrap();
    assert!(
        sealed_seqs(&app).await.is_empty(),
        "nothing linked while an older writer runs"
    );
    long_tx.commit().await.unwrap();
    sealer::seal_all(&app.db, 100, std::time::Duration::from_secs(20))
        .await
        .unwrap();
    let c = app.owner().await;
    let actions: Vec<String> = c
        .query("SELECT e.action FROM audit_chain c JOIN audit_entries e ON e.pos = c.entry_pos ORDER BY c.seq", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(actions, ["test.long", "test.short"]);
}

async fn spawn_with_slow_sealer() -> TestApp {
    crate::support::spawn_with(|c| c.audit.seal_interval_ms = 3_600_000).await
}

#[tokio::test]
async fn the_runtime_role_cannot_update_or_delete_audit_rows() {
    let app = spawn().await;
    append(&app, 3, "test.immutable").await;
    sealer::seal_all(&app.db, 100, std::time::Duration::from_secs(20))
        .await
        .unwrap();
    sealer::checkpoint(&app.db, &app.vault, &SystemClock)
        .await
        .unwrap()
        .expect("a checkpoint");
    let runtime = app.runtime_role().await;
    for stmt in [
        "UPDATE audit_entries SET action = 'forged'",
        "DELETE FROM audit_entries",
        "UPDATE audit_chain SET hash = hash",
        "DELETE FROM audit_chain",
        "DELETE FROM audit_checkpoints",
        "TRUNCATE audit_entries CASCADE",
    ] {
        let err = runtime.batch_execute(stmt).await.expect_err(stmt);
        let code = err.code().expect("a database error").code().to_owned();
        assert_eq!(code, "42501", "{stmt}: permission denied, got {err}");
    }
    // Even the schema owner is stopped by the append-only triggers.
    let owner = app.owner().await;
    for stmt in [
        "UPDATE audit_entries SET action = 'forged'",
        "DELETE FROM audit_chain WHERE seq = 3",
        "TRUNCATE audit_checkpoints",
    ] {
        let err = owner.batch_execute(stmt).await.expect_err(stmt);
        assert!(
            err.as_db_error().unwrap().message().contains("append-only"),
            "{stmt}: {err}"
        );
    }
    assert_eq!(entry_count(&app).await, 3);
}

#[tokio::test]
async fn two_server_processes_appending_at_once_keep_one_linear_chain() {
    let first = spawn().await;
    let second = spawn_on(&first.db_name, |_| {}).await;
    tokio::join!(
        append(&first, 150, "test.first"),
        append(&second, 150, "test.second")
    );
    let linked = eventually(20, || async { sealed_seqs(&first).await.len() == 300 }).await;
    assert!(linked, "all 300 entries linked by the two sealers");
    assert_eq!(sealed_seqs(&first).await, (1..=300).collect::<Vec<_>>());
    sealer::checkpoint(&second.db, &second.vault, &SystemClock)
        .await
        .unwrap();
    let verified = crate::audit_export::export_and_verify(&first).await;
    assert_eq!(verified.entries, 300);
}

#[tokio::test]
async fn a_server_killed_mid_run_leaves_the_chain_verifiable() {
    // Only the child process seals while it lives.
    let app = spawn_with_slow_sealer().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cloudseal.toml");
    std::fs::write(
        &config,
        crate::support::config_toml(&app.db_name)
            .replace("seal_interval_ms = 50", "seal_interval_ms = 5"),
    )
    .unwrap();
    let mut child = std::process::Command::new(crate::support::binary())
        .args(["--config", config.to_str().unwrap(), "serve"])
        .env(
            "SOFTHSM2_CONF",
            std::env::var("SOFTHSM2_CONF").unwrap_or_default(),
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let writer = tokio::spawn({
        let db = app.db.clone();
        async move {
            let mut client = db.client().await.unwrap();
            for i in 0..400 {
                let tx = client.transaction().await.unwrap();
                audit::record(
                    &tx,
                    &SystemClock,
                    AuditEvent::system("test.kill").on("n", i.to_string()),
                )
                .await
                .unwrap();
                tx.commit().await.unwrap();
            }
        }
    });
    // Let the child seal part of the stream, then kill it without warning.
    let started = eventually(15, || async { !sealed_seqs(&app).await.is_empty() }).await;
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        started,
        "the child process sealed something before it was killed"
    );
    writer.await.unwrap();
    sealer::seal_all(&app.db, 1000, std::time::Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(
        sealed_seqs(&app).await.len() as i64,
        entry_count(&app).await
    );
    let verified = crate::audit_export::export_and_verify(&app).await;
    assert_eq!(verified.entries, 400);
}
