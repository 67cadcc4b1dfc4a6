//! The administrator's page through real HTTP as a browser sends it: the token, the database,
//! the service certificates (the same fingerprints the service publishes), the CRLs and the
//! audit verdict; a point of issue added with each refusal shown and the form kept; products
//! and prices; staff, partners and their API clients; closed to everyone else.

use crate::support::accounts::{
    PASSWORD, client_token, create_partner, get_as, member, open_json, read_as, subscriber,
};
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

/// The text of the element with `id`.
fn by_id(body: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let at = body.find(&marker).unwrap_or_else(|| panic!("#{id} shown")) + marker.len();
    body[at..].split('<').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_admin_gives_a_partner_an_api_client_rotates_its_secret_and_disables_it() {
    let app = spawn().await;
    let admin = member(&app, "admin", None).await;
    let partner = create_partner(&app, &admin, "Visa desk Ltd").await;
    let mut b = Browser::new(&app);
    b.sign_in(&admin.person.email, PASSWORD, &admin.person.phone)
        .await;
    let page = b.get("/cabinet/admin").await;
    assert!(page.body.contains("No API client yet."));
    assert!(page.body.contains("value=\"600\""), "the default rate");
    let csrf = page.csrf();
    let form = |name: &'static str, scopes: &[&'static str], rate: &'static str| {
        let mut f = vec![
            ("csrf", csrf.clone()),
            ("partner", partner.clone()),
            ("name", name.to_owned()),
            ("requests_per_minute", rate.to_owned()),
        ];
        f.extend(scopes.iter().map(|s| ("scope", (*s).to_owned())));
        f
    };
    for (fields, status, words) in [
        (
            form("portal", &["applications:read"], "many"),
            400,
            "Requests per minute must be a whole number.",
        ),
        (
            form(" ", &["applications:read"], "60"),
            400,
            "The client name must have 1 to 200 characters.",
        ),
        (
            form("portal", &["applications:read"], "0"),
            400,
            "requests_per_minute must be between 1 and 100000.",
        ),
        (form("portal", &["everything"], "60"), 400, "Unknown scope"),
    ] {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = b.post("/cabinet/admin/clients", &pairs).await;
        assert_eq!(refused.status, status, "{words}");
        assert!(refused.body.contains(words), "{words}: {}", refused.body);
        assert!(!refused.body.contains("id=\"issued\""), "nothing made");
    }
    let kept = {
        let fields = form("portal", &["applications:read"], "many");
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        b.post("/cabinet/admin/clients", &pairs).await
    };
    assert!(kept.body.contains("value=\"portal\""), "the name kept");
    assert!(
        kept.body.contains("value=\"applications:read\" checked"),
        "the scope kept"
    );
    assert!(
        read_as(&app, "/api/v1/admin/clients", &admin.access)
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );
    let forged = {
        let mut fields = form("portal", &["applications:read"], "60");
        fields[0].1 = "forged".into();
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        b.post("/cabinet/admin/clients", &pairs).await
    };
    assert_eq!(forged.status, 403);

    let fields = form("portal", &["agents:read", "applications:read"], "60");
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let made = b.post("/cabinet/admin/clients", &pairs).await;
    assert_eq!(made.status, 200, "{}", made.body);
    let client_id = by_id(&made.body, "issued-client-id");
    let secret = by_id(&made.body, "issued-secret");
    assert!(made.body.contains("It is shown only this once"));
    let token = client_token(&app, &client_id, &secret, None).await;
    assert_eq!(token.status(), 200, "the secret shown works");
    let token: Value = token.json().await.unwrap();
    assert_eq!(token["scope"], "agents:read applications:read");
    let again = b.get("/cabinet/admin").await;
    assert!(!again.body.contains(&secret), "shown once only");
    assert!(again.body.contains(&client_id));
    assert!(again.body.contains("agents:read, applications:read"));
    let id = read_as(&app, "/api/v1/admin/clients", &admin.access).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let rotated = b
        .post(
            &format!("/cabinet/admin/clients/{id}/secret"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let fresh = by_id(&rotated.body, "issued-secret");
    assert_ne!(fresh, secret);
    assert!(rotated.body.contains("keeps working for 24 hours"));
    assert!(rotated.body.contains("the previous secret works until"));
    for s in [&fresh, &secret] {
        assert_eq!(
            client_token(&app, &client_id, s, None).await.status(),
            200,
            "the new one, and the old one for a day"
        );
    }

    let disabled = b
        .post(
            &format!("/cabinet/admin/clients/{id}/disable"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.body);
    assert!(
        disabled
            .body
            .contains("The client is disabled: its secrets and tokens no longer work.")
    );
    assert!(disabled.body.contains("Disabled "));
    assert!(
        !disabled
            .body
            .contains(&format!("/cabinet/admin/clients/{id}/secret")),
        "nothing more to do with it"
    );
    for s in [&fresh, &secret] {
        assert_eq!(client_token(&app, &client_id, s, None).await.status(), 401);
    }
    let twice = b
        .post(
            &format!("/cabinet/admin/clients/{id}/disable"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(twice.status, 409);
    assert!(twice.body.contains("The client is disabled already."));
    let gone = b
        .post(
            &format!("/cabinet/admin/clients/{}/secret", uuid::Uuid::new_v4()),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(gone.status, 404);

    let russian = b
        .post(
            "/language",
            &[("csrf", &csrf), ("lang", "ru"), ("back", "/cabinet/admin")],
        )
        .await;
    assert_eq!(russian.status, 303);
    let page = b.get("/cabinet/admin").await;
    assert!(page.body.contains("API-клиенты партнёров"));
    assert!(page.body.contains("Отключён "));

    let auditor = member(&app, "auditor", None).await;
    let mut other = Browser::new(&app);
    other
        .sign_in(&auditor.person.email, PASSWORD, &auditor.person.phone)
        .await;
    let theirs = other.get("/cabinet").await.csrf();
    let refused = other
        .post(
            &format!("/cabinet/admin/clients/{id}/secret"),
            &[("csrf", &theirs)],
        )
        .await;
    assert_eq!(refused.status, 403, "only administrators");
}

#[tokio::test]
async fn the_admin_sets_a_price_and_takes_a_product_off_sale() {
    let app = spawn().await;
    let admin = member(&app, "admin", None).await;
    let point = crate::support::registration::desk(&app, "Braga").await;
    let sub = subscriber(&app).await;
    let individual = crate::support::registration::individual;
    let before =
        crate::support::registration::file(&app, &sub, "qualified-cloud", point, individual())
            .await;
    assert_eq!(before["price_minor"], 390_000);

    let mut b = Browser::new(&app);
    b.sign_in(&admin.person.email, PASSWORD, &admin.person.phone)
        .await;
    let page = b.get("/cabinet/admin").await;
    assert!(page.body.contains("id=\"price-qualified-cloud\" name=\"price\" type=\"text\" inputmode=\"decimal\" value=\"3900.00\""));
    let csrf = page.csrf();
    let path = "/cabinet/admin/products/qualified-cloud";
    for (price, status, words) in [
        ("about 4000", 400, "The price is an amount like 3900.00."),
        ("-5", 400, "The price is an amount like 3900.00."),
        ("12.345", 400, "The price is an amount like 3900.00."),
        (
            "99999999",
            400,
            "the price is 0 to 1000000000 in minor units",
        ),
    ] {
        let refused = b
            .post(
                path,
                &[("csrf", &csrf), ("price", price), ("on_sale", "true")],
            )
            .await;
        assert_eq!(refused.status, status, "{price}: {}", refused.body);
        assert!(refused.body.contains(words), "{price}");
    }
    let forged = b
        .post(
            path,
            &[("csrf", "forged"), ("price", "4500"), ("on_sale", "true")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let unknown = b
        .post(
            "/cabinet/admin/products/no-such-thing",
            &[("csrf", &csrf), ("price", "4500"), ("on_sale", "true")],
        )
        .await;
    assert_eq!(unknown.status, 404);
    let on_sale: Value = open_json(&app, "/api/v1/products").await;
    let cloud = |list: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|p| p["code"] == "qualified-cloud")
            .cloned()
    };
    assert_eq!(
        cloud(&on_sale).unwrap()["price_minor"],
        390_000,
        "nothing changed"
    );

    let done = b
        .post(
            path,
            &[("csrf", &csrf), ("price", "4 500,50"), ("on_sale", "true")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/cabinet/admin#products");
    let on_sale: Value = open_json(&app, "/api/v1/products").await;
    assert_eq!(cloud(&on_sale).unwrap()["price_minor"], 450_050);
    let after =
        crate::support::registration::file(&app, &sub, "qualified-cloud", point, individual())
            .await;
    assert_eq!(
        after["price_minor"], 450_050,
        "new applications pay the new price"
    );
    let kept = read_as(
        &app,
        &format!("/api/v1/applications/{}", before["id"].as_str().unwrap()),
        &sub.access,
    )
    .await;
    assert_eq!(kept["price_minor"], 390_000, "filed ones keep theirs");

    let withdrawn = b.post(path, &[("csrf", &csrf), ("price", "4500.50")]).await;
    assert_eq!(withdrawn.status, 303);
    let on_sale: Value = open_json(&app, "/api/v1/products").await;
    assert!(cloud(&on_sale).is_none(), "off the public catalogue");
    let r = crate::support::accounts::post_as(
        &app,
        "/api/v1/applications",
        &sub.access,
        serde_json::json!({"product": "qualified-cloud", "point_of_issue": point, "applicant": individual()}),
    )
    .await;
    let (status, _, body) = crate::support::accounts::problem(r).await;
    assert_eq!(status, 400);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("no such product on sale")
    );
    let page = b.get("/cabinet/admin").await;
    assert!(page.body.contains("Off sale"));
    let all = read_as(&app, "/api/v1/admin/products", &admin.access).await;
    assert_eq!(cloud(&all).unwrap()["on_sale"], false);
    assert_eq!(
        crate::support::exchange::audit_count(&app, "product.update").await,
        2
    );

    let toml = crate::support::config_toml(&app.db_name);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cloudseal.toml");
    std::fs::write(&config, toml).unwrap();
    let seeded =
        crate::support::cli(["--config", config.to_str().unwrap(), "admin", "seed-demo"]).await;
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let all = read_as(&app, "/api/v1/admin/products", &admin.access).await;
    assert_eq!(
        cloud(&all).unwrap()["price_minor"],
        450_050,
        "seeding undoes nothing"
    );
    assert_eq!(cloud(&all).unwrap()["on_sale"], false);

    let refused = crate::support::accounts::problem(
        app.http
            .put(app.url("/api/v1/admin/products/qualified-cloud"))
            .bearer_auth(&sub.access)
            .json(&serde_json::json!({"price_minor": 1, "on_sale": true}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(refused.0, 403, "only administrators");
    let r = app
        .http
        .put(app.url("/api/v1/admin/products/qualified-cloud"))
        .bearer_auth(&admin.access)
        .json(&serde_json::json!({"price_minor": 390_000, "on_sale": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let back: Value = r.json().await.unwrap();
    assert_eq!(
        (back["price_minor"].clone(), back["on_sale"].clone()),
        (390_000.into(), true.into())
    );
}

#[tokio::test]
async fn the_admin_disables_a_member_who_is_signed_out_everywhere_and_enables_them_again() {
    let app = spawn().await;
    let admin = member(&app, "admin", None).await;
    let point = crate::support::registration::desk(&app, "Coimbra").await;
    let op = crate::support::registration::operator(&app, point).await;
    let mut theirs = Browser::new(&app);
    theirs
        .sign_in(&op.person.email, PASSWORD, &op.person.phone)
        .await;
    assert_eq!(theirs.get("/cabinet/desk").await.status, 200);

    let mut b = Browser::new(&app);
    b.sign_in(&admin.person.email, PASSWORD, &admin.person.phone)
        .await;
    let page = b.get("/cabinet/admin").await;
    let own = admin.person.id.as_str();
    assert!(
        !page
            .body
            .contains(&format!("/cabinet/admin/accounts/{own}/disable")),
        "no button to disable oneself"
    );
    let target = format!("/cabinet/admin/accounts/{}/disable", op.person.id);
    assert!(page.body.contains(&target));
    let csrf = page.csrf();
    assert_eq!(b.post(&target, &[("csrf", "forged")]).await.status, 403);
    let done = b.post(&target, &[("csrf", &csrf)]).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(
        done.body
            .contains("The account is disabled: it cannot sign in")
    );
    assert!(done.body.contains("Disabled since"));
    assert!(
        done.body
            .contains(&format!("/cabinet/admin/accounts/{}/enable", op.person.id))
    );

    assert_eq!(
        get_as(&app, "/api/v1/me", &op.access).await.status(),
        401,
        "the API token stops at once"
    );
    let bounced = theirs.get("/cabinet/desk").await;
    assert_eq!(bounced.status, 303, "the browser session ended");
    assert!(bounced.location().starts_with("/signin"));
    let again = crate::support::accounts::password_step(&app, &op.person.email, PASSWORD).await;
    assert_eq!(again.status(), 401, "cannot sign in");

    let twice = b.post(&target, &[("csrf", &csrf)]).await;
    assert_eq!(twice.status, 409);
    assert!(twice.body.contains("The account is disabled already."));
    let self_disable = app
        .http
        .post(app.url(&format!("/api/v1/admin/accounts/{own}/disable")))
        .bearer_auth(&admin.access)
        .send()
        .await
        .unwrap();
    let (status, _, body) = crate::support::accounts::problem(self_disable).await;
    assert_eq!(status, 409);
    assert_eq!(body["detail"], "You cannot disable your own account.");
    let unknown = b
        .post(
            &format!("/cabinet/admin/accounts/{}/disable", uuid::Uuid::new_v4()),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(unknown.status, 404);
    let rows = app
        .owner()
        .await
        .query(
            "SELECT details::jsonb->>'sessions_ended' FROM audit_entries WHERE action = 'account.disable'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].get::<_, Option<String>>(0).as_deref(),
        Some("2"),
        "the API's and the browser's"
    );

    let enabled = b
        .post(
            &format!("/cabinet/admin/accounts/{}/enable", op.person.id),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(enabled.status, 303);
    let back = crate::support::accounts::password_step(&app, &op.person.email, PASSWORD).await;
    assert_eq!(back.status(), 200, "signs in again");
    assert_eq!(
        get_as(&app, "/api/v1/me", &op.access).await.status(),
        401,
        "the old sessions stay ended"
    );
    let not_disabled = b
        .post(
            &format!("/cabinet/admin/accounts/{}/enable", op.person.id),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(not_disabled.status, 409);
}
