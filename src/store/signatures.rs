//! SQL of signatures made in custody and of operators' identification sign-offs.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// A stored signature.
#[derive(Debug, Clone)]
pub struct SignatureRow {
    /// Its id.
    pub id: Uuid,
    /// The holder.
    pub owner_id: Uuid,
    /// The credential (certificate) that made it.
    pub certificate_id: Uuid,
    /// The authorisation it spent.
    pub authorisation_id: Uuid,
    /// `cms` (detached), `attached` or `raw`.
    pub format: String,
    /// `sha256`, `sha384` or `sha512`.
    pub hash_algorithm: String,
    /// The hash the holder authorised.
    pub hash: Vec<u8>,
    /// The signature (DER SignedData for `cms`).
    pub signature: Vec<u8>,
    /// The holder's label, if any.
    pub label: Option<String>,
    /// The stored document it signs, if any.
    pub document_id: Option<Uuid>,
    /// `bes` or `t` (time-stamped).
    pub level: String,
    /// The OID of the signature algorithm (unknown for signatures stored before V22).
    pub signature_algorithm: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, owner_id, certificate_id, authorisation_id, format, hash_algorithm, \
                       hash, signature, label, created_at, document_id, level, \
                       signature_algorithm";

fn row(r: &tokio_postgres::Row) -> SignatureRow {
    SignatureRow {
        id: r.get(0),
        owner_id: r.get(1),
        certificate_id: r.get(2),
        authorisation_id: r.get(3),
        format: r.get(4),
        hash_algorithm: r.get(5),
        hash: r.get(6),
        signature: r.get(7),
        label: r.get(8),
        created_at: r.get(9),
        document_id: r.get(10),
        level: r.get(11),
        signature_algorithm: r.get(12),
    }
}

/// Store signatures made together.
pub async fn insert(tx: &super::Transaction<'_>, rows: &[SignatureRow]) -> Result<(), StoreError> {
    fn column<'r, T>(rows: &'r [SignatureRow], f: impl Fn(&'r SignatureRow) -> T) -> Vec<T> {
        rows.iter().map(f).collect()
    }
    tx.execute(
        "INSERT INTO signatures (id, owner_id, certificate_id, authorisation_id, format, \
         hash_algorithm, hash, signature, label, created_at, document_id, level, \
         signature_algorithm) \
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], \
         $6::text[], $7::bytea[], $8::bytea[], $9::text[], $10::timestamptz[], $11::uuid[], \
         $12::text[], $13::text[])",
        &[
            &column(rows, |s| s.id),
            &column(rows, |s| s.owner_id),
            &column(rows, |s| s.certificate_id),
            &column(rows, |s| s.authorisation_id),
            &column(rows, |s| s.format.as_str()),
            &column(rows, |s| s.hash_algorithm.as_str()),
            &column(rows, |s| s.hash.as_slice()),
            &column(rows, |s| s.signature.as_slice()),
            &column(rows, |s| s.label.as_deref()),
            &column(rows, |s| s.created_at),
            &column(rows, |s| s.document_id),
            &column(rows, |s| s.level.as_str()),
            &column(rows, |s| s.signature_algorithm.as_deref()),
        ],
    )
    .await?;
    Ok(())
}

/// The holder's signatures, newest first.
pub async fn list_owned(
    c: &impl GenericClient,
    owner: Uuid,
    limit: i64,
    offset: i64,
) -> Result<Vec<SignatureRow>, StoreError> {
    let rows = c
        .query(
            &format!(
                "SELECT {COLUMNS} FROM signatures WHERE owner_id = $1 \
                 ORDER BY created_at DESC, id LIMIT $2 OFFSET $3"
            ),
            &[&owner, &limit, &offset],
        )
        .await?;
    Ok(rows.iter().map(row).collect())
}

/// Which of `documents` the owner has signed (the document list marks them).
pub async fn signed_among(
    c: &impl GenericClient,
    owner: Uuid,
    documents: &[Uuid],
) -> Result<Vec<Uuid>, StoreError> {
    let rows = c
        .query(
            "SELECT DISTINCT document_id FROM signatures \
             WHERE owner_id = $1 AND document_id = ANY($2)",
            &[&owner, &documents],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// The holder's signatures over one of their stored documents, newest first.
pub async fn of_document(
    c: &impl GenericClient,
    owner: Uuid,
    document: Uuid,
) -> Result<Vec<SignatureRow>, StoreError> {
    let rows = c
        .query(
            &format!(
                "SELECT {COLUMNS} FROM signatures WHERE owner_id = $1 AND document_id = $2 \
                 ORDER BY created_at DESC, id"
            ),
            &[&owner, &document],
        )
        .await?;
    Ok(rows.iter().map(row).collect())
}

/// One of the holder's signatures (another holder's is `None`).
pub async fn get_owned(
    c: &impl GenericClient,
    id: Uuid,
    owner: Uuid,
) -> Result<Option<SignatureRow>, StoreError> {
    let r = c
        .query_opt(
            &format!("SELECT {COLUMNS} FROM signatures WHERE id = $1 AND owner_id = $2"),
            &[&id, &owner],
        )
        .await?;
    Ok(r.as_ref().map(row))
}

/// A signature by id, for whoever may see the object it signs (an identification).
pub async fn get(c: &impl GenericClient, id: Uuid) -> Result<Option<SignatureRow>, StoreError> {
    let r = c
        .query_opt(
            &format!("SELECT {COLUMNS} FROM signatures WHERE id = $1"),
            &[&id],
        )
        .await?;
    Ok(r.as_ref().map(row))
}

/// An identification as recorded.
#[derive(Debug, Clone)]
pub struct IdentificationRow {
    /// The application.
    pub application_id: Uuid,
    /// The operator who signed it off.
    pub operator_id: Option<Uuid>,
    /// Their signature over the statement.
    pub signature_id: Option<Uuid>,
    /// The administrator who enrolled an officer instead.
    pub enrolled_by: Option<Uuid>,
    /// The originals presented.
    pub originals: Vec<String>,
    /// The canonical statement (UTF-8 JSON).
    pub statement: Vec<u8>,
    /// When.
    pub identified_at: DateTime<Utc>,
}

/// Record an identification.
pub async fn insert_identification(
    tx: &super::Transaction<'_>,
    i: &IdentificationRow,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO identifications (application_id, operator_id, signature_id, enrolled_by, \
         originals, statement, identified_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &i.application_id,
            &i.operator_id,
            &i.signature_id,
            &i.enrolled_by,
            &i.originals,
            &i.statement,
            &i.identified_at,
        ],
    )
    .await?;
    Ok(())
}

/// The identification of an application, if it was identified.
pub async fn identification(
    c: &impl GenericClient,
    application: Uuid,
) -> Result<Option<IdentificationRow>, StoreError> {
    let r = c
        .query_opt(
            "SELECT application_id, operator_id, signature_id, enrolled_by, originals, \
             statement, identified_at FROM identifications WHERE application_id = $1",
            &[&application],
        )
        .await?;
    Ok(r.map(|r| IdentificationRow {
        application_id: r.get(0),
        operator_id: r.get(1),
        signature_id: r.get(2),
        enrolled_by: r.get(3),
        originals: r.get(4),
        statement: r.get(5),
        identified_at: r.get(6),
    }))
}
