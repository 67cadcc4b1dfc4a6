//! Delivery protocols and their exports (issue 7): sealed per sending in JSON, HTML and PDF,
//! English and Russian, checkable with `POST /api/v1/verify/protocol`; the sender's copy lists
//! every recipient, a recipient's only themself — in the API, the protocol and the exports;
//! auditors export by period and/or organisation with the audit chain segment that covers it.

use crate::support::accounts::{Session, get_as, member, post_as, problem, subscriber};
use crate::support::documents::check_protocol as check;
use crate::support::exchange::{audit_count, link, ok, send, sender_with_documents};
use crate::support::registration::{authorise, employee, holder, holder_as};
use crate::support::{TestApp, eventually, pdf, smtp, spawn_with};
use cloudseal::config::{EmailProviderKind, SmtpTls};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::Path;

/// An app whose outbox really delivers email (to a local SMTP server), so the protocol can
/// name when each notification left.
async fn app_with_mail(server: &smtp::SmtpServer, max_export: u32) -> TestApp {
    let port = server.port;
    spawn_with(move |c| {
        c.notify.email.provider = EmailProviderKind::Smtp;
        c.notify.email.host = Some("127.0.0.1".into());
        c.notify.email.port = Some(port);
        c.notify.email.tls = SmtpTls::None;
        c.exchange.export_max_sendings = std::num::NonZeroU32::new(max_export).unwrap();
    })
    .await
}

async fn open(app: &TestApp, who: &Session, sending_for: &str) {
    let l = link(app, sending_for).await;
    let r = post_as(
        app,
        "/api/v1/sendings/open",
        &who.access,
        json!({ "link": l }),
    )
    .await;
    ok(r, 200).await;
}

/// Send one signed document from `sender` to `recipients`; the sending's id.
async fn sending(
    app: &TestApp,
    sender: &Session,
    file: &(String, String),
    subject: &str,
    recipients: &[&str],
) -> String {
    let body = json!({"subject": subject, "recipients": recipients,
        "attachments": [{"document_id": file.0, "signature_id": file.1}]});
    let sent = ok(
        post_as(app, "/api/v1/sendings", &sender.access, body).await,
        201,
    )
    .await;
    sent["id"].as_str().unwrap().to_owned()
}

/// The recipient verifies and signs the receipt with their credential.
async fn acknowledge(app: &TestApp, who: &Session, credential: &str, id: &str) {
    let path = format!("/api/v1/sendings/{id}");
    ok(
        post_as(app, &format!("{path}/verify"), &who.access, json!({})).await,
        200,
    )
    .await;
    let receipt = ok(
        get_as(app, &format!("{path}/receipt"), &who.access).await,
        200,
    )
    .await;
    let sad = authorise(app, who, credential, &[receipt["hash"].as_str().unwrap()]).await;
    let body = json!({"credential": credential, "sad": sad});
    ok(
        post_as(app, &format!("{path}/acknowledge"), &who.access, body).await,
        200,
    )
    .await;
}

async fn protocol(app: &TestApp, who: &Session, id: &str, query: &str) -> reqwest::Response {
    get_as(
        app,
        &format!("/api/v1/sendings/{id}/protocol?{query}"),
        &who.access,
    )
    .await
}

async fn protocol_file(app: &TestApp, who: &Session, id: &str, query: &str) -> Vec<u8> {
    let r = protocol(app, who, id, query).await;
    assert_eq!(r.status(), 200, "{query}");
    r.bytes().await.unwrap().to_vec()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Every email's notification has left the outbox.
async fn all_mail_sent(app: &TestApp) -> bool {
    let db = app.owner().await;
    eventually(20, || async {
        let pending: i64 = db
            .query_one(
                "SELECT count(*) FROM notifications WHERE channel = 'email' AND status <> 'sent'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        pending == 0
    })
    .await
}

#[tokio::test]
async fn the_sender_s_protocol_lists_every_recipient_and_a_recipient_s_only_themself() {
    let server = smtp::start().await;
    let app = app_with_mail(&server, 1000).await;
    let (sender, _, files) = sender_with_documents(&app, &[b"the contract text"]).await;
    let (signer, credential) = holder(&app, "Paris").await;
    let refuser = subscriber(&app).await;
    let waiting = subscriber(&app).await;
    let stranger = subscriber(&app).await;
    let emails = [
        signer.person.email.as_str(),
        refuser.person.email.as_str(),
        waiting.person.email.as_str(),
    ];
    let id = sending(&app, &sender, &files[0], "Contract 7", &emails).await;
    open(&app, &signer, emails[0]).await;
    open(&app, &refuser, emails[1]).await;
    acknowledge(&app, &signer, &credential, &id).await;
    let reject = json!({"reason": "Wrong annex"});
    let path = format!("/api/v1/sendings/{id}/reject");
    ok(post_as(&app, &path, &refuser.access, reject).await, 200).await;
    assert!(all_mail_sent(&app).await, "the outbox did not deliver");

    // The sender's copy: the sending, the file as sent, and every recipient's steps.
    let view = ok(
        get_as(&app, &format!("/api/v1/sendings/{id}"), &sender.access).await,
        200,
    )
    .await;
    let file = protocol_file(&app, &sender, &id, "format=json").await;
    let sealed: Value = serde_json::from_slice(&file).unwrap();
    let p = &sealed["protocol"];
    assert_eq!(p["kind"], "delivery");
    assert_eq!(p["prepared_for"], "sender");
    assert_eq!(p["sending"]["id"], id.as_str());
    assert_eq!(p["sending"]["subject"], "Contract 7");
    assert_eq!(
        p["sending"]["sender"]["email"],
        sender.person.email.as_str()
    );
    assert_eq!(p["sending"]["sent_at"], view["sent_at"]);
    assert_eq!(p["files"][0]["sha256"], view["files"][0]["sha256"]);
    assert_eq!(
        p["files"][0]["signature_sha256"],
        view["files"][0]["signature_sha256"]
    );
    assert_eq!(p["files"][0]["verdict"], "passed");
    assert!(p["files"][0]["signer"].as_str().unwrap().contains("CN="));
    let db = app.owner().await;
    let (signer_cert, receipt, receipt_cert): (Vec<u8>, Vec<u8>, Vec<u8>) = {
        let r = db
            .query_one(
                "SELECT f.signer_certificate, r.receipt, r.receipt_certificate \
                 FROM sending_files f JOIN sending_recipients r ON r.sending_id = f.sending_id \
                 WHERE f.sending_id = $1::text::uuid AND r.position = 0",
                &[&id],
            )
            .await
            .unwrap();
        (r.get(0), r.get(1), r.get(2))
    };
    assert_eq!(
        p["files"][0]["signer_certificate_sha256"],
        sha256_hex(&signer_cert)
    );
    let listed = p["recipients"].as_array().unwrap();
    let statuses: Vec<&str> = listed
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["acknowledged", "rejected", "notified"]);
    for (r, email) in listed.iter().zip(emails) {
        assert_eq!(r["recipient"]["email"], email);
        assert!(r["notification_queued_at"].is_string(), "{r}");
        assert!(r["notification_sent_at"].is_string(), "{r}");
        assert!(r["link_expires_at"].is_string(), "{r}");
    }
    let (acked, rejected, waited) = (&listed[0], &listed[1], &listed[2]);
    assert_eq!(acked["delivered_at"], view["recipients"][0]["delivered_at"]);
    assert_eq!(acked["verified_at"], view["recipients"][0]["verified_at"]);
    assert_eq!(
        acked["acknowledged_at"],
        view["recipients"][0]["acknowledged_at"]
    );
    assert_eq!(acked["receipt_sha256"], sha256_hex(&receipt));
    assert_eq!(
        acked["receipt_certificate_sha256"],
        sha256_hex(&receipt_cert)
    );
    assert!(acked["receipt_signer"].as_str().unwrap().contains("CN="));
    assert_eq!(rejected["rejection_reason"], "Wrong annex");
    assert!(rejected["rejected_at"].is_string() && rejected["acknowledged_at"].is_null());
    assert!(waited["delivered_at"].is_null() && waited["receipt_sha256"].is_null());

    // Sealed: the check gives the data back; any changed byte breaks it.
    let checked = check(&app, file.clone()).await;
    assert_eq!(checked["valid"], true, "{checked}");
    assert_eq!(checked["kind"], "delivery");
    assert_eq!(checked["format"], "json");
    assert_eq!(checked["protocol"], *p);
    let tampered = String::from_utf8(file)
        .unwrap()
        .replace("Wrong annex", "Right annex");
    let checked = check(&app, tampered.into_bytes()).await;
    assert_eq!(checked["valid"], false);
    assert!(checked["protocol"].is_null());

    // Every format and language is sealed; the PDF reads as a delivery protocol.
    for lang in ["en", "ru"] {
        for format in ["html", "pdf"] {
            let f =
                protocol_file(&app, &sender, &id, &format!("format={format}&lang={lang}")).await;
            let checked = check(&app, f.clone()).await;
            assert_eq!(checked["valid"], true, "{format} {lang}: {checked}");
            assert_eq!(checked["format"], format);
            let text = if format == "pdf" {
                pdf::text(&f)
            } else {
                String::from_utf8(f).unwrap()
            };
            let title = if lang == "ru" {
                "Протокол доставки"
            } else {
                "Delivery protocol"
            };
            assert!(text.contains(title), "{format} {lang}: {text}");
            for email in emails {
                assert!(text.contains(email), "{format} {lang} lacks {email}");
            }
        }
    }

    // A recipient's copy lists themself and the sender, and nobody else — in any format.
    for (who, me) in [(&signer, 0), (&refuser, 1)] {
        for format in ["json", "html", "pdf"] {
            let f = protocol_file(&app, who, &id, &format!("format={format}")).await;
            let text = if format == "pdf" {
                pdf::text(&f)
            } else {
                String::from_utf8(f.clone()).unwrap()
            };
            assert!(text.contains(emails[me]), "{format}");
            assert!(text.contains(sender.person.email.as_str()), "{format}");
            for (i, other) in emails.iter().enumerate() {
                assert!(i == me || !text.contains(other), "{format} shows {other}");
            }
            assert_eq!(check(&app, f).await["valid"], true);
        }
        let f = protocol_file(&app, who, &id, "format=json").await;
        let mine: Value = serde_json::from_slice(&f).unwrap();
        assert_eq!(mine["protocol"]["prepared_for"], "recipient");
        assert_eq!(mine["protocol"]["recipients"].as_array().unwrap().len(), 1);
    }

    // Nobody else gets one, nor a recipient who never opened the link; bad asks are refused.
    for who in [&stranger, &waiting] {
        assert_eq!(protocol(&app, who, &id, "format=json").await.status(), 404);
    }
    let r = protocol(&app, &sender, &id, "format=xml").await;
    assert_eq!(problem(r).await.0, 400);
    let r = protocol(&app, &sender, &id, "lang=de").await;
    assert_eq!(problem(r).await.0, 400);
    let r = protocol(&app, &sender, "not-an-id", "").await;
    assert_eq!(problem(r).await.0, 404);
    let draft = json!({"subject": "Later", "recipients": [emails[0]], "draft": true,
        "attachments": [{"document_id": files[0].0, "signature_id": files[0].1}]});
    let draft = ok(
        post_as(&app, "/api/v1/sendings", &sender.access, draft).await,
        201,
    )
    .await;
    let draft = draft["id"].as_str().unwrap();
    let r = protocol(&app, &sender, draft, "").await;
    assert_eq!(problem(r).await.0, 409);

    // An auditor reads any sent sending's protocol with every recipient; each read audited.
    let auditor = member(&app, "auditor", None).await;
    let auditor_path = |id: &str| format!("/api/v1/audit/sendings/{id}/protocol?format=json");
    let r = get_as(&app, &auditor_path(&id), &auditor.access).await;
    assert_eq!(r.status(), 200);
    let seen: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(seen["protocol"]["prepared_for"], "auditor");
    assert_eq!(seen["protocol"]["recipients"].as_array().unwrap().len(), 3);
    assert_eq!(audit_count(&app, "sending.protocol_read").await, 1);
    for (who, path, status) in [
        (&sender, auditor_path(&id), 403),
        (&auditor, auditor_path(draft), 404),
        (&auditor, auditor_path("not-an-id"), 404),
        (&auditor, format!("/api/v1/sendings/{id}/protocol"), 403),
    ] {
        let r = get_as(&app, &path, &who.access).await;
        assert_eq!(problem(r).await.0, status, "{path}");
    }
    assert_eq!(audit_count(&app, "sending.protocol_read").await, 1);
}

/// The archive's members by name.
fn unzip(dir: &Path, zip: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let path = dir.join("export.zip");
    std::fs::write(&path, zip).unwrap();
    let tested = std::process::Command::new("unzip")
        .args(["-t", "-q"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        tested.status.success(),
        "{}",
        String::from_utf8_lossy(&tested.stdout)
    );
    let out = dir.join("out");
    let _ = std::fs::remove_dir_all(&out);
    let done = std::process::Command::new("unzip")
        .args(["-q", "-o"])
        .arg(&path)
        .arg("-d")
        .arg(&out)
        .output()
        .unwrap();
    assert!(done.status.success());
    let mut members = std::collections::BTreeMap::new();
    let mut stack = vec![out.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.strip_prefix(&out).unwrap().to_str().unwrap().to_owned();
                members.insert(name, std::fs::read(&p).unwrap());
            }
        }
    }
    members
}

async fn export(app: &TestApp, who: &Session, path: &str, body: Value) -> Vec<u8> {
    let r = post_as(app, path, &who.access, body).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/zip");
    r.bytes().await.unwrap().to_vec()
}

fn index(members: &std::collections::BTreeMap<String, Vec<u8>>) -> (Value, Vec<Value>) {
    let text = String::from_utf8(members["index.jsonl"].clone()).unwrap();
    let mut lines = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap());
    let header = lines.next().unwrap();
    (header, lines.collect())
}

const AUDITOR_EXPORT: &str = "/api/v1/audit/exports/deliveries";
const OWN_EXPORT: &str = "/api/v1/sendings/exports";

#[tokio::test]
async fn exports_hold_sealed_protocols_an_index_and_the_chain_segment_that_covers_them() {
    let server = smtp::start().await;
    let app = app_with_mail(&server, 2).await;
    let (sender, _, files) = sender_with_documents(&app, &[b"first", b"second"]).await;
    let (employee_holder, employee_credential) = holder_as(&app, "Minsk", employee()).await;
    let other = subscriber(&app).await;
    let auditor = member(&app, "auditor", None).await;
    let to_both = [
        employee_holder.person.email.as_str(),
        other.person.email.as_str(),
    ];

    // A: before the period, to both; B: inside it, to both, and the organisation's employee
    // signs the receipt with the certificate issued for the organisation.
    let a = sending(&app, &sender, &files[0], "Before", &to_both).await;
    for who in [&employee_holder, &other] {
        open(&app, who, &who.person.email).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let from = chrono::Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let b = sending(&app, &sender, &files[1], "Inside", &to_both).await;
    for who in [&employee_holder, &other] {
        open(&app, who, &who.person.email).await;
    }
    acknowledge(&app, &employee_holder, &employee_credential, &b).await;

    // The auditor's export of the period: B only, every recipient listed, each protocol
    // sealed, the index naming what it holds, and the chain segment verifying offline.
    let dir = tempfile::tempdir().unwrap();
    let zip = export(
        &app,
        &auditor,
        AUDITOR_EXPORT,
        json!({"from": from, "lang": "ru"}),
    )
    .await;
    let members = unzip(dir.path(), &zip);
    let names: Vec<&str> = members.keys().map(String::as_str).collect();
    let json_name = format!("protocols/{b}.json");
    let pdf_name = format!("protocols/{b}.ru.pdf");
    assert_eq!(
        names,
        ["audit-chain.jsonl", "index.jsonl", &json_name, &pdf_name]
    );
    let (header, lines) = index(&members);
    assert_eq!(header["format"], "cloudseal-delivery-export/1");
    assert_eq!(header["prepared_for"], "auditor");
    assert_eq!(header["sendings"], 1);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["sending"], b.as_str());
    assert_eq!(lines[0]["protocol_json"]["path"], json_name.as_str());
    assert_eq!(
        lines[0]["protocol_json"]["sha256"],
        sha256_hex(&members[&json_name])
    );
    assert_eq!(
        lines[0]["protocol_pdf"]["sha256"],
        sha256_hex(&members[&pdf_name])
    );
    let sealed: Value = serde_json::from_slice(&members[&json_name]).unwrap();
    assert_eq!(sealed["protocol"]["prepared_for"], "auditor");
    assert_eq!(
        sealed["protocol"]["recipients"].as_array().unwrap().len(),
        2
    );
    assert_eq!(
        check(&app, members[&json_name].clone()).await["valid"],
        true
    );
    assert_eq!(check(&app, members[&pdf_name].clone()).await["valid"], true);
    assert!(pdf::text(&members[&pdf_name]).contains("Протокол доставки"));

    let chain = dir.path().join("chain.jsonl");
    std::fs::write(&chain, &members["audit-chain.jsonl"]).unwrap();
    let out = std::process::Command::new(crate::support::binary())
        .args(["audit", "verify", chain.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let chain_text = String::from_utf8(members["audit-chain.jsonl"].clone()).unwrap();
    let actions: Vec<(String, String)> = chain_text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|l| l["type"] == "entry")
        .map(|l| {
            let r = &l["record"];
            (
                r["action"].as_str().unwrap().to_owned(),
                r["object_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(
        actions.contains(&("sending.send".into(), b.clone())),
        "{actions:?}"
    );
    assert!(actions.contains(&("sending.acknowledge".into(), b.clone())));
    assert!(actions.iter().any(|(action, _)| action == "sending.export"));
    let first_line: Value = serde_json::from_str(chain_text.lines().nth(1).unwrap()).unwrap();
    assert_eq!(first_line["seq"], header["audit_chain"]["first_seq"]);
    assert_eq!(audit_count(&app, "sending.export").await, 1);

    // By organisation: only B had a certificate of the organisation sign in it.
    let zip = export(
        &app,
        &auditor,
        AUDITOR_EXPORT,
        json!({"org_inn": "7707083893"}),
    )
    .await;
    let (header, lines) = index(&unzip(dir.path(), &zip));
    assert_eq!(
        (header["sendings"].clone(), lines[0]["sending"].clone()),
        (json!(1), json!(b))
    );
    let zip = export(
        &app,
        &auditor,
        AUDITOR_EXPORT,
        json!({"org_inn": "7736050003"}),
    )
    .await;
    assert_eq!(index(&unzip(dir.path(), &zip)).0["sendings"], 0);

    // A recipient's own export: both sendings, and in them only themself.
    let zip = export(&app, &other, OWN_EXPORT, json!({})).await;
    let members = unzip(dir.path(), &zip);
    assert!(!members.contains_key("audit-chain.jsonl"));
    let (header, lines) = index(&members);
    assert_eq!(header["sendings"], 2);
    let ids: Vec<&str> = lines
        .iter()
        .map(|l| l["sending"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [a.as_str(), b.as_str()]);
    for (name, bytes) in &members {
        let text = if name.ends_with(".pdf") {
            pdf::text(bytes)
        } else {
            String::from_utf8(bytes.clone()).unwrap()
        };
        assert!(!text.contains(&employee_holder.person.email), "{name}");
        if name.starts_with("protocols/") {
            assert!(text.contains(&other.person.email), "{name}");
            assert_eq!(check(&app, bytes.clone()).await["valid"], true, "{name}");
        }
    }
    // The sender's own export lists both recipients; a stranger's holds nothing.
    let zip = export(&app, &sender, OWN_EXPORT, json!({"to": from})).await;
    let (header, lines) = index(&unzip(dir.path(), &zip));
    assert_eq!(
        (header["sendings"].clone(), lines[0]["sending"].clone()),
        (json!(1), json!(a))
    );
    assert_eq!(lines[0]["recipients"].as_array().unwrap().len(), 2);
    let stranger = subscriber(&app).await;
    let zip = export(&app, &stranger, OWN_EXPORT, json!({})).await;
    assert_eq!(index(&unzip(dir.path(), &zip)).0["sendings"], 0);
    assert_eq!(audit_count(&app, "sending.export").await, 6);

    // Refusals, each with nothing exported.
    for (who, path, body, status) in [
        (&auditor, AUDITOR_EXPORT, json!({}), 400),
        (
            &auditor,
            AUDITOR_EXPORT,
            json!({"from": from, "to": from}),
            400,
        ),
        (
            &auditor,
            AUDITOR_EXPORT,
            json!({"org_inn": "7707083890"}),
            400,
        ),
        (
            &auditor,
            AUDITOR_EXPORT,
            json!({"org_inn": "500100732259"}),
            400,
        ),
        (&auditor, AUDITOR_EXPORT, json!({"from": "yesterday"}), 400),
        (
            &auditor,
            AUDITOR_EXPORT,
            json!({"from": from, "lang": "de"}),
            400,
        ),
        (
            &auditor,
            AUDITOR_EXPORT,
            json!({"from": from, "extra": 1}),
            400,
        ),
        (&sender, AUDITOR_EXPORT, json!({"from": from}), 403),
        (&auditor, OWN_EXPORT, json!({}), 403),
        (&sender, OWN_EXPORT, json!({"org_inn": "7707083893"}), 400),
    ] {
        let r = send(&app, Method::POST, path, who, Some(body.clone())).await;
        let (got, _, p) = problem(r).await;
        assert_eq!(got, status, "{path} {body}: {p}");
    }
    // The last refusal: more sendings match than one export takes (two here, from the config).
    let third = sending(
        &app,
        &sender,
        &files[0],
        "Third",
        &[other.person.email.as_str()],
    )
    .await;
    assert!(!third.is_empty());
    let r = post_as(&app, OWN_EXPORT, &sender.access, json!({})).await;
    let (status, _, p) = problem(r).await;
    assert_eq!(status, 400);
    assert!(
        p["detail"].as_str().unwrap().contains("narrow the period"),
        "{p}"
    );
    assert_eq!(audit_count(&app, "sending.export").await, 6);
}

#[tokio::test]
async fn an_auditor_export_that_cannot_cover_its_own_entry_is_refused() {
    let app = spawn_with(|c| c.audit.export_wait_secs = 1).await;
    let auditor = member(&app, "auditor", None).await;
    // An older transaction with an id holds linking back past the wait: 503, no archive (the
    // attempt itself stays in the trail).
    let mut owner = app.owner().await;
    let long = owner.transaction().await.unwrap();
    long.execute("SELECT pg_current_xact_id()", &[])
        .await
        .unwrap();
    let body = json!({"from": chrono::Utc::now()});
    let r = post_as(&app, AUDITOR_EXPORT, &auditor.access, body.clone()).await;
    let (status, slug, _) = problem(r).await;
    assert_eq!((status, slug.as_str()), (503, "audit-chain-behind"));
    long.commit().await.unwrap();
    assert_eq!(audit_count(&app, "sending.export").await, 1);
    // Once it has ended the same export goes through; with no sending in it, its segment is
    // its own entry, under a checkpoint.
    let zip = export(&app, &auditor, AUDITOR_EXPORT, body).await;
    let dir = tempfile::tempdir().unwrap();
    let members = unzip(dir.path(), &zip);
    let (header, lines) = index(&members);
    assert!(lines.is_empty());
    let chain = String::from_utf8(members["audit-chain.jsonl"].clone()).unwrap();
    let entries: Vec<Value> = chain
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|l| l["type"] == "entry")
        .collect();
    assert_eq!(entries.len(), 1, "{chain}");
    assert_eq!(entries[0]["record"]["action"], "sending.export");
    assert_eq!(entries[0]["record"]["object_id"], header["export"]);
    assert!(chain.lines().last().unwrap().contains("\"checkpoint\""));
}
