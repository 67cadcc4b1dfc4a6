//! Public PKI material: the CA certificates that subscriber certificates point at (AIA
//! caIssuers), so relying parties can build the chain.

use super::AppState;
use super::problem::{ApiError, Problem};
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
    let der = match ca.as_str() {
        "root" => &state.certificates.root,
        "issuing" => &state.certificates.issuing,
        _ => return Err(ApiError::NotFound),
    };
    Ok(HttpResponse::Ok()
        .content_type("application/pkix-cert")
        .insert_header(("cache-control", "public, max-age=3600"))
        .body(der.clone()))
}

/// Where the issuing CA certificate is served, for the AIA extension of issued certificates.
pub fn issuing_ca_url(public_url: &str) -> String {
    format!("{}/pki/ca/issuing.crt", public_url.trim_end_matches('/'))
}
