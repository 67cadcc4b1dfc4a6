//! SQL of the address book's contacts: rows owned by one holder, found only with the owner.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// A contact as stored.
#[derive(Debug, Clone)]
pub struct ContactRow {
    /// Its id.
    pub id: Uuid,
    /// The holder whose address book it is in.
    pub owner_id: Uuid,
    /// The contact's email (as typed; compared without case).
    pub email: String,
    /// The name the owner gave.
    pub name: String,
    /// Their organisation, if given.
    pub organisation: Option<String>,
    /// When added.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, owner_id, email, name, organisation, created_at, updated_at";

fn row(r: &tokio_postgres::Row) -> ContactRow {
    ContactRow {
        id: r.get(0),
        owner_id: r.get(1),
        email: r.get(2),
        name: r.get(3),
        organisation: r.get(4),
        created_at: r.get(5),
        updated_at: r.get(6),
    }
}

/// Add a contact; false when the owner already has one with this email.
pub async fn insert(c: &impl GenericClient, k: &ContactRow) -> Result<bool, StoreError> {
    let n = c
        .execute(
            "INSERT INTO contacts (id, owner_id, email, name, organisation, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (owner_id, lower(email)) DO NOTHING",
            &[
                &k.id,
                &k.owner_id,
                &k.email,
                &k.name,
                &k.organisation,
                &k.created_at,
                &k.updated_at,
            ],
        )
        .await?;
    Ok(n == 1)
}

/// The owner's contacts by name, a page at a time.
pub async fn list(
    c: &impl GenericClient,
    owner: Uuid,
    limit: i64,
    offset: i64,
) -> Result<Vec<ContactRow>, StoreError> {
    Ok(c.query(
        &format!(
            "SELECT {COLUMNS} FROM contacts WHERE owner_id = $1 \
                 ORDER BY lower(name), lower(email) LIMIT $2 OFFSET $3"
        ),
        &[&owner, &limit, &offset],
    )
    .await?
    .iter()
    .map(row)
    .collect())
}

/// One of the owner's contacts.
pub async fn get(
    c: &impl GenericClient,
    id: Uuid,
    owner: Uuid,
) -> Result<Option<ContactRow>, StoreError> {
    Ok(c.query_opt(
        &format!("SELECT {COLUMNS} FROM contacts WHERE id = $1 AND owner_id = $2"),
        &[&id, &owner],
    )
    .await?
    .as_ref()
    .map(row))
}

/// Rewrite the owner's contact `k.id`: `None` when there is none, `Some(false)` when another
/// of their contacts already has the new email.
pub async fn update(c: &impl GenericClient, k: &ContactRow) -> Result<Option<bool>, StoreError> {
    let clash = c
        .query_opt(
            "SELECT 1 FROM contacts WHERE owner_id = $1 AND lower(email) = lower($2) AND id <> $3",
            &[&k.owner_id, &k.email, &k.id],
        )
        .await?;
    if clash.is_some() {
        return Ok(Some(false));
    }
    let n = c
        .execute(
            "UPDATE contacts SET email = $3, name = $4, organisation = $5, updated_at = $6 \
             WHERE id = $1 AND owner_id = $2",
            &[
                &k.id,
                &k.owner_id,
                &k.email,
                &k.name,
                &k.organisation,
                &k.updated_at,
            ],
        )
        .await?;
    Ok((n == 1).then_some(true))
}

/// Remove the owner's contact; false when there was none.
pub async fn delete(c: &impl GenericClient, id: Uuid, owner: Uuid) -> Result<bool, StoreError> {
    let n = c
        .execute(
            "DELETE FROM contacts WHERE id = $1 AND owner_id = $2",
            &[&id, &owner],
        )
        .await?;
    Ok(n == 1)
}
