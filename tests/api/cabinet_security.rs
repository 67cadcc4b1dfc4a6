//! The security page through real HTTP as a browser sends it: the password change (other
//! sessions end), an authenticator set up from its QR code and then asked at sign-in, the
//! email and phone changes, sign-in by SMS, and ending sessions. Each refusal is shown on the
//! page with the API's status; nothing typed is echoed.

use crate::support::accounts::{
    PASSWORD, get_as, last_code, last_link_token, member, outbox, password_step, subscriber,
    totp_code,
};
use crate::support::browser::Browser;
use crate::support::{ManualClock, spawn, spawn_with_clock};
use cloudseal::clock::Clock;
use std::sync::Arc;

#[tokio::test]
async fn the_password_is_changed_on_the_security_page_and_other_sessions_end() {
    let app = spawn().await;
    let s = subscriber(&app).await;
    let mut b = Browser::new(&app);
    b.sign_in(&s.person.email, PASSWORD, &s.person.phone).await;
    let page = b.get("/cabinet/security").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&s.person.email));
    assert!(page.body.contains(&s.person.phone));
    assert!(page.body.contains("this session"));
    assert!(
        page.body
            .contains(&format!("/cabinet/security/sessions/{}/end", s.session_id)),
        "the API session can be ended from here"
    );
    let csrf = page.csrf();
    let change = |current: &'static str, new: &'static str, again: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("current", current.to_owned()),
            ("new", new.to_owned()),
            ("new_again", again.to_owned()),
        ]
    };
    let forged = b
        .post(
            "/cabinet/security/password",
            &[
                ("csrf", "forged"),
                ("current", PASSWORD),
                ("new", "a fresh long password"),
                ("new_again", "a fresh long password"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);

    for (form, status, says) in [
        (
            change(
                "wrong guess!!",
                "a fresh long password",
                "a fresh long password",
            ),
            401,
            "The password is wrong.",
        ),
        (
            change(PASSWORD, "a fresh long password", "a fresh long passwore"),
            400,
            "The two passwords differ.",
        ),
        (change(PASSWORD, "short", "short"), 400, "10"),
    ] {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = b.post("/cabinet/security/password", &pairs).await;
        assert_eq!(refused.status, status, "{}", refused.body);
        assert!(refused.body.contains(says), "{says}: {}", refused.body);
        assert!(
            !refused.body.contains("a fresh long password"),
            "never echoed"
        );
    }
    assert_eq!(get_as(&app, "/api/v1/me", &s.access).await.status(), 200);

    let form = change(PASSWORD, "a fresh long password", "a fresh long password");
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done = b.post("/cabinet/security/password", &pairs).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("The password is changed."));
    assert_eq!(
        get_as(&app, "/api/v1/me", &s.access).await.status(),
        401,
        "the other session ended"
    );
    assert_eq!(b.get("/cabinet").await.status, 200, "this one goes on");
    assert_eq!(
        password_step(&app, &s.person.email, PASSWORD)
            .await
            .status(),
        401
    );
    assert_eq!(
        password_step(&app, &s.person.email, "a fresh long password")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn an_authenticator_is_set_up_from_its_qr_code_and_then_asked_at_sign_in() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = spawn_with_clock(clock.clone()).await;
    let s = subscriber(&app).await;
    let mut b = Browser::new(&app);
    b.sign_in(&s.person.email, PASSWORD, &s.person.phone).await;
    let page = b.get("/cabinet/security").await;
    assert!(page.body.contains("Codes come by SMS to your phone."));
    let csrf = page.csrf();

    let wrong = b
        .post(
            "/cabinet/security/totp",
            &[("csrf", &csrf), ("password", "wrong guess!!")],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("The password is wrong."));

    let setup = b
        .post(
            "/cabinet/security/totp",
            &[("csrf", &csrf), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(setup.status, 200, "{}", setup.body);
    assert!(setup.body.contains("<svg"), "the QR code is inline SVG");
    assert!(!setup.body.contains("<script"));
    let secret = setup.hidden("secret");
    let uri = setup.hidden("uri");
    assert!(uri.starts_with("otpauth://totp/cloudseal:"), "{uri}");
    assert!(
        setup
            .body
            .contains(&format!("<span class=\"mono\">{secret}</span>"))
    );

    let confirm = |code: String| {
        vec![
            ("csrf", csrf.clone()),
            ("uri", uri.clone()),
            ("secret", secret.clone()),
            ("code", code),
        ]
    };
    let form = confirm("000000".into());
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = b.post("/cabinet/security/totp/confirm", &pairs).await;
    assert_eq!(refused.status, 401);
    assert!(refused.body.contains("The code is wrong or has expired."));
    assert!(refused.body.contains("<svg"), "the QR code again");
    assert_eq!(refused.hidden("secret"), secret);

    let form = confirm(totp_code(&secret, clock.now()));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let codes = b.post("/cabinet/security/totp/confirm", &pairs).await;
    assert_eq!(codes.status, 200, "{}", codes.body);
    assert!(codes.body.contains("they are shown only now"));
    let recovery: Vec<String> = codes
        .body
        .split("<li>")
        .skip(1)
        .map(|li| li.split("</li>").next().unwrap().to_owned())
        .collect();
    assert_eq!(recovery.len(), 10, "{}", codes.body);
    let page = b.get("/cabinet/security").await;
    assert!(
        page.body
            .contains("Codes come from your authenticator app (TOTP).")
    );

    clock.advance(chrono::TimeDelta::seconds(31));
    for code in [totp_code(&secret, clock.now()), recovery[0].clone()] {
        let mut other = Browser::new(&app);
        let form = other.get("/signin").await;
        let step = other
            .post(
                "/signin",
                &[
                    ("csrf", &form.csrf()),
                    ("login", &s.person.email),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(step.status, 200);
        assert!(
            !step.body.contains("We sent"),
            "no SMS for an authenticator"
        );
        let done = other
            .post(
                "/signin/code",
                &[
                    ("csrf", &form.csrf()),
                    ("challenge", &step.hidden("challenge")),
                    ("code", &code),
                ],
            )
            .await;
        assert_eq!(
            done.status, 303,
            "the app's code, then a recovery code: {}",
            done.body
        );
        assert_eq!(done.location(), "/cabinet");
    }
}

#[tokio::test]
async fn email_and_phone_change_sms_sign_in_and_sessions_from_the_security_page() {
    let app = spawn().await;
    let s = subscriber(&app).await;
    let stranger = subscriber(&app).await;
    let mut b = Browser::new(&app);
    b.sign_in(&s.person.email, PASSWORD, &s.person.phone).await;
    let page = b.get("/cabinet/security").await;
    let csrf = page.csrf();

    let (new_email, new_phone) = crate::support::accounts::contact();
    let bad = b
        .post(
            "/cabinet/security/email",
            &[("csrf", &csrf), ("password", PASSWORD), ("value", "nope")],
        )
        .await;
    assert_eq!(bad.status, 400);
    let sent = b
        .post(
            "/cabinet/security/email",
            &[
                ("csrf", &csrf),
                ("password", PASSWORD),
                ("value", &new_email),
            ],
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(sent.body.contains("We sent a link to the new address."));
    assert!(
        sent.body.contains(&s.person.email),
        "not changed before the link"
    );
    let token = last_link_token(&app, &new_email).await;
    let link = b.get(&format!("/confirm-email?token={token}")).await;
    let changed = b
        .post(
            "/confirm-email",
            &[("csrf", &link.csrf()), ("token", &token)],
        )
        .await;
    assert_eq!(changed.status, 200);
    assert!(b.get("/cabinet/security").await.body.contains(&new_email));

    let wrong = b
        .post(
            "/cabinet/security/phone",
            &[
                ("csrf", &csrf),
                ("password", "wrong guess!!"),
                ("value", &new_phone),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(
        outbox(&app, &new_phone).await.is_empty(),
        "no code without the password"
    );
    let step = b
        .post(
            "/cabinet/security/phone",
            &[
                ("csrf", &csrf),
                ("password", PASSWORD),
                ("value", &new_phone),
            ],
        )
        .await;
    assert_eq!(step.status, 200, "{}", step.body);
    let code_form = |code: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("challenge", step.hidden("challenge")),
            ("phone", new_phone.clone()),
            ("code", code.to_owned()),
        ]
    };
    let form = code_form("000000");
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = b.post("/cabinet/security/phone/confirm", &pairs).await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.hidden("challenge"), step.hidden("challenge"));
    let form = code_form(&last_code(&app, &new_phone).await);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let confirmed = b.post("/cabinet/security/phone/confirm", &pairs).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert!(confirmed.body.contains("The new phone number is confirmed"));
    assert!(confirmed.body.contains(&new_phone));

    let unclear = b
        .post(
            "/cabinet/security/sms-signin",
            &[("csrf", &csrf), ("enabled", "maybe")],
        )
        .await;
    assert_eq!(unclear.status, 400);
    assert!(
        unclear.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "a page, not the extractor's bare error"
    );
    assert!(
        unclear
            .body
            .contains("The choice is on (true) or off (false).")
    );
    let me = crate::support::accounts::read_as(&app, "/api/v1/me", &s.access).await;
    assert_eq!(me["sms_login"], false, "nothing changed");
    let on = b
        .post(
            "/cabinet/security/sms-signin",
            &[("csrf", &csrf), ("enabled", "true")],
        )
        .await;
    assert_eq!(on.status, 200);
    assert!(on.body.contains("On: your phone number and an SMS code"));
    let me = crate::support::accounts::read_as(&app, "/api/v1/me", &stranger.access).await;
    assert_eq!(me["sms_login"], false, "only one's own account");

    let theirs = b
        .post(
            &format!("/cabinet/security/sessions/{}/end", stranger.session_id),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(
        theirs.status, 404,
        "someone else's session looks like nothing"
    );
    assert_eq!(
        get_as(&app, "/api/v1/me", &stranger.access).await.status(),
        200
    );
    let malformed = b
        .post(
            "/cabinet/security/sessions/not-an-id/end",
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(malformed.status, 404);
    let ended = b
        .post(
            &format!("/cabinet/security/sessions/{}/end", s.session_id),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(ended.status, 200, "{}", ended.body);
    assert!(ended.body.contains("The session has ended."));
    assert_eq!(get_as(&app, "/api/v1/me", &s.access).await.status(), 401);

    let auditor = member(&app, "auditor", None).await;
    let mut staff = Browser::new(&app);
    staff
        .sign_in(&auditor.person.email, PASSWORD, &auditor.person.phone)
        .await;
    let page = staff.get("/cabinet/security").await;
    assert!(
        !page.body.contains("sms-signin"),
        "SMS sign-in is for subscribers"
    );
    let refused = staff
        .post(
            "/cabinet/security/sms-signin",
            &[("csrf", &page.csrf()), ("enabled", "true")],
        )
        .await;
    assert_eq!(refused.status, 403);
}
