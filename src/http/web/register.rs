//! Registering as a subscriber from the cabinet: the form, the SMS code that confirms the
//! phone, and what remains (the emailed link). The typed values are parsed by the API's own
//! parser and the identity service decides, so a rule of registration exists once.

use super::chrome::Chrome;
use super::error::{answer, refusal};
use super::i18n::AccountWords;
use super::render::{html, notice, see_other};
use super::signin::again;
use crate::http::AppState;
use crate::http::accounts::{RegisterRequest, parse_registration};
use crate::http::auth::Meta;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(register_page)
        .service(register)
        .service(confirm_phone)
        .service(resend);
}

/// The registration form as typed.
// No `Debug`: it holds a secret.
#[derive(Deserialize, Default)]
struct Registering {
    #[serde(default)]
    csrf: String,
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
    country: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage<'a> {
    c: &'a Chrome,
    w: &'static AccountWords,
    form: &'a Registering,
    error: Option<String>,
}

/// The phone step: where the code went, and the handle to answer it with.
#[derive(Deserialize)]
struct PhoneStep {
    csrf: String,
    challenge: String,
    phone: String,
    email: String,
    #[serde(default)]
    code: String,
}

#[derive(Template)]
#[template(path = "register_phone.html")]
struct PhonePage<'a> {
    c: &'a Chrome,
    w: &'static AccountWords,
    challenge: &'a str,
    phone: &'a str,
    email: &'a str,
    error: Option<String>,
}

/// The phone step again, answering `challenge`.
fn phone_page<'a>(
    c: &'a Chrome,
    form: &'a PhoneStep,
    challenge: &'a str,
    error: Option<String>,
) -> PhonePage<'a> {
    PhonePage {
        c,
        w: AccountWords::of(c.lang),
        challenge,
        phone: &form.phone,
        email: &form.email,
        error,
    }
}

fn form_page(
    c: &Chrome,
    status: StatusCode,
    form: &Registering,
    error: Option<String>,
) -> HttpResponse {
    let page = RegisterPage {
        c,
        w: AccountWords::of(c.lang),
        form,
        error,
    };
    html(c, status, &page)
}

#[get("/register")]
async fn register_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    if c.signed_in {
        return see_other("/cabinet").finish();
    }
    form_page(&c, StatusCode::OK, &Registering::default(), None)
}

#[post("/register")]
async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<Registering>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let form = form.into_inner();
    let result = async {
        c.confirm_anonymous(&form.csrf)?;
        let w = AccountWords::of(c.lang);
        if form.password != form.password_again {
            let m = w.passwords_differ.to_owned();
            return Ok(form_page(&c, StatusCode::BAD_REQUEST, &form, Some(m)));
        }
        let typed = RegisterRequest {
            surname: form.surname.clone(),
            given_name: form.given_name.clone(),
            patronymic: Some(form.patronymic.clone()),
            email: form.email.clone(),
            phone: form.phone.clone(),
            country: form.country.trim().to_ascii_uppercase(),
            language: c.lang,
            password: form.password.clone(),
        };
        let registered = match parse_registration(typed) {
            Ok(reg) => state
                .identity
                .register(reg, &meta.0)
                .await
                .map_err(Into::into),
            Err(e) => Err(e),
        };
        match registered {
            Ok(done) => {
                let page = PhonePage {
                    c: &c,
                    w,
                    challenge: &done.phone_challenge.handle,
                    phone: form.phone.trim(),
                    email: form.email.trim(),
                    error: None,
                };
                Ok(html(&c, StatusCode::OK, &page))
            }
            Err(e) => {
                let (status, detail) = refusal(c.lang, e)?;
                Ok(form_page(&c, status, &form, Some(detail)))
            }
        }
    }
    .await;
    answer(&c, result)
}

#[post("/register/phone")]
async fn confirm_phone(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<PhoneStep>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        c.confirm_anonymous(&form.csrf)?;
        let w = AccountWords::of(c.lang);
        match state
            .identity
            .confirm_phone(&form.challenge, form.code.trim(), &meta.0)
            .await
        {
            Ok(_) => {
                let message = format!("{} {}. {}", w.almost_note, form.email, w.almost_then);
                Ok(notice(&c, w.almost_title, &message, None))
            }
            Err(e) => again(&c, e, |message| {
                phone_page(&c, &form, &form.challenge, Some(message))
            }),
        }
    }
    .await;
    answer(&c, result)
}

#[post("/register/phone/resend")]
async fn resend(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<PhoneStep>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        c.confirm_anonymous(&form.csrf)?;
        match state.identity.resend(&form.challenge, &meta.0).await {
            Ok(issued) => {
                let page = phone_page(&c, &form, &issued.handle, None);
                Ok(html(&c, StatusCode::OK, &page))
            }
            Err(e) => again(&c, e, |message| {
                phone_page(&c, &form, &form.challenge, Some(message))
            }),
        }
    }
    .await;
    answer(&c, result)
}
