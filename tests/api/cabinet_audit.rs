//! The auditor's pages through real HTTP as a browser sends them: the trail with its filters
//! counting what the API counts, a bad filter shown with the form kept, the chain's status
//! before and after the first checkpoint, a segment downloaded that verifies offline, the
//! delivery protocols' archive and its refusals, in both languages; closed to everyone else.

use crate::support::accounts::{PASSWORD, get_as, member, post_as, subscriber};
use crate::support::browser::Browser;
use crate::support::spawn;
use serde_json::{Value, json};

fn found(body: &str) -> i64 {
    let at = body.find("<strong id=\"found\">").expect("the count") + 19;
    body[at..].split('<').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn auditors_filter_the_trail_see_the_chain_hold_and_export_from_the_cabinet() {
    let app = spawn().await;
    let auditor = member(&app, "auditor", None).await;
    let sub = subscriber(&app).await;

    let mut b = Browser::new(&app);
    let home = b
        .sign_in(&auditor.person.email, PASSWORD, &auditor.person.phone)
        .await;
    assert!(home.body.contains("href=\"/cabinet/audit\""), "navigation");
    let page = b.get("/cabinet/audit").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("No checkpoint has been signed yet."));
    let api: Value = get_as(&app, "/api/v1/audit/entries", &auditor.access)
        .await
        .json()
        .await
        .unwrap();
    assert!(found(&page.body) >= api["total"].as_i64().unwrap());

    let mine = b
        .get(&format!(
            "/cabinet/audit?actor_kind=subscriber&actor_id={}&action=auth.&limit=50",
            sub.person.id
        ))
        .await;
    assert_eq!(mine.status, 200);
    let api: Value = get_as(
        &app,
        &format!(
            "/api/v1/audit/entries?actor_kind=subscriber&actor_id={}&action=auth.",
            sub.person.id
        ),
        &auditor.access,
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(api["total"].as_i64().unwrap() > 0);
    assert_eq!(found(&mine.body), api["total"].as_i64().unwrap());
    assert!(mine.body.contains("value=\"subscriber\" selected"), "kept");
    assert!(mine.body.contains("<code>auth."), "{}", mine.body);

    let bad = b.get("/cabinet/audit?actor_kind=robot&action=auth.").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("actor_kind is system, anonymous"));
    assert!(bad.body.contains("value=\"auth.\""), "the form kept");
    let bad = b.get("/cabinet/audit?seq_from=abc").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("seq_from is a whole number"));

    // A segment downloaded from the page verifies offline, and the page then shows it holds.
    let segment = b.get("/cabinet/audit/chain").await;
    assert_eq!(segment.status, 200, "{}", segment.body);
    assert_eq!(segment.headers["content-type"], "application/jsonl");
    let verdict: Value = post_as(
        &app,
        "/api/v1/audit/verify",
        &auditor.access,
        json!({"export": segment.body}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(verdict["valid"], true, "{verdict}");
    let page = b.get("/cabinet/audit").await;
    assert!(page.body.contains("id=\"chain-verdict\""), "{}", page.body);
    assert!(page.body.contains("<strong>Intact</strong>"));
    let bad = b.get("/cabinet/audit/chain?from=abc").await;
    assert_eq!(bad.status, 400);
    let nothing = b.get("/cabinet/audit/chain?from=999999").await;
    assert_eq!(nothing.status, 409);
    assert!(nothing.body.contains("No signed checkpoint lies"));

    // The delivery protocols' archive and its refusals.
    let csrf = page.csrf();
    let none = b
        .post(
            "/cabinet/audit/deliveries",
            &[("csrf", &csrf), ("lang", "en")],
        )
        .await;
    assert_eq!(none.status, 400);
    assert!(none.body.contains("name a period"), "{}", none.body);
    let short = b
        .post(
            "/cabinet/audit/deliveries",
            &[("csrf", &csrf), ("org_inn", "123")],
        )
        .await;
    assert_eq!(short.status, 400);
    let forged = b
        .post(
            "/cabinet/audit/deliveries",
            &[("csrf", "forged"), ("from", "2026-01-01")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let zip = b
        .post(
            "/cabinet/audit/deliveries",
            &[("csrf", &csrf), ("from", "2026-01-01"), ("lang", "ru")],
        )
        .await;
    assert_eq!(zip.status, 200);
    assert_eq!(zip.headers["content-type"], "application/zip");

    // In Russian.
    let switched = b
        .post(
            "/language",
            &[("csrf", &csrf), ("lang", "ru"), ("back", "/cabinet/audit")],
        )
        .await;
    assert_eq!(switched.status, 303);
    let ru = b.get("/cabinet/audit").await;
    assert!(ru.body.contains("<h1>Журнал аудита</h1>"));
    assert!(ru.body.contains("<strong>Цепочка цела</strong>"));

    // Nobody else reads it.
    let mut s = Browser::new(&app);
    s.sign_in(&sub.person.email, PASSWORD, &sub.person.phone)
        .await;
    for path in ["/cabinet/audit", "/cabinet/audit/chain"] {
        assert_eq!(s.get(path).await.status, 403, "{path}");
    }
    let anonymous = Browser::new(&app).get("/cabinet/audit").await;
    assert_eq!(anonymous.status, 303);
}
