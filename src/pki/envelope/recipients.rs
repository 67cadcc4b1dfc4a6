//! Which way a recipient's content key goes, decided by the key in their certificate: key
//! agreement for EC P-256 ([`super::agree`]), key transport for RSA ([`super::transport`]).
//! Sealing, finding one's entry and opening it all go through here, so no caller asks which.

use super::EnvelopeError;
use super::agree::{Agreement, ContentKey, agreement_for, recipient_info};
use super::transport::{Transport, is_rsa, transport_for, transport_info};
use cms::enveloped_data::RecipientInfo;
use x509_cert::Certificate;

/// What the holder of a private key needs to recover the content key from their entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unlock {
    /// ECDH with the sender's ephemeral key, then the KDF and the key unwrap.
    Agree(Agreement),
    /// RSA decryption of the content key.
    Transport(Transport),
}

/// The recipient entry that lets the holder of `cert`'s key recover `key`.
pub fn recipient_entry(
    cert: &Certificate,
    key: &ContentKey,
) -> Result<RecipientInfo, EnvelopeError> {
    if is_rsa(cert) {
        transport_info(cert, key)
    } else {
        recipient_info(cert, key)
    }
}

/// The entry among `infos` addressed to `cert`, and how to open it.
pub fn unlock_for(
    infos: &[RecipientInfo],
    cert: &Certificate,
) -> Result<(usize, Unlock), EnvelopeError> {
    if is_rsa(cert) {
        transport_for(infos, cert).map(|(i, t)| (i, Unlock::Transport(t)))
    } else {
        agreement_for(infos, cert).map(|(i, a)| (i, Unlock::Agree(a)))
    }
}
