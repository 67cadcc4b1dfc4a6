//! The time-stamping authority as a service: takes the serial from the database sequence
//! (unique across processes and restarts), builds the TSTInfo, and signs the token with the
//! TSA key in the HSM.

use super::registry::RegistryError;
use crate::pki::cms::sign::{SignerDraft, assemble};
use crate::pki::cms::{CmsError, DigestAlgorithm};
use crate::pki::tsa::{self, ID_CT_TST_INFO, Request};
use crate::store::{Db, pki as sql};
use crate::vault::{ServiceKey, Vault};
use chrono::{DateTime, Utc};
use der::asn1::Int;
use x509_cert::Certificate;
use x509_tsp::MessageImprint;

/// Issues time-stamp tokens.
#[derive(Debug, Clone)]
pub struct Authority {
    db: Db,
    vault: Vault,
    certificate: Certificate,
    policy_der: Vec<u8>,
}

impl Authority {
    /// The TSA over the token's TSA key and certificate, issuing under `policy_oid`.
    pub fn new(
        db: Db,
        vault: Vault,
        certificate_der: &[u8],
        policy_oid: &str,
    ) -> Result<Self, RegistryError> {
        let certificate = crate::pki::parse_certificate(certificate_der)
            .map_err(|e| RegistryError::Malformed(e.to_string()))?;
        let policy_der = crate::pki::profile::oid_der(policy_oid)
            .map_err(|e| RegistryError::Malformed(e.to_string()))?;
        Ok(Self {
            db,
            vault,
            certificate,
            policy_der,
        })
    }

    /// The DER policy OID (for parsing requests).
    pub fn policy_der(&self) -> &[u8] {
        &self.policy_der
    }

    /// A granted DER TimeStampResp for a checked request, stamped at `now`.
    pub async fn grant(&self, req: Request, now: DateTime<Utc>) -> Result<Vec<u8>, RegistryError> {
        let token = self
            .token(&req.imprint, req.nonce, req.cert_req, now)
            .await?;
        tsa::granted(&token).map_err(encoding)
    }

    /// A DER TimeStampToken over a digest the caller computed (CSC `signatures/timestamp`),
    /// with the caller's nonce, if any, and our certificate in it.
    pub async fn stamp(
        &self,
        algorithm: DigestAlgorithm,
        digest: &[u8],
        nonce: Option<&[u8]>,
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>, RegistryError> {
        let imprint = MessageImprint {
            hash_algorithm: spki::AlgorithmIdentifier {
                oid: algorithm.oid(),
                parameters: None,
            },
            hashed_message: der::asn1::OctetString::new(digest).map_err(encoding)?,
        };
        let nonce = nonce.map(|n| Int::new(n).map_err(encoding)).transpose()?;
        self.token(&imprint, nonce, true, now).await
    }

    /// The CAdES-T unsigned attribute: a time-stamp token over a signature value, proving the
    /// signature existed at the token's time.
    pub async fn signature_time_stamp(
        &self,
        signature_value: &[u8],
        now: DateTime<Utc>,
    ) -> Result<x509_cert::attr::Attribute, RegistryError> {
        let imprint = tsa::signature_imprint(signature_value).map_err(encoding)?;
        let token = self.token(&imprint, None, true, now).await?;
        tsa::signature_time_stamp_attribute(&token).map_err(encoding)
    }

    /// A DER TimeStampToken (ContentInfo) over `imprint` with the next serial.
    async fn token(
        &self,
        imprint: &MessageImprint,
        nonce: Option<Int>,
        include_certificate: bool,
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>, RegistryError> {
        let client = self.db.client().await?;
        let serial = sql::next_tsa_serial(&**client).await?;
        drop(client);
        let info =
            tsa::tst_info(&self.policy_der, imprint, nonce, serial, now).map_err(encoding)?;
        let draft = SignerDraft::cades_bes(
            &self.certificate,
            DigestAlgorithm::Sha256,
            ID_CT_TST_INFO,
            &DigestAlgorithm::Sha256.digest(&info),
            now,
        )
        .map_err(cms_error)?;
        let to_sign = draft.digest_to_sign().map_err(cms_error)?;
        let signature = self
            .vault
            .run(move |s| {
                crate::vault::signer::HsmP256Signer::service(s, ServiceKey::Tsa)?
                    .sign_prehashed(&to_sign)
            })
            .await?;
        let signer_info = draft
            .finish(
                &self.certificate,
                DigestAlgorithm::Sha256.ecdsa(),
                &signature,
                Vec::new(),
            )
            .map_err(cms_error)?;
        let certs = if include_certificate {
            vec![self.certificate.clone()]
        } else {
            Vec::new()
        };
        assemble(ID_CT_TST_INFO, Some(&info), vec![signer_info], &certs).map_err(cms_error)
    }
}

fn encoding<E: std::fmt::Display>(e: E) -> RegistryError {
    RegistryError::Encoding(format!("time-stamp: {e}"))
}

fn cms_error(e: CmsError) -> RegistryError {
    match e {
        CmsError::Vault(v) => RegistryError::Vault(v),
        CmsError::Encoding(s) => RegistryError::Encoding(s),
    }
}
