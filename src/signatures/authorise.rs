//! Authorising signatures: the holder confirms with the second factor an operation that names
//! the credential and the hashes (the SMS shows their first bytes), then the PIN opens the key
//! in the vault for exactly those hashes (SCAL2) for a short time.

use super::subject::{Resolved, Subject};
use super::views::AuthorisationView;
use super::{Credential, CredentialId, Reach, SignatureError, Signatures};
use crate::identity::confirm::{ConfirmFactor, Operation, PendingConfirmation};
use crate::identity::{Person, RequestMeta};
use crate::said;
use crate::signing::{AuthoriseRequest, KeyHolder, OwnerId, Pin, Sad, SigningError};
use std::time::Duration;

/// How long an authorisation lives when the holder does not say.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);

/// What the holder sends to authorise.
pub struct Authorise<'a> {
    /// The signing PIN.
    pub pin: &'a str,
    /// The confirmation handle and its one-time code: a person's second factor. A folder
    /// agent sends neither: its machine credential stands in for them, for its seal only.
    pub second_factor: Option<(&'a str, &'a str)>,
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

/// The operation a CSC `sendOTP` without hashes confirms: this credential signing what the
/// holder names when authorising (CSC 1.0.4 sends the code before the hashes are known). The
/// SAD is still bound to the hashes given with the PIN.
fn credential_operation(c: &Credential) -> Operation {
    Operation {
        target: format!("sign:{}:any", c.id.0),
        en: format!(
            "sign with certificate {} (the documents are fixed when you authorise)",
            c.serial
        ),
        ru: format!(
            "подписать документы сертификатом {} (документы фиксируются при авторизации)",
            c.serial
        ),
    }
}

/// What a holder sends to authorise through a protocol that carries only the code (CSC).
pub struct AuthoriseByCode<'a> {
    /// The signing PIN.
    pub pin: &'a str,
    /// The one-time code: from the SMS `send_code` asked for, or the authenticator app.
    pub code: &'a str,
    /// Exactly what may be signed.
    pub subject: Subject,
    /// Seconds the authorisation lives (capped by configuration).
    pub lifetime_secs: Option<u64>,
}

/// The custody's view of who is acting.
pub(crate) fn key_holder(person: &Person, meta: &RequestMeta) -> KeyHolder {
    let holder = KeyHolder::new(
        OwnerId(person.account.0),
        meta.request_id.clone(),
        Some(meta.client_ip.clone()),
    );
    match person.agent {
        Some(a) => holder.through_agent(a.id),
        None => holder,
    }
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
        let c = self.usable(Reach::of(person), credential).await?;
        let what = self.resolve(person.account.0, subject).await?;
        let op = signing_operation(&c, &what);
        Ok(self
            .0
            .identity
            .confirmation_start(person, &op, meta)
            .await?)
    }

    /// Authorise: the one-time code for exactly this credential and these hashes, then the
    /// PIN (wrong ones count toward the key's lock). Returns the SAD, shown only here. A
    /// folder agent authorises its seal with the PIN alone (DESIGN §3); a personal
    /// signature always needs the person's code.
    pub async fn authorise(
        &self,
        person: &Person,
        meta: &RequestMeta,
        credential: CredentialId,
        input: Authorise<'_>,
    ) -> Result<AuthorisationView, SignatureError> {
        let c = self.usable(Reach::of(person), credential).await?;
        let pin = Pin::presented(input.pin)?;
        let what = self.resolve(person.account.0, &input.subject).await?;
        match (person.agent, input.second_factor) {
            (Some(_), Some(_)) => {
                return Err(SignatureError::Invalid(said!(
                    "a folder agent authorises its seal with the PIN alone: send no confirmation or code",
                    "агент каталога авторизует печать только PIN-кодом: не передавайте подтверждение и код"
                )));
            }
            (Some(_), None) if c.seal => {}
            (Some(_), None) => return Err(SignatureError::NotFound),
            (None, None) => {
                return Err(SignatureError::Invalid(said!(
                    "send the confirmation and its one-time code with the PIN",
                    "передайте подтверждение и его одноразовый код вместе с PIN-кодом"
                )));
            }
            (None, Some((confirmation, code))) => {
                let op = signing_operation(&c, &what);
                self.0
                    .identity
                    .confirm(person, confirmation, code, &op.target, meta)
                    .await?;
            }
        }
        self.grant(person, meta, &c, pin, what, input.lifetime_secs)
            .await
    }

    /// Send the one-time code for signing with the credential (CSC `sendOTP`): naming the
    /// hashes when they are given, else the credential alone. A TOTP user is sent nothing
    /// (their code comes from the app): `Ok(false)`.
    pub async fn send_code(
        &self,
        person: &Person,
        meta: &RequestMeta,
        credential: CredentialId,
        subject: Option<&Subject>,
    ) -> Result<bool, SignatureError> {
        let c = self.usable(Reach::of(person), credential).await?;
        let op = match subject {
            Some(subject) => signing_operation(&c, &self.resolve(person.account.0, subject).await?),
            None => credential_operation(&c),
        };
        let pending = self
            .0
            .identity
            .confirmation_start(person, &op, meta)
            .await?;
        Ok(pending.factor == ConfirmFactor::Sms)
    }

    /// Authorise with the PIN and a code answered without a handle (CSC `authorize`): the
    /// code confirms these hashes, or the credential when `send_code` named no hashes; the SAD
    /// is bound to the hashes either way.
    pub async fn authorise_by_code(
        &self,
        person: &Person,
        meta: &RequestMeta,
        credential: CredentialId,
        input: AuthoriseByCode<'_>,
    ) -> Result<AuthorisationView, SignatureError> {
        let c = self.usable(Reach::of(person), credential).await?;
        let pin = Pin::presented(input.pin)?;
        let what = self.resolve(person.account.0, &input.subject).await?;
        let bound = signing_operation(&c, &what);
        let wide = credential_operation(&c);
        self.0
            .identity
            .confirm_open(person, &[&bound.target, &wide.target], input.code, meta)
            .await?;
        self.grant(person, meta, &c, pin, what, input.lifetime_secs)
            .await
    }

    /// The PIN opens the key for exactly `what` (its hashes) for the lifetime asked.
    async fn grant(
        &self,
        person: &Person,
        meta: &RequestMeta,
        c: &Credential,
        pin: Pin,
        what: Resolved,
        lifetime_secs: Option<u64>,
    ) -> Result<AuthorisationView, SignatureError> {
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
                    lifetime: lifetime_secs.map_or(
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

    /// Renew a SAD's life (CSC `extendTransaction`) for hashes it covers, with the credential
    /// it was granted for; the same SAD comes back with its new end of life.
    pub async fn extend(
        &self,
        person: &Person,
        meta: &RequestMeta,
        credential: CredentialId,
        sad: &str,
        subject: &Subject,
    ) -> Result<AuthorisationView, SignatureError> {
        let c = self.usable(Reach::of(person), credential).await?;
        let parsed = Sad::parse(sad).ok_or(SigningError::SadInvalid)?;
        let holder = key_holder(person, meta);
        if self.0.custody.authorised_key(&holder, &parsed).await? != c.key {
            return Err(SigningError::SadInvalid.into());
        }
        let what = self.resolve(person.account.0, subject).await?;
        let extended = self
            .0
            .custody
            .extend(
                &holder,
                &parsed,
                &what.hashes.values,
                DEFAULT_LIFETIME.min(self.0.max_lifetime),
            )
            .await?;
        Ok(AuthorisationView {
            sad: sad.to_owned(),
            count: extended.remaining,
            expires_at: extended.expires_at,
        })
    }
}
