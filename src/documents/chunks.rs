//! Where a document's sealed chunks are kept. By default in PostgreSQL, a row per chunk:
//! nothing more to run or back up. With `documents.directory` set, in files there, one per
//! document with its chunks end to end: PostgreSQL then no longer writes every byte twice
//! (table and WAL) on the cores the server hashes and seals with, and an upload runs at the
//! speed of hashing and sealing. Several server instances must share the directory (a network
//! filesystem), as they share the database. Either way the bytes kept are the sealed chunks,
//! so a chunk moved, swapped or cut short still fails to open.

use super::DocumentError;
use super::seal::SEALED_CHUNK;
use crate::store::Db;
use crate::store::documents as sql;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use uuid::Uuid;

/// The place chunks go; cheap to clone.
#[derive(Clone)]
pub(super) enum ChunkStore {
    /// Rows of `document_chunks`.
    Database(Db),
    /// Files under this directory, `<first two hex digits of the id>/<id>`.
    Directory(Arc<Path>),
}

/// Chunks written between two flushes of an upload's file to the disk.
const FLUSH_EVERY: u32 = 16;

/// One upload's way into the store.
pub(super) enum Sink {
    Database(Db, Uuid),
    File(FileSink),
}

/// An upload's file. It is flushed to the disk behind the writing, every [`FLUSH_EVERY`]
/// chunks, so the sync that ends the upload waits for the last few chunks rather than for the
/// whole file (the kernel would otherwise keep a large upload in memory until that sync).
pub(super) struct FileSink {
    file: Arc<std::fs::File>,
    shard: PathBuf,
    flushes: std::sync::Mutex<Vec<tokio::task::JoinHandle<std::io::Result<()>>>>,
}

impl FileSink {
    /// Start flushing what was written, unless the previous flush is still under way.
    fn flush_behind(&self) {
        let Ok(mut flushes) = self.flushes.lock() else {
            return;
        };
        if flushes.last().is_some_and(|f| !f.is_finished()) {
            return;
        }
        let file = self.file.clone();
        flushes.push(tokio::task::spawn_blocking(move || file.sync_data()));
    }
}

/// One download's way out of the store.
pub(super) enum Source {
    Database(Box<crate::store::Client>, Uuid),
    File(Arc<std::fs::File>, u64),
}

impl ChunkStore {
    /// The store `directory` names (created if missing), or the database without one; a
    /// directory that cannot be made or written to stops the start rather than the first
    /// upload. The 256 shard directories are made here and synced into the root once, so an
    /// upload's sync needs only its file and its shard.
    pub(super) fn open(db: Db, directory: Option<&Path>) -> std::io::Result<Self> {
        let Some(root) = directory else {
            return Ok(Self::Database(db));
        };
        std::fs::create_dir_all(root)?;
        let probe = root.join(format!(".probe-{}", Uuid::new_v4()));
        std::fs::write(&probe, b"")?;
        std::fs::remove_file(&probe)?;
        for shard in 0..=u8::MAX {
            std::fs::create_dir_all(root.join(format!("{shard:02x}")))?;
        }
        std::fs::File::open(root)?.sync_all()?;
        Ok(Self::Directory(Arc::from(root)))
    }

    fn path(root: &Path, id: Uuid) -> (PathBuf, PathBuf) {
        let name = id.simple().to_string();
        let shard = root.join(&name[..2]);
        let file = shard.join(name);
        (shard, file)
    }

    /// Start storing the chunks of upload `id`. The file is made without an await, so an
    /// upload dropped midway has either made it before its removal runs or never will. A
    /// shard removed by hand while the service runs is made (and synced) again.
    pub(super) fn sink(&self, id: Uuid) -> Result<Sink, DocumentError> {
        match self {
            Self::Database(db) => Ok(Sink::Database(db.clone(), id)),
            Self::Directory(root) => {
                let (shard, path) = Self::path(root, id);
                let create = || {
                    std::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .open(&path)
                };
                let file = match create() {
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        std::fs::create_dir_all(&shard)?;
                        std::fs::File::open(&**root)?.sync_all()?;
                        create()?
                    }
                    made => made?,
                };
                Ok(Sink::File(FileSink {
                    file: Arc::new(file),
                    shard,
                    flushes: std::sync::Mutex::default(),
                }))
            }
        }
    }

    /// Read the chunks of document `id`.
    pub(super) async fn source(&self, id: Uuid) -> Result<Source, DocumentError> {
        match self {
            Self::Database(db) => Ok(Source::Database(Box::new(db.client().await?), id)),
            Self::Directory(root) => {
                let (_, path) = Self::path(root, id);
                blocking(move || {
                    let file = std::fs::File::open(&path).map_err(|e| match e.kind() {
                        std::io::ErrorKind::NotFound => {
                            DocumentError::Corrupt("the document's file is missing".into())
                        }
                        _ => e.into(),
                    })?;
                    let len = file.metadata()?.len();
                    Ok(Source::File(Arc::new(file), len))
                })
                .await
            }
        }
    }

    /// Remove what is kept of document `id` beyond its rows (which the caller's transaction
    /// deletes): its file, if it has one. Called before that transaction commits, so a failure
    /// leaves the row for the next try.
    pub(super) async fn remove(&self, id: Uuid) -> Result<(), DocumentError> {
        let Self::Directory(root) = self else {
            return Ok(());
        };
        let (_, path) = Self::path(root, id);
        blocking(move || match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        })
        .await
    }
}

impl Sink {
    /// Keep sealed chunk `seq`; false when the upload was removed meanwhile (a database
    /// store sees that at once, a file store when the upload is recorded).
    pub(super) async fn put(&self, seq: u32, sealed: Vec<u8>) -> Result<bool, DocumentError> {
        match self {
            Self::Database(db, id) => {
                let seq = i32::try_from(seq)
                    .map_err(|_| DocumentError::Corrupt("chunk number out of range".into()))?;
                let mut client = db.client().await?;
                let tx = client.transaction().await?;
                if !sql::put_chunk(&tx, *id, seq, &sealed).await? {
                    return Ok(false);
                }
                tx.commit().await?;
                Ok(true)
            }
            Self::File(sink) => {
                let file = sink.file.clone();
                blocking(move || {
                    file.write_all_at(&sealed, u64::from(seq) * SEALED_CHUNK as u64)?;
                    Ok(())
                })
                .await?;
                if seq % FLUSH_EVERY == FLUSH_EVERY - 1 {
                    sink.flush_behind();
                }
                Ok(true)
            }
        }
    }

    /// Make what was put durable before the upload is recorded as a document (a database
    /// store committed each chunk already).
    pub(super) async fn sync(&self) -> Result<(), DocumentError> {
        let Self::File(sink) = self else {
            return Ok(());
        };
        let flushes = match sink.flushes.lock() {
            Ok(mut flushes) => std::mem::take(&mut *flushes),
            Err(_) => return Err(DocumentError::Corrupt("a flush panicked".into())),
        };
        for flush in flushes {
            flush
                .await
                .map_err(|e| DocumentError::Corrupt(format!("file task failed: {e}")))??;
        }
        let (file, shard) = (sink.file.clone(), sink.shard.clone());
        blocking(move || {
            file.sync_all()?;
            std::fs::File::open(&shard)?.sync_all()?;
            Ok(())
        })
        .await
    }
}

impl Source {
    /// Sealed chunk `seq`, or none when the store has no such chunk.
    pub(super) async fn chunk(&self, seq: u32) -> Result<Option<Vec<u8>>, DocumentError> {
        match self {
            Self::Database(client, id) => {
                let seq = i32::try_from(seq)
                    .map_err(|_| DocumentError::Corrupt("chunk number out of range".into()))?;
                Ok(sql::chunk(&****client, *id, seq).await?)
            }
            Self::File(file, len) => {
                let offset = u64::from(seq) * SEALED_CHUNK as u64;
                if offset >= *len {
                    return Ok(None);
                }
                let size = usize::try_from((len - offset).min(SEALED_CHUNK as u64))
                    .map_err(|_| DocumentError::Corrupt("chunk size out of range".into()))?;
                let file = file.clone();
                blocking(move || {
                    let mut sealed = vec![0u8; size];
                    file.read_exact_at(&mut sealed, offset)?;
                    Ok(Some(sealed))
                })
                .await
            }
        }
    }
}

/// Run filesystem work off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, DocumentError> + Send + 'static,
) -> Result<T, DocumentError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| DocumentError::Corrupt(format!("file task failed: {e}")))?
}
