//! Requests and look-ups shared by the exchange's tests.

use super::TestApp;
use super::accounts::{Session, outbox};
use serde_json::Value;

/// A request as `who` with an optional JSON body.
pub async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    who: &Session,
    body: Option<Value>,
) -> reqwest::Response {
    let mut r = app
        .http
        .request(method, app.url(path))
        .bearer_auth(&who.access);
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap()
}

/// The JSON body of a response that must have `status`.
pub async fn ok(r: reqwest::Response, status: u16) -> Value {
    let got = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// Audit entries with `action`.
pub async fn audit_count(app: &TestApp, action: &str) -> i64 {
    app.owner()
        .await
        .query_one(
            "SELECT count(*) FROM audit_entries WHERE action = $1",
            &[&action],
        )
        .await
        .unwrap()
        .get(0)
}

/// The link secret in the newest sending email to `email`.
pub async fn link(app: &TestApp, email: &str) -> String {
    let bodies = outbox(app, email).await;
    let body = bodies
        .iter()
        .find(|b| b.contains("link="))
        .expect("a sending email");
    let start = body.find("link=").unwrap() + 5;
    body[start..].split_whitespace().next().unwrap().to_owned()
}
