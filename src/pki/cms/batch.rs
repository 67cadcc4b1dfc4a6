//! Many detached CAdES signatures by one certificate, made in one request. Every one of them
//! carries the same signer identifier, the same signingCertificateV2 attribute (a hash of the
//! whole certificate) and the same certificate chain; building each through the general
//! [`super::sign::assemble`] cloned, hashed and re-encoded all of that per signature, which in
//! a batch of a hundred cost the server as much CPU as storing the batch. A [`DetachedBatch`]
//! encodes the shared parts once and joins them with each signature's own bytes — the same DER,
//! byte for byte, as the general path (a test holds it to that).

use super::sign::SignerDraft;
use super::{CmsError, DigestAlgorithm, ID_DATA, ID_SIGNED_DATA, attributes};
use crate::pki::envelope::tlv::element;
use chrono::{DateTime, Utc};
use cms::cert::IssuerAndSerialNumber;
use der::Encode;
use der::asn1::SetOfVec;
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

/// DER tags the joins write.
const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;
/// `[0]` constructed: the explicit content of a ContentInfo, the implicit certificate set and
/// signed attributes.
const CONTEXT_0: u8 = 0xa0;
/// `[1]` constructed: the implicit unsigned attributes.
const CONTEXT_1: u8 = 0xa1;

/// What the detached signatures of one signer over id-data share, encoded once.
#[derive(Debug, Clone)]
pub struct DetachedBatch {
    digest: DigestAlgorithm,
    signing_certificate: Attribute,
    /// version, signer identifier and digest algorithm of each SignerInfo.
    signer_lead: Vec<u8>,
    /// version, digestAlgorithms, encapContentInfo and certificates of the SignedData.
    signed_data_lead: Vec<u8>,
}

impl DetachedBatch {
    /// Signatures by `signer` with digest `digest`, carrying the certificates `chain` (DER:
    /// the signer's and its issuers').
    pub fn new(
        signer: &Certificate,
        digest: DigestAlgorithm,
        chain: &[&[u8]],
    ) -> Result<Self, CmsError> {
        let version = element(INTEGER, &[1]);
        let digest_algorithm = digest.identifier().to_der()?;
        let sid = IssuerAndSerialNumber {
            issuer: signer.tbs_certificate.issuer.clone(),
            serial_number: signer.tbs_certificate.serial_number.clone(),
        }
        .to_der()?;
        // DER orders a SET OF by the elements' encodings; distinct whole elements never
        // prefix one another, so plain byte order is that order.
        let mut certificates = chain.to_vec();
        certificates.sort_unstable();
        certificates.dedup();
        let signed_data_lead = [
            version.as_slice(),
            &element(SET, &digest_algorithm),
            &element(SEQUENCE, &element(OID, ID_DATA.as_bytes())),
            &element(CONTEXT_0, &certificates.concat()),
        ]
        .concat();
        Ok(Self {
            digest,
            signing_certificate: attributes::signing_certificate_v2(signer)?,
            signer_lead: [version, sid, digest_algorithm].concat(),
            signed_data_lead,
        })
    }

    /// The signed attributes over content whose digest is `content_digest`, signed at
    /// `signing_time`.
    pub fn draft(
        &self,
        content_digest: &[u8],
        signing_time: DateTime<Utc>,
    ) -> Result<SignerDraft, CmsError> {
        SignerDraft::with_signing_certificate(
            self.signing_certificate.clone(),
            self.digest,
            ID_DATA,
            content_digest,
            signing_time,
        )
    }

    /// The detached SignedData (DER ContentInfo) of `draft` signed with `signature` under
    /// `signature_algorithm`, with `unsigned` attributes (a signature time-stamp) if any.
    pub fn assemble(
        &self,
        draft: &SignerDraft,
        signature_algorithm: &AlgorithmIdentifierOwned,
        signature: &[u8],
        unsigned: Vec<Attribute>,
    ) -> Result<Vec<u8>, CmsError> {
        let mut signed_attrs = draft.signed_der().to_vec();
        retag(&mut signed_attrs, CONTEXT_0)?;
        let mut signer_info = [
            self.signer_lead.as_slice(),
            &signed_attrs,
            &signature_algorithm.to_der()?,
            &element(OCTET_STRING, signature),
        ]
        .concat();
        if !unsigned.is_empty() {
            let mut set = SetOfVec::try_from(unsigned)?.to_der()?;
            retag(&mut set, CONTEXT_1)?;
            signer_info.extend(set);
        }
        let signer_infos = element(SET, &element(SEQUENCE, &signer_info));
        let signed_data = element(
            SEQUENCE,
            &[self.signed_data_lead.as_slice(), &signer_infos].concat(),
        );
        Ok(element(
            SEQUENCE,
            &[
                element(OID, ID_SIGNED_DATA.as_bytes()),
                element(CONTEXT_0, &signed_data),
            ]
            .concat(),
        ))
    }
}

/// An encoded SET OF given the implicit tag `tag` in place of its universal one.
fn retag(der: &mut [u8], tag: u8) -> Result<(), CmsError> {
    match der.first_mut() {
        Some(first) if *first == SET => {
            *first = tag;
            Ok(())
        }
        _ => Err(CmsError::Encoding("expected an encoded SET OF".into())),
    }
}

#[cfg(test)]
mod tests;
