//! `cloudseal agent` against a real server (issue 9): one organisation's agent seals and sends
//! what appears in its outbox, the other's fetches, checks and files it; incomplete files wait,
//! restarts send nothing twice, refusals go to `failed/`, an unreachable server is retried, a
//! file that does not match what was sent is quarantined, and two agents on one seal fetch
//! while its holder signs, none in the others' way.

use crate::support::accounts::post_as;
use crate::support::agents::{Agent, agent};
use crate::support::documents::{sign_documents, upload};
use crate::support::exchange::{counterparties, ok};
use crate::support::pki::{cms_verify_detached, write_chain};
use crate::support::registration::PIN;
use crate::support::{TestApp, eventually, spawn, spawn_with};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const FAST: &str = "scan_secs = 1\nsettle_secs = 2\npoll_secs = 1\n";

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

async fn sendings_of(app: &TestApp, holder: &str) -> i64 {
    app.owner()
        .await
        .query_one(
            "SELECT count(*) FROM sendings s JOIN accounts a ON a.id = s.sender_id \
             WHERE a.email = $1",
            &[&holder],
        )
        .await
        .unwrap()
        .get(0)
}

/// How many sendings to `email` are read and acknowledged.
async fn read_and_acknowledged(app: &TestApp, email: &str) -> i64 {
    app.owner()
        .await
        .query_one(
            "SELECT count(*) FROM sending_recipients \
             WHERE email = $1 AND read_at IS NOT NULL AND acknowledged_at IS NOT NULL",
            &[&email],
        )
        .await
        .unwrap()
        .get(0)
}

fn receipt(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The sending folders in an inbox (not quarantine or staging).
fn filed(inbox: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(inbox)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n != "quarantine" && !n.starts_with('.')
        })
        .collect();
    dirs.sort();
    dirs
}

#[tokio::test]
async fn twenty_files_with_one_of_200_mib_arrive_encrypted_then_decrypted_and_verified() {
    let app = spawn_with(|c| {
        c.documents.max_bytes = std::num::NonZeroU64::new(256 * 1024 * 1024).unwrap();
    })
    .await;
    let server = app.url("");
    let a = agent(&app, "Larnaca", &server, &format!("{FAST}encrypt = true\n")).await;
    let b = agent(&app, "Nicosia", &server, "encrypt = true\n").await;
    counterparties(&app, &a.holder, &b.holder).await;
    let b_cert = ok(
        post_as(
            &app,
            &format!("/api/v1/credentials/{}/encryption-certificate", b.seal),
            &b.holder.access,
            json!({"pin": PIN}),
        )
        .await,
        201,
    )
    .await;
    let to = a.outbox.join(&b.holder.person.email);
    std::fs::create_dir_all(&to).unwrap();
    let mut sent: Vec<(String, String)> = Vec::new();
    for i in 0..19 {
        let body: Vec<u8> = format!("invoice {i}\n").repeat(200 * (i + 1)).into_bytes();
        let name = format!("invoice-{i:02}.txt");
        std::fs::write(to.join(&name), &body).unwrap();
        sent.push((name, sha(&body)));
    }
    let big_path = to.join("archive.bin");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&big_path).unwrap());
        let mut hash = Sha256::new();
        for block in 0u32..(200 * 16) {
            let chunk: Vec<u8> = (0..65_536u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) ^ block) as u8)
                .collect();
            hash.update(&chunk);
            f.write_all(&chunk).unwrap();
        }
        sent.push(("archive.bin".into(), hex::encode(hash.finalize())));
    }
    assert_eq!(
        std::fs::metadata(&big_path).unwrap().len(),
        200 * 1024 * 1024
    );

    let _running = a.start();
    let outbox_sent = a.outbox.join("sent");
    assert!(
        eventually(240, || async { files_in(&to).is_empty() }).await,
        "the outbox empties: {:?}",
        files_in(&to)
    );
    for (name, hash) in &sent {
        let r = receipt(&outbox_sent.join(format!("{name}.receipt.json")));
        assert_eq!(r["sha256"], hash.as_str(), "{name}");
        assert_eq!(r["recipients"][0], b.holder.person.email.as_str());
        assert!(
            r["envelope_sha256"].is_string() && r["inner_signature"].is_string(),
            "{r}"
        );
        assert!(outbox_sent.join(format!("{name}.p7s")).exists());
    }
    assert_eq!(sendings_of(&app, &a.holder.person.email).await, 20);
    server_holds_no_plaintext(&app, &a, &b_cert, &sent).await;

    let out = b.cli(&["fetch"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dirs = filed(&b.inbox);
    assert_eq!(dirs.len(), 20, "one folder per sending");
    let mut arrived: Vec<(String, String)> = Vec::new();
    for dir in &dirs {
        let report: Value = receipt(&dir.join("report.json"));
        assert_eq!(report["verdict"], "passed", "{report}");
        let opened = &report["files"][0]["decrypted"];
        assert_eq!(opened["verdict"], "passed", "{report}");
        assert_eq!(
            opened["signer"], report["files"][0]["signer"],
            "signed by the sender"
        );
        let name = opened["name"].as_str().unwrap().to_owned();
        assert_eq!(report["files"][0]["name"], format!("{name}.p7m"));
        let (hash, _) = cloudseal::agent::outbox::digest_file(&dir.join(&name)).unwrap();
        assert!(dir.join(format!("{name}.p7s")).exists());
        assert!(dir.join(format!("{name}.verification.pdf")).exists());
        assert!(
            std::fs::read(dir.join("delivery-protocol.pdf"))
                .unwrap()
                .starts_with(b"%PDF")
        );
        arrived.push((name, hash));
    }
    arrived.sort();
    sent.sort();
    assert_eq!(arrived, sent, "every file arrived whole");

    let small = dirs
        .iter()
        .find(|d| d.join("invoice-03.txt").exists())
        .unwrap();
    write_chain(&app, small).await;
    let (verified, said) = cms_verify_detached(small, "invoice-03.txt.p7s", "invoice-03.txt", &[]);
    assert!(
        verified,
        "openssl verifies the seal inside the envelope, after decryption: {said}"
    );

    let acknowledged = read_and_acknowledged(&app, &b.holder.person.email).await;
    assert_eq!(acknowledged, 20, "each read and acknowledged with the seal");
    let again = b.cli(&["fetch"]).await;
    assert!(again.status.success());
    assert_eq!(filed(&b.inbox).len(), 20, "nothing fetched twice");
}

/// What the server keeps of the encrypted files: each stored document, as the server itself
/// reads it back, is a CMS envelope to the recipient's and the sender's certificates that
/// holds none of the file's text, no document has a file's hash, and the signature inside
/// was made over the hash alone.
async fn server_holds_no_plaintext(
    app: &TestApp,
    a: &Agent,
    b_cert: &Value,
    sent: &[(String, String)],
) {
    use cloudseal::pki::envelope::agree::agreement_for;
    use cloudseal::pki::envelope::stream::read_head;
    use der::Decode;
    let b_cert = x509_cert::Certificate::from_der(
        &base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            b_cert["certificate"].as_str().unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    let db = app.owner().await;
    for (name, hash) in sent {
        let plain_hash = hex::decode(hash).unwrap();
        let same: i64 = db
            .query_one(
                "SELECT count(*) FROM documents WHERE sha256 = $1",
                &[&plain_hash],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(
            same, 0,
            "{name}: no document on the server is the file itself"
        );
        let r = receipt(&a.outbox.join("sent").join(format!("{name}.receipt.json")));
        let stored = crate::support::accounts::get_as(
            app,
            &format!(
                "/api/v1/documents/{}/content",
                r["document"].as_str().unwrap()
            ),
            &a.holder.access,
        )
        .await;
        assert_eq!(stored.status(), 200);
        let stored = stored.bytes().await.unwrap();
        assert_eq!(
            hex::encode(Sha256::digest(&stored)),
            r["envelope_sha256"].as_str().unwrap()
        );
        let head = read_head(&mut stored.as_ref()).unwrap();
        assert!(head.is_signed());
        assert_eq!(
            head.recipients.len(),
            2,
            "{name}: to the recipient and the sender"
        );
        assert!(
            agreement_for(&head.recipients, &b_cert).is_ok(),
            "{name}: B can open it"
        );
        if name.starts_with("invoice") {
            let text = format!("invoice {}", &name[8..10].trim_start_matches('0'));
            assert!(
                !stored.windows(text.len()).any(|w| w == text.as_bytes()),
                "{name}: the stored envelope shows none of the text"
            );
        }
    }
}

#[tokio::test]
async fn a_growing_file_waits_and_a_restart_sends_nothing_twice() {
    let app = spawn().await;
    let server = app.url("");
    let a = agent(&app, "Larnaca", &server, FAST).await;
    let b = agent(&app, "Nicosia", &server, "").await;
    counterparties(&app, &a.holder, &b.holder).await;
    let to = a.outbox.join(&b.holder.person.email);
    std::fs::create_dir_all(&to).unwrap();
    std::fs::write(to.join("draft.pdf.part"), b"never complete").unwrap();
    let mut running = a.start();

    let growing = to.join("growing.pdf");
    for i in 0..10 {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&growing)
            .unwrap();
        f.write_all(format!("line {i}\n").as_bytes()).unwrap();
        drop(f);
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        assert!(growing.exists(), "not taken while it grows");
    }
    assert_eq!(sendings_of(&app, &a.holder.person.email).await, 0);
    let sent = a.outbox.join("sent");
    assert!(
        eventually(30, || async { sent.join("growing.pdf").exists() }).await,
        "sent once still"
    );
    let first = receipt(&sent.join("growing.pdf.receipt.json"));
    assert_eq!(
        std::fs::read(sent.join("growing.pdf")).unwrap(),
        (0..10)
            .map(|i| format!("line {i}\n"))
            .collect::<String>()
            .into_bytes(),
        "the whole file went"
    );

    std::fs::write(to.join("marked.pdf"), b"complete at once").unwrap();
    std::fs::write(to.join("marked.pdf.ready"), b"").unwrap();
    assert!(eventually(30, || async { sent.join("marked.pdf").exists() }).await);
    assert!(!to.join("marked.pdf.ready").exists(), "the marker is gone");
    assert_eq!(sendings_of(&app, &a.holder.person.email).await, 2);

    running.kill().await.unwrap();
    std::fs::copy(sent.join("growing.pdf"), to.join("growing.pdf")).unwrap();
    let _again = a.start();
    assert!(
        eventually(30, || async { sent.join("growing-2.pdf").exists() }).await,
        "the same file dropped again after a restart is filed"
    );
    let second = receipt(&sent.join("growing-2.pdf.receipt.json"));
    assert_eq!(
        second["sending"], first["sending"],
        "as the sending made before"
    );
    assert_eq!(sendings_of(&app, &a.holder.person.email).await, 2);
    assert!(
        to.join("draft.pdf.part").exists(),
        "a temporary name is never sent"
    );
}

/// A TCP relay to `target` that refuses every connection until it is switched on.
async fn relay(target: String, up: Arc<AtomicBool>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut inbound, _)) = listener.accept().await else {
                return;
            };
            if !up.load(Ordering::SeqCst) {
                drop(inbound);
                continue;
            }
            let target = target.clone();
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    format!("http://127.0.0.1:{port}")
}

#[tokio::test]
async fn the_server_down_is_waited_out_and_a_refusal_goes_to_failed() {
    let app = spawn().await;
    let up = Arc::new(AtomicBool::new(true));
    let target = app
        .url("")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let server = relay(target, up.clone()).await;
    let a: Agent = agent(&app, "Larnaca", &server, FAST).await;
    let b = agent(&app, "Nicosia", &app.url(""), "").await;
    counterparties(&app, &a.holder, &b.holder).await;
    up.store(false, Ordering::SeqCst);

    let to = a.outbox.join(&b.holder.person.email);
    std::fs::create_dir_all(&to).unwrap();
    std::fs::write(to.join("a.pdf"), b"sent once the server is back").unwrap();
    let bad = a.outbox.join("not-an-address@");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("b.pdf"), b"to nobody").unwrap();
    let _running = a.start();
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    assert!(
        to.join("a.pdf").exists(),
        "nothing moves while the server is down"
    );
    assert_eq!(sendings_of(&app, &a.holder.person.email).await, 0);

    up.store(true, Ordering::SeqCst);
    let sent = a.outbox.join("sent");
    let failed = a.outbox.join("failed");
    assert!(
        eventually(60, || async {
            sent.join("a.pdf").exists() && failed.join("b.pdf").exists()
        })
        .await,
        "sent: {:?}, failed: {:?}",
        files_in(&sent),
        files_in(&failed)
    );
    let reason = std::fs::read_to_string(failed.join("b.pdf.reason.txt")).unwrap();
    assert!(reason.contains("refused by the server (400)"), "{reason}");
    assert_eq!(sendings_of(&app, &a.holder.person.email).await, 1);
    let status = a.cli(&["status"]).await;
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(
        text.contains("outbox       0 waiting, 0 in flight") && text.contains("failed       1"),
        "the refused file is not left in flight: {text}"
    );
}

#[tokio::test]
async fn a_file_that_does_not_match_what_was_sent_is_quarantined() {
    let app = spawn().await;
    let server = app.url("");
    let a = agent(&app, "Larnaca", &server, "").await;
    let b = agent(&app, "Nicosia", &server, "").await;
    counterparties(&app, &a.holder, &b.holder).await;
    let dir = tempfile::tempdir().unwrap();
    let mut ids = Vec::new();
    for name in ["good.txt", "bad.txt"] {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("{name} content")).unwrap();
        let out = a.send(&path, &b.holder.person.email).await;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let line: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(path.exists(), "a file sent by hand stays where it is");
        ids.push(line["sending"].as_str().unwrap().to_owned());
    }
    let tampered = uuid::Uuid::parse_str(&ids[1]).unwrap();
    app.owner()
        .await
        .execute(
            "UPDATE sending_files SET sha256 = decode(repeat('00', 32), 'hex') \
             WHERE sending_id = $1",
            &[&tampered],
        )
        .await
        .unwrap();

    let out = b.cli(&["fetch"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let good = b.inbox.join(&ids[0]);
    let bad = b.inbox.join("quarantine").join(&ids[1]);
    assert!(good.join("good.txt").exists());
    let report = receipt(&bad.join("report.json"));
    assert_eq!(report["verdict"], "failed");
    assert!(
        report["problems"][0]
            .as_str()
            .unwrap()
            .contains("does not match the hash the sending declares"),
        "{report}"
    );
    assert!(!b.inbox.join(&ids[1]).exists());
    let acknowledged: Vec<(uuid::Uuid, bool)> = app
        .owner()
        .await
        .query(
            "SELECT sending_id, acknowledged_at IS NOT NULL FROM sending_recipients \
             WHERE email = $1 AND read_at IS NOT NULL ORDER BY sending_id = $2",
            &[&b.holder.person.email, &tampered],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(acknowledged.len(), 2, "both read");
    assert!(acknowledged[0].1, "the good one acknowledged");
    assert!(!acknowledged[1].1, "the quarantined one not");

    let status = b.cli(&["status"]).await;
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(
        text.contains(&format!("seal         {} (can sign)", b.seal)),
        "{text}"
    );
    assert!(text.contains("quarantine   1"), "{text}");
    assert!(text.contains("inbox        0 unread"), "{text}");
}

#[tokio::test]
async fn init_writes_a_commented_example_once_and_bad_configs_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.toml");
    let out = crate::support::cli(["agent", "init", path.to_str().unwrap()]).await;
    assert!(out.status.success());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("# cloudseal folder agent"));
    let again = crate::support::cli(["agent", "init", path.to_str().unwrap()]).await;
    assert_eq!(again.status.code(), Some(2), "never over an existing file");

    let out = crate::support::cli(["--config", path.to_str().unwrap(), "agent", "status"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot read the client secret"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(&path, format!("{text}\nretries = 3\n")).unwrap();
    let out = crate::support::cli(["--config", path.to_str().unwrap(), "agent", "status"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("retries"));
}

#[tokio::test]
async fn files_go_encrypted_only_to_those_it_can_encrypt_to_and_an_envelope_not_for_us_is_quarantined()
 {
    let app = spawn().await;
    let server = app.url("");
    let a = agent(&app, "Larnaca", &server, "encrypt = true\n").await;
    let b = agent(&app, "Nicosia", &server, "encrypt = true\n").await;
    let stranger = agent(&app, "Paphos", &server, "").await;
    counterparties(&app, &a.holder, &b.holder).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("note.txt");
    std::fs::write(&file, b"for your eyes").unwrap();
    for (to, why) in [
        (&b.holder.person.email, "has no encryption certificate"),
        (
            &stranger.holder.person.email,
            "not an accepted counterparty",
        ),
    ] {
        let out = a.send(&file, to).await;
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && said.contains(why), "{why}: {said}");
    }
    assert_eq!(sendings_of(&app, &a.holder.person.email).await, 0);

    // An envelope to someone else's key, sealed and sent by an agent that does not encrypt.
    let other = crate::support::pki::self_signed_p256(dir.path(), "other");
    let envelope = dir.path().join("secret.txt.p7m");
    {
        use std::io::Write;
        let mut sealer = cloudseal::pki::envelope::stream::Sealer::start(
            std::fs::File::create(&envelope).unwrap(),
            &[other],
            false,
            5,
        )
        .unwrap();
        sealer.write_all(b"hello").unwrap();
        sealer.finish().unwrap();
    }
    counterparties(&app, &stranger.holder, &b.holder).await;
    let out = stranger.send(&envelope, &b.holder.person.email).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = b.cli(&["fetch"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(filed(&b.inbox).is_empty());
    let quarantined: Vec<PathBuf> = std::fs::read_dir(b.inbox.join("quarantine"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(quarantined.len(), 1);
    let report = receipt(&quarantined[0].join("report.json"));
    assert!(
        report["problems"][0]
            .as_str()
            .unwrap()
            .contains("not encrypted to this agent's certificate"),
        "{report}"
    );
    assert!(
        !quarantined[0].join("secret.txt").exists(),
        "nothing decrypted"
    );
}

#[tokio::test]
async fn a_file_system_notification_sends_a_marked_file_long_before_the_next_rescan() {
    let app = spawn().await;
    let server = app.url("");
    let a = agent(
        &app,
        "Larnaca",
        &server,
        "scan_secs = 300\nsettle_secs = 300\npoll_secs = 300\n",
    )
    .await;
    let b = agent(&app, "Nicosia", &server, "").await;
    counterparties(&app, &a.holder, &b.holder).await;
    let to = a.outbox.join(&b.holder.person.email);
    std::fs::create_dir_all(&to).unwrap();
    std::fs::write(to.join("first.pdf"), b"first").unwrap();
    std::fs::write(to.join("first.pdf.ready"), b"").unwrap();
    let _running = a.start();
    let sent = a.outbox.join("sent");
    assert!(
        eventually(60, || async { sent.join("first.pdf").exists() }).await,
        "the first scan sends what was there"
    );
    std::fs::write(to.join("second.pdf"), b"second").unwrap();
    std::fs::write(to.join("second.pdf.ready"), b"").unwrap();
    assert!(
        eventually(60, || async { sent.join("second.pdf").exists() }).await,
        "woken by the notification, not the rescan 300 s away"
    );
    assert_eq!(sendings_of(&app, &a.holder.person.email).await, 2);
}

#[tokio::test]
async fn two_agents_and_the_holder_use_one_seal_at_once_without_interfering() {
    let app = spawn().await;
    let server = app.url("");
    let a = agent(&app, "Larnaca", &server, "").await;
    let b = agent(&app, "Nicosia", &server, "").await;
    let twin = b.twin();
    counterparties(&app, &a.holder, &b.holder).await;
    let dir = tempfile::tempdir().unwrap();
    let mut sent = std::collections::BTreeMap::new();
    for i in 0..6 {
        let path = dir.path().join(format!("order-{i}.txt"));
        let body = format!("order {i}: ").repeat(1000 + i);
        std::fs::write(&path, &body).unwrap();
        let out = a.send(&path, &b.holder.person.email).await;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let line: Value = serde_json::from_slice(&out.stdout).unwrap();
        sent.insert(line["sending"].as_str().unwrap().to_owned(), (path, body));
    }

    // Both agents fetch while the holder signs with the same seal through the API.
    let doc = upload(&app, &b.holder, "minutes.pdf", b"%PDF-1.4 board minutes").await;
    let docs = [doc["id"].as_str().unwrap()];
    let (one, two, signed) = tokio::join!(
        b.cli(&["fetch"]),
        twin.cli(&["fetch"]),
        sign_documents(&app, &b.holder, &b.seal, &docs),
    );
    for out in [&one, &two] {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(signed.len(), 1);

    let mut filed_ids = std::collections::BTreeSet::new();
    for inbox in [&b.inbox, &twin.inbox] {
        assert!(!inbox.join("quarantine").exists() || filed(&inbox.join("quarantine")).is_empty());
        for folder in filed(inbox) {
            let id = folder.file_name().unwrap().to_string_lossy().into_owned();
            let (path, body) = &sent[&id];
            let name = path.file_name().unwrap();
            assert_eq!(std::fs::read_to_string(folder.join(name)).unwrap(), *body);
            filed_ids.insert(id);
        }
    }
    assert_eq!(
        filed_ids,
        sent.keys().cloned().collect(),
        "every sending filed by one agent or the other"
    );
    let acknowledged = read_and_acknowledged(&app, &b.holder.person.email).await;
    assert_eq!(
        acknowledged, 6,
        "each receipt signed once, by whichever came first"
    );
}
