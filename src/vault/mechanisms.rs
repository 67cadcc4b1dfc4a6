//! PKCS#11 mechanisms and templates per key algorithm and signature scheme: the one place that
//! knows how the token generates, unwraps and signs for each [`KeyAlgorithm`], so a module with
//! other algorithms is supported by extending these tables, not the callers.

use super::VaultError;
use crate::pki::cms::DigestAlgorithm;
use crate::pki::scheme::{ID_ED25519, KeyAlgorithm, SignatureScheme, rsa_digest_info};
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::Session;
use der::Encode;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

/// DER of the Ed25519 OID (RFC 8410), the `CKA_EC_PARAMS` of Edwards keys.
const ED25519_PARAMS: [u8; 5] = [0x06, 0x03, 0x2b, 0x65, 0x70];
/// 65537.
const RSA_EXPONENT: [u8; 3] = [0x01, 0x00, 0x01];

fn malformed(what: &str) -> VaultError {
    VaultError::Operation(format!("the HSM returned a malformed {what}"))
}

/// What a subscriber key is for: a key signs, agrees on keys (ECDH) or decrypts a content
/// key sent to it (RSA key transport) — one of these only, so a signature key can never be
/// made to decrypt and an encryption key never to sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyUse {
    /// Signatures.
    Sign,
    /// Key agreement (an EC encryption key of a holder).
    Agree,
    /// Key transport (an RSA encryption key of a holder).
    Transport,
}

/// A key pair as session objects, the private half extractable only so the KEK can wrap it.
/// The caller destroys both before returning to anyone.
pub(super) fn generate_session_pair(
    session: &Session,
    algorithm: KeyAlgorithm,
    usage: KeyUse,
) -> Result<(ObjectHandle, ObjectHandle), VaultError> {
    let mut public = vec![
        Attribute::Token(false),
        Attribute::Private(false),
        Attribute::Verify(usage == KeyUse::Sign),
    ];
    let mechanism = match algorithm {
        KeyAlgorithm::EcdsaP256 => {
            public.push(Attribute::EcParams(super::pool::P256_PARAMS.to_vec()));
            Mechanism::EccKeyPairGen
        }
        KeyAlgorithm::Ed25519 => {
            public.push(Attribute::EcParams(ED25519_PARAMS.to_vec()));
            Mechanism::EccEdwardsKeyPairGen
        }
        KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 => {
            let bits = algorithm.rsa_bits().unwrap_or(2048);
            public.push(Attribute::ModulusBits(u64::from(bits).into()));
            public.push(Attribute::PublicExponent(RSA_EXPONENT.to_vec()));
            Mechanism::RsaPkcsKeyPairGen
        }
    };
    let private = [
        Attribute::Token(false),
        Attribute::Private(true),
        Attribute::Sensitive(true),
        // Extractable only so the KEK can wrap it: the object is a session object that is
        // destroyed before the generating call returns, and no one else holds its handle.
        Attribute::Extractable(true),
        Attribute::Sign(usage == KeyUse::Sign),
        Attribute::Decrypt(usage == KeyUse::Transport),
        Attribute::Derive(usage == KeyUse::Agree),
    ];
    Ok(session.generate_key_pair(&mechanism, &public, &private)?)
}

/// A refusal to wrap a key type is a limit of the module (SoftHSM 2.6 cannot wrap Edwards
/// keys: softhsm/SoftHSMv2#595), not a failure: say so plainly.
pub(super) fn wrap_error(e: cryptoki::error::Error, algorithm: KeyAlgorithm) -> VaultError {
    use cryptoki::error::{Error, RvError};
    match e {
        Error::Pkcs11(RvError::KeyUnextractable | RvError::KeyNotWrappable, _) => {
            VaultError::Unsupported(format!(
                "this PKCS#11 module cannot wrap {} keys, so it cannot keep them in custody",
                algorithm.as_str()
            ))
        }
        other => other.into(),
    }
}

/// The template a KEK-wrapped key is unwrapped with: a session object that signs (or agrees on
/// keys) and can never leave the token again.
pub(super) fn unwrap_template(algorithm: KeyAlgorithm, usage: KeyUse) -> Vec<Attribute> {
    let key_type = match algorithm {
        KeyAlgorithm::EcdsaP256 => KeyType::EC,
        KeyAlgorithm::Ed25519 => KeyType::EC_EDWARDS,
        KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 => KeyType::RSA,
    };
    vec![
        Attribute::Class(ObjectClass::PRIVATE_KEY),
        Attribute::KeyType(key_type),
        Attribute::Token(false),
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Extractable(false),
        Attribute::Sign(usage == KeyUse::Sign),
        Attribute::Decrypt(usage == KeyUse::Transport),
        Attribute::Derive(usage == KeyUse::Agree),
        Attribute::Unwrap(false),
    ]
}

/// The DER SubjectPublicKeyInfo of a public key object.
pub(super) fn public_key_info(
    session: &Session,
    algorithm: KeyAlgorithm,
    public: ObjectHandle,
) -> Result<Vec<u8>, VaultError> {
    let spki = match algorithm {
        KeyAlgorithm::EcdsaP256 => {
            let point = ec_point(session, public)?;
            let key =
                p256::PublicKey::from_sec1_bytes(&point).map_err(|_| malformed("P-256 point"))?;
            SubjectPublicKeyInfoOwned::from_key(key).map_err(|_| malformed("P-256 point"))?
        }
        KeyAlgorithm::Ed25519 => {
            let point = ec_point(session, public)?;
            if point.len() != 32 {
                return Err(malformed("Ed25519 point"));
            }
            SubjectPublicKeyInfoOwned {
                algorithm: AlgorithmIdentifierOwned {
                    oid: ID_ED25519,
                    parameters: None,
                },
                subject_public_key: der::asn1::BitString::from_bytes(&point)
                    .map_err(|_| malformed("Ed25519 point"))?,
            }
        }
        KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 => {
            use rsa::pkcs8::EncodePublicKey;
            let attrs = session.get_attributes(
                public,
                &[AttributeType::Modulus, AttributeType::PublicExponent],
            )?;
            let mut n = None;
            let mut e = None;
            for a in attrs {
                match a {
                    Attribute::Modulus(v) => n = Some(v),
                    Attribute::PublicExponent(v) => e = Some(v),
                    _ => {}
                }
            }
            let (Some(n), Some(e)) = (n, e) else {
                return Err(malformed("RSA public key"));
            };
            let key = rsa::RsaPublicKey::new(
                rsa::BigUint::from_bytes_be(&n),
                rsa::BigUint::from_bytes_be(&e),
            )
            .map_err(|_| malformed("RSA public key"))?;
            let der = key
                .to_public_key_der()
                .map_err(|_| malformed("RSA public key"))?;
            return Ok(der.as_bytes().to_vec());
        }
    };
    spki.to_der().map_err(|_| malformed("public key"))
}

fn ec_point(session: &Session, public: ObjectHandle) -> Result<Vec<u8>, VaultError> {
    match session
        .get_attributes(public, &[AttributeType::EcPoint])?
        .into_iter()
        .next()
    {
        Some(Attribute::EcPoint(p)) => Ok(super::pool::unwrap_octet_string(p)),
        _ => Err(malformed("EC point")),
    }
}

fn hash_mechanism(digest: DigestAlgorithm) -> (MechanismType, PkcsMgfType) {
    match digest {
        DigestAlgorithm::Sha256 => (MechanismType::SHA256, PkcsMgfType::MGF1_SHA256),
        DigestAlgorithm::Sha384 => (MechanismType::SHA384, PkcsMgfType::MGF1_SHA384),
        DigestAlgorithm::Sha512 => (MechanismType::SHA512, PkcsMgfType::MGF1_SHA512),
    }
}

/// Sign `input` (a digest, or the message for Ed25519) with the key under `scheme`; the result
/// is in the encoding CMS and X.509 carry.
pub(super) fn sign(
    session: &Session,
    key: ObjectHandle,
    algorithm: KeyAlgorithm,
    scheme: SignatureScheme,
    input: &[u8],
) -> Result<Vec<u8>, VaultError> {
    if !scheme.fits(algorithm) {
        return Err(VaultError::Operation(format!(
            "a {} key cannot sign with {}",
            algorithm.as_str(),
            scheme.name()
        )));
    }
    if !scheme.signs_message() && input.len() != scheme.digest().output_len() {
        return Err(VaultError::Operation(format!(
            "a {} digest has {} bytes, not {}",
            scheme.digest().name(),
            scheme.digest().output_len(),
            input.len()
        )));
    }
    match scheme {
        SignatureScheme::Ecdsa(_) => {
            let raw = session.sign(&Mechanism::Ecdsa, key, input)?;
            let sig = p256::ecdsa::Signature::from_slice(&raw)
                .map_err(|_| malformed("ECDSA signature"))?;
            Ok(sig.to_der().as_bytes().to_vec())
        }
        SignatureScheme::RsaPkcs1v15(d) => {
            Ok(session.sign(&Mechanism::RsaPkcs, key, &rsa_digest_info(d, input))?)
        }
        SignatureScheme::RsaPss(d, salt_len) => {
            let (hash_alg, mgf) = hash_mechanism(d);
            let params = PkcsPssParams {
                hash_alg,
                mgf,
                s_len: u64::from(salt_len).into(),
            };
            Ok(session.sign(&Mechanism::RsaPkcsPss(params), key, input)?)
        }
        SignatureScheme::Ed25519 => Ok(session.sign(
            &Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure)),
            key,
            input,
        )?),
    }
}
