//! Streaming a document in and out: the upload is hashed and sealed chunk by chunk inside one
//! transaction (a broken or oversized upload rolls back and leaves nothing), the download
//! opens chunk by chunk and checks the whole against the recorded hash as it ends.

use super::seal::{CHUNK, ChunkKey};
use super::{DocumentError, DocumentId, DocumentView, Documents, NewDocument};
use crate::audit;
use crate::identity::{Person, RequestMeta};
use crate::said;
use crate::store::documents::{self as sql, DocumentRow};
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use std::pin::Pin;
use std::time::Duration;
use uuid::Uuid;

/// A document's content, opened as it is read.
pub struct Content {
    /// The document.
    pub document: DocumentRow,
    /// Its plain bytes, one chunk at a time; ends in an error if anything fails to open.
    pub stream: Pin<Box<dyn Stream<Item = Result<Bytes, DocumentError>> + Send>>,
}

/// Seals and stores full chunks as the body arrives, one chunk behind so the last is known.
struct Sealer<'a> {
    tx: &'a tokio_postgres::Transaction<'a>,
    key: ChunkKey,
    id: Uuid,
    next: u32,
    pending: Option<BytesMut>,
}

impl Sealer<'_> {
    async fn push(&mut self, full: BytesMut) -> Result<(), DocumentError> {
        if let Some(previous) = self.pending.replace(full) {
            self.store(&previous, false).await?;
        }
        Ok(())
    }

    async fn store(&mut self, plain: &[u8], last: bool) -> Result<(), DocumentError> {
        let sealed = self.key.seal(self.next, last, plain)?;
        let seq = i32::try_from(self.next).map_err(|_| {
            DocumentError::Invalid(said!(
                "the document has too many chunks",
                "в документе слишком много частей"
            ))
        })?;
        sql::put_chunk(self.tx, self.id, seq, &sealed).await?;
        self.next += 1;
        Ok(())
    }

    async fn finish(mut self) -> Result<u32, DocumentError> {
        match self.pending.take() {
            Some(last) => self.store(&last, true).await?,
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

impl Documents {
    /// Store a document from a body stream; refused with nothing stored when it is empty,
    /// larger than the limit, or breaks off.
    pub async fn upload<S, E>(
        &self,
        person: &Person,
        meta: &RequestMeta,
        new: NewDocument,
        mut body: S,
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
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        sql::begin(&tx, &row).await?;
        let mut sealer = Sealer {
            tx: &tx,
            key: ChunkKey::new(id, &key),
            id,
            next: 0,
            pending: None,
        };
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut buffer = BytesMut::with_capacity(CHUNK);
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
                    let full = std::mem::replace(&mut buffer, BytesMut::with_capacity(CHUNK));
                    sealer.push(full).await?;
                }
            }
        }
        if !buffer.is_empty() {
            sealer.push(buffer).await?;
        }
        let chunks = sealer.finish().await?;
        let sha256 = hasher.finalize().to_vec();
        let size = i64::try_from(size).map_err(|_| DocumentError::TooLarge(max))?;
        let chunks = i32::try_from(chunks).map_err(|_| {
            DocumentError::Invalid(said!(
                "the document has too many chunks",
                "в документе слишком много частей"
            ))
        })?;
        sql::finish(&tx, id, size, &sha256, chunks).await?;
        let event = person
            .event(meta, "document.upload")
            .on("document", id.to_string())
            .with_details(serde_json::json!({
                "name": row.name,
                "media_type": row.media_type,
                "size": size,
                "sha256": hex::encode(&sha256),
            }));
        audit::record(&tx, self.0.clock.as_ref(), event).await?;
        tx.commit().await?;
        Ok(DocumentView::from(&DocumentRow {
            size,
            sha256,
            chunks,
            ..row
        }))
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
        let client = self.0.db.client().await?;
        let state = Reading {
            client,
            key,
            id: document.id,
            next: 0,
            chunks: u32::try_from(document.chunks)
                .map_err(|_| DocumentError::Corrupt("negative chunk count".into()))?,
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

/// Where a download stands.
struct Reading {
    client: crate::store::Client,
    key: ChunkKey,
    id: Uuid,
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
        let seq = i32::try_from(self.next)
            .map_err(|_| DocumentError::Corrupt("chunk number out of range".into()))?;
        let sealed = sql::chunk(&**self.client, self.id, seq)
            .await?
            .ok_or_else(|| DocumentError::Corrupt(format!("chunk {seq} is missing")))?;
        let plain = self
            .key
            .open(self.next, self.next + 1 == self.chunks, &sealed)?;
        self.hasher.update(&plain);
        self.next += 1;
        Ok(Some((Bytes::from(plain), self)))
    }
}
