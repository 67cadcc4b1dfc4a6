//! Password hashing with argon2id, off the async workers and bounded in concurrency (each hash
//! takes `password_memory_kib` of memory). An unknown login is checked against a dummy hash of
//! the same cost, so the answer takes as long whether or not the account exists.

use super::IdentityError;
use super::values::NewPassword;
use crate::config::IdentityConfig;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;
use zeroize::Zeroizing;

/// A password as typed at login (no policy: it is only compared).
pub struct Password(pub Zeroizing<String>);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

/// The result of checking a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    /// It matched.
    pub ok: bool,
    /// It matched a hash of other parameters than today's: store a new hash.
    pub rehash: bool,
}

/// The hasher.
#[derive(Clone)]
pub struct Passwords {
    params: Params,
    permits: Arc<Semaphore>,
    dummy: Arc<String>,
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passwords")
            .field("m_cost", &self.params.m_cost())
            .field("t_cost", &self.params.t_cost())
            .finish()
    }
}

fn internal<E: std::fmt::Display>(e: E) -> IdentityError {
    IdentityError::Internal(format!("password hashing: {e}"))
}

fn hasher(params: Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(params: Params, password: &[u8]) -> Result<String, IdentityError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Ok(hasher(params)
        .hash_password(password, &salt)
        .map_err(internal)?
        .to_string())
}

impl Passwords {
    /// Hasher with the configured cost; computes the dummy hash once.
    pub async fn new(cfg: &IdentityConfig) -> Result<Self, IdentityError> {
        let params = Params::new(cfg.password_memory_kib, cfg.password_iterations, 1, None)
            .map_err(internal)?;
        let p = params.clone();
        let dummy = tokio::task::spawn_blocking(move || {
            let mut random = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut random);
            hash_blocking(p, &random)
        })
        .await
        .map_err(internal)??;
        Ok(Self {
            params,
            permits: Arc::new(Semaphore::new(cfg.password_concurrency.get())),
            dummy: Arc::new(dummy),
        })
    }

    /// Hash a new password (PHC string with its own salt and parameters).
    pub async fn hash(&self, password: &NewPassword) -> Result<String, IdentityError> {
        let _permit = self.permits.acquire().await.map_err(internal)?;
        let params = self.params.clone();
        let bytes = Zeroizing::new(password.expose().as_bytes().to_vec());
        tokio::task::spawn_blocking(move || hash_blocking(params, &bytes))
            .await
            .map_err(internal)?
    }

    /// Check `password` against `stored`; with no stored hash (unknown login, password never
    /// set) the dummy is checked instead and the answer is no.
    pub async fn check(
        &self,
        password: &Password,
        stored: Option<&str>,
    ) -> Result<Checked, IdentityError> {
        let _permit = self.permits.acquire().await.map_err(internal)?;
        let (phc, real) = match stored {
            Some(h) => (h.to_owned(), true),
            None => (self.dummy.as_str().to_owned(), false),
        };
        let bytes = Zeroizing::new(password.0.as_bytes().to_vec());
        let params = self.params.clone();
        tokio::task::spawn_blocking(move || {
            let parsed = PasswordHash::new(&phc).map_err(internal)?;
            let ok = hasher(params.clone())
                .verify_password(&bytes, &parsed)
                .is_ok();
            let current = Params::try_from(&parsed).ok();
            let rehash = current
                .is_none_or(|p| p.m_cost() != params.m_cost() || p.t_cost() != params.t_cost());
            Ok(Checked {
                ok: ok && real,
                rehash: ok && real && rehash,
            })
        })
        .await
        .map_err(internal)?
    }
}
