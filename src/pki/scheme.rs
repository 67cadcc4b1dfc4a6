//! Which keys subscribers may hold and how each signs: the one table the vault (PKCS#11
//! mechanisms), the CMS builder (algorithm identifiers) and the request checker (PKCS#10
//! public keys) agree on, so a new algorithm is added in one place.

use super::cms::DigestAlgorithm;
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912;
use der::{Decode, Encode};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

/// id-Ed25519 (RFC 8410).
pub const ID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// The algorithm of a subscriber key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAlgorithm {
    /// ECDSA on NIST P-256 (the default).
    EcdsaP256,
    /// RSA with a 2048-bit modulus.
    Rsa2048,
    /// RSA with a 3072-bit modulus.
    Rsa3072,
    /// Ed25519 (RFC 8032).
    Ed25519,
}

impl KeyAlgorithm {
    /// Every algorithm we issue for.
    pub const ALL: [KeyAlgorithm; 4] = [
        KeyAlgorithm::EcdsaP256,
        KeyAlgorithm::Rsa2048,
        KeyAlgorithm::Rsa3072,
        KeyAlgorithm::Ed25519,
    ];

    /// The stable name used in the database and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyAlgorithm::EcdsaP256 => "ecdsa_p256",
            KeyAlgorithm::Rsa2048 => "rsa_2048",
            KeyAlgorithm::Rsa3072 => "rsa_3072",
            KeyAlgorithm::Ed25519 => "ed25519",
        }
    }

    /// From its stable name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The algorithm a person chose by name for a key kept in custody (ECDSA P-256 when the
    /// name is absent or empty); `None` for any other name. Ed25519 is not offered for custody:
    /// SoftHSM 2.6 cannot wrap such keys, so a key made in it could never be kept.
    pub fn chosen_for_custody(named: Option<&str>) -> Option<Self> {
        match named.map(str::trim) {
            None | Some("") => Some(KeyAlgorithm::EcdsaP256),
            Some(name) => Self::parse(name).filter(|a| *a != KeyAlgorithm::Ed25519),
        }
    }

    /// RSA modulus size in bits, for RSA keys.
    pub fn rsa_bits(self) -> Option<u32> {
        match self {
            KeyAlgorithm::Rsa2048 => Some(2048),
            KeyAlgorithm::Rsa3072 => Some(3072),
            _ => None,
        }
    }

    /// The scheme a key of this algorithm signs with unless told otherwise.
    pub fn default_scheme(self) -> SignatureScheme {
        match self {
            KeyAlgorithm::EcdsaP256 => SignatureScheme::Ecdsa(DigestAlgorithm::Sha256),
            KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 => {
                SignatureScheme::RsaPkcs1v15(DigestAlgorithm::Sha256)
            }
            KeyAlgorithm::Ed25519 => SignatureScheme::Ed25519,
        }
    }

    /// The algorithm of a public key, if it is one we issue certificates for. RSA keys of
    /// other sizes and EC keys on other curves are not.
    pub fn of_public_key(spki: &SubjectPublicKeyInfoOwned) -> Option<Self> {
        match spki.algorithm.oid {
            rfc5912::ID_EC_PUBLIC_KEY => {
                let curve = spki
                    .algorithm
                    .parameters
                    .as_ref()?
                    .decode_as::<ObjectIdentifier>()
                    .ok()?;
                (curve == rfc5912::SECP_256_R_1).then_some(KeyAlgorithm::EcdsaP256)
            }
            rfc5912::RSA_ENCRYPTION => {
                use rsa::pkcs8::DecodePublicKey;
                use rsa::traits::PublicKeyParts;
                let key = rsa::RsaPublicKey::from_public_key_der(&spki.to_der().ok()?).ok()?;
                match key.n().bits() {
                    2048 => Some(KeyAlgorithm::Rsa2048),
                    3072 => Some(KeyAlgorithm::Rsa3072),
                    _ => None,
                }
            }
            ID_ED25519 => {
                (spki.subject_public_key.raw_bytes().len() == 32).then_some(KeyAlgorithm::Ed25519)
            }
            _ => None,
        }
    }
}

/// How one signature is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureScheme {
    /// ECDSA over a digest; the signature is DER `(r, s)`.
    Ecdsa(DigestAlgorithm),
    /// RSASSA-PKCS1-v1_5 over a digest.
    RsaPkcs1v15(DigestAlgorithm),
    /// RSASSA-PSS over a digest, MGF1 with the same hash, and a salt of this many bytes
    /// (as long as the hash unless a client's parameters asked for another: see [`Self::pss`]).
    RsaPss(DigestAlgorithm, u16),
    /// Pure Ed25519 over the whole message (RFC 8032; in CMS, RFC 8419).
    Ed25519,
}

impl SignatureScheme {
    /// RSASSA-PSS with `digest` and a salt as long as the digest (RFC 4055's recommendation,
    /// and what we sign with unless asked otherwise).
    pub fn pss(digest: DigestAlgorithm) -> Self {
        SignatureScheme::RsaPss(
            digest,
            u16::try_from(digest.output_len()).unwrap_or(u16::MAX),
        )
    }

    /// True when the key may sign with this scheme (a PSS salt must leave room for the hash
    /// in the key's modulus: RFC 8017 §9.1.1).
    pub fn fits(self, key: KeyAlgorithm) -> bool {
        match (self, key) {
            (SignatureScheme::RsaPss(d, salt_len), _) => {
                Self::max_pss_salt(key, d).is_some_and(|max| salt_len <= max)
            }
            _ => matches!(
                (self, key),
                (SignatureScheme::Ecdsa(_), KeyAlgorithm::EcdsaP256)
                    | (
                        SignatureScheme::RsaPkcs1v15(_),
                        KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072
                    )
                    | (SignatureScheme::Ed25519, KeyAlgorithm::Ed25519)
            ),
        }
    }

    /// The longest RSASSA-PSS salt a key of `key` can carry with `digest` (none for keys
    /// that are not RSA).
    pub fn max_pss_salt(key: KeyAlgorithm, digest: DigestAlgorithm) -> Option<u16> {
        let encoded = key.rsa_bits()?.saturating_sub(1).div_ceil(8);
        let taken = u32::try_from(digest.output_len()).ok()? + 2;
        u16::try_from(encoded.checked_sub(taken)?).ok()
    }

    /// The digest algorithm: the one signed for digest schemes; for Ed25519 the CMS
    /// digestAlgorithm RFC 8419 §3.1 requires (SHA-512).
    pub fn digest(self) -> DigestAlgorithm {
        match self {
            SignatureScheme::Ecdsa(d)
            | SignatureScheme::RsaPkcs1v15(d)
            | SignatureScheme::RsaPss(d, _) => d,
            SignatureScheme::Ed25519 => DigestAlgorithm::Sha512,
        }
    }

    /// True when the key signs the message itself rather than its digest, so the signature
    /// cannot be made over a hash handed in by a client.
    pub fn signs_message(self) -> bool {
        matches!(self, SignatureScheme::Ed25519)
    }

    /// The signatureAlgorithm of a CMS SignerInfo or an X.509 structure.
    pub fn identifier(self) -> Result<AlgorithmIdentifierOwned, der::Error> {
        let plain = |oid| AlgorithmIdentifierOwned {
            oid,
            parameters: None,
        };
        Ok(match self {
            SignatureScheme::Ecdsa(d) => d.ecdsa(),
            SignatureScheme::RsaPkcs1v15(d) => AlgorithmIdentifierOwned {
                oid: match d {
                    DigestAlgorithm::Sha256 => rfc5912::SHA_256_WITH_RSA_ENCRYPTION,
                    DigestAlgorithm::Sha384 => rfc5912::SHA_384_WITH_RSA_ENCRYPTION,
                    DigestAlgorithm::Sha512 => rfc5912::SHA_512_WITH_RSA_ENCRYPTION,
                },
                parameters: Some(der::asn1::Any::from(der::asn1::Null)),
            },
            SignatureScheme::RsaPss(d, salt_len) => {
                let params = super::cms::algorithms::PssParams::for_digest(d, salt_len)?;
                AlgorithmIdentifierOwned {
                    oid: rfc5912::ID_RSASSA_PSS,
                    parameters: Some(der::asn1::Any::from_der(&params.to_der()?)?),
                }
            }
            SignatureScheme::Ed25519 => plain(ID_ED25519),
        })
    }

    /// The name people know, for reports and errors.
    pub fn name(self) -> String {
        match self {
            SignatureScheme::Ecdsa(d) => format!("ECDSA with {}", d.name()),
            SignatureScheme::RsaPkcs1v15(d) => format!("RSA PKCS#1 v1.5 with {}", d.name()),
            SignatureScheme::RsaPss(d, _) => format!("RSASSA-PSS with {}", d.name()),
            SignatureScheme::Ed25519 => "Ed25519".to_owned(),
        }
    }
}

/// DER DigestInfo (RFC 8017 §9.2) around a digest: what raw `CKM_RSA_PKCS` signs for
/// RSASSA-PKCS1-v1_5.
pub fn rsa_digest_info(digest: DigestAlgorithm, hash: &[u8]) -> Vec<u8> {
    // The fixed prefixes of RFC 8017 §9.2 note 1.
    let prefix: &[u8] = match digest {
        DigestAlgorithm::Sha256 => &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ],
        DigestAlgorithm::Sha384 => &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x02, 0x05, 0x00, 0x04, 0x30,
        ],
        DigestAlgorithm::Sha512 => &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x03, 0x05, 0x00, 0x04, 0x40,
        ],
    };
    let mut out = prefix.to_vec();
    out.extend_from_slice(hash);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pss_salt_must_leave_room_for_the_hash_in_the_modulus() {
        let sha256 = DigestAlgorithm::Sha256;
        let max = |key| SignatureScheme::max_pss_salt(key, sha256);
        assert_eq!(max(KeyAlgorithm::Rsa2048), Some(222));
        assert_eq!(max(KeyAlgorithm::Rsa3072), Some(350));
        assert_eq!(
            SignatureScheme::max_pss_salt(KeyAlgorithm::Rsa2048, DigestAlgorithm::Sha512),
            Some(190)
        );
        assert_eq!(max(KeyAlgorithm::EcdsaP256), None);
        assert!(SignatureScheme::RsaPss(sha256, 222).fits(KeyAlgorithm::Rsa2048));
        assert!(!SignatureScheme::RsaPss(sha256, 223).fits(KeyAlgorithm::Rsa2048));
        assert!(SignatureScheme::RsaPss(sha256, 0).fits(KeyAlgorithm::Rsa3072));
        assert!(!SignatureScheme::pss(sha256).fits(KeyAlgorithm::EcdsaP256));
        assert_eq!(
            SignatureScheme::pss(sha256),
            SignatureScheme::RsaPss(sha256, 32)
        );
    }
}
