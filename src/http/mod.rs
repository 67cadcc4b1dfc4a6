//! The HTTP surface: routes, extractors, problem+json, middleware, pages.

pub mod audit;
pub mod docs;
pub mod health;
pub mod metrics;
pub mod middleware;
pub mod pki;
pub mod problem;

use crate::clock::SharedClock;
use crate::store::Db;
use crate::vault::Vault;
use actix_web::web;
use std::sync::Arc;

/// DER certificates of the service, read from the HSM once at start.
#[derive(Debug, Clone)]
pub struct ServiceCertificates {
    /// Root CA.
    pub root: Vec<u8>,
    /// Issuing CA.
    pub issuing: Vec<u8>,
    /// Seal.
    pub seal: Vec<u8>,
}

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
    pub certificates: ServiceCertificates,
}

/// Register every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(health::info)
        .service(audit::verify_export)
        .service(pki::ca_certificate)
        .configure(docs::configure);
}
