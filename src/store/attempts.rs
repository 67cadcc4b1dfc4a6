//! SQL of attempt counters: wrong secrets per account (or login name) and per client address.
//! A failure is counted in the same statement that reads the count, so parallel guesses cannot
//! slip past the limit.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;

/// A counter as stored.
#[derive(Debug, Clone, Copy, Default)]
pub struct CounterRow {
    /// Wrong answers since the last success or lock.
    pub failures: i32,
    /// Locks so far.
    pub locks: i32,
    /// Locked until then.
    pub locked_until: Option<DateTime<Utc>>,
}

/// The counter of (`scope`, `subject`); zero when it was never touched.
pub async fn get(
    c: &impl GenericClient,
    scope: &str,
    subject: &str,
) -> Result<CounterRow, StoreError> {
    let r = c
        .query_opt(
            "SELECT failures, locks, locked_until FROM attempt_counters \
             WHERE scope = $1 AND subject = $2",
            &[&scope, &subject],
        )
        .await?;
    Ok(r.map(|r| CounterRow {
        failures: r.get(0),
        locks: r.get(1),
        locked_until: r.get(2),
    })
    .unwrap_or_default())
}

/// Count one failure; returns the counter after it.
pub async fn fail(
    tx: &impl GenericClient,
    scope: &str,
    subject: &str,
    at: DateTime<Utc>,
) -> Result<CounterRow, StoreError> {
    let r = tx
        .query_one(
            "INSERT INTO attempt_counters (scope, subject, failures, updated_at) \
             VALUES ($1, $2, 1, $3) ON CONFLICT (scope, subject) DO UPDATE \
             SET failures = attempt_counters.failures + 1, updated_at = $3 \
             RETURNING failures, locks, locked_until",
            &[&scope, &subject, &at],
        )
        .await?;
    Ok(CounterRow {
        failures: r.get(0),
        locks: r.get(1),
        locked_until: r.get(2),
    })
}

/// Lock until `until`, starting a new count.
pub async fn lock(
    tx: &impl GenericClient,
    scope: &str,
    subject: &str,
    until: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE attempt_counters SET failures = 0, locks = locks + 1, locked_until = $3, \
         updated_at = $4 WHERE scope = $1 AND subject = $2",
        &[&scope, &subject, &until, &at],
    )
    .await?;
    Ok(())
}

/// Forget the failures after a success (the lock history stays, so the next lock is longer).
pub async fn succeed(
    tx: &impl GenericClient,
    scope: &str,
    subject: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE attempt_counters SET failures = 0 WHERE scope = $1 AND subject = $2",
        &[&scope, &subject],
    )
    .await?;
    Ok(())
}

/// Lift a lock (an admin's act); true when there was one.
pub async fn unlock(
    tx: &impl GenericClient,
    scope: &str,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "UPDATE attempt_counters SET failures = 0, locks = 0, locked_until = NULL \
             WHERE scope = $1 AND subject = $2 AND locked_until > $3",
            &[&scope, &subject, &now],
        )
        .await?;
    Ok(n == 1)
}
