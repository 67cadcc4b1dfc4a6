//! SQL of holders' documents and their sealed chunks.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// A document's description; its chunks are read one by one with [`chunk`].
#[derive(Debug, Clone)]
pub struct DocumentRow {
    /// Its id.
    pub id: Uuid,
    /// The holder.
    pub owner_id: Uuid,
    /// The file name the holder gave.
    pub name: String,
    /// The media type the holder gave.
    pub media_type: String,
    /// Size of the plain file.
    pub size: i64,
    /// SHA-256 of the plain file.
    pub sha256: Vec<u8>,
    /// The document key wrapped by the KEK (gone once purged).
    pub wrapped_key: Option<Vec<u8>>,
    /// Number of sealed chunks.
    pub chunks: i32,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "id, owner_id, name, media_type, size, sha256, wrapped_key, chunks, created_at";

fn row(r: &tokio_postgres::Row) -> DocumentRow {
    DocumentRow {
        id: r.get(0),
        owner_id: r.get(1),
        name: r.get(2),
        media_type: r.get(3),
        size: r.get(4),
        sha256: r.get(5),
        wrapped_key: r.get(6),
        chunks: r.get(7),
        created_at: r.get(8),
    }
}

/// Commit the row of an upload that starts: invisible to every other query until [`finish`]
/// records what was received, removed by [`discard`] if it never does.
pub async fn begin(c: &impl GenericClient, d: &DocumentRow) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO documents (id, owner_id, name, media_type, size, sha256, wrapped_key, \
         chunks, created_at, upload_alive_at) VALUES ($1, $2, $3, $4, 0, '', $5, 0, $6, $6)",
        &[
            &d.id,
            &d.owner_id,
            &d.name,
            &d.media_type,
            &d.wrapped_key,
            &d.created_at,
        ],
    )
    .await?;
    Ok(())
}

/// Store one sealed chunk of an upload in progress; false when the upload is no longer in
/// progress (discarded as abandoned), and then nothing is stored. Chunks of one upload may be
/// stored side by side: none locks more than the row's key.
///
/// The chunk's commit need not wait for the disk (`synchronous_commit` off for this
/// transaction alone): it means nothing until [`finish`] commits, and that commit, written
/// after it in the log, is flushed with everything before it.
pub async fn put_chunk(
    tx: &super::Transaction<'_>,
    document: Uuid,
    seq: i32,
    sealed: &[u8],
) -> Result<bool, StoreError> {
    tx.batch_execute("SET LOCAL synchronous_commit TO OFF")
        .await?;
    Ok(tx
        .execute(
            "INSERT INTO document_chunks (document_id, seq, sealed) \
             SELECT id, $2, $3 FROM documents \
             WHERE id = $1 AND upload_alive_at IS NOT NULL FOR KEY SHARE",
            &[&document, &seq, &sealed],
        )
        .await?
        == 1)
}

/// Note that an upload is alive; false when it is no longer in progress.
pub async fn touch_upload(
    c: &impl GenericClient,
    document: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(c.execute(
        "UPDATE documents SET upload_alive_at = $2 \
             WHERE id = $1 AND upload_alive_at IS NOT NULL",
        &[&document, &now],
    )
    .await?
        == 1)
}

/// Record the size, hash and chunk count of an upload that ended well: from now on it is a
/// document. False when the upload was discarded meanwhile.
pub async fn finish(
    tx: &super::Transaction<'_>,
    document: Uuid,
    size: i64,
    sha256: &[u8],
    chunks: i32,
) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            "UPDATE documents SET size = $2, sha256 = $3, chunks = $4, upload_alive_at = NULL \
             WHERE id = $1 AND upload_alive_at IS NOT NULL",
            &[&document, &size, &sha256, &chunks],
        )
        .await?
        == 1)
}

/// Remove an upload that did not finish, its row and the chunks it stored; false when it is
/// not in progress (finished, or already removed). The row is locked first, so a chunk being
/// stored at the same moment either lands before and is removed too, or finds no upload.
pub async fn discard(tx: &super::Transaction<'_>, document: Uuid) -> Result<bool, StoreError> {
    if tx
        .query_opt(
            "SELECT 1 FROM documents WHERE id = $1 AND upload_alive_at IS NOT NULL FOR UPDATE",
            &[&document],
        )
        .await?
        .is_none()
    {
        return Ok(false);
    }
    tx.execute(
        "DELETE FROM document_chunks WHERE document_id = $1",
        &[&document],
    )
    .await?;
    tx.execute("DELETE FROM documents WHERE id = $1", &[&document])
        .await?;
    Ok(true)
}

/// Uploads that have shown no sign of life since `before`, oldest first.
pub async fn abandoned_uploads(
    c: &impl GenericClient,
    before: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Uuid>, StoreError> {
    let rows = c
        .query(
            "SELECT id FROM documents WHERE upload_alive_at < $1 \
             ORDER BY upload_alive_at LIMIT $2",
            &[&before, &limit],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// The holder's documents not deleted, newest first.
pub async fn list_owned(
    c: &impl GenericClient,
    owner: Uuid,
    limit: i64,
    offset: i64,
) -> Result<Vec<DocumentRow>, StoreError> {
    let rows = c
        .query(
            &format!(
                "SELECT {COLUMNS} FROM documents WHERE owner_id = $1 AND deleted_at IS NULL \
                 AND upload_alive_at IS NULL ORDER BY created_at DESC, id LIMIT $2 OFFSET $3"
            ),
            &[&owner, &limit, &offset],
        )
        .await?;
    Ok(rows.iter().map(row).collect())
}

/// A document whatever its owner or deletion, until purged (for readers authorised elsewhere);
/// an upload in progress is not one yet.
pub async fn get_unpurged(
    c: &impl GenericClient,
    id: Uuid,
) -> Result<Option<DocumentRow>, StoreError> {
    let r = c
        .query_opt(
            &format!(
                "SELECT {COLUMNS} FROM documents WHERE id = $1 AND purged_at IS NULL \
                 AND upload_alive_at IS NULL"
            ),
            &[&id],
        )
        .await?;
    Ok(r.as_ref().map(row))
}

/// One of the holder's documents, unless deleted or still uploading (another holder's is
/// `None`).
pub async fn get_owned(
    c: &impl GenericClient,
    id: Uuid,
    owner: Uuid,
) -> Result<Option<DocumentRow>, StoreError> {
    let r = c
        .query_opt(
            &format!(
                "SELECT {COLUMNS} FROM documents \
                 WHERE id = $1 AND owner_id = $2 AND deleted_at IS NULL \
                 AND upload_alive_at IS NULL"
            ),
            &[&id, &owner],
        )
        .await?;
    Ok(r.as_ref().map(row))
}

/// One sealed chunk.
pub async fn chunk(
    c: &impl GenericClient,
    document: Uuid,
    seq: i32,
) -> Result<Option<Vec<u8>>, StoreError> {
    let r = c
        .query_opt(
            "SELECT sealed FROM document_chunks WHERE document_id = $1 AND seq = $2",
            &[&document, &seq],
        )
        .await?;
    Ok(r.map(|r| r.get(0)))
}

/// Hide the holder's document and schedule its purge; false when there is none to delete.
pub async fn soft_delete(
    tx: &super::Transaction<'_>,
    id: Uuid,
    owner: Uuid,
    now: DateTime<Utc>,
    purge_after: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            "UPDATE documents SET deleted_at = $3, purge_after = $4 \
             WHERE id = $1 AND owner_id = $2 AND deleted_at IS NULL \
                 AND upload_alive_at IS NULL",
            &[&id, &owner, &now, &purge_after],
        )
        .await?
        == 1)
}

/// Deleted documents whose retention has ended, oldest first; a document a sent sending
/// carries is kept (its recipients and the record need it).
pub async fn due_for_purge(
    c: &impl GenericClient,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Uuid>, StoreError> {
    let rows = c
        .query(
            "SELECT id FROM documents d WHERE purged_at IS NULL AND purge_after <= $1 \
             AND NOT EXISTS (SELECT 1 FROM sending_files f JOIN sendings s \
             ON s.id = f.sending_id WHERE f.document_id = d.id AND s.state = 'sent') \
             ORDER BY purge_after LIMIT $2",
            &[&now, &limit],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Erase a deleted document's chunks and key; the row stays for the signatures over it.
pub async fn purge(
    tx: &super::Transaction<'_>,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute("DELETE FROM document_chunks WHERE document_id = $1", &[&id])
        .await?;
    tx.execute(
        "UPDATE documents SET wrapped_key = NULL, purged_at = $2 WHERE id = $1",
        &[&id, &now],
    )
    .await?;
    Ok(())
}
