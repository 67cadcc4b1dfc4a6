//! The administrator's page through real HTTP as a browser sends it: the token, the database,
//! the service certificates (the same fingerprints the service publishes), the CRLs and the
//! audit verdict; a point of issue added with each refusal shown and the form kept; products
//! and prices; closed to everyone else.

use crate::support::accounts::{PASSWORD, member, open_json, subscriber};
use crate::support::browser::Browser;
use crate::support::spawn;
use serde_json::Value;

#[tokio::test]
async fn the_admin_page_shows_the_ca_and_hsm_and_adds_points_of_issue() {
    let app = spawn().await;
    let admin = member(&app, "admin", None).await;
    crate::support::registration::desk(&app, "Limassol").await;
    let mut b = Browser::new(&app);
    let home = b
        .sign_in(&admin.person.email, PASSWORD, &admin.person.phone)
        .await;
    assert!(home.body.contains("href=\"/cabinet/admin\""), "navigation");
    let page = b.get("/cabinet/admin").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("<dd id=\"hsm\">answers"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<dd id=\"database\">answers"));
    let info: Value = open_json(&app, "/api/v1/info").await;
    for key in ["root_ca_fingerprint", "seal_fingerprint"] {
        let fingerprint = info[key].as_str().unwrap();
        assert!(page.body.contains(fingerprint), "{key} {fingerprint}");
    }
    for name in [
        "Root CA",
        "Issuing CA",
        "Time-stamping authority",
        "Service seal",
    ] {
        assert!(
            page.body.contains(&format!("<th scope=\"row\">{name}")),
            "{name}"
        );
    }
    assert!(page.body.contains("days left"));
    assert!(page.body.contains("qualified-cloud"), "products listed");

    // A point of issue: refusals keep what was typed; the new one is offered to applicants.
    let csrf = page.csrf();
    let empty = b
        .post(
            "/cabinet/admin/points",
            &[
                ("csrf", &csrf),
                ("name", " "),
                ("region", "Cyprus"),
                ("address", "1 Harbour St"),
            ],
        )
        .await;
    assert_eq!(empty.status, 400, "{}", empty.body);
    assert!(
        empty
            .body
            .contains("The name must have 1 to 200 printable characters.")
    );
    assert!(empty.body.contains("value=\"1 Harbour St\""), "kept");
    let form = [
        ("csrf", csrf.as_str()),
        ("name", "Paphos office"),
        ("region", "Cyprus"),
        ("address", "1 Harbour St"),
    ];
    let added = b.post("/cabinet/admin/points", &form).await;
    assert_eq!(added.status, 303, "{}", added.body);
    let page = b.get("/cabinet/admin").await;
    assert!(page.body.contains("<td>Paphos office</td><td>Cyprus</td>"));
    let points: Vec<Value> = open_json(&app, "/api/v1/points-of-issue").await;
    assert!(points.iter().any(|p| p["name"] == "Paphos office"));
    let twice = b.post("/cabinet/admin/points", &form).await;
    assert_eq!(twice.status, 409);
    assert!(
        twice
            .body
            .contains("A point of issue with this name exists.")
    );
    let forged = b
        .post(
            "/cabinet/admin/points",
            &[
                ("csrf", "forged"),
                ("name", "Larnaca"),
                ("region", "Cyprus"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);

    // In Russian.
    b.post(
        "/language",
        &[("csrf", &csrf), ("lang", "ru"), ("back", "/cabinet/admin")],
    )
    .await;
    let ru = b.get("/cabinet/admin").await;
    assert!(ru.body.contains("<h1>Администрирование</h1>"));
    assert!(ru.body.contains("Корневой УЦ"));

    // Nobody else.
    let auditor = member(&app, "auditor", None).await;
    let sub = subscriber(&app).await;
    for (email, phone) in [
        (&auditor.person.email, &auditor.person.phone),
        (&sub.person.email, &sub.person.phone),
    ] {
        let mut other = Browser::new(&app);
        let home = other.sign_in(email, PASSWORD, phone).await;
        assert!(!home.body.contains("href=\"/cabinet/admin\""));
        assert_eq!(other.get("/cabinet/admin").await.status, 403);
        let post = other
            .post(
                "/cabinet/admin/points",
                &[
                    ("csrf", &home.csrf()),
                    ("name", "Nicosia"),
                    ("region", "Cyprus"),
                ],
            )
            .await;
        assert_eq!(post.status, 403);
    }
}

#[tokio::test]
async fn the_admin_adds_staff_and_partners_and_lifts_locks_from_the_page() {
    let app = spawn().await;
    let admin = member(&app, "admin", None).await;
    let point = crate::support::registration::desk(&app, "Limassol").await;
    let mut b = Browser::new(&app);
    b.sign_in(&admin.person.email, PASSWORD, &admin.person.phone)
        .await;
    let page = b.get("/cabinet/admin").await;
    assert!(
        page.body
            .contains(&format!("<tr id=\"member-{}\">", admin.person.id)),
        "the admin is listed"
    );
    let csrf = page.csrf();
    let member_form = |role: &'static str, email: &'static str, point: String| {
        vec![
            ("csrf", csrf.clone()),
            ("role", role.to_owned()),
            ("surname", "Петрова".to_owned()),
            ("given_name", "Мария".to_owned()),
            ("email", email.to_owned()),
            ("phone", "+35799123456".to_owned()),
            ("language", "ru".to_owned()),
            ("point_of_issue", point),
            ("partner", String::new()),
        ]
    };
    for (form, status, said) in [
        (
            member_form("operator", "maria@example.org", String::new()),
            400,
            "An operator belongs to a point of issue",
        ),
        (
            member_form("subscriber", "maria@example.org", String::new()),
            400,
            "The role is operator, auditor, admin or partner_agent.",
        ),
        (
            member_form("operator", "not-an-email", point.to_string()),
            400,
            "The email address is not valid.",
        ),
        (
            member_form("operator", "maria@example.org", "forged".into()),
            400,
            "The point of issue is not one of those offered.",
        ),
    ] {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = b.post("/cabinet/admin/members", &pairs).await;
        assert_eq!(refused.status, status, "{said}: {}", refused.body);
        assert!(refused.body.contains(said), "{said}: {}", refused.body);
        assert!(refused.body.contains("value=\"Петрова\""), "the form kept");
    }
    let good = member_form("operator", "maria@example.org", point.to_string());
    let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let added = b.post("/cabinet/admin/members", &pairs).await;
    assert_eq!(added.status, 303, "{}", added.body);
    let mails = crate::support::accounts::outbox(&app, "maria@example.org").await;
    assert_eq!(mails.len(), 1, "the set-password link");
    let page = b.get("/cabinet/admin").await;
    assert!(
        page.body
            .contains("<td>Петрова Мария</td><td>operator</td>")
    );
    assert!(page.body.contains("invited, link sent"));
    let twice = b.post("/cabinet/admin/members", &pairs).await;
    assert_eq!(twice.status, 409, "{}", twice.body);
    assert!(
        twice
            .body
            .contains("An account with this email address already exists.")
    );

    // A partner, then its agent.
    let partner = b
        .post(
            "/cabinet/admin/partners",
            &[("csrf", &csrf), ("name", "Abroad Help")],
        )
        .await;
    assert_eq!(partner.status, 303);
    let again = b
        .post(
            "/cabinet/admin/partners",
            &[("csrf", &csrf), ("name", "Abroad Help")],
        )
        .await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("value=\"Abroad Help\""));
    assert!(again.body.contains("A partner with this name exists."));
    let page = b.get("/cabinet/admin").await;
    assert!(page.body.contains("<li>Abroad Help</li>"));

    // Locks: a member locked out by wrong passwords is let back in.
    let locked = member(&app, "auditor", None).await;
    for _ in 0..5 {
        crate::support::accounts::password_step(&app, &locked.person.email, "wrong password!")
            .await;
    }
    let r = crate::support::accounts::password_step(&app, &locked.person.email, PASSWORD).await;
    assert_eq!(r.status(), 429, "locked");
    let path = format!("/cabinet/admin/accounts/{}/unlock", locked.person.id);
    let lifted = b.post(&path, &[("csrf", &csrf)]).await;
    assert_eq!(lifted.status, 200, "{}", lifted.body);
    assert!(
        lifted.body.contains("The account&#39;s locks are lifted."),
        "{}",
        lifted.body
    );
    let r = crate::support::accounts::password_step(&app, &locked.person.email, PASSWORD).await;
    assert_eq!(r.status(), 200, "in again");
    let nothing = b.post(&path, &[("csrf", &csrf)]).await;
    assert!(nothing.body.contains("The account was not locked."));
    let unknown = b
        .post(
            &format!("/cabinet/admin/accounts/{}/unlock", uuid::Uuid::new_v4()),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(unknown.status, 404);
}
