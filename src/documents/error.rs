//! What can go wrong with a document; `http::problem` maps each variant to one answer.

use crate::said::Said;
use crate::store::StoreError;
use crate::vault::VaultError;

/// Why a document request was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The request is malformed; the text says what to fix.
    #[error("{0}")]
    Invalid(Said),
    /// No such document of this holder (or it was deleted).
    #[error("not found")]
    NotFound,
    /// The document is larger than the configured limit; nothing was stored.
    #[error("documents are limited to {0} bytes")]
    TooLarge(u64),
    /// The client's body broke off; nothing was stored.
    #[error("{0}")]
    Body(Said),
    /// No data arrived for this many seconds; nothing was stored.
    #[error("the upload stalled for {0} s")]
    Stalled(u64),
    /// A stored document does not open or does not match its hash (internal).
    #[error("document corrupt: {0}")]
    Corrupt(String),
    /// The directory of document files failed us (internal).
    #[error("document files: {0}")]
    Files(#[from] std::io::Error),
    /// Database trouble.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The audit entry could not be written.
    #[error(transparent)]
    Audit(#[from] crate::audit::AuditError),
    /// The vault could not make or open the document key.
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl From<tokio_postgres::Error> for DocumentError {
    fn from(e: tokio_postgres::Error) -> Self {
        DocumentError::Store(e.into())
    }
}
