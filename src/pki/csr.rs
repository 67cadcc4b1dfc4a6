//! PKCS#10 certificate requests (RFC 2986) for the own-key track: the subscriber's token makes
//! the key and the request, we check that the request is well-formed, that its signature
//! proves possession of the private key, and that the key is one the profile allows. The
//! subject and extensions asked for are not used: the certificate's content comes from the
//! application the registration desk verified, never from the request.

use super::cms::DigestAlgorithm;
use super::cms::algorithms::{self, AlgorithmError};
use super::scheme::KeyAlgorithm;
use crate::said;
use crate::said::Said;
use der::asn1::{AnyRef, BitStringRef};
use der::{Decode, Encode};
use spki::AlgorithmIdentifierOwned;
use x509_cert::request::CertReq;

/// Requests larger than this are refused before parsing (a real one is under 4 KiB).
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// Why a request was refused; the text is fit for the applicant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsrError {
    /// Not DER or PEM of a PKCS#10 request.
    #[error("not a PKCS#10 certificate request: {0}")]
    Malformed(&'static str),
    /// The signature does not prove possession of the private key.
    #[error("the request's signature does not match its public key")]
    ProofOfPossession,
    /// Well-formed and proven, but not what we certify.
    #[error("{0}")]
    NotAllowed(Said),
}

impl CsrError {
    /// The refusal in words for the applicant, in each language.
    pub fn said(&self) -> Said {
        match self {
            CsrError::Malformed(why) => said!(
                "not a PKCS#10 certificate request: {why}",
                "это не запрос на сертификат PKCS#10: {why}"
            ),
            CsrError::ProofOfPossession => said!(
                "the request's signature does not match its public key",
                "подпись запроса не соответствует его открытому ключу"
            ),
            CsrError::NotAllowed(said) => said.clone(),
        }
    }
}

/// A request that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedRequest {
    /// The key's algorithm.
    pub algorithm: KeyAlgorithm,
    /// DER SubjectPublicKeyInfo, as it will go into the certificate.
    pub public_key: Vec<u8>,
    /// The subject the requester wrote (RFC 4514 text), shown to the operator only.
    pub requested_subject: String,
}

/// The outer structure with the signed part kept as it arrived, so the signature is checked
/// over the exact bytes the requester signed.
#[derive(der::Sequence)]
struct SignedRequest<'a> {
    info: AnyRef<'a>,
    algorithm: AlgorithmIdentifierOwned,
    signature: BitStringRef<'a>,
}

fn der_of(input: &[u8]) -> Result<Vec<u8>, CsrError> {
    if input.len() > MAX_REQUEST_BYTES {
        return Err(CsrError::Malformed("larger than 64 KiB"));
    }
    if input.first() == Some(&0x30) {
        return Ok(input.to_vec());
    }
    let text =
        std::str::from_utf8(input).map_err(|_| CsrError::Malformed("neither DER nor PEM"))?;
    let (label, der) =
        der::pem::decode_vec(text.trim().as_bytes()).map_err(|_| CsrError::Malformed("bad PEM"))?;
    if label != "CERTIFICATE REQUEST" && label != "NEW CERTIFICATE REQUEST" {
        return Err(CsrError::Malformed(
            "the PEM label is not CERTIFICATE REQUEST",
        ));
    }
    Ok(der)
}

/// Check a request (DER or PEM).
pub fn check(input: &[u8]) -> Result<CheckedRequest, CsrError> {
    let der = der_of(input)?;
    let request = CertReq::from_der(&der).map_err(|_| CsrError::Malformed("bad DER"))?;
    let raw = SignedRequest::from_der(&der).map_err(|_| CsrError::Malformed("bad DER"))?;
    if request.info.version != x509_cert::request::Version::V1 {
        return Err(CsrError::Malformed("unknown version"));
    }
    let spki = &request.info.public_key;
    let algorithm = KeyAlgorithm::of_public_key(spki).ok_or_else(|| {
        CsrError::NotAllowed(said!(
            "the public key must be ECDSA P-256, RSA-2048, RSA-3072 or Ed25519",
            "открытый ключ должен быть ECDSA P-256, RSA-2048, RSA-3072 или Ed25519"
        ))
    })?;
    let signed = raw
        .info
        .to_der()
        .map_err(|_| CsrError::Malformed("bad DER"))?;
    let signature = raw
        .signature
        .as_bytes()
        .ok_or(CsrError::Malformed("signature with unused bits"))?;
    match algorithms::verify(
        spki,
        &raw.algorithm,
        DigestAlgorithm::Sha256,
        &signed,
        signature,
    ) {
        Ok(()) => {}
        Err(AlgorithmError::BadSignature) => return Err(CsrError::ProofOfPossession),
        Err(AlgorithmError::Malformed(_)) => return Err(CsrError::ProofOfPossession),
        Err(AlgorithmError::Unsupported(what)) => {
            return Err(CsrError::NotAllowed(said!(
                "the request is signed with an algorithm we do not accept ({what}); \
                 use SHA-256 or stronger",
                "запрос подписан по алгоритму, который мы не принимаем ({what}); \
                 используйте SHA-256 или надёжнее"
            )));
        }
    }
    let public_key = spki.to_der().map_err(|_| CsrError::Malformed("bad DER"))?;
    Ok(CheckedRequest {
        algorithm,
        public_key,
        requested_subject: request.info.subject.to_string(),
    })
}
