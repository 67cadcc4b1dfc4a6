//! Which signature algorithms (by OID, as CSC names them) a credential's key signs with, and
//! the check that a `signAlgo` (with its `signAlgoParams` for RSASSA-PSS) a client sends fits
//! the key and the hash algorithm.

use super::CscError;
use crate::pki::cms::algorithms::{AlgorithmError, pss_params_der};
use crate::pki::scheme::KeyAlgorithm;
use crate::said;
use crate::signatures::{HashAlgorithm, RsaPadding, hash_algorithm};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

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
        algo: vec![RSA_SHA256, RSA_SHA384, RSA_SHA512, RSA, RSA_PSS],
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
        RSA_PSS,
        ED25519,
    ]
}

/// The key family a signature algorithm belongs to, the hash it implies (if any) and how an
/// RSA key pads for it; RSASSA-PSS names its hash in its parameters.
fn family(sign_algo: &str) -> Result<(&'static str, Option<&'static str>, RsaPadding), CscError> {
    let pkcs1 = RsaPadding::Pkcs1v15;
    Ok(match sign_algo {
        ECDSA_SHA256 => ("ec", Some("sha256"), pkcs1),
        ECDSA_SHA384 => ("ec", Some("sha384"), pkcs1),
        ECDSA_SHA512 => ("ec", Some("sha512"), pkcs1),
        EC_PUBLIC_KEY => ("ec", None, pkcs1),
        RSA_SHA256 => ("rsa", Some("sha256"), pkcs1),
        RSA_SHA384 => ("rsa", Some("sha384"), pkcs1),
        RSA_SHA512 => ("rsa", Some("sha512"), pkcs1),
        RSA => ("rsa", None, pkcs1),
        RSA_PSS => ("rsa", None, RsaPadding::Pss(None)),
        ED25519 => ("ed25519", None, pkcs1),
        other => {
            return Err(CscError::invalid(said!(
                "signAlgo {:?} is not supported: see key/algo in credentials/info",
                "signAlgo {:?} не поддерживается: см. key/algo в credentials/info",
                other.chars().take(64).collect::<String>()
            )));
        }
    })
}

/// The hash and salt length RSASSA-PSS parameters (base64 DER, `signAlgoParams`) name, when
/// our keys sign with them: MGF1 with the same hash (whether the key has room for the salt
/// is checked when the scheme is built).
fn pss_hash(params: Option<&str>) -> Result<(HashAlgorithm, u16), CscError> {
    let der = params
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            CscError::invalid(said!(
                "signAlgo RSASSA-PSS needs signAlgoParams: its RSASSA-PSS-params, base64 DER",
                "для signAlgo RSASSA-PSS нужны signAlgoParams: его RSASSA-PSS-params, DER в base64"
            ))
        })?;
    let der = STANDARD.decode(der).map_err(|_| {
        CscError::invalid(said!(
            "signAlgoParams is not base64",
            "signAlgoParams — не base64"
        ))
    })?;
    let (digest, salt_len) = pss_params_der(&der).map_err(|e| match e {
        AlgorithmError::Unsupported(what) => CscError::invalid(said!(
            "signAlgoParams: {what} is not offered; RSASSA-PSS is signed with SHA-256, SHA-384 \
             or SHA-512, MGF1 with the same hash",
            "signAlgoParams: {what} не предлагается; RSASSA-PSS подписывается с SHA-256, SHA-384 или SHA-512 и MGF1 с тем же хешем"
        )),
        _ => CscError::invalid(said!(
            "signAlgoParams are not DER RSASSA-PSS-params (RFC 4055)",
            "signAlgoParams — не RSASSA-PSS-params в DER (RFC 4055)"
        )),
    })?;
    let salt_len = u16::try_from(salt_len).map_err(|_| {
        CscError::invalid(said!(
            "signAlgoParams: a salt of {salt_len} bytes is longer than any key's",
            "signAlgoParams: соль в {salt_len} байт длиннее, чем допускает любой ключ"
        ))
    })?;
    Ok((digest, salt_len))
}

fn family_of(key: KeyAlgorithm) -> &'static str {
    match key {
        KeyAlgorithm::EcdsaP256 => "ec",
        KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 => "rsa",
        KeyAlgorithm::Ed25519 => "ed25519",
    }
}

/// What a client asks a key of `key` to sign with: `signAlgo`, its `signAlgoParams` and the
/// `hashAlgo` sent with them (`default` when none names a hash).
pub struct Asked<'a> {
    /// `signAlgo`.
    pub sign_algo: Option<&'a str>,
    /// `signAlgoParams` (base64 DER), for RSASSA-PSS.
    pub params: Option<&'a str>,
    /// `hashAlgo` or `hashAlgorithmOID`.
    pub hash_algo: Option<&'a str>,
    /// The hash algorithm when neither names one.
    pub default: Option<HashAlgorithm>,
}

/// The hash algorithm and RSA padding a request signs under with a key of `key`: refused when
/// the algorithm is not the key's, or the hashes it and `hashAlgo` name disagree.
pub fn choose(
    key: KeyAlgorithm,
    asked: Asked<'_>,
) -> Result<(HashAlgorithm, RsaPadding), CscError> {
    let sign_algo = asked.sign_algo.map(str::trim).ok_or_else(|| {
        CscError::invalid(said!(
            "Missing string parameter signAlgo",
            "Не хватает строкового параметра signAlgo"
        ))
    })?;
    let (fam, implied, padding) = family(sign_algo)?;
    if fam != family_of(key) {
        return Err(CscError::invalid(said!(
            "signAlgo {sign_algo} does not fit this credential's {} key",
            "signAlgo {sign_algo} не подходит к ключу {} этого сертификата",
            key.as_str()
        )));
    }
    let (implied, padding) = match padding {
        RsaPadding::Pss(_) => {
            let (hash, salt_len) = pss_hash(asked.params)?;
            (Some(hash), RsaPadding::Pss(Some(salt_len)))
        }
        RsaPadding::Pkcs1v15 => (implied.map(hash_algorithm).transpose()?, padding),
    };
    let given = asked.hash_algo.map(hash_algorithm).transpose()?;
    let hash = match (implied, given) {
        (Some(i), Some(g)) if i != g => Err(CscError::invalid(said!("signAlgo {sign_algo} signs {} hashes, but hashAlgo names {}", "signAlgo {sign_algo} подписывает хеши {}, а hashAlgo называет {}",
            i.name(),
            g.name()
        ))),
        (Some(a), _) | (None, Some(a)) => Ok(a),
        (None, None) => asked.default.ok_or_else(|| {
            CscError::invalid(said!("Missing string parameter hashAlgo: signAlgo names no hash algorithm", "Не хватает строкового параметра hashAlgo: signAlgo не называет алгоритм хеширования"))
        }),
    }?;
    Ok((hash, padding))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// RSASSA-PSS-params: SHA-256, MGF1 with SHA-256, salt 32 (the last byte, `20`).
    const PSS_SHA256: &str = "3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108\
                              300d06096086480165030402010500a203020120";

    fn hash_for(
        key: KeyAlgorithm,
        sign_algo: Option<&str>,
        hash_algo: Option<&str>,
        default: Option<HashAlgorithm>,
    ) -> Result<HashAlgorithm, CscError> {
        let asked = Asked {
            sign_algo,
            params: None,
            hash_algo,
            default,
        };
        choose(key, asked).map(|(hash, _)| hash)
    }

    fn pss(
        params_hex: &str,
        hash_algo: Option<&str>,
    ) -> Result<(HashAlgorithm, RsaPadding), CscError> {
        let params = STANDARD.encode(hex::decode(params_hex).unwrap());
        let asked = Asked {
            sign_algo: Some(RSA_PSS),
            params: Some(&params),
            hash_algo,
            default: None,
        };
        choose(KeyAlgorithm::Rsa2048, asked)
    }

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
        assert!(hash_for(ec, Some(RSA_PSS), Some("sha256"), None).is_err());
        assert!(hash_for(ec, None, Some("sha256"), None).is_err());
        assert!(hash_for(ec, Some("not an oid"), None, None).is_err());
    }

    #[test]
    fn rsassa_pss_takes_its_hash_and_salt_from_its_parameters() {
        let sha256 = (HashAlgorithm::Sha256, RsaPadding::Pss(Some(32)));
        assert_eq!(pss(PSS_SHA256, None).unwrap(), sha256);
        assert_eq!(pss(PSS_SHA256, Some("sha256")).unwrap(), sha256);
        assert!(pss(PSS_SHA256, Some("sha384")).is_err());
        let common = &PSS_SHA256[4..PSS_SHA256.len() - 10];
        let salt_222 = format!("3035{common}a204020200de");
        assert_eq!(
            pss(&salt_222, None).unwrap(),
            (HashAlgorithm::Sha256, RsaPadding::Pss(Some(222)))
        );
        let mgf1_sha384 = PSS_SHA256.replacen(
            "0d010108300d0609608648016503040201",
            "0d010108300d0609608648016503040202",
            1,
        );
        assert_ne!(mgf1_sha384, PSS_SHA256);
        assert!(pss(&mgf1_sha384, None).is_err());
        assert!(pss("3000", None).is_err(), "SHA-1 by default");
        assert!(pss("0500", None).is_err());
        let no_params = Asked {
            sign_algo: Some(RSA_PSS),
            params: None,
            hash_algo: Some("sha256"),
            default: None,
        };
        assert!(choose(KeyAlgorithm::Rsa2048, no_params).is_err());
        let pkcs1 = Asked {
            sign_algo: Some(RSA_SHA256),
            params: None,
            hash_algo: None,
            default: None,
        };
        assert_eq!(
            choose(KeyAlgorithm::Rsa3072, pkcs1).unwrap(),
            (HashAlgorithm::Sha256, RsaPadding::Pkcs1v15)
        );
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
