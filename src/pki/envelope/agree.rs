//! Key agreement for one recipient (RFC 5753 §3.1): an ephemeral P-256 key on the sender's
//! side, the recipient's static key on the other, a key-encryption key from the shared secret
//! through the X9.63 KDF, and the content key wrapped under it. The side holding the
//! private key computes the shared secret wherever that key lives (the vault's HSM) and hands
//! it to [`content_key`].

use super::tlv::element;
use super::{
    EnvelopeError, ID_AES256_WRAP, ID_EC_PUBLIC_KEY, ID_ECDH_SHA1_KDF, ID_ECDH_SHA256_KDF, ID_P256,
};
use cms::cert::IssuerAndSerialNumber;
use cms::content_info::CmsVersion;
use cms::enveloped_data::{
    KeyAgreeRecipientIdentifier, KeyAgreeRecipientInfo, OriginatorIdentifierOrKey,
    OriginatorPublicKey, RecipientEncryptedKey, RecipientInfo,
};
use der::asn1::{BitString, OctetString};
use der::{Any, Decode, Encode};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use zeroize::Zeroizing;

/// The AES-256 key the content is encrypted under; zeroed when dropped.
pub type ContentKey = Zeroizing<[u8; 32]>;

/// A fresh random content key.
pub fn new_content_key() -> ContentKey {
    use rand::RngCore;
    let mut k = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(k.as_mut());
    k
}

/// ECC-CMS-SharedInfo (RFC 5753 §7.2) for AES-256 wrap.
fn shared_info(ukm: Option<&[u8]>) -> Vec<u8> {
    let mut body = element(0x30, &element(0x06, ID_AES256_WRAP.as_bytes()));
    if let Some(ukm) = ukm {
        body.extend(element(0xa0, &element(0x04, ukm)));
    }
    body.extend(element(0xa2, &element(0x04, &256u32.to_be_bytes())));
    element(0x30, &body)
}

/// The hash of the X9.63 KDF: we write SHA-256; SHA-1 is read because it is what
/// `openssl cms -encrypt` uses unless told otherwise (as a KDF, not for collisions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kdf {
    /// dhSinglePass-stdDH-sha1kdf-scheme.
    Sha1,
    /// dhSinglePass-stdDH-sha256kdf-scheme.
    Sha256,
}

/// The key-encryption key from the shared secret `z`: ANSI X9.63 KDF, as many blocks as an
/// AES-256 key needs.
pub fn key_encryption_key(z: &[u8], ukm: Option<&[u8]>, kdf: Kdf) -> Zeroizing<[u8; 32]> {
    let info = shared_info(ukm);
    let mut out = Zeroizing::new([0u8; 32]);
    let mut filled = 0;
    let mut counter = 1u32;
    while filled < 32 {
        let block: Zeroizing<Vec<u8>> = Zeroizing::new(match kdf {
            Kdf::Sha256 => Sha256::new()
                .chain_update(z)
                .chain_update(counter.to_be_bytes())
                .chain_update(&info)
                .finalize()
                .to_vec(),
            Kdf::Sha1 => sha1::Sha1::new()
                .chain_update(z)
                .chain_update(counter.to_be_bytes())
                .chain_update(&info)
                .finalize()
                .to_vec(),
        });
        let n = block.len().min(32 - filled);
        out[filled..filled + n].copy_from_slice(&block[..n]);
        filled += n;
        counter += 1;
    }
    out
}

fn key_enc_alg() -> Result<AlgorithmIdentifierOwned, EnvelopeError> {
    let wrap = AlgorithmIdentifierOwned {
        oid: ID_AES256_WRAP,
        parameters: None,
    };
    let der = wrap
        .to_der()
        .map_err(|_| EnvelopeError::Malformed("key wrap algorithm"))?;
    Ok(AlgorithmIdentifierOwned {
        oid: ID_ECDH_SHA256_KDF,
        parameters: Some(
            Any::from_der(&der).map_err(|_| EnvelopeError::Malformed("key wrap algorithm"))?,
        ),
    })
}

/// The recipient's P-256 key from their certificate; anything else is refused by name.
pub fn recipient_key(cert: &Certificate) -> Result<p256::PublicKey, EnvelopeError> {
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<const_oid::ObjectIdentifier>().ok());
    if spki.algorithm.oid != ID_EC_PUBLIC_KEY || curve != Some(ID_P256) {
        return Err(EnvelopeError::Unsupported(
            "an encryption certificate whose key is not EC P-256".into(),
        ));
    }
    p256::PublicKey::from_sec1_bytes(spki.subject_public_key.raw_bytes())
        .map_err(|_| EnvelopeError::Malformed("the recipient's public key"))
}

/// Who a certificate is as a CMS recipient.
pub fn recipient_id(cert: &Certificate) -> IssuerAndSerialNumber {
    IssuerAndSerialNumber {
        issuer: cert.tbs_certificate.issuer.clone(),
        serial_number: cert.tbs_certificate.serial_number.clone(),
    }
}

/// The recipient entry that lets the holder of `cert`'s key recover `key`.
pub fn recipient_info(
    cert: &Certificate,
    key: &ContentKey,
) -> Result<RecipientInfo, EnvelopeError> {
    let theirs = recipient_key(cert)?;
    let ephemeral = p256::ecdh::EphemeralSecret::random(&mut rand::rngs::OsRng);
    let shared = ephemeral.diffie_hellman(&theirs);
    let kek = key_encryption_key(shared.raw_secret_bytes(), None, Kdf::Sha256);
    let wrapped = aes_kw::KekAes256::from(*kek)
        .wrap_vec(key.as_ref())
        .map_err(|_| EnvelopeError::Malformed("content key"))?;
    let point = p256::EncodedPoint::from(ephemeral.public_key());
    let bad = |_| EnvelopeError::Malformed("recipient entry");
    Ok(RecipientInfo::Kari(KeyAgreeRecipientInfo {
        version: CmsVersion::V3,
        originator: OriginatorIdentifierOrKey::OriginatorKey(OriginatorPublicKey {
            algorithm: AlgorithmIdentifierOwned {
                oid: ID_EC_PUBLIC_KEY,
                parameters: None,
            },
            public_key: BitString::from_bytes(point.as_bytes()).map_err(bad)?,
        }),
        ukm: None,
        key_enc_alg: key_enc_alg()?,
        recipient_enc_keys: vec![RecipientEncryptedKey {
            rid: KeyAgreeRecipientIdentifier::IssuerAndSerialNumber(recipient_id(cert)),
            enc_key: OctetString::new(wrapped).map_err(bad)?,
        }],
    }))
}

/// What the holder of one private key needs to recover the content key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    /// The sender's ephemeral public key, an uncompressed P-256 point.
    pub originator: Vec<u8>,
    /// User keying material, when the sender added some.
    pub ukm: Option<Vec<u8>>,
    /// The wrapped content key.
    pub encrypted_key: Vec<u8>,
    /// The KDF's hash.
    pub kdf: Kdf,
}

/// The entry among `infos` addressed to `cert`, with its algorithms checked.
pub fn agreement_for(
    infos: &[RecipientInfo],
    cert: &Certificate,
) -> Result<(usize, Agreement), EnvelopeError> {
    let me = recipient_id(cert);
    for (index, info) in infos.iter().enumerate() {
        let RecipientInfo::Kari(kari) = info else {
            continue;
        };
        let Some(ours) = kari.recipient_enc_keys.iter().find(|k| {
            matches!(&k.rid, KeyAgreeRecipientIdentifier::IssuerAndSerialNumber(id) if *id == me)
        }) else {
            continue;
        };
        let kdf = match kari.key_enc_alg.oid {
            ID_ECDH_SHA256_KDF => Kdf::Sha256,
            ID_ECDH_SHA1_KDF => Kdf::Sha1,
            other => {
                return Err(EnvelopeError::Unsupported(format!("key agreement {other}")));
            }
        };
        let wrap = kari
            .key_enc_alg
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<AlgorithmIdentifierOwned>().ok())
            .map(|a| a.oid);
        if wrap != Some(ID_AES256_WRAP) {
            return Err(EnvelopeError::Unsupported(
                "a key wrap other than AES-256".into(),
            ));
        }
        let OriginatorIdentifierOrKey::OriginatorKey(originator) = &kari.originator else {
            return Err(EnvelopeError::Unsupported(
                "an originator named by certificate instead of an ephemeral key".into(),
            ));
        };
        let point = originator.public_key.raw_bytes().to_vec();
        p256::PublicKey::from_sec1_bytes(&point)
            .map_err(|_| EnvelopeError::Malformed("the sender's ephemeral key"))?;
        return Ok((
            index,
            Agreement {
                originator: point,
                ukm: kari.ukm.as_ref().map(|u| u.as_bytes().to_vec()),
                encrypted_key: ours.enc_key.as_bytes().to_vec(),
                kdf,
            },
        ));
    }
    Err(EnvelopeError::NotForUs)
}

/// The content key, given the shared secret the recipient's key computed with the sender's
/// ephemeral key.
pub fn content_key(agreement: &Agreement, z: &[u8]) -> Result<ContentKey, EnvelopeError> {
    let kek = key_encryption_key(z, agreement.ukm.as_deref(), agreement.kdf);
    let key = Zeroizing::new(
        aes_kw::KekAes256::from(*kek)
            .unwrap_vec(&agreement.encrypted_key)
            .map_err(|_| EnvelopeError::WrongKey)?,
    );
    let key: [u8; 32] = key
        .as_slice()
        .try_into()
        .map_err(|_| EnvelopeError::Unsupported("a content key that is not AES-256".into()))?;
    Ok(Zeroizing::new(key))
}

/// One recipient entry as DER (what a recipient hands to the vault), and back.
pub fn info_der(info: &RecipientInfo) -> Result<Vec<u8>, EnvelopeError> {
    info.to_der()
        .map_err(|_| EnvelopeError::Malformed("recipient entry"))
}

/// Parse one recipient entry.
pub fn info_from_der(der: &[u8]) -> Result<RecipientInfo, EnvelopeError> {
    RecipientInfo::from_der(der).map_err(|_| EnvelopeError::Malformed("recipient entry"))
}
