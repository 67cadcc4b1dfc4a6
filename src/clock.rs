//! The one source of time. Services take a `Clock` so that expiry (markers, SADs, backoff)
//! can be tested by moving time instead of sleeping.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use std::sync::Arc;

/// Where "now" comes from. Times are truncated to microseconds, the precision PostgreSQL
/// stores, so that a value read back equals the value written (the audit hash depends on it).
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current time, truncated to microseconds.
    fn now(&self) -> DateTime<Utc>;
}

/// Shared handle to the clock used throughout the application.
pub type SharedClock = Arc<dyn Clock>;

/// Truncate to the microsecond precision of `timestamptz`.
pub fn to_micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}

/// The operating system's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        to_micros(Utc::now())
    }
}
