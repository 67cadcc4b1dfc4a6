//! The exchange in the cabinet: the Received, Sent and Drafts folders, one sending (files,
//! delivery, the sealed protocol), the page an emailed link opens, and sending or deleting a
//! draft. The same exchange service as the API decides who sees what (another's is a 404).

use super::chrome::{Chrome, Confirmed, holder};
use super::documents::{Signer, signers};
use super::error::{WebError, answer, shown};
use super::i18n::SendWords;
use super::query;
use super::render::{html, see_other};
use super::second_factor::Asked;
use super::sendings_view::{Row, Shown};
use crate::exchange::views::SendingView;
use crate::exchange::{Folder, IdempotencyKey, VerificationView};
use crate::http::AppState;
use crate::http::auth::Meta;
use crate::http::sendings::object_id;
use crate::identity::Person;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

/// Sendings per page of a folder.
const PAGE: i64 = 20;

/// Register the routes of this file whose paths are fixed (before any `{id}` route).
pub fn configure_fixed(cfg: &mut web::ServiceConfig) {
    cfg.service(folder_page)
        .service(open_page)
        .service(open_link);
}

/// Register the routes of one sending.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(sending_page)
        .service(send_draft)
        .service(delete_draft);
}

/// A folder tab.
struct Tab {
    key: &'static str,
    name: &'static str,
    current: bool,
}

#[derive(Template)]
#[template(path = "sendings.html")]
struct FolderPage<'a> {
    c: &'a Chrome,
    w: &'static SendWords,
    tabs: Vec<Tab>,
    folder: &'static str,
    rows: Vec<Row>,
    page: i64,
    more: bool,
}

fn folder_of(req: &HttpRequest) -> Result<(Folder, &'static str), WebError> {
    let asked = form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == "folder")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| "received".to_owned());
    let folder = Folder::parse(&asked)?;
    let key = match folder {
        Folder::Received => "received",
        Folder::Sent => "sent",
        Folder::Drafts => "drafts",
    };
    Ok((folder, key))
}

#[get("/cabinet/sendings")]
async fn folder_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.reader()?)?;
        let (folder, key) = folder_of(&req)?;
        let page = query::page(&req)?;
        let mut found = state
            .exchange
            .folder(&person, folder, false, PAGE + 1, (page - 1) * PAGE)
            .await?;
        let more = found.len() as i64 > PAGE;
        found.truncate(PAGE as usize);
        let w = SendWords::of(c.lang);
        let tabs = [
            ("received", w.received),
            ("sent", w.sent),
            ("drafts", w.drafts),
        ]
        .into_iter()
        .map(|(k, name)| Tab {
            key: k,
            name,
            current: k == key,
        })
        .collect();
        let page = FolderPage {
            c: &c,
            w,
            tabs,
            folder: key,
            rows: found.iter().map(Row::of).collect(),
            page,
            more,
        };
        Ok(html(&c, StatusCode::OK, &page))
    }
    .await;
    answer(&c, result)
}

/// What the sending page shows beyond the sending itself.
pub(super) enum Extra {
    /// Nothing more.
    Nothing,
    /// The recipient's verification just made.
    Checked(VerificationView),
    /// The receipt waits for the PIN and the code.
    Acknowledging(Asked, Signer),
    /// An encrypted file waits for the PIN and the code.
    Opening(Asked, Decrypting),
}

/// The encrypted file being opened, and with which certificate.
pub(super) struct Decrypting {
    /// Its position in the sending.
    pub position: i32,
    /// Its name.
    pub name: String,
    /// The certificate whose encryption key opens it.
    pub signer: Signer,
}

/// One file as the recipient's verification found it.
struct Check {
    name: String,
    verdict: String,
}

#[derive(Template)]
#[template(path = "sending.html")]
struct SendingPage<'a> {
    c: &'a Chrome,
    w: &'static SendWords,
    s: Shown,
    checks: Vec<Check>,
    acknowledging: Option<(Asked, Signer)>,
    opening: Option<(Asked, Decrypting)>,
    signers: Vec<Signer>,
    error: Option<String>,
}

/// The page of sending `id` as `person` may see it, with `extra` and a refusal to show.
pub(super) async fn sending_view(
    c: &Chrome,
    state: &AppState,
    person: &Person,
    id: Uuid,
    extra: Extra,
    refused: Option<(StatusCode, String)>,
) -> Result<HttpResponse, WebError> {
    let view = state.exchange.sending(person, id).await?;
    sending_page_of(c, state, person, &view, extra, refused).await
}

/// The page of `view` (already read for `person`), with `extra` and a refusal to show.
pub(super) async fn sending_page_of(
    c: &Chrome,
    state: &AppState,
    person: &Person,
    view: &SendingView,
    extra: Extra,
    refused: Option<(StatusCode, String)>,
) -> Result<HttpResponse, WebError> {
    let w = SendWords::of(c.lang);
    let (status, error) = shown(refused);
    let (checks, acknowledging, opening) = match extra {
        Extra::Nothing => (Vec::new(), None, None),
        Extra::Checked(v) => (
            v.files
                .iter()
                .map(|f| Check {
                    name: f.name.clone(),
                    verdict: w.verdict(&f.verdict),
                })
                .collect(),
            None,
            None,
        ),
        Extra::Acknowledging(asked, signer) => (Vec::new(), Some((asked, signer)), None),
        Extra::Opening(asked, o) => (Vec::new(), None, Some((asked, o))),
    };
    let page = SendingPage {
        c,
        w,
        s: Shown::of(w, view),
        checks,
        acknowledging,
        opening,
        signers: signers(state, person).await?,
        error,
    };
    Ok(html(c, status, &page))
}

#[get("/cabinet/sendings/{id}")]
async fn sending_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.reader()?)?;
        let id = object_id(&id)?;
        let mut view = state.exchange.sending(&person, id).await?;
        if view.read == Some(false) {
            view = state.exchange.mark_read(&person, id, true).await?;
        }
        sending_page_of(&c, &state, &person, &view, Extra::Nothing, None).await
    }
    .await;
    answer(&c, result)
}

#[derive(Template)]
#[template(path = "open.html")]
struct OpenPage<'a> {
    c: &'a Chrome,
    w: &'static SendWords,
    link: String,
}

/// The secret of an emailed link, from the query or the form.
#[derive(Deserialize)]
struct Link {
    #[serde(default)]
    link: String,
}

#[get("/cabinet/sendings/open")]
async fn open_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<Link>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        holder(c.reader()?)?;
        let page = OpenPage {
            c: &c,
            w: SendWords::of(c.lang),
            link: q.link.chars().take(200).collect(),
        };
        Ok(html(&c, StatusCode::OK, &page))
    }
    .await;
    answer(&c, result)
}

/// The open form.
#[derive(Deserialize)]
struct Opening {
    csrf: String,
    #[serde(default)]
    link: String,
}

#[post("/cabinet/sendings/open")]
async fn open_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<Opening>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let view = state
            .exchange
            .open_link(&person, &meta.0, form.link.trim())
            .await?;
        Ok(see_other(&format!("/cabinet/sendings/{}", view.id)).finish())
    }
    .await;
    answer(&c, result)
}

/// A draft's send form: the token and the key that makes a second press harmless.
#[derive(Deserialize)]
struct Dispatch {
    csrf: String,
    #[serde(default)]
    idempotency: String,
}

#[post("/cabinet/sendings/{id}/send")]
async fn send_draft(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Dispatch>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let id = object_id(&id)?;
        let key = Some(form.idempotency.as_str())
            .filter(|k| !k.is_empty())
            .map(IdempotencyKey::parse)
            .transpose()?;
        let sent = state.exchange.send_draft(&person, &meta.0, id, key).await;
        match sent {
            Ok(sent) => Ok(see_other(&format!("/cabinet/sendings/{}", sent.view.id)).finish()),
            Err(e) => {
                let refused = Some(super::error::refusal(c.lang, e)?);
                sending_view(&c, &state, &person, id, Extra::Nothing, refused).await
            }
        }
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/sendings/{id}/delete")]
async fn delete_draft(
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
            .delete_draft(&person, object_id(&id)?)
            .await?;
        Ok(see_other("/cabinet/sendings?folder=drafts").finish())
    }
    .await;
    answer(&c, result)
}

/// A fresh key for a form that sends (a second press of the same form sends once).
pub(super) fn idempotency_key() -> String {
    Uuid::new_v4().to_string()
}
