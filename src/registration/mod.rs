//! The registration authority (DESIGN §4): applications for certificates, the operator desk,
//! payment, identification, activation by the SMS marker, issuance and revocation.
//!
//! Every change of an application's status goes through [`lifecycle::next`] and is written —
//! status, history step and audit entry — in one transaction; whoever acts holds an
//! [`access::Actor`] or [`access::Operator`] capability that bounds what they can see.

pub mod access;
pub mod activation;
mod applications;
pub mod catalogue;
pub mod checks;
mod completion;
mod desk;
mod error;
pub mod identification;
pub mod lifecycle;
mod paper_layouts;
pub mod papers;
mod payments;
mod registry_checks;
pub mod reissue;
pub mod scans;
pub mod values;
pub mod views;

pub use access::{Actor, Administrator, Operator};
pub use desk::DeskQuery;
pub use error::RegistrationError;
pub use identification::{Identification, IdentificationView, SignOff, StatementView};
pub use lifecycle::{Act, Status};
pub use payments::PaymentNotice;
pub use views::{ApplicationView, CertificateView, CheckView, HistoryView, NewApplication};

use crate::audit;
use crate::certificates::registry::Registry;
use crate::clock::SharedClock;
use crate::config::RegistrationConfig;
use crate::identity::Identity;
use crate::signing::Custody;
use crate::store::{self, Db, applications::ApplicationRow};
use std::sync::Arc;

/// The registration service; cheap to clone.
#[derive(Clone)]
pub struct Registration(Arc<Inner>);

struct Inner {
    db: Db,
    clock: SharedClock,
    identity: Identity,
    custody: Custody,
    registry: Registry,
    registries: crate::registries::Registries,
    signatures: crate::signatures::Signatures,
    cfg: RegistrationConfig,
}

impl std::fmt::Debug for Registration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registration").finish_non_exhaustive()
    }
}

/// The services registration drives.
pub struct Services {
    /// Accounts and the second factor.
    pub identity: Identity,
    /// Keys born at activation.
    pub custody: Custody,
    /// The CA that issues and revokes.
    pub registry: Registry,
    /// Operators' signatures over identifications.
    pub signatures: crate::signatures::Signatures,
    /// The outside registries the checks consult.
    pub registries: crate::registries::Registries,
}

impl Registration {
    /// The service over the other services it drives.
    pub fn new(db: Db, clock: SharedClock, services: Services, cfg: &RegistrationConfig) -> Self {
        let Services {
            identity,
            custody,
            registry,
            signatures,
            registries,
        } = services;
        Self(Arc::new(Inner {
            db,
            clock,
            identity,
            custody,
            registry,
            registries,
            signatures,
            cfg: cfg.clone(),
        }))
    }

    /// Move `app` by `act` (refused with 409 when the lifecycle does not allow it), and write
    /// the history step and the audit entry in `tx`.
    async fn transition(
        &self,
        tx: &store::Transaction<'_>,
        app: &ApplicationRow,
        act: Act,
        actor: &Actor,
        note: Option<&str>,
    ) -> Result<Status, RegistrationError> {
        let from = status_of(app)?;
        let to = lifecycle::next(from, act).ok_or(RegistrationError::Transition { from, act })?;
        let now = self.0.clock.now();
        if !store::applications::set_status(tx, app.id, from.as_str(), to.as_str(), now).await? {
            return Err(RegistrationError::Transition { from, act });
        }
        self.history(tx, app.id, actor, Some(from), to, note)
            .await?;
        let event = actor
            .event(&format!("application.{}", act.as_str()))
            .on("application", app.id.to_string())
            .with_details(serde_json::json!({
                "number": app.number,
                "from": from.as_str(),
                "to": to.as_str(),
                "note": note,
            }));
        audit::record(tx, self.0.clock.as_ref(), event).await?;
        Ok(to)
    }

    async fn history(
        &self,
        tx: &store::Transaction<'_>,
        application: uuid::Uuid,
        actor: &Actor,
        from: Option<Status>,
        to: Status,
        note: Option<&str>,
    ) -> Result<(), RegistrationError> {
        let row = store::applications::HistoryRow {
            at: self.0.clock.now(),
            actor_kind: actor.kind().as_str().to_owned(),
            actor_id: actor.id(),
            from_status: from.map(|s| s.as_str().to_owned()),
            to_status: to.as_str().to_owned(),
            note: note.map(str::to_owned),
        };
        store::applications::insert_history(tx, application, &row).await?;
        Ok(())
    }
}

fn corrupt(what: &str) -> RegistrationError {
    RegistrationError::Store(store::StoreError::Corrupt(what.to_owned()))
}

fn status_of(app: &ApplicationRow) -> Result<Status, RegistrationError> {
    Status::parse(&app.status).ok_or_else(|| corrupt("application status"))
}

fn applicant_of(app: &ApplicationRow) -> Result<values::Applicant, RegistrationError> {
    serde_json::from_value(app.applicant.clone()).map_err(|_| corrupt("applicant data"))
}

fn kind_of(app: &ApplicationRow) -> Result<values::ProductKind, RegistrationError> {
    values::ProductKind::parse(&app.product_kind).ok_or_else(|| corrupt("product kind"))
}

fn purpose_of(app: &ApplicationRow) -> Result<values::Purpose, RegistrationError> {
    values::Purpose::parse(&app.purpose).ok_or_else(|| corrupt("product purpose"))
}

fn track_of(app: &ApplicationRow) -> Result<values::Track, RegistrationError> {
    values::Track::parse(&app.track).ok_or_else(|| corrupt("product track"))
}
