//! A Russian page gives the services' refusals and findings in Russian: the reasons a form is
//! refused, the lifecycle's refusals, the background checks' findings, the exchange's
//! refusals — the same reasons the API gives in English.

use crate::cabinet_applications::{filled, send, set};
use crate::support::accounts::{PASSWORD, post_as, subscriber};
use crate::support::browser::{Browser, Page};
use crate::support::registration::{desk, file, individual, operator};
use crate::support::spawn;

async fn in_russian(b: &mut Browser<'_>, back: &str) {
    let page = b.get(back).await;
    let switched = b
        .post(
            "/language",
            &[("csrf", &page.csrf()), ("lang", "ru"), ("back", back)],
        )
        .await;
    assert_eq!(switched.status, 303);
}

fn says(page: &Page, russian: &str, english: &str) {
    assert!(page.body.contains(russian), "{russian}:\n{}", page.body);
    assert!(!page.body.contains(english), "no English: {english}");
}

#[tokio::test]
async fn a_russian_page_gives_the_services_refusals_and_findings_in_russian() {
    let app = spawn().await;
    let point = desk(&app, "Riga").await;
    let op = operator(&app, point).await;
    let sub = subscriber(&app).await;
    let mut b = Browser::new(&app);
    b.sign_in(&sub.person.email, PASSWORD, &sub.person.phone)
        .await;
    in_russian(&mut b, "/cabinet/applications/new").await;

    // A value the registration service refuses, from the application form.
    let form = b.get("/cabinet/applications/new").await;
    let mut typed = filled(&form.csrf(), "qualified-cloud", &point.to_string());
    set(&mut typed, "citizenship", "Russia");
    let refused = send(&mut b, "/cabinet/applications", &typed).await;
    assert_eq!(refused.status, 400);
    says(
        &refused,
        "«гражданство» — двухбуквенный код страны ISO 3166",
        "must be a two-letter",
    );
    set(&mut typed, "citizenship", "ru");
    set(&mut typed, "residence", "12");
    let refused = send(&mut b, "/cabinet/applications", &typed).await;
    says(
        &refused,
        "«страна проживания» — двухбуквенный код страны ISO 3166",
        "residence must be",
    );

    // The background checks' findings, on the application's page.
    let filed = file(&app, &sub, "qualified-cloud", point, individual()).await;
    let id = filed["id"].as_str().unwrap();
    let path = format!("/cabinet/applications/{id}");
    let page = b.get(&path).await;
    says(
        &page,
        "контрольные цифры совпадают",
        "the check digits match",
    );
    says(
        &page,
        "в реестре СНИЛС этот СНИЛС принадлежит этому человеку",
        "the SNILS register has",
    );

    // The lifecycle's refusals once the operator rejected it.
    let r = post_as(
        &app,
        &format!("/api/v1/desk/applications/{id}/reject"),
        &op.access,
        serde_json::json!({"reason": "не те документы"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let frozen = b.get(&format!("{path}/edit")).await;
    assert_eq!(frozen.status, 409);
    says(
        &frozen,
        "данные больше не меняются: заявка в статусе «Отклонена»",
        "can no longer change",
    );
    let page = b.get(&path).await;
    let late = b
        .post(&format!("{path}/request"), &[("csrf", &page.csrf())])
        .await;
    assert_eq!(late.status, 409);
    says(
        &late,
        "Жизненный цикл заявки этого не допускает: нельзя подать запрос на сертификат, пока \
         заявка в статусе «Отклонена».",
        "lifecycle does not allow",
    );

    // The exchange's refusals.
    let page = b.get("/cabinet/counterparties").await;
    let myself = b
        .post(
            "/cabinet/counterparties",
            &[
                ("csrf", &page.csrf()),
                ("email", &sub.person.email),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(myself.status, 400);
    says(
        &myself,
        "нельзя пригласить самого себя",
        "you cannot invite yourself",
    );
    let nobody = b
        .post(
            "/cabinet/counterparties",
            &[
                ("csrf", &page.csrf()),
                ("email", "not-an-address"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(nobody.status, 400);
    says(
        &nobody,
        "Адрес электронной почты неверен.",
        "The email address is not valid.",
    );
}
