//! The web cabinet through real HTTP as a browser sends it: sign-in with the SMS code, the
//! home page over the same services as the API, the language remembered per account, sign-out,
//! and every refusal (no session, a form without its token, a wrong password or code).

use crate::support::accounts::{PASSWORD, get_as, last_code, subscriber};
use crate::support::browser::{Browser, Page};
use crate::support::registration::{first_serial, holder};
use crate::support::spawn;
use serde_json::Value;

fn header<'a>(page: &'a crate::support::browser::Page, name: &str) -> &'a str {
    page.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn a_holder_signs_in_sees_their_cabinet_switches_language_and_signs_out() {
    let app = spawn().await;
    let (sub, _) = holder(&app, "Berlin").await;
    let serial = first_serial(&app, &sub).await;
    let mut browser = Browser::new(&app);

    let form = browser.get("/signin").await;
    assert_eq!(form.status, 200);
    assert!(header(&form, "content-type").starts_with("text/html"));
    let csp = header(&form, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(
        !csp.contains("script-src"),
        "scripts only from 'self': {csp}"
    );
    assert!(!form.body.contains("<script"), "no script on the page");
    assert!(form.body.contains("<html lang=\"en\">"));
    let (_, attrs) = &browser.cookies["__Host-cloudseal-form"];
    for a in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(attrs.contains(a), "form cookie {attrs} lacks {a}");
    }

    let wrong = browser
        .post(
            "/signin",
            &[
                ("csrf", &form.csrf()),
                ("login", &sub.person.email),
                ("password", "not the password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(
        wrong.body.contains("Wrong login or password."),
        "{}",
        wrong.body
    );
    assert!(
        wrong
            .body
            .contains(&format!("value=\"{}\"", sub.person.email))
    );
    assert!(!wrong.body.contains("not the password"));

    let home = browser
        .sign_in(&sub.person.email, PASSWORD, &sub.person.phone)
        .await;
    let (_, attrs) = &browser.cookies["__Host-cloudseal"];
    for a in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(attrs.contains(a), "session cookie {attrs} lacks {a}");
    }
    assert_eq!(header(&home, "cache-control"), "no-store");
    assert!(home.body.contains("Your cabinet"));
    assert!(home.body.contains("Anna Иванова"));
    assert!(home.body.contains(&serial), "the certificate is listed");
    assert!(home.body.contains("Active"));
    let apps: Value = get_as(&app, "/api/v1/applications", &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(apps["items"][0]["status"], "preparing_documents");
    let number = apps["items"][0]["number"].to_string();
    assert!(
        home.body.contains(&format!("<td>{number}</td>")),
        "{}",
        home.body
    );
    assert!(home.body.contains("Preparing the shipping documents"));

    let switched = browser
        .post(
            "/language",
            &[("csrf", &home.csrf()), ("lang", "ru"), ("back", "/cabinet")],
        )
        .await;
    assert_eq!(switched.status, 303, "{}", switched.body);
    assert_eq!(switched.location(), "/cabinet");
    let ru = browser.get("/cabinet").await;
    assert!(ru.body.contains("<html lang=\"ru\">"));
    assert!(ru.body.contains("Личный кабинет"));
    assert!(ru.body.contains("Действует"));
    let me: Value = get_as(&app, "/api/v1/me", &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["language"], "ru", "the choice is the account's");
    let mut elsewhere = Browser::new(&app);
    let there = elsewhere
        .sign_in(&sub.person.email, PASSWORD, &sub.person.phone)
        .await;
    assert!(
        there.body.contains("Личный кабинет"),
        "remembered on another device"
    );

    let refused = browser.post("/signout", &[("csrf", "not-the-token")]).await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("Форма устарела"), "{}", refused.body);
    assert_eq!(browser.get("/cabinet").await.status, 200, "still signed in");

    let session = browser.cookies["__Host-cloudseal"].0.clone();
    let out = browser.post("/signout", &[("csrf", &ru.csrf())]).await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location(), "/signin");
    assert!(
        !browser.cookies.contains_key("__Host-cloudseal"),
        "cookie removed"
    );
    let after = browser.get("/cabinet").await;
    assert_eq!(after.status, 303);
    assert_eq!(after.location(), "/signin");
    browser
        .cookies
        .insert("__Host-cloudseal".into(), (session, String::new()));
    let replay = browser.get("/cabinet").await;
    assert_eq!(
        replay.status, 303,
        "an ended session's cookie opens nothing"
    );
    assert_eq!(
        elsewhere.get("/cabinet").await.status,
        200,
        "signing out ends only that session"
    );
}

#[tokio::test]
async fn cabinet_refusals() {
    let app = spawn().await;
    let sub = subscriber(&app).await;
    let mut browser = Browser::new(&app);

    let home = browser.get("/cabinet").await;
    assert_eq!(home.status, 303, "no session: sign in first");
    assert_eq!(home.location(), "/signin");

    let forged = browser
        .post(
            "/signin",
            &[
                (
                    "csrf",
                    "a-token-of-another-site-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                ),
                ("login", &sub.person.email),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(forged.status, 403, "no form cookie");
    assert!(
        forged.body.contains("This form has expired"),
        "{}",
        forged.body
    );
    assert!(header(&forged, "content-type").starts_with("text/html"));

    let form = browser.get("/signin").await;
    let wrong_token = browser
        .post(
            "/signin",
            &[
                ("csrf", "x"),
                ("login", &sub.person.email),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong_token.status, 403, "the token must match the cookie");

    let missing = browser
        .post("/signin", &[("csrf", &form.csrf()), ("login", "x")])
        .await;
    assert_eq!(missing.status, 400, "a form without its password");

    let code_page = browser
        .post(
            "/signin",
            &[
                ("csrf", &form.csrf()),
                ("login", &sub.person.email),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(code_page.status, 200);
    assert!(code_page.body.contains("We sent a code by SMS to"));
    let challenge = code_page.hidden("challenge");
    let bad = browser
        .post(
            "/signin/code",
            &[
                ("csrf", &form.csrf()),
                ("challenge", &challenge),
                ("code", "000000"),
            ],
        )
        .await;
    assert_eq!(bad.status, 401);
    assert!(bad.body.contains("The code is wrong or has expired."));
    assert_eq!(
        bad.hidden("challenge"),
        challenge,
        "the same challenge to retry"
    );
    assert!(!browser.cookies.contains_key("__Host-cloudseal"));
    let code = last_code(&app, &sub.person.phone).await;
    let done = browser
        .post(
            "/signin/code",
            &[
                ("csrf", &form.csrf()),
                ("challenge", &challenge),
                ("code", &code),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "a retry within the limit works");
    let home = browser.get("/cabinet").await;
    assert_eq!(home.status, 200);
    assert!(
        home.body.contains("You have no certificates yet."),
        "{}",
        home.body
    );

    let unknown = browser
        .post(
            "/language",
            &[("csrf", &home.csrf()), ("lang", "de"), ("back", "/cabinet")],
        )
        .await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.body.contains("The language is en or ru."));
    let away = browser
        .post(
            "/language",
            &[
                ("csrf", &home.csrf()),
                ("lang", "en"),
                ("back", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(away.status, 303);
    assert_eq!(away.location(), "/cabinet", "never back to another site");
    let stale = browser
        .post(
            "/language",
            &[("csrf", &form.csrf()), ("lang", "ru"), ("back", "/cabinet")],
        )
        .await;
    assert_eq!(
        stale.status, 403,
        "the pre-session token is no session's token"
    );

    let mut russian = Browser::new(&app);
    russian.accept_language = Some("ru-RU,ru;q=0.9,en;q=0.8");
    let page = russian.get("/signin").await;
    assert!(page.body.contains("<html lang=\"ru\">"));
    assert!(page.body.contains("Email или телефон"));
    let css = russian.get("/static/cabinet.css").await;
    assert_eq!(css.status, 200);
    assert!(header(&css, "content-type").starts_with("text/css"));
}

/// Sign in through the pages from `start` (a sign-in page, maybe with `next`); the last
/// answer (the redirect after the code).
async fn sign_in_from(b: &mut Browser<'_>, start: &str, login: &str, phone: &str) -> Page {
    let app = b.app();
    let form = b.get(start).await;
    assert_eq!(form.status, 200);
    let mut fields = vec![
        ("csrf", form.csrf()),
        ("login", login.to_owned()),
        ("password", PASSWORD.to_owned()),
    ];
    if form.body.contains("name=\"next\"") {
        fields.push(("next", form.hidden("next")));
    }
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let code_page = b.post("/signin", &pairs).await;
    assert_eq!(code_page.status, 200, "{}", code_page.body);
    let code = last_code(app, phone).await;
    let mut fields = vec![
        ("csrf", code_page.csrf()),
        ("challenge", code_page.hidden("challenge")),
        ("code", code),
    ];
    if code_page.body.contains("name=\"next\"") {
        fields.push(("next", code_page.hidden("next")));
    }
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post("/signin/code", &pairs).await
}

#[tokio::test]
async fn signing_in_leads_back_to_the_page_asked_for_and_never_elsewhere() {
    let app = spawn().await;
    let (sub, _) = holder(&app, "Prague").await;
    let mut browser = Browser::new(&app);
    let asked = browser.get("/cabinet/documents?page=1").await;
    assert_eq!(asked.status, 303);
    assert_eq!(
        asked.location(),
        "/signin?next=%2Fcabinet%2Fdocuments%3Fpage%3D1"
    );
    let done = sign_in_from(
        &mut browser,
        asked.location(),
        &sub.person.email,
        &sub.person.phone,
    )
    .await;
    assert_eq!(done.status, 303);
    assert_eq!(done.location(), "/cabinet/documents?page=1");
    // Signed in already: the sign-in page leads on at once.
    let again = browser.get(asked.location()).await;
    assert_eq!(again.location(), "/cabinet/documents?page=1");

    for evil in [
        "https%3A%2F%2Fevil.example%2F",
        "%2F%2Fevil.example%2F",
        "%2Fcabinet%5C%5Cevil",
        "%2Fapi%2Fv1%2Fme",
        "%2Fcabinetx",
    ] {
        let mut b = Browser::new(&app);
        let page = b.get(&format!("/signin?next={evil}")).await;
        assert!(
            !page.body.contains("name=\"next\""),
            "{evil} is not carried"
        );
        let done = sign_in_from(
            &mut b,
            &format!("/signin?next={evil}"),
            &sub.person.email,
            &sub.person.phone,
        )
        .await;
        assert_eq!(done.location(), "/cabinet", "{evil}");
    }
    // A forged `next` in the form itself is checked again.
    let mut b = Browser::new(&app);
    let form = b.get("/signin").await;
    let code_page = b
        .post(
            "/signin",
            &[
                ("csrf", &form.csrf()),
                ("login", &sub.person.email),
                ("password", PASSWORD),
            ],
        )
        .await;
    let code = last_code(&app, &sub.person.phone).await;
    let done = b
        .post(
            "/signin/code",
            &[
                ("csrf", &code_page.csrf()),
                ("challenge", &code_page.hidden("challenge")),
                ("code", &code),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(done.location(), "/cabinet");
}
