//! Logging in and out, refreshing, password reset, the JWKS document and the OAuth token
//! endpoint for partner clients.

use super::AppState;
use super::accounts::ChallengeResponse;
use super::auth::{Meta, Signed};
use super::problem::{ApiError, Problem};
use crate::identity::agents::{AGENT_PREFIX, AGENT_SCOPE};
use crate::identity::login::Factor;
use crate::identity::password::Password;
use crate::identity::sessions::{COOKIE_NAME, NewSession, SessionKind};
use crate::identity::tokens::Jwk;
use crate::identity::values::{Email, Phone};
use crate::said;
use crate::said::Said;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use zeroize::Zeroizing;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(login)
        .service(login_verify)
        .service(sms_login)
        .service(refresh)
        .service(logout)
        .service(reset_request)
        .service(reset_confirm)
        .service(jwks)
        .service(oauth_token);
}

/// Email or phone, and password.
// No `Debug`: it holds a secret.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Email address or phone number.
    pub login: String,
    /// Password.
    pub password: String,
}

/// The password was right; answer the second factor.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginChallenge {
    /// Pass back with the code.
    pub challenge: String,
    /// `sms` (a code was sent) or `totp` (use the app, or a recovery code).
    pub factor: Factor,
    /// Where the SMS went (masked).
    pub sent_to: Option<String>,
    /// The challenge works until then.
    pub expires_at: DateTime<Utc>,
}

/// Log in, step one: the password.
#[utoipa::path(tag = "auth", request_body = LoginRequest, responses(
    (status = 200, body = LoginChallenge),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    meta: Meta,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let password = Password(Zeroizing::new(body.password));
    let pending = state
        .identity
        .login_password(&body.login, &password, &meta.0)
        .await?;
    Ok(HttpResponse::Ok().json(LoginChallenge {
        challenge: pending.challenge.handle,
        factor: pending.factor,
        sent_to: pending.sent_to,
        expires_at: pending.challenge.expires_at,
    }))
}

/// The second factor, and what kind of session to open.
// No `Debug`: it holds a secret.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The challenge handle.
    pub challenge: String,
    /// SMS code, TOTP code or recovery code.
    pub code: String,
    /// `api` (tokens in the body, the default) or `web` (a session cookie).
    #[serde(default = "api_session")]
    pub session: SessionKind,
}

fn api_session() -> SessionKind {
    SessionKind::Api
}

/// An API session's tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// ES256 JWT; send as `Authorization: Bearer`.
    pub access_token: String,
    /// `Bearer`.
    pub token_type: &'static str,
    /// Seconds the access token lives.
    pub expires_in: i64,
    /// Exchange once at `/api/v1/auth/refresh` for a new pair.
    pub refresh_token: String,
    /// The session.
    pub session_id: Uuid,
    /// Factors proved.
    pub amr: Vec<String>,
}

/// A web session (the cookie is set by the response).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebSessionResponse {
    /// The session.
    pub session_id: Uuid,
    /// Send in `X-CSRF-Token` with every state-changing request.
    pub csrf_token: String,
    /// The session ends then at the latest.
    pub expires_at: DateTime<Utc>,
}

/// The web session cookie: host-only, secure, not readable by script, never sent from another
/// site. The API's web login and the cabinet's sign-in both set it this way.
pub fn session_cookie(value: String) -> Cookie<'static> {
    host_cookie(COOKIE_NAME, value)
}

/// A `__Host-` cookie of ours: the whole site, HTTPS only, not readable by script, never sent
/// from another site.
pub fn host_cookie(name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish()
}

/// What tells the browser to forget the session cookie.
pub fn session_cookie_removal() -> Cookie<'static> {
    let mut gone = session_cookie(String::new());
    gone.make_removal();
    gone
}

fn session_response(s: NewSession) -> Result<HttpResponse, ApiError> {
    let missing = || ApiError::Internal("session without its secrets".into());
    match s.kind {
        SessionKind::Api => Ok(HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(TokenResponse {
                access_token: s.access_token.ok_or_else(missing)?,
                token_type: "Bearer",
                expires_in: s.expires_in,
                refresh_token: s.refresh_token.ok_or_else(missing)?,
                session_id: s.id.0,
                amr: s.amr,
            })),
        SessionKind::Web => {
            let cookie = session_cookie(s.cookie.ok_or_else(missing)?);
            Ok(HttpResponse::Ok()
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .cookie(cookie)
                .json(WebSessionResponse {
                    session_id: s.id.0,
                    csrf_token: s.csrf_token.ok_or_else(missing)?,
                    expires_at: s.expires_at,
                }))
        }
    }
}

/// Log in, step two: the second factor (or the SMS code of a phone login).
#[utoipa::path(tag = "auth", request_body = VerifyRequest, responses(
    (status = 200, body = TokenResponse),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/auth/login/verify")]
pub async fn login_verify(
    state: web::Data<AppState>,
    meta: Meta,
    body: web::Json<VerifyRequest>,
) -> Result<HttpResponse, ApiError> {
    let s = state
        .identity
        .login_second_factor(&body.challenge, &body.code, body.session, &meta.0)
        .await?;
    session_response(s)
}

/// A phone to log in with.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SmsLoginRequest {
    /// Phone number in international form.
    pub phone: String,
}

/// Phone login, step one: a code is sent if the number's subscriber chose SMS login (the
/// answer is the same either way). Step two is `/api/v1/auth/login/verify`.
#[utoipa::path(tag = "auth", request_body = SmsLoginRequest, responses(
    (status = 200, body = ChallengeResponse),
    (status = 400, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/auth/sms-login")]
pub async fn sms_login(
    state: web::Data<AppState>,
    meta: Meta,
    body: web::Json<SmsLoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let phone = Phone::parse(&body.phone).map_err(|e| ApiError::BadRequest(e.0))?;
    let issued = state.identity.sms_login_start(&phone, &meta.0).await?;
    Ok(HttpResponse::Ok().json(ChallengeResponse {
        challenge: issued.handle,
        expires_at: issued.expires_at,
    }))
}

/// A refresh token.
// No `Debug`: it holds a secret.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from the last exchange.
    pub refresh_token: String,
}

/// Exchange a refresh token (once) for a new access and refresh token.
#[utoipa::path(tag = "auth", request_body = RefreshRequest, responses(
    (status = 200, body = TokenResponse),
    (status = 401, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    meta: Meta,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let s = state.identity.refresh(&body.refresh_token, &meta.0).await?;
    session_response(s)
}

/// Log out: the current session ends (its tokens and cookie stop working).
#[utoipa::path(tag = "auth", responses(
    (status = 204),
    (status = 401, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    who: Signed,
    meta: Meta,
) -> Result<HttpResponse, ApiError> {
    state
        .identity
        .end_session(&who.0, who.0.session.0, &meta.0)
        .await?;
    Ok(HttpResponse::NoContent()
        .cookie(session_cookie_removal())
        .finish())
}

/// An email to send a reset link to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    /// The account's email.
    pub email: String,
}

/// Ask for a password reset link. The answer is the same whether or not the address has an
/// account.
#[utoipa::path(tag = "auth", request_body = ResetRequest, responses(
    (status = 202),
    (status = 400, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/auth/password-reset")]
pub async fn reset_request(
    state: web::Data<AppState>,
    meta: Meta,
    body: web::Json<ResetRequest>,
) -> Result<HttpResponse, ApiError> {
    let email = Email::parse(&body.email).map_err(|e| ApiError::BadRequest(e.0))?;
    state
        .identity
        .request_password_reset(&email, &meta.0)
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// A new password chosen from an emailed link.
// No `Debug`: it holds a secret.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirm {
    /// The token from the link.
    pub token: String,
    /// The new password.
    pub new_password: String,
}

/// Set the new password from an emailed link's token; every session ends. (People use the
/// cabinet's `/password-reset` page the link opens.)
#[utoipa::path(tag = "auth", request_body = ResetConfirm, responses(
    (status = 204),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 410, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/auth/password-reset/confirm")]
pub async fn reset_confirm(
    state: web::Data<AppState>,
    meta: Meta,
    body: web::Json<ResetConfirm>,
) -> Result<HttpResponse, ApiError> {
    state
        .identity
        .reset_password(&body.token, &body.new_password, &meta.0)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The keys that verify access tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct Jwks {
    /// Keys by `kid`.
    pub keys: Vec<Jwk>,
}

/// The JSON Web Key Set of the access-token keys.
#[utoipa::path(tag = "auth", responses((status = 200, body = Jwks)))]
#[get("/.well-known/jwks.json")]
pub async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .json(Jwks {
            keys: state.identity.tokens().jwks(),
        })
}

/// An OAuth 2.0 token request (client credentials).
// No `Debug`: it holds a secret.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// `client_credentials`.
    pub grant_type: String,
    /// Scopes asked for, space-separated (all of the client's when absent).
    #[serde(default)]
    pub scope: Option<String>,
    /// Client id (or use HTTP Basic).
    #[serde(default)]
    pub client_id: Option<String>,
    /// Client secret (or use HTTP Basic).
    #[serde(default)]
    pub client_secret: Option<String>,
}

/// A client-credentials token.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientTokenResponse {
    /// ES256 JWT.
    pub access_token: String,
    /// `Bearer`.
    pub token_type: &'static str,
    /// Seconds it lives.
    pub expires_in: i64,
    /// Scopes granted.
    pub scope: String,
}

fn basic_credentials(req: &HttpRequest) -> Option<(String, String)> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn oauth_refusal(code: &'static str, detail: Said) -> ApiError {
    ApiError::Refused {
        status: actix_web::http::StatusCode::BAD_REQUEST,
        slug: "oauth-request",
        title: "Token request refused",
        detail,
        retry_after: None,
        oauth_error: Some(code),
    }
}

/// OAuth 2.0 token endpoint (client credentials grant) for partner API clients and for folder
/// agents' machine credentials (client ids starting `ag_`; their token acts for the seal's
/// holder, scope `seal`).
#[utoipa::path(tag = "auth", request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"), responses(
    (status = 200, body = ClientTokenResponse),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
#[post("/oauth/token")]
pub async fn oauth_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: Meta,
    body: web::Form<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    if body.grant_type != "client_credentials" {
        return Err(oauth_refusal(
            "unsupported_grant_type",
            said!(
                "Only the client_credentials grant is supported.",
                "Поддерживается только grant client_credentials."
            ),
        ));
    }
    let (id, secret) = match (basic_credentials(&req), body.client_id, body.client_secret) {
        (Some(pair), None, None) => pair,
        (None, Some(id), Some(secret)) => (id, secret),
        _ => {
            return Err(oauth_refusal(
                "invalid_request",
                said!(
                    "Authenticate the client once: HTTP Basic, or client_id and client_secret.",
                    "Аутентифицируйте клиента одним способом: HTTP Basic или client_id и client_secret."
                ),
            ));
        }
    };
    if id.starts_with(AGENT_PREFIX) {
        if body
            .scope
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty() && s.trim() != AGENT_SCOPE)
        {
            return Err(oauth_refusal(
                "invalid_scope",
                said!(
                    "A folder agent's token carries the scope \"seal\" only.",
                    "Токен агента каталога несёт только область \"seal\"."
                ),
            ));
        }
        let t = state.identity.agent_token(&id, &secret, &meta.0).await?;
        return Ok(HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(ClientTokenResponse {
                access_token: t.access_token,
                token_type: "Bearer",
                expires_in: t.expires_in,
                scope: AGENT_SCOPE.into(),
            }));
    }
    let t = state
        .identity
        .client_token(&id, &secret, body.scope.as_deref(), &meta.0)
        .await
        .map_err(|e| match e {
            crate::identity::IdentityError::Forbidden(d) => ApiError::Refused {
                status: actix_web::http::StatusCode::BAD_REQUEST,
                slug: "invalid-scope",
                title: "Scope not allowed",
                detail: d,
                retry_after: None,
                oauth_error: Some("invalid_scope"),
            },
            other => other.into(),
        })?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ClientTokenResponse {
            access_token: t.access_token,
            token_type: "Bearer",
            expires_in: t.expires_in,
            scope: t.scope,
        }))
}
