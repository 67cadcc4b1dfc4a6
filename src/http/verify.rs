//! Verification over HTTP, open to anyone: a signature (and its document) in, the report or a
//! sealed protocol out; a protocol file in, whether its seal holds. Signed-in callers (bearer
//! token) keep their protocols and may verify against their stored documents. The cabinet's
//! pages `/verify` and `/verify/protocol` (`http/web/public.rs`) let a browser do both without script.

use super::AppState;
use super::auth::{Meta, Signed, SignedOrAgent, Visitor};
use super::problem::{ApiError, Problem};
use super::signatures::Page;
use crate::documents::DocumentId;
use crate::pki::cms::verify::{DigestStream, Digests};
use crate::said;
use crate::verification::{
    Lang, Protocol, ProtocolCheck, ProtocolFormat, ProtocolSummary, Submitted, SubmittedDocument,
    VerificationError,
};
use actix_multipart::{Field, Multipart};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Largest protocol file checked.
pub(crate) const PROTOCOL_MAX_BYTES: usize = 5 * 1024 * 1024;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(verify)
        .service(check_protocol)
        .service(saved_protocols)
        .service(saved_protocol);
}

/// How to answer a verification.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VerifyQuery {
    /// Answer with the sealed protocol file (`json`, `html`, `pdf`) instead of the report.
    pub protocol: Option<String>,
    /// Its language: `en` (default) or `ru`.
    pub lang: Option<String>,
}

/// The answer of a verification without `protocol`.
#[derive(Serialize, ToSchema)]
pub struct VerifyAnswer {
    /// Whether the protocol was kept (signed-in callers); fetch it at `/api/v1/protocols/{id}`.
    pub saved: bool,
    /// The protocol: files, time and the engine's report.
    #[schema(value_type = Object)]
    pub protocol: Protocol,
}

/// A form field read whole, refused past `limit` bytes.
pub(crate) async fn read_field(mut field: Field, limit: usize) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    while let Some(piece) = field.next().await {
        let piece = piece.map_err(|e| {
            ApiError::BadRequest(said!("malformed form: {e}", "форма повреждена: {e}"))
        })?;
        if out.len() + piece.len() > limit {
            return Err(VerificationError::TooLarge(limit as u64).into());
        }
        out.extend_from_slice(&piece);
    }
    Ok(out)
}

async fn hash_field(mut field: Field, limit: u64) -> Result<SubmittedDocument, ApiError> {
    let name = field
        .content_disposition()
        .and_then(|d| d.get_filename())
        .map(str::to_owned);
    let mut digests = DigestStream::default();
    while let Some(piece) = field.next().await {
        let piece = piece.map_err(|e| {
            ApiError::BadRequest(said!("malformed form: {e}", "форма повреждена: {e}"))
        })?;
        if digests.size() + piece.len() as u64 > limit {
            return Err(VerificationError::TooLarge(limit).into());
        }
        digests.update(&piece);
    }
    Ok(SubmittedDocument {
        name,
        size: digests.size(),
        digests: digests.finish(),
    })
}

/// A document's SHA-256 given instead of the document (hex): a holder who decrypted a file
/// on their side checks its signature without showing the server the content.
fn sha256_part(text: &[u8]) -> Result<Vec<u8>, ApiError> {
    hex::decode(String::from_utf8_lossy(text).trim())
        .ok()
        .filter(|d| d.len() == 32)
        .ok_or_else(|| {
            ApiError::BadRequest(said!(
                "`document_sha256` must be 64 hexadecimal digits",
                "`document_sha256` должен состоять из 64 шестнадцатеричных цифр"
            ))
        })
}

/// The protocol's language from a query (English unless asked).
pub(super) fn lang(query: Option<&str>) -> Result<Lang, ApiError> {
    Ok(Lang::parse(query.unwrap_or("en"))?)
}

/// A sealed protocol file, shown inline, named after `id`.
pub(super) fn file_response(
    id: uuid::Uuid,
    format: ProtocolFormat,
    bytes: Vec<u8>,
) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(format.media_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"protocol-{id}.{}\"", format.extension()),
        ))
        .body(bytes)
}

/// Verify a signature: a `multipart/form-data` form with a `signature` file (DER, PEM or
/// base64) and, for a detached signature, the `document` (hashed as it streams, never kept),
/// its `document_sha256` (hex, with `document_size`; SHA-256 signatures only, others stay
/// undecided) or — signed in — `document_id` of a stored document. Without logging in the calls per address
/// and minute are limited. Answers the report, or the sealed protocol with `?protocol=`.
#[utoipa::path(tag = "verification", params(VerifyQuery),
    request_body(content = String, content_type = "multipart/form-data"),
    responses(
    (status = 200, body = VerifyAnswer),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 413, body = Problem, content_type = "application/problem+json"),
    (status = 415, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    visitor: Visitor,
    meta: Meta,
    req: HttpRequest,
    query: web::Query<VerifyQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let service = &state.verification;
    let format = query
        .protocol
        .as_deref()
        .map(ProtocolFormat::parse)
        .transpose()?;
    let lang = lang(query.lang.as_deref())?;
    if visitor.0.is_none() {
        service.admit_anonymous(&meta.0.client_ip)?;
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_form {
        return Err(ApiError::UnsupportedMediaType("multipart/form-data"));
    }
    let mut form = Multipart::new(req.headers(), payload);
    let mut signature = None;
    let mut document = None;
    let mut document_id = None;
    let mut document_sha256 = None;
    let mut document_size = None;
    while let Some(field) = form.next().await {
        let field = field.map_err(|e| {
            ApiError::BadRequest(said!("malformed form: {e}", "форма повреждена: {e}"))
        })?;
        match field.name() {
            Some("signature") => {
                let name = field
                    .content_disposition()
                    .and_then(|d| d.get_filename())
                    .map(str::to_owned);
                signature = Some((
                    read_field(field, service.signature_max_bytes()).await?,
                    name,
                ));
            }
            Some("document") => {
                document = Some(hash_field(field, service.document_max_bytes()).await?);
            }
            Some("document_id") => {
                let text = read_field(field, 100).await?;
                document_id = Some(String::from_utf8_lossy(&text).trim().to_owned());
            }
            Some("document_sha256") => {
                let text = read_field(field, 100).await?;
                document_sha256 = Some(sha256_part(&text)?);
            }
            Some("document_size") => {
                let text = read_field(field, 30).await?;
                document_size = Some(
                    String::from_utf8_lossy(&text)
                        .trim()
                        .parse::<u64>()
                        .map_err(|_| {
                            ApiError::BadRequest(said!(
                                "`document_size` must be a number of bytes",
                                "`document_size` должен быть числом байт"
                            ))
                        })?,
                );
            }
            other => {
                return Err(ApiError::BadRequest(said!(
                    "unknown form part {:?}: send `signature` and, for a detached signature, \
                     `document`, `document_id` or `document_sha256`",
                    "неизвестная часть формы {:?}: пришлите `signature` и, для отделённой подписи, `document`, `document_id` или `document_sha256`",
                    other.unwrap_or_default()
                )));
            }
        }
    }
    let Some((signature, signature_name)) = signature else {
        return Err(ApiError::BadRequest(said!(
            "the form needs a `signature` part",
            "форме нужна часть `signature`"
        )));
    };
    let owner = visitor.0.as_ref().map(|p| p.account.0);
    if let Some(sha256) = document_sha256 {
        if document.is_some() || document_id.is_some() {
            return Err(ApiError::BadRequest(said!(
                "send one of `document`, `document_id` and `document_sha256`",
                "пришлите что-то одно: `document`, `document_id` или `document_sha256`"
            )));
        }
        document = Some(SubmittedDocument {
            name: None,
            size: document_size.unwrap_or(0),
            digests: Digests {
                sha256,
                sha384: Vec::new(),
                sha512: Vec::new(),
            },
        });
    } else if document_size.is_some() {
        return Err(ApiError::BadRequest(said!(
            "`document_size` goes with `document_sha256`",
            "`document_size` передаётся вместе с `document_sha256`"
        )));
    }
    if let Some(id) = document_id {
        if document.is_some() {
            return Err(ApiError::BadRequest(said!(
                "send either `document` or `document_id`, not both",
                "пришлите либо `document`, либо `document_id`, но не оба"
            )));
        }
        let Some(owner) = owner else {
            return Err(ApiError::unauthenticated(said!(
                "Log in to verify against your stored documents.",
                "Войдите, чтобы проверять по вашим сохранённым документам."
            )));
        };
        let id = DocumentId::parse(&id).map_err(VerificationError::from)?;
        document = Some(service.stored_document(owner, id).await?);
    }
    let submitted = Submitted {
        signature,
        signature_name,
        document,
    };
    let protocol = service.verify(owner, submitted).await?;
    match format {
        Some(format) => {
            let bytes = service.sealed(&protocol, format, lang).await?;
            Ok(file_response(protocol.id, format, bytes))
        }
        None => Ok(HttpResponse::Ok().json(VerifyAnswer {
            saved: owner.is_some(),
            protocol,
        })),
    }
}

/// Check a protocol file (the JSON, HTML or PDF this service sealed) sent as the raw body:
/// valid only when the seal is ours and the file is byte for byte as sealed.
#[utoipa::path(tag = "verification",
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
    (status = 200, body = ProtocolCheck),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 413, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/verify/protocol")]
pub async fn check_protocol(
    state: web::Data<AppState>,
    visitor: Visitor,
    meta: Meta,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    if visitor.0.is_none() {
        state.verification.admit_anonymous(&meta.0.client_ip)?;
    }
    let file = super::body::limited(payload, PROTOCOL_MAX_BYTES).await?;
    Ok(HttpResponse::Ok().json(state.verification.check_protocol(&file).await?))
}

/// Your saved protocols, newest first.
#[utoipa::path(tag = "verification", params(Page), responses(
    (status = 200, body = Vec<ProtocolSummary>),
    (status = 400, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/protocols")]
pub async fn saved_protocols(
    state: web::Data<AppState>,
    who: Signed,
    page: web::Query<Page>,
) -> Result<HttpResponse, ApiError> {
    let (limit, offset) = page.checked()?;
    let found = state
        .verification
        .protocols(who.0.account.0, limit, offset)
        .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Which file of a saved protocol.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProtocolQuery {
    /// `json` (default), `html` or `pdf`.
    pub format: Option<String>,
    /// `en` (default) or `ru`.
    pub lang: Option<String>,
}

/// One of your saved protocols as a sealed file (another person's answers 404).
#[utoipa::path(tag = "verification", params(ProtocolQuery), responses(
    (status = 200, content_type = "application/pdf", body = Vec<u8>),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/protocols/{id}")]
pub async fn saved_protocol(
    state: web::Data<AppState>,
    who: SignedOrAgent,
    id: web::Path<String>,
    query: web::Query<ProtocolQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = ProtocolFormat::parse(query.format.as_deref().unwrap_or("json"))?;
    let lang = lang(query.lang.as_deref())?;
    let id = super::applications::path_id(&id)?;
    let protocol = state.verification.protocol(who.0.account.0, id).await?;
    let bytes = state.verification.sealed(&protocol, format, lang).await?;
    Ok(file_response(protocol.id, format, bytes))
}
