//! TOTP enrolment and login, SMS-only login, and password reset.

use crate::support::accounts::*;
use crate::support::{ManualClock, spawn, spawn_with_clock};
use cloudseal::clock::Clock;
use serde_json::{Value, json};
use std::sync::Arc;

#[tokio::test]
async fn totp_enrolment_then_login_with_totp_and_recovery_codes() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = spawn_with_clock(clock.clone()).await;
    let s = subscriber(&app).await;

    let (status, _, _) = problem(
        post_as(
            &app,
            "/api/v1/me/totp",
            &s.access,
            json!({"password": "wrong guess!"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 401, "enrolment asks the password again");
    let (status, _, _) = problem(
        post_as(
            &app,
            "/api/v1/me/totp/confirm",
            &s.access,
            json!({"code": "123456"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 409, "nothing to confirm yet");

    let r = post_as(
        &app,
        "/api/v1/me/totp",
        &s.access,
        json!({"password": PASSWORD}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let e: Value = r.json().await.unwrap();
    let secret = e["secret"].as_str().unwrap().to_owned();
    assert!(
        e["otpauth_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/cloudseal:")
    );
    assert!(e["qr_svg"].as_str().unwrap().starts_with("<svg"));
    let sealed: Vec<u8> = app
        .owner()
        .await
        .query_one(
            "SELECT totp_sealed FROM accounts WHERE id = $1::text::uuid",
            &[&s.person.id],
        )
        .await
        .unwrap()
        .get(0);
    let raw = totp_rs::Secret::Encoded(secret.clone()).to_bytes().unwrap();
    assert!(
        !sealed.windows(raw.len()).any(|w| w == raw.as_slice()),
        "the seed is stored sealed"
    );

    let before: Value = password_step(&app, &s.person.email, PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        before["factor"], "sms",
        "an unconfirmed enrolment does not count"
    );

    let (status, _, _) = problem(
        post_as(
            &app,
            "/api/v1/me/totp/confirm",
            &s.access,
            json!({"code": "000000"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 401);
    let r = post_as(
        &app,
        "/api/v1/me/totp/confirm",
        &s.access,
        json!({"code": totp_code(&secret, clock.now())}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let codes: Value = r.json().await.unwrap();
    let recovery: Vec<String> = codes["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);

    clock.advance(chrono::TimeDelta::seconds(30));
    let body: Value = password_step(&app, &s.person.email, PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["factor"], "totp");
    assert!(body["sent_to"].is_null());
    let code = totp_code(&secret, clock.now());
    let r = verify(&app, &body["challenge"], &code).await;
    assert_eq!(r.status(), 200);
    let session: Value = r.json().await.unwrap();
    assert_eq!(session["amr"], json!(["pwd", "otp"]));

    let body: Value = password_step(&app, &s.person.email, PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let (status, slug, _) = problem(verify(&app, &body["challenge"], &code).await).await;
    assert_eq!(
        (status, slug.as_str()),
        (401, "invalid-code"),
        "a TOTP code works once"
    );
    let sms = outbox(&app, &s.person.phone).await.len();

    let r = verify(&app, &body["challenge"], &recovery[0].to_uppercase()).await;
    assert_eq!(r.status(), 200, "a recovery code stands in for the app");
    let body: Value = password_step(&app, &s.person.email, PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let (status, _, _) = problem(verify(&app, &body["challenge"], &recovery[0]).await).await;
    assert_eq!(status, 401, "a recovery code works once");
    assert_eq!(
        outbox(&app, &s.person.phone).await.len(),
        sms,
        "no SMS for TOTP logins"
    );
}

#[tokio::test]
async fn sms_only_login_for_subscribers_who_choose_it() {
    let app = spawn().await;
    let s = subscriber(&app).await;
    let body: Value = post(
        &app,
        "/api/v1/auth/sms-login",
        json!({"phone": s.person.phone}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(
        body["challenge"].is_string(),
        "the answer looks the same before opting in"
    );
    let sent = outbox(&app, &s.person.phone).await.len();
    let (status, _, _) = problem(verify(&app, &body["challenge"], "123456").await).await;
    assert_eq!(status, 401);

    let r = app
        .http
        .put(app.url("/api/v1/me/sms-login"))
        .bearer_auth(&s.access)
        .json(&json!({"enabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let body: Value = post(
        &app,
        "/api/v1/auth/sms-login",
        json!({"phone": s.person.phone}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(outbox(&app, &s.person.phone).await.len(), sent + 1);
    let code = last_code(&app, &s.person.phone).await;
    let again = post(
        &app,
        "/api/v1/auth/sms-login",
        json!({"phone": s.person.phone}),
    )
    .await;
    assert_eq!(again.status(), 200);
    assert_eq!(
        outbox(&app, &s.person.phone).await.len(),
        sent + 1,
        "no second SMS within the pause"
    );
    let r = verify(&app, &body["challenge"], &code).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["amr"], json!(["sms"]));

    let (_, unknown_phone) = contact();
    let r = post(
        &app,
        "/api/v1/auth/sms-login",
        json!({"phone": unknown_phone}),
    )
    .await;
    assert_eq!(r.status(), 200, "an unknown number gets the same answer");
    assert!(outbox(&app, &unknown_phone).await.is_empty());
    let (status, _, _) =
        problem(post(&app, "/api/v1/auth/sms-login", json!({"phone": "12345"})).await).await;
    assert_eq!(status, 400);

    let staff = member(&app, "auditor", None).await;
    let r = app
        .http
        .put(app.url("/api/v1/me/sms-login"))
        .bearer_auth(&staff.access)
        .json(&json!({"enabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 403, "staff always use two factors");
}

#[tokio::test]
async fn password_reset_by_emailed_link_ends_every_session() {
    let app = spawn().await;
    let s = subscriber(&app).await;
    let r = post(
        &app,
        "/api/v1/auth/password-reset",
        json!({"email": "nobody@example.org"}),
    )
    .await;
    assert_eq!(r.status(), 202, "the same answer for an unknown address");
    assert!(outbox(&app, "nobody@example.org").await.is_empty());
    let r = post(
        &app,
        "/api/v1/auth/password-reset",
        json!({"email": s.person.email}),
    )
    .await;
    assert_eq!(r.status(), 202);
    let token = last_link_token(&app, &s.person.email).await;

    let (status, _, _) = problem(
        post(
            &app,
            "/api/v1/auth/password-reset/confirm",
            json!({"token": token, "new_password": "short"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        status, 400,
        "the policy applies, and the link survives a refusal"
    );
    let r = post(
        &app,
        "/api/v1/auth/password-reset/confirm",
        json!({"token": token, "new_password": "another long password"}),
    )
    .await;
    assert_eq!(r.status(), 204);
    let (status, slug, _) = problem(get_as(&app, "/api/v1/me", &s.access).await).await;
    assert_eq!(
        (status, slug.as_str()),
        (401, "invalid-token"),
        "sessions ended"
    );
    let (status, slug, _) = problem(
        post(
            &app,
            "/api/v1/auth/password-reset/confirm",
            json!({"token": token, "new_password": "yet another password"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, slug.as_str()), (410, "invalid-link"));
    assert_eq!(
        password_step(&app, &s.person.email, "another long password")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn email_and_phone_changes_take_effect_only_once_reverified() {
    let app = spawn().await;
    let s = subscriber(&app).await;
    let (new_email, new_phone) = contact();
    let (status, _, _) = problem(
        post_as(
            &app,
            "/api/v1/me/email",
            &s.access,
            json!({"password": "wrong guess!", "value": new_email}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 401, "the password is asked again");
    let (status, _, _) = problem(
        post_as(
            &app,
            "/api/v1/me/email",
            &s.access,
            json!({"password": PASSWORD, "value": "nope"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
    let r = post_as(
        &app,
        "/api/v1/me/email",
        &s.access,
        json!({"password": PASSWORD, "value": new_email}),
    )
    .await;
    assert_eq!(r.status(), 202);
    let me: Value = get_as(&app, "/api/v1/me", &s.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        me["email"], s.person.email,
        "nothing changes before the link is followed"
    );
    let token = last_link_token(&app, &new_email).await;
    let r = app
        .http
        .get(app.url(&format!(
            "/api/v1/accounts/email-confirmation?token={token}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let me: Value = get_as(&app, "/api/v1/me", &s.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], new_email);

    let r = post_as(
        &app,
        "/api/v1/me/phone",
        &s.access,
        json!({"password": PASSWORD, "value": new_phone}),
    )
    .await;
    assert_eq!(r.status(), 202);
    let challenge: Value = r.json().await.unwrap();
    let me: Value = get_as(&app, "/api/v1/me", &s.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["phone"], s.person.phone);
    let (status, _, _) = problem(
        post(
            &app,
            "/api/v1/accounts/phone-confirmation",
            json!({"challenge": challenge["challenge"], "code": "000000x"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 401);
    let code = last_code(&app, &new_phone).await;
    let r = post(
        &app,
        "/api/v1/accounts/phone-confirmation",
        json!({"challenge": challenge["challenge"], "code": code}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let me: Value = get_as(&app, "/api/v1/me", &s.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["phone"], new_phone);
    let body: Value = password_step(&app, &new_email, PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        body["sent_to"]
            .as_str()
            .unwrap()
            .ends_with(&new_phone[new_phone.len() - 2..])
    );
}
