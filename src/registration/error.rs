//! What can go wrong in registration; `http::problem` maps each to one answer.

use super::lifecycle::{Act, Status};
use crate::audit::AuditError;
use crate::identity::IdentityError;
use crate::said::Said;
use crate::store::StoreError;

/// Why a registration act did not happen.
#[derive(Debug, thiserror::Error)]
pub enum RegistrationError {
    /// The input is malformed; the text says what to fix.
    #[error("{0}")]
    Invalid(Said),
    /// No such application or certificate that the caller may see.
    #[error("not found")]
    NotFound,
    /// The lifecycle does not allow the act from the current status.
    #[error("cannot {} an application in status {}", act.as_str(), from.as_str())]
    Transition {
        /// The status it is in.
        from: Status,
        /// What was attempted.
        act: Act,
    },
    /// The act's precondition does not hold (checks not passed, not paid…); the text says which.
    #[error("{0}")]
    Precondition(Said),
    /// The marker is wrong, used or expired.
    #[error("the activation code is not valid")]
    BadMarker,
    /// Too many wrong markers: the operator must send a new one.
    #[error("the activation code is locked")]
    MarkerLocked,
    /// A scan is not a PDF, JPEG or PNG file.
    #[error("a scan must be a PDF, JPEG or PNG file")]
    UnsupportedScan,
    /// The payment notification's signature does not verify.
    #[error("payment notification not authenticated")]
    BadPaymentSignature,
    /// The identity service refused (second factor, for instance).
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// The signing service refused (PIN policy, lock…).
    #[error(transparent)]
    Signing(#[from] crate::signing::SigningError),
    /// The operator's signature could not be made (SAD refused, certificate unusable…).
    #[error(transparent)]
    Signature(#[from] crate::signatures::SignatureError),
    /// The certificate could not be issued (the profile refused the data, or the CA failed).
    #[error(transparent)]
    Issue(#[from] crate::certificates::registry::IssueError),
    /// Revocation failed.
    #[error(transparent)]
    Registry(#[from] crate::certificates::registry::RegistryError),
    /// Database trouble.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The audit trail refused the entry.
    #[error(transparent)]
    Audit(#[from] AuditError),
}

impl RegistrationError {
    /// The refusal to change an application's data once `status` froze it (the operator
    /// signed a snapshot at identification).
    pub fn data_frozen(status: super::Status) -> RegistrationError {
        RegistrationError::Precondition(Said::new(
            format!(
                "the data can no longer change: the application is {}",
                status.as_str()
            ),
            format!(
                "данные больше не меняются: заявка в статусе «{}»",
                status.label_ru()
            ),
        ))
    }
}

impl From<tokio_postgres::Error> for RegistrationError {
    fn from(e: tokio_postgres::Error) -> Self {
        RegistrationError::Store(e.into())
    }
}

impl From<deadpool_postgres::PoolError> for RegistrationError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        RegistrationError::Store(e.into())
    }
}
