//! What can go wrong in verification; `http::problem` maps each variant to one answer.
use crate::said::Said;

/// Why a verification request was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum VerificationError {
    /// The request is malformed; the text says what to fix.
    #[error("{0}")]
    Invalid(Said),
    /// The signature file is not a CMS signature (the text says what is wrong with it).
    #[error("{0}")]
    Unreadable(Said),
    /// No such protocol of this person.
    #[error("not found")]
    NotFound,
    /// A file is larger than accepted; the limit.
    #[error("at most {0} bytes")]
    TooLarge(u64),
    /// Too many anonymous verifications from one address; seconds to wait.
    #[error("too many verifications; retry in {0} s")]
    RateLimited(u64),
    /// A document named could not be read.
    #[error(transparent)]
    Document(#[from] crate::documents::DocumentError),
    /// Database trouble.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The seal key could not sign.
    #[error(transparent)]
    Vault(#[from] crate::vault::VaultError),
    /// Something that should not fail did (internal; the detail stays in the log).
    #[error("{0}")]
    Internal(String),
}

impl From<tokio_postgres::Error> for VerificationError {
    fn from(e: tokio_postgres::Error) -> Self {
        VerificationError::Store(e.into())
    }
}
