//! The activation marker (wrong, locked, expired, resent), the second factor at activation,
//! revocation by the holder and by an operator as openssl sees it, and payment notifications.

use crate::support::accounts::{get_as, login, post_as, problem, subscriber};
use crate::support::pki::{openssl_net, openssl_ok, write_chain};
use crate::support::registration::*;
use crate::support::{ManualClock, spawn, spawn_with, spawn_with_clock};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use std::sync::Arc;

#[tokio::test]
async fn wrong_markers_count_lock_after_five_and_a_resent_marker_replaces_the_old() {
    let app = spawn().await;
    let (sub, op, id) = identified(&app, "Porto").await;
    let good = marker(&app, &sub.person.phone).await;
    let path = format!("/api/v1/applications/{id}/activate");
    for i in 1..=5 {
        let r = post_as(
            &app,
            &path,
            &sub.access,
            json!({"marker": "AAAAA-AAAAA", "pin": PIN, "confirmation": "x", "code": "000000"}),
        )
        .await;
        let expect = if i < 5 {
            (401, "invalid-marker")
        } else {
            (429, "marker-locked")
        };
        let got = refused(r).await;
        assert_eq!((got.0, got.1.as_str()), expect, "try {i}");
    }
    let r = post_as(
        &app,
        &path,
        &sub.access,
        json!({"marker": good, "pin": PIN, "confirmation": "x", "code": "000000"}),
    )
    .await;
    assert_eq!(
        refused(r).await.0,
        429,
        "even the right marker is locked out"
    );

    // Another person cannot even see the application, let alone resend.
    let r = post_as(
        &app,
        &format!("/api/v1/desk/applications/{id}/marker"),
        &sub.access,
        json!({}),
    )
    .await;
    assert_eq!(refused(r).await.0, 403);
    ok(
        &app,
        &format!("/api/v1/desk/applications/{id}/marker"),
        &op.access,
        json!({}),
    )
    .await;
    let fresh = marker(&app, &sub.person.phone).await;
    assert_ne!(fresh, good);
    let r = post_as(
        &app,
        &path,
        &sub.access,
        json!({"marker": good, "pin": PIN, "confirmation": "x", "code": "000000"}),
    )
    .await;
    assert_eq!(refused(r).await.0, 401, "the old marker stopped working");

    // The right marker with a wrong second factor does not activate, nor spend the marker.
    let r = post_as(
        &app,
        &format!("/api/v1/applications/{id}/activation/confirmation"),
        &sub.access,
        json!({}),
    )
    .await;
    let c: Value = r.json().await.unwrap();
    let sms = crate::support::accounts::outbox(&app, &sub.person.phone).await;
    assert!(
        sms[0].contains("activate the certificate of application"),
        "the SMS names the act: {}",
        sms[0]
    );
    let r = post_as(
        &app,
        &path,
        &sub.access,
        json!({"marker": fresh, "pin": PIN, "confirmation": c["confirmation"], "code": "000000"}),
    )
    .await;
    assert_eq!(refused(r).await, (401, "invalid-code".into()));
    // A weak PIN is refused before anything is created.
    let r = activate(&app, &sub, &id, &fresh, Some("111111")).await;
    assert_eq!(refused(r).await, (400, "weak-pin".into()));
    let r = activate(&app, &sub, &id, &fresh.to_lowercase(), Some(PIN)).await;
    assert_eq!(
        r.status(),
        201,
        "markers are read without case: {}",
        r.text().await.unwrap()
    );
}

#[tokio::test]
async fn a_marker_expires_after_its_life() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = spawn_with_clock(clock.clone()).await;
    let (sub, _op, id) = identified(&app, "Vilnius").await;
    let m = marker(&app, &sub.person.phone).await;
    clock.advance(chrono::TimeDelta::hours(73));
    let sub = login(&app, &sub.person).await;
    let r = post_as(
        &app,
        &format!("/api/v1/applications/{id}/activate"),
        &sub.access,
        json!({"marker": m, "pin": PIN, "confirmation": "x", "code": "000000"}),
    )
    .await;
    assert_eq!(refused(r).await, (401, "invalid-marker".into()));
}

#[tokio::test]
async fn a_holder_revokes_with_the_second_factor_and_crl_and_ocsp_show_it_at_once() {
    let app = spawn().await;
    let point = desk(&app, "Tallinn").await;
    let op = officer(&app, point).await;
    let sub = subscriber(&app).await;
    let other = subscriber(&app).await;
    let (_, cert) = active_certificate(&app, &sub, &op, point).await;
    let cid = cert["id"].as_str().unwrap();

    let r = get_as(
        &app,
        &format!("/api/v1/me/certificates/{cid}"),
        &other.access,
    )
    .await;
    assert_eq!(refused(r).await.0, 404, "another holder's certificate");
    let r = post_as(
        &app,
        &format!("/api/v1/me/certificates/{cid}/revocation/confirmation"),
        &other.access,
        json!({}),
    )
    .await;
    assert_eq!(refused(r).await.0, 404);

    let (handle, code) = confirmation(
        &app,
        &sub,
        &format!("/api/v1/me/certificates/{cid}/revocation/confirmation"),
    )
    .await;
    let r = post_as(
        &app,
        &format!("/api/v1/me/certificates/{cid}/revoke"),
        &sub.access,
        json!({"reason": "keyCompromise", "confirmation": handle, "code": "999999"}),
    )
    .await;
    assert_eq!(refused(r).await.0, 401, "wrong code");
    let (handle, code2) = confirmation(
        &app,
        &sub,
        &format!("/api/v1/me/certificates/{cid}/revocation/confirmation"),
    )
    .await;
    assert_ne!(code, code2);
    let v = ok(
        &app,
        &format!("/api/v1/me/certificates/{cid}/revoke"),
        &sub.access,
        json!({"reason": "keyCompromise", "confirmation": handle, "code": code2}),
    )
    .await;
    assert_eq!(v["status"], "revoked");

    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(dir.path().join("leaf.pem"), cert["pem"].as_str().unwrap()).unwrap();
    let crl = app
        .http
        .get(app.url("/pki/crl/issuing.crl"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    std::fs::write(dir.path().join("issuing.crl"), crl).unwrap();
    let text = openssl_ok(
        dir.path(),
        &[
            "crl",
            "-inform",
            "DER",
            "-in",
            "issuing.crl",
            "-noout",
            "-text",
        ],
    );
    let serial = cert["serial"].as_str().unwrap().to_uppercase();
    assert!(text.contains(&serial), "the CRL lists {serial}: {text}");
    let (ok_, text) = openssl_net(
        dir.path(),
        &[
            "ocsp",
            "-issuer",
            "issuing.pem",
            "-cert",
            "leaf.pem",
            "-url",
            &app.url("/ocsp"),
            "-CAfile",
            "root.pem",
        ],
    )
    .await;
    assert!(ok_, "{text}");
    assert!(text.contains("leaf.pem: revoked"), "{text}");

    let (handle, code) = confirmation(
        &app,
        &sub,
        &format!("/api/v1/me/certificates/{cid}/revocation/confirmation"),
    )
    .await;
    let r = post_as(
        &app,
        &format!("/api/v1/me/certificates/{cid}/revoke"),
        &sub.access,
        json!({"confirmation": handle, "code": code}),
    )
    .await;
    assert_eq!(refused(r).await.0, 409, "already revoked");
}

#[tokio::test]
async fn an_operator_revokes_with_a_reason_only_on_their_point() {
    let app = spawn().await;
    let point = desk(&app, "Sofia").await;
    let op = officer(&app, point).await;
    let sub = subscriber(&app).await;
    let (id, cert) = active_certificate(&app, &sub, &op, point).await;
    let cid = cert["id"].as_str().unwrap();
    let there = app
        .identity
        .create_point_of_issue(
            "Elsewhere",
            "Georgia",
            "",
            cloudseal::audit::AuditEvent::system("x"),
        )
        .await
        .unwrap()
        .id;
    let stranger = operator(&app, there).await;
    let path = format!("/api/v1/desk/applications/{id}/certificates/{cid}/revoke");
    let r = post_as(
        &app,
        &path,
        &stranger.access,
        json!({"reason": "superseded", "note": "x"}),
    )
    .await;
    assert_eq!(refused(r).await.0, 404);
    // Nor through an application of their own point naming someone else's certificate.
    let neighbour = subscriber(&app).await;
    let own = file(&app, &neighbour, "simple-cloud", there, individual()).await;
    let own_id = own["id"].as_str().unwrap();
    let r = post_as(
        &app,
        &format!("/api/v1/desk/applications/{own_id}/certificates/{cid}/revoke"),
        &stranger.access,
        json!({"reason": "superseded", "note": "x"}),
    )
    .await;
    assert_eq!(refused(r).await.0, 404);
    let v: Value = get_as(&app, &format!("/api/v1/me/certificates/{cid}"), &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "active", "nothing was revoked");
    let r = post_as(
        &app,
        &path,
        &op.access,
        json!({"reason": "bored", "note": "x"}),
    )
    .await;
    assert_eq!(refused(r).await.0, 400);
    let r = post_as(
        &app,
        &path,
        &op.access,
        json!({"reason": "affiliationChanged", "note": ""}),
    )
    .await;
    assert_eq!(refused(r).await.0, 400);
    let r = post_as(
        &app,
        &path,
        &op.access,
        json!({"reason": "affiliationChanged", "note": "left the company"}),
    )
    .await;
    assert_eq!(r.status(), 204);
    let v: Value = get_as(&app, &format!("/api/v1/me/certificates/{cid}"), &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "revoked");
    assert_eq!(v["revocation_reason"], "left the company");
    assert_eq!(v["revocation_code"], "affiliationChanged");
}

fn signed(secret: &str, ts: i64, body: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{ts}.{body}").as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[tokio::test]
async fn a_signed_payment_notification_marks_the_invoice_paid_once() {
    let app = spawn_with(|c| {
        c.registration.payment_webhook_secret = Some(cloudseal::config::Secret::new("whsec-test"))
    })
    .await;
    let point = desk(&app, "Baku").await;
    let op = operator(&app, point).await;
    let sub = subscriber(&app).await;
    let a = file(&app, &sub, "simple-cloud", point, individual()).await;
    let id = a["id"].as_str().unwrap();
    ok(
        &app,
        &format!("/api/v1/desk/applications/{id}/accept"),
        &op.access,
        json!({}),
    )
    .await;
    let invoice = a["invoice_number"].as_i64().unwrap();
    let notify = |body: String, ts: i64, sig: String| {
        let app = &app;
        async move {
            app.http
                .post(app.url("/api/v1/payments/notifications"))
                .header("content-type", "application/json")
                .header("x-cloudseal-timestamp", ts.to_string())
                .header("x-cloudseal-signature", sig)
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let now = chrono::Utc::now().timestamp();
    let body = json!({"invoice_number": invoice, "amount_minor": 150000, "currency": "RUB", "reference": "pay-1"}).to_string();
    let r = notify(body.clone(), now, signed("wrong-secret", now, &body)).await;
    assert_eq!(refused(r).await, (401, "invalid-signature".into()));
    let r = notify(
        body.clone(),
        now - 3600,
        signed("whsec-test", now - 3600, &body),
    )
    .await;
    assert_eq!(refused(r).await.0, 401, "outside the replay window");
    let cheap = json!({"invoice_number": invoice, "amount_minor": 100, "currency": "RUB", "reference": "pay-0"}).to_string();
    let r = notify(cheap.clone(), now, signed("whsec-test", now, &cheap)).await;
    assert_eq!(refused(r).await.0, 409, "the wrong amount");
    let r = notify(body.clone(), now, signed("whsec-test", now, &body)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["recorded"], true);
    let r = notify(body.clone(), now, signed("whsec-test", now, &body)).await;
    assert_eq!(
        r.json::<Value>().await.unwrap()["recorded"],
        false,
        "a retry changes nothing"
    );
    let v: Value = get_as(&app, &format!("/api/v1/applications/{id}"), &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "awaiting_request");
    assert!(v["paid_at"].is_string());
    let last = v["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["actor_kind"], "system");
    let unknown =
        json!({"invoice_number": 1, "amount_minor": 1, "currency": "RUB", "reference": "p"})
            .to_string();
    let r = notify(unknown.clone(), now, signed("whsec-test", now, &unknown)).await;
    assert_eq!(refused(r).await.0, 404);
    let (status, _, _) =
        problem(notify("{".into(), now, signed("whsec-test", now, "{")).await).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn without_a_configured_secret_every_payment_notification_is_refused() {
    let app = spawn().await;
    let body = json!({"invoice_number": 1, "amount_minor": 1, "currency": "RUB", "reference": "p"})
        .to_string();
    let now = chrono::Utc::now().timestamp();
    let r = app
        .http
        .post(app.url("/api/v1/payments/notifications"))
        .header("x-cloudseal-timestamp", now.to_string())
        .header("x-cloudseal-signature", signed("", now, &body))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused(r).await.0, 401);
}
