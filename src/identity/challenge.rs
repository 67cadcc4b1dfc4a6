//! Issuing and answering challenges: a code sent by SMS, a link sent by email, or a login half
//! done awaiting its second factor. Answers are limited per account and per client address; a
//! challenge is spent by the answer that succeeds and never works twice.

use super::codes::{self, code_mac, hash_handle, new_code, new_handle};
use super::limits::Counter;
use super::messages::{self, LinkPurpose};
use super::values::Language;
use super::{Identity, IdentityError, RequestMeta};
use crate::audit;
use crate::notify::{self, Notification};
use crate::store::accounts::AccountRow;
use crate::store::challenges::ChallengeRow;
use crate::store::{self, Client};
use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

/// A challenge handed to the client: the handle to answer with and until when it works.
#[derive(Clone)]
pub struct Issued {
    /// The handle (256 random bits, base64url); only its hash is stored.
    pub handle: String,
    /// The answer is accepted until then.
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// What the second answer of a login may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// A code sent by SMS.
    Sms,
    /// A TOTP code.
    Totp,
    /// A recovery code.
    Recovery,
}

impl Proof {
    /// The `amr` value (RFC 8176).
    pub fn amr(self) -> &'static str {
        match self {
            Proof::Sms => "sms",
            Proof::Totp => "otp",
            Proof::Recovery => "kba",
        }
    }
}

/// A challenge answered rightly: the transaction to finish the act in, the challenge, its
/// account and what the answer proved.
pub(crate) type Answered<'c> = (
    deadpool_postgres::Transaction<'c>,
    ChallengeRow,
    AccountRow,
    Proof,
);

pub(crate) fn language(a: &AccountRow) -> Language {
    Language::parse(&a.language).unwrap_or_default()
}

impl Identity {
    fn row(
        &self,
        account: Uuid,
        purpose: &str,
        hash: Vec<u8>,
        life: TimeDelta,
        proved: Vec<String>,
        target: Option<String>,
    ) -> ChallengeRow {
        let now = self.0.clock.now();
        ChallengeRow {
            id: Uuid::new_v4(),
            account,
            purpose: purpose.into(),
            handle_hash: hash,
            code_mac: None,
            target,
            proved,
            failures: 0,
            sends: 1,
            last_sent_at: now,
            created_at: now,
            expires_at: now + life,
            consumed_at: None,
        }
    }

    pub(crate) fn code_life(&self) -> TimeDelta {
        TimeDelta::seconds(i64::from(self.0.cfg.code_ttl_secs.get()))
    }

    /// A challenge answered by a code sent to `phone` (queued in `tx`).
    pub(crate) async fn issue_code(
        &self,
        tx: &store::Transaction<'_>,
        account: &AccountRow,
        purpose: &str,
        phone: &str,
        proved: Vec<String>,
        target: Option<String>,
    ) -> Result<Issued, IdentityError> {
        let minutes = self.code_life().num_minutes();
        let lang = language(account);
        self.issue_sms(tx, account, purpose, phone, proved, target, |code| {
            messages::sms_code(lang, code, minutes)
        })
        .await
    }

    /// A challenge answered by a code sent to `phone` in the text `text(code)` (queued in
    /// `tx`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn issue_sms(
        &self,
        tx: &store::Transaction<'_>,
        account: &AccountRow,
        purpose: &str,
        phone: &str,
        proved: Vec<String>,
        target: Option<String>,
        text: impl FnOnce(&str) -> String,
    ) -> Result<Issued, IdentityError> {
        let (handle, hash) = new_handle();
        let mut row = self.row(account.id, purpose, hash, self.code_life(), proved, target);
        let code = new_code();
        row.code_mac = Some(code_mac(&self.0.secrets, row.id, &code)?);
        store::challenges::insert(tx, &row).await?;
        let text = text(&code);
        notify::enqueue(
            tx,
            self.0.clock.as_ref(),
            purpose,
            &Notification::Sms {
                to: phone.into(),
                text,
            },
        )
        .await?;
        Ok(Issued {
            handle,
            expires_at: row.expires_at,
        })
    }

    /// A login challenge answered by TOTP (nothing is sent).
    pub(crate) async fn issue_silent(
        &self,
        tx: &store::Transaction<'_>,
        account: &AccountRow,
        purpose: &str,
        proved: Vec<String>,
        target: Option<String>,
    ) -> Result<Issued, IdentityError> {
        let (handle, hash) = new_handle();
        let row = self.row(account.id, purpose, hash, self.code_life(), proved, target);
        store::challenges::insert(tx, &row).await?;
        Ok(Issued {
            handle,
            expires_at: row.expires_at,
        })
    }

    /// A link to `path` emailed to `to` (queued in `tx`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn issue_link(
        &self,
        tx: &store::Transaction<'_>,
        account: &AccountRow,
        purpose: &str,
        kind: LinkPurpose,
        path: &str,
        to: &str,
        target: Option<String>,
    ) -> Result<(), IdentityError> {
        let (handle, hash) = new_handle();
        let life = TimeDelta::minutes(i64::from(self.0.cfg.link_ttl_minutes.get()));
        let row = self.row(account.id, purpose, hash, life, Vec::new(), target);
        store::challenges::insert(tx, &row).await?;
        let (subject, body) = messages::email_link(
            language(account),
            kind,
            &self.link(path, &handle),
            life.num_hours().max(1),
        );
        notify::enqueue(
            tx,
            self.0.clock.as_ref(),
            purpose,
            &Notification::Email {
                to: to.into(),
                subject,
                body,
            },
        )
        .await?;
        Ok(())
    }

    /// Spend an emailed link of one of `purposes`; the caller finishes the act in the returned
    /// transaction and commits.
    pub(crate) async fn spend_link<'c>(
        &self,
        client: &'c mut Client,
        token: &str,
        purposes: &[&str],
    ) -> Result<(deadpool_postgres::Transaction<'c>, ChallengeRow, AccountRow), IdentityError> {
        let now = self.0.clock.now();
        let tx = client.transaction().await?;
        let challenge = store::challenges::by_handle_for_update(&*tx, &hash_handle(token))
            .await?
            .filter(|c| {
                purposes.contains(&c.purpose.as_str())
                    && c.consumed_at.is_none()
                    && c.expires_at > now
            })
            .ok_or(IdentityError::BadLink)?;
        let account = store::accounts::get_for_update(&*tx, challenge.account)
            .await?
            .filter(|a| a.disabled_at.is_none())
            .ok_or(IdentityError::BadLink)?;
        store::challenges::consume(&*tx, challenge.id, now).await?;
        Ok((tx, challenge, account))
    }

    /// Answer a challenge of one of `purposes` with `code`: an SMS code, or for a login whose
    /// account uses TOTP, a TOTP or recovery code. A wrong answer is counted (and may lock);
    /// a right one spends the challenge, and the caller finishes the act in the returned
    /// transaction and commits.
    pub(crate) async fn answer<'c>(
        &self,
        client: &'c mut Client,
        handle: &str,
        code: &str,
        purposes: &[&str],
        meta: &RequestMeta,
        action: &str,
    ) -> Result<Answered<'c>, IdentityError> {
        self.answer_hash(client, hash_handle(handle), code, purposes, meta, action)
            .await
    }

    /// [`Self::answer`] for a challenge found by the hash of its handle.
    pub(crate) async fn answer_hash<'c>(
        &self,
        client: &'c mut Client,
        hash: Vec<u8>,
        code: &str,
        purposes: &[&str],
        meta: &RequestMeta,
        action: &str,
    ) -> Result<Answered<'c>, IdentityError> {
        let found = store::challenges::by_handle(&***client, &hash).await?;
        let holder = match &found {
            Some(c) => store::accounts::get(&***client, c.account).await?,
            None => None,
        };
        let actor = holder.as_ref().map(|a| {
            let role = super::Role::parse(&a.role).unwrap_or(super::Role::Subscriber);
            (super::actor_kind(role), a.id)
        });
        let mut counters = vec![Counter::Address(meta.client_ip.clone())];
        if let Some(a) = &holder {
            counters.push(Counter::Account(a.id));
        }
        let reserved = self
            .0
            .limits
            .reserve(
                &self.0.db,
                self.0.clock.as_ref(),
                counters,
                meta.event(action, actor),
            )
            .await?;
        let now = self.0.clock.now();
        let tx = client.transaction().await?;
        let challenge = store::challenges::by_handle_for_update(&*tx, &hash)
            .await?
            .filter(|c| {
                purposes.contains(&c.purpose.as_str())
                    && c.consumed_at.is_none()
                    && c.expires_at > now
            });
        let account = match &challenge {
            Some(c) => store::accounts::get_for_update(&*tx, c.account)
                .await?
                .filter(|a| a.disabled_at.is_none()),
            None => None,
        };
        let proof = match (&challenge, &account) {
            (Some(c), Some(a)) => self.check_answer(&tx, c, a, code, now).await?,
            _ => None,
        };
        match (challenge, account, proof) {
            (Some(c), Some(a), Some(proof)) => {
                store::challenges::consume(&*tx, c.id, now).await?;
                self.0.limits.forgive(&tx, reserved).await?;
                Ok((tx, c, a, proof))
            }
            (challenge, _, _) => {
                if let Some(c) = &challenge {
                    store::challenges::fail(&*tx, c.id).await?;
                }
                let e = meta
                    .event(action, actor)
                    .with_details(serde_json::json!({"reason": "wrong_code"}));
                Err(self
                    .0
                    .limits
                    .refuse(
                        tx,
                        self.0.clock.as_ref(),
                        reserved,
                        e,
                        IdentityError::BadCode,
                    )
                    .await)
            }
        }
    }

    async fn check_answer(
        &self,
        tx: &store::Transaction<'_>,
        c: &ChallengeRow,
        a: &AccountRow,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Proof>, IdentityError> {
        if let Some(expected) = &c.code_mac {
            let given = code_mac(&self.0.secrets, c.id, code)?;
            return Ok(codes::same(expected, &given).then_some(Proof::Sms));
        }
        if a.totp_confirmed_at.is_none() {
            return Ok(None);
        }
        if let Some(step) = self.totp_step(a, code, now)? {
            let fresh = store::accounts::advance_totp_step(tx, a.id, step).await?;
            return Ok(fresh.then_some(Proof::Totp));
        }
        if self.spend_recovery_code(tx, a.id, code, now).await? {
            return Ok(Some(Proof::Recovery));
        }
        Ok(None)
    }

    /// Send the code of an SMS challenge again: after `resend_after_secs`, at most `max_sends`
    /// times; the new code replaces the old one.
    pub async fn resend(&self, handle: &str, meta: &RequestMeta) -> Result<Issued, IdentityError> {
        let now = self.0.clock.now();
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let c = store::challenges::by_handle_for_update(&*tx, &hash_handle(handle))
            .await?
            .filter(|c| c.code_mac.is_some() && c.consumed_at.is_none() && c.expires_at > now)
            .ok_or(IdentityError::BadCode)?;
        let account = store::accounts::get(&*tx, c.account)
            .await?
            .ok_or(IdentityError::BadCode)?;
        if c.sends >= i32::try_from(self.0.cfg.max_sends.get()).unwrap_or(i32::MAX) {
            return Err(IdentityError::ResendRefused { retry_at: None });
        }
        let retry_at = c.last_sent_at + TimeDelta::seconds(i64::from(self.0.cfg.resend_after_secs));
        if now < retry_at {
            return Err(IdentityError::ResendRefused {
                retry_at: Some(retry_at),
            });
        }
        let phone = c.target.clone().unwrap_or_else(|| account.phone.clone());
        let code = new_code();
        let expires_at = now + self.code_life();
        store::challenges::resend(
            &*tx,
            c.id,
            &code_mac(&self.0.secrets, c.id, &code)?,
            now,
            expires_at,
        )
        .await?;
        let text = messages::sms_code(language(&account), &code, self.code_life().num_minutes());
        notify::enqueue(
            &tx,
            self.0.clock.as_ref(),
            &c.purpose,
            &Notification::Sms { to: phone, text },
        )
        .await?;
        let e = meta
            .event(
                "auth.code_resend",
                Some((crate::audit::ActorKind::Subscriber, account.id)),
            )
            .on("challenge", c.id.to_string())
            .with_details(serde_json::json!({"purpose": c.purpose, "sends": c.sends + 1}));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(Issued {
            handle: handle.to_owned(),
            expires_at,
        })
    }
}
