//! The operator desk: the queue, accepting the data, payment, refusal, identification, and
//! (re)sending the activation marker.

use super::activation::new_marker;
use super::applications::failed_checks;
use super::lifecycle::Act;
use super::views::ApplicationView;
use super::{Actor, Operator, Registration, RegistrationError};
use crate::audit;
use crate::said;
use crate::store::{self, applications as sql};
use uuid::Uuid;

/// The desk's query: filters, sort and page.
#[derive(Debug, Clone, Default)]
pub struct DeskQuery {
    /// Filters.
    pub filter: sql::Filter,
    /// Sort column.
    pub sort: sql::Sort,
    /// Newest (or largest) first.
    pub descending: bool,
    /// Page size.
    pub limit: i64,
    /// Rows skipped.
    pub offset: i64,
}

impl Registration {
    /// The operator's queue: the applications of their point of issue, filtered.
    pub async fn queue(
        &self,
        operator: &Operator,
        q: &DeskQuery,
    ) -> Result<(Vec<ApplicationView>, i64), RegistrationError> {
        self.applications(
            operator.actor(),
            &q.filter,
            q.sort,
            q.descending,
            q.limit,
            q.offset,
        )
        .await
    }

    /// Accept the data: every check passed; the invoice becomes payable.
    pub async fn accept(
        &self,
        operator: &Operator,
        id: Uuid,
    ) -> Result<ApplicationView, RegistrationError> {
        let actor = operator.actor();
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let app = self.locked(&tx, actor, id).await?;
        refuse_failed_checks(&tx, id).await?;
        self.transition(&tx, &app, Act::Accept, actor, None).await?;
        tx.commit().await?;
        self.application(actor, id).await
    }

    /// Record the payment of the application's invoice by `actor` (an operator, or the
    /// service on a verified payment notification).
    pub(super) async fn record_payment(
        &self,
        tx: &store::Transaction<'_>,
        actor: &Actor,
        app: &sql::ApplicationRow,
        reference: &str,
    ) -> Result<(), RegistrationError> {
        let reference = reference.trim();
        if reference.is_empty() || reference.chars().count() > 200 {
            return Err(RegistrationError::Invalid(said!(
                "the payment reference holds 1 to 200 characters",
                "номер платежа — от 1 до 200 символов"
            )));
        }
        sql::set_paid(tx, app.id, reference, self.0.clock.now()).await?;
        self.transition(tx, app, Act::Pay, actor, Some(reference))
            .await?;
        Ok(())
    }

    /// The operator marks the invoice paid.
    pub async fn mark_paid(
        &self,
        operator: &Operator,
        id: Uuid,
        reference: &str,
    ) -> Result<ApplicationView, RegistrationError> {
        let actor = operator.actor();
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let app = self.locked(&tx, actor, id).await?;
        self.record_payment(&tx, actor, &app, reference).await?;
        tx.commit().await?;
        self.application(actor, id).await
    }

    /// Refuse the application, with a reason the applicant is told.
    pub async fn reject(
        &self,
        operator: &Operator,
        id: Uuid,
        reason: &str,
    ) -> Result<ApplicationView, RegistrationError> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 1000 {
            return Err(RegistrationError::Invalid(said!(
                "a rejection needs a reason of 1 to 1000 characters",
                "отказу нужна причина от 1 до 1000 символов"
            )));
        }
        let actor = operator.actor();
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let app = self.locked(&tx, actor, id).await?;
        sql::set_rejection(&*tx, id, reason).await?;
        self.transition(&tx, &app, Act::Reject, actor, Some(reason))
            .await?;
        tx.commit().await?;
        self.application(actor, id).await
    }

    /// Send a fresh marker for the application's certificate awaiting activation (the old
    /// one stops working, and the wrong-try count starts over).
    pub async fn resend_marker(
        &self,
        operator: &Operator,
        id: Uuid,
    ) -> Result<ApplicationView, RegistrationError> {
        let actor = operator.actor();
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let app = self.locked(&tx, actor, id).await?;
        let pending = store::certificates::of_application(&*tx, id)
            .await?
            .into_iter()
            .find(|c| c.status == "pending_activation")
            .ok_or_else(|| {
                RegistrationError::Precondition(said!(
                    "no certificate awaits activation",
                    "ни один сертификат не ожидает активации"
                ))
            })?;
        self.send_marker(&tx, &app, pending.id).await?;
        let event = actor
            .event("certificate.marker_resend")
            .on("certificate", pending.id.to_string());
        audit::record(&tx, self.0.clock.as_ref(), event).await?;
        tx.commit().await?;
        self.application(actor, id).await
    }

    /// Store a new marker for `certificate` and queue the SMS in `tx`.
    pub(super) async fn send_marker(
        &self,
        tx: &store::Transaction<'_>,
        app: &sql::ApplicationRow,
        certificate: Uuid,
    ) -> Result<(), RegistrationError> {
        let holder = store::accounts::get(tx, app.account_id)
            .await?
            .ok_or(RegistrationError::NotFound)?;
        let (marker, mac) = new_marker(&self.0.identity, certificate)?;
        let hours = i64::from(self.0.cfg.marker_ttl_hours.get());
        let now = self.0.clock.now();
        store::certificates::put_marker(
            tx,
            certificate,
            &mac,
            now + chrono::TimeDelta::hours(hours),
            now,
        )
        .await?;
        let link = self
            .0
            .identity
            .link_to(&format!("/cabinet/activate/{}", app.id));
        let text = if holder.language == "ru" {
            format!(
                "cloudseal: код активации сертификата по заявке {}: {}. Действует {} ч. {}",
                app.number, &*marker, hours, link
            )
        } else {
            format!(
                "cloudseal: activation code for application {}: {}. Valid {} h. {}",
                app.number, &*marker, hours, link
            )
        };
        crate::notify::enqueue(
            tx,
            self.0.clock.as_ref(),
            "activation_marker",
            &crate::notify::Notification::Sms {
                to: holder.phone,
                text,
            },
        )
        .await?;
        Ok(())
    }
}

async fn refuse_failed_checks(
    tx: &store::Transaction<'_>,
    id: Uuid,
) -> Result<(), RegistrationError> {
    let failed = failed_checks(tx, id).await?;
    if failed.is_empty() {
        Ok(())
    } else {
        Err(RegistrationError::Precondition(said!(
            "checks not passed: {}",
            "проверки не пройдены: {}",
            failed.join(", ")
        )))
    }
}
