//! The delivery worker: leases due notifications, hands them to the provider, records the
//! attempt, and schedules a retry with exponential backoff and jitter — or gives up after
//! `max_attempts`. Several workers (in several processes) share the table without
//! double-sending within a lease.

use super::providers::{DeliveryError, EmailProvider, SmsProvider};
use crate::clock::Clock;
use crate::config::NotifyConfig;
use crate::store::{Db, StoreError, outbox};
use chrono::TimeDelta;
use rand::Rng;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Everything the worker needs.
#[derive(Clone)]
pub struct Deliverer {
    /// Database.
    pub db: Db,
    /// Clock.
    pub clock: Arc<dyn Clock>,
    /// SMS provider.
    pub sms: SmsProvider,
    /// Email provider.
    pub email: EmailProvider,
    /// Settings.
    pub cfg: NotifyConfig,
}

const LEASE: TimeDelta = TimeDelta::seconds(60);

impl Deliverer {
    fn backoff(&self, attempts: i32) -> TimeDelta {
        let base = self.cfg.backoff_base_ms.max(1) as f64;
        let exp = base * 2f64.powi(attempts.saturating_sub(1).min(30));
        let capped = exp.min(self.cfg.backoff_max_secs as f64 * 1000.0);
        let jitter = rand::thread_rng().gen_range(0.8..1.2);
        TimeDelta::milliseconds((capped * jitter) as i64)
    }

    /// Deliver what is due now; returns how many attempts were made.
    pub async fn deliver_due(&self) -> Result<usize, StoreError> {
        let now = self.clock.now();
        let claimed = {
            let client = self.db.client().await?;
            outbox::claim_due(&**client, now, now + LEASE, 32).await?
        };
        let count = claimed.len();
        for n in claimed {
            let (provider, result) = match n.channel.as_str() {
                "sms" => (self.sms.name(), self.sms.send(&n.recipient, &n.body).await),
                _ => (
                    self.email.name(),
                    self.email
                        .send(&n.recipient, n.subject.as_deref().unwrap_or(""), &n.body)
                        .await,
                ),
            };
            let at = self.clock.now();
            let (outcome, detail, next) = match &result {
                Ok(reference) => ("sent", Some(reference.clone()), None),
                Err(DeliveryError::Transient(m)) if n.attempts < self.cfg.max_attempts => (
                    "transient",
                    Some(m.clone()),
                    Some(at + self.backoff(n.attempts)),
                ),
                Err(DeliveryError::Transient(m)) => ("transient", Some(m.clone()), None),
                Err(DeliveryError::Permanent(m)) => ("permanent", Some(m.clone()), None),
            };
            match &result {
                Ok(_) => {
                    tracing::info!(notification = %n.id, channel = %n.channel, purpose = %n.purpose, provider, "notification delivered")
                }
                Err(e) => {
                    tracing::warn!(notification = %n.id, channel = %n.channel, attempt = n.attempts, error = %e, "notification not delivered")
                }
            }
            let mut client = self.db.client().await?;
            let tx = client.transaction().await?;
            outbox::record_attempt(
                &tx,
                n.id,
                n.attempts,
                at,
                provider,
                outcome,
                detail.as_deref(),
                next,
            )
            .await?;
            tx.commit().await?;
        }
        Ok(count)
    }

    /// Run until shut down.
    pub async fn run(self, shutdown: CancellationToken) {
        let pause = Duration::from_millis(self.cfg.poll_interval_ms.max(10));
        loop {
            let busy = match self.deliver_due().await {
                Ok(n) => n > 0,
                Err(e) => {
                    tracing::warn!(error = %e, "notification worker: database error; will retry");
                    false
                }
            };
            if !busy {
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(pause) => {}
                }
            } else if shutdown.is_cancelled() {
                return;
            }
        }
    }
}
