//! SQL of holders' encryption keys and their certificates.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// An encryption key as stored.
#[derive(Debug, Clone)]
pub struct EncryptionKeyRow {
    /// Its id (bound into its seal).
    pub id: Uuid,
    /// The credential it belongs to.
    pub certificate_id: Uuid,
    /// The holder.
    pub account_id: Uuid,
    /// The signature key whose PIN opens it and whose counter counts wrong PINs.
    pub key_id: Uuid,
    /// DER SubjectPublicKeyInfo.
    pub public_key: Vec<u8>,
    /// The double-sealed private key.
    pub sealed_key: Vec<u8>,
    /// argon2id memory of its seal, KiB.
    pub kdf_memory_kib: i32,
    /// argon2id passes of its seal.
    pub kdf_iterations: i32,
    /// Its certificate's serial.
    pub serial: Vec<u8>,
    /// Its certificate.
    pub der: Vec<u8>,
    /// End of the certificate's validity.
    pub not_after: DateTime<Utc>,
    /// Issued.
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "e.id, e.certificate_id, e.account_id, e.key_id, e.public_key, \
    e.sealed_key, e.kdf_memory_kib, e.kdf_iterations, e.serial, e.der, e.not_after, e.created_at";

fn row(r: &tokio_postgres::Row) -> EncryptionKeyRow {
    EncryptionKeyRow {
        id: r.get(0),
        certificate_id: r.get(1),
        account_id: r.get(2),
        key_id: r.get(3),
        public_key: r.get(4),
        sealed_key: r.get(5),
        kdf_memory_kib: r.get(6),
        kdf_iterations: r.get(7),
        serial: r.get(8),
        der: r.get(9),
        not_after: r.get(10),
        created_at: r.get(11),
    }
}

/// Record a new key; false when the credential already has one.
pub async fn insert(c: &impl GenericClient, e: &EncryptionKeyRow) -> Result<bool, StoreError> {
    Ok(c.execute(
        "INSERT INTO encryption_keys (id, certificate_id, account_id, key_id, public_key, \
         sealed_key, kdf_memory_kib, kdf_iterations, serial, der, not_after, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (certificate_id) DO NOTHING",
        &[
            &e.id,
            &e.certificate_id,
            &e.account_id,
            &e.key_id,
            &e.public_key,
            &e.sealed_key,
            &e.kdf_memory_kib,
            &e.kdf_iterations,
            &e.serial,
            &e.der,
            &e.not_after,
            &e.created_at,
        ],
    )
    .await?
        == 1)
}

/// The key of one of `account`'s credentials.
pub async fn of_credential(
    c: &impl GenericClient,
    certificate: Uuid,
    account: Uuid,
) -> Result<Option<EncryptionKeyRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM encryption_keys e WHERE e.certificate_id = $1 AND e.account_id = $2"
    );
    Ok(c.query_opt(&sql, &[&certificate, &account])
        .await?
        .as_ref()
        .map(row))
}

/// The keys a signature key's PIN opens (to re-seal them when the PIN changes).
pub async fn guarded_by(
    c: &impl GenericClient,
    key: Uuid,
) -> Result<Vec<EncryptionKeyRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM encryption_keys e WHERE e.key_id = $1");
    Ok(c.query(&sql, &[&key]).await?.iter().map(row).collect())
}

/// Store a key sealed anew.
pub async fn reseal(
    c: &impl GenericClient,
    id: Uuid,
    sealed: &[u8],
    kdf_memory_kib: i32,
    kdf_iterations: i32,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE encryption_keys SET sealed_key = $2, kdf_memory_kib = $3, kdf_iterations = $4 \
         WHERE id = $1",
        &[&id, &sealed, &kdf_memory_kib, &kdf_iterations],
    )
    .await?;
    Ok(())
}

/// The encryption certificates of `account` that one may encrypt to now: their credential is
/// active and both certificates are within validity.
pub async fn current_of_account(
    c: &impl GenericClient,
    account: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<EncryptionKeyRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM encryption_keys e JOIN certificates c ON c.id = e.certificate_id \
         WHERE e.account_id = $1 AND c.status = 'active' AND c.not_after > $2 \
         AND e.not_after > $2 ORDER BY e.created_at DESC"
    );
    Ok(c.query(&sql, &[&account, &now])
        .await?
        .iter()
        .map(row)
        .collect())
}

/// The serial of a credential's encryption certificate, if it has one.
pub async fn serial_of_credential(
    c: &impl GenericClient,
    certificate: Uuid,
) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(c.query_opt(
        "SELECT serial FROM encryption_keys WHERE certificate_id = $1",
        &[&certificate],
    )
    .await?
    .map(|r| r.get(0)))
}
