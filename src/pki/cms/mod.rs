//! CMS (RFC 5652) signatures in the CAdES-BES profile (ETSI EN 319 122-1): the signed
//! attributes contentType, messageDigest, signingTime and signingCertificateV2, made in two
//! steps — [`sign::SignerDraft`] gives the bytes to sign, the signature comes back from
//! wherever the key lives (the HSM, or a remote client signing a hash) — and the engine in
//! [`verify`] that checks signatures from anyone.

pub mod algorithms;
pub mod attributes;
pub mod batch;
pub mod report;
pub mod sign;
pub mod verify;

use const_oid::ObjectIdentifier;
use sha2::Digest;
use spki::AlgorithmIdentifierOwned;

/// id-data: the content type of a signed document.
pub const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
/// id-signedData.
pub const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");

/// A digest algorithm we sign with and accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestAlgorithm {
    /// SHA-256 (the default).
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl DigestAlgorithm {
    /// Its object identifier.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            DigestAlgorithm::Sha256 => const_oid::db::rfc5912::ID_SHA_256,
            DigestAlgorithm::Sha384 => const_oid::db::rfc5912::ID_SHA_384,
            DigestAlgorithm::Sha512 => const_oid::db::rfc5912::ID_SHA_512,
        }
    }

    /// From an object identifier, if we support it.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        [Self::Sha256, Self::Sha384, Self::Sha512]
            .into_iter()
            .find(|d| d.oid() == *oid)
    }

    /// The name people know.
    pub fn name(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha256 => "SHA-256",
            DigestAlgorithm::Sha384 => "SHA-384",
            DigestAlgorithm::Sha512 => "SHA-512",
        }
    }

    /// Length of the digest in bytes.
    pub fn output_len(self) -> usize {
        match self {
            DigestAlgorithm::Sha256 => 32,
            DigestAlgorithm::Sha384 => 48,
            DigestAlgorithm::Sha512 => 64,
        }
    }

    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            DigestAlgorithm::Sha256 => sha2::Sha256::digest(data).to_vec(),
            DigestAlgorithm::Sha384 => sha2::Sha384::digest(data).to_vec(),
            DigestAlgorithm::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }

    /// The AlgorithmIdentifier (parameters absent, as RFC 5754 prefers).
    pub fn identifier(self) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid: self.oid(),
            parameters: None,
        }
    }

    /// ecdsa-with-SHAxxx for this digest (RFC 5758).
    pub fn ecdsa(self) -> AlgorithmIdentifierOwned {
        let oid = match self {
            DigestAlgorithm::Sha256 => const_oid::db::rfc5912::ECDSA_WITH_SHA_256,
            DigestAlgorithm::Sha384 => const_oid::db::rfc5912::ECDSA_WITH_SHA_384,
            DigestAlgorithm::Sha512 => const_oid::db::rfc5912::ECDSA_WITH_SHA_512,
        };
        AlgorithmIdentifierOwned {
            oid,
            parameters: None,
        }
    }
}

/// Why a CMS structure could not be built.
#[derive(Debug, thiserror::Error)]
pub enum CmsError {
    /// A value could not be encoded (a bug or an impossible input such as a 10 000-year date).
    #[error("CMS encoding failed: {0}")]
    Encoding(String),
    /// The key could not sign.
    #[error(transparent)]
    Vault(#[from] crate::vault::VaultError),
}

impl From<der::Error> for CmsError {
    fn from(e: der::Error) -> Self {
        CmsError::Encoding(e.to_string())
    }
}
