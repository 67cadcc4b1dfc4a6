//! Logging in: a password then a second factor (SMS code, or TOTP / recovery code once TOTP is
//! confirmed), or — for subscribers who chose it — phone and SMS code alone. Every refusal reads
//! the same whether or not the account exists, and takes as long.

use super::challenge::{Issued, Proof};
use super::limits::Counter;
use super::password::Password;
use super::sessions::{NewSession, SessionKind};
use super::values::{Email, Phone};
use super::{Identity, IdentityError, RequestMeta, Role};
use crate::audit;
use crate::said;
use crate::store::{self, accounts::AccountRow};

/// The factor a login in progress waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Factor {
    /// A code sent by SMS.
    Sms,
    /// A code from the authenticator app (or a recovery code).
    Totp,
}

/// A login whose password was right, waiting for the second factor.
#[derive(Debug, Clone)]
pub struct PendingLogin {
    /// Answer with this handle.
    pub challenge: Issued,
    /// The factor asked for.
    pub factor: Factor,
    /// The masked phone the code went to (SMS).
    pub sent_to: Option<String>,
}

/// A login name: an email or a phone.
fn login_name(raw: &str) -> Option<(String, bool)> {
    if let Ok(e) = Email::parse(raw) {
        return Some((format!("email:{}", e.as_str()), true));
    }
    Phone::parse(raw)
        .ok()
        .map(|p| (format!("phone:{}", p.as_str()), false))
}

impl Identity {
    /// First step: check the password of the account whose email or phone is `login`.
    pub async fn login_password(
        &self,
        login: &str,
        password: &Password,
        meta: &RequestMeta,
    ) -> Result<PendingLogin, IdentityError> {
        let (name, by_email) = login_name(login).ok_or_else(|| {
            IdentityError::Invalid(said!(
                "Log in with your email address or phone number.",
                "Войдите по адресу электронной почты или номеру телефона."
            ))
        })?;
        let value = name
            .split_once(':')
            .map(|(_, v)| v)
            .unwrap_or_default()
            .to_owned();
        let client = self.0.db.client().await?;
        let account = if by_email {
            store::accounts::by_email(&**client, &value).await?
        } else {
            store::accounts::by_phone(&**client, &value).await?
        };
        // No connection is held while the password is hashed.
        drop(client);
        let actor = account.as_ref().map(|a| {
            let role = Role::parse(&a.role).unwrap_or(Role::Subscriber);
            (super::actor_kind(role), a.id)
        });
        let reserved = self
            .0
            .limits
            .reserve(
                &self.0.db,
                self.0.clock.as_ref(),
                vec![
                    Counter::Login(name),
                    Counter::Address(meta.client_ip.clone()),
                ],
                meta.event("auth.login", actor),
            )
            .await?;
        let stored = account.as_ref().and_then(|a| a.password_hash.as_deref());
        let checked = self.0.passwords.check(password, stored).await?;
        let usable = account.as_ref().filter(|a| a.disabled_at.is_none());
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let Some(account) = usable.filter(|_| checked.ok) else {
            let e = meta
                .event("auth.login", actor)
                .with_details(serde_json::json!({"reason": "bad_credentials", "step": "password"}));
            return Err(self
                .0
                .limits
                .refuse(
                    tx,
                    self.0.clock.as_ref(),
                    reserved,
                    e,
                    IdentityError::BadCredentials,
                )
                .await);
        };
        self.0.limits.forgive(&tx, reserved).await?;
        if checked.rehash {
            let fresh = super::values::NewPassword::rehash(password);
            let hash = self.0.passwords.hash(&fresh).await?;
            store::accounts::set_password(&*tx, account.id, &hash).await?;
        }
        if account.email_verified_at.is_none() || account.phone_verified_at.is_none() {
            tx.commit().await?;
            return Err(IdentityError::NotConfirmed);
        }
        let pending = self.ask_second_factor(&tx, account).await?;
        let e = self
            .actor_event(meta, account, "auth.password")
            .with_details(serde_json::json!({"second_factor": pending.factor}));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(pending)
    }

    async fn ask_second_factor(
        &self,
        tx: &store::Transaction<'_>,
        account: &AccountRow,
    ) -> Result<PendingLogin, IdentityError> {
        let proved = vec!["pwd".to_owned()];
        if account.second_factor == "totp" && account.totp_confirmed_at.is_some() {
            let challenge = self
                .issue_silent(tx, account, "login", proved, None)
                .await?;
            return Ok(PendingLogin {
                challenge,
                factor: Factor::Totp,
                sent_to: None,
            });
        }
        let challenge = self
            .issue_code(tx, account, "login", &account.phone, proved, None)
            .await?;
        let sent_to = super::values::Phone::parse(&account.phone)
            .ok()
            .map(|p| p.masked());
        Ok(PendingLogin {
            challenge,
            factor: Factor::Sms,
            sent_to,
        })
    }

    /// Second step: answer the challenge; a right answer opens a session of `kind`.
    pub async fn login_second_factor(
        &self,
        handle: &str,
        code: &str,
        kind: SessionKind,
        meta: &RequestMeta,
    ) -> Result<NewSession, IdentityError> {
        let mut client = self.0.db.client().await?;
        let (tx, challenge, account, proof) = self
            .answer(
                &mut client,
                handle,
                code,
                &["login", "sms_login"],
                meta,
                "auth.login",
            )
            .await?;
        let mut amr = challenge.proved.clone();
        amr.push(proof.amr().to_owned());
        let session = self.open_session(&tx, &account, kind, amr, meta).await?;
        let mut details = serde_json::json!({"amr": session.amr, "kind": kind.as_str()});
        if proof == Proof::Recovery {
            let left = store::accounts::recovery_codes_left(&*tx, account.id).await?;
            details["recovery_codes_left"] = left.into();
        }
        let e = self
            .actor_event(meta, &account, "auth.login")
            .on("session", session.id.to_string())
            .with_details(details);
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Phone login, first step: a code goes to the phone if it belongs to a subscriber who chose
    /// SMS login. The answer looks the same either way; a handle that leads nowhere is returned
    /// for a number without such an account.
    pub async fn sms_login_start(
        &self,
        phone: &Phone,
        meta: &RequestMeta,
    ) -> Result<Issued, IdentityError> {
        let mut client = self.0.db.client().await?;
        let account = store::accounts::by_phone(&**client, phone.as_str())
            .await?
            .filter(|a| {
                a.sms_login
                    && a.disabled_at.is_none()
                    && a.phone_verified_at.is_some()
                    && a.email_verified_at.is_some()
            });
        let pause = chrono::TimeDelta::seconds(i64::from(self.0.cfg.resend_after_secs));
        let recent = match &account {
            Some(a) => store::challenges::last_sent(&**client, a.id, "sms_login")
                .await?
                .is_some_and(|at| at + pause > self.0.clock.now()),
            None => false,
        };
        // A number without SMS login, or one sent a code moments ago (no SMS flood), gets a
        // handle that leads nowhere; the answer looks the same.
        let Some(account) = account.filter(|_| !recent) else {
            let (handle, _) = super::codes::new_handle();
            return Ok(Issued {
                handle,
                expires_at: self.0.clock.now()
                    + chrono::TimeDelta::seconds(i64::from(self.0.cfg.code_ttl_secs.get())),
            });
        };
        let tx = client.transaction().await?;
        let issued = self
            .issue_code(&tx, &account, "sms_login", &account.phone, Vec::new(), None)
            .await?;
        let e = self.actor_event(meta, &account, "auth.sms_login_start");
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(issued)
    }
}
