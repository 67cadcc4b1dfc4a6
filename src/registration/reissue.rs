//! Reissue while the certificate is still valid: authorised by the current key itself (its
//! PIN opens it in the vault to sign a reissue statement) and the second factor, without a new
//! visit. In one transaction a new key of the same algorithm is born, the new certificate
//! issued and made active, and the old one revoked as superseded. After expiry a new
//! application is needed.

use super::activation::subject_of;
use super::views::{CertificateView, certificate_view};
use super::{Registration, RegistrationError};
use crate::audit;
use crate::identity::confirm::{Operation, PendingConfirmation};
use crate::identity::{Person, RequestMeta};
use crate::pki::revocation::RevocationReason;
use crate::pki::scheme::SignatureScheme;
use crate::said;
use crate::signing::{AuthoriseRequest, KeyHolder, KeyId, OwnerId, Pin, SignItem};
use crate::store::{self, certificates as sql};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// What the holder sends to reissue.
pub struct Reissue<'a> {
    /// The current key's PIN.
    pub pin: &'a str,
    /// A new PIN for the new key (the current one is kept when absent).
    pub new_pin: Option<&'a str>,
    /// The confirmation handle.
    pub confirmation: &'a str,
    /// Its code.
    pub code: &'a str,
}

fn operation(certificate: Uuid, serial: &str) -> Operation {
    Operation {
        target: format!("reissue:{certificate}"),
        en: format!("reissue certificate {serial} with a new key"),
        ru: format!("перевыпустить сертификат {serial} с новым ключом"),
    }
}

impl Registration {
    /// The active, unexpired cloud certificate of the holder that may be reissued.
    async fn reissuable(
        &self,
        person: &Person,
        id: Uuid,
    ) -> Result<sql::CertificateRow, RegistrationError> {
        let client = self.0.db.client().await?;
        let row = sql::get_owned(&**client, id, person.account.0)
            .await?
            .ok_or(RegistrationError::NotFound)?;
        let now = self.0.clock.now();
        if row.status != "active" {
            return Err(RegistrationError::Precondition(said!(
                "only an active certificate can be reissued",
                "перевыпустить можно только действующий сертификат"
            )));
        }
        if row.not_after.is_none_or(|t| t <= now) {
            return Err(RegistrationError::Precondition(said!(
                "the certificate has expired; a new certificate needs a new application",
                "срок сертификата истёк; новому сертификату нужна новая заявка"
            )));
        }
        if row.key_id.is_none() {
            return Err(RegistrationError::Precondition(said!(
                "an own-key certificate is renewed by a new application with a new request",
                "сертификат с собственным ключом обновляется новой заявкой с новым запросом"
            )));
        }
        Ok(row)
    }

    /// Start the second-factor confirmation of a reissue.
    pub async fn reissue_confirmation(
        &self,
        person: &Person,
        meta: &RequestMeta,
        id: Uuid,
    ) -> Result<PendingConfirmation, RegistrationError> {
        let row = self.reissuable(person, id).await?;
        let op = operation(id, &hex::encode(row.serial.unwrap_or_default()));
        Ok(self
            .0
            .identity
            .confirmation_start(person, &op, meta)
            .await?)
    }

    /// Reissue: second factor, then the current key signs the reissue statement under its
    /// PIN (wrong PINs count toward the key's lock), then the new key and certificate replace
    /// the old in one transaction.
    pub async fn reissue(
        &self,
        person: &Person,
        meta: &RequestMeta,
        id: Uuid,
        input: Reissue<'_>,
    ) -> Result<CertificateView, RegistrationError> {
        let old = self.reissuable(person, id).await?;
        let serial = old.serial.clone().unwrap_or_default();
        let op = operation(id, &hex::encode(&serial));
        let new_pin = Pin::new_pin(input.new_pin.unwrap_or(input.pin))?;
        self.0
            .identity
            .confirm(person, input.confirmation, input.code, &op.target, meta)
            .await?;
        let holder = KeyHolder::new(
            OwnerId(person.account.0),
            meta.request_id.clone(),
            Some(meta.client_ip.clone()),
        );
        let key = KeyId(old.key_id.unwrap_or_default());
        let algorithm = self.0.custody.key(&holder, key).await?.algorithm;
        let statement = format!(
            "cloudseal reissue of certificate {id} serial {} at {}",
            hex::encode(&serial),
            self.0.clock.now().to_rfc3339()
        );
        let digest = Sha256::digest(statement.as_bytes()).to_vec();
        let granted = self
            .0
            .custody
            .authorise(
                &holder,
                AuthoriseRequest {
                    key,
                    pin: Pin::presented(input.pin)?,
                    hashes: Some(vec![digest.clone()]),
                    count: 1,
                    lifetime: std::time::Duration::from_secs(60),
                },
            )
            .await?;
        let scheme = algorithm.default_scheme();
        let signed_input = match scheme {
            SignatureScheme::Ed25519 => statement.as_bytes().to_vec(),
            _ => digest.clone(),
        };
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let (proof, spent) = self
            .0
            .custody
            .sign(
                &tx,
                &holder,
                &granted.sad,
                vec![SignItem {
                    bound_hash: digest,
                    scheme,
                    input: signed_input,
                }],
            )
            .await?;
        let locked = sql::get_for_update(&*tx, id)
            .await?
            .filter(|c| c.status == "active")
            .ok_or_else(|| {
                RegistrationError::Precondition(said!(
                    "the certificate is no longer active",
                    "сертификат больше не действует"
                ))
            })?;
        let app = store::applications::get_for_update(
            &*tx,
            locked.application_id,
            store::applications::Visibility::Account(person.account.0),
        )
        .await?
        .ok_or(RegistrationError::NotFound)?;
        let email = store::accounts::get(&*tx, person.account.0)
            .await?
            .map(|a| a.email)
            .unwrap_or_default();
        let data = subject_of(&app, &email)?;
        let new_key = self
            .0
            .custody
            .create_key_in(&tx, &holder, algorithm, &new_pin)
            .await?;
        let new_id = Uuid::new_v4();
        let now = self.0.clock.now();
        sql::insert_pending(&*tx, new_id, app.id, person.account.0, Some(id), now).await?;
        self.issue_into(
            &tx,
            new_id,
            &app,
            data,
            Some(new_key.id.0),
            new_key.public_key,
        )
        .await?;
        let event = person
            .event(meta, "certificate.revoke")
            .with_details(serde_json::json!({ "superseded_by": new_id }));
        let at = self
            .0
            .registry
            .revoke_credential_in(&tx, id, &serial, RevocationReason::Superseded, event)
            .await?;
        sql::revoke(&*tx, id, "superseded by reissue", at).await?;
        let e = person
            .event(meta, "certificate.reissue")
            .on("certificate", new_id.to_string())
            .with_details(serde_json::json!({
                "replaces": id,
                "proof_signature": hex::encode(proof.first().map(Vec::as_slice).unwrap_or_default()),
                "product_kind": app.product_kind,
            }));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        self.0.custody.settle(spent).await;
        let client = self.0.db.client().await?;
        let row = sql::get_owned(&**client, new_id, person.account.0)
            .await?
            .ok_or(RegistrationError::NotFound)?;
        Ok(certificate_view(&row, self.0.clock.now()))
    }
}
