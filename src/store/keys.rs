//! SQL of signing keys in custody and of their authorisations (SAD). The PIN attempt counter
//! lives beside the sealed key; an authorisation's count is spent by one conditional UPDATE,
//! so several server instances can never sign more than it allows.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// A key as stored.
#[derive(Debug, Clone)]
pub struct KeyRow {
    /// Id.
    pub id: Uuid,
    /// Owner (subscriber or organisation).
    pub owner_id: Uuid,
    /// `ecdsa_p256`, `rsa_2048`, `rsa_3072`, `ed25519`.
    pub algorithm: String,
    /// DER SubjectPublicKeyInfo.
    pub public_key: Vec<u8>,
    /// Sealed under the PIN.
    pub sealed_key: Vec<u8>,
    /// argon2id memory of the seal.
    pub kdf_memory_kib: i32,
    /// argon2id passes of the seal.
    pub kdf_iterations: i32,
    /// Attempts counted since the last success or lock.
    pub pin_failures: i32,
    /// Locks so far (each one lasts longer).
    pub lockouts: i32,
    /// Locked until then.
    pub locked_until: Option<DateTime<Utc>>,
    /// Born.
    pub created_at: DateTime<Utc>,
}

const KEY_COLUMNS: &str = "id, owner_id, algorithm, public_key, sealed_key, kdf_memory_kib, \
     kdf_iterations, pin_failures, lockouts, locked_until, created_at";

fn key_row(r: &tokio_postgres::Row) -> KeyRow {
    KeyRow {
        id: r.get(0),
        owner_id: r.get(1),
        algorithm: r.get(2),
        public_key: r.get(3),
        sealed_key: r.get(4),
        kdf_memory_kib: r.get(5),
        kdf_iterations: r.get(6),
        pin_failures: r.get(7),
        lockouts: r.get(8),
        locked_until: r.get(9),
        created_at: r.get(10),
    }
}

/// Store a newly born key.
pub async fn insert_key(tx: &impl GenericClient, row: &KeyRow) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO signing_keys (id, owner_id, algorithm, public_key, sealed_key, \
         kdf_memory_kib, kdf_iterations, created_at, pin_changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        &[
            &row.id,
            &row.owner_id,
            &row.algorithm,
            &row.public_key,
            &row.sealed_key,
            &row.kdf_memory_kib,
            &row.kdf_iterations,
            &row.created_at,
        ],
    )
    .await?;
    Ok(())
}

/// The key `id` if `owner` holds it.
pub async fn key(
    db: &impl GenericClient,
    id: Uuid,
    owner: Uuid,
) -> Result<Option<KeyRow>, StoreError> {
    let sql = format!("SELECT {KEY_COLUMNS} FROM signing_keys WHERE id = $1 AND owner_id = $2");
    Ok(db
        .query_opt(&sql, &[&id, &owner])
        .await?
        .as_ref()
        .map(key_row))
}

/// Count one PIN attempt before it is tried, unless the key is locked or out of attempts;
/// returns the key with the counter already raised. `None`: not the owner's, or locked.
pub async fn reserve_pin_attempt(
    tx: &impl GenericClient,
    id: Uuid,
    owner: Uuid,
    max_attempts: i32,
    now: DateTime<Utc>,
) -> Result<Option<KeyRow>, StoreError> {
    let sql = format!(
        "UPDATE signing_keys SET pin_failures = pin_failures + 1 \
         WHERE id = $1 AND owner_id = $2 AND pin_failures < $3 \
           AND (locked_until IS NULL OR locked_until <= $4) \
         RETURNING {KEY_COLUMNS}"
    );
    Ok(tx
        .query_opt(&sql, &[&id, &owner, &max_attempts, &now])
        .await?
        .as_ref()
        .map(key_row))
}

/// The attempt was never decided (the HSM failed before it could say): give it back.
pub async fn refund_pin_attempt(db: &impl GenericClient, id: Uuid) -> Result<(), StoreError> {
    db.execute(
        "UPDATE signing_keys SET pin_failures = greatest(pin_failures - 1, 0) WHERE id = $1",
        &[&id],
    )
    .await?;
    Ok(())
}

/// The PIN was right: the attempt counter starts again.
pub async fn pin_succeeded(tx: &impl GenericClient, id: Uuid) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE signing_keys SET pin_failures = 0, lockouts = 0, locked_until = NULL WHERE id = $1",
        &[&id],
    )
    .await?;
    Ok(())
}

/// Lock the key until `until` after the last allowed wrong PIN; the counter starts again for
/// when the lock ends, and the lock count grows.
pub async fn lock(
    tx: &impl GenericClient,
    id: Uuid,
    until: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE signing_keys SET pin_failures = 0, lockouts = lockouts + 1, locked_until = $2 \
         WHERE id = $1",
        &[&id, &until],
    )
    .await?;
    Ok(())
}

/// Lift a lock (an administrator's decision).
pub async fn unlock(tx: &impl GenericClient, id: Uuid) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            "UPDATE signing_keys SET pin_failures = 0, locked_until = NULL WHERE id = $1",
            &[&id],
        )
        .await?
        == 1)
}

/// Store the key sealed under a new PIN.
pub async fn reseal(
    tx: &impl GenericClient,
    id: Uuid,
    sealed_key: &[u8],
    kdf_memory_kib: i32,
    kdf_iterations: i32,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE signing_keys SET sealed_key = $2, kdf_memory_kib = $3, kdf_iterations = $4, \
         pin_changed_at = $5 WHERE id = $1",
        &[&id, &sealed_key, &kdf_memory_kib, &kdf_iterations, &now],
    )
    .await?;
    Ok(())
}

/// A new authorisation.
#[derive(Debug, Clone)]
pub struct NewAuthorisation<'a> {
    /// Id (also inside the SAD).
    pub id: Uuid,
    /// The key.
    pub key_id: Uuid,
    /// Its owner, the only caller who may use it.
    pub owner_id: Uuid,
    /// SHA-256 of the SAD secret.
    pub sad_hash: &'a [u8],
    /// The key sealed under the SAD.
    pub sealed_key: &'a [u8],
    /// The digests it may sign, if bound.
    pub hashes: Option<&'a [Vec<u8>]>,
    /// Signatures it allows.
    pub count: i32,
    /// End of life.
    pub expires_at: DateTime<Utc>,
    /// Now.
    pub created_at: DateTime<Utc>,
}

/// Record an authorisation.
pub async fn insert_authorisation(
    tx: &impl GenericClient,
    a: &NewAuthorisation<'_>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO key_authorisations (id, key_id, owner_id, sad_hash, sealed_key, hashes, \
         remaining, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            &a.id,
            &a.key_id,
            &a.owner_id,
            &a.sad_hash,
            &a.sealed_key,
            &a.hashes,
            &a.count,
            &a.expires_at,
            &a.created_at,
        ],
    )
    .await?;
    Ok(())
}

/// An authorisation with what is needed to sign under it.
#[derive(Debug, Clone)]
pub struct AuthorisationRow {
    /// The key.
    pub key_id: Uuid,
    /// Its algorithm.
    pub algorithm: String,
    /// The key sealed under the SAD.
    pub sealed_key: Vec<u8>,
    /// Signatures left after this use.
    pub remaining: i32,
    /// End of life.
    pub expires_at: DateTime<Utc>,
}

/// Spend `n` signatures of an open, unexpired authorisation held by `owner` whose SAD hashes
/// to `sad_hash`, if every digest in `bound` is among its hashes (or it is not bound). One
/// statement, so concurrent spenders on any instance serialise on the row.
pub async fn spend(
    tx: &impl GenericClient,
    id: Uuid,
    owner: Uuid,
    sad_hash: &[u8],
    bound: &[Vec<u8>],
    n: i32,
    now: DateTime<Utc>,
) -> Result<Option<AuthorisationRow>, StoreError> {
    let row = tx
        .query_opt(
            "UPDATE key_authorisations a SET remaining = a.remaining - $5 \
             FROM signing_keys k \
             WHERE a.id = $1 AND a.owner_id = $2 AND a.sad_hash = $3 AND k.id = a.key_id \
               AND a.closed_at IS NULL AND a.expires_at > $6 AND a.remaining >= $5 \
               AND (a.hashes IS NULL OR $4::bytea[] <@ a.hashes) \
             RETURNING a.key_id, k.algorithm, a.sealed_key, a.remaining, a.expires_at",
            &[&id, &owner, &sad_hash, &bound, &n, &now],
        )
        .await?;
    Ok(row.map(|r| AuthorisationRow {
        key_id: r.get(0),
        algorithm: r.get(1),
        sealed_key: r.get(2),
        remaining: r.get(3),
        expires_at: r.get(4),
    }))
}

/// Renew the life of an open, unexpired authorisation held by `owner` with signatures left,
/// if every digest in `bound` is among its hashes: until `until`, never beyond `cap` after it
/// was granted. Returns the new end of life and the signatures left.
#[allow(clippy::too_many_arguments)]
pub async fn extend(
    tx: &impl GenericClient,
    id: Uuid,
    owner: Uuid,
    sad_hash: &[u8],
    bound: &[Vec<u8>],
    until: DateTime<Utc>,
    cap_secs: f64,
    now: DateTime<Utc>,
) -> Result<Option<(DateTime<Utc>, i32)>, StoreError> {
    let row = tx
        .query_opt(
            "UPDATE key_authorisations a SET expires_at = GREATEST(a.expires_at, \
               LEAST($5, a.created_at + make_interval(secs => $6))) \
             WHERE a.id = $1 AND a.owner_id = $2 AND a.sad_hash = $3 \
               AND a.closed_at IS NULL AND a.expires_at > $7 AND a.remaining > 0 \
               AND (a.hashes IS NULL OR $4::bytea[] <@ a.hashes) \
             RETURNING a.expires_at, a.remaining",
            &[&id, &owner, &sad_hash, &bound, &until, &cap_secs, &now],
        )
        .await?;
    Ok(row.map(|r| (r.get(0), r.get(1))))
}

/// Why [`spend`] found nothing to spend, as far as the caller may know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorisationState {
    /// Closed (used up, revoked or expired and swept).
    pub closed: bool,
    /// End of life.
    pub expires_at: DateTime<Utc>,
    /// Signatures left.
    pub remaining: i32,
    /// The digests it may sign, if bound.
    pub hashes: Option<Vec<Vec<u8>>>,
    /// The key it unlocks.
    pub key_id: Uuid,
}

/// The state of an authorisation, if `owner` holds it and the SAD matches.
pub async fn authorisation_state(
    db: &impl GenericClient,
    id: Uuid,
    owner: Uuid,
    sad_hash: &[u8],
) -> Result<Option<AuthorisationState>, StoreError> {
    let row = db
        .query_opt(
            "SELECT closed_at IS NOT NULL, expires_at, remaining, hashes, key_id \
             FROM key_authorisations \
             WHERE id = $1 AND owner_id = $2 AND sad_hash = $3",
            &[&id, &owner, &sad_hash],
        )
        .await?;
    Ok(row.map(|r| AuthorisationState {
        closed: r.get(0),
        expires_at: r.get(1),
        remaining: r.get(2),
        hashes: r.get(3),
        key_id: r.get(4),
    }))
}

/// Close an authorisation and forget its sealed key; true if it was open.
pub async fn close(
    tx: &impl GenericClient,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            "UPDATE key_authorisations SET closed_at = $2, sealed_key = '' \
             WHERE id = $1 AND closed_at IS NULL",
            &[&id, &now],
        )
        .await?
        == 1)
}

/// Close every authorisation past its life; returns their ids (so this instance can destroy
/// the session objects it holds for them).
pub async fn close_expired(
    tx: &impl GenericClient,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, StoreError> {
    Ok(tx
        .query(
            "UPDATE key_authorisations SET closed_at = $1, sealed_key = '' \
             WHERE closed_at IS NULL AND expires_at <= $1 RETURNING id",
            &[&now],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

/// Which of `ids` are no longer open (closed elsewhere, or expired).
pub async fn not_open(
    db: &impl GenericClient,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, StoreError> {
    Ok(db
        .query(
            "SELECT id FROM unnest($1::uuid[]) AS ids(id) WHERE NOT EXISTS ( \
               SELECT 1 FROM key_authorisations a WHERE a.id = ids.id \
               AND a.closed_at IS NULL AND a.expires_at > $2)",
            &[&ids, &now],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect())
}
