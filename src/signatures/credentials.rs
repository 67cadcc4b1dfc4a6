//! A credential is a holder's certificate whose key is in custody: what they sign with.
//! Only the holder's own, active, unexpired ones can be used; another holder's answers as
//! not found.

use super::views::{CredentialView, credential_view};
use super::{SignatureError, Signatures};
use crate::pki::scheme::KeyAlgorithm;
use crate::said;
use crate::signing::KeyId;
use crate::store::certificates::{self as sql, CertificateRow};
use der::Decode;
use uuid::Uuid;
use x509_cert::Certificate;

/// A credential's id (the certificate's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CredentialId(pub Uuid);

impl CredentialId {
    /// Read a path or body value; anything else is not found, like an unknown id.
    pub fn parse(text: &str) -> Result<Self, SignatureError> {
        Uuid::parse_str(text.trim())
            .map(CredentialId)
            .map_err(|_| SignatureError::NotFound)
    }
}

/// A credential that can sign now.
#[derive(Debug, Clone)]
pub struct Credential {
    /// Its id.
    pub id: CredentialId,
    /// The key in custody.
    pub key: KeyId,
    /// The key's algorithm.
    pub algorithm: KeyAlgorithm,
    /// The certificate.
    pub certificate: Certificate,
    /// Serial number, hex.
    pub serial: String,
}

impl Signatures {
    /// The holder's credentials: their certificates with a key in custody (own-key ones sign
    /// elsewhere), newest first, each with whether it can sign now.
    pub async fn credentials(&self, holder: Uuid) -> Result<Vec<CredentialView>, SignatureError> {
        let client = self.0.db.client().await?;
        let now = self.0.clock.now();
        Ok(sql::of_account(&**client, holder)
            .await?
            .iter()
            .filter(|c| c.key_id.is_some() && c.der.is_some())
            .filter_map(|c| credential_view(c, now))
            .collect())
    }

    /// One of the holder's credentials.
    pub async fn credential(
        &self,
        holder: Uuid,
        id: CredentialId,
    ) -> Result<CredentialView, SignatureError> {
        let client = self.0.db.client().await?;
        let row = Self::row(&**client, holder, id).await?;
        credential_view(&row, self.0.clock.now()).ok_or(SignatureError::NotFound)
    }

    async fn row(
        c: &impl tokio_postgres::GenericClient,
        holder: Uuid,
        id: CredentialId,
    ) -> Result<CertificateRow, SignatureError> {
        sql::get_owned(c, id.0, holder)
            .await?
            .filter(|c| c.key_id.is_some() && c.der.is_some())
            .ok_or(SignatureError::NotFound)
    }

    /// The holder's credential if it can sign now: active and within its validity.
    pub async fn usable(
        &self,
        holder: Uuid,
        id: CredentialId,
    ) -> Result<Credential, SignatureError> {
        let client = self.0.db.client().await?;
        self.usable_in(&**client, holder, id).await
    }

    /// [`Self::usable`] read through `c` (the signing transaction, so one request holds one
    /// pooled connection).
    pub(crate) async fn usable_in(
        &self,
        c: &impl tokio_postgres::GenericClient,
        holder: Uuid,
        id: CredentialId,
    ) -> Result<Credential, SignatureError> {
        let row = Self::row(c, holder, id).await?;
        let now = self.0.clock.now();
        match row.status.as_str() {
            "active" => {}
            "revoked" => {
                return Err(SignatureError::Precondition(said!(
                    "the certificate is revoked; it can no longer sign",
                    "сертификат отозван; подписывать им больше нельзя"
                )));
            }
            _ => {
                return Err(SignatureError::Precondition(said!(
                    "the certificate is not activated yet",
                    "сертификат ещё не активирован"
                )));
            }
        }
        if row.not_after.is_none_or(|t| t <= now) || row.not_before.is_some_and(|t| t > now) {
            return Err(SignatureError::Precondition(said!(
                "the certificate is outside its validity period",
                "сертификат вне срока действия"
            )));
        }
        let der = row.der.unwrap_or_default();
        let certificate = Certificate::from_der(&der)
            .map_err(|e| SignatureError::Encoding(format!("stored certificate: {e}")))?;
        let algorithm = crate::pki::scheme::KeyAlgorithm::of_public_key(
            &certificate.tbs_certificate.subject_public_key_info,
        )
        .ok_or_else(|| SignatureError::Encoding("certificate key algorithm".into()))?;
        Ok(Credential {
            id,
            key: KeyId(row.key_id.unwrap_or_default()),
            algorithm,
            serial: hex::encode(row.serial.unwrap_or_default()),
            certificate,
        })
    }
}
