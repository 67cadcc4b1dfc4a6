//! The one place errors become HTTP: RFC 9457 problem+json with a stable `type`. The public
//! detail is written here for people; the internal cause goes to the log (with the request
//! id) and never to the client. The mapping of each domain's errors lives in a file of its own
//! beside this one.

mod exchange;
mod identity;
mod registration;

use crate::said;
use crate::said::Said;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Stable identifier of the kind of problem (`urn:cloudseal:problem:<slug>`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the kind of problem.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// What went wrong in this case, for a person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The OAuth 2.0 error code (RFC 6749 §5.2), on the token endpoint only.
    #[serde(rename = "error", skip_serializing_if = "Option::is_none")]
    pub oauth_error: Option<&'static str>,
    /// Readiness of each dependency (only on `/readyz`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checks: Option<serde_json::Value>,
    /// Per file, why it was refused (only on `attachments-refused`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<crate::exchange::FileProblem>>)]
    pub files: Option<serde_json::Value>,
}

/// Every error a handler can return.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No such resource — also what someone else's object looks like.
    #[error("not found")]
    NotFound,
    /// The route exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// Body larger than the limit.
    #[error("payload too large")]
    PayloadTooLarge,
    /// Body of the wrong media type; holds the type expected.
    #[error("unsupported media type, expected {0}")]
    UnsupportedMediaType(&'static str),
    /// The request conflicts with the object's state (already revoked, already used).
    #[error("conflict: {0}")]
    Conflict(Said),
    /// Body is not the JSON expected; the text describes the input, not our internals.
    #[error("malformed JSON: {0}")]
    MalformedJson(Said),
    /// Other invalid input.
    #[error("bad request: {0}")]
    BadRequest(Said),
    /// A dependency is down; `checks` says which.
    #[error("not ready")]
    NotReady(serde_json::Value),
    /// A dependency failed during a request.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A bug or unexpected failure; the text is logged, not shown.
    #[error("internal error: {0}")]
    Internal(String),
    /// Attachments of a sending refused, each file with its reasons (422).
    #[error("attachments refused")]
    Attachments(serde_json::Value),
    /// A refusal with its own problem type: 401, 403, 409, 410, 429 and the like, each with a
    /// stable slug and a detail written for people.
    #[error("{status} {slug}: {detail}")]
    Refused {
        /// HTTP status.
        status: StatusCode,
        /// The problem type's slug.
        slug: &'static str,
        /// The problem type's title.
        title: &'static str,
        /// What happened and what to do.
        detail: Said,
        /// Seconds until a retry may succeed (`Retry-After`).
        retry_after: Option<u64>,
        /// The OAuth error code, on the token endpoint.
        oauth_error: Option<&'static str>,
    },
}

impl ApiError {
    /// What a person may read about this error: the detail of its problem document, or
    /// nothing for a bug or a missing object. The API's problem+json and the cabinet's error
    /// page both show exactly this.
    pub fn public_detail(&self) -> Option<Said> {
        match self {
            ApiError::MalformedJson(d) | ApiError::BadRequest(d) | ApiError::Conflict(d) => {
                Some(d.clone())
            }
            ApiError::UnsupportedMediaType(expected) => Some(said!(
                "Send the body as {expected}.",
                "Пришлите тело запроса как {expected}."
            )),
            ApiError::PayloadTooLarge => Some(said!(
                "The request body is larger than this endpoint accepts.",
                "Тело запроса больше, чем принимает этот адрес."
            )),
            ApiError::NotReady(_) => Some(said!(
                "A dependency of the service is not reachable.",
                "Одна из частей сервиса недоступна."
            )),
            ApiError::Unavailable(_) => Some(said!(
                "Please try again shortly.",
                "Пожалуйста, повторите чуть позже."
            )),
            ApiError::Refused { detail, .. } => Some(detail.clone()),
            ApiError::Attachments(_) => Some(said!(
                "Nothing was sent: every attachment needs your signature over it that \
                 passes verification.",
                "Ничего не отправлено: каждому вложению нужна ваша подпись, \
                 прошедшая проверку."
            )),
            ApiError::NotFound | ApiError::MethodNotAllowed | ApiError::Internal(_) => None,
        }
    }

    /// The public detail as the API gives it: in English, the language of its clients.
    fn api_detail(&self) -> Option<String> {
        self.public_detail().map(|d| d.en().to_owned())
    }

    /// A refusal of `status` with its slug, title and detail.
    pub fn refused(
        status: StatusCode,
        slug: &'static str,
        title: &'static str,
        detail: Said,
    ) -> Self {
        ApiError::Refused {
            status,
            slug,
            title,
            detail,
            retry_after: None,
            oauth_error: None,
        }
    }

    /// 401: who is calling is not known.
    pub fn unauthenticated(detail: Said) -> Self {
        Self::refused(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Authentication required",
            detail,
        )
    }

    /// 403: who is calling is known and may not do this.
    pub fn forbidden(detail: Said) -> Self {
        Self::refused(StatusCode::FORBIDDEN, "forbidden", "Forbidden", detail)
    }
}

/// Seconds from now until `until` (at least one), for `Retry-After`.
fn seconds_until(until: chrono::DateTime<chrono::Utc>) -> u64 {
    u64::try_from((until - chrono::Utc::now()).num_seconds().max(1)).unwrap_or(1)
}

/// (slug, title) of a status without a more specific problem.
fn generic(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => ("bad-request", "Bad request"),
        401 => ("unauthenticated", "Authentication required"),
        403 => ("forbidden", "Forbidden"),
        404 => ("not-found", "Not found"),
        405 => ("method-not-allowed", "Method not allowed"),
        406 => ("not-acceptable", "Not acceptable"),
        408 => ("request-timeout", "Request timeout"),
        409 => ("conflict", "Conflict"),
        413 => ("payload-too-large", "Payload too large"),
        414 => ("uri-too-long", "URI too long"),
        415 => ("unsupported-media-type", "Unsupported media type"),
        429 => ("too-many-requests", "Too many requests"),
        431 => ("headers-too-large", "Request headers too large"),
        503 => ("unavailable", "Service unavailable"),
        s if s >= 500 => ("internal", "Internal error"),
        _ => ("bad-request", "Bad request"),
    }
}

/// A problem response for a status, with an optional detail.
pub fn problem_response(
    status: StatusCode,
    slug: &str,
    title: &str,
    detail: Option<String>,
    checks: Option<serde_json::Value>,
) -> HttpResponse {
    let body = Problem {
        kind: format!("urn:cloudseal:problem:{slug}"),
        title: title.to_owned(),
        status: status.as_u16(),
        detail,
        oauth_error: None,
        checks,
        files: None,
    };
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .body(serde_json::to_string(&body).unwrap_or_default())
}

/// The generic problem for a status.
pub fn generic_response(status: StatusCode) -> HttpResponse {
    let (slug, title) = generic(status);
    problem_response(status, slug, title, None, None)
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::MalformedJson(_) | ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotReady(_) | ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Refused { status, .. } => *status,
            ApiError::Attachments(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        match self {
            ApiError::MalformedJson(_) => problem_response(
                status,
                "malformed-json",
                "Malformed JSON",
                self.api_detail(),
                None,
            ),
            ApiError::BadRequest(_) => problem_response(
                status,
                "bad-request",
                "Bad request",
                self.api_detail(),
                None,
            ),
            ApiError::UnsupportedMediaType(_) => problem_response(
                status,
                "unsupported-media-type",
                "Unsupported media type",
                self.api_detail(),
                None,
            ),
            ApiError::Conflict(_) => {
                problem_response(status, "conflict", "Conflict", self.api_detail(), None)
            }
            ApiError::PayloadTooLarge => problem_response(
                status,
                "payload-too-large",
                "Payload too large",
                self.api_detail(),
                None,
            ),
            ApiError::NotReady(checks) => problem_response(
                status,
                "not-ready",
                "Not ready",
                self.api_detail(),
                Some(checks.clone()),
            ),
            ApiError::Unavailable(internal) => {
                tracing::error!(error = %internal, "dependency unavailable");
                problem_response(
                    status,
                    "unavailable",
                    "Service unavailable",
                    self.api_detail(),
                    None,
                )
            }
            ApiError::Internal(internal) => {
                tracing::error!(error = %internal, "internal error");
                generic_response(status)
            }
            ApiError::NotFound | ApiError::MethodNotAllowed => generic_response(status),
            ApiError::Attachments(files) => {
                let body = Problem {
                    kind: "urn:cloudseal:problem:attachments-refused".into(),
                    title: "Attachments refused".into(),
                    status: status.as_u16(),
                    detail: self
                        .api_detail()
                        .map(|d| format!("{d} See `files` for what is wrong with each.")),
                    oauth_error: None,
                    checks: None,
                    files: Some(files.clone()),
                };
                HttpResponse::build(status)
                    .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)))
                    .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
                    .body(serde_json::to_string(&body).unwrap_or_default())
            }
            ApiError::Refused {
                slug,
                title,
                detail,
                retry_after,
                oauth_error,
                ..
            } => {
                let mut r =
                    problem_response(status, slug, title, Some(detail.en().to_owned()), None);
                if let Some(code) = oauth_error {
                    let body = Problem {
                        kind: format!("urn:cloudseal:problem:{slug}"),
                        title: (*title).to_owned(),
                        status: status.as_u16(),
                        detail: Some(detail.en().to_owned()),
                        oauth_error: Some(code),
                        checks: None,
                        files: None,
                    };
                    r = HttpResponse::build(status)
                        .insert_header((
                            header::CONTENT_TYPE,
                            HeaderValue::from_static(PROBLEM_JSON),
                        ))
                        .insert_header((
                            header::CACHE_CONTROL,
                            HeaderValue::from_static("no-store"),
                        ))
                        .body(serde_json::to_string(&body).unwrap_or_default());
                }
                if let Some(secs) = retry_after
                    && let Ok(v) = HeaderValue::from_str(&secs.to_string())
                {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
                if status == StatusCode::UNAUTHORIZED {
                    let challenge = if *slug == "invalid-token" {
                        "Bearer realm=\"cloudseal\", error=\"invalid_token\""
                    } else {
                        "Bearer realm=\"cloudseal\""
                    };
                    r.headers_mut().insert(
                        header::WWW_AUTHENTICATE,
                        HeaderValue::from_static(challenge),
                    );
                }
                r
            }
        }
    }
}

/// Map the JSON extractor's refusals to problems.
pub fn json_error(
    err: actix_web::error::JsonPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    match err {
        E::ContentType => ApiError::UnsupportedMediaType("application/json"),
        E::Overflow { .. } | E::OverflowKnownLength { .. } => ApiError::PayloadTooLarge,
        E::Deserialize(e) => {
            ApiError::MalformedJson(said!("{e}", "тело не тот JSON, что ожидается: {e}"))
        }
        E::Payload(actix_web::error::PayloadError::Overflow) => ApiError::PayloadTooLarge,
        _ => ApiError::BadRequest(said!(
            "The request body could not be read.",
            "Тело запроса не читается."
        )),
    }
    .into()
}

/// What answers a request no route took: 405 when the path exists for other methods, else 404.
pub async fn unrouted(req: actix_web::HttpRequest) -> HttpResponse {
    if req.resource_map().has_resource(req.path()) {
        generic_response(StatusCode::METHOD_NOT_ALLOWED)
    } else {
        generic_response(StatusCode::NOT_FOUND)
    }
}
