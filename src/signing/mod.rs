//! Signing keys in custody and the signature activation that unlocks them (DESIGN §3).
//!
//! A key is born in the HSM and stored sealed under its holder's PIN ([`Custody::create_key`]).
//! To sign, the holder authorises ([`Custody::authorise`]): the PIN is checked against an
//! attempt limit, the key is unwrapped once into an HSM session object, and the caller gets
//! signature activation data (SAD) bound to the key, the holder, a count of signatures, an
//! expiry and optionally the exact hashes (SCAL2). [`Custody::sign`] spends the count; when it
//! runs out, the authorisation expires or the server stops, the session object is destroyed.
//! The PIN is kept nowhere: for the SAD's life the key is sealed under a key derived from the
//! SAD, so any instance shown the SAD can re-open it, and the database keeps only its hash.
//!
//! The one-time code that joins the PIN as the second factor (TOTP or SMS) belongs to the
//! identity service and is checked by the API layer before it calls [`Custody::authorise`].

mod agreement;
mod authorisation;
mod error;
mod extend;
mod keys;
mod sad;
mod session_keys;

pub use authorisation::{AuthoriseRequest, Authorised, SignItem, Spent};
pub use error::SigningError;
pub use extend::Extended;
pub use keys::{KeyInfo, Pin};
pub use sad::Sad;

use crate::clock::SharedClock;
use crate::config::SigningConfig;
use crate::store::Db;
use crate::vault::Vault;
use std::sync::Arc;
use uuid::Uuid;

/// A key in custody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct KeyId(pub Uuid);

/// Whoever holds keys: a subscriber, or an organisation for its seal keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct OwnerId(pub Uuid);

impl std::fmt::Display for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Display for OwnerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The capability to act on one owner's keys. Only the identity layer makes one, from an
/// authenticated caller; every operation here takes it, so a key of another owner is simply
/// not found.
#[derive(Debug, Clone)]
pub struct KeyHolder {
    owner: OwnerId,
    request_id: Option<String>,
    client_ip: Option<String>,
    agent: Option<Uuid>,
}

impl KeyHolder {
    /// The holder `owner`, acting through a request (for the audit trail).
    pub fn new(owner: OwnerId, request_id: Option<String>, client_ip: Option<String>) -> Self {
        Self {
            owner,
            request_id,
            client_ip,
            agent: None,
        }
    }

    /// The same holder acting through their folder agent's machine credential `agent`, so
    /// the audit trail names the agent as the actor.
    pub fn through_agent(mut self, agent: Uuid) -> Self {
        self.agent = Some(agent);
        self
    }

    /// Whose keys.
    pub fn owner(&self) -> OwnerId {
        self.owner
    }

    fn event(&self, action: &str) -> crate::audit::AuditEvent {
        let mut e = crate::audit::AuditEvent::system(action);
        match self.agent {
            Some(agent) => {
                e.actor_kind = crate::audit::ActorKind::Agent;
                e.actor_id = Some(agent.to_string());
            }
            None => {
                e.actor_kind = crate::audit::ActorKind::Subscriber;
                e.actor_id = Some(self.owner.to_string());
            }
        }
        e.request_id = self.request_id.clone();
        e.client_ip = self.client_ip.clone();
        e
    }
}

/// The custody service; cheap to clone, shared by all workers.
#[derive(Clone)]
pub struct Custody {
    db: Db,
    vault: Vault,
    clock: SharedClock,
    config: Arc<SigningConfig>,
    session_keys: Arc<session_keys::SessionKeys>,
}

impl std::fmt::Debug for Custody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Custody").finish_non_exhaustive()
    }
}

impl Custody {
    /// The service over the database and the vault.
    pub fn new(db: Db, vault: Vault, clock: SharedClock, config: &SigningConfig) -> Self {
        Self {
            db,
            vault,
            clock,
            config: Arc::new(config.clone()),
            session_keys: Arc::new(session_keys::SessionKeys::default()),
        }
    }
}
