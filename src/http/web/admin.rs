//! The administrator's page: the CA and HSM as they stand (the token and the database
//! answering, the service certificates with their expiry, the CRLs, the audit chain's
//! verdict), the points of issue with a form that adds one through the identity service the
//! API calls, and the products with their prices.

use super::applications_view::{moment, price};
use super::chrome::Chrome;
use super::error::{WebError, answer, refusal};
use super::i18n::AdminWords;
use super::render::{html, see_other};
use crate::audit::trail::Inspector;
use crate::http::AppState;
use crate::http::auth::{Admins, Authorised, Meta};
use crate::identity::Person;
use crate::pki::Ca;
use crate::registration::values::{ProductKind, Track};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use der::Decode;
use serde::Deserialize;
use std::time::Duration;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(admin_page).service(add_point);
}

/// The administrator's capability, or 403.
fn admin(person: &Person) -> Result<Authorised<Admins>, WebError> {
    Ok(Authorised::<Admins>::of(person.clone())?)
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
}

/// A point of issue.
struct Point {
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
    form: PointForm,
    error: Option<String>,
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
    form: PointForm,
    refused: Option<(StatusCode, String)>,
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
    let points = state
        .registration
        .points_of_issue()
        .await?
        .into_iter()
        .map(|p| Point {
            name: p.name,
            region: p.region,
            address: p.address,
        })
        .collect();
    let products = state
        .registration
        .catalogue()
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
        })
        .collect();
    let (status, error) = match refused {
        Some((s, e)) => (s, Some(e)),
        None => (StatusCode::OK, None),
    };
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
        form,
        error,
    };
    Ok(html(c, status, &page))
}

#[get("/cabinet/admin")]
async fn admin_page(req: HttpRequest, state: web::Data<AppState>, meta: Meta) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.reader()?;
        admin(person)?;
        admin_view(&c, &state, person, &meta, PointForm::default(), None).await
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
        match done {
            Ok(_) => Ok(see_other("/cabinet/admin#points").finish()),
            Err(e) => {
                let refused = refusal(e)?;
                admin_view(&c, &state, person, &meta, form, Some(refused)).await
            }
        }
    }
    .await;
    answer(&c, result)
}
