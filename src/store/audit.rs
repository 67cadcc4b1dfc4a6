//! SQL of the audit trail. The runtime role may only INSERT and SELECT these tables.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::{GenericClient, Row};
use uuid::Uuid;

/// An entry to insert.
#[derive(Debug)]
pub struct NewEntry {
    /// Entry id.
    pub id: Uuid,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Actor kind (stored spelling).
    pub actor_kind: &'static str,
    /// Actor id.
    pub actor_id: Option<String>,
    /// Action.
    pub action: String,
    /// Object type.
    pub object_type: Option<String>,
    /// Object id.
    pub object_id: Option<String>,
    /// Outcome (stored spelling).
    pub outcome: &'static str,
    /// Request id.
    pub request_id: Option<String>,
    /// Client address.
    pub client_ip: Option<String>,
    /// Canonical JSON details.
    pub details: String,
}

/// An entry as stored, with its place in the insertion order.
#[derive(Debug)]
pub struct EntryRow {
    /// Insertion position.
    pub pos: i64,
    /// Writing transaction id.
    pub txid: i64,
    /// Entry id.
    pub id: Uuid,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Actor kind.
    pub actor_kind: String,
    /// Actor id.
    pub actor_id: Option<String>,
    /// Action.
    pub action: String,
    /// Object type.
    pub object_type: Option<String>,
    /// Object id.
    pub object_id: Option<String>,
    /// Outcome.
    pub outcome: String,
    /// Request id.
    pub request_id: Option<String>,
    /// Client address.
    pub client_ip: Option<String>,
    /// Canonical JSON details.
    pub details: String,
}

const ENTRY_COLUMNS: &str = "e.pos, e.txid::text::bigint, e.id, e.occurred_at, e.actor_kind, \
     e.actor_id, e.action, e.object_type, e.object_id, e.outcome, e.request_id, e.client_ip, e.details";

fn entry_from(row: &Row, at: usize) -> EntryRow {
    EntryRow {
        pos: row.get(at),
        txid: row.get(at + 1),
        id: row.get(at + 2),
        occurred_at: row.get(at + 3),
        actor_kind: row.get(at + 4),
        actor_id: row.get(at + 5),
        action: row.get(at + 6),
        object_type: row.get(at + 7),
        object_id: row.get(at + 8),
        outcome: row.get(at + 9),
        request_id: row.get(at + 10),
        client_ip: row.get(at + 11),
        details: row.get(at + 12),
    }
}

/// Insert one entry in the caller's transaction.
pub async fn insert_entry(tx: &super::Transaction<'_>, e: &NewEntry) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO audit_entries (id, occurred_at, actor_kind, actor_id, action, object_type, \
         object_id, outcome, request_id, client_ip, details) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        &[
            &e.id,
            &e.occurred_at,
            &e.actor_kind,
            &e.actor_id,
            &e.action,
            &e.object_type,
            &e.object_id,
            &e.outcome,
            &e.request_id,
            &e.client_ip,
            &e.details,
        ],
    )
    .await?;
    Ok(())
}

/// The chain's last link: seq, hash, and the (txid, pos) of its entry.
#[derive(Debug, Clone, Copy)]
pub struct Head {
    /// Sequence number.
    pub seq: i64,
    /// Hash at seq.
    pub hash: [u8; 32],
    /// Transaction id of the entry at seq.
    pub txid: i64,
    /// Position of the entry at seq.
    pub pos: i64,
}

fn hash32(bytes: Vec<u8>) -> Result<[u8; 32], StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt("audit hash is not 32 bytes".into()))
}

/// The chain head, none when nothing is sealed yet.
pub async fn head(c: &impl GenericClient) -> Result<Option<Head>, StoreError> {
    let row = c
        .query_opt(
            "SELECT c.seq, c.hash, e.txid::text::bigint, e.pos FROM audit_chain c \
             JOIN audit_entries e ON e.pos = c.entry_pos ORDER BY c.seq DESC LIMIT 1",
            &[],
        )
        .await?;
    row.map(|r| {
        Ok(Head {
            seq: r.get(0),
            hash: hash32(r.get(1))?,
            txid: r.get(2),
            pos: r.get(3),
        })
    })
    .transpose()
}

/// Take the transaction-level advisory lock that makes one sealer at a time do the work.
pub async fn try_lock_sealer(tx: &super::Transaction<'_>) -> Result<bool, StoreError> {
    Ok(tx
        .query_one("SELECT pg_try_advisory_xact_lock(7240518)", &[])
        .await?
        .get(0))
}

/// The oldest transaction id still running: every entry written below it has committed or
/// rolled back, so no entry can appear there later.
pub async fn snapshot_xmin(tx: &super::Transaction<'_>) -> Result<i64, StoreError> {
    Ok(tx
        .query_one(
            "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
            &[],
        )
        .await?
        .get(0))
}

/// Committed, unlinked entries after `after` = (txid, pos) and below `xmin`, in chain order.
pub async fn pending(
    tx: &super::Transaction<'_>,
    after: (i64, i64),
    xmin: i64,
    limit: i64,
) -> Result<Vec<EntryRow>, StoreError> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_entries e \
         WHERE (e.txid, e.pos) > ($1::text::xid8, $2) AND e.txid < $3::text::xid8 \
         ORDER BY e.txid, e.pos LIMIT $4"
    );
    let rows = tx
        .query(
            &sql,
            &[&after.0.to_string(), &after.1, &xmin.to_string(), &limit],
        )
        .await?;
    Ok(rows.iter().map(|r| entry_from(r, 0)).collect())
}

/// Insert links (seq, entry position, hash) in one statement.
pub async fn insert_links(
    tx: &super::Transaction<'_>,
    seqs: &[i64],
    positions: &[i64],
    hashes: &[Vec<u8>],
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO audit_chain (seq, entry_pos, hash) \
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[])",
        &[&seqs, &positions, &hashes],
    )
    .await?;
    Ok(())
}

/// A stored checkpoint.
#[derive(Debug, Clone)]
pub struct CheckpointRow {
    /// Chain position covered.
    pub seq: i64,
    /// Chain hash at seq.
    pub head_hash: [u8; 32],
    /// When it was signed.
    pub created_at: DateTime<Utc>,
    /// SHA-256 fingerprint (hex) of the seal certificate.
    pub key_fingerprint: String,
    /// DER ECDSA signature.
    pub signature: Vec<u8>,
}

fn checkpoint_from(r: &Row) -> Result<CheckpointRow, StoreError> {
    Ok(CheckpointRow {
        seq: r.get(0),
        head_hash: hash32(r.get(1))?,
        created_at: r.get(2),
        key_fingerprint: r.get(3),
        signature: r.get(4),
    })
}

/// The newest checkpoint.
pub async fn last_checkpoint(c: &impl GenericClient) -> Result<Option<CheckpointRow>, StoreError> {
    c.query_opt(
        "SELECT seq, head_hash, created_at, key_fingerprint, signature FROM audit_checkpoints \
         ORDER BY seq DESC LIMIT 1",
        &[],
    )
    .await?
    .as_ref()
    .map(checkpoint_from)
    .transpose()
}

/// Checkpoints with seq in `from..=to`.
pub async fn checkpoints_between(
    c: &impl GenericClient,
    from: i64,
    to: i64,
) -> Result<Vec<CheckpointRow>, StoreError> {
    c.query(
        "SELECT seq, head_hash, created_at, key_fingerprint, signature FROM audit_checkpoints \
         WHERE seq BETWEEN $1 AND $2 ORDER BY seq",
        &[&from, &to],
    )
    .await?
    .iter()
    .map(checkpoint_from)
    .collect()
}

/// Store a checkpoint; a second one at the same seq is silently kept out.
pub async fn insert_checkpoint(
    c: &impl GenericClient,
    cp: &CheckpointRow,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO audit_checkpoints (seq, head_hash, created_at, key_fingerprint, signature) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (seq) DO NOTHING",
        &[
            &cp.seq,
            &cp.head_hash.as_slice(),
            &cp.created_at,
            &cp.key_fingerprint,
            &cp.signature,
        ],
    )
    .await?;
    Ok(())
}

/// The hash at one seq.
pub async fn hash_at(c: &impl GenericClient, seq: i64) -> Result<Option<[u8; 32]>, StoreError> {
    c.query_opt("SELECT hash FROM audit_chain WHERE seq = $1", &[&seq])
        .await?
        .map(|r| hash32(r.get(0)))
        .transpose()
}

/// Linked entries with seq in `from..=to`, in chain order: (seq, hash, entry).
pub async fn linked_between(
    c: &impl GenericClient,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, [u8; 32], EntryRow)>, StoreError> {
    let sql = format!(
        "SELECT c.seq, c.hash, {ENTRY_COLUMNS} FROM audit_chain c \
         JOIN audit_entries e ON e.pos = c.entry_pos WHERE c.seq BETWEEN $1 AND $2 ORDER BY c.seq"
    );
    c.query(&sql, &[&from, &to])
        .await?
        .iter()
        .map(|r| Ok((r.get(0), hash32(r.get(1))?, entry_from(r, 2))))
        .collect()
}

/// Whether a committed entry comes after `after` = (txid, pos) of the chain head. Every entry
/// at or before the head is linked (the sealer's invariant), so this is the whole backlog and
/// an index range, not a scan of the trail.
pub async fn any_after(c: &impl GenericClient, after: (i64, i64)) -> Result<bool, StoreError> {
    Ok(c.query_one(
        "SELECT EXISTS (SELECT 1 FROM audit_entries WHERE (txid, pos) > ($1::text::xid8, $2))",
        &[&after.0.to_string(), &after.1],
    )
    .await?
    .get(0))
}

/// The first chain position of an entry about any of these objects, once linked.
pub async fn first_seq_about(
    c: &impl GenericClient,
    object_type: &str,
    object_ids: &[String],
) -> Result<Option<i64>, StoreError> {
    Ok(c.query_one(
        "SELECT min(c.seq) FROM audit_entries e JOIN audit_chain c ON c.entry_pos = e.pos \
         WHERE e.object_type = $1 AND e.object_id = ANY($2)",
        &[&object_type, &object_ids],
    )
    .await?
    .get(0))
}

/// What an auditor narrows the trail to; every part optional.
#[derive(Debug, Default, Clone)]
pub struct TrailFilter {
    /// Occurred at or after.
    pub from: Option<DateTime<Utc>>,
    /// Occurred before.
    pub until: Option<DateTime<Utc>>,
    /// The action starts with this (`application.` for every application act).
    pub action: Option<String>,
    /// Actor kind as stored.
    pub actor_kind: Option<String>,
    /// Actor id.
    pub actor_id: Option<String>,
    /// Object type.
    pub object_type: Option<String>,
    /// Object id.
    pub object_id: Option<String>,
    /// Outcome as stored.
    pub outcome: Option<String>,
    /// Chain position at or after (only linked entries then).
    pub seq_from: Option<i64>,
    /// Chain position at or before (only linked entries then).
    pub seq_to: Option<i64>,
}

/// An entry as the trail lists it: its chain position and hash once linked.
#[derive(Debug)]
pub struct TrailRow {
    /// Chain position, none while not linked yet.
    pub seq: Option<i64>,
    /// Chain hash at seq.
    pub hash: Option<Vec<u8>>,
    /// The entry.
    pub entry: EntryRow,
}

/// One page of the filtered trail, newest first (unlinked entries before every linked one),
/// and how many entries match in all.
pub async fn search(
    c: &impl GenericClient,
    f: &TrailFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<TrailRow>, i64), StoreError> {
    const WHERE: &str = "WHERE ($1::timestamptz IS NULL OR e.occurred_at >= $1) \
         AND ($2::timestamptz IS NULL OR e.occurred_at < $2) \
         AND ($3::text IS NULL OR starts_with(e.action, $3)) \
         AND ($4::text IS NULL OR e.actor_kind = $4) \
         AND ($5::text IS NULL OR e.actor_id = $5) \
         AND ($6::text IS NULL OR e.object_type = $6) \
         AND ($7::text IS NULL OR e.object_id = $7) \
         AND ($8::text IS NULL OR e.outcome = $8) \
         AND ($9::bigint IS NULL OR c.seq >= $9) \
         AND ($10::bigint IS NULL OR c.seq <= $10)";
    let params: [&(dyn tokio_postgres::types::ToSql + Sync); 10] = [
        &f.from,
        &f.until,
        &f.action,
        &f.actor_kind,
        &f.actor_id,
        &f.object_type,
        &f.object_id,
        &f.outcome,
        &f.seq_from,
        &f.seq_to,
    ];
    let total: i64 = c
        .query_one(
            &format!(
                "SELECT count(*) FROM audit_entries e \
                 LEFT JOIN audit_chain c ON c.entry_pos = e.pos {WHERE}"
            ),
            &params,
        )
        .await?
        .get(0);
    let sql = format!(
        "SELECT c.seq, c.hash, {ENTRY_COLUMNS} FROM audit_entries e \
         LEFT JOIN audit_chain c ON c.entry_pos = e.pos {WHERE} \
         ORDER BY c.seq DESC NULLS FIRST, e.pos DESC LIMIT $11 OFFSET $12"
    );
    let mut all: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = params.to_vec();
    all.push(&limit);
    all.push(&offset);
    let rows = c
        .query(&sql, &all)
        .await?
        .iter()
        .map(|r| TrailRow {
            seq: r.get(0),
            hash: r.get(1),
            entry: entry_from(r, 2),
        })
        .collect();
    Ok((rows, total))
}

/// How many entries the trail holds and how many of them are linked into the chain.
pub async fn counts(c: &impl GenericClient) -> Result<(i64, i64), StoreError> {
    let r = c
        .query_one(
            "SELECT (SELECT count(*) FROM audit_entries), (SELECT count(*) FROM audit_chain)",
            &[],
        )
        .await?;
    Ok((r.get(0), r.get(1)))
}
