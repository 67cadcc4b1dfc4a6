//! Uploading documents in tests.

use super::TestApp;
use super::accounts::Session;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A document of `len` bytes that repeats no 16-byte window (so a plaintext search is fair).
pub fn content(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    let mut i: u64 = 0;
    while out.len() < len {
        out.extend_from_slice(&Sha256::digest(i.to_be_bytes()));
        i += 1;
    }
    out.truncate(len);
    out
}

/// POST a raw body to `/api/v1/documents{query}`.
pub async fn upload_raw(
    app: &TestApp,
    who: &Session,
    query: &str,
    media_type: Option<&str>,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut req = app
        .http
        .post(app.url(&format!("/api/v1/documents{query}")))
        .bearer_auth(&who.access)
        .body(body);
    if let Some(m) = media_type {
        req = req.header("content-type", m);
    }
    req.send().await.unwrap()
}

/// Upload `body` as `name` (URL-safe); the stored document.
pub async fn upload(app: &TestApp, who: &Session, name: &str, body: &[u8]) -> Value {
    let r = upload_raw(app, who, &format!("?name={name}"), None, body.to_vec()).await;
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}
