//! Counterparties in the cabinet: the relationships and invitations in both directions with
//! what each side may do (accept, decline, withdraw, end), inviting by email with a note, and
//! the "only from my counterparties" setting — all through the exchange service the API uses.

use super::applications_view::moment;
use super::chrome::{Chrome, Confirmed, holder};
use super::error::{WebError, answer, refusal, shown};
use super::i18n::BookWords;
use super::query;
use super::render::{html, see_other};
use crate::exchange::views::CounterpartyView;
use crate::exchange::{Invitation, ShortText};
use crate::http::AppState;
use crate::http::auth::Meta;
use crate::http::problem::ApiError;
use crate::http::sendings::object_id;
use crate::identity::Person;
use crate::identity::values::Email;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

/// Relationships per page.
const PAGE: i64 = 20;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_page)
        .service(invite)
        .service(settings)
        .service(act);
}

/// A relationship as the list shows it, with what the caller may do to it.
struct Line {
    id: Uuid,
    who: String,
    incoming: bool,
    status: &'static str,
    note: Option<String>,
    since: String,
    can_answer: bool,
    can_end: bool,
    invited: bool,
}

impl Line {
    fn of(v: CounterpartyView, w: &BookWords) -> Line {
        let incoming = v.direction == "incoming";
        let open = v.status == "invited";
        let who = match v.counterparty.name {
            Some(name) => format!("{name} <{}>", v.counterparty.email),
            None => v.counterparty.email,
        };
        Line {
            id: v.id,
            who,
            incoming,
            status: match v.status.as_str() {
                "invited" => w.st_invited,
                "accepted" => w.st_accepted,
                "declined" => w.st_declined,
                _ => w.st_ended,
            },
            note: v.note,
            since: moment(v.ended_at.or(v.answered_at).unwrap_or(v.created_at)),
            can_answer: incoming && open,
            can_end: v.status == "accepted" || (!incoming && open),
            invited: open,
        }
    }
}

/// An invitation as typed.
#[derive(Deserialize, Default)]
struct InviteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "counterparties.html")]
struct ListPage<'a> {
    c: &'a Chrome,
    w: &'static BookWords,
    rows: Vec<Line>,
    page: i64,
    more: bool,
    only: bool,
    form: &'a InviteForm,
    done: bool,
    error: Option<String>,
}

async fn list_view(
    c: &Chrome,
    req: &HttpRequest,
    state: &AppState,
    person: &Person,
    form: &InviteForm,
    refused: Option<(StatusCode, String)>,
) -> Result<HttpResponse, WebError> {
    let w = BookWords::of(c.lang);
    let page = query::page(req)?;
    let mut rows = state
        .exchange
        .counterparties(person, PAGE + 1, (page - 1) * PAGE)
        .await?;
    let more = rows.len() as i64 > PAGE;
    rows.truncate(PAGE as usize);
    let only = state
        .exchange
        .settings(person)
        .await?
        .accept_only_counterparties;
    let (status, error) = shown(refused);
    let list = ListPage {
        c,
        w,
        rows: rows.into_iter().map(|v| Line::of(v, w)).collect(),
        page,
        more,
        only,
        form,
        done: query::text(req, "done").as_deref() == Some("invited"),
        error,
    };
    Ok(html(c, status, &list))
}

#[get("/cabinet/counterparties")]
async fn list_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.reader()?)?;
        list_view(&c, &req, &state, &person, &InviteForm::default(), None).await
    }
    .await;
    answer(&c, result)
}

fn invitation(form: &InviteForm) -> Result<Invitation, ApiError> {
    Ok(Invitation {
        email: Email::parse(&form.email).map_err(|e| ApiError::BadRequest(e.0))?,
        note: ShortText::parse(Some(form.note.as_str()), &crate::said!("a note", "заметка"))?,
    })
}

#[post("/cabinet/counterparties")]
async fn invite(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<InviteForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let sent = match invitation(&form) {
            Ok(i) => state
                .exchange
                .invite(&person, &meta.0, i)
                .await
                .map_err(Into::into),
            Err(e) => Err(e),
        };
        match sent {
            Ok(_) => Ok(see_other("/cabinet/counterparties?done=invited").finish()),
            Err(e) => {
                let refused = refusal(c.lang, e)?;
                list_view(&c, &req, &state, &person, &form, Some(refused)).await
            }
        }
    }
    .await;
    answer(&c, result)
}

/// The "only from my counterparties" choice.
#[derive(Deserialize)]
struct OnlyForm {
    csrf: String,
    #[serde(default)]
    only: String,
}

#[post("/cabinet/counterparties/settings")]
async fn settings(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<OnlyForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let wanted = crate::exchange::views::ExchangeSettings {
            accept_only_counterparties: super::chrome::choice(&form.only)?,
        };
        state
            .exchange
            .set_settings(&person, &meta.0, wanted)
            .await?;
        Ok(see_other("/cabinet/counterparties").finish())
    }
    .await;
    answer(&c, result)
}

/// Accept, decline, withdraw or end: what the service allows is the service's rule (a
/// relationship that has moved on answers 409, shown on the list).
#[post("/cabinet/counterparties/{id}/{act}")]
async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    path: web::Path<(String, String)>,
    form: web::Form<Confirmed>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let (id, act) = path.into_inner();
        let id = object_id(&id)?;
        let done = match act.as_str() {
            "accept" => state.exchange.answer(&person, &meta.0, id, true).await,
            "decline" => state.exchange.answer(&person, &meta.0, id, false).await,
            "end" => state.exchange.end(&person, &meta.0, id).await,
            _ => return Err(ApiError::NotFound.into()),
        };
        match done {
            Ok(_) => Ok(see_other("/cabinet/counterparties").finish()),
            Err(e) => {
                let refused = refusal(c.lang, e)?;
                let form = InviteForm::default();
                list_view(&c, &req, &state, &person, &form, Some(refused)).await
            }
        }
    }
    .await;
    answer(&c, result)
}
