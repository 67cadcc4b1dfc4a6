//! What can go wrong when a holder signs; `http::problem` maps each variant to one answer.

use crate::identity::IdentityError;
use crate::said::Said;
use crate::signing::SigningError;
use crate::store::StoreError;

/// Why a signing request was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    /// The request is malformed; the text says what to fix.
    #[error("{0}")]
    Invalid(Said),
    /// No such credential or signature of this holder.
    #[error("not found")]
    NotFound,
    /// The credential cannot sign now (revoked, expired, not yet active); the text says why.
    #[error("{0}")]
    Precondition(Said),
    /// The second factor was refused.
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// The custody refused (wrong PIN, lock, SAD refused…).
    #[error(transparent)]
    Signing(#[from] SigningError),
    /// A document named could not be read.
    #[error(transparent)]
    Document(#[from] crate::documents::DocumentError),
    /// The time-stamp of a CAdES-T signature could not be made (internal).
    #[error("time-stamp: {0}")]
    TimeStamp(String),
    /// Database trouble.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A signature structure could not be built (internal; the detail stays in the log).
    #[error("signature encoding: {0}")]
    Encoding(String),
}

impl From<tokio_postgres::Error> for SignatureError {
    fn from(e: tokio_postgres::Error) -> Self {
        SignatureError::Store(e.into())
    }
}

impl From<crate::pki::cms::CmsError> for SignatureError {
    fn from(e: crate::pki::cms::CmsError) -> Self {
        SignatureError::Encoding(e.to_string())
    }
}
