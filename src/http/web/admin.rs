//! The administrator's page: the CA and HSM as they stand (the token and the database
//! answering, the service certificates with their expiry, the CRLs, the audit chain's
//! verdict), the points of issue with a form that adds one through the identity service the
//! API calls, the products with their prices, staff and partner agents, partners, and the
//! partners' API clients (created or given a new secret with the secret shown once, disabled).

use super::applications_view::{moment, price};
use super::chrome::{Chrome, Confirmed};
use super::error::{WebError, answer, refusal, shown};
use super::i18n::AdminWords;
use super::render::{html, see_other};
use crate::audit::trail::Inspector;
use crate::http::AppState;
use crate::http::admin::NewMemberRequest;
use crate::http::auth::{Admins, Authorised, Meta};
use crate::http::problem::ApiError;
use crate::identity::clients::{ClientCredentials, SCOPES};
use crate::identity::values::{Language, Role};
use crate::identity::{AccountId, Person};
use crate::pki::Ca;
use crate::registration::Administrator;
use crate::registration::values::{ProductKind, Track};
use crate::said;
use crate::said::Said;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use der::Decode;
use serde::Deserialize;
use std::time::Duration;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(admin_page)
        .service(add_point)
        .service(add_member)
        .service(unlock)
        .service(add_partner)
        .service(add_client)
        .service(rotate_client)
        .service(disable_client)
        .service(set_offer)
        .service(disable_account)
        .service(enable_account);
}

/// The administrator's capability over the catalogue, or 403.
fn registrar(person: &Person, meta: &Meta) -> Result<Administrator, WebError> {
    Administrator::person(person, &meta.0).ok_or_else(|| {
        ApiError::forbidden(said!(
            "This needs the admin role.",
            "Для этого нужна роль администратора."
        ))
        .into()
    })
}

/// The administrator's capability, or 403.
fn admin(person: &Person) -> Result<Authorised<Admins>, WebError> {
    Ok(Authorised::<Admins>::of(person.clone())?)
}

/// The administrator pressing a row's one-button form about object `id`: the person, their
/// capability and the id (malformed → 404).
fn acting<'c>(
    c: &'c Chrome,
    form: &Confirmed,
    id: &str,
) -> Result<(&'c Person, Authorised<Admins>, uuid::Uuid), WebError> {
    let person = c.confirm(&form.csrf)?;
    let who = admin(person)?;
    Ok((person, who, crate::http::applications::path_id(id)?))
}

/// A service certificate as the table shows it.
struct Cert {
    name: &'static str,
    subject: String,
    serial: String,
    until: String,
    days: i64,
    fingerprint: String,
}

/// A CRL as the table shows it.
struct Crl {
    ca: &'static str,
    current: Option<(i64, String, String)>,
}

/// A product as the table shows it.
struct Product {
    code: String,
    name: String,
    qualified: bool,
    cloud: bool,
    price: String,
    amount: String,
    currency: String,
    on_sale: bool,
}

/// A product's offer as the row's form sent it.
#[derive(Deserialize)]
struct OfferForm {
    csrf: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    on_sale: Option<String>,
}

/// An amount as people type it ("3900", "3900.50", "3 900,5") in minor units, or None.
fn minor_units(typed: &str) -> Option<i64> {
    let t: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.replace(',', ".");
    let (whole, fraction) = t.split_once('.').unwrap_or((&t, ""));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || !(fraction.is_empty() || (digits(fraction) && fraction.len() <= 2)) {
        return None;
    }
    let cents = format!("{fraction:0<2}").parse::<i64>().ok()?;
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents)
}

/// A point of issue.
struct Point {
    id: uuid::Uuid,
    name: String,
    region: String,
    address: String,
}

/// What the add-a-point form held.
#[derive(Default, Deserialize)]
struct PointForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    address: String,
}

/// What the add-a-member form held.
#[derive(Default, Deserialize)]
struct MemberForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    surname: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    patronymic: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    point_of_issue: String,
    #[serde(default)]
    partner: String,
}

impl MemberForm {
    /// The API's request for this form, so the API's parser decides.
    fn request(&self) -> Result<NewMemberRequest, ApiError> {
        let role = match Role::parse(&self.role) {
            Some(r) if r != Role::Subscriber => r,
            _ => {
                return Err(ApiError::BadRequest(said!(
                    "The role is operator, auditor, admin or partner_agent.",
                    "Роль — operator, auditor, admin или partner_agent."
                )));
            }
        };
        let id = |raw: &str, refusal: Said| {
            Some(raw.trim())
                .filter(|v| !v.is_empty())
                .map(uuid::Uuid::parse_str)
                .transpose()
                .map_err(|_| ApiError::BadRequest(refusal))
        };
        Ok(NewMemberRequest {
            role,
            surname: self.surname.clone(),
            given_name: self.given_name.clone(),
            patronymic: Some(self.patronymic.clone()),
            email: self.email.clone(),
            phone: self.phone.clone(),
            language: Language::parse(&self.language).unwrap_or_default(),
            point_of_issue: id(
                &self.point_of_issue,
                said!(
                    "The point of issue is not one of those offered.",
                    "Выберите пункт выдачи из предложенных."
                ),
            )?,
            partner: id(
                &self.partner,
                said!(
                    "The partner is not one of those offered.",
                    "Выберите партнёра из предложенных."
                ),
            )?,
        })
    }
}

/// A member as the table shows them.
struct MemberRow {
    id: uuid::Uuid,
    role: &'static str,
    name: String,
    email: String,
    belongs: String,
    ready: bool,
    disabled: Option<String>,
    me: bool,
}

/// A partner's API client as the table shows it.
struct ClientView {
    id: uuid::Uuid,
    partner: String,
    name: String,
    client_id: String,
    scopes: String,
    rate: i32,
    previous_until: Option<String>,
    disabled: Option<String>,
}

/// What the new-client form held: `scope` repeats, so it is read pair by pair.
struct ClientForm {
    csrf: String,
    partner: String,
    name: String,
    scopes: Vec<String>,
    rate: String,
}

impl Default for ClientForm {
    fn default() -> Self {
        ClientForm {
            csrf: String::new(),
            partner: String::new(),
            name: String::new(),
            scopes: Vec::new(),
            rate: "600".into(),
        }
    }
}

impl ClientForm {
    fn read(body: &[u8]) -> ClientForm {
        let mut f = ClientForm {
            rate: String::new(),
            ..ClientForm::default()
        };
        for (key, value) in form_urlencoded::parse(body) {
            let value = value.into_owned();
            match key.as_ref() {
                "csrf" => f.csrf = value,
                "partner" => f.partner = value,
                "name" => f.name = value,
                "scope" => f.scopes.push(value),
                "requests_per_minute" => f.rate = value,
                _ => {}
            }
        }
        f
    }

    /// The partner and the rate as the service takes them; the rest the service checks.
    fn parsed(&self) -> Result<(uuid::Uuid, i32), ApiError> {
        let partner = uuid::Uuid::parse_str(self.partner.trim()).map_err(|_| {
            ApiError::BadRequest(said!(
                "The partner is not one of those offered.",
                "Выберите партнёра из предложенных."
            ))
        })?;
        let rate = self
            .rate
            .trim()
            .parse()
            .map_err(|_| ApiError::BadRequest(Said::each(|l| AdminWords::of(l).bad_rate)))?;
        Ok((partner, rate))
    }

    fn chose(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// A client's secret, shown once right after it was made.
struct Issued {
    credentials: ClientCredentials,
    rotated: bool,
}

/// The forms as typed, the refusal and the notice of one answer.
#[derive(Default)]
struct Answered {
    point: PointForm,
    member: MemberForm,
    partner: String,
    client: ClientForm,
    issued: Option<Issued>,
    refused: Option<(StatusCode, String)>,
    notice: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage<'a> {
    c: &'a Chrome,
    w: &'static AdminWords,
    hsm: bool,
    sessions: (usize, usize, usize),
    database: bool,
    pool: (usize, usize, usize),
    certificates: Vec<Cert>,
    crls: Vec<Crl>,
    audit_intact: Option<bool>,
    points: Vec<Point>,
    products: Vec<Product>,
    members: Vec<MemberRow>,
    partners: Vec<(uuid::Uuid, String)>,
    clients: Vec<ClientView>,
    scopes: Vec<(&'static str, &'static str)>,
    client: ClientForm,
    issued: Option<Issued>,
    roles: Vec<(&'static str, &'static str)>,
    form: PointForm,
    member: MemberForm,
    partner: String,
    error: Option<String>,
    notice: Option<&'static str>,
}

fn role_word(w: &AdminWords, role: Role) -> &'static str {
    match role {
        Role::Operator => w.role_operator,
        Role::Auditor => w.role_auditor,
        Role::Admin => w.role_admin,
        Role::PartnerAgent => w.role_partner_agent,
        Role::Subscriber => "",
    }
}

fn scope_word(w: &AdminWords, scope: &str) -> &'static str {
    match scope {
        "agents:read" => w.scope_agents_read,
        "applications:read" => w.scope_applications_read,
        _ => w.scope_applications_write,
    }
}

fn cert(now: chrono::DateTime<chrono::Utc>, name: &'static str, der_bytes: &[u8]) -> Cert {
    let fingerprint = crate::pki::fingerprint(der_bytes);
    match x509_cert::Certificate::from_der(der_bytes) {
        Ok(parsed) => {
            let tbs = &parsed.tbs_certificate;
            let until = crate::pki::time::to_chrono(&tbs.validity.not_after);
            Cert {
                name,
                subject: tbs.subject.to_string(),
                serial: hex::encode(tbs.serial_number.as_bytes()),
                until: moment(until),
                days: (until - now).num_days(),
                fingerprint,
            }
        }
        Err(_) => Cert {
            name,
            subject: String::new(),
            serial: String::new(),
            until: String::new(),
            days: 0,
            fingerprint,
        },
    }
}

/// The page, with the add-a-point form as typed and its refusal when there was one.
async fn admin_view(
    c: &Chrome,
    state: &AppState,
    person: &Person,
    meta: &Meta,
    answered: Answered,
) -> Result<HttpResponse, WebError> {
    let w = AdminWords::of(c.lang);
    let limit = Duration::from_secs(3);
    let hsm = matches!(
        tokio::time::timeout(limit, state.vault.ping()).await,
        Ok(Ok(()))
    );
    let database = matches!(
        tokio::time::timeout(limit, state.db.ping()).await,
        Ok(Ok(()))
    );
    let s = &state.certificates;
    let now = state.clock.now();
    let certificates = vec![
        cert(now, w.cert_root, &s.root),
        cert(now, w.cert_issuing, &s.issuing),
        cert(now, w.cert_tsa, &s.tsa),
        cert(now, w.cert_seal, &s.seal),
    ];
    let mut crls = Vec::new();
    for (ca, name) in [(Ca::Root, w.cert_root), (Ca::Issuing, w.cert_issuing)] {
        let current = state
            .registry
            .current_crl(ca)
            .await
            .ok()
            .map(|r| (r.number, moment(r.this_update), moment(r.next_update)));
        crls.push(Crl { ca: name, current });
    }
    let audit_intact = match Inspector::person(person, &meta.0) {
        Some(who) => state.audit.status(&who).await?.check.map(|k| k.valid),
        None => None,
    };
    let points: Vec<Point> = state
        .registration
        .points_of_issue()
        .await?
        .into_iter()
        .map(|p| Point {
            id: p.id,
            name: p.name,
            region: p.region,
            address: p.address,
        })
        .collect();
    let products = state
        .registration
        .products(&registrar(person, meta)?)
        .await?
        .into_iter()
        .map(|p| Product {
            name: match c.lang {
                crate::identity::values::Language::Ru => p.name_ru,
                crate::identity::values::Language::En => p.name_en,
            },
            code: p.code,
            qualified: p.kind == ProductKind::Qualified,
            cloud: p.track == Track::Cloud,
            price: price(p.price_minor, &p.currency),
            amount: format!("{}.{:02}", p.price_minor / 100, p.price_minor % 100),
            currency: p.currency,
            on_sale: p.on_sale,
        })
        .collect();
    let partners = state.identity.partners().await?;
    let members = state
        .identity
        .members()
        .await?
        .into_iter()
        .map(|m| MemberRow {
            id: m.id,
            role: role_word(w, m.role),
            name: m.name,
            email: m.email,
            belongs: m
                .point_of_issue
                .and_then(|id| points.iter().find(|p: &&Point| p.id == id))
                .map(|p| p.name.clone())
                .or_else(|| {
                    m.partner
                        .and_then(|id| partners.iter().find(|p| p.0 == id))
                        .map(|p| p.1.clone())
                })
                .unwrap_or_default(),
            ready: m.ready,
            disabled: m.disabled_at.map(moment),
            me: m.id == person.account.0,
        })
        .collect();
    let clients = state
        .identity
        .clients()
        .await?
        .into_iter()
        .map(|k| ClientView {
            id: k.id,
            partner: partners
                .iter()
                .find(|p| p.0 == k.partner)
                .map(|p| p.1.clone())
                .unwrap_or_default(),
            name: k.name,
            client_id: k.client_id,
            scopes: k.scopes.join(", "),
            rate: k.requests_per_minute,
            previous_until: k.previous_secret_until.filter(|u| *u > now).map(moment),
            disabled: k.disabled_at.map(moment),
        })
        .collect();
    let (status, error) = shown(answered.refused);
    let page = AdminPage {
        c,
        w,
        hsm,
        sessions: state.vault.session_status(),
        database,
        pool: state.db.pool_status(),
        certificates,
        crls,
        audit_intact,
        points,
        products,
        members,
        partners,
        clients,
        scopes: SCOPES.iter().map(|s| (*s, scope_word(w, s))).collect(),
        client: answered.client,
        issued: answered.issued,
        roles: [
            Role::Operator,
            Role::Auditor,
            Role::Admin,
            Role::PartnerAgent,
        ]
        .into_iter()
        .map(|r| (r.as_str(), role_word(w, r)))
        .collect(),
        form: answered.point,
        member: answered.member,
        partner: answered.partner,
        error,
        notice: answered.notice,
    };
    Ok(html(c, status, &page))
}

/// After a row's act: the page with `notice`, or with the refusal.
async fn noticed(
    c: &Chrome,
    state: &AppState,
    person: &Person,
    meta: &Meta,
    done: Result<impl Sized, impl Into<ApiError>>,
    notice: &'static str,
    section: &str,
) -> Result<HttpResponse, WebError> {
    match done {
        Ok(_) => {
            let answered = Answered {
                notice: Some(notice),
                ..Answered::default()
            };
            admin_view(c, state, person, meta, answered).await
        }
        Err(e) => {
            after(
                c,
                state,
                person,
                meta,
                Err::<(), _>(e),
                section,
                Answered::default(),
            )
            .await
        }
    }
}

/// After a form: back to its section (303), or the page with the refusal and the form kept.
async fn after(
    c: &Chrome,
    state: &AppState,
    person: &Person,
    meta: &Meta,
    done: Result<(), impl Into<ApiError>>,
    section: &str,
    kept: Answered,
) -> Result<HttpResponse, WebError> {
    match done {
        Ok(()) => Ok(see_other(&format!("/cabinet/admin#{section}")).finish()),
        Err(e) => {
            let answered = Answered {
                refused: Some(refusal(c.lang, e)?),
                ..kept
            };
            admin_view(c, state, person, meta, answered).await
        }
    }
}

#[get("/cabinet/admin")]
async fn admin_page(req: HttpRequest, state: web::Data<AppState>, meta: Meta) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.reader()?;
        admin(person)?;
        admin_view(&c, &state, person, &meta, Answered::default()).await
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/admin/points")]
async fn add_point(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<PointForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let who = admin(person)?;
        let form = form.into_inner();
        let done = state
            .identity
            .create_point_of_issue(
                &form.name,
                &form.region,
                &form.address,
                who.0.event(&meta.0, "point_of_issue.create"),
            )
            .await;
        let kept = Answered {
            point: form,
            ..Answered::default()
        };
        after(&c, &state, person, &meta, done.map(drop), "points", kept).await
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/admin/members")]
async fn add_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<MemberForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let who = admin(person)?;
        let form = form.into_inner();
        let done = match form.request().and_then(NewMemberRequest::parse) {
            Ok(member) => state
                .identity
                .create_member(member, None, who.0.event(&meta.0, "account.create_member"))
                .await
                .map_err(ApiError::from),
            Err(e) => Err(e),
        };
        let kept = Answered {
            member: form,
            ..Answered::default()
        };
        after(&c, &state, person, &meta, done.map(drop), "members", kept).await
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/admin/accounts/{id}/unlock")]
async fn unlock(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Confirmed>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let (person, who, id) = acting(&c, &form, &id)?;
        let was_locked = state
            .identity
            .unlock_account(AccountId(id), who.0.event(&meta.0, "auth.unlock"))
            .await?;
        let w = AdminWords::of(c.lang);
        let answered = Answered {
            notice: Some(if was_locked { w.unlocked } else { w.not_locked }),
            ..Answered::default()
        };
        admin_view(&c, &state, person, &meta, answered).await
    }
    .await;
    answer(&c, result)
}

/// The add-a-partner form.
#[derive(Deserialize)]
struct PartnerForm {
    csrf: String,
    #[serde(default)]
    name: String,
}

#[post("/cabinet/admin/partners")]
async fn add_partner(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<PartnerForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let who = admin(person)?;
        let done = state
            .identity
            .create_partner(&form.name, who.0.event(&meta.0, "partner.create"))
            .await;
        let kept = Answered {
            partner: form.name.clone(),
            ..Answered::default()
        };
        after(&c, &state, person, &meta, done.map(drop), "partners", kept).await
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/admin/clients")]
async fn add_client(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    body: web::Bytes,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let form = ClientForm::read(&body);
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let who = admin(person)?;
        let made = match form.parsed() {
            Ok((partner, rate)) => state
                .identity
                .create_client(
                    partner,
                    &form.name,
                    &form.scopes,
                    rate,
                    who.0.event(&meta.0, "api_client.create"),
                )
                .await
                .map_err(ApiError::from),
            Err(e) => Err(e),
        };
        match made {
            Ok(credentials) => {
                let issued = Some(Issued {
                    credentials,
                    rotated: false,
                });
                let answered = Answered {
                    issued,
                    ..Answered::default()
                };
                admin_view(&c, &state, person, &meta, answered).await
            }
            Err(e) => {
                let kept = Answered {
                    client: form,
                    ..Answered::default()
                };
                after(&c, &state, person, &meta, Err::<(), _>(e), "clients", kept).await
            }
        }
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/admin/clients/{id}/secret")]
async fn rotate_client(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Confirmed>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let (person, who, id) = acting(&c, &form, &id)?;
        let credentials = state
            .identity
            .rotate_client_secret(id, who.0.event(&meta.0, "api_client.rotate"))
            .await?;
        let answered = Answered {
            issued: Some(Issued {
                credentials,
                rotated: true,
            }),
            ..Answered::default()
        };
        admin_view(&c, &state, person, &meta, answered).await
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/admin/clients/{id}/disable")]
async fn disable_client(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Confirmed>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let (person, who, id) = acting(&c, &form, &id)?;
        let done = state
            .identity
            .disable_client(id, who.0.event(&meta.0, "api_client.disable"))
            .await;
        let notice = AdminWords::of(c.lang).disabled_notice;
        noticed(&c, &state, person, &meta, done, notice, "clients").await
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/admin/products/{code}")]
async fn set_offer(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    code: web::Path<String>,
    form: web::Form<OfferForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let who = registrar(person, &meta)?;
        let on_sale = form.on_sale.as_deref() == Some("true");
        let done = match minor_units(&form.price) {
            Some(minor) => state
                .registration
                .set_offer(&who, &code, minor, on_sale)
                .await
                .map(drop)
                .map_err(ApiError::from),
            None => Err(ApiError::BadRequest(Said::each(|l| {
                AdminWords::of(l).bad_price
            }))),
        };
        after(
            &c,
            &state,
            person,
            &meta,
            done,
            "products",
            Answered::default(),
        )
        .await
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/admin/accounts/{id}/disable")]
async fn disable_account(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Confirmed>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let (person, who, id) = acting(&c, &form, &id)?;
        let done = state
            .identity
            .disable_account(
                AccountId(id),
                person.account,
                who.0.event(&meta.0, "account.disable"),
            )
            .await;
        let notice = AdminWords::of(c.lang).account_disabled;
        noticed(&c, &state, person, &meta, done, notice, "members").await
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/admin/accounts/{id}/enable")]
async fn enable_account(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Confirmed>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let (person, who, id) = acting(&c, &form, &id)?;
        let done = state
            .identity
            .enable_account(AccountId(id), who.0.event(&meta.0, "account.enable"))
            .await;
        after(
            &c,
            &state,
            person,
            &meta,
            done,
            "members",
            Answered::default(),
        )
        .await
    }
    .await;
    answer(&c, result)
}

#[cfg(test)]
mod tests {
    use super::minor_units;

    #[test]
    fn amounts_are_read_as_people_type_them() {
        assert_eq!(minor_units("3900"), Some(390_000));
        assert_eq!(minor_units("3 900,5"), Some(390_050));
        assert_eq!(minor_units("0.07"), Some(7));
        for bad in [
            "",
            "12.345",
            "-5",
            "1e3",
            ".5",
            "abc",
            "99999999999999999999",
        ] {
            assert_eq!(minor_units(bad), None, "{bad}");
        }
    }
}
