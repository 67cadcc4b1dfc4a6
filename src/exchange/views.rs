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
