//! Holders' documents: streamed upload (raw and multipart) sealed in chunks, streamed
//! download checked against its digest, soft deletion and erasure, and every refusal.

use crate::support::accounts::{get_as, problem, subscriber};
use crate::support::documents::{
    assert_not_served, content, delete_document, start_raw_upload, upload_raw, upload_streamed,
};
use crate::support::{ManualClock, TestApp, spawn, spawn_with, spawn_with_clock};
use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::Arc;

async fn stored_documents(app: &TestApp) -> (i64, i64) {
    let c = app.owner().await;
    let docs: i64 = c
        .query_one("SELECT count(*) FROM documents", &[])
        .await
        .unwrap()
        .get(0);
    let chunks: i64 = c
        .query_one("SELECT count(*) FROM document_chunks", &[])
        .await
        .unwrap()
        .get(0);
    (docs, chunks)
}

/// The holder's document `id` is not there for them: not found, nor its content, nor to delete.
async fn assert_no_document(app: &TestApp, access: &str, id: impl std::fmt::Display) {
    for path in [
        format!("/api/v1/documents/{id}"),
        format!("/api/v1/documents/{id}/content"),
    ] {
        assert_eq!(
            problem(get_as(app, &path, access).await).await.0,
            404,
            "{path}"
        );
    }
    let r = app
        .http
        .delete(app.url(&format!("/api/v1/documents/{id}")))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 404, "delete");
}

#[tokio::test]
async fn a_document_streams_in_sealed_in_chunks_and_streams_out_intact() {
    let app = spawn().await;
    let sub = subscriber(&app).await;
    let other = subscriber(&app).await;
    // Three and a half chunks: the last one is short.
    let data = content(3 * 1024 * 1024 + 512 * 1024 + 7);
    let r = upload_raw(
        &app,
        &sub,
        "?name=%D0%B4%D0%BE%D0%B3%D0%BE%D0%B2%D0%BE%D1%80.pdf",
        Some("application/pdf"),
        data.clone(),
    )
    .await;
    assert_eq!(r.status(), 201);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let doc: Value = r.json().await.unwrap();
    let id = doc["id"].as_str().unwrap();
    assert_eq!(location, format!("/api/v1/documents/{id}"));
    assert_eq!(doc["name"], "договор.pdf");
    assert_eq!(doc["media_type"], "application/pdf");
    assert_eq!(doc["size"], data.len());
    assert_eq!(doc["sha256"], hex::encode(Sha256::digest(&data)));

    // At rest: four sealed chunks, none holding any 16 bytes of the plain text.
    let c = app.owner().await;
    let rows = c
        .query(
            "SELECT seq, sealed FROM document_chunks WHERE document_id = $1::text::uuid ORDER BY seq",
            &[&id],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 4);
    for r in &rows {
        let sealed: Vec<u8> = r.get(1);
        for probe in [&data[..16], &data[1024 * 1024..1024 * 1024 + 16]] {
            assert!(
                !sealed.windows(16).any(|w| w == probe),
                "plain text found in a chunk"
            );
        }
    }
    let wrapped: Option<Vec<u8>> = c
        .query_one(
            "SELECT wrapped_key FROM documents WHERE id = $1::text::uuid",
            &[&id],
        )
        .await
        .unwrap()
        .get(0);
    assert!(
        wrapped.is_some_and(|w| w.len() == 40),
        "the key is kept wrapped"
    );

    // Download: same bytes, with the name, the media type and the digest.
    let r = get_as(
        &app,
        &format!("/api/v1/documents/{id}/content"),
        &sub.access,
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(
        r.headers()["content-length"],
        data.len().to_string().as_str()
    );
    let digest = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&data));
    assert_eq!(
        r.headers()["repr-digest"],
        format!("sha-256=:{digest}:").as_str()
    );
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains("filename*=UTF-8''%D0%B4%D0%BE%D0%B3%D0%BE%D0%B2%D0%BE%D1%80.pdf"),
        "{disposition}"
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), data.as_slice());

    // Listed and readable by the holder only.
    let list: Value = get_as(&app, "/api/v1/documents", &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], id);
    for path in [
        format!("/api/v1/documents/{id}"),
        format!("/api/v1/documents/{id}/content"),
        "/api/v1/documents/not-an-id".to_owned(),
    ] {
        assert_eq!(
            problem(get_as(&app, &path, &other.access).await).await.0,
            404,
            "{path}"
        );
    }
    let r = app
        .http
        .delete(app.url(&format!("/api/v1/documents/{id}")))
        .bearer_auth(&other.access)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 404, "another holder cannot delete it");
    let list: Value = get_as(&app, "/api/v1/documents", &other.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list, serde_json::json!([]));

    let audit: i64 = c
        .query_one(
            "SELECT count(*) FROM audit_entries WHERE action = 'document.upload' \
             AND object_id = $1 AND details LIKE $2",
            &[&id, &format!("%{}%", hex::encode(Sha256::digest(&data)))],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(audit, 1, "the upload is audited with its hash");
}

#[tokio::test]
async fn a_multipart_form_uploads_its_file_part() {
    let app = spawn().await;
    let sub = subscriber(&app).await;
    let data = content(200_000);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(data.clone())
            .file_name("invoice 5.xml")
            .mime_str("application/xml")
            .unwrap(),
    );
    let r = app
        .http
        .post(app.url("/api/v1/documents"))
        .bearer_auth(&sub.access)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["name"], "invoice 5.xml");
    assert_eq!(doc["media_type"], "application/xml");
    assert_eq!(doc["sha256"], hex::encode(Sha256::digest(&data)));
    let got = get_as(
        &app,
        &format!("/api/v1/documents/{}/content", doc["id"].as_str().unwrap()),
        &sub.access,
    )
    .await
    .bytes()
    .await
    .unwrap();
    assert_eq!(got.as_ref(), data.as_slice());

    // A form without a `file` part is refused.
    let form = reqwest::multipart::Form::new().text("note", "hello");
    let r = app
        .http
        .post(app.url("/api/v1/documents"))
        .bearer_auth(&sub.access)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, _, b) = problem(r).await;
    assert_eq!(status, 400);
    assert!(b["detail"].as_str().unwrap().contains("`file`"), "{b}");
}

#[tokio::test]
async fn bad_uploads_are_refused_and_leave_nothing() {
    let app = spawn_with(|c| {
        c.documents.max_bytes = std::num::NonZeroU64::new(64 * 1024).unwrap();
    })
    .await;
    let sub = subscriber(&app).await;

    // Over the limit: refused by Content-Length, and by counting when streamed without it.
    let r = upload_raw(&app, &sub, "?name=big.bin", None, content(100 * 1024)).await;
    let (status, slug, b) = problem(r).await;
    assert_eq!((status, slug.as_str()), (413, "payload-too-large"));
    assert!(b["detail"].as_str().unwrap().contains("65536 bytes"), "{b}");
    let r = upload_streamed(&app, &sub.access, "streamed.bin", 10, 10 * 1024).await;
    assert_eq!(
        r.headers()["connection"],
        "close",
        "the body is left unread: the client must not send its next request on this connection"
    );
    assert_eq!(problem(r).await.0, 413, "counted while streaming");

    for (query, media_type, body, why) in [
        ("", None, content(10), "file name"),
        ("?name=a/b.txt", None, content(10), "path separators"),
        ("?name=a.txt", Some("pdf"), content(10), "not a media type"),
        ("?name=a.txt", None, Vec::new(), "empty"),
    ] {
        let r = upload_raw(&app, &sub, query, media_type, body).await;
        let (status, _, b) = problem(r).await;
        assert_eq!(status, 400, "{why}");
        assert!(b["detail"].as_str().unwrap().contains(why), "{b}");
    }
    let r = upload_raw(&app, &sub, "?name=a.txt&size=3", None, content(10)).await;
    assert_eq!(problem(r).await.0, 400, "unknown query parameter");
    let r = upload_raw(
        &app,
        &sub,
        "",
        Some("multipart/form-data; boundary=zzz"),
        b"--zzz\r\nnot a part header\r\n\r\nx\r\n--zzz--".to_vec(),
    )
    .await;
    assert_eq!(problem(r).await.0, 400, "a malformed multipart form");

    assert_eq!(stored_documents(&app).await, (0, 0), "nothing stored");

    // Only holders upload.
    let r = app
        .http
        .post(app.url("/api/v1/documents?name=a.txt"))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 401);
}

#[tokio::test]
async fn a_tampered_chunk_is_not_served() {
    let app = spawn().await;
    let sub = subscriber(&app).await;
    let data = content(2 * 1024 * 1024 + 10);
    let r = upload_raw(&app, &sub, "?name=a.bin", None, data).await;
    let doc: Value = r.json().await.unwrap();
    let id = doc["id"].as_str().unwrap();
    // Swap the first two chunks: each opens only in its own place.
    let c = app.owner().await;
    c.batch_execute(&format!(
        "UPDATE document_chunks SET seq = 99 WHERE document_id = '{id}' AND seq = 0; \
         UPDATE document_chunks SET seq = 0 WHERE document_id = '{id}' AND seq = 1; \
         UPDATE document_chunks SET seq = 1 WHERE document_id = '{id}' AND seq = 99;"
    ))
    .await
    .unwrap();
    assert_not_served(&app, &sub.access, id).await;
}

#[tokio::test]
async fn a_deleted_document_disappears_and_is_erased_after_retention() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = spawn_with_clock(clock.clone()).await;
    let sub = subscriber(&app).await;
    let r = upload_raw(&app, &sub, "?name=a.txt", Some("text/plain"), content(1000)).await;
    let doc: Value = r.json().await.unwrap();
    let id = doc["id"].as_str().unwrap();
    let r = delete_document(&app, &sub.access, id).await;
    assert_eq!(r.status(), 204);
    assert_no_document(&app, &sub.access, id).await;

    // Kept (hidden) during the retention period, erased after it.
    assert_eq!(app.documents.purge_due().await.unwrap(), 0);
    assert_eq!(stored_documents(&app).await, (1, 1));
    clock.advance(chrono::TimeDelta::days(31));
    assert_eq!(app.documents.purge_due().await.unwrap(), 1);
    assert_eq!(
        stored_documents(&app).await,
        (1, 0),
        "chunks erased, row kept"
    );
    let c = app.owner().await;
    let row = c
        .query_one(
            "SELECT wrapped_key IS NULL, purged_at IS NOT NULL FROM documents",
            &[],
        )
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0) && row.get::<_, bool>(1));
    let audited: i64 = c
        .query_one(
            "SELECT count(*) FROM audit_entries WHERE action IN ('document.delete', 'document.purge') \
             AND object_id = $1",
            &[&id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn an_upload_that_breaks_off_leaves_nothing() {
    let app = spawn().await;
    let sub = subscriber(&app).await;
    // A body that breaks off half-way (the client promised 8 MiB, sends 3 MiB — three sealed
    // chunks written — and hangs up): whatever arrived is rolled back.
    let mut socket = start_raw_upload(
        &app,
        &sub.access,
        "broken.bin",
        8 * 1024 * 1024,
        3 * 1024 * 1024,
    )
    .await;
    // The server has stored chunks (one behind the one it is filling) before the hang-up.
    assert!(
        crate::support::eventually(10, || async { stored_documents(&app).await.1 >= 2 }).await,
        "the upload was under way"
    );
    tokio::io::AsyncWriteExt::shutdown(&mut socket)
        .await
        .unwrap();
    drop(socket);
    assert!(
        crate::support::eventually(5, || async { stored_documents(&app).await == (0, 0) }).await,
        "nothing stored"
    );
}

#[tokio::test]
async fn an_upload_that_stalls_is_dropped_and_frees_its_connection() {
    let app = spawn_with(|c| {
        c.documents.body_idle_secs = std::num::NonZeroU64::new(1).unwrap();
    })
    .await;
    let sub = subscriber(&app).await;
    // One piece, then nothing: the client neither sends more nor hangs up.
    let first: Result<Vec<u8>, std::io::Error> = Ok(content(8 * 1024));
    let stalled = futures_util::StreamExt::chain(
        futures_util::stream::iter(vec![first]),
        futures_util::stream::pending(),
    );
    let r = app
        .http
        .post(app.url("/api/v1/documents?name=slow.bin"))
        .bearer_auth(&sub.access)
        .body(reqwest::Body::wrap_stream(stalled))
        .timeout(std::time::Duration::from_secs(20))
        .send()
        .await
        .unwrap();
    let (status, slug, _) = problem(r).await;
    assert_eq!((status, slug.as_str()), (408, "upload-stalled"));
    assert_eq!(stored_documents(&app).await, (0, 0), "nothing stored");
}

/// An upload that announces 8 MiB, sends 3 MiB and then waits, neither sending more nor
/// hanging up, as a slow client does: its connection (dropping it hangs up) and the id of its
/// staged row once two chunks are stored.
async fn start_stalled_upload(app: &TestApp, access: &str) -> (tokio::net::TcpStream, uuid::Uuid) {
    let socket = start_raw_upload(app, access, "slow.bin", 8 * 1024 * 1024, 3 * 1024 * 1024).await;
    assert!(
        crate::support::eventually(10, || async { stored_documents(app).await.1 >= 2 }).await,
        "the upload is under way"
    );
    let id = app
        .owner()
        .await
        .query_one(
            "SELECT id FROM documents WHERE upload_alive_at IS NOT NULL",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    (socket, id)
}

#[tokio::test]
async fn an_upload_under_way_is_invisible_and_holds_back_no_audit_entry() {
    let app = spawn().await;
    let sub = subscriber(&app).await;
    let (client, id) = start_stalled_upload(&app, &sub.access).await;

    // Not a document yet: not listed, not found, not deletable.
    let list: Value = get_as(&app, "/api/v1/documents", &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list, serde_json::json!([]));
    assert_no_document(&app, &sub.access, id).await;

    // Acts audited while the body is still coming are linked into the chain at once: the
    // upload holds no transaction open that the sealer would have to wait for.
    crate::audit_chain::append(&app, 3, "test.during_upload").await;
    let entries = crate::audit_chain::entry_count(&app).await;
    assert!(
        crate::support::eventually(10, || async {
            crate::audit_chain::sealed_seqs(&app).await.len() as i64 == entries
        })
        .await,
        "every entry linked while the upload is under way"
    );
    assert_eq!(
        stored_documents(&app).await.0,
        1,
        "the upload was still under way"
    );

    // The client goes away: what it sent is removed, and nothing was audited as uploaded.
    drop(client);
    assert!(
        crate::support::eventually(10, || async { stored_documents(&app).await == (0, 0) }).await,
        "the unfinished upload removed"
    );
    let c = app.owner().await;
    let uploads: i64 = c
        .query_one(
            "SELECT count(*) FROM audit_entries WHERE action = 'document.upload'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(uploads, 0);
}

#[tokio::test]
async fn an_upload_silent_for_ten_minutes_is_removed_by_the_purger() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = spawn_with_clock(clock.clone()).await;
    let sub = subscriber(&app).await;
    let (client, _) = start_stalled_upload(&app, &sub.access).await;

    // Alive: kept. Silent for longer than any live upload goes without a sign (the state a
    // process that died midway leaves): removed with its chunks.
    assert_eq!(app.documents.discard_abandoned().await.unwrap(), 0);
    clock.advance(chrono::TimeDelta::minutes(9));
    assert_eq!(app.documents.discard_abandoned().await.unwrap(), 0);
    assert_eq!(stored_documents(&app).await.0, 1);
    clock.advance(chrono::TimeDelta::minutes(2));
    assert_eq!(app.documents.discard_abandoned().await.unwrap(), 1);
    assert_eq!(stored_documents(&app).await, (0, 0));
    drop(client);
}

#[tokio::test]
async fn a_body_that_ends_short_of_its_announced_length_is_refused_with_nothing_stored() {
    use cloudseal::documents::{DocumentError, DocumentName, MediaType, NewDocument};
    let app = spawn().await;
    let sub = subscriber(&app).await;
    let cloudseal::identity::Principal::Person(person) =
        app.identity.authenticate_bearer(&sub.access).await.unwrap()
    else {
        panic!("a person's token");
    };
    let meta = cloudseal::identity::RequestMeta {
        request_id: None,
        client_ip: "127.0.0.1".into(),
        user_agent: "test".into(),
    };
    // The connection ended quietly after 3 of the 8 MiB its Content-Length promised (the
    // HTTP layer may end the body without an error when the peer goes away).
    let new = NewDocument {
        name: DocumentName::parse("short.bin").unwrap(),
        media_type: MediaType::octet_stream(),
        declared_size: Some(8 * 1024 * 1024),
    };
    let body = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(bytes::Bytes::from(
        content(3 * 1024 * 1024),
    ))]);
    let refused = app.documents.upload(&person, &meta, new, body).await;
    match refused {
        Err(DocumentError::Body(said)) => assert_eq!(
            said.to_string(),
            "the upload broke off: 8388608 bytes announced, 3145728 received"
        ),
        other => panic!("refused as broken off, got {other:?}"),
    }
    assert_eq!(stored_documents(&app).await, (0, 0), "nothing stored");
}
