//! `POST /ocsp` and `GET /ocsp/{request}` (RFC 6960 appendix A): revocation status of our
//! certificates, signed by the issuing CA in the HSM.

use super::AppState;
use super::problem::{ApiError, Problem};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use base64::Engine;

/// Largest OCSP request accepted: sixteen CertIDs with extensions fit in far less.
const MAX_REQUEST: usize = 16 * 1024;

fn reply(der: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/ocsp-response")
        .insert_header(("cache-control", "no-cache"))
        .body(der)
}

/// Ask for the status of certificates (DER `OCSPRequest` in, DER `OCSPResponse` out). A
/// request that is not DER gets an OCSP `malformedRequest` answer, one about another CA's
/// certificates `unauthorized`, as OCSP clients expect.
#[utoipa::path(tag = "pki", request_body(content = Vec<u8>, content_type = "application/ocsp-request"), responses(
    (status = 200, description = "DER OCSPResponse", content_type = "application/ocsp-response"),
    (status = 413, body = Problem, content_type = "application/problem+json"),
    (status = 415, body = Problem, content_type = "application/problem+json"),
    (status = 503, body = Problem, content_type = "application/problem+json")))]
#[post("/ocsp")]
pub async fn ocsp_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body = super::body::read(&req, payload, "application/ocsp-request", MAX_REQUEST).await?;
    let der = state.ocsp.respond(&body, state.clock.now()).await?;
    Ok(reply(der))
}

/// The same, with the request base64-encoded in the path (for caching proxies).
#[utoipa::path(tag = "pki", params(("request" = String, Path, description = "base64 DER OCSPRequest, URL-encoded")), responses(
    (status = 200, description = "DER OCSPResponse", content_type = "application/ocsp-response"),
    (status = 503, body = Problem, content_type = "application/problem+json")))]
#[get("/ocsp/{request:.*}")]
pub async fn ocsp_get(
    state: web::Data<AppState>,
    request: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let request = request.into_inner();
    let text = request
        .replace("%2F", "/")
        .replace("%2B", "+")
        .replace("%3D", "=");
    let der = base64::engine::general_purpose::STANDARD
        .decode(text.trim_end_matches('/'))
        .unwrap_or_default();
    if der.len() > MAX_REQUEST {
        return Err(ApiError::PayloadTooLarge);
    }
    Ok(reply(state.ocsp.respond(&der, state.clock.now()).await?))
}
