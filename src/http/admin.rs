//! Admin acts on accounts: staff and partner agents, points of issue, partners and their API
//! clients, and lifting locks. Every route takes an [`AdminCtx`], so none runs for anyone else.

use super::AppState;
use super::auth::{AdminCtx, Meta};
use super::problem::{ApiError, Problem};
use crate::identity::clients::{ClientCredentials, ClientSummary};
use crate::identity::staff::{NewMember, PointOfIssue};
use crate::identity::values::{Email, Language, NamePart, Phone};
use crate::identity::{AccountId, Role};
use crate::registration::Administrator;
use crate::registration::values::Product;
use crate::said;
use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create_member)
        .service(create_point)
        .service(create_partner)
        .service(create_client)
        .service(rotate_client)
        .service(clients)
        .service(disable_client)
        .service(products)
        .service(set_offer)
        .service(disable_account)
        .service(enable_account)
        .service(unlock);
}

fn path_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::NotFound)
}

/// A staff member or partner agent to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMemberRequest {
    /// `operator`, `auditor`, `admin` or `partner_agent`.
    pub role: Role,
    /// Surname.
    pub surname: String,
    /// Given name.
    pub given_name: String,
    /// Patronymic.
    #[serde(default)]
    pub patronymic: Option<String>,
    /// Email; the link to choose a password goes there.
    pub email: String,
    /// Phone for the SMS second factor.
    pub phone: String,
    /// `en` or `ru`.
    #[serde(default)]
    pub language: Language,
    /// Operators: their point of issue.
    #[serde(default)]
    pub point_of_issue: Option<Uuid>,
    /// Partner agents: their partner.
    #[serde(default)]
    pub partner: Option<Uuid>,
}

impl NewMemberRequest {
    /// The typed member: the API's body and the cabinet's form both come here.
    pub(crate) fn parse(self) -> Result<NewMember, ApiError> {
        let bad = |e: crate::identity::values::InvalidValue| ApiError::BadRequest(e.0);
        Ok(NewMember {
            role: self.role,
            surname: NamePart::parse(&self.surname, &crate::said!("surname", "фамилия"))
                .map_err(bad)?,
            given_name: NamePart::parse(&self.given_name, &crate::said!("given name", "имя"))
                .map_err(bad)?,
            patronymic: match self.patronymic.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(p) => {
                    Some(NamePart::parse(p, &crate::said!("patronymic", "отчество")).map_err(bad)?)
                }
            },
            email: Email::parse(&self.email).map_err(bad)?,
            phone: Phone::parse(&self.phone).map_err(bad)?,
            language: self.language,
            point_of_issue: self.point_of_issue,
            partner: self.partner,
        })
    }
}

/// A created object's id.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    /// Id.
    pub id: Uuid,
}

/// Create a staff member or partner agent; they choose a password from an emailed link.
#[utoipa::path(tag = "admin", request_body = NewMemberRequest, responses(
    (status = 201, body = Created),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/admin/members")]
pub async fn create_member(
    state: web::Data<AppState>,
    admin: AdminCtx,
    meta: Meta,
    body: web::Json<NewMemberRequest>,
) -> Result<HttpResponse, ApiError> {
    let member = body.into_inner().parse()?;
    let id = state
        .identity
        .create_member(
            member,
            None,
            admin.0.event(&meta.0, "account.create_member"),
        )
        .await?;
    Ok(HttpResponse::Created().json(Created { id: id.0 }))
}

/// A point of issue to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPoint {
    /// Name (unique).
    pub name: String,
    /// Region.
    pub region: String,
    /// Address.
    #[serde(default)]
    pub address: String,
}

/// Register a point of issue (an office where operators identify applicants).
#[utoipa::path(tag = "admin", request_body = NewPoint, responses(
    (status = 201, body = PointOfIssue),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/admin/points-of-issue")]
pub async fn create_point(
    state: web::Data<AppState>,
    admin: AdminCtx,
    meta: Meta,
    body: web::Json<NewPoint>,
) -> Result<HttpResponse, ApiError> {
    let p = state
        .identity
        .create_point_of_issue(
            &body.name,
            &body.region,
            &body.address,
            admin.0.event(&meta.0, "point_of_issue.create"),
        )
        .await?;
    Ok(HttpResponse::Created().json(p))
}

/// A partner organisation to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPartner {
    /// Name (unique).
    pub name: String,
}

/// Register a partner organisation.
#[utoipa::path(tag = "admin", request_body = NewPartner, responses(
    (status = 201, body = Created),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/admin/partners")]
pub async fn create_partner(
    state: web::Data<AppState>,
    admin: AdminCtx,
    meta: Meta,
    body: web::Json<NewPartner>,
) -> Result<HttpResponse, ApiError> {
    let id = state
        .identity
        .create_partner(&body.name, admin.0.event(&meta.0, "partner.create"))
        .await?;
    Ok(HttpResponse::Created().json(Created { id }))
}

/// An API client to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClient {
    /// Name.
    pub name: String,
    /// Scopes it may be granted.
    pub scopes: Vec<String>,
    /// Requests per minute.
    #[serde(default = "default_rate")]
    pub requests_per_minute: i32,
}

fn default_rate() -> i32 {
    600
}

/// Create an API client of a partner; the secret is shown once.
#[utoipa::path(tag = "admin", request_body = NewClient, params(("id" = Uuid, Path)), responses(
    (status = 201, body = ClientCredentials),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/admin/partners/{id}/clients")]
pub async fn create_client(
    state: web::Data<AppState>,
    admin: AdminCtx,
    meta: Meta,
    id: web::Path<String>,
    body: web::Json<NewClient>,
) -> Result<HttpResponse, ApiError> {
    let c = state
        .identity
        .create_client(
            path_id(&id)?,
            &body.name,
            &body.scopes,
            body.requests_per_minute,
            admin.0.event(&meta.0, "api_client.create"),
        )
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(c))
}

/// Give an API client a new secret; the old one works for 24 hours more.
#[utoipa::path(tag = "admin", params(("id" = Uuid, Path)), responses(
    (status = 200, body = ClientCredentials),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/admin/clients/{id}/secret")]
pub async fn rotate_client(
    state: web::Data<AppState>,
    admin: AdminCtx,
    meta: Meta,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let c = state
        .identity
        .rotate_client_secret(path_id(&id)?, admin.0.event(&meta.0, "api_client.rotate"))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(c))
}

/// Every partner's API clients (never a secret or its hash).
#[utoipa::path(tag = "admin", responses(
    (status = 200, body = Vec<ClientSummary>),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/admin/clients")]
pub async fn clients(
    state: web::Data<AppState>,
    _admin: AdminCtx,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.identity.clients().await?))
}

/// Disable an API client at once: its secrets and the tokens it holds stop working.
#[utoipa::path(tag = "admin", params(("id" = Uuid, Path)), responses(
    (status = 204),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[delete("/api/v1/admin/clients/{id}")]
pub async fn disable_client(
    state: web::Data<AppState>,
    admin: AdminCtx,
    meta: Meta,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state
        .identity
        .disable_client(path_id(&id)?, admin.0.event(&meta.0, "api_client.disable"))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The administrator's registration capability from the admin's context.
fn administrator(admin: &AdminCtx, meta: &Meta) -> Result<Administrator, ApiError> {
    Administrator::person(&admin.0, &meta.0).ok_or_else(|| {
        ApiError::forbidden(said!(
            "This needs the admin role.",
            "Для этого нужна роль администратора."
        ))
    })
}

/// Every product, withdrawn ones too (`on_sale` says which).
#[utoipa::path(tag = "admin", responses(
    (status = 200, body = Vec<Product>),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/admin/products")]
pub async fn products(
    state: web::Data<AppState>,
    admin: AdminCtx,
    meta: Meta,
) -> Result<HttpResponse, ApiError> {
    let admin = administrator(&admin, &meta)?;
    Ok(HttpResponse::Ok().json(state.registration.products(&admin).await?))
}

/// A product's price and whether it is on sale.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Offer {
    /// Price in minor units (kopecks); applications already filed keep their price.
    pub price_minor: i64,
    /// Whether it can be applied for.
    pub on_sale: bool,
}

/// Set a product's price and whether it is on sale (audited `product.update`).
#[utoipa::path(tag = "admin", request_body = Offer, params(("code" = String, Path)), responses(
    (status = 200, body = Product),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[put("/api/v1/admin/products/{code}")]
pub async fn set_offer(
    state: web::Data<AppState>,
    admin: AdminCtx,
    meta: Meta,
    code: web::Path<String>,
    body: web::Json<Offer>,
) -> Result<HttpResponse, ApiError> {
    let admin = administrator(&admin, &meta)?;
    let product = state
        .registration
        .set_offer(&admin, &code, body.price_minor, body.on_sale)
        .await?;
    Ok(HttpResponse::Ok().json(product))
}

/// Whether a lock was lifted.
#[derive(Debug, Serialize, ToSchema)]
pub struct Unlocked {
    /// True when the account was locked.
    pub was_locked: bool,
}

/// Lift the attempt locks of an account.
#[utoipa::path(tag = "admin", params(("id" = Uuid, Path)), responses(
    (status = 200, body = Unlocked),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[delete("/api/v1/admin/accounts/{id}/lock")]
pub async fn unlock(
    state: web::Data<AppState>,
    admin: AdminCtx,
    meta: Meta,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let was_locked = state
        .identity
        .unlock_account(
            AccountId(path_id(&id)?),
            admin.0.event(&meta.0, "auth.unlock"),
        )
        .await?;
    Ok(HttpResponse::Ok().json(Unlocked { was_locked }))
}

/// How many sessions disabling ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct Disabled {
    /// Sessions of the account that ended at once.
    pub sessions_ended: u64,
}

/// Disable an account: it cannot sign in, and every session it holds ends at once (audited
/// `account.disable`). Not one's own.
#[utoipa::path(tag = "admin", params(("id" = Uuid, Path)), responses(
    (status = 200, body = Disabled),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/admin/accounts/{id}/disable")]
pub async fn disable_account(
    state: web::Data<AppState>,
    admin: AdminCtx,
    meta: Meta,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let sessions_ended = state
        .identity
        .disable_account(
            AccountId(path_id(&id)?),
            admin.0.account,
            admin.0.event(&meta.0, "account.disable"),
        )
        .await?;
    Ok(HttpResponse::Ok().json(Disabled { sessions_ended }))
}

/// Let a disabled account sign in again (audited `account.enable`).
#[utoipa::path(tag = "admin", params(("id" = Uuid, Path)), responses(
    (status = 204),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/admin/accounts/{id}/enable")]
pub async fn enable_account(
    state: web::Data<AppState>,
    admin: AdminCtx,
    meta: Meta,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state
        .identity
        .enable_account(
            AccountId(path_id(&id)?),
            admin.0.event(&meta.0, "account.enable"),
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
