//! Helpers for the certificate lifecycle: the catalogue, points of issue, applicants, and the
//! walk of an application through the desk to activation — all through HTTP.

use super::TestApp;
use super::accounts::{Session, last_code, member, outbox, post_as};
use serde_json::{Value, json};
use uuid::Uuid;

pub const PIN: &str = "fjord-7391";

/// A passport in the invalid-passports list `desk` imports.
pub const LISTED_PASSPORT: (&str, &str) = ("4510", "654321");

/// Seed the demo products, import a small invalid-passports list, make a point of issue.
pub async fn desk(app: &TestApp, name: &str) -> Uuid {
    cloudseal::registration::catalogue::seed_demo(&app.db, &cloudseal::clock::SystemClock)
        .await
        .unwrap();
    let list = format!(
        "PASSP_SERIES,PASSP_NUMBER\n{},{}\n0101,000001\n",
        LISTED_PASSPORT.0, LISTED_PASSPORT.1
    );
    cloudseal::cli_registry::import(&app.db, &mut list.as_bytes(), "test list")
        .await
        .unwrap();
    app.identity
        .create_point_of_issue(
            name,
            "Cyprus",
            "1 Main St",
            cloudseal::audit::AuditEvent::system("point_of_issue.create"),
        )
        .await
        .unwrap()
        .id
}

/// An operator of `point`, logged in.
pub async fn operator(app: &TestApp, point: Uuid) -> Session {
    member(app, "operator", Some(point)).await
}

/// A sound individual with a Russian passport and a valid SNILS.
pub fn individual() -> Value {
    json!({
        "kind": "individual",
        "surname": "Иванова", "given_name": "Анна", "patronymic": "Сергеевна",
        "birth_date": "1990-01-02", "citizenship": "RU", "residence": "DE",
        "address": "Berlin, Unter den Linden 1",
        "snils": "112-233-445 95", "inn": "500100732259",
        "document": {"kind": "russian_passport", "series": "45 09", "number": "123456",
                     "issued_on": "2015-03-04", "issued_by": "ОВД Тверской", "issuer_code": "770-001"}
    })
}

/// A sound employee of an organisation.
pub fn employee() -> Value {
    let mut a = individual();
    a["kind"] = json!("employee");
    a["organisation"] = json!({
        "name": "ООО «Ромашка»", "inn": "7707083893", "kpp": "773601001",
        "ogrn": "1027700132195", "position": "Генеральный директор"
    });
    a
}

pub async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut r = app.http.request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap()
}

/// File an application and insist it was accepted; its JSON.
pub async fn file(
    app: &TestApp,
    who: &Session,
    product: &str,
    point: Uuid,
    applicant: Value,
) -> Value {
    let r = post_as(
        app,
        "/api/v1/applications",
        &who.access,
        json!({"product": product, "point_of_issue": point, "applicant": applicant}),
    )
    .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

/// POST and insist on 200; the body.
pub async fn ok(app: &TestApp, path: &str, token: &str, body: Value) -> Value {
    let r = post_as(app, path, token, body).await;
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, 200, "{path}: {text}");
    serde_json::from_str(&text).unwrap()
}

/// The operator accepts the data and records the payment.
pub async fn accept_and_pay(app: &TestApp, op: &Session, id: &str) {
    ok(
        app,
        &format!("/api/v1/desk/applications/{id}/accept"),
        &op.access,
        json!({}),
    )
    .await;
    ok(
        app,
        &format!("/api/v1/desk/applications/{id}/payment"),
        &op.access,
        json!({"reference": "cash desk 17"}),
    )
    .await;
}

/// Take a filed application through accept, payment and the request to identification.
pub async fn to_identification(
    app: &TestApp,
    sub: &Session,
    op: &Session,
    id: &str,
    csr: Option<&str>,
) {
    ok(
        app,
        &format!("/api/v1/desk/applications/{id}/accept"),
        &op.access,
        json!({}),
    )
    .await;
    ok(
        app,
        &format!("/api/v1/desk/applications/{id}/payment"),
        &op.access,
        json!({"reference": "cash 42"}),
    )
    .await;
    let body = match csr {
        Some(pem) => json!({"csr_pem": pem}),
        None => json!({"confirm": true}),
    };
    let v = ok(
        app,
        &format!("/api/v1/applications/{id}/request"),
        &sub.access,
        body,
    )
    .await;
    assert_eq!(v["status"], "awaiting_identification");
}

/// An operator enrolled as a CA officer, with an active officer certificate to sign
/// identifications with (PIN [`PIN`]).
pub struct Officer {
    pub session: Session,
    pub credential: String,
    pub application: String,
}

impl std::ops::Deref for Officer {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.session
    }
}

/// An operator of `point`, enrolled by an administrator and holding an active certificate.
pub async fn officer(app: &TestApp, point: Uuid) -> Officer {
    let session = operator(app, point).await;
    let admin = member(app, "admin", None).await;
    let r = post_as(
        app,
        &format!("/api/v1/admin/officers/{}/enrolment", session.person.id),
        &admin.access,
        json!({
            "product": "qualified-cloud",
            "applicant": individual(),
            "identification": {"originals": ["passport"], "data_confirmed": true}
        }),
    )
    .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "issuing");
    let application = v["id"].as_str().unwrap().to_owned();
    let m = marker(app, &session.person.phone).await;
    let r = activate(app, &session, &application, &m, Some(PIN)).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let cert: Value = r.json().await.unwrap();
    Officer {
        credential: cert["id"].as_str().unwrap().to_owned(),
        session,
        application,
    }
}

/// Confirm with the SMS code and authorise `hashes` (SHA-256, base64) with the holder's
/// credential and [`PIN`]; the SAD.
pub async fn authorise(
    app: &TestApp,
    holder: &Session,
    credential: &str,
    hashes: &[&str],
) -> String {
    let r = post_as(
        app,
        &format!("/api/v1/credentials/{credential}/confirmation"),
        &holder.access,
        json!({"hash_algorithm": "sha256", "hashes": hashes}),
    )
    .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let c: Value = r.json().await.unwrap();
    let code = last_code(app, &holder.person.phone).await;
    let r = post_as(
        app,
        &format!("/api/v1/credentials/{credential}/authorise"),
        &holder.access,
        json!({"pin": PIN, "confirmation": c["confirmation"], "code": code,
               "hash_algorithm": "sha256", "hashes": hashes}),
    )
    .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let v: Value = r.json().await.unwrap();
    v["sad"].as_str().unwrap().to_owned()
}

/// A subscriber with an active cloud certificate: (session, credential id).
pub async fn holder(app: &TestApp, city: &str) -> (Session, String) {
    holder_as(app, city, individual()).await
}

/// A subscriber whose cloud key was made as `key_algorithm` (`rsa_2048`…) at activation:
/// (session, credential id).
pub async fn holder_of(app: &TestApp, city: &str, key_algorithm: &str) -> (Session, String) {
    let (sub, _, id) = identified(app, city).await;
    let m = marker(app, &sub.person.phone).await;
    let extra = json!({"pin": PIN, "key_algorithm": key_algorithm});
    let r = activate_with(app, &sub, &id, &m, extra).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let cert: Value = r.json().await.unwrap();
    (sub, cert["id"].as_str().unwrap().to_owned())
}

/// A subscriber with an active cloud certificate issued for `applicant` (an individual or an
/// organisation's employee): (session, credential id).
pub async fn holder_as(app: &TestApp, city: &str, applicant: Value) -> (Session, String) {
    let point = desk(app, city).await;
    let op = officer(app, point).await;
    let sub = crate::support::accounts::subscriber(app).await;
    let (_, cert) = active_certificate_as(app, &sub, &op, point, applicant).await;
    (sub, cert["id"].as_str().unwrap().to_owned())
}

/// The originals every helper identification names.
pub fn presented() -> Value {
    json!({"originals": ["passport", "snils"], "data_confirmed": true})
}

/// The officer's SAD for the identification statement of application `id`.
pub async fn identification_sad(app: &TestApp, op: &Officer, id: &str) -> String {
    let st = ok(
        app,
        &format!("/api/v1/desk/applications/{id}/identification-statement"),
        &op.access,
        presented(),
    )
    .await;
    authorise(app, op, &op.credential, &[st["hash"].as_str().unwrap()]).await
}

/// Identify the applicant, signed off with the officer's certificate.
pub async fn identify(app: &TestApp, op: &Officer, id: &str) -> Value {
    let sad = identification_sad(app, op, id).await;
    let mut body = presented();
    body["credential"] = json!(op.credential);
    body["sad"] = json!(sad);
    ok(
        app,
        &format!("/api/v1/desk/applications/{id}/identify"),
        &op.access,
        body,
    )
    .await
}

/// The marker in the newest activation SMS to `phone`.
pub async fn marker(app: &TestApp, phone: &str) -> String {
    let bodies = outbox(app, phone).await;
    let body = bodies
        .iter()
        .find(|b| b.contains("activation code") || b.contains("код активации"))
        .expect("an activation SMS");
    body.split_whitespace()
        .map(|w| w.trim_end_matches('.'))
        .find(|w| w.len() == 11 && w.as_bytes()[5] == b'-')
        .expect("a marker XXXXX-XXXXX")
        .to_owned()
}

/// Start the activation confirmation and return (handle, code from the SMS).
pub async fn confirmation(app: &TestApp, sub: &Session, path: &str) -> (String, String) {
    let r = post_as(app, path, &sub.access, json!({})).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["factor"], "sms");
    let code = last_code(app, &sub.person.phone).await;
    (v["confirmation"].as_str().unwrap().to_owned(), code)
}

/// Activate with the marker, a confirmation and (cloud) the PIN; the response.
pub async fn activate(
    app: &TestApp,
    sub: &Session,
    id: &str,
    marker: &str,
    pin: Option<&str>,
) -> reqwest::Response {
    let extra = match pin {
        Some(p) => json!({"pin": p}),
        None => json!({}),
    };
    activate_with(app, sub, id, marker, extra).await
}

/// Activate with the marker, a confirmation and the members of `extra` (`pin`,
/// `key_algorithm`); the response.
pub async fn activate_with(
    app: &TestApp,
    sub: &Session,
    id: &str,
    marker: &str,
    extra: Value,
) -> reqwest::Response {
    let (handle, code) = confirmation(
        app,
        sub,
        &format!("/api/v1/applications/{id}/activation/confirmation"),
    )
    .await;
    let mut body = json!({"marker": marker, "confirmation": handle, "code": code});
    if let Value::Object(members) = extra {
        for (k, v) in members {
            body[k] = v;
        }
    }
    post_as(
        app,
        &format!("/api/v1/applications/{id}/activate"),
        &sub.access,
        body,
    )
    .await
}

/// A subscriber whose cloud application in `city` is identified (its certificate waits for
/// activation), and the officer who identified them: (subscriber, officer, application id).
pub async fn identified(app: &TestApp, city: &str) -> (Session, Officer, String) {
    let point = desk(app, city).await;
    let op = officer(app, point).await;
    let sub = crate::support::accounts::subscriber(app).await;
    let a = file(app, &sub, "qualified-cloud", point, individual()).await;
    let id = a["id"].as_str().unwrap().to_owned();
    to_identification(app, &sub, &op, &id, None).await;
    identify(app, &op, &id).await;
    (sub, op, id)
}

/// A subscriber with an active cloud certificate: (application id, certificate JSON).
pub async fn active_certificate(
    app: &TestApp,
    sub: &Session,
    op: &Officer,
    point: Uuid,
) -> (String, Value) {
    active_certificate_as(app, sub, op, point, individual()).await
}

/// [`active_certificate`] for `applicant`.
pub async fn active_certificate_as(
    app: &TestApp,
    sub: &Session,
    op: &Officer,
    point: Uuid,
    applicant: Value,
) -> (String, Value) {
    let a = file(app, sub, "qualified-cloud", point, applicant).await;
    let id = a["id"].as_str().unwrap().to_owned();
    let certificate = identify_and_activate(app, sub, op, &id).await;
    (id, certificate)
}

/// Take the cloud application `id` of `sub` through identification by `op` and activation
/// with [`PIN`]; the certificate JSON.
pub async fn identify_and_activate(app: &TestApp, sub: &Session, op: &Officer, id: &str) -> Value {
    to_identification(app, sub, op, id, None).await;
    identify(app, op, id).await;
    let m = marker(app, &sub.person.phone).await;
    let r = activate(app, sub, id, &m, Some(PIN)).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

/// A partner organisation's API client token with both application scopes.
pub async fn partner_token(app: &TestApp, admin: &Session, name: &str) -> String {
    let r = post_as(
        app,
        "/api/v1/admin/partners",
        &admin.access,
        json!({"name": name}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let partner = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = post_as(
        app,
        &format!("/api/v1/admin/partners/{partner}/clients"),
        &admin.access,
        json!({"name": "crm", "scopes": ["applications:read", "applications:write"]}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let c: Value = r.json().await.unwrap();
    let r = app
        .http
        .post(app.url("/oauth/token"))
        .basic_auth(
            c["client_id"].as_str().unwrap(),
            c["client_secret"].as_str(),
        )
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Every status a problem or success answer of `path` yields, as (status, slug).
pub async fn refused(r: reqwest::Response) -> (u16, String) {
    let (status, slug, _) = super::accounts::problem(r).await;
    (status, slug)
}

/// The check `name` of an application's JSON.
pub fn check(application: &Value, name: &str) -> Value {
    application["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name}"))
        .clone()
}

/// The serial of the holder's first certificate, as the API lists it.
pub async fn first_serial(app: &TestApp, sub: &Session) -> String {
    let certs: Value =
        crate::support::accounts::get_as(app, "/api/v1/me/certificates", &sub.access)
            .await
            .json()
            .await
            .unwrap();
    certs[0]["serial"].as_str().unwrap().to_owned()
}
