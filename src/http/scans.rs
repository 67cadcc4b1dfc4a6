//! Scans of the signed paper set over HTTP: `PUT` the raw file (PDF, JPEG or PNG — sniffed,
//! size-limited) under its document type, list, download, delete.

use super::AppState;
use super::applications::path_id;
use super::auth::ApplicationsActor;
use super::problem::{ApiError, Problem};
use crate::registration::scans::{ScanDocument, ScanView};
use crate::said;
use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, put, web};

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(upload)
        .service(list)
        .service(download)
        .service(remove);
}

fn parse(path: (String, String)) -> Result<(uuid::Uuid, ScanDocument), ApiError> {
    let id = path_id(&path.0)?;
    let document = ScanDocument::parse(&path.1).ok_or_else(|| {
        ApiError::BadRequest(
            said!("the document is application_form, certificate_form, act, identity_document, \
             snils or authority", "документ — application_form, certificate_form, act, identity_document, snils или authority"),
        )
    })?;
    Ok((id, document))
}

/// Upload (or replace) the scan of one document: the raw file as the body, whatever its
/// declared type; it is sniffed and must be a PDF, JPEG or PNG.
#[utoipa::path(tag = "applications",
    params(("id" = uuid::Uuid, Path, description = "Application"),
           ("document" = String, Path, description = "application_form, certificate_form, act, identity_document, snils or authority")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
    (status = 200, body = ScanView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 413, body = Problem, content_type = "application/problem+json"),
    (status = 415, body = Problem, content_type = "application/problem+json")))]
#[put("/api/v1/applications/{id}/scans/{document}")]
pub async fn upload(
    state: web::Data<AppState>,
    actor: ApplicationsActor,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (id, document) = parse(path.into_inner())?;
    let body = super::body::limited(payload, state.registration.scan_limit()).await?;
    let view = state
        .registration
        .put_scan(&actor.0, id, document, &body)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The scans of an application.
#[utoipa::path(tag = "applications", responses(
    (status = 200, body = Vec<ScanView>),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/applications/{id}/scans")]
pub async fn list(
    state: web::Data<AppState>,
    actor: ApplicationsActor,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    Ok(HttpResponse::Ok().json(state.registration.scans(&actor.0, id).await?))
}

/// Download one scan.
#[utoipa::path(tag = "applications",
    params(("id" = uuid::Uuid, Path, description = "Application"),
           ("document" = String, Path, description = "Document type")),
    responses(
    (status = 200, content_type = "application/octet-stream", body = Vec<u8>),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/applications/{id}/scans/{document}")]
pub async fn download(
    state: web::Data<AppState>,
    actor: ApplicationsActor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, document) = parse(path.into_inner())?;
    let file = state.registration.scan(&actor.0, id, document).await?;
    let ext = match file.view.media_type.as_str() {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        _ => "png",
    };
    Ok(HttpResponse::Ok()
        .content_type(file.view.media_type.as_str())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}.{ext}\"", document.as_str()),
        ))
        .body(file.content))
}

/// Delete one scan.
#[utoipa::path(tag = "applications",
    params(("id" = uuid::Uuid, Path, description = "Application"),
           ("document" = String, Path, description = "Document type")),
    responses(
    (status = 204),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[delete("/api/v1/applications/{id}/scans/{document}")]
pub async fn remove(
    state: web::Data<AppState>,
    actor: ApplicationsActor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, document) = parse(path.into_inner())?;
    state
        .registration
        .delete_scan(&actor.0, id, document)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
