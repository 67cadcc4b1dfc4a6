//! The applicant's application pages: the list, the form that files one, and one application
//! with its process panel, what is expected next, and the applicant's acts (correct the data,
//! confirm it or upload the request, withdraw). The same registration service as the API decides.

use super::applications_view::{self as view, Applying};
use super::chrome::{Chrome, Confirmed};
use super::error::{WebError, answer, refusal, shown};
use super::i18n::Tr;
use super::i18n::{AppWords, PaperWords};
use super::render::{html, see_other};
use crate::http::AppState;
use crate::http::applications::path_id;
use crate::http::auth::Meta;
use crate::http::problem::ApiError;
use crate::http::verify::read_field;
use crate::identity::Person;
use crate::identity::values::Role;
use crate::registration::{Actor, RegistrationError};
use crate::said;
use crate::said::Said;
use crate::store::applications::{Filter, Sort};
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use futures_util::StreamExt;
use serde::Deserialize;

/// Applications per page of the list.
const PAGE: i64 = 20;
/// The largest certificate request the page takes (a PKCS#10 is a few kilobytes).
const CSR_MAX_BYTES: usize = 64 * 1024;

/// Register every route of this file (`new` before `{id}`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_page)
        .service(new_page)
        .service(file_application)
        .service(application_page)
        .service(edit_page)
        .service(correct)
        .service(confirm_request)
        .service(upload_request)
        .service(withdraw);
}

/// The applicant's capability: subscribers for themselves, partner agents for their clients.
fn actor(person: &Person, meta: &Meta) -> Result<Actor, WebError> {
    match person.role {
        Role::Subscriber | Role::PartnerAgent => Actor::person(person, &meta.0).ok_or_else(|| {
            ApiError::forbidden(said!(
                "Applications are for applicants.",
                "Заявки — для заявителей."
            ))
            .into()
        }),
        _ => Err(ApiError::forbidden(said!(
            "Applications are for applicants.",
            "Заявки — для заявителей."
        ))
        .into()),
    }
}

#[derive(Template)]
#[template(path = "applications.html")]
struct ListPage<'a> {
    c: &'a Chrome,
    w: &'static AppWords,
    rows: Vec<view::Row>,
    total: i64,
    page: i64,
    more: bool,
}

#[get("/cabinet/applications")]
async fn list_page(req: HttpRequest, state: web::Data<AppState>, meta: Meta) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let actor = actor(c.reader()?, &meta)?;
        let page = super::query::page(&req)?;
        let (items, total) = state
            .registration
            .applications(
                &actor,
                &Filter::default(),
                Sort::default(),
                true,
                PAGE,
                (page - 1) * PAGE,
            )
            .await?;
        let names = view::product_names(&state.registration.catalogue().await?, &c);
        let page = ListPage {
            c: &c,
            w: AppWords::of(c.lang),
            rows: items.iter().map(|a| view::Row::of(&c, &names, a)).collect(),
            total,
            page,
            more: page * PAGE < total,
        };
        Ok(html(&c, StatusCode::OK, &page))
    }
    .await;
    answer(&c, result)
}

#[derive(Template)]
#[template(path = "application_new.html")]
struct FormPage<'a> {
    c: &'a Chrome,
    w: &'static AppWords,
    form: &'a Applying,
    products: Vec<view::Choice>,
    points: Vec<view::Choice>,
    partner: bool,
    editing: Option<uuid::Uuid>,
    error: Option<String>,
}

/// The form, empty or as the person sent it, with why it was refused; `editing` names the
/// application whose data it corrects.
async fn form_page(
    c: &Chrome,
    state: &AppState,
    person: &Person,
    form: &Applying,
    editing: Option<uuid::Uuid>,
    refusal: Option<(StatusCode, String)>,
) -> Result<HttpResponse, WebError> {
    let (status, error) = shown(refusal);
    let page = FormPage {
        c,
        w: AppWords::of(c.lang),
        form,
        products: view::Choice::products(&state.registration.catalogue().await?, c),
        points: view::Choice::points(&state.registration.points_of_issue().await?),
        partner: person.role == Role::PartnerAgent,
        editing,
        error,
    };
    Ok(html(c, status, &page))
}

#[get("/cabinet/applications/new")]
async fn new_page(req: HttpRequest, state: web::Data<AppState>, meta: Meta) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.reader()?;
        actor(person, &meta)?;
        form_page(&c, &state, person, &Applying::default(), None, None).await
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/applications")]
async fn file_application(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<Applying>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let form = form.into_inner();
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let actor = actor(person, &meta)?;
        let w = AppWords::of(c.lang);
        let new = match form.parse(w) {
            Ok(new) => new,
            Err(message) => {
                let refusal = Some((StatusCode::BAD_REQUEST, message));
                return form_page(&c, &state, person, &form, None, refusal).await;
            }
        };
        match state.registration.file(&actor, new).await {
            Ok(filed) => Ok(see_other(&format!("/cabinet/applications/{}", filed.id)).finish()),
            Err(e) => form_page(&c, &state, person, &form, None, Some(refusal(c.lang, e)?)).await,
        }
    }
    .await;
    answer(&c, result)
}

#[get("/cabinet/applications/{id}/edit")]
async fn edit_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.reader()?;
        let actor = actor(person, &meta)?;
        let found = state
            .registration
            .application(&actor, path_id(&id)?)
            .await?;
        let refused = match found.status.data_editable() {
            true => None,
            false => Some(refusal(
                c.lang,
                RegistrationError::data_frozen(found.status),
            )?),
        };
        let form = Applying::of(&found.applicant);
        form_page(&c, &state, person, &form, Some(found.id), refused).await
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/applications/{id}/applicant")]
async fn correct(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Applying>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let form = form.into_inner();
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let actor = actor(person, &meta)?;
        let id = path_id(&id)?;
        let applicant = match form.applicant(AppWords::of(c.lang)) {
            Ok(a) => a,
            Err(message) => {
                let refused = Some((StatusCode::BAD_REQUEST, message));
                return form_page(&c, &state, person, &form, Some(id), refused).await;
            }
        };
        match state
            .registration
            .update_applicant(&actor, id, applicant)
            .await
        {
            Ok(_) => Ok(see_other(&format!("/cabinet/applications/{id}")).finish()),
            Err(e) => {
                form_page(
                    &c,
                    &state,
                    person,
                    &form,
                    Some(id),
                    Some(refusal(c.lang, e)?),
                )
                .await
            }
        }
    }
    .await;
    answer(&c, result)
}

#[derive(Template)]
#[template(path = "application.html")]
struct ApplicationPage<'a> {
    c: &'a Chrome,
    w: &'static AppWords,
    p: &'static PaperWords,
    a: view::Shown,
}

#[get("/cabinet/applications/{id}")]
async fn application_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.reader()?;
        let actor = actor(person, &meta)?;
        let id = path_id(&id)?;
        let found = state.registration.application(&actor, id).await?;
        let w = AppWords::of(c.lang);
        let names = view::product_names(&state.registration.catalogue().await?, &c);
        let applicant = person.role == Role::Subscriber;
        let page = ApplicationPage {
            c: &c,
            w,
            a: view::Shown::of(&c, w, &names, &found, applicant),
            p: PaperWords::of(c.lang),
        };
        Ok(html(&c, StatusCode::OK, &page))
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/applications/{id}/request")]
async fn confirm_request(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Confirmed>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let actor = actor(c.confirm(&form.csrf)?, &meta)?;
        let id = path_id(&id)?;
        state.registration.submit_request(&actor, id, None).await?;
        Ok(see_other(&format!("/cabinet/applications/{id}")).finish())
    }
    .await;
    answer(&c, result)
}

/// The request form's token and file.
async fn read_request(mut form: Multipart) -> Result<(String, Vec<u8>), WebError> {
    let mut token = String::new();
    let mut file = Vec::new();
    while let Some(field) = form.next().await {
        let field = field.map_err(super::chrome::malformed)?;
        match field.name() {
            Some("csrf") => {
                token = String::from_utf8_lossy(&read_field(field, 256).await?).into_owned();
            }
            Some("csr") => file = read_field(field, CSR_MAX_BYTES).await?,
            _ => {
                return Err(ApiError::BadRequest(said!(
                    "The form has the fields csrf and csr only.",
                    "В форме только поля csrf и csr."
                ))
                .into());
            }
        }
    }
    Ok((token, file))
}

#[post("/cabinet/applications/{id}/csr")]
async fn upload_request(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: Multipart,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let (token, file) = read_request(form).await?;
        let actor = actor(c.confirm(&token)?, &meta)?;
        let id = path_id(&id)?;
        if file.is_empty() {
            return Err(ApiError::BadRequest(Said::each(|l| Tr::of(l).no_file)).into());
        }
        state
            .registration
            .submit_request(&actor, id, Some(file))
            .await?;
        Ok(see_other(&format!("/cabinet/applications/{id}")).finish())
    }
    .await;
    answer(&c, result)
}

/// The withdrawal form.
#[derive(Deserialize)]
struct Withdrawal {
    csrf: String,
    #[serde(default)]
    reason: String,
}

#[post("/cabinet/applications/{id}/cancel")]
async fn withdraw(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Withdrawal>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let actor = actor(c.confirm(&form.csrf)?, &meta)?;
        let id = path_id(&id)?;
        let reason = Some(form.reason.trim()).filter(|r| !r.is_empty());
        state.registration.cancel(&actor, id, reason).await?;
        Ok(see_other(&format!("/cabinet/applications/{id}")).finish())
    }
    .await;
    answer(&c, result)
}
