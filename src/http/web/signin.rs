//! Signing in to the cabinet (password, then the SMS or authenticator code) and out, through
//! the same identity service and attempt limits as the API's login.

use super::chrome::{Chrome, next_target};
use super::error::{WebError, answer};
use super::i18n::AccountWords;
use super::render::{html, see_other};
use crate::http::AppState;
use crate::http::auth::Meta;
use crate::http::login::{session_cookie, session_cookie_removal};
use crate::http::problem::ApiError;
use crate::identity::IdentityError;
use crate::identity::login::Factor;
use crate::identity::password::Password;
use crate::identity::sessions::SessionKind;
use crate::identity::values::Phone;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;
use zeroize::Zeroizing;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(signin_page)
        .service(signin_password)
        .service(signin_code)
        .service(signin_phone)
        .service(signout);
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SigninPage<'a> {
    c: &'a Chrome,
    w: &'static AccountWords,
    next: String,
    login: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "code.html")]
struct CodePage<'a> {
    c: &'a Chrome,
    w: &'static AccountWords,
    next: String,
    challenge: String,
    sent_to: Option<String>,
    by_phone: bool,
    error: Option<String>,
}

/// What a person may be told when a sign-in step is refused, in their language; `None` for
/// a failure that is not about what they typed (shown as an error page instead).
fn refusal(c: &Chrome, e: &IdentityError) -> Option<String> {
    match e {
        IdentityError::BadCredentials => Some(c.t.bad_credentials.to_owned()),
        IdentityError::BadCode => Some(c.t.bad_code.to_owned()),
        IdentityError::Locked { until } => Some(format!(
            "{} {} UTC.",
            c.t.locked,
            until.format("%Y-%m-%d %H:%M")
        )),
        IdentityError::RateLimited { .. } => Some(c.t.slow_down.to_owned()),
        IdentityError::ResendRefused { .. } => Some(c.t.resend_later.to_owned()),
        IdentityError::NotConfirmed => Some(c.t.not_confirmed.to_owned()),
        IdentityError::Invalid(_) => Some(c.t.bad_credentials.to_owned()),
        _ => None,
    }
}

/// A refused step: the same form again with the reason and the status the API would give,
/// when the reason is about what was typed; any other failure is an error page.
pub(super) fn again<T: Template>(
    c: &Chrome,
    e: IdentityError,
    form: impl FnOnce(String) -> T,
) -> Result<HttpResponse, WebError> {
    let message = refusal(c, &e);
    let api = ApiError::from(e);
    match message {
        Some(m) => Ok(html(
            c,
            actix_web::ResponseError::status_code(&api),
            &form(m),
        )),
        None => Err(WebError::Api(api)),
    }
}

/// Where to go once signed in: `next` when it is a cabinet page of ours, else the cabinet.
fn after_signin(next: &str) -> &str {
    next_target(next).unwrap_or("/cabinet")
}

/// The `next` of the sign-in page's query, decoded.
fn asked_next(req: &HttpRequest) -> String {
    form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == "next")
        .map(|(_, v)| v.into_owned())
        .filter(|v| next_target(v).is_some())
        .unwrap_or_default()
}

#[get("/signin")]
async fn signin_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let next = asked_next(&req);
    if c.signed_in {
        return see_other(after_signin(&next)).finish();
    }
    let page = SigninPage {
        c: &c,
        w: AccountWords::of(c.lang),
        next,
        login: String::new(),
        error: None,
    };
    html(&c, StatusCode::OK, &page)
}

/// The password step's form.
// No `Debug`: it holds a secret.
#[derive(Deserialize)]
struct PasswordForm {
    csrf: String,
    #[serde(default)]
    next: String,
    login: String,
    password: String,
}

#[post("/signin")]
async fn signin_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<PasswordForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let form = form.into_inner();
    let result = async {
        c.confirm_anonymous(&form.csrf)?;
        let password = Password(Zeroizing::new(form.password));
        match state
            .identity
            .login_password(&form.login, &password, &meta.0)
            .await
        {
            Ok(pending) => {
                let sent_to = match pending.factor {
                    Factor::Sms => pending.sent_to,
                    _ => None,
                };
                let page = CodePage {
                    c: &c,
                    w: AccountWords::of(c.lang),
                    next: form.next.clone(),
                    challenge: pending.challenge.handle,
                    sent_to,
                    by_phone: false,
                    error: None,
                };
                Ok(html(&c, StatusCode::OK, &page))
            }
            Err(e) => again(&c, e, |message| SigninPage {
                c: &c,
                w: AccountWords::of(c.lang),
                next: form.next,
                login: form.login,
                error: Some(message),
            }),
        }
    }
    .await;
    answer(&c, result)
}

/// The code step's form.
// No `Debug`: it holds a secret.
#[derive(Deserialize)]
struct CodeForm {
    csrf: String,
    #[serde(default)]
    next: String,
    challenge: String,
    code: String,
    sent_to: Option<String>,
    #[serde(default)]
    by_phone: bool,
}

#[post("/signin/code")]
async fn signin_code(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<CodeForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let form = form.into_inner();
    let result = async {
        c.confirm_anonymous(&form.csrf)?;
        match state
            .identity
            .login_second_factor(&form.challenge, &form.code, SessionKind::Web, &meta.0)
            .await
        {
            Ok(session) => {
                let cookie = session.cookie.ok_or_else(|| {
                    WebError::Api(ApiError::Internal("web session without its cookie".into()))
                })?;
                Ok(see_other(after_signin(&form.next))
                    .cookie(session_cookie(cookie))
                    .finish())
            }
            Err(e) => again(&c, e, |message| CodePage {
                c: &c,
                w: AccountWords::of(c.lang),
                next: form.next,
                challenge: form.challenge,
                sent_to: form.sent_to,
                by_phone: form.by_phone,
                error: Some(message),
            }),
        }
    }
    .await;
    answer(&c, result)
}

/// The phone step's form.
#[derive(Deserialize)]
struct PhoneForm {
    csrf: String,
    #[serde(default)]
    next: String,
    phone: String,
}

/// Sign-in by phone: the service sends a code if the number's subscriber chose SMS sign-in
/// and answers the same either way, so the page cannot tell whose number it is either.
#[post("/signin/phone")]
async fn signin_phone(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<PhoneForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let form = form.into_inner();
    let result = async {
        c.confirm_anonymous(&form.csrf)?;
        let phone = match Phone::parse(&form.phone) {
            Ok(phone) => phone,
            Err(e) => {
                let page = SigninPage {
                    c: &c,
                    w: AccountWords::of(c.lang),
                    next: form.next,
                    login: String::new(),
                    error: Some(e.0.in_lang(c.lang).to_owned()),
                };
                return Ok(html(&c, StatusCode::BAD_REQUEST, &page));
            }
        };
        match state.identity.sms_login_start(&phone, &meta.0).await {
            Ok(issued) => {
                let page = CodePage {
                    c: &c,
                    w: AccountWords::of(c.lang),
                    next: form.next,
                    challenge: issued.handle,
                    sent_to: None,
                    by_phone: true,
                    error: None,
                };
                Ok(html(&c, StatusCode::OK, &page))
            }
            Err(e) => again(&c, e, |message| SigninPage {
                c: &c,
                w: AccountWords::of(c.lang),
                next: form.next,
                login: String::new(),
                error: Some(message),
            }),
        }
    }
    .await;
    answer(&c, result)
}

/// A form that carries only its token.
#[derive(Deserialize)]
struct TokenForm {
    csrf: String,
}

#[post("/signout")]
async fn signout(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<TokenForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        state
            .identity
            .end_session(person, person.session.0, &meta.0)
            .await?;
        Ok(see_other("/signin")
            .cookie(session_cookie_removal())
            .finish())
    }
    .await;
    answer(&c, result)
}
