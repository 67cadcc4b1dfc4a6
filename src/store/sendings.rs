//! SQL of sendings: the sending, its files (with what verification found) and its recipients
//! (with the link hash and every step of delivery).

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// A sending, draft or sent.
#[derive(Debug, Clone)]
pub struct SendingRow {
    /// Its id.
    pub id: Uuid,
    /// The account that sends it.
    pub sender_id: Uuid,
    /// `draft` or `sent`.
    pub state: String,
    /// Subject line.
    pub subject: String,
    /// The accompanying text.
    pub body: String,
    /// When made.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// When sent.
    pub sent_at: Option<DateTime<Utc>>,
    /// The sender's `Idempotency-Key`, if one was given.
    pub idempotency_key: Option<String>,
    /// SHA-256 of the request that key was first used with.
    pub request_sha256: Option<Vec<u8>>,
}

/// One attachment of a sending.
#[derive(Debug, Clone)]
pub struct FileRow {
    /// The sending.
    pub sending_id: Uuid,
    /// Order within the sending, from 0.
    pub position: i32,
    /// The sender's stored document.
    pub document_id: Uuid,
    /// File name.
    pub name: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the document.
    pub sha256: Vec<u8>,
    /// One of the sender's signatures made here, if chosen.
    pub signature_id: Option<Uuid>,
    /// The signature (a CMS file), once sent or when uploaded.
    pub signature: Option<Vec<u8>>,
    /// SHA-256 of the signature, once sent.
    pub signature_sha256: Option<Vec<u8>>,
    /// The signer's certificate (DER), once sent.
    pub signer_certificate: Option<Vec<u8>>,
    /// The signer's subject, once sent.
    pub signer_subject: Option<String>,
    /// The verification verdict, once sent.
    pub verdict: Option<String>,
    /// The verification report, once sent.
    pub report: Option<serde_json::Value>,
    /// When verified.
    pub verified_at: Option<DateTime<Utc>>,
}

/// One addressee of a sending and how far delivery went.
#[derive(Debug, Clone)]
pub struct RecipientRow {
    /// Its id.
    pub id: Uuid,
    /// The sending.
    pub sending_id: Uuid,
    /// Order within the sending, from 0.
    pub position: i32,
    /// Email address as the sender typed it (lower-cased).
    pub email: String,
    /// The account, once known.
    pub account_id: Option<Uuid>,
    /// SHA-256 of the emailed link's secret.
    pub link_sha256: Option<Vec<u8>>,
    /// When the link stops working.
    pub link_expires_at: Option<DateTime<Utc>>,
    /// The outbox entry of the email.
    pub notification_id: Option<Uuid>,
    /// When the email was queued.
    pub notified_at: Option<DateTime<Utc>>,
    /// When the recipient opened the link.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When the recipient marked it read.
    pub read_at: Option<DateTime<Utc>>,
    /// When the recipient verified it.
    pub verified_at: Option<DateTime<Utc>>,
    /// When the recipient signed the receipt.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// The receipt signature.
    pub receipt: Option<Vec<u8>>,
    /// The recipient's certificate that signed the receipt.
    pub receipt_certificate: Option<Vec<u8>>,
    /// When the recipient rejected it.
    pub rejected_at: Option<DateTime<Utc>>,
    /// Why.
    pub rejection_reason: Option<String>,
}

const SENDING: &str = "s.id, s.sender_id, s.state, s.subject, s.body, s.created_at, s.updated_at, \
                       s.sent_at, s.idempotency_key, s.request_sha256";

const FILE: &str = "sending_id, position, document_id, name, media_type, size, sha256, \
                    signature_id, signature, signature_sha256, signer_certificate, \
                    signer_subject, verdict, report, verified_at";

const RECIPIENT: &str = "r.id, r.sending_id, r.position, r.email, r.account_id, r.link_sha256, \
                         r.link_expires_at, r.notification_id, r.notified_at, r.delivered_at, \
                         r.read_at, r.verified_at, r.acknowledged_at, r.receipt, \
                         r.receipt_certificate, r.rejected_at, r.rejection_reason";

fn sending(r: &tokio_postgres::Row) -> SendingRow {
    SendingRow {
        id: r.get(0),
        sender_id: r.get(1),
        state: r.get(2),
        subject: r.get(3),
        body: r.get(4),
        created_at: r.get(5),
        updated_at: r.get(6),
        sent_at: r.get(7),
        idempotency_key: r.get(8),
        request_sha256: r.get(9),
    }
}

fn file(r: &tokio_postgres::Row) -> FileRow {
    FileRow {
        sending_id: r.get(0),
        position: r.get(1),
        document_id: r.get(2),
        name: r.get(3),
        media_type: r.get(4),
        size: r.get(5),
        sha256: r.get(6),
        signature_id: r.get(7),
        signature: r.get(8),
        signature_sha256: r.get(9),
        signer_certificate: r.get(10),
        signer_subject: r.get(11),
        verdict: r.get(12),
        report: r.get(13),
        verified_at: r.get(14),
    }
}

/// The recipient's columns start at `at` in the row.
fn recipient(r: &tokio_postgres::Row, at: usize) -> RecipientRow {
    RecipientRow {
        id: r.get(at),
        sending_id: r.get(at + 1),
        position: r.get(at + 2),
        email: r.get(at + 3),
        account_id: r.get(at + 4),
        link_sha256: r.get(at + 5),
        link_expires_at: r.get(at + 6),
        notification_id: r.get(at + 7),
        notified_at: r.get(at + 8),
        delivered_at: r.get(at + 9),
        read_at: r.get(at + 10),
        verified_at: r.get(at + 11),
        acknowledged_at: r.get(at + 12),
        receipt: r.get(at + 13),
        receipt_certificate: r.get(at + 14),
        rejected_at: r.get(at + 15),
        rejection_reason: r.get(at + 16),
    }
}

/// Store a new sending; false when the sender already used its idempotency key (nothing
/// stored).
pub async fn insert(tx: &super::Transaction<'_>, s: &SendingRow) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            "INSERT INTO sendings (id, sender_id, state, subject, body, created_at, updated_at, \
             sent_at, idempotency_key, request_sha256) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (sender_id, idempotency_key) WHERE idempotency_key IS NOT NULL \
             DO NOTHING",
            &[
                &s.id,
                &s.sender_id,
                &s.state,
                &s.subject,
                &s.body,
                &s.created_at,
                &s.updated_at,
                &s.sent_at,
                &s.idempotency_key,
                &s.request_sha256,
            ],
        )
        .await?
        == 1)
}

/// Change a draft's subject and text; false when there is no such draft of this sender.
pub async fn update_draft(tx: &super::Transaction<'_>, s: &SendingRow) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            "UPDATE sendings SET subject = $3, body = $4, updated_at = $5 \
             WHERE id = $1 AND sender_id = $2 AND state = 'draft'",
            &[&s.id, &s.sender_id, &s.subject, &s.body, &s.updated_at],
        )
        .await?
        == 1)
}

/// Turn a draft into a sent sending; false when it is no longer a draft, or the sender already
/// used the idempotency key on another sending (the transaction is then spoilt: roll it back).
pub async fn mark_sent(
    tx: &super::Transaction<'_>,
    id: Uuid,
    at: DateTime<Utc>,
    idempotency: Option<(&str, &[u8])>,
) -> Result<bool, StoreError> {
    let (key, hash) = idempotency.unzip();
    let changed = tx
        .execute(
            "UPDATE sendings SET state = 'sent', sent_at = $2, updated_at = $2, \
             idempotency_key = $3, request_sha256 = $4 WHERE id = $1 AND state = 'draft'",
            &[&id, &at, &key, &hash],
        )
        .await;
    match changed {
        Ok(n) => Ok(n == 1),
        Err(e) if e.as_db_error().and_then(|d| d.constraint()) == Some("sendings_idempotency") => {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// Delete a draft with its files and recipients; false when there is no such draft.
pub async fn delete_draft(
    tx: &super::Transaction<'_>,
    id: Uuid,
    sender: Uuid,
) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            "DELETE FROM sendings WHERE id = $1 AND sender_id = $2 AND state = 'draft'",
            &[&id, &sender],
        )
        .await?
        == 1)
}

/// Replace a sending's files.
pub async fn put_files(
    tx: &super::Transaction<'_>,
    sending: Uuid,
    files: &[FileRow],
) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM sending_files WHERE sending_id = $1",
        &[&sending],
    )
    .await?;
    for f in files {
        tx.execute(
            &format!(
                "INSERT INTO sending_files ({FILE}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
            ),
            &[
                &sending,
                &f.position,
                &f.document_id,
                &f.name,
                &f.media_type,
                &f.size,
                &f.sha256,
                &f.signature_id,
                &f.signature,
                &f.signature_sha256,
                &f.signer_certificate,
                &f.signer_subject,
                &f.verdict,
                &f.report,
                &f.verified_at,
            ],
        )
        .await?;
    }
    Ok(())
}

/// Replace a sending's recipients.
pub async fn put_recipients(
    tx: &super::Transaction<'_>,
    sending: Uuid,
    recipients: &[RecipientRow],
) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM sending_recipients WHERE sending_id = $1",
        &[&sending],
    )
    .await?;
    for r in recipients {
        tx.execute(
            "INSERT INTO sending_recipients (id, sending_id, position, email, account_id, \
             link_sha256, link_expires_at, notification_id, notified_at, delivered_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &[
                &r.id,
                &sending,
                &r.position,
                &r.email,
                &r.account_id,
                &r.link_sha256,
                &r.link_expires_at,
                &r.notification_id,
                &r.notified_at,
                &r.delivered_at,
            ],
        )
        .await?;
    }
    Ok(())
}

/// A sending by id, whoever it belongs to (callers decide who may see it).
pub async fn get(
    c: &impl GenericClient,
    id: Uuid,
    lock: bool,
) -> Result<Option<SendingRow>, StoreError> {
    let lock = if lock { " FOR UPDATE" } else { "" };
    let r = c
        .query_opt(
            &format!("SELECT {SENDING} FROM sendings s WHERE s.id = $1{lock}"),
            &[&id],
        )
        .await?;
    Ok(r.as_ref().map(sending))
}

/// The sending a sender made with an idempotency key.
pub async fn by_idempotency_key(
    c: &impl GenericClient,
    sender: Uuid,
    key: &str,
) -> Result<Option<SendingRow>, StoreError> {
    let r = c
        .query_opt(
            &format!(
                "SELECT {SENDING} FROM sendings s \
                 WHERE s.sender_id = $1 AND s.idempotency_key = $2"
            ),
            &[&sender, &key],
        )
        .await?;
    Ok(r.as_ref().map(sending))
}

/// A sending's files in order.
pub async fn files(c: &impl GenericClient, sending: Uuid) -> Result<Vec<FileRow>, StoreError> {
    let rows = c
        .query(
            &format!("SELECT {FILE} FROM sending_files WHERE sending_id = $1 ORDER BY position"),
            &[&sending],
        )
        .await?;
    Ok(rows.iter().map(file).collect())
}

/// A sending's recipients in order.
pub async fn recipients(
    c: &impl GenericClient,
    sending: Uuid,
) -> Result<Vec<RecipientRow>, StoreError> {
    let rows = c
        .query(
            &format!(
                "SELECT {RECIPIENT} FROM sending_recipients r \
                 WHERE r.sending_id = $1 ORDER BY r.position"
            ),
            &[&sending],
        )
        .await?;
    Ok(rows.iter().map(|r| recipient(r, 0)).collect())
}

/// The sender's sendings in one state, most recently changed first.
pub async fn list_own(
    c: &impl GenericClient,
    sender: Uuid,
    state: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<SendingRow>, StoreError> {
    let rows = c
        .query(
            &format!(
                "SELECT {SENDING} FROM sendings s WHERE s.sender_id = $1 AND s.state = $2 \
                 ORDER BY s.updated_at DESC, s.id LIMIT $3 OFFSET $4"
            ),
            &[&sender, &state, &limit, &offset],
        )
        .await?;
    Ok(rows.iter().map(sending).collect())
}

/// What was delivered to an account, newest delivery first; only unread ones when asked.
pub async fn list_received(
    c: &impl GenericClient,
    account: Uuid,
    unread_only: bool,
    limit: i64,
    offset: i64,
) -> Result<Vec<(SendingRow, RecipientRow)>, StoreError> {
    let rows = c
        .query(
            &format!(
                "SELECT {SENDING}, {RECIPIENT} FROM sending_recipients r \
                 JOIN sendings s ON s.id = r.sending_id \
                 WHERE r.account_id = $1 AND r.delivered_at IS NOT NULL \
                 AND (NOT $2 OR r.read_at IS NULL) \
                 ORDER BY r.delivered_at DESC, r.id LIMIT $3 OFFSET $4"
            ),
            &[&account, &unread_only, &limit, &offset],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| (sending(r), recipient(r, 10)))
        .collect())
}

/// The recipient an emailed link was made for, locked.
pub async fn recipient_by_link(
    tx: &super::Transaction<'_>,
    link_sha256: &[u8],
) -> Result<Option<RecipientRow>, StoreError> {
    let r = tx
        .query_opt(
            &format!(
                "SELECT {RECIPIENT} FROM sending_recipients r \
                 WHERE r.link_sha256 = $1 FOR UPDATE"
            ),
            &[&link_sha256],
        )
        .await?;
    Ok(r.as_ref().map(|r| recipient(r, 0)))
}

/// The delivered recipient row of an account on a sending.
pub async fn delivered_to(
    c: &impl GenericClient,
    sending: Uuid,
    account: Uuid,
) -> Result<Option<RecipientRow>, StoreError> {
    let r = c
        .query_opt(
            &format!(
                "SELECT {RECIPIENT} FROM sending_recipients r WHERE r.sending_id = $1 \
                 AND r.account_id = $2 AND r.delivered_at IS NOT NULL"
            ),
            &[&sending, &account],
        )
        .await?;
    Ok(r.as_ref().map(|r| recipient(r, 0)))
}

/// Record that the recipient opened the link: their account and the delivery time.
pub async fn deliver(
    tx: &super::Transaction<'_>,
    recipient: Uuid,
    account: Uuid,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE sending_recipients SET account_id = $2, delivered_at = $3 WHERE id = $1",
        &[&recipient, &account, &at],
    )
    .await?;
    Ok(())
}

/// Mark read (a time) or unread (none).
pub async fn set_read(
    c: &impl GenericClient,
    recipient: Uuid,
    at: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE sending_recipients SET read_at = $2 WHERE id = $1",
        &[&recipient, &at],
    )
    .await?;
    Ok(())
}

/// A recipient row locked for an answer.
pub async fn recipient_for_update(
    tx: &super::Transaction<'_>,
    id: Uuid,
) -> Result<Option<RecipientRow>, StoreError> {
    let r = tx
        .query_opt(
            &format!("SELECT {RECIPIENT} FROM sending_recipients r WHERE r.id = $1 FOR UPDATE"),
            &[&id],
        )
        .await?;
    Ok(r.as_ref().map(|r| recipient(r, 0)))
}

/// Record when the recipient verified the signatures: the latest time before they answered
/// (verifying again after acknowledging or rejecting does not move it).
pub async fn set_verified(
    tx: &super::Transaction<'_>,
    recipient: Uuid,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE sending_recipients SET verified_at = $2 \
         WHERE id = $1 AND acknowledged_at IS NULL AND rejected_at IS NULL",
        &[&recipient, &at],
    )
    .await?;
    Ok(())
}

/// Record the recipient's signed receipt and the certificate that signed it.
pub async fn acknowledge(
    tx: &super::Transaction<'_>,
    recipient: Uuid,
    at: DateTime<Utc>,
    receipt: &[u8],
    certificate: &[u8],
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE sending_recipients SET acknowledged_at = $2, receipt = $3, \
         receipt_certificate = $4 WHERE id = $1",
        &[&recipient, &at, &receipt, &certificate],
    )
    .await?;
    Ok(())
}

/// Record the recipient's rejection and its reason.
pub async fn reject(
    tx: &super::Transaction<'_>,
    recipient: Uuid,
    at: DateTime<Utc>,
    reason: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE sending_recipients SET rejected_at = $2, rejection_reason = $3 WHERE id = $1",
        &[&recipient, &at, &reason],
    )
    .await?;
    Ok(())
}

/// When each recipient's email actually left the outbox: (recipient, sent time), in order.
pub async fn notifications_sent(
    c: &impl GenericClient,
    sending: Uuid,
) -> Result<Vec<(Uuid, Option<DateTime<Utc>>)>, StoreError> {
    let rows = c
        .query(
            "SELECT r.id, n.sent_at FROM sending_recipients r \
             LEFT JOIN notifications n ON n.id = r.notification_id \
             WHERE r.sending_id = $1 ORDER BY r.position",
            &[&sending],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Which sent sendings an export takes: sent within the period (either end open), and, when
/// an organisation's INN is given, those where a certificate issued for that organisation
/// signed an attachment or a receipt.
#[derive(Debug, Clone, Default)]
pub struct Selection<'a> {
    /// Sent at or after.
    pub from: Option<DateTime<Utc>>,
    /// Sent before.
    pub to: Option<DateTime<Utc>>,
    /// The organisation's INN.
    pub org_inn: Option<&'a str>,
    /// Only sendings this account sent or had delivered to it.
    pub party: Option<Uuid>,
}

/// The sent sendings a selection takes, oldest first, at most `limit`.
pub async fn selected(
    c: &impl GenericClient,
    pick: &Selection<'_>,
    limit: i64,
) -> Result<Vec<SendingRow>, StoreError> {
    let rows = c
        .query(
            &format!(
                "SELECT {SENDING} FROM sendings s WHERE s.state = 'sent' \
                 AND ($1::timestamptz IS NULL OR s.sent_at >= $1) \
                 AND ($2::timestamptz IS NULL OR s.sent_at < $2) \
                 AND ($3::text IS NULL OR EXISTS ( \
                     SELECT 1 FROM certificates c JOIN applications a ON a.id = c.application_id \
                     WHERE a.org_inn = $3 AND c.der IS NOT NULL AND ( \
                         c.der IN (SELECT f.signer_certificate FROM sending_files f \
                                   WHERE f.sending_id = s.id) \
                         OR c.der IN (SELECT r.receipt_certificate FROM sending_recipients r \
                                      WHERE r.sending_id = s.id)))) \
                 AND ($4::uuid IS NULL OR s.sender_id = $4 OR EXISTS ( \
                     SELECT 1 FROM sending_recipients r WHERE r.sending_id = s.id \
                     AND r.account_id = $4 AND r.delivered_at IS NOT NULL)) \
                 ORDER BY s.sent_at, s.id LIMIT $5"
            ),
            &[&pick.from, &pick.to, &pick.org_inn, &pick.party, &limit],
        )
        .await?;
    Ok(rows.iter().map(sending).collect())
}
