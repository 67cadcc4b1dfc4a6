//! Random handles, short codes and their stored forms. A handle (link token, login challenge)
//! carries 256 bits and is stored as SHA-256; a six-digit code carries ~20 bits, so it is stored
//! as an HMAC under the identity data key, bound to its challenge, and guarded by attempt limits.

use super::IdentityError;
use super::secrets::SecretBox;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;
use zeroize::Zeroizing;

/// A fresh handle and its stored hash.
pub fn new_handle() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let handle = B64.encode(bytes);
    let hash = hash_handle(&handle);
    (handle, hash)
}

/// The stored form of a handle.
pub fn hash_handle(handle: &str) -> Vec<u8> {
    Sha256::digest(handle.trim().as_bytes()).to_vec()
}

/// A fresh six-digit code.
pub fn new_code() -> Zeroizing<String> {
    Zeroizing::new(format!(
        "{:06}",
        rand::rngs::OsRng.gen_range(0..1_000_000u32)
    ))
}

/// The stored form of a code sent for `challenge`.
pub fn code_mac(box_: &SecretBox, challenge: Uuid, code: &str) -> Result<Vec<u8>, IdentityError> {
    box_.mac("sms-code", &[challenge.as_bytes(), code.trim().as_bytes()])
}

/// Constant-time equality of two stored forms.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}
