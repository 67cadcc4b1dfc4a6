//! Delivery protocols beyond the parties' own: exports over HTTP — a holder's own sendings as
//! they see them, and an auditor's selection by period and/or organisation with the audit chain
//! segment that covers it, both one ZIP archive streamed from where it was spooled — and an
//! auditor's read of one sending's protocol.

use super::AppState;
use super::auth::{Auditors, Authorised, Holders, Meta};
use super::problem::{ApiError, Problem};
use super::verify::ProtocolQuery;
use crate::exchange::{Archive, ExportRequest};
use crate::pki::identifiers::Inn;
use crate::said;
use crate::verification::ProtocolFormat;
use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(export_own)
        .service(export_for_auditor)
        .service(auditor_protocol);
}

/// Which of your sendings to export.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnExportBody {
    /// Sent at or after (RFC 3339); open when left out.
    pub from: Option<DateTime<Utc>>,
    /// Sent before (RFC 3339); open when left out.
    pub to: Option<DateTime<Utc>>,
    /// The PDFs' language: `en` (default) or `ru`.
    pub lang: Option<String>,
}

/// Which sendings an auditor exports: a period and/or an organisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditorExportBody {
    /// Sent at or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Sent before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// The organisation's INN (10 digits): sendings where a certificate issued for it signed an
    /// attachment or a receipt.
    pub org_inn: Option<String>,
    /// The PDFs' language: `en` (default) or `ru`.
    pub lang: Option<String>,
}

/// The archive as a download; shared with the cabinet's audit page.
pub(crate) fn zip_response(archive: Archive) -> HttpResponse {
    let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(archive.file));
    HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"deliveries-{}.zip\"", archive.id),
        ))
        .insert_header(("Export-Sendings", archive.sendings.to_string()))
        .no_chunking(archive.size)
        .streaming(stream)
}

/// Export the delivery protocols of the sendings you sent or received (sent within the
/// period): each as you see it — a sending you received lists only you among its recipients.
/// One ZIP: `protocols/<sending>.json` and `.pdf`, sealed, and `index.jsonl`. Audited.
#[utoipa::path(tag = "exchange", request_body = OwnExportBody, responses(
    (status = 200, content_type = "application/zip", body = Vec<u8>),
    (status = 400, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/sendings/exports")]
pub async fn export_own(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    meta: Meta,
    body: web::Json<OwnExportBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let request = ExportRequest {
        from: body.from,
        to: body.to,
        org_inn: None,
        lang: super::verify::lang(body.lang.as_deref())?,
    };
    let archive = state.exchange.export_own(&who.0, &meta.0, request).await?;
    Ok(zip_response(archive))
}

/// Export delivery protocols for a period and/or an organisation (auditors): every recipient
/// listed, `protocols/<sending>.json` and `.pdf` sealed, `index.jsonl`, and
/// `audit-chain.jsonl` — the chain segment from the first entry about any exported sending to a
/// checkpoint signed after this export's own audit entry (check it with `cloudseal audit
/// verify` or `POST /api/v1/audit/verify`).
#[utoipa::path(tag = "audit", request_body = AuditorExportBody, responses(
    (status = 200, content_type = "application/zip", body = Vec<u8>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 503, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/audit/exports/deliveries")]
pub async fn export_for_auditor(
    state: web::Data<AppState>,
    who: Authorised<Auditors>,
    meta: Meta,
    body: web::Json<AuditorExportBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let request = auditor_request(body.from, body.to, body.org_inn.as_deref(), body.lang)?;
    let archive = state
        .exchange
        .export_for_auditor(&who.0, &meta.0, request)
        .await?;
    Ok(zip_response(archive))
}

/// An auditor's selection, checked: the API's body and the cabinet's form both come here.
pub(crate) fn auditor_request(
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    org_inn: Option<&str>,
    lang: Option<String>,
) -> Result<ExportRequest, ApiError> {
    let org_inn = match org_inn {
        Some(text) => {
            let inn = Inn::parse(text).map_err(|e| ApiError::BadRequest(e.said()))?;
            if !inn.is_legal_entity() {
                return Err(ApiError::BadRequest(said!(
                    "org_inn is an organisation's INN: 10 digits",
                    "org_inn — ИНН организации: 10 цифр"
                )));
            }
            Some(inn)
        }
        None => None,
    };
    Ok(ExportRequest {
        from,
        to,
        org_inn,
        lang: super::verify::lang(lang.as_deref())?,
    })
}

/// One sent sending's delivery protocol with every recipient (auditors; each read audited).
#[utoipa::path(tag = "audit", params(ProtocolQuery), responses(
    (status = 200, content_type = "application/pdf", body = Vec<u8>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/audit/sendings/{id}/protocol")]
pub async fn auditor_protocol(
    state: web::Data<AppState>,
    who: Authorised<Auditors>,
    meta: Meta,
    id: web::Path<String>,
    query: web::Query<ProtocolQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = ProtocolFormat::parse(query.format.as_deref().unwrap_or("json"))?;
    let lang = super::verify::lang(query.lang.as_deref())?;
    let id = super::sendings::object_id(&id)?;
    let bytes = state
        .exchange
        .auditor_protocol(&who.0, &meta.0, id, format, lang)
        .await?;
    Ok(super::verify::file_response(id, format, bytes))
}
