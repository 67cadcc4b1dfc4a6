//! The application pages of the cabinet through real HTTP as a browser sends it: filing through
//! the form (and every refusal coming back as the form, filled in), the process panel as the
//! application moves, confirming the data, sending an own-key request, withdrawing, and other
//! people's applications looking like nothing at all.

use crate::support::accounts::{PASSWORD, get_as, member, partner_agent, subscriber};
use crate::support::browser::{Browser, Page};
use crate::support::pki::certificate_request;
use crate::support::registration::{accept_and_pay, desk, employee, file, individual, operator};
use crate::support::spawn;
use serde_json::Value;

/// The form as a person fills it for the sound individual of the lifecycle tests.
pub(crate) fn filled(csrf: &str, product: &str, point: &str) -> Vec<(String, String)> {
    [
        ("csrf", csrf),
        ("product", product),
        ("point_of_issue", point),
        ("kind", "individual"),
        ("surname", "Иванова"),
        ("given_name", "Анна"),
        ("patronymic", "Сергеевна"),
        ("birth_date", "1990-01-02"),
        ("citizenship", "ru"),
        ("residence", "de"),
        ("address", "Berlin, Unter den Linden 1"),
        ("snils", "112-233-445 95"),
        ("inn", "500100732259"),
        ("document_kind", "russian_passport"),
        ("series", "45 09"),
        ("number", "123456"),
        ("issued_on", "2015-03-04"),
        ("issued_by", "ОВД Тверской"),
        ("issuer_code", "770-001"),
        ("org_name", "ignored for an individual"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

pub(crate) fn set(form: &mut [(String, String)], key: &str, value: &str) {
    for (k, v) in form.iter_mut() {
        if k == key {
            *v = value.to_owned();
        }
    }
}

pub(crate) async fn send(b: &mut Browser<'_>, path: &str, form: &[(String, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    b.post(path, &pairs).await
}

/// The marked step of the process panel.
fn current_step(page: &Page) -> String {
    let at = page
        .body
        .find("aria-current=\"step\"><span>")
        .expect("a current step");
    let rest = &page.body[at + "aria-current=\"step\"><span>".len()..];
    rest[..rest.find("</span>").unwrap()].to_owned()
}

#[tokio::test]
async fn a_subscriber_files_an_application_and_follows_it_through_the_process_panel() {
    let app = spawn().await;
    let point = desk(&app, "Limassol").await;
    let op = operator(&app, point).await;
    let sub = subscriber(&app).await;
    let mut browser = Browser::new(&app);
    let home = browser
        .sign_in(&sub.person.email, PASSWORD, &sub.person.phone)
        .await;
    assert!(home.body.contains("href=\"/cabinet/applications\""));

    let list = browser.get("/cabinet/applications").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Applications found: 0"), "{}", list.body);
    let form = browser.get("/cabinet/applications/new").await;
    assert_eq!(form.status, 200);
    assert!(
        form.body
            .contains("Qualified cloud certificate (key in the vault), 1 year — 3900.00 RUB")
    );
    assert!(form.body.contains(&format!("value=\"{point}\"")));
    assert!(!form.body.contains("subscriber_email"), "partners only");

    // A date in another shape comes back as the form, everything typed kept.
    let mut typed = filled(&form.csrf(), "qualified-cloud", &point.to_string());
    set(&mut typed, "birth_date", "02.01.1990");
    let again = send(&mut browser, "/cabinet/applications", &typed).await;
    assert_eq!(again.status, 400);
    assert!(
        again
            .body
            .contains("Enter the date as YYYY-MM-DD: Date of birth")
    );
    assert!(again.body.contains("value=\"02.01.1990\""));
    assert!(again.body.contains("value=\"Berlin, Unter den Linden 1\""));
    assert!(
        again
            .body
            .contains("<option value=\"qualified-cloud\" selected>")
    );
    // What the service refuses comes back the same way, with its reason.
    set(&mut typed, "birth_date", "1990-01-02");
    set(&mut typed, "citizenship", "Russia");
    let again = send(&mut browser, "/cabinet/applications", &typed).await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("role=\"alert\""));
    assert!(
        again
            .body
            .contains("citizenship must be a two-letter ISO 3166 country code"),
        "{}",
        again.body
    );
    assert!(again.body.contains("value=\"Russia\""));
    // No point chosen.
    set(&mut typed, "citizenship", "ru");
    set(&mut typed, "point_of_issue", "");
    let again = send(&mut browser, "/cabinet/applications", &typed).await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("Choose a value: Point of issue"));
    // A form without the page's token files nothing.
    set(&mut typed, "point_of_issue", &point.to_string());
    set(&mut typed, "csrf", "forged");
    let forged = send(&mut browser, "/cabinet/applications", &typed).await;
    assert_eq!(forged.status, 403);
    let api: Value = get_as(&app, "/api/v1/applications", &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["total"], 0, "nothing refused was filed");

    set(&mut typed, "csrf", &form.csrf());
    let filed = send(&mut browser, "/cabinet/applications", &typed).await;
    assert_eq!(filed.status, 303, "{}", filed.body);
    let path = filed.location().to_owned();
    let id = path.rsplit('/').next().unwrap().to_owned();
    let api: Value = get_as(&app, &format!("/api/v1/applications/{id}"), &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["applicant"]["citizenship"], "RU");
    assert_eq!(api["applicant"]["residence"], "DE");
    assert!(api["applicant"]["organisation"].is_null());
    assert_eq!(api["status"], "data_check");

    let page = browser.get(&path).await;
    assert_eq!(page.status, 200);
    assert_eq!(current_step(&page), "Checking the data");
    assert!(
        page.body
            .contains(&format!("Application No. {}", api["number"]))
    );
    assert!(page.body.contains("We are checking your data"));
    assert!(page.body.contains("SNILS checksum"));
    assert!(page.body.contains("Иванова Анна Сергеевна, 1990-01-02"));
    assert!(page.body.contains("3900.00 RUB"));
    assert!(!page.body.contains("Confirm the data"));
    assert!(page.body.contains("Withdraw the application"));
    let list = browser.get("/cabinet/applications").await;
    assert!(list.body.contains("Applications found: 1"));
    assert!(list.body.contains(&path));

    accept_and_pay(&app, &op, &id).await;
    let page = browser.get(&path).await;
    assert_eq!(current_step(&page), "Awaiting the certificate request");
    assert!(
        page.body
            .contains("class=\"done\"><span>Checking the data</span> <time>")
    );
    assert!(
        page.body
            .contains("class=\"done\"><span>Awaiting payment</span> <time>")
    );
    assert!(
        page.body
            .contains("class=\"todo\"><span>Completed</span></li>")
    );
    assert!(page.body.contains("Paid"));
    let confirm = format!("{path}/request");
    let forged = browser.post(&confirm, &[("csrf", "forged")]).await;
    assert_eq!(forged.status, 403);
    let done = browser.post(&confirm, &[("csrf", &page.csrf())]).await;
    assert_eq!(done.status, 303);
    assert_eq!(done.location(), path);
    let api: Value = get_as(&app, &format!("/api/v1/applications/{id}"), &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["status"], "awaiting_identification");
    let again = browser.post(&confirm, &[("csrf", &page.csrf())]).await;
    assert_eq!(again.status, 409, "a second confirmation is refused");

    let en = browser.get(&path).await;
    let ru = browser
        .post(
            "/language",
            &[("csrf", &en.csrf()), ("lang", "ru"), ("back", &path)],
        )
        .await;
    assert_eq!(ru.location(), path);
    let page = browser.get(&path).await;
    assert_eq!(current_step(&page), "Ожидание идентификации");
    assert!(page.body.contains("Ход исполнения"));
    assert!(page.body.contains("Придите в указанный ниже пункт выдачи"));
    assert!(page.body.contains("Контрольное число СНИЛС"));
    assert!(page.body.contains("Квалифицированный облачный сертификат"));
}

#[tokio::test]
async fn withdrawing_an_own_key_request_and_other_peoples_applications() {
    let app = spawn().await;
    let point = desk(&app, "Tallinn").await;
    let op = operator(&app, point).await;
    let sub = subscriber(&app).await;
    let own = file(&app, &sub, "qualified-own-key", point, employee()).await;
    let own_id = own["id"].as_str().unwrap().to_owned();
    let other = file(&app, &sub, "simple-cloud", point, individual()).await;
    let other_id = other["id"].as_str().unwrap().to_owned();
    let mut browser = Browser::new(&app);
    browser
        .sign_in(&sub.person.email, PASSWORD, &sub.person.phone)
        .await;

    // The own-key track asks for a request file.
    accept_and_pay(&app, &op, &own_id).await;
    let path = format!("/cabinet/applications/{own_id}");
    let page = browser.get(&path).await;
    assert!(page.body.contains("upload it here"));
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    assert!(page.body.contains("ООО «Ромашка»"));
    let upload = |csrf: String, csr: Vec<u8>| {
        reqwest::multipart::Form::new().text("csrf", csrf).part(
            "csr",
            reqwest::multipart::Part::bytes(csr).file_name("req.pem"),
        )
    };
    let csrf = page.csrf();
    let empty = browser
        .post_multipart(&format!("{path}/csr"), upload(csrf.clone(), Vec::new()))
        .await;
    assert_eq!(empty.status, 400);
    assert!(empty.body.contains("Choose a file first."));
    let junk = browser
        .post_multipart(
            &format!("{path}/csr"),
            upload(csrf.clone(), b"not a request".to_vec()),
        )
        .await;
    assert_eq!(junk.status, 400, "{}", junk.body);
    let forged = browser
        .post_multipart(
            &format!("{path}/csr"),
            upload("forged".into(), b"x".to_vec()),
        )
        .await;
    assert_eq!(forged.status, 403);
    let dir = tempfile::tempdir().unwrap();
    let der = certificate_request(dir.path(), true);
    let sent = browser
        .post_multipart(&format!("{path}/csr"), upload(csrf.clone(), der))
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let page = browser.get(&path).await;
    assert_eq!(current_step(&page), "Awaiting identification");

    // Withdrawing: too long a reason is refused; then it goes with its reason.
    let other_path = format!("/cabinet/applications/{other_id}");
    let long = "x".repeat(1001);
    let refused = browser
        .post(
            &format!("{other_path}/cancel"),
            &[("csrf", &csrf), ("reason", &long)],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(
        refused
            .body
            .contains("the reason holds at most 1000 characters")
    );
    let gone = browser
        .post(
            &format!("{other_path}/cancel"),
            &[("csrf", &csrf), ("reason", "moved to Rome")],
        )
        .await;
    assert_eq!(gone.status, 303);
    let page = browser.get(&other_path).await;
    assert_eq!(current_step(&page), "Cancelled");
    assert!(page.body.contains("The application was withdrawn."));
    assert!(page.body.contains("moved to Rome"));
    assert!(
        page.body
            .contains("class=\"done\"><span>Checking the data</span>")
    );
    assert!(
        page.body
            .contains("class=\"todo\"><span>Awaiting payment</span>")
    );
    assert!(!page.body.contains("Withdraw the application"));

    // Another subscriber sees nothing of it, and can do nothing to it.
    let stranger = subscriber(&app).await;
    let mut theirs = Browser::new(&app);
    let home = theirs
        .sign_in(&stranger.person.email, PASSWORD, &stranger.person.phone)
        .await;
    let token = home.csrf();
    let list = theirs.get("/cabinet/applications").await;
    assert!(list.body.contains("Applications found: 0"));
    assert_eq!(theirs.get(&path).await.status, 404);
    let cancel = theirs
        .post(
            &format!("{path}/cancel"),
            &[("csrf", &token), ("reason", "")],
        )
        .await;
    assert_eq!(cancel.status, 404);
    assert_eq!(
        theirs.get("/cabinet/applications/not-an-id").await.status,
        404
    );
    assert_eq!(theirs.get("/cabinet/applications?page=0").await.status, 400);
    let api: Value = get_as(&app, &format!("/api/v1/applications/{own_id}"), &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["status"], "awaiting_identification", "untouched");

    // Staff do not file applications here; nobody signed in goes to sign in.
    let auditor = member(&app, "auditor", None).await;
    let mut desk_browser = Browser::new(&app);
    desk_browser
        .sign_in(&auditor.person.email, PASSWORD, &auditor.person.phone)
        .await;
    let refused = desk_browser.get("/cabinet/applications").await;
    assert_eq!(refused.status, 403);
    assert!(!refused.body.contains("href=\"/cabinet/applications\""));
    let mut nobody = Browser::new(&app);
    let out = nobody.get("/cabinet/applications/new").await;
    assert_eq!(out.status, 303);
    assert_eq!(
        out.location(),
        "/signin?next=%2Fcabinet%2Fapplications%2Fnew",
        "sign-in leads back"
    );
}

#[tokio::test]
async fn a_partner_agent_files_for_a_client_who_alone_confirms_it() {
    let app = spawn().await;
    let point = desk(&app, "Nicosia").await;
    let op = operator(&app, point).await;
    let agent = partner_agent(&app, "Overseas Help Ltd").await;
    let client = subscriber(&app).await;
    let mut browser = Browser::new(&app);
    let home = browser
        .sign_in(&agent.person.email, PASSWORD, &agent.person.phone)
        .await;
    assert!(home.body.contains("href=\"/cabinet/applications\""));
    let form = browser.get("/cabinet/applications/new").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("name=\"subscriber_email\""));

    let mut typed = filled(&form.csrf(), "simple-cloud", &point.to_string());
    typed.push(("subscriber_email".into(), "nobody@example.org".into()));
    let again = send(&mut browser, "/cabinet/applications", &typed).await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("no subscriber account has that email"));
    assert!(again.body.contains("value=\"nobody@example.org\""));
    set(&mut typed, "subscriber_email", &client.person.email);
    let filed = send(&mut browser, "/cabinet/applications", &typed).await;
    assert_eq!(filed.status, 303, "{}", filed.body);
    let path = filed.location().to_owned();
    let id = path.rsplit('/').next().unwrap().to_owned();
    let theirs: Value = get_as(&app, "/api/v1/applications", &client.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["total"], 1, "filed for the client");
    assert_eq!(theirs["items"][0]["id"], id.as_str());
    let list = browser.get("/cabinet/applications").await;
    assert!(list.body.contains("Applications found: 1"));
    assert!(list.body.contains("Иванова Анна"));

    // Only the applicant confirms what goes into their certificate.
    accept_and_pay(&app, &op, &id).await;
    let page = browser.get(&path).await;
    assert_eq!(current_step(&page), "Awaiting the certificate request");
    assert!(!page.body.contains("Confirm the data"));
    let refused = browser
        .post(&format!("{path}/request"), &[("csrf", &page.csrf())])
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("only the applicant confirms the certificate request")
    );
    let mut own = Browser::new(&app);
    own.sign_in(&client.person.email, PASSWORD, &client.person.phone)
        .await;
    let page = own.get(&path).await;
    assert!(page.body.contains("Confirm the data"));
    let done = own
        .post(&format!("{path}/request"), &[("csrf", &page.csrf())])
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(
        current_step(&browser.get(&path).await),
        "Awaiting identification",
        "the agent sees the client's progress"
    );

    // The agent brings the client's signed paper set; the client sees who uploaded it.
    let tab = browser.get(&format!("{path}/documents")).await;
    assert_eq!(tab.status, 200, "{}", tab.body);
    let form = reqwest::multipart::Form::new()
        .text("csrf", tab.csrf())
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"%PDF-1.7\nsigned by the client".to_vec())
                .file_name("application.pdf"),
        );
    let done = browser
        .post_multipart(&format!("{path}/scans/application_form"), form)
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), format!("{path}/documents"));
    let seen = own.get(&format!("{path}/documents")).await;
    assert!(
        seen.body.contains("uploaded by the partner"),
        "{}",
        seen.body
    );
}

#[tokio::test]
async fn the_applicant_corrects_the_data_a_check_refused_until_it_is_frozen() {
    let app = spawn().await;
    let point = desk(&app, "Faro").await;
    let sub = subscriber(&app).await;
    let mut b = Browser::new(&app);
    b.sign_in(&sub.person.email, PASSWORD, &sub.person.phone)
        .await;
    let csrf = b.get("/cabinet/applications/new").await.csrf();
    let mut form = filled(&csrf, "qualified-cloud", &point.to_string());
    set(&mut form, "birth_date", "1991-01-02");
    let filed = send(&mut b, "/cabinet/applications", &form).await;
    assert_eq!(filed.status, 303, "{}", filed.body);
    let path = filed.location().to_owned();
    let id = path.rsplit('/').next().unwrap().to_owned();
    let page = b.get(&path).await;
    assert!(
        page.body
            .contains("the SNILS register does not have this SNILS")
    );
    assert!(page.body.contains(&format!("href=\"{path}/edit\"")));

    let edit = b.get(&format!("{path}/edit")).await;
    assert_eq!(edit.status, 200, "{}", edit.body);
    assert!(edit.body.contains("<h1>Correct the data</h1>"));
    for shown in [
        "value=\"1991-01-02\"",
        "value=\"Иванова\"",
        "value=\"4509\"",
    ] {
        assert!(edit.body.contains(shown), "the stored data: {shown}");
    }
    assert!(
        !edit.body.contains("name=\"product\""),
        "the certificate stays"
    );
    let target = format!("{path}/applicant");
    assert!(edit.body.contains(&format!("action=\"{target}\"")));
    let mut fix: Vec<(String, String)> = filled(&edit.csrf(), "", "")
        .into_iter()
        .filter(|(k, _)| k != "product" && k != "point_of_issue")
        .collect();
    set(&mut fix, "birth_date", "02.01.1990");
    let bad = send(&mut b, &target, &fix).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("value=\"02.01.1990\""), "typed kept");
    set(&mut fix, "birth_date", "1990-01-02");
    set(&mut fix, "surname", " ");
    let refused = send(&mut b, &target, &fix).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("role=\"alert\""));
    set(&mut fix, "surname", "Иванова");
    set(&mut fix, "csrf", "forged");
    assert_eq!(send(&mut b, &target, &fix).await.status, 403);
    let view: Value = get_as(&app, &format!("/api/v1/applications/{id}"), &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        view["applicant"]["birth_date"], "1991-01-02",
        "nothing changed yet"
    );

    set(&mut fix, "csrf", &edit.csrf());
    let saved = send(&mut b, &target, &fix).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.location(), path);
    let view: Value = get_as(&app, &format!("/api/v1/applications/{id}"), &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["applicant"]["birth_date"], "1990-01-02");
    let snils = view["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "snils_owner")
        .unwrap();
    assert_eq!(snils["status"], "passed", "the checks ran again");

    let stranger = subscriber(&app).await;
    let mut other = Browser::new(&app);
    other
        .sign_in(&stranger.person.email, PASSWORD, &stranger.person.phone)
        .await;
    assert_eq!(other.get(&format!("{path}/edit")).await.status, 404);
    let theirs = other.get("/cabinet").await.csrf();
    set(&mut fix, "csrf", &theirs);
    assert_eq!(send(&mut other, &target, &fix).await.status, 404);

    let op = operator(&app, point).await;
    let r = crate::support::accounts::post_as(
        &app,
        &format!("/api/v1/desk/applications/{id}/reject"),
        &op.access,
        serde_json::json!({"reason": "the applicant asked us to stop"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let page = b.get(&path).await;
    assert!(
        !page.body.contains(&format!("{path}/edit")),
        "no link once frozen"
    );
    let frozen = b.get(&format!("{path}/edit")).await;
    assert_eq!(frozen.status, 409);
    assert!(frozen.body.contains("the data can no longer change"));
    set(&mut fix, "csrf", &edit.csrf());
    assert_eq!(send(&mut b, &target, &fix).await.status, 409);
}
