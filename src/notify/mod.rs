//! Notifications through a transactional outbox (DESIGN §6): a caller queues an SMS or email in
//! its own transaction — nothing is sent for an act that rolled back — and the [`worker`]
//! delivers it, at least once, with retries and backoff, recording every attempt.

pub mod providers;
pub mod worker;

use crate::clock::Clock;
use crate::store::{self, StoreError};
use uuid::Uuid;

/// A message to queue.
#[derive(Debug, Clone)]
pub enum Notification {
    /// A text message.
    Sms {
        /// E.164 number.
        to: String,
        /// Text.
        text: String,
    },
    /// An email.
    Email {
        /// Address.
        to: String,
        /// Subject.
        subject: String,
        /// Plain-text body.
        body: String,
    },
}

/// Queue `n` for `purpose` in the caller's transaction; returns its id.
pub async fn enqueue(
    tx: &store::Transaction<'_>,
    clock: &dyn Clock,
    purpose: &str,
    n: &Notification,
) -> Result<Uuid, StoreError> {
    let id = Uuid::new_v4();
    let (channel, to, subject, body) = match n {
        Notification::Sms { to, text } => ("sms", to, None, text),
        Notification::Email { to, subject, body } => ("email", to, Some(subject.as_str()), body),
    };
    store::outbox::insert(tx, id, channel, to, subject, body, purpose, clock.now()).await?;
    Ok(id)
}
