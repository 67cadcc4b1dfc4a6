//! Identity and access (DESIGN §2): accounts of people and partner API clients, how they prove
//! who they are, the sessions and tokens that carry that proof, and the attempt limits that
//! guard every secret typed. The HTTP layer turns a verified [`Principal`] into capabilities
//! (`http::auth`), so a handler cannot forget to ask who is calling.

pub mod accounts;
pub mod agents;
pub mod challenge;
pub mod clients;
pub mod codes;
pub mod confirm;
pub mod error;
pub mod limits;
pub mod login;
pub mod messages;
pub mod password;
pub mod recovery;
pub mod secrets;
pub mod sessions;
pub mod staff;
pub mod tokens;
pub mod totp;
pub mod values;

pub use error::IdentityError;
pub use values::{AccountId, Role, SessionId};

use crate::audit::{ActorKind, AuditEvent};
use crate::clock::SharedClock;
use crate::config::{Config, IdentityConfig};
use crate::store::Db;
use crate::vault::Vault;
use std::sync::Arc;
use uuid::Uuid;

/// Where a request came from, for the audit trail and the per-address limits.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    /// The request id (`X-Request-Id`).
    pub request_id: Option<String>,
    /// The peer address.
    pub client_ip: String,
    /// The `User-Agent`, cut to 200 characters.
    pub user_agent: String,
}

impl RequestMeta {
    /// An audit event of this request, by `actor` (or anonymous).
    pub fn event(&self, action: &str, actor: Option<(ActorKind, Uuid)>) -> AuditEvent {
        let mut e = AuditEvent::system(action);
        match actor {
            Some((kind, id)) => {
                e.actor_kind = kind;
                e.actor_id = Some(id.to_string());
            }
            None => e.actor_kind = ActorKind::Anonymous,
        }
        e.request_id = self.request_id.clone();
        e.client_ip = Some(self.client_ip.clone());
        e
    }
}

/// The audit actor kind of a role.
pub fn actor_kind(role: Role) -> ActorKind {
    match role {
        Role::Subscriber => ActorKind::Subscriber,
        Role::PartnerAgent => ActorKind::Partner,
        Role::Operator | Role::Auditor | Role::Admin => ActorKind::Staff,
    }
}

/// A person whose access token or session cookie was verified just now.
#[derive(Debug, Clone)]
pub struct Person {
    /// The account.
    pub account: AccountId,
    /// Its role.
    pub role: Role,
    /// The session the request rides on.
    pub session: SessionId,
    /// Factors proved at login.
    pub amr: Vec<String>,
    /// The operator's point of issue.
    pub point_of_issue: Option<Uuid>,
    /// The partner agent's organisation.
    pub partner: Option<Uuid>,
    /// Set when a folder agent acts for the person with its machine credential.
    pub agent: Option<agents::AgentBinding>,
}

impl Person {
    /// An audit event of this person's act, or of their folder agent's.
    pub fn event(&self, meta: &RequestMeta, action: &str) -> AuditEvent {
        match self.agent {
            Some(a) => meta.event(action, Some((ActorKind::Agent, a.id))),
            None => meta.event(action, Some((actor_kind(self.role), self.account.0))),
        }
    }
}

/// Who is calling: a person or a partner API client.
#[derive(Debug, Clone)]
pub enum Principal {
    /// A person with an account.
    Person(Person),
    /// A partner API client.
    Client(clients::Client),
}

struct Inner {
    db: Db,
    clock: SharedClock,
    cfg: IdentityConfig,
    public_url: String,
    secrets: secrets::SecretBox,
    passwords: password::Passwords,
    tokens: tokens::AccessTokens,
    limits: limits::Limits,
}

/// The identity service; cheap to clone.
#[derive(Clone)]
pub struct Identity(Arc<Inner>);

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity").finish_non_exhaustive()
    }
}

impl Identity {
    /// Load the data key and the access-token key, and compute the dummy password hash.
    pub async fn start(
        db: Db,
        vault: Vault,
        clock: SharedClock,
        config: &Config,
    ) -> Result<Self, IdentityError> {
        let secrets = secrets::SecretBox::load(&db, &vault, clock.as_ref()).await?;
        let public_url = config.server.public_url.trim_end_matches('/').to_owned();
        let tokens = tokens::AccessTokens::load(vault.clone(), public_url.clone()).await?;
        let passwords = password::Passwords::new(&config.identity).await?;
        Ok(Self(Arc::new(Inner {
            limits: limits::Limits::new(&config.identity),
            db,
            clock,
            cfg: config.identity.clone(),
            public_url,
            secrets,
            passwords,
            tokens,
        })))
    }

    /// The access-token issuer and verifier (for the JWKS document).
    pub fn tokens(&self) -> &tokens::AccessTokens {
        &self.0.tokens
    }

    /// The password hasher (the benchmark measures it).
    pub fn passwords(&self) -> &password::Passwords {
        &self.0.passwords
    }

    /// The service's public address of `path`, for links in messages.
    pub fn link_to(&self, path: &str) -> String {
        format!("{}{path}", self.0.public_url)
    }

    /// The identity data key, for MACs of other short secrets people type (activation
    /// markers), so a database dump alone cannot be searched for them.
    pub(crate) fn secrets(&self) -> &secrets::SecretBox {
        &self.0.secrets
    }

    fn link(&self, path: &str, token: &str) -> String {
        format!("{}{path}?token={token}", self.0.public_url)
    }
}
