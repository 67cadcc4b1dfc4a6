//! Confirming one operation with the second factor (step-up): activating a certificate,
//! revoking it, authorising signatures. The SMS names the operation, so a person who did not
//! start it learns what they would be approving; a TOTP user is sent nothing. The challenge is
//! bound to the operation's target, so a code confirming one act cannot confirm another.

use super::challenge::{Issued, Proof, language};
use super::codes::hash_handle;
use super::values::Language;
use super::{Identity, IdentityError, Person, RequestMeta};
use crate::{audit, store};
use serde::Serialize;
use utoipa::ToSchema;

const PURPOSE: &str = "confirm";

/// An operation to confirm, described for the SMS in both languages.
#[derive(Debug, Clone)]
pub struct Operation {
    /// What it binds to, e.g. `activate:<application id>`.
    pub target: String,
    /// "activate the certificate of application 100001".
    pub en: String,
    /// "активировать сертификат по заявке 100001".
    pub ru: String,
}

/// How the confirmation will be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmFactor {
    /// A code was sent by SMS.
    Sms,
    /// Use the authenticator app (or a recovery code).
    Totp,
}

/// A started confirmation.
#[derive(Debug)]
pub struct PendingConfirmation {
    /// The challenge to answer.
    pub challenge: Issued,
    /// By what.
    pub factor: ConfirmFactor,
}

impl Identity {
    /// Start confirming `op` for `person`.
    pub async fn confirmation_start(
        &self,
        person: &Person,
        op: &Operation,
        meta: &RequestMeta,
    ) -> Result<PendingConfirmation, IdentityError> {
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let account = store::accounts::get(&*tx, person.account.0)
            .await?
            .filter(|a| a.disabled_at.is_none())
            .ok_or(IdentityError::NotFound)?;
        let target = Some(op.target.clone());
        let (challenge, factor) = if account.totp_confirmed_at.is_some() {
            let c = self
                .issue_silent(&tx, &account, PURPOSE, Vec::new(), target)
                .await?;
            (c, ConfirmFactor::Totp)
        } else {
            let minutes = self.code_life().num_minutes();
            let text = |code: &str| match language(&account) {
                Language::En => format!(
                    "cloudseal code {code} to {}. Valid {minutes} min. If this was not you, \
                     do not enter it.",
                    op.en
                ),
                Language::Ru => format!(
                    "Код cloudseal {code}: {}. Действует {minutes} мин. Если это не вы, \
                     не вводите его.",
                    op.ru
                ),
            };
            let phone = account.phone.clone();
            let c = self
                .issue_sms(&tx, &account, PURPOSE, &phone, Vec::new(), target, text)
                .await?;
            (c, ConfirmFactor::Sms)
        };
        let e = person
            .event(meta, "auth.confirm_start")
            .with_details(serde_json::json!({ "target": op.target, "factor": factor }));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(PendingConfirmation { challenge, factor })
    }

    /// Answer the confirmation of `target` for `person`; a wrong code counts toward the lock.
    pub async fn confirm(
        &self,
        person: &Person,
        handle: &str,
        code: &str,
        target: &str,
        meta: &RequestMeta,
    ) -> Result<Proof, IdentityError> {
        self.confirm_hash(person, hash_handle(handle), code, &[target], meta)
            .await
    }

    /// Answer a confirmation the caller holds no handle for (the CSC API sends only the code):
    /// the person's newest open confirmation of one of `targets`, or — for a TOTP user, who
    /// starts nothing beforehand — a confirmation of the first target opened and answered at
    /// once. A wrong code counts toward the lock like any other.
    pub async fn confirm_open(
        &self,
        person: &Person,
        targets: &[&str],
        code: &str,
        meta: &RequestMeta,
    ) -> Result<Proof, IdentityError> {
        let first = *targets.first().ok_or(IdentityError::BadCode)?;
        let mut client = self.0.db.client().await?;
        let now = self.0.clock.now();
        let open =
            store::challenges::open_for(&**client, person.account.0, PURPOSE, targets, now).await?;
        let hash = match open {
            Some(hash) => hash,
            None => {
                let tx = client.transaction().await?;
                let account = store::accounts::get(&*tx, person.account.0)
                    .await?
                    .filter(|a| a.disabled_at.is_none())
                    .ok_or(IdentityError::NotFound)?;
                if account.totp_confirmed_at.is_none() {
                    // Nothing was sent for this: no code can be right, and the attempt counts.
                    drop(tx);
                    drop(client);
                    return self
                        .confirm_hash(person, vec![0; 32], code, targets, meta)
                        .await;
                }
                let issued = self
                    .issue_silent(&tx, &account, PURPOSE, Vec::new(), Some(first.to_owned()))
                    .await?;
                tx.commit().await?;
                hash_handle(&issued.handle)
            }
        };
        drop(client);
        self.confirm_hash(person, hash, code, targets, meta).await
    }

    async fn confirm_hash(
        &self,
        person: &Person,
        hash: Vec<u8>,
        code: &str,
        targets: &[&str],
        meta: &RequestMeta,
    ) -> Result<Proof, IdentityError> {
        let mut client = self.0.db.client().await?;
        let (tx, challenge, account, proof) = self
            .answer_hash(&mut client, hash, code, &[PURPOSE], meta, "auth.confirm")
            .await?;
        let target = challenge.target.clone().unwrap_or_default();
        if account.id != person.account.0 || !targets.contains(&target.as_str()) {
            tx.rollback().await?;
            return Err(IdentityError::BadCode);
        }
        let e = person
            .event(meta, "auth.confirm")
            .with_details(serde_json::json!({ "target": target, "amr": proof.amr() }));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(proof)
    }
}
