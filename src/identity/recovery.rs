//! Passwords after the first: change (the current one asked and counted), reset by an emailed
//! link (the answer never says whether the address has an account), and the first password of
//! a staff member, chosen from the link their admin's act sent. A new password ends the
//! account's other sessions.

use super::limits::{Counter, Reserved};
use super::messages::LinkPurpose;
use super::password::Password;
use super::values::{Email, NewPassword};
use super::{AccountId, Identity, IdentityError, Person, RequestMeta};
use crate::audit;
use crate::store::{self, Client, accounts::AccountRow};

/// Path of the password reset link (and of a new staff member's first password): the
/// cabinet's page that asks for the new password twice.
pub const PASSWORD_LINK_PATH: &str = "/password-reset";

impl Identity {
    /// Check the signed-in person's current password under the attempt limits; on success the
    /// caller forgives the reservation in its own transaction.
    pub(crate) async fn check_own_password(
        &self,
        person: &Person,
        password: &Password,
        meta: &RequestMeta,
    ) -> Result<(Client, Reserved, AccountRow), IdentityError> {
        let reserved = self
            .0
            .limits
            .reserve(
                &self.0.db,
                self.0.clock.as_ref(),
                vec![
                    Counter::Account(person.account.0),
                    Counter::Address(meta.client_ip.clone()),
                ],
                person.event(meta, "auth.password"),
            )
            .await?;
        let client = self.0.db.client().await?;
        let account = store::accounts::get(&**client, person.account.0)
            .await?
            .ok_or(IdentityError::NotFound)?;
        drop(client);
        let checked = self
            .0
            .passwords
            .check(password, account.password_hash.as_deref())
            .await?;
        let mut client = self.0.db.client().await?;
        if checked.ok {
            return Ok((client, reserved, account));
        }
        let tx = client.transaction().await?;
        let e = person
            .event(meta, "auth.password")
            .with_details(serde_json::json!({"reason": "bad_credentials"}));
        Err(self
            .0
            .limits
            .refuse(
                tx,
                self.0.clock.as_ref(),
                reserved,
                e,
                IdentityError::BadCredentials,
            )
            .await)
    }

    /// Change the password; other sessions end.
    pub async fn change_password(
        &self,
        person: &Person,
        current: &Password,
        new: &str,
        meta: &RequestMeta,
    ) -> Result<(), IdentityError> {
        let client = self.0.db.client().await?;
        let email = store::accounts::get(&**client, person.account.0)
            .await?
            .map(|a| a.email)
            .ok_or(IdentityError::NotFound)?;
        drop(client);
        let new = NewPassword::parse(new, &Email::parse(&email)?)?;
        let (mut client, reserved, account) =
            self.check_own_password(person, current, meta).await?;
        let hash = self.0.passwords.hash(&new).await?;
        let tx = client.transaction().await?;
        self.0.limits.forgive(&tx, reserved).await?;
        store::accounts::set_password(&*tx, account.id, &hash).await?;
        let ended = self
            .end_other_sessions(&tx, account.id, Some(person.session.0), "password_change")
            .await?;
        let e = person
            .event(meta, "account.change_password")
            .on("account", account.id.to_string())
            .with_details(serde_json::json!({"other_sessions_ended": ended}));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Send a reset link if `email` has an account; the caller answers the same either way.
    pub async fn request_password_reset(
        &self,
        email: &Email,
        meta: &RequestMeta,
    ) -> Result<(), IdentityError> {
        let mut client = self.0.db.client().await?;
        let Some(account) = store::accounts::by_email(&**client, email.as_str())
            .await?
            .filter(|a| a.disabled_at.is_none())
        else {
            return Ok(());
        };
        let tx = client.transaction().await?;
        self.issue_link(
            &tx,
            &account,
            "password_reset",
            LinkPurpose::ResetPassword,
            PASSWORD_LINK_PATH,
            &account.email,
            None,
        )
        .await?;
        let e = self
            .actor_event(meta, &account, "account.password_reset_request")
            .on("account", account.id.to_string());
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Choose a new password from an emailed link (a reset, or a new staff member's first);
    /// every session of the account ends, and following the link confirms the email.
    pub async fn reset_password(
        &self,
        token: &str,
        new: &str,
        meta: &RequestMeta,
    ) -> Result<AccountId, IdentityError> {
        let mut client = self.0.db.client().await?;
        let (tx, challenge, account) = self
            .spend_link(&mut client, token, &["password_reset", "set_password"])
            .await?;
        let new = NewPassword::parse(new, &Email::parse(&account.email)?)?;
        let hash = self.0.passwords.hash(&new).await?;
        store::accounts::set_password(&*tx, account.id, &hash).await?;
        store::accounts::confirm_email(&*tx, account.id, self.0.clock.now()).await?;
        let ended = self
            .end_other_sessions(&tx, account.id, None, "password_reset")
            .await?;
        self.0
            .limits
            .unlock(
                &tx,
                self.0.clock.as_ref(),
                &[Counter::Login(format!("email:{}", account.email))],
            )
            .await?;
        let e = self
            .actor_event(meta, &account, "account.password_reset")
            .on("account", account.id.to_string())
            .with_details(serde_json::json!({"via": challenge.purpose, "sessions_ended": ended}));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(AccountId(account.id))
    }
}
