//! What people see of their address book.

use crate::store::contacts::ContactRow;
use crate::store::counterparties::CounterpartyRow;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A contact in the caller's address book.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactView {
    /// Its id.
    pub id: Uuid,
    /// Email address.
    pub email: String,
    /// The name given.
    pub name: String,
    /// Organisation.
    pub organisation: Option<String>,
    /// When added.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<&ContactRow> for ContactView {
    fn from(k: &ContactRow) -> Self {
        Self {
            id: k.id,
            email: k.email.clone(),
            name: k.name.clone(),
            organisation: k.organisation.clone(),
            created_at: k.created_at,
            updated_at: k.updated_at,
        }
    }
}

/// The other side of a relationship, as the caller sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OtherSide {
    /// Their email.
    pub email: String,
    /// Their name, once they have an account.
    pub name: Option<String>,
}

/// A counterparty relationship the caller is a side of.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CounterpartyView {
    /// Its id.
    pub id: Uuid,
    /// `outgoing` (the caller invited) or `incoming` (the caller was invited).
    pub direction: &'static str,
    /// `invited`, `accepted`, `declined` or `ended`.
    pub status: String,
    /// The other side.
    pub counterparty: OtherSide,
    /// The inviter's note.
    pub note: Option<String>,
    /// When invited.
    pub created_at: DateTime<Utc>,
    /// When accepted or declined.
    pub answered_at: Option<DateTime<Utc>>,
    /// When ended.
    pub ended_at: Option<DateTime<Utc>>,
}

impl CounterpartyView {
    /// The row as `me` sees it.
    pub fn of(r: &CounterpartyRow, me: Uuid) -> Self {
        let outgoing = r.inviter_id == me;
        Self {
            id: r.id,
            direction: if outgoing { "outgoing" } else { "incoming" },
            status: r.status.clone(),
            counterparty: if outgoing {
                OtherSide {
                    email: r.invitee_email.clone(),
                    name: r.invitee_name.clone(),
                }
            } else {
                OtherSide {
                    email: r.inviter_email.clone(),
                    name: Some(r.inviter_name.clone()),
                }
            },
            note: r.note.clone(),
            created_at: r.created_at,
            answered_at: r.answered_at,
            ended_at: r.ended_at,
        }
    }
}

/// The caller's exchange settings.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExchangeSettings {
    /// Sendings are accepted only from accepted counterparties.
    pub accept_only_counterparties: bool,
}

/// A person in a sending: their email and, once they have an account, their name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Party {
    /// Email address.
    pub email: String,
    /// Name, when registered.
    pub name: Option<String>,
}

/// One attachment of a sending and what its verification found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SendingFileView {
    /// Its place in the sending, from 0 (names it in the file and signature links).
    pub position: i32,
    /// The sender's document (shown to the sender only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_id: Option<Uuid>,
    /// The sender's signature made here, if one was chosen (shown to the sender only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_id: Option<Uuid>,
    /// File name.
    pub name: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// Whether a signature goes with it (always, once sent).
    pub signed: bool,
    /// SHA-256 of the signature, hex, once sent.
    pub signature_sha256: Option<String>,
    /// The signer's certificate subject, once sent.
    pub signer: Option<String>,
    /// `passed` once sent.
    pub verdict: Option<String>,
    /// When the service verified the signature.
    pub verified_at: Option<DateTime<Utc>>,
}

/// One addressee and how far delivery went.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecipientView {
    /// Its id.
    pub id: Uuid,
    /// Email and name.
    pub party: Party,
    /// When the email with the link was queued.
    pub notified_at: Option<DateTime<Utc>>,
    /// When the link stops working.
    pub link_expires_at: Option<DateTime<Utc>>,
    /// When the recipient opened the link (the copy went to their Received folder).
    pub delivered_at: Option<DateTime<Utc>>,
    /// When the recipient verified the signatures.
    pub verified_at: Option<DateTime<Utc>>,
    /// When the recipient signed the receipt.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// The subject of the certificate that signed the receipt.
    pub receipt_signer: Option<String>,
    /// When the recipient rejected the sending.
    pub rejected_at: Option<DateTime<Utc>>,
    /// Why.
    pub rejection_reason: Option<String>,
}

/// A sending as the caller may see it: the sender sees every recipient, a recipient only
/// themself.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SendingView {
    /// Its id.
    pub id: Uuid,
    /// `draft` or `sent`.
    pub state: String,
    /// The caller's part: `sender` or `recipient`.
    pub role: &'static str,
    /// Who sends it.
    pub sender: Party,
    /// Subject.
    pub subject: String,
    /// The accompanying text.
    pub text: String,
    /// When made.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// When sent.
    pub sent_at: Option<DateTime<Utc>>,
    /// For a recipient: whether they marked it read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read: Option<bool>,
    /// The attachments.
    pub files: Vec<SendingFileView>,
    /// The recipients the caller may see.
    pub recipients: Vec<RecipientView>,
}

/// A sending in a folder list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SendingSummary {
    /// Its id.
    pub id: Uuid,
    /// `draft` or `sent`.
    pub state: String,
    /// Subject.
    pub subject: String,
    /// The sender's email.
    pub sender: String,
    /// When sent.
    pub sent_at: Option<DateTime<Utc>>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// Received folder: when it reached the caller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<DateTime<Utc>>,
    /// Received folder: whether the caller marked it read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read: Option<bool>,
}
