//! The auditors' read of the audit trail: entries by filter, newest first, each with its
//! place in the chain and whether a signed checkpoint covers it; the chain's status, proved by
//! running the same verifier auditors run offline over the newest segment; and segments
//! exported for offline verification. Reading needs the [`Inspector`] capability; an export is
//! itself an audited act and covers its own entry.

use super::export::{self, ExportError, ExportSummary};
use super::{ActorKind, AuditError, Outcome, sealer, verify};
use crate::clock::SharedClock;
use crate::config::AuditConfig;
use crate::identity::values::Role;
use crate::identity::{Person, RequestMeta};
use crate::store::{Db, audit as sql};
use crate::vault::Vault;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::io::{Seek, Write};
use std::sync::Arc;
use utoipa::ToSchema;
use uuid::Uuid;

/// How many of the newest signed entries the status check re-verifies.
pub const STATUS_WINDOW: i64 = 1000;

/// The right to read the trail: auditors and administrators.
#[derive(Debug, Clone)]
pub struct Inspector {
    person: Person,
    meta: RequestMeta,
}

impl Inspector {
    /// The capability, for an auditor or an administrator only.
    pub fn person(p: &Person, meta: &RequestMeta) -> Option<Inspector> {
        matches!(p.role, Role::Auditor | Role::Admin).then(|| Inspector {
            person: p.clone(),
            meta: meta.clone(),
        })
    }
}

pub use crate::store::audit::TrailFilter;

/// One entry as an auditor reads it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrailEntry {
    /// Chain position; none until the sealer links it (seconds).
    pub seq: Option<i64>,
    /// Hex chain hash at seq.
    pub hash: Option<String>,
    /// Whether a signed checkpoint covers it.
    pub signed: bool,
    /// Entry id.
    pub id: Uuid,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// `system`, `anonymous`, `subscriber`, `staff` or `partner`.
    pub actor_kind: String,
    /// The actor's id.
    pub actor_id: Option<String>,
    /// What, as `area.verb`.
    pub action: String,
    /// On what: type.
    pub object_type: Option<String>,
    /// On what: id.
    pub object_id: Option<String>,
    /// `success`, `failure` or `denied`.
    pub outcome: String,
    /// The HTTP request it came from.
    pub request_id: Option<String>,
    /// The client address.
    pub client_ip: Option<String>,
    /// The facts recorded (hashes and ids, never a secret).
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

/// A page of the trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrailPage {
    /// The entries, newest first.
    pub items: Vec<TrailEntry>,
    /// How many match in all.
    pub total: i64,
}

/// The newest signed checkpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckpointView {
    /// The chain position it covers.
    pub seq: i64,
    /// Hex chain hash at seq.
    pub head: String,
    /// When it was signed.
    pub created_at: DateTime<Utc>,
    /// SHA-256 fingerprint of the seal certificate that signed it.
    pub key: String,
}

/// What re-verifying the newest segment found.
#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentCheck {
    /// The links, the checkpoint signatures and the seal certificate's chain to our root hold.
    pub valid: bool,
    /// First seq checked.
    pub first_seq: Option<i64>,
    /// Last seq checked.
    pub last_seq: Option<i64>,
    /// Entries checked.
    pub entries: Option<u64>,
    /// What does not hold, and where.
    pub failure: Option<String>,
}

/// The chain as it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChainStatus {
    /// Entries recorded.
    pub entries: i64,
    /// Entries linked into the chain.
    pub linked: i64,
    /// Entries waiting for the sealer.
    pub pending: i64,
    /// The newest signed checkpoint.
    pub checkpoint: Option<CheckpointView>,
    /// The newest segment (up to [`STATUS_WINDOW`] entries) run through the offline
    /// verifier with our root as the trust anchor; none before the first checkpoint.
    pub check: Option<SegmentCheck>,
    /// SHA-256 fingerprint of the root certificate an export must chain to.
    pub root_fingerprint: String,
}

/// An exported segment, spooled to a temporary file.
#[derive(Debug)]
pub struct Segment {
    /// The JSON Lines, rewound.
    pub file: std::fs::File,
    /// Its size in bytes.
    pub size: u64,
    /// What it holds.
    pub summary: ExportSummary,
}

/// The trail's reader.
#[derive(Clone)]
pub struct Trail(Arc<Inner>);

struct Inner {
    db: Db,
    vault: Vault,
    clock: SharedClock,
    cfg: AuditConfig,
    /// DER: the seal certificate, its issuer, the root.
    chain: Vec<Vec<u8>>,
}

impl Trail {
    /// The reader over `db`, exporting with the seal `chain` (seal certificate first, root
    /// last).
    pub fn new(
        db: Db,
        vault: Vault,
        clock: SharedClock,
        cfg: AuditConfig,
        chain: Vec<Vec<u8>>,
    ) -> Trail {
        Trail(Arc::new(Inner {
            db,
            vault,
            clock,
            cfg,
            chain,
        }))
    }

    /// A page of the entries that match `filter`, newest first.
    pub async fn entries(
        &self,
        _who: &Inspector,
        filter: &TrailFilter,
        limit: i64,
        offset: i64,
    ) -> Result<TrailPage, AuditError> {
        let client = self.0.db.client().await?;
        let signed_to = sql::last_checkpoint(&**client).await?.map_or(0, |c| c.seq);
        let (rows, total) = sql::search(&**client, filter, limit, offset).await?;
        let items = rows
            .into_iter()
            .map(|r| {
                let e = r.entry;
                TrailEntry {
                    seq: r.seq,
                    hash: r.hash.map(hex::encode),
                    signed: r.seq.is_some_and(|s| s <= signed_to),
                    id: e.id,
                    occurred_at: e.occurred_at,
                    actor_kind: e.actor_kind,
                    actor_id: e.actor_id,
                    action: e.action,
                    object_type: e.object_type,
                    object_id: e.object_id,
                    outcome: e.outcome,
                    request_id: e.request_id,
                    client_ip: e.client_ip,
                    details: serde_json::from_str(&e.details)
                        .unwrap_or(serde_json::Value::String(e.details)),
                }
            })
            .collect();
        Ok(TrailPage { items, total })
    }

    /// The chain's status: counts, the newest checkpoint, and the newest segment verified as
    /// an auditor would verify an export of it.
    pub async fn status(&self, _who: &Inspector) -> Result<ChainStatus, AuditError> {
        let client = self.0.db.client().await?;
        let (entries, linked) = sql::counts(&**client).await?;
        let last = sql::last_checkpoint(&**client).await?;
        drop(client);
        let root = self.0.chain.last().cloned().unwrap_or_default();
        let check = match &last {
            None => None,
            Some(cp) => {
                let from = (cp.seq - STATUS_WINDOW + 1).max(1);
                let mut bytes = Vec::new();
                let written = export::write(
                    &self.0.db,
                    &self.0.chain,
                    Some(from),
                    Some(cp.seq),
                    self.0.clock.now(),
                    &mut bytes,
                )
                .await;
                Some(match written {
                    Err(ExportError::Audit(a)) => return Err(a),
                    Err(ExportError::NothingSigned) => SegmentCheck {
                        valid: false,
                        first_seq: Some(from),
                        last_seq: Some(cp.seq),
                        entries: None,
                        failure: Some("no checkpoint covers the segment".into()),
                    },
                    Ok(_) => {
                        let anchor = root.clone();
                        let verdict = tokio::task::spawn_blocking(move || {
                            verify::verify(bytes.as_slice(), Some(&anchor))
                        })
                        .await
                        .map_err(|e| AuditError::Io(std::io::Error::other(e)))?;
                        match verdict {
                            Ok(v) => SegmentCheck {
                                valid: v.anchored,
                                first_seq: Some(v.first_seq),
                                last_seq: Some(v.last_seq),
                                entries: Some(v.entries),
                                failure: (!v.anchored)
                                    .then(|| "the seal does not chain to our root".into()),
                            },
                            Err(f) => SegmentCheck {
                                valid: false,
                                first_seq: Some(from),
                                last_seq: Some(cp.seq),
                                entries: None,
                                failure: Some(f.to_string()),
                            },
                        }
                    }
                })
            }
        };
        Ok(ChainStatus {
            entries,
            linked,
            pending: entries - linked,
            checkpoint: last.map(|cp| CheckpointView {
                seq: cp.seq,
                head: hex::encode(cp.head_hash),
                created_at: cp.created_at,
                key: cp.key_fingerprint,
            }),
            check,
            root_fingerprint: crate::pki::fingerprint(&root),
        })
    }

    /// Export the chain from `from` to `to` (the whole chain by default). Without `to` the
    /// export waits until its own audit entry is linked and signed, so it covers itself.
    pub async fn export(
        &self,
        who: &Inspector,
        from: Option<i64>,
        to: Option<i64>,
    ) -> Result<Segment, ExportError> {
        {
            let mut client = self.0.db.client().await.map_err(AuditError::from)?;
            let tx = client.transaction().await.map_err(AuditError::from)?;
            let event = who
                .person
                .event(&who.meta, "audit.export")
                .with_details(serde_json::json!({ "from": from, "to": to, "via": "api" }));
            super::record(&tx, self.0.clock.as_ref(), event).await?;
            tx.commit().await.map_err(AuditError::from)?;
        }
        if to.is_none() {
            sealer::settle(
                &self.0.db,
                &self.0.vault,
                self.0.clock.as_ref(),
                &self.0.cfg,
            )
            .await?;
        }
        let mut file = tempfile::tempfile().map_err(AuditError::from)?;
        let summary = {
            let mut out = std::io::BufWriter::new(&mut file);
            let summary = export::write(
                &self.0.db,
                &self.0.chain,
                from,
                to,
                self.0.clock.now(),
                &mut out,
            )
            .await?;
            out.flush().map_err(AuditError::from)?;
            summary
        };
        let size = file.stream_position().map_err(AuditError::from)?;
        file.rewind().map_err(AuditError::from)?;
        Ok(Segment {
            file,
            size,
            summary,
        })
    }
}

/// The actor kinds a filter may name, for the forms.
pub const ACTOR_KINDS: [ActorKind; 5] = [
    ActorKind::System,
    ActorKind::Anonymous,
    ActorKind::Subscriber,
    ActorKind::Staff,
    ActorKind::Partner,
];

/// The outcomes a filter may name, for the forms.
pub const OUTCOMES: [Outcome; 3] = [Outcome::Success, Outcome::Failure, Outcome::Denied];
