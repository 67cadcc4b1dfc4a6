//! Links committed entries into the hash chain and signs checkpoints.
//!
//! Entries are taken in (transaction id, position) order and only from transactions older
//! than the oldest one still running, so an entry that commits late can never be passed over
//! and the order, once linked, never changes. "Oldest running" is cluster-wide in PostgreSQL:
//! the sealing lag is bounded by the longest transaction on the whole cluster, which is one
//! more reason to keep transactions short (no network calls inside them). One sealer works at a time (a transaction-level
//! advisory lock); if two ever race, the primary key on `seq` refuses the loser's links, so
//! the chain stays linear with any number of server processes.

use super::{AuditError, AuditRecord, link_hash};
use crate::clock::Clock;
use crate::store::{Db, audit as sql};
use crate::vault::{ServiceKey, Vault};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Link every committed, unlinked entry; returns how many were linked.
pub async fn seal_pending(db: &Db, batch: i64) -> Result<usize, AuditError> {
    let mut total = 0;
    loop {
        let n = seal_batch(db, batch).await?;
        total += n;
        if n < batch as usize {
            return Ok(total);
        }
    }
}

/// Link until no committed entry is left unlinked, or `within` has passed; returns how many
/// were linked. Linking waits for the oldest running transaction in the whole cluster (see
/// the module comment), so a caller that needs its own entries sealed — an export — waits
/// here rather than taking whatever the sealer had reached.
pub async fn seal_all(db: &Db, batch: i64, within: Duration) -> Result<usize, AuditError> {
    let deadline = tokio::time::Instant::now() + within;
    let mut total = 0;
    loop {
        total += seal_pending(db, batch).await?;
        let client = db.client().await?;
        let after = sql::head(&**client)
            .await?
            .map(|h| (h.txid, h.pos))
            .unwrap_or((0, 0));
        if !sql::any_after(&**client, after).await? || tokio::time::Instant::now() >= deadline {
            return Ok(total);
        }
        drop(client);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// True when every committed entry is linked.
pub async fn fully_sealed(db: &Db) -> Result<bool, AuditError> {
    let client = db.client().await?;
    let after = sql::head(&**client)
        .await?
        .map(|h| (h.txid, h.pos))
        .unwrap_or((0, 0));
    Ok(!sql::any_after(&**client, after).await?)
}

async fn seal_batch(db: &Db, batch: i64) -> Result<usize, AuditError> {
    let mut client = db.client().await?;
    // READ COMMITTED on purpose: each statement below takes its snapshot after the lock is
    // held, so the head read is the one the previous sealer committed before releasing it.
    let tx = client.transaction().await?;
    if !sql::try_lock_sealer(&tx).await? {
        return Ok(0);
    }
    let head = sql::head(&*tx).await?;
    let xmin = sql::snapshot_xmin(&tx).await?;
    let after = head.map(|h| (h.txid, h.pos)).unwrap_or((0, 0));
    let rows = sql::pending(&tx, after, xmin, batch).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut prev = head.map(|h| h.hash).unwrap_or([0u8; 32]);
    let mut seq = head.map(|h| h.seq).unwrap_or(0);
    let (mut seqs, mut positions, mut hashes) = (Vec::new(), Vec::new(), Vec::new());
    for row in rows {
        let pos = row.pos;
        let record = AuditRecord::from_stored(row)?;
        prev = link_hash(&prev, &record);
        seq += 1;
        seqs.push(seq);
        positions.push(pos);
        hashes.push(prev.to_vec());
    }
    sql::insert_links(&tx, &seqs, &positions, &hashes).await?;
    tx.commit().await?;
    Ok(seqs.len())
}

/// Link every entry committed so far — waiting up to `cfg.export_wait_secs` for the chain to
/// take them in — and sign a checkpoint at the head, so an export made next covers everything
/// written before it, its own audit entry included. Refused rather than exporting less.
pub async fn settle(
    db: &Db,
    vault: &Vault,
    clock: &dyn Clock,
    cfg: &crate::config::AuditConfig,
) -> Result<(), AuditError> {
    let wait = cfg.export_wait_secs;
    seal_all(db, cfg.seal_batch, Duration::from_secs(wait)).await?;
    if !fully_sealed(db).await? {
        return Err(AuditError::Behind(wait));
    }
    checkpoint(db, vault, clock).await?;
    Ok(())
}

/// The bytes a checkpoint signature covers.
pub fn checkpoint_message(
    seq: i64,
    head: &[u8; 32],
    created_at: &DateTime<Utc>,
    key_fingerprint: &str,
) -> Vec<u8> {
    format!(
        "cloudseal-audit-checkpoint/1\nseq={seq}\nhead={}\ncreated_at={}\nkey={key_fingerprint}\n",
        hex::encode(head),
        super::canonical::micros::format(created_at)
    )
    .into_bytes()
}

/// Sign a checkpoint at the chain head if the head moved since the last one.
pub async fn checkpoint(
    db: &Db,
    vault: &Vault,
    clock: &dyn Clock,
) -> Result<Option<sql::CheckpointRow>, AuditError> {
    let client = db.client().await?;
    let Some(head) = sql::head(&**client).await? else {
        return Ok(None);
    };
    if let Some(last) = sql::last_checkpoint(&**client).await? {
        if last.seq >= head.seq {
            return Ok(None);
        }
    }
    let cert = vault.certificate(ServiceKey::Seal).await?;
    let key_fingerprint = crate::pki::fingerprint(&cert);
    let created_at = clock.now();
    let message = checkpoint_message(head.seq, &head.hash, &created_at, &key_fingerprint);
    let digest: [u8; 32] = Sha256::digest(&message).into();
    let signature = vault.sign_digest(ServiceKey::Seal, digest).await?;
    let row = sql::CheckpointRow {
        seq: head.seq,
        head_hash: head.hash,
        created_at,
        key_fingerprint,
        signature,
    };
    sql::insert_checkpoint(&**client, &row).await?;
    Ok(Some(row))
}

/// The background sealer: links entries every `seal_interval`, signs a checkpoint every
/// `checkpoint_interval`, and does both once more on shutdown.
pub async fn run(
    db: Db,
    vault: Vault,
    clock: Arc<dyn Clock>,
    cfg: crate::config::AuditConfig,
    shutdown: CancellationToken,
) {
    let mut seal_tick = tokio::time::interval(Duration::from_millis(cfg.seal_interval_ms.max(10)));
    let checkpoint_every = Duration::from_secs(cfg.checkpoint_interval_secs.max(1));
    let mut checkpoint_tick = tokio::time::interval_at(
        tokio::time::Instant::now() + checkpoint_every,
        checkpoint_every,
    );
    seal_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    checkpoint_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = seal_tick.tick() => {
                if let Err(e) = seal_pending(&db, cfg.seal_batch).await {
                    tracing::warn!(error = %e, "audit sealing failed; will retry");
                }
            }
            _ = checkpoint_tick.tick() => {
                if let Err(e) = checkpoint(&db, &vault, clock.as_ref()).await {
                    tracing::warn!(error = %e, "audit checkpoint failed; will retry");
                }
            }
        }
    }
    if let Err(e) = seal_pending(&db, cfg.seal_batch).await {
        tracing::warn!(error = %e, "final audit sealing failed");
    }
    if let Err(e) = checkpoint(&db, &vault, clock.as_ref()).await {
        tracing::warn!(error = %e, "final audit checkpoint failed");
    }
}
