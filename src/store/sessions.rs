//! SQL of sessions and their refresh-token families. A refresh token is stored as its SHA-256
//! and marked used when exchanged, so a second use is recognised as theft and ends the session.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// A session as stored.
#[derive(Debug, Clone)]
pub struct SessionRow {
    /// Id.
    pub id: Uuid,
    /// Whose.
    pub account: Uuid,
    /// `api` (bearer + refresh token) or `web` (cookie).
    pub kind: String,
    /// Factors proved at login (`pwd`, `sms`, `otp`).
    pub amr: Vec<String>,
    /// The client's User-Agent at login.
    pub user_agent: String,
    /// The client's address at login.
    pub client_ip: String,
    /// SHA-256 of the web cookie.
    pub cookie_hash: Option<Vec<u8>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last refreshed or used.
    pub last_seen_at: DateTime<Utc>,
    /// Ends then at the latest.
    pub expires_at: DateTime<Utc>,
    /// Ended early.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Why it ended early (`logout`, `revoked`, `refresh_reuse`, `password_change`,
    /// `agent_disabled`).
    pub revoke_reason: Option<String>,
    /// A folder agent's session: its machine credential.
    pub agent: Option<Uuid>,
}

const COLUMNS: &str = "id, account, kind, amr, user_agent, client_ip, cookie_hash, created_at, \
    last_seen_at, expires_at, revoked_at, revoke_reason, agent";

fn row(r: &tokio_postgres::Row) -> SessionRow {
    SessionRow {
        id: r.get(0),
        account: r.get(1),
        kind: r.get(2),
        amr: r.get(3),
        user_agent: r.get(4),
        client_ip: r.get(5),
        cookie_hash: r.get(6),
        created_at: r.get(7),
        last_seen_at: r.get(8),
        expires_at: r.get(9),
        revoked_at: r.get(10),
        revoke_reason: r.get(11),
        agent: r.get(12),
    }
}

/// Store a new session.
pub async fn insert(tx: &impl GenericClient, s: &SessionRow) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO sessions (id, account, kind, amr, user_agent, client_ip, cookie_hash, \
         created_at, last_seen_at, expires_at, agent) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10)",
        &[
            &s.id,
            &s.account,
            &s.kind,
            &s.amr,
            &s.user_agent,
            &s.client_ip,
            &s.cookie_hash,
            &s.created_at,
            &s.expires_at,
            &s.agent,
        ],
    )
    .await?;
    Ok(())
}

/// The live session found by `key_column = key`, if its account is not disabled.
async fn live_where<K: tokio_postgres::types::ToSql + Sync>(
    c: &impl GenericClient,
    key_column: &str,
    key: &K,
    now: DateTime<Utc>,
) -> Result<Option<SessionRow>, StoreError> {
    let r = c
        .query_opt(
            &format!(
                "SELECT {COLUMNS} FROM sessions s WHERE {key_column} = $1 AND revoked_at IS NULL \
                 AND expires_at > $2 AND NOT EXISTS (SELECT 1 FROM accounts a \
                 WHERE a.id = s.account AND a.disabled_at IS NOT NULL) \
                 AND NOT EXISTS (SELECT 1 FROM agent_clients g \
                 WHERE g.id = s.agent AND g.disabled_at IS NOT NULL)"
            ),
            &[key, &now],
        )
        .await?;
    Ok(r.as_ref().map(row))
}

/// The session `id` if it is live at `now` and its account is not disabled.
pub async fn live(
    c: &impl GenericClient,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<SessionRow>, StoreError> {
    live_where(c, "id", &id, now).await
}

/// The live web session whose cookie hashes to `hash`.
pub async fn live_by_cookie(
    c: &impl GenericClient,
    hash: &[u8],
    now: DateTime<Utc>,
) -> Result<Option<SessionRow>, StoreError> {
    live_where(c, "cookie_hash", &hash, now).await
}

/// Sessions of an account that are live at `now`, newest first.
pub async fn list_live(
    c: &impl GenericClient,
    account: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<SessionRow>, StoreError> {
    let rows = c
        .query(
            &format!(
                "SELECT {COLUMNS} FROM sessions WHERE account = $1 AND revoked_at IS NULL \
                 AND expires_at > $2 ORDER BY created_at DESC"
            ),
            &[&account, &now],
        )
        .await?;
    Ok(rows.iter().map(row).collect())
}

/// End the session `id` of `account`; false when there is no such live session.
pub async fn revoke(
    tx: &impl GenericClient,
    account: Uuid,
    id: Uuid,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "UPDATE sessions SET revoked_at = $4, revoke_reason = $3 \
             WHERE id = $2 AND account = $1 AND revoked_at IS NULL",
            &[&account, &id, &reason, &at],
        )
        .await?;
    Ok(n == 1)
}

/// End every live session of an account except `keep`; returns how many ended.
pub async fn revoke_all(
    tx: &impl GenericClient,
    account: Uuid,
    keep: Option<Uuid>,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(tx
        .execute(
            "UPDATE sessions SET revoked_at = $4, revoke_reason = $3 \
             WHERE account = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $2",
            &[&account, &keep, &reason, &at],
        )
        .await?)
}

/// Store a refresh token of a session.
pub async fn insert_refresh(
    tx: &impl GenericClient,
    hash: &[u8],
    session: Uuid,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO refresh_tokens (token_hash, session, issued_at) VALUES ($1, $2, $3)",
        &[&hash, &session, &at],
    )
    .await?;
    Ok(())
}

/// A refresh token as found: its session and whether it was already used.
#[derive(Debug, Clone, Copy)]
pub struct RefreshRow {
    /// Its session.
    pub session: Uuid,
    /// When it was exchanged, if it was.
    pub used_at: Option<DateTime<Utc>>,
}

/// The refresh token hashing to `hash`, locked for update.
pub async fn refresh_for_update(
    tx: &impl GenericClient,
    hash: &[u8],
) -> Result<Option<RefreshRow>, StoreError> {
    let r = tx
        .query_opt(
            "SELECT session, used_at FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE",
            &[&hash],
        )
        .await?;
    Ok(r.map(|r| RefreshRow {
        session: r.get(0),
        used_at: r.get(1),
    }))
}

/// Mark a refresh token exchanged and the session seen.
pub async fn use_refresh(
    tx: &impl GenericClient,
    hash: &[u8],
    session: Uuid,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1",
        &[&hash, &at],
    )
    .await?;
    tx.execute(
        "UPDATE sessions SET last_seen_at = $2 WHERE id = $1",
        &[&session, &at],
    )
    .await?;
    Ok(())
}

/// The session `id` whatever its state (to tell a reuse of a revoked family).
pub async fn get(c: &impl GenericClient, id: Uuid) -> Result<Option<SessionRow>, StoreError> {
    let r = c
        .query_opt(
            &format!("SELECT {COLUMNS} FROM sessions WHERE id = $1"),
            &[&id],
        )
        .await?;
    Ok(r.as_ref().map(row))
}
