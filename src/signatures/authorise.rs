//! Authorising signatures: the holder confirms with the second factor an operation that names
//! the credential and the hashes (the SMS shows their first bytes), then the PIN opens the key
//! in the vault for exactly those hashes (SCAL2) for a short time.

use super::subject::{Resolved, Subject};
use super::views::AuthorisationView;
use super::{Credential, CredentialId, SignatureError, Signatures};
use crate::identity::confirm::{Operation, PendingConfirmation};
use crate::identity::{Person, RequestMeta};
use crate::signing::{AuthoriseRequest, KeyHolder, OwnerId, Pin};
use std::time::Duration;

/// How long an authorisation lives when the holder does not say.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);

/// What the holder sends to authorise.
pub struct Authorise<'a> {
    /// The signing PIN.
    pub pin: &'a str,
    /// The confirmation handle.
    pub confirmation: &'a str,
    /// Its one-time code.
    pub code: &'a str,
    /// Exactly what may be signed.
    pub subject: Subject,
    /// Seconds the authorisation lives (capped by configuration).
    pub lifetime_secs: Option<u64>,
}

/// The operation the one-time code confirms: this credential signing these hashes (the text
/// names the documents when they are stored here).
fn signing_operation(c: &Credential, what: &Resolved) -> Operation {
    Operation {
        target: format!("sign:{}:{}", c.id.0, what.hashes.fingerprint()),
        en: format!("sign {} with certificate {}", what.describe(true), c.serial),
        ru: format!(
            "подписать {} сертификатом {}",
            what.describe(false),
            c.serial
        ),
    }
}

/// The custody's view of who is acting.
pub(super) fn key_holder(person: &Person, meta: &RequestMeta) -> KeyHolder {
    KeyHolder::new(
        OwnerId(person.account.0),
        meta.request_id.clone(),
        Some(meta.client_ip.clone()),
    )
}

impl Signatures {
    /// Start the second-factor confirmation of signing `subject` with the credential.
    pub async fn confirmation(
        &self,
        person: &Person,
        meta: &RequestMeta,
        credential: CredentialId,
        subject: &Subject,
    ) -> Result<PendingConfirmation, SignatureError> {
        let c = self.usable(person.account.0, credential).await?;
        let what = self.resolve(person.account.0, subject).await?;
        let op = signing_operation(&c, &what);
        Ok(self
            .0
            .identity
            .confirmation_start(person, &op, meta)
            .await?)
    }

    /// Authorise: the one-time code for exactly this credential and these hashes, then the
    /// PIN (wrong ones count toward the key's lock). Returns the SAD, shown only here.
    pub async fn authorise(
        &self,
        person: &Person,
        meta: &RequestMeta,
        credential: CredentialId,
        input: Authorise<'_>,
    ) -> Result<AuthorisationView, SignatureError> {
        let c = self.usable(person.account.0, credential).await?;
        let pin = Pin::presented(input.pin)?;
        let what = self.resolve(person.account.0, &input.subject).await?;
        let op = signing_operation(&c, &what);
        self.0
            .identity
            .confirm(person, input.confirmation, input.code, &op.target, meta)
            .await?;
        let granted = self
            .0
            .custody
            .authorise(
                &key_holder(person, meta),
                AuthoriseRequest {
                    key: c.key,
                    pin,
                    count: u32::try_from(what.hashes.values.len()).unwrap_or(u32::MAX),
                    hashes: Some(what.hashes.values),
                    lifetime: input.lifetime_secs.map_or(
                        DEFAULT_LIFETIME.min(self.0.max_lifetime),
                        Duration::from_secs,
                    ),
                },
            )
            .await?;
        Ok(AuthorisationView {
            sad: granted.sad.expose(),
            count: granted.count,
            expires_at: granted.expires_at,
        })
    }
}
