//! Activating a certificate from the cabinet: the applicant opens the form (which starts the
//! second-factor confirmation), types the SMS marker, chooses the signing PIN and the kind of
//! key on the cloud track, and answers the code. The registration service checks each in the
//! API's order and counts the wrong ones; the page never echoes the marker or the PIN back.

use super::chrome::{Chrome, Confirmed};
use super::error::{WebError, answer, refusal, shown};
use super::i18n::CertWords;
use super::render::{html, see_other};
use super::second_factor::{Answer, Asked};
use crate::http::AppState;
use crate::http::applications::path_id;
use crate::http::auth::Meta;
use crate::http::problem::ApiError;
use crate::identity::Person;
use crate::registration::activation::{Activation, chosen_key_algorithm};
use crate::registration::values::Track;
use crate::registration::{Actor, ApplicationView};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(start).service(activate);
}

#[derive(Template)]
#[template(path = "activate.html")]
struct ActivatePage<'a> {
    c: &'a Chrome,
    cw: &'static CertWords,
    id: Uuid,
    number: i64,
    cloud: bool,
    asked: Asked,
    error: Option<String>,
}

/// The application, seen as its holder (404 for anyone else's).
async fn own_application(
    state: &AppState,
    person: &Person,
    meta: &Meta,
    id: Uuid,
) -> Result<ApplicationView, WebError> {
    let actor = Actor::holder(person, &meta.0).ok_or(ApiError::NotFound)?;
    Ok(state.registration.application(&actor, id).await?)
}

fn page(
    c: &Chrome,
    a: &ApplicationView,
    asked: Asked,
    refusal: Option<(StatusCode, String)>,
) -> HttpResponse {
    let (status, error) = shown(refusal);
    let page = ActivatePage {
        c,
        cw: CertWords::of(c.lang),
        id: a.id,
        number: a.number,
        cloud: a.track == Track::Cloud,
        asked,
        error,
    };
    html(c, status, &page)
}

#[post("/cabinet/applications/{id}/activation")]
async fn start(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Confirmed>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let id = path_id(&id)?;
        let a = own_application(&state, person, &meta, id).await?;
        let pending = state
            .registration
            .activation_confirmation(person, &meta.0, id)
            .await?;
        Ok(page(&c, &a, Asked::of(pending), None))
    }
    .await;
    answer(&c, result)
}

/// The activation form.
#[derive(Deserialize)]
struct Activating {
    csrf: String,
    #[serde(default)]
    marker: String,
    #[serde(default)]
    pin: String,
    #[serde(default)]
    pin_again: String,
    #[serde(default)]
    key_algorithm: String,
    #[serde(flatten)]
    answer: Answer,
}

#[post("/cabinet/applications/{id}/activate")]
async fn activate(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Activating>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let id = path_id(&id)?;
        let a = own_application(&state, person, &meta, id).await?;
        let cloud = a.track == Track::Cloud;
        if cloud && form.pin != form.pin_again {
            let refusal = (
                StatusCode::BAD_REQUEST,
                CertWords::of(c.lang).pins_differ.into(),
            );
            return Ok(page(&c, &a, form.answer.asked(), Some(refusal)));
        }
        let key_algorithm = match chosen_key_algorithm(Some(&form.key_algorithm)) {
            Ok(a) => a.filter(|_| cloud),
            Err(e) => return Ok(page(&c, &a, form.answer.asked(), Some(refusal(c.lang, e)?))),
        };
        let input = Activation {
            key_algorithm,
            marker: form.marker.trim(),
            pin: Some(form.pin.as_str()).filter(|_| cloud),
            confirmation: &form.answer.confirmation,
            code: form.answer.code.trim(),
        };
        match state
            .registration
            .activate(person, &meta.0, id, input)
            .await
        {
            Ok(cert) => Ok(see_other(&format!("/cabinet/certificates/{}", cert.id)).finish()),
            Err(e) => Ok(page(&c, &a, form.answer.asked(), Some(refusal(c.lang, e)?))),
        }
    }
    .await;
    answer(&c, result)
}
