//! Requests and look-ups shared by the exchange's tests.

use super::TestApp;
use super::accounts::{Session, outbox, post_as};
use super::documents::{sign_documents, upload};
use super::registration::holder;
use serde_json::Value;
use serde_json::json;

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

/// A holder with signed documents: (session, credential, [(document id, signature id)]).
pub async fn sender_with_documents(
    app: &TestApp,
    bodies: &[&[u8]],
) -> (Session, String, Vec<(String, String)>) {
    let (sub, credential) = holder(app, "Berlin").await;
    let mut ids = Vec::new();
    for (i, b) in bodies.iter().enumerate() {
        let d = upload(app, &sub, &format!("file-{i}.pdf"), b).await;
        ids.push(d["id"].as_str().unwrap().to_owned());
    }
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let signatures = sign_documents(app, &sub, &credential, &refs).await;
    (sub, credential, ids.into_iter().zip(signatures).collect())
}

/// Make `a` and `b` accepted counterparties, so sendings between them are delivered at once.
pub async fn counterparties(app: &TestApp, a: &Session, b: &Session) {
    let inv = ok(
        post_as(
            app,
            "/api/v1/counterparties",
            &a.access,
            json!({"email": b.person.email}),
        )
        .await,
        201,
    )
    .await;
    let accept = format!(
        "/api/v1/counterparties/{}/accept",
        inv["id"].as_str().unwrap()
    );
    ok(post_as(app, &accept, &b.access, json!({})).await, 200).await;
}
