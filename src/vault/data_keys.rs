//! Data keys (envelope encryption): a random AES-256 key made on the host, stored only wrapped
//! by the HSM KEK, and unwrapped into memory at start-up to seal small secrets at rest (TOTP
//! seeds) and to MAC one-time codes. Unlike the service keys these are meant to be held in
//! memory: the KEK never leaves the token, so a database dump without the HSM opens nothing.

use super::custody::find_secret;
use super::{HsmSession, ServiceKey, VaultError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass};
use rand::RngCore;
use zeroize::Zeroizing;

/// Length of a data key.
pub const DATA_KEY_LEN: usize = 32;

fn op<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> VaultError {
    move |e| VaultError::Operation(format!("{what}: {e}"))
}

impl HsmSession {
    /// A fresh data key and its KEK-wrapped form (`CKM_AES_KEY_WRAP_PAD`).
    pub fn new_data_key(&self) -> Result<(Zeroizing<[u8; DATA_KEY_LEN]>, Vec<u8>), VaultError> {
        let mut key = Zeroizing::new([0u8; DATA_KEY_LEN]);
        rand::rngs::OsRng.fill_bytes(key.as_mut());
        let kek = find_secret(self, ServiceKey::Kek)?;
        let object = self
            .raw()
            .create_object(&[
                Attribute::Class(ObjectClass::SECRET_KEY),
                Attribute::KeyType(KeyType::AES),
                Attribute::Token(false),
                Attribute::Sensitive(true),
                Attribute::Extractable(true),
                Attribute::Value(key.to_vec()),
            ])
            .map_err(op("data key object"))?;
        let wrapped = self
            .raw()
            .wrap_key(&Mechanism::AesKeyWrapPad, kek, object)
            .map_err(op("wrapping the data key"));
        let _ = self.raw().destroy_object(object);
        Ok((key, wrapped?))
    }

    /// Unwrap a data key with the KEK; a blob wrapped by another token's KEK fails here.
    pub fn open_data_key(
        &self,
        wrapped: &[u8],
    ) -> Result<Zeroizing<[u8; DATA_KEY_LEN]>, VaultError> {
        let kek = find_secret(self, ServiceKey::Kek)?;
        let object = self
            .raw()
            .unwrap_key(
                &Mechanism::AesKeyWrapPad,
                kek,
                wrapped,
                &[
                    Attribute::Class(ObjectClass::SECRET_KEY),
                    Attribute::KeyType(KeyType::AES),
                    Attribute::Token(false),
                    Attribute::Sensitive(false),
                    Attribute::Extractable(true),
                ],
            )
            .map_err(op("unwrapping the data key"))?;
        let value = self
            .raw()
            .get_attributes(object, &[AttributeType::Value])
            .map_err(op("reading the data key"));
        let _ = self.raw().destroy_object(object);
        let mut key = Zeroizing::new([0u8; DATA_KEY_LEN]);
        match value?.into_iter().next() {
            Some(Attribute::Value(v)) if v.len() == DATA_KEY_LEN => {
                key.copy_from_slice(&v);
                Ok(key)
            }
            _ => Err(VaultError::Operation(
                "the data key has the wrong length".into(),
            )),
        }
    }
}
