//! Reissue: authorised by the current key's PIN and the second factor; the new certificate is
//! active and the old one revoked as superseded at once; after expiry, refused.

use crate::support::accounts::{get_as, login, post_as, subscriber};
use crate::support::pki::{openssl_net, openssl_verify_chain, write_chain};
use crate::support::registration::*;
use crate::support::{ManualClock, spawn, spawn_with_clock};
use serde_json::{Value, json};
use std::sync::Arc;

#[tokio::test]
async fn a_valid_certificate_is_reissued_with_a_new_key_and_the_old_one_superseded() {
    let app = spawn().await;
    let point = desk(&app, "Nicosia").await;
    let op = officer(&app, point).await;
    let sub = subscriber(&app).await;
    let other = subscriber(&app).await;
    let (_, old) = active_certificate(&app, &sub, &op, point).await;
    let cid = old["id"].as_str().unwrap();
    let path = format!("/api/v1/me/certificates/{cid}/reissue");

    let r = post_as(
        &app,
        &format!("{path}/confirmation"),
        &other.access,
        json!({}),
    )
    .await;
    assert_eq!(refused(r).await.0, 404, "another holder's certificate");
    let (handle, code) = confirmation(&app, &sub, &format!("{path}/confirmation")).await;
    let sms = crate::support::accounts::outbox(&app, &sub.person.phone).await;
    assert!(sms[0].contains("reissue certificate"), "{}", sms[0]);
    let r = post_as(
        &app,
        &path,
        &sub.access,
        json!({"pin": "wrong-pin-1", "confirmation": handle, "code": code}),
    )
    .await;
    assert_eq!(
        refused(r).await,
        (401, "wrong-pin".into()),
        "the current key's PIN is checked"
    );
    let (handle, code) = confirmation(&app, &sub, &format!("{path}/confirmation")).await;
    let r = post_as(
        &app,
        &path,
        &sub.access,
        json!({"pin": PIN, "confirmation": handle, "code": "000000"}),
    )
    .await;
    assert_eq!(refused(r).await, (401, "invalid-code".into()));
    let _ = code;
    let (handle, code) = confirmation(&app, &sub, &format!("{path}/confirmation")).await;
    let r = post_as(
        &app,
        &path,
        &sub.access,
        json!({"pin": PIN, "new_pin": "tundra-4826", "confirmation": handle, "code": code}),
    )
    .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let new: Value = r.json().await.unwrap();
    assert_eq!(new["status"], "active");
    assert_eq!(new["replaces"], old["id"]);
    assert_ne!(new["key_id"], old["key_id"], "a new key");
    assert_ne!(new["serial"], old["serial"]);

    let v: Value = get_as(&app, &format!("/api/v1/me/certificates/{cid}"), &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "revoked");
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(dir.path().join("old.pem"), old["pem"].as_str().unwrap()).unwrap();
    std::fs::write(dir.path().join("new.pem"), new["pem"].as_str().unwrap()).unwrap();
    openssl_verify_chain(dir.path(), "new.pem");
    let (ok_, text) = openssl_net(
        dir.path(),
        &[
            "ocsp",
            "-issuer",
            "issuing.pem",
            "-cert",
            "old.pem",
            "-cert",
            "new.pem",
            "-url",
            &app.url("/ocsp"),
            "-CAfile",
            "root.pem",
        ],
    )
    .await;
    assert!(ok_, "{text}");
    assert!(text.contains("old.pem: revoked"), "{text}");
    assert!(text.contains("Reason: superseded"), "{text}");
    assert!(text.contains("new.pem: good"), "{text}");

    // The superseded certificate cannot be reissued again.
    let r = post_as(
        &app,
        &format!("{path}/confirmation"),
        &sub.access,
        json!({}),
    )
    .await;
    assert_eq!(refused(r).await.0, 409);
}

#[tokio::test]
async fn an_expired_certificate_is_not_reissued_a_new_application_is_needed() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = spawn_with_clock(clock.clone()).await;
    let point = desk(&app, "Podgorica").await;
    let op = officer(&app, point).await;
    let sub = subscriber(&app).await;
    let (_, cert) = active_certificate(&app, &sub, &op, point).await;
    let cid = cert["id"].as_str().unwrap();
    clock.advance(chrono::TimeDelta::days(400));
    let sub = login(&app, &sub.person).await;
    let v: Value = get_as(&app, &format!("/api/v1/me/certificates/{cid}"), &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "expired");
    let r = post_as(
        &app,
        &format!("/api/v1/me/certificates/{cid}/reissue/confirmation"),
        &sub.access,
        json!({}),
    )
    .await;
    let (status, _, body) = crate::support::accounts::problem(r).await;
    assert_eq!(status, 409);
    assert!(
        body["detail"].as_str().unwrap().contains("new application"),
        "{body}"
    );
}
