//! The partner API: what a partner organisation's API client may read with its scopes.

use super::AppState;
use super::auth::{AgentsRead, ClientCtx};
use super::problem::{ApiError, Problem};
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(agents);
}

/// A partner agent.
#[derive(Debug, Serialize, ToSchema)]
pub struct Agent {
    /// Account id.
    pub id: Uuid,
    /// Surname.
    pub surname: String,
    /// Given name.
    pub given_name: String,
    /// Email.
    pub email: String,
}

/// The agents of the client's organisation (scope `agents:read`).
#[utoipa::path(tag = "partner", responses(
    (status = 200, body = Vec<Agent>),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/partner/agents")]
pub async fn agents(
    state: web::Data<AppState>,
    client: ClientCtx<AgentsRead>,
) -> Result<HttpResponse, ApiError> {
    let list = state
        .identity
        .partner_agents(client.0.partner)
        .await?
        .into_iter()
        .map(|(id, surname, given_name, email)| Agent {
            id,
            surname,
            given_name,
            email,
        })
        .collect::<Vec<_>>();
    Ok(HttpResponse::Ok().json(list))
}
