//! Applications over HTTP: the catalogue, filing, reading, editing, withdrawing, the request
//! confirmation, and the filtered list (with its CSV report) that serves applicants, partners
//! and the operator desk alike — each sees what their capability covers.

use super::AppState;
use super::auth::{ApplicationsActor, Meta};
use super::problem::{ApiError, Problem};
use crate::registration::values::{Applicant, PointOfIssue, Product};
use crate::registration::{ApplicationView, DeskQuery, NewApplication, Status};
use crate::said;
use crate::store::applications::{Filter, Originals, Sort};
use actix_web::http::header;
use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Register every route of this file (the report before `{id}`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(products)
        .service(points)
        .service(file)
        .service(list)
        .service(report)
        .service(read)
        .service(update)
        .service(cancel)
        .service(submit_request);
}

/// An id from the path; a malformed one names nothing (404, like someone else's).
pub(crate) fn path_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::NotFound)
}

/// The products on sale.
#[utoipa::path(tag = "applications", responses((status = 200, body = Vec<Product>)))]
#[get("/api/v1/products")]
pub async fn products(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.registration.catalogue().await?))
}

/// Where applicants can be identified.
#[utoipa::path(tag = "applications", responses((status = 200, body = Vec<PointOfIssue>)))]
#[get("/api/v1/points-of-issue")]
pub async fn points(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.registration.points_of_issue().await?))
}

/// File an application: a subscriber for themself, or a partner (agent or API client with
/// `applications:write`) for a client named by `subscriber_email`.
#[utoipa::path(tag = "applications", request_body = NewApplication, responses(
    (status = 201, body = ApplicationView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/applications")]
pub async fn file(
    state: web::Data<AppState>,
    actor: ApplicationsActor,
    body: web::Json<NewApplication>,
) -> Result<HttpResponse, ApiError> {
    let view = state.registration.file(&actor.0, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Filters, sort and page of the application list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Application number.
    pub number: Option<i64>,
    /// Invoice number.
    pub invoice_number: Option<i64>,
    /// Statuses, comma-separated (any of them).
    pub status: Option<String>,
    /// Filed on or after this date (UTC).
    pub from: Option<NaiveDate>,
    /// Filed on or before this date (UTC).
    pub until: Option<NaiveDate>,
    /// Part of the owner's name.
    pub owner_name: Option<String>,
    /// Part of the organisation's name.
    pub organisation: Option<String>,
    /// INN of the person or the organisation.
    pub inn: Option<String>,
    /// KPP.
    pub kpp: Option<String>,
    /// SNILS (digits).
    pub snils: Option<String>,
    /// Service type: `cloud` or `own_key`.
    pub track: Option<String>,
    /// Product code.
    pub product: Option<String>,
    /// Region of the point of issue.
    pub region: Option<String>,
    /// Point of issue.
    pub point_of_issue: Option<Uuid>,
    /// `created` (default), `number`, `owner_name` or `status`.
    pub sort: Option<String>,
    /// `desc` (default) or `asc`.
    pub order: Option<String>,
    /// Paper originals of simple certificates: `awaited`, `overdue` or `received`.
    pub originals: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Rows to skip.
    pub offset: Option<i64>,
}

fn digits(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| {
            v.chars()
                .filter(|c| !matches!(c, ' ' | '-'))
                .collect::<String>()
        })
        .filter(|v| !v.is_empty())
}

fn text(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

impl ListQuery {
    /// The typed query (the API's and the cabinet queue's), at most `max_limit` rows a page.
    pub(crate) fn parse(&self, max_limit: i64, now: DateTime<Utc>) -> Result<DeskQuery, ApiError> {
        let originals = match self.originals.as_deref() {
            None => None,
            Some("awaited") => Some(Originals::Awaited),
            Some("overdue") => Some(Originals::OverdueAt(now)),
            Some("received") => Some(Originals::Received),
            Some(_) => {
                return Err(ApiError::BadRequest(said!(
                    "originals is awaited, overdue or received",
                    "originals — awaited, overdue или received"
                )));
            }
        };
        let statuses = match &self.status {
            None => Vec::new(),
            Some(wanted) => wanted
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    Status::parse(s)
                        .map(|st| st.as_str().to_owned())
                        .ok_or_else(|| {
                            ApiError::BadRequest(said!(
                                "unknown status {s:?}",
                                "неизвестный статус {s:?}"
                            ))
                        })
                })
                .collect::<Result<_, _>>()?,
        };
        let track = match text(&self.track).as_deref() {
            None => None,
            Some(t @ ("cloud" | "own_key")) => Some(t.to_owned()),
            Some(_) => {
                return Err(ApiError::BadRequest(said!(
                    "track is cloud or own_key",
                    "track — cloud или own_key"
                )));
            }
        };
        let sort = match self.sort.as_deref() {
            None | Some("created") => Sort::Created,
            Some("number") => Sort::Number,
            Some("owner_name") => Sort::OwnerName,
            Some("status") => Sort::Status,
            Some(_) => {
                return Err(ApiError::BadRequest(said!(
                    "sort is created, number, owner_name or status",
                    "sort — created, number, owner_name или status"
                )));
            }
        };
        let descending = match self.order.as_deref() {
            None | Some("desc") => true,
            Some("asc") => false,
            Some(_) => {
                return Err(ApiError::BadRequest(said!(
                    "order is asc or desc",
                    "order — asc или desc"
                )));
            }
        };
        let limit = self.limit.unwrap_or(50.min(max_limit));
        if !(1..=max_limit).contains(&limit) {
            return Err(ApiError::BadRequest(said!(
                "limit is 1 to {max_limit}",
                "limit — от 1 до {max_limit}"
            )));
        }
        let offset = self.offset.unwrap_or(0);
        if offset < 0 {
            return Err(ApiError::BadRequest(said!(
                "offset is not negative",
                "offset не может быть отрицательным"
            )));
        }
        let day = |d: NaiveDate| Utc.from_utc_datetime(&d.and_time(chrono::NaiveTime::MIN));
        Ok(DeskQuery {
            filter: Filter {
                number: self.number,
                invoice_number: self.invoice_number,
                statuses,
                from: self.from.map(day),
                until: self.until.and_then(|d| d.succ_opt()).map(day),
                owner_name: text(&self.owner_name),
                organisation: text(&self.organisation),
                inn: digits(&self.inn),
                kpp: text(&self.kpp).map(|k| k.to_uppercase()),
                snils: digits(&self.snils),
                track,
                product: text(&self.product),
                region: text(&self.region),
                point: self.point_of_issue,
                originals,
            },
            sort,
            descending,
            limit,
            offset,
        })
    }
}

/// A page of applications.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationPage {
    /// The applications (without checks, history and certificates).
    pub items: Vec<ApplicationView>,
    /// How many match the filters.
    pub total: i64,
    /// Page size.
    pub limit: i64,
    /// Rows skipped.
    pub offset: i64,
}

/// The applications the caller sees — the applicant's own, a partner's, or the operator's
/// point of issue (the desk queue) — filtered, sorted and paged.
#[utoipa::path(tag = "applications", params(ListQuery), responses(
    (status = 200, body = ApplicationPage),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/applications")]
pub async fn list(
    state: web::Data<AppState>,
    actor: ApplicationsActor,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.parse(200, state.clock.now())?;
    let (items, total) = state
        .registration
        .applications(&actor.0, &q.filter, q.sort, q.descending, q.limit, q.offset)
        .await?;
    Ok(HttpResponse::Ok().json(ApplicationPage {
        items,
        total,
        limit: q.limit,
        offset: q.offset,
    }))
}

const REPORT_MAX_ROWS: i64 = 10_000;

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The filtered list as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the
/// Cyrillic right), at most 10 000 rows.
#[utoipa::path(tag = "applications", params(ListQuery), responses(
    (status = 200, content_type = "text/csv", body = String),
    (status = 400, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/applications/report.csv")]
pub async fn report(
    state: web::Data<AppState>,
    actor: ApplicationsActor,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut q = query.parse(REPORT_MAX_ROWS, state.clock.now())?;
    if query.limit.is_none() {
        q.limit = REPORT_MAX_ROWS;
    }
    let (items, _) = state
        .registration
        .applications(&actor.0, &q.filter, q.sort, q.descending, q.limit, q.offset)
        .await?;
    let mut out = String::from("\u{feff}");
    out.push_str(
        "number,invoice_number,status,status_ru,created_at,owner_name,organisation,inn,snils,\
         product,track,region,point_of_issue,price_minor,currency,paid_at\r\n",
    );
    for a in &items {
        let p = &a.applicant;
        let org = p.organisation.as_ref();
        let inn = org
            .map(|o| o.inn.clone())
            .or_else(|| p.inn.clone())
            .unwrap_or_default();
        let fields = [
            a.number.to_string(),
            a.invoice_number.to_string(),
            a.status.as_str().to_owned(),
            a.status_label_ru.clone(),
            a.created_at.to_rfc3339(),
            p.full_name(),
            org.map(|o| o.name.clone()).unwrap_or_default(),
            inn,
            p.snils.clone().unwrap_or_default(),
            a.product.clone(),
            serde_json::to_value(a.track)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            a.region.clone(),
            a.point_of_issue_name.clone(),
            a.price_minor.to_string(),
            a.currency.clone(),
            a.paid_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"applications.csv\"",
        ))
        .body(out))
}

/// One application with its checks, history and certificates.
#[utoipa::path(tag = "applications", responses(
    (status = 200, body = ApplicationView),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/applications/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    actor: ApplicationsActor,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    Ok(HttpResponse::Ok().json(state.registration.application(&actor.0, id).await?))
}

/// Replace the applicant's data (until identification); the checks run again.
#[utoipa::path(tag = "applications", request_body = Applicant, responses(
    (status = 200, body = ApplicationView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[put("/api/v1/applications/{id}/applicant")]
pub async fn update(
    state: web::Data<AppState>,
    actor: ApplicationsActor,
    id: web::Path<String>,
    body: web::Json<Applicant>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let view = state
        .registration
        .update_applicant(&actor.0, id, body.into_inner())
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Why an application is withdrawn.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    /// Optional remark.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Withdraw an application (before identification).
#[utoipa::path(tag = "applications", request_body = CancelRequest, responses(
    (status = 200, body = ApplicationView),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/applications/{id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    actor: ApplicationsActor,
    id: web::Path<String>,
    body: web::Json<CancelRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let reason = body
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    Ok(HttpResponse::Ok().json(state.registration.cancel(&actor.0, id, reason).await?))
}

/// The certificate request: for the cloud track a confirmation of the certificate data; for
/// the own-key track the PKCS#10 request made on the applicant's token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestBody {
    /// Cloud track: `true` confirms the data that will go into the certificate.
    #[serde(default)]
    pub confirm: bool,
    /// Own-key track: the PKCS#10 request, PEM.
    #[serde(default)]
    pub csr_pem: Option<String>,
}

/// Confirm the certificate data or send the certificate request.
#[utoipa::path(tag = "applications", request_body = RequestBody, responses(
    (status = 200, body = ApplicationView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/api/v1/applications/{id}/request")]
pub async fn submit_request(
    state: web::Data<AppState>,
    actor: ApplicationsActor,
    _meta: Meta,
    id: web::Path<String>,
    body: web::Json<RequestBody>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let csr = match (&body.csr_pem, body.confirm) {
        (Some(pem), false) => Some(pem.as_bytes().to_vec()),
        (None, true) => None,
        _ => {
            return Err(ApiError::BadRequest(said!(
                "send either \"confirm\": true (cloud key) or \"csr_pem\" (own key)",
                "пришлите либо \"confirm\": true (облачный ключ), либо \"csr_pem\" (собственный ключ)"
            )));
        }
    };
    let view = state.registration.submit_request(&actor.0, id, csr).await?;
    Ok(HttpResponse::Ok().json(view))
}
