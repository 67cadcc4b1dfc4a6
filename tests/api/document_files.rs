//! Documents kept as files (`documents.directory`): the same sealed chunks, end to end in one
//! file per document; refused, broken-off, erased and abandoned uploads leave no file behind,
//! and a file tampered with or cut short is not served.

use crate::support::accounts::{problem, subscriber};
use crate::support::documents::{
    assert_not_served, content, delete_document, start_raw_upload, upload, upload_raw,
    upload_streamed,
};
use crate::support::{ManualClock, TestApp, eventually, spawn_with_options};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Bytes of a sealed full chunk: 1 MiB and the GCM tag.
const SEALED: u64 = 1024 * 1024 + 16;

/// A server keeping document files in a fresh directory (kept alive by the returned guard).
async fn spawn_with_files(
    clock: Option<Arc<ManualClock>>,
    tweak: impl FnOnce(&mut cloudseal::Config),
) -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("documents");
    let app = spawn_with_options(clock, |c| {
        c.documents.directory = Some(root);
        tweak(c);
    })
    .await;
    (app, dir)
}

/// The files under the documents directory, with their sizes.
fn files(dir: &tempfile::TempDir) -> Vec<(PathBuf, u64)> {
    let root = dir.path().join("documents");
    let mut out = Vec::new();
    for shard in std::fs::read_dir(&root).unwrap() {
        let shard = shard.unwrap().path();
        assert!(shard.is_dir(), "only shard directories at the top");
        for file in std::fs::read_dir(&shard).unwrap() {
            let path = file.unwrap().path();
            let size = std::fs::metadata(&path).unwrap().len();
            out.push((path, size));
        }
    }
    out
}

/// The path of document `id`'s file.
fn file_of(dir: &tempfile::TempDir, id: &str) -> PathBuf {
    let name = uuid::Uuid::parse_str(id).unwrap().simple().to_string();
    dir.path().join("documents").join(&name[..2]).join(name)
}

async fn rows(app: &TestApp) -> (i64, i64) {
    let c = app.owner().await;
    let count = |table: &'static str| {
        let c = &c;
        async move {
            c.query_one(&format!("SELECT count(*) FROM {table}"), &[])
                .await
                .unwrap()
                .get::<_, i64>(0)
        }
    };
    (count("documents").await, count("document_chunks").await)
}

fn swap(path: &Path, a: u64, b: u64, len: usize) {
    use std::os::unix::fs::FileExt;
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .unwrap();
    let (mut x, mut y) = (vec![0u8; len], vec![0u8; len]);
    f.read_exact_at(&mut x, a).unwrap();
    f.read_exact_at(&mut y, b).unwrap();
    f.write_all_at(&y, a).unwrap();
    f.write_all_at(&x, b).unwrap();
}

#[tokio::test]
async fn a_document_kept_as_a_file_streams_in_sealed_and_out_intact() {
    let (app, dir) = spawn_with_files(None, |_| {}).await;
    let sub = subscriber(&app).await;
    let data = content(3 * 1024 * 1024 + 512 * 1024 + 7);
    let doc = upload(&app, &sub, "a.pdf", &data).await;
    let id = doc["id"].as_str().unwrap().to_owned();
    assert_eq!(doc["sha256"], hex::encode(Sha256::digest(&data)));

    // One file: three full sealed chunks and a short last one, no plain text, no chunk rows.
    let path = file_of(&dir, &id);
    let short = (512 * 1024 + 7 + 16) as u64;
    assert_eq!(files(&dir), vec![(path.clone(), 3 * SEALED + short)]);
    assert_eq!(rows(&app).await, (1, 0));
    let sealed = std::fs::read(&path).unwrap();
    for probe in [&data[..16], &data[2 * 1024 * 1024..2 * 1024 * 1024 + 16]] {
        assert!(
            !sealed.windows(16).any(|w| w == probe),
            "plain text found in the file"
        );
    }

    let r = crate::support::accounts::get_as(
        &app,
        &format!("/api/v1/documents/{id}/content"),
        &sub.access,
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().as_ref(), data.as_slice());

    // Two chunks swapped in the file: each opens only in its own place.
    swap(&path, 0, SEALED, SEALED as usize);
    assert_not_served(&app, &sub.access, &id).await;
    swap(&path, 0, SEALED, SEALED as usize);
    // The file cut short by its last chunk: the new last one was not sealed as the last.
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(3 * SEALED).unwrap();
    assert_not_served(&app, &sub.access, &id).await;
    // The file gone: an internal fault, nothing served.
    std::fs::remove_file(&path).unwrap();
    let r = crate::support::accounts::get_as(
        &app,
        &format!("/api/v1/documents/{id}/content"),
        &sub.access,
    )
    .await;
    assert_eq!(problem(r).await.0, 500);
}

#[tokio::test]
async fn the_start_makes_every_shard_and_an_upload_makes_a_missing_one_again() {
    let (app, dir) = spawn_with_files(None, |_| {}).await;
    let root = dir.path().join("documents");
    let mut shards: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    shards.sort();
    let every: Vec<String> = (0..=u8::MAX).map(|b| format!("{b:02x}")).collect();
    assert_eq!(shards, every);

    // Every shard removed by hand while the service runs: the upload makes its own again.
    for shard in &shards {
        std::fs::remove_dir(root.join(shard)).unwrap();
    }
    let sub = subscriber(&app).await;
    let data = content(1000);
    let doc = upload(&app, &sub, "again.txt", &data).await;
    let path = file_of(&dir, doc["id"].as_str().unwrap());
    assert_eq!(files(&dir), vec![(path, 1000 + 16)]);
    let r = crate::support::accounts::get_as(
        &app,
        &format!("/api/v1/documents/{}/content", doc["id"].as_str().unwrap()),
        &sub.access,
    )
    .await;
    assert_eq!(r.bytes().await.unwrap().as_ref(), data.as_slice());
}

#[tokio::test]
async fn refused_and_broken_off_uploads_leave_no_file() {
    let (app, dir) = spawn_with_files(None, |c| {
        c.documents.max_bytes = std::num::NonZeroU64::new(4 * 1024 * 1024).unwrap();
    })
    .await;
    let sub = subscriber(&app).await;

    // Over the limit, counted while streaming (two chunks were written before it tipped).
    let r = upload_streamed(&app, &sub.access, "big.bin", 5, 1024 * 1024).await;
    assert_eq!(problem(r).await.0, 413);
    let r = upload_raw(&app, &sub, "?name=empty.txt", None, Vec::new()).await;
    assert_eq!(problem(r).await.0, 400);
    assert_eq!(files(&dir), vec![], "no file after a refusal");
    assert_eq!(rows(&app).await, (0, 0));

    // A body that breaks off after three of its four announced MiB.
    let mut socket = start_raw_upload(
        &app,
        &sub.access,
        "broken.bin",
        4 * 1024 * 1024,
        3 * 1024 * 1024,
    )
    .await;
    assert!(
        eventually(10, || async {
            files(&dir)
                .first()
                .is_some_and(|(_, size)| *size >= 2 * SEALED)
        })
        .await,
        "the upload was under way"
    );
    tokio::io::AsyncWriteExt::shutdown(&mut socket)
        .await
        .unwrap();
    drop(socket);
    assert!(
        eventually(5, || async {
            files(&dir).is_empty() && rows(&app).await == (0, 0)
        })
        .await,
        "no file and no row after the hang-up"
    );
}

#[tokio::test]
async fn erased_documents_and_abandoned_uploads_lose_their_files() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let (app, dir) = spawn_with_files(Some(clock.clone()), |_| {}).await;
    let sub = subscriber(&app).await;
    let id = upload(&app, &sub, "a.txt", &content(1000)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = delete_document(&app, &sub.access, &id).await;
    assert_eq!(r.status(), 204);
    assert_eq!(app.documents.purge_due().await.unwrap(), 0);
    assert!(file_of(&dir, &id).exists(), "kept during retention");
    clock.advance(chrono::TimeDelta::days(31));
    assert_eq!(app.documents.purge_due().await.unwrap(), 1);
    assert_eq!(files(&dir), vec![], "the file erased with the key");
    assert_eq!(rows(&app).await, (1, 0), "the row kept");

    // An upload whose process went silent: removed by the purger, file and all (a holder
    // signed in now: the first one's access token ran out with the retention period).
    let sub = subscriber(&app).await;
    let socket = start_raw_upload(
        &app,
        &sub.access,
        "slow.bin",
        8 * 1024 * 1024,
        3 * 1024 * 1024,
    )
    .await;
    assert!(
        eventually(10, || async { files(&dir).len() == 1 }).await,
        "the upload under way has its file"
    );
    assert_eq!(app.documents.discard_abandoned().await.unwrap(), 0);
    clock.advance(chrono::TimeDelta::minutes(11));
    assert_eq!(app.documents.discard_abandoned().await.unwrap(), 1);
    assert_eq!(files(&dir), vec![]);
    assert_eq!(rows(&app).await, (1, 0));
    drop(socket);
}
