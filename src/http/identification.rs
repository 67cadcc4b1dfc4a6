//! Identification over HTTP: the statement the operator signs, the identification itself
//! (signed off with the operator's SAD), reading it back, and the administrator's enrolment
//! of an operator as a CA officer.

use super::AppState;
use super::applications::path_id;
use super::auth::{AdminCtx, ApplicationsActor, Meta, OperatorCtx};
use super::problem::{ApiError, Problem};
use crate::registration::values::Applicant;
use crate::registration::{
    Administrator, ApplicationView, Identification, IdentificationView, SignOff, StatementView,
};
use crate::said;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(statement)
        .service(identify)
        .service(read)
        .service(enrol_officer);
}

/// The canonical statement of this identification and the hash to authorise (checks passed,
/// invoice paid, status awaiting identification).
#[utoipa::path(tag = "desk", request_body = Identification, responses(
    (status = 200, body = StatementView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/desk/applications/{id}/identification-statement")]
pub async fn statement(
    state: web::Data<AppState>,
    op: OperatorCtx,
    id: web::Path<String>,
    body: web::Json<Identification>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let view = state
        .registration
        .identification_statement(&op.0, id, &body)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// An identification signed off by the operator. No `Debug`: it carries the SAD.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentifyRequest {
    /// The originals presented (the same as for the statement).
    pub originals: Vec<String>,
    /// The data matches the originals (the same as for the statement).
    pub data_confirmed: bool,
    /// The operator's credential (their officer certificate).
    pub credential: String,
    /// The SAD authorising the statement's hash with that credential.
    pub sad: String,
}

/// Identify the applicant in person: the statement is signed with the operator's certificate
/// (detached CAdES-BES) and kept; the certificate awaits activation and the marker goes out.
#[utoipa::path(tag = "desk", request_body = IdentifyRequest, responses(
    (status = 200, body = ApplicationView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/desk/applications/{id}/identify")]
pub async fn identify(
    state: web::Data<AppState>,
    op: OperatorCtx,
    id: web::Path<String>,
    body: web::Json<IdentifyRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let body = body.into_inner();
    let identification = Identification {
        originals: body.originals,
        data_confirmed: body.data_confirmed,
    };
    let sign_off = SignOff {
        credential: &body.credential,
        sad: &body.sad,
    };
    let view = state
        .registration
        .identify(&op.0, id, &identification, sign_off)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The recorded identification: statement and the operator's signature (404 before it).
#[utoipa::path(tag = "applications", responses(
    (status = 200, body = IdentificationView),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/applications/{id}/identification")]
pub async fn read(
    state: web::Data<AppState>,
    actor: ApplicationsActor,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    Ok(HttpResponse::Ok().json(state.registration.identification(&actor.0, id).await?))
}

/// An operator's enrolment as a CA officer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentRequest {
    /// A cloud product from the catalogue.
    pub product: String,
    /// The officer's data (an individual).
    pub applicant: Applicant,
    /// The originals the administrator saw, and that the data matches them.
    pub identification: Identification,
}

/// Enrol an operator as a CA officer: their application is filed at their point of issue and
/// identified by the administrator (payment waived); the officer activates it with the SMS
/// marker and their own PIN like any holder.
#[utoipa::path(tag = "admin", request_body = EnrolmentRequest, responses(
    (status = 201, body = ApplicationView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/admin/officers/{account}/enrolment")]
pub async fn enrol_officer(
    state: web::Data<AppState>,
    admin: AdminCtx,
    meta: Meta,
    account: web::Path<String>,
    body: web::Json<EnrolmentRequest>,
) -> Result<HttpResponse, ApiError> {
    let account = path_id(&account)?;
    let admin = Administrator::person(&admin.0, &meta.0).ok_or_else(|| {
        ApiError::forbidden(said!(
            "This needs the admin role.",
            "Для этого нужна роль администратора."
        ))
    })?;
    let body = body.into_inner();
    let view = state
        .registration
        .enrol_officer(
            &admin,
            account,
            &body.product,
            body.applicant,
            &body.identification,
        )
        .await?;
    Ok(HttpResponse::Created().json(view))
}
