//! Custody of subscriber keys (DESIGN §3): a key is born in the HSM, leaves it only wrapped by
//! the KEK (`CKM_AES_KEY_WRAP_PAD`), and that wrapped blob is sealed once more with AES-256-GCM
//! under a key derived by argon2id from the subscriber's PIN mixed with an HMAC the HSM computes
//! with the pepper key. A database dump is therefore useless without the HSM, and with the HSM
//! one still needs the PIN, guessed at the HSM's pace against argon2's cost. Using a key
//! unseals it into a non-extractable *session* object that signs and is then destroyed.
//!
//! Keys are ECDSA P-256, RSA-2048/3072 or Ed25519; which PKCS#11 mechanism generates, unwraps
//! and signs for each is in [`mechanisms`], the one table to extend for another module's
//! algorithms (GOST R 34.10-2012 on a module that offers it).

use super::mechanisms;
use super::{HsmSession, ServiceKey, VaultError};
use crate::pki::scheme::{KeyAlgorithm, SignatureScheme};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, ObjectClass, ObjectHandle};
use rand::RngCore;
use uuid::Uuid;
use zeroize::Zeroizing;

const BLOB_MAGIC: &[u8; 4] = b"CSK1";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 12;

/// Cost of deriving the sealing key from a PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinKdf {
    /// argon2id memory in KiB.
    pub memory_kib: u32,
    /// argon2id passes.
    pub iterations: u32,
}

impl Default for PinKdf {
    /// 19 MiB, 2 passes: the OWASP minimum for argon2id, paid once per authorisation.
    fn default() -> Self {
        Self {
            memory_kib: 19 * 1024,
            iterations: 2,
        }
    }
}

/// Who a sealed key belongs to; bound into the seal as AAD, so a blob moved to another key id
/// or owner in the database no longer opens.
#[derive(Debug, Clone, Copy)]
pub struct KeyBinding<'a> {
    /// The key's id.
    pub key_id: Uuid,
    /// The owner's id (subscriber or organisation).
    pub owner: &'a str,
}

impl KeyBinding<'_> {
    fn aad(&self) -> Vec<u8> {
        let mut aad = b"cloudseal-key/1\0".to_vec();
        aad.extend_from_slice(self.key_id.as_bytes());
        aad.extend_from_slice(self.owner.as_bytes());
        aad
    }
}

/// A subscriber key as stored: the double-sealed blob and the public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedKey {
    /// Its algorithm.
    pub algorithm: KeyAlgorithm,
    /// `CSK1 ‖ salt ‖ nonce ‖ AES-GCM(KEK-wrapped PKCS#8)`.
    pub blob: Vec<u8>,
    /// DER SubjectPublicKeyInfo, as it goes into the certificate.
    pub public_key: Vec<u8>,
}

/// A private key unsealed into an HSM session object, usable for signing until destroyed.
/// The handle is only a number: it is no use outside this process's PKCS#11 sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionKey {
    handle: ObjectHandle,
    algorithm: KeyAlgorithm,
}

impl SessionKey {
    /// The key's algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }
}

/// Which authorisation a KEK-wrapped key is re-sealed for (DESIGN §3: for the life of a
/// signature activation, the key is kept sealed under the SAD instead of the PIN).
#[derive(Debug, Clone, Copy)]
pub struct SadBinding<'a> {
    /// The authorisation's id.
    pub authorisation: Uuid,
    /// The key it authorises.
    pub key: KeyBinding<'a>,
}

impl SadBinding<'_> {
    fn aad(&self) -> Vec<u8> {
        let mut aad = b"cloudseal-sad/1\0".to_vec();
        aad.extend_from_slice(self.authorisation.as_bytes());
        aad.extend_from_slice(&self.key.aad());
        aad
    }
}

const SAD_MAGIC: &[u8; 4] = b"CSA1";

fn op<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> VaultError {
    move |e| VaultError::Operation(format!("{what}: {e}"))
}

pub(super) fn find_secret(
    session: &HsmSession,
    key: ServiceKey,
) -> Result<ObjectHandle, VaultError> {
    session
        .find(ObjectClass::SECRET_KEY, key.label())?
        .ok_or_else(|| VaultError::Missing(format!("secret key {}", key.label())))
}

/// The AES key that seals a blob: argon2id over the HSM's HMAC of the PIN.
fn sealing_key(
    session: &HsmSession,
    binding: &KeyBinding<'_>,
    pin: &str,
    salt: &[u8],
    kdf: PinKdf,
) -> Result<Zeroizing<[u8; 32]>, VaultError> {
    let pepper = find_secret(session, ServiceKey::Pepper)?;
    let mut message = Zeroizing::new(b"cloudseal-pin/1\0".to_vec());
    message.extend_from_slice(binding.key_id.as_bytes());
    message.extend_from_slice(pin.as_bytes());
    let mac = Zeroizing::new(
        session
            .raw()
            .sign(&Mechanism::Sha256Hmac, pepper, &message)?,
    );
    let params = argon2::Params::new(kdf.memory_kib, kdf.iterations, 1, Some(32))
        .map_err(op("argon2 parameters"))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(&mac, salt, key.as_mut())
        .map_err(op("argon2"))?;
    Ok(key)
}

pub(super) fn seal(
    session: &HsmSession,
    binding: &KeyBinding<'_>,
    pin: &str,
    kdf: PinKdf,
    wrapped: &[u8],
) -> Result<Vec<u8>, VaultError> {
    let mut salt = [0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let key = sealing_key(session, binding, pin, &salt, kdf)?;
    let cipher = Aes256Gcm::new_from_slice(key.as_ref()).map_err(op("AES key"))?;
    let sealed = cipher
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: wrapped,
                aad: &binding.aad(),
            },
        )
        .map_err(op("sealing"))?;
    let mut blob = Vec::with_capacity(4 + SALT_LEN + NONCE_LEN + sealed.len());
    blob.extend_from_slice(BLOB_MAGIC);
    blob.extend_from_slice(&salt);
    blob.extend_from_slice(&nonce);
    blob.extend_from_slice(&sealed);
    Ok(blob)
}

/// Open the seal; a wrong PIN, another binding or a changed blob all fail the GCM tag.
pub(super) fn open(
    session: &HsmSession,
    binding: &KeyBinding<'_>,
    pin: &str,
    kdf: PinKdf,
    blob: &[u8],
) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    let header = 4 + SALT_LEN + NONCE_LEN;
    if blob.len() <= header + 16 || &blob[..4] != BLOB_MAGIC {
        return Err(VaultError::Operation("not a sealed key blob".into()));
    }
    let (salt, rest) = blob[4..].split_at(SALT_LEN);
    let (nonce, sealed) = rest.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce
        .try_into()
        .map_err(|_| VaultError::Operation("not a sealed key blob".into()))?;
    let key = sealing_key(session, binding, pin, salt, kdf)?;
    let cipher = Aes256Gcm::new_from_slice(key.as_ref()).map_err(op("AES key"))?;
    cipher
        .decrypt(
            &Nonce::from(nonce),
            Payload {
                msg: sealed,
                aad: &binding.aad(),
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| VaultError::WrongPin)
}

impl HsmSession {
    /// Generate a key inside the HSM and return it double-sealed; the key exists in the token
    /// only for the duration of this call and is never seen in plaintext outside it.
    pub fn generate_sealed(
        &self,
        algorithm: KeyAlgorithm,
        binding: &KeyBinding<'_>,
        pin: &str,
        kdf: PinKdf,
    ) -> Result<SealedKey, VaultError> {
        self.generate_sealed_for(algorithm, mechanisms::KeyUse::Sign, binding, pin, kdf)
    }

    /// [`HsmSession::generate_sealed`] for a key of `usage`.
    pub(super) fn generate_sealed_for(
        &self,
        algorithm: KeyAlgorithm,
        usage: mechanisms::KeyUse,
        binding: &KeyBinding<'_>,
        pin: &str,
        kdf: PinKdf,
    ) -> Result<SealedKey, VaultError> {
        let kek = find_secret(self, ServiceKey::Kek)?;
        let (public, private) = mechanisms::generate_session_pair(self.raw(), algorithm, usage)?;
        let result = (|| {
            let public_key = mechanisms::public_key_info(self.raw(), algorithm, public)?;
            let wrapped = Zeroizing::new(
                self.raw()
                    .wrap_key(&Mechanism::AesKeyWrapPad, kek, private)
                    .map_err(|e| mechanisms::wrap_error(e, algorithm))?,
            );
            let blob = seal(self, binding, pin, kdf, &wrapped)?;
            Ok(SealedKey {
                algorithm,
                blob,
                public_key,
            })
        })();
        let _ = self.raw().destroy_object(private);
        let _ = self.raw().destroy_object(public);
        result
    }

    /// Unseal with the PIN into a non-extractable session object.
    pub fn unseal(
        &self,
        algorithm: KeyAlgorithm,
        binding: &KeyBinding<'_>,
        pin: &str,
        kdf: PinKdf,
        blob: &[u8],
    ) -> Result<SessionKey, VaultError> {
        let wrapped = open(self, binding, pin, kdf, blob)?;
        self.unwrap_session_key(algorithm, &wrapped)
    }

    /// Check the PIN and unseal for an authorisation: the session object that will sign, and
    /// the KEK-wrapped key sealed once more under a key the HSM derives from `sad` (a random
    /// secret the caller hands to the subscriber and keeps only as a hash), so any server
    /// instance shown the SAD can [`reopen`](Self::reopen) it while the PIN is kept nowhere.
    pub fn authorise(
        &self,
        algorithm: KeyAlgorithm,
        binding: &SadBinding<'_>,
        pin: &str,
        kdf: PinKdf,
        blob: &[u8],
        sad: &[u8],
    ) -> Result<(SessionKey, Vec<u8>), VaultError> {
        let wrapped = open(self, &binding.key, pin, kdf, blob)?;
        let key = sad_key(self, binding, sad)?;
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let cipher = Aes256Gcm::new_from_slice(key.as_ref()).map_err(op("AES key"))?;
        let sealed = cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: &wrapped,
                    aad: &binding.aad(),
                },
            )
            .map_err(op("sealing"))?;
        let mut out = Vec::with_capacity(4 + NONCE_LEN + sealed.len());
        out.extend_from_slice(SAD_MAGIC);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        let session_key = self.unwrap_session_key(algorithm, &wrapped)?;
        Ok((session_key, out))
    }

    /// Unseal what [`authorise`](Self::authorise) sealed under a SAD into a session object
    /// (on another instance, or after the object was lost with its session). A wrong SAD or
    /// a blob of another authorisation fails as [`VaultError::WrongPin`].
    pub fn reopen(
        &self,
        algorithm: KeyAlgorithm,
        binding: &SadBinding<'_>,
        sad: &[u8],
        sealed: &[u8],
    ) -> Result<SessionKey, VaultError> {
        if sealed.len() <= 4 + NONCE_LEN + 16 || &sealed[..4] != SAD_MAGIC {
            return Err(VaultError::Operation("not a SAD-sealed key blob".into()));
        }
        let (nonce, ciphertext) = sealed[4..].split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce
            .try_into()
            .map_err(|_| VaultError::Operation("not a SAD-sealed key blob".into()))?;
        let key = sad_key(self, binding, sad)?;
        let cipher = Aes256Gcm::new_from_slice(key.as_ref()).map_err(op("AES key"))?;
        let wrapped = cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &binding.aad(),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| VaultError::WrongPin)?;
        self.unwrap_session_key(algorithm, &wrapped)
    }

    fn unwrap_session_key(
        &self,
        algorithm: KeyAlgorithm,
        wrapped: &[u8],
    ) -> Result<SessionKey, VaultError> {
        let kek = find_secret(self, ServiceKey::Kek)?;
        let template = mechanisms::unwrap_template(algorithm, mechanisms::KeyUse::Sign);
        let handle = self
            .raw()
            .unwrap_key(&Mechanism::AesKeyWrapPad, kek, wrapped, &template)?;
        Ok(SessionKey { handle, algorithm })
    }

    /// Re-seal under a new PIN (change of PIN); the key itself does not change.
    pub fn reseal(
        &self,
        binding: &KeyBinding<'_>,
        old_pin: &str,
        new_pin: &str,
        kdf: PinKdf,
        blob: &[u8],
    ) -> Result<Vec<u8>, VaultError> {
        let wrapped = open(self, binding, old_pin, kdf, blob)?;
        seal(self, binding, new_pin, kdf, &wrapped)
    }

    /// Sign with an unsealed key. `input` is the digest for digest schemes and the whole
    /// message for Ed25519; the result is the signature as CMS and X.509 carry it (DER for
    /// ECDSA).
    pub fn sign_with(
        &self,
        key: &SessionKey,
        scheme: SignatureScheme,
        input: &[u8],
    ) -> Result<Vec<u8>, VaultError> {
        mechanisms::sign(self.raw(), key.handle, key.algorithm, scheme, input)
    }

    /// (sensitive, extractable) of an unsealed key, as the HSM reports them.
    pub fn key_protection(&self, key: &SessionKey) -> Result<(bool, bool), VaultError> {
        let attrs = self.raw().get_attributes(
            key.handle,
            &[AttributeType::Sensitive, AttributeType::Extractable],
        )?;
        let flag = |t: AttributeType| {
            attrs.iter().find_map(|a| match (a, t) {
                (Attribute::Sensitive(v), AttributeType::Sensitive) => Some(*v),
                (Attribute::Extractable(v), AttributeType::Extractable) => Some(*v),
                _ => None,
            })
        };
        Ok((
            flag(AttributeType::Sensitive).unwrap_or(false),
            flag(AttributeType::Extractable).unwrap_or(true),
        ))
    }

    /// Destroy an unsealed key (end of its authorisation).
    pub fn destroy(&self, key: SessionKey) -> Result<(), VaultError> {
        self.raw().destroy_object(key.handle)?;
        Ok(())
    }
}

/// The AES key that seals a KEK-wrapped key for one authorisation: an HMAC the HSM computes
/// with the pepper key over the authorisation and the SAD, so neither a dump with the SAD nor
/// the HSM without it opens the blob. The SAD is a 256-bit random secret, so no stretching.
fn sad_key(
    session: &HsmSession,
    binding: &SadBinding<'_>,
    sad: &[u8],
) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    let pepper = find_secret(session, ServiceKey::Pepper)?;
    let mut message = Zeroizing::new(binding.aad());
    message.extend_from_slice(sad);
    Ok(Zeroizing::new(session.raw().sign(
        &Mechanism::Sha256Hmac,
        pepper,
        &message,
    )?))
}
