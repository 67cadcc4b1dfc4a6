//! Signing hashes under a SAD: raw signatures, or detached CAdES-BES SignedData whose
//! messageDigest is the hash (openssl verifies it against the document). The signatures are
//! kept for the holder; the custody has already written the audit entry naming every hash.

use super::authorise::key_holder;
use super::hashes::{Hashes, short_name};
use super::views::SignatureView;
use super::{Credential, CredentialId, SignatureError, Signatures};
use crate::identity::{Person, RequestMeta};
use crate::pki::Ca;
use crate::pki::cms::sign::{SignerDraft, assemble};
use crate::pki::cms::{DigestAlgorithm, ID_DATA};
use crate::pki::scheme::{KeyAlgorithm, SignatureScheme};
use crate::signing::{KeyHolder, Sad, SignItem, SigningError};
use crate::store::signatures::{self as sql, SignatureRow};
use der::Decode;
use uuid::Uuid;
use x509_cert::Certificate;

/// Longest label a holder may put on a signature.
const MAX_LABEL: usize = 200;

/// What to make of each hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The bare signature value (ECDSA as DER), as CSC `signHash` returns it.
    Raw,
    /// A detached CAdES-BES SignedData (`.p7s`) with the certificate and its issuer.
    Cms,
}

impl Format {
    /// `raw` or `cms`.
    pub fn parse(text: &str) -> Result<Self, SignatureError> {
        match text {
            "raw" => Ok(Format::Raw),
            "cms" => Ok(Format::Cms),
            _ => Err(SignatureError::Invalid(
                "format is `cms` (detached CAdES-BES) or `raw`".into(),
            )),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Format::Raw => "raw",
            Format::Cms => "cms",
        }
    }
}

/// A request to sign hashes.
pub struct SignHashes<'a> {
    /// The credential.
    pub credential: CredentialId,
    /// The SAD from the authorisation.
    pub sad: &'a str,
    /// What to sign (each must be covered by the SAD).
    pub hashes: Hashes,
    /// Raw or CMS.
    pub format: Format,
    /// A label the holder keeps with the signatures.
    pub label: Option<String>,
}

/// The scheme a key signs a digest under `digest` with.
fn scheme_for(key: KeyAlgorithm, digest: DigestAlgorithm) -> SignatureScheme {
    match key {
        KeyAlgorithm::EcdsaP256 => SignatureScheme::Ecdsa(digest),
        KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 => SignatureScheme::RsaPkcs1v15(digest),
        KeyAlgorithm::Ed25519 => SignatureScheme::Ed25519,
    }
}

impl Signatures {
    /// Sign the hashes with the holder's credential under the SAD and keep the signatures.
    pub async fn sign_hashes(
        &self,
        person: &Person,
        meta: &RequestMeta,
        input: SignHashes<'_>,
    ) -> Result<Vec<SignatureView>, SignatureError> {
        let label = match input.label.as_deref().map(str::trim) {
            Some(l) if l.chars().count() > MAX_LABEL => {
                return Err(SignatureError::Invalid(format!(
                    "a label holds at most {MAX_LABEL} characters"
                )));
            }
            Some("") | None => None,
            Some(l) => Some(l.to_owned()),
        };
        let rows = self
            .make(
                &key_holder(person, meta),
                input.credential,
                input.sad,
                &input.hashes,
                input.format,
                label,
            )
            .await?;
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        sql::insert(&tx, &rows).await?;
        tx.commit().await?;
        Ok(rows.iter().map(SignatureView::from).collect())
    }

    /// Make (not store) signatures over `hashes` with the holder's credential under `sad`;
    /// the caller stores them with whatever they sign off.
    pub(crate) async fn make(
        &self,
        holder: &KeyHolder,
        credential: CredentialId,
        sad: &str,
        hashes: &Hashes,
        format: Format,
        label: Option<String>,
    ) -> Result<Vec<SignatureRow>, SignatureError> {
        let owner = holder.owner().0;
        let c = self.usable(owner, credential).await?;
        let sad = Sad::parse(sad).ok_or(SigningError::SadInvalid)?;
        if self.0.custody.authorised_key(holder, &sad).await? != c.key {
            return Err(SigningError::SadInvalid.into());
        }
        let scheme = scheme_for(c.algorithm, hashes.algorithm);
        let now = self.0.clock.now();
        let drafts = match format {
            Format::Raw if scheme.signs_message() => {
                return Err(SignatureError::Invalid(
                    "an Ed25519 key signs whole messages, not hashes: ask for format `cms`".into(),
                ));
            }
            Format::Raw => Vec::new(),
            Format::Cms => hashes
                .values
                .iter()
                .map(|h| {
                    SignerDraft::cades_bes(&c.certificate, hashes.algorithm, ID_DATA, h, now)
                        .map_err(SignatureError::from)
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        let items = hashes
            .values
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let input = match drafts.get(i) {
                    Some(d) => d
                        .input_for(scheme)
                        .map_err(|e| SignatureError::Invalid(e.to_string()))?,
                    None => h.clone(),
                };
                Ok(SignItem {
                    bound_hash: h.clone(),
                    scheme,
                    input,
                })
            })
            .collect::<Result<Vec<_>, SignatureError>>()?;
        let values = self.0.custody.sign(holder, &sad, items).await?;
        let values = match format {
            Format::Raw => values,
            Format::Cms => self.wrap(&c, scheme, drafts, values)?,
        };
        Ok(hashes
            .values
            .iter()
            .zip(values)
            .map(|(h, signature)| SignatureRow {
                id: Uuid::new_v4(),
                owner_id: owner,
                certificate_id: c.id.0,
                authorisation_id: sad.authorisation(),
                format: format.as_str().to_owned(),
                hash_algorithm: short_name(hashes.algorithm).to_owned(),
                hash: h.clone(),
                signature,
                label: label.clone(),
                created_at: now,
            })
            .collect())
    }

    /// Each bare signature into its SignedData with the signer's certificate and its issuer.
    fn wrap(
        &self,
        c: &Credential,
        scheme: SignatureScheme,
        drafts: Vec<SignerDraft>,
        values: Vec<Vec<u8>>,
    ) -> Result<Vec<Vec<u8>>, SignatureError> {
        let issuer = Certificate::from_der(self.0.registry.certificates().ca(Ca::Issuing))
            .map_err(|e| SignatureError::Encoding(format!("issuing CA certificate: {e}")))?;
        let chain = [c.certificate.clone(), issuer];
        let algorithm = scheme
            .identifier()
            .map_err(|e| SignatureError::Encoding(e.to_string()))?;
        drafts
            .into_iter()
            .zip(values)
            .map(|(draft, value)| {
                let info = draft.finish(algorithm.clone(), &value, Vec::new())?;
                Ok(assemble(ID_DATA, None, vec![info], &chain)?)
            })
            .collect()
    }

    /// The holder's signatures, newest first.
    pub async fn signatures(
        &self,
        holder: Uuid,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<SignatureView>, SignatureError> {
        let client = self.0.db.client().await?;
        Ok(sql::list_owned(&**client, holder, limit, offset)
            .await?
            .iter()
            .map(SignatureView::from)
            .collect())
    }

    /// One of the holder's signatures.
    pub async fn signature(&self, holder: Uuid, id: Uuid) -> Result<SignatureRow, SignatureError> {
        let client = self.0.db.client().await?;
        sql::get_owned(&**client, id, holder)
            .await?
            .ok_or(SignatureError::NotFound)
    }
}
