//! CMS EnvelopedData (RFC 5652 §6) for files encrypted to their recipients' certificates:
//! for EC P-256 recipients ECDH ephemeral-static key agreement with the X9.63 SHA-256 KDF and
//! AES-256 key wrap (RFC 5753), for RSA recipients key transport (RSAES-OAEP written, PKCS #1
//! v1.5 read too), content in AES-256-CBC — the choices `openssl cms -encrypt` makes, so any
//! CMS tool opens what we write and we open what they write. The content
//! streams through in both directions; only the recipients' part is held in memory.
//!
//! Files go signed, then encrypted (the envelope carries an attached SignedData, [`signed`]),
//! and the sender seals the envelope once more for the exchange: the triple wrap of RFC 2634,
//! so the server can check who sent it while only the recipients can read it.

pub mod agree;
pub mod open;
pub mod recipients;
pub mod signed;
pub mod stream;
pub mod tlv;
pub mod transport;

use const_oid::ObjectIdentifier;

/// id-data.
pub const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
/// id-signedData.
pub const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
/// id-envelopedData.
pub const ID_ENVELOPED_DATA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.3");
/// id-aes256-CBC.
pub const ID_AES256_CBC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.1.42");
/// id-aes256-wrap.
pub const ID_AES256_WRAP: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.1.45");
/// dhSinglePass-stdDH-sha256kdf-scheme.
pub const ID_ECDH_SHA256_KDF: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.1.11.1");
/// dhSinglePass-stdDH-sha1kdf-scheme (read only).
pub const ID_ECDH_SHA1_KDF: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.133.16.840.63.0.2");
/// id-ecPublicKey.
pub const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// secp256r1.
pub const ID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");

/// Why an envelope could not be made or opened.
#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
    /// Reading or writing the stream failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Not the structure expected at this place.
    #[error("malformed envelope: {0}")]
    Malformed(&'static str),
    /// A valid structure this implementation does not handle.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// No recipient entry names this certificate.
    #[error("the envelope is not encrypted to this certificate")]
    NotForUs,
    /// The key-encryption key does not unwrap the content key, or the padding is wrong: the
    /// wrong key, or a damaged envelope.
    #[error("the envelope does not open with this key")]
    WrongKey,
}

#[cfg(test)]
mod tests;
