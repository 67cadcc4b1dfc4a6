//! Uploading documents in tests.

use super::TestApp;
use super::accounts::{Session, last_code, post_as};
use super::registration::PIN;
use serde_json::{Value, json};
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

/// The content of document `id` is not served to its holder: it fails to open. Which of
/// three ways the request ends depends on how far the response got when the first chunk
/// failed; in none does the client receive the content.
pub async fn assert_not_served(app: &TestApp, access: &str, id: &str) {
    let sent = app
        .http
        .get(app.url(&format!("/api/v1/documents/{id}/content")))
        .bearer_auth(access)
        .send()
        .await;
    let r = match sent {
        // The connection closes before the head is flushed…
        Err(e) => {
            assert!(e.is_request(), "{e}");
            return;
        }
        Ok(r) => r,
    };
    match r.status().as_u16() {
        // …the first chunk fails before the head is built…
        500 => assert_eq!(super::accounts::problem(r).await.1, "internal"),
        // …or the body breaks off: the client never gets the full, trusted length.
        200 => assert!(r.bytes().await.is_err(), "a broken body"),
        s => panic!("unexpected {s}"),
    }
}

/// DELETE the document `id` as the holder of `access`.
pub async fn delete_document(app: &TestApp, access: &str, id: &str) -> reqwest::Response {
    app.http
        .delete(app.url(&format!("/api/v1/documents/{id}")))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
}

/// Upload `name` as `pieces` pieces of `piece_len` bytes, streamed without a Content-Length
/// (the server can only count).
pub async fn upload_streamed(
    app: &TestApp,
    access: &str,
    name: &str,
    pieces: usize,
    piece_len: usize,
) -> reqwest::Response {
    let pieces: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..pieces).map(|_| Ok(content(piece_len))).collect();
    app.http
        .post(app.url(&format!("/api/v1/documents?name={name}")))
        .bearer_auth(access)
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            pieces,
        )))
        .send()
        .await
        .unwrap()
}

/// Start a raw upload of `name` over a bare connection that announces `announced` bytes and
/// sends `sent` of them, as a client that stalls or is about to hang up does; the connection
/// (dropping it hangs up).
pub async fn start_raw_upload(
    app: &TestApp,
    access: &str,
    name: &str,
    announced: usize,
    sent: usize,
) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let addr = app.url("").trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/v1/documents?name={name} HTTP/1.1\r\nHost: {addr}\r\n\
         Authorization: Bearer {access}\r\nContent-Length: {announced}\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(&content(sent)).await.unwrap();
    socket
}

/// Upload `body` as `name` (URL-safe); the stored document.
pub async fn upload(app: &TestApp, who: &Session, name: &str, body: &[u8]) -> Value {
    let r = upload_raw(app, who, &format!("?name={name}"), None, body.to_vec()).await;
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

/// Confirm with the SMS code and authorise signing the stored `documents` with the holder's
/// credential and PIN; the SAD.
pub async fn authorise_documents(
    app: &TestApp,
    sub: &Session,
    credential: &str,
    documents: &[&str],
) -> String {
    let r = post_as(
        app,
        &format!("/api/v1/credentials/{credential}/confirmation"),
        &sub.access,
        json!({ "documents": documents }),
    )
    .await;
    assert_eq!(r.status(), 201);
    let c: Value = r.json().await.unwrap();
    let code = last_code(app, &sub.person.phone).await;
    let r = post_as(
        app,
        &format!("/api/v1/credentials/{credential}/authorise"),
        &sub.access,
        json!({"pin": PIN, "confirmation": c["confirmation"], "code": code,
               "documents": documents}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["count"], documents.len());
    v["sad"].as_str().unwrap().to_owned()
}

/// Sign stored documents detached (CAdES-BES) under one authorisation; the signature ids.
pub async fn sign_documents(
    app: &TestApp,
    sub: &Session,
    credential: &str,
    documents: &[&str],
) -> Vec<String> {
    let sad = authorise_documents(app, sub, credential, documents).await;
    let r = post_as(
        app,
        "/api/v1/signatures",
        &sub.access,
        json!({"credential": credential, "sad": sad, "documents": documents}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let made: Vec<Value> = r.json().await.unwrap();
    made.iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Every `table.column` of the test database holding `needle` (bytea, text and JSON columns).
pub async fn columns_holding(app: &TestApp, needle: &[u8]) -> Vec<String> {
    let db = app.owner().await;
    let columns = db
        .query(
            "SELECT table_name::text, column_name::text, data_type::text \
             FROM information_schema.columns WHERE table_schema = 'public' \
             AND data_type IN ('bytea', 'text', 'jsonb', 'json')",
            &[],
        )
        .await
        .unwrap();
    let mut found = Vec::new();
    for c in &columns {
        let (table, column, kind): (String, String, String) = (c.get(0), c.get(1), c.get(2));
        let as_bytes = match kind.as_str() {
            "bytea" => format!("\"{column}\""),
            _ => format!("convert_to(\"{column}\"::text, 'UTF8')"),
        };
        let hits: i64 = db
            .query_one(
                &format!(
                    "SELECT count(*) FROM \"{table}\" WHERE position($1::bytea in {as_bytes}) > 0"
                ),
                &[&needle],
            )
            .await
            .unwrap()
            .get(0);
        if hits > 0 {
            found.push(format!("{table}.{column}"));
        }
    }
    found
}

/// What `POST /api/v1/verify/protocol` says of a protocol file.
pub async fn check_protocol(app: &TestApp, file: Vec<u8>) -> Value {
    let r = app
        .http
        .post(app.url("/api/v1/verify/protocol"))
        .body(file)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}
