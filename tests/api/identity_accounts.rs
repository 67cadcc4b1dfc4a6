//! Registration, confirmation and login through HTTP, with every refusal on the way.

use crate::support::accounts::*;
use crate::support::{ManualClock, spawn, spawn_with_clock};
use serde_json::{Value, json};
use std::sync::Arc;

#[tokio::test]
async fn register_confirm_and_log_in_with_the_sms_factor() {
    let app = spawn().await;
    let s = subscriber(&app).await;
    let r = get_as(&app, "/api/v1/me", &s.access).await;
    assert_eq!(r.status(), 200);
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["email"], s.person.email);
    assert_eq!(me["role"], "subscriber");
    assert_eq!(me["email_confirmed"], true);
    assert_eq!(me["phone_confirmed"], true);
    assert_eq!(me["surname"], "Иванова");
    let sessions: Value = get_as(&app, "/api/v1/me/sessions", &s.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sessions.as_array().unwrap().len(), 1);
    assert_eq!(sessions[0]["current"], true);
    assert_eq!(sessions[0]["amr"], json!(["pwd", "sms"]));
    let actions: Vec<String> = app
        .owner()
        .await
        .query(
            "SELECT action FROM audit_entries WHERE actor_id = $1 ORDER BY pos",
            &[&s.person.id],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for a in [
        "account.register",
        "account.confirm_email",
        "account.confirm_phone",
        "auth.password",
        "auth.login",
    ] {
        assert!(
            actions.iter().any(|x| x == a),
            "{a} missing from {actions:?}"
        );
    }
    let stored: String = app
        .owner()
        .await
        .query_one(
            "SELECT password_hash FROM accounts WHERE email = $1",
            &[&s.person.email],
        )
        .await
        .unwrap()
        .get(0);
    assert!(stored.starts_with("$argon2id$"), "{stored}");
}

#[tokio::test]
async fn registration_refuses_bad_fields_and_taken_contacts() {
    let app = spawn().await;
    let (email, phone) = contact();
    for (field, value) in [
        ("email", "not-an-email"),
        ("phone", "0151 1234567"),
        ("country", "Germany"),
        ("surname", "R2D2"),
        ("password", "short"),
    ] {
        let mut body = registration(&email, &phone);
        body[field] = json!(value);
        let (status, slug, p) = problem(post(&app, "/api/v1/accounts", body).await).await;
        assert_eq!(
            (status, slug.as_str()),
            (400, "bad-request"),
            "{field}: {p}"
        );
    }
    let mut body = registration(&email, &phone);
    body["role"] = json!("admin");
    let (status, _, _) = problem(post(&app, "/api/v1/accounts", body).await).await;
    assert_eq!(status, 400, "unknown fields are refused, not ignored");

    assert_eq!(
        post(&app, "/api/v1/accounts", registration(&email, &phone))
            .await
            .status(),
        201
    );
    let (other_email, other_phone) = contact();
    let (status, slug, _) = problem(
        post(
            &app,
            "/api/v1/accounts",
            registration(&email.to_uppercase(), &other_phone),
        )
        .await,
    )
    .await;
    assert_eq!((status, slug.as_str()), (409, "email-taken"));
    let (status, slug, _) =
        problem(post(&app, "/api/v1/accounts", registration(&other_email, &phone)).await).await;
    assert_eq!((status, slug.as_str()), (409, "phone-taken"));
}

#[tokio::test]
async fn login_refusals_do_not_tell_whether_an_account_exists() {
    let app = spawn().await;
    let (email, phone) = contact();
    assert_eq!(
        post(&app, "/api/v1/accounts", registration(&email, &phone))
            .await
            .status(),
        201
    );

    let (s1, slug1, b1) = problem(password_step(&app, &email, "wrong password!").await).await;
    let (s2, slug2, b2) = problem(password_step(&app, "nobody@example.org", PASSWORD).await).await;
    assert_eq!((s1, slug1.as_str()), (401, "invalid-credentials"));
    assert_eq!((s2, &slug2), (s1, &slug1));
    assert_eq!(b1["detail"], b2["detail"]);

    let (status, slug, _) = problem(password_step(&app, &email, PASSWORD).await).await;
    assert_eq!(
        (status, slug.as_str()),
        (403, "not-confirmed"),
        "right password, unconfirmed"
    );
    let (status, _, _) = problem(password_step(&app, "neither", PASSWORD).await).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn wrong_passwords_lock_the_login_until_an_admin_unlocks_it() {
    let app = spawn().await;
    let admin = member(&app, "admin", None).await;
    let person = registered(&app).await;
    for attempt in 1..=4 {
        let (status, slug, _) =
            problem(password_step(&app, &person.email, "wrong password!").await).await;
        assert_eq!(
            (status, slug.as_str()),
            (401, "invalid-credentials"),
            "attempt {attempt}"
        );
    }
    let r = password_step(&app, &person.email, "wrong password!").await;
    assert!(r.headers().get("retry-after").is_some());
    let (status, slug, _) = problem(r).await;
    assert_eq!(
        (status, slug.as_str()),
        (429, "locked"),
        "the fifth wrong password locks"
    );
    let (status, slug, _) = problem(password_step(&app, &person.email, PASSWORD).await).await;
    assert_eq!(
        (status, slug.as_str()),
        (429, "locked"),
        "even the right password waits"
    );

    let locks: i64 = app
        .owner()
        .await
        .query_one(
            "SELECT count(*) FROM audit_entries WHERE action = 'auth.lock'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(locks, 1);

    let subscriber = subscriber(&app).await;
    let r = app
        .http
        .delete(app.url(&format!("/api/v1/admin/accounts/{}/lock", person.id)))
        .bearer_auth(&subscriber.access)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 403, "a subscriber cannot unlock");
    let r = app
        .http
        .delete(app.url(&format!("/api/v1/admin/accounts/{}/lock", person.id)))
        .bearer_auth(&admin.access)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["was_locked"], true);
    login(&app, &person).await;
}

#[tokio::test]
async fn wrong_and_expired_sms_codes_are_refused_and_lock() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = spawn_with_clock(clock.clone()).await;
    let person = registered(&app).await;

    let body: Value = password_step(&app, &person.email, PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let code = last_code(&app, &person.phone).await;
    clock.advance(chrono::TimeDelta::seconds(301));
    let (status, slug, _) = problem(verify(&app, &body["challenge"], &code).await).await;
    assert_eq!(
        (status, slug.as_str()),
        (401, "invalid-code"),
        "an expired code"
    );

    let body: Value = password_step(&app, &person.email, PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let right = last_code(&app, &person.phone).await;
    let wrong = if right == "000000" {
        "000001"
    } else {
        "000000"
    };
    // The expired code was the first wrong answer counted against the account.
    for attempt in 2..=4 {
        let (status, slug, _) = problem(verify(&app, &body["challenge"], wrong).await).await;
        assert_eq!(
            (status, slug.as_str()),
            (401, "invalid-code"),
            "attempt {attempt}"
        );
    }
    let (status, slug, _) = problem(verify(&app, &body["challenge"], wrong).await).await;
    assert_eq!((status, slug.as_str()), (429, "locked"));
    let (status, slug, _) = problem(verify(&app, &body["challenge"], &right).await).await;
    assert_eq!(
        (status, slug.as_str()),
        (429, "locked"),
        "locked even for the right code"
    );

    clock.advance(chrono::TimeDelta::minutes(16));
    login(&app, &person).await;
}

#[tokio::test]
async fn a_code_is_resent_only_after_a_pause_and_replaces_the_old_one() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = spawn_with_clock(clock.clone()).await;
    let person = registered(&app).await;
    let body: Value = password_step(&app, &person.email, PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let first = last_code(&app, &person.phone).await;
    let (status, slug, _) = problem(
        post(
            &app,
            "/api/v1/auth/codes/resend",
            json!({"challenge": body["challenge"]}),
        )
        .await,
    )
    .await;
    assert_eq!((status, slug.as_str()), (429, "resend-refused"));
    clock.advance(chrono::TimeDelta::seconds(61));
    let r = post(
        &app,
        "/api/v1/auth/codes/resend",
        json!({"challenge": body["challenge"]}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let second = last_code(&app, &person.phone).await;
    if first != second {
        let (status, _, _) = problem(verify(&app, &body["challenge"], &first).await).await;
        assert_eq!(status, 401, "the first code no longer works");
    }
    let r = verify(&app, &body["challenge"], &second).await;
    assert_eq!(r.status(), 200);
    let (status, _, _) = problem(verify(&app, &body["challenge"], &second).await).await;
    assert_eq!(
        status, 401,
        "a spent challenge does not open a second session"
    );
}

#[tokio::test]
async fn an_email_link_works_once() {
    let app = spawn().await;
    let (email, phone) = contact();
    assert_eq!(
        post(&app, "/api/v1/accounts", registration(&email, &phone))
            .await
            .status(),
        201
    );
    let token = last_link_token(&app, &email).await;
    let url = app.url(&format!(
        "/api/v1/accounts/email-confirmation?token={token}"
    ));
    assert_eq!(app.http.get(&url).send().await.unwrap().status(), 200);
    let (status, slug, _) = problem(app.http.get(&url).send().await.unwrap()).await;
    assert_eq!((status, slug.as_str()), (410, "invalid-link"));
    let (status, _, _) = problem(
        app.http
            .get(app.url("/api/v1/accounts/email-confirmation?token=forged"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 410);
}
