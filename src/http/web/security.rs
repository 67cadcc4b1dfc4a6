//! The security page: the account's facts; the password, email and phone changes; the second
//! factor (an authenticator app set up with its QR code, then recovery codes shown once);
//! sign-in by SMS; and the live sessions, each of which can be ended. Every act asks the
//! identity service the API asks, with its attempt limits and audit entries.

use super::chrome::Chrome;
use super::error::{WebError, answer, refusal};
use super::i18n::AccountWords;
use super::render::{html, see_other};
use crate::http::AppState;
use crate::http::auth::Meta;
use crate::http::login::session_cookie_removal;
use crate::http::problem::ApiError;
use crate::identity::accounts::Profile;
use crate::identity::password::Password;
use crate::identity::totp::qr_svg;
use crate::identity::values::{Email, Phone, Role};
use crate::identity::{IdentityError, Person};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;
use zeroize::Zeroizing;

/// Register every route of this file.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(security_page)
        .service(change_password)
        .service(change_email)
        .service(change_phone)
        .service(confirm_phone)
        .service(totp_start)
        .service(totp_confirm)
        .service(sms_signin)
        .service(end_session);
}

/// A session as the table shows it.
struct SessionLine {
    id: Uuid,
    kind: String,
    agent: String,
    address: String,
    opened: String,
    seen: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "security.html")]
struct SecurityPage<'a> {
    c: &'a Chrome,
    w: &'static AccountWords,
    profile: &'a Profile,
    subscriber: bool,
    sessions: Vec<SessionLine>,
    done: Option<String>,
    error: Option<String>,
}

/// What the page says after an act.
enum Said {
    Nothing,
    Done(&'static str),
    Refused(StatusCode, String),
}

fn minute(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The page, read fresh (an act may just have changed what it shows).
async fn security_view(
    c: &Chrome,
    state: &AppState,
    person: &Person,
    said: Said,
) -> Result<HttpResponse, WebError> {
    let profile = state.identity.profile(person).await?;
    let sessions = state
        .identity
        .sessions(person)
        .await?
        .into_iter()
        .map(|s| SessionLine {
            id: s.id,
            kind: s.kind,
            agent: s.user_agent,
            address: s.client_ip,
            opened: minute(s.created_at),
            seen: minute(s.last_seen_at),
            current: s.current,
        })
        .collect();
    let (status, done, error) = match said {
        Said::Nothing => (StatusCode::OK, None, None),
        Said::Done(m) => (StatusCode::OK, Some(m.to_owned()), None),
        Said::Refused(status, m) => (status, None, Some(m)),
    };
    let page = SecurityPage {
        c,
        w: AccountWords::of(c.lang),
        subscriber: profile.role == Role::Subscriber,
        profile: &profile,
        sessions,
        done,
        error,
    };
    Ok(html(c, status, &page))
}

/// A refusal of the identity service as the page tells it: in the page's words when it is
/// about what was typed, else the service's public detail.
fn refused(c: &Chrome, e: IdentityError) -> Result<(StatusCode, String), WebError> {
    let w = AccountWords::of(c.lang);
    let words = match &e {
        IdentityError::BadCredentials => Some(w.wrong_password.to_owned()),
        IdentityError::BadCode => Some(c.t.bad_code.to_owned()),
        IdentityError::Locked { until } => Some(format!(
            "{} {} UTC.",
            c.t.locked,
            until.format("%Y-%m-%d %H:%M")
        )),
        IdentityError::RateLimited { .. } => Some(c.t.slow_down.to_owned()),
        _ => None,
    };
    let (status, detail) = refusal(c.lang, e)?;
    Ok((status, words.unwrap_or(detail)))
}

impl From<(StatusCode, String)> for Said {
    fn from((status, message): (StatusCode, String)) -> Self {
        Said::Refused(status, message)
    }
}

#[get("/cabinet/security")]
async fn security_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.reader()?;
        security_view(&c, &state, person, Said::Nothing).await
    }
    .await;
    answer(&c, result)
}

fn typed(p: &str) -> Password {
    Password(Zeroizing::new(p.to_owned()))
}

/// The password change form.
// No `Debug`: it holds secrets.
#[derive(Deserialize)]
struct PasswordForm {
    csrf: String,
    current: String,
    new: String,
    new_again: String,
}

#[post("/cabinet/security/password")]
async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<PasswordForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let w = AccountWords::of(c.lang);
        let said = if form.new != form.new_again {
            Said::Refused(StatusCode::BAD_REQUEST, w.passwords_differ.to_owned())
        } else {
            match state
                .identity
                .change_password(person, &typed(&form.current), &form.new, &meta.0)
                .await
            {
                Ok(()) => Said::Done(w.password_changed),
                Err(e) => refused(&c, e)?.into(),
            }
        };
        security_view(&c, &state, person, said).await
    }
    .await;
    answer(&c, result)
}

/// A new email or phone, with the password.
// No `Debug`: it holds a secret.
#[derive(Deserialize)]
struct ContactForm {
    csrf: String,
    password: String,
    value: String,
}

#[post("/cabinet/security/email")]
async fn change_email(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<ContactForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let said = match Email::parse(&form.value) {
            Err(e) => Said::Refused(StatusCode::BAD_REQUEST, e.0.in_lang(c.lang).to_owned()),
            Ok(email) => match state
                .identity
                .change_email(person, &typed(&form.password), email, &meta.0)
                .await
            {
                Ok(()) => Said::Done(AccountWords::of(c.lang).email_link_sent),
                Err(e) => refused(&c, e)?.into(),
            },
        };
        security_view(&c, &state, person, said).await
    }
    .await;
    answer(&c, result)
}

#[derive(Template)]
#[template(path = "security_phone.html")]
struct PhonePage<'a> {
    c: &'a Chrome,
    w: &'static AccountWords,
    challenge: &'a str,
    phone: &'a str,
    error: Option<String>,
}

#[post("/cabinet/security/phone")]
async fn change_phone(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<ContactForm>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let phone = match Phone::parse(&form.value) {
            Ok(phone) => phone,
            Err(e) => {
                let said = Said::Refused(StatusCode::BAD_REQUEST, e.0.in_lang(c.lang).to_owned());
                return security_view(&c, &state, person, said).await;
            }
        };
        let shown = phone.as_str().to_owned();
        match state
            .identity
            .change_phone(person, &typed(&form.password), phone, &meta.0)
            .await
        {
            Ok(issued) => {
                let page = PhonePage {
                    c: &c,
                    w: AccountWords::of(c.lang),
                    challenge: &issued.handle,
                    phone: &shown,
                    error: None,
                };
                Ok(html(&c, StatusCode::OK, &page))
            }
            Err(e) => {
                let said = refused(&c, e)?.into();
                security_view(&c, &state, person, said).await
            }
        }
    }
    .await;
    answer(&c, result)
}

/// The code that confirms a new phone.
#[derive(Deserialize)]
struct PhoneCode {
    csrf: String,
    challenge: String,
    phone: String,
    code: String,
}

#[post("/cabinet/security/phone/confirm")]
async fn confirm_phone(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<PhoneCode>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let w = AccountWords::of(c.lang);
        match state
            .identity
            .confirm_phone(&form.challenge, form.code.trim(), &meta.0)
            .await
        {
            Ok(_) => security_view(&c, &state, person, Said::Done(w.phone_changed)).await,
            Err(e) => {
                let (status, message) = refused(&c, e)?;
                let page = PhonePage {
                    c: &c,
                    w,
                    challenge: &form.challenge,
                    phone: &form.phone,
                    error: Some(message),
                };
                Ok(html(&c, status, &page))
            }
        }
    }
    .await;
    answer(&c, result)
}

#[derive(Template)]
#[template(path = "totp.html")]
struct TotpPage<'a> {
    c: &'a Chrome,
    w: &'static AccountWords,
    qr_svg: &'a str,
    secret: &'a str,
    uri: &'a str,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
struct RecoveryPage<'a> {
    c: &'a Chrome,
    w: &'static AccountWords,
    codes: &'a [String],
}

/// The password, asked again before the seed is made.
// No `Debug`: it holds a secret.
#[derive(Deserialize)]
struct Reauth {
    csrf: String,
    password: String,
}

#[post("/cabinet/security/totp")]
async fn totp_start(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<Reauth>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        match state
            .identity
            .totp_enrol(person, &typed(&form.password), &meta.0)
            .await
        {
            Ok(e) => {
                let page = TotpPage {
                    c: &c,
                    w: AccountWords::of(c.lang),
                    qr_svg: &e.qr_svg,
                    secret: &e.secret,
                    uri: &e.otpauth_uri,
                    error: None,
                };
                Ok(html(&c, StatusCode::OK, &page))
            }
            Err(e) => {
                let said = refused(&c, e)?.into();
                security_view(&c, &state, person, said).await
            }
        }
    }
    .await;
    answer(&c, result)
}

/// The code the app shows, with what the page showed (to show it again after a wrong code).
// No `Debug`: it holds the seed.
#[derive(Deserialize)]
struct TotpCode {
    csrf: String,
    uri: String,
    secret: String,
    code: String,
}

#[post("/cabinet/security/totp/confirm")]
async fn totp_confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<TotpCode>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let w = AccountWords::of(c.lang);
        match state
            .identity
            .totp_confirm(person, form.code.trim(), &meta.0)
            .await
        {
            Ok(codes) => {
                let page = RecoveryPage {
                    c: &c,
                    w,
                    codes: &codes,
                };
                Ok(html(&c, StatusCode::OK, &page))
            }
            Err(e) => {
                let (status, message) = refused(&c, e)?;
                let uri = Some(form.uri.as_str())
                    .filter(|u| u.len() <= 512 && u.starts_with("otpauth://totp/"));
                let Some(uri) = uri else {
                    return security_view(&c, &state, person, Said::Refused(status, message)).await;
                };
                let page = TotpPage {
                    c: &c,
                    w,
                    qr_svg: &qr_svg(uri)?,
                    secret: &form.secret,
                    uri,
                    error: Some(message),
                };
                Ok(html(&c, status, &page))
            }
        }
    }
    .await;
    answer(&c, result)
}

/// Sign-in by SMS on or off.
#[derive(Deserialize)]
struct SmsChoice {
    csrf: String,
    #[serde(default)]
    enabled: String,
}

#[post("/cabinet/security/sms-signin")]
async fn sms_signin(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    form: web::Form<SmsChoice>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let enabled = super::chrome::choice(&form.enabled)?;
        state
            .identity
            .set_sms_login(person, enabled, &meta.0)
            .await?;
        security_view(&c, &state, person, Said::Nothing).await
    }
    .await;
    answer(&c, result)
}

#[post("/cabinet/security/sessions/{id}/end")]
async fn end_session(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    id: web::Path<String>,
    form: web::Form<super::chrome::Confirmed>,
) -> HttpResponse {
    let c = Chrome::of(&req, &state).await;
    let result = async {
        let person = c.confirm(&form.csrf)?;
        let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
        state.identity.end_session(person, id, &meta.0).await?;
        if id == person.session.0 {
            return Ok(see_other("/signin")
                .cookie(session_cookie_removal())
                .finish());
        }
        let w = AccountWords::of(c.lang);
        security_view(&c, &state, person, Said::Done(w.session_ended)).await
    }
    .await;
    answer(&c, result)
}
