//! The one source of time. Services take a `Clock` so that tests can pin or move time
//! (marker expiry, SAD lifetimes, backoff) without sleeping.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use std::sync::Arc;
use std::sync::Mutex;

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

/// A clock that only moves when told to; for tests of expiry and backoff.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            now: Mutex::new(to_micros(start)),
        }
    }

    /// Move the clock forward.
    pub fn advance(&self, by: TimeDelta) {
        if let Ok(mut now) = self.now.lock() {
            *now += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        match self.now.lock() {
            Ok(now) => *now,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}
