//! The key vault: every key lives in the PKCS#11 token and no function here returns key
//! material. Callers get signatures, public keys and certificates — never a private key.
//!
//! A PKCS#11 session is `Send` but not `Sync`, so the vault keeps a pool of logged-in
//! sessions and runs each operation on a blocking thread with a session of its own. A failed
//! module or token is re-opened on the next operation without restarting the server.

pub mod agreement;
pub mod custody;
pub mod data_keys;
mod mechanisms;
mod pool;
pub mod provision;
pub mod rotation;
pub mod service_keys;
pub mod signer;

use crate::config::HsmConfig;
pub use pool::HsmSession;
pub use service_keys::ServiceKey;

use std::sync::Arc;

/// What can go wrong in the vault. Messages name the cause but never a PIN.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The module could not be loaded or initialised.
    #[error("cannot load PKCS#11 module {module}: {detail}")]
    Module {
        /// Path of the module.
        module: String,
        /// Cause.
        detail: String,
    },
    /// No token with the configured label.
    #[error("no token labelled '{0}' in the PKCS#11 module")]
    TokenNotFound(String),
    /// The PIN was refused.
    #[error("HSM login failed for token '{token}': {detail}")]
    Login {
        /// Token label.
        token: String,
        /// Cause (e.g. CKR_PIN_INCORRECT).
        detail: String,
    },
    /// A service key or certificate is missing (run `cloudseal hsm init`).
    #[error("{0} is missing from the token; run `cloudseal hsm init`")]
    Missing(String),
    /// An operation failed; the session may be reused.
    #[error("HSM operation failed: {0}")]
    Operation(String),
    /// The session, token or module failed; the session must be dropped and re-opened.
    #[error("HSM device failure: {0}")]
    Device(String),
    /// The PIN does not open the sealed key (or the blob or its binding was changed).
    #[error("wrong PIN")]
    WrongPin,
    /// The module cannot do what was asked (the text says what, for an operator).
    #[error("{0}")]
    Unsupported(String),
    /// A key object is gone (the session that held it was closed): unseal it again.
    #[error("HSM key object no longer exists")]
    StaleHandle,
    /// Every session is busy for too long.
    #[error("HSM busy: no session free")]
    Busy,
}

impl From<cryptoki::error::Error> for VaultError {
    fn from(e: cryptoki::error::Error) -> Self {
        use cryptoki::error::{Error, RvError as Rv};
        match e {
            Error::Pkcs11(
                Rv::SessionHandleInvalid
                | Rv::SessionClosed
                | Rv::DeviceError
                | Rv::DeviceMemory
                | Rv::DeviceRemoved
                | Rv::TokenNotPresent
                | Rv::CryptokiNotInitialized
                | Rv::UserNotLoggedIn
                | Rv::GeneralError,
                _,
            ) => VaultError::Device(e.to_string()),
            Error::Pkcs11(Rv::KeyHandleInvalid | Rv::ObjectHandleInvalid, _) => {
                VaultError::StaleHandle
            }
            other => VaultError::Operation(other.to_string()),
        }
    }
}

/// Handle to the HSM; cheap to clone, shared by all workers.
#[derive(Clone)]
pub struct Vault {
    pool: Arc<pool::SessionPool>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").finish_non_exhaustive()
    }
}

impl Vault {
    /// Load the module, find the token by label and log in once; fails with a clear error
    /// for a wrong module path, a missing token or a wrong PIN.
    pub fn open(cfg: &HsmConfig) -> Result<Self, VaultError> {
        let pool = pool::SessionPool::open(cfg)?;
        Ok(Self {
            pool: Arc::new(pool),
        })
    }

    /// Run `f` with a logged-in session on a blocking thread.
    pub async fn run<T, F>(&self, f: F) -> Result<T, VaultError>
    where
        T: Send + 'static,
        F: FnOnce(&HsmSession) -> Result<T, VaultError> + Send + 'static,
    {
        let permit = self.pool.acquire().await?;
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let result = pool.with_session(f);
            drop(permit);
            result
        })
        .await
        .map_err(|e| VaultError::Operation(format!("HSM task failed: {e}")))?
    }

    /// Run `f` with a session on the current thread (CLI commands, start-up).
    pub fn run_blocking<T>(
        &self,
        f: impl FnOnce(&HsmSession) -> Result<T, VaultError>,
    ) -> Result<T, VaultError> {
        self.pool.with_session(f)
    }

    /// Token information, proving the HSM answers (for `/readyz` and `hsm status`).
    pub async fn ping(&self) -> Result<(), VaultError> {
        self.run(|s| s.ping()).await
    }

    /// Session figures for `/metrics`: (open sessions, operations in flight, capacity).
    pub fn session_status(&self) -> (usize, usize, usize) {
        self.pool.status()
    }

    /// Sign a SHA-256 digest with a service key; returns a DER-encoded ECDSA signature.
    pub async fn sign_digest(
        &self,
        key: ServiceKey,
        digest: [u8; 32],
    ) -> Result<Vec<u8>, VaultError> {
        self.run(move |s| s.sign_digest_p256(key, &digest)).await
    }

    /// The DER certificate of a service key.
    pub async fn certificate(&self, key: ServiceKey) -> Result<Vec<u8>, VaultError> {
        self.run(move |s| {
            s.certificate(key)?
                .ok_or_else(|| VaultError::Missing(format!("certificate of {}", key.label())))
        })
        .await
    }
}
