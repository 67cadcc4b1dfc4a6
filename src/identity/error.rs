//! Everything identity can refuse. The HTTP mapping (in `http::problem`) turns each into one
//! problem type; none of them says whether an account exists unless the person already proved
//! they hold it.

use crate::said::Said;
use crate::store::StoreError;
use crate::store::accounts::Taken;
use crate::vault::VaultError;
use chrono::{DateTime, Utc};

/// Why an identity act was refused.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// A field is malformed; the text says which and how, and is safe to show.
    #[error("{0}")]
    Invalid(Said),
    /// The email or phone belongs to another account.
    #[error("already taken: {0:?}")]
    Taken(Taken),
    /// Wrong login name or password (never says which).
    #[error("wrong login or password")]
    BadCredentials,
    /// A code, TOTP or recovery code is wrong, or its challenge is unknown or spent.
    #[error("wrong or expired code")]
    BadCode,
    /// A link is unknown, expired or already used.
    #[error("the link is not valid")]
    BadLink,
    /// Too many wrong answers: locked until then.
    #[error("locked until {until}")]
    Locked {
        /// When the lock lifts.
        until: DateTime<Utc>,
    },
    /// A code was sent recently or too often.
    #[error("resend refused, retry at {retry_at:?}")]
    ResendRefused {
        /// When a resend is possible; `None` when this code may not be sent again.
        retry_at: Option<DateTime<Utc>>,
    },
    /// The password was right but the account is not ready to log in.
    #[error("account not confirmed")]
    NotConfirmed,
    /// The access token is missing, malformed, forged, of an unknown key, or expired.
    #[error("invalid access token: {0}")]
    BadToken(&'static str),
    /// The refresh token is unknown, or the session it belongs to has ended.
    #[error("invalid refresh token")]
    BadRefresh,
    /// A refresh token was presented twice: the whole session was ended.
    #[error("refresh token reused")]
    RefreshReused,
    /// Partner client authentication failed.
    #[error("invalid client")]
    BadClient,
    /// A partner client spent its request budget; retry after so many seconds.
    #[error("rate limited")]
    RateLimited {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// The object does not exist, or is someone else's.
    #[error("not found")]
    NotFound,
    /// The act needs something the caller lacks (role, scope, state); the text says what.
    #[error("forbidden: {0}")]
    Forbidden(Said),
    /// The act conflicts with the current state; the text says how.
    #[error("conflict: {0}")]
    Conflict(Said),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The audit trail could not record the act (so the act did not happen).
    #[error(transparent)]
    Audit(#[from] crate::audit::AuditError),
    /// The HSM failed.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// An internal step failed (hashing, sealing); the text is logged, not shown.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<super::values::InvalidValue> for IdentityError {
    fn from(e: super::values::InvalidValue) -> Self {
        IdentityError::Invalid(e.0)
    }
}

impl From<tokio_postgres::Error> for IdentityError {
    fn from(e: tokio_postgres::Error) -> Self {
        IdentityError::Store(e.into())
    }
}
