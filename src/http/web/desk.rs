//! The operator desk's application queue: every filter of the application list (the API's
//! `ListQuery`, parsed by its own parser), page sizes 10/20/50/100, the count found, a reset,
//! and the CSV report of the same filter (the API's route, which takes the session cookie on
//! a GET). An operator sees their point of issue, as in the API.

use super::applications_view::{moment, product_names};
use super::chrome::Chrome;
use super::error::{WebError, answer, refusal};
use super::i18n::DeskWords;
use super::query::{Choice, Filters};
use super::render::html;
use crate::http::AppState;
use crate::http::applications::ListQuery;
use crate::http::auth::Meta;
use crate::http::problem::ApiError;
use crate::identity::Person;
use crate::registration::{ApplicationView, Operator, Status};
use crate::said;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use std::collections::HashMap;
use uuid::Uuid;

/// The page sizes offered.
const SIZES: [i64; 4] = [10, 20, 50, 100];
/// The page size until one is chosen.
const DEFAULT_SIZE: i64 = 20;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(queue);
}

/// The operator's capability, or 403.
pub(super) fn operator(person: &Person, meta: &Meta) -> Result<Operator, WebError> {
    Operator::person(person, &meta.0).ok_or_else(|| {
        ApiError::forbidden(said!(
            "The desk is for operators.",
            "Рабочее место — для операторов."
        ))
        .into()
    })
}

impl Filters {
    /// The statuses ticked, as the API writes them (comma-separated).
    fn statuses(&self) -> Option<String> {
        let all: Vec<&str> = self
            .0
            .iter()
            .filter(|(k, _)| k == "status")
            .map(|(_, v)| v.as_str())
            .collect();
        Some(all.join(",")).filter(|s| !s.is_empty())
    }

    /// The page size chosen: one of [`SIZES`].
    fn size(&self) -> Result<i64, ApiError> {
        match self.number("limit")? {
            None => Ok(DEFAULT_SIZE),
            Some(n) if SIZES.contains(&n) => Ok(n),
            Some(_) => Err(ApiError::BadRequest(said!(
                "limit is 10, 20, 50 or 100 a page",
                "на странице — 10, 20, 50 или 100"
            ))),
        }
    }

    /// The API's query for this filter, `limit` rows from `offset`.
    fn list_query(&self, limit: Option<i64>, offset: Option<i64>) -> Result<ListQuery, ApiError> {
        Ok(ListQuery {
            number: self.number("number")?,
            invoice_number: self.number("invoice_number")?,
            status: self.statuses(),
            from: self.date("from")?,
            until: self.date("until")?,
            owner_name: self.opt("owner_name"),
            organisation: self.opt("organisation"),
            inn: self.opt("inn"),
            kpp: self.opt("kpp"),
            snils: self.opt("snils"),
            track: self.opt("track"),
            product: self.opt("product"),
            region: self.opt("region"),
            point_of_issue: self
                .opt("point_of_issue")
                .map(|v| Uuid::parse_str(&v))
                .transpose()
                .map_err(|_| {
                    ApiError::BadRequest(said!(
                        "point_of_issue is an id",
                        "point_of_issue — идентификатор"
                    ))
                })?,
            sort: self.opt("sort"),
            order: self.opt("order"),
            originals: self.opt("originals"),
            limit,
            offset,
        })
    }

    /// This filter as a query string: for the page links (with the page size) or for the
    /// API's report (without it, statuses comma-separated).
    fn query(&self, for_report: bool) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.0 {
            if for_report && (k == "limit" || k == "status") {
                continue;
            }
            out.append_pair(k, v);
        }
        if for_report && let Some(s) = self.statuses() {
            out.append_pair("status", &s);
        }
        out.finish()
    }
}

/// A row of the queue.
struct Row {
    id: Uuid,
    number: i64,
    filed: String,
    owner: String,
    organisation: String,
    product: String,
    cloud: bool,
    status: &'static str,
    paid: String,
}

impl Row {
    fn of(c: &Chrome, names: &HashMap<String, String>, a: &ApplicationView) -> Row {
        Row {
            id: a.id,
            number: a.number,
            filed: moment(a.created_at),
            owner: a.applicant.full_name(),
            organisation: a
                .applicant
                .organisation
                .as_ref()
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            product: names.get(&a.product).cloned().unwrap_or(a.product.clone()),
            cloud: matches!(a.track, crate::registration::values::Track::Cloud),
            status: c.t.application_status(a.status),
            paid: a.paid_at.map(moment).unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "desk.html")]
struct QueuePage<'a> {
    c: &'a Chrome,
    w: &'static DeskWords,
    f: &'a Filters,
    statuses: Vec<Choice>,
    products: Vec<Choice>,
    sizes: Vec<Choice>,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    query: String,
    report: String,
    error: Option<String>,
}

#[get("/cabinet/desk")]
async fn queue(req: HttpRequest, state: web::Data<AppState>, meta: Meta) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let op = operator(c.reader()?, &meta)?;
        let f = Filters::of(&req);
        let page = super::query::page(&req)?;
        let found = async {
            let size = f.size()?;
            let q = f
                .list_query(Some(size), Some((page - 1) * size))?
                .parse(100, state.clock.now())?;
            let (items, total) = state
                .registration
                .applications(
                    op.actor(),
                    &q.filter,
                    q.sort,
                    q.descending,
                    q.limit,
                    q.offset,
                )
                .await?;
            Ok::<_, ApiError>((items, total, size))
        }
        .await;
        let catalogue = state.registration.catalogue().await?;
        let names = product_names(&catalogue, &c);
        let (rows, total, size, status, error) = match found {
            Ok((items, total, size)) => (
                items.iter().map(|a| Row::of(&c, &names, a)).collect(),
                total,
                size,
                StatusCode::OK,
                None,
            ),
            Err(e) => {
                let (status, detail) = refusal(c.lang, e)?;
                (Vec::new(), 0, DEFAULT_SIZE, status, Some(detail))
            }
        };
        let page_view = QueuePage {
            c: &c,
            w: DeskWords::of(c.lang),
            statuses: Status::ALL
                .iter()
                .map(|s| Choice {
                    value: s.as_str().to_owned(),
                    label: c.t.application_status(*s).to_owned(),
                    chosen: f.has("status", s.as_str()),
                })
                .collect(),
            products: catalogue
                .iter()
                .map(|p| Choice {
                    value: p.code.clone(),
                    label: names.get(&p.code).cloned().unwrap_or_default(),
                    chosen: f.has("product", &p.code),
                })
                .collect(),
            sizes: Choice::sizes(&SIZES, size),
            rows,
            total,
            page,
            pages: (total + size - 1) / size,
            query: f.query(false),
            report: f.query(true),
            f: &f,
            error,
        };
        Ok(html(&c, status, &page_view))
    }
    .await;
    answer(&c, result)
}
