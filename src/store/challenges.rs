//! SQL of one-time challenges: emailed links, SMS codes and logins half done. A challenge is
//! found by the hash of the handle its holder shows, spent by one conditional UPDATE, and counts
//! its own wrong answers.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// A challenge as stored.
#[derive(Debug, Clone)]
pub struct ChallengeRow {
    /// Id.
    pub id: Uuid,
    /// Whose.
    pub account: Uuid,
    /// What it is for (`confirm_email`, `login`, …).
    pub purpose: String,
    /// SHA-256 of the handle.
    pub handle_hash: Vec<u8>,
    /// MAC of the code sent, when one was.
    pub code_mac: Option<Vec<u8>>,
    /// The new email or phone a change is for.
    pub target: Option<String>,
    /// Factors a login has proved so far.
    pub proved: Vec<String>,
    /// Wrong codes so far.
    pub failures: i32,
    /// Times the code was sent.
    pub sends: i32,
    /// Last sent.
    pub last_sent_at: DateTime<Utc>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Good until.
    pub expires_at: DateTime<Utc>,
    /// Spent.
    pub consumed_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, account, purpose, handle_hash, code_mac, target, proved, failures, \
    sends, last_sent_at, created_at, expires_at, consumed_at";

fn row(r: &tokio_postgres::Row) -> ChallengeRow {
    ChallengeRow {
        id: r.get(0),
        account: r.get(1),
        purpose: r.get(2),
        handle_hash: r.get(3),
        code_mac: r.get(4),
        target: r.get(5),
        proved: r.get(6),
        failures: r.get(7),
        sends: r.get(8),
        last_sent_at: r.get(9),
        created_at: r.get(10),
        expires_at: r.get(11),
        consumed_at: r.get(12),
    }
}

/// Store a new challenge, retiring unspent ones of the same purpose for the account (only the
/// newest link or code works).
pub async fn insert(tx: &impl GenericClient, c: &ChallengeRow) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE challenges SET consumed_at = $3 \
         WHERE account = $1 AND purpose = $2 AND consumed_at IS NULL",
        &[&c.account, &c.purpose, &c.created_at],
    )
    .await?;
    tx.execute(
        "INSERT INTO challenges (id, account, purpose, handle_hash, code_mac, target, proved, \
         failures, sends, last_sent_at, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 1, $8, $8, $9)",
        &[
            &c.id,
            &c.account,
            &c.purpose,
            &c.handle_hash,
            &c.code_mac,
            &c.target,
            &c.proved,
            &c.created_at,
            &c.expires_at,
        ],
    )
    .await?;
    Ok(())
}

/// The challenge whose handle hashes to `hash`, locked for update.
pub async fn by_handle_for_update(
    tx: &impl GenericClient,
    hash: &[u8],
) -> Result<Option<ChallengeRow>, StoreError> {
    let r = tx
        .query_opt(
            &format!("SELECT {COLUMNS} FROM challenges WHERE handle_hash = $1 FOR UPDATE"),
            &[&hash],
        )
        .await?;
    Ok(r.as_ref().map(row))
}

/// The challenge whose handle hashes to `hash`.
pub async fn by_handle(
    c: &impl GenericClient,
    hash: &[u8],
) -> Result<Option<ChallengeRow>, StoreError> {
    let r = c
        .query_opt(
            &format!("SELECT {COLUMNS} FROM challenges WHERE handle_hash = $1"),
            &[&hash],
        )
        .await?;
    Ok(r.as_ref().map(row))
}

/// The handle hash of the account's newest open challenge of `purpose` for one of `targets`
/// (a protocol such as CSC answers a code without a handle).
pub async fn open_for(
    c: &impl GenericClient,
    account: Uuid,
    purpose: &str,
    targets: &[&str],
    now: DateTime<Utc>,
) -> Result<Option<Vec<u8>>, StoreError> {
    let r = c
        .query_opt(
            "SELECT handle_hash FROM challenges WHERE account = $1 AND purpose = $2 \
             AND target = ANY($3) AND consumed_at IS NULL AND expires_at > $4 \
             ORDER BY created_at DESC LIMIT 1",
            &[&account, &purpose, &targets, &now],
        )
        .await?;
    Ok(r.map(|r| r.get(0)))
}

/// When a code for `purpose` was last sent to the account.
pub async fn last_sent(
    c: &impl GenericClient,
    account: Uuid,
    purpose: &str,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let r = c
        .query_one(
            "SELECT max(last_sent_at) FROM challenges WHERE account = $1 AND purpose = $2",
            &[&account, &purpose],
        )
        .await?;
    Ok(r.get(0))
}

/// Count a wrong code; returns the failures so far.
pub async fn fail(tx: &impl GenericClient, id: Uuid) -> Result<i32, StoreError> {
    let r = tx
        .query_one(
            "UPDATE challenges SET failures = failures + 1 WHERE id = $1 RETURNING failures",
            &[&id],
        )
        .await?;
    Ok(r.get(0))
}

/// Spend it; false when it was already spent.
pub async fn consume(
    tx: &impl GenericClient,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "UPDATE challenges SET consumed_at = $2 WHERE id = $1 AND consumed_at IS NULL",
            &[&id, &at],
        )
        .await?;
    Ok(n == 1)
}

/// A new code for the same challenge (resend): the old code stops working.
pub async fn resend(
    tx: &impl GenericClient,
    id: Uuid,
    code_mac: &[u8],
    at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE challenges SET code_mac = $2, sends = sends + 1, last_sent_at = $3, \
         expires_at = $4, failures = 0 WHERE id = $1",
        &[&id, &code_mac, &at, &expires_at],
    )
    .await?;
    Ok(())
}
