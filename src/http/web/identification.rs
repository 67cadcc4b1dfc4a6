//! The identification wizard at the desk (DESIGN §3, §4): the register extract and the checks
//! are on the application's page; the operator ticks the originals presented, confirms the
//! data, and chooses their officer certificate. The service then forms the canonical
//! statement, the page shows it with its hash and asks for the signing PIN and the code the
//! confirmation sent; authorising exactly that hash and identifying happen in one request,
//! so the SAD never leaves the server. The statement is deterministic, so the one shown is
//! the one signed.

use super::chrome::{Chrome, holder};
use super::desk::operator;
use super::desk_application::desk_view;
use super::documents::{Signer, signers};
use super::error::{WebError, answer, refusal, shown};
use super::i18n::DeskWords;
use super::render::{html, see_other};
use super::second_factor::{Answer, Asked};
use crate::http::AppState;
use crate::http::applications::path_id;
use crate::http::auth::Meta;
use crate::http::problem::ApiError;
use crate::identity::Person;
use crate::registration::{Identification, Operator, SignOff, StatementView};
use crate::signatures::{Authorise, CredentialId, Subject};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use askama::Template;
use uuid::Uuid;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(prepare).service(identify);
}

/// The wizard's form as sent: `original` repeats, so it is read pair by pair.
#[derive(Default)]
struct Wizard {
    csrf: String,
    originals: Vec<String>,
    other: String,
    data_confirmed: bool,
    credential: String,
    pin: String,
    answer: Answer,
}

impl Wizard {
    fn read(body: &[u8]) -> Wizard {
        let mut f = Wizard::default();
        for (key, value) in form_urlencoded::parse(body) {
            let value = value.into_owned();
            match key.as_ref() {
                "csrf" => f.csrf = value,
                "original" => f.originals.push(value),
                "other" => f.other = value,
                "data_confirmed" => f.data_confirmed = value == "true",
                "credential" => f.credential = value,
                "pin" => f.pin = value,
                k => f.answer.read(k, &value),
            }
        }
        f
    }

    /// What the operator records; the service checks it (something named, data confirmed).
    fn identification(&self) -> Identification {
        let mut originals = self.originals.clone();
        if !self.other.trim().is_empty() {
            originals.push(self.other.trim().to_owned());
        }
        Identification {
            originals,
            data_confirmed: self.data_confirmed,
        }
    }
}

#[derive(Template)]
#[template(path = "identify.html")]
struct IdentifyPage<'a> {
    c: &'a Chrome,
    d: &'static DeskWords,
    id: Uuid,
    form: &'a Wizard,
    statement: String,
    hash: String,
    signer: Signer,
    asked: Asked,
    error: Option<String>,
}

/// The statement for the wizard's answers, and the subject to authorise: its hash.
async fn statement_of(
    state: &AppState,
    op: &Operator,
    id: Uuid,
    form: &Wizard,
) -> Result<(StatementView, Subject), WebError> {
    let st = state
        .registration
        .identification_statement(op, id, &form.identification())
        .await?;
    let subject = Subject::parse(Some("sha256"), Some(std::slice::from_ref(&st.hash)), None)?;
    Ok((st, subject))
}

/// The hash as the confirmation SMS writes it (hex), so the operator can match the two.
fn hex_of(base64: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(base64)
        .map(hex::encode)
        .unwrap_or_else(|_| base64.to_owned())
}

/// The signing step: the statement, its hash, the certificate, PIN and code.
async fn signing_step(
    c: &Chrome,
    state: &AppState,
    person: &Person,
    id: Uuid,
    form: &Wizard,
    (st, asked): (StatementView, Asked),
    refused: Option<(StatusCode, String)>,
) -> Result<HttpResponse, WebError> {
    let credential = CredentialId::parse(&form.credential)?;
    let signer = signers(state, person)
        .await?
        .into_iter()
        .find(|s| s.id == credential.0)
        .ok_or(ApiError::NotFound)?;
    let statement = serde_json::from_str::<serde_json::Value>(&st.statement)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or(st.statement);
    let (status, error) = shown(refused);
    let page = IdentifyPage {
        c,
        d: DeskWords::of(c.lang),
        id,
        form,
        statement,
        hash: hex_of(&st.hash),
        signer,
        asked,
        error,
    };
    Ok(html(c, status, &page))
}

#[post("/cabinet/desk/{id}/identification")]
async fn prepare(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let form = Wizard::read(&body);
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let op = operator(&person, &meta)?;
        let id = path_id(&id)?;
        let (st, subject) = match statement_of(&state, &op, id, &form).await {
            Ok(found) => found,
            Err(WebError::Api(e)) => {
                let refused = refusal(c.lang, e)?;
                return desk_view(&c, &state, &person, &op, id, Some(refused)).await;
            }
            Err(e) => return Err(e),
        };
        let credential = CredentialId::parse(&form.credential)?;
        let pending = state
            .signatures
            .confirmation(&person, &meta.0, credential, &subject)
            .await?;
        signing_step(
            &c,
            &state,
            &person,
            id,
            &form,
            (st, Asked::of(pending)),
            None,
        )
        .await
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/desk/{id}/identify")]
async fn identify(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let form = Wizard::read(&body);
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let op = operator(&person, &meta)?;
        let id = path_id(&id)?;
        let (st, subject) = statement_of(&state, &op, id, &form).await?;
        let credential = CredentialId::parse(&form.credential)?;
        let input = Authorise {
            pin: &form.pin,
            second_factor: Some((&form.answer.confirmation, form.answer.code.trim())),
            subject,
            lifetime_secs: None,
        };
        let granted = match state
            .signatures
            .authorise(&person, &meta.0, credential, input)
            .await
        {
            Ok(granted) => granted,
            Err(e) => {
                let refused = Some(refusal(c.lang, e)?);
                let asked = form.answer.asked();
                return signing_step(&c, &state, &person, id, &form, (st, asked), refused).await;
            }
        };
        let sign_off = SignOff {
            credential: &form.credential,
            sad: &granted.sad,
        };
        match state
            .registration
            .identify(&op, id, &form.identification(), sign_off)
            .await
        {
            Ok(_) => Ok(see_other(&format!("/cabinet/desk/{id}")).finish()),
            Err(e) => {
                let refused = Some(refusal(c.lang, e)?);
                let asked = form.answer.asked();
                signing_step(&c, &state, &person, id, &form, (st, asked), refused).await
            }
        }
    }
    .await;
    answer(&c, result)
}
