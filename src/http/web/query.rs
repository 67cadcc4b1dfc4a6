//! What a page reads from its query string: numbers (`?page=2`, `?signed=3`) and the token
//! of an emailed link (`?token=…`).

use super::error::WebError;
use crate::http::problem::ApiError;
use crate::said;
use actix_web::HttpRequest;
use chrono::NaiveDate;

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
            .ok_or_else(|| {
                ApiError::BadRequest(said!("{key} is a number from 1.", "{key} — число от 1."))
                    .into()
            }),
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

/// The filter as the form sent it (GET): the non-empty fields, to parse and to show again.
pub(super) struct Filters(pub(super) Vec<(String, String)>);

impl Filters {
    pub(super) fn of(req: &HttpRequest) -> Filters {
        Filters(
            form_urlencoded::parse(req.query_string().as_bytes())
                .map(|(k, v)| (k.into_owned(), v.trim().to_owned()))
                .filter(|(k, v)| !v.is_empty() && k != "page")
                .collect(),
        )
    }

    /// The value of `key` ("" when absent), for the form.
    pub(super) fn get(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Whether `key` was sent with `value` (a ticked box, a chosen option).
    pub(super) fn has(&self, key: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == key && v == value)
    }

    /// The value of `key` when it was filled in.
    pub(super) fn opt(&self, key: &str) -> Option<String> {
        Some(self.get(key).to_owned()).filter(|v| !v.is_empty())
    }

    /// The whole number `key`, or the 400 that names it.
    pub(super) fn number(&self, key: &str) -> Result<Option<i64>, ApiError> {
        self.opt(key)
            .map(|v| v.parse::<i64>())
            .transpose()
            .map_err(|_| {
                ApiError::BadRequest(said!("{key} is a whole number", "{key} — целое число"))
            })
    }

    /// The date `key` (`YYYY-MM-DD`, as a date input sends it), or the 400 that names it.
    pub(super) fn date(&self, key: &str) -> Result<Option<NaiveDate>, ApiError> {
        self.opt(key)
            .map(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d"))
            .transpose()
            .map_err(|_| {
                ApiError::BadRequest(said!(
                    "{key} is a date, YYYY-MM-DD",
                    "{key} — дата в виде ГГГГ-ММ-ДД"
                ))
            })
    }

    /// The filter as a query string, for the links to other pages of the same list.
    pub(super) fn encoded(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.0 {
            out.append_pair(k, v);
        }
        out.finish()
    }
}

/// A choice in a select or a box, as the form shows it.
pub(super) struct Choice {
    /// What the form sends.
    pub value: String,
    /// What the person reads.
    pub label: String,
    /// Whether it is the one chosen now.
    pub chosen: bool,
}

impl Choice {
    /// The page sizes of a list, `chosen` marked.
    pub(super) fn sizes(sizes: &[i64], chosen: i64) -> Vec<Choice> {
        sizes
            .iter()
            .map(|n| Choice {
                value: n.to_string(),
                label: n.to_string(),
                chosen: *n == chosen,
            })
            .collect()
    }
}
