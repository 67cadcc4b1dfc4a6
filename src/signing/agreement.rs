//! A holder's encryption key in custody (EC key agreement or RSA key transport): born under
//! the PIN of the credential's signature key (checked against that key first), opened with it
//! for one envelope at a time, every try counted on the signature key's counter, so the PIN is
//! guessed no faster for having two keys.

use super::keys::{algorithm_of, kdf_of};
use super::{Custody, KeyHolder, KeyId, SigningError};
use crate::audit;
use crate::pki::scheme::KeyAlgorithm;
use crate::store::encryption_keys::EncryptionKeyRow;
use crate::store::keys as sql;
use crate::vault::VaultError;
use crate::vault::agreement::TransportPadding;
use crate::vault::custody::{KeyBinding, PinKdf, SealedKey};
use uuid::Uuid;
use zeroize::Zeroizing;

fn enc_kdf(e: &EncryptionKeyRow) -> PinKdf {
    PinKdf {
        memory_kib: u32::try_from(e.kdf_memory_kib).unwrap_or(u32::MAX),
        iterations: u32::try_from(e.kdf_iterations).unwrap_or(u32::MAX),
    }
}

impl Custody {
    /// A new encryption key `id` (RSA of that size for `algorithm` RSA, else EC P-256),
    /// sealed under the PIN that opens signature key `signing`. The caller stores it with its
    /// certificate and [`Custody::pin_opened`] in one transaction.
    pub async fn create_encryption_key(
        &self,
        holder: &KeyHolder,
        signing: KeyId,
        id: Uuid,
        pin: &str,
        algorithm: KeyAlgorithm,
    ) -> Result<(SealedKey, PinKdf), SigningError> {
        let kdf = self.config.pin_kdf();
        let owner = holder.owner().to_string();
        let pin = Zeroizing::new(pin.to_owned());
        let (_, sealed) = self
            .with_pin(holder, signing, "key.encryption_create", move |s, row| {
                let signing_algorithm = algorithm_of(row)
                    .map_err(|e| crate::vault::VaultError::Operation(e.to_string()))?;
                let key = s.unseal(
                    signing_algorithm,
                    &KeyBinding {
                        key_id: row.id,
                        owner: &owner,
                    },
                    &pin,
                    kdf_of(row),
                    &row.sealed_key,
                )?;
                let _ = s.destroy(key);
                s.generate_sealed_encryption(
                    algorithm,
                    &KeyBinding {
                        key_id: id,
                        owner: &owner,
                    },
                    &pin,
                    kdf,
                )
            })
            .await?;
        Ok((sealed, kdf))
    }

    /// The PIN of signature key `key` opened what it guards: its counter starts again.
    pub async fn pin_opened(
        &self,
        tx: &impl tokio_postgres::GenericClient,
        key: KeyId,
    ) -> Result<(), SigningError> {
        sql::pin_succeeded(tx, key.0).await?;
        Ok(())
    }

    /// The ECDH shared secret of encryption key `enc` with the sender's ephemeral `peer`
    /// point, opened with the PIN; recorded as `key.decrypt` with `details`.
    pub async fn agree(
        &self,
        holder: &KeyHolder,
        enc: &EncryptionKeyRow,
        pin: &str,
        peer: Vec<u8>,
        details: serde_json::Value,
    ) -> Result<Zeroizing<Vec<u8>>, SigningError> {
        self.open_encryption_key(
            holder,
            enc,
            pin,
            details,
            move |s, binding, pin, kdf, blob| s.agree(binding, pin, kdf, blob, &peer),
        )
        .await
    }

    /// The content key RSA key `enc` decrypts from `encrypted_key`, opened with the PIN;
    /// `None` when it is no ciphertext of this key. Recorded as `key.decrypt` with `details`.
    pub async fn transport(
        &self,
        holder: &KeyHolder,
        enc: &EncryptionKeyRow,
        pin: &str,
        encrypted_key: Vec<u8>,
        padding: TransportPadding,
        details: serde_json::Value,
    ) -> Result<Option<Zeroizing<Vec<u8>>>, SigningError> {
        self.open_encryption_key(
            holder,
            enc,
            pin,
            details,
            move |s, binding, pin, kdf, blob| {
                s.transport(binding, pin, kdf, blob, &encrypted_key, padding)
            },
        )
        .await
    }

    /// Run `op` on encryption key `enc` opened with the PIN, counting the try on its signature
    /// key, and record `key.decrypt`.
    async fn open_encryption_key<T, F>(
        &self,
        holder: &KeyHolder,
        enc: &EncryptionKeyRow,
        pin: &str,
        details: serde_json::Value,
        op: F,
    ) -> Result<T, SigningError>
    where
        T: Send + 'static,
        F: FnOnce(
                &crate::vault::HsmSession,
                &KeyBinding<'_>,
                &str,
                PinKdf,
                &[u8],
            ) -> Result<T, VaultError>
            + Send
            + 'static,
    {
        let owner = holder.owner().to_string();
        let pin = Zeroizing::new(pin.to_owned());
        let (id, blob, kdf) = (enc.id, enc.sealed_key.clone(), enc_kdf(enc));
        let (_, opened) = self
            .with_pin(holder, KeyId(enc.key_id), "key.decrypt", move |s, _| {
                let binding = KeyBinding {
                    key_id: id,
                    owner: &owner,
                };
                op(s, &binding, &pin, kdf, &blob)
            })
            .await?;
        let mut client = self.db.client().await?;
        let tx = client.transaction().await?;
        sql::pin_succeeded(&*tx, enc.key_id).await?;
        audit::record(
            &tx,
            self.clock.as_ref(),
            holder
                .event("key.decrypt")
                .on("key", enc.id.to_string())
                .with_details(details),
        )
        .await?;
        tx.commit().await?;
        Ok(opened)
    }

    /// Re-seal the encryption keys `key`'s PIN guards under the new PIN, inside the HSM call
    /// that re-seals the key itself (see `change_pin`).
    pub(super) fn reseal_guarded(
        s: &crate::vault::HsmSession,
        owner: &str,
        guarded: &[EncryptionKeyRow],
        old: &str,
        new: &str,
    ) -> Result<Vec<(Uuid, Vec<u8>, PinKdf)>, crate::vault::VaultError> {
        guarded
            .iter()
            .map(|e| {
                let kdf = enc_kdf(e);
                s.reseal(
                    &KeyBinding {
                        key_id: e.id,
                        owner,
                    },
                    old,
                    new,
                    kdf,
                    &e.sealed_key,
                )
                .map(|blob| (e.id, blob, kdf))
            })
            .collect()
    }
}
