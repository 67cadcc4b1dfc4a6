//! The service's description (`info`) and its tokens (`auth/login`, `auth/revoke`).

use super::{AppState, CscError, SMALL_BODY, Version, body, holder};
use crate::http::auth::{Authorised, Holders, Meta};
use crate::http::problem::ApiError;
use crate::said;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use serde_json::json;

/// The methods each edition offers here.
fn methods(version: Version) -> Vec<&'static str> {
    let mut m = vec![
        "auth/login",
        "auth/revoke",
        "credentials/list",
        "credentials/info",
        "credentials/authorize",
        "credentials/sendOTP",
        "credentials/extendTransaction",
        "signatures/signHash",
        "signatures/timestamp",
    ];
    if version == Version::V2 {
        m.push("signatures/signDoc");
    }
    m
}

/// What the service is and which CSC methods, algorithms and formats it offers.
#[utoipa::path(tag = "csc", path = "/csc/{version}/info",
    params(("version" = String, Path, description = "`v1` (CSC 1.0.4) or `v2` (CSC 2.0)")),
    responses((status = 200, body = Object)))]
#[post("/csc/{version}/info")]
pub async fn info(version: web::Path<Version>) -> HttpResponse {
    let version = version.into_inner();
    let mut info = json!({
        "name": "cloudseal",
        "logo": "",
        "region": "RU",
        "lang": "en-US",
        "description": "Remote signing with keys held in an HSM-backed vault (SCAL2). Sign in \
                        at /api/v1/auth/login with your password and second factor and send \
                        the access token as a Bearer token.",
        "authType": ["external"],
        "methods": methods(version),
    });
    if version == Version::V1 {
        info["specs"] = json!("1.0.4.0");
    } else {
        info["specs"] = json!("2.0.0.2");
        info["asynchronousOperationMode"] = json!(false);
        info["validationInfo"] = json!(false);
        info["signAlgorithms"] = json!({ "algos": super::algorithms::all() });
        info["signature_formats"] = json!({
            "formats": ["C"],
            "envelope_properties": [["Detached", "Attached"]],
        });
        info["conformance_levels"] = json!(["Ades-B-B", "Ades-B-T"]);
    }
    HttpResponse::Ok().json(info)
}

/// `auth/login`: a refresh token from our login exchanged for fresh tokens.
#[derive(Deserialize)]
struct LoginRequest {
    refresh_token: Option<String>,
}

/// Exchange the refresh token of a session opened at `/api/v1/auth/login` (password and
/// second factor) for a new access and refresh token. A password alone (HTTP Basic) is not a
/// login here: it would skip the second factor.
#[utoipa::path(tag = "csc", path = "/csc/{version}/auth/login",
    params(("version" = String, Path, description = "`v1` or `v2`")),
    responses((status = 200, body = Object),
        (status = 400, body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 401, body = crate::http::problem::Problem, content_type = "application/problem+json")))]
#[post("/csc/{version}/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: Meta,
    _version: web::Path<Version>,
    payload: web::Payload,
) -> Result<HttpResponse, CscError> {
    let basic = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("basic "));
    let request: LoginRequest = body(payload, SMALL_BODY).await?;
    let Some(refresh) = request.refresh_token.filter(|t| !t.trim().is_empty()) else {
        return Err(CscError::invalid(if basic {
            said!(
                "a password alone does not sign in here: log in at /api/v1/auth/login with your \
             second factor, then send its refresh_token",
                "одного пароля для входа здесь мало: войдите через /api/v1/auth/login со вторым фактором и пришлите его refresh_token"
            )
        } else {
            said!(
                "Missing string parameter refresh_token (from /api/v1/auth/login)",
                "Не хватает строкового параметра refresh_token (из /api/v1/auth/login)"
            )
        }));
    };
    let s = state.identity.refresh(refresh.trim(), &meta.0).await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(json!({
            "access_token": s.access_token,
            "refresh_token": s.refresh_token,
            "expires_in": s.expires_in,
        })))
}

/// `auth/revoke`: the token to revoke.
#[derive(Deserialize)]
struct RevokeRequest {
    token: Option<String>,
}

/// End the session an access or refresh token of the caller belongs to (RFC 7009: a token
/// that is not theirs, or none at all, ends nothing and is not an error).
#[utoipa::path(tag = "csc", path = "/csc/{version}/auth/revoke",
    params(("version" = String, Path, description = "`v1` or `v2`")),
    responses((status = 204),
        (status = 400, body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 401, body = crate::http::problem::Problem, content_type = "application/problem+json")))]
#[post("/csc/{version}/auth/revoke")]
pub async fn revoke(
    state: web::Data<AppState>,
    who: Result<Authorised<Holders>, ApiError>,
    meta: Meta,
    _version: web::Path<Version>,
    payload: web::Payload,
) -> Result<HttpResponse, CscError> {
    let person = holder(who)?;
    let request: RevokeRequest = body(payload, SMALL_BODY).await?;
    let token = request
        .token
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            CscError::invalid(said!(
                "Missing string parameter token",
                "Не хватает строкового параметра token"
            ))
        })?;
    state
        .identity
        .revoke_token(&person, token.trim(), &meta.0)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
