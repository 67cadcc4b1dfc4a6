//! Checking a signature with a public key from a certificate, for every algorithm the engine
//! accepts: ECDSA on P-256 and P-384, RSA PKCS#1 v1.5 and RSASSA-PSS, and Ed25519. Used for
//! CMS signer infos and for certificate and CRL signatures alike.

use super::DigestAlgorithm;
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912;
use der::{Decode, Encode};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// Why a signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlgorithmError {
    /// An algorithm (or key type, or curve) we do not check.
    Unsupported(String),
    /// The key or signature is not well-formed.
    Malformed(&'static str),
    /// Well-formed, and wrong.
    BadSignature,
}

/// The name of a signature algorithm, for reports.
pub fn name(alg: &ObjectIdentifier) -> String {
    let known = [
        (rfc5912::ECDSA_WITH_SHA_256, "ECDSA with SHA-256"),
        (rfc5912::ECDSA_WITH_SHA_384, "ECDSA with SHA-384"),
        (rfc5912::ECDSA_WITH_SHA_512, "ECDSA with SHA-512"),
        (rfc5912::ID_EC_PUBLIC_KEY, "ECDSA"),
        (rfc5912::RSA_ENCRYPTION, "RSA PKCS#1 v1.5"),
        (
            rfc5912::SHA_256_WITH_RSA_ENCRYPTION,
            "RSA PKCS#1 v1.5 with SHA-256",
        ),
        (
            rfc5912::SHA_384_WITH_RSA_ENCRYPTION,
            "RSA PKCS#1 v1.5 with SHA-384",
        ),
        (
            rfc5912::SHA_512_WITH_RSA_ENCRYPTION,
            "RSA PKCS#1 v1.5 with SHA-512",
        ),
        (rfc5912::ID_RSASSA_PSS, "RSASSA-PSS"),
        (ED25519, "Ed25519"),
    ];
    known
        .iter()
        .find(|(o, _)| o == alg)
        .map_or_else(|| alg.to_string(), |(_, n)| (*n).to_owned())
}

/// The hash an algorithm identifier fixes, if it fixes one.
fn fixed_digest(alg: &ObjectIdentifier) -> Option<DigestAlgorithm> {
    match *alg {
        rfc5912::ECDSA_WITH_SHA_256 | rfc5912::SHA_256_WITH_RSA_ENCRYPTION => {
            Some(DigestAlgorithm::Sha256)
        }
        rfc5912::ECDSA_WITH_SHA_384 | rfc5912::SHA_384_WITH_RSA_ENCRYPTION => {
            Some(DigestAlgorithm::Sha384)
        }
        rfc5912::ECDSA_WITH_SHA_512 | rfc5912::SHA_512_WITH_RSA_ENCRYPTION => {
            Some(DigestAlgorithm::Sha512)
        }
        _ => None,
    }
}

/// Check `signature` over `message` by the key in `spki` under `alg`; `digest` is the digest
/// algorithm to use when `alg` names none (CMS `rsaEncryption`, plain `id-ecPublicKey`).
pub fn verify(
    spki: &SubjectPublicKeyInfoOwned,
    alg: &AlgorithmIdentifierOwned,
    digest: DigestAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> Result<(), AlgorithmError> {
    let key_bytes = spki
        .subject_public_key
        .as_bytes()
        .ok_or(AlgorithmError::Malformed("public key"))?;
    match alg.oid {
        ED25519 => {
            let key: [u8; 32] = key_bytes
                .try_into()
                .map_err(|_| AlgorithmError::Malformed("Ed25519 key"))?;
            let key = ed25519_dalek::VerifyingKey::from_bytes(&key)
                .map_err(|_| AlgorithmError::Malformed("Ed25519 key"))?;
            let sig = ed25519_dalek::Signature::from_slice(signature)
                .map_err(|_| AlgorithmError::Malformed("Ed25519 signature"))?;
            key.verify_strict(message, &sig)
                .map_err(|_| AlgorithmError::BadSignature)
        }
        rfc5912::ECDSA_WITH_SHA_256
        | rfc5912::ECDSA_WITH_SHA_384
        | rfc5912::ECDSA_WITH_SHA_512
        | rfc5912::ID_EC_PUBLIC_KEY => {
            let digest = fixed_digest(&alg.oid).unwrap_or(digest);
            verify_ecdsa(spki, key_bytes, digest, message, signature)
        }
        rfc5912::RSA_ENCRYPTION
        | rfc5912::SHA_256_WITH_RSA_ENCRYPTION
        | rfc5912::SHA_384_WITH_RSA_ENCRYPTION
        | rfc5912::SHA_512_WITH_RSA_ENCRYPTION => {
            let digest = fixed_digest(&alg.oid).unwrap_or(digest);
            let key = rsa_key(spki)?;
            let hash = digest.digest(message);
            let scheme = match digest {
                DigestAlgorithm::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                DigestAlgorithm::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                DigestAlgorithm::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
            };
            key.verify(scheme, &hash, signature)
                .map_err(|_| AlgorithmError::BadSignature)
        }
        rfc5912::ID_RSASSA_PSS => {
            let key = rsa_key(spki)?;
            let (digest, salt) = pss_params(alg)?;
            let hash = digest.digest(message);
            let scheme = match digest {
                DigestAlgorithm::Sha256 => rsa::Pss::new_with_salt::<sha2::Sha256>(salt),
                DigestAlgorithm::Sha384 => rsa::Pss::new_with_salt::<sha2::Sha384>(salt),
                DigestAlgorithm::Sha512 => rsa::Pss::new_with_salt::<sha2::Sha512>(salt),
            };
            key.verify(scheme, &hash, signature)
                .map_err(|_| AlgorithmError::BadSignature)
        }
        other => Err(AlgorithmError::Unsupported(other.to_string())),
    }
}

/// ECDSA. The common curve/hash pairs go through ring, whose constant-time P-256 and P-384
/// arithmetic verifies about four times faster than the portable code used for the rest.
fn verify_ecdsa(
    spki: &SubjectPublicKeyInfoOwned,
    key: &[u8],
    digest: DigestAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> Result<(), AlgorithmError> {
    use ecdsa::signature::hazmat::PrehashVerifier;
    use ring::signature as rs;
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
        .ok_or(AlgorithmError::Malformed("EC parameters"))?;
    let fast: Option<&'static rs::EcdsaVerificationAlgorithm> = match (curve, digest) {
        (rfc5912::SECP_256_R_1, DigestAlgorithm::Sha256) => Some(&rs::ECDSA_P256_SHA256_ASN1),
        (rfc5912::SECP_256_R_1, DigestAlgorithm::Sha384) => Some(&rs::ECDSA_P256_SHA384_ASN1),
        (rfc5912::SECP_384_R_1, DigestAlgorithm::Sha256) => Some(&rs::ECDSA_P384_SHA256_ASN1),
        (rfc5912::SECP_384_R_1, DigestAlgorithm::Sha384) => Some(&rs::ECDSA_P384_SHA384_ASN1),
        _ => None,
    };
    if let Some(alg) = fast {
        return rs::UnparsedPublicKey::new(alg, key)
            .verify(message, signature)
            .map_err(|_| AlgorithmError::BadSignature);
    }
    let hash = digest.digest(message);
    match curve {
        rfc5912::SECP_256_R_1 => {
            let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(key)
                .map_err(|_| AlgorithmError::Malformed("P-256 key"))?;
            let sig = p256::ecdsa::Signature::from_der(signature)
                .map_err(|_| AlgorithmError::Malformed("ECDSA signature"))?;
            key.verify_prehash(&hash, &sig)
                .map_err(|_| AlgorithmError::BadSignature)
        }
        rfc5912::SECP_384_R_1 => {
            let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(key)
                .map_err(|_| AlgorithmError::Malformed("P-384 key"))?;
            let sig = p384::ecdsa::Signature::from_der(signature)
                .map_err(|_| AlgorithmError::Malformed("ECDSA signature"))?;
            key.verify_prehash(&hash, &sig)
                .map_err(|_| AlgorithmError::BadSignature)
        }
        other => Err(AlgorithmError::Unsupported(format!("curve {other}"))),
    }
}

fn rsa_key(spki: &SubjectPublicKeyInfoOwned) -> Result<rsa::RsaPublicKey, AlgorithmError> {
    use rsa::pkcs8::DecodePublicKey;
    let der = spki
        .to_der()
        .map_err(|_| AlgorithmError::Malformed("RSA key"))?;
    let key = rsa::RsaPublicKey::from_public_key_der(&der)
        .map_err(|_| AlgorithmError::Malformed("RSA key"))?;
    if rsa::traits::PublicKeyParts::size(&key) < 256 {
        return Err(AlgorithmError::Unsupported(
            "RSA keys under 2048 bits".into(),
        ));
    }
    Ok(key)
}

/// RSASSA-PSS-params (RFC 4055): hash, MGF1 with the same hash, salt length.
#[derive(der::Sequence)]
pub(crate) struct PssParams {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    hash: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    mask_gen: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    salt_length: Option<u32>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    trailer_field: Option<u32>,
}

impl PssParams {
    /// The parameters we sign with: `digest` for the message and for MGF1, a salt of
    /// `salt_len` bytes, default trailer.
    pub(crate) fn for_digest(digest: DigestAlgorithm, salt_len: u16) -> Result<Self, der::Error> {
        let hash = digest.identifier();
        Ok(Self {
            hash: Some(hash.clone()),
            mask_gen: Some(AlgorithmIdentifierOwned {
                oid: rfc5912::ID_MGF_1,
                parameters: Some(der::asn1::Any::from_der(&hash.to_der()?)?),
            }),
            salt_length: Some(u32::from(salt_len)),
            trailer_field: None,
        })
    }
}

fn pss_params(alg: &AlgorithmIdentifierOwned) -> Result<(DigestAlgorithm, usize), AlgorithmError> {
    let params = alg
        .parameters
        .as_ref()
        .ok_or(AlgorithmError::Malformed("RSASSA-PSS parameters"))?;
    pss_params_der(
        &params
            .to_der()
            .map_err(|_| AlgorithmError::Malformed("RSASSA-PSS parameters"))?,
    )
}

/// The digest (for the message and MGF1 alike) and salt length of DER RSASSA-PSS-params, as
/// a CMS signer or a CSC client (`signAlgoParams`) states them; other MGF1 hashes, SHA-1 and
/// other trailers are refused.
pub(crate) fn pss_params_der(der: &[u8]) -> Result<(DigestAlgorithm, usize), AlgorithmError> {
    let params =
        PssParams::from_der(der).map_err(|_| AlgorithmError::Malformed("RSASSA-PSS parameters"))?;
    let hash = params
        .hash
        .as_ref()
        .map(|h| h.oid)
        .ok_or_else(|| AlgorithmError::Unsupported("RSASSA-PSS with SHA-1".into()))?;
    let digest = DigestAlgorithm::from_oid(&hash)
        .ok_or_else(|| AlgorithmError::Unsupported(format!("RSASSA-PSS with {hash}")))?;
    let mgf_hash = params
        .mask_gen
        .as_ref()
        .and_then(|m| m.parameters.as_ref())
        .and_then(|p| p.decode_as::<AlgorithmIdentifierOwned>().ok())
        .map(|a| a.oid);
    if mgf_hash != Some(hash) {
        return Err(AlgorithmError::Unsupported(
            "RSASSA-PSS with a different MGF1 hash".into(),
        ));
    }
    if params.trailer_field.is_some_and(|t| t != 1) {
        return Err(AlgorithmError::Malformed("RSASSA-PSS trailer"));
    }
    let salt = params.salt_length.unwrap_or(20) as usize;
    Ok((digest, salt))
}
