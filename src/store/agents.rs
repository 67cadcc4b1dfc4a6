//! SQL of folder agents' machine credentials.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// A machine credential as stored.
#[derive(Debug, Clone)]
pub struct AgentRow {
    /// Internal id.
    pub id: Uuid,
    /// The public client id.
    pub client_id: String,
    /// SHA-256 of the secret.
    pub secret_hash: Vec<u8>,
    /// The seal holder's account.
    pub account_id: Uuid,
    /// The one seal certificate it may authorise.
    pub certificate_id: Uuid,
    /// What the holder calls it.
    pub name: String,
    /// Issued.
    pub created_at: DateTime<Utc>,
    /// Last exchanged for a token.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Once disabled: when.
    pub disabled_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, client_id, secret_hash, account_id, certificate_id, name, \
    created_at, last_used_at, disabled_at";

fn row(r: &tokio_postgres::Row) -> AgentRow {
    AgentRow {
        id: r.get(0),
        client_id: r.get(1),
        secret_hash: r.get(2),
        account_id: r.get(3),
        certificate_id: r.get(4),
        name: r.get(5),
        created_at: r.get(6),
        last_used_at: r.get(7),
        disabled_at: r.get(8),
    }
}

/// Store a new machine credential.
pub async fn insert(c: &impl GenericClient, a: &AgentRow) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO agent_clients (id, client_id, secret_hash, account_id, certificate_id, \
         name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &a.id,
            &a.client_id,
            &a.secret_hash,
            &a.account_id,
            &a.certificate_id,
            &a.name,
            &a.created_at,
        ],
    )
    .await?;
    Ok(())
}

/// The machine credential with the public id `client_id`, disabled or not.
pub async fn by_client_id(
    c: &impl GenericClient,
    client_id: &str,
) -> Result<Option<AgentRow>, StoreError> {
    let q = format!("SELECT {COLUMNS} FROM agent_clients WHERE client_id = $1");
    Ok(c.query_opt(&q, &[&client_id]).await?.as_ref().map(row))
}

/// The enabled machine credential `id`.
pub async fn enabled(c: &impl GenericClient, id: Uuid) -> Result<Option<AgentRow>, StoreError> {
    let q = format!("SELECT {COLUMNS} FROM agent_clients WHERE id = $1 AND disabled_at IS NULL");
    Ok(c.query_opt(&q, &[&id]).await?.as_ref().map(row))
}

/// The account's machine credentials, newest first.
pub async fn of_account(
    c: &impl GenericClient,
    account: Uuid,
) -> Result<Vec<AgentRow>, StoreError> {
    let q = format!(
        "SELECT {COLUMNS} FROM agent_clients WHERE account_id = $1 ORDER BY created_at DESC, id"
    );
    Ok(c.query(&q, &[&account]).await?.iter().map(row).collect())
}

/// Record that the credential was exchanged for a token at `at`.
pub async fn used(c: &impl GenericClient, id: Uuid, at: DateTime<Utc>) -> Result<(), StoreError> {
    c.execute(
        "UPDATE agent_clients SET last_used_at = $2 WHERE id = $1",
        &[&id, &at],
    )
    .await?;
    Ok(())
}

/// Disable the account's credential `id` and end the sessions it opened; false when the
/// account has no such enabled credential.
pub async fn disable(
    c: &impl GenericClient,
    account: Uuid,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = c
        .execute(
            "UPDATE agent_clients SET disabled_at = $3 \
             WHERE id = $1 AND account_id = $2 AND disabled_at IS NULL",
            &[&id, &account, &at],
        )
        .await?;
    if n == 0 {
        return Ok(false);
    }
    c.execute(
        "UPDATE sessions SET revoked_at = $2, revoke_reason = 'agent_disabled' \
         WHERE agent = $1 AND revoked_at IS NULL",
        &[&id, &at],
    )
    .await?;
    Ok(true)
}
