//! Encryption keys in custody (DESIGN §3 extended): an EC P-256 key-agreement key is born,
//! wrapped and sealed under its holder's PIN exactly like a signature key, but its PKCS#11
//! object may only derive (ECDH), never sign — and a signature key never derives. Opening an
//! envelope unseals it into a session object, computes the shared secret with the sender's
//! ephemeral key, and destroys the object; the private key never leaves the HSM unwrapped.
//! The shared secret itself does: SoftHSM offers ECDH only with the null KDF, so the X9.63 KDF
//! and the key unwrap of RFC 5753 run in the server, over a secret good for that one envelope.

use super::custody::{KeyBinding, PinKdf, SealedKey, find_secret, open};
use super::mechanisms::{self, KeyUse};
use super::{HsmSession, ServiceKey, VaultError};
use crate::pki::scheme::KeyAlgorithm;
use cryptoki::mechanism::Mechanism;
use cryptoki::mechanism::elliptic_curve::{EcKdf, Ecdh1DeriveParams};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass};
use zeroize::Zeroizing;

impl HsmSession {
    /// A new P-256 key-agreement key, returned double-sealed under `pin`; like
    /// [`HsmSession::generate_sealed`], it exists in the token only during this call.
    pub fn generate_sealed_agreement(
        &self,
        binding: &KeyBinding<'_>,
        pin: &str,
        kdf: PinKdf,
    ) -> Result<SealedKey, VaultError> {
        self.generate_sealed_for(KeyAlgorithm::EcdsaP256, KeyUse::Agree, binding, pin, kdf)
    }

    /// Open the agreement key with the PIN and compute the ECDH shared secret with `peer` (an
    /// uncompressed P-256 point). A wrong PIN fails as [`VaultError::WrongPin`].
    pub fn agree(
        &self,
        binding: &KeyBinding<'_>,
        pin: &str,
        kdf: PinKdf,
        blob: &[u8],
        peer: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        let wrapped = open(self, binding, pin, kdf, blob)?;
        let kek = find_secret(self, ServiceKey::Kek)?;
        let key = self.raw().unwrap_key(
            &Mechanism::AesKeyWrapPad,
            kek,
            &wrapped,
            &mechanisms::unwrap_template(KeyAlgorithm::EcdsaP256, KeyUse::Agree),
        )?;
        let result = (|| {
            let params = Ecdh1DeriveParams::new(EcKdf::null(), peer);
            let template = [
                Attribute::Class(ObjectClass::SECRET_KEY),
                Attribute::KeyType(KeyType::GENERIC_SECRET),
                Attribute::ValueLen(32.into()),
                Attribute::Token(false),
                Attribute::Sensitive(false),
                Attribute::Extractable(true),
            ];
            let secret = self
                .raw()
                .derive_key(&Mechanism::Ecdh1Derive(params), key, &template)?;
            let value = self.raw().get_attributes(secret, &[AttributeType::Value]);
            let _ = self.raw().destroy_object(secret);
            match value?.into_iter().next() {
                Some(Attribute::Value(v)) if v.len() == 32 => Ok(Zeroizing::new(v)),
                _ => Err(VaultError::Operation(
                    "the HSM returned no 32-byte shared secret".into(),
                )),
            }
        })();
        let _ = self.raw().destroy_object(key);
        result
    }
}
