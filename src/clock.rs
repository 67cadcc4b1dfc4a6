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

/// A clock that moves only when told: lets tests of expiry (CRLs, authorisations, markers)
/// jump ahead instead of sleeping.
#[derive(Debug)]
pub struct ManualClock {
    now: std::sync::Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            now: std::sync::Mutex::new(to_micros(start)),
        }
    }

    /// Move forward by `by`.
    pub fn advance(&self, by: TimeDelta) {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }
}
