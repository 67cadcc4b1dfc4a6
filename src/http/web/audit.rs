//! The auditor's pages: the audit trail with every filter of the API's `TrailQuery` (parsed by
//! its own parser), page sizes, the count found, each entry's details unfolded without script,
//! and the chain's status re-verified on every visit; the exports — a chain segment to verify
//! offline, and the delivery protocols of a period or an organisation — through the same
//! services as the API.

use super::applications_view::moment;
use super::chrome::Chrome;
use super::error::{WebError, answer, refusal};
use super::i18n::AuditWords;
use super::query::{Choice, Filters};
use super::render::html;
use crate::audit::trail::{ACTOR_KINDS, ChainStatus, Inspector, OUTCOMES, TrailEntry};
use crate::audit::{ActorKind, Outcome};
use crate::http::AppState;
use crate::http::audit_trail::{TrailQuery, segment_response};
use crate::http::auth::Meta;
use crate::http::exports::{auditor_request, zip_response};
use crate::http::problem::ApiError;
use crate::identity::Person;
use crate::said;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use chrono::{NaiveDate, TimeZone, Utc};
use serde::Deserialize;

/// The page sizes offered.
const SIZES: [i64; 3] = [20, 50, 100];
/// The page size until one is chosen.
const DEFAULT_SIZE: i64 = 20;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(trail_page).service(segment).service(deliveries);
}

/// The capability to read the trail, or 403.
fn inspector(person: &Person, meta: &Meta) -> Result<Inspector, WebError> {
    Inspector::person(person, &meta.0).ok_or_else(|| {
        ApiError::forbidden(said!(
            "The audit trail is for auditors.",
            "Журнал аудита — для аудиторов."
        ))
        .into()
    })
}

fn kind_word(a: &AuditWords, k: ActorKind) -> &'static str {
    match k {
        ActorKind::System => a.kind_system,
        ActorKind::Anonymous => a.kind_anonymous,
        ActorKind::Subscriber => a.kind_subscriber,
        ActorKind::Staff => a.kind_staff,
        ActorKind::Partner => a.kind_partner,
        ActorKind::Agent => a.kind_agent,
    }
}

fn outcome_word(a: &AuditWords, o: Outcome) -> &'static str {
    match o {
        Outcome::Success => a.success,
        Outcome::Failure => a.failure,
        Outcome::Denied => a.denied,
    }
}

/// An entry as a row.
struct Row {
    seq: Option<i64>,
    time: String,
    who: String,
    actor_id: String,
    action: String,
    object: String,
    outcome: &'static str,
    failed: bool,
    signed: bool,
    request: String,
    address: String,
    hash: String,
    details: String,
}

impl Row {
    fn of(a: &AuditWords, e: TrailEntry) -> Row {
        let outcome = Outcome::parse(&e.outcome);
        Row {
            seq: e.seq,
            time: e.occurred_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            who: ActorKind::parse(&e.actor_kind)
                .map_or(e.actor_kind.clone(), |k| kind_word(a, k).to_owned()),
            actor_id: e.actor_id.unwrap_or_default(),
            action: e.action,
            object: match (e.object_type, e.object_id) {
                (Some(t), Some(i)) => format!("{t} {i}"),
                (Some(t), None) => t,
                _ => String::new(),
            },
            outcome: outcome.map_or("", |o| outcome_word(a, o)),
            failed: outcome.is_some_and(|o| o != Outcome::Success),
            signed: e.signed,
            request: e.request_id.unwrap_or_default(),
            address: e.client_ip.unwrap_or_default(),
            hash: e.hash.unwrap_or_default(),
            details: serde_json::to_string_pretty(&e.details).unwrap_or_default(),
        }
    }
}

/// The chain's status as the panel shows it.
struct Panel {
    entries: i64,
    linked: i64,
    pending: i64,
    checkpoint: Option<(i64, String, String)>,
    check: Option<(bool, String, Option<String>)>,
    root: String,
}

impl Panel {
    fn of(s: ChainStatus) -> Panel {
        Panel {
            entries: s.entries,
            linked: s.linked,
            pending: s.pending,
            checkpoint: s.checkpoint.map(|c| (c.seq, moment(c.created_at), c.head)),
            check: s.check.map(|k| {
                let range = match (k.first_seq, k.last_seq) {
                    (Some(a), Some(b)) => format!("{a}–{b}"),
                    _ => String::new(),
                };
                (k.valid, range, k.failure)
            }),
            root: s.root_fingerprint,
        }
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct TrailPage<'a> {
    c: &'a Chrome,
    a: &'static AuditWords,
    f: &'a Filters,
    kinds: Vec<Choice>,
    outcomes: Vec<Choice>,
    sizes: Vec<Choice>,
    panel: Panel,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    query: String,
    error: Option<String>,
}

impl Filters {
    /// The API's query for this filter, `limit` entries from `offset`.
    fn trail_query(&self, limit: i64, offset: i64) -> Result<TrailQuery, ApiError> {
        Ok(TrailQuery {
            from: self.date("from")?,
            until: self.date("until")?,
            action: self.opt("action"),
            actor_kind: self.opt("actor_kind"),
            actor_id: self.opt("actor_id"),
            object_type: self.opt("object_type"),
            object_id: self.opt("object_id"),
            outcome: self.opt("outcome"),
            seq_from: self.number("seq_from")?,
            seq_to: self.number("seq_to")?,
            limit: Some(limit),
            offset: Some(offset),
        })
    }
}

#[get("/cabinet/audit")]
async fn trail_page(req: HttpRequest, state: web::Data<AppState>, meta: Meta) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let who = inspector(c.reader()?, &meta)?;
        let a = AuditWords::of(c.lang);
        let f = Filters::of(&req);
        let page = super::query::page(&req)?;
        let size = match f.number("limit") {
            Ok(Some(n)) if SIZES.contains(&n) => n,
            _ => DEFAULT_SIZE,
        };
        let found = match f.trail_query(size, (page - 1) * size) {
            Ok(q) => match q.parse() {
                Ok((filter, limit, offset)) => state
                    .audit
                    .entries(&who, &filter, limit, offset)
                    .await
                    .map_err(ApiError::from),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        let (rows, total, status, error) = match found {
            Ok(p) => (
                p.items.into_iter().map(|e| Row::of(a, e)).collect(),
                p.total,
                StatusCode::OK,
                None,
            ),
            Err(e) => {
                let (status, detail) = refusal(c.lang, e)?;
                (Vec::new(), 0, status, Some(detail))
            }
        };
        let panel = Panel::of(state.audit.status(&who).await?);
        let view = TrailPage {
            c: &c,
            a,
            kinds: ACTOR_KINDS
                .iter()
                .map(|k| Choice {
                    value: k.as_str().to_owned(),
                    label: kind_word(a, *k).to_owned(),
                    chosen: f.has("actor_kind", k.as_str()),
                })
                .collect(),
            outcomes: OUTCOMES
                .iter()
                .map(|o| Choice {
                    value: o.as_str().to_owned(),
                    label: outcome_word(a, *o).to_owned(),
                    chosen: f.has("outcome", o.as_str()),
                })
                .collect(),
            sizes: Choice::sizes(&SIZES, size),
            panel,
            rows,
            total,
            page,
            pages: (total + size - 1) / size,
            query: f.encoded(),
            f: &f,
            error,
        };
        Ok(html(&c, status, &view))
    }
    .await;
    answer(&c, result)
}

/// The segment form (GET, so the browser downloads the answer).
#[get("/cabinet/audit/chain")]
async fn segment(req: HttpRequest, state: web::Data<AppState>, meta: Meta) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let who = inspector(c.reader()?, &meta)?;
        let f = Filters::of(&req);
        let (from, to) = (f.number("from")?, f.number("to")?);
        Ok(segment_response(&state, &who, from, to).await?)
    }
    .await;
    answer(&c, result)
}

/// The delivery protocols' form.
#[derive(Deserialize)]
struct DeliveriesForm {
    csrf: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    org_inn: String,
    #[serde(default)]
    lang: String,
}

fn day(raw: &str, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    Some(raw.trim())
        .filter(|v| !v.is_empty())
        .map(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d"))
        .transpose()
        .map_err(|_| {
            ApiError::BadRequest(said!(
                "{name} is a date, YYYY-MM-DD",
                "{name} — дата в виде ГГГГ-ММ-ДД"
            ))
        })
}

#[post("/cabinet/audit/deliveries")]
async fn deliveries(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<DeliveriesForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        inspector(person, &meta)?;
        let midnight = |d: NaiveDate| Utc.from_utc_datetime(&d.and_time(chrono::NaiveTime::MIN));
        let from = day(&form.from, "from")?.map(midnight);
        let to = day(&form.until, "until")?
            .and_then(|d| d.succ_opt())
            .map(midnight);
        let inn = Some(form.org_inn.trim()).filter(|v| !v.is_empty());
        let lang = Some(form.lang.clone()).filter(|v| !v.is_empty());
        let request = auditor_request(from, to, inn, lang)?;
        let archive = state
            .exchange
            .export_for_auditor(person, &meta.0, request)
            .await
            .map_err(ApiError::from)?;
        Ok(zip_response(archive))
    }
    .await;
    answer(&c, result)
}
