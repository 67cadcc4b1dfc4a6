//! Signature activation: authorise with the PIN, sign under the SAD until its count or time
//! runs out, and the sweep that destroys HSM session objects of authorisations that ended.

use super::keys::kdf_of;
use super::{Custody, KeyHolder, KeyId, Pin, Sad, SigningError};
use crate::audit;
use crate::pki::scheme::{KeyAlgorithm, SignatureScheme};
use crate::said;
use crate::store::keys::{self as sql, AuthorisationRow, NewAuthorisation};
use crate::vault::VaultError;
use crate::vault::custody::{KeyBinding, SadBinding, SessionKey};
use chrono::{DateTime, TimeDelta, Utc};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// What the holder asks to be allowed.
#[derive(Debug, Clone)]
pub struct AuthoriseRequest {
    /// The key.
    pub key: KeyId,
    /// Its PIN.
    pub pin: Pin,
    /// SCAL2: the only digests it may sign (then the count is their number).
    pub hashes: Option<Vec<Vec<u8>>>,
    /// How many signatures, when not bound to hashes.
    pub count: u32,
    /// How long it lives.
    pub lifetime: std::time::Duration,
}

/// A granted authorisation.
#[derive(Debug, Clone)]
pub struct Authorised {
    /// The SAD, shown to the holder once.
    pub sad: Sad,
    /// Signatures it allows.
    pub count: u32,
    /// End of life.
    pub expires_at: DateTime<Utc>,
}

/// One signature to make under an authorisation.
#[derive(Debug, Clone)]
pub struct SignItem {
    /// The hash the holder authorised: the document's, or for a raw hash its own.
    pub bound_hash: Vec<u8>,
    /// How to sign.
    pub scheme: SignatureScheme,
    /// What the key signs: a digest, or for Ed25519 the message.
    pub input: Vec<u8>,
}

/// Uses spent under an authorisation, to settle once their transaction committed.
#[must_use = "hand it to Custody::settle after the commit"]
#[derive(Debug)]
pub struct Spent {
    closed: Option<Uuid>,
}

impl Custody {
    /// Check the PIN (under the attempt limit) and grant an authorisation: the key is
    /// unwrapped into an HSM session object held for the authorisation's life, and re-sealed
    /// under the SAD so another instance can re-open it.
    pub async fn authorise(
        &self,
        holder: &KeyHolder,
        request: AuthoriseRequest,
    ) -> Result<Authorised, SigningError> {
        let count = match &request.hashes {
            Some(h) => u32::try_from(h.len()).unwrap_or(u32::MAX),
            None => request.count,
        };
        let max_count = self.config.authorisation_max_signatures.get();
        if count == 0 || count > max_count {
            return Err(SigningError::Refused(said!(
                "an authorisation allows 1 to {max_count} signatures",
                "авторизация допускает от 1 до {max_count} подписей"
            )));
        }
        if let Some(h) = &request.hashes {
            if h.iter().any(|d| ![32, 48, 64].contains(&d.len())) {
                return Err(SigningError::Refused(said!(
                    "each hash must be a SHA-256, SHA-384 or SHA-512 digest",
                    "каждый хеш должен быть дайджестом SHA-256, SHA-384 или SHA-512"
                )));
            }
        }
        let max_life = self.config.authorisation_max_secs.get();
        let secs = request.lifetime.as_secs();
        if secs == 0 || secs > u64::from(max_life) {
            return Err(SigningError::Refused(said!(
                "an authorisation lives 1 to {max_life} seconds",
                "авторизация действует от 1 до {max_life} секунд"
            )));
        }
        let id = Uuid::new_v4();
        let sad = Sad::generate(id);
        let owner = holder.owner().to_string();
        let (pin, secret) = (
            request.pin.clone(),
            zeroize::Zeroizing::new(sad.secret().to_vec()),
        );
        let (row, (session_key, sealed)) = self
            .with_pin(holder, request.key, "key.authorise", move |s, row| {
                let algorithm = KeyAlgorithm::parse(&row.algorithm)
                    .ok_or_else(|| VaultError::Operation("unknown key algorithm".into()))?;
                s.authorise(
                    algorithm,
                    &SadBinding {
                        authorisation: id,
                        key: KeyBinding {
                            key_id: row.id,
                            owner: &owner,
                        },
                    },
                    pin.expose(),
                    kdf_of(row),
                    &row.sealed_key,
                    &secret,
                )
            })
            .await?;
        let now = self.clock.now();
        let expires_at = now + TimeDelta::seconds(i64::try_from(secs).unwrap_or(i64::MAX));
        let recorded = async {
            let mut client = self.db.client().await?;
            let tx = client.transaction().await?;
            sql::pin_succeeded(&*tx, row.id).await?;
            sql::insert_authorisation(
                &*tx,
                &NewAuthorisation {
                    id,
                    key_id: row.id,
                    owner_id: holder.owner().0,
                    sad_hash: &sad.hash(),
                    sealed_key: &sealed,
                    hashes: request.hashes.as_deref(),
                    count: i32::try_from(count).unwrap_or(i32::MAX),
                    expires_at,
                    created_at: now,
                },
            )
            .await?;
            let hashes: Option<Vec<String>> = request
                .hashes
                .as_ref()
                .map(|h| h.iter().map(hex::encode).collect());
            audit::record(
                &tx,
                self.clock.as_ref(),
                holder
                    .event("key.authorise")
                    .on("key", row.id.to_string())
                    .with_details(serde_json::json!({
                        "authorisation": id,
                        "count": count,
                        "expires_at": expires_at,
                        "hashes": hashes,
                    })),
            )
            .await?;
            tx.commit().await?;
            Ok::<_, SigningError>(())
        }
        .await;
        if let Err(e) = recorded {
            self.destroy(session_key).await;
            return Err(e);
        }
        if let Some(replaced) = self.session_keys.insert(id, session_key) {
            self.destroy(replaced).await;
        }
        Ok(Authorised {
            sad,
            count,
            expires_at,
        })
    }

    /// Sign every item under the SAD, spending one signature each, in the caller's `tx` so
    /// the spent count, the audit entry naming every hash and whatever the caller records with
    /// the signatures commit together or not at all. When the count reaches zero the
    /// authorisation closes; hand the returned [`Spent`] to [`Custody::settle`] after the
    /// commit to destroy its session object.
    pub async fn sign(
        &self,
        tx: &crate::store::Transaction<'_>,
        holder: &KeyHolder,
        sad: &Sad,
        items: Vec<SignItem>,
    ) -> Result<(Vec<Vec<u8>>, Spent), SigningError> {
        let max_count = self.config.authorisation_max_signatures.get();
        let n = u32::try_from(items.len()).unwrap_or(u32::MAX);
        if n == 0 || n > max_count {
            return Err(SigningError::Refused(said!(
                "one request signs 1 to {max_count} items",
                "один запрос подписывает от 1 до {max_count} объектов"
            )));
        }
        let id = sad.authorisation();
        let bound: Vec<Vec<u8>> = items.iter().map(|i| i.bound_hash.clone()).collect();
        let now = self.clock.now();
        let spent = sql::spend(
            tx,
            id,
            holder.owner().0,
            &sad.hash(),
            &bound,
            i32::try_from(n).unwrap_or(i32::MAX),
            now,
        )
        .await?;
        let Some(row) = spent else {
            return Err(why_not(tx, holder, sad, &bound, now).await?);
        };
        let algorithm = KeyAlgorithm::parse(&row.algorithm).ok_or_else(|| {
            SigningError::Store(crate::store::StoreError::Corrupt("key algorithm".into()))
        })?;
        if let Some(bad) = items.iter().find(|i| !i.scheme.fits(algorithm)) {
            return Err(SigningError::Refused(said!(
                "a {} key cannot sign with {}",
                "ключ {} не может подписывать по схеме {}",
                algorithm.as_str(),
                bad.scheme.name()
            )));
        }
        let signatures = self
            .sign_items(holder, sad, &row, algorithm, &items)
            .await?;
        let hashes: Vec<String> = items.iter().map(|i| hex::encode(&i.bound_hash)).collect();
        let mut schemes: Vec<String> = items.iter().map(|i| i.scheme.name()).collect();
        schemes.dedup();
        audit::record(
            tx,
            self.clock.as_ref(),
            holder
                .event("signature.create")
                .on("key", row.key_id.to_string())
                .with_details(serde_json::json!({
                    "authorisation": id,
                    "hashes": hashes,
                    "schemes": schemes,
                })),
        )
        .await?;
        let used_up = row.remaining == 0;
        if used_up {
            sql::close(tx, id, now).await?;
        }
        Ok((
            signatures,
            Spent {
                closed: used_up.then_some(id),
            },
        ))
    }

    /// After the signing transaction committed: destroy the session object of an
    /// authorisation whose last use it spent. (Had the transaction rolled back, the
    /// authorisation is still open and keeps its object until it is used or expires.)
    pub async fn settle(&self, spent: Spent) {
        if let Some(key) = spent.closed.and_then(|id| self.session_keys.take(id)) {
            self.destroy(key).await;
        }
    }

    /// Sign with this instance's session object for the authorisation, re-opening it from the
    /// SAD when this instance has none or the object was lost with its PKCS#11 session.
    async fn sign_items(
        &self,
        holder: &KeyHolder,
        sad: &Sad,
        row: &AuthorisationRow,
        algorithm: KeyAlgorithm,
        items: &[SignItem],
    ) -> Result<Vec<Vec<u8>>, SigningError> {
        let id = sad.authorisation();
        let inputs: Vec<(SignatureScheme, Vec<u8>)> =
            items.iter().map(|i| (i.scheme, i.input.clone())).collect();
        for attempt in 0..2 {
            let key = match self.session_keys.get(id) {
                Some(key) => key,
                None => self.reopen(holder, sad, row, algorithm).await?,
            };
            let inputs = inputs.clone();
            let result = self
                .vault
                .run(move |s| {
                    inputs
                        .iter()
                        .map(|(scheme, input)| s.sign_with(&key, *scheme, input))
                        .collect::<Result<Vec<_>, _>>()
                })
                .await;
            match result {
                Err(VaultError::StaleHandle | VaultError::Device(_)) if attempt == 0 => {
                    tracing::info!(authorisation = %id, "session key lost; re-opening from the SAD");
                    self.session_keys.take(id);
                }
                other => return Ok(other?),
            }
        }
        Err(SigningError::Vault(VaultError::StaleHandle))
    }

    async fn reopen(
        &self,
        holder: &KeyHolder,
        sad: &Sad,
        row: &AuthorisationRow,
        algorithm: KeyAlgorithm,
    ) -> Result<SessionKey, SigningError> {
        let id = sad.authorisation();
        let owner = holder.owner().to_string();
        let (key_id, sealed) = (row.key_id, row.sealed_key.clone());
        let secret = zeroize::Zeroizing::new(sad.secret().to_vec());
        let key = self
            .vault
            .run(move |s| {
                s.reopen(
                    algorithm,
                    &SadBinding {
                        authorisation: id,
                        key: KeyBinding {
                            key_id,
                            owner: &owner,
                        },
                    },
                    &secret,
                    &sealed,
                )
            })
            .await?;
        if let Some(replaced) = self.session_keys.insert(id, key) {
            self.destroy(replaced).await;
        }
        Ok(key)
    }
}

/// The holder-facing reason nothing could be spent.
pub(super) async fn why_not(
    tx: &crate::store::Transaction<'_>,
    holder: &KeyHolder,
    sad: &Sad,
    bound: &[Vec<u8>],
    now: DateTime<Utc>,
) -> Result<SigningError, SigningError> {
    let state =
        sql::authorisation_state(tx, sad.authorisation(), holder.owner().0, &sad.hash()).await?;
    Ok(match state {
        None => SigningError::SadInvalid,
        Some(s) if s.closed => SigningError::SadExhausted,
        Some(s) if s.expires_at <= now => SigningError::SadExpired,
        Some(s)
            if s.hashes
                .as_ref()
                .is_some_and(|h| bound.iter().any(|b| !h.contains(b))) =>
        {
            SigningError::HashNotAuthorised
        }
        Some(_) => SigningError::SadExhausted,
    })
}

impl Custody {
    /// The key a SAD of this holder unlocks (whatever its state), so a caller that signs with
    /// a named credential can refuse a SAD granted for another one.
    pub async fn authorised_key(
        &self,
        holder: &KeyHolder,
        sad: &Sad,
    ) -> Result<KeyId, SigningError> {
        let client = self.db.client().await?;
        self.authorised_key_in(&**client, holder, sad).await
    }

    /// [`Self::authorised_key`] read through `c` (the signing transaction).
    pub async fn authorised_key_in(
        &self,
        c: &impl tokio_postgres::GenericClient,
        holder: &KeyHolder,
        sad: &Sad,
    ) -> Result<KeyId, SigningError> {
        sql::authorisation_state(c, sad.authorisation(), holder.owner().0, &sad.hash())
            .await?
            .map(|s| KeyId(s.key_id))
            .ok_or(SigningError::SadInvalid)
    }

    /// End an authorisation before its time (the holder's choice, or CSC `auth/revoke`).
    pub async fn close(&self, holder: &KeyHolder, sad: &Sad) -> Result<(), SigningError> {
        let id = sad.authorisation();
        let mut client = self.db.client().await?;
        let tx = client.transaction().await?;
        if sql::authorisation_state(&*tx, id, holder.owner().0, &sad.hash())
            .await?
            .is_none()
        {
            return Err(SigningError::SadInvalid);
        }
        if sql::close(&*tx, id, self.clock.now()).await? {
            audit::record(
                &tx,
                self.clock.as_ref(),
                holder
                    .event("key.authorisation_close")
                    .with_details(serde_json::json!({ "authorisation": id })),
            )
            .await?;
        }
        tx.commit().await?;
        if let Some(key) = self.session_keys.take(id) {
            self.destroy(key).await;
        }
        Ok(())
    }

    /// Close authorisations past their life and destroy the session objects this instance
    /// holds for any that ended (here or on another instance). Returns how many it destroyed.
    pub async fn sweep(&self) -> Result<usize, SigningError> {
        let now = self.clock.now();
        let mut client = self.db.client().await?;
        let tx = client.transaction().await?;
        sql::close_expired(&*tx, now).await?;
        tx.commit().await?;
        let held = self.session_keys.ids();
        if held.is_empty() {
            return Ok(0);
        }
        let ended = sql::not_open(&**client, &held, now).await?;
        let mut destroyed = 0;
        for id in ended {
            if let Some(key) = self.session_keys.take(id) {
                self.destroy(key).await;
                destroyed += 1;
            }
        }
        Ok(destroyed)
    }

    /// How many session objects this instance holds (for `/metrics` and tests).
    pub fn session_keys_held(&self) -> usize {
        self.session_keys.len()
    }

    /// Sweep on a schedule; at shutdown destroy every session object this instance holds.
    pub async fn run_sweeper(self, shutdown: CancellationToken) {
        let every = std::time::Duration::from_millis(self.config.sweep_interval_ms.get());
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tokio::time::sleep(every) => {}
            }
            if let Err(e) = self.sweep().await {
                tracing::warn!(error = %e, "authorisation sweep failed; will retry");
            }
        }
        for key in self.session_keys.take_all() {
            self.destroy(key).await;
        }
    }

    async fn destroy(&self, key: SessionKey) {
        match self.vault.run(move |s| s.destroy(key)).await {
            Ok(()) | Err(VaultError::StaleHandle) => {}
            Err(e) => tracing::warn!(error = %e, "could not destroy a session key"),
        }
    }
}
