//! The pages around an account through real HTTP as a browser sends it: registering (with the
//! SMS code and the emailed link), the password reset an emailed link opens, and sign-in by
//! phone. Each refusal comes back as its form with the reason; nothing secret is echoed.

use crate::support::accounts::{
    PASSWORD, contact, last_code, last_link_token, outbox, password_step, subscriber,
};
use crate::support::browser::Browser;
use crate::support::{ManualClock, spawn, spawn_with_clock};
use serde_json::json;
use std::sync::Arc;

/// The registration form filled in for `email` and `phone`, with `again` as the repeated
/// password.
fn registration<'a>(
    csrf: &'a str,
    email: &'a str,
    phone: &'a str,
    again: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("surname", "Petrova"),
        ("given_name", "Olga"),
        ("patronymic", ""),
        ("email", email),
        ("phone", phone),
        ("country", "de"),
        ("password", PASSWORD),
        ("password_again", again),
    ]
}

#[tokio::test]
async fn registering_in_the_cabinet_confirms_the_phone_then_the_emailed_link() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = spawn_with_clock(clock.clone()).await;
    let mut b = Browser::new(&app);
    let (email, phone) = contact();
    let form = b.get("/register").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("name=\"password_again\""));
    let csrf = form.csrf();

    let differ = b
        .post(
            "/register",
            &registration(&csrf, &email, &phone, "something else"),
        )
        .await;
    assert_eq!(differ.status, 400);
    assert!(differ.body.contains("The two passwords differ."));
    assert!(
        differ.body.contains(&format!("value=\"{email}\"")),
        "typed kept"
    );
    assert!(
        !differ.body.contains(PASSWORD),
        "the password is never echoed"
    );
    assert!(outbox(&app, &email).await.is_empty(), "nothing registered");

    let bad_phone = b
        .post(
            "/register",
            &registration(&csrf, &email, "0151 123", PASSWORD),
        )
        .await;
    assert_eq!(bad_phone.status, 400);
    assert!(
        bad_phone.body.contains("must be in international form"),
        "{}",
        bad_phone.body
    );
    assert!(bad_phone.body.contains("value=\"Petrova\""));

    let forged = b
        .post(
            "/register",
            &registration("forged", &email, &phone, PASSWORD),
        )
        .await;
    assert_eq!(forged.status, 403, "a form without the page's token");
    assert!(outbox(&app, &email).await.is_empty());

    let step = b
        .post("/register", &registration(&csrf, &email, &phone, PASSWORD))
        .await;
    assert_eq!(step.status, 200, "{}", step.body);
    assert!(
        step.body
            .contains(&format!("We sent a code by SMS to {phone}."))
    );
    let challenge = step.hidden("challenge");

    let taken = b
        .post("/register", &registration(&csrf, &email, &phone, PASSWORD))
        .await;
    assert_eq!(taken.status, 409, "the email is taken now");

    let phone_form = |code: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("challenge", challenge.clone()),
            ("phone", phone.clone()),
            ("email", email.clone()),
            ("code", code.to_owned()),
        ]
    };
    let wrong: Vec<(&str, String)> = phone_form("000000");
    let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = b.post("/register/phone", &wrong).await;
    assert_eq!(refused.status, 401);
    assert!(
        refused.body.contains("The code is wrong or has expired."),
        "{}",
        refused.body
    );
    assert_eq!(refused.hidden("challenge"), challenge, "the same challenge");

    let resend = |challenge: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("challenge", challenge.to_owned()),
            ("phone", phone.clone()),
            ("email", email.clone()),
        ]
    };
    let form = resend(&challenge);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let soon = b.post("/register/phone/resend", &form).await;
    assert_eq!(soon.status, 429);
    assert!(soon.body.contains("A new code cannot be sent yet."));
    assert_eq!(
        soon.hidden("challenge"),
        challenge,
        "the code sent still works"
    );
    let first = last_code(&app, &phone).await;
    clock.advance(chrono::TimeDelta::seconds(61));
    let resent = b.post("/register/phone/resend", &form).await;
    assert_eq!(resent.status, 200, "{}", resent.body);
    let challenge = resent.hidden("challenge");
    let code = last_code(&app, &phone).await;
    assert_ne!(
        outbox(&app, &phone).await.len(),
        1,
        "a second SMS went ({first} then {code})"
    );
    let done = b
        .post(
            "/register/phone",
            &[
                ("csrf", csrf.as_str()),
                ("challenge", challenge.as_str()),
                ("phone", phone.as_str()),
                ("email", email.as_str()),
                ("code", code.as_str()),
            ],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Phone confirmed"));
    assert!(done.body.contains(&email));

    let r = password_step(&app, &email, PASSWORD).await;
    assert_eq!(r.status(), 403, "the email is not confirmed yet");

    let mail = outbox(&app, &email).await;
    assert!(
        mail[0].contains("/confirm-email?token="),
        "the link opens the cabinet's page: {}",
        mail[0]
    );
    let token = last_link_token(&app, &email).await;
    let page = b.get(&format!("/confirm-email?token={token}")).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.hidden("token"), token);
    let r = password_step(&app, &email, PASSWORD).await;
    assert_eq!(r.status(), 403, "opening the link changes nothing");

    let confirmed = b
        .post(
            "/confirm-email",
            &[("csrf", page.csrf().as_str()), ("token", token.as_str())],
        )
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert!(confirmed.body.contains("Your email is confirmed."));
    let again = b
        .post(
            "/confirm-email",
            &[("csrf", page.csrf().as_str()), ("token", token.as_str())],
        )
        .await;
    assert_eq!(again.status, 410, "a link works once");

    let home = b.sign_in(&email, PASSWORD, &phone).await;
    assert!(home.body.contains("Olga"), "{}", home.body);
}

#[tokio::test]
async fn a_forgotten_password_is_replaced_through_the_emailed_link() {
    let app = spawn().await;
    let s = subscriber(&app).await;
    let mut b = Browser::new(&app);
    let signin = b.get("/signin").await;
    assert!(signin.body.contains("href=\"/password-reset\""));
    let ask = b.get("/password-reset").await;
    assert_eq!(ask.status, 200);
    let csrf = ask.csrf();

    let bad = b
        .post(
            "/password-reset",
            &[("csrf", &csrf), ("email", "not an email")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("value=\"not an email\""), "typed kept");
    let unknown = b
        .post(
            "/password-reset",
            &[("csrf", &csrf), ("email", "nobody@example.org")],
        )
        .await;
    let known = b
        .post(
            "/password-reset",
            &[("csrf", &csrf), ("email", &s.person.email)],
        )
        .await;
    assert_eq!((unknown.status, known.status), (200, 200));
    assert_eq!(unknown.body, known.body, "the same answer either way");
    assert!(outbox(&app, "nobody@example.org").await.is_empty());
    let mail = outbox(&app, &s.person.email).await;
    assert!(mail[0].contains("/password-reset?token="), "{}", mail[0]);
    let token = last_link_token(&app, &s.person.email).await;

    let page = b.get(&format!("/password-reset?token={token}")).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.hidden("token"), token);
    let new = "a brand new password";
    let differ = b
        .post(
            "/password-reset/new",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("password", new),
                ("password_again", "a brand new passwore"),
            ],
        )
        .await;
    assert_eq!(differ.status, 400);
    assert!(differ.body.contains("The two passwords differ."));
    let short = b
        .post(
            "/password-reset/new",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("password", "short"),
                ("password_again", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, 400, "{}", short.body);
    assert_eq!(short.hidden("token"), token, "the link survives a refusal");
    assert!(!short.body.contains("value=\"short\""), "never echoed");

    let saved = b
        .post(
            "/password-reset/new",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("password", new),
                ("password_again", new),
            ],
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(
        saved
            .body
            .contains("every session of the account has ended")
    );
    let r = crate::support::accounts::get_as(&app, "/api/v1/me", &s.access).await;
    assert_eq!(r.status(), 401, "the sessions ended");
    assert_eq!(
        password_step(&app, &s.person.email, PASSWORD)
            .await
            .status(),
        401
    );
    assert_eq!(
        password_step(&app, &s.person.email, new).await.status(),
        200
    );
    let spent = b
        .post(
            "/password-reset/new",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("password", "yet another password"),
                ("password_again", "yet another password"),
            ],
        )
        .await;
    assert_eq!(spent.status, 410, "a link works once");
}

#[tokio::test]
async fn a_subscriber_who_chose_it_signs_in_with_the_phone_and_an_sms_code() {
    let app = spawn().await;
    let s = subscriber(&app).await;
    let mut b = Browser::new(&app);
    let signin = b.get("/signin").await;
    let csrf = signin.csrf();

    let before = outbox(&app, &s.person.phone).await.len();
    let off = b
        .post(
            "/signin/phone",
            &[("csrf", &csrf), ("phone", &s.person.phone)],
        )
        .await;
    assert_eq!(off.status, 200);
    assert!(off.body.contains("If sign-in by SMS is on for this number"));
    assert_eq!(
        outbox(&app, &s.person.phone).await.len(),
        before,
        "no code for a number without SMS sign-in"
    );

    let r = app
        .http
        .put(app.url("/api/v1/me/sms-login"))
        .bearer_auth(&s.access)
        .json(&json!({"enabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);

    let bad = b
        .post("/signin/phone", &[("csrf", &csrf), ("phone", "12345")])
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("must be in international form"));
    let step = b
        .post(
            "/signin/phone",
            &[("csrf", &csrf), ("phone", &s.person.phone)],
        )
        .await;
    assert_eq!(step.status, 200);
    assert_eq!(
        step.body.replace(&step.hidden("challenge"), ""),
        off.body.replace(&off.hidden("challenge"), ""),
        "the page does not tell whose number it is"
    );
    assert_eq!(
        outbox(&app, &s.person.phone).await.len(),
        before + 1,
        "a code went"
    );
    let code = last_code(&app, &s.person.phone).await;
    let wrong = b
        .post(
            "/signin/code",
            &[
                ("csrf", &csrf),
                ("challenge", &step.hidden("challenge")),
                ("by_phone", "true"),
                ("code", "000000"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(
        wrong
            .body
            .contains("If sign-in by SMS is on for this number"),
        "the same step again"
    );
    let done = b
        .post(
            "/signin/code",
            &[
                ("csrf", &csrf),
                ("challenge", &step.hidden("challenge")),
                ("by_phone", "true"),
                ("code", &code),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/cabinet");
    let home = b.get("/cabinet").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Anna"));
}
