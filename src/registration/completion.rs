//! The end of an application after its certificate is active: the operator hands over the
//! shipping documents, confirms the holder signed them, and completes the application once
//! the required scans are in. Simple certificates also owe the CA their paper originals by
//! post within a deadline; the desk sees who is overdue and the holder is reminded.

use super::lifecycle::{self, Act};
use super::values::ProductKind;
use super::{ApplicationView, Operator, Registration, RegistrationError, kind_of, status_of};
use crate::said;
use crate::store::{self, applications as sql};
use chrono::TimeDelta;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

impl Registration {
    /// The shipping documents were printed and handed to the holder to sign.
    pub async fn documents_prepared(
        &self,
        operator: &Operator,
        id: Uuid,
    ) -> Result<ApplicationView, RegistrationError> {
        self.desk_act(operator, id, Act::PrepareDocuments).await
    }

    /// The holder signed the certificate form and the act.
    pub async fn completion_confirmed(
        &self,
        operator: &Operator,
        id: Uuid,
    ) -> Result<ApplicationView, RegistrationError> {
        self.desk_act(operator, id, Act::ConfirmCompletion).await
    }

    /// Close the application; refused while a required scan is missing.
    pub async fn complete(
        &self,
        operator: &Operator,
        id: Uuid,
    ) -> Result<ApplicationView, RegistrationError> {
        let actor = operator.actor();
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let app = self.locked(&tx, actor, id).await?;
        let from = status_of(&app)?;
        if lifecycle::next(from, Act::Complete).is_none() {
            return Err(RegistrationError::Transition {
                from,
                act: Act::Complete,
            });
        }
        let missing = self.missing_scans(&tx, &app).await?;
        if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(|d| d.as_str()).collect();
            return Err(RegistrationError::Precondition(said!(
                "scans missing: {}",
                "не хватает сканов: {}",
                names.join(", ")
            )));
        }
        self.transition(&tx, &app, Act::Complete, actor, None)
            .await?;
        tx.commit().await?;
        self.application(actor, id).await
    }

    /// The paper originals of a simple certificate arrived by post.
    pub async fn originals_received(
        &self,
        operator: &Operator,
        id: Uuid,
    ) -> Result<ApplicationView, RegistrationError> {
        let actor = operator.actor();
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let app = self.locked(&tx, actor, id).await?;
        if !store::scans::set_originals_received(&tx, id, self.0.clock.now()).await? {
            return Err(RegistrationError::Precondition(said!(
                "no paper originals are awaited for this application",
                "бумажных оригиналов по этой заявке не ожидается"
            )));
        }
        let event = actor
            .event("application.originals_received")
            .on("application", id.to_string())
            .with_details(serde_json::json!({ "number": app.number }));
        crate::audit::record(&tx, self.0.clock.as_ref(), event).await?;
        tx.commit().await?;
        self.application(actor, id).await
    }

    async fn desk_act(
        &self,
        operator: &Operator,
        id: Uuid,
        act: Act,
    ) -> Result<ApplicationView, RegistrationError> {
        let actor = operator.actor();
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let app = self.locked(&tx, actor, id).await?;
        self.transition(&tx, &app, act, actor, None).await?;
        tx.commit().await?;
        self.application(actor, id).await
    }

    /// At issue of a simple certificate: the originals of its paper set are now owed.
    pub(super) async fn start_originals_clock(
        &self,
        tx: &store::Transaction<'_>,
        app: &sql::ApplicationRow,
    ) -> Result<(), RegistrationError> {
        if kind_of(app)? == ProductKind::Simple {
            let days = i64::from(self.0.cfg.originals_due_days.get());
            let due = self.0.clock.now() + TimeDelta::days(days);
            store::scans::set_originals_due(tx, app.id, due).await?;
        }
        Ok(())
    }

    /// Email the holders whose originals are due within the reminder window or overdue, at
    /// most once per window each; how many were reminded.
    pub async fn remind_originals(&self) -> Result<usize, RegistrationError> {
        let now = self.0.clock.now();
        let window = TimeDelta::days(i64::from(self.0.cfg.originals_reminder_days.get()));
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let due = store::scans::originals_to_remind(&tx, now + window, now - window).await?;
        for (id, number, account, due_at) in &due {
            let Some(holder) = store::accounts::get(&*tx, *account).await? else {
                continue;
            };
            let day = due_at.format("%d.%m.%Y");
            let (subject, body) = if holder.language == "ru" {
                (
                    format!("Оригиналы документов по заявке {number}"),
                    format!(
                        "Оригиналы подписанных документов по заявке {number} должны поступить \
                         в удостоверяющий центр до {day}. Отправьте их почтой, если ещё не \
                         отправили."
                    ),
                )
            } else {
                (
                    format!("Paper originals for application {number}"),
                    format!(
                        "The signed originals of application {number} must reach the \
                         certification authority by {day}. Please post them if you have not."
                    ),
                )
            };
            crate::notify::enqueue(
                &tx,
                self.0.clock.as_ref(),
                "originals_reminder",
                &crate::notify::Notification::Email {
                    to: holder.email,
                    subject,
                    body,
                },
            )
            .await?;
            store::scans::set_reminded(&tx, *id, now).await?;
        }
        tx.commit().await?;
        Ok(due.len())
    }

    /// Send the originals' reminders on a schedule until `shutdown`.
    pub async fn run_reminders(self, shutdown: CancellationToken) {
        let every =
            std::time::Duration::from_secs(self.0.cfg.originals_reminder_interval_secs.get());
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tokio::time::sleep(every) => {}
            }
            if let Err(e) = self.remind_originals().await {
                tracing::warn!(error = %e, "originals reminders failed; will retry");
            }
        }
    }
}
