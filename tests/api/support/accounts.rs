//! Helpers for identity tests: register and confirm through HTTP, read the SMS and emails the
//! outbox would deliver, and log in.

use super::TestApp;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, Ordering};

pub const PASSWORD: &str = "correct horse battery";

static SEQ: AtomicU32 = AtomicU32::new(0);

/// A person's login facts.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: String,
    pub email: String,
    pub phone: String,
}

/// A logged-in API session.
#[derive(Debug, Clone)]
pub struct Session {
    pub person: Person,
    pub access: String,
    pub refresh: String,
    pub session_id: String,
}

/// A fresh (email, phone) pair, unique within the run.
pub fn contact() -> (String, String) {
    let n = SEQ.fetch_add(1, Ordering::SeqCst);
    let pid = std::process::id() % 10_000;
    (
        format!("person{pid}x{n}@example.org"),
        format!("+49151{pid:04}{n:04}"),
    )
}

pub fn registration(email: &str, phone: &str) -> Value {
    json!({
        "surname": "Иванова", "given_name": "Anna", "patronymic": "Сергеевна",
        "email": email, "phone": phone, "country": "DE", "language": "en",
        "password": PASSWORD
    })
}

pub async fn post(app: &TestApp, path: &str, body: Value) -> reqwest::Response {
    app.http
        .post(app.url(path))
        .json(&body)
        .send()
        .await
        .unwrap()
}

pub async fn get_as(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.http
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// GET `path` as `token`'s session, which must answer 200; the JSON.
pub async fn read_as(app: &TestApp, path: &str, token: &str) -> Value {
    let r = get_as(app, path, token).await;
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

/// GET an open route (no credentials) and read its JSON answer.
pub async fn open_json<T: serde::de::DeserializeOwned>(app: &TestApp, path: &str) -> T {
    let r = app.http.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

pub async fn post_as(app: &TestApp, path: &str, token: &str, body: Value) -> reqwest::Response {
    app.http
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// The problem type slug of a response (asserting it is problem+json).
pub async fn problem(r: reqwest::Response) -> (u16, String, Value) {
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert_eq!(ct, "application/problem+json", "status {status}");
    let body: Value = r.json().await.unwrap();
    let slug = body["type"]
        .as_str()
        .unwrap()
        .trim_start_matches("urn:cloudseal:problem:")
        .to_owned();
    (status, slug, body)
}

/// Every notification body queued for `to`, newest first.
pub async fn outbox(app: &TestApp, to: &str) -> Vec<String> {
    app.owner()
        .await
        .query(
            // Queue order, not time: a manual clock gives equal times.
            "SELECT body FROM notifications WHERE recipient = $1 ORDER BY seq DESC",
            &[&to],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// The code in the newest SMS to `phone`.
pub async fn last_code(app: &TestApp, phone: &str) -> String {
    let bodies = outbox(app, phone).await;
    let body = bodies.first().expect("an SMS was queued");
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a six-digit code")
        .to_owned()
}

/// The token of the newest emailed link to `email`.
pub async fn last_link_token(app: &TestApp, email: &str) -> String {
    let bodies = outbox(app, email).await;
    let body = bodies.first().expect("an email was queued");
    let start = body.find("token=").expect("a link with a token") + 6;
    body[start..].split_whitespace().next().unwrap().to_owned()
}

/// Register and confirm email and phone through HTTP.
pub async fn registered(app: &TestApp) -> Person {
    let (email, phone) = contact();
    registered_as(app, email, phone).await
}

/// Register with this email and phone and confirm both through HTTP.
pub async fn registered_as(app: &TestApp, email: String, phone: String) -> Person {
    let r = post(app, "/api/v1/accounts", registration(&email, &phone)).await;
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.unwrap();
    let id = body["id"].as_str().unwrap().to_owned();
    let challenge = body["phone_challenge"]["challenge"].as_str().unwrap();
    let token = last_link_token(app, &email).await;
    let r = app
        .http
        .get(app.url(&format!(
            "/api/v1/accounts/email-confirmation?token={token}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let code = last_code(app, &phone).await;
    let r = post(
        app,
        "/api/v1/accounts/phone-confirmation",
        json!({"challenge": challenge, "code": code}),
    )
    .await;
    assert_eq!(r.status(), 200);
    Person { id, email, phone }
}

/// Password step; returns the challenge body.
pub async fn password_step(app: &TestApp, login: &str, password: &str) -> reqwest::Response {
    post(
        app,
        "/api/v1/auth/login",
        json!({"login": login, "password": password}),
    )
    .await
}

/// Answer a login challenge.
pub async fn verify(app: &TestApp, challenge: &Value, code: &str) -> reqwest::Response {
    post(
        app,
        "/api/v1/auth/login/verify",
        json!({"challenge": challenge, "code": code}),
    )
    .await
}

/// Log in with password and the SMS code.
pub async fn login(app: &TestApp, person: &Person) -> Session {
    let r = password_step(app, &person.email, PASSWORD).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["factor"], "sms");
    let code = last_code(app, &person.phone).await;
    let r = post(
        app,
        "/api/v1/auth/login/verify",
        json!({"challenge": body["challenge"], "code": code}),
    )
    .await;
    assert_eq!(r.status(), 200);
    tokens(person, r.json().await.unwrap())
}

pub fn tokens(person: &Person, body: Value) -> Session {
    Session {
        person: person.clone(),
        access: body["access_token"].as_str().unwrap().to_owned(),
        refresh: body["refresh_token"].as_str().unwrap().to_owned(),
        session_id: body["session_id"].as_str().unwrap().to_owned(),
    }
}

/// A registered, confirmed subscriber, logged in.
pub async fn subscriber(app: &TestApp) -> Session {
    let p = registered(app).await;
    login(app, &p).await
}

/// A staff member made by the service itself (as the CLI does), logged in.
pub async fn member(app: &TestApp, role: &str, point_of_issue: Option<uuid::Uuid>) -> Session {
    member_of(app, role, point_of_issue, None).await
}

/// An agent of a new partner organisation called `name`, logged in.
pub async fn partner_agent(app: &TestApp, name: &str) -> Session {
    let partner = app
        .identity
        .create_partner(name, cloudseal::audit::AuditEvent::system("partner.create"))
        .await
        .unwrap();
    member_of(app, "partner_agent", None, Some(partner)).await
}

/// A member of `role`, of a point of issue or a partner, logged in.
pub async fn member_of(
    app: &TestApp,
    role: &str,
    point_of_issue: Option<uuid::Uuid>,
    partner: Option<uuid::Uuid>,
) -> Session {
    use cloudseal::identity::staff::NewMember;
    use cloudseal::identity::values::*;
    let (email, phone) = contact();
    let e = Email::parse(&email).unwrap();
    let id = app
        .identity
        .create_member(
            NewMember {
                role: cloudseal::identity::Role::parse(role).unwrap(),
                surname: NamePart::parse("Petrov", &cloudseal::said!("surname", "фамилия"))
                    .unwrap(),
                given_name: NamePart::parse("Ivan", &cloudseal::said!("given name", "имя"))
                    .unwrap(),
                patronymic: None,
                email: e.clone(),
                phone: Phone::parse(&phone).unwrap(),
                language: Language::En,
                point_of_issue,
                partner,
            },
            Some(NewPassword::parse(PASSWORD, &e).unwrap()),
            cloudseal::audit::AuditEvent::system("account.create_member"),
        )
        .await
        .unwrap();
    let person = Person {
        id: id.to_string(),
        email,
        phone,
    };
    login(app, &person).await
}

/// The code an authenticator app shows at `at` for the base32 `secret`.
pub fn totp_code(secret: &str, at: chrono::DateTime<chrono::Utc>) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .unwrap();
    let t = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        None,
        String::new(),
    )
    .unwrap();
    t.generate(at.timestamp() as u64)
}

/// A partner organisation named `name`, created by `admin`; its id.
pub async fn create_partner(app: &TestApp, admin: &Session, name: &str) -> String {
    let r = post_as(
        app,
        "/api/v1/admin/partners",
        &admin.access,
        json!({"name": name}),
    )
    .await;
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The client-credentials grant (RFC 6749 §4.4) with `id` and `secret` over HTTP Basic.
pub async fn client_token(
    app: &TestApp,
    id: &str,
    secret: &str,
    scope: Option<&str>,
) -> reqwest::Response {
    let mut form = vec![("grant_type", "client_credentials")];
    if let Some(s) = scope {
        form.push(("scope", s));
    }
    app.http
        .post(app.url("/oauth/token"))
        .basic_auth(id, Some(secret))
        .form(&form)
        .send()
        .await
        .unwrap()
}
