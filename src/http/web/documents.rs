//! The holder's documents in the cabinet: upload (streamed into the vault as the API does; a
//! small script of ours shows the progress, the form works without it), the list to choose
//! from for signing, one document with its signatures and downloads, and deletion.

use super::applications_view::moment;
use super::chrome::{Chrome, Confirmed, holder, malformed};
use super::error::{WebError, answer};
use super::i18n::DocWords;
use super::i18n::Tr;
use super::query;
use super::render::{html, see_other};
use crate::documents::{DocumentId, DocumentView};
use crate::http::AppState;
use crate::http::auth::Meta;
use crate::http::documents::form_document;
use crate::http::problem::ApiError;
use crate::identity::Person;
use crate::said::Said;
use crate::signatures::{CredentialView, SignatureView};
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use futures_util::StreamExt;
use uuid::Uuid;

/// Documents per page of the list.
const PAGE: i64 = 20;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_page)
        .service(upload)
        .service(document_page)
        .service(remove);
}

/// A size as people read it.
pub(super) fn size(bytes: i64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A document as the pages show it.
pub(super) struct Doc {
    pub id: Uuid,
    pub name: String,
    pub media_type: String,
    pub size: String,
    pub sha256: String,
    pub uploaded: String,
}

impl Doc {
    pub(super) fn of(d: &DocumentView) -> Doc {
        Doc {
            id: d.id,
            name: d.name.clone(),
            media_type: d.media_type.clone(),
            size: size(d.size),
            sha256: d.sha256.clone(),
            uploaded: moment(d.created_at),
        }
    }
}

/// A certificate that can sign now, as a choice.
pub(super) struct Signer {
    pub id: Uuid,
    pub serial: String,
    pub subject: String,
    pub until: String,
}

/// The holder's credentials that can sign now.
pub(super) async fn signers(state: &AppState, person: &Person) -> Result<Vec<Signer>, WebError> {
    Ok(state
        .signatures
        .credentials(crate::signatures::Reach::of(person))
        .await?
        .iter()
        .filter(|c| c.can_sign)
        .map(Signer::of)
        .collect())
}

impl Signer {
    fn of(c: &CredentialView) -> Signer {
        Signer {
            id: c.id,
            serial: c.serial.clone(),
            subject: c.subject.clone(),
            until: c
                .not_after
                .map(|t| t.date_naive().to_string())
                .unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "documents.html")]
struct ListPage<'a> {
    c: &'a Chrome,
    d: &'static DocWords,
    rows: Vec<Doc>,
    signed_ones: Vec<Uuid>,
    signers: Vec<Signer>,
    limit: String,
    page: i64,
    more: bool,
    signed: Option<i64>,
}

#[get("/cabinet/documents")]
async fn list_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.reader()?)?;
        let page = query::page(&req)?;
        let mut rows = state
            .documents
            .list(person.account.0, PAGE + 1, (page - 1) * PAGE)
            .await?;
        let more = rows.len() as i64 > PAGE;
        rows.truncate(PAGE as usize);
        let ids: Vec<Uuid> = rows.iter().map(|d| d.id).collect();
        let signed_ones = state
            .signatures
            .signed_among(person.account.0, &ids)
            .await?;
        let limit = size(i64::try_from(state.documents.max_bytes()).unwrap_or(i64::MAX));
        let page = ListPage {
            c: &c,
            d: DocWords::of(c.lang),
            rows: rows.iter().map(Doc::of).collect(),
            signed_ones,
            signers: signers(&state, &person).await?,
            limit,
            page,
            more,
            signed: query::number(&req, "signed")?,
        };
        Ok(html(&c, StatusCode::OK, &page))
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/documents")]
async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    mut form: Multipart,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm_multipart(&mut form).await?)?;
        let field = match form.next().await {
            Some(field) => field.map_err(malformed)?,
            None => return Err(ApiError::BadRequest(Said::each(|l| Tr::of(l).no_file)).into()),
        };
        if field.name() != Some("file") {
            return Err(ApiError::BadRequest(Said::each(|l| Tr::of(l).no_file)).into());
        }
        let name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .unwrap_or_default()
            .to_owned();
        if name.is_empty() {
            return Err(ApiError::BadRequest(Said::each(|l| Tr::of(l).no_file)).into());
        }
        let new = form_document(&name, &field)?;
        let stored = state.documents.upload(&person, &meta.0, new, field).await?;
        Ok(see_other(&format!("/cabinet/documents/{}", stored.id)).finish())
    }
    .await;
    answer(&c, result)
}

/// A signature as the document's page lists it.
struct Made {
    id: Uuid,
    when: String,
    format: String,
    level: String,
    label: String,
    file: bool,
}

impl Made {
    fn of(d: &DocWords, s: &SignatureView) -> Made {
        Made {
            id: s.id,
            when: moment(s.created_at),
            format: match s.format.as_str() {
                "cms" => d.detached_short.to_owned(),
                "attached" => d.attached_short.to_owned(),
                other => other.to_owned(),
            },
            level: s.level.to_uppercase(),
            label: s.label.clone().unwrap_or_default(),
            file: s.format != "raw",
        }
    }
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage<'a> {
    c: &'a Chrome,
    d: &'static DocWords,
    doc: Doc,
    made: Vec<Made>,
    signers: Vec<Signer>,
}

#[get("/cabinet/documents/{id}")]
async fn document_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.reader()?)?;
        let id = DocumentId::parse(&id)?;
        let row = state.documents.document(person.account.0, id).await?;
        let made = state.signatures.of_document(person.account.0, id).await?;
        let d = DocWords::of(c.lang);
        let page = DocumentPage {
            c: &c,
            d,
            doc: Doc::of(&DocumentView::from(&row)),
            made: made.iter().map(|s| Made::of(d, s)).collect(),
            signers: signers(&state, &person).await?,
        };
        Ok(html(&c, StatusCode::OK, &page))
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/documents/{id}/delete")]
async fn remove(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Confirmed>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let id = DocumentId::parse(&id)?;
        state.documents.delete(&person, &meta.0, id).await?;
        Ok(see_other("/cabinet/documents").finish())
    }
    .await;
    answer(&c, result)
}
