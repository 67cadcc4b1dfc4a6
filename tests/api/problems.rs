//! Every refusal is problem+json with a stable type, and no internal text leaks.

use crate::support::{TestApp, spawn};
use serde_json::{Value, json};

async fn problem(res: reqwest::Response, status: u16, kind: &str) -> Value {
    assert_eq!(res.status(), status);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["type"], format!("urn:cloudseal:problem:{kind}"));
    assert_eq!(body["status"], status);
    assert!(body["title"].is_string());
    body
}

/// Whether the answer closes its connection: every refusal of a request with a body does, as
/// the body may be left unread and the connection cannot carry another request.
fn closes(res: &reqwest::Response) -> bool {
    res.headers()
        .get("connection")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"))
}

fn verify_url(app: &TestApp) -> String {
    app.url("/api/v1/audit/verify")
}

#[tokio::test]
async fn unknown_route_is_a_404_problem() {
    let app = spawn().await;
    let res = app
        .http
        .get(app.url("/api/v1/nothing/here"))
        .send()
        .await
        .unwrap();
    problem(res, 404, "not-found").await;
}

#[tokio::test]
async fn wrong_method_is_a_405_problem() {
    let app = spawn().await;
    let res = app.http.delete(app.url("/healthz")).send().await.unwrap();
    problem(res, 405, "method-not-allowed").await;
    let res = app.http.get(verify_url(&app)).send().await.unwrap();
    problem(res, 405, "method-not-allowed").await;
}

#[tokio::test]
async fn malformed_json_is_a_400_problem_without_internals() {
    let app = spawn().await;
    let res = app
        .http
        .post(verify_url(&app))
        .header("content-type", "application/json")
        .body("{\"export\": ")
        .send()
        .await
        .unwrap();
    assert!(closes(&res));
    let body = problem(res, 400, "malformed-json").await;
    let detail = body["detail"].as_str().unwrap();
    assert!(!detail.contains("src/"), "{detail}");
    assert!(!detail.contains("cloudseal::"), "{detail}");
}

#[tokio::test]
async fn a_missing_or_unknown_field_is_a_400_problem_naming_it() {
    let app = spawn().await;
    let res = app
        .http
        .post(verify_url(&app))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let body = problem(res, 400, "malformed-json").await;
    assert!(body["detail"].as_str().unwrap().contains("export"));
    let res = app
        .http
        .post(verify_url(&app))
        .json(&json!({"export": "", "extra": 1}))
        .send()
        .await
        .unwrap();
    let body = problem(res, 400, "malformed-json").await;
    assert!(body["detail"].as_str().unwrap().contains("extra"));
}

#[tokio::test]
async fn wrong_content_type_is_a_415_problem() {
    let app = spawn().await;
    let res = app
        .http
        .post(verify_url(&app))
        .header("content-type", "text/plain")
        .body("{\"export\": \"\"}")
        .send()
        .await
        .unwrap();
    problem(res, 415, "unsupported-media-type").await;
}

#[tokio::test]
async fn oversized_body_is_a_413_problem() {
    let app = spawn().await;
    let big = "x".repeat(app.config.server.max_json_bytes + 10);
    let res = app
        .http
        .post(verify_url(&app))
        .json(&json!({"export": big}))
        .send()
        .await
        .unwrap();
    assert!(closes(&res), "the body is left unread");
    problem(res, 413, "payload-too-large").await;
}

#[tokio::test]
async fn a_bad_trust_anchor_is_a_400_problem() {
    let app = spawn().await;
    let res = app
        .http
        .post(verify_url(&app))
        .json(&json!({"export": "", "trust_anchor_pem": "not a certificate"}))
        .send()
        .await
        .unwrap();
    let body = problem(res, 400, "bad-request").await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("trust_anchor_pem")
    );
}

#[tokio::test]
async fn garbage_export_is_a_verdict_not_an_error() {
    let app = spawn().await;
    let res = app
        .http
        .post(verify_url(&app))
        .json(&json!({"export": "\u{0}garbage\n{]"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["valid"], false);
    assert_eq!(body["failure"]["line"], 1);
}

#[tokio::test]
async fn answers_other_than_a_refused_body_keep_the_connection() {
    let app = spawn().await;
    let unknown = app
        .http
        .get(app.url("/api/v1/nothing/here"))
        .send()
        .await
        .unwrap();
    assert!(!closes(&unknown), "a refusal without a body");
    problem(unknown, 404, "not-found").await;
    let answered = app
        .http
        .post(verify_url(&app))
        .json(&json!({"export": "garbage"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 200);
    assert!(!closes(&answered), "an answer to a body");
}
