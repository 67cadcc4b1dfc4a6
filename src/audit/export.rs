//! The export format: JSON Lines. A header with the certificates, then every entry in chain
//! order with its hash, and the signed checkpoints among them. It ends at a checkpoint, so
//! every exported entry is covered by a signature.

use super::{AuditError, AuditRecord};
use crate::store::{Db, StoreError, audit as sql};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io::Write;

/// Name and version of the format.
pub const FORMAT: &str = "cloudseal-audit-export/1";

/// One line of an export.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Line {
    /// First line.
    Header {
        /// Always [`FORMAT`].
        format: String,
        /// When the export was made.
        exported_at: DateTime<Utc>,
        /// First seq in the file.
        first_seq: i64,
        /// Last seq in the file.
        last_seq: i64,
        /// Hex chain hash before `first_seq` (zeros from the start of the chain).
        prev_hash: String,
        /// PEM certificates: the seal certificate first, then its issuers up to the root.
        certificates: Vec<String>,
    },
    /// An entry and its chain hash.
    Entry {
        /// Chain position.
        seq: i64,
        /// Hex chain hash at seq.
        hash: String,
        /// The entry as hashed.
        record: AuditRecord,
    },
    /// A signed checkpoint.
    Checkpoint {
        /// Chain position covered.
        seq: i64,
        /// Hex chain hash at seq.
        head: String,
        /// When it was signed.
        created_at: DateTime<Utc>,
        /// SHA-256 fingerprint of the seal certificate.
        key: String,
        /// Base64 DER ECDSA signature over `sealer::checkpoint_message`.
        signature: String,
    },
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportSummary {
    /// First seq.
    pub first_seq: i64,
    /// Last seq.
    pub last_seq: i64,
    /// Entries written.
    pub entries: usize,
    /// Checkpoints written.
    pub checkpoints: usize,
}

/// Why nothing could be exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Nothing is covered by a checkpoint yet.
    #[error("no signed checkpoint covers the requested range yet")]
    NothingSigned,
    /// Underlying failure.
    #[error(transparent)]
    Audit(#[from] AuditError),
}

impl From<StoreError> for ExportError {
    fn from(e: StoreError) -> Self {
        ExportError::Audit(e.into())
    }
}

fn write_line(out: &mut impl Write, line: &Line) -> Result<(), AuditError> {
    serde_json::to_writer(&mut *out, line).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Write entries `from..=to` (default: the whole chain up to the last checkpoint).
/// `certificates` are DER, the seal certificate first.
pub async fn write(
    db: &Db,
    certificates: &[Vec<u8>],
    from: Option<i64>,
    to: Option<i64>,
    exported_at: DateTime<Utc>,
    out: &mut impl Write,
) -> Result<ExportSummary, ExportError> {
    let client = db.client().await?;
    let last_cp = sql::last_checkpoint(&**client)
        .await?
        .ok_or(ExportError::NothingSigned)?;
    let first_seq = from.unwrap_or(1).max(1);
    let last_seq = to.unwrap_or(last_cp.seq).min(last_cp.seq);
    if last_seq < first_seq {
        return Err(ExportError::NothingSigned);
    }
    // End on a checkpoint so the whole file is covered by a signature.
    let checkpoints = sql::checkpoints_between(&**client, first_seq, last_seq).await?;
    let last_seq = checkpoints
        .last()
        .map(|c| c.seq)
        .ok_or(ExportError::NothingSigned)?;
    let prev_hash = if first_seq == 1 {
        [0u8; 32]
    } else {
        sql::hash_at(&**client, first_seq - 1)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("no chain hash at seq {}", first_seq - 1)))?
    };
    write_line(
        out,
        &Line::Header {
            format: FORMAT.into(),
            exported_at,
            first_seq,
            last_seq,
            prev_hash: hex::encode(prev_hash),
            certificates: certificates.iter().map(|c| crate::pki::to_pem(c)).collect(),
        },
    )?;
    let mut cps = checkpoints.iter().peekable();
    let mut entries = 0;
    let mut seq = first_seq;
    const PAGE: i64 = 10_000;
    use base64::Engine;
    while seq <= last_seq {
        let page_end = (seq + PAGE - 1).min(last_seq);
        for (s, hash, row) in sql::linked_between(&**client, seq, page_end).await? {
            write_line(
                out,
                &Line::Entry {
                    seq: s,
                    hash: hex::encode(hash),
                    record: AuditRecord::from_stored(row)?,
                },
            )?;
            entries += 1;
            while let Some(cp) = cps.next_if(|cp| cp.seq == s) {
                write_line(
                    out,
                    &Line::Checkpoint {
                        seq: cp.seq,
                        head: hex::encode(cp.head_hash),
                        created_at: cp.created_at,
                        key: cp.key_fingerprint.clone(),
                        signature: base64::engine::general_purpose::STANDARD.encode(&cp.signature),
                    },
                )?;
            }
        }
        seq = page_end + 1;
    }
    out.flush().map_err(AuditError::from)?;
    Ok(ExportSummary {
        first_seq,
        last_seq,
        entries,
        checkpoints: checkpoints.len(),
    })
}
