//! SQL of data keys: each stored only as the HSM KEK wrapped it.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;

/// The wrapped data key for `purpose`.
pub async fn get(c: &impl GenericClient, purpose: &str) -> Result<Option<Vec<u8>>, StoreError> {
    let r = c
        .query_opt(
            "SELECT wrapped FROM data_keys WHERE purpose = $1",
            &[&purpose],
        )
        .await?;
    Ok(r.map(|r| r.get(0)))
}

/// Store a wrapped key for `purpose` unless another instance stored one first.
pub async fn insert_if_absent(
    c: &impl GenericClient,
    purpose: &str,
    wrapped: &[u8],
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO data_keys (purpose, wrapped, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (purpose) DO NOTHING",
        &[&purpose, &wrapped, &at],
    )
    .await?;
    Ok(())
}
