//! All SQL lives here, one module per aggregate. Functions that change state take a
//! `Transaction`, so the caller decides what commits together (an act and its audit entry).

pub mod accounts;
pub mod agents;
pub mod applications;
pub mod attempts;
pub mod audit;
pub mod catalogue;
pub mod certificates;
pub mod challenges;
pub mod contacts;
pub mod counterparties;
pub mod data_keys;
pub mod documents;
pub mod encryption_keys;
pub mod keys;
pub mod migrate;
pub mod outbox;
pub mod partners;
pub mod passports;
pub mod pki;
pub mod protocols;
pub mod scans;
pub mod sendings;
pub mod sessions;
pub mod signatures;

use crate::config::DatabaseConfig;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use std::str::FromStr;
use std::time::Duration;
use tokio_postgres::NoTls;

pub use deadpool_postgres::Object as Client;
/// A transaction; deadpool's pooled transactions coerce to it.
pub use tokio_postgres::Transaction;

/// What can go wrong talking to PostgreSQL.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No connection could be had (database down, pool exhausted).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A statement failed (the text names PostgreSQL's own message, for logs and operators).
    #[error("database error: {}", detail(.0))]
    Db(#[from] tokio_postgres::Error),
    /// A stored value is not what the schema promises.
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
}

fn detail(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        StoreError::Unavailable(e.to_string())
    }
}

impl StoreError {
    /// True when the failure is the database being out of reach, not the statement.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Unavailable(_) => true,
            StoreError::Db(e) => e.is_closed() || e.as_db_error().is_none(),
            StoreError::Corrupt(_) => false,
        }
    }
}

/// The connection pool; cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("status", &self.pool.status())
            .finish()
    }
}

/// Where a URL points, without its password: for error messages.
pub fn describe_url(url: &str) -> String {
    match tokio_postgres::Config::from_str(url) {
        Ok(c) => {
            let host = c
                .get_hosts()
                .first()
                .map(|h| match h {
                    tokio_postgres::config::Host::Tcp(s) => s.clone(),
                    tokio_postgres::config::Host::Unix(p) => p.display().to_string(),
                })
                .unwrap_or_else(|| "localhost".into());
            let port = c.get_ports().first().copied().unwrap_or(5432);
            format!(
                "{}@{host}:{port}/{}",
                c.get_user().unwrap_or("?"),
                c.get_dbname().unwrap_or("?")
            )
        }
        Err(_) => "(unparsable URL)".into(),
    }
}

impl Db {
    /// Build the pool and wait until the database answers, retrying with a doubling pause.
    pub async fn connect(url: &str, cfg: &DatabaseConfig) -> Result<Self, StoreError> {
        let pg = tokio_postgres::Config::from_str(url)
            .map_err(|e| StoreError::Unavailable(format!("invalid database URL: {e}")))?;
        let manager = Manager::from_config(
            pg,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(cfg.pool_size.max(1))
            .wait_timeout(Some(Duration::from_millis(cfg.pool_wait_ms)))
            .create_timeout(Some(Duration::from_secs(5)))
            .recycle_timeout(Some(Duration::from_secs(5)))
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let db = Db { pool };
        let mut pause = Duration::from_millis(cfg.connect_backoff_ms.max(1));
        let attempts = cfg.connect_attempts.max(1);
        for attempt in 1..=attempts {
            match db.pool.get().await {
                Ok(_) => return Ok(db),
                Err(e) if attempt == attempts => {
                    return Err(StoreError::Unavailable(format!(
                        "database {} not reachable after {attempts} attempts: {e}",
                        describe_url(url)
                    )));
                }
                Err(e) => {
                    tracing::warn!(attempt, error = %e, "database not reachable yet; retrying");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
            }
        }
        Err(StoreError::Unavailable("no connection attempt made".into()))
    }

    /// A pooled connection.
    pub async fn client(&self) -> Result<Client, StoreError> {
        Ok(self.pool.get().await?)
    }

    /// Pool figures for `/metrics`: (size, available, waiting).
    pub fn pool_status(&self) -> (usize, usize, usize) {
        let s = self.pool.status();
        (s.size, s.available, s.waiting)
    }

    /// Round trip to the database, for `/readyz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let client = self.client().await?;
        client.simple_query("SELECT 1").await?;
        Ok(())
    }
}
