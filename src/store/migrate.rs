//! Forward-only migrations, embedded in the binary and run by `cloudseal migrate` and at
//! start. A migration that was changed after it ran is refused: the schema of a signing
//! service must be exactly what its history says.

use sha2::{Digest, Sha256};
use tokio_postgres::NoTls;

/// (version, name, SQL) of every migration, in order.
const MIGRATIONS: &[(i32, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../../migrations/V1__foundation.sql"),
    ),
    (2, "pki", include_str!("../../migrations/V2__pki.sql")),
    (
        3,
        "signing_keys",
        include_str!("../../migrations/V3__signing_keys.sql"),
    ),
    (
        4,
        "identity",
        include_str!("../../migrations/V4__identity.sql"),
    ),
    (
        5,
        "client_usage",
        include_str!("../../migrations/V5__client_usage.sql"),
    ),
    (
        6,
        "registration",
        include_str!("../../migrations/V6__registration.sql"),
    ),
    (
        7,
        "invalid_passports",
        include_str!("../../migrations/V7__invalid_passports.sql"),
    ),
    (
        8,
        "scans_and_originals",
        include_str!("../../migrations/V8__scans_and_originals.sql"),
    ),
    (
        9,
        "legal_entity_extract",
        include_str!("../../migrations/V9__legal_entity_extract.sql"),
    ),
    (
        10,
        "signatures",
        include_str!("../../migrations/V10__signatures.sql"),
    ),
    (
        11,
        "documents",
        include_str!("../../migrations/V11__documents.sql"),
    ),
    (
        12,
        "verification_protocols",
        include_str!("../../migrations/V12__verification_protocols.sql"),
    ),
    (
        13,
        "notification_order",
        include_str!("../../migrations/V13__notification_order.sql"),
    ),
    (
        14,
        "address_book",
        include_str!("../../migrations/V14__address_book.sql"),
    ),
    (
        15,
        "sendings",
        include_str!("../../migrations/V15__sendings.sql"),
    ),
    (
        16,
        "check_messages_ru",
        include_str!("../../migrations/V16__check_messages_ru.sql"),
    ),
    (
        17,
        "seals_and_agents",
        include_str!("../../migrations/V17__seals_and_agents.sql"),
    ),
    (
        18,
        "encryption_keys",
        include_str!("../../migrations/V18__encryption_keys.sql"),
    ),
    (
        19,
        "staged_uploads",
        include_str!("../../migrations/V19__staged_uploads.sql"),
    ),
    (
        20,
        "signatures_lz4",
        include_str!("../../migrations/V20__signatures_lz4.sql"),
    ),
    (
        21,
        "signatures_references",
        include_str!("../../migrations/V21__signatures_references.sql"),
    ),
    (
        22,
        "signature_algorithm",
        include_str!("../../migrations/V22__signature_algorithm.sql"),
    ),
];

/// Why migrating failed.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// Could not connect.
    #[error("cannot connect to run migrations ({target}): {source}")]
    Connect {
        /// Database, without password.
        target: String,
        /// Cause.
        source: tokio_postgres::Error,
    },
    /// A statement failed.
    #[error("migration V{version}__{name} failed: {source}")]
    Failed {
        /// Version.
        version: i32,
        /// Name.
        name: &'static str,
        /// Cause.
        source: tokio_postgres::Error,
    },
    /// The bookkeeping queries failed.
    #[error("migration bookkeeping failed: {0}")]
    Db(#[from] tokio_postgres::Error),
    /// An applied migration differs from the embedded one.
    #[error("migration V{0} was changed after it was applied; add a new migration instead")]
    Changed(i32),
}

/// A short digest of every embedded migration: names a database template built from them.
pub fn fingerprint() -> String {
    let mut h = Sha256::new();
    for (version, name, sql) in MIGRATIONS {
        h.update(version.to_be_bytes());
        h.update(name.as_bytes());
        h.update(sql.as_bytes());
    }
    hex::encode(&h.finalize()[..6])
}

/// Apply every pending migration; returns how many ran. Safe to run from several processes
/// at once (an advisory lock serialises them).
pub async fn run(url: &str) -> Result<usize, MigrateError> {
    let (mut client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .map_err(|source| MigrateError::Connect {
            target: super::describe_url(url),
            source,
        })?;
    let conn = tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::warn!(error = %e, "migration connection closed");
        }
    });
    client
        .batch_execute(
            "SET client_min_messages = warning;
             SELECT pg_advisory_lock(7240517);
             CREATE TABLE IF NOT EXISTS schema_migrations (
                 version integer PRIMARY KEY,
                 name text NOT NULL,
                 checksum bytea NOT NULL,
                 applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .await?;
    let applied = client
        .query("SELECT version, checksum FROM schema_migrations", &[])
        .await?;
    let mut ran = 0;
    for &(version, name, sql) in MIGRATIONS {
        let checksum = Sha256::digest(sql.as_bytes()).to_vec();
        if let Some(row) = applied.iter().find(|r| r.get::<_, i32>(0) == version) {
            if row.get::<_, Vec<u8>>(1) != checksum {
                return Err(MigrateError::Changed(version));
            }
            continue;
        }
        let tx = client.transaction().await?;
        tx.batch_execute(sql)
            .await
            .map_err(|source| MigrateError::Failed {
                version,
                name,
                source,
            })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
            &[&version, &name, &checksum],
        )
        .await?;
        tx.commit().await?;
        tracing::info!(version, name, "migration applied");
        ran += 1;
    }
    client
        .batch_execute("SELECT pg_advisory_unlock(7240517)")
        .await?;
    drop(client);
    let _ = conn.await;
    Ok(ran)
}
