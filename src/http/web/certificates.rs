//! The holder's certificate pages: the list, one certificate with its downloads (links to the
//! API's download, which takes the session cookie on a GET), and revocation confirmed with the
//! second factor. Holders are subscribers and operators (an officer's own certificate).

use super::applications_view::moment;
use super::chrome::{Chrome, Confirmed, holder};
use super::error::{answer, refusal, shown};
use super::i18n::CertWords;
use super::render::{html, see_other};
use super::second_factor::{Answer, Asked};
use crate::http::AppState;
use crate::http::applications::path_id;
use crate::http::auth::Meta;
use crate::pki::revocation::RevocationReason;
use crate::registration::CertificateView;
use crate::registration::views::CertificateStatus;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_page)
        .service(certificate_page)
        .service(revocation)
        .service(revoke);
}

/// One certificate as the pages show it.
pub struct Shown {
    id: Uuid,
    application: Uuid,
    serial: String,
    status: &'static str,
    valid: String,
    activated: Option<String>,
    revoked: Option<String>,
    reason: Option<&'static str>,
    note: Option<String>,
    key: Option<Uuid>,
    replaces: Option<Uuid>,
    downloadable: bool,
    revocable: bool,
    reissuable: bool,
}

impl Shown {
    fn of(c: &Chrome, cw: &CertWords, v: &CertificateView) -> Shown {
        Shown {
            id: v.id,
            application: v.application_id,
            serial: v.serial.clone().unwrap_or_default(),
            status: c.t.certificate_status(v.status),
            valid: match (v.not_before, v.not_after) {
                (Some(from), Some(until)) => format!("{} – {}", moment(from), moment(until)),
                _ => String::new(),
            },
            activated: v.activated_at.map(moment),
            revoked: v.revoked_at.map(moment),
            note: v.revocation_reason.clone(),
            reason: v
                .revocation_code
                .as_deref()
                .and_then(|r| r.parse::<RevocationReason>().ok())
                .map(|r| cw.reason_name(r)),
            key: v.key_id,
            replaces: v.replaces,
            downloadable: v.pem.is_some(),
            revocable: v.status == CertificateStatus::Active,
            reissuable: v.status == CertificateStatus::Active && v.key_id.is_some(),
        }
    }
}

#[derive(Template)]
#[template(path = "certificates.html")]
struct ListPage<'a> {
    c: &'a Chrome,
    cw: &'static CertWords,
    rows: Vec<Shown>,
}

#[get("/cabinet/certificates")]
async fn list_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.reader()?)?;
        let cw = CertWords::of(c.lang);
        let rows = state.registration.certificates(&person).await?;
        let page = ListPage {
            c: &c,
            cw,
            rows: rows.iter().map(|v| Shown::of(&c, cw, v)).collect(),
        };
        Ok(html(&c, StatusCode::OK, &page))
    }
    .await;
    answer(&c, result)
}

/// A revocation reason to choose.
struct Reason {
    code: &'static str,
    name: &'static str,
    chosen: bool,
}

/// What the certificate page's form waits for, if anything.
pub(super) enum Waiting {
    /// Nothing: the page as it is.
    Nothing,
    /// A revocation's code, with the reason chosen.
    Revocation(Asked, RevocationReason),
    /// A reissue's PINs and code.
    Reissue(Asked),
}

#[derive(Template)]
#[template(path = "certificate.html")]
struct CertificatePage<'a> {
    c: &'a Chrome,
    cw: &'static CertWords,
    k: Shown,
    revoking: Option<Asked>,
    reissuing: Option<Asked>,
    reasons: Vec<Reason>,
    error: Option<String>,
}

/// The certificate page, with the form that waits for a code if one does.
pub(super) fn certificate_view(
    c: &Chrome,
    v: &CertificateView,
    waiting: Waiting,
    refusal: Option<(StatusCode, String)>,
) -> HttpResponse {
    let cw = CertWords::of(c.lang);
    let (status, error) = shown(refusal);
    let (revoking, reissuing, chosen) = match waiting {
        Waiting::Nothing => (None, None, RevocationReason::Unspecified),
        Waiting::Revocation(asked, chosen) => (Some(asked), None, chosen),
        Waiting::Reissue(asked) => (None, Some(asked), RevocationReason::Unspecified),
    };
    let page = CertificatePage {
        c,
        cw,
        k: Shown::of(c, cw, v),
        revoking,
        reissuing,
        reasons: RevocationReason::ALL
            .into_iter()
            .map(|r| Reason {
                code: r.as_str(),
                name: cw.reason_name(r),
                chosen: r == chosen,
            })
            .collect(),
        error,
    };
    html(c, status, &page)
}

#[get("/cabinet/certificates/{id}")]
async fn certificate_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.reader()?)?;
        let v = state
            .registration
            .certificate(&person, path_id(&id)?)
            .await?;
        Ok(certificate_view(&c, &v, Waiting::Nothing, None))
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/certificates/{id}/revocation")]
async fn revocation(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Confirmed>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let id = path_id(&id)?;
        let v = state.registration.certificate(&person, id).await?;
        let pending = state
            .registration
            .revocation_confirmation(&person, &meta.0, id)
            .await?;
        let waiting = Waiting::Revocation(Asked::of(pending), RevocationReason::Unspecified);
        Ok(certificate_view(&c, &v, waiting, None))
    }
    .await;
    answer(&c, result)
}

/// The revocation form.
#[derive(Deserialize)]
struct Revoking {
    csrf: String,
    #[serde(default)]
    reason: String,
    #[serde(flatten)]
    answer: Answer,
}

#[post("/cabinet/certificates/{id}/revoke")]
async fn revoke(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<Revoking>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = holder(c.confirm(&form.csrf)?)?;
        let id = path_id(&id)?;
        let v = state.registration.certificate(&person, id).await?;
        let asked = form.answer.asked();
        let reason = match form.reason.parse::<RevocationReason>() {
            Ok(r) => r,
            Err(e) => {
                let refused = Some((StatusCode::BAD_REQUEST, e.in_lang(c.lang).to_owned()));
                let waiting = Waiting::Revocation(asked, RevocationReason::Unspecified);
                return Ok(certificate_view(&c, &v, waiting, refused));
            }
        };
        let done = state
            .registration
            .revoke_own(
                &person,
                &meta.0,
                id,
                reason,
                &form.answer.confirmation,
                form.answer.code.trim(),
            )
            .await;
        match done {
            Ok(_) => Ok(see_other(&format!("/cabinet/certificates/{id}")).finish()),
            Err(e) => {
                let waiting = Waiting::Revocation(asked, reason);
                Ok(certificate_view(&c, &v, waiting, Some(refusal(c.lang, e)?)))
            }
        }
    }
    .await;
    answer(&c, result)
}
