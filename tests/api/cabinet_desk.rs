//! The operator desk's queue in the cabinet through real HTTP as a browser sends it: the
//! operator's point only, every kind of filter narrowing the count, page sizes and pages, the
//! CSV report of the same filter, refusals of a bad filter shown with the form kept, and the
//! queue closed to anyone but operators.

use crate::support::accounts::{PASSWORD, read_as, subscriber};
use crate::support::browser::Browser;
use crate::support::registration::{
    PIN, accept_and_pay, active_certificate, desk, employee, file, individual, officer, operator,
    to_identification,
};
use crate::support::spawn;

/// The count the queue says it found.
fn found(body: &str) -> i64 {
    let at = body.find("<strong id=\"found\">").expect("the count") + 19;
    body[at..].split('<').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn the_queue_filters_pages_and_reports_the_operators_point() {
    let app = spawn().await;
    let point = desk(&app, "Limassol").await;
    let elsewhere = desk(&app, "Paphos").await;
    let op = operator(&app, point).await;
    let sub = subscriber(&app).await;
    let mut ids = Vec::new();
    for n in 0..11 {
        let applicant = if n < 3 { employee() } else { individual() };
        let a = file(&app, &sub, "qualified-cloud", point, applicant).await;
        ids.push((
            a["id"].as_str().unwrap().to_owned(),
            a["number"].as_i64().unwrap(),
        ));
    }
    file(&app, &sub, "qualified-cloud", elsewhere, individual()).await;
    accept_and_pay(&app, &op, &ids[0].0).await;

    let mut b = Browser::new(&app);
    b.sign_in(&op.person.email, PASSWORD, &op.person.phone)
        .await;
    let home = b.get("/cabinet").await;
    assert!(
        home.body.contains("href=\"/cabinet/desk\""),
        "the operator's navigation"
    );
    let all = b.get("/cabinet/desk").await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(found(&all.body), 11, "only the operator's point");
    assert_eq!(
        all.body.matches("<tr><td><a href=\"/cabinet/desk/").count(),
        11
    );

    let one = b.get(&format!("/cabinet/desk?number={}", ids[4].1)).await;
    assert_eq!(found(&one.body), 1);
    assert!(one.body.contains(&format!("/cabinet/desk/{}", ids[4].0)));
    assert!(
        one.body.contains(&format!("value=\"{}\"", ids[4].1)),
        "the filter kept"
    );

    let paying = b
        .get("/cabinet/desk?status=awaiting_payment&status=data_check&sort=number&order=asc")
        .await;
    assert_eq!(found(&paying.body), 10, "all but the one accepted and paid");
    let paid_only = b.get("/cabinet/desk?status=awaiting_request").await;
    assert_eq!(
        found(&paid_only.body),
        1,
        "accepted and paid: waiting for the request"
    );
    assert!(
        paid_only
            .body
            .contains("value=\"awaiting_request\" checked")
    );
    let companies = b
        .get("/cabinet/desk?organisation=%D0%A0%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0")
        .await;
    assert_eq!(found(&companies.body), 3, "{}", companies.body);
    let by_kpp = b.get("/cabinet/desk?kpp=773601001&track=cloud").await;
    assert_eq!(found(&by_kpp.body), 3);
    let nobody = b.get("/cabinet/desk?owner_name=Nobody").await;
    assert_eq!(found(&nobody.body), 0);
    assert!(nobody.body.contains("No application matches the filters."));
    let today = chrono::Utc::now().date_naive();
    let dated = b
        .get(&format!(
            "/cabinet/desk?from={today}&until={today}&snils=112-233-445%2095"
        ))
        .await;
    assert_eq!(found(&dated.body), 11);

    let first = b.get("/cabinet/desk?limit=10&sort=number&order=asc").await;
    assert_eq!(
        first
            .body
            .matches("<tr><td><a href=\"/cabinet/desk/")
            .count(),
        10
    );
    assert!(first.body.contains("Page 1 of 2"));
    assert!(
        first
            .body
            .contains("limit=10&#38;sort=number&#38;order=asc&amp;page=2"),
        "{}",
        first.body
    );
    let second = b
        .get("/cabinet/desk?limit=10&sort=number&order=asc&page=2")
        .await;
    assert_eq!(
        second
            .body
            .matches("<tr><td><a href=\"/cabinet/desk/")
            .count(),
        1
    );
    assert!(
        second
            .body
            .contains(&format!("/cabinet/desk/{}", ids[10].0))
    );

    for (query, says) in [
        ("limit=7", "limit is 10, 20, 50 or 100"),
        ("number=abc", "number is a whole number"),
        ("from=23.11.2026", "from is a date"),
        ("status=lost", "unknown status"),
        (
            "originals=maybe",
            "originals is awaited, overdue or received",
        ),
    ] {
        let refused = b.get(&format!("/cabinet/desk?{query}")).await;
        assert_eq!(refused.status, 400, "{query}");
        assert!(refused.body.contains(says), "{query}: {}", refused.body);
        assert!(
            refused
                .body
                .contains("<form method=\"get\" action=\"/cabinet/desk\"")
        );
    }

    let report = b
        .get("/api/v1/applications/report.csv?organisation=%D0%A0%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0")
        .await;
    assert_eq!(report.status, 200);
    assert!(
        companies
            .body
            .contains("/api/v1/applications/report.csv?organisation=")
    );
    assert_eq!(
        report.body.lines().count(),
        4,
        "a header and the three rows: {}",
        report.body
    );
    let report = b
        .get("/api/v1/applications/report.csv?status=awaiting_request%2Cdata_check")
        .await;
    assert_eq!(report.body.lines().count(), 12);
    assert!(
        paying.body.contains(
            "report.csv?sort=number&#38;order=asc&#38;status=awaiting_payment%2Cdata_check"
        ),
        "{}",
        paying.body
    );

    let mut applicant = Browser::new(&app);
    applicant
        .sign_in(&sub.person.email, PASSWORD, &sub.person.phone)
        .await;
    assert_eq!(applicant.get("/cabinet/desk").await.status, 403);
    assert!(
        !applicant
            .get("/cabinet")
            .await
            .body
            .contains("href=\"/cabinet/desk\"")
    );
}

#[tokio::test]
async fn the_operator_moves_an_application_on_from_its_desk_page() {
    let app = spawn().await;
    let point = desk(&app, "Larnaca").await;
    let elsewhere = desk(&app, "Kyrenia").await;
    let op = operator(&app, point).await;
    let sub = subscriber(&app).await;
    let a = file(&app, &sub, "qualified-cloud", point, individual()).await;
    let id = a["id"].as_str().unwrap().to_owned();
    let second = file(&app, &sub, "qualified-cloud", point, individual()).await;
    let second = second["id"].as_str().unwrap().to_owned();
    let theirs = file(&app, &sub, "qualified-cloud", elsewhere, individual()).await;

    let mut b = Browser::new(&app);
    b.sign_in(&op.person.email, PASSWORD, &op.person.phone)
        .await;
    let page = b.get(&format!("/cabinet/desk/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("aria-current=\"step\""),
        "the process panel"
    );
    assert!(page.body.contains("Accept the data"));
    let csrf = page.csrf();

    let early = b
        .post(
            &format!("/cabinet/desk/{id}/payment"),
            &[("csrf", &csrf), ("reference", "cash 1")],
        )
        .await;
    assert_eq!(early.status, 409, "paid before the data is accepted");
    assert!(early.body.contains("role=\"alert\""));

    let accepted = b
        .post(&format!("/cabinet/desk/{id}/accept"), &[("csrf", &csrf)])
        .await;
    assert_eq!(accepted.status, 303);
    let page = b.get(accepted.location()).await;
    assert!(
        page.body.contains("name=\"reference\""),
        "the payment form now"
    );
    let paid = b
        .post(
            &format!("/cabinet/desk/{id}/payment"),
            &[("csrf", &csrf), ("reference", "cash desk 9")],
        )
        .await;
    assert_eq!(paid.status, 303);
    let view =
        crate::support::accounts::read_as(&app, &format!("/api/v1/applications/{id}"), &sub.access)
            .await;
    assert_eq!(view["status"], "awaiting_request");
    assert!(view["paid_at"].is_string());

    let forged = b
        .post(
            &format!("/cabinet/desk/{second}/accept"),
            &[("csrf", "forged")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let no_reason = b
        .post(
            &format!("/cabinet/desk/{second}/reject"),
            &[("csrf", &csrf), ("reason", "  ")],
        )
        .await;
    assert_eq!(no_reason.status, 400, "{}", no_reason.body);
    let rejected = b
        .post(
            &format!("/cabinet/desk/{second}/reject"),
            &[("csrf", &csrf), ("reason", "The passport has expired")],
        )
        .await;
    assert_eq!(rejected.status, 303);
    let page = b.get(&format!("/cabinet/desk/{second}")).await;
    assert!(page.body.contains("The passport has expired"));
    assert!(
        !page.body.contains("name=\"reason\""),
        "nothing more to reject"
    );

    let unknown = b
        .post(&format!("/cabinet/desk/{id}/approve"), &[("csrf", &csrf)])
        .await;
    assert_eq!(unknown.status, 404);
    let other_point = theirs["id"].as_str().unwrap();
    assert_eq!(
        b.get(&format!("/cabinet/desk/{other_point}")).await.status,
        404
    );
    let meddle = b
        .post(
            &format!("/cabinet/desk/{other_point}/accept"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(
        meddle.status, 404,
        "another point's application looks like nothing"
    );
    assert_eq!(b.get("/cabinet/desk/not-an-id").await.status, 404);

    let mut applicant = Browser::new(&app);
    applicant
        .sign_in(&sub.person.email, PASSWORD, &sub.person.phone)
        .await;
    assert_eq!(
        applicant.get(&format!("/cabinet/desk/{id}")).await.status,
        403
    );
}

/// The wizard's first form: the originals ticked, the data confirmed or not, the certificate.
fn wizard<'a>(
    csrf: &'a str,
    originals: &[&'a str],
    confirmed: bool,
    credential: &'a str,
) -> Vec<(&'static str, &'a str)> {
    let mut form = vec![("csrf", csrf), ("credential", credential), ("other", "")];
    form.extend(originals.iter().map(|o| ("original", *o)));
    if confirmed {
        form.push(("data_confirmed", "true"));
    }
    form
}

#[tokio::test]
async fn the_identification_wizard_signs_the_statement_with_the_officers_certificate() {
    let app = spawn().await;
    let point = desk(&app, "Nicosia").await;
    let op = officer(&app, point).await;
    let sub = subscriber(&app).await;
    let a = file(&app, &sub, "qualified-cloud", point, employee()).await;
    let id = a["id"].as_str().unwrap().to_owned();
    to_identification(&app, &sub, &op, &id, None).await;

    let mut b = Browser::new(&app);
    b.sign_in(&op.person.email, PASSWORD, &op.person.phone)
        .await;
    let page = b.get(&format!("/cabinet/desk/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("1. Register extract"));
    assert!(
        page.body.contains("7707083893"),
        "the organisation's extract"
    );
    assert!(
        page.body.contains(&format!("value=\"{}\"", op.credential)),
        "the officer certificate offered"
    );
    let csrf = page.csrf();
    let path = format!("/cabinet/desk/{id}/identification");

    let unconfirmed = b
        .post(&path, &wizard(&csrf, &["passport"], false, &op.credential))
        .await;
    assert_eq!(unconfirmed.status, 400);
    assert!(
        unconfirmed
            .body
            .contains("confirm that the data matches the originals presented")
    );
    let nothing = b
        .post(&path, &wizard(&csrf, &[], true, &op.credential))
        .await;
    assert_eq!(nothing.status, 400);
    assert!(
        nothing
            .body
            .contains("name the originals the applicant presented")
    );
    let strangers = b
        .post(
            &path,
            &wizard(
                &csrf,
                &["passport"],
                true,
                &uuid::Uuid::new_v4().to_string(),
            ),
        )
        .await;
    assert_eq!(
        strangers.status, 404,
        "a certificate that is not the officer's"
    );

    let step = b
        .post(
            &path,
            &wizard(&csrf, &["passport", "snils"], true, &op.credential),
        )
        .await;
    assert_eq!(step.status, 200, "{}", step.body);
    assert!(step.body.contains("cloudseal identification in person, v1"));
    let hash = {
        let marker = "id=\"statement-hash\">";
        let at = step.body.find(marker).unwrap() + marker.len();
        step.body[at..].split('<').next().unwrap().to_owned()
    };
    let sms = crate::support::accounts::outbox(&app, &op.person.phone).await;
    assert!(
        sms[0].contains(&hash[..8]),
        "the SMS names the hash: {}",
        sms[0]
    );
    let code = crate::support::accounts::last_code(&app, &op.person.phone).await;
    let signing = |pin: &'static str, code: String| {
        let mut form: Vec<(&'static str, String)> = vec![
            ("csrf", csrf.clone()),
            ("credential", op.credential.clone()),
            ("data_confirmed", "true".into()),
            ("other", String::new()),
            ("original", "passport".into()),
            ("original", "snils".into()),
            ("pin", pin.into()),
            ("code", code),
        ];
        for name in ["confirmation", "factor", "until"] {
            form.push((name, step.hidden(name)));
        }
        form
    };
    let identify = format!("/cabinet/desk/{id}/identify");
    let form = signing("wrong-pin-1", code.clone());
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let wrong = b.post(&identify, &pairs).await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    assert!(wrong.body.contains("role=\"alert\""));
    assert!(!wrong.body.contains("wrong-pin-1"), "the PIN is not echoed");
    assert!(wrong.body.contains(&hash), "the same statement");
    let view = read_as(&app, &format!("/api/v1/applications/{id}"), &sub.access).await;
    assert_eq!(
        view["status"], "awaiting_identification",
        "nothing identified"
    );

    let again = b
        .post(
            &path,
            &wizard(&csrf, &["passport", "snils"], true, &op.credential),
        )
        .await;
    assert_eq!(again.status, 200);
    let code = crate::support::accounts::last_code(&app, &op.person.phone).await;
    let form: Vec<(&'static str, String)> = {
        let mut f = signing(PIN, code);
        for name in ["confirmation", "factor", "until"] {
            f.retain(|(k, _)| *k != name);
            f.push((name, again.hidden(name)));
        }
        f
    };
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done = b.post(&identify, &pairs).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let view = read_as(&app, &format!("/api/v1/applications/{id}"), &sub.access).await;
    assert_eq!(view["status"], "issuing");
    let ident = read_as(
        &app,
        &format!("/api/v1/applications/{id}/identification"),
        &sub.access,
    )
    .await;
    assert_eq!(ident["originals"], serde_json::json!(["passport", "snils"]));
    assert!(
        ident["signature"].is_string(),
        "signed with the officer's key"
    );
    assert_eq!(ident["operator"], op.person.id.as_str());
    let page = b.get(&format!("/cabinet/desk/{id}")).await;
    assert!(page.body.contains("Send the activation marker again"));
    assert!(
        !page.body.contains("1. Register extract"),
        "the wizard is done"
    );
}

#[tokio::test]
async fn the_operator_revokes_a_certificate_from_the_application_page() {
    let app = spawn().await;
    let point = desk(&app, "Larnaca").await;
    let op = officer(&app, point).await;
    let sub = subscriber(&app).await;
    let (id, cert) = active_certificate(&app, &sub, &op, point).await;
    let cid = cert["id"].as_str().unwrap();
    let serial = cert["serial"].as_str().unwrap();

    let mut b = Browser::new(&app);
    b.sign_in(&op.person.email, PASSWORD, &op.person.phone)
        .await;
    let path = format!("/cabinet/desk/{id}");
    let page = b.get(&path).await;
    assert!(page.body.contains("Revocation takes effect at once"));
    assert!(
        page.body
            .contains(&format!("<option value=\"{cid}\">{serial}</option>"))
    );
    assert!(page.body.contains("The holder&#39;s details changed"));
    let csrf = page.csrf();
    let revocation = format!("{path}/revocation");
    let form = |reason: &'static str, note: &'static str, certificate: String| {
        vec![
            ("csrf", csrf.clone()),
            ("certificate", certificate),
            ("reason", reason.to_owned()),
            ("note", note.to_owned()),
        ]
    };
    for (fields, status, words) in [
        (
            form("keyCompromise", " ", cid.to_owned()),
            400,
            "a revocation by an operator needs a reason of 1 to 1000 characters",
        ),
        (
            form("certificateHold", "lost the phone", cid.to_owned()),
            400,
            "certificateHold",
        ),
        (
            form(
                "keyCompromise",
                "lost the phone",
                uuid::Uuid::new_v4().to_string(),
            ),
            404,
            "",
        ),
    ] {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = b.post(&revocation, &pairs).await;
        assert_eq!(refused.status, status, "{words}: {}", refused.body);
        assert!(refused.body.contains(words), "{words}");
    }
    let view = read_as(&app, &format!("/api/v1/me/certificates/{cid}"), &sub.access).await;
    assert_eq!(view["status"], "active", "nothing revoked by a refusal");

    let fields = form(
        "keyCompromise",
        "the holder reported the phone stolen",
        cid.to_owned(),
    );
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let forged: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| {
            if *k == "csrf" {
                (*k, "forged")
            } else {
                (*k, *v)
            }
        })
        .collect();
    assert_eq!(b.post(&revocation, &forged).await.status, 403);
    let done = b.post(&revocation, &pairs).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), path);
    let view = read_as(&app, &format!("/api/v1/me/certificates/{cid}"), &sub.access).await;
    assert_eq!(view["status"], "revoked");
    assert_eq!(view["revocation_code"], "keyCompromise", "{view}");
    assert_eq!(
        view["revocation_reason"],
        "the holder reported the phone stolen"
    );
    let page = b.get(&path).await;
    assert!(page.body.contains("Revoked"));
    assert!(
        !page.body.contains("Revocation takes effect at once"),
        "nothing left to revoke"
    );
    let again = b.post(&revocation, &pairs).await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(
        again
            .body
            .contains("only an active certificate can be revoked")
    );

    let holder_page = {
        let mut h = Browser::new(&app);
        h.sign_in(&sub.person.email, PASSWORD, &sub.person.phone)
            .await;
        let theirs = h.get("/cabinet").await.csrf();
        h.post(
            &revocation,
            &[
                ("csrf", theirs.as_str()),
                ("certificate", cid),
                ("reason", "keyCompromise"),
                ("note", "x"),
            ],
        )
        .await
    };
    assert_eq!(holder_page.status, 403, "only the desk revokes here");
}
