//! The holder's side of certificates over HTTP: confirming and performing activation with the
//! SMS marker, listing and downloading certificates (PEM, DER, PKCS#7 chain), revoking them;
//! and the payment provider's notification endpoint.

use super::AppState;
use super::applications::path_id;
use super::auth::{Authorised, Holders, Meta};
use super::problem::{ApiError, Problem};
use crate::identity::confirm::ConfirmFactor;
use crate::identity::confirm::PendingConfirmation;
use crate::pki::revocation::RevocationReason;
use crate::registration::CertificateView;
use crate::registration::activation::{Activation, chosen_key_algorithm};
use crate::said;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(activation_confirmation)
        .service(activate)
        .service(list)
        .service(read)
        .service(download)
        .service(revocation_confirmation)
        .service(revoke)
        .service(reissue_confirmation)
        .service(reissue)
        .service(payment_notification);
}

/// A started second-factor confirmation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Confirmation {
    /// The handle to send back with the code.
    pub confirmation: String,
    /// `sms` (a code was sent) or `totp` (use the authenticator app).
    pub factor: ConfirmFactor,
    /// Until when it can be answered.
    pub expires_at: DateTime<Utc>,
}

impl From<PendingConfirmation> for Confirmation {
    fn from(p: PendingConfirmation) -> Self {
        Confirmation {
            confirmation: p.challenge.handle,
            factor: p.factor,
            expires_at: p.challenge.expires_at,
        }
    }
}

/// Start confirming the activation with the second factor.
#[utoipa::path(tag = "certificates", responses(
    (status = 201, body = Confirmation),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/applications/{id}/activation/confirmation")]
pub async fn activation_confirmation(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    meta: Meta,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let pending = state
        .registration
        .activation_confirmation(&who.0, &meta.0, id)
        .await?;
    Ok(HttpResponse::Created().json(Confirmation::from(pending)))
}

/// What the holder sends to activate.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivateRequest {
    /// The activation code from the SMS.
    pub marker: String,
    /// Cloud track: the signing PIN to protect the new key.
    #[serde(default)]
    pub pin: Option<String>,
    /// The confirmation handle.
    pub confirmation: String,
    /// Its code (SMS or TOTP).
    pub code: String,
    /// Cloud track: the key to create — `ecdsa_p256` (the default), `rsa_2048` or
    /// `rsa_3072` (RSA keys also sign RSASSA-PSS; choose RSA when a system you sign for
    /// accepts nothing else).
    #[serde(default)]
    pub key_algorithm: Option<String>,
}

/// Activate: marker + second factor (+ new PIN on the cloud track). The key is born in the
/// vault and the certificate issued and active, in one transaction.
#[utoipa::path(tag = "certificates", request_body = ActivateRequest, responses(
    (status = 201, body = CertificateView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/applications/{id}/activate")]
pub async fn activate(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    meta: Meta,
    id: web::Path<String>,
    body: web::Json<ActivateRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let input = Activation {
        marker: &body.marker,
        pin: body.pin.as_deref(),
        confirmation: &body.confirmation,
        code: &body.code,
        key_algorithm: chosen_key_algorithm(body.key_algorithm.as_deref())?,
    };
    let cert = state
        .registration
        .activate(&who.0, &meta.0, id, input)
        .await?;
    Ok(HttpResponse::Created().json(cert))
}

/// The holder's certificates.
#[utoipa::path(tag = "certificates", responses((status = 200, body = Vec<CertificateView>)))]
#[get("/api/v1/me/certificates")]
pub async fn list(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.registration.certificates(&who.0).await?))
}

/// One of the holder's certificates.
#[utoipa::path(tag = "certificates", responses(
    (status = 200, body = CertificateView),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/me/certificates/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    Ok(HttpResponse::Ok().json(state.registration.certificate(&who.0, id).await?))
}

/// Download format.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DownloadQuery {
    /// `pem` (default), `der`, or `p7c` (PKCS#7 with the chain to the root).
    pub format: Option<String>,
}

/// Download one of the holder's certificates.
#[utoipa::path(tag = "certificates", params(DownloadQuery), responses(
    (status = 200, content_type = "application/pkix-cert", body = Vec<u8>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/me/certificates/{id}/download")]
pub async fn download(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    id: web::Path<String>,
    query: web::Query<DownloadQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let der = state.registration.certificate_der(&who.0, id).await?;
    let (body, content_type, ext) = match query.format.as_deref().unwrap_or("pem") {
        "pem" => (
            crate::pki::to_pem(&der).into_bytes(),
            "application/x-pem-file",
            "pem",
        ),
        "der" => (der, "application/pkix-cert", "cer"),
        "p7c" => {
            let mut chain = vec![der];
            chain.push(state.certificates.ca(crate::pki::Ca::Issuing).to_vec());
            chain.push(state.certificates.ca(crate::pki::Ca::Root).to_vec());
            let p7 = crate::pki::cms::sign::certs_only(&chain)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            (p7, "application/pkcs7-mime", "p7c")
        }
        _ => {
            return Err(ApiError::BadRequest(said!(
                "format is pem, der or p7c",
                "format — pem, der или p7c"
            )));
        }
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"certificate-{id}.{ext}\""),
        ))
        .body(body))
}

/// Start confirming a revocation with the second factor.
#[utoipa::path(tag = "certificates", responses(
    (status = 201, body = Confirmation),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/me/certificates/{id}/revocation/confirmation")]
pub async fn revocation_confirmation(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    meta: Meta,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let pending = state
        .registration
        .revocation_confirmation(&who.0, &meta.0, id)
        .await?;
    Ok(HttpResponse::Created().json(Confirmation::from(pending)))
}

/// A holder's revocation.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    /// RFC 5280 reason (default `unspecified`).
    #[serde(default)]
    pub reason: Option<String>,
    /// The confirmation handle.
    pub confirmation: String,
    /// Its code.
    pub code: String,
}

/// Revoke one of the holder's certificates, confirmed with the second factor; the CRL and
/// OCSP show it at once.
#[utoipa::path(tag = "certificates", request_body = RevokeRequest, responses(
    (status = 200, body = CertificateView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/me/certificates/{id}/revoke")]
pub async fn revoke(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    meta: Meta,
    id: web::Path<String>,
    body: web::Json<RevokeRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let reason: RevocationReason = match &body.reason {
        None => RevocationReason::Unspecified,
        Some(r) => r.parse().map_err(ApiError::BadRequest)?,
    };
    let cert = state
        .registration
        .revoke_own(&who.0, &meta.0, id, reason, &body.confirmation, &body.code)
        .await?;
    Ok(HttpResponse::Ok().json(cert))
}

/// Start confirming a reissue with the second factor.
#[utoipa::path(tag = "certificates", responses(
    (status = 201, body = Confirmation),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/me/certificates/{id}/reissue/confirmation")]
pub async fn reissue_confirmation(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    meta: Meta,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let pending = state
        .registration
        .reissue_confirmation(&who.0, &meta.0, id)
        .await?;
    Ok(HttpResponse::Created().json(Confirmation::from(pending)))
}

/// A reissue, authorised by the current key and the second factor.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReissueRequest {
    /// The current key's PIN.
    pub pin: String,
    /// A PIN for the new key (the current PIN is kept when absent).
    #[serde(default)]
    pub new_pin: Option<String>,
    /// The confirmation handle.
    pub confirmation: String,
    /// Its code.
    pub code: String,
}

/// Reissue a valid cloud certificate: a new key and certificate, the old one revoked as
/// superseded, in one transaction. After expiry a new application is needed (409).
#[utoipa::path(tag = "certificates", request_body = ReissueRequest, responses(
    (status = 201, body = CertificateView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/me/certificates/{id}/reissue")]
pub async fn reissue(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    meta: Meta,
    id: web::Path<String>,
    body: web::Json<ReissueRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let input = crate::registration::reissue::Reissue {
        pin: &body.pin,
        new_pin: body.new_pin.as_deref(),
        confirmation: &body.confirmation,
        code: &body.code,
    };
    let cert = state
        .registration
        .reissue(&who.0, &meta.0, id, input)
        .await?;
    Ok(HttpResponse::Created().json(cert))
}

/// The payment provider's notification: `X-Cloudseal-Timestamp` (Unix seconds) and
/// `X-Cloudseal-Signature: sha256=<hex HMAC-SHA256(secret, timestamp "." body)>`.
#[utoipa::path(tag = "applications", request_body = crate::registration::PaymentNotice, responses(
    (status = 200, description = "payment recorded"),
    (status = 200, description = "already recorded (a retry)"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/payments/notifications")]
pub async fn payment_notification(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: Meta,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let header_of = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let recorded = state
        .registration
        .payment_notification(
            &meta.0,
            &header_of("x-cloudseal-timestamp"),
            &header_of("x-cloudseal-signature"),
            &body,
        )
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "recorded": recorded })))
}
