//! The address book in the cabinet: contacts to pick recipients from (add, change, remove,
//! write to one), through the exchange service the API uses. Someone else's contact is a 404
//! page, as in the API.

use super::chrome::{Chrome, Confirmed, holder};
use super::error::{WebError, answer, refusal, shown};
use super::i18n::BookWords;
use super::query;
use super::render::{html, see_other};
use crate::exchange::views::ContactView;
use crate::http::AppState;
use crate::http::address_book::ContactRequest;
use crate::http::sendings::object_id;
use crate::identity::Person;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

/// Contacts per page.
const PAGE: i64 = 20;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_page)
        .service(add)
        .service(edit_page)
        .service(change)
        .service(remove);
}

/// A contact as typed.
#[derive(Deserialize, Default)]
struct ContactForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    organisation: String,
}

impl ContactForm {
    fn of(v: &ContactView) -> ContactForm {
        ContactForm {
            csrf: String::new(),
            name: v.name.clone(),
            email: v.email.clone(),
            organisation: v.organisation.clone().unwrap_or_default(),
        }
    }

    fn request(&self) -> ContactRequest {
        ContactRequest {
            email: self.email.clone(),
            name: self.name.clone(),
            organisation: Some(self.organisation.clone()).filter(|o| !o.trim().is_empty()),
        }
    }
}

#[derive(Template)]
#[template(path = "contacts.html")]
struct ListPage<'a> {
    c: &'a Chrome,
    w: &'static BookWords,
    rows: Vec<ContactView>,
    page: i64,
    more: bool,
    form: &'a ContactForm,
    done: Option<&'static str>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "contact.html")]
struct EditPage<'a> {
    c: &'a Chrome,
    w: &'static BookWords,
    id: uuid::Uuid,
    form: &'a ContactForm,
    error: Option<String>,
}

/// What the list says after an act that redirected to it (`?done=…`).
fn done_word(req: &HttpRequest, w: &'static BookWords) -> Option<&'static str> {
    match query::text(req, "done").as_deref() {
        Some("added") => Some(w.added),
        Some("saved") => Some(w.saved),
        Some("removed") => Some(w.removed),
        _ => None,
    }
}

async fn list_view(
    c: &Chrome,
    req: &HttpRequest,
    state: &AppState,
    person: &Person,
    form: &ContactForm,
    refused: Option<(StatusCode, String)>,
) -> Result<HttpResponse, WebError> {
    let page = query::page(req)?;
    let mut rows = state
        .exchange
        .contacts(person, PAGE + 1, (page - 1) * PAGE)
        .await?;
    let more = rows.len() as i64 > PAGE;
    rows.truncate(PAGE as usize);
    let w = BookWords::of(c.lang);
    let (status, error) = shown(refused);
    let list = ListPage {
        c,
        w,
        rows,
        page,
        more,
        form,
        done: done_word(req, w),
        error,
    };
    Ok(html(c, status, &list))
}

#[get("/cabinet/contacts")]
async fn list_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.reader()?)?;
        list_view(&c, &req, &state, &person, &ContactForm::default(), None).await
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/contacts")]
async fn add(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<ContactForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let added = match form.request().parse() {
            Ok(input) => state
                .exchange
                .add_contact(&person, input)
                .await
                .map_err(Into::into),
            Err(e) => Err(e),
        };
        match added {
            Ok(_) => Ok(see_other("/cabinet/contacts?done=added").finish()),
            Err(e) => {
                let refused = refusal(c.lang, e)?;
                list_view(&c, &req, &state, &person, &form, Some(refused)).await
            }
        }
    }
    .await;
    answer(&c, result)
}

#[get("/cabinet/contacts/{id}")]
async fn edit_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.reader()?)?;
        let id = object_id(&id)?;
        let found = state.exchange.contact(&person, id).await?;
        let page = EditPage {
            c: &c,
            w: BookWords::of(c.lang),
            id,
            form: &ContactForm::of(&found),
            error: None,
        };
        Ok(html(&c, StatusCode::OK, &page))
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/contacts/{id}")]
async fn change(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ContactForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let id = object_id(&id)?;
        let changed = match form.request().parse() {
            Ok(input) => state
                .exchange
                .change_contact(&person, id, input)
                .await
                .map_err(Into::into),
            Err(e) => Err(e),
        };
        match changed {
            Ok(_) => Ok(see_other("/cabinet/contacts?done=saved").finish()),
            Err(e) => {
                let (status, error) = refusal(c.lang, e)?;
                let page = EditPage {
                    c: &c,
                    w: BookWords::of(c.lang),
                    id,
                    form: &form,
                    error: Some(error),
                };
                Ok(html(&c, status, &page))
            }
        }
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/contacts/{id}/delete")]
async fn remove(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<Confirmed>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        state
            .exchange
            .remove_contact(&person, object_id(&id)?)
            .await?;
        Ok(see_other("/cabinet/contacts?done=removed").finish())
    }
    .await;
    answer(&c, result)
}
