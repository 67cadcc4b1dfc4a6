//! After activation: shipping documents handed over, the paper set signed, its scans uploaded
//! (sniffed, sealed, replaceable, size-limited) and the application completed; for simple
//! certificates the paper originals' deadline, the overdue list and the reminder.

use crate::support::accounts::{get_as, login, outbox, problem, subscriber};
use crate::support::registration::*;
use crate::support::{ManualClock, TestApp, spawn, spawn_with, spawn_with_clock};
use cloudseal::clock::Clock;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::sync::Arc;

const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1,
];
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";

async fn put_scan(
    app: &TestApp,
    token: &str,
    id: &str,
    doc: &str,
    body: &[u8],
) -> reqwest::Response {
    app.http
        .put(app.url(&format!("/api/v1/applications/{id}/scans/{doc}")))
        .bearer_auth(token)
        .header("content-type", "text/plain")
        .body(body.to_vec())
        .send()
        .await
        .unwrap()
}

async fn delete_scan(app: &TestApp, token: &str, id: &str, doc: &str) -> reqwest::Response {
    app.http
        .delete(app.url(&format!("/api/v1/applications/{id}/scans/{doc}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn desk_act(app: &TestApp, token: &str, id: &str, act: &str) -> reqwest::Response {
    crate::support::accounts::post_as(
        app,
        &format!("/api/v1/desk/applications/{id}/{act}"),
        token,
        json!({}),
    )
    .await
}

async fn scans(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let r = get_as(app, &format!("/api/v1/applications/{id}/scans"), token).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

#[tokio::test]
async fn the_signed_paper_set_completes_a_qualified_application() {
    let app = spawn().await;
    let point = desk(&app, "Larnaca").await;
    let op = officer(&app, point).await;
    let sub = subscriber(&app).await;
    let (id, _) = active_certificate(&app, &sub, &op, point).await;

    let r = desk_act(&app, &op.access, &id, "complete").await;
    assert_eq!(refused(r).await, (409, "transition-refused".into()));
    let v: Value = desk_act(&app, &op.access, &id, "documents-prepared")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "awaiting_completion");
    let v: Value = desk_act(&app, &op.access, &id, "completion-confirmed")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "awaiting_scans");
    let r = desk_act(&app, &op.access, &id, "complete").await;
    let (status, kind, body) = problem(r).await;
    assert_eq!((status, kind.as_str()), (409, "precondition-failed"));
    assert_eq!(
        body["detail"],
        "scans missing: application_form, certificate_form, act, identity_document, snils"
    );

    // The holder's own signed copies come back as scans; the declared type does not matter.
    let form = get_as(
        &app,
        &format!("/api/v1/applications/{id}/papers/certificate-form"),
        &sub.access,
    )
    .await
    .bytes()
    .await
    .unwrap();
    let uploads: [(&str, &[u8], &str); 5] = [
        (
            "application_form",
            b"%PDF-1.7\nsigned application",
            "application/pdf",
        ),
        ("certificate_form", &form, "application/pdf"),
        ("act", b"%PDF-1.4\nsigned act", "application/pdf"),
        ("identity_document", JPEG, "image/jpeg"),
        ("snils", PNG, "image/png"),
    ];
    for (doc, content, media_type) in uploads {
        let r = put_scan(&app, &sub.access, &id, doc, content).await;
        assert_eq!(r.status(), 200, "{doc}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["media_type"], media_type, "{doc}");
        assert_eq!(v["sha256"], hex::encode(Sha256::digest(content)), "{doc}");
        assert_eq!(v["uploaded_by"], "subscriber");
    }
    let listed = scans(&app, &op.access, &id).await;
    assert_eq!(listed.len(), 5);
    let r = get_as(
        &app,
        &format!("/api/v1/applications/{id}/scans/certificate_form"),
        &op.access,
    )
    .await;
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(
        r.bytes().await.unwrap(),
        form,
        "the scan comes back as uploaded"
    );

    // At rest a scan is sealed, not the file.
    let sealed: Vec<u8> = app
        .owner()
        .await
        .query_one(
            "SELECT sealed FROM application_scans WHERE application_id = $1::text::uuid AND document = 'certificate_form'",
            &[&id],
        )
        .await
        .unwrap()
        .get(0);
    assert!(sealed.starts_with(b"CSB1"));
    assert!(!sealed.windows(5).any(|w| w == b"%PDF-"));

    // Replace one by the operator, remove another: completion names what is missing.
    let r = put_scan(
        &app,
        &op.access,
        &id,
        "act",
        b"%PDF-1.4\nsigned act, better scan",
    )
    .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["uploaded_by"], "staff");
    assert_eq!(scans(&app, &sub.access, &id).await.len(), 5);
    assert_eq!(
        delete_scan(&app, &sub.access, &id, "snils").await.status(),
        204
    );
    let (_, _, body) = problem(desk_act(&app, &op.access, &id, "complete").await).await;
    assert_eq!(body["detail"], "scans missing: snils");
    assert_eq!(
        put_scan(&app, &sub.access, &id, "snils", PNG)
            .await
            .status(),
        200
    );

    let v: Value = desk_act(&app, &op.access, &id, "complete")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "completed");
    let steps: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["to"].as_str().unwrap())
        .collect();
    assert!(
        steps.ends_with(&["awaiting_completion", "awaiting_scans", "completed"]),
        "{steps:?}"
    );
    assert_eq!(v["scans"].as_array().unwrap().len(), 5);

    // Closed: the paper set no longer changes.
    let r = put_scan(&app, &sub.access, &id, "snils", PNG).await;
    assert_eq!(refused(r).await, (409, "precondition-failed".into()));
    let r = delete_scan(&app, &op.access, &id, "act").await;
    assert_eq!(refused(r).await, (409, "precondition-failed".into()));
}

#[tokio::test]
async fn scans_refuse_other_files_oversize_and_strangers() {
    let app = spawn_with(|c| {
        c.registration.scan_max_bytes = std::num::NonZeroUsize::new(1024).unwrap();
    })
    .await;
    let point = desk(&app, "Kyrenia").await;
    let other = desk(&app, "Famagusta").await;
    let stranger_op = operator(&app, other).await;
    let sub = subscriber(&app).await;
    let stranger = subscriber(&app).await;
    let a = file(&app, &sub, "qualified-cloud", point, individual()).await;
    let id = a["id"].as_str().unwrap();

    let r = put_scan(&app, &sub.access, id, "act", b"GIF89a\x01\0\x01\0").await;
    let (status, kind, body) = problem(r).await;
    assert_eq!((status, kind.as_str()), (415, "unsupported-media-type"));
    assert_eq!(body["detail"], "A scan must be a PDF, JPEG or PNG file.");
    let r = put_scan(&app, &sub.access, id, "act", b"").await;
    assert_eq!(problem(r).await.0, 400);
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(1025, b'x');
    let r = put_scan(&app, &sub.access, id, "act", &big).await;
    assert_eq!(problem(r).await.0, 413);
    let r = put_scan(&app, &sub.access, id, "passport_photo", b"%PDF-1.7").await;
    let (status, _, body) = problem(r).await;
    assert_eq!(status, 400);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("identity_document")
    );
    assert!(
        scans(&app, &sub.access, id).await.is_empty(),
        "nothing was stored"
    );

    assert_eq!(
        put_scan(&app, &sub.access, id, "act", b"%PDF-1.7\nact")
            .await
            .status(),
        200
    );
    for token in [&stranger.access, &stranger_op.access] {
        assert_eq!(
            problem(put_scan(&app, token, id, "act", b"%PDF-1.7").await)
                .await
                .0,
            404
        );
        let r = get_as(&app, &format!("/api/v1/applications/{id}/scans"), token).await;
        assert_eq!(problem(r).await.0, 404);
        let r = get_as(&app, &format!("/api/v1/applications/{id}/scans/act"), token).await;
        assert_eq!(problem(r).await.0, 404);
        assert_eq!(
            problem(delete_scan(&app, token, id, "act").await).await.0,
            404
        );
    }
    assert_eq!(
        problem(delete_scan(&app, &sub.access, id, "snils").await)
            .await
            .0,
        404
    );
    assert_eq!(scans(&app, &sub.access, id).await.len(), 1);
}

#[tokio::test]
async fn simple_certificates_owe_their_originals_within_a_month_and_the_holder_is_reminded() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = spawn_with_clock(clock.clone()).await;
    let point = desk(&app, "Ayia Napa").await;
    let op = officer(&app, point).await;
    let sub = subscriber(&app).await;
    let a = file(&app, &sub, "simple-cloud", point, individual()).await;
    let id = a["id"].as_str().unwrap().to_owned();
    identify_and_activate(&app, &sub, &op, &id).await;
    let v: Value = get_as(&app, &format!("/api/v1/applications/{id}"), &sub.access)
        .await
        .json()
        .await
        .unwrap();
    let due: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(v["originals_due_at"].clone()).unwrap();
    assert_eq!((due - clock.now()).num_days(), 30);

    let queue = |filter: &'static str| {
        let app = &app;
        async move {
            let op = operator(app, point).await;
            let r = get_as(
                app,
                &format!("/api/v1/applications?originals={filter}"),
                &op.access,
            )
            .await;
            assert_eq!(r.status(), 200);
            let v: Value = r.json().await.unwrap();
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(queue("awaited").await, vec![id.clone()]);
    assert!(queue("overdue").await.is_empty());
    assert_eq!(
        app.registration.remind_originals().await.unwrap(),
        0,
        "not due soon yet"
    );

    clock.advance(chrono::TimeDelta::days(24));
    assert_eq!(app.registration.remind_originals().await.unwrap(), 1);
    let mails = outbox(&app, &sub.person.email).await;
    assert!(
        mails[0].contains(&format!("application {}", v["number"])),
        "{}",
        mails[0]
    );
    assert_eq!(
        app.registration.remind_originals().await.unwrap(),
        0,
        "once per window"
    );

    clock.advance(chrono::TimeDelta::days(7));
    assert_eq!(queue("overdue").await, vec![id.clone()]);
    assert_eq!(
        app.registration.remind_originals().await.unwrap(),
        1,
        "overdue: reminded again"
    );

    let op = operator(&app, point).await;
    let v: Value = desk_act(&app, &op.access, &id, "originals-received")
        .await
        .json()
        .await
        .unwrap();
    assert!(v["originals_received_at"].is_string());
    assert!(queue("overdue").await.is_empty());
    assert_eq!(queue("received").await, vec![id.clone()]);
    let r = desk_act(&app, &op.access, &id, "originals-received").await;
    assert_eq!(refused(r).await, (409, "precondition-failed".into()));
    clock.advance(chrono::TimeDelta::days(30));
    assert_eq!(app.registration.remind_originals().await.unwrap(), 0);

    // A qualified certificate owes no originals by post.
    let op = officer(&app, point).await;
    let sub2 = login(&app, &sub.person).await;
    let (qid, _) = active_certificate(&app, &sub2, &op, point).await;
    let r = desk_act(&app, &op.access, &qid, "originals-received").await;
    assert_eq!(refused(r).await, (409, "precondition-failed".into()));
    let r = get_as(&app, "/api/v1/applications?originals=lost", &op.access).await;
    assert_eq!(problem(r).await.0, 400);
}
