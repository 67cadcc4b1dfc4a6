//! Encryption keys of credentials (issue 9): the holder asks, with the credential's PIN, for
//! a key-agreement key in the vault and its certificate; counterparties fetch that certificate
//! to encrypt files to the holder; and the holder — a person with PIN and one-time code, their
//! folder agent with the PIN alone — hands the vault one envelope's recipient entry and gets
//! back that envelope's content key. The content itself never passes through here: the
//! server keeps ciphertext, and whoever holds the content key decrypts it on their side.

use super::authorise::key_holder;
use super::credentials::Reach;
use super::{CredentialId, SignatureError, Signatures};
use crate::identity::confirm::{Operation, PendingConfirmation};
use crate::identity::{Person, RequestMeta};
use crate::pki::Ca;
use crate::pki::envelope::EnvelopeError;
use crate::pki::envelope::agree::{ContentKey, content_key, info_from_der};
use crate::pki::envelope::recipients::{Unlock, unlock_for};
use crate::pki::envelope::transport::{Padding, content_key_of};
use crate::pki::scheme::KeyAlgorithm;
use crate::said;
use crate::store::encryption_keys::{self as sql, EncryptionKeyRow};
use crate::vault::agreement::TransportPadding;
use chrono::{DateTime, Utc};
use der::Decode;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;
use x509_cert::Certificate;

/// An encryption certificate, as its holder and their counterparties see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EncryptionCertificateView {
    /// The credential (signature or seal certificate) it belongs to.
    pub credential_id: Uuid,
    /// Serial number, hex.
    pub serial: String,
    /// End of validity.
    pub not_after: DateTime<Utc>,
    /// The certificate, DER in base64.
    pub certificate: String,
}

fn view(e: &EncryptionKeyRow) -> EncryptionCertificateView {
    use base64::Engine;
    EncryptionCertificateView {
        credential_id: e.certificate_id,
        serial: hex::encode(&e.serial),
        not_after: e.not_after,
        certificate: base64::engine::general_purpose::STANDARD.encode(&e.der),
    }
}

/// What a person confirms with their code: opening the envelope whose recipient entry hashes
/// to `entry` with this credential's key.
fn decrypt_operation(credential: CredentialId, serial: &str, entry: &[u8; 32]) -> Operation {
    let short = hex::encode(&entry[..4]);
    Operation {
        target: format!("decrypt:{}:{}", credential.0, hex::encode(entry)),
        en: format!(
            "DECRYPT a file sent to you (entry {short}) with the key of certificate {serial}"
        ),
        ru: format!(
            "РАСШИФРОВАТЬ присланный вам файл (запись {short}) ключом сертификата {serial}"
        ),
    }
}

fn refused_entry(e: EnvelopeError) -> SignatureError {
    match e {
        EnvelopeError::NotForUs => SignatureError::Invalid(said!(
            "the recipient entry is not addressed to this credential's encryption certificate",
            "запись получателя адресована не сертификату шифрования этой подписи"
        )),
        EnvelopeError::WrongKey => SignatureError::Invalid(said!(
            "the recipient entry does not open with this key: it is damaged or was made for another key",
            "запись получателя не открывается этим ключом: она повреждена или сделана для другого ключа"
        )),
        other => SignatureError::Invalid(said!(
            "the recipient entry cannot be read: {}",
            "запись получателя не читается: {}",
            other
        )),
    }
}

impl Signatures {
    /// Give the credential an encryption key and certificate; the PIN is the credential's
    /// own and is checked (and counted) against its signature key first.
    pub async fn issue_encryption(
        &self,
        person: &Person,
        meta: &RequestMeta,
        id: CredentialId,
        pin: &str,
        algorithm: KeyAlgorithm,
    ) -> Result<EncryptionCertificateView, SignatureError> {
        let c = self.usable(Reach::of(person), id).await?;
        let already = || {
            SignatureError::Precondition(said!(
                "this credential already has an encryption certificate",
                "у этой подписи уже есть сертификат шифрования"
            ))
        };
        {
            let client = self.0.db.client().await?;
            if sql::of_credential(&**client, id.0, person.account.0)
                .await?
                .is_some()
            {
                return Err(already());
            }
        }
        let holder = key_holder(person, meta);
        let enc = Uuid::new_v4();
        let (sealed, kdf) = self
            .0
            .custody
            .create_encryption_key(&holder, c.key, enc, pin, algorithm)
            .await?;
        let now = self.0.clock.now();
        let registry = &self.0.registry;
        let (ca, urls, credential) = (
            registry.authority().clone(),
            registry.urls().clone(),
            c.certificate.clone(),
        );
        let public_key = sealed.public_key.clone();
        let der = registry
            .vault()
            .run(move |s| {
                Ok(crate::pki::encryption_cert::issue_encryption(
                    s,
                    &ca,
                    &urls,
                    &credential,
                    &public_key,
                    now,
                ))
            })
            .await
            .map_err(|e| SignatureError::Encoding(e.to_string()))?
            .map_err(|e| SignatureError::Encoding(e.to_string()))?;
        let cert = Certificate::from_der(&der)
            .map_err(|e| SignatureError::Encoding(format!("encryption certificate: {e}")))?;
        let row = EncryptionKeyRow {
            id: enc,
            certificate_id: id.0,
            account_id: person.account.0,
            key_id: c.key.0,
            public_key: sealed.public_key,
            sealed_key: sealed.blob,
            kdf_memory_kib: i32::try_from(kdf.memory_kib).unwrap_or(i32::MAX),
            kdf_iterations: i32::try_from(kdf.iterations).unwrap_or(i32::MAX),
            serial: cert.tbs_certificate.serial_number.as_bytes().to_vec(),
            der: der.clone(),
            not_after: crate::pki::time::to_chrono(&cert.tbs_certificate.validity.not_after),
            created_at: now,
        };
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        crate::certificates::registry::record(&*tx, Ca::Issuing, &der, now)
            .await
            .map_err(|e| SignatureError::Encoding(e.to_string()))?;
        if !sql::insert(&*tx, &row).await? {
            return Err(already());
        }
        self.0.custody.pin_opened(&*tx, c.key).await?;
        crate::audit::record(
            &tx,
            self.0.clock.as_ref(),
            person
                .event(meta, "encryption.issue")
                .on("certificate", hex::encode(&row.serial))
                .with_details(serde_json::json!({ "credential": id.0, "key": enc })),
        )
        .await
        .map_err(crate::signing::SigningError::from)?;
        tx.commit().await?;
        Ok(view(&row))
    }

    /// The credential's encryption certificate (404 when it has none).
    pub async fn encryption_certificate(
        &self,
        reach: Reach,
        id: CredentialId,
    ) -> Result<EncryptionCertificateView, SignatureError> {
        let client = self.0.db.client().await?;
        Self::row(&**client, reach, id).await?;
        sql::of_credential(&**client, id.0, reach.account())
            .await?
            .as_ref()
            .map(view)
            .ok_or(SignatureError::NotFound)
    }

    /// The encryption certificates one may encrypt to for `email`: the caller's own, or an
    /// accepted counterparty's. Anyone else's answers as not found, so the directory tells
    /// strangers nothing.
    pub async fn encryption_certificates_of(
        &self,
        person: &Person,
        email: &str,
    ) -> Result<Vec<EncryptionCertificateView>, SignatureError> {
        let client = self.0.db.client().await?;
        let Some(account) = crate::store::accounts::by_email(&**client, email.trim()).await? else {
            return Err(SignatureError::NotFound);
        };
        if account.id != person.account.0
            && !crate::store::counterparties::accepted_between(
                &**client,
                person.account.0,
                account.id,
            )
            .await?
        {
            return Err(SignatureError::NotFound);
        }
        Ok(
            sql::current_of_account(&**client, account.id, self.0.clock.now())
                .await?
                .iter()
                .map(view)
                .collect(),
        )
    }

    async fn encryption_key(
        &self,
        reach: Reach,
        id: CredentialId,
    ) -> Result<(String, EncryptionKeyRow), SignatureError> {
        let client = self.0.db.client().await?;
        let row = Self::row(&**client, reach, id).await?;
        let enc = sql::of_credential(&**client, id.0, reach.account())
            .await?
            .ok_or_else(|| {
                SignatureError::Precondition(said!(
                    "this credential has no encryption key",
                    "у этой подписи нет ключа шифрования"
                ))
            })?;
        Ok((hex::encode(row.serial.unwrap_or_default()), enc))
    }

    /// The credential's encryption certificate, parsed: which entry of an envelope is the
    /// holder's (a credential without one is refused as such).
    pub async fn decryption_certificate(
        &self,
        person: &Person,
        id: CredentialId,
    ) -> Result<Certificate, SignatureError> {
        let (_, enc) = self.encryption_key(Reach::of(person), id).await?;
        Certificate::from_der(&enc.der)
            .map_err(|e| SignatureError::Encoding(format!("encryption certificate: {e}")))
    }

    /// Start the confirmation a person's code answers before the vault opens one envelope.
    pub async fn decryption_confirmation(
        &self,
        person: &Person,
        meta: &RequestMeta,
        id: CredentialId,
        recipient_entry: &[u8],
    ) -> Result<PendingConfirmation, SignatureError> {
        if person.agent.is_some() {
            return Err(SignatureError::Invalid(said!(
                "a folder agent opens envelopes with the PIN alone; it needs no confirmation",
                "агент каталога открывает конверты только с PIN; подтверждение ему не нужно"
            )));
        }
        let (serial, enc) = self.encryption_key(Reach::of(person), id).await?;
        let cert = Certificate::from_der(&enc.der)
            .map_err(|e| SignatureError::Encoding(format!("encryption certificate: {e}")))?;
        let info = info_from_der(recipient_entry).map_err(refused_entry)?;
        unlock_for(std::slice::from_ref(&info), &cert).map_err(refused_entry)?;
        let entry: [u8; 32] = Sha256::digest(recipient_entry).into();
        Ok(self
            .0
            .identity
            .confirmation_start(person, &decrypt_operation(id, &serial, &entry), meta)
            .await?)
    }

    /// The content key of the envelope whose recipient entry (DER) is `recipient_entry`,
    /// opened by the credential's encryption key in the vault. A person confirms with their
    /// code (`second_factor`); a folder agent sends the PIN alone.
    pub async fn content_key(
        &self,
        person: &Person,
        meta: &RequestMeta,
        id: CredentialId,
        pin: &str,
        second_factor: Option<(&str, &str)>,
        recipient_entry: &[u8],
    ) -> Result<ContentKey, SignatureError> {
        let (serial, enc) = self.encryption_key(Reach::of(person), id).await?;
        let cert = Certificate::from_der(&enc.der)
            .map_err(|e| SignatureError::Encoding(format!("encryption certificate: {e}")))?;
        let info = info_from_der(recipient_entry).map_err(refused_entry)?;
        let (_, unlock) = unlock_for(std::slice::from_ref(&info), &cert).map_err(refused_entry)?;
        let entry: [u8; 32] = Sha256::digest(recipient_entry).into();
        match (person.agent.is_some(), second_factor) {
            (true, None) => {}
            (true, Some(_)) => {
                return Err(SignatureError::Invalid(said!(
                    "a folder agent sends the PIN alone, without a confirmation or code",
                    "агент каталога передаёт только PIN, без подтверждения и кода"
                )));
            }
            (false, None) => {
                return Err(SignatureError::Invalid(said!(
                    "send the confirmation and its one-time code with the PIN",
                    "передайте вместе с PIN подтверждение и его одноразовый код"
                )));
            }
            (false, Some((handle, code))) => {
                self.0
                    .identity
                    .confirm(
                        person,
                        handle,
                        code,
                        &decrypt_operation(id, &serial, &entry).target,
                        meta,
                    )
                    .await?;
            }
        }
        let holder = key_holder(person, meta);
        let details = serde_json::json!({
            "credential": id.0,
            "recipient_entry_sha256": hex::encode(entry),
        });
        match unlock {
            Unlock::Agree(agreement) => {
                let z = self
                    .0
                    .custody
                    .agree(&holder, &enc, pin, agreement.originator.clone(), details)
                    .await?;
                content_key(&agreement, &z).map_err(refused_entry)
            }
            Unlock::Transport(t) => {
                let padding = match t.padding {
                    Padding::Pkcs1 => TransportPadding::Pkcs1,
                    Padding::OaepSha1 => TransportPadding::OaepSha1,
                };
                let plain = self
                    .0
                    .custody
                    .transport(&holder, &enc, pin, t.encrypted_key, padding, details)
                    .await?
                    .ok_or(EnvelopeError::WrongKey)
                    .map_err(refused_entry)?;
                content_key_of(plain).map_err(refused_entry)
            }
        }
    }
}
