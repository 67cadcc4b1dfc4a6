//! The operator desk over HTTP: accept the data, mark paid, reject, resend the activation
//! marker, revoke, complete (identification has its own file). Every route takes an [`OperatorCtx`]; the queue itself is
//! `GET /api/v1/applications`, which shows an operator their point of issue.

use super::AppState;
use super::applications::path_id;
use super::auth::OperatorCtx;
use super::problem::{ApiError, Problem};
use crate::pki::revocation::RevocationReason;
use crate::registration::ApplicationView;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(accept)
        .service(pay)
        .service(reject)
        .service(resend_marker)
        .service(revoke)
        .service(documents_prepared)
        .service(completion_confirmed)
        .service(complete)
        .service(originals_received);
}

/// The shipping documents were printed and handed to the holder.
#[utoipa::path(tag = "desk", responses(
    (status = 200, body = ApplicationView),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/desk/applications/{id}/documents-prepared")]
pub async fn documents_prepared(
    state: web::Data<AppState>,
    op: OperatorCtx,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    Ok(HttpResponse::Ok().json(state.registration.documents_prepared(&op.0, id).await?))
}

/// The holder signed the certificate form and the act.
#[utoipa::path(tag = "desk", responses(
    (status = 200, body = ApplicationView),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/desk/applications/{id}/completion-confirmed")]
pub async fn completion_confirmed(
    state: web::Data<AppState>,
    op: OperatorCtx,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    Ok(HttpResponse::Ok().json(state.registration.completion_confirmed(&op.0, id).await?))
}

/// Complete the application (every required scan uploaded).
#[utoipa::path(tag = "desk", responses(
    (status = 200, body = ApplicationView),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/desk/applications/{id}/complete")]
pub async fn complete(
    state: web::Data<AppState>,
    op: OperatorCtx,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    Ok(HttpResponse::Ok().json(state.registration.complete(&op.0, id).await?))
}

/// The paper originals of a simple certificate arrived by post.
#[utoipa::path(tag = "desk", responses(
    (status = 200, body = ApplicationView),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/desk/applications/{id}/originals-received")]
pub async fn originals_received(
    state: web::Data<AppState>,
    op: OperatorCtx,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    Ok(HttpResponse::Ok().json(state.registration.originals_received(&op.0, id).await?))
}

/// Accept the data (every check passed): the invoice becomes payable.
#[utoipa::path(tag = "desk", responses(
    (status = 200, body = ApplicationView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/desk/applications/{id}/accept")]
pub async fn accept(
    state: web::Data<AppState>,
    op: OperatorCtx,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    Ok(HttpResponse::Ok().json(state.registration.accept(&op.0, id).await?))
}

/// A payment the operator saw arrive.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    /// The bank's or cash desk's reference.
    pub reference: String,
}

/// Mark the invoice paid.
#[utoipa::path(tag = "desk", request_body = PaymentRequest, responses(
    (status = 200, body = ApplicationView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/desk/applications/{id}/payment")]
pub async fn pay(
    state: web::Data<AppState>,
    op: OperatorCtx,
    id: web::Path<String>,
    body: web::Json<PaymentRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    Ok(HttpResponse::Ok().json(
        state
            .registration
            .mark_paid(&op.0, id, &body.reference)
            .await?,
    ))
}

/// Why an application is refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    /// The reason, told to the applicant.
    pub reason: String,
}

/// Reject the application.
#[utoipa::path(tag = "desk", request_body = RejectRequest, responses(
    (status = 200, body = ApplicationView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/desk/applications/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    op: OperatorCtx,
    id: web::Path<String>,
    body: web::Json<RejectRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    Ok(HttpResponse::Ok().json(state.registration.reject(&op.0, id, &body.reason).await?))
}

/// Send a new activation marker (the old one stops working).
#[utoipa::path(tag = "desk", responses(
    (status = 200, body = ApplicationView),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/desk/applications/{id}/marker")]
pub async fn resend_marker(
    state: web::Data<AppState>,
    op: OperatorCtx,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    Ok(HttpResponse::Ok().json(state.registration.resend_marker(&op.0, id).await?))
}

/// An operator's revocation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OperatorRevocation {
    /// RFC 5280 reason: `unspecified`, `keyCompromise`, `affiliationChanged`, `superseded`,
    /// `cessationOfOperation`.
    pub reason: String,
    /// Why, in words (kept in the audit trail).
    pub note: String,
}

/// Revoke a certificate issued on an application of the operator's point of issue; the CRL
/// and OCSP show it at once.
#[utoipa::path(tag = "desk", request_body = OperatorRevocation, responses(
    (status = 204),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/desk/applications/{id}/certificates/{certificate}/revoke")]
pub async fn revoke(
    state: web::Data<AppState>,
    op: OperatorCtx,
    path: web::Path<(String, String)>,
    body: web::Json<OperatorRevocation>,
) -> Result<HttpResponse, ApiError> {
    let (id, certificate) = (path_id(&path.0)?, path_id(&path.1)?);
    let reason: RevocationReason = body.reason.parse().map_err(ApiError::BadRequest)?;
    state
        .registration
        .revoke_by_operator(&op.0, id, certificate, reason, &body.note)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
