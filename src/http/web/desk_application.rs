//! One application at the operator desk: the same process panel, details, checks and history
//! the applicant sees, and the operator's acts for its status (accept the data, record the
//! payment, reject with a reason, resend the marker, the completion steps, revoke a
//! certificate issued on it), each the registration service's call the API's desk routes
//! make. Another point's application is a 404 page.

use super::applications_view::{self as view, product_names};
use super::chrome::{Chrome, Confirmed};
use super::desk::operator;
use super::documents::{Signer, signers};
use super::error::{WebError, answer, refusal, shown};
use super::i18n::{AppWords, DeskWords, PaperWords};
use super::render::{html, see_other};
use crate::http::AppState;
use crate::http::applications::path_id;
use crate::http::auth::Meta;
use crate::http::problem::ApiError;
use crate::identity::Person;
use crate::pki::revocation::RevocationReason;
use crate::registration::views::CertificateStatus;
use crate::registration::{Operator, RegistrationError, Status};
use crate::registries::wire::{EntityStatus, LegalEntity};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

/// Register every route of this file (the named acts before the generic one).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(application_page)
        .service(payment)
        .service(reject)
        .service(revoke)
        .configure(super::identification::configure)
        .configure(super::application_documents::configure)
        .service(act);
}

#[derive(Template)]
#[template(path = "desk_application.html")]
struct DeskPage<'a> {
    c: &'a Chrome,
    w: &'static AppWords,
    p: &'static PaperWords,
    d: &'static DeskWords,
    a: view::Shown,
    status: &'static str,
    extract: Option<Extract>,
    signers: Vec<Signer>,
    revocable: Vec<(Uuid, String)>,
    reasons: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

/// The register extract of an employee's organisation, as the wizard's first step shows it.
struct Extract {
    name: String,
    active: bool,
    ogrn: String,
    inn: String,
    kpp: String,
    address: String,
    head: String,
    date: String,
}

impl Extract {
    fn of(e: &LegalEntity) -> Extract {
        Extract {
            name: format!("{} ({})", e.full_name, e.short_name),
            active: e.status == EntityStatus::Active,
            ogrn: e.ogrn.clone(),
            inn: e.inn.clone(),
            kpp: e.kpp.clone(),
            address: e.address.clone(),
            head: format!("{}, {}", e.head.name, e.head.position),
            date: e.extract_date.to_string(),
        }
    }
}

/// The page, with the refusal of an act when there was one. The wizard offers the
/// operator's own certificates that can sign now.
pub(super) async fn desk_view(
    c: &Chrome,
    state: &AppState,
    person: &Person,
    op: &Operator,
    id: Uuid,
    refused: Option<(StatusCode, String)>,
) -> Result<HttpResponse, WebError> {
    let found = state.registration.application(op.actor(), id).await?;
    let w = AppWords::of(c.lang);
    let names = product_names(&state.registration.catalogue().await?, c);
    let (status, error) = shown(refused);
    let d = DeskWords::of(c.lang);
    let page = DeskPage {
        c,
        w,
        d,
        p: PaperWords::of(c.lang),
        a: view::Shown::of(c, w, &names, &found, false),
        status: found.status.as_str(),
        extract: found.legal_entity_extract.as_ref().map(Extract::of),
        signers: if found.status == Status::AwaitingIdentification {
            signers(state, person).await?
        } else {
            Vec::new()
        },
        revocable: found
            .certificates
            .iter()
            .filter(|k| k.status == CertificateStatus::Active)
            .map(|k| (k.id, k.serial.clone().unwrap_or_default()))
            .collect(),
        reasons: RevocationReason::ALL
            .iter()
            .map(|r| (r.as_str(), d.reason_name(*r)))
            .collect(),
        error,
    };
    Ok(html(c, status, &page))
}

/// After an act: back to the page (303), or the page with the service's refusal.
async fn after(
    c: &Chrome,
    state: &AppState,
    person: &Person,
    op: &Operator,
    id: Uuid,
    done: Result<impl Sized, RegistrationError>,
) -> Result<HttpResponse, WebError> {
    match done {
        Ok(_) => Ok(see_other(&format!("/cabinet/desk/{id}")).finish()),
        Err(e) => desk_view(c, state, person, op, id, Some(refusal(c.lang, e)?)).await,
    }
}

#[get("/cabinet/desk/{id}")]
async fn application_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.reader()?;
        let op = operator(person, &meta)?;
        desk_view(&c, &state, person, &op, path_id(&id)?, None).await
    }
    .await;
    answer(&c, result)
}

/// The payment's reference.
#[derive(Deserialize)]
struct PaymentForm {
    csrf: String,
    reference: String,
}

#[post("/cabinet/desk/{id}/payment")]
async fn payment(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<PaymentForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let op = operator(person, &meta)?;
        let id = path_id(&id)?;
        let done = state.registration.mark_paid(&op, id, &form.reference).await;
        after(&c, &state, person, &op, id, done).await
    }
    .await;
    answer(&c, result)
}

/// The reason the applicant reads.
#[derive(Deserialize)]
struct RejectForm {
    csrf: String,
    reason: String,
}

#[post("/cabinet/desk/{id}/reject")]
async fn reject(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<RejectForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let op = operator(person, &meta)?;
        let id = path_id(&id)?;
        let done = state.registration.reject(&op, id, &form.reason).await;
        after(&c, &state, person, &op, id, done).await
    }
    .await;
    answer(&c, result)
}

/// Which certificate, the RFC 5280 reason and the operator's words.
#[derive(Deserialize)]
struct RevokeForm {
    csrf: String,
    #[serde(default)]
    certificate: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

#[post("/cabinet/desk/{id}/revocation")]
async fn revoke(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<RevokeForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let op = operator(person, &meta)?;
        let id = path_id(&id)?;
        let certificate = path_id(&form.certificate)?;
        let reason = match form.reason.parse::<RevocationReason>() {
            Ok(r) => r,
            Err(e) => {
                let refused = refusal(c.lang, ApiError::BadRequest(e))?;
                return desk_view(&c, &state, person, &op, id, Some(refused)).await;
            }
        };
        let done = state
            .registration
            .revoke_by_operator(&op, id, certificate, reason, &form.note)
            .await;
        after(&c, &state, person, &op, id, done).await
    }
    .await;
    answer(&c, result)
}

/// The acts that take nothing but the button.
#[post("/cabinet/desk/{id}/{act}")]
async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    path: web::Path<(String, String)>,
    form: web::Form<Confirmed>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let op = operator(person, &meta)?;
        let (id, act) = path.into_inner();
        let id = path_id(&id)?;
        let r = &state.registration;
        let done = match act.as_str() {
            "accept" => r.accept(&op, id).await,
            "marker" => r.resend_marker(&op, id).await,
            "documents-prepared" => r.documents_prepared(&op, id).await,
            "completion-confirmed" => r.completion_confirmed(&op, id).await,
            "complete" => r.complete(&op, id).await,
            _ => return Err(ApiError::NotFound.into()),
        };
        after(&c, &state, person, &op, id, done).await
    }
    .await;
    answer(&c, result)
}
