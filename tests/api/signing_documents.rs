//! Signing stored documents: the confirmation names them, the SAD binds their hashes, and the
//! signatures come out detached or attached, CAdES-BES or CAdES-T — checked by openssl and by
//! our verification engine — with the refusals.

use crate::support::accounts::{Session, get_as, outbox, post_as, problem, subscriber};
use crate::support::documents::{authorise_documents, content, upload};
use crate::support::pki::{cms_verify_detached, openssl, write_chain};
use crate::support::registration::holder;
use crate::support::{TestApp, spawn_with};
use chrono::Utc;
use cloudseal::certificates::registry::RegistryRevocation;
use cloudseal::pki::cms::report::{Report, TimeSource, Verdict};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

async fn sign(app: &TestApp, sub: &Session, body: Value) -> reqwest::Response {
    post_as(app, "/api/v1/signatures", &sub.access, body).await
}

async fn engine(app: &TestApp, sig: &[u8], detached: Option<&[u8]>) -> Report {
    let trust = app.registry.trust_list();
    let revocation = RegistryRevocation {
        registry: &app.registry,
        crls: &trust.crls,
    };
    cloudseal::pki::cms::verify::verify(sig, detached, &trust, &revocation, Utc::now())
        .await
        .unwrap()
}

#[tokio::test]
async fn documents_are_signed_detached_with_a_time_stamp_and_attached() {
    let app = spawn_with(|c| {
        c.documents.attached_max_bytes = std::num::NonZeroUsize::new(100_000).unwrap();
    })
    .await;
    let (sub, credential) = holder(&app, "Berlin").await;
    let (a, b) = (
        content(300_000),
        "Annex B: delivery schedule\n".as_bytes().to_vec(),
    );
    let doc_a = upload(&app, &sub, "contract.pdf", &a).await;
    let doc_b = upload(&app, &sub, "annex.txt", &b).await;
    let (ida, idb) = (doc_a["id"].as_str().unwrap(), doc_b["id"].as_str().unwrap());

    let sad = authorise_documents(&app, &sub, &credential, &[ida, idb]).await;
    let sms = outbox(&app, &sub.person.phone).await;
    let confirm_text = sms.iter().find(|m| m.contains("contract.pdf")).unwrap();
    assert!(confirm_text.contains("«annex.txt»"), "{confirm_text}");
    assert!(
        confirm_text.contains(&hex::encode(&Sha256::digest(&a)[..4])),
        "{confirm_text}"
    );

    // A is too large to carry: refused before anything is spent.
    let r = sign(
        &app,
        &sub,
        json!({"credential": credential, "sad": sad, "documents": [ida], "format": "attached"}),
    )
    .await;
    let (status, _, p) = problem(r).await;
    assert_eq!(status, 400);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("sign larger documents detached"),
        "{p}"
    );

    // A: detached CAdES-T.
    let r = sign(
        &app,
        &sub,
        json!({"credential": credential, "sad": sad, "documents": [ida], "level": "t"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let made: Value = r.json().await.unwrap();
    assert_eq!(made[0]["document"], ida);
    assert_eq!(made[0]["level"], "t");
    assert_eq!(made[0]["format"], "cms");
    let sid = made[0]["id"].as_str().unwrap();
    let r = get_as(&app, &format!("/api/v1/signatures/{sid}/p7s"), &sub.access).await;
    assert_eq!(r.headers()["content-type"], "application/pkcs7-signature");
    let p7s_a = r.bytes().await.unwrap().to_vec();
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(dir.path().join("a.bin"), &a).unwrap();
    std::fs::write(dir.path().join("a.p7s"), &p7s_a).unwrap();
    let (ok, out) = cms_verify_detached(dir.path(), "a.p7s", "a.bin", &["-cades"]);
    assert!(ok, "{out}");
    let report = engine(&app, &p7s_a, Some(&a)).await;
    assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");
    assert_eq!(report.signers[0].level, "CAdES-T");
    assert_eq!(report.signers[0].time_source, TimeSource::TimeStamp);

    // B: attached CAdES-BES; openssl takes the content out of it.
    let r = sign(
        &app,
        &sub,
        json!({"credential": credential, "sad": sad, "documents": [idb], "format": "attached"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let made: Value = r.json().await.unwrap();
    assert_eq!(
        (made[0]["format"].as_str(), made[0]["level"].as_str()),
        (Some("attached"), Some("bes"))
    );
    let sid = made[0]["id"].as_str().unwrap();
    let r = get_as(&app, &format!("/api/v1/signatures/{sid}/p7s"), &sub.access).await;
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/pkcs7-mime")
    );
    let p7s_b = r.bytes().await.unwrap().to_vec();
    std::fs::write(dir.path().join("b.p7s"), &p7s_b).unwrap();
    let out = openssl(
        dir.path(),
        &[
            "cms", "-verify", "-binary", "-inform", "DER", "-in", "b.p7s", "-CAfile", "root.pem",
            "-cades", "-out", "b.out",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(dir.path().join("b.out")).unwrap(), b);
    let report = engine(&app, &p7s_b, None).await;
    assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");
    assert!(report.attached);

    // The SAD covered two documents and is spent.
    let r = sign(
        &app,
        &sub,
        json!({"credential": credential, "sad": sad, "documents": [idb]}),
    )
    .await;
    assert_eq!(problem(r).await.1, "sad-refused");
}

#[tokio::test]
async fn document_signing_refusals() {
    let app = spawn_with(|_| {}).await;
    let (sub, credential) = holder(&app, "Madrid").await;
    let other = subscriber(&app).await;
    let mine = upload(&app, &sub, "mine.txt", b"mine").await;
    let theirs = upload(&app, &other, "theirs.txt", b"theirs").await;
    let (idm, idt) = (mine["id"].as_str().unwrap(), theirs["id"].as_str().unwrap());
    let confirm = |body: Value| {
        let (app, sub, credential) = (&app, &sub, &credential);
        async move {
            post_as(
                app,
                &format!("/api/v1/credentials/{credential}/confirmation"),
                &sub.access,
                body,
            )
            .await
        }
    };
    let hash = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        Sha256::digest(b"mine"),
    );
    for (body, status, why) in [
        (json!({"documents": [idt]}), 404, "not found"),
        (json!({"documents": ["nope"]}), 404, "not found"),
        (json!({"documents": [idm, idm]}), 400, "named twice"),
        (json!({"documents": []}), 400, "1 to 1000 documents"),
        (
            json!({"documents": [idm], "hash_algorithm": "sha256", "hashes": [&hash]}),
            400,
            "either",
        ),
        (json!({"hash_algorithm": "sha256"}), 400, "either"),
    ] {
        let (s, _, p) = problem(confirm(body.clone()).await).await;
        assert_eq!(s, status, "{body}");
        assert!(
            p["detail"].as_str().unwrap_or("not found").contains(why),
            "{p}"
        );
    }

    // Signed as a hash or as the document: the same SHA-256, so one SAD serves either.
    let sad = authorise_documents(&app, &sub, &credential, &[idm]).await;
    for (body, status, why) in [
        (
            json!({"credential": credential, "sad": sad, "documents": [idm], "level": "x"}),
            400,
            "level is",
        ),
        (
            json!({"credential": credential, "sad": sad, "documents": [idm], "format": "raw", "level": "t"}),
            400,
            "time-stamp",
        ),
        (
            json!({"credential": credential, "sad": sad, "hash_algorithm": "sha256", "hashes": [&hash], "format": "attached"}),
            400,
            "carries its document",
        ),
        (
            json!({"credential": credential, "sad": sad, "documents": [idt]}),
            404,
            "not found",
        ),
    ] {
        let (s, _, p) = problem(sign(&app, &sub, body.clone()).await).await;
        assert_eq!(s, status, "{body}");
        assert!(
            p["detail"].as_str().unwrap_or("not found").contains(why),
            "{p}"
        );
    }
    let r = sign(
        &app,
        &other,
        json!({"credential": credential, "sad": sad, "documents": [idm]}),
    )
    .await;
    assert_eq!(problem(r).await.0, 404, "another holder");
    let r = sign(
        &app,
        &sub,
        json!({"credential": credential, "sad": sad, "hash_algorithm": "sha256", "hashes": [&hash], "format": "raw"}),
    )
    .await;
    assert_eq!(r.status(), 201, "the refusals spent nothing");
    let made: Value = r.json().await.unwrap();
    assert_eq!(made[0]["document"], Value::Null, "signed as a bare hash");
}
