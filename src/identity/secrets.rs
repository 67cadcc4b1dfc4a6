//! The identity data key in use: seals TOTP seeds (AES-256-GCM, bound to the account by AAD)
//! and MACs short codes, so a database dump yields neither seeds nor a way to test codes
//! offline. The key itself is stored only wrapped by the HSM KEK (see `vault::data_keys`).

use super::IdentityError;
use crate::clock::Clock;
use crate::store::{self, Db};
use crate::vault::Vault;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use zeroize::Zeroizing;

const PURPOSE: &str = "identity";
const MAGIC: &[u8; 4] = b"CSB1";

/// Keys derived from the identity data key.
pub struct SecretBox {
    seal_key: Zeroizing<[u8; 32]>,
    mac_key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

fn derive(key: &[u8], label: &[u8]) -> Result<Zeroizing<[u8; 32]>, IdentityError> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .map_err(|e| IdentityError::Internal(e.to_string()))?;
    mac.update(label);
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&mac.finalize().into_bytes());
    Ok(out)
}

impl SecretBox {
    /// Load the wrapped identity data key (making it on first start) and unwrap it in the HSM.
    pub async fn load(db: &Db, vault: &Vault, clock: &dyn Clock) -> Result<Self, IdentityError> {
        let client = db.client().await?;
        let wrapped = match store::data_keys::get(&**client, PURPOSE).await? {
            Some(w) => w,
            None => {
                let (_, wrapped) = vault.run(|s| s.new_data_key()).await?;
                store::data_keys::insert_if_absent(&**client, PURPOSE, &wrapped, clock.now())
                    .await?;
                store::data_keys::get(&**client, PURPOSE)
                    .await?
                    .ok_or_else(|| IdentityError::Internal("data key vanished".into()))?
            }
        };
        let key = vault.run(move |s| s.open_data_key(&wrapped)).await?;
        Ok(Self {
            seal_key: derive(key.as_ref(), b"cloudseal-identity/seal/1")?,
            mac_key: derive(key.as_ref(), b"cloudseal-identity/mac/1")?,
        })
    }

    /// Seal `plain` bound to `aad`: `CSB1 ‖ nonce ‖ AES-GCM`.
    pub fn seal(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, IdentityError> {
        let cipher = Aes256Gcm::new_from_slice(self.seal_key.as_ref())
            .map_err(|e| IdentityError::Internal(e.to_string()))?;
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(&Nonce::from(nonce), Payload { msg: plain, aad })
            .map_err(|_| IdentityError::Internal("sealing failed".into()))?;
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Open a sealed value; fails if it was changed or moved to another `aad`.
    pub fn open(&self, aad: &[u8], blob: &[u8]) -> Result<Zeroizing<Vec<u8>>, IdentityError> {
        let corrupt = || IdentityError::Internal("a sealed secret does not open".into());
        if blob.len() < 4 + 12 + 16 || &blob[..4] != MAGIC {
            return Err(corrupt());
        }
        let nonce: [u8; 12] = blob[4..16].try_into().map_err(|_| corrupt())?;
        let cipher = Aes256Gcm::new_from_slice(self.seal_key.as_ref())
            .map_err(|e| IdentityError::Internal(e.to_string()))?;
        cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: &blob[16..],
                    aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| corrupt())
    }

    /// HMAC-SHA-256 of `parts` under the MAC key, separated by `purpose`.
    pub fn mac(&self, purpose: &str, parts: &[&[u8]]) -> Result<Vec<u8>, IdentityError> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.mac_key.as_ref())
            .map_err(|e| IdentityError::Internal(e.to_string()))?;
        mac.update(purpose.as_bytes());
        for p in parts {
            mac.update(&(p.len() as u64).to_be_bytes());
            mac.update(p);
        }
        Ok(mac.finalize().into_bytes().to_vec())
    }
}
