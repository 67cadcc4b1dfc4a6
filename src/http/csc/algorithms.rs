//! Which signature algorithms (by OID, as CSC names them) a credential's key signs with, and
//! the check that a `signAlgo` a client sends fits the key and the hash algorithm.

use super::CscError;
use crate::pki::scheme::KeyAlgorithm;
use crate::said;
use crate::signatures::{HashAlgorithm, hash_algorithm};

const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";
const ECDSA_SHA512: &str = "1.2.840.10045.4.3.4";
const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const P256: &str = "1.2.840.10045.3.1.7";
const RSA_SHA256: &str = "1.2.840.113549.1.1.11";
const RSA_SHA384: &str = "1.2.840.113549.1.1.12";
const RSA_SHA512: &str = "1.2.840.113549.1.1.13";
const RSA: &str = "1.2.840.113549.1.1.1";
const RSA_PSS: &str = "1.2.840.113549.1.1.10";
const ED25519: &str = "1.3.101.112";

/// What `credentials/info` says of a key.
pub struct KeyFacts {
    /// The signature algorithms it signs with (OIDs).
    pub algo: Vec<&'static str>,
    /// Its length in bits.
    pub len: u32,
    /// The curve's OID, for EC keys.
    pub curve: Option<&'static str>,
}

/// The facts of a key of `algorithm`.
pub fn key_facts(algorithm: KeyAlgorithm) -> KeyFacts {
    let rsa = |len| KeyFacts {
        algo: vec![RSA_SHA256, RSA_SHA384, RSA_SHA512, RSA],
        len,
        curve: None,
    };
    match algorithm {
        KeyAlgorithm::EcdsaP256 => KeyFacts {
            algo: vec![ECDSA_SHA256, ECDSA_SHA384, ECDSA_SHA512, EC_PUBLIC_KEY],
            len: 256,
            curve: Some(P256),
        },
        KeyAlgorithm::Rsa2048 => rsa(2048),
        KeyAlgorithm::Rsa3072 => rsa(3072),
        KeyAlgorithm::Ed25519 => KeyFacts {
            algo: vec![ED25519],
            len: 256,
            curve: None,
        },
    }
}

/// Every signature algorithm some credential of ours signs with (v2 `info`).
pub fn all() -> Vec<&'static str> {
    vec![
        ECDSA_SHA256,
        ECDSA_SHA384,
        ECDSA_SHA512,
        EC_PUBLIC_KEY,
        RSA_SHA256,
        RSA_SHA384,
        RSA_SHA512,
        RSA,
        ED25519,
    ]
}

/// The key family a signature algorithm belongs to and the hash it implies, if any.
fn family(sign_algo: &str) -> Result<(&'static str, Option<&'static str>), CscError> {
    Ok(match sign_algo {
        ECDSA_SHA256 => ("ec", Some("sha256")),
        ECDSA_SHA384 => ("ec", Some("sha384")),
        ECDSA_SHA512 => ("ec", Some("sha512")),
        EC_PUBLIC_KEY => ("ec", None),
        RSA_SHA256 => ("rsa", Some("sha256")),
        RSA_SHA384 => ("rsa", Some("sha384")),
        RSA_SHA512 => ("rsa", Some("sha512")),
        RSA => ("rsa", None),
        ED25519 => ("ed25519", None),
        RSA_PSS => {
            return Err(CscError::invalid(said!(
                "signAlgo RSASSA-PSS is not offered: use sha256WithRSAEncryption \
                 (1.2.840.113549.1.1.11) or rsaEncryption with hashAlgo",
                "signAlgo RSASSA-PSS не предлагается: используйте sha256WithRSAEncryption (1.2.840.113549.1.1.11) или rsaEncryption с hashAlgo"
            )));
        }
        other => {
            return Err(CscError::invalid(said!(
                "signAlgo {:?} is not supported: see key/algo in credentials/info",
                "signAlgo {:?} не поддерживается: см. key/algo в credentials/info",
                other.chars().take(64).collect::<String>()
            )));
        }
    })
}

fn family_of(key: KeyAlgorithm) -> &'static str {
    match key {
        KeyAlgorithm::EcdsaP256 => "ec",
        KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 => "rsa",
        KeyAlgorithm::Ed25519 => "ed25519",
    }
}

/// The hash algorithm a `signAlgo` (and the `hashAlgo` sent with it, if any) signs under with
/// a key of `key` (`default` when neither names one): refused when the algorithm is not the key's, or the two hashes disagree.
pub fn hash_for(
    key: KeyAlgorithm,
    sign_algo: Option<&str>,
    hash_algo: Option<&str>,
    default: Option<HashAlgorithm>,
) -> Result<HashAlgorithm, CscError> {
    let sign_algo = sign_algo.map(str::trim).ok_or_else(|| {
        CscError::invalid(said!(
            "Missing string parameter signAlgo",
            "Не хватает строкового параметра signAlgo"
        ))
    })?;
    let (fam, implied) = family(sign_algo)?;
    if fam != family_of(key) {
        return Err(CscError::invalid(said!(
            "signAlgo {sign_algo} does not fit this credential's {} key",
            "signAlgo {sign_algo} не подходит к ключу {} этого сертификата",
            key.as_str()
        )));
    }
    let given = hash_algo.map(hash_algorithm).transpose()?;
    let implied = implied.map(hash_algorithm).transpose()?;
    match (implied, given) {
        (Some(i), Some(g)) if i != g => Err(CscError::invalid(said!("signAlgo {sign_algo} signs {} hashes, but hashAlgo names {}", "signAlgo {sign_algo} подписывает хеши {}, а hashAlgo называет {}",
            i.name(),
            g.name()
        ))),
        (Some(a), _) | (None, Some(a)) => Ok(a),
        (None, None) => default.ok_or_else(|| {
            CscError::invalid(said!("Missing string parameter hashAlgo: signAlgo names no hash algorithm", "Не хватает строкового параметра hashAlgo: signAlgo не называет алгоритм хеширования"))
        }),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sign_algo_must_fit_the_key_and_agree_with_the_hash() {
        let ec = KeyAlgorithm::EcdsaP256;
        assert_eq!(
            hash_for(ec, Some(ECDSA_SHA384), None, None).unwrap(),
            HashAlgorithm::Sha384
        );
        assert_eq!(
            hash_for(
                ec,
                Some(EC_PUBLIC_KEY),
                Some("2.16.840.1.101.3.4.2.1"),
                None
            )
            .unwrap(),
            HashAlgorithm::Sha256
        );
        assert!(hash_for(ec, Some(EC_PUBLIC_KEY), None, None).is_err());
        assert_eq!(
            hash_for(ec, Some(EC_PUBLIC_KEY), None, Some(HashAlgorithm::Sha256)).unwrap(),
            HashAlgorithm::Sha256
        );
        assert!(hash_for(ec, Some(ECDSA_SHA256), Some("sha512"), None).is_err());
        assert!(hash_for(ec, Some(RSA_SHA256), None, None).is_err());
        assert!(hash_for(KeyAlgorithm::Rsa2048, Some(RSA_PSS), Some("sha256"), None).is_err());
        assert!(hash_for(ec, None, Some("sha256"), None).is_err());
        assert!(hash_for(ec, Some("not an oid"), None, None).is_err());
    }

    #[test]
    fn every_key_lists_only_algorithms_it_can_be_asked_for() {
        for key in [
            KeyAlgorithm::EcdsaP256,
            KeyAlgorithm::Rsa2048,
            KeyAlgorithm::Rsa3072,
            KeyAlgorithm::Ed25519,
        ] {
            for oid in key_facts(key).algo {
                assert!(all().contains(&oid));
                assert_eq!(family(oid).unwrap().0, family_of(key), "{oid}");
            }
        }
    }
}
