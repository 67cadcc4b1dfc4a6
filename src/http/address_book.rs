//! The exchange's address book over HTTP: contacts, counterparty relationships and the
//! "accept documents only from my counterparties" setting. Every object answers 404 to anyone
//! but its owner (contacts) or its two sides (relationships).

use super::AppState;
use super::auth::{Authorised, Holders, Meta};
use super::problem::{ApiError, Problem};
use super::sendings::object_id;
use super::signatures::Page;
use crate::exchange::views::{ContactView, CounterpartyView, ExchangeSettings};
use crate::exchange::{ContactInput, ContactName, Invitation, ShortText};
use crate::identity::values::Email;
use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(add_contact)
        .service(contacts)
        .service(contact)
        .service(change_contact)
        .service(remove_contact)
        .service(invite)
        .service(counterparties)
        .service(counterparty)
        .service(accept)
        .service(decline)
        .service(end)
        .service(settings)
        .service(set_settings);
}

/// A contact as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactRequest {
    /// Email address.
    pub email: String,
    /// Name, 1 to 200 characters.
    pub name: String,
    /// Organisation, at most 200 characters.
    #[serde(default)]
    pub organisation: Option<String>,
}

impl ContactRequest {
    /// The typed values, as the API and the cabinet's form both send them.
    pub(crate) fn parse(&self) -> Result<ContactInput, ApiError> {
        Ok(ContactInput {
            email: Email::parse(&self.email).map_err(|e| ApiError::BadRequest(e.0))?,
            name: ContactName::parse(&self.name)?,
            organisation: ShortText::parse(
                self.organisation.as_deref(),
                &crate::said!("an organisation", "организация"),
            )?,
        })
    }
}

/// Add a contact to your address book (an email already there answers 409).
#[utoipa::path(tag = "exchange", request_body = ContactRequest, responses(
    (status = 201, body = ContactView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/contacts")]
pub async fn add_contact(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    body: web::Json<ContactRequest>,
) -> Result<HttpResponse, ApiError> {
    let made = state.exchange.add_contact(&who.0, body.parse()?).await?;
    Ok(HttpResponse::Created().json(made))
}

/// Your contacts by name.
#[utoipa::path(tag = "exchange", params(Page), responses(
    (status = 200, body = Vec<ContactView>),
    (status = 400, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/contacts")]
pub async fn contacts(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    q: web::Query<Page>,
) -> Result<HttpResponse, ApiError> {
    let (limit, offset) = q.checked()?;
    Ok(HttpResponse::Ok().json(state.exchange.contacts(&who.0, limit, offset).await?))
}

/// One of your contacts.
#[utoipa::path(tag = "exchange", responses(
    (status = 200, body = ContactView),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/contacts/{id}")]
pub async fn contact(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let found = state.exchange.contact(&who.0, object_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Rewrite one of your contacts.
#[utoipa::path(tag = "exchange", request_body = ContactRequest, responses(
    (status = 200, body = ContactView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[put("/api/v1/contacts/{id}")]
pub async fn change_contact(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    id: web::Path<String>,
    body: web::Json<ContactRequest>,
) -> Result<HttpResponse, ApiError> {
    let changed = state
        .exchange
        .change_contact(&who.0, object_id(&id)?, body.parse()?)
        .await?;
    Ok(HttpResponse::Ok().json(changed))
}

/// Remove one of your contacts.
#[utoipa::path(tag = "exchange", responses(
    (status = 204),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[delete("/api/v1/contacts/{id}")]
pub async fn remove_contact(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state
        .exchange
        .remove_contact(&who.0, object_id(&id)?)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An invitation as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationRequest {
    /// The email to invite (registered or not).
    pub email: String,
    /// A note shown to them, at most 200 characters.
    #[serde(default)]
    pub note: Option<String>,
}

/// Invite an email to become your counterparty; they are told by email. At most 50 a day.
#[utoipa::path(tag = "exchange", request_body = InvitationRequest, responses(
    (status = 201, body = CounterpartyView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/counterparties")]
pub async fn invite(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    meta: Meta,
    body: web::Json<InvitationRequest>,
) -> Result<HttpResponse, ApiError> {
    let invitation = Invitation {
        email: Email::parse(&body.email).map_err(|e| ApiError::BadRequest(e.0))?,
        note: ShortText::parse(body.note.as_deref(), &crate::said!("a note", "заметка"))?,
    };
    let made = state.exchange.invite(&who.0, &meta.0, invitation).await?;
    Ok(HttpResponse::Created().json(made))
}

/// Your counterparty relationships and invitations, both directions, newest first.
#[utoipa::path(tag = "exchange", params(Page), responses(
    (status = 200, body = Vec<CounterpartyView>),
    (status = 400, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/counterparties")]
pub async fn counterparties(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    q: web::Query<Page>,
) -> Result<HttpResponse, ApiError> {
    let (limit, offset) = q.checked()?;
    let found = state.exchange.counterparties(&who.0, limit, offset).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// One relationship you are a side of.
#[utoipa::path(tag = "exchange", responses(
    (status = 200, body = CounterpartyView),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/counterparties/{id}")]
pub async fn counterparty(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let found = state.exchange.counterparty(&who.0, object_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Accept an invitation addressed to your email.
#[utoipa::path(tag = "exchange", responses(
    (status = 200, body = CounterpartyView),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/counterparties/{id}/accept")]
pub async fn accept(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    meta: Meta,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let done = state
        .exchange
        .answer(&who.0, &meta.0, object_id(&id)?, true)
        .await?;
    Ok(HttpResponse::Ok().json(done))
}

/// Decline an invitation addressed to your email.
#[utoipa::path(tag = "exchange", responses(
    (status = 200, body = CounterpartyView),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/counterparties/{id}/decline")]
pub async fn decline(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    meta: Meta,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let done = state
        .exchange
        .answer(&who.0, &meta.0, object_id(&id)?, false)
        .await?;
    Ok(HttpResponse::Ok().json(done))
}

/// End a relationship, or withdraw your invitation.
#[utoipa::path(tag = "exchange", responses(
    (status = 200, body = CounterpartyView),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/counterparties/{id}/end")]
pub async fn end(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    meta: Meta,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let done = state.exchange.end(&who.0, &meta.0, object_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(done))
}

/// Your exchange settings.
#[utoipa::path(tag = "exchange", responses((status = 200, body = ExchangeSettings)))]
#[get("/api/v1/account/exchange-settings")]
pub async fn settings(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.exchange.settings(&who.0).await?))
}

/// Exchange settings as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsRequest {
    /// Accept sendings only from accepted counterparties.
    pub accept_only_counterparties: bool,
}

/// Change your exchange settings.
#[utoipa::path(tag = "exchange", request_body = SettingsRequest, responses(
    (status = 200, body = ExchangeSettings),
    (status = 400, body = Problem, content_type = "application/problem+json")))]
#[put("/api/v1/account/exchange-settings")]
pub async fn set_settings(
    state: web::Data<AppState>,
    who: Authorised<Holders>,
    meta: Meta,
    body: web::Json<SettingsRequest>,
) -> Result<HttpResponse, ApiError> {
    let wanted = ExchangeSettings {
        accept_only_counterparties: body.accept_only_counterparties,
    };
    let done = state.exchange.set_settings(&who.0, &meta.0, wanted).await?;
    Ok(HttpResponse::Ok().json(done))
}
