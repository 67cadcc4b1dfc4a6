//! The desk's refusals and boundaries: transitions the lifecycle does not allow, checks and
//! payment before identification, operators of other points, partners' applications, the
//! queue's filters and its CSV report, bad input.

use crate::support::accounts::{get_as, member, post_as, problem, subscriber};
use crate::support::registration::*;
use crate::support::spawn;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn transitions_out_of_order_are_refused_with_409_and_nothing_changes() {
    let app = spawn().await;
    let point = desk(&app, "Tbilisi").await;
    let op = operator(&app, point).await;
    let sub = subscriber(&app).await;
    let a = file(&app, &sub, "simple-cloud", point, individual()).await;
    let id = a["id"].as_str().unwrap();

    let path = |act: &str| format!("/api/v1/desk/applications/{id}/{act}");
    let r = post_as(
        &app,
        &path("payment"),
        &op.access,
        json!({"reference": "x"}),
    )
    .await;
    assert_eq!(
        refused(r).await,
        (409, "transition-refused".into()),
        "paid before accepted"
    );
    let r = post_as(
        &app,
        &path("identification-statement"),
        &op.access,
        json!({"originals": ["passport"], "data_confirmed": true}),
    )
    .await;
    assert_eq!(
        refused(r).await,
        (409, "precondition-failed".into()),
        "identified before payment"
    );
    let r = post_as(
        &app,
        &format!("/api/v1/applications/{id}/request"),
        &sub.access,
        json!({"confirm": true}),
    )
    .await;
    assert_eq!(refused(r).await, (409, "transition-refused".into()));

    ok(&app, &path("accept"), &op.access, json!({})).await;
    let r = post_as(&app, &path("accept"), &op.access, json!({})).await;
    assert_eq!(refused(r).await.0, 409, "accepted twice");
    let r = post_as(
        &app,
        &path("identify"),
        &op.access,
        json!({"originals": ["passport"], "data_confirmed": true,
               "credential": uuid::Uuid::new_v4(), "sad": "not-yet"}),
    )
    .await;
    assert_eq!(
        refused(r).await,
        (409, "precondition-failed".into()),
        "identified before payment: refused before any signature is tried"
    );

    let v: Value = get_as(&app, &format!("/api/v1/applications/{id}"), &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "awaiting_payment");
    assert_eq!(v["history"].as_array().unwrap().len(), 2);

    // Rejection needs a reason, and the applicant sees it; nothing leaves a final status.
    let r = post_as(&app, &path("reject"), &op.access, json!({"reason": "  "})).await;
    assert_eq!(refused(r).await.0, 400);
    let v = ok(
        &app,
        &path("reject"),
        &op.access,
        json!({"reason": "Паспорт недействителен"}),
    )
    .await;
    assert_eq!(v["status"], "rejected");
    let v: Value = get_as(&app, &format!("/api/v1/applications/{id}"), &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["rejection_reason"], "Паспорт недействителен");
    let r = post_as(
        &app,
        &format!("/api/v1/applications/{id}/cancel"),
        &sub.access,
        json!({}),
    )
    .await;
    assert_eq!(refused(r).await.0, 409);
    let r = post_as(
        &app,
        &path("payment"),
        &op.access,
        json!({"reference": "x"}),
    )
    .await;
    assert_eq!(refused(r).await.0, 409);
}

#[tokio::test]
async fn identification_waits_for_every_check_and_the_data_freezes_after_it() {
    let app = spawn().await;
    let point = desk(&app, "Yerevan").await;
    let op = officer(&app, point).await;
    let sub = subscriber(&app).await;
    let mut bad = individual();
    bad["snils"] = json!("112-233-445 96");
    let a = file(&app, &sub, "qualified-cloud", point, bad).await;
    let id = a["id"].as_str().unwrap();
    let snils = check(&a, "snils_checksum");
    assert_eq!(snils["status"], "failed");
    assert!(
        snils["message"].as_str().unwrap().contains("check digit"),
        "{snils}"
    );

    let r = post_as(
        &app,
        &format!("/api/v1/desk/applications/{id}/accept"),
        &op.access,
        json!({}),
    )
    .await;
    let (status, slug, body) = problem(r).await;
    assert_eq!((status, slug.as_str()), (409, "precondition-failed"));
    assert!(
        body["detail"].as_str().unwrap().contains("snils_checksum"),
        "{body}"
    );

    // Fixing the data re-runs the checks.
    let r = send(
        &app,
        Method::PUT,
        &format!("/api/v1/applications/{id}/applicant"),
        &sub.access,
        Some(individual()),
    )
    .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert!(
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] != "failed")
    );
    to_identification(&app, &sub, &op, id, None).await;

    // Broken again just before identification: refused.
    let mut bad = individual();
    bad["document"]["number"] = json!("12345");
    let r = send(
        &app,
        Method::PUT,
        &format!("/api/v1/applications/{id}/applicant"),
        &sub.access,
        Some(bad),
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = post_as(
        &app,
        &format!("/api/v1/desk/applications/{id}/identification-statement"),
        &op.access,
        json!({"originals": ["passport"], "data_confirmed": true}),
    )
    .await;
    let (status, _, body) = problem(r).await;
    assert_eq!(status, 409);
    assert!(
        body["detail"].as_str().unwrap().contains("passport_format"),
        "{body}"
    );
    let r = post_as(
        &app,
        &format!("/api/v1/desk/applications/{id}/identification-statement"),
        &op.access,
        json!({"originals": [], "data_confirmed": true}),
    )
    .await;
    assert_eq!(refused(r).await.0, 400, "the originals must be named");

    send(
        &app,
        Method::PUT,
        &format!("/api/v1/applications/{id}/applicant"),
        &sub.access,
        Some(individual()),
    )
    .await;
    identify(&app, &op, id).await;
    let r = send(
        &app,
        Method::PUT,
        &format!("/api/v1/applications/{id}/applicant"),
        &sub.access,
        Some(individual()),
    )
    .await;
    assert_eq!(
        refused(r).await,
        (409, "precondition-failed".into()),
        "frozen once identified"
    );
    let r = post_as(
        &app,
        &format!("/api/v1/applications/{id}/cancel"),
        &sub.access,
        json!({}),
    )
    .await;
    assert_eq!(refused(r).await, (409, "transition-refused".into()));
}

#[tokio::test]
async fn operators_see_only_their_point_and_partners_only_their_own_applications() {
    let app = spawn().await;
    let here = desk(&app, "Here").await;
    let there = app
        .identity
        .create_point_of_issue(
            "There",
            "Serbia",
            "",
            cloudseal::audit::AuditEvent::system("x"),
        )
        .await
        .unwrap()
        .id;
    let op_here = operator(&app, here).await;
    let op_there = operator(&app, there).await;
    let sub = subscriber(&app).await;
    let other = subscriber(&app).await;
    let a = file(&app, &sub, "qualified-cloud", here, individual()).await;
    let id = a["id"].as_str().unwrap();

    let r = get_as(
        &app,
        &format!("/api/v1/applications/{id}"),
        &op_there.access,
    )
    .await;
    assert_eq!(refused(r).await.0, 404);
    let r = post_as(
        &app,
        &format!("/api/v1/desk/applications/{id}/accept"),
        &op_there.access,
        json!({}),
    )
    .await;
    assert_eq!(refused(r).await.0, 404);
    let r = get_as(&app, &format!("/api/v1/applications/{id}"), &other.access).await;
    assert_eq!(refused(r).await.0, 404, "another subscriber");
    let r = post_as(
        &app,
        &format!("/api/v1/desk/applications/{id}/accept"),
        &sub.access,
        json!({}),
    )
    .await;
    assert_eq!(refused(r).await.0, 403, "a subscriber is not an operator");
    let q: Value = get_as(&app, "/api/v1/applications", &op_there.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(q["total"], 0);
    let q: Value = get_as(&app, "/api/v1/applications", &op_here.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(q["total"], 1);

    // Partners file for their clients and see only their own.
    let admin = member(&app, "admin", None).await;
    let p1 = partner_token(&app, &admin, "Agency One").await;
    let p2 = partner_token(&app, &admin, "Agency Two").await;
    let body = json!({"product": "simple-cloud", "point_of_issue": here, "applicant": individual(),
                      "subscriber_email": other.person.email});
    let r = post_as(&app, "/api/v1/applications", &p1, body.clone()).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let filed: Value = r.json().await.unwrap();
    let pid = filed["id"].as_str().unwrap();
    assert!(filed["partner"].is_string());
    let r = get_as(&app, &format!("/api/v1/applications/{pid}"), &p2).await;
    assert_eq!(refused(r).await.0, 404, "another partner's application");
    let r = get_as(&app, &format!("/api/v1/applications/{id}"), &p1).await;
    assert_eq!(
        refused(r).await.0,
        404,
        "an application the partner did not file"
    );
    let r = get_as(&app, &format!("/api/v1/applications/{pid}"), &other.access).await;
    assert_eq!(
        r.status(),
        200,
        "the client sees what the partner filed for them"
    );
    let mut unknown = body.clone();
    unknown["subscriber_email"] = json!("nobody@example.org");
    let r = post_as(&app, "/api/v1/applications", &p1, unknown).await;
    assert_eq!(refused(r).await.0, 400);
    let mut none = body;
    none.as_object_mut().unwrap().remove("subscriber_email");
    let r = post_as(&app, "/api/v1/applications", &p1, none).await;
    assert_eq!(refused(r).await.0, 400);
    let q: Value = get_as(&app, "/api/v1/applications", &p2)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(q["total"], 0);
}

#[tokio::test]
async fn bad_applications_are_refused_with_a_clear_400() {
    let app = spawn().await;
    let point = desk(&app, "Almaty").await;
    let sub = subscriber(&app).await;
    let cases = [
        ("birth_date", json!("2030-01-01")),
        ("snils", json!("abc")),
        ("citizenship", json!("Germany")),
        ("surname", json!("")),
    ];
    for (field, value) in cases {
        let mut a = individual();
        a[field] = value;
        let r = post_as(
            &app,
            "/api/v1/applications",
            &sub.access,
            json!({"product": "qualified-cloud", "point_of_issue": point, "applicant": a}),
        )
        .await;
        let (status, _, body) = problem(r).await;
        assert_eq!(status, 400, "{field}: {body}");
        assert!(body["detail"].is_string());
    }
    let mut a = individual();
    a["organisation"] = employee()["organisation"].clone();
    let r = post_as(
        &app,
        "/api/v1/applications",
        &sub.access,
        json!({"product": "qualified-cloud", "point_of_issue": point, "applicant": a}),
    )
    .await;
    assert_eq!(
        refused(r).await.0,
        400,
        "an individual with an organisation"
    );
    let r = post_as(
        &app,
        "/api/v1/applications",
        &sub.access,
        json!({"product": "gold-plated", "point_of_issue": point, "applicant": individual()}),
    )
    .await;
    assert_eq!(refused(r).await.0, 400);
    let r = post_as(&app, "/api/v1/applications", &sub.access,
        json!({"product": "qualified-cloud", "point_of_issue": uuid::Uuid::new_v4(), "applicant": individual()})).await;
    assert_eq!(refused(r).await.0, 400);
    let r = post_as(&app, "/api/v1/applications", &sub.access,
        json!({"product": "qualified-cloud", "point_of_issue": point, "applicant": individual(), "extra": 1})).await;
    assert_eq!(refused(r).await.0, 400);
    for q in [
        "status=flying",
        "sort=colour",
        "limit=0",
        "limit=1000",
        "order=up",
        "track=x",
        "from=yesterday",
    ] {
        let r = get_as(&app, &format!("/api/v1/applications?{q}"), &sub.access).await;
        assert_eq!(refused(r).await.0, 400, "{q}");
    }
    let r = get_as(&app, "/api/v1/applications/not-a-uuid", &sub.access).await;
    assert_eq!(refused(r).await.0, 404);
    let r = app
        .http
        .get(app.url("/api/v1/applications"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused(r).await.0, 401);
}

#[tokio::test]
async fn the_queue_filters_sorts_pages_and_exports_csv() {
    let app = spawn().await;
    let point = desk(&app, "Bishkek").await;
    let op = operator(&app, point).await;
    let sub = subscriber(&app).await;
    let mut ids = Vec::new();
    for (surname, kind) in [
        ("Иванова", "individual"),
        ("Петрова", "employee"),
        ("Smith", "individual"),
    ] {
        let mut a = if kind == "employee" {
            employee()
        } else {
            individual()
        };
        a["surname"] = json!(surname);
        let v = file(&app, &sub, "qualified-cloud", point, a).await;
        ids.push(v["id"].as_str().unwrap().to_owned());
    }
    ok(
        &app,
        &format!("/api/v1/desk/applications/{}/accept", ids[0]),
        &op.access,
        json!({}),
    )
    .await;

    let list = |q: &'static str| {
        let app = &app;
        let token = op.access.clone();
        async move {
            let r = get_as(app, &format!("/api/v1/applications?{q}"), &token).await;
            assert_eq!(r.status(), 200, "{q}");
            r.json::<Value>().await.unwrap()
        }
    };
    assert_eq!(list("").await["total"], 3);
    assert_eq!(list("status=awaiting_payment").await["total"], 1);
    assert_eq!(list("status=awaiting_payment,data_check").await["total"], 3);
    assert_eq!(
        list("owner_name=иванов").await["total"],
        1,
        "any case, part of the name"
    );
    assert_eq!(list("organisation=ромашка").await["total"], 1);
    assert_eq!(
        list("inn=7707083893").await["total"],
        1,
        "the organisation's INN"
    );
    assert_eq!(list("kpp=773601001").await["total"], 1);
    assert_eq!(list("snils=112-233-445%2095").await["total"], 3);
    assert_eq!(list("track=own_key").await["total"], 0);
    assert_eq!(
        list("region=Cyprus&product=qualified-cloud").await["total"],
        3
    );
    let today = chrono::Utc::now().date_naive();
    let page = list("from=2000-01-01&until=2100-01-01&sort=owner_name&order=asc&limit=2").await;
    assert_eq!(page["total"], 3);
    let names: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["applicant"]["surname"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Smith", "Иванова"]);
    let page = list("sort=owner_name&order=asc&limit=2&offset=2").await;
    assert_eq!(page["items"][0]["applicant"]["surname"], "Петрова");
    let tomorrow = today.succ_opt().unwrap();
    let r = get_as(
        &app,
        &format!("/api/v1/applications?from={tomorrow}"),
        &op.access,
    )
    .await;
    assert_eq!(r.json::<Value>().await.unwrap()["total"], 0);
    let number = page["items"][0]["number"].as_i64().unwrap();
    let r = get_as(
        &app,
        &format!("/api/v1/applications?number={number}"),
        &op.access,
    )
    .await;
    assert_eq!(r.json::<Value>().await.unwrap()["total"], 1);

    let r = get_as(
        &app,
        "/api/v1/applications/report.csv?sort=owner_name&order=asc",
        &op.access,
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let bytes = r.bytes().await.unwrap();
    assert_eq!(
        &bytes[..3],
        b"\xef\xbb\xbf",
        "a UTF-8 byte-order mark for spreadsheets"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].starts_with("number,invoice_number,status"));
    assert!(lines[3].contains("Петрова Анна Сергеевна"), "{text}");
    assert!(
        lines[3].contains("\"ООО «Ромашка»\"") || lines[3].contains("ООО «Ромашка»"),
        "{text}"
    );
    assert!(text.contains("Ожидание оплаты"));
}

#[tokio::test]
async fn the_invalid_passports_list_is_imported_by_the_cli_and_checked_on_every_save() {
    let app = spawn().await;
    let point = desk(&app, "Minsk").await;
    let op = operator(&app, point).await;
    let sub = subscriber(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cloudseal.toml");
    std::fs::write(&config, crate::support::config_toml(&app.db_name)).unwrap();
    let list = dir.path().join("list_of_expired_passports.csv");
    std::fs::write(
        &list,
        "PASSP_SERIES,PASSP_NUMBER\r\n6003,111111\r\n4509,123456\r\n4509,123456\r\nЖЖЖЖ,12\r\n12,34,56\r\n\"7701\",\"222222\"\r\n",
    )
    .unwrap();
    let out = crate::support::cli([
        "--config",
        config.to_str().unwrap(),
        "registry",
        "import-passports",
        list.to_str().unwrap(),
    ])
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("read 6 lines, 3 invalid passports in force"),
        "{stdout}"
    );

    // The default test passport (4509 123456) is now listed; the earlier list is gone.
    let a = file(&app, &sub, "qualified-cloud", point, individual()).await;
    let listed = check(&a, "passport_not_invalid");
    assert_eq!(listed["status"], "failed", "{listed}");
    assert!(
        listed["message"]
            .as_str()
            .unwrap()
            .contains("invalid passports")
    );
    let id = a["id"].as_str().unwrap();
    let r = post_as(
        &app,
        &format!("/api/v1/desk/applications/{id}/accept"),
        &op.access,
        json!({}),
    )
    .await;
    assert_eq!(refused(r).await.0, 409);
    let mut fine = individual();
    fine["document"]["series"] = json!(LISTED_PASSPORT.0);
    fine["document"]["number"] = json!(LISTED_PASSPORT.1);
    let r = send(
        &app,
        Method::PUT,
        &format!("/api/v1/applications/{id}/applicant"),
        &sub.access,
        Some(fine),
    )
    .await;
    let v: Value = r.json().await.unwrap();
    let listed = check(&v, "passport_not_invalid");
    assert_eq!(
        listed["status"], "passed",
        "the first list was replaced: {listed}"
    );
    let mut foreign = individual();
    foreign["document"] = json!({"kind": "foreign_passport", "number": "C01X00T47", "issued_on": "2019-05-06", "issued_by": "Stadt Berlin"});
    let r = send(
        &app,
        Method::PUT,
        &format!("/api/v1/applications/{id}/applicant"),
        &sub.access,
        Some(foreign),
    )
    .await;
    let v: Value = r.json().await.unwrap();
    let listed = check(&v, "passport_not_invalid");
    assert_eq!(listed["status"], "not_applicable");

    let out = crate::support::cli([
        "--config",
        config.to_str().unwrap(),
        "registry",
        "import-passports",
        "/nonexistent.csv",
    ])
    .await;
    assert_eq!(out.status.code(), Some(2));
}
