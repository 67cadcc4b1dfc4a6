//! Encryption keys in custody (DESIGN §3 extended): an EC P-256 key-agreement key or an RSA
//! key-transport key is born, wrapped and sealed under its holder's PIN exactly like a
//! signature key, but its PKCS#11 object may only derive (ECDH) or only decrypt (RSA), never
//! sign — and a signature key does neither. Opening an envelope unseals it into a session
//! object, computes the shared secret with the sender's ephemeral key (EC) or decrypts the
//! content key (RSA), and destroys the object; the private key never leaves the HSM
//! unwrapped. What it computes does: SoftHSM offers ECDH only with the null KDF, so the X9.63
//! KDF and the key unwrap of RFC 5753 run in the server, over a secret good for that one
//! envelope; and an RSA-decrypted content key opens that one envelope only.

use super::custody::{KeyBinding, PinKdf, SealedKey, find_secret, open};
use super::mechanisms::{self, KeyUse};
use super::{HsmSession, ServiceKey, VaultError};
use crate::pki::scheme::KeyAlgorithm;
use cryptoki::error::{Error, RvError};
use cryptoki::mechanism::elliptic_curve::{EcKdf, Ecdh1DeriveParams};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsOaepParams, PkcsOaepSource};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use zeroize::Zeroizing;

/// How an RSA-encrypted content key was padded (RFC 3370 §4.2.1, RFC 3560): PKCS #1 v1.5 is
/// what `openssl cms -encrypt` writes by default; OAEP with its default SHA-1 parameters is
/// what we write (the OAEP SoftHSM 2.6 decrypts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportPadding {
    /// rsaEncryption.
    Pkcs1,
    /// id-RSAES-OAEP, SHA-1 and MGF1-SHA-1, empty label.
    OaepSha1,
}

impl HsmSession {
    /// A new encryption key, returned double-sealed under `pin`: RSA of that size for key
    /// transport when `algorithm` is RSA, else P-256 for key agreement. Like
    /// [`HsmSession::generate_sealed`], it exists in the token only during this call.
    pub fn generate_sealed_encryption(
        &self,
        algorithm: KeyAlgorithm,
        binding: &KeyBinding<'_>,
        pin: &str,
        kdf: PinKdf,
    ) -> Result<SealedKey, VaultError> {
        let (algorithm, usage) = match algorithm {
            KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 => (algorithm, KeyUse::Transport),
            KeyAlgorithm::EcdsaP256 | KeyAlgorithm::Ed25519 => {
                (KeyAlgorithm::EcdsaP256, KeyUse::Agree)
            }
        };
        self.generate_sealed_for(algorithm, usage, binding, pin, kdf)
    }

    /// The sealed encryption key, opened with the PIN into a session object of `usage` (the
    /// caller destroys it). A wrong PIN fails as [`VaultError::WrongPin`].
    fn open_encryption_key(
        &self,
        binding: &KeyBinding<'_>,
        pin: &str,
        kdf: PinKdf,
        blob: &[u8],
        usage: KeyUse,
    ) -> Result<ObjectHandle, VaultError> {
        let wrapped = open(self, binding, pin, kdf, blob)?;
        let kek = find_secret(self, ServiceKey::Kek)?;
        let algorithm = match usage {
            KeyUse::Transport => KeyAlgorithm::Rsa2048,
            KeyUse::Agree | KeyUse::Sign => KeyAlgorithm::EcdsaP256,
        };
        Ok(self.raw().unwrap_key(
            &Mechanism::AesKeyWrapPad,
            kek,
            &wrapped,
            &mechanisms::unwrap_template(algorithm, usage),
        )?)
    }

    /// Open the RSA key-transport key with the PIN and decrypt `encrypted_key` (a content
    /// key). `None` when the module finds it is no ciphertext of this key — a damaged entry or
    /// one made for another key. A wrong PIN fails as [`VaultError::WrongPin`].
    pub fn transport(
        &self,
        binding: &KeyBinding<'_>,
        pin: &str,
        kdf: PinKdf,
        blob: &[u8],
        encrypted_key: &[u8],
        padding: TransportPadding,
    ) -> Result<Option<Zeroizing<Vec<u8>>>, VaultError> {
        let key = self.open_encryption_key(binding, pin, kdf, blob, KeyUse::Transport)?;
        let mechanism = match padding {
            TransportPadding::Pkcs1 => Mechanism::RsaPkcs,
            TransportPadding::OaepSha1 => Mechanism::RsaPkcsOaep(PkcsOaepParams::new(
                MechanismType::SHA1,
                PkcsMgfType::MGF1_SHA1,
                PkcsOaepSource::empty(),
            )),
        };
        let result = self.raw().decrypt(&mechanism, key, encrypted_key);
        let _ = self.raw().destroy_object(key);
        // SoftHSM answers a padding that does not check out with CKR_GENERAL_ERROR rather than
        // CKR_ENCRYPTED_DATA_INVALID; on this one call both mean the entry is not for this key
        // (the unwrap just above proved the session sound), not that the device failed.
        match result {
            Ok(plain) => Ok(Some(Zeroizing::new(plain))),
            Err(Error::Pkcs11(
                RvError::EncryptedDataInvalid
                | RvError::EncryptedDataLenRange
                | RvError::GeneralError,
                _,
            )) => Ok(None),
            Err(e) => Err(e.into()),
        }
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
        let key = self.open_encryption_key(binding, pin, kdf, blob, KeyUse::Agree)?;
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
