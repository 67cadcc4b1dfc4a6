//! Writing a sending in the cabinet: recipients typed or picked from the address book, a
//! subject and a message, and documents with a signature made here. Sent (or saved as a
//! draft) through the exchange service, which verifies every signature before anything goes;
//! a refusal comes back as the form, filled in. A key in the form makes a second press send
//! nothing more. A draft opens in the same form and is saved again or sent from it. A
//! document signed with another program goes with its signature file, which the form
//! uploads (the form is multipart; its token comes first so a forged one reads no file).

use super::chrome::{Chrome, holder, malformed};
use super::error::{WebError, answer, refusal, shown};
use super::i18n::SendWords;
use super::render::{html, see_other};
use super::sendings::idempotency_key;
use crate::documents::DocumentId;
use crate::exchange::{
    Attachment, IdempotencyKey, MessageText, Outgoing, SignatureChoice, Subject,
};
use crate::http::AppState;
use crate::http::auth::Meta;
use crate::http::problem::ApiError;
use crate::http::verify::read_field;
use crate::identity::Person;
use crate::identity::values::Email;
use crate::said;
use crate::said::Said;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use futures_util::StreamExt;
use std::collections::HashMap;
use uuid::Uuid;

/// How many documents, signatures and contacts the form offers.
const OFFERED: i64 = 200;
/// The largest signature file taken (a CMS signature with its chain is a few kilobytes).
const SIGNATURE_MAX_BYTES: usize = 1024 * 1024;
/// The largest text field taken (the message is at most 20 000 characters).
const FIELD_MAX_BYTES: usize = 128 * 1024;

/// Register every route of this file (before the `{id}` routes).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(new_page).service(edit_page).service(dispatch);
}

/// The form as sent; `contact` and `attachment` repeat.
#[derive(Default)]
struct Writing {
    csrf: String,
    recipients: String,
    contacts: Vec<String>,
    subject: String,
    text: String,
    attachments: Vec<String>,
    draft: bool,
    idempotency: String,
    editing: String,
    external_document: String,
    external_signature: Vec<u8>,
}

impl Writing {
    fn set(&mut self, key: &str, value: String) {
        match key {
            "csrf" => self.csrf = value,
            "recipients" => self.recipients = value,
            "contact" => self.contacts.push(value),
            "subject" => self.subject = value,
            "text" => self.text = value,
            "attachment" => self.attachments.push(value),
            "action" => self.draft = value == "draft",
            "idempotency" => self.idempotency = value,
            "editing" => self.editing = value,
            "external_document" => self.external_document = value,
            _ => {}
        }
    }

    fn read(body: &[u8]) -> Writing {
        let mut f = Writing::default();
        for (key, value) in form_urlencoded::parse(body) {
            f.set(&key, value.into_owned());
        }
        f
    }

    /// The multipart form the page sends: the token first, checked before anything else is
    /// read, then the fields and the signature file in any order.
    async fn read_multipart(c: &Chrome, mut form: Multipart) -> Result<Writing, WebError> {
        c.confirm_multipart(&mut form).await?;
        let mut f = Writing {
            csrf: c.csrf.clone(),
            ..Writing::default()
        };
        while let Some(field) = form.next().await {
            let field = field.map_err(malformed)?;
            let key = field.name().unwrap_or_default().to_owned();
            if key == "external_signature" {
                f.external_signature = read_field(field, SIGNATURE_MAX_BYTES).await?;
            } else {
                let raw = read_field(field, FIELD_MAX_BYTES).await?;
                f.set(&key, String::from_utf8_lossy(&raw).into_owned());
            }
        }
        Ok(f)
    }

    /// The document signed elsewhere with its signature file, if the form names one.
    fn external(&self) -> Result<Option<Attachment>, ApiError> {
        match (
            self.external_document.trim(),
            self.external_signature.is_empty(),
        ) {
            ("", true) => Ok(None),
            ("", false) => Err(ApiError::BadRequest(Said::each(|l| {
                SendWords::of(l).no_external_document
            }))),
            (_, true) => Err(ApiError::BadRequest(Said::each(|l| {
                SendWords::of(l).no_signature_file
            }))),
            (id, false) => Ok(Some(Attachment {
                document: DocumentId::parse(id).map_err(|_| ApiError::NotFound)?,
                signature: SignatureChoice::Uploaded(self.external_signature.clone()),
            })),
        }
    }

    /// The draft this form edits, if it edits one (a malformed id is nobody's: 404).
    fn editing(&self) -> Result<Option<Uuid>, ApiError> {
        match self.editing.trim() {
            "" => Ok(None),
            id => Uuid::parse_str(id)
                .map(Some)
                .map_err(|_| ApiError::NotFound),
        }
    }

    /// What the exchange service takes, or why the form cannot be it.
    fn outgoing(&self) -> Result<Outgoing, ApiError> {
        let mut recipients = Vec::new();
        let typed = self
            .recipients
            .split(['\n', ',', ';'])
            .map(str::trim)
            .filter(|r| !r.is_empty());
        for raw in typed.chain(self.contacts.iter().map(String::as_str)) {
            let email = Email::parse(raw).map_err(|e| ApiError::BadRequest(e.0))?;
            if !recipients.contains(&email) {
                recipients.push(email);
            }
        }
        if recipients.is_empty() && !self.draft {
            return Err(ApiError::BadRequest(Said::each(|l| {
                SendWords::of(l).no_recipient
            })));
        }
        let mut attachments = Vec::with_capacity(self.attachments.len());
        for pair in &self.attachments {
            let (document, signature) = pair
                .split_once(':')
                .and_then(|(d, s)| Some((DocumentId::parse(d).ok()?, Uuid::parse_str(s).ok()?)))
                .ok_or(ApiError::NotFound)?;
            attachments.push(Attachment {
                document,
                signature: SignatureChoice::Made(signature),
            });
        }
        attachments.extend(self.external()?);
        Ok(Outgoing {
            subject: Subject::parse(&self.subject)?,
            text: MessageText::parse(&self.text)?,
            recipients,
            attachments,
        })
    }
}

/// A signed document the form offers.
struct Offer {
    value: String,
    name: String,
    signed: String,
    chosen: bool,
}

/// A contact the form offers.
struct Contact {
    email: String,
    name: String,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "compose.html")]
struct ComposePage<'a> {
    c: &'a Chrome,
    w: &'static SendWords,
    form: &'a Writing,
    offers: Vec<Offer>,
    documents: Vec<(Uuid, String)>,
    contacts: Vec<Contact>,
    key: String,
    error: Option<String>,
}

async fn form_page(
    c: &Chrome,
    state: &AppState,
    person: &Person,
    form: &Writing,
    refused: Option<(StatusCode, String)>,
) -> Result<HttpResponse, WebError> {
    let owner = person.account.0;
    let documents: Vec<(Uuid, String)> = state
        .documents
        .list(owner, OFFERED, 0)
        .await?
        .iter()
        .map(|d| (d.id, d.name.clone()))
        .collect();
    let names: HashMap<Uuid, String> = documents.iter().cloned().collect();
    let offers = state
        .signatures
        .signatures(owner, OFFERED, 0)
        .await?
        .into_iter()
        .filter(|s| s.format != "raw")
        .filter_map(|s| {
            let document = s.document?;
            let name = names.get(&document)?.clone();
            let value = format!("{document}:{}", s.id);
            Some(Offer {
                chosen: form.attachments.contains(&value),
                value,
                name,
                signed: super::applications_view::moment(s.created_at),
            })
        })
        .collect();
    let contacts = state
        .exchange
        .contacts(person, OFFERED, 0)
        .await?
        .into_iter()
        .map(|k| Contact {
            chosen: form.contacts.contains(&k.email),
            email: k.email,
            name: k.name,
        })
        .collect();
    let (status, error) = shown(refused);
    let key = if form.idempotency.is_empty() {
        idempotency_key()
    } else {
        form.idempotency.clone()
    };
    let page = ComposePage {
        c,
        w: SendWords::of(c.lang),
        form,
        offers,
        documents,
        contacts,
        key,
        error,
    };
    Ok(html(c, status, &page))
}

#[get("/cabinet/sendings/new")]
async fn new_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.reader()?)?;
        let to = Writing {
            recipients: super::query::text(&req, "to").unwrap_or_default(),
            ..Writing::default()
        };
        form_page(&c, &state, &person, &to, None).await
    }
    .await;
    answer(&c, result)
}

/// The compose form as either encoding sends it: the page's own multipart form, or a plain
/// urlencoded one (no signature file then).
async fn read_form(
    c: &Chrome,
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<Writing, WebError> {
    let multipart = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
        return Writing::read_multipart(c, Multipart::new(req.headers(), payload)).await;
    }
    let mut payload = payload;
    let mut body = Vec::new();
    while let Some(piece) = payload.next().await {
        let piece = piece.map_err(|e| {
            ApiError::BadRequest(said!("malformed form: {e}", "форма повреждена: {e}"))
        })?;
        if body.len() + piece.len() > FIELD_MAX_BYTES * 4 {
            return Err(ApiError::PayloadTooLarge.into());
        }
        body.extend_from_slice(&piece);
    }
    Ok(Writing::read(&body))
}

#[get("/cabinet/sendings/{id}/edit")]
async fn edit_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.reader()?)?;
        let id = crate::http::applications::path_id(&id)?;
        let s = state.exchange.sending(&person, id).await?;
        if s.role != "sender" {
            return Err(ApiError::NotFound.into());
        }
        if s.state != "draft" {
            return Err(ApiError::Conflict(said!(
                "a sent sending cannot be changed",
                "отправление уже ушло: изменить его нельзя"
            ))
            .into());
        }
        let draft = Writing {
            recipients: s
                .recipients
                .iter()
                .map(|r| r.party.email.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            subject: s.subject,
            text: s.text,
            attachments: s
                .files
                .iter()
                .filter_map(|f| Some(format!("{}:{}", f.document_id?, f.signature_id?)))
                .collect(),
            editing: id.to_string(),
            ..Writing::default()
        };
        form_page(&c, &state, &person, &draft, None).await
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/sendings")]
async fn dispatch(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    payload: web::Payload,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let form = read_form(&c, &req, payload).await?;
        let person = holder(c.confirm(&form.csrf)?)?;
        let outgoing = match form.outgoing() {
            Ok(o) => o,
            Err(e) => {
                return form_page(&c, &state, &person, &form, Some(refusal(c.lang, e)?)).await;
            }
        };
        let key = IdempotencyKey::parse(&form.idempotency).ok();
        let exchange = &state.exchange;
        let made = match (form.editing()?, form.draft) {
            (None, true) => exchange.save_draft(&person, outgoing).await.map(|v| v.id),
            (None, false) => exchange
                .send(&person, &meta.0, outgoing, key)
                .await
                .map(|sent| sent.view.id),
            (Some(id), true) => exchange
                .update_draft(&person, id, outgoing)
                .await
                .map(|v| v.id),
            (Some(id), false) => match exchange.update_draft(&person, id, outgoing).await {
                Ok(_) => exchange
                    .send_draft(&person, &meta.0, id, key)
                    .await
                    .map(|sent| sent.view.id),
                Err(e) => Err(e),
            },
        };
        match made {
            Ok(id) => Ok(see_other(&format!("/cabinet/sendings/{id}")).finish()),
            Err(e) => form_page(&c, &state, &person, &form, Some(refusal(c.lang, e)?)).await,
        }
    }
    .await;
    answer(&c, result)
}
