//! Sessions: one per login on one device. An API session holds a family of refresh tokens —
//! each exchanged once for a new one, and a second use of any of them ends the session, since
//! one of the two users is a thief. A web session is an HttpOnly cookie whose state-changing
//! requests must carry a CSRF token derived from it. Access tokens name their session, and the
//! session is looked up on every request, so logout and revocation take effect at once.

use super::codes::{hash_handle, new_handle};
use super::tokens::Subject;
use super::values::{AccountId, SessionId};
use super::{Identity, IdentityError, Person, Principal, RequestMeta, Role};
use crate::audit::{self, Outcome};
use crate::said;
use crate::store::{self, accounts::AccountRow, sessions::SessionRow};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

/// How a session proves itself on later requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SessionKind {
    /// Bearer access token + refresh token (apps, scripts).
    Api,
    /// HttpOnly cookie + CSRF token (the web cabinet).
    Web,
}

impl SessionKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Api => "api",
            SessionKind::Web => "web",
        }
    }
}

/// A session just opened or refreshed, with the secrets to hand to the client once.
#[derive(Clone)]
pub struct NewSession {
    /// The session.
    pub id: SessionId,
    /// Kind.
    pub kind: SessionKind,
    /// Factors proved.
    pub amr: Vec<String>,
    /// The access token (API sessions).
    pub access_token: Option<String>,
    /// Seconds the access token lives.
    pub expires_in: i64,
    /// The refresh token (API sessions).
    pub refresh_token: Option<String>,
    /// The cookie value (web sessions).
    pub cookie: Option<String>,
    /// The CSRF token (web sessions).
    pub csrf_token: Option<String>,
    /// When the session ends at the latest.
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("amr", &self.amr)
            .finish_non_exhaustive()
    }
}

/// A session as its owner sees it in the list.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    /// Id.
    pub id: Uuid,
    /// `api` or `web`.
    pub kind: String,
    /// Factors proved at login.
    pub amr: Vec<String>,
    /// Browser or app at login.
    pub user_agent: String,
    /// Address at login.
    pub client_ip: String,
    /// Opened.
    pub created_at: DateTime<Utc>,
    /// Last refreshed.
    pub last_seen_at: DateTime<Utc>,
    /// Ends at the latest.
    pub expires_at: DateTime<Utc>,
    /// The session this request rides on.
    pub current: bool,
}

/// The name of the web session cookie (`__Host-`: host-only, secure, path `/`).
pub const COOKIE_NAME: &str = "__Host-cloudseal";

fn person_of(row: &SessionRow, account: &AccountRow) -> Person {
    Person {
        account: AccountId(account.id),
        role: Role::parse(&account.role).unwrap_or(Role::Subscriber),
        session: SessionId(row.id),
        amr: row.amr.clone(),
        point_of_issue: account.point_of_issue,
        partner: account.partner,
        agent: None,
    }
}

impl Identity {
    fn session_life(&self) -> TimeDelta {
        TimeDelta::hours(i64::from(self.0.cfg.session_hours.get()))
    }

    pub(super) fn access_life(&self) -> TimeDelta {
        TimeDelta::seconds(i64::from(self.0.cfg.access_token_secs.get()))
    }

    /// The CSRF token of a web session: a MAC of its id, so nothing more is stored. The web
    /// cabinet puts it in every form it renders.
    pub fn csrf_token(&self, session: Uuid) -> Result<String, IdentityError> {
        Ok(B64.encode(self.0.secrets.mac("csrf", &[session.as_bytes()])?))
    }

    pub(super) async fn access_token(
        &self,
        account: &AccountRow,
        session: Uuid,
        amr: &[String],
    ) -> Result<String, IdentityError> {
        let mut claims = self.0.tokens.claims(
            Subject::Person,
            account.id,
            self.0.clock.now(),
            self.access_life(),
        );
        claims.sid = Some(session);
        claims.role = Some(account.role.clone());
        claims.amr = amr.to_vec();
        self.0.tokens.sign(&claims).await
    }

    /// Open a session for `account` in `tx`.
    pub(crate) async fn open_session(
        &self,
        tx: &store::Transaction<'_>,
        account: &AccountRow,
        kind: SessionKind,
        amr: Vec<String>,
        meta: &RequestMeta,
    ) -> Result<NewSession, IdentityError> {
        let now = self.0.clock.now();
        let id = Uuid::new_v4();
        let (cookie, cookie_hash) = match kind {
            SessionKind::Web => {
                let (c, h) = new_handle();
                (Some(c), Some(h))
            }
            SessionKind::Api => (None, None),
        };
        let row = SessionRow {
            id,
            account: account.id,
            kind: kind.as_str().into(),
            amr: amr.clone(),
            user_agent: meta.user_agent.clone(),
            client_ip: meta.client_ip.clone(),
            cookie_hash,
            created_at: now,
            last_seen_at: now,
            expires_at: now + self.session_life(),
            revoked_at: None,
            revoke_reason: None,
            agent: None,
        };
        store::sessions::insert(tx, &row).await?;
        let mut s = NewSession {
            id: SessionId(id),
            kind,
            amr,
            access_token: None,
            expires_in: self.access_life().num_seconds(),
            refresh_token: None,
            cookie,
            csrf_token: None,
            expires_at: row.expires_at,
        };
        match kind {
            SessionKind::Api => {
                let (refresh, hash) = new_handle();
                store::sessions::insert_refresh(tx, &hash, id, now).await?;
                s.refresh_token = Some(refresh);
                s.access_token = Some(self.access_token(account, id, &s.amr).await?);
            }
            SessionKind::Web => s.csrf_token = Some(self.csrf_token(id)?),
        }
        Ok(s)
    }

    /// Exchange a refresh token for a new access and refresh token. A token used before ends
    /// its whole session (reuse detection).
    pub async fn refresh(
        &self,
        refresh_token: &str,
        meta: &RequestMeta,
    ) -> Result<NewSession, IdentityError> {
        let now = self.0.clock.now();
        let hash = hash_handle(refresh_token);
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let found = store::sessions::refresh_for_update(&*tx, &hash)
            .await?
            .ok_or(IdentityError::BadRefresh)?;
        let session = store::sessions::get(&*tx, found.session)
            .await?
            .ok_or(IdentityError::BadRefresh)?;
        let account = store::accounts::get(&*tx, session.account)
            .await?
            .ok_or(IdentityError::BadRefresh)?;
        if found.used_at.is_some() {
            let ended =
                store::sessions::revoke(&*tx, session.account, session.id, "refresh_reuse", now)
                    .await?;
            let mut e = self
                .actor_event(meta, &account, "session.refresh_reuse")
                .on("session", session.id.to_string());
            e.outcome = Outcome::Denied;
            e.details = serde_json::json!({"session_ended": ended});
            audit::record(&tx, self.0.clock.as_ref(), e).await?;
            tx.commit().await?;
            return Err(IdentityError::RefreshReused);
        }
        let live = session.revoked_at.is_none()
            && session.expires_at > now
            && account.disabled_at.is_none();
        if !live {
            return Err(IdentityError::BadRefresh);
        }
        store::sessions::use_refresh(&*tx, &hash, session.id, now).await?;
        let (fresh, fresh_hash) = new_handle();
        store::sessions::insert_refresh(&*tx, &fresh_hash, session.id, now).await?;
        let access = self
            .access_token(&account, session.id, &session.amr)
            .await?;
        tx.commit().await?;
        Ok(NewSession {
            id: SessionId(session.id),
            kind: SessionKind::Api,
            amr: session.amr,
            access_token: Some(access),
            expires_in: self.access_life().num_seconds(),
            refresh_token: Some(fresh),
            cookie: None,
            csrf_token: None,
            expires_at: session.expires_at,
        })
    }

    /// The caller's live sessions.
    pub async fn sessions(&self, person: &Person) -> Result<Vec<SessionInfo>, IdentityError> {
        let client = self.0.db.client().await?;
        let rows =
            store::sessions::list_live(&**client, person.account.0, self.0.clock.now()).await?;
        Ok(rows
            .into_iter()
            .map(|r| SessionInfo {
                current: r.id == person.session.0,
                id: r.id,
                kind: r.kind,
                amr: r.amr,
                user_agent: r.user_agent,
                client_ip: r.client_ip,
                created_at: r.created_at,
                last_seen_at: r.last_seen_at,
                expires_at: r.expires_at,
            })
            .collect())
    }

    /// End one of the caller's sessions (the current one is a logout); someone else's session
    /// is not found.
    pub async fn end_session(
        &self,
        person: &Person,
        session: Uuid,
        meta: &RequestMeta,
    ) -> Result<(), IdentityError> {
        let reason = if session == person.session.0 {
            "logout"
        } else {
            "revoked"
        };
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let ended =
            store::sessions::revoke(&*tx, person.account.0, session, reason, self.0.clock.now())
                .await?;
        if !ended {
            return Err(IdentityError::NotFound);
        }
        let e = person
            .event(meta, "session.end")
            .on("session", session.to_string())
            .with_details(serde_json::json!({"reason": reason}));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Revoke the session an access or refresh token of the caller belongs to (CSC
    /// `auth/revoke`, RFC 7009): true when a session of theirs ended. A token that is not the
    /// caller's, or not a token at all, ends nothing and says nothing about itself.
    pub async fn revoke_token(
        &self,
        person: &Person,
        token: &str,
        meta: &RequestMeta,
    ) -> Result<bool, IdentityError> {
        let session = match self.0.tokens.verify(token, self.0.clock.as_ref()) {
            Ok(claims) if claims.sub == person.account.0 => claims.sid,
            Ok(_) => None,
            Err(_) => {
                let client = self.0.db.client().await?;
                match store::sessions::refresh_for_update(&**client, &hash_handle(token)).await? {
                    Some(found) => store::sessions::get(&**client, found.session)
                        .await?
                        .filter(|s| s.account == person.account.0)
                        .map(|s| s.id),
                    None => None,
                }
            }
        };
        match session {
            Some(id) => match self.end_session(person, id, meta).await {
                Ok(()) => Ok(true),
                Err(IdentityError::NotFound) => Ok(false),
                Err(e) => Err(e),
            },
            None => Ok(false),
        }
    }

    /// Who a bearer token speaks for: its signature, expiry and — for a person — a live
    /// session of an enabled account.
    pub async fn authenticate_bearer(&self, token: &str) -> Result<Principal, IdentityError> {
        let claims = self.0.tokens.verify(token, self.0.clock.as_ref())?;
        match claims.typ {
            Subject::Person => {
                let sid = claims.sid.ok_or(IdentityError::BadToken("no session"))?;
                let client = self.0.db.client().await?;
                let session = store::sessions::live(&**client, sid, self.0.clock.now())
                    .await?
                    .filter(|s| s.account == claims.sub)
                    .ok_or(IdentityError::BadToken("session ended"))?;
                let account = store::accounts::get(&**client, session.account)
                    .await?
                    .filter(|a| a.disabled_at.is_none())
                    .ok_or(IdentityError::BadToken("session ended"))?;
                let mut person = person_of(&session, &account);
                if let Some(agent) = session.agent {
                    person.agent = Some(self.agent_binding(&**client, agent).await?);
                }
                Ok(Principal::Person(person))
            }
            Subject::Client => self.client_principal(&claims).await,
        }
    }

    /// Who a web session cookie speaks for. A request that changes state (`unsafe_method`)
    /// must carry the session's CSRF token; without it the request is refused.
    pub async fn authenticate_cookie(
        &self,
        cookie: &str,
        csrf: Option<&str>,
        unsafe_method: bool,
    ) -> Result<Principal, IdentityError> {
        let client = self.0.db.client().await?;
        let session =
            store::sessions::live_by_cookie(&**client, &hash_handle(cookie), self.0.clock.now())
                .await?
                .ok_or(IdentityError::BadToken("session ended"))?;
        if unsafe_method {
            let expected = self.csrf_token(session.id)?;
            let ok = csrf.is_some_and(|given| {
                super::codes::same(given.trim().as_bytes(), expected.as_bytes())
            });
            if !ok {
                return Err(IdentityError::Forbidden(said!(
                    "The CSRF token is missing or wrong; reload the page and try again.",
                    "Токен CSRF отсутствует или неверен; обновите страницу и повторите."
                )));
            }
        }
        let account = store::accounts::get(&**client, session.account)
            .await?
            .filter(|a| a.disabled_at.is_none())
            .ok_or(IdentityError::BadToken("session ended"))?;
        Ok(Principal::Person(person_of(&session, &account)))
    }

    /// End every other session of an account (after a password change or reset).
    pub(crate) async fn end_other_sessions(
        &self,
        tx: &store::Transaction<'_>,
        account: Uuid,
        keep: Option<Uuid>,
        reason: &str,
    ) -> Result<u64, IdentityError> {
        Ok(store::sessions::revoke_all(tx, account, keep, reason, self.0.clock.now()).await?)
    }
}
