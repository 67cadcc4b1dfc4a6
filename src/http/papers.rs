//! Shipping documents of an application as PDF, for whoever sees the application: the
//! applicant, the operator of its point of issue, the partner that filed it.

use super::AppState;
use super::applications::path_id;
use super::auth::ApplicationsActor;
use super::problem::{ApiError, Problem};
use crate::registration::papers::Paper;
use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(paper);
}

/// One shipping document: `application-form`, `invoice`, `certificate-form`, `act` or
/// `security-guide`. The certificate form and the act exist once the certificate is issued
/// (409 before).
#[utoipa::path(tag = "applications",
    params(("id" = uuid::Uuid, Path, description = "Application"),
           ("paper" = String, Path, description = "application-form, invoice, certificate-form, act or security-guide")),
    responses(
    (status = 200, content_type = "application/pdf", body = Vec<u8>),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/applications/{id}/papers/{paper}")]
pub async fn paper(
    state: web::Data<AppState>,
    actor: ApplicationsActor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, paper) = path.into_inner();
    let id = path_id(&id)?;
    let paper = Paper::parse(&paper).ok_or(ApiError::NotFound)?;
    let file = state.registration.paper(&actor.0, id, paper).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", file.file_name),
        ))
        .body(file.pdf))
}
