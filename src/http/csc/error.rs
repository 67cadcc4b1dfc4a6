//! CSC's error answers: the same problem+json as the rest of the API (one mapping, in
//! `http::problem`), with the members CSC clients read added — `error`, a CSC/OAuth code, and
//! `error_description`, the problem's detail.

use crate::http::problem::ApiError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

/// An error of a CSC method.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct CscError(#[from] ApiError);

impl CscError {
    /// 400 `invalid_request` with a description for the client's developer.
    pub fn invalid(detail: crate::said::Said) -> Self {
        CscError::from(ApiError::BadRequest(detail))
    }
}

impl From<crate::signatures::SignatureError> for CscError {
    fn from(e: crate::signatures::SignatureError) -> Self {
        CscError(e.into())
    }
}

impl From<crate::identity::IdentityError> for CscError {
    fn from(e: crate::identity::IdentityError) -> Self {
        CscError(e.into())
    }
}

impl From<crate::certificates::registry::RegistryError> for CscError {
    fn from(e: crate::certificates::registry::RegistryError) -> Self {
        CscError(e.into())
    }
}

/// CSC's code for a problem of `status` with the slug `slug`.
fn code(status: StatusCode, slug: &str) -> &'static str {
    match (status.as_u16(), slug) {
        (_, "wrong-pin") => "invalid_pin",
        (_, "invalid-code") => "invalid_otp",
        (_, "sad-refused") => "invalid_sad",
        (401, _) => "invalid_token",
        (403 | 429, _) => "access_denied",
        (503, _) => "temporarily_unavailable",
        (500..=599, _) => "server_error",
        _ => "invalid_request",
    }
}

impl ResponseError for CscError {
    fn status_code(&self) -> StatusCode {
        self.0.status_code()
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let (head, body) = self.0.error_response().into_parts();
        let Ok(bytes) = body.try_into_bytes() else {
            return head.set_body(BoxBody::new(()));
        };
        let mut problem: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        if let Some(fields) = problem.as_object_mut() {
            let slug = fields
                .get("type")
                .and_then(|t| t.as_str())
                .and_then(|t| t.rsplit(':').next())
                .unwrap_or_default()
                .to_owned();
            let description = fields
                .get("detail")
                .or_else(|| fields.get("title"))
                .cloned()
                .unwrap_or_default();
            fields.insert("error".into(), code(status, &slug).into());
            fields.insert("error_description".into(), description);
        }
        head.set_body(BoxBody::new(problem.to_string()))
    }
}
