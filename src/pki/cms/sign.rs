//! Building SignedData: a [`SignerDraft`] holds the signed attributes and yields the exact
//! bytes the key must sign; [`assemble`] puts signer infos, certificates and (for an attached
//! signature) the content into a ContentInfo.

use super::{CmsError, DigestAlgorithm, ID_DATA, ID_SIGNED_DATA, attributes};
use chrono::{DateTime, Utc};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use const_oid::ObjectIdentifier;
use der::asn1::{Any, OctetString, SetOfVec};
use der::{Decode, Encode};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

/// A signer info waiting for its signature. The signed attributes are encoded once, when the
/// draft is made: the key signs those bytes (or their digest) and the signer info carries them.
#[derive(Debug, Clone)]
pub struct SignerDraft {
    digest: DigestAlgorithm,
    signed_attrs: SetOfVec<Attribute>,
    signed_der: Vec<u8>,
}

impl SignerDraft {
    /// CAdES-BES signed attributes over content of type `content_type` whose digest under
    /// `digest` is `content_digest`, signed by the holder of `signer` at `signing_time`.
    pub fn cades_bes(
        signer: &Certificate,
        digest: DigestAlgorithm,
        content_type: ObjectIdentifier,
        content_digest: &[u8],
        signing_time: DateTime<Utc>,
    ) -> Result<Self, CmsError> {
        Self::with_signing_certificate(
            attributes::signing_certificate_v2(signer)?,
            digest,
            content_type,
            content_digest,
            signing_time,
        )
    }

    /// CAdES-BES signed attributes with the signer named by `signing_certificate` (its
    /// signingCertificateV2 attribute, which hashes the whole certificate: made once for a
    /// batch).
    pub(super) fn with_signing_certificate(
        signing_certificate: Attribute,
        digest: DigestAlgorithm,
        content_type: ObjectIdentifier,
        content_digest: &[u8],
        signing_time: DateTime<Utc>,
    ) -> Result<Self, CmsError> {
        if content_digest.len() != digest.output_len() {
            return Err(CmsError::Encoding(format!(
                "a {} digest has {} bytes, not {}",
                digest.name(),
                digest.output_len(),
                content_digest.len()
            )));
        }
        let attrs = vec![
            attributes::content_type(content_type)?,
            attributes::message_digest(content_digest)?,
            attributes::signing_time(signing_time)?,
            signing_certificate,
        ];
        let signed_attrs = SetOfVec::try_from(attrs)?;
        let signed_der = signed_attrs.to_der()?;
        Ok(Self {
            digest,
            signed_attrs,
            signed_der,
        })
    }

    /// The digest algorithm.
    pub fn digest_algorithm(&self) -> DigestAlgorithm {
        self.digest
    }

    /// The DER `SET OF Attribute` the signature covers (RFC 5652 §5.4).
    pub fn to_be_signed(&self) -> Result<Vec<u8>, CmsError> {
        Ok(self.signed_der.clone())
    }

    /// The same bytes, borrowed.
    pub(super) fn signed_der(&self) -> &[u8] {
        &self.signed_der
    }

    /// Its digest: what an HSM or a remote client signs.
    pub fn digest_to_sign(&self) -> Result<Vec<u8>, CmsError> {
        Ok(self.digest.digest(&self.signed_der))
    }

    /// What the key signs under `scheme`: the digest of the signed attributes, or for
    /// Ed25519 (RFC 8419) the signed attributes themselves.
    pub fn input_for(
        &self,
        scheme: crate::pki::scheme::SignatureScheme,
    ) -> Result<Vec<u8>, CmsError> {
        if scheme.digest() != self.digest {
            return Err(CmsError::Encoding(format!(
                "{} needs {} as the digest algorithm, not {}",
                scheme.name(),
                scheme.digest().name(),
                self.digest.name()
            )));
        }
        if scheme.signs_message() {
            self.to_be_signed()
        } else {
            self.digest_to_sign()
        }
    }

    /// The finished signer info of `signer`.
    pub fn finish(
        self,
        signer: &Certificate,
        signature_algorithm: AlgorithmIdentifierOwned,
        signature: &[u8],
        unsigned: Vec<Attribute>,
    ) -> Result<SignerInfo, CmsError> {
        Ok(SignerInfo {
            version: CmsVersion::V1,
            sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
                issuer: signer.tbs_certificate.issuer.clone(),
                serial_number: signer.tbs_certificate.serial_number.clone(),
            }),
            digest_alg: self.digest.identifier(),
            signed_attrs: Some(self.signed_attrs),
            signature_algorithm,
            signature: OctetString::new(signature)?,
            unsigned_attrs: if unsigned.is_empty() {
                None
            } else {
                Some(SetOfVec::try_from(unsigned)?)
            },
        })
    }
}

/// A ContentInfo with SignedData. `content` is embedded (attached signature) when given;
/// `certificates` should hold the signer's certificate and its chain.
pub fn assemble(
    content_type: ObjectIdentifier,
    content: Option<&[u8]>,
    signer_infos: Vec<SignerInfo>,
    certificates: &[Certificate],
) -> Result<Vec<u8>, CmsError> {
    let digest_algorithms = signer_infos
        .iter()
        .map(|s| s.digest_alg.clone())
        .collect::<Vec<_>>();
    let mut unique = Vec::new();
    for d in digest_algorithms {
        if !unique.contains(&d) {
            unique.push(d);
        }
    }
    let econtent = match content {
        Some(bytes) => Some(Any::from_der(&OctetString::new(bytes)?.to_der()?)?),
        None => None,
    };
    // RFC 5652 §5.1: version 3 when the content is not id-data.
    let version = if content_type == ID_DATA {
        CmsVersion::V1
    } else {
        CmsVersion::V3
    };
    let certs = certificates
        .iter()
        .cloned()
        .map(CertificateChoices::Certificate)
        .collect::<Vec<_>>();
    let signed = SignedData {
        version,
        digest_algorithms: SetOfVec::try_from(unique)?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: content_type,
            econtent,
        },
        certificates: if certs.is_empty() {
            None
        } else {
            Some(CertificateSet::try_from(certs)?)
        },
        crls: None,
        signer_infos: SignerInfos::try_from(signer_infos)?,
    };
    let info = ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::from_der(&signed.to_der()?)?,
    };
    Ok(info.to_der()?)
}

/// The same SignedData with `content` embedded: a detached signature made attached. The signer
/// infos are untouched — their messageDigest already covers the content — so both forms verify
/// alike and one signing yields either.
pub fn attach(detached: &[u8], content: &[u8]) -> Result<Vec<u8>, CmsError> {
    let info = ContentInfo::from_der(detached)?;
    if info.content_type != ID_SIGNED_DATA {
        return Err(CmsError::Encoding("not a SignedData".into()));
    }
    let mut signed: SignedData = info.content.decode_as()?;
    if signed.encap_content_info.econtent.is_some() {
        return Err(CmsError::Encoding(
            "the signature already carries content".into(),
        ));
    }
    signed.encap_content_info.econtent =
        Some(Any::from_der(&OctetString::new(content)?.to_der()?)?);
    let info = ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::from_der(&signed.to_der()?)?,
    };
    Ok(info.to_der()?)
}

/// A certs-only SignedData (RFC 5652 §5, "degenerate": no signers, no content) carrying
/// `chain` — the `.p7c` a holder downloads to install a certificate with its CA chain.
pub fn certs_only(chain: &[Vec<u8>]) -> Result<Vec<u8>, CmsError> {
    let certs = chain
        .iter()
        .map(|der| Certificate::from_der(der).map(CertificateChoices::Certificate))
        .collect::<Result<Vec<_>, _>>()?;
    let signed = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::new(),
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet::try_from(certs)?),
        crls: None,
        signer_infos: SignerInfos::try_from(Vec::new())?,
    };
    let info = ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::from_der(&signed.to_der()?)?,
    };
    Ok(info.to_der()?)
}
