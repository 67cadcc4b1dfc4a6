//! The HTTP surface: routes, extractors, problem+json, middleware, pages.

pub mod accounts;
pub mod address_book;
pub mod admin;
pub mod agents;
pub mod applications;
pub mod audit;
pub mod audit_trail;
pub mod auth;
pub mod body;
pub mod certificates;
pub mod csc;
pub mod desk;
pub mod docs;
pub mod documents;
pub mod encryption;
pub mod exports;
pub mod forwarded;
pub mod health;
pub mod identification;
pub mod login;
pub mod metrics;
pub mod middleware;
pub mod ocsp;
pub mod papers;
pub mod partner;
pub mod pki;
pub mod problem;
pub mod scans;
pub mod sendings;
pub mod signatures;
pub mod tsa;
pub mod verify;
pub mod web;

use crate::certificates::registry::{Registry, ServiceCertificates};
use crate::clock::SharedClock;
use crate::store::Db;
use crate::vault::Vault;
use actix_web::web::ServiceConfig;
use std::sync::Arc;

/// What every handler can reach.
pub struct AppState {
    /// Database.
    pub db: Db,
    /// HSM.
    pub vault: Vault,
    /// Clock.
    pub clock: SharedClock,
    /// Metrics.
    pub metrics: Arc<metrics::Metrics>,
    /// Service certificates.
    pub certificates: Arc<ServiceCertificates>,
    /// Issued certificates, revocations and CRLs.
    pub registry: Registry,
    /// The OCSP responder.
    pub ocsp: crate::certificates::ocsp::Responder,
    /// The time-stamping authority.
    pub tsa: crate::certificates::tsa::Authority,
    /// Accounts, sessions and tokens.
    pub identity: crate::identity::Identity,
    /// Applications, activation and subscriber certificates.
    pub registration: crate::registration::Registration,
    /// Credentials, authorisations and signatures of holders.
    pub signatures: crate::signatures::Signatures,
    /// Holders' documents.
    pub documents: crate::documents::Documents,
    /// Signature and protocol verification.
    pub verification: crate::verification::Verification,
    /// The document exchange and its address book.
    pub exchange: crate::exchange::Exchange,
    /// The audit trail as auditors read and export it.
    pub audit: crate::audit::trail::Trail,
}

/// Register every route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(health::info)
        .service(audit::verify_export)
        .configure(audit_trail::configure)
        .service(pki::ca_certificate)
        .service(pki::crl)
        .service(ocsp::ocsp_post)
        .service(ocsp::ocsp_get)
        .service(tsa::time_stamp)
        .configure(accounts::configure)
        .configure(login::configure)
        .configure(admin::configure)
        .configure(partner::configure)
        .configure(applications::configure)
        .configure(desk::configure)
        .configure(certificates::configure)
        .configure(papers::configure)
        .configure(scans::configure)
        .configure(signatures::configure)
        .configure(agents::configure)
        .configure(encryption::configure)
        .configure(documents::configure)
        .configure(verify::configure)
        .configure(identification::configure)
        .configure(csc::configure)
        .configure(address_book::configure)
        .configure(exports::configure)
        .configure(sendings::configure)
        .configure(docs::configure)
        .configure(web::configure);
}
