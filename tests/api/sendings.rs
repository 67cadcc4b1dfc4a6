//! Sendings (issue 7): signed documents sent by email link to two and three recipients,
//! verified before anything is sent, delivered when the addressed recipient opens the link,
//! with `Idempotency-Key`, drafts, folders, the visibility rules and the refusals.

use crate::support::accounts::{
    Session, contact, get_as, login, outbox, post_as, problem, registered_as, subscriber,
};
use crate::support::documents::{columns_holding, content, sign_documents, upload};
use crate::support::exchange::{
    audit_count, counterparties, link, ok, send, sender_with_documents,
};
use crate::support::pki::{cms_verify_detached, write_chain};
use crate::support::registration::{authorise, holder};
use crate::support::{ManualClock, TestApp, spawn, spawn_with_clock};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::sync::Arc;

async fn post_keyed(app: &TestApp, who: &Session, key: &str, body: &Value) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/sendings"))
        .bearer_auth(&who.access)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn p7s(app: &TestApp, who: &Session, signature: &str) -> Vec<u8> {
    let r = get_as(
        app,
        &format!("/api/v1/signatures/{signature}/p7s"),
        &who.access,
    )
    .await;
    assert_eq!(r.status(), 200);
    r.bytes().await.unwrap().to_vec()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    app.owner()
        .await
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .await
        .unwrap()
        .get(0)
}

async fn sending_emails(app: &TestApp, to: &str) -> usize {
    outbox(app, to)
        .await
        .iter()
        .filter(|b| b.contains("link="))
        .count()
}

async fn open(app: &TestApp, who: &Session, secret: &str) -> reqwest::Response {
    post_as(
        app,
        "/api/v1/sendings/open",
        &who.access,
        json!({ "link": secret }),
    )
    .await
}

async fn mark_read(app: &TestApp, who: &Session, sending: &str, read: bool) -> reqwest::Response {
    let path = format!("{sending}/read");
    send(app, Method::PUT, &path, who, Some(json!({ "read": read }))).await
}

async fn folder(app: &TestApp, who: &Session, query: &str) -> Vec<Value> {
    let r = get_as(app, &format!("/api/v1/sendings?{query}"), &who.access).await;
    ok(r, 200).await.as_array().unwrap().clone()
}

#[tokio::test]
async fn a_signed_sending_reaches_three_recipients_who_each_see_only_themselves() {
    let app = spawn().await;
    let (a, b) = (content(200_000), b"Annex: delivery schedule\n".to_vec());
    let (sender, _, files) = sender_with_documents(&app, &[&a, &b]).await;
    let (r1, r2) = (subscriber(&app).await, subscriber(&app).await);
    let (r3_email, r3_phone) = contact();
    let stranger = subscriber(&app).await;

    // The second file goes with a CMS file "made elsewhere": our own .p7s, uploaded.
    let elsewhere = p7s(&app, &sender, &files[1].1).await;
    let body = json!({
        "subject": "Supply contract 42",
        "text": "Please sign the receipt.\nThank you.",
        "recipients": [r1.person.email, r2.person.email, r3_email],
        "attachments": [
            {"document_id": files[0].0, "signature_id": files[0].1},
            {"document_id": files[1].0, "signature": STANDARD.encode(&elsewhere)},
        ],
    });
    let r = post_keyed(&app, &sender, "send-42", &body).await;
    assert!(r.headers().get("location").is_some());
    let sent = ok(r, 201).await;
    let id = sent["id"].as_str().unwrap().to_owned();
    assert_eq!(sent["state"], "sent");
    assert_eq!(sent["role"], "sender");
    assert_eq!(sent["recipients"].as_array().unwrap().len(), 3);
    let f = sent["files"].as_array().unwrap();
    assert_eq!(f[0]["sha256"], hex::encode(Sha256::digest(&a)));
    assert_eq!(f[1]["sha256"], hex::encode(Sha256::digest(&b)));
    assert_eq!(
        f[1]["signature_sha256"],
        hex::encode(Sha256::digest(&elsewhere))
    );
    for file in f {
        assert_eq!(file["verdict"], "passed");
        assert!(file["signer"].as_str().unwrap().contains("CN="), "{file}");
    }
    for r in sent["recipients"].as_array().unwrap() {
        assert!(r["notified_at"].is_string() && r["delivered_at"].is_null());
    }
    // Recorded: the signer's certificate and the report beside each file.
    let row = app
        .owner()
        .await
        .query_one(
            "SELECT count(*) FROM sending_files WHERE sending_id = $1::text::uuid \
             AND signer_certificate IS NOT NULL AND report IS NOT NULL AND signature IS NOT NULL",
            &[&id],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 2);
    assert_eq!(audit_count(&app, "sending.send").await, 1);

    // One email each; the unregistered address is asked to register, in both languages.
    for to in [&r1.person.email, &r2.person.email, &r3_email] {
        assert_eq!(sending_emails(&app, to).await, 1, "{to}");
    }
    let r3_mail = outbox(&app, &r3_email).await.remove(0);
    assert!(r3_mail.contains("Create your cloudseal account") && r3_mail.contains("Тема"));
    assert!(r3_mail.contains("file-0.pdf, file-1.pdf"), "{r3_mail}");

    // A retry with the same key and request: the same sending, nothing sent twice.
    let r = post_keyed(&app, &sender, "send-42", &body).await;
    assert_eq!(
        r.headers()
            .get("idempotent-replayed")
            .unwrap()
            .to_str()
            .unwrap(),
        "true"
    );
    let again = ok(r, 200).await;
    assert_eq!(again["id"], sent["id"]);
    assert_eq!(count(&app, "sendings").await, 1);
    assert_eq!(sending_emails(&app, &r1.person.email).await, 1);
    // The same key with another request is refused.
    let mut other = body.clone();
    other["subject"] = json!("Another subject");
    let (status, slug, _) = problem(post_keyed(&app, &sender, "send-42", &other).await).await;
    assert_eq!((status, slug.as_str()), (422, "idempotency-key-reused"));
    assert_eq!(count(&app, "sendings").await, 1);

    // Before opening its link, a recipient cannot see the sending.
    let path = format!("/api/v1/sendings/{id}");
    let (status, _, _) = problem(get_as(&app, &path, &r1.access).await).await;
    assert_eq!(status, 404);

    // r2 tries r1's link: 404, recorded, nothing delivered.
    let l1 = link(&app, &r1.person.email).await;
    let (status, _, _) = problem(open(&app, &r2, &l1).await).await;
    assert_eq!(status, 404);
    assert_eq!(audit_count(&app, "sending.link_refused").await, 1);
    let (status, _, _) = problem(open(&app, &r2, "not-a-link").await).await;
    assert_eq!(status, 404);

    // r1 opens their own: delivered into Received; they see only themself and the sender.
    let got = ok(open(&app, &r1, &l1).await, 200).await;
    assert_eq!(got["role"], "recipient");
    assert_eq!(got["sender"]["email"], sender.person.email);
    assert_eq!(got["read"], false);
    let mine = got["recipients"].as_array().unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["party"]["email"], r1.person.email);
    assert!(mine[0]["delivered_at"].is_string());
    assert!(got["files"][0].get("document_id").is_none());
    assert_eq!(audit_count(&app, "sending.deliver").await, 1);
    // Opening again changes nothing.
    let again = ok(open(&app, &r1, &l1).await, 200).await;
    assert_eq!(
        again["recipients"][0]["delivered_at"],
        mine[0]["delivered_at"]
    );
    assert_eq!(audit_count(&app, "sending.deliver").await, 1);

    // The files and the sender's signatures, for the recipient.
    let r = get_as(&app, &format!("{path}/files/0"), &r1.access).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().to_vec(), a);
    let r = get_as(&app, &format!("{path}/files/1/signature"), &r1.access).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().to_vec(), elsewhere);
    let (status, _, _) = problem(get_as(&app, &format!("{path}/files/2"), &r1.access).await).await;
    assert_eq!(status, 404);

    // Received and read/unread.
    let received = folder(&app, &r1, "folder=received").await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["read"], false);
    assert_eq!(received[0]["sender"], sender.person.email);
    assert_eq!(
        folder(&app, &r1, "folder=received&unread=true").await.len(),
        1
    );
    let read = mark_read(&app, &r1, &path, true).await;
    assert_eq!(ok(read, 200).await["read"], true);
    assert!(
        folder(&app, &r1, "folder=received&unread=true")
            .await
            .is_empty()
    );
    // The sender has no read mark to set.
    assert_eq!(mark_read(&app, &sender, &path, true).await.status(), 404);
    // Unread again, then read.
    let unread = mark_read(&app, &r1, &path, false).await;
    assert_eq!(ok(unread, 200).await["read"], false);
    assert_eq!(
        folder(&app, &r1, "folder=received&unread=true").await.len(),
        1
    );
    ok(mark_read(&app, &r1, &path, true).await, 200).await;

    // r2 opens theirs; r3 registers with the address and opens theirs.
    let l2 = link(&app, &r2.person.email).await;
    ok(open(&app, &r2, &l2).await, 200).await;
    let r3 = login(&app, &registered_as(&app, r3_email.clone(), r3_phone).await).await;
    let l3 = link(&app, &r3_email).await;
    let got = ok(open(&app, &r3, &l3).await, 200).await;
    assert_eq!(got["recipients"].as_array().unwrap().len(), 1);

    // The sender sees all three, delivered; a stranger sees nothing of it.
    let view = ok(get_as(&app, &path, &sender.access).await, 200).await;
    let all = view["recipients"].as_array().unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.iter().all(|r| r["delivered_at"].is_string()));
    assert!(all.iter().all(|r| r.get("read").is_none()));
    assert_eq!(view["files"][0]["document_id"], files[0].0);
    for p in [
        path.clone(),
        format!("{path}/files/0"),
        format!("{path}/files/0/signature"),
    ] {
        let (status, _, _) = problem(get_as(&app, &p, &stranger.access).await).await;
        assert_eq!(status, 404, "{p}");
    }
    let sent_folder = folder(&app, &sender, "folder=sent").await;
    assert_eq!(sent_folder.len(), 1);
    assert!(folder(&app, &sender, "folder=received").await.is_empty());
    assert!(folder(&app, &stranger, "folder=received").await.is_empty());

    // At rest the attachment is sealed: no 16 bytes of it anywhere in the database (which the
    // search would show: it finds the subject).
    assert!(
        columns_holding(&app, b"Supply contract 42")
            .await
            .contains(&"sendings.subject".to_owned())
    );
    for window in [&a[..16], &a[100_000..100_016], &b[..16]] {
        assert!(
            columns_holding(&app, window).await.is_empty(),
            "plain text of an attachment found"
        );
    }
}

/// The per-file problems of a refused sending (422 `attachments-refused`).
async fn refused(r: reqwest::Response) -> Vec<Value> {
    let got = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(got, 422, "{body}");
    assert_eq!(body["type"], "urn:cloudseal:problem:attachments-refused");
    body["files"].as_array().unwrap().clone()
}

/// Send one attachment that must be refused; its one problem.
async fn only_problem(app: &TestApp, sender: &Session, to: &Value, attachment: Value) -> String {
    let body = json!({"subject": "S", "recipients": to, "attachments": [attachment]});
    let problems = refused(post_as(app, "/api/v1/sendings", &sender.access, body).await).await;
    assert_eq!(problems.len(), 1);
    problems[0]["problems"][0].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_sending_with_any_bad_signature_is_refused_whole_with_reasons_per_file() {
    let app = spawn().await;
    let (a, b) = (content(5_000), content(7_000));
    let (sender, credential, files) = sender_with_documents(&app, &[&a, &b]).await;
    let recipient = subscriber(&app).await;
    let to = json!([recipient.person.email]);

    // File 1 goes with file 0's signature: the document does not match it.
    let r = post_as(
        &app,
        "/api/v1/sendings",
        &sender.access,
        json!({"subject": "S", "recipients": to, "attachments": [
            {"document_id": files[0].0, "signature_id": files[0].1},
            {"document_id": files[1].0, "signature_id": files[0].1}]}),
    )
    .await;
    let problems = refused(r).await;
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0]["position"], 1);
    assert_eq!(problems[0]["name"], "file-1.pdf");
    assert_eq!(problems[0]["verdict"], "failed");
    let why = problems[0]["problems"][0].as_str().unwrap();
    assert!(why.contains("changed after signing"), "{why}");

    // A tampered uploaded signature (one byte of the signature value flipped).
    let mut tampered = p7s(&app, &sender, &files[0].1).await;
    let at = tampered.len() - 10;
    tampered[at] ^= 0x01;
    // Not a signature at all; no signature; a document that is not the sender's.
    let other = subscriber(&app).await;
    let theirs = upload(&app, &other, "theirs.txt", b"their document").await;
    let r = post_as(
        &app,
        "/api/v1/sendings",
        &sender.access,
        json!({"subject": "S", "recipients": to, "attachments": [
            {"document_id": files[0].0, "signature": STANDARD.encode(&tampered)},
            {"document_id": files[1].0, "signature": STANDARD.encode(b"not a signature")},
            {"document_id": theirs["id"]},
        ]}),
    )
    .await;
    let problems = refused(r).await;
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert_eq!(problems[0]["verdict"], "failed");
    assert!(
        problems[1]["problems"][0]
            .as_str()
            .unwrap()
            .contains("cannot be read")
    );
    assert!(problems[2]["name"].is_null());
    assert!(
        problems[2]["problems"][0]
            .as_str()
            .unwrap()
            .contains("no such document")
    );

    // The sender's own document but someone else's signature id.
    let (holder2, credential2) = holder(&app, "Paris").await;
    let same = upload(&app, &holder2, "copy.pdf", &a).await;
    let theirs_signed = sign_documents(
        &app,
        &holder2,
        &credential2,
        &[same["id"].as_str().unwrap()],
    )
    .await;
    let why = only_problem(
        &app,
        &sender,
        &to,
        json!({"document_id": files[0].0, "signature_id": theirs_signed[0]}),
    )
    .await;
    assert!(why.contains("no such signature"), "{why}");
    // …and their signature over the same bytes, uploaded: another person's certificate.
    let foreign = p7s(&app, &holder2, &theirs_signed[0]).await;
    let why = only_problem(
        &app,
        &sender,
        &to,
        json!({"document_id": files[0].0, "signature": STANDARD.encode(&foreign)}),
    )
    .await;
    assert!(why.contains("another person's certificate"), "{why}");

    // A raw signature cannot go with a file.
    let hash = STANDARD.encode(Sha256::digest(&a));
    let sad = crate::support::registration::authorise(&app, &sender, &credential, &[&hash]).await;
    let r = post_as(
        &app,
        "/api/v1/signatures",
        &sender.access,
        json!({"credential": credential, "sad": sad, "format": "raw",
               "hash_algorithm": "sha256", "hashes": [hash]}),
    )
    .await;
    let raw: Vec<Value> = ok(r, 201).await.as_array().unwrap().clone();
    let why = only_problem(
        &app,
        &sender,
        &to,
        json!({"document_id": files[0].0, "signature_id": raw[0]["id"]}),
    )
    .await;
    assert!(why.contains("raw signature"), "{why}");

    // Nothing of any of it was sent or kept.
    assert_eq!(count(&app, "sendings").await, 0);
    assert_eq!(count(&app, "sending_files").await, 0);
    assert_eq!(sending_emails(&app, &recipient.person.email).await, 0);
    assert_eq!(audit_count(&app, "sending.send").await, 0);
}

#[tokio::test]
async fn recipients_who_accept_only_counterparties_refuse_other_senders() {
    let app = spawn().await;
    let (sender, _, files) = sender_with_documents(&app, &[b"terms"]).await;
    let picky = subscriber(&app).await;
    let r = send(
        &app,
        Method::PUT,
        "/api/v1/account/exchange-settings",
        &picky,
        Some(json!({"accept_only_counterparties": true})),
    )
    .await;
    assert_eq!(r.status(), 200);
    let body = json!({"subject": "Terms", "recipients": [picky.person.email],
        "attachments": [{"document_id": files[0].0, "signature_id": files[0].1}]});
    let (status, slug, p) =
        problem(post_as(&app, "/api/v1/sendings", &sender.access, body.clone()).await).await;
    assert_eq!((status, slug.as_str()), (403, "recipient-not-accepting"));
    assert!(p["detail"].as_str().unwrap().contains(&picky.person.email));
    assert_eq!(count(&app, "sendings").await, 0);

    // Once counterparties, it goes through.
    counterparties(&app, &sender, &picky).await;
    let sent = ok(
        post_as(&app, "/api/v1/sendings", &sender.access, body).await,
        201,
    )
    .await;

    // A counterparty has it in their Received folder at once, without opening the link.
    assert!(sent["recipients"][0]["delivered_at"].is_string(), "{sent}");
    let received: Value = get_as(&app, "/api/v1/sendings?folder=received", &picky.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(received[0]["id"], sent["id"]);
}

#[tokio::test]
async fn drafts_are_kept_changed_and_sent_once_and_links_expire() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = spawn_with_clock(clock.clone()).await;
    let (sender, _, files) = sender_with_documents(&app, &[b"draft body"]).await;
    let (recipient, late) = (subscriber(&app).await, subscriber(&app).await);

    // A draft without a signature yet: kept, visible only to its author, not sendable.
    let draft = ok(
        post_as(
            &app,
            "/api/v1/sendings",
            &sender.access,
            json!({"subject": "Draft", "draft": true, "recipients": [recipient.person.email],
                   "attachments": [{"document_id": files[0].0}]}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(draft["state"], "draft");
    assert_eq!(draft["files"][0]["signed"], false);
    let id = draft["id"].as_str().unwrap();
    let path = format!("/api/v1/sendings/{id}");
    assert_eq!(folder(&app, &sender, "folder=drafts").await.len(), 1);
    assert!(folder(&app, &sender, "folder=sent").await.is_empty());
    assert_eq!(get_as(&app, &path, &recipient.access).await.status(), 404);
    let r = post_as(&app, &format!("{path}/send"), &sender.access, json!({})).await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        count(&app, "notifications WHERE purpose = 'sending'").await,
        0
    );

    // Changed to carry the signature and a second recipient, then sent with a key.
    let changed = send(
        &app,
        Method::PUT,
        &path,
        &sender,
        Some(json!({"subject": "Final", "text": "Signed now.",
            "recipients": [recipient.person.email, late.person.email],
            "attachments": [{"document_id": files[0].0, "signature_id": files[0].1}]})),
    )
    .await;
    assert_eq!(ok(changed, 200).await["subject"], "Final");
    let send_draft = |key: &'static str| {
        let app = &app;
        let sender = &sender;
        let path = &path;
        async move {
            app.http
                .post(app.url(&format!("{path}/send")))
                .bearer_auth(&sender.access)
                .header("Idempotency-Key", key)
                .send()
                .await
                .unwrap()
        }
    };
    let sent = ok(send_draft("draft-1").await, 201).await;
    assert_eq!(sent["state"], "sent");
    assert_eq!(sent["recipients"].as_array().unwrap().len(), 2);
    // The same key again answers with it; another key finds it already sent.
    assert_eq!(send_draft("draft-1").await.status(), 200);
    let (status, _, _) = problem(send_draft("draft-2").await).await;
    assert_eq!(status, 409);
    assert_eq!(sending_emails(&app, &recipient.person.email).await, 1);
    // A sent sending is a record: neither changed nor deleted.
    let r = send(&app, Method::DELETE, &path, &sender, None).await;
    assert_eq!(r.status(), 409);
    let r = send(
        &app,
        Method::PUT,
        &path,
        &sender,
        Some(json!({"subject": "Changed"})),
    )
    .await;
    assert_eq!(r.status(), 409);

    // The link works within its days; after them it answers 410 and delivers nothing.
    let l = link(&app, &recipient.person.email).await;
    ok(open(&app, &recipient, &l).await, 200).await;
    clock.advance(chrono::TimeDelta::days(15));
    let late = login(&app, &late.person).await;
    let l = link(&app, &late.person.email).await;
    let (status, slug, _) = problem(open(&app, &late, &l).await).await;
    assert_eq!((status, slug.as_str()), (410, "link-expired"));
    assert!(folder(&app, &late, "folder=received").await.is_empty());
    // The one who opened it in time still has it.
    let recipient = login(&app, &recipient.person).await;
    assert_eq!(folder(&app, &recipient, "folder=received").await.len(), 1);

    // Another draft is deleted.
    let sender = login(&app, &sender.person).await;
    let other = ok(
        post_as(
            &app,
            "/api/v1/sendings",
            &sender.access,
            json!({"subject": "Scratch", "draft": true}),
        )
        .await,
        201,
    )
    .await;
    let other_path = format!("/api/v1/sendings/{}", other["id"].as_str().unwrap());
    let r = send(&app, Method::DELETE, &other_path, &recipient, None).await;
    assert_eq!(r.status(), 404);
    let r = send(
        &app,
        Method::PUT,
        &other_path,
        &recipient,
        Some(json!({"subject": "Taken over"})),
    )
    .await;
    assert_eq!(r.status(), 404);
    let r = post_as(
        &app,
        &format!("{other_path}/send"),
        &recipient.access,
        json!({}),
    )
    .await;
    assert_eq!(r.status(), 404);
    let r = send(&app, Method::DELETE, &other_path, &sender, None).await;
    assert_eq!(r.status(), 204);
    assert!(folder(&app, &sender, "folder=drafts").await.is_empty());
}

#[tokio::test]
async fn malformed_sendings_are_refused_with_nothing_kept() {
    let app = spawn().await;
    let sender = subscriber(&app).await;
    let doc = upload(&app, &sender, "a.txt", b"abc").await;
    let d = doc["id"].as_str().unwrap();
    let to = json!(["someone@example.org"]);
    let att = json!([{"document_id": d}]);
    let cases = [
        json!({"subject": " ", "recipients": to, "attachments": att}),
        json!({"subject": "S", "recipients": [], "attachments": att}),
        json!({"subject": "S", "recipients": to, "attachments": []}),
        json!({"subject": "S", "recipients": ["not-an-email"], "attachments": att}),
        json!({"subject": "S", "recipients": ["a@example.org", "A@example.org"], "attachments": att}),
        json!({"subject": "S", "recipients": to, "attachments": [{"document_id": d}, {"document_id": d}]}),
        json!({"subject": "S", "recipients": [sender.person.email], "attachments": att}),
        json!({"subject": "S", "recipients": to, "attachments": [{"document_id": "nope"}]}),
        json!({"subject": "S", "recipients": to,
               "attachments": [{"document_id": d, "signature_id": "x"}]}),
        json!({"subject": "S", "recipients": to,
               "attachments": [{"document_id": d, "signature_id": d, "signature": "MAA="}]}),
        json!({"subject": "S", "recipients": to,
               "attachments": [{"document_id": d, "signature": "%%% not base64"}]}),
        json!({"subject": "S", "recipients": to, "attachments": att, "cc": []}),
        json!({"subject": "S", "text": "bell \u{7}", "recipients": to, "attachments": att}),
        json!({"subject": "S".repeat(201), "recipients": to, "attachments": att}),
    ];
    for body in cases {
        let (status, _, p) =
            problem(post_as(&app, "/api/v1/sendings", &sender.access, body.clone()).await).await;
        assert_eq!(status, 400, "{body} → {p}");
    }
    let many: Vec<String> = (0..51).map(|i| format!("r{i}@example.org")).collect();
    let (status, _, _) = problem(
        post_as(
            &app,
            "/api/v1/sendings",
            &sender.access,
            json!({"subject": "S", "recipients": many, "attachments": att}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
    let r = app
        .http
        .post(app.url("/api/v1/sendings"))
        .bearer_auth(&sender.access)
        .header("Idempotency-Key", "has space")
        .json(&json!({"subject": "S", "recipients": to, "attachments": att}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    for q in ["folder=inbox", "folder=sent&limit=0", "unread=true"] {
        let r = get_as(&app, &format!("/api/v1/sendings?{q}"), &sender.access).await;
        assert_eq!(r.status(), 400, "{q}");
    }
    for p in [
        "/api/v1/sendings/not-a-uuid",
        "/api/v1/sendings/00000000-0000-0000-0000-000000000000",
        "/api/v1/sendings/00000000-0000-0000-0000-000000000000/files/-1",
        "/api/v1/sendings/00000000-0000-0000-0000-000000000000/files/x/signature",
    ] {
        assert_eq!(get_as(&app, p, &sender.access).await.status(), 404, "{p}");
    }
    let r = app
        .http
        .get(app.url("/api/v1/sendings?folder=sent"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(count(&app, "sendings").await, 0);
}

/// Backends of this database whose query names the recipients table, and `and`.
async fn backends(watcher: &tokio_postgres::Client, and: &str) -> i64 {
    watcher
        .query_one(
            &format!(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
                 AND query LIKE '%sending_recipients%' AND {and}"
            ),
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn a_server_killed_in_the_middle_of_a_send_leaves_no_sending_and_no_email() {
    let app = spawn().await;
    let (sender, _, files) = sender_with_documents(&app, &[b"killed mid-send"]).await;
    let recipient = subscriber(&app).await;
    let body = json!({"subject": "Mid-send", "recipients": [recipient.person.email],
        "attachments": [{"document_id": files[0].0, "signature_id": files[0].1}]});

    // A second server process on the same database; the test holds the recipients table so
    // that process's send stops inside its transaction, after the sending, its files and the
    // email are written and before it can commit.
    let dir = tempfile::tempdir().unwrap();
    let served = crate::support::serve_binary(&app.db_name, dir.path()).await;
    let mut child = served.child;
    let mut blocker = app.owner().await;
    let hold = blocker.transaction().await.unwrap();
    hold.batch_execute("LOCK TABLE sending_recipients IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let url = format!("http://127.0.0.1:{}/api/v1/sendings", served.port);
    let (access, request) = (sender.access.clone(), body.clone());
    let in_flight = tokio::spawn(async move {
        reqwest::Client::new()
            .post(url)
            .bearer_auth(access)
            .header("Idempotency-Key", "mid-send")
            .json(&request)
            .send()
            .await
    });
    let watcher = app.owner().await;
    let mut stuck = false;
    for _ in 0..200 {
        if backends(&watcher, "wait_event_type = 'Lock'").await == 1 {
            stuck = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        stuck,
        "the send reached the recipients table inside its transaction"
    );
    child.kill().await.unwrap();
    assert!(
        in_flight.await.unwrap().is_err(),
        "the client saw the server die"
    );
    hold.rollback().await.unwrap();
    let mut gone = false;
    for _ in 0..200 {
        let left = backends(&watcher, "pid <> pg_backend_pid()").await;
        if left == 0 {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(gone, "the dead server's transaction ended");

    // Nothing of it stayed: no sending, no file row, no email, no audit entry.
    assert_eq!(count(&app, "sendings").await, 0);
    assert_eq!(count(&app, "sending_files").await, 0);
    assert_eq!(
        count(&app, "notifications WHERE purpose = 'sending'").await,
        0
    );
    assert_eq!(audit_count(&app, "sending.send").await, 0);

    // The client's retry with the same key makes the sending once.
    let sent = ok(post_keyed(&app, &sender, "mid-send", &body).await, 201).await;
    assert_eq!(sent["state"], "sent");
    assert_eq!(sending_emails(&app, &recipient.person.email).await, 1);
}

#[tokio::test]
async fn recipients_verify_then_acknowledge_with_a_signed_receipt_or_reject() {
    let app = spawn().await;
    let (sender, _, files) = sender_with_documents(&app, &[b"the contract text"]).await;
    let (signer, credential) = holder(&app, "Paris").await;
    let refuser = subscriber(&app).await;
    let stranger = subscriber(&app).await;
    let body = json!({"subject": "Contract", "recipients": [signer.person.email, refuser.person.email],
        "attachments": [{"document_id": files[0].0, "signature_id": files[0].1}]});
    let sent = ok(
        post_as(&app, "/api/v1/sendings", &sender.access, body).await,
        201,
    )
    .await;
    let path = format!("/api/v1/sendings/{}", sent["id"].as_str().unwrap());
    for who in [&signer, &refuser] {
        let l = link(&app, &who.person.email).await;
        ok(open(&app, who, &l).await, 200).await;
    }
    // Nobody but a recipient reaches the receipt or the answers.
    for who in [&stranger, &sender] {
        for (method, p, b) in [
            (Method::GET, format!("{path}/receipt"), None),
            (Method::POST, format!("{path}/verify"), None),
            (
                Method::POST,
                format!("{path}/reject"),
                Some(json!({"reason": "no"})),
            ),
            (
                Method::POST,
                format!("{path}/acknowledge"),
                Some(json!({"credential": credential, "sad": "x"})),
            ),
        ] {
            let r = send(&app, method, &p, who, b).await;
            assert_eq!(r.status(), 404, "{p}");
        }
    }

    // Acknowledging comes after verifying.
    let receipt = ok(
        get_as(&app, &format!("{path}/receipt"), &signer.access).await,
        200,
    )
    .await;
    let hash = receipt["hash"].as_str().unwrap().to_owned();
    let text = receipt["receipt"].as_str().unwrap().to_owned();
    assert_eq!(hash, STANDARD.encode(Sha256::digest(text.as_bytes())));
    let canonical: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(canonical["sending"], sent["id"]);
    assert_eq!(canonical["recipient"], signer.person.email);
    assert_eq!(canonical["files"][0]["sha256"], sent["files"][0]["sha256"]);
    assert_eq!(
        canonical["files"][0]["signature_sha256"],
        sent["files"][0]["signature_sha256"]
    );
    let sad = authorise(&app, &signer, &credential, &[&hash]).await;
    let ack = json!({"credential": credential, "sad": sad});
    let r = post_as(
        &app,
        &format!("{path}/acknowledge"),
        &signer.access,
        ack.clone(),
    )
    .await;
    let (status, _, p) = problem(r).await;
    assert_eq!(status, 409);
    assert!(p["detail"].as_str().unwrap().contains("verify"), "{p}");

    // Verifying keeps a protocol per file for the recipient.
    let checked = ok(
        post_as(&app, &format!("{path}/verify"), &signer.access, json!({})).await,
        200,
    )
    .await;
    assert_eq!(checked["files"][0]["verdict"], "passed");
    let protocol = checked["files"][0]["protocol_id"].as_str().unwrap();
    let r = get_as(
        &app,
        &format!("/api/v1/protocols/{protocol}?format=pdf&lang=ru"),
        &signer.access,
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF-"));
    assert_eq!(audit_count(&app, "sending.verify").await, 1);

    // A SAD for another hash does not sign the receipt.
    let other = STANDARD.encode(Sha256::digest(b"something else"));
    let wrong = authorise(&app, &signer, &credential, &[&other]).await;
    let r = post_as(
        &app,
        &format!("{path}/acknowledge"),
        &signer.access,
        json!({"credential": credential, "sad": wrong}),
    )
    .await;
    let (status, slug, _) = problem(r).await;
    assert_eq!((status, slug.as_str()), (403, "sad-refused"));

    // The receipt signed: recorded, the sender told, and openssl verifies it over the text.
    let view = ok(
        post_as(
            &app,
            &format!("{path}/acknowledge"),
            &signer.access,
            ack.clone(),
        )
        .await,
        200,
    )
    .await;
    let me = &view["recipients"][0];
    assert!(me["acknowledged_at"].is_string());
    assert!(me["receipt_signer"].as_str().unwrap().contains("CN="));
    assert_eq!(audit_count(&app, "sending.acknowledge").await, 1);
    let signature: Vec<u8> = app
        .owner()
        .await
        .query_one(
            "SELECT receipt FROM sending_recipients WHERE lower(email) = lower($1)",
            &[&signer.person.email],
        )
        .await
        .unwrap()
        .get(0);
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(dir.path().join("receipt.json"), text.as_bytes()).unwrap();
    std::fs::write(dir.path().join("receipt.p7s"), &signature).unwrap();
    let (verified, said) =
        cms_verify_detached(dir.path(), "receipt.p7s", "receipt.json", &["-cades"]);
    assert!(verified, "{said}");
    // Verifying again keeps the protocols coming but not the recorded time.
    let again = post_as(&app, &format!("{path}/verify"), &signer.access, json!({})).await;
    assert_eq!(ok(again, 200).await["files"][0]["verdict"], "passed");
    let view = ok(get_as(&app, &path, &signer.access).await, 200).await;
    assert_eq!(view["recipients"][0]["verified_at"], me["verified_at"]);
    // Answered once.
    let r = post_as(&app, &format!("{path}/acknowledge"), &signer.access, ack).await;
    assert_eq!(r.status(), 409);
    let r = post_as(
        &app,
        &format!("{path}/reject"),
        &signer.access,
        json!({"reason": "late"}),
    )
    .await;
    assert_eq!(r.status(), 409);

    // The other recipient rejects, with a reason.
    let r = post_as(
        &app,
        &format!("{path}/reject"),
        &refuser.access,
        json!({"reason": "  "}),
    )
    .await;
    assert_eq!(r.status(), 400);
    let view = ok(
        post_as(
            &app,
            &format!("{path}/reject"),
            &refuser.access,
            json!({"reason": "Wrong annex"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(view["recipients"][0]["rejection_reason"], "Wrong annex");
    let r = post_as(
        &app,
        &format!("{path}/reject"),
        &refuser.access,
        json!({"reason": "again"}),
    )
    .await;
    assert_eq!(r.status(), 409);

    // The sender sees both answers and was emailed about each.
    let view = ok(get_as(&app, &path, &sender.access).await, 200).await;
    let all = view["recipients"].as_array().unwrap();
    assert!(all[0]["acknowledged_at"].is_string() && all[0]["rejected_at"].is_null());
    assert!(all[1]["rejected_at"].is_string() && all[1]["acknowledged_at"].is_null());
    let told = outbox(&app, &sender.person.email).await;
    assert!(
        told.iter().any(|b| b.contains("signed a receipt")),
        "{told:?}"
    );
    assert!(
        told.iter().any(|b| b.contains("Reason: Wrong annex")),
        "{told:?}"
    );
}
