//! A local registry gateway: the wire format of [`super::wire`] over a small dataset, for
//! development (`cloudseal registry serve-local`) and the tests. It answers as the real
//! registries do — a SNILS matches only its own person, an INN is found only for a passport
//! of the person named — so checks fail as they would in production when the data is wrong.

use super::wire::{InnAnswer, InnQuery, LegalEntity, PersonQuery, SnilsAnswer, SnilsQuery};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, dev::Server, get, post, web};
use serde::Deserialize;
use std::net::TcpListener;

/// A person known to the registries.
#[derive(Debug, Clone, Deserialize)]
pub struct KnownPerson {
    /// Name and birth date.
    #[serde(flatten)]
    pub person: PersonQuery,
    /// SNILS, 11 digits.
    pub snils: Option<String>,
    /// INN, 12 digits.
    pub inn: Option<String>,
    /// Passports as (series, number).
    #[serde(default)]
    pub passports: Vec<(String, String)>,
}

/// What the local gateway knows.
#[derive(Debug, Clone, Deserialize)]
pub struct Dataset {
    /// People.
    pub persons: Vec<KnownPerson>,
    /// Organisations.
    pub legal_entities: Vec<LegalEntity>,
}

impl Dataset {
    /// The demo dataset: the people and the organisation of the demo and the tests.
    pub fn demo() -> Result<Self, serde_json::Error> {
        serde_json::from_str(include_str!("local_demo.json"))
    }
}

struct State {
    data: Dataset,
    token: Option<String>,
}

/// Names compare as the registries compare them: case and ё/е do not matter.
fn same_person(a: &PersonQuery, b: &PersonQuery) -> bool {
    let fold = |s: &str| s.trim().to_lowercase().replace('ё', "е");
    let opt = |s: &Option<String>| fold(s.as_deref().unwrap_or(""));
    fold(&a.surname) == fold(&b.surname)
        && fold(&a.given_name) == fold(&b.given_name)
        && opt(&a.patronymic) == opt(&b.patronymic)
        && a.birth_date == b.birth_date
}

fn authorised(req: &HttpRequest, state: &State) -> bool {
    let Some(token) = &state.token else {
        return true;
    };
    req.headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| t == token)
}

#[post("/v1/snils/verify")]
async fn snils(
    req: HttpRequest,
    state: web::Data<State>,
    q: web::Json<SnilsQuery>,
) -> HttpResponse {
    if !authorised(&req, &state) {
        return HttpResponse::Unauthorized().finish();
    }
    let matches =
        state.data.persons.iter().any(|p| {
            p.snils.as_deref() == Some(q.snils.as_str()) && same_person(&p.person, &q.person)
        });
    HttpResponse::Ok().json(SnilsAnswer { matches })
}

#[post("/v1/inn/by-passport")]
async fn inn(req: HttpRequest, state: web::Data<State>, q: web::Json<InnQuery>) -> HttpResponse {
    if !authorised(&req, &state) {
        return HttpResponse::Unauthorized().finish();
    }
    let inn = state
        .data
        .persons
        .iter()
        .find(|p| {
            same_person(&p.person, &q.person)
                && p.passports
                    .iter()
                    .any(|(s, n)| *s == q.series && *n == q.number)
        })
        .and_then(|p| p.inn.clone());
    HttpResponse::Ok().json(InnAnswer { inn })
}

#[get("/v1/legal-entities/{ogrn}")]
async fn legal_entity(
    req: HttpRequest,
    state: web::Data<State>,
    ogrn: web::Path<String>,
) -> HttpResponse {
    if !authorised(&req, &state) {
        return HttpResponse::Unauthorized().finish();
    }
    match state.data.legal_entities.iter().find(|e| e.ogrn == *ogrn) {
        Some(e) => HttpResponse::Ok().json(e),
        None => HttpResponse::NotFound().finish(),
    }
}

/// Serve `data` on `listener`; requests must carry `token` as a bearer token when one is set.
pub fn serve(
    listener: TcpListener,
    data: Dataset,
    token: Option<String>,
) -> std::io::Result<Server> {
    let state = web::Data::new(State { data, token });
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .service(snils)
            .service(inn)
            .service(legal_entity)
    })
    .workers(1)
    .listen(listener)?
    .run())
}
