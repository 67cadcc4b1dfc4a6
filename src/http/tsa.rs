//! `POST /tsa`: RFC 3161 time-stamping over HTTP (`application/timestamp-query` in,
//! `application/timestamp-reply` out).

use super::AppState;
use super::problem::{ApiError, Problem};
use crate::pki::tsa;
use actix_web::{HttpRequest, HttpResponse, post, web};

/// A TimeStampReq is a hash and a few small fields.
const MAX_REQUEST: usize = 8 * 1024;

/// Time-stamp a message imprint. A request that is not a TimeStampReq, or asks for an
/// algorithm, policy or extension we do not offer, gets a `rejection` TimeStampResp naming the
/// failure, as RFC 3161 clients expect.
#[utoipa::path(tag = "pki", request_body(content = Vec<u8>, content_type = "application/timestamp-query"), responses(
    (status = 200, description = "DER TimeStampResp", content_type = "application/timestamp-reply"),
    (status = 413, body = Problem, content_type = "application/problem+json"),
    (status = 415, body = Problem, content_type = "application/problem+json"),
    (status = 503, body = Problem, content_type = "application/problem+json")))]
#[post("/tsa")]
pub async fn time_stamp(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body = super::body::read(&req, payload, "application/timestamp-query", MAX_REQUEST).await?;
    let der = match tsa::parse_request(&body, state.tsa.policy_der()) {
        Ok(request) => state.tsa.grant(request, state.clock.now()).await?,
        Err(why) => tsa::refusal(why),
    };
    Ok(HttpResponse::Ok()
        .content_type("application/timestamp-reply")
        .insert_header(("cache-control", "no-store"))
        .body(der))
}
