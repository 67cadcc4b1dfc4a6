//! The web cabinet: server-rendered pages (askama templates under `templates/`) over the same
//! services the API calls, so every rule — limits, visibility, audit — is the API's. No script
//! is needed; every form carries a CSRF token; every word is in English and Russian.

mod activation;
mod admin;
mod application_documents;
mod applications;
mod applications_view;
mod audit;
mod cabinet;
mod certificates;
mod chrome;
mod compose;
mod contacts;
mod counterparties;
mod desk;
mod desk_application;
mod documents;
mod error;
mod i18n;
mod identification;
mod links;
mod opening;
mod public;
mod query;
mod receipt;
mod register;
mod reissue;
mod render;
mod second_factor;
mod security;
mod sendings;
mod sendings_view;
mod signin;
mod signing;

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

/// Register every page.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(stylesheet)
        .service(upload_script)
        .configure(signin::configure)
        .configure(register::configure)
        .configure(links::configure)
        .configure(cabinet::configure)
        .configure(applications::configure)
        .configure(activation::configure)
        .configure(certificates::configure)
        .configure(reissue::configure)
        .configure(documents::configure)
        .configure(signing::configure)
        .configure(compose::configure)
        .configure(sendings::configure_fixed)
        .configure(sendings::configure)
        .configure(opening::configure)
        .configure(receipt::configure)
        .configure(contacts::configure)
        .configure(counterparties::configure)
        .configure(desk::configure)
        .configure(desk_application::configure)
        .configure(audit::configure)
        .configure(admin::configure)
        .configure(security::configure)
        .configure(public::configure);
}

/// The cabinet's only stylesheet, compiled in (no CDN, no inline style).
#[get("/static/cabinet.css")]
async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../../static/cabinet.css"))
}

/// The upload form's progress bar, our only script (the form works without it).
#[get("/static/upload.js")]
async fn upload_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../../static/upload.js"))
}
