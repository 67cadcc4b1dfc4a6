//! Turning a template into the response a browser gets: HTML in UTF-8, never cached (pages
//! hold personal data), with the form cookie when this request created it.

use super::chrome::Chrome;
use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use askama::Template;

#[derive(Template)]
#[template(path = "notice.html")]
struct Notice<'a> {
    c: &'a Chrome,
    title: &'a str,
    message: &'a str,
    link: Option<(&'a str, &'a str)>,
}

/// The page `t` with `status`. A template that fails to render (a bug) answers 500 without
/// its text.
pub fn html(c: &Chrome, status: StatusCode, t: &impl Template) -> HttpResponse {
    let (status, body) = match t.render() {
        Ok(body) => (status, body),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("<!DOCTYPE html><title>500</title><p>{}</p>", c.t.try_later),
            )
        }
    };
    let mut r = HttpResponse::build(status);
    r.content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"));
    if let Some(cookie) = c.form_cookie() {
        r.cookie(cookie);
    }
    r.body(body)
}

/// A redirect after a form (303, so the browser follows with GET).
pub fn see_other(location: &str) -> actix_web::HttpResponseBuilder {
    let mut r = HttpResponse::SeeOther();
    r.insert_header((header::LOCATION, location.to_owned()))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    r
}

/// A page that only tells what happened (a step done, a link on its way), with where to go
/// next.
pub fn notice(c: &Chrome, title: &str, message: &str, link: Option<(&str, &str)>) -> HttpResponse {
    html(
        c,
        StatusCode::OK,
        &Notice {
            c,
            title,
            message,
            link,
        },
    )
}
