//! Machine credentials of folder agents (DESIGN §3): the holder of an organisation seal issues
//! one for exactly that seal; the agent exchanges its id and secret for an access token that
//! rides on a session of the holder's account marked with the agent. Such a session reaches
//! only what the HTTP layer opens to agents, and authorises only its one seal, with the
//! seal's PIN and no one-time code. Disabling the credential ends its sessions at once.

use super::codes::{hash_handle, new_handle, same};
use super::{Identity, IdentityError, Person, RequestMeta};
use crate::audit::{self, ActorKind, Outcome};
use crate::said;
use crate::store::{self, agents::AgentRow, sessions::SessionRow};
use chrono::{DateTime, Utc};
use rand::RngCore;
use uuid::Uuid;

/// Client ids of machine credentials start so, which tells them from partner clients.
pub const AGENT_PREFIX: &str = "ag_";

/// The scope an agent's token carries.
pub const AGENT_SCOPE: &str = "seal";

/// The folder agent a request comes from and the one seal it may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentBinding {
    /// The machine credential.
    pub id: Uuid,
    /// The seal certificate it was issued for.
    pub seal: Uuid,
}

/// A machine credential just issued, with its secret shown once.
#[derive(Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AgentCredentials {
    /// Internal id (to disable it).
    pub id: Uuid,
    /// The public client id.
    pub client_id: String,
    /// The secret; only its hash is kept, so it cannot be shown again.
    pub client_secret: String,
    /// The seal certificate it may authorise.
    pub credential_id: Uuid,
}

impl std::fmt::Debug for AgentCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentCredentials")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// A machine credential as its holder reviews it: never the secret or its hash.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AgentSummary {
    /// Internal id.
    pub id: Uuid,
    /// The public client id.
    pub client_id: String,
    /// What the holder calls it.
    pub name: String,
    /// The seal certificate it may authorise.
    pub credential_id: Uuid,
    /// Issued.
    pub created_at: DateTime<Utc>,
    /// Last exchanged for a token.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Once disabled: when.
    pub disabled_at: Option<DateTime<Utc>>,
}

impl From<AgentRow> for AgentSummary {
    fn from(r: AgentRow) -> Self {
        AgentSummary {
            id: r.id,
            client_id: r.client_id,
            name: r.name,
            credential_id: r.certificate_id,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            disabled_at: r.disabled_at,
        }
    }
}

/// An agent's access token.
#[derive(Clone)]
pub struct AgentToken {
    /// The access token.
    pub access_token: String,
    /// Seconds it lives.
    pub expires_in: i64,
}

impl std::fmt::Debug for AgentToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentToken")
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// The name a holder gives an agent, checked before their code is spent on it.
pub fn agent_name(raw: &str) -> Result<String, IdentityError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(IdentityError::Invalid(said!(
            "Name the agent in 1 to 100 characters (say, where it runs).",
            "Назовите агента в 1–100 символах (например, где он работает)."
        )));
    }
    Ok(name.to_owned())
}

impl Identity {
    /// Issue a machine credential of `person` for their seal certificate `seal`. The caller
    /// (the signatures service) has checked that the seal is theirs and usable, and that
    /// the person confirmed the act with their second factor.
    pub async fn issue_agent(
        &self,
        person: &Person,
        meta: &RequestMeta,
        seal: Uuid,
        name: &str,
    ) -> Result<AgentCredentials, IdentityError> {
        if person.agent.is_some() {
            return Err(IdentityError::Forbidden(said!(
                "A folder agent cannot issue credentials.",
                "Агент каталога не может выпускать учётные данные."
            )));
        }
        let name = agent_name(name)?;
        let mut raw = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        let client_id = format!("{AGENT_PREFIX}{}", hex::encode(raw));
        let (secret, secret_hash) = new_handle();
        let row = AgentRow {
            id: Uuid::new_v4(),
            client_id,
            secret_hash,
            account_id: person.account.0,
            certificate_id: seal,
            name,
            created_at: self.0.clock.now(),
            last_used_at: None,
            disabled_at: None,
        };
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        store::agents::insert(&*tx, &row).await?;
        let e = person
            .event(meta, "agent.issue")
            .on("agent_client", row.id.to_string())
            .with_details(serde_json::json!({
                "client_id": row.client_id,
                "name": row.name,
                "certificate": seal,
            }));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(AgentCredentials {
            id: row.id,
            client_id: row.client_id,
            client_secret: secret,
            credential_id: seal,
        })
    }

    /// The person's machine credentials, newest first.
    pub async fn agents(&self, person: &Person) -> Result<Vec<AgentSummary>, IdentityError> {
        let client = self.0.db.client().await?;
        Ok(store::agents::of_account(&**client, person.account.0)
            .await?
            .into_iter()
            .map(AgentSummary::from)
            .collect())
    }

    /// Disable one of the person's machine credentials; every session it opened ends now.
    pub async fn disable_agent(
        &self,
        person: &Person,
        meta: &RequestMeta,
        id: Uuid,
    ) -> Result<(), IdentityError> {
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        if !store::agents::disable(&*tx, person.account.0, id, self.0.clock.now()).await? {
            return Err(IdentityError::NotFound);
        }
        let e = person
            .event(meta, "agent.disable")
            .on("agent_client", id.to_string());
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Exchange an agent's client id and secret for an access token on a new agent session
    /// of its holder's account, living as long as the token. Every attempt is audited.
    pub async fn agent_token(
        &self,
        client_id: &str,
        secret: &str,
        meta: &RequestMeta,
    ) -> Result<AgentToken, IdentityError> {
        let now = self.0.clock.now();
        let mut client = self.0.db.client().await?;
        let row = store::agents::by_client_id(&**client, client_id).await?;
        let account = match &row {
            Some(r) => store::accounts::get(&**client, r.account_id).await?,
            None => None,
        };
        let given = hash_handle(secret);
        let tx = client.transaction().await?;
        let (row, account) = match (row, account) {
            (Some(r), Some(a))
                if r.disabled_at.is_none()
                    && a.disabled_at.is_none()
                    && same(&r.secret_hash, &given) =>
            {
                (r, a)
            }
            _ => {
                let mut e = meta.event("auth.agent_token", None);
                e.outcome = Outcome::Failure;
                e.details = serde_json::json!({"reason": "invalid_client"});
                audit::record(&tx, self.0.clock.as_ref(), e).await?;
                tx.commit().await?;
                return Err(IdentityError::BadClient);
            }
        };
        let life = self.access_life();
        let session = SessionRow {
            id: Uuid::new_v4(),
            account: account.id,
            kind: "agent".into(),
            amr: vec!["agent".into()],
            user_agent: meta.user_agent.clone(),
            client_ip: meta.client_ip.clone(),
            cookie_hash: None,
            created_at: now,
            last_seen_at: now,
            expires_at: now + life,
            revoked_at: None,
            revoke_reason: None,
            agent: Some(row.id),
        };
        store::sessions::insert(&*tx, &session).await?;
        store::agents::used(&*tx, row.id, now).await?;
        let token = self
            .access_token(&account, session.id, &session.amr)
            .await?;
        let e = meta
            .event("auth.agent_token", Some((ActorKind::Agent, row.id)))
            .on("agent_client", row.id.to_string())
            .with_details(serde_json::json!({"session": session.id}));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(AgentToken {
            access_token: token,
            expires_in: life.num_seconds(),
        })
    }

    /// The binding of an agent session's credential, if it is still enabled.
    pub(crate) async fn agent_binding(
        &self,
        c: &impl tokio_postgres::GenericClient,
        agent: Uuid,
    ) -> Result<AgentBinding, IdentityError> {
        store::agents::enabled(c, agent)
            .await?
            .map(|r| AgentBinding {
                id: r.id,
                seal: r.certificate_id,
            })
            .ok_or(IdentityError::BadToken("agent disabled"))
    }
}
