//! Partner API clients: a client id and secret (stored as SHA-256; the secret has 256 bits, so
//! a slow hash adds nothing) exchanged for a short access token with the scopes asked for
//! (OAuth 2.0 client credentials, RFC 6749 §4.4). A rotated secret keeps working for a grace
//! period so the partner can roll it out. Each client has a per-minute request budget, counted
//! in the database so that it holds across server instances.

use super::codes::{hash_handle, new_handle, same};
use super::tokens::{Claims, Subject};
use super::{Identity, IdentityError, Principal, RequestMeta};
use crate::audit::{self, ActorKind, AuditEvent, Outcome};
use crate::said;
use crate::store::{self, partners::ClientRow};
use chrono::TimeDelta;
use rand::RngCore;
use uuid::Uuid;

/// Every scope a client may be granted.
pub const SCOPES: &[&str] = &["agents:read", "applications:read", "applications:write"];

/// How long a rotated-out secret keeps working.
const ROTATION_GRACE_HOURS: i64 = 24;

/// A partner API client whose token was verified just now.
#[derive(Debug, Clone)]
pub struct Client {
    /// Its id.
    pub id: Uuid,
    /// Its organisation.
    pub partner: Uuid,
    /// Scopes granted to this token.
    pub scopes: Vec<String>,
}

impl Client {
    /// Whether the token carries `scope`.
    pub fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// An audit event of this client's act.
    pub fn event(&self, meta: &RequestMeta, action: &str) -> AuditEvent {
        meta.event(action, Some((ActorKind::Partner, self.id)))
    }
}

/// A client just created or rotated, with its secret shown once.
#[derive(Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ClientCredentials {
    /// Internal id (for admin URLs).
    pub id: Uuid,
    /// The public client id.
    pub client_id: String,
    /// The secret; only its hash is kept, so it cannot be shown again.
    pub client_secret: String,
    /// Scopes it may ask for.
    pub scopes: Vec<String>,
    /// Requests per minute allowed.
    pub requests_per_minute: i32,
}

impl std::fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// An API client as an administrator reviews it: never its secret or the secret's hash.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ClientSummary {
    /// Internal id (for admin URLs).
    pub id: Uuid,
    /// The public client id.
    pub client_id: String,
    /// Its organisation.
    pub partner: Uuid,
    /// What the partner calls it.
    pub name: String,
    /// Scopes it may ask for.
    pub scopes: Vec<String>,
    /// Requests per minute allowed.
    pub requests_per_minute: i32,
    /// Created.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// After a rotation: until when the previous secret still works.
    pub previous_secret_until: Option<chrono::DateTime<chrono::Utc>>,
    /// Once disabled: when (no secret or token of it works any more).
    pub disabled_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<ClientRow> for ClientSummary {
    fn from(r: ClientRow) -> Self {
        ClientSummary {
            id: r.id,
            client_id: r.client_id,
            partner: r.partner,
            name: r.name,
            scopes: r.scopes,
            requests_per_minute: r.requests_per_minute,
            created_at: r.created_at,
            previous_secret_until: r.previous_until,
            disabled_at: r.disabled_at,
        }
    }
}

/// A client-credentials token.
#[derive(Clone)]
pub struct ClientToken {
    /// The access token.
    pub access_token: String,
    /// Seconds it lives.
    pub expires_in: i64,
    /// Scopes granted, space-separated.
    pub scope: String,
}

impl std::fmt::Debug for ClientToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientToken")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

fn new_client_id() -> String {
    let mut b = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut b);
    format!("cs_{}", hex::encode(b))
}

fn parse_scopes(raw: &[String]) -> Result<Vec<String>, IdentityError> {
    let mut out: Vec<String> = Vec::new();
    for s in raw {
        if !SCOPES.contains(&s.as_str()) {
            return Err(IdentityError::Invalid(said!(
                "Unknown scope {s:?}; known scopes: {}.",
                "Неизвестная область доступа {s:?}; известные: {}.",
                SCOPES.join(", ")
            )));
        }
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    Ok(out)
}

impl Identity {
    /// Create an API client of `partner`.
    pub async fn create_client(
        &self,
        partner: Uuid,
        name: &str,
        scopes: &[String],
        requests_per_minute: i32,
        actor: AuditEvent,
    ) -> Result<ClientCredentials, IdentityError> {
        let scopes = parse_scopes(scopes)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(IdentityError::Invalid(said!(
                "The client name must have 1 to 200 characters.",
                "Имя клиента должно содержать от 1 до 200 символов."
            )));
        }
        if !(1..=100_000).contains(&requests_per_minute) {
            return Err(IdentityError::Invalid(said!(
                "requests_per_minute must be between 1 and 100000.",
                "requests_per_minute — от 1 до 100000."
            )));
        }
        let (secret, secret_hash) = new_handle();
        let row = ClientRow {
            id: Uuid::new_v4(),
            client_id: new_client_id(),
            partner,
            name: name.into(),
            secret_hash,
            previous_secret_hash: None,
            previous_until: None,
            scopes: scopes.clone(),
            requests_per_minute,
            created_at: self.0.clock.now(),
            disabled_at: None,
        };
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        if !store::partners::partner_exists(&*tx, partner).await? {
            return Err(IdentityError::NotFound);
        }
        store::partners::insert_client(&*tx, &row).await?;
        let e = actor
            .on("api_client", row.id.to_string())
            .with_details(serde_json::json!({"partner": partner, "scopes": scopes}));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(ClientCredentials {
            id: row.id,
            client_id: row.client_id,
            client_secret: secret,
            scopes,
            requests_per_minute,
        })
    }

    /// A new secret for client `id`; the old one works for a day more.
    pub async fn rotate_client_secret(
        &self,
        id: Uuid,
        actor: AuditEvent,
    ) -> Result<ClientCredentials, IdentityError> {
        let (secret, hash) = new_handle();
        let until = self.0.clock.now() + TimeDelta::hours(ROTATION_GRACE_HOURS);
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let row = store::partners::client(&*tx, id)
            .await?
            .ok_or(IdentityError::NotFound)?;
        if !store::partners::rotate_secret(&*tx, id, &hash, until).await? {
            return Err(IdentityError::NotFound);
        }
        let e = actor
            .on("api_client", id.to_string())
            .with_details(serde_json::json!({"previous_valid_until": until.to_rfc3339()}));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(ClientCredentials {
            id,
            client_id: row.client_id,
            client_secret: secret,
            scopes: row.scopes,
            requests_per_minute: row.requests_per_minute,
        })
    }

    /// Every partner's API clients, for the administrator's review.
    pub async fn clients(&self) -> Result<Vec<ClientSummary>, IdentityError> {
        let client = self.0.db.client().await?;
        let rows = store::partners::clients(&**client).await?;
        Ok(rows.into_iter().map(ClientSummary::from).collect())
    }

    /// Disable client `id` at once: a leaked secret must stop working now, not after the
    /// rotation's grace day; the tokens it already holds stop with it (each request reads the
    /// client). Kept, not deleted, so the audit trail's references still resolve.
    pub async fn disable_client(&self, id: Uuid, actor: AuditEvent) -> Result<(), IdentityError> {
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        if store::partners::client(&*tx, id).await?.is_none() {
            return Err(IdentityError::NotFound);
        }
        if !store::partners::disable_client(&*tx, id, self.0.clock.now()).await? {
            return Err(IdentityError::Conflict(said!(
                "The client is disabled already.",
                "Клиент уже отключён."
            )));
        }
        audit::record(
            &tx,
            self.0.clock.as_ref(),
            actor.on("api_client", id.to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Exchange client credentials for an access token with the scopes asked for (all the
    /// client's scopes when none are named); asking for a scope it lacks is refused.
    pub async fn client_token(
        &self,
        client_id: &str,
        secret: &str,
        scope: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<ClientToken, IdentityError> {
        let now = self.0.clock.now();
        let mut client = self.0.db.client().await?;
        let row = store::partners::client_by_client_id(&**client, client_id).await?;
        let given = hash_handle(secret);
        let ok = row.as_ref().is_some_and(|r| {
            r.disabled_at.is_none()
                && (same(&r.secret_hash, &given)
                    || (r.previous_until.is_some_and(|u| u > now)
                        && r.previous_secret_hash
                            .as_ref()
                            .is_some_and(|p| same(p, &given))))
        });
        let tx = client.transaction().await?;
        let Some(row) = row.filter(|_| ok) else {
            let mut e = meta.event("auth.client_token", None);
            e.outcome = Outcome::Failure;
            e.details = serde_json::json!({"reason": "invalid_client"});
            audit::record(&tx, self.0.clock.as_ref(), e).await?;
            tx.commit().await?;
            return Err(IdentityError::BadClient);
        };
        let granted: Vec<String> = match scope.map(str::trim).filter(|s| !s.is_empty()) {
            None => row.scopes.clone(),
            Some(asked) => {
                let asked: Vec<String> = asked.split_whitespace().map(str::to_owned).collect();
                if let Some(missing) = asked.iter().find(|s| !row.scopes.contains(s)) {
                    return Err(IdentityError::Forbidden(said!(
                        "This client may not be granted the scope {missing:?}.",
                        "Этому клиенту нельзя выдать область доступа {missing:?}."
                    )));
                }
                asked
            }
        };
        let life = TimeDelta::seconds(i64::from(self.0.cfg.access_token_secs.get()));
        let mut claims: Claims = self.0.tokens.claims(Subject::Client, row.id, now, life);
        claims.scope = Some(granted.join(" "));
        let token = self.0.tokens.sign(&claims).await?;
        let e = meta
            .event("auth.client_token", Some((ActorKind::Partner, row.id)))
            .on("api_client", row.id.to_string())
            .with_details(serde_json::json!({"scopes": granted}));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(ClientToken {
            access_token: token,
            expires_in: life.num_seconds(),
            scope: granted.join(" "),
        })
    }

    pub(crate) async fn client_principal(
        &self,
        claims: &Claims,
    ) -> Result<Principal, IdentityError> {
        let client = self.0.db.client().await?;
        let row = store::partners::client(&**client, claims.sub)
            .await?
            .filter(|r| r.disabled_at.is_none())
            .ok_or(IdentityError::BadToken("client disabled"))?;
        let now = self.0.clock.now().timestamp();
        let used = store::partners::count_request(&**client, row.id, now.div_euclid(60)).await?;
        if used > row.requests_per_minute {
            let retry_after = u64::try_from(60 - now.rem_euclid(60)).unwrap_or(60);
            return Err(IdentityError::RateLimited { retry_after });
        }
        let scopes = claims
            .scope
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .filter(|s| row.scopes.iter().any(|r| r == s))
            .map(str::to_owned)
            .collect();
        Ok(Principal::Client(Client {
            id: row.id,
            partner: row.partner,
            scopes,
        }))
    }

    /// The agents of a partner: (id, surname, given name, email).
    pub async fn partner_agents(
        &self,
        partner: Uuid,
    ) -> Result<Vec<(Uuid, String, String, String)>, IdentityError> {
        let client = self.0.db.client().await?;
        Ok(store::partners::agents(&**client, partner).await?)
    }
}
