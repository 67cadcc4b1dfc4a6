//! Refusals of the lifecycle that no other test reaches: a marker resent when no certificate
//! waits for one, the request step sent by a partner, a withdrawal reason that is too long, a
//! stranger changing the applicant's data.

use crate::support::accounts::{member, post_as, problem, subscriber};
use crate::support::registration::*;
use crate::support::spawn;
use serde_json::json;

#[tokio::test]
async fn a_marker_is_resent_only_while_a_certificate_waits_for_activation() {
    let app = spawn().await;
    let point = desk(&app, "Tallinn").await;
    let op = officer(&app, point).await;
    let sub = subscriber(&app).await;
    let a = file(&app, &sub, "qualified-cloud", point, individual()).await;
    let path = format!(
        "/api/v1/desk/applications/{}/marker",
        a["id"].as_str().unwrap()
    );
    let (status, kind, body) = problem(post_as(&app, &path, &op.access, json!({})).await).await;
    assert_eq!((status, kind.as_str()), (409, "precondition-failed"));
    assert_eq!(body["detail"], "no certificate awaits activation");

    let (id, _) = active_certificate(&app, &sub, &op, point).await;
    let path = format!("/api/v1/desk/applications/{id}/marker");
    let (status, kind, _) = problem(post_as(&app, &path, &op.access, json!({})).await).await;
    assert_eq!(
        (status, kind.as_str()),
        (409, "precondition-failed"),
        "already active"
    );
}

#[tokio::test]
async fn only_the_applicant_confirms_the_certificate_request() {
    let app = spawn().await;
    let point = desk(&app, "Riga").await;
    let op = operator(&app, point).await;
    let client = subscriber(&app).await;
    let admin = member(&app, "admin", None).await;
    let partner = partner_token(&app, &admin, "Agency Baltic").await;
    let body = json!({"product": "qualified-cloud", "point_of_issue": point,
                      "applicant": individual(), "subscriber_email": client.person.email});
    let r = post_as(&app, "/api/v1/applications", &partner, body).await;
    assert_eq!(r.status(), 201);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    accept_and_pay(&app, &op, &id).await;

    let request = format!("/api/v1/applications/{id}/request");
    let r = post_as(&app, &request, &partner, json!({"confirm": true})).await;
    let (status, kind, body) = problem(r).await;
    assert_eq!((status, kind.as_str()), (409, "precondition-failed"));
    assert_eq!(
        body["detail"],
        "only the applicant confirms the certificate request"
    );
    let v = ok(&app, &request, &client.access, json!({"confirm": true})).await;
    assert_eq!(v["status"], "awaiting_identification");
}

#[tokio::test]
async fn a_withdrawal_reason_longer_than_a_thousand_characters_is_refused() {
    let app = spawn().await;
    let point = desk(&app, "Vilnius").await;
    let sub = subscriber(&app).await;
    let a = file(&app, &sub, "qualified-cloud", point, individual()).await;
    let path = format!("/api/v1/applications/{}/cancel", a["id"].as_str().unwrap());
    let r = post_as(
        &app,
        &path,
        &sub.access,
        json!({"reason": "x".repeat(1001)}),
    )
    .await;
    let (status, _, body) = problem(r).await;
    assert_eq!(status, 400);
    assert_eq!(body["detail"], "the reason holds at most 1000 characters");
    let v = ok(
        &app,
        &path,
        &sub.access,
        json!({"reason": "x".repeat(1000)}),
    )
    .await;
    assert_eq!(v["status"], "cancelled");
}

#[tokio::test]
async fn a_stranger_cannot_change_the_applicant_data() {
    let app = spawn().await;
    let point = desk(&app, "Kaunas").await;
    let sub = subscriber(&app).await;
    let stranger = subscriber(&app).await;
    let a = file(&app, &sub, "qualified-cloud", point, individual()).await;
    let id = a["id"].as_str().unwrap();
    let mut changed = individual();
    changed["surname"] = json!("Чужая");
    let r = send(
        &app,
        reqwest::Method::PUT,
        &format!("/api/v1/applications/{id}/applicant"),
        &stranger.access,
        Some(changed),
    )
    .await;
    assert_eq!(problem(r).await.0, 404);
    let v =
        crate::support::accounts::get_as(&app, &format!("/api/v1/applications/{id}"), &sub.access)
            .await
            .json::<serde_json::Value>()
            .await
            .unwrap();
    assert_eq!(v["applicant"]["surname"], "Иванова");
    assert_eq!(v["updated_at"], a["updated_at"]);
}
