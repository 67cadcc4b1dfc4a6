//! SQL of the certificate registry: what our CAs issued, what was revoked, the CRLs, and the
//! time-stamp serial counter.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;

/// A certificate as recorded at issuance.
#[derive(Debug, Clone)]
pub struct IssuedRow {
    /// Serial number octets (as in the DER INTEGER).
    pub serial: Vec<u8>,
    /// `root` or `issuing`.
    pub issuer: &'static str,
    /// Subject, RFC 4514 text, for people.
    pub subject: String,
    /// The certificate.
    pub der: Vec<u8>,
    /// SHA-256 of the DER, hex.
    pub fingerprint: String,
    /// Validity start.
    pub not_before: DateTime<Utc>,
    /// Validity end.
    pub not_after: DateTime<Utc>,
}

/// Revocation state of one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    /// Validity end (OCSP answers for expired certificates too).
    pub not_after: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
    /// CRLReason code.
    pub reason: Option<i16>,
}

/// One CRL entry.
#[derive(Debug, Clone)]
pub struct RevokedRow {
    /// Serial number octets.
    pub serial: Vec<u8>,
    /// Revocation time.
    pub revoked_at: DateTime<Utc>,
    /// CRLReason code.
    pub reason: i16,
}

/// A published CRL.
#[derive(Debug, Clone)]
pub struct CrlRow {
    /// CRL number.
    pub number: i64,
    /// thisUpdate.
    pub this_update: DateTime<Utc>,
    /// nextUpdate.
    pub next_update: DateTime<Utc>,
    /// The signed CRL.
    pub der: Vec<u8>,
}

/// Record an issued certificate; recording the same one again changes nothing.
pub async fn record_issued(
    tx: &impl GenericClient,
    row: &IssuedRow,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO issued_certificates
             (serial, issuer, subject, der, fingerprint, not_before, not_after, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (serial) DO NOTHING",
        &[
            &row.serial,
            &row.issuer,
            &row.subject,
            &row.der,
            &row.fingerprint,
            &row.not_before,
            &row.not_after,
            &at,
        ],
    )
    .await?;
    Ok(())
}

/// Revoke a certificate of `issuer`; returns false when it is not ours or already revoked.
pub async fn revoke(
    tx: &super::Transaction<'_>,
    issuer: &str,
    serial: &[u8],
    at: DateTime<Utc>,
    reason: i16,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "UPDATE issued_certificates SET revoked_at = $3, revocation_reason = $4
             WHERE issuer = $1 AND serial = $2 AND revoked_at IS NULL",
            &[&issuer, &serial, &at, &reason],
        )
        .await?;
    Ok(n == 1)
}

/// The status of a certificate of `issuer` by serial; `None` when we never issued it.
pub async fn status(
    c: &impl GenericClient,
    issuer: &str,
    serial: &[u8],
) -> Result<Option<StatusRow>, StoreError> {
    let row = c
        .query_opt(
            "SELECT not_after, revoked_at, revocation_reason FROM issued_certificates
             WHERE issuer = $1 AND serial = $2",
            &[&issuer, &serial],
        )
        .await?;
    Ok(row.map(|r| StatusRow {
        not_after: r.get(0),
        revoked_at: r.get(1),
        reason: r.get(2),
    }))
}

/// The recorded certificate with this serial (any issuer), as DER.
pub async fn certificate(
    c: &impl GenericClient,
    serial: &[u8],
) -> Result<Option<Vec<u8>>, StoreError> {
    let row = c
        .query_opt(
            "SELECT der FROM issued_certificates WHERE serial = $1",
            &[&serial],
        )
        .await?;
    Ok(row.map(|r| r.get(0)))
}

/// Revoked certificates of `issuer` that had not expired at `at` (RFC 5280 lets a CRL drop
/// entries once the certificate expired).
pub async fn revoked(
    c: &impl GenericClient,
    issuer: &str,
    at: DateTime<Utc>,
) -> Result<Vec<RevokedRow>, StoreError> {
    let rows = c
        .query(
            "SELECT serial, revoked_at, revocation_reason FROM issued_certificates
             WHERE issuer = $1 AND revoked_at IS NOT NULL AND not_after > $2
             ORDER BY revoked_at, serial",
            &[&issuer, &at],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| RevokedRow {
            serial: r.get(0),
            revoked_at: r.get(1),
            reason: r.get(2),
        })
        .collect())
}

/// Serialise CRL issuance for one CA until the transaction ends.
pub async fn lock_crl(tx: &super::Transaction<'_>, ca: &str) -> Result<(), StoreError> {
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext('cloudseal.crl.' || $1))",
        &[&ca],
    )
    .await?;
    Ok(())
}

/// The newest CRL of `ca`.
pub async fn latest_crl(c: &impl GenericClient, ca: &str) -> Result<Option<CrlRow>, StoreError> {
    let row = c
        .query_opt(
            "SELECT number, this_update, next_update, der FROM crls
             WHERE ca = $1 ORDER BY number DESC LIMIT 1",
            &[&ca],
        )
        .await?;
    Ok(row.map(|r| CrlRow {
        number: r.get(0),
        this_update: r.get(1),
        next_update: r.get(2),
        der: r.get(3),
    }))
}

/// Store a newly signed CRL.
pub async fn insert_crl(
    tx: &super::Transaction<'_>,
    ca: &str,
    row: &CrlRow,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO crls (ca, number, this_update, next_update, der) VALUES ($1, $2, $3, $4, $5)",
        &[
            &ca,
            &row.number,
            &row.this_update,
            &row.next_update,
            &row.der,
        ],
    )
    .await?;
    Ok(())
}

/// The next time-stamp token serial: unique across processes and restarts.
pub async fn next_tsa_serial(c: &impl GenericClient) -> Result<i64, StoreError> {
    Ok(c.query_one("SELECT nextval('tsa_serial')", &[])
        .await?
        .get(0))
}
