//! SQL of counterparty relationships: one holder invites an email, whoever holds that email
//! answers; either side may end it. A row is visible to its two sides only.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// A relationship as stored, with both sides' names for display.
#[derive(Debug, Clone)]
pub struct CounterpartyRow {
    /// Its id.
    pub id: Uuid,
    /// Who invited.
    pub inviter_id: Uuid,
    /// The inviter's name, "Given Surname".
    pub inviter_name: String,
    /// The inviter's email.
    pub inviter_email: String,
    /// The email invited.
    pub invitee_email: String,
    /// The invitee's account once known (registered at the invitation or when answering).
    pub invitee_id: Option<Uuid>,
    /// Their name, when registered.
    pub invitee_name: Option<String>,
    /// `invited`, `accepted`, `declined` or `ended`.
    pub status: String,
    /// The inviter's note to the invitee.
    pub note: Option<String>,
    /// When invited.
    pub created_at: DateTime<Utc>,
    /// When accepted or declined.
    pub answered_at: Option<DateTime<Utc>>,
    /// When ended.
    pub ended_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "SELECT c.id, c.inviter_id, i.given_name || ' ' || i.surname, i.email, \
     c.invitee_email, coalesce(c.invitee_id, e.id), e.given_name || ' ' || e.surname, c.status, \
     c.note, c.created_at, c.answered_at, c.ended_at \
     FROM counterparties c JOIN accounts i ON i.id = c.inviter_id \
     LEFT JOIN accounts e ON e.id = c.invitee_id \
        OR (c.invitee_id IS NULL AND lower(e.email) = lower(c.invitee_email))";

/// Rows `me` (with email `my_email`) is a side of.
const MINE: &str = "(c.inviter_id = $1 OR c.invitee_id = $1 \
     OR (c.invitee_id IS NULL AND lower(c.invitee_email) = lower($2)))";

fn row(r: &tokio_postgres::Row) -> CounterpartyRow {
    CounterpartyRow {
        id: r.get(0),
        inviter_id: r.get(1),
        inviter_name: r.get(2),
        inviter_email: r.get(3),
        invitee_email: r.get(4),
        invitee_id: r.get(5),
        invitee_name: r.get(6),
        status: r.get(7),
        note: r.get(8),
        created_at: r.get(9),
        answered_at: r.get(10),
        ended_at: r.get(11),
    }
}

/// A new invitation.
pub struct NewInvitation<'a> {
    /// Its id.
    pub id: Uuid,
    /// Who invites.
    pub inviter: Uuid,
    /// The email invited.
    pub email: &'a str,
    /// The invitee's account, when the email is registered.
    pub invitee: Option<Uuid>,
    /// A note to the invitee.
    pub note: Option<&'a str>,
    /// When.
    pub at: DateTime<Utc>,
}

/// Record an invitation; false when the inviter already has a live one (invited or accepted)
/// with this email.
pub async fn insert(c: &impl GenericClient, n: &NewInvitation<'_>) -> Result<bool, StoreError> {
    let count = c
        .execute(
            "INSERT INTO counterparties (id, inviter_id, invitee_email, invitee_id, status, note, \
             created_at) VALUES ($1, $2, $3, $4, 'invited', $5, $6) \
             ON CONFLICT (inviter_id, lower(invitee_email)) \
             WHERE status IN ('invited', 'accepted') DO NOTHING",
            &[&n.id, &n.inviter, &n.email, &n.invitee, &n.note, &n.at],
        )
        .await?;
    Ok(count == 1)
}

/// The live relationship `other_email` already started with `me` (whose email is `my_email`),
/// if any: inviting back would make a second one.
pub async fn live_from(
    c: &impl GenericClient,
    other_email: &str,
    me: Uuid,
    my_email: &str,
) -> Result<Option<CounterpartyRow>, StoreError> {
    Ok(c.query_opt(
        &format!(
            "{SELECT} WHERE lower(i.email) = lower($3) AND c.status IN ('invited', 'accepted') \
                 AND {MINE}"
        ),
        &[&me, &my_email, &other_email],
    )
    .await?
    .as_ref()
    .map(row))
}

/// Invitations `inviter` made since `since` (the daily limit).
pub async fn invited_since(
    c: &impl GenericClient,
    inviter: Uuid,
    since: DateTime<Utc>,
) -> Result<i64, StoreError> {
    Ok(c.query_one(
        "SELECT count(*) FROM counterparties WHERE inviter_id = $1 AND created_at >= $2",
        &[&inviter, &since],
    )
    .await?
    .get(0))
}

/// The relationships `me` is a side of, newest first.
pub async fn list(
    c: &impl GenericClient,
    me: Uuid,
    my_email: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<CounterpartyRow>, StoreError> {
    Ok(c.query(
        &format!("{SELECT} WHERE {MINE} ORDER BY c.created_at DESC, c.id LIMIT $3 OFFSET $4"),
        &[&me, &my_email, &limit, &offset],
    )
    .await?
    .iter()
    .map(row)
    .collect())
}

/// One relationship `me` is a side of; `lock` it for an answer or an end.
pub async fn get(
    c: &impl GenericClient,
    id: Uuid,
    me: Uuid,
    my_email: &str,
    lock: bool,
) -> Result<Option<CounterpartyRow>, StoreError> {
    let lock = if lock { " FOR UPDATE OF c" } else { "" };
    Ok(c.query_opt(
        &format!("{SELECT} WHERE c.id = $3 AND {MINE}{lock}"),
        &[&me, &my_email, &id],
    )
    .await?
    .as_ref()
    .map(row))
}

/// The invitee's answer: `accepted` or `declined`.
pub async fn answer(
    c: &impl GenericClient,
    id: Uuid,
    invitee: Uuid,
    status: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE counterparties SET status = $3, invitee_id = $2, answered_at = $4 WHERE id = $1",
        &[&id, &invitee, &status, &at],
    )
    .await?;
    Ok(())
}

/// End a relationship (either side).
pub async fn end(c: &impl GenericClient, id: Uuid, at: DateTime<Utc>) -> Result<(), StoreError> {
    c.execute(
        "UPDATE counterparties SET status = 'ended', ended_at = $2 WHERE id = $1",
        &[&id, &at],
    )
    .await?;
    Ok(())
}

/// True when `a` and `b` have an accepted relationship, whoever invited.
pub async fn accepted_between(
    c: &impl GenericClient,
    a: Uuid,
    b: Uuid,
) -> Result<bool, StoreError> {
    Ok(c.query_opt(
        "SELECT 1 FROM counterparties WHERE status = 'accepted' \
             AND ((inviter_id = $1 AND invitee_id = $2) OR (inviter_id = $2 AND invitee_id = $1))",
        &[&a, &b],
    )
    .await?
    .is_some())
}
