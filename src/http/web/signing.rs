//! The signing dialog: the holder chooses documents and a certificate, the service starts the
//! second-factor confirmation (its SMS names the certificate and the documents), the dialog
//! names the same and asks for the signing PIN and the code; then the authorisation and the
//! signature happen in one request, so the SAD never leaves the server.

use super::chrome::{Chrome, holder};
use super::documents::{Doc, Signer, signers};
use super::error::{WebError, answer, refusal, shown};
use super::i18n::DocWords;
use super::render::{html, see_other};
use super::second_factor::{Answer, Asked};
use crate::documents::{DocumentId, DocumentView};
use crate::http::AppState;
use crate::http::auth::Meta;
use crate::http::problem::ApiError;
use crate::identity::Person;
use crate::said;
use crate::said::Said;
use crate::signatures::{
    Authorise, CredentialId, Format, Level, RsaPadding, Shape, SignInput, SignatureError, Subject,
};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use askama::Template;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(start).service(sign);
}

/// The dialog's form as sent: `document` may repeat, so it is read pair by pair.
#[derive(Default)]
struct Form {
    csrf: String,
    credential: String,
    documents: Vec<String>,
    pin: String,
    format: String,
    level: String,
    label: String,
    answer: Answer,
}

impl Form {
    fn read(body: &[u8]) -> Form {
        let mut f = Form::default();
        for (key, value) in form_urlencoded::parse(body) {
            let value = value.into_owned();
            match key.as_ref() {
                "csrf" => f.csrf = value,
                "credential" => f.credential = value,
                "document" => f.documents.push(value),
                "pin" => f.pin = value,
                "format" => f.format = value,
                "level" => f.level = value,
                "label" => f.label = value,
                k => f.answer.read(k, &value),
            }
        }
        f
    }

    /// A document is signed as CMS, detached or attached (a raw signature suits hashes).
    fn shape(&self) -> Result<Shape, SignatureError> {
        let format = Format::parse(&self.format)?;
        if format == Format::Raw {
            return Err(SignatureError::Invalid(said!(
                "a document is signed as CMS, detached or attached",
                "документ подписывается в CMS, отделённой или присоединённой подписью"
            )));
        }
        Ok(Shape {
            format,
            level: Level::parse(&self.level)?,
            padding: RsaPadding::default(),
        })
    }

    fn subject(&self) -> Result<Subject, WebError> {
        if self.documents.is_empty() {
            return Err(ApiError::BadRequest(Said::each(|l| DocWords::of(l).choose_one)).into());
        }
        Ok(Subject::parse(None, None, Some(&self.documents))?)
    }
}

#[derive(Template)]
#[template(path = "sign.html")]
struct SignPage<'a> {
    c: &'a Chrome,
    d: &'static DocWords,
    signer: Signer,
    docs: Vec<Doc>,
    asked: Asked,
    attached: bool,
    timestamped: bool,
    label: String,
    error: Option<String>,
}

/// The dialog for `form`'s documents and certificate (both the holder's, else not found).
async fn dialog(
    c: &Chrome,
    state: &AppState,
    person: &Person,
    form: &Form,
    asked: Asked,
    refused: Option<(StatusCode, String)>,
) -> Result<HttpResponse, WebError> {
    let credential = CredentialId::parse(&form.credential)?;
    let signer = signers(state, person)
        .await?
        .into_iter()
        .find(|s| s.id == credential.0)
        .ok_or(ApiError::NotFound)?;
    let mut docs = Vec::with_capacity(form.documents.len());
    for id in &form.documents {
        let row = state
            .documents
            .document(person.account.0, DocumentId::parse(id.trim())?)
            .await?;
        docs.push(Doc::of(&DocumentView::from(&row)));
    }
    let (status, error) = shown(refused);
    let page = SignPage {
        c,
        d: DocWords::of(c.lang),
        signer,
        docs,
        asked,
        attached: form.format == "attached",
        timestamped: form.level == "t",
        label: form.label.clone(),
        error,
    };
    Ok(html(c, status, &page))
}

#[post("/cabinet/documents/sign")]
async fn start(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    body: web::Bytes,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let form = Form::read(&body);
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let subject = form.subject()?;
        let credential = CredentialId::parse(&form.credential)?;
        let pending = state
            .signatures
            .confirmation(&person, &meta.0, credential, &subject)
            .await?;
        dialog(&c, &state, &person, &form, Asked::of(pending), None).await
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/documents/sign/confirm")]
async fn sign(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    body: web::Bytes,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let form = Form::read(&body);
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let subject = form.subject()?;
        let credential = CredentialId::parse(&form.credential)?;
        let shape = match form.shape() {
            Ok(shape) => shape,
            Err(e) => {
                let refused = Some(refusal(c.lang, e)?);
                let asked = form.answer.asked();
                return dialog(&c, &state, &person, &form, asked, refused).await;
            }
        };
        let input = Authorise {
            pin: &form.pin,
            second_factor: Some((&form.answer.confirmation, form.answer.code.trim())),
            subject: subject.clone(),
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
                return dialog(&c, &state, &person, &form, asked, refused).await;
            }
        };
        let label = Some(form.label.trim().to_owned()).filter(|l| !l.is_empty());
        let input = SignInput {
            credential,
            sad: &granted.sad,
            subject,
            shape,
            label,
            contents: Vec::new(),
        };
        let made = state.signatures.sign(&person, &meta.0, input).await?;
        let to = match form.documents.as_slice() {
            [one] => format!("/cabinet/documents/{}", one.trim()),
            _ => format!("/cabinet/documents?signed={}", made.len()),
        };
        Ok(see_other(&to).finish())
    }
    .await;
    answer(&c, result)
}
