//! What a recipient does with a sending delivered to them: verify the sender's signatures,
//! acknowledge it by signing the receipt (the same dialog as signing a document: the SMS names
//! the act, the page takes the PIN and the code, and the SAD never leaves the server), or
//! reject it with a reason. The exchange and signature services decide, as for the API.

use super::chrome::{Chrome, Confirmed, holder};
use super::documents::signers;
use super::error::{WebError, answer, refusal};
use super::render::see_other;
use super::second_factor::{Asked, CredentialChoice, PinAnswer};
use super::sendings::{Extra, sending_view};
use crate::exchange::{Acknowledgement, MessageText};
use crate::http::AppState;
use crate::http::auth::Meta;
use crate::http::problem::ApiError;
use crate::http::sendings::object_id;
use crate::identity::Person;
use crate::signatures::{Authorise, CredentialId, Subject};
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use uuid::Uuid;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(verify)
        .service(acknowledgement)
        .service(acknowledge)
        .service(reject);
}

#[post("/cabinet/sendings/{id}/verify")]
async fn verify(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Confirmed>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let id = object_id(&id)?;
        let checked = state.exchange.verify_received(&person, &meta.0, id).await?;
        sending_view(&c, &state, &person, id, Extra::Checked(checked), None).await
    }
    .await;
    answer(&c, result)
}

/// The receipt's hash, as what the signature confirms and authorises.
async fn receipt_subject(state: &AppState, person: &Person, id: Uuid) -> Result<Subject, WebError> {
    let receipt = state.exchange.receipt(person, id).await?;
    let hashes = [receipt.hash];
    Ok(Subject::parse(
        Some(receipt.hash_algorithm),
        Some(&hashes),
        None,
    )?)
}

#[post("/cabinet/sendings/{id}/acknowledgement")]
async fn acknowledgement(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<CredentialChoice>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let id = object_id(&id)?;
        let credential = CredentialId::parse(&form.credential)?;
        let signer = signers(&state, &person)
            .await?
            .into_iter()
            .find(|s| s.id == credential.0)
            .ok_or(ApiError::NotFound)?;
        let subject = receipt_subject(&state, &person, id).await?;
        let pending = state
            .signatures
            .confirmation(&person, &meta.0, credential, &subject)
            .await?;
        let extra = Extra::Acknowledging(Asked::of(pending), signer);
        sending_view(&c, &state, &person, id, extra, None).await
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/sendings/{id}/acknowledge")]
async fn acknowledge(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<PinAnswer>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let id = object_id(&id)?;
        let credential = CredentialId::parse(&form.credential)?;
        let input = Authorise {
            pin: &form.pin,
            second_factor: Some((&form.answer.confirmation, form.answer.code.trim())),
            subject: receipt_subject(&state, &person, id).await?,
            lifetime_secs: None,
        };
        let granted = state
            .signatures
            .authorise(&person, &meta.0, credential, input)
            .await;
        let done = match granted {
            Ok(granted) => {
                let ack = Acknowledgement {
                    credential,
                    sad: &granted.sad,
                };
                state
                    .exchange
                    .acknowledge(&person, &meta.0, id, ack)
                    .await
                    .map_err(ApiError::from)
            }
            Err(e) => Err(ApiError::from(e)),
        };
        match done {
            Ok(_) => Ok(see_other(&format!("/cabinet/sendings/{id}")).finish()),
            Err(e) => {
                let refused = Some(refusal(c.lang, e)?);
                sending_view(&c, &state, &person, id, Extra::Nothing, refused).await
            }
        }
    }
    .await;
    answer(&c, result)
}

/// The rejection form.
#[derive(Deserialize)]
struct Rejecting {
    csrf: String,
    #[serde(default)]
    reason: String,
}

#[post("/cabinet/sendings/{id}/reject")]
async fn reject(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Rejecting>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let id = object_id(&id)?;
        let rejected = match MessageText::parse(form.reason.trim()) {
            Ok(reason) => state
                .exchange
                .reject(&person, &meta.0, id, reason)
                .await
                .map_err(ApiError::from),
            Err(e) => Err(ApiError::from(e)),
        };
        match rejected {
            Ok(_) => Ok(see_other(&format!("/cabinet/sendings/{id}")).finish()),
            Err(e) => {
                let refused = Some(refusal(c.lang, e)?);
                sending_view(&c, &state, &person, id, Extra::Nothing, refused).await
            }
        }
    }
    .await;
    answer(&c, result)
}
