//! The open verification endpoint's limit: a fixed one-minute window per client address, kept
//! in this process's memory (each instance limits on its own; verification writes nothing, so
//! the limit protects CPU, not data).

use super::VerificationError;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

/// Addresses remembered before old windows are dropped.
const MAX_TRACKED: usize = 100_000;

/// Counts anonymous verifications per address and minute.
#[derive(Debug)]
pub struct AnonymousLimit {
    per_minute: u32,
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl AnonymousLimit {
    /// A limit of `per_minute` per address.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Count one from `address` at `now`.
    pub fn admit(&self, address: &str, now: DateTime<Utc>) -> Result<(), VerificationError> {
        let minute = now.timestamp().div_euclid(60);
        let mut windows = self
            .windows
            .lock()
            .map_err(|_| VerificationError::Internal("rate limiter poisoned".into()))?;
        if windows.len() >= MAX_TRACKED {
            windows.retain(|_, (m, _)| *m == minute);
        }
        let entry = windows.entry(address.to_owned()).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        if entry.1 >= self.per_minute {
            let wait = 60 - now.timestamp().rem_euclid(60);
            return Err(VerificationError::RateLimited(wait.max(1) as u64));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_counts_per_address_and_minute() {
        let limit = AnonymousLimit::new(2);
        let t = DateTime::from_timestamp(6_000, 0).unwrap_or_default();
        assert!(limit.admit("a", t).is_ok());
        assert!(limit.admit("a", t).is_ok());
        assert!(matches!(
            limit.admit("a", t),
            Err(VerificationError::RateLimited(60))
        ));
        assert!(limit.admit("b", t).is_ok(), "another address");
        let later = t + chrono::TimeDelta::seconds(60);
        assert!(limit.admit("a", later).is_ok(), "the next minute");
    }
}
