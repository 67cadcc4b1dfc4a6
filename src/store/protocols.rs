//! SQL of saved verification protocols.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// A saved protocol.
#[derive(Debug, Clone)]
pub struct ProtocolRow {
    /// Its id (the protocol's own).
    pub id: Uuid,
    /// Who asked for the verification.
    pub owner_id: Uuid,
    /// `passed`, `failed` or `indeterminate`.
    pub verdict: String,
    /// The protocol as sealed (JSON).
    pub protocol: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

fn row(r: &tokio_postgres::Row) -> ProtocolRow {
    ProtocolRow {
        id: r.get(0),
        owner_id: r.get(1),
        verdict: r.get(2),
        protocol: r.get(3),
        created_at: r.get(4),
    }
}

/// Keep a protocol.
pub async fn insert(c: &impl GenericClient, p: &ProtocolRow) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO verification_protocols (id, owner_id, verdict, protocol, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
        &[&p.id, &p.owner_id, &p.verdict, &p.protocol, &p.created_at],
    )
    .await?;
    Ok(())
}

/// The owner's protocols, newest first.
pub async fn list_owned(
    c: &impl GenericClient,
    owner: Uuid,
    limit: i64,
    offset: i64,
) -> Result<Vec<ProtocolRow>, StoreError> {
    let rows = c
        .query(
            "SELECT id, owner_id, verdict, protocol, created_at FROM verification_protocols \
             WHERE owner_id = $1 ORDER BY created_at DESC, id LIMIT $2 OFFSET $3",
            &[&owner, &limit, &offset],
        )
        .await?;
    Ok(rows.iter().map(row).collect())
}

/// One of the owner's protocols (another person's is `None`).
pub async fn get_owned(
    c: &impl GenericClient,
    id: Uuid,
    owner: Uuid,
) -> Result<Option<ProtocolRow>, StoreError> {
    let r = c
        .query_opt(
            "SELECT id, owner_id, verdict, protocol, created_at FROM verification_protocols \
             WHERE id = $1 AND owner_id = $2",
            &[&id, &owner],
        )
        .await?;
    Ok(r.as_ref().map(row))
}
