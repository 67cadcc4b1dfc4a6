//! The pages open to anyone: verify a signature (the form posts to the open API, which answers
//! with the sealed HTML protocol) and check a protocol file's seal. A visitor who is not signed
//! in counts against the same anonymous limit as on the API.

use super::chrome::Chrome;
use super::error::{WebError, answer};
use super::i18n::Tr;
use super::render::html;
use crate::http::AppState;
use crate::http::auth::Meta;
use crate::http::problem::ApiError;
use crate::http::verify::{PROTOCOL_MAX_BYTES, read_field};
use crate::said;
use crate::said::Said;
use crate::verification::ProtocolCheck;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use futures_util::StreamExt;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(verify_page)
        .service(check_page)
        .service(check_protocol);
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage<'a> {
    c: &'a Chrome,
}

/// A protocol check as the page shows it.
struct Checked {
    valid: bool,
    format: String,
    kind: Option<&'static str>,
    sealed_at: Option<String>,
    sealed_by: Option<String>,
    problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "check_protocol.html")]
struct CheckPage<'a> {
    c: &'a Chrome,
    result: Option<Checked>,
}

#[get("/verify")]
async fn verify_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    html(&c, StatusCode::OK, &VerifyPage { c: &c })
}

#[get("/verify/protocol")]
async fn check_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    html(
        &c,
        StatusCode::OK,
        &CheckPage {
            c: &c,
            result: None,
        },
    )
}

fn shown(c: &Chrome, check: ProtocolCheck) -> Checked {
    Checked {
        valid: check.valid,
        format: check.format.to_uppercase(),
        kind: check.kind.as_deref().map(|k| match k {
            "delivery" => c.t.kind_delivery,
            _ => c.t.kind_verification,
        }),
        sealed_at: check
            .sealed_at
            .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
        sealed_by: check.sealed_by,
        problems: check
            .problems
            .iter()
            .map(|p| p.in_lang(c.lang).to_owned())
            .collect(),
    }
}

/// The form's token and file, in the order the page sends them.
async fn read_form(mut form: Multipart) -> Result<(String, Option<Vec<u8>>), WebError> {
    let mut token = String::new();
    let mut file = None;
    while let Some(field) = form.next().await {
        let field = field.map_err(super::chrome::malformed)?;
        match field.name() {
            Some("csrf") => {
                let raw = read_field(field, 256).await?;
                token = String::from_utf8_lossy(&raw).into_owned();
            }
            Some("protocol") => {
                let raw = read_field(field, PROTOCOL_MAX_BYTES).await?;
                file = (!raw.is_empty()).then_some(raw);
            }
            _ => {
                return Err(ApiError::BadRequest(said!(
                    "The form has the fields csrf and protocol only.",
                    "В форме только поля csrf и protocol."
                ))
                .into());
            }
        }
    }
    Ok((token, file))
}

#[post("/verify/protocol")]
async fn check_protocol(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: Multipart,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let (token, file) = read_form(form).await?;
        c.confirm_anonymous(&token)?;
        let file = file.ok_or_else(|| ApiError::BadRequest(Said::each(|l| Tr::of(l).no_file)))?;
        if !c.signed_in {
            state.verification.admit_anonymous(&meta.0.client_ip)?;
        }
        let check = state.verification.check_protocol(&file).await?;
        let page = CheckPage {
            c: &c,
            result: Some(shown(&c, check)),
        };
        Ok(html(&c, StatusCode::OK, &page))
    }
    .await;
    answer(&c, result)
}
