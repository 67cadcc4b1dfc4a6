//! Registration, confirmation, and a person's own account: profile, sessions, password, email
//! and phone changes, SMS login choice and TOTP enrolment.

use super::AppState;
use super::auth::{Meta, Signed};
use super::problem::{ApiError, Problem};
use crate::identity::accounts::{Profile, Registration};
use crate::identity::password::Password;
use crate::identity::sessions::SessionInfo;
use crate::identity::totp::Enrolment;
use crate::identity::values::{Country, Email, Language, NamePart, NewPassword, Phone};
use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use zeroize::Zeroizing;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(register)
        .service(confirm_email)
        .service(confirm_phone)
        .service(resend_code)
        .service(me)
        .service(my_sessions)
        .service(end_session)
        .service(change_password)
        .service(change_email)
        .service(change_phone)
        .service(sms_login)
        .service(totp_enrol)
        .service(totp_confirm);
}

/// A new subscriber.
// No `Debug`: it holds a secret.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Surname.
    pub surname: String,
    /// Given name.
    pub given_name: String,
    /// Patronymic (optional).
    #[serde(default)]
    pub patronymic: Option<String>,
    /// Email; a confirmation link goes there.
    pub email: String,
    /// Phone in international form (+…); a code goes there.
    pub phone: String,
    /// Country of residence (ISO 3166 alpha-2).
    pub country: String,
    /// `en` or `ru`.
    #[serde(default)]
    pub language: Language,
    /// 10 to 128 characters.
    pub password: String,
}

/// A challenge to answer with a code.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChallengeResponse {
    /// Pass back with the code.
    pub challenge: String,
    /// The code works until then.
    pub expires_at: DateTime<Utc>,
}

/// A registered, unconfirmed account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Registered {
    /// Account id.
    pub id: Uuid,
    /// Answer with the code sent by SMS.
    pub phone_challenge: ChallengeResponse,
}

/// Parse a registration as typed (the API's body or the cabinet's form) into typed values.
pub(crate) fn parse_registration(r: RegisterRequest) -> Result<Registration, ApiError> {
    let email = Email::parse(&r.email).map_err(|e| ApiError::BadRequest(e.0))?;
    let bad = |e: crate::identity::values::InvalidValue| ApiError::BadRequest(e.0);
    Ok(Registration {
        surname: NamePart::parse(&r.surname, &crate::said!("surname", "фамилия")).map_err(bad)?,
        given_name: NamePart::parse(&r.given_name, &crate::said!("given name", "имя"))
            .map_err(bad)?,
        patronymic: match r.patronymic.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => {
                Some(NamePart::parse(p, &crate::said!("patronymic", "отчество")).map_err(bad)?)
            }
        },
        phone: Phone::parse(&r.phone).map_err(bad)?,
        country: Country::parse(&r.country).map_err(bad)?,
        language: r.language,
        password: NewPassword::parse(&r.password, &email).map_err(bad)?,
        email,
    })
}

/// Register as a subscriber.
#[utoipa::path(tag = "accounts", request_body = RegisterRequest, responses(
    (status = 201, body = Registered),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/accounts")]
pub async fn register(
    state: web::Data<AppState>,
    meta: Meta,
    body: web::Json<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let reg = parse_registration(body.into_inner())?;
    let done = state.identity.register(reg, &meta.0).await?;
    Ok(HttpResponse::Created().json(Registered {
        id: done.account.0,
        phone_challenge: ChallengeResponse {
            challenge: done.phone_challenge.handle,
            expires_at: done.phone_challenge.expires_at,
        },
    }))
}

/// The token of an emailed link.
#[derive(Debug, Deserialize, ToSchema, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LinkToken {
    /// The token from the link.
    pub token: String,
}

/// An account whose email or phone was just confirmed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Confirmed {
    /// Account id.
    pub account: Uuid,
}

/// Follow the emailed confirmation link.
#[utoipa::path(tag = "accounts", params(LinkToken), responses(
    (status = 200, body = Confirmed),
    (status = 410, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/accounts/email-confirmation")]
pub async fn confirm_email(
    state: web::Data<AppState>,
    meta: Meta,
    q: web::Query<LinkToken>,
) -> Result<HttpResponse, ApiError> {
    let id = state.identity.confirm_email(&q.token, &meta.0).await?;
    Ok(HttpResponse::Ok().json(Confirmed { account: id.0 }))
}

/// A code answering a challenge.
// No `Debug`: it holds a secret.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeAnswer {
    /// The challenge handle.
    pub challenge: String,
    /// The code.
    pub code: String,
}

/// Enter the SMS code that confirms a phone (at registration or after a change).
#[utoipa::path(tag = "accounts", request_body = CodeAnswer, responses(
    (status = 200, body = Confirmed),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/accounts/phone-confirmation")]
pub async fn confirm_phone(
    state: web::Data<AppState>,
    meta: Meta,
    body: web::Json<CodeAnswer>,
) -> Result<HttpResponse, ApiError> {
    let id = state
        .identity
        .confirm_phone(&body.challenge, &body.code, &meta.0)
        .await?;
    Ok(HttpResponse::Ok().json(Confirmed { account: id.0 }))
}

/// A challenge whose code should be sent again.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResendRequest {
    /// The challenge handle.
    pub challenge: String,
}

/// Send the SMS code of a challenge again (after a pause, a few times at most).
#[utoipa::path(tag = "auth", request_body = ResendRequest, responses(
    (status = 200, body = ChallengeResponse),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/auth/codes/resend")]
pub async fn resend_code(
    state: web::Data<AppState>,
    meta: Meta,
    body: web::Json<ResendRequest>,
) -> Result<HttpResponse, ApiError> {
    let issued = state.identity.resend(&body.challenge, &meta.0).await?;
    Ok(HttpResponse::Ok().json(ChallengeResponse {
        challenge: issued.handle,
        expires_at: issued.expires_at,
    }))
}

/// Your account.
#[utoipa::path(tag = "accounts", responses(
    (status = 200, body = Profile),
    (status = 401, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/me")]
pub async fn me(state: web::Data<AppState>, who: Signed) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.identity.profile(&who.0).await?))
}

/// Your live sessions.
#[utoipa::path(tag = "accounts", responses(
    (status = 200, body = Vec<SessionInfo>),
    (status = 401, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/me/sessions")]
pub async fn my_sessions(
    state: web::Data<AppState>,
    who: Signed,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.identity.sessions(&who.0).await?))
}

/// End one of your sessions (someone else's answers 404).
#[utoipa::path(tag = "accounts", params(("id" = Uuid, Path)), responses(
    (status = 204),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[delete("/api/v1/me/sessions/{id}")]
pub async fn end_session(
    state: web::Data<AppState>,
    who: Signed,
    meta: Meta,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    state.identity.end_session(&who.0, id, &meta.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A password change.
// No `Debug`: it holds a secret.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The current password.
    pub current_password: String,
    /// The new one (10 to 128 characters).
    pub new_password: String,
}

fn typed(p: &str) -> Password {
    Password(Zeroizing::new(p.to_owned()))
}

/// Change your password; your other sessions end.
#[utoipa::path(tag = "accounts", request_body = PasswordChange, responses(
    (status = 204),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    who: Signed,
    meta: Meta,
    body: web::Json<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    state
        .identity
        .change_password(
            &who.0,
            &typed(&body.current_password),
            &body.new_password,
            &meta.0,
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A new email or phone, with the password.
// No `Debug`: it holds a secret.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactChange {
    /// The current password.
    pub password: String,
    /// The new email (for `/api/v1/me/email`) or phone (for `/api/v1/me/phone`).
    pub value: String,
}

/// Change your email: a link goes to the new address and takes effect when followed.
#[utoipa::path(tag = "accounts", request_body = ContactChange, responses(
    (status = 202),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/me/email")]
pub async fn change_email(
    state: web::Data<AppState>,
    who: Signed,
    meta: Meta,
    body: web::Json<ContactChange>,
) -> Result<HttpResponse, ApiError> {
    let email = Email::parse(&body.value).map_err(|e| ApiError::BadRequest(e.0))?;
    state
        .identity
        .change_email(&who.0, &typed(&body.password), email, &meta.0)
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Change your phone: a code goes to the new number; confirm it at
/// `/api/v1/accounts/phone-confirmation`.
#[utoipa::path(tag = "accounts", request_body = ContactChange, responses(
    (status = 202, body = ChallengeResponse),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/me/phone")]
pub async fn change_phone(
    state: web::Data<AppState>,
    who: Signed,
    meta: Meta,
    body: web::Json<ContactChange>,
) -> Result<HttpResponse, ApiError> {
    let phone = Phone::parse(&body.value).map_err(|e| ApiError::BadRequest(e.0))?;
    let issued = state
        .identity
        .change_phone(&who.0, &typed(&body.password), phone, &meta.0)
        .await?;
    Ok(HttpResponse::Accepted().json(ChallengeResponse {
        challenge: issued.handle,
        expires_at: issued.expires_at,
    }))
}

/// Whether phone + SMS code alone logs you in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SmsLoginChoice {
    /// On or off.
    pub enabled: bool,
}

/// Choose SMS-only login (subscribers).
#[utoipa::path(tag = "accounts", request_body = SmsLoginChoice, responses(
    (status = 204),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
#[put("/api/v1/me/sms-login")]
pub async fn sms_login(
    state: web::Data<AppState>,
    who: Signed,
    meta: Meta,
    body: web::Json<SmsLoginChoice>,
) -> Result<HttpResponse, ApiError> {
    state
        .identity
        .set_sms_login(&who.0, body.enabled, &meta.0)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The password, asked again before a sensitive change.
// No `Debug`: it holds a secret.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reauth {
    /// The current password.
    pub password: String,
}

/// Start TOTP enrolment: scan the QR code, then confirm with a code from the app.
#[utoipa::path(tag = "accounts", request_body = Reauth, responses(
    (status = 200, body = Enrolment),
    (status = 401, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/me/totp")]
pub async fn totp_enrol(
    state: web::Data<AppState>,
    who: Signed,
    meta: Meta,
    body: web::Json<Reauth>,
) -> Result<HttpResponse, ApiError> {
    let e = state
        .identity
        .totp_enrol(&who.0, &typed(&body.password), &meta.0)
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(e))
}

/// A code from the authenticator app.
// No `Debug`: it holds a secret.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    /// Six digits.
    pub code: String,
}

/// Recovery codes, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodes {
    /// Each works once instead of a TOTP code.
    pub recovery_codes: Vec<String>,
}

/// Confirm TOTP enrolment; from now on TOTP is your second factor.
#[utoipa::path(tag = "accounts", request_body = TotpCode, responses(
    (status = 200, body = RecoveryCodes),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/me/totp/confirm")]
pub async fn totp_confirm(
    state: web::Data<AppState>,
    who: Signed,
    meta: Meta,
    body: web::Json<TotpCode>,
) -> Result<HttpResponse, ApiError> {
    let codes = state
        .identity
        .totp_confirm(&who.0, &body.code, &meta.0)
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(RecoveryCodes {
            recovery_codes: codes,
        }))
}
