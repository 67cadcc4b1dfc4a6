//! SQL of subscriber certificates (the lifecycle of DESIGN §4) and their activation markers.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// A subscriber certificate as stored.
#[derive(Debug, Clone)]
pub struct CertificateRow {
    /// Id.
    pub id: Uuid,
    /// The application it was issued on.
    pub application_id: Uuid,
    /// The holder.
    pub account_id: Uuid,
    /// `pending_activation`, `active` or `revoked` (expiry is read from `not_after`).
    pub status: String,
    /// The key in custody (cloud track).
    pub key_id: Option<Uuid>,
    /// Serial number.
    pub serial: Option<Vec<u8>>,
    /// The certificate.
    pub der: Option<Vec<u8>>,
    /// Valid from.
    pub not_before: Option<DateTime<Utc>>,
    /// Valid until.
    pub not_after: Option<DateTime<Utc>>,
    /// The certificate it supersedes.
    pub replaces: Option<Uuid>,
    /// Created (identification).
    pub created_at: DateTime<Utc>,
    /// Activated.
    pub activated_at: Option<DateTime<Utc>>,
    /// Revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// The note recorded with the revocation (an operator's words, or who revoked).
    pub revocation_reason: Option<String>,
    /// The RFC 5280 CRLReason code the CA published (the registry's record).
    pub revocation_code: Option<i16>,
    /// `signature` or `seal`: its product's purpose.
    pub purpose: String,
}

const COLUMNS: &str = "id, application_id, account_id, status, key_id, serial, der, \
    not_before, not_after, replaces, created_at, activated_at, revoked_at, revocation_reason, \
    (SELECT i.revocation_reason FROM issued_certificates i WHERE i.serial = certificates.serial), \
    (SELECT p.purpose FROM applications a JOIN products p ON p.code = a.product_code \
     WHERE a.id = certificates.application_id)";

fn row(r: &tokio_postgres::Row) -> CertificateRow {
    CertificateRow {
        id: r.get(0),
        application_id: r.get(1),
        account_id: r.get(2),
        status: r.get(3),
        key_id: r.get(4),
        serial: r.get(5),
        der: r.get(6),
        not_before: r.get(7),
        not_after: r.get(8),
        replaces: r.get(9),
        created_at: r.get(10),
        activated_at: r.get(11),
        revoked_at: r.get(12),
        revocation_reason: r.get(13),
        revocation_code: r.get(14),
        purpose: r.get(15),
    }
}

/// A certificate waiting for activation.
pub async fn insert_pending(
    tx: &impl GenericClient,
    id: Uuid,
    application: Uuid,
    account: Uuid,
    replaces: Option<Uuid>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO certificates (id, application_id, account_id, status, replaces, created_at) \
         VALUES ($1, $2, $3, 'pending_activation', $4, $5)",
        &[&id, &application, &account, &replaces, &at],
    )
    .await?;
    Ok(())
}

/// The issued certificate: it becomes active.
#[allow(clippy::too_many_arguments)]
pub async fn activate(
    tx: &impl GenericClient,
    id: Uuid,
    key: Option<Uuid>,
    serial: &[u8],
    der: &[u8],
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            "UPDATE certificates SET status = 'active', key_id = $2, serial = $3, der = $4, \
             not_before = $5, not_after = $6, activated_at = $7 \
             WHERE id = $1 AND status = 'pending_activation'",
            &[&id, &key, &serial, &der, &not_before, &not_after, &at],
        )
        .await?
        == 1)
}

/// Mark it revoked; false when it was not active.
pub async fn revoke(
    tx: &impl GenericClient,
    id: Uuid,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            "UPDATE certificates SET status = 'revoked', revoked_at = $3, revocation_reason = $2 \
             WHERE id = $1 AND status = 'active'",
            &[&id, &reason, &at],
        )
        .await?
        == 1)
}

/// The holder's certificate.
pub async fn get_owned(
    c: &impl GenericClient,
    id: Uuid,
    account: Uuid,
) -> Result<Option<CertificateRow>, StoreError> {
    let q = format!("SELECT {COLUMNS} FROM certificates WHERE id = $1 AND account_id = $2");
    Ok(c.query_opt(&q, &[&id, &account]).await?.as_ref().map(row))
}

/// A certificate locked for a change (the caller has already checked who may touch it).
pub async fn get_for_update(
    tx: &impl GenericClient,
    id: Uuid,
) -> Result<Option<CertificateRow>, StoreError> {
    let q = format!("SELECT {COLUMNS} FROM certificates WHERE id = $1 FOR UPDATE");
    Ok(tx.query_opt(&q, &[&id]).await?.as_ref().map(row))
}

/// The certificates issued on an application, newest first.
pub async fn of_application(
    c: &impl GenericClient,
    application: Uuid,
) -> Result<Vec<CertificateRow>, StoreError> {
    let q = format!(
        "SELECT {COLUMNS} FROM certificates WHERE application_id = $1 ORDER BY created_at DESC"
    );
    Ok(c.query(&q, &[&application])
        .await?
        .iter()
        .map(row)
        .collect())
}

/// The holder's certificates, newest first.
pub async fn of_account(
    c: &impl GenericClient,
    account: Uuid,
) -> Result<Vec<CertificateRow>, StoreError> {
    let q = format!(
        "SELECT {COLUMNS} FROM certificates WHERE account_id = $1 ORDER BY created_at DESC"
    );
    Ok(c.query(&q, &[&account]).await?.iter().map(row).collect())
}

/// The account one of our certificates was issued to, found by its serial and exact DER; none
/// for a certificate we did not issue.
pub async fn holder_of(
    c: &impl GenericClient,
    serial: &[u8],
    der: &[u8],
) -> Result<Option<Uuid>, StoreError> {
    let r = c
        .query_opt(
            "SELECT account_id FROM certificates WHERE serial = $1 AND der = $2",
            &[&serial, &der],
        )
        .await?;
    Ok(r.map(|r| r.get(0)))
}

/// An activation marker as stored.
#[derive(Debug, Clone)]
pub struct MarkerRow {
    /// The certificate it activates.
    pub certificate_id: Uuid,
    /// MAC of the marker.
    pub marker_mac: Vec<u8>,
    /// Wrong tries so far.
    pub failures: i32,
    /// Times sent.
    pub sends: i32,
    /// End of life.
    pub expires_at: DateTime<Utc>,
    /// Spent.
    pub used_at: Option<DateTime<Utc>>,
}

/// Store a marker, or replace the certificate's marker with a fresh one (a resend).
pub async fn put_marker(
    tx: &impl GenericClient,
    certificate: Uuid,
    mac: &[u8],
    expires_at: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO activation_markers (certificate_id, marker_mac, expires_at, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (certificate_id) DO UPDATE SET marker_mac = $2, \
         expires_at = $3, failures = 0, sends = activation_markers.sends + 1, used_at = NULL",
        &[&certificate, &mac, &expires_at, &at],
    )
    .await?;
    Ok(())
}

/// The certificate's marker, locked.
pub async fn marker_for_update(
    tx: &impl GenericClient,
    certificate: Uuid,
) -> Result<Option<MarkerRow>, StoreError> {
    Ok(tx
        .query_opt(
            "SELECT certificate_id, marker_mac, failures, sends, expires_at, used_at \
             FROM activation_markers WHERE certificate_id = $1 FOR UPDATE",
            &[&certificate],
        )
        .await?
        .map(|r| MarkerRow {
            certificate_id: r.get(0),
            marker_mac: r.get(1),
            failures: r.get(2),
            sends: r.get(3),
            expires_at: r.get(4),
            used_at: r.get(5),
        }))
}

/// Count a wrong marker.
pub async fn marker_failed(tx: &impl GenericClient, certificate: Uuid) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE activation_markers SET failures = failures + 1 WHERE certificate_id = $1",
        &[&certificate],
    )
    .await?;
    Ok(())
}

/// Spend the marker.
pub async fn marker_used(
    tx: &impl GenericClient,
    certificate: Uuid,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE activation_markers SET used_at = $2 WHERE certificate_id = $1",
        &[&certificate, &at],
    )
    .await?;
    Ok(())
}
