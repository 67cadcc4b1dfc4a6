//! SQL of an application's scans (the signed paper set) and of the originals' deadline.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// A scan's description (its content is read on its own, by [`sealed`]).
#[derive(Debug, Clone)]
pub struct ScanRow {
    /// Document type.
    pub document: String,
    /// Sniffed media type.
    pub media_type: String,
    /// Size of the plain file.
    pub size: i64,
    /// SHA-256 of the plain file.
    pub sha256: Vec<u8>,
    /// When.
    pub uploaded_at: DateTime<Utc>,
    /// `subscriber`, `staff` or `partner`.
    pub uploaded_by_kind: String,
    /// Who.
    pub uploaded_by: Option<Uuid>,
}

/// A scan to store.
#[derive(Debug)]
pub struct NewScan<'a> {
    /// Document type.
    pub document: &'a str,
    /// Sniffed media type.
    pub media_type: &'a str,
    /// Size of the plain file.
    pub size: i64,
    /// SHA-256 of the plain file.
    pub sha256: &'a [u8],
    /// The file sealed under the identity data key.
    pub sealed: &'a [u8],
    /// `subscriber`, `staff` or `partner`.
    pub uploaded_by_kind: &'a str,
    /// Who.
    pub uploaded_by: Option<Uuid>,
}

const COLUMNS: &str =
    "document, media_type, size, sha256, uploaded_at, uploaded_by_kind, uploaded_by";

fn row(r: &tokio_postgres::Row) -> ScanRow {
    ScanRow {
        document: r.get(0),
        media_type: r.get(1),
        size: r.get(2),
        sha256: r.get(3),
        uploaded_at: r.get(4),
        uploaded_by_kind: r.get(5),
        uploaded_by: r.get(6),
    }
}

/// Store the scan of one document type, replacing the one before; true when it replaced one.
pub async fn put(
    tx: &super::Transaction<'_>,
    application: Uuid,
    scan: &NewScan<'_>,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let replaced = tx
        .execute(
            "DELETE FROM application_scans WHERE application_id = $1 AND document = $2",
            &[&application, &scan.document],
        )
        .await?
        > 0;
    tx.execute(
        "INSERT INTO application_scans (application_id, document, media_type, size, sha256, \
         sealed, uploaded_at, uploaded_by_kind, uploaded_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            &application,
            &scan.document,
            &scan.media_type,
            &scan.size,
            &scan.sha256,
            &scan.sealed,
            &at,
            &scan.uploaded_by_kind,
            &scan.uploaded_by,
        ],
    )
    .await?;
    Ok(replaced)
}

/// The scans of an application, by document type.
pub async fn list(c: &impl GenericClient, application: Uuid) -> Result<Vec<ScanRow>, StoreError> {
    let q = format!(
        "SELECT {COLUMNS} FROM application_scans WHERE application_id = $1 ORDER BY document"
    );
    Ok(c.query(&q, &[&application])
        .await?
        .iter()
        .map(row)
        .collect())
}

/// One scan's description and sealed content.
pub async fn sealed(
    c: &impl GenericClient,
    application: Uuid,
    document: &str,
) -> Result<Option<(ScanRow, Vec<u8>)>, StoreError> {
    let q = format!(
        "SELECT {COLUMNS}, sealed FROM application_scans \
         WHERE application_id = $1 AND document = $2"
    );
    Ok(c.query_opt(&q, &[&application, &document])
        .await?
        .map(|r| (row(&r), r.get(7))))
}

/// Remove one scan; its description when there was one.
pub async fn delete(
    tx: &super::Transaction<'_>,
    application: Uuid,
    document: &str,
) -> Result<Option<ScanRow>, StoreError> {
    let q = format!(
        "DELETE FROM application_scans WHERE application_id = $1 AND document = $2 \
         RETURNING {COLUMNS}"
    );
    Ok(tx
        .query_opt(&q, &[&application, &document])
        .await?
        .map(|r| row(&r)))
}

/// Start the originals' deadline of a simple certificate's paper set.
pub async fn set_originals_due(
    tx: &super::Transaction<'_>,
    application: Uuid,
    due: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE applications SET originals_due_at = $2 WHERE id = $1 AND originals_due_at IS NULL",
        &[&application, &due],
    )
    .await?;
    Ok(())
}

/// Record that the originals arrived; false when they were already recorded or never due.
pub async fn set_originals_received(
    tx: &super::Transaction<'_>,
    application: Uuid,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            "UPDATE applications SET originals_received_at = $2, updated_at = $2 \
             WHERE id = $1 AND originals_due_at IS NOT NULL AND originals_received_at IS NULL",
            &[&application, &at],
        )
        .await?
        == 1)
}

/// Applications whose originals are missing and due before `horizon`, not reminded since
/// `quiet_since`: (id, number, account, due), locked so two reminder runs cannot both send.
pub async fn originals_to_remind(
    tx: &super::Transaction<'_>,
    horizon: DateTime<Utc>,
    quiet_since: DateTime<Utc>,
) -> Result<Vec<(Uuid, i64, Uuid, DateTime<Utc>)>, StoreError> {
    Ok(tx
        .query(
            "SELECT id, number, account_id, originals_due_at FROM applications \
             WHERE originals_due_at IS NOT NULL AND originals_received_at IS NULL \
               AND originals_due_at < $1 \
               AND (originals_reminded_at IS NULL OR originals_reminded_at <= $2) \
             ORDER BY originals_due_at FOR UPDATE SKIP LOCKED",
            &[&horizon, &quiet_since],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect())
}

/// Note that a reminder went out.
pub async fn set_reminded(
    tx: &super::Transaction<'_>,
    application: Uuid,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE applications SET originals_reminded_at = $2 WHERE id = $1",
        &[&application, &at],
    )
    .await?;
    Ok(())
}
