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

/// Start a document whose chunks follow in the same transaction; [`finish`] records what
/// was received.
pub async fn begin(tx: &super::Transaction<'_>, d: &DocumentRow) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO documents (id, owner_id, name, media_type, size, sha256, wrapped_key, \
         chunks, created_at) VALUES ($1, $2, $3, $4, 0, '', $5, 0, $6)",
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

/// Store one sealed chunk.
pub async fn put_chunk(
    tx: &super::Transaction<'_>,
    document: Uuid,
    seq: i32,
    sealed: &[u8],
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO document_chunks (document_id, seq, sealed) VALUES ($1, $2, $3)",
        &[&document, &seq, &sealed],
    )
    .await?;
    Ok(())
}

/// Record the size, hash and chunk count of an upload that ended well.
pub async fn finish(
    tx: &super::Transaction<'_>,
    document: Uuid,
    size: i64,
    sha256: &[u8],
    chunks: i32,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE documents SET size = $2, sha256 = $3, chunks = $4 WHERE id = $1",
        &[&document, &size, &sha256, &chunks],
    )
    .await?;
    Ok(())
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
                 ORDER BY created_at DESC, id LIMIT $2 OFFSET $3"
            ),
            &[&owner, &limit, &offset],
        )
        .await?;
    Ok(rows.iter().map(row).collect())
}

/// A document whatever its owner or deletion, until purged (for readers authorised elsewhere).
pub async fn get_unpurged(
    c: &impl GenericClient,
    id: Uuid,
) -> Result<Option<DocumentRow>, StoreError> {
    let r = c
        .query_opt(
            &format!("SELECT {COLUMNS} FROM documents WHERE id = $1 AND purged_at IS NULL"),
            &[&id],
        )
        .await?;
    Ok(r.as_ref().map(row))
}

/// One of the holder's documents, unless deleted (another holder's is `None`).
pub async fn get_owned(
    c: &impl GenericClient,
    id: Uuid,
    owner: Uuid,
) -> Result<Option<DocumentRow>, StoreError> {
    let r = c
        .query_opt(
            &format!(
                "SELECT {COLUMNS} FROM documents \
                 WHERE id = $1 AND owner_id = $2 AND deleted_at IS NULL"
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
             WHERE id = $1 AND owner_id = $2 AND deleted_at IS NULL",
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
