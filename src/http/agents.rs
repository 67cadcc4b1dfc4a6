//! A seal holder's folder agents over HTTP: confirm with the second factor, issue a machine
//! credential for the seal (its secret shown once), list and disable them.

use super::AppState;
use super::applications::path_id;
use super::auth::{Authorised, Holders, Meta};
use super::certificates::Confirmation;
use super::problem::{ApiError, Problem};
use crate::identity::agents::{AgentCredentials, AgentSummary};
use crate::signatures::CredentialId;
use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(agents)
        .service(agent_confirmation)
        .service(issue_agent)
        .service(disable_agent);
}

/// The holder's machine credentials, disabled ones too; never a secret.
#[utoipa::path(tag = "agents", responses((status = 200, body = Vec<AgentSummary>)))]
#[get("/api/v1/me/agents")]
pub async fn agents(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.identity.agents(&who.0).await?))
}

/// Which seal an agent would apply.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentConfirmationRequest {
    /// The seal credential (certificate id).
    pub credential: String,
}

/// Start the second-factor confirmation of letting a folder agent apply the seal; the SMS
/// names the seal. A personal credential is refused (409).
#[utoipa::path(tag = "agents", request_body = AgentConfirmationRequest, responses(
    (status = 201, body = Confirmation),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/me/agents/confirmation")]
pub async fn agent_confirmation(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    meta: Meta,
    body: web::Json<AgentConfirmationRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = CredentialId::parse(&body.credential)?;
    let pending = state
        .signatures
        .agent_confirmation(&who.0, &meta.0, id)
        .await?;
    Ok(HttpResponse::Created().json(Confirmation::from(pending)))
}

/// A machine credential asked for.
// No `Debug`: it carries the one-time code.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentRequest {
    /// The seal credential (certificate id).
    pub credential: String,
    /// What to call the agent (say, where it runs).
    pub name: String,
    /// The confirmation handle.
    pub confirmation: String,
    /// Its code (SMS or TOTP).
    pub code: String,
}

/// Issue a machine credential for the seal: the client id and the secret, shown only here.
#[utoipa::path(tag = "agents", request_body = AgentRequest, responses(
    (status = 201, body = AgentCredentials),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/me/agents")]
pub async fn issue_agent(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    meta: Meta,
    body: web::Json<AgentRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = CredentialId::parse(&body.credential)?;
    let issued = state
        .signatures
        .issue_agent(
            &who.0,
            &meta.0,
            id,
            &body.name,
            (&body.confirmation, &body.code),
        )
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(issued))
}

/// Disable a machine credential: its tokens stop working at once.
#[utoipa::path(tag = "agents", responses(
    (status = 204),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[delete("/api/v1/me/agents/{id}")]
pub async fn disable_agent(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    meta: Meta,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    state.identity.disable_agent(&who.0, &meta.0, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
