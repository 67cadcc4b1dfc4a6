//! SQL of the notification outbox.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// A notification as stored.
#[derive(Debug, Clone)]
pub struct NotificationRow {
    /// Id.
    pub id: Uuid,
    /// `sms` or `email`.
    pub channel: String,
    /// Phone number or address.
    pub recipient: String,
    /// Email subject.
    pub subject: Option<String>,
    /// Text.
    pub body: String,
    /// Why it was sent (`phone.verify`, `certificate.marker`).
    pub purpose: String,
    /// Queued at.
    pub created_at: DateTime<Utc>,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    /// Attempts so far.
    pub attempts: i32,
    /// Provider that took it.
    pub provider: Option<String>,
    /// When it was handed over.
    pub sent_at: Option<DateTime<Utc>>,
    /// Last error, for support.
    pub last_error: Option<String>,
}

const COLUMNS: &str = "id, channel, recipient, subject, body, purpose, created_at, status, attempts, provider, sent_at, last_error";

fn from_row(r: &tokio_postgres::Row) -> NotificationRow {
    NotificationRow {
        id: r.get(0),
        channel: r.get(1),
        recipient: r.get(2),
        subject: r.get(3),
        body: r.get(4),
        purpose: r.get(5),
        created_at: r.get(6),
        status: r.get(7),
        attempts: r.get(8),
        provider: r.get(9),
        sent_at: r.get(10),
        last_error: r.get(11),
    }
}

/// Queue a notification in the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    tx: &super::Transaction<'_>,
    id: Uuid,
    channel: &str,
    recipient: &str,
    subject: Option<&str>,
    body: &str,
    purpose: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO notifications (id, channel, recipient, subject, body, purpose, created_at, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        &[&id, &channel, &recipient, &subject, &body, &purpose, &now],
    )
    .await?;
    Ok(())
}

/// Lease up to `limit` due notifications until `lease_until` and count the attempt. The lease
/// is committed before delivery, so no transaction stays open while a provider is called;
/// a process that dies mid-delivery leaves the lease to expire and the message is retried.
pub async fn claim_due(
    c: &impl GenericClient,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<NotificationRow>, StoreError> {
    let sql = format!(
        "UPDATE notifications SET lease_until = $2, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM notifications WHERE status = 'pending' AND next_attempt_at <= $1 \
                      AND (lease_until IS NULL OR lease_until <= $1) \
                      ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) \
         RETURNING {COLUMNS}"
    );
    Ok(c.query(&sql, &[&now, &lease_until, &limit])
        .await?
        .iter()
        .map(from_row)
        .collect())
}

/// Record one attempt and its effect on the notification.
#[allow(clippy::too_many_arguments)]
pub async fn record_attempt(
    tx: &super::Transaction<'_>,
    id: Uuid,
    attempt: i32,
    at: DateTime<Utc>,
    provider: &str,
    outcome: &str,
    detail: Option<&str>,
    next: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO notification_attempts (notification_id, attempt, at, provider, outcome, detail) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        &[&id, &attempt, &at, &provider, &outcome, &detail],
    )
    .await?;
    let (status, sent_at, next_at) = match (outcome, next) {
        ("sent", _) => ("sent", Some(at), at),
        (_, Some(next)) => ("pending", None, next),
        (_, None) => ("failed", None, at),
    };
    tx.execute(
        "UPDATE notifications SET status = $2, sent_at = $3, next_attempt_at = $4, lease_until = NULL, \
         provider = $5, provider_ref = CASE WHEN $2 = 'sent' THEN $6 ELSE provider_ref END, \
         last_error = CASE WHEN $2 = 'sent' THEN NULL ELSE $6 END WHERE id = $1",
        &[&id, &status, &sent_at, &next_at, &provider, &detail],
    )
    .await?;
    Ok(())
}

/// The newest notifications, optionally to one recipient.
pub async fn list(
    c: &impl GenericClient,
    recipient: Option<&str>,
    limit: i64,
) -> Result<Vec<NotificationRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM notifications WHERE ($1::text IS NULL OR recipient = $1) \
         ORDER BY created_at DESC, id LIMIT $2"
    );
    Ok(c.query(&sql, &[&recipient, &limit])
        .await?
        .iter()
        .map(from_row)
        .collect())
}

/// One notification.
pub async fn get(c: &impl GenericClient, id: Uuid) -> Result<Option<NotificationRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM notifications WHERE id = $1");
    Ok(c.query_opt(&sql, &[&id]).await?.as_ref().map(from_row))
}

/// The attempts made for one notification: (attempt, provider, outcome, detail).
pub async fn attempts(
    c: &impl GenericClient,
    id: Uuid,
) -> Result<Vec<(i32, String, String, Option<String>)>, StoreError> {
    Ok(c.query(
        "SELECT attempt, provider, outcome, detail FROM notification_attempts \
             WHERE notification_id = $1 ORDER BY attempt",
        &[&id],
    )
    .await?
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
    .collect())
}
