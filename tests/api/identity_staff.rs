//! Staff accounts, roles as capabilities, partner API clients with scopes and rate limits, and
//! the `admin` CLI.

use crate::support::accounts::*;
use crate::support::{cli, spawn};
use serde_json::{Value, json};

#[tokio::test]
async fn staff_endpoints_refuse_subscribers_and_admins_create_operators() {
    let app = spawn().await;
    let sub = subscriber(&app).await;
    let admin = member(&app, "admin", None).await;
    let auditor = member(&app, "auditor", None).await;
    let point = json!({"name": "Berlin office", "region": "Berlin"});
    for who in [&sub, &auditor] {
        let (status, slug, _) = problem(
            post_as(
                &app,
                "/api/v1/admin/points-of-issue",
                &who.access,
                point.clone(),
            )
            .await,
        )
        .await;
        assert_eq!((status, slug.as_str()), (403, "forbidden"));
    }
    let r = post_as(
        &app,
        "/api/v1/admin/points-of-issue",
        &admin.access,
        point.clone(),
    )
    .await;
    assert_eq!(r.status(), 201);
    let point_id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        problem(post_as(&app, "/api/v1/admin/points-of-issue", &admin.access, point).await)
            .await
            .0,
        409
    );

    let (email, phone) = contact();
    let mut op = json!({"role": "operator", "surname": "Smirnova", "given_name": "Olga", "email": email, "phone": phone});
    let (status, _, p) =
        problem(post_as(&app, "/api/v1/admin/members", &admin.access, op.clone()).await).await;
    assert_eq!(status, 400, "an operator needs a point of issue: {p}");
    op["role"] = json!("subscriber");
    assert_eq!(
        problem(post_as(&app, "/api/v1/admin/members", &admin.access, op.clone()).await)
            .await
            .0,
        400
    );
    op["role"] = json!("operator");
    op["point_of_issue"] = json!(point_id);
    assert_eq!(
        problem(post_as(&app, "/api/v1/admin/members", &sub.access, op.clone()).await)
            .await
            .0,
        403
    );
    let r = post_as(&app, "/api/v1/admin/members", &admin.access, op).await;
    assert_eq!(r.status(), 201);

    let token = last_link_token(&app, &email).await;
    let r = post(
        &app,
        "/api/v1/auth/password-reset/confirm",
        json!({"token": token, "new_password": PASSWORD}),
    )
    .await;
    assert_eq!(
        r.status(),
        204,
        "the operator chooses a password from the emailed link"
    );
    let person = Person {
        id: String::new(),
        email,
        phone,
    };
    let operator = login(&app, &person).await;
    let me: Value = get_as(&app, "/api/v1/me", &operator.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "operator");
    assert_eq!(me["point_of_issue"], json!(point_id));
    assert_eq!(
        problem(
            post_as(
                &app,
                "/api/v1/admin/partners",
                &operator.access,
                json!({"name": "X"})
            )
            .await
        )
        .await
        .0,
        403
    );
}

#[tokio::test]
async fn partner_clients_get_scoped_tokens_and_a_request_budget() {
    let clock = std::sync::Arc::new(crate::support::ManualClock::new(chrono::Utc::now()));
    let app = crate::support::spawn_with_clock(clock.clone()).await;
    let admin = member(&app, "admin", None).await;
    let r = post_as(
        &app,
        "/api/v1/admin/partners",
        &admin.access,
        json!({"name": "Consulate services Ltd"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let partner = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _, _) = problem(
        post_as(
            &app,
            &format!("/api/v1/admin/partners/{partner}/clients"),
            &admin.access,
            json!({"name": "crm", "scopes": ["everything"]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400, "unknown scopes are refused");
    let r = post_as(
        &app,
        &format!("/api/v1/admin/partners/{partner}/clients"),
        &admin.access,
        json!({"name": "crm", "scopes": ["agents:read", "applications:read"], "requests_per_minute": 3}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let c: Value = r.json().await.unwrap();
    let (id, secret) = (
        c["client_id"].as_str().unwrap(),
        c["client_secret"].as_str().unwrap(),
    );

    let (status, slug, body) = problem(client_token(&app, id, "wrong-secret", None).await).await;
    assert_eq!((status, slug.as_str()), (401, "invalid-client"));
    assert_eq!(body["error"], "invalid_client");
    let (status, _, body) =
        problem(client_token(&app, id, secret, Some("applications:write")).await).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_scope"))
    );
    let r = app
        .http
        .post(app.url("/oauth/token"))
        .form(&[("grant_type", "password")])
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.2["error"], "unsupported_grant_type");

    let narrow: Value = client_token(&app, id, secret, Some("applications:read"))
        .await
        .json()
        .await
        .unwrap();
    let (status, slug, _) = problem(
        get_as(
            &app,
            "/api/v1/partner/agents",
            narrow["access_token"].as_str().unwrap(),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, slug.as_str()),
        (403, "forbidden"),
        "a token without the scope"
    );

    let full: Value = client_token(&app, id, secret, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(full["scope"], "agents:read applications:read");
    let token = full["access_token"].as_str().unwrap();
    assert_eq!(
        problem(get_as(&app, "/api/v1/me", token).await).await.0,
        403,
        "a client is not a person"
    );
    let r = get_as(&app, "/api/v1/partner/agents", token).await;
    assert_eq!(r.status(), 200);
    let mut statuses = Vec::new();
    for _ in 0..2 {
        let r = get_as(&app, "/api/v1/partner/agents", token).await;
        if r.status() == 429 {
            assert!(r.headers().get("retry-after").is_some());
        }
        statuses.push(r.status().as_u16());
    }
    assert_eq!(
        statuses,
        [429, 429],
        "three requests a minute (the clock stands still)"
    );
    let sub = subscriber(&app).await;
    assert_eq!(
        problem(get_as(&app, "/api/v1/partner/agents", &sub.access).await)
            .await
            .0,
        403
    );

    clock.advance(chrono::TimeDelta::seconds(60));
    assert_eq!(
        get_as(&app, "/api/v1/partner/agents", token).await.status(),
        200,
        "a new minute"
    );
    let client_uuid = c["id"].as_str().unwrap();
    let r = post_as(
        &app,
        &format!("/api/v1/admin/clients/{client_uuid}/secret"),
        &admin.access,
        json!({}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let rotated: Value = r.json().await.unwrap();
    assert_ne!(rotated["client_secret"], c["client_secret"]);
    assert_eq!(
        client_token(&app, id, rotated["client_secret"].as_str().unwrap(), None)
            .await
            .status(),
        200
    );
    assert_eq!(
        client_token(&app, id, secret, None).await.status(),
        200,
        "the old secret has a grace period"
    );
}

#[tokio::test]
async fn the_cli_creates_the_first_admin() {
    let app = spawn().await;
    let (email, phone) = contact();
    let toml = crate::support::config_toml(&app.db_name);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cloudseal.toml");
    std::fs::write(&path, toml).unwrap();
    let mut child = tokio::process::Command::new(crate::support::binary())
        .args([
            "--config",
            path.to_str().unwrap(),
            "admin",
            "create-user",
            "--role",
            "admin",
            "--surname",
            "Root",
            "--given-name",
            "Ada",
            "--email",
            &email,
            "--phone",
            &phone,
            "--password-stdin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use tokio::io::AsyncWriteExt;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .await
        .unwrap();
    let out = child.wait_with_output().await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let admin = login(
        &app,
        &Person {
            id,
            email: email.clone(),
            phone: phone.clone(),
        },
    )
    .await;
    let me: Value = get_as(&app, "/api/v1/me", &admin.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "admin");

    let out = cli([
        "--config",
        path.to_str().unwrap(),
        "admin",
        "create-user",
        "--role",
        "admin",
        "--surname",
        "Root",
        "--given-name",
        "Ada",
        "--email",
        &email,
        "--phone",
        "+4915100000001",
    ])
    .await;
    assert_eq!(out.status.code(), Some(2), "a taken email is a usage error");
    let out = cli([
        "--config",
        path.to_str().unwrap(),
        "admin",
        "create-user",
        "--role",
        "king",
        "--surname",
        "Root",
        "--given-name",
        "Ada",
        "--email",
        "k@example.org",
        "--phone",
        "+4915100000002",
    ])
    .await;
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test]
async fn an_admin_reviews_and_disables_a_partners_client() {
    let app = spawn().await;
    let admin = member(&app, "admin", None).await;
    let partner = create_partner(&app, &admin, "Visa desk Ltd").await;
    let r = post_as(
        &app,
        &format!("/api/v1/admin/partners/{partner}/clients"),
        &admin.access,
        json!({"name": "portal", "scopes": ["applications:read"]}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let c: Value = r.json().await.unwrap();
    let (id, client_id, secret) = (
        c["id"].as_str().unwrap(),
        c["client_id"].as_str().unwrap(),
        c["client_secret"].as_str().unwrap(),
    );
    let token: Value = client_token(&app, client_id, secret, None)
        .await
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap().to_owned();

    let list = get_as(&app, "/api/v1/admin/clients", &admin.access).await;
    assert_eq!(list.status(), 200);
    let text = list.text().await.unwrap();
    assert!(!text.contains(secret), "never the secret");
    assert!(!text.contains("hash"), "nor its hash: {text}");
    let list: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(list[0]["client_id"], client_id);
    assert_eq!(list[0]["partner"], partner.as_str());
    assert_eq!(list[0]["scopes"], json!(["applications:read"]));
    assert_eq!(list[0]["requests_per_minute"], 600);
    assert!(list[0]["disabled_at"].is_null());
    let sub = subscriber(&app).await;
    assert_eq!(
        problem(get_as(&app, "/api/v1/admin/clients", &sub.access).await)
            .await
            .0,
        403
    );

    let disable = |path: String| {
        let app = &app;
        let token = admin.access.clone();
        async move {
            app.http
                .delete(app.url(&path))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
        }
    };
    let r = disable(format!("/api/v1/admin/clients/{id}")).await;
    assert_eq!(r.status(), 204);
    assert_eq!(
        get_as(&app, "/api/v1/partner/agents", &token)
            .await
            .status(),
        401,
        "the token it held stops at once"
    );
    let (status, slug, _) = problem(client_token(&app, client_id, secret, None).await).await;
    assert_eq!((status, slug.as_str()), (401, "invalid-client"));
    assert_eq!(
        problem(disable(format!("/api/v1/admin/clients/{id}")).await)
            .await
            .0,
        409,
        "disabled already"
    );
    assert_eq!(
        problem(
            post_as(
                &app,
                &format!("/api/v1/admin/clients/{id}/secret"),
                &admin.access,
                json!({}),
            )
            .await
        )
        .await
        .0,
        404,
        "a disabled client gets no new secret"
    );
    for other in [uuid::Uuid::new_v4().to_string(), "not-an-id".to_owned()] {
        assert_eq!(
            problem(disable(format!("/api/v1/admin/clients/{other}")).await)
                .await
                .0,
            404
        );
    }
    let list = read_as(&app, "/api/v1/admin/clients", &admin.access).await;
    assert!(list[0]["disabled_at"].is_string());
    assert_eq!(
        crate::support::exchange::audit_count(&app, "api_client.disable").await,
        1
    );
}
