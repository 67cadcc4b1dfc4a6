//! The holder's documents over HTTP: upload as a raw body or a multipart form (streamed, never
//! held whole), list, read, download (streamed, with its digest), delete.

use super::AppState;
use super::auth::{Authorised, Meta, Workers};
use super::problem::{ApiError, Problem};
use super::signatures::Page;
use crate::documents::{Content, DocumentId, DocumentName, DocumentView, MediaType, NewDocument};
use crate::said;
use actix_web::http::header::{self, Charset, DispositionParam, DispositionType, ExtendedValue};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use base64::Engine;
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::IntoParams;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(upload)
        .service(list)
        .service(read)
        .service(content)
        .service(remove);
}

/// Upload options.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// The file name (required for a raw body; overrides the form's file name).
    pub name: Option<String>,
}

fn multipart(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

/// The document a form part carries: `name`, and the part's media type (octet-stream when it
/// gives none).
pub(crate) fn form_document(
    name: &str,
    field: &actix_multipart::Field,
) -> Result<NewDocument, ApiError> {
    let media_type = match field.content_type() {
        Some(m) => MediaType::parse(m.essence_str())?,
        None => MediaType::octet_stream(),
    };
    Ok(NewDocument {
        name: DocumentName::parse(name)?,
        media_type,
        declared_size: None,
    })
}

/// Upload a document: the raw body with `?name=` and its `Content-Type`, or a
/// `multipart/form-data` form whose first part is `file`. Larger than the limit → 413 and
/// nothing stored.
#[utoipa::path(tag = "documents", params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
    (status = 201, body = DocumentView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 413, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/documents")]
pub async fn upload(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    meta: Meta,
    req: HttpRequest,
    query: web::Query<UploadQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let documents = &state.documents;
    let view = if multipart(&req) {
        let mut form = actix_multipart::Multipart::new(req.headers(), payload);
        let field = match form.next().await {
            Some(Ok(field)) => field,
            Some(Err(e)) => {
                return Err(ApiError::BadRequest(said!(
                    "malformed form: {e}",
                    "форма повреждена: {e}"
                )));
            }
            None => {
                return Err(ApiError::BadRequest(said!(
                    "the form has no parts",
                    "в форме нет частей"
                )));
            }
        };
        if field.name() != Some("file") {
            return Err(ApiError::BadRequest(said!(
                "send the document in a form part named `file`",
                "пришлите документ в части формы с именем `file`"
            )));
        }
        let name = query
            .name
            .clone()
            .or_else(|| {
                field
                    .content_disposition()
                    .and_then(|d| d.get_filename())
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        let new = form_document(&name, &field)?;
        documents.upload(&who.0, &meta.0, new, field).await?
    } else {
        let media_type = match req
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap_or("?"))
        {
            Some(v) => MediaType::parse(v)?,
            None => MediaType::octet_stream(),
        };
        let declared_size = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        let new = NewDocument {
            name: DocumentName::parse(query.name.as_deref().unwrap_or_default())?,
            media_type,
            declared_size,
        };
        documents.upload(&who.0, &meta.0, new, payload).await?
    };
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/documents/{}", view.id)))
        .json(view))
}

/// The holder's documents, newest first (deleted ones are gone from here at once).
#[utoipa::path(tag = "documents", params(Page), responses(
    (status = 200, body = Vec<DocumentView>),
    (status = 400, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/documents")]
pub async fn list(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    page: web::Query<Page>,
) -> Result<HttpResponse, ApiError> {
    let (limit, offset) = page.checked()?;
    let found = state.documents.list(who.0.account.0, limit, offset).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// One of the holder's documents (another holder's answers 404).
#[utoipa::path(tag = "documents", responses(
    (status = 200, body = DocumentView),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/documents/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .documents
        .document(who.0.account.0, DocumentId::parse(&id)?)
        .await?;
    Ok(HttpResponse::Ok().json(DocumentView::from(&row)))
}

/// `attachment` with an ASCII fallback name and the UTF-8 one (RFC 6266).
pub(crate) fn disposition(name: &str) -> header::ContentDisposition {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| *c != '"')
        .collect();
    header::ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: name.as_bytes().to_vec(),
            }),
        ],
    }
}

/// The document's content, streamed, with its SHA-256 in `Repr-Digest` (RFC 9530).
#[utoipa::path(tag = "documents", responses(
    (status = 200, content_type = "application/octet-stream", body = Vec<u8>),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/documents/{id}/content")]
pub async fn content(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let content = state
        .documents
        .content(who.0.account.0, DocumentId::parse(&id)?)
        .await?;
    Ok(streamed(content))
}

/// A document's content as a download, with its SHA-256 in `Repr-Digest` (RFC 9530).
pub(super) fn streamed(opened: Content) -> HttpResponse {
    let d = &opened.document;
    let digest = base64::engine::general_purpose::STANDARD.encode(&d.sha256);
    HttpResponse::Ok()
        .content_type(d.media_type.as_str())
        .insert_header(disposition(&d.name))
        .insert_header(("Repr-Digest", format!("sha-256=:{digest}:")))
        .no_chunking(u64::try_from(d.size).unwrap_or_default())
        .streaming(opened.stream)
}

/// Delete a document: gone from the holder's view now, erased after the retention period.
#[utoipa::path(tag = "documents", responses(
    (status = 204),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[delete("/api/v1/documents/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    meta: Meta,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state
        .documents
        .delete(&who.0, &meta.0, DocumentId::parse(&id)?)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
