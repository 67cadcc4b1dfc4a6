//! The pages the emailed links open: confirming an email address, and choosing a new
//! password (after "forgot your password?", or a new staff member's first). Opening a link
//! changes nothing — a mail scanner that fetches it spends no token; the button does.

use super::chrome::Chrome;
use super::error::{answer, refusal};
use super::i18n::AccountWords;
use super::query;
use super::render::{html, notice};
use crate::http::AppState;
use crate::http::auth::Meta;
use crate::http::problem::ApiError;
use crate::identity::values::Email;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(email_page)
        .service(confirm_email)
        .service(reset_page)
        .service(reset_request)
        .service(reset_password);
}

#[derive(Template)]
#[template(path = "confirm_email.html")]
struct EmailPage<'a> {
    c: &'a Chrome,
    w: &'static AccountWords,
    token: &'a str,
}

/// A form that carries an emailed link's token.
#[derive(Deserialize)]
struct LinkForm {
    csrf: String,
    token: String,
}

#[get("/confirm-email")]
async fn email_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let token = query::text(&req, "token").unwrap_or_default();
    let page = EmailPage {
        c: &c,
        w: AccountWords::of(c.lang),
        token: &token,
    };
    html(&c, StatusCode::OK, &page)
}

#[post("/confirm-email")]
async fn confirm_email(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<LinkForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        c.confirm_anonymous(&form.csrf)?;
        state.identity.confirm_email(&form.token, &meta.0).await?;
        let w = AccountWords::of(c.lang);
        Ok(notice(
            &c,
            w.email_title,
            w.email_done,
            Some(("/signin", c.t.sign_in)),
        ))
    }
    .await;
    answer(&c, result)
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage<'a> {
    c: &'a Chrome,
    w: &'static AccountWords,
    email: &'a str,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "reset_new.html")]
struct NewPasswordPage<'a> {
    c: &'a Chrome,
    w: &'static AccountWords,
    token: &'a str,
    error: Option<String>,
}

/// Without a token: ask for a link. With the token of an emailed link: choose the password.
#[get("/password-reset")]
async fn reset_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let w = AccountWords::of(c.lang);
    match query::text(&req, "token") {
        Some(token) => html(
            &c,
            StatusCode::OK,
            &NewPasswordPage {
                c: &c,
                w,
                token: &token,
                error: None,
            },
        ),
        None => html(
            &c,
            StatusCode::OK,
            &ResetPage {
                c: &c,
                w,
                email: "",
                error: None,
            },
        ),
    }
}

/// The email to send a reset link to.
#[derive(Deserialize)]
struct ResetForm {
    csrf: String,
    email: String,
}

#[post("/password-reset")]
async fn reset_request(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<ResetForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        c.confirm_anonymous(&form.csrf)?;
        let w = AccountWords::of(c.lang);
        let asked = match Email::parse(&form.email) {
            Ok(email) => state
                .identity
                .request_password_reset(&email, &meta.0)
                .await
                .map_err(ApiError::from),
            Err(e) => Err(ApiError::BadRequest(e.0)),
        };
        match asked {
            Ok(()) => Ok(notice(&c, w.reset_title, w.reset_sent, None)),
            Err(e) => {
                let (status, detail) = refusal(c.lang, e)?;
                let page = ResetPage {
                    c: &c,
                    w,
                    email: &form.email,
                    error: Some(detail),
                };
                Ok(html(&c, status, &page))
            }
        }
    }
    .await;
    answer(&c, result)
}

/// A new password chosen from an emailed link.
// No `Debug`: it holds a secret.
#[derive(Deserialize)]
struct NewPasswordForm {
    csrf: String,
    token: String,
    password: String,
    password_again: String,
}

#[post("/password-reset/new")]
async fn reset_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<NewPasswordForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        c.confirm_anonymous(&form.csrf)?;
        let w = AccountWords::of(c.lang);
        let again = |status, error: String| {
            let page = NewPasswordPage {
                c: &c,
                w,
                token: &form.token,
                error: Some(error),
            };
            html(&c, status, &page)
        };
        if form.password != form.password_again {
            return Ok(again(StatusCode::BAD_REQUEST, w.passwords_differ.into()));
        }
        match state
            .identity
            .reset_password(&form.token, &form.password, &meta.0)
            .await
        {
            Ok(_) => Ok(notice(
                &c,
                w.new_password_title,
                w.password_saved,
                Some(("/signin", c.t.sign_in)),
            )),
            Err(e) => {
                let (status, detail) = refusal(c.lang, e)?;
                Ok(again(status, detail))
            }
        }
    }
    .await;
    answer(&c, result)
}
