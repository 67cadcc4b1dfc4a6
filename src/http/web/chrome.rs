//! What every page needs before it renders: who is signed in (from the session cookie), the
//! language, and the token its forms carry. A page that changes state gets the person only by
//! presenting the form's token, so no handler can forget the CSRF check.

use super::error::WebError;
use super::i18n::Tr;
use crate::http::AppState;
use crate::http::login::host_cookie;
use crate::identity::Person;
use crate::identity::accounts::Profile;
use crate::identity::codes::same;
use crate::identity::sessions::COOKIE_NAME;
use crate::identity::values::Language;
use actix_web::cookie::Cookie;
use actix_web::http::{Method, header};
use actix_web::{HttpRequest, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use rand::RngCore;

/// Cookie holding the token of forms shown before a session exists (double submit).
const FORM_COOKIE: &str = "__Host-cloudseal-form";
/// Cookie remembering the language chosen before signing in.
const LANG_COOKIE: &str = "__Host-cloudseal-lang";

/// A form that only proves it came from our page (a button that acts).
#[derive(serde::Deserialize)]
pub struct Confirmed {
    /// The page's token.
    pub csrf: String,
}

/// The holder's capability (subscribers and operators), obtained as the API's certificate,
/// document and signing routes obtain it.
pub fn holder(person: &Person) -> Result<Person, WebError> {
    Ok(crate::http::auth::Authorised::<crate::http::auth::Holders>::of(person.clone())?.0)
}

/// The request as a page sees it.
pub struct Chrome {
    /// The page's language (the words of other areas are looked up by it).
    pub lang: Language,
    /// The words of the page's language.
    pub t: &'static Tr,
    /// The token every form on the page carries.
    pub csrf: String,
    /// Whether someone is signed in (the navigation differs).
    pub signed_in: bool,
    person: Option<Person>,
    profile: Option<Profile>,
    safe: bool,
    here: Option<String>,
    new_form_cookie: Option<Cookie<'static>>,
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD)
}

fn browser_language(req: &HttpRequest) -> Language {
    let asked = req
        .query_string()
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .and_then(Language::parse);
    if let Some(lang) = asked {
        return lang;
    }
    if let Some(lang) = req
        .cookie(LANG_COOKIE)
        .and_then(|c| Language::parse(c.value()))
    {
        return lang;
    }
    let first = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .unwrap_or("");
    if first.trim().to_ascii_lowercase().starts_with("ru") {
        Language::Ru
    } else {
        Language::En
    }
}

/// Where sign-in may lead back to: a cabinet page of ours (a path under `/cabinet`, never
/// another origin), at most 2000 characters.
pub fn next_target(raw: &str) -> Option<&str> {
    let ours = (raw == "/cabinet" || raw.starts_with("/cabinet/") || raw.starts_with("/cabinet?"))
        && raw.len() <= 2000
        && !raw.contains(['\\', '\r', '\n']);
    ours.then_some(raw)
}

/// The cookie that remembers a language chosen before signing in.
pub fn language_cookie(lang: Language) -> Cookie<'static> {
    host_cookie(LANG_COOKIE, lang.as_str().to_owned())
}

impl Chrome {
    /// Read the request. The language is the account's once signed in; before, a `lang` in
    /// the query (links that name it), then the remembered choice, then the browser's. A
    /// session that has ended, or a database that cannot be reached, leaves the visitor
    /// anonymous: the page then asks them to sign in.
    pub async fn of(req: &HttpRequest, state: &web::Data<AppState>) -> Chrome {
        let safe = is_safe(req.method());
        let here = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .filter(|p| safe && next_target(p).is_some());
        if let Some(cookie) = req.cookie(COOKIE_NAME) {
            let found = state
                .identity
                .authenticate_cookie(cookie.value(), None, false)
                .await;
            if let Ok(crate::identity::Principal::Person(p)) = found
                && let Ok(csrf) = state.identity.csrf_token(p.session.0)
            {
                let profile = state.identity.profile(&p).await.ok();
                let lang = profile
                    .as_ref()
                    .map_or_else(|| browser_language(req), |pr| pr.language);
                return Chrome {
                    lang,
                    t: Tr::of(lang),
                    profile,
                    csrf,
                    signed_in: true,
                    person: Some(p),
                    safe,
                    here,
                    new_form_cookie: None,
                };
            }
        }
        let (csrf, new_form_cookie) = match req.cookie(FORM_COOKIE) {
            Some(c) if c.value().len() >= 40 => (c.value().to_owned(), None),
            _ => {
                let mut raw = [0u8; 32];
                rand::thread_rng().fill_bytes(&mut raw);
                let value = B64.encode(raw);
                (value.clone(), Some(host_cookie(FORM_COOKIE, value)))
            }
        };
        let lang = browser_language(req);
        Chrome {
            lang,
            t: Tr::of(lang),
            csrf,
            signed_in: false,
            person: None,
            profile: None,
            safe,
            here,
            new_form_cookie,
        }
    }

    /// The signed-in person, for a page that only reads (GET). A form that changes state must
    /// use [`Chrome::confirm`] instead; asking here on a POST is refused.
    pub fn reader(&self) -> Result<&Person, WebError> {
        if !self.safe {
            return Err(WebError::FormExpired);
        }
        self.person.as_ref().ok_or(WebError::SignIn)
    }

    /// The signed-in person's profile, read once per request with the session (the language
    /// comes from it); `None` when nobody is signed in or it could not be read.
    pub fn profile(&self) -> Option<&Profile> {
        self.profile.as_ref()
    }

    /// The signed-in person, once the form proves it came from our page (its token is the
    /// session's CSRF token).
    pub fn confirm(&self, token: &str) -> Result<&Person, WebError> {
        let person = self.person.as_ref().ok_or(WebError::SignIn)?;
        if same(token.trim().as_bytes(), self.csrf.as_bytes()) {
            Ok(person)
        } else {
            Err(WebError::FormExpired)
        }
    }

    /// Read a multipart form's token (its first field) and check it before any file of the
    /// form is read, so a forged upload costs the server nothing more than its first field.
    pub async fn confirm_multipart(
        &self,
        form: &mut actix_multipart::Multipart,
    ) -> Result<&Person, WebError> {
        let token = multipart_token(form).await?;
        self.confirm(&token)
    }

    /// Check the token of a form that needs no person (sign-in, language, the public
    /// checks): it must match the form cookie the page set, or the session's token when
    /// someone is signed in.
    pub fn confirm_anonymous(&self, token: &str) -> Result<(), WebError> {
        if self.new_form_cookie.is_none() && same(token.trim().as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(WebError::FormExpired)
        }
    }

    /// Whether the signed-in person files applications (a subscriber for themself, a partner
    /// agent for clients), so the navigation offers them.
    pub fn applies(&self) -> bool {
        self.person.as_ref().is_some_and(|p| {
            matches!(
                p.role,
                crate::identity::values::Role::Subscriber
                    | crate::identity::values::Role::PartnerAgent
            )
        })
    }

    /// Where the language switch returns to when the page names no place of its own: this
    /// cabinet page if it was a GET (a person switching stays where they are), else the home.
    pub fn back(&self) -> &str {
        self.here.as_deref().unwrap_or("/cabinet")
    }

    /// The sign-in page that leads back here (a GET of a cabinet page), or plain sign-in.
    pub fn signin_url(&self) -> String {
        match &self.here {
            Some(here) if here != "/cabinet" => format!(
                "/signin?next={}",
                form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>()
            ),
            _ => "/signin".to_owned(),
        }
    }

    /// Whether the signed-in person works at the desk (the navigation links the queue).
    pub fn operates(&self) -> bool {
        self.person
            .as_ref()
            .is_some_and(|p| p.role == crate::identity::values::Role::Operator)
    }

    /// Whether the signed-in person reads the audit trail (the navigation links it).
    pub fn audits(&self) -> bool {
        self.person.as_ref().is_some_and(|p| {
            matches!(
                p.role,
                crate::identity::values::Role::Auditor | crate::identity::values::Role::Admin
            )
        })
    }

    /// Whether the signed-in person administers the service (the navigation links it).
    pub fn administers(&self) -> bool {
        self.person
            .as_ref()
            .is_some_and(|p| p.role == crate::identity::values::Role::Admin)
    }

    /// Whether the signed-in person may hold certificates (the navigation links them).
    pub fn holds(&self) -> bool {
        self.person.as_ref().is_some_and(|p| {
            matches!(
                p.role,
                crate::identity::values::Role::Subscriber | crate::identity::values::Role::Operator
            )
        })
    }

    /// The form cookie to set when this request created it.
    pub fn form_cookie(&self) -> Option<Cookie<'static>> {
        self.new_form_cookie.clone()
    }
}

/// A multipart form's CSRF token, which the pages send as its first field so that a forged
/// form is refused before any file is read. A form without it is an expired one.
async fn multipart_token(form: &mut actix_multipart::Multipart) -> Result<String, WebError> {
    use futures_util::StreamExt;
    match form.next().await {
        Some(field) => {
            let field = field.map_err(malformed)?;
            if field.name() != Some("csrf") {
                return Err(WebError::FormExpired);
            }
            let raw = crate::http::verify::read_field(field, 256).await?;
            Ok(String::from_utf8_lossy(&raw).into_owned())
        }
        None => Err(WebError::FormExpired),
    }
}

/// An on/off choice of a form as the pages send it (`true` or `false`); anything else is a
/// hand-made form, refused as a 400 page rather than the form extractor's bare error.
pub fn choice(raw: &str) -> Result<bool, WebError> {
    match raw {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(
            crate::http::problem::ApiError::BadRequest(crate::said::Said::each(|l| {
                Tr::of(l).bad_choice
            }))
            .into(),
        ),
    }
}

/// A multipart stream that broke off, as the 400 it is.
pub fn malformed(e: actix_multipart::MultipartError) -> WebError {
    WebError::from(crate::http::problem::ApiError::BadRequest(crate::said!(
        "malformed form: {e}",
        "форма повреждена: {e}"
    )))
}
