//! A recipient decrypting an encrypted file of a sending (issue 9): they choose the file and
//! the certificate, the SMS names the act, the dialog takes the PIN and the code, and the
//! answer is the download — a ZIP with the file, the sender's signature and its verification
//! protocol, made by the exchange as it streams. A refusal shows the dialog again with why.

use super::chrome::{Chrome, holder};
use super::documents::signers;
use super::error::{WebError, answer, refusal};
use super::second_factor::{Asked, CredentialChoice, PinAnswer};
use super::sendings::{Decrypting, Extra, sending_page_of};
use crate::exchange::EnvelopeFile;
use crate::http::AppState;
use crate::http::auth::Meta;
use crate::http::documents::disposition;
use crate::http::problem::ApiError;
use crate::http::sendings::{object_id, position};
use crate::identity::Person;
use crate::signatures::CredentialId;
use actix_web::http::StatusCode;
use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, post, web};

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(opening).service(open);
}

/// The sending's page with the decryption dialog for `file`, and a refusal to show.
async fn dialog(
    c: &Chrome,
    state: &AppState,
    person: &Person,
    file: EnvelopeFile,
    asked: Asked,
    refused: Option<(StatusCode, String)>,
) -> Result<HttpResponse, WebError> {
    let signer = signers(state, person)
        .await?
        .into_iter()
        .find(|s| s.id == file.credential.0)
        .ok_or(ApiError::NotFound)?;
    let view = state.exchange.sending(person, file.sending).await?;
    let name = view
        .files
        .iter()
        .find(|f| f.position == file.position)
        .map(|f| f.name.clone())
        .ok_or(ApiError::NotFound)?;
    let extra = Extra::Opening(
        asked,
        Decrypting {
            position: file.position,
            name,
            signer,
        },
    );
    sending_page_of(c, state, person, &view, extra, refused).await
}

/// The file, as the form and the path name it.
fn envelope_file(path: &(String, String), credential: &str) -> Result<EnvelopeFile, WebError> {
    Ok(EnvelopeFile {
        sending: object_id(&path.0)?,
        position: position(&path.1)?,
        credential: CredentialId::parse(credential)?,
    })
}

#[post("/cabinet/sendings/{id}/files/{position}/opening")]
async fn opening(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    path: web::Path<(String, String)>,
    form: web::Form<CredentialChoice>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let file = envelope_file(&path, &form.credential)?;
        let pending = state
            .exchange
            .opening_confirmation(&person, &meta.0, file)
            .await;
        match pending {
            Ok(p) => dialog(&c, &state, &person, file, Asked::of(p), None).await,
            Err(e) => {
                let refused = Some(refusal(c.lang, ApiError::from(e))?);
                let view = state.exchange.sending(&person, file.sending).await?;
                sending_page_of(&c, &state, &person, &view, Extra::Nothing, refused).await
            }
        }
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/sendings/{id}/files/{position}/open")]
async fn open(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    path: web::Path<(String, String)>,
    form: web::Form<PinAnswer>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let file = envelope_file(&path, &form.credential)?;
        let second_factor = (form.answer.confirmation.as_str(), form.answer.code.trim());
        let opened = state
            .exchange
            .open_envelope(
                &person,
                &meta.0,
                file,
                &form.pin,
                second_factor,
                c.lang.into(),
            )
            .await;
        match opened {
            Ok(archive) => Ok(HttpResponse::Ok()
                .content_type("application/zip")
                .insert_header(disposition(&archive.name))
                .insert_header(CacheControl(vec![CacheDirective::NoStore]))
                .streaming(archive.stream)),
            Err(e) => {
                let refused = Some(refusal(c.lang, ApiError::from(e))?);
                dialog(&c, &state, &person, file, form.answer.asked(), refused).await
            }
        }
    }
    .await;
    answer(&c, result)
}
