//! What a page reads from its query string: numbers (`?page=2`, `?signed=3`) and the token
//! of an emailed link (`?token=…`).

use super::error::WebError;
use crate::http::problem::ApiError;
use actix_web::HttpRequest;

/// The number `key` in the query: absent is `None`; present, it must be 1 to 100 000.
pub fn number(req: &HttpRequest, key: &str) -> Result<Option<i64>, WebError> {
    let raw = req
        .query_string()
        .split('&')
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='));
    match raw {
        None => Ok(None),
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=100_000).contains(n))
            .map(Some)
            .ok_or_else(|| ApiError::BadRequest(format!("{key} is a number from 1.")).into()),
    }
}

/// The page number of a list (1 when absent).
pub fn page(req: &HttpRequest) -> Result<i64, WebError> {
    Ok(number(req, "page")?.unwrap_or(1))
}

/// The text `key` in the query, decoded; `None` when absent or empty.
pub fn text(req: &HttpRequest, key: &str) -> Option<String> {
    form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty())
}
