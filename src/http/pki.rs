//! Public PKI material: the CA certificates that subscriber certificates point at (AIA
//! caIssuers), so relying parties can build the chain.

use super::AppState;
use super::problem::{ApiError, Problem};
use crate::pki::Ca;
use actix_web::{HttpResponse, get, web};

/// Download a CA certificate (DER): `root.crt` or `issuing.crt`.
#[utoipa::path(tag = "pki", params(("ca" = String, Path, description = "`root` or `issuing`")), responses(
    (status = 200, description = "DER certificate", content_type = "application/pkix-cert"),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/pki/ca/{ca}.crt")]
pub async fn ca_certificate(
    state: web::Data<AppState>,
    ca: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let ca = Ca::parse(&ca).ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type("application/pkix-cert")
        .insert_header(("cache-control", "public, max-age=3600"))
        .body(state.certificates.ca(ca).to_vec()))
}

/// Download the current CRL of a CA (DER): `root.crl` or `issuing.crl`. A new CRL is
/// published on every revocation and at half of the previous one's life.
#[utoipa::path(tag = "pki", params(("ca" = String, Path, description = "`root` or `issuing`")), responses(
    (status = 200, description = "DER CRL", content_type = "application/pkix-crl"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 503, body = Problem, content_type = "application/problem+json")))]
#[get("/pki/crl/{ca}.crl")]
pub async fn crl(
    state: web::Data<AppState>,
    ca: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let ca = Ca::parse(&ca).ok_or(ApiError::NotFound)?;
    let row = state.registry.current_crl(ca).await?;
    let max_age = (row.next_update - state.clock.now())
        .num_seconds()
        .clamp(0, 3600);
    Ok(HttpResponse::Ok()
        .content_type("application/pkix-crl")
        .insert_header(("cache-control", format!("public, max-age={max_age}")))
        .insert_header((
            "last-modified",
            row.this_update
                .format("%a, %d %b %Y %H:%M:%S GMT")
                .to_string(),
        ))
        .body(row.der))
}
