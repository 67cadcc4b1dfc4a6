//! X.509 and signature encoding and checking: pure functions over DER, plus the builder of the
//! service's own certificates (which signs through the vault).

pub mod cms;
pub mod crl;
pub mod csr;
pub mod encryption_cert;
pub mod envelope;
pub mod identifiers;
pub mod names;
#[cfg(test)]
mod openssl_cli;
pub mod profile;
pub mod revocation;
pub mod scheme;
pub mod service_cert;
pub mod time;
pub mod tsa;
pub mod urls;

use crate::vault::{HsmSession, ServiceKey, VaultError};
use der::asn1::BitString;
use der::{Decode, Encode};
use p256::ecdsa::{Signature, VerifyingKey, signature::Verifier};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;

/// Why a certificate or signature was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PkiError {
    /// Not DER of the expected structure.
    #[error("malformed {0}")]
    Malformed(&'static str),
    /// Algorithm other than the ones we check.
    #[error("unsupported algorithm {0}")]
    Unsupported(String),
    /// The signature does not verify.
    #[error("signature does not verify")]
    BadSignature,
}

/// One of our two certification authorities; the name is what URLs and the registry use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ca {
    /// The self-signed root: issues the issuing CA only.
    Root,
    /// The issuing CA: issues subscriber and service certificates.
    Issuing,
}

impl Ca {
    /// Both, in the order they are published.
    pub const ALL: [Ca; 2] = [Ca::Root, Ca::Issuing];

    /// `root` or `issuing`.
    pub fn as_str(self) -> &'static str {
        match self {
            Ca::Root => "root",
            Ca::Issuing => "issuing",
        }
    }

    /// From the name in a URL.
    pub fn parse(s: &str) -> Option<Ca> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The HSM key that signs for this CA.
    pub fn key(self) -> ServiceKey {
        match self {
            Ca::Root => ServiceKey::RootCa,
            Ca::Issuing => ServiceKey::IssuingCa,
        }
    }

    /// The CA that signed a service key's certificate.
    pub fn of_service_key(key: ServiceKey) -> Ca {
        match key.issuer() {
            ServiceKey::RootCa => Ca::Root,
            _ => Ca::Issuing,
        }
    }
}

/// A failure while building a signed structure: an operation error naming what was built.
pub(crate) fn build_failed<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> VaultError {
    move |e| VaultError::Operation(format!("{what} building failed: {e}"))
}

/// The signature algorithm of everything the service keys sign.
pub const SERVICE_SIGNATURE_ALGORITHM: AlgorithmIdentifierOwned = AlgorithmIdentifierOwned {
    oid: crate::vault::signer::ECDSA_WITH_SHA256,
    parameters: None,
};

/// Sign `tbs` (DER to be signed) with a service key; the BIT STRING for the signature field.
pub fn service_signature(
    session: &HsmSession,
    key: ServiceKey,
    tbs: &[u8],
) -> Result<BitString, VaultError> {
    use signature::Signer;
    let signer = crate::vault::provision::signer(session, key)?;
    let sig: p256::ecdsa::DerSignature = signer
        .try_sign(tbs)
        .map_err(|e| VaultError::Operation(format!("signing failed: {e}")))?;
    BitString::from_bytes(sig.as_bytes()).map_err(|e| VaultError::Operation(e.to_string()))
}

/// The decoded extension `T` of a certificate, if present and well-formed.
pub fn extension<T: for<'a> Decode<'a> + der::oid::AssociatedOid>(cert: &Certificate) -> Option<T> {
    cert.tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id == T::OID)
        .and_then(|e| T::from_der(e.extn_value.as_bytes()).ok())
}

/// The subject key identifier of a CA certificate (the builder always adds one).
pub fn subject_key_id(cert: &Certificate) -> Result<Vec<u8>, VaultError> {
    extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>(cert)
        .map(|ski| ski.0.as_bytes().to_vec())
        .ok_or_else(|| VaultError::Operation("CA certificate without a subject key id".into()))
}

/// A random 128-bit positive serial number (RFC 5280 allows up to 20 octets; 16 random bytes
/// make serials unguessable, as the CA/Browser Forum asks).
pub fn random_serial() -> der::Result<x509_cert::serial_number::SerialNumber> {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    bytes[0] = (bytes[0] & 0x7f) | 0x01;
    x509_cert::serial_number::SerialNumber::new(&bytes)
}

/// Parse a DER certificate.
pub fn parse_certificate(der: &[u8]) -> Result<Certificate, PkiError> {
    Certificate::from_der(der).map_err(|_| PkiError::Malformed("certificate"))
}

/// SHA-256 over the certificate's DER, lowercase hex: how people compare certificates.
pub fn fingerprint(der: &[u8]) -> String {
    hex::encode(Sha256::digest(der))
}

/// PEM armour of a DER certificate.
pub fn to_pem(der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

/// Every certificate in a PEM text, as DER.
pub fn pem_certificates(text: &str) -> Result<Vec<Vec<u8>>, PkiError> {
    use base64::Engine;
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
        let body_start = start + "-----BEGIN CERTIFICATE-----".len();
        let end = rest[body_start..]
            .find("-----END CERTIFICATE-----")
            .ok_or(PkiError::Malformed("PEM"))?;
        let b64: String = rest[body_start..body_start + end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        out.push(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|_| PkiError::Malformed("PEM"))?,
        );
        rest = &rest[body_start + end..];
    }
    Ok(out)
}

/// The P-256 public key of a certificate.
pub fn p256_key(cert: &Certificate) -> Result<VerifyingKey, PkiError> {
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let bytes = spki
        .subject_public_key
        .as_bytes()
        .ok_or(PkiError::Malformed("public key"))?;
    VerifyingKey::from_sec1_bytes(bytes)
        .map_err(|_| PkiError::Unsupported(spki.algorithm.oid.to_string()))
}

/// Check a DER ECDSA P-256/SHA-256 signature over `message`.
pub fn verify_p256(
    key: &VerifyingKey,
    message: &[u8],
    der_signature: &[u8],
) -> Result<(), PkiError> {
    let sig = Signature::from_der(der_signature).map_err(|_| PkiError::Malformed("signature"))?;
    key.verify(message, &sig)
        .map_err(|_| PkiError::BadSignature)
}

/// Check that `cert` was signed by `issuer` (ECDSA P-256 with SHA-256 only, which is what the
/// service's own hierarchy uses).
pub fn verify_issued_by(cert: &Certificate, issuer: &Certificate) -> Result<(), PkiError> {
    if cert.signature_algorithm.oid != crate::vault::signer::ECDSA_WITH_SHA256 {
        return Err(PkiError::Unsupported(
            cert.signature_algorithm.oid.to_string(),
        ));
    }
    if cert.tbs_certificate.issuer != issuer.tbs_certificate.subject {
        return Err(PkiError::BadSignature);
    }
    let tbs = cert
        .tbs_certificate
        .to_der()
        .map_err(|_| PkiError::Malformed("certificate"))?;
    let sig = cert
        .signature
        .as_bytes()
        .ok_or(PkiError::Malformed("signature"))?;
    verify_p256(&p256_key(issuer)?, &tbs, sig)
}
