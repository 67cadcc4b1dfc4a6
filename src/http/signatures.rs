//! The holder's native signing API: credentials, the confirmation and authorisation that yield
//! a SAD bound to hashes, signing those hashes or stored documents (raw, detached or attached CAdES-BES or CAdES-T),
//! and the signatures kept.

use super::AppState;
use super::applications::path_id;
use super::auth::{Authorised, Holders, Meta, Workers};
use super::certificates::Confirmation;
use super::problem::{ApiError, Problem};
use crate::said;
use crate::signatures::{
    AuthorisationView, Authorise, CredentialId, CredentialView, Format, Level, RsaPadding, Shape,
    SignInput, SignatureView, Subject,
};
use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(credentials)
        .service(credential)
        .service(confirmation)
        .service(authorise)
        .service(sign)
        .service(list)
        .service(read)
        .service(p7s);
}

/// The holder's credentials: certificates with a key in custody.
#[utoipa::path(tag = "signing", responses((status = 200, body = Vec<CredentialView>)))]
#[get("/api/v1/credentials")]
pub async fn credentials(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(
        state
            .signatures
            .credentials(crate::signatures::Reach::of(&who.0))
            .await?,
    ))
}

/// One of the holder's credentials (another holder's answers 404).
#[utoipa::path(tag = "signing", responses(
    (status = 200, body = CredentialView),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/credentials/{id}")]
pub async fn credential(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = CredentialId::parse(&id)?;
    Ok(HttpResponse::Ok().json(
        state
            .signatures
            .credential(crate::signatures::Reach::of(&who.0), id)
            .await?,
    ))
}

/// What an operation is about: stored documents, or hashes computed elsewhere.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HashesRequest {
    /// `sha256`, `sha384`, `sha512` or the algorithm's OID (with `hashes`).
    #[serde(default)]
    pub hash_algorithm: Option<String>,
    /// The hashes, base64.
    #[serde(default)]
    pub hashes: Option<Vec<String>>,
    /// Or: ids of your documents (their SHA-256 is signed; the SMS names them).
    #[serde(default)]
    pub documents: Option<Vec<String>>,
}

/// Exactly one of documents or algorithm + hashes.
fn subject(
    hash_algorithm: &Option<String>,
    hashes: &Option<Vec<String>>,
    documents: &Option<Vec<String>>,
) -> Result<Subject, ApiError> {
    Ok(Subject::parse(
        hash_algorithm.as_deref(),
        hashes.as_deref(),
        documents.as_deref(),
    )?)
}

/// Start the second-factor confirmation of signing these hashes with this credential; the
/// SMS names the certificate and the documents, or the first bytes of the hashes.
#[utoipa::path(tag = "signing", request_body = HashesRequest, responses(
    (status = 201, body = Confirmation),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/credentials/{id}/confirmation")]
pub async fn confirmation(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    meta: Meta,
    id: web::Path<String>,
    body: web::Json<HashesRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = CredentialId::parse(&id)?;
    let subject = subject(&body.hash_algorithm, &body.hashes, &body.documents)?;
    let pending = state
        .signatures
        .confirmation(&who.0, &meta.0, id, &subject)
        .await?;
    Ok(HttpResponse::Created().json(Confirmation::from(pending)))
}

/// An authorisation: PIN, the one-time code and exactly the hashes confirmed.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthoriseRequest {
    /// The signing PIN.
    pub pin: String,
    /// The confirmation handle (a person; a folder agent sends none).
    #[serde(default)]
    pub confirmation: Option<String>,
    /// Its code, SMS or TOTP (a person; a folder agent sends none).
    #[serde(default)]
    pub code: Option<String>,
    /// `sha256`, `sha384`, `sha512` or the algorithm's OID (with `hashes`).
    #[serde(default)]
    pub hash_algorithm: Option<String>,
    /// The hashes, base64 (the same as confirmed).
    #[serde(default)]
    pub hashes: Option<Vec<String>>,
    /// Or: the documents confirmed.
    #[serde(default)]
    pub documents: Option<Vec<String>>,
    /// Seconds the authorisation lives (default 300, at most the configured maximum).
    #[serde(default)]
    pub lifetime_secs: Option<u64>,
}

/// Authorise signing the hashes: returns the SAD (shown only once), bound to the caller, the
/// credential and the hashes, with a count and an expiry.
#[utoipa::path(tag = "signing", request_body = AuthoriseRequest, responses(
    (status = 201, body = AuthorisationView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/credentials/{id}/authorise")]
pub async fn authorise(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    meta: Meta,
    id: web::Path<String>,
    body: web::Json<AuthoriseRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = CredentialId::parse(&id)?;
    let input = Authorise {
        pin: &body.pin,
        second_factor: match (&body.confirmation, &body.code) {
            (None, None) => None,
            (Some(handle), Some(code)) => Some((handle.as_str(), code.as_str())),
            _ => {
                return Err(ApiError::BadRequest(said!(
                    "send the confirmation and its code together",
                    "передайте подтверждение и его код вместе"
                )));
            }
        },
        subject: subject(&body.hash_algorithm, &body.hashes, &body.documents)?,
        lifetime_secs: body.lifetime_secs,
    };
    let granted = state
        .signatures
        .authorise(&who.0, &meta.0, id, input)
        .await?;
    Ok(HttpResponse::Created().json(granted))
}

/// Hashes to sign under a SAD.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignRequest {
    /// The credential.
    pub credential: String,
    /// The SAD from the authorisation.
    pub sad: String,
    /// `sha256`, `sha384`, `sha512` or the algorithm's OID (with `hashes`).
    #[serde(default)]
    pub hash_algorithm: Option<String>,
    /// The hashes, base64; each must be covered by the SAD.
    #[serde(default)]
    pub hashes: Option<Vec<String>>,
    /// Or: your documents (each one's SHA-256 must be covered by the SAD).
    #[serde(default)]
    pub documents: Option<Vec<String>>,
    /// `cms` (detached CAdES, the default), `attached` (documents only) or `raw`.
    #[serde(default)]
    pub format: Option<String>,
    /// `bes` (the default) or `t`: CAdES-T, time-stamped by the service's TSA.
    #[serde(default)]
    pub level: Option<String>,
    /// RSA keys only: `pkcs1` (RSASSA-PKCS1-v1_5, the default) or `pss` (RSASSA-PSS, MGF1
    /// with the hash's algorithm, salt as long as the hash), raw or inside the CMS.
    #[serde(default)]
    pub rsa_padding: Option<String>,
    /// A label kept with the signatures.
    #[serde(default)]
    pub label: Option<String>,
}

/// Sign hashes: one signature per hash, each spending one use of the SAD; all or nothing.
#[utoipa::path(tag = "signing", request_body = SignRequest, responses(
    (status = 201, body = Vec<SignatureView>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/signatures")]
pub async fn sign(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    meta: Meta,
    body: web::Json<SignRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let input = SignInput {
        credential: CredentialId::parse(&body.credential)?,
        sad: &body.sad,
        subject: subject(&body.hash_algorithm, &body.hashes, &body.documents)?,
        shape: Shape {
            format: Format::parse(body.format.as_deref().unwrap_or("cms"))?,
            level: Level::parse(body.level.as_deref().unwrap_or("bes"))?,
            padding: RsaPadding::parse(body.rsa_padding.as_deref().unwrap_or("pkcs1"))?,
        },
        label: body.label,
        contents: Vec::new(),
    };
    let made = state.signatures.sign(&who.0, &meta.0, input).await?;
    Ok(HttpResponse::Created().json(made))
}

/// A page of the holder's signatures.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// Rows skipped.
    pub offset: Option<i64>,
}

impl Page {
    /// The limit and offset, checked (default 50 from the start).
    pub fn checked(&self) -> Result<(i64, i64), ApiError> {
        let limit = self.limit.unwrap_or(50);
        let offset = self.offset.unwrap_or(0);
        if !(1..=200).contains(&limit) || offset < 0 {
            return Err(ApiError::BadRequest(said!(
                "limit is 1 to 200 and offset is not negative",
                "limit — от 1 до 200, offset не может быть отрицательным"
            )));
        }
        Ok((limit, offset))
    }
}

/// The holder's signatures, newest first.
#[utoipa::path(tag = "signing", params(Page), responses(
    (status = 200, body = Vec<SignatureView>),
    (status = 400, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/signatures")]
pub async fn list(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    page: web::Query<Page>,
) -> Result<HttpResponse, ApiError> {
    let (limit, offset) = page.checked()?;
    let found = state
        .signatures
        .signatures(who.0.account.0, limit, offset)
        .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// One of the holder's signatures (another holder's answers 404).
#[utoipa::path(tag = "signing", responses(
    (status = 200, body = SignatureView),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/signatures/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .signatures
        .signature(who.0.account.0, path_id(&id)?)
        .await?;
    Ok(HttpResponse::Ok().json(SignatureView::from(&row)))
}

/// A CMS signature as a `.p7s` file (a raw signature has none: 404).
#[utoipa::path(tag = "signing", responses(
    (status = 200, content_type = "application/pkcs7-signature", body = Vec<u8>),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/signatures/{id}/p7s")]
pub async fn p7s(
    state: web::Data<AppState>,
    who: Authorised<Workers>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .signatures
        .signature(who.0.account.0, path_id(&id)?)
        .await?;
    let media_type = match row.format.as_str() {
        "cms" => "application/pkcs7-signature",
        "attached" => "application/pkcs7-mime; smime-type=signed-data",
        _ => return Err(ApiError::NotFound),
    };
    Ok(HttpResponse::Ok()
        .content_type(media_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"signature-{}.p7s\"", row.id),
        ))
        .body(row.signature))
}
