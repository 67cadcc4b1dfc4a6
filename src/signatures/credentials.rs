//! A credential is a holder's certificate whose key is in custody: what they sign with.
//! Only the holder's own, active, unexpired ones can be used; another holder's answers as
//! not found.

use super::views::{CredentialView, credential_view};
use super::{SignatureError, Signatures};
use crate::identity::Person;
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

/// Which credentials a caller may reach: all of the holder's, or — for a folder agent acting
/// with its machine credential — the one seal it was issued for. Every path to a credential
/// takes one, so an agent cannot name another of its holder's certificates into use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    owner: Uuid,
    only: Option<CredentialId>,
}

impl Reach {
    /// What `person` reaches (narrowed to the seal when a folder agent acts for them).
    pub fn of(person: &Person) -> Self {
        Reach {
            owner: person.account.0,
            only: person.agent.map(|a| CredentialId(a.seal)),
        }
    }

    /// Every credential of the account `owner` (acts of the service on a person's behalf
    /// that the person already authorised, such as an operator's identification).
    pub fn owner(owner: Uuid) -> Self {
        Reach { owner, only: None }
    }

    /// The holder's account.
    pub fn account(&self) -> Uuid {
        self.owner
    }

    fn admits(&self, id: CredentialId) -> bool {
        self.only.is_none_or(|only| only == id)
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
    /// Whether it is an organisation's seal.
    pub seal: bool,
}

impl Signatures {
    /// The holder's credentials: their certificates with a key in custody (own-key ones sign
    /// elsewhere), newest first, each with whether it can sign now.
    pub async fn credentials(&self, reach: Reach) -> Result<Vec<CredentialView>, SignatureError> {
        let client = self.0.db.client().await?;
        let now = self.0.clock.now();
        Ok(sql::of_account(&**client, reach.owner)
            .await?
            .iter()
            .filter(|c| c.key_id.is_some() && c.der.is_some())
            .filter(|c| reach.admits(CredentialId(c.id)))
            .filter_map(|c| credential_view(c, now))
            .collect())
    }

    /// One of the holder's credentials.
    pub async fn credential(
        &self,
        reach: Reach,
        id: CredentialId,
    ) -> Result<CredentialView, SignatureError> {
        let client = self.0.db.client().await?;
        let row = Self::row(&**client, reach, id).await?;
        credential_view(&row, self.0.clock.now()).ok_or(SignatureError::NotFound)
    }

    pub(super) async fn row(
        c: &impl tokio_postgres::GenericClient,
        reach: Reach,
        id: CredentialId,
    ) -> Result<CertificateRow, SignatureError> {
        if !reach.admits(id) {
            return Err(SignatureError::NotFound);
        }
        sql::get_owned(c, id.0, reach.owner)
            .await?
            .filter(|c| c.key_id.is_some() && c.der.is_some())
            .ok_or(SignatureError::NotFound)
    }

    /// The holder's credential if it can sign now: active and within its validity.
    pub async fn usable(
        &self,
        reach: Reach,
        id: CredentialId,
    ) -> Result<Credential, SignatureError> {
        let client = self.0.db.client().await?;
        self.usable_in(&**client, reach, id).await
    }

    /// [`Self::usable`] read through `c` (the signing transaction, so one request holds one
    /// pooled connection).
    pub(crate) async fn usable_in(
        &self,
        c: &impl tokio_postgres::GenericClient,
        reach: Reach,
        id: CredentialId,
    ) -> Result<Credential, SignatureError> {
        let row = Self::row(c, reach, id).await?;
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
            seal: row.purpose == "seal",
        })
    }
}
