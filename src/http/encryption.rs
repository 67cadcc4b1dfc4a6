//! Encryption keys over HTTP: the holder (or their folder agent) gives a credential an
//! encryption certificate with its PIN; counterparties fetch it to encrypt to them; and the
//! holder hands the vault an envelope's recipient entry to get its content key back —
//! a person with PIN and one-time code, a folder agent with the PIN alone.

use super::AppState;
use super::auth::{Authorised, Meta, Workers};
use super::certificates::Confirmation;
use super::problem::{ApiError, Problem};
use crate::pki::scheme::KeyAlgorithm;
use crate::said;
use crate::signatures::CredentialId;
use crate::signatures::encryption::EncryptionCertificateView;
use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(issue)
        .service(certificate)
        .service(directory)
        .service(decryption_confirmation)
        .service(decryption);
}

/// The credential's PIN, which will guard the encryption key too.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EncryptionRequest {
    /// The credential's signing PIN.
    pub pin: String,
    /// `ecdsa_p256` (key agreement, the default), `rsa_2048` or `rsa_3072` (key transport,
    /// for counterparties whose software encrypts to RSA only).
    #[serde(default)]
    pub algorithm: Option<String>,
}

/// Give the credential an encryption key in the vault and its certificate (keyUsage
/// keyAgreement for EC, keyEncipherment for RSA; the credential's subject). A wrong PIN
/// counts toward the key's lock.
#[utoipa::path(tag = "encryption", request_body = EncryptionRequest, responses(
    (status = 201, body = EncryptionCertificateView),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/credentials/{id}/encryption-certificate")]
pub async fn issue(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    meta: Meta,
    id: web::Path<String>,
    body: web::Json<EncryptionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = CredentialId::parse(&id)?;
    let algorithm =
        KeyAlgorithm::chosen_for_custody(body.algorithm.as_deref()).ok_or_else(|| {
            ApiError::BadRequest(said!(
                "an encryption key is `ecdsa_p256`, `rsa_2048` or `rsa_3072`",
                "ключ шифрования — `ecdsa_p256`, `rsa_2048` или `rsa_3072`"
            ))
        })?;
    let view = state
        .signatures
        .issue_encryption(&who.0, &meta.0, id, &body.pin, algorithm)
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The credential's encryption certificate (404 when it has none).
#[utoipa::path(tag = "encryption", responses(
    (status = 200, body = EncryptionCertificateView),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/credentials/{id}/encryption-certificate")]
pub async fn certificate(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = CredentialId::parse(&id)?;
    Ok(HttpResponse::Ok().json(
        state
            .signatures
            .encryption_certificate(crate::signatures::Reach::of(&who.0), id)
            .await?,
    ))
}

/// Whose encryption certificates to fetch.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DirectoryQuery {
    /// The e-mail address of an accepted counterparty (or your own).
    pub email: String,
}

/// The current encryption certificates of an accepted counterparty, to encrypt files to
/// them; an address that is not one answers 404.
#[utoipa::path(tag = "encryption", params(DirectoryQuery), responses(
    (status = 200, body = Vec<EncryptionCertificateView>),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/encryption-certificates")]
pub async fn directory(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    query: web::Query<DirectoryQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(
        state
            .signatures
            .encryption_certificates_of(&who.0, &query.email)
            .await?,
    ))
}

/// One envelope's recipient entry, as the vault needs it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryRequest {
    /// The DER RecipientInfo addressed to this credential's encryption certificate, base64.
    pub recipient_entry: String,
}

fn entry(text: &str) -> Result<Vec<u8>, ApiError> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| {
            ApiError::BadRequest(said!(
                "`recipient_entry` must be base64",
                "`recipient_entry` должна быть в base64"
            ))
        })
}

/// Start the confirmation of opening one envelope; the SMS names the credential and the
/// entry. A person only: a folder agent needs none (400).
#[utoipa::path(tag = "encryption", request_body = EntryRequest, responses(
    (status = 201, body = Confirmation),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/credentials/{id}/decryption/confirmation")]
pub async fn decryption_confirmation(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    meta: Meta,
    id: web::Path<String>,
    body: web::Json<EntryRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = CredentialId::parse(&id)?;
    let entry = entry(&body.recipient_entry)?;
    let pending = state
        .signatures
        .decryption_confirmation(&who.0, &meta.0, id, &entry)
        .await?;
    Ok(HttpResponse::Created().json(Confirmation::from(pending)))
}

/// Open one envelope's entry in the vault.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecryptionRequest {
    /// The credential's PIN.
    pub pin: String,
    /// The DER RecipientInfo addressed to this credential's encryption certificate, base64.
    pub recipient_entry: String,
    /// The confirmation handle (a person; a folder agent sends none).
    #[serde(default)]
    pub confirmation: Option<String>,
    /// Its code (a person; a folder agent sends none).
    #[serde(default)]
    pub code: Option<String>,
}

/// The content key an envelope's recipient entry wraps.
#[derive(Serialize, ToSchema)]
pub struct ContentKeyView {
    /// AES-256 key, base64: decrypt the envelope's content with it on your side.
    pub content_key: String,
}

/// The content key of one envelope addressed to this credential's encryption certificate,
/// unwrapped in the vault (ECDH or RSA decryption in the HSM). The server never sees the
/// envelope's content.
#[utoipa::path(tag = "encryption", request_body = DecryptionRequest, responses(
    (status = 200, body = ContentKeyView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/credentials/{id}/decryption")]
pub async fn decryption(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    meta: Meta,
    id: web::Path<String>,
    body: web::Json<DecryptionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = CredentialId::parse(&id)?;
    let entry = entry(&body.recipient_entry)?;
    let second_factor = match (&body.confirmation, &body.code) {
        (None, None) => None,
        (Some(handle), Some(code)) => Some((handle.as_str(), code.as_str())),
        _ => {
            return Err(ApiError::BadRequest(said!(
                "send the confirmation and its code together",
                "передайте подтверждение и его код вместе"
            )));
        }
    };
    let key = state
        .signatures
        .content_key(&who.0, &meta.0, id, &body.pin, second_factor, &entry)
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ContentKeyView {
            content_key: base64::engine::general_purpose::STANDARD.encode(key.as_ref()),
        }))
}
