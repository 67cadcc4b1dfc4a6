//! Liveness, readiness, metrics and service information.

use super::AppState;
use super::problem::{ApiError, Problem};
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use std::time::Duration;
use utoipa::ToSchema;

/// Liveness answer.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` while the process serves requests.
    pub status: &'static str,
}

/// Readiness answer.
#[derive(Serialize, ToSchema)]
pub struct Ready {
    /// `ready`.
    pub status: &'static str,
    /// Each dependency and its state.
    pub checks: serde_json::Value,
}

/// The process is alive.
#[utoipa::path(tag = "operations", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// The database and the HSM both answer; otherwise 503 with the failing one named.
#[utoipa::path(tag = "operations", responses(
    (status = 200, body = Ready),
    (status = 503, body = Problem, content_type = "application/problem+json")))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<web::Json<Ready>, ApiError> {
    let limit = Duration::from_secs(3);
    let db = matches!(
        tokio::time::timeout(limit, state.db.ping()).await,
        Ok(Ok(()))
    );
    let hsm = matches!(
        tokio::time::timeout(limit, state.vault.ping()).await,
        Ok(Ok(()))
    );
    let word = |ok: bool| if ok { "ok" } else { "unreachable" };
    let checks = serde_json::json!({ "database": word(db), "hsm": word(hsm) });
    if db && hsm {
        Ok(web::Json(Ready {
            status: "ready",
            checks,
        }))
    } else {
        tracing::warn!(database = db, hsm, "not ready");
        Err(ApiError::NotReady(checks))
    }
}

/// Prometheus metrics in the text exposition format.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Prometheus text", content_type = "text/plain")))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let body = state
        .metrics
        .render(state.db.pool_status(), state.vault.session_status());
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body)
}

/// Facts a client or auditor needs to pin the service: version and certificate fingerprints.
#[derive(Serialize, ToSchema)]
pub struct ServiceInfo {
    /// `cloudseal`.
    pub service: &'static str,
    /// Server version.
    pub version: &'static str,
    /// SHA-256 fingerprint of the root CA certificate.
    pub root_ca_fingerprint: String,
    /// SHA-256 fingerprint of the seal certificate that signs audit checkpoints.
    pub seal_fingerprint: String,
}

/// Service information.
#[utoipa::path(tag = "service", responses((status = 200, body = ServiceInfo)))]
#[get("/api/v1/info")]
pub async fn info(state: web::Data<AppState>) -> web::Json<ServiceInfo> {
    web::Json(ServiceInfo {
        service: "cloudseal",
        version: env!("CARGO_PKG_VERSION"),
        root_ca_fingerprint: crate::pki::fingerprint(&state.certificates.root),
        seal_fingerprint: crate::pki::fingerprint(&state.certificates.seal),
    })
}
