//! Keys in custody: birth under a PIN, the PIN policy, the attempt limit every PIN passes
//! through, and a change of PIN.

use super::{Custody, KeyHolder, KeyId, SigningError};
use crate::audit::{self, Outcome};
use crate::pki::scheme::KeyAlgorithm;
use crate::said;
use crate::store::keys::{self as sql, KeyRow};
use crate::vault::custody::{KeyBinding, PinKdf};
use crate::vault::{HsmSession, VaultError};
use chrono::{DateTime, TimeDelta, Utc};
use zeroize::Zeroizing;

/// A signing PIN as typed; never printed.
#[derive(Clone)]
pub struct Pin(Zeroizing<String>);

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin([redacted])")
    }
}

const MAX_PIN_LEN: usize = 64;

impl Pin {
    /// A PIN presented to open a key: only bounded in length, because the policy of the day
    /// must not lock anyone out of a key sealed under an older one.
    pub fn presented(text: &str) -> Result<Self, SigningError> {
        if text.is_empty() || text.len() > MAX_PIN_LEN {
            return Err(SigningError::WeakPin(said!(
                "the PIN must have 1 to 64 characters",
                "PIN должен содержать от 1 до 64 символов"
            )));
        }
        Ok(Self(Zeroizing::new(text.to_owned())))
    }

    /// A new PIN: at least six characters, not one repeated character and not a run such as
    /// 123456 — with a stolen dump and the HSM, the PIN is all that stands between an
    /// attacker and the key, at argon2's pace.
    pub fn new_pin(text: &str) -> Result<Self, SigningError> {
        let chars: Vec<char> = text.chars().collect();
        if chars.len() < 6 || text.len() > MAX_PIN_LEN {
            return Err(SigningError::WeakPin(said!(
                "the PIN must have at least 6 and at most 64 characters",
                "PIN должен содержать не меньше 6 и не больше 64 символов"
            )));
        }
        if chars.iter().any(|c| c.is_control()) {
            return Err(SigningError::WeakPin(said!(
                "the PIN must not contain control characters",
                "PIN не может содержать управляющих символов"
            )));
        }
        let steps: Vec<i64> = chars
            .windows(2)
            .map(|w| i64::from(u32::from(w[1])) - i64::from(u32::from(w[0])))
            .collect();
        if steps.iter().all(|s| *s == steps[0]) && steps[0].abs() <= 1 {
            return Err(SigningError::WeakPin(said!(
                "the PIN must not be one repeated character or a run such as 123456",
                "PIN не может быть одним повторённым символом или последовательностью вроде 123456"
            )));
        }
        Ok(Self(Zeroizing::new(text.to_owned())))
    }

    pub(super) fn expose(&self) -> &str {
        &self.0
    }
}

/// A key as its holder sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// Id.
    pub id: KeyId,
    /// Algorithm.
    pub algorithm: KeyAlgorithm,
    /// DER SubjectPublicKeyInfo (for the certificate request).
    pub public_key: Vec<u8>,
    /// Born.
    pub created_at: DateTime<Utc>,
}

pub(super) fn algorithm_of(row: &KeyRow) -> Result<KeyAlgorithm, SigningError> {
    KeyAlgorithm::parse(&row.algorithm).ok_or_else(|| {
        SigningError::Store(crate::store::StoreError::Corrupt(format!(
            "key algorithm {}",
            row.algorithm
        )))
    })
}

pub(super) fn kdf_of(row: &KeyRow) -> PinKdf {
    PinKdf {
        memory_kib: u32::try_from(row.kdf_memory_kib).unwrap_or(u32::MAX),
        iterations: u32::try_from(row.kdf_iterations).unwrap_or(u32::MAX),
    }
}

fn to_i32(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

impl Custody {
    /// A new key of `algorithm`, born in the HSM and stored sealed under `pin`; its birth is
    /// an audit entry in the same transaction.
    pub async fn create_key(
        &self,
        holder: &KeyHolder,
        algorithm: KeyAlgorithm,
        pin: &Pin,
    ) -> Result<KeyInfo, SigningError> {
        let mut client = self.db.client().await?;
        let tx = client.transaction().await?;
        let key = self.create_key_in(&tx, holder, algorithm, pin).await?;
        tx.commit().await?;
        Ok(key)
    }

    /// [`Custody::create_key`] in the caller's transaction, so a key is stored only together
    /// with what it was made for (an issued certificate).
    pub async fn create_key_in(
        &self,
        tx: &crate::store::Transaction<'_>,
        holder: &KeyHolder,
        algorithm: KeyAlgorithm,
        pin: &Pin,
    ) -> Result<KeyInfo, SigningError> {
        let id = uuid::Uuid::new_v4();
        let owner = holder.owner().to_string();
        let kdf = self.config.pin_kdf();
        let pin_text = Zeroizing::new(pin.expose().to_owned());
        let sealed = self
            .vault
            .run(move |s| {
                s.generate_sealed(
                    algorithm,
                    &KeyBinding {
                        key_id: id,
                        owner: &owner,
                    },
                    &pin_text,
                    kdf,
                )
            })
            .await?;
        let now = self.clock.now();
        let row = KeyRow {
            id,
            owner_id: holder.owner().0,
            algorithm: algorithm.as_str().to_owned(),
            public_key: sealed.public_key.clone(),
            sealed_key: sealed.blob,
            kdf_memory_kib: to_i32(kdf.memory_kib),
            kdf_iterations: to_i32(kdf.iterations),
            pin_failures: 0,
            lockouts: 0,
            locked_until: None,
            created_at: now,
        };
        sql::insert_key(tx, &row).await?;
        audit::record(
            tx,
            self.clock.as_ref(),
            holder
                .event("key.create")
                .on("key", id.to_string())
                .with_details(serde_json::json!({ "algorithm": algorithm.as_str() })),
        )
        .await?;
        Ok(KeyInfo {
            id: KeyId(id),
            algorithm,
            public_key: sealed.public_key,
            created_at: now,
        })
    }

    /// The holder's key.
    pub async fn key(&self, holder: &KeyHolder, id: KeyId) -> Result<KeyInfo, SigningError> {
        let client = self.db.client().await?;
        let row = sql::key(&**client, id.0, holder.owner().0)
            .await?
            .ok_or(SigningError::KeyNotFound)?;
        Ok(KeyInfo {
            id,
            algorithm: algorithm_of(&row)?,
            public_key: row.public_key,
            created_at: row.created_at,
        })
    }

    /// Change the PIN: the same key, sealed anew. The old PIN counts toward the lock.
    pub async fn change_pin(
        &self,
        holder: &KeyHolder,
        id: KeyId,
        old: &Pin,
        new: &Pin,
    ) -> Result<(), SigningError> {
        let kdf = self.config.pin_kdf();
        let (old, new) = (old.clone(), new.clone());
        let owner = holder.owner().to_string();
        let guarded = {
            let client = self.db.client().await?;
            crate::store::encryption_keys::guarded_by(&**client, id.0).await?
        };
        let (row, (blob, resealed)) = self
            .with_pin(holder, id, "key.change_pin", move |s, row| {
                let blob = s.reseal(
                    &KeyBinding {
                        key_id: row.id,
                        owner: &owner,
                    },
                    old.expose(),
                    new.expose(),
                    kdf,
                    &row.sealed_key,
                )?;
                let resealed =
                    Custody::reseal_guarded(s, &owner, &guarded, old.expose(), new.expose())?;
                Ok((blob, resealed))
            })
            .await?;
        let now = self.clock.now();
        let mut client = self.db.client().await?;
        let tx = client.transaction().await?;
        sql::pin_succeeded(&*tx, row.id).await?;
        sql::reseal(
            &*tx,
            row.id,
            &blob,
            to_i32(kdf.memory_kib),
            to_i32(kdf.iterations),
            now,
        )
        .await?;
        for (enc, blob, kdf) in resealed {
            crate::store::encryption_keys::reseal(
                &*tx,
                enc,
                &blob,
                to_i32(kdf.memory_kib),
                to_i32(kdf.iterations),
            )
            .await?;
        }
        audit::record(
            &tx,
            self.clock.as_ref(),
            holder.event("key.change_pin").on("key", row.id.to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Run `op` (which opens the key with a PIN) under the attempt limit: the attempt is
    /// counted before the PIN is tried, a wrong PIN is an audit entry and may lock the key,
    /// and a locked key is refused without trying. On success the caller resets the counter
    /// in the transaction that records what the PIN opened.
    pub(super) async fn with_pin<T: Send + 'static>(
        &self,
        holder: &KeyHolder,
        id: KeyId,
        action: &'static str,
        op: impl FnOnce(&HsmSession, &KeyRow) -> Result<T, VaultError> + Send + 'static,
    ) -> Result<(KeyRow, T), SigningError> {
        let now = self.clock.now();
        let max = self.config.pin_max_attempts.get();
        let mut client = self.db.client().await?;
        let tx = client.transaction().await?;
        let Some(row) =
            sql::reserve_pin_attempt(&*tx, id.0, holder.owner().0, to_i32(max), now).await?
        else {
            let row = sql::key(&*tx, id.0, holder.owner().0)
                .await?
                .ok_or(SigningError::KeyNotFound)?;
            let until = row.locked_until.filter(|u| *u > now).unwrap_or(now);
            let mut event = holder
                .event(action)
                .on("key", id.to_string())
                .with_details(serde_json::json!({ "reason": "locked", "until": until }));
            event.outcome = Outcome::Denied;
            audit::record(&tx, self.clock.as_ref(), event).await?;
            tx.commit().await?;
            return Err(SigningError::Locked { until });
        };
        tx.commit().await?;
        drop(client);
        let for_hsm = row.clone();
        let result = self.vault.run(move |s| op(s, &for_hsm)).await;
        match result {
            Ok(value) => Ok((row, value)),
            Err(VaultError::WrongPin) => Err(self.wrong_pin(holder, &row, action, max).await?),
            Err(e) => {
                let client = self.db.client().await?;
                sql::refund_pin_attempt(&**client, row.id).await?;
                Err(e.into())
            }
        }
    }

    /// Record a wrong PIN (and the lock it may cause); returns the error for the holder.
    async fn wrong_pin(
        &self,
        holder: &KeyHolder,
        row: &KeyRow,
        action: &str,
        max: u32,
    ) -> Result<SigningError, SigningError> {
        let now = self.clock.now();
        let used = u32::try_from(row.pin_failures).unwrap_or(max);
        let mut client = self.db.client().await?;
        let tx = client.transaction().await?;
        let mut event = holder
            .event(action)
            .on("key", row.id.to_string())
            .with_details(serde_json::json!({ "reason": "wrong_pin", "attempt": used }));
        event.outcome = Outcome::Failure;
        audit::record(&tx, self.clock.as_ref(), event).await?;
        let answer = if used >= max {
            let until = now + self.lock_duration(row.lockouts);
            sql::lock(&*tx, row.id, until).await?;
            let mut event = holder
                .event("key.lock")
                .on("key", row.id.to_string())
                .with_details(serde_json::json!({ "until": until, "lockouts": row.lockouts + 1 }));
            event.outcome = Outcome::Denied;
            audit::record(&tx, self.clock.as_ref(), event).await?;
            SigningError::Locked { until }
        } else {
            SigningError::WrongPin {
                attempts_left: max - used,
            }
        };
        tx.commit().await?;
        Ok(answer)
    }

    /// The first lock lasts `pin_lock_minutes`; each further one twice as long, up to a day.
    fn lock_duration(&self, previous_locks: i32) -> TimeDelta {
        let doublings = u32::try_from(previous_locks.clamp(0, 16)).unwrap_or(16);
        let minutes = i64::from(self.config.pin_lock_minutes.get()) << doublings;
        TimeDelta::minutes(minutes.min(24 * 60))
    }

    /// Lift a lock (an administrator's decision, recorded as theirs).
    pub async fn unlock(
        &self,
        id: KeyId,
        event: crate::audit::AuditEvent,
    ) -> Result<(), SigningError> {
        let mut client = self.db.client().await?;
        let tx = client.transaction().await?;
        if !sql::unlock(&*tx, id.0).await? {
            return Err(SigningError::KeyNotFound);
        }
        audit::record(&tx, self.clock.as_ref(), event.on("key", id.to_string())).await?;
        tx.commit().await?;
        Ok(())
    }
}
