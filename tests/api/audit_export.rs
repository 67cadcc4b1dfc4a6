//! Export and offline verification: what is intact verifies, and any alteration, removal,
//! reordering, rewrite or truncation is caught and located.

use crate::audit_chain::append;
use crate::support::{TestApp, spawn};
use cloudseal::audit::verify::{Failure, Verified, verify};
use cloudseal::audit::{AuditRecord, export, link_hash, sealer};
use cloudseal::clock::SystemClock;
use cloudseal::vault::ServiceKey;
use serde_json::Value;

async fn chain_certs(app: &TestApp) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for k in [ServiceKey::Seal, ServiceKey::IssuingCa, ServiceKey::RootCa] {
        out.push(app.vault.certificate(k).await.unwrap());
    }
    out
}

async fn export_text(app: &TestApp) -> String {
    sealer::seal_all(&app.db, 1000, std::time::Duration::from_secs(20))
        .await
        .unwrap();
    sealer::checkpoint(&app.db, &app.vault, &SystemClock)
        .await
        .unwrap();
    let mut buf = Vec::new();
    export::write(
        &app.db,
        &chain_certs(app).await,
        None,
        None,
        chrono::Utc::now(),
        &mut buf,
    )
    .await
    .unwrap();
    String::from_utf8(buf).unwrap()
}

pub async fn export_and_verify(app: &TestApp) -> Verified {
    let text = export_text(app).await;
    verify(text.as_bytes(), None).unwrap_or_else(|f| panic!("intact export must verify: {f}"))
}

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn join(lines: &[Value]) -> String {
    lines.iter().map(|v| format!("{v}\n")).collect()
}

fn entry_index(lines: &[Value], seq: i64) -> usize {
    lines
        .iter()
        .position(|l| l["type"] == "entry" && l["seq"] == seq)
        .unwrap()
}

fn fails(text: &str) -> Failure {
    verify(text.as_bytes(), None).expect_err("tampering must be detected")
}

/// Three batches with a checkpoint after each, so that checkpoints sit inside the file.
async fn app_with_history() -> (TestApp, String) {
    let app = spawn().await;
    for batch in 0..3 {
        append(&app, 10, &format!("test.batch{batch}")).await;
        sealer::seal_all(&app.db, 1000, std::time::Duration::from_secs(20))
            .await
            .unwrap();
        sealer::checkpoint(&app.db, &app.vault, &SystemClock)
            .await
            .unwrap()
            .expect("checkpoint");
    }
    let text = export_text(&app).await;
    (app, text)
}

#[tokio::test]
async fn an_intact_export_verifies_and_names_the_seal() {
    let (app, text) = app_with_history().await;
    let v = verify(text.as_bytes(), None).unwrap();
    assert_eq!(
        (v.first_seq, v.last_seq, v.entries, v.checkpoints),
        (1, 30, 30, 3)
    );
    assert!(v.seal_subject.contains("Service Seal"));
    assert!(!v.anchored);
    let root = app.vault.certificate(ServiceKey::RootCa).await.unwrap();
    assert!(verify(text.as_bytes(), Some(&root)).unwrap().anchored);
    let other_root = app.vault.certificate(ServiceKey::IssuingCa).await.unwrap();
    assert!(
        verify(text.as_bytes(), Some(&other_root)).is_err(),
        "another trust anchor is refused"
    );
    // Re-serialised (key order, spacing) it still verifies: the hash covers canonical JSON.
    let reformatted = join(&lines(&text));
    assert!(verify(reformatted.as_bytes(), None).is_ok());
}

#[tokio::test]
async fn an_altered_entry_is_named() {
    let (_app, text) = app_with_history().await;
    let mut l = lines(&text);
    let i = entry_index(&l, 7);
    l[i]["record"]["details"]["i"] = Value::from(999);
    let f = fails(&join(&l));
    assert_eq!(f.seq, Some(7), "{f}");
    assert!(f.reason.contains("altered"), "{f}");
}

#[tokio::test]
async fn a_removed_entry_is_named() {
    let (_app, text) = app_with_history().await;
    let mut l = lines(&text);
    let i = entry_index(&l, 12);
    l.remove(i);
    let f = fails(&join(&l));
    assert_eq!(f.seq, Some(12), "{f}");
    assert!(f.reason.contains("missing"), "{f}");
}

#[tokio::test]
async fn reordered_entries_are_named() {
    let (_app, text) = app_with_history().await;
    let mut l = lines(&text);
    let (a, b) = (entry_index(&l, 4), entry_index(&l, 5));
    l.swap(a, b);
    let f = fails(&join(&l));
    assert_eq!(f.seq, Some(4), "{f}");
    // Swapping the contents but keeping seq and hash in place is caught by the hash.
    let mut l = lines(&text);
    let (a, b) = (entry_index(&l, 4), entry_index(&l, 5));
    let ra = l[a]["record"].clone();
    l[a]["record"] = l[b]["record"].clone();
    l[b]["record"] = ra;
    assert_eq!(fails(&join(&l)).seq, Some(4));
}

#[tokio::test]
async fn a_consistent_rewrite_is_caught_by_the_signed_checkpoint() {
    let (_app, text) = app_with_history().await;
    let mut l = lines(&text);
    // The forger alters seq 15 and recomputes every later hash, but cannot re-sign.
    let i = entry_index(&l, 15);
    l[i]["record"]["action"] = Value::from("test.forged");
    let mut prev: [u8; 32] = hex::decode(l[entry_index(&l, 14)]["hash"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    for seq in 15..=30 {
        let j = entry_index(&l, seq);
        let record: AuditRecord = serde_json::from_value(l[j]["record"].clone()).unwrap();
        prev = link_hash(&prev, &record);
        l[j]["hash"] = Value::from(hex::encode(prev));
    }
    let f = fails(&join(&l));
    assert_eq!(
        f.seq,
        Some(11),
        "the first unproven entry after the last good checkpoint: {f}"
    );
    assert!(f.reason.contains("up to 20"), "{f}");
    // Rewriting the checkpoint's head too breaks its signature.
    let cp = l
        .iter()
        .position(|x| x["type"] == "checkpoint" && x["seq"] == 20)
        .unwrap();
    l[cp]["head"] = l[entry_index(&l, 20)]["hash"].clone();
    let f = fails(&join(&l));
    assert_eq!(f.seq, Some(20));
    assert!(f.reason.contains("signature does not verify"), "{f}");
}

#[tokio::test]
async fn a_truncated_export_is_caught() {
    let (_app, text) = app_with_history().await;
    let l = lines(&text);
    let cut = entry_index(&l, 25);
    let f = fails(&join(&l[..cut]));
    assert!(
        f.reason.contains("cut off") || f.reason.contains("not covered"),
        "{f}"
    );
}

#[tokio::test]
async fn a_substituted_seal_certificate_is_caught() {
    let (app, text) = app_with_history().await;
    let mut l = lines(&text);
    // Put the TSA certificate where the seal certificate was: checkpoints no longer verify.
    let tsa = app.vault.certificate(ServiceKey::Tsa).await.unwrap();
    l[0]["certificates"][0] = Value::from(cloudseal::pki::to_pem(&tsa));
    let f = fails(&join(&l));
    assert!(f.reason.contains("another key"), "{f}");
}

#[tokio::test]
async fn a_segment_export_verifies_from_its_starting_hash() {
    let (app, _) = app_with_history().await;
    let mut buf = Vec::new();
    let summary = export::write(
        &app.db,
        &chain_certs(&app).await,
        Some(11),
        Some(20),
        chrono::Utc::now(),
        &mut buf,
    )
    .await
    .unwrap();
    assert_eq!(
        (summary.first_seq, summary.last_seq, summary.entries),
        (11, 20, 10)
    );
    let v = verify(buf.as_slice(), None).unwrap();
    assert_eq!((v.first_seq, v.last_seq), (11, 20));
}

#[tokio::test]
async fn the_cli_exports_and_verifies_and_openssl_accepts_its_certificates() {
    let (app, _) = app_with_history().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.toml");
    std::fs::write(&config, crate::support::config_toml(&app.db_name)).unwrap();
    let file = dir.path().join("audit.jsonl");
    let out = crate::support::cli([
        "--config",
        config.to_str().unwrap(),
        "audit",
        "export",
        "-o",
        file.to_str().unwrap(),
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The export itself is an audit entry, and the file ends at a checkpoint covering it.
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("\"action\":\"audit.export\""),
        "the export covers its own entry; export said: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let root_pem = dir.path().join("root.pem");
    std::fs::write(
        &root_pem,
        cloudseal::pki::to_pem(&app.vault.certificate(ServiceKey::RootCa).await.unwrap()),
    )
    .unwrap();
    let out = std::process::Command::new(crate::support::binary())
        .args([
            "audit",
            "verify",
            file.to_str().unwrap(),
            "--trust",
            root_pem.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("OK: entries 1..=31"), "{stdout}");
    assert!(stdout.contains("matches the trusted root"));

    // openssl agrees that the seal certificate chains to the root.
    let header: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let certs: Vec<&str> = header["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    std::fs::write(dir.path().join("seal.pem"), certs[0]).unwrap();
    std::fs::write(dir.path().join("issuing.pem"), certs[1]).unwrap();
    let out = std::process::Command::new("openssl")
        .current_dir(dir.path())
        .args([
            "verify",
            "-CAfile",
            "root.pem",
            "-untrusted",
            "issuing.pem",
            "seal.pem",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A tampered file fails with exit code 1 and the seq named.
    let mut l = lines(&text);
    let i = entry_index(&l, 3);
    l[i]["record"]["outcome"] = Value::from("failure");
    std::fs::write(&file, join(&l)).unwrap();
    let out = std::process::Command::new(crate::support::binary())
        .args(["audit", "verify", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("FAILED at seq 3"));
}

#[tokio::test]
async fn the_verify_endpoint_gives_the_same_verdict() {
    let (app, text) = app_with_history().await;
    let res: Value = app
        .http
        .post(app.url("/api/v1/audit/verify"))
        .json(&serde_json::json!({ "export": text }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res["valid"], true);
    assert_eq!(res["entries"], 30);
    let mut l = lines(&text);
    l.remove(entry_index(&l, 2));
    let res: Value = app
        .http
        .post(app.url("/api/v1/audit/verify"))
        .json(&serde_json::json!({ "export": join(&l) }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res["valid"], false);
    assert_eq!(res["failure"]["seq"], 2);
}

#[tokio::test]
async fn checkpoints_are_ecdsa_signatures_openssl_can_check() {
    let (app, _) = app_with_history().await;
    let c = app.owner().await;
    let row = c
        .query_one("SELECT seq, head_hash, created_at, key_fingerprint, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1", &[])
        .await
        .unwrap();
    let (seq, head, at, key, sig): (i64, Vec<u8>, chrono::DateTime<chrono::Utc>, String, Vec<u8>) =
        (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
    let message = sealer::checkpoint_message(seq, &head.try_into().unwrap(), &at, &key);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("msg"), &message).unwrap();
    std::fs::write(dir.path().join("sig"), &sig).unwrap();
    std::fs::write(
        dir.path().join("seal.pem"),
        cloudseal::pki::to_pem(&app.vault.certificate(ServiceKey::Seal).await.unwrap()),
    )
    .unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new("openssl")
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    assert!(
        run(&[
            "x509", "-in", "seal.pem", "-pubkey", "-noout", "-out", "pub.pem"
        ])
        .status
        .success()
    );
    let out = run(&[
        "dgst",
        "-sha256",
        "-verify",
        "pub.pem",
        "-signature",
        "sig",
        "msg",
    ]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Verified OK"),
        "{out:?}"
    );
}

#[tokio::test]
async fn nothing_is_exported_before_a_checkpoint_covers_it() {
    let app = crate::support::spawn_with(|c| c.audit.seal_interval_ms = 3_600_000).await;
    append(&app, 3, "test.unsigned").await;
    let mut buf = Vec::new();
    let err = export::write(
        &app.db,
        &chain_certs(&app).await,
        None,
        None,
        chrono::Utc::now(),
        &mut buf,
    )
    .await
    .expect_err("no checkpoint yet");
    assert!(matches!(err, export::ExportError::NothingSigned), "{err}");
    assert!(buf.is_empty(), "nothing written");
    // A range that starts after the last checkpoint is refused the same way.
    sealer::seal_all(&app.db, 100, std::time::Duration::from_secs(20))
        .await
        .unwrap();
    sealer::checkpoint(&app.db, &app.vault, &SystemClock)
        .await
        .unwrap()
        .expect("checkpoint");
    let err = export::write(
        &app.db,
        &chain_certs(&app).await,
        Some(4),
        None,
        chrono::Utc::now(),
        &mut buf,
    )
    .await
    .expect_err("seq 4 is not signed");
    assert!(matches!(err, export::ExportError::NothingSigned), "{err}");
}

#[tokio::test]
async fn the_cli_refuses_to_export_without_its_own_entry_while_a_long_transaction_runs() {
    let (app, _) = app_with_history().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.toml");
    let toml = crate::support::config_toml(&app.db_name)
        .replace("[audit]\n", "[audit]\nexport_wait_secs = 1\n");
    std::fs::write(&config, toml).unwrap();
    let file = dir.path().join("audit.jsonl");
    let args = [
        "--config",
        config.to_str().unwrap(),
        "audit",
        "export",
        "-o",
        file.to_str().unwrap(),
    ];
    // A transaction with an id, older than the export's: nothing after it can be linked.
    let mut owner = app.owner().await;
    let long = owner.transaction().await.unwrap();
    long.execute("SELECT pg_current_xact_id()", &[])
        .await
        .unwrap();
    let out = crate::support::cli(args).await;
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("was not linked within 1 s") && stderr.contains("long transaction"),
        "{stderr}"
    );
    assert!(!file.exists(), "nothing written");
    long.commit().await.unwrap();
    // The linker waits for every older transaction of the PostgreSQL cluster, and the suite
    // shares one cluster: another test's long upload may be running now. Once ours has
    // ended, the export must succeed within an ordinary wait.
    let patient = dir.path().join("patient.toml");
    std::fs::write(
        &patient,
        crate::support::config_toml(&app.db_name)
            .replace("[audit]\n", "[audit]\nexport_wait_secs = 60\n"),
    )
    .unwrap();
    let mut args = args;
    args[1] = patient.to_str().unwrap();
    let out = crate::support::cli(args).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.matches("\"action\":\"audit.export\"").count(), 2);
}
