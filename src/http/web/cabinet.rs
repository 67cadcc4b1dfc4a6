//! The subscriber's home page — certificates, applications and what arrived — and the
//! language switch every page carries.

use super::chrome::{Chrome, language_cookie};
use super::error::{WebError, answer};
use super::render::{html, see_other};
use crate::exchange::Folder;
use crate::http::AppState;
use crate::http::auth::{Authorised, Holders, Meta};
use crate::identity::Person;
use crate::identity::values::Language;
use crate::registration::Actor;
use crate::store::applications::{Filter, Sort};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// How many applications and sendings the home page lists.
const RECENT: i64 = 10;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(dashboard).service(language);
}

struct CertificateRow {
    serial: String,
    valid: String,
    status: &'static str,
}

struct ApplicationRow {
    number: i64,
    product: String,
    status: &'static str,
    updated: String,
}

struct ReceivedRow {
    subject: String,
    sender: String,
    when: String,
    unread: bool,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard<'a> {
    c: &'a Chrome,
    name: String,
    holder: bool,
    applicant: bool,
    certificates: Vec<CertificateRow>,
    applications: Vec<ApplicationRow>,
    received: Vec<ReceivedRow>,
}

fn day(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

async fn home(
    c: &Chrome,
    state: &AppState,
    person: &Person,
    meta: &Meta,
) -> Result<HttpResponse, WebError> {
    let profile = match c.profile() {
        Some(p) => p,
        None => &state.identity.profile(person).await?,
    };
    let mut page = Dashboard {
        c,
        name: format!("{} {}", profile.given_name, profile.surname),
        holder: false,
        applicant: false,
        certificates: Vec::new(),
        applications: Vec::new(),
        received: Vec::new(),
    };
    if let Ok(holder) = Authorised::<Holders>::of(person.clone()) {
        page.holder = true;
        page.certificates = state
            .registration
            .certificates(&holder.0)
            .await?
            .into_iter()
            .map(|v| CertificateRow {
                serial: v.serial.unwrap_or_default(),
                valid: format!("{} – {}", day(v.not_before), day(v.not_after)),
                status: c.t.certificate_status(v.status),
            })
            .collect();
        page.received = state
            .exchange
            .folder(&holder.0, Folder::Received, false, RECENT, 0)
            .await?
            .into_iter()
            .map(|s| ReceivedRow {
                subject: s.subject,
                sender: s.sender,
                when: day(s.sent_at),
                unread: s.read == Some(false),
            })
            .collect();
    }
    if let Some(actor) = Actor::person(person, &meta.0) {
        page.applicant = true;
        let (items, _) = state
            .registration
            .applications(&actor, &Filter::default(), Sort::default(), true, RECENT, 0)
            .await?;
        page.applications = items
            .into_iter()
            .map(|a| ApplicationRow {
                number: a.number,
                product: a.product,
                status: c.t.application_status(a.status),
                updated: day(Some(a.updated_at)),
            })
            .collect();
    }
    Ok(html(c, StatusCode::OK, &page))
}

#[get("/cabinet")]
async fn dashboard(req: HttpRequest, state: web::Data<AppState>, meta: Meta) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.reader()?;
        home(&c, &state, person, &meta).await
    }
    .await;
    answer(&c, result)
}

/// The language switch.
#[derive(Deserialize)]
struct LanguageForm {
    csrf: String,
    lang: String,
    back: String,
}

/// Where to return after the switch: a path of ours, never another site.
fn local_path(back: &str) -> &str {
    let ok = back.starts_with('/') && !back.starts_with("//") && !back.contains('\\');
    if ok { back } else { "/cabinet" }
}

#[post("/language")]
async fn language(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<LanguageForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let lang = Language::parse(&form.lang).ok_or_else(|| {
            WebError::Api(crate::http::problem::ApiError::BadRequest(crate::said!(
                "The language is en or ru.",
                "Язык — en или ru."
            )))
        })?;
        if c.signed_in {
            let person = c.confirm(&form.csrf)?;
            state.identity.set_language(person, lang, &meta.0).await?;
        } else {
            c.confirm_anonymous(&form.csrf)?;
        }
        Ok(see_other(local_path(&form.back))
            .cookie(language_cookie(lang))
            .finish())
    }
    .await;
    answer(&c, result)
}
