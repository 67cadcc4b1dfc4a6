//! Online verification of an audit export: the same check as `cloudseal audit verify`, for
//! auditors and counterparties who do not run our binary. Pure computation, no state read.

use super::problem::{ApiError, Problem};
use crate::audit::verify;
use crate::said;
use actix_web::{post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An export to check.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyExportRequest {
    /// The export, as written by `cloudseal audit export` (JSON Lines).
    pub export: String,
    /// Root certificate (PEM) to pin; without it the export's own root is reported.
    #[serde(default)]
    pub trust_anchor_pem: Option<String>,
}

/// Where verification stopped.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyFailure {
    /// First chain position that does not hold, when one can be named.
    pub seq: Option<i64>,
    /// Line of the export (1-based; 0 when the failure is about the whole file).
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// The verdict on an export.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyExportReport {
    /// True when every entry and checkpoint holds.
    pub valid: bool,
    /// First seq (when valid).
    pub first_seq: Option<i64>,
    /// Last seq (when valid).
    pub last_seq: Option<i64>,
    /// Entries checked (when valid).
    pub entries: Option<u64>,
    /// Signed checkpoints checked (when valid).
    pub checkpoints: Option<u64>,
    /// Hex chain head (when valid).
    pub head: Option<String>,
    /// Seal certificate subject (when valid).
    pub seal_subject: Option<String>,
    /// Seal certificate SHA-256 fingerprint (when valid).
    pub seal_fingerprint: Option<String>,
    /// Root certificate SHA-256 fingerprint (when valid).
    pub root_fingerprint: Option<String>,
    /// True when the root matched `trust_anchor_pem`.
    pub anchored: bool,
    /// Why it is not valid.
    pub failure: Option<VerifyFailure>,
}

/// Verify an audit export.
#[utoipa::path(tag = "audit", request_body = VerifyExportRequest, responses(
    (status = 200, body = VerifyExportReport, description = "The verdict, valid or not"),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 413, body = Problem, content_type = "application/problem+json"),
    (status = 415, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/audit/verify")]
pub async fn verify_export(
    body: web::Json<VerifyExportRequest>,
) -> Result<web::Json<VerifyExportReport>, ApiError> {
    let body = body.into_inner();
    let anchor = match &body.trust_anchor_pem {
        Some(pem) => Some(
            crate::pki::pem_certificates(pem)
                .ok()
                .and_then(|v| v.into_iter().next())
                .ok_or_else(|| {
                    ApiError::BadRequest(said!(
                        "trust_anchor_pem holds no PEM certificate.",
                        "в trust_anchor_pem нет сертификата PEM."
                    ))
                })?,
        ),
        None => None,
    };
    let report = web::block(move || verify::verify(body.export.as_bytes(), anchor.as_deref()))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(web::Json(match report {
        Ok(v) => VerifyExportReport {
            valid: true,
            first_seq: Some(v.first_seq),
            last_seq: Some(v.last_seq),
            entries: Some(v.entries),
            checkpoints: Some(v.checkpoints),
            head: Some(v.head),
            seal_subject: Some(v.seal_subject),
            seal_fingerprint: Some(v.seal_fingerprint),
            root_fingerprint: Some(v.root_fingerprint),
            anchored: v.anchored,
            failure: None,
        },
        Err(f) => VerifyExportReport {
            valid: false,
            first_seq: None,
            last_seq: None,
            entries: None,
            checkpoints: None,
            head: None,
            seal_subject: None,
            seal_fingerprint: None,
            root_fingerprint: None,
            anchored: false,
            failure: Some(VerifyFailure {
                seq: f.seq,
                line: f.line,
                reason: f.reason,
            }),
        },
    }))
}
