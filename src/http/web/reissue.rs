//! Reissuing a cloud certificate from its page: the button starts the second-factor
//! confirmation, the form takes the current signing PIN (the current key signs the reissue),
//! an optional new PIN twice, and the code. The old certificate is revoked as superseded in
//! the same transaction that issues the new one — the registration service's rule.

use super::certificates::{Waiting, certificate_view};
use super::chrome::{Chrome, Confirmed, holder};
use super::error::{answer, refusal};
use super::i18n::CertWords;
use super::render::see_other;
use super::second_factor::{Answer, Asked};
use crate::http::AppState;
use crate::http::applications::path_id;
use crate::http::auth::Meta;
use crate::registration::reissue::Reissue;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(start).service(reissue);
}

#[post("/cabinet/certificates/{id}/reissue/start")]
async fn start(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Confirmed>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let id = path_id(&id)?;
        let v = state.registration.certificate(&person, id).await?;
        let pending = state
            .registration
            .reissue_confirmation(&person, &meta.0, id)
            .await?;
        let waiting = Waiting::Reissue(Asked::of(pending));
        Ok(certificate_view(&c, &v, waiting, None))
    }
    .await;
    answer(&c, result)
}

/// The reissue form.
#[derive(Deserialize)]
struct Reissuing {
    csrf: String,
    #[serde(default)]
    pin: String,
    #[serde(default)]
    new_pin: String,
    #[serde(default)]
    new_pin_again: String,
    #[serde(flatten)]
    answer: Answer,
}

#[post("/cabinet/certificates/{id}/reissue")]
async fn reissue(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Reissuing>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let id = path_id(&id)?;
        let v = state.registration.certificate(&person, id).await?;
        let waiting = Waiting::Reissue(form.answer.asked());
        if form.new_pin != form.new_pin_again {
            let refused = (
                StatusCode::BAD_REQUEST,
                CertWords::of(c.lang).pins_differ.into(),
            );
            return Ok(certificate_view(&c, &v, waiting, Some(refused)));
        }
        let input = Reissue {
            pin: &form.pin,
            new_pin: Some(form.new_pin.as_str()).filter(|p| !p.is_empty()),
            confirmation: &form.answer.confirmation,
            code: form.answer.code.trim(),
        };
        match state
            .registration
            .reissue(&person, &meta.0, id, input)
            .await
        {
            Ok(new) => Ok(see_other(&format!("/cabinet/certificates/{}", new.id)).finish()),
            Err(e) => Ok(certificate_view(&c, &v, waiting, Some(refusal(c.lang, e)?))),
        }
    }
    .await;
    answer(&c, result)
}
