//! The Documents tab of an application, for everyone who sees it — the applicant, the partner
//! agent who filed it, the operator of its point: the forms to print and sign (the API's
//! papers route), the scans of the signed set with upload, replace and delete, and the paper
//! originals of a simple certificate, which the operator marks received. The registration
//! service decides who may change what and when; this page lays it out and shows its
//! refusals.

use super::applications_view::moment;
use super::chrome::{Chrome, Confirmed, malformed};
use super::desk::operator;
use super::documents::size;
use super::error::{WebError, answer, refusal, shown};
use super::i18n::Tr;
use super::i18n::{AppWords, PaperWords};
use super::render::{html, see_other};
use crate::http::AppState;
use crate::http::applications::path_id;
use crate::http::auth::Meta;
use crate::http::problem::ApiError;
use crate::http::verify::read_field;
use crate::identity::Person;
use crate::identity::values::Role;
use crate::registration::papers::Paper;
use crate::registration::scans::{ScanDocument, ScanView};
use crate::registration::{Actor, ApplicationView, Status};
use crate::said;
use crate::said::Said;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use futures_util::StreamExt;
use uuid::Uuid;

/// Register every route of this file (before the desk's generic act route).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(applicant_tab)
        .service(desk_tab)
        .service(upload_scan)
        .service(delete_scan)
        .service(originals_received);
}

#[derive(Template)]
#[template(path = "application_documents.html")]
struct DocumentsPage<'a> {
    c: &'a Chrome,
    w: &'static AppWords,
    p: &'static PaperWords,
    /// `/cabinet/desk` for the operator, `/cabinet/applications` for the others: where the
    /// tabs and the forms' answers lead.
    base: &'static str,
    id: Uuid,
    number: i64,
    status: &'static str,
    printed: Vec<Printed>,
    scans: Vec<Row>,
    missing: Vec<&'static str>,
    open: bool,
    limit: String,
    originals: Option<Originals>,
    operator: bool,
    error: Option<String>,
}

/// A form to print.
struct Printed {
    name: &'static str,
    slug: &'static str,
    ready: bool,
}

/// One document of the signed set and its scan, if any.
struct Row {
    slug: &'static str,
    name: &'static str,
    required: bool,
    scan: Option<Scan>,
}

/// A stored scan as the row shows it.
struct Scan {
    media_type: String,
    size: String,
    sha256: String,
    uploaded: String,
    by: &'static str,
}

/// A simple certificate's paper originals.
struct Originals {
    due: String,
    received: Option<String>,
}

fn paper_name(p: &PaperWords, paper: Paper) -> &'static str {
    match paper {
        Paper::ApplicationForm => p.paper_application_form,
        Paper::Invoice => p.paper_invoice,
        Paper::CertificateForm => p.paper_certificate_form,
        Paper::Act => p.paper_act,
        Paper::SecurityGuide => p.paper_security_guide,
    }
}

fn scan_name(p: &PaperWords, document: ScanDocument) -> &'static str {
    match document {
        ScanDocument::ApplicationForm => p.scan_application_form,
        ScanDocument::CertificateForm => p.scan_certificate_form,
        ScanDocument::Act => p.scan_act,
        ScanDocument::IdentityDocument => p.scan_identity_document,
        ScanDocument::Snils => p.scan_snils,
        ScanDocument::Authority => p.scan_authority,
    }
}

fn scan_of(p: &PaperWords, s: &ScanView) -> Scan {
    Scan {
        media_type: s.media_type.clone(),
        size: size(s.size),
        sha256: s.sha256.clone(),
        uploaded: moment(s.uploaded_at),
        by: match s.uploaded_by.as_str() {
            "subscriber" => p.by_subscriber,
            "partner" => p.by_partner,
            _ => p.by_staff,
        },
    }
}

/// Who sees applications, and where their pages of one live.
fn actor_and_base(person: &Person, meta: &Meta) -> Result<(Actor, &'static str), WebError> {
    let base = match person.role {
        Role::Operator => "/cabinet/desk",
        _ => "/cabinet/applications",
    };
    let actor = Actor::person(person, &meta.0).ok_or_else(|| {
        ApiError::forbidden(said!(
            "Applications are for applicants, operators and partner agents.",
            "Заявки — для заявителей, операторов и агентов партнёров."
        ))
    })?;
    Ok((actor, base))
}

/// The tab, with the refusal of an act when there was one.
async fn documents_view(
    c: &Chrome,
    state: &AppState,
    person: &Person,
    meta: &Meta,
    id: Uuid,
    refused: Option<(StatusCode, String)>,
) -> Result<HttpResponse, WebError> {
    let (actor, base) = actor_and_base(person, meta)?;
    let a: ApplicationView = state.registration.application(&actor, id).await?;
    let p = PaperWords::of(c.lang);
    let issued = !a.certificates.is_empty();
    let required = ScanDocument::required(a.product_kind, a.applicant.kind);
    let scans: Vec<Row> = ScanDocument::ALL
        .into_iter()
        .map(|d| Row {
            slug: d.as_str(),
            name: scan_name(p, d),
            required: required.contains(&d),
            scan: a
                .scans
                .iter()
                .find(|s| s.document == d)
                .map(|s| scan_of(p, s)),
        })
        .collect();
    let missing = scans
        .iter()
        .filter(|r| r.required && r.scan.is_none())
        .map(|r| r.name)
        .collect();
    let (status, error) = shown(refused);
    let page = DocumentsPage {
        c,
        w: AppWords::of(c.lang),
        p,
        base,
        id: a.id,
        number: a.number,
        status: c.t.application_status(a.status),
        printed: Paper::ALL
            .into_iter()
            .map(|paper| Printed {
                name: paper_name(p, paper),
                slug: paper.slug(),
                ready: issued || !paper.needs_certificate(),
            })
            .collect(),
        scans,
        missing,
        open: !matches!(
            a.status,
            Status::Completed | Status::Rejected | Status::Cancelled
        ),
        limit: size(i64::try_from(state.registration.scan_limit()).unwrap_or(i64::MAX)),
        originals: a.originals_due_at.map(|due| Originals {
            due: moment(due),
            received: a.originals_received_at.map(moment),
        }),
        operator: person.role == Role::Operator,
        error,
    };
    Ok(html(c, status, &page))
}

/// After an act: back to the tab (303), or the tab with the service's refusal.
async fn after(
    c: &Chrome,
    state: &AppState,
    person: &Person,
    meta: &Meta,
    id: Uuid,
    done: Result<(), ApiError>,
) -> Result<HttpResponse, WebError> {
    match done {
        Ok(()) => {
            let (_, base) = actor_and_base(person, meta)?;
            Ok(see_other(&format!("{base}/{id}/documents")).finish())
        }
        Err(e) => documents_view(c, state, person, meta, id, Some(refusal(c.lang, e)?)).await,
    }
}

async fn tab(req: HttpRequest, state: web::Data<AppState>, meta: Meta, id: &str) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.reader()?;
        documents_view(&c, &state, person, &meta, path_id(id)?, None).await
    }
    .await;
    answer(&c, result)
}

#[get("/cabinet/applications/{id}/documents")]
async fn applicant_tab(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
) -> HttpResponse {
    tab(req, state, meta, &id).await
}

#[get("/cabinet/desk/{id}/documents")]
async fn desk_tab(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
) -> HttpResponse {
    tab(req, state, meta, &id).await
}

fn document(raw: &str) -> Result<ScanDocument, WebError> {
    ScanDocument::parse(raw).ok_or_else(|| ApiError::NotFound.into())
}

/// The upload form's person (its token checked first, so a forged form reads no file) and
/// file.
async fn read_scan(
    c: &Chrome,
    mut form: Multipart,
    limit: usize,
) -> Result<(&Person, Result<Vec<u8>, ApiError>), WebError> {
    let person = c.confirm_multipart(&mut form).await?;
    let file = match form.next().await {
        Some(field) => {
            let field = field.map_err(malformed)?;
            if field.name() == Some("file") {
                read_field(field, limit).await
            } else {
                Ok(Vec::new())
            }
        }
        None => Ok(Vec::new()),
    };
    let file = file.and_then(|f| {
        if f.is_empty() {
            Err(ApiError::BadRequest(Said::each(|l| Tr::of(l).no_file)))
        } else {
            Ok(f)
        }
    });
    Ok((person, file))
}

#[post("/cabinet/applications/{id}/scans/{document}")]
async fn upload_scan(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    path: web::Path<(String, String)>,
    form: Multipart,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let (person, file) = read_scan(&c, form, state.registration.scan_limit()).await?;
        let (actor, _) = actor_and_base(person, &meta)?;
        let id = path_id(&path.0)?;
        let document = document(&path.1)?;
        let done = match file {
            Ok(file) => state
                .registration
                .put_scan(&actor, id, document, &file)
                .await
                .map(drop)
                .map_err(ApiError::from),
            Err(e) => Err(e),
        };
        after(&c, &state, person, &meta, id, done).await
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/applications/{id}/scans/{document}/delete")]
async fn delete_scan(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    path: web::Path<(String, String)>,
    form: web::Form<Confirmed>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let (actor, _) = actor_and_base(person, &meta)?;
        let id = path_id(&path.0)?;
        let document = document(&path.1)?;
        let done = state
            .registration
            .delete_scan(&actor, id, document)
            .await
            .map_err(ApiError::from);
        after(&c, &state, person, &meta, id, done).await
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/desk/{id}/originals-received")]
async fn originals_received(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Confirmed>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let op = operator(person, &meta)?;
        let id = path_id(&id)?;
        let done = state
            .registration
            .originals_received(&op, id)
            .await
            .map(drop)
            .map_err(ApiError::from);
        after(&c, &state, person, &meta, id, done).await
    }
    .await;
    answer(&c, result)
}
