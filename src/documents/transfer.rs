//! Streaming a document in and out. An upload is staged: its row is committed first, marked as
//! uploading and invisible; the body is hashed and cut into chunks as it arrives while the
//! chunks already cut are sealed and stored (in a short transaction each when they are kept
//! in the database), so hashing and sealing run on two cores; the last transaction records
//! size and hash, clears the mark and writes the audit entry. No transaction stays open for
//! the length of a body, so none holds back the audit sealer (which waits for every older
//! transaction of the cluster) or a pooled connection. An upload that does not finish —
//! empty, too large, broken off, stalled, the client gone — is removed with what it stored.
//! The download reads and opens chunks ahead, off the async workers, while it hashes and sends
//! the one before, and checks the whole against the recorded hash as it ends.

use super::chunks::{ChunkStore, Sink, Source};
use super::seal::{CHUNK, ChunkKey, SEALED_CHUNK};
use super::{DocumentError, DocumentId, DocumentView, Documents, NewDocument};
use crate::audit;
use crate::identity::{Person, RequestMeta};
use crate::said;
use crate::store::Db;
use crate::store::documents::{self as sql, DocumentRow};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use std::pin::Pin;
use std::time::Duration;
use tokio::sync::mpsc;
use uuid::Uuid;

/// Chunks waiting to be sealed and stored while the next one is received: the overlap of
/// receiving with storing, and the bound on the memory an upload holds.
const IN_FLIGHT: usize = 2;

/// Chunks sealed and stored at the same time (in the database each on a connection of its
/// own).
const WRITERS: usize = 2;

/// How often an upload says it is alive.
const TOUCH_EVERY: Duration = Duration::from_secs(30);

/// An upload that has said nothing for this long is abandoned (its process died): far longer
/// than [`TOUCH_EVERY`], so a live upload is never taken for one.
pub(super) const ABANDONED_AFTER: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// A document's content, opened as it is read.
pub struct Content {
    /// The document.
    pub document: DocumentRow,
    /// Its plain bytes, one chunk at a time; ends in an error if anything fails to open.
    pub stream: Pin<Box<dyn Stream<Item = Result<Bytes, DocumentError>> + Send>>,
}

/// What an upload received, once its body ended well.
struct Received {
    size: i64,
    sha256: Vec<u8>,
    chunks: i32,
}

/// An upload's committed row while it is not yet a document. Unless [`Staged::keep`] is called
/// it is removed: awaited on an error, and from a task of its own when the request is dropped
/// midway (the client went away), so a failure leaves nothing; the purger removes what a dead
/// process left.
struct Staged {
    db: Db,
    chunks: ChunkStore,
    id: Uuid,
    armed: bool,
    /// The connection that inserts the row, until it has: a request dropped while the insert
    /// is on its way removes the row on the same connection, after the insert, not before it.
    inserting: Option<crate::store::Client>,
}

impl Staged {
    /// Commit the upload's row.
    async fn begin(db: &Db, chunks: &ChunkStore, row: &DocumentRow) -> Result<Self, DocumentError> {
        let mut staged = Staged {
            db: db.clone(),
            chunks: chunks.clone(),
            id: row.id,
            armed: true,
            inserting: Some(db.client().await?),
        };
        if let Some(client) = &staged.inserting {
            sql::begin(&***client, row).await?;
        }
        staged.inserting = None;
        Ok(staged)
    }

    fn keep(mut self) {
        self.armed = false;
    }

    async fn discard(mut self) {
        self.armed = false;
        discard_upload(&self.db, &self.chunks, self.inserting.take(), self.id).await;
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let (db, chunks) = (self.db.clone(), self.chunks.clone());
            let (client, id) = (self.inserting.take(), self.id);
            runtime.spawn(async move {
                discard_upload(&db, &chunks, client, id).await;
            });
        }
    }
}

/// Remove an unfinished upload and its chunks (on `client` when given); whether it was
/// removed. A failure is logged and left to the purger.
pub(super) async fn discard_upload(
    db: &Db,
    chunks: &ChunkStore,
    client: Option<crate::store::Client>,
    id: Uuid,
) -> bool {
    let removed = async {
        let mut client = match client {
            Some(client) => client,
            None => db.client().await?,
        };
        let tx = client.transaction().await?;
        let removed = sql::discard(&tx, id).await?;
        if removed {
            chunks.remove(id).await?;
        }
        tx.commit().await?;
        Ok::<_, DocumentError>(removed)
    };
    match removed.await {
        Ok(true) => {
            tracing::info!(document = %id, "an unfinished upload was removed");
            true
        }
        Ok(false) => false,
        Err(e) => {
            tracing::warn!(document = %id, error = %e, "removing an unfinished upload failed; the purger will");
            false
        }
    }
}

/// A chunk cut from the body, to be sealed and stored.
struct Plain {
    seq: u32,
    last: bool,
    bytes: Vec<u8>,
}

/// Hands full chunks on as the body arrives, one chunk behind so the last is known.
struct Chunker {
    next: u32,
    pending: Option<Vec<u8>>,
    cut: mpsc::Sender<Plain>,
}

impl Chunker {
    async fn push(&mut self, full: Vec<u8>) -> Result<(), DocumentError> {
        if let Some(previous) = self.pending.replace(full) {
            self.send(previous, false).await?;
        }
        Ok(())
    }

    async fn send(&mut self, bytes: Vec<u8>, last: bool) -> Result<(), DocumentError> {
        let seq = self.next;
        self.next = seq.checked_add(1).ok_or_else(too_many_chunks)?;
        self.cut
            .send(Plain { seq, last, bytes })
            .await
            .map_err(|_| DocumentError::Corrupt("the chunk writer stopped".into()))
    }

    async fn finish(mut self) -> Result<u32, DocumentError> {
        match self.pending.take() {
            Some(last) => self.send(last, true).await?,
            None => {
                return Err(DocumentError::Invalid(said!(
                    "the document is empty",
                    "документ пуст"
                )));
            }
        }
        Ok(self.next)
    }
}

/// A buffer for one chunk, with room for its tag so it is sealed where it lies.
fn chunk_buffer() -> Vec<u8> {
    Vec::with_capacity(SEALED_CHUNK)
}

fn too_many_chunks() -> DocumentError {
    DocumentError::Invalid(said!(
        "the document has too many chunks",
        "в документе слишком много частей"
    ))
}

impl Documents {
    /// Store a document from a body stream; refused with nothing stored when it is empty,
    /// larger than the limit, or breaks off.
    pub async fn upload<S, E>(
        &self,
        person: &Person,
        meta: &RequestMeta,
        new: NewDocument,
        body: S,
    ) -> Result<DocumentView, DocumentError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let max = self.max_bytes();
        if new.declared_size.is_some_and(|n| n > max) {
            return Err(DocumentError::TooLarge(max));
        }
        let (key, wrapped) = self.0.vault.run(|s| s.new_data_key()).await?;
        let id = Uuid::new_v4();
        let row = DocumentRow {
            id,
            owner_id: person.account.0,
            name: new.name.as_str().to_owned(),
            media_type: new.media_type.as_str().to_owned(),
            size: 0,
            sha256: Vec::new(),
            wrapped_key: Some(wrapped),
            chunks: 0,
            created_at: self.0.clock.now(),
        };
        let staged = Staged::begin(&self.0.db, &self.0.chunks, &row).await?;
        let sink = match self.0.chunks.sink(id) {
            Ok(sink) => sink,
            Err(e) => {
                staged.discard().await;
                return Err(e);
            }
        };
        let key = ChunkKey::new(id, &key);
        let recorded = match self.receive(id, key, &sink, new.declared_size, body).await {
            Ok(received) => self
                .record(person, meta, &row, &received)
                .await
                .map(|()| received),
            Err(e) => Err(e),
        };
        match recorded {
            Ok(received) => {
                staged.keep();
                Ok(DocumentView::from(&DocumentRow {
                    size: received.size,
                    sha256: received.sha256,
                    chunks: received.chunks,
                    ..row
                }))
            }
            Err(e) => {
                staged.discard().await;
                Err(e)
            }
        }
    }

    /// Receive and hash the body while the chunks cut from it are sealed and stored: the two
    /// halves run together, so sealing and storing chunk *n* overlaps receiving and hashing
    /// chunk *n + 1*.
    async fn receive<S, E>(
        &self,
        id: Uuid,
        key: ChunkKey,
        sink: &Sink,
        declared: Option<u64>,
        body: S,
    ) -> Result<Received, DocumentError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let (cut, to_store) = mpsc::channel(IN_FLIGHT);
        let chunker = Chunker {
            next: 0,
            pending: None,
            cut,
        };
        let (read, stored) = tokio::join!(
            self.read_body(chunker, declared, body),
            self.store_chunks(id, std::sync::Arc::new(key), sink, to_store)
        );
        let stored = stored?;
        let (size, sha256, chunks) = read?;
        if stored != chunks {
            return Err(DocumentError::Corrupt(format!(
                "{stored} of {chunks} chunks stored"
            )));
        }
        let max = self.max_bytes();
        Ok(Received {
            size: i64::try_from(size).map_err(|_| DocumentError::TooLarge(max))?,
            sha256,
            chunks: i32::try_from(chunks).map_err(|_| too_many_chunks())?,
        })
    }

    /// The body, hashed and cut into chunks: (size, SHA-256, chunks). A body that ends short
    /// of the length it announced broke off, however quietly it ended.
    async fn read_body<S, E>(
        &self,
        mut chunker: Chunker,
        declared: Option<u64>,
        mut body: S,
    ) -> Result<(u64, Vec<u8>, u32), DocumentError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let max = self.max_bytes();
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut buffer = chunk_buffer();
        let idle = self.0.cfg.body_idle_secs.get();
        while let Some(piece) = tokio::time::timeout(Duration::from_secs(idle), body.next())
            .await
            .map_err(|_| DocumentError::Stalled(idle))?
        {
            let piece = piece.map_err(|e| {
                DocumentError::Body(said!(
                    "the upload broke off: {e}",
                    "загрузка оборвалась: {e}"
                ))
            })?;
            size += piece.len() as u64;
            if size > max {
                return Err(DocumentError::TooLarge(max));
            }
            hasher.update(&piece);
            let mut rest = &piece[..];
            while !rest.is_empty() {
                let take = rest.len().min(CHUNK - buffer.len());
                buffer.extend_from_slice(&rest[..take]);
                rest = &rest[take..];
                if buffer.len() == CHUNK {
                    let full = std::mem::replace(&mut buffer, chunk_buffer());
                    chunker.push(full).await?;
                }
            }
        }
        if let Some(announced) = declared.filter(|n| *n != size) {
            return Err(DocumentError::Body(said!(
                "the upload broke off: {announced} bytes announced, {size} received",
                "загрузка оборвалась: объявлено {announced} байт, получено {size}"
            )));
        }
        if !buffer.is_empty() {
            chunker.push(buffer).await?;
        }
        let chunks = chunker.finish().await?;
        Ok((size, hasher.finalize().to_vec(), chunks))
    }

    /// Seal and store the chunks [`WRITERS`] at a time, say the upload is alive every
    /// [`TOUCH_EVERY`], and make what was stored durable; the number stored.
    async fn store_chunks(
        &self,
        id: Uuid,
        key: std::sync::Arc<ChunkKey>,
        sink: &Sink,
        mut to_store: mpsc::Receiver<Plain>,
    ) -> Result<u32, DocumentError> {
        let mut running = futures_util::stream::FuturesUnordered::new();
        let mut stored = 0u32;
        let mut touched = tokio::time::Instant::now();
        let mut open = true;
        while open || !running.is_empty() {
            tokio::select! {
                Some(done) = running.next(), if !running.is_empty() => {
                    let () = done?;
                    stored += 1;
                }
                item = tokio::time::timeout(TOUCH_EVERY, to_store.recv()),
                    if open && running.len() < WRITERS =>
                {
                    match item {
                        Ok(Some(plain)) => running.push(self.put_chunk(key.clone(), sink, plain)),
                        Ok(None) => open = false,
                        Err(_) => {}
                    }
                }
            }
            if touched.elapsed() >= TOUCH_EVERY {
                let client = self.0.db.client().await?;
                if !sql::touch_upload(&**client, id, self.0.clock.now()).await? {
                    return Err(self.discarded());
                }
                touched = tokio::time::Instant::now();
            }
        }
        sink.sync().await?;
        Ok(stored)
    }

    /// Seal a chunk off the async workers (the receiving half hashes the next one meanwhile)
    /// and store it.
    async fn put_chunk(
        &self,
        key: std::sync::Arc<ChunkKey>,
        sink: &Sink,
        plain: Plain,
    ) -> Result<(), DocumentError> {
        let Plain { seq, last, bytes } = plain;
        let sealed = tokio::task::spawn_blocking(move || key.seal(seq, last, bytes))
            .await
            .map_err(|e| DocumentError::Corrupt(format!("sealing task failed: {e}")))??;
        if !sink.put(seq, sealed).await? {
            return Err(self.discarded());
        }
        Ok(())
    }

    /// An upload removed as abandoned while it went on: it had said nothing for longer than
    /// the idle limit allows, so it is answered as stalled.
    fn discarded(&self) -> DocumentError {
        DocumentError::Stalled(self.0.cfg.body_idle_secs.get())
    }

    /// Make the upload a document: its size, hash and chunk count, and the audit entry, in
    /// one transaction.
    async fn record(
        &self,
        person: &Person,
        meta: &RequestMeta,
        row: &DocumentRow,
        received: &Received,
    ) -> Result<(), DocumentError> {
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let finished = sql::finish(
            &tx,
            row.id,
            received.size,
            &received.sha256,
            received.chunks,
        )
        .await?;
        if !finished {
            return Err(self.discarded());
        }
        let event = person
            .event(meta, "document.upload")
            .on("document", row.id.to_string())
            .with_details(serde_json::json!({
                "name": row.name,
                "media_type": row.media_type,
                "size": received.size,
                "sha256": hex::encode(&received.sha256),
            }));
        audit::record(&tx, self.0.clock.as_ref(), event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A holder's document, opened as it streams (another holder's answers not found).
    pub async fn content(&self, owner: Uuid, id: DocumentId) -> Result<Content, DocumentError> {
        let document = self.document(owner, id).await?;
        self.open(document).await
    }

    /// A document someone else was given access to (the recipient of a sending), opened as it
    /// streams: the caller has already decided this reader may see it. A purged document is
    /// not found.
    pub async fn shared_content(&self, id: DocumentId) -> Result<Content, DocumentError> {
        let client = self.0.db.client().await?;
        let document = sql::get_unpurged(&**client, id.0)
            .await?
            .ok_or(DocumentError::NotFound)?;
        drop(client);
        self.open(document).await
    }

    async fn open(&self, document: DocumentRow) -> Result<Content, DocumentError> {
        let wrapped = document
            .wrapped_key
            .clone()
            .ok_or_else(|| DocumentError::Corrupt("a live document has no key".into()))?;
        let key = self.0.vault.run(move |s| s.open_data_key(&wrapped)).await?;
        let key = ChunkKey::new(document.id, &key);
        let source = self.0.chunks.source(document.id).await?;
        let chunks = u32::try_from(document.chunks)
            .map_err(|_| DocumentError::Corrupt("negative chunk count".into()))?;
        let (ahead, opened) = mpsc::channel(READ_AHEAD);
        tokio::spawn(read_ahead(source, key, chunks, ahead));
        let state = Reading {
            opened,
            next: 0,
            chunks,
            hasher: Sha256::new(),
            expected: document.sha256.clone(),
        };
        let stream = futures_util::stream::try_unfold(state, Reading::step);
        Ok(Content {
            document,
            stream: Box::pin(stream),
        })
    }

    /// A holder's document read whole into memory, when it is at most `limit` bytes (for an
    /// attached signature, or a verification that needs the bytes).
    pub async fn read_whole(
        &self,
        owner: Uuid,
        id: DocumentId,
        limit: usize,
    ) -> Result<(DocumentRow, Vec<u8>), DocumentError> {
        let Content {
            document,
            mut stream,
        } = self.content(owner, id).await?;
        if usize::try_from(document.size).map_or(true, |n| n > limit) {
            return Err(DocumentError::TooLarge(limit as u64));
        }
        let mut all = Vec::with_capacity(usize::try_from(document.size).unwrap_or_default());
        while let Some(piece) = stream.next().await {
            all.extend_from_slice(&piece?);
        }
        Ok((document, all))
    }
}

/// Chunks read and opened ahead of the one being hashed and sent: the overlap of opening with
/// hashing, and the bound on the memory a download holds.
const READ_AHEAD: usize = 2;

/// Read and open a document's chunks in order, each opened off the async workers, until the
/// last, a failure (sent on as the last item), or the download going away.
async fn read_ahead(
    source: Source,
    key: ChunkKey,
    chunks: u32,
    ahead: mpsc::Sender<Result<Vec<u8>, DocumentError>>,
) {
    let key = std::sync::Arc::new(key);
    for seq in 0..chunks {
        let opened = async {
            let sealed = source
                .chunk(seq)
                .await?
                .ok_or_else(|| DocumentError::Corrupt(format!("chunk {seq} is missing")))?;
            let key = key.clone();
            tokio::task::spawn_blocking(move || key.open(seq, seq + 1 == chunks, sealed))
                .await
                .map_err(|e| DocumentError::Corrupt(format!("opening task failed: {e}")))?
        }
        .await;
        let failed = opened.is_err();
        if ahead.send(opened).await.is_err() || failed {
            return;
        }
    }
}

/// Where a download stands.
struct Reading {
    opened: mpsc::Receiver<Result<Vec<u8>, DocumentError>>,
    next: u32,
    chunks: u32,
    hasher: Sha256,
    expected: Vec<u8>,
}

impl Reading {
    async fn step(mut self) -> Result<Option<(Bytes, Self)>, DocumentError> {
        if self.next == self.chunks {
            let got = std::mem::take(&mut self.hasher).finalize();
            if got[..] != self.expected[..] {
                return Err(DocumentError::Corrupt(
                    "the content does not match its hash".into(),
                ));
            }
            return Ok(None);
        }
        let plain = self
            .opened
            .recv()
            .await
            .ok_or_else(|| DocumentError::Corrupt("the chunk reader stopped".into()))??;
        self.hasher.update(&plain);
        self.next += 1;
        Ok(Some((Bytes::from(plain), self)))
    }
}
