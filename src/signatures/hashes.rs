//! The hashes a holder asks to sign, parsed once at the edge: a supported algorithm (by name
//! or OID, as CSC clients send it) and digests of exactly its length.

use super::SignatureError;
use crate::pki::cms::DigestAlgorithm;
use crate::said;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// Most hashes one request may name (the custody's own limit on one authorisation applies too).
pub const MAX_HASHES: usize = 1000;

/// A hash algorithm we sign under.
pub type HashAlgorithm = DigestAlgorithm;

/// Digests under one algorithm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hashes {
    /// The algorithm.
    pub algorithm: HashAlgorithm,
    /// The digests, in the order given.
    pub values: Vec<Vec<u8>>,
}

/// The algorithm named `text`: `sha256`, `SHA-256`, or its dotted OID.
pub fn algorithm(text: &str) -> Result<HashAlgorithm, SignatureError> {
    let t = text.trim();
    let by_name = match t.to_ascii_lowercase().replace('-', "").as_str() {
        "sha256" => Some(DigestAlgorithm::Sha256),
        "sha384" => Some(DigestAlgorithm::Sha384),
        "sha512" => Some(DigestAlgorithm::Sha512),
        _ => None,
    };
    by_name
        .or_else(|| {
            const_oid::ObjectIdentifier::new(t)
                .ok()
                .and_then(|oid| DigestAlgorithm::from_oid(&oid))
        })
        .ok_or_else(|| {
            SignatureError::Invalid(said!("unsupported hash algorithm {:?}: use SHA-256, SHA-384 or SHA-512 (by name or OID)", "алгоритм хеширования {:?} не поддерживается: используйте SHA-256, SHA-384 или SHA-512 (по имени или OID)",
                t.chars().take(64).collect::<String>()
            ))
        })
}

/// The short name stored with a signature.
pub fn short_name(a: HashAlgorithm) -> &'static str {
    match a {
        DigestAlgorithm::Sha256 => "sha256",
        DigestAlgorithm::Sha384 => "sha384",
        DigestAlgorithm::Sha512 => "sha512",
    }
}

impl Hashes {
    /// Parse base64 digests under the algorithm named `algorithm_text`.
    pub fn parse(algorithm_text: &str, values: &[String]) -> Result<Self, SignatureError> {
        let algorithm = algorithm(algorithm_text)?;
        if values.is_empty() || values.len() > MAX_HASHES {
            return Err(SignatureError::Invalid(said!(
                "name 1 to {MAX_HASHES} hashes",
                "укажите от 1 до {MAX_HASHES} хешей"
            )));
        }
        let values = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let bytes = STANDARD.decode(v.trim()).map_err(|_| {
                    SignatureError::Invalid(said!(
                        "hash {} is not base64",
                        "хеш {} не в base64",
                        i + 1
                    ))
                })?;
                if bytes.len() == algorithm.output_len() {
                    Ok(bytes)
                } else {
                    Err(SignatureError::Invalid(said!(
                        "hash {} has {} bytes; a {} hash has {}",
                        "в хеше {} {} байт; в хеше {} их {}",
                        i + 1,
                        bytes.len(),
                        algorithm.name(),
                        algorithm.output_len()
                    )))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { algorithm, values })
    }

    /// One value standing for the algorithm and every hash, in order: what a confirmation
    /// code is bound to, so a code for one set of hashes cannot authorise another.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(short_name(self.algorithm).as_bytes());
        for v in &self.values {
            h.update([0]);
            h.update(v);
        }
        hex::encode(h.finalize())
    }

    /// The first bytes of the first hashes, for the SMS that names what is being signed.
    pub fn describe(&self) -> String {
        let mut shown: Vec<String> = self
            .values
            .iter()
            .take(3)
            .map(|v| format!("{}…", hex::encode(&v[..4.min(v.len())])))
            .collect();
        if self.values.len() > 3 {
            shown.push(format!("+{}", self.values.len() - 3));
        }
        shown.join(" ")
    }
}
