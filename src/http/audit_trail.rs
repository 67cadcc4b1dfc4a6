//! The audit trail for auditors over HTTP: entries by filter, the chain's status, and a chain
//! segment as JSON Lines to verify offline (`cloudseal audit verify`, `POST
//! /api/v1/audit/verify`). The cabinet's audit page parses its filter with the same
//! [`TrailQuery::parse`].

use super::AppState;
use super::auth::{Auditors, Authorised, Meta};
use super::problem::{ApiError, Problem};
use crate::audit::trail::{ChainStatus, Inspector, TrailFilter, TrailPage};
use crate::audit::{ActorKind, Outcome};
use crate::said;
use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::{NaiveDate, TimeZone, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(entries).service(status).service(chain);
}

/// The most entries one page lists.
pub const MAX_LIMIT: i64 = 200;

/// Filters and page of the audit trail.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TrailQuery {
    /// Occurred on or after this day (UTC).
    pub from: Option<NaiveDate>,
    /// Occurred on or before this day (UTC).
    pub until: Option<NaiveDate>,
    /// The action starts with this, e.g. `application.` or `auth.login`.
    pub action: Option<String>,
    /// `system`, `anonymous`, `subscriber`, `staff` or `partner`.
    pub actor_kind: Option<String>,
    /// The actor's id.
    pub actor_id: Option<String>,
    /// The object's type, e.g. `application`, `sending`, `certificate`.
    pub object_type: Option<String>,
    /// The object's id.
    pub object_id: Option<String>,
    /// `success`, `failure` or `denied`.
    pub outcome: Option<String>,
    /// Chain position at or after.
    pub seq_from: Option<i64>,
    /// Chain position at or before.
    pub seq_to: Option<i64>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Entries to skip.
    pub offset: Option<i64>,
}

fn text(s: &Option<String>, name: &str) -> Result<Option<String>, ApiError> {
    match s.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.chars().count() > 200 => Err(ApiError::BadRequest(said!(
            "{name} is at most 200 characters",
            "{name} — не больше 200 символов"
        ))),
        Some(v) => Ok(Some(v.to_owned())),
    }
}

impl TrailQuery {
    /// The typed filter and (limit, offset).
    pub fn parse(&self) -> Result<(TrailFilter, i64, i64), ApiError> {
        let actor_kind = match text(&self.actor_kind, "actor_kind")? {
            None => None,
            Some(k) => Some(
                ActorKind::parse(&k)
                    .ok_or_else(|| {
                        ApiError::BadRequest(said!(
                            "actor_kind is system, anonymous, subscriber, staff or partner",
                            "actor_kind — system, anonymous, subscriber, staff или partner"
                        ))
                    })?
                    .as_str()
                    .to_owned(),
            ),
        };
        let outcome = match text(&self.outcome, "outcome")? {
            None => None,
            Some(o) => Some(
                Outcome::parse(&o)
                    .ok_or_else(|| {
                        ApiError::BadRequest(said!(
                            "outcome is success, failure or denied",
                            "outcome — success, failure или denied"
                        ))
                    })?
                    .as_str()
                    .to_owned(),
            ),
        };
        for (name, seq) in [("seq_from", self.seq_from), ("seq_to", self.seq_to)] {
            if seq.is_some_and(|s| s < 1) {
                return Err(ApiError::BadRequest(said!(
                    "{name} is 1 or more",
                    "{name} — 1 или больше"
                )));
            }
        }
        if let (Some(a), Some(b)) = (self.seq_from, self.seq_to)
            && a > b
        {
            return Err(ApiError::BadRequest(said!(
                "seq_from is after seq_to",
                "seq_from позже seq_to"
            )));
        }
        if let (Some(a), Some(b)) = (self.from, self.until)
            && a > b
        {
            return Err(ApiError::BadRequest(said!(
                "from is after until",
                "from позже until"
            )));
        }
        let limit = self.limit.unwrap_or(50);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::BadRequest(said!(
                "limit is 1 to {MAX_LIMIT}",
                "limit — от 1 до {MAX_LIMIT}"
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
        Ok((
            TrailFilter {
                from: self.from.map(day),
                until: self.until.and_then(|d| d.succ_opt()).map(day),
                action: text(&self.action, "action")?,
                actor_kind,
                actor_id: text(&self.actor_id, "actor_id")?,
                object_type: text(&self.object_type, "object_type")?,
                object_id: text(&self.object_id, "object_id")?,
                outcome,
                seq_from: self.seq_from,
                seq_to: self.seq_to,
            },
            limit,
            offset,
        ))
    }
}

/// The capability to read the trail.
pub fn inspector(who: &Authorised<Auditors>, meta: &Meta) -> Result<Inspector, ApiError> {
    Inspector::person(&who.0, &meta.0).ok_or_else(|| {
        ApiError::forbidden(said!(
            "The audit trail is for auditors.",
            "Журнал аудита — для аудиторов."
        ))
    })
}

/// Entries of the audit trail that match the filter, newest first (auditors).
#[utoipa::path(tag = "audit", params(TrailQuery), responses(
    (status = 200, body = TrailPage),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/audit/entries")]
pub async fn entries(
    state: web::Data<AppState>,
    who: Authorised<Auditors>,
    meta: Meta,
    query: web::Query<TrailQuery>,
) -> Result<HttpResponse, ApiError> {
    let (filter, limit, offset) = query.parse()?;
    let page = state
        .audit
        .entries(&inspector(&who, &meta)?, &filter, limit, offset)
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// The chain's status: entries recorded and linked, the newest checkpoint, and the newest
/// segment re-verified with the offline verifier against our root (auditors).
#[utoipa::path(tag = "audit", responses(
    (status = 200, body = ChainStatus),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/audit/status")]
pub async fn status(
    state: web::Data<AppState>,
    who: Authorised<Auditors>,
    meta: Meta,
) -> Result<HttpResponse, ApiError> {
    let status = state.audit.status(&inspector(&who, &meta)?).await?;
    Ok(HttpResponse::Ok().json(status))
}

/// Which part of the chain to export.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SegmentQuery {
    /// First chain position (default 1).
    pub from: Option<i64>,
    /// Last chain position (default: the newest, after this export's own entry is signed).
    pub to: Option<i64>,
}

/// A chain segment as JSON Lines, ending on a signed checkpoint, for offline verification
/// (auditors; the export is audited and, without `to`, covers its own entry).
#[utoipa::path(tag = "audit", params(SegmentQuery), responses(
    (status = 200, content_type = "application/jsonl", body = Vec<u8>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 503, body = Problem, content_type = "application/problem+json")))]
#[get("/api/v1/audit/chain")]
pub async fn chain(
    state: web::Data<AppState>,
    who: Authorised<Auditors>,
    meta: Meta,
    query: web::Query<SegmentQuery>,
) -> Result<HttpResponse, ApiError> {
    segment_response(&state, &inspector(&who, &meta)?, query.from, query.to).await
}

/// Export `from..=to` and send it as a download; shared with the cabinet's audit page.
pub async fn segment_response(
    state: &AppState,
    who: &Inspector,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<HttpResponse, ApiError> {
    if from.is_some_and(|s| s < 1) || to.is_some_and(|s| s < 1) {
        return Err(ApiError::BadRequest(said!(
            "from and to are 1 or more",
            "from и to — 1 или больше"
        )));
    }
    if let (Some(a), Some(b)) = (from, to)
        && a > b
    {
        return Err(ApiError::BadRequest(said!(
            "from is after to",
            "from позже to"
        )));
    }
    let segment = state.audit.export(who, from, to).await?;
    let s = segment.summary;
    let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(segment.file));
    Ok(HttpResponse::Ok()
        .content_type("application/jsonl")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"audit-chain-{}-{}.jsonl\"",
                s.first_seq, s.last_seq
            ),
        ))
        .insert_header(("Audit-Entries", s.entries.to_string()))
        .no_chunking(segment.size)
        .streaming(stream))
}
