//! Sendings over HTTP: send (or save a draft) with `Idempotency-Key`, the folders, one
//! sending, its files and signatures, opening an emailed link, read/unread. A sending answers
//! 404 to anyone who neither sent it nor received it.

use super::AppState;
use super::auth::{Authorised, Holders, Meta, Workers};
use super::documents::streamed;
use super::problem::{ApiError, Problem};
use super::signatures::Page;
use super::verify::ProtocolQuery;
use crate::documents::DocumentId;
use crate::exchange::views::{SendingSummary, SendingView};
use crate::exchange::{
    Acknowledgement, Attachment, Folder, IdempotencyKey, MessageText, Outgoing, ReceiptView, Sent,
    SignatureChoice, Subject, VerificationView,
};
use crate::identity::values::Email;
use crate::said;
use crate::signatures::CredentialId;
use crate::verification::ProtocolFormat;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(open_link)
        .service(send)
        .service(folder)
        .service(sending)
        .service(change_draft)
        .service(remove_draft)
        .service(send_draft)
        .service(mark_read)
        .service(file)
        .service(file_signature)
        .service(receipt)
        .service(delivery_protocol)
        .service(verify_received)
        .service(acknowledge)
        .service(reject);
}

/// One attachment as sent: a document of yours with one of your signatures made here
/// (`signature_id`) or a CMS signature file made elsewhere (`signature`, base64 or PEM).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentRequest {
    /// One of your documents.
    pub document_id: String,
    /// One of your signatures over it (CMS, detached or attached).
    #[serde(default)]
    pub signature_id: Option<String>,
    /// A CMS signature over it made elsewhere: DER in base64, or PEM.
    #[serde(default)]
    pub signature: Option<String>,
}

/// A sending as sent, or a draft as saved.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendingRequest {
    /// Subject, 1 to 200 characters.
    pub subject: String,
    /// The accompanying text, at most 20 000 characters.
    #[serde(default)]
    pub text: String,
    /// Recipients' emails, 1 to 50 (registered or not).
    #[serde(default)]
    pub recipients: Vec<String>,
    /// Files with their signatures, 1 to 20.
    #[serde(default)]
    pub attachments: Vec<AttachmentRequest>,
    /// Save as a draft instead of sending (only on create).
    #[serde(default)]
    pub draft: bool,
}

/// A sending's id from the path; a malformed one is as unknown as any other.
pub(crate) fn object_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::NotFound)
}

impl SendingRequest {
    fn parse(&self, signature_max: usize) -> Result<Outgoing, ApiError> {
        let recipients = self
            .recipients
            .iter()
            .map(|r| Email::parse(r).map_err(|e| ApiError::BadRequest(e.0)))
            .collect::<Result<Vec<_>, _>>()?;
        let mut attachments = Vec::with_capacity(self.attachments.len());
        for (i, a) in self.attachments.iter().enumerate() {
            let document = DocumentId::parse(&a.document_id).map_err(|_| {
                ApiError::BadRequest(said!(
                    "attachment {i}: bad document_id",
                    "вложение {i}: неверный document_id"
                ))
            })?;
            let signature = match (&a.signature_id, &a.signature) {
                (Some(_), Some(_)) => {
                    return Err(ApiError::BadRequest(said!(
                        "attachment {i}: give signature_id or signature, not both",
                        "вложение {i}: укажите signature_id или signature, но не оба"
                    )));
                }
                (Some(id), None) => SignatureChoice::Made(Uuid::parse_str(id).map_err(|_| {
                    ApiError::BadRequest(said!(
                        "attachment {i}: bad signature_id",
                        "вложение {i}: неверный signature_id"
                    ))
                })?),
                (None, Some(text)) => {
                    let der =
                        crate::pki::cms::verify::decode_input(text.as_bytes()).map_err(|_| {
                            ApiError::BadRequest(said!(
                                "attachment {i}: the signature is neither base64 nor PEM",
                                "вложение {i}: подпись не в base64 и не в PEM"
                            ))
                        })?;
                    if der.len() > signature_max {
                        return Err(ApiError::BadRequest(said!(
                            "attachment {i}: a signature file is at most {signature_max} bytes",
                            "вложение {i}: файл подписи — не больше {signature_max} байт"
                        )));
                    }
                    SignatureChoice::Uploaded(der)
                }
                (None, None) => SignatureChoice::Missing,
            };
            attachments.push(Attachment {
                document,
                signature,
            });
        }
        Ok(Outgoing {
            subject: Subject::parse(&self.subject)?,
            text: MessageText::parse(&self.text)?,
            recipients,
            attachments,
        })
    }
}

fn idempotency_key(req: &HttpRequest) -> Result<Option<IdempotencyKey>, ApiError> {
    req.headers()
        .get("Idempotency-Key")
        .map(|v| {
            v.to_str()
                .map_err(|_| {
                    ApiError::BadRequest(said!(
                        "Idempotency-Key is visible ASCII",
                        "Idempotency-Key — видимые символы ASCII"
                    ))
                })
                .and_then(|k| Ok(IdempotencyKey::parse(k)?))
        })
        .transpose()
}

/// 201 with the sending, or 200 with `Idempotent-Replayed: true` for a retried request.
fn answer(sent: Sent) -> HttpResponse {
    let location = format!("/api/v1/sendings/{}", sent.view.id);
    if sent.replayed {
        HttpResponse::Ok()
            .insert_header(("Idempotent-Replayed", "true"))
            .insert_header(("Location", location))
            .json(sent.view)
    } else {
        HttpResponse::Created()
            .insert_header(("Location", location))
            .json(sent.view)
    }
}

/// Send signed documents (or save a draft with `"draft": true`). Every signature is verified
/// first: if one does not pass, nothing is sent and `files` says why for each file. Each
/// recipient is emailed a link that expires. A retry with the same `Idempotency-Key` answers
/// 200 with the sending already made; the key with another request answers 422.
#[utoipa::path(tag = "exchange", request_body = SendingRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses(
    (status = 201, body = SendingView),
    (status = 200, body = SendingView, description = "A retried request: the sending made before"),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json",
        description = "A recipient accepts documents only from counterparties"),
    (status = 422, body = Problem, content_type = "application/problem+json",
        description = "Attachments refused (see `files`), or the key reused")))]
#[post("/api/v1/sendings")]
pub async fn send(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    meta: Meta,
    req: HttpRequest,
    body: web::Json<SendingRequest>,
) -> Result<HttpResponse, ApiError> {
    let outgoing = body.parse(state.verification.signature_max_bytes())?;
    if body.draft {
        let view = state.exchange.save_draft(&who.0, outgoing).await?;
        return Ok(HttpResponse::Created()
            .insert_header(("Location", format!("/api/v1/sendings/{}", view.id)))
            .json(view));
    }
    let key = idempotency_key(&req)?;
    let sent = state.exchange.send(&who.0, &meta.0, outgoing, key).await?;
    Ok(answer(sent))
}

/// Which folder, and a page of it.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FolderQuery {
    /// `received`, `sent` or `drafts`.
    pub folder: String,
    /// Received only: just the unread ones.
    #[serde(default)]
    pub unread: bool,
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// Rows skipped.
    pub offset: Option<i64>,
}

/// A folder: Received (newest delivery first), Sent or Drafts (most recently changed first).
#[utoipa::path(tag = "exchange", params(FolderQuery), responses(
    (status = 200, body = Vec<SendingSummary>),
    (status = 400, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/sendings")]
pub async fn folder(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    query: web::Query<FolderQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, offset) = Page {
        limit: query.limit,
        offset: query.offset,
    }
    .checked()?;
    let which = Folder::parse(&query.folder)?;
    let found = state
        .exchange
        .folder(&who.0, which, query.unread, limit, offset)
        .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// One sending you sent or received: the sender sees every recipient, a recipient only
/// themself.
#[utoipa::path(tag = "exchange", responses(
    (status = 200, body = SendingView),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/sendings/{id}")]
pub async fn sending(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = state.exchange.sending(&who.0, object_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Change a draft (a sent sending answers 409).
#[utoipa::path(tag = "exchange", request_body = SendingRequest, responses(
    (status = 200, body = SendingView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[put("/api/v1/sendings/{id}")]
pub async fn change_draft(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    id: web::Path<String>,
    body: web::Json<SendingRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = object_id(&id)?;
    let outgoing = body.parse(state.verification.signature_max_bytes())?;
    let view = state.exchange.update_draft(&who.0, id, outgoing).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Delete a draft (a sent sending is a record: 409).
#[utoipa::path(tag = "exchange", responses(
    (status = 204),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[delete("/api/v1/sendings/{id}")]
pub async fn remove_draft(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state.exchange.delete_draft(&who.0, object_id(&id)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Send a draft as it stands, verified like a new sending.
#[utoipa::path(tag = "exchange",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses(
    (status = 201, body = SendingView),
    (status = 200, body = SendingView, description = "A retried request: the sending made before"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/sendings/{id}/send")]
pub async fn send_draft(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    meta: Meta,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = object_id(&id)?;
    let key = idempotency_key(&req)?;
    let sent = state.exchange.send_draft(&who.0, &meta.0, id, key).await?;
    Ok(answer(sent))
}

/// The secret of an emailed link.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenLink {
    /// The `link` parameter of the emailed address.
    pub link: String,
}

/// Open an emailed link, signed in as the recipient it was sent to: the sending goes to your
/// Received folder (delivery recorded). Anyone else gets 404 (recorded); an expired link 410.
#[utoipa::path(tag = "exchange", request_body = OpenLink, responses(
    (status = 200, body = SendingView),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 410, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/sendings/open")]
pub async fn open_link(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    meta: Meta,
    body: web::Json<OpenLink>,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .exchange
        .open_link(&who.0, &meta.0, &body.link)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Read or unread.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadMark {
    /// True for read.
    pub read: bool,
}

/// Mark a received sending read or unread.
#[utoipa::path(tag = "exchange", request_body = ReadMark, responses(
    (status = 200, body = SendingView),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[put("/api/v1/sendings/{id}/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    id: web::Path<String>,
    body: web::Json<ReadMark>,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .exchange
        .mark_read(&who.0, object_id(&id)?, body.read)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

pub(super) fn position(raw: &str) -> Result<i32, ApiError> {
    raw.parse::<i32>()
        .ok()
        .filter(|p| *p >= 0)
        .ok_or(ApiError::NotFound)
}

/// A file of a sending you sent or received, streamed, with its SHA-256 in `Repr-Digest`.
#[utoipa::path(tag = "exchange", responses(
    (status = 200, content_type = "application/octet-stream", body = Vec<u8>),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/sendings/{id}/files/{position}")]
pub async fn file(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, at) = path.into_inner();
    let opened = state
        .exchange
        .file(&who.0, object_id(&id)?, position(&at)?)
        .await?;
    Ok(streamed(opened))
}

/// The sender's signature that went with a file, as a `.p7s`.
#[utoipa::path(tag = "exchange", responses(
    (status = 200, content_type = "application/pkcs7-signature", body = Vec<u8>),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/sendings/{id}/files/{position}/signature")]
pub async fn file_signature(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, at) = path.into_inner();
    let found = state
        .exchange
        .file_signature(&who.0, object_id(&id)?, position(&at)?)
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pkcs7-signature")
        .insert_header(super::documents::disposition(&found.name))
        .body(found.der))
}

/// The delivery protocol of a sending you sent or received, sealed by the service: files,
/// hashes, signatures and verdicts, and per recipient every step of delivery — the sender's copy
/// lists every recipient, a recipient's only themself. Check it with `POST /api/v1/verify/protocol`.
#[utoipa::path(tag = "exchange", params(ProtocolQuery), responses(
    (status = 200, content_type = "application/pdf", body = Vec<u8>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/sendings/{id}/protocol")]
pub async fn delivery_protocol(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    id: web::Path<String>,
    query: web::Query<ProtocolQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = ProtocolFormat::parse(query.format.as_deref().unwrap_or("json"))?;
    let lang = super::verify::lang(query.lang.as_deref())?;
    let id = object_id(&id)?;
    let bytes = state
        .exchange
        .delivery_protocol(who.0.account.0, id, format, lang)
        .await?;
    Ok(super::verify::file_response(id, format, bytes))
}

/// The receipt you would sign for a sending delivered to you, and its hash to authorise.
#[utoipa::path(tag = "exchange", responses(
    (status = 200, body = ReceiptView),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/sendings/{id}/receipt")]
pub async fn receipt(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = state.exchange.receipt(&who.0, object_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Verify the sender's signatures on a sending delivered to you: one protocol per file, kept
/// for you (`GET /api/v1/protocols/{id}`), and the time recorded.
#[utoipa::path(tag = "exchange", responses(
    (status = 200, body = VerificationView),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/sendings/{id}/verify")]
pub async fn verify_received(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    meta: Meta,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .exchange
        .verify_received(&who.0, &meta.0, object_id(&id)?)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Your signature on the receipt: a credential of yours and the SAD for the receipt's hash.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeRequest {
    /// One of your credentials.
    pub credential: String,
    /// The SAD from authorising the receipt's hash.
    pub sad: String,
}

/// Acknowledge a sending delivered to you by signing its receipt (after verifying it); the
/// sender is told.
#[utoipa::path(tag = "exchange", request_body = AcknowledgeRequest, responses(
    (status = 200, body = SendingView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/sendings/{id}/acknowledge")]
pub async fn acknowledge(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    meta: Meta,
    id: web::Path<String>,
    body: web::Json<AcknowledgeRequest>,
) -> Result<HttpResponse, ApiError> {
    let ack = Acknowledgement {
        credential: CredentialId::parse(&body.credential)?,
        sad: &body.sad,
    };
    let view = state
        .exchange
        .acknowledge(&who.0, &meta.0, object_id(&id)?, ack)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Why a sending is rejected.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    /// The reason, told to the sender.
    pub reason: String,
}

/// Reject a sending delivered to you, with a reason; the sender is told.
#[utoipa::path(tag = "exchange", request_body = RejectRequest, responses(
    (status = 200, body = SendingView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/sendings/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    meta: Meta,
    id: web::Path<String>,
    body: web::Json<RejectRequest>,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .exchange
        .reject(
            &who.0,
            &meta.0,
            object_id(&id)?,
            MessageText::parse(&body.reason)?,
        )
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
