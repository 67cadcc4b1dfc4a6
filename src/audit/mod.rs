//! The tamper-evident audit trail (DESIGN §5).
//!
//! An act appends its entry with [`record`] inside the act's own transaction, so there is no
//! act without its entry and no entry without its act. Linking entries into the hash chain
//! happens shortly after commit in the [`sealer`], which takes committed entries in a fixed
//! order; a global lock across every act's commit would cap the service at one commit at a
//! time. Checkpoints signed by the HSM seal key anchor the chain; [`export`] writes it out and
//! [`verify`] checks an export offline.

pub mod canonical;
pub mod export;
pub mod sealer;
pub mod trail;
pub mod verify;

use crate::store::{self, StoreError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Who did it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// The service itself (schedulers, workers, CLI maintenance).
    System,
    /// Someone not signed in.
    Anonymous,
    /// A subscriber.
    Subscriber,
    /// An operator, auditor or admin.
    Staff,
    /// A partner agent or partner API client.
    Partner,
    /// A folder agent acting with its machine credential (the id is the credential's).
    Agent,
}

impl ActorKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::System => "system",
            ActorKind::Anonymous => "anonymous",
            ActorKind::Subscriber => "subscriber",
            ActorKind::Staff => "staff",
            ActorKind::Partner => "partner",
            ActorKind::Agent => "agent",
        }
    }

    /// From the stored spelling (an auditor's filter names it so).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "system" => ActorKind::System,
            "anonymous" => ActorKind::Anonymous,
            "subscriber" => ActorKind::Subscriber,
            "staff" => ActorKind::Staff,
            "partner" => ActorKind::Partner,
            "agent" => ActorKind::Agent,
            _ => return None,
        })
    }
}

/// How the act ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Done.
    Success,
    /// Attempted and failed (wrong PIN, bad signature).
    Failure,
    /// Refused by policy (lock, missing right).
    Denied,
}

impl Outcome {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }

    /// From the stored spelling (an auditor's filter names it so).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "success" => Outcome::Success,
            "failure" => Outcome::Failure,
            "denied" => Outcome::Denied,
            _ => return None,
        })
    }
}

/// One act, as a caller describes it. Details must never hold a secret (PIN, OTP, marker,
/// password, token) or document content: hashes and identifiers only.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    /// Who.
    pub actor_kind: ActorKind,
    /// Their id, when they have one.
    pub actor_id: Option<String>,
    /// What, as `area.verb` (`audit.export`, `auth.login`).
    pub action: String,
    /// On what: (type, id).
    pub object: Option<(String, String)>,
    /// How it ended.
    pub outcome: Outcome,
    /// The HTTP request it came from.
    pub request_id: Option<String>,
    /// The client address it came from.
    pub client_ip: Option<String>,
    /// Facts worth keeping (hashes, ids, reasons).
    pub details: serde_json::Value,
}

impl AuditEvent {
    /// An act by the service itself.
    pub fn system(action: impl Into<String>) -> Self {
        Self {
            actor_kind: ActorKind::System,
            actor_id: None,
            action: action.into(),
            object: None,
            outcome: Outcome::Success,
            request_id: None,
            client_ip: None,
            details: serde_json::Value::Object(Default::default()),
        }
    }

    /// Attach the object acted on.
    pub fn on(mut self, kind: impl Into<String>, id: impl Into<String>) -> Self {
        self.object = Some((kind.into(), id.into()));
        self
    }

    /// Attach details.
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

/// An entry exactly as hashed: the fields in this order, `details` in canonical JSON.
/// Changing this struct changes every hash: bump `v` and teach `verify` both versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditRecord {
    /// Format version of the canonical form.
    pub v: u32,
    /// Entry id.
    pub id: Uuid,
    /// When, to the microsecond, UTC.
    #[serde(with = "canonical::micros")]
    pub occurred_at: DateTime<Utc>,
    /// Who.
    pub actor_kind: ActorKind,
    /// Their id.
    pub actor_id: Option<String>,
    /// What.
    pub action: String,
    /// Type of the object acted on.
    pub object_type: Option<String>,
    /// Id of the object acted on.
    pub object_id: Option<String>,
    /// How it ended.
    pub outcome: Outcome,
    /// Originating request.
    pub request_id: Option<String>,
    /// Originating address.
    pub client_ip: Option<String>,
    /// Facts, canonical JSON.
    pub details: serde_json::Value,
}

/// The current canonical format version.
pub const RECORD_VERSION: u32 = 1;

impl AuditRecord {
    /// The bytes the chain hashes.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        canonical::record_bytes(self)
    }

    /// Rebuild from stored columns.
    pub(crate) fn from_stored(row: store::audit::EntryRow) -> Result<Self, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("audit entry {}: {what}", row.id));
        Ok(Self {
            v: RECORD_VERSION,
            id: row.id,
            occurred_at: row.occurred_at,
            actor_kind: ActorKind::parse(&row.actor_kind).ok_or_else(|| corrupt("actor_kind"))?,
            actor_id: row.actor_id,
            action: row.action,
            object_type: row.object_type,
            object_id: row.object_id,
            outcome: Outcome::parse(&row.outcome).ok_or_else(|| corrupt("outcome"))?,
            request_id: row.request_id,
            client_ip: row.client_ip,
            details: serde_json::from_str(&row.details).map_err(|_| corrupt("details"))?,
        })
    }
}

/// Why an audit operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// Database trouble.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// HSM trouble while signing a checkpoint.
    #[error(transparent)]
    Vault(#[from] crate::vault::VaultError),
    /// Writing an export failed.
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    /// Entries written before an export were not linked within the wait: a long transaction
    /// on the cluster, or a stalled sealer, holds linking back.
    #[error(
        "the export's own audit entry was not linked within {0} s: a long transaction on the \
         PostgreSQL cluster, or a sealer stalled inside its transaction, holds linking back; \
         try again when it has ended"
    )]
    Behind(u64),
}

impl From<tokio_postgres::Error> for AuditError {
    fn from(e: tokio_postgres::Error) -> Self {
        AuditError::Store(StoreError::Db(e))
    }
}

/// SHA-256 over the previous hash and the entry's canonical bytes.
pub fn link_hash(prev: &[u8; 32], record: &AuditRecord) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(prev);
    h.update(record.canonical_bytes());
    h.finalize().into()
}

/// Append `event` inside the caller's transaction; it is sealed into the chain after commit.
pub async fn record(
    tx: &store::Transaction<'_>,
    clock: &dyn crate::clock::Clock,
    event: AuditEvent,
) -> Result<Uuid, AuditError> {
    let (object_type, object_id) = match event.object {
        Some((t, i)) => (Some(t), Some(i)),
        None => (None, None),
    };
    let row = store::audit::NewEntry {
        id: Uuid::new_v4(),
        occurred_at: clock.now(),
        actor_kind: event.actor_kind.as_str(),
        actor_id: event.actor_id,
        action: event.action,
        object_type,
        object_id,
        outcome: event.outcome.as_str(),
        request_id: event.request_id,
        client_ip: event.client_ip,
        details: canonical::json_string(&event.details),
    };
    store::audit::insert_entry(tx, &row).await?;
    Ok(row.id)
}
