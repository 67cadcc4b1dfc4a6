//! SQL of points of issue, partner organisations and their API clients.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// Whether the point of issue exists.
pub async fn point_exists(c: &impl GenericClient, id: Uuid) -> Result<bool, StoreError> {
    Ok(
        c.query_opt("SELECT 1 FROM points_of_issue WHERE id = $1", &[&id])
            .await?
            .is_some(),
    )
}

/// The point of issue named `name`.
pub async fn point_by_name(c: &impl GenericClient, name: &str) -> Result<Option<Uuid>, StoreError> {
    Ok(
        c.query_opt("SELECT id FROM points_of_issue WHERE name = $1", &[&name])
            .await?
            .map(|r| r.get(0)),
    )
}

/// Every point of issue as (id, name, region, address), by region and name.
pub async fn points(
    c: &impl GenericClient,
) -> Result<Vec<(Uuid, String, String, String)>, StoreError> {
    Ok(c.query(
        "SELECT id, name, region, address FROM points_of_issue ORDER BY region, name",
        &[],
    )
    .await?
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
    .collect())
}

/// Whether the partner exists.
pub async fn partner_exists(c: &impl GenericClient, id: Uuid) -> Result<bool, StoreError> {
    Ok(c.query_opt("SELECT 1 FROM partners WHERE id = $1", &[&id])
        .await?
        .is_some())
}

/// Store a point of issue; false when the name is taken.
pub async fn insert_point(
    tx: &impl GenericClient,
    id: Uuid,
    name: &str,
    region: &str,
    address: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            "INSERT INTO points_of_issue (id, name, region, address, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING",
            &[&id, &name, &region, &address, &at],
        )
        .await?
        == 1)
}

/// Store a partner; false when the name is taken.
pub async fn insert_partner(
    tx: &impl GenericClient,
    id: Uuid,
    name: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            "INSERT INTO partners (id, name, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
            &[&id, &name, &at],
        )
        .await?
        == 1)
}

/// An API client as stored.
#[derive(Debug, Clone)]
pub struct ClientRow {
    /// Id.
    pub id: Uuid,
    /// The public client id.
    pub client_id: String,
    /// Its organisation.
    pub partner: Uuid,
    /// Name.
    pub name: String,
    /// SHA-256 of the secret.
    pub secret_hash: Vec<u8>,
    /// SHA-256 of the secret before the last rotation.
    pub previous_secret_hash: Option<Vec<u8>>,
    /// Until when the previous secret works.
    pub previous_until: Option<DateTime<Utc>>,
    /// Scopes it may be granted.
    pub scopes: Vec<String>,
    /// Requests per minute allowed.
    pub requests_per_minute: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Disabled.
    pub disabled_at: Option<DateTime<Utc>>,
}

const CLIENT_COLUMNS: &str = "id, client_id, partner, name, secret_hash, previous_secret_hash, \
    previous_until, scopes, requests_per_minute, created_at, disabled_at";

fn client_row(r: &tokio_postgres::Row) -> ClientRow {
    ClientRow {
        id: r.get(0),
        client_id: r.get(1),
        partner: r.get(2),
        name: r.get(3),
        secret_hash: r.get(4),
        previous_secret_hash: r.get(5),
        previous_until: r.get(6),
        scopes: r.get(7),
        requests_per_minute: r.get(8),
        created_at: r.get(9),
        disabled_at: r.get(10),
    }
}

/// Store an API client.
pub async fn insert_client(tx: &impl GenericClient, c: &ClientRow) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO api_clients (id, client_id, partner, name, secret_hash, scopes, \
         requests_per_minute, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            &c.id,
            &c.client_id,
            &c.partner,
            &c.name,
            &c.secret_hash,
            &c.scopes,
            &c.requests_per_minute,
            &c.created_at,
        ],
    )
    .await?;
    Ok(())
}

/// The API client with this public id.
pub async fn client_by_client_id(
    c: &impl GenericClient,
    client_id: &str,
) -> Result<Option<ClientRow>, StoreError> {
    let r = c
        .query_opt(
            &format!("SELECT {CLIENT_COLUMNS} FROM api_clients WHERE client_id = $1"),
            &[&client_id],
        )
        .await?;
    Ok(r.as_ref().map(client_row))
}

/// The API client `id`.
pub async fn client(c: &impl GenericClient, id: Uuid) -> Result<Option<ClientRow>, StoreError> {
    let r = c
        .query_opt(
            &format!("SELECT {CLIENT_COLUMNS} FROM api_clients WHERE id = $1"),
            &[&id],
        )
        .await?;
    Ok(r.as_ref().map(client_row))
}

/// Every API client, grouped by partner, newest first within one.
pub async fn clients(c: &impl GenericClient) -> Result<Vec<ClientRow>, StoreError> {
    let rows = c
        .query(
            &format!(
                "SELECT {CLIENT_COLUMNS} FROM api_clients \
                 ORDER BY (SELECT name FROM partners WHERE partners.id = partner), \
                 created_at DESC"
            ),
            &[],
        )
        .await?;
    Ok(rows.iter().map(client_row).collect())
}

/// Disable client `id` at `at`; false when it was disabled already.
pub async fn disable_client(
    tx: &impl GenericClient,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            "UPDATE api_clients SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL",
            &[&id, &at],
        )
        .await?
        == 1)
}

/// Replace the secret, keeping the old one valid until `previous_until`.
pub async fn rotate_secret(
    tx: &impl GenericClient,
    id: Uuid,
    new_hash: &[u8],
    previous_until: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            "UPDATE api_clients SET previous_secret_hash = secret_hash, secret_hash = $2, \
             previous_until = $3 WHERE id = $1 AND disabled_at IS NULL",
            &[&id, &new_hash, &previous_until],
        )
        .await?
        == 1)
}

/// Accounts of a partner's agents: (id, surname, given name, email).
pub async fn agents(
    c: &impl GenericClient,
    partner: Uuid,
) -> Result<Vec<(Uuid, String, String, String)>, StoreError> {
    let rows = c
        .query(
            "SELECT id, surname, given_name, email FROM accounts \
             WHERE partner = $1 AND role = 'partner_agent' ORDER BY surname, given_name",
            &[&partner],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect())
}

/// Count one request of `client` in `minute` (minutes since the epoch) and forget minutes
/// long past; returns the requests counted in this minute so far.
pub async fn count_request(
    c: &impl GenericClient,
    client: Uuid,
    minute: i64,
) -> Result<i32, StoreError> {
    let r = c
        .query_one(
            "WITH gone AS (DELETE FROM api_client_usage WHERE client = $1 AND minute < $2::bigint - 5) \
             INSERT INTO api_client_usage (client, minute, requests) VALUES ($1, $2, 1) \
             ON CONFLICT (client, minute) DO UPDATE \
             SET requests = api_client_usage.requests + 1 RETURNING requests",
            &[&client, &minute],
        )
        .await?;
    Ok(r.get(0))
}

/// Every partner organisation by name: (id, name).
pub async fn partners(c: &impl GenericClient) -> Result<Vec<(Uuid, String)>, StoreError> {
    Ok(c.query("SELECT id, name FROM partners ORDER BY name", &[])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}
