//! What can go wrong with keys in custody. The texts are fit for the holder; the HTTP layer
//! maps each variant to one problem type, and internal causes stay in the log.

use crate::audit::AuditError;
use crate::said::Said;
use crate::store::StoreError;
use crate::vault::VaultError;
use chrono::{DateTime, Utc};

/// Why a custody operation was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum SigningError {
    /// No such key for this holder (also another holder's key: the answer is the same).
    #[error("no such key")]
    KeyNotFound,
    /// The PIN was wrong; the key locks when no attempts are left.
    #[error("wrong PIN; {attempts_left} attempt(s) left before the key locks")]
    WrongPin {
        /// Attempts before the lock.
        attempts_left: u32,
    },
    /// Too many wrong PINs.
    #[error("the key is locked after too many wrong PINs; try again after {until}")]
    Locked {
        /// When the lock ends.
        until: DateTime<Utc>,
    },
    /// A new PIN the policy does not allow.
    #[error("{0}")]
    WeakPin(Said),
    /// The SAD is unknown, not this holder's, or malformed (one answer for all).
    #[error("the signature activation data is not valid")]
    SadInvalid,
    /// The authorisation's time is over.
    #[error("the authorisation has expired; authorise again")]
    SadExpired,
    /// Its signatures are spent, or it was closed.
    #[error("the authorisation has been used up or closed; authorise again")]
    SadExhausted,
    /// A hash the authorisation is not bound to (SCAL2).
    #[error("the authorisation does not cover this hash")]
    HashNotAuthorised,
    /// A request outside what the service allows (the text says what).
    #[error("{0}")]
    Refused(Said),
    /// Database trouble.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// HSM trouble.
    #[error(transparent)]
    Vault(VaultError),
}

impl From<VaultError> for SigningError {
    fn from(e: VaultError) -> Self {
        SigningError::Vault(e)
    }
}

impl From<tokio_postgres::Error> for SigningError {
    fn from(e: tokio_postgres::Error) -> Self {
        SigningError::Store(e.into())
    }
}

impl From<AuditError> for SigningError {
    fn from(e: AuditError) -> Self {
        match e {
            AuditError::Store(s) => SigningError::Store(s),
            AuditError::Vault(v) => SigningError::Vault(v),
            AuditError::Io(e) => SigningError::Store(StoreError::Corrupt(e.to_string())),
            e @ AuditError::Behind(_) => SigningError::Store(StoreError::Corrupt(e.to_string())),
        }
    }
}
