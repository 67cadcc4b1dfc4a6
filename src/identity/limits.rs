//! Attempt limits on every secret a person types. Each attempt is *reserved* — counted as a
//! failure before the secret is checked, in a transaction of its own — and forgiven on success,
//! so parallel guesses cannot pass the limit and a crash mid-check counts against the guesser.
//! A counter that reaches its limit locks its subject for `lock_minutes × 2^(locks)` (up to a
//! day); time or an admin lifts it.

use super::IdentityError;
use crate::audit::{self, AuditEvent, Outcome};
use crate::clock::Clock;
use crate::config::IdentityConfig;
use crate::store::{self, Db};
use chrono::{DateTime, TimeDelta, Utc};

/// What a counter counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Counter {
    /// Logins by a login name (`email:…` or `phone:…`), whether or not an account has it.
    Login(String),
    /// Second-factor answers and codes of one account.
    Account(uuid::Uuid),
    /// Wrong answers from one client address, whatever the account.
    Address(String),
}

impl Counter {
    fn scope(&self) -> &'static str {
        match self {
            Counter::Login(_) => "login",
            Counter::Account(_) => "account",
            Counter::Address(_) => "address",
        }
    }

    fn subject(&self) -> String {
        match self {
            Counter::Login(s) | Counter::Address(s) => s.clone(),
            Counter::Account(id) => id.to_string(),
        }
    }
}

/// A reservation: the attempt has been counted; call [`Limits::forgive`] if it succeeds.
#[derive(Debug)]
#[must_use]
pub struct Reserved {
    counters: Vec<Counter>,
    /// A counter that reached its limit with this attempt: if the secret is wrong, it locks.
    last_chance: Vec<Counter>,
}

/// The limits in force.
#[derive(Debug, Clone)]
pub struct Limits {
    max: i32,
    address_max: i32,
    lock: TimeDelta,
}

impl Limits {
    /// From the configuration.
    pub fn new(cfg: &IdentityConfig) -> Self {
        Self {
            max: i32::try_from(cfg.max_attempts.get()).unwrap_or(i32::MAX),
            address_max: i32::try_from(cfg.ip_max_attempts.get()).unwrap_or(i32::MAX),
            lock: TimeDelta::minutes(i64::from(cfg.lock_minutes.get())),
        }
    }

    fn max_of(&self, c: &Counter) -> i32 {
        match c {
            Counter::Address(_) => self.address_max,
            _ => self.max,
        }
    }

    fn lock_length(&self, locks: i32) -> TimeDelta {
        let factor = 1i32 << locks.clamp(0, 10);
        (self.lock * factor).min(TimeDelta::days(1))
    }

    /// Count an attempt against every counter, or refuse it when one is locked (the refusal is
    /// audited as `action` denied).
    pub async fn reserve(
        &self,
        db: &Db,
        clock: &dyn Clock,
        counters: Vec<Counter>,
        denied: AuditEvent,
    ) -> Result<Reserved, IdentityError> {
        let now = clock.now();
        let mut client = db.client().await?;
        let tx = client.transaction().await?;
        let mut locked_until: Option<DateTime<Utc>> = None;
        for c in &counters {
            let row = store::attempts::get(&*tx, c.scope(), &c.subject()).await?;
            if let Some(until) = row.locked_until.filter(|u| *u > now) {
                locked_until = Some(locked_until.map_or(until, |l| l.max(until)));
            }
        }
        if let Some(until) = locked_until {
            let mut e = denied;
            e.outcome = Outcome::Denied;
            e.details = serde_json::json!({"reason": "locked", "until": until.to_rfc3339()});
            audit::record(&tx, clock, e).await?;
            tx.commit().await?;
            return Err(IdentityError::Locked { until });
        }
        let mut last_chance = Vec::new();
        for c in &counters {
            let row = store::attempts::fail(&*tx, c.scope(), &c.subject(), now).await?;
            if row.failures >= self.max_of(c) {
                last_chance.push(c.clone());
            }
        }
        tx.commit().await?;
        Ok(Reserved {
            counters,
            last_chance,
        })
    }

    /// The secret was right: forgive the reserved attempt on every counter but the address
    /// (an address is forgiven only by time, so one good account cannot launder guesses at
    /// others), in the caller's transaction.
    pub async fn forgive(
        &self,
        tx: &store::Transaction<'_>,
        reserved: Reserved,
    ) -> Result<(), IdentityError> {
        for c in reserved
            .counters
            .iter()
            .filter(|c| !matches!(c, Counter::Address(_)))
        {
            store::attempts::succeed(tx, c.scope(), &c.subject()).await?;
        }
        Ok(())
    }

    /// The secret was wrong: lock what reached its limit, audit each lock, and say until when
    /// the longest lock lasts.
    async fn settle_failure(
        &self,
        tx: &store::Transaction<'_>,
        clock: &dyn Clock,
        reserved: Reserved,
        lock_event: AuditEvent,
    ) -> Result<Option<DateTime<Utc>>, IdentityError> {
        let now = clock.now();
        let mut longest: Option<DateTime<Utc>> = None;
        for c in &reserved.last_chance {
            let row = store::attempts::get(tx, c.scope(), &c.subject()).await?;
            let until = now + self.lock_length(row.locks);
            store::attempts::lock(tx, c.scope(), &c.subject(), until, now).await?;
            let mut e = lock_event.clone();
            e.action = "auth.lock".into();
            e.outcome = Outcome::Denied;
            e.details = serde_json::json!({
                "counter": c.scope(),
                "until": until.to_rfc3339(),
                "locks": row.locks + 1,
            });
            audit::record(tx, clock, e).await?;
            longest = Some(longest.map_or(until, |l| l.max(until)));
        }
        Ok(longest)
    }

    /// The secret was wrong: record `event` as a failure, lock what reached its limit, commit,
    /// and return the refusal — `Locked` when a lock now holds, else `wrong`. An error while
    /// recording is returned instead (the attempt stays counted by its reservation).
    pub async fn refuse(
        &self,
        tx: deadpool_postgres::Transaction<'_>,
        clock: &dyn Clock,
        reserved: Reserved,
        mut event: AuditEvent,
        wrong: IdentityError,
    ) -> IdentityError {
        event.outcome = Outcome::Failure;
        let recorded = async {
            let locked = self
                .settle_failure(&tx, clock, reserved, event.clone())
                .await?;
            audit::record(&tx, clock, event).await?;
            tx.commit().await?;
            Ok::<_, IdentityError>(locked)
        }
        .await;
        match recorded {
            Ok(Some(until)) => IdentityError::Locked { until },
            Ok(None) => wrong,
            Err(e) => e,
        }
    }

    /// Lift the locks on these counters (an admin's act); true when one was locked.
    pub async fn unlock(
        &self,
        tx: &store::Transaction<'_>,
        clock: &dyn Clock,
        counters: &[Counter],
    ) -> Result<bool, IdentityError> {
        let mut any = false;
        for c in counters {
            any |= store::attempts::unlock(tx, c.scope(), &c.subject(), clock.now()).await?;
        }
        Ok(any)
    }
}
