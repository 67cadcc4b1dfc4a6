//! Why a page could not be shown, and the page that says so. Errors of the services arrive
//! as the API's `ApiError`, so a refusal reads the same in the cabinet as in problem+json.

use super::chrome::Chrome;
use super::render::html;
use crate::http::problem::ApiError;
use crate::identity::values::Language;
use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use askama::Template;

/// Why a page could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Nobody is signed in (or the session ended): go to the sign-in page.
    #[error("sign in first")]
    SignIn,
    /// A form without the page's token, or with another page's.
    #[error("form token missing or wrong")]
    FormExpired,
    /// A service refused or failed; its public detail is shown, the rest is logged.
    #[error(transparent)]
    Api(ApiError),
}

impl<E: Into<ApiError>> From<E> for WebError {
    fn from(e: E) -> Self {
        WebError::Api(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    c: &'a Chrome,
    message: &'static str,
    detail: Option<String>,
}

impl WebError {
    /// The answer to the browser: a redirect to sign in, or an error page in the page's
    /// language with the status the API would give.
    pub fn page(self, c: &Chrome) -> HttpResponse {
        let api = match self {
            WebError::SignIn => {
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, c.signin_url()))
                    .finish();
            }
            WebError::FormExpired => {
                return page_with(c, StatusCode::FORBIDDEN, c.t.form_expired, None);
            }
            WebError::Api(api) => api,
        };
        let status = actix_web::ResponseError::status_code(&api);
        if status.is_server_error() {
            tracing::error!(error = %api, "page failed");
        }
        let message = match status {
            StatusCode::NOT_FOUND => c.t.not_found,
            StatusCode::FORBIDDEN => c.t.forbidden,
            StatusCode::TOO_MANY_REQUESTS => c.t.slow_down,
            s if s.is_server_error() => c.t.try_later,
            _ => c.t.error_title,
        };
        let detail = if status.is_server_error() {
            None
        } else {
            api.public_detail().map(|d| d.in_lang(c.lang).to_owned())
        };
        page_with(c, status, message, detail)
    }
}

fn page_with(
    c: &Chrome,
    status: StatusCode,
    message: &'static str,
    detail: Option<String>,
) -> HttpResponse {
    html(c, status, &ErrorPage { c, message, detail })
}

/// A page's result as the browser gets it.
pub fn answer(c: &Chrome, result: Result<HttpResponse, WebError>) -> HttpResponse {
    result.unwrap_or_else(|e| e.page(c))
}

/// A service's refusal that the form it came from shows again (status and public detail in
/// the page's language), or the error page for anything else (a failure, or a refusal with
/// nothing to tell).
pub fn refusal(lang: Language, e: impl Into<ApiError>) -> Result<(StatusCode, String), WebError> {
    let api = e.into();
    let status = actix_web::ResponseError::status_code(&api);
    match api.public_detail() {
        Some(detail) if status.is_client_error() => Ok((status, detail.in_lang(lang).to_owned())),
        _ => Err(WebError::Api(api)),
    }
}

/// A page's status and the refusal it shows: the refusal's own status when there was one,
/// 200 otherwise.
pub fn shown(refused: Option<(StatusCode, String)>) -> (StatusCode, Option<String>) {
    match refused {
        Some((status, detail)) => (status, Some(detail)),
        None => (StatusCode::OK, None),
    }
}
