//! What can go wrong in the exchange; `http::problem` maps each variant to one answer.

use crate::said::Said;
use crate::store::StoreError;

/// Why an exchange request was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    /// The request is malformed; the text says what to fix.
    #[error("{0}")]
    Invalid(Said),
    /// No such object of this person (someone else's looks the same).
    #[error("not found")]
    NotFound,
    /// The object's state does not allow it (already answered, a duplicate); the text says why.
    #[error("{0}")]
    Conflict(Said),
    /// Too many of something in a period; the text says how many and when it resets.
    #[error("{0}")]
    TooMany(Said),
    /// Attachments that cannot be sent, each with its reasons; nothing was sent.
    #[error("{} attachment(s) refused", .0.len())]
    Attachments(Vec<super::FileProblem>),
    /// The `Idempotency-Key` was used before with a different request.
    #[error("idempotency key reused with another request")]
    KeyReused,
    /// A recipient does not accept this sender's documents; the text says who.
    #[error("{0}")]
    NotAccepted(Said),
    /// The caller's role does not allow it; the text says whose it is.
    #[error("{0}")]
    Forbidden(Said),
    /// The emailed link has expired.
    #[error("link expired")]
    LinkExpired,
    /// Signing the receipt failed (credential, SAD, PIN); mapped like any signing refusal.
    #[error(transparent)]
    Signature(#[from] crate::signatures::SignatureError),
    /// A document could not be read.
    #[error(transparent)]
    Document(#[from] crate::documents::DocumentError),
    /// The verification engine could not run.
    #[error(transparent)]
    Verification(#[from] crate::verification::VerificationError),
    /// Something that should not fail did (the detail stays in the log).
    #[error("{0}")]
    Internal(String),
    /// Database trouble.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The audit entry could not be written.
    #[error(transparent)]
    Audit(#[from] crate::audit::AuditError),
}

impl From<tokio_postgres::Error> for ExchangeError {
    fn from(e: tokio_postgres::Error) -> Self {
        ExchangeError::Store(e.into())
    }
}

impl From<crate::identity::values::InvalidValue> for ExchangeError {
    fn from(e: crate::identity::values::InvalidValue) -> Self {
        ExchangeError::Invalid(e.0)
    }
}
