//! Holders' documents (issue 6): uploaded by streaming, hashed while they stream, sealed in
//! chunks under a key of their own that only the HSM KEK unwraps, downloaded by streaming,
//! deleted softly and erased after the retention period. Memory stays within a few chunks per
//! transfer (an upload: the one being filled, the one held back, two queued, two being sealed
//! and stored; a download: two read and opened ahead, one being opened, one being sent)
//! whatever the size.

mod chunks;
mod error;
mod files;
mod seal;
mod transfer;
mod values;
pub mod views;

pub use error::DocumentError;
pub use seal::CHUNK;
pub use transfer::Content;
pub use values::{DocumentId, DocumentName, MediaType, NewDocument};
pub use views::DocumentView;

use crate::clock::SharedClock;
use crate::config::DocumentsConfig;
use crate::store::Db;
use crate::vault::Vault;
use std::sync::Arc;

/// The documents service; cheap to clone.
#[derive(Clone)]
pub struct Documents(Arc<Inner>);

struct Inner {
    db: Db,
    chunks: chunks::ChunkStore,
    vault: Vault,
    clock: SharedClock,
    cfg: DocumentsConfig,
}

impl std::fmt::Debug for Documents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Documents").finish_non_exhaustive()
    }
}

impl Documents {
    /// The service; document keys are made and opened by the vault's KEK. Fails when the
    /// configured directory of document files cannot be made or written to.
    pub fn new(
        db: Db,
        vault: Vault,
        clock: SharedClock,
        cfg: DocumentsConfig,
    ) -> std::io::Result<Self> {
        let chunks = chunks::ChunkStore::open(db.clone(), cfg.directory.as_deref())?;
        Ok(Self(Arc::new(Inner {
            db,
            chunks,
            vault,
            clock,
            cfg,
        })))
    }

    /// Largest document accepted, in bytes.
    pub fn max_bytes(&self) -> u64 {
        self.0.cfg.max_bytes.get()
    }

    /// Largest document signed with an attached signature.
    pub fn attached_max_bytes(&self) -> usize {
        self.0.cfg.attached_max_bytes.get()
    }
}
