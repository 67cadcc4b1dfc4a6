//! Key transport for one recipient (RFC 5652 §6.2.1, RFC 3560): the content key encrypted
//! to the recipient's RSA public key. We write RSAES-OAEP with its default parameters
//! (SHA-1, MGF1-SHA-1 — OAEP's security does not rest on collision resistance, and it is the
//! OAEP SoftHSM 2.6 decrypts); we read that and PKCS #1 v1.5 (`rsaEncryption`), which is what
//! `openssl cms -encrypt` and most mail clients write. The holder's side decrypts in the vault.

use super::EnvelopeError;
use super::agree::{ContentKey, recipient_id};
use cms::content_info::CmsVersion;
use cms::enveloped_data::{KeyTransRecipientInfo, RecipientIdentifier, RecipientInfo};
use const_oid::ObjectIdentifier;
use der::asn1::OctetString;
use der::{Any, Decode};
use rsa::pkcs1::DecodeRsaPublicKey;
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use zeroize::Zeroizing;

/// rsaEncryption (PKCS #1 v1.5 padding when it names a key-encryption algorithm).
pub const ID_RSA_ENCRYPTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// id-RSAES-OAEP.
pub const ID_RSAES_OAEP: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.7");

/// RSAES-OAEP-params with every field at its default (RFC 4055 §4.1): an empty SEQUENCE.
const OAEP_DEFAULTS: [u8; 2] = [0x30, 0x00];

/// How the content key was padded before RSA encryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Padding {
    /// PKCS #1 v1.5.
    Pkcs1,
    /// OAEP, SHA-1 and MGF1-SHA-1, empty label.
    OaepSha1,
}

/// What the holder of one RSA private key needs to recover the content key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transport {
    /// The encrypted content key.
    pub encrypted_key: Vec<u8>,
    /// Its padding.
    pub padding: Padding,
}

/// Whether `cert` holds an RSA key.
pub fn is_rsa(cert: &Certificate) -> bool {
    cert.tbs_certificate.subject_public_key_info.algorithm.oid == ID_RSA_ENCRYPTION
}

/// The recipient entry that lets the holder of `cert`'s RSA key recover `key`.
pub fn transport_info(
    cert: &Certificate,
    key: &ContentKey,
) -> Result<RecipientInfo, EnvelopeError> {
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let public = rsa::RsaPublicKey::from_pkcs1_der(spki.subject_public_key.raw_bytes())
        .map_err(|_| EnvelopeError::Malformed("the recipient's RSA key"))?;
    let encrypted = public
        .encrypt(
            &mut rand::rngs::OsRng,
            rsa::Oaep::new::<sha1::Sha1>(),
            key.as_ref(),
        )
        .map_err(|_| EnvelopeError::Malformed("the recipient's RSA key"))?;
    let bad = |_| EnvelopeError::Malformed("recipient entry");
    Ok(RecipientInfo::Ktri(KeyTransRecipientInfo {
        version: CmsVersion::V0,
        rid: RecipientIdentifier::IssuerAndSerialNumber(recipient_id(cert)),
        key_enc_alg: AlgorithmIdentifierOwned {
            oid: ID_RSAES_OAEP,
            parameters: Some(Any::from_der(&OAEP_DEFAULTS).map_err(bad)?),
        },
        enc_key: OctetString::new(encrypted).map_err(bad)?,
    }))
}

/// The key-transport entry among `infos` addressed to `cert`, with its padding read.
pub fn transport_for(
    infos: &[RecipientInfo],
    cert: &Certificate,
) -> Result<(usize, Transport), EnvelopeError> {
    let me = recipient_id(cert);
    for (index, info) in infos.iter().enumerate() {
        let RecipientInfo::Ktri(ktri) = info else {
            continue;
        };
        if !matches!(&ktri.rid, RecipientIdentifier::IssuerAndSerialNumber(id) if *id == me) {
            continue;
        }
        let padding = match ktri.key_enc_alg.oid {
            ID_RSA_ENCRYPTION => Padding::Pkcs1,
            ID_RSAES_OAEP => {
                let defaults = match &ktri.key_enc_alg.parameters {
                    None => true,
                    Some(p) => der::Encode::to_der(p).is_ok_and(|d| d == OAEP_DEFAULTS),
                };
                if !defaults {
                    return Err(EnvelopeError::Unsupported(
                        "RSAES-OAEP with a hash other than SHA-1".into(),
                    ));
                }
                Padding::OaepSha1
            }
            other => {
                return Err(EnvelopeError::Unsupported(format!("key transport {other}")));
            }
        };
        return Ok((
            index,
            Transport {
                encrypted_key: ktri.enc_key.as_bytes().to_vec(),
                padding,
            },
        ));
    }
    Err(EnvelopeError::NotForUs)
}

/// The content key as the vault decrypted it, checked to be an AES-256 key.
pub fn content_key_of(plain: Zeroizing<Vec<u8>>) -> Result<ContentKey, EnvelopeError> {
    let key: [u8; 32] = plain
        .as_slice()
        .try_into()
        .map_err(|_| EnvelopeError::Unsupported("a content key that is not AES-256".into()))?;
    Ok(Zeroizing::new(key))
}
