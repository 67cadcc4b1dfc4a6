//! The one place errors become HTTP: RFC 9457 problem+json with a stable `type`. The public
//! detail is written here for people; the internal cause goes to the log (with the request
//! id) and never to the client.

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
    Conflict(String),
    /// Body is not the JSON expected; the text describes the input, not our internals.
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    /// Other invalid input.
    #[error("bad request: {0}")]
    BadRequest(String),
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
        detail: String,
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
    pub fn public_detail(&self) -> Option<String> {
        match self {
            ApiError::MalformedJson(d) | ApiError::BadRequest(d) | ApiError::Conflict(d) => {
                Some(d.clone())
            }
            ApiError::UnsupportedMediaType(expected) => {
                Some(format!("Send the body as {expected}."))
            }
            ApiError::PayloadTooLarge => {
                Some("The request body is larger than this endpoint accepts.".into())
            }
            ApiError::NotReady(_) => Some("A dependency of the service is not reachable.".into()),
            ApiError::Unavailable(_) => Some("Please try again shortly.".into()),
            ApiError::Refused { detail, .. } => Some(detail.clone()),
            ApiError::Attachments(_) => Some(
                "Nothing was sent: every attachment needs your signature over it that \
                 passes verification."
                    .into(),
            ),
            ApiError::NotFound | ApiError::MethodNotAllowed | ApiError::Internal(_) => None,
        }
    }

    /// A refusal of `status` with its slug, title and detail.
    pub fn refused(
        status: StatusCode,
        slug: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        ApiError::Refused {
            status,
            slug,
            title,
            detail: detail.into(),
            retry_after: None,
            oauth_error: None,
        }
    }

    /// 401: who is calling is not known.
    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Self::refused(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Authentication required",
            detail,
        )
    }

    /// 403: who is calling is known and may not do this.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::refused(StatusCode::FORBIDDEN, "forbidden", "Forbidden", detail)
    }
}

fn seconds_until(until: chrono::DateTime<chrono::Utc>) -> u64 {
    u64::try_from((until - chrono::Utc::now()).num_seconds().max(1)).unwrap_or(1)
}

impl From<crate::identity::IdentityError> for ApiError {
    fn from(e: crate::identity::IdentityError) -> Self {
        use crate::identity::IdentityError as I;
        use crate::store::accounts::Taken;
        match e {
            I::Invalid(d) => ApiError::BadRequest(d),
            I::Taken(Taken::Email) => ApiError::refused(
                StatusCode::CONFLICT,
                "email-taken",
                "Email already registered",
                "An account with this email address already exists. Log in, or reset the password.",
            ),
            I::Taken(Taken::Phone) => ApiError::refused(
                StatusCode::CONFLICT,
                "phone-taken",
                "Phone already registered",
                "An account with this phone number already exists. Log in, or reset the password.",
            ),
            I::BadCredentials => ApiError::refused(
                StatusCode::UNAUTHORIZED,
                "invalid-credentials",
                "Invalid credentials",
                "The login or the password is wrong.",
            ),
            I::BadCode => ApiError::refused(
                StatusCode::UNAUTHORIZED,
                "invalid-code",
                "Invalid code",
                "The code is wrong, or it has expired or been used. Ask for a new one if needed.",
            ),
            I::BadLink => ApiError::refused(
                StatusCode::GONE,
                "invalid-link",
                "Link not valid",
                "The link has expired or has already been used. Ask for a new one.",
            ),
            I::Locked { until } => ApiError::Refused {
                status: StatusCode::TOO_MANY_REQUESTS,
                slug: "locked",
                title: "Too many failed attempts",
                detail: format!(
                    "Too many wrong answers. Try again after {} UTC, or ask support to unlock.",
                    until.format("%Y-%m-%d %H:%M")
                ),
                retry_after: Some(seconds_until(until)),
                oauth_error: None,
            },
            I::ResendRefused { retry_at } => ApiError::Refused {
                status: StatusCode::TOO_MANY_REQUESTS,
                slug: "resend-refused",
                title: "Code not sent again",
                detail: match retry_at {
                    Some(_) => "A code was sent a moment ago; wait before asking again.".into(),
                    None => "This code has been sent too many times; start again.".into(),
                },
                retry_after: retry_at.map(seconds_until),
                oauth_error: None,
            },
            I::NotConfirmed => ApiError::refused(
                StatusCode::FORBIDDEN,
                "not-confirmed",
                "Account not confirmed",
                "Confirm your email (follow the emailed link) and your phone (enter the SMS code) first.",
            ),
            I::BadToken(_) => ApiError::refused(
                StatusCode::UNAUTHORIZED,
                "invalid-token",
                "Invalid access token",
                "The access token is not valid or has expired; log in again or refresh it.",
            ),
            I::BadRefresh => ApiError::refused(
                StatusCode::UNAUTHORIZED,
                "invalid-refresh-token",
                "Invalid refresh token",
                "The refresh token is not valid or its session has ended; log in again.",
            ),
            I::RefreshReused => ApiError::refused(
                StatusCode::UNAUTHORIZED,
                "refresh-token-reused",
                "Refresh token reused",
                "This refresh token was already used, so the session was ended for safety; log in again.",
            ),
            I::BadClient => ApiError::Refused {
                status: StatusCode::UNAUTHORIZED,
                slug: "invalid-client",
                title: "Invalid client",
                detail: "The client id or secret is wrong, or the client is disabled.".into(),
                retry_after: None,
                oauth_error: Some("invalid_client"),
            },
            I::RateLimited { retry_after } => ApiError::Refused {
                status: StatusCode::TOO_MANY_REQUESTS,
                slug: "rate-limited",
                title: "Too many requests",
                detail: "This client has used its requests for this minute.".into(),
                retry_after: Some(retry_after),
                oauth_error: None,
            },
            I::NotFound => ApiError::NotFound,
            I::Forbidden(d) => ApiError::forbidden(d),
            I::Conflict(d) => ApiError::Conflict(d),
            I::Store(s) => s.into(),
            I::Vault(v) => v.into(),
            I::Audit(a) => ApiError::Unavailable(a.to_string()),
            I::Internal(d) => ApiError::Internal(d),
        }
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        if e.is_unavailable() {
            ApiError::Unavailable(e.to_string())
        } else {
            ApiError::Internal(e.to_string())
        }
    }
}

impl From<crate::vault::VaultError> for ApiError {
    fn from(e: crate::vault::VaultError) -> Self {
        ApiError::Unavailable(e.to_string())
    }
}

impl From<crate::certificates::registry::RegistryError> for ApiError {
    fn from(e: crate::certificates::registry::RegistryError) -> Self {
        use crate::certificates::registry::RegistryError as R;
        match e {
            R::NotFound => ApiError::NotFound,
            R::AlreadyRevoked => ApiError::Conflict("The certificate is already revoked.".into()),
            R::Store(s) => s.into(),
            R::Vault(v) => v.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
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
                self.public_detail(),
                None,
            ),
            ApiError::BadRequest(_) => problem_response(
                status,
                "bad-request",
                "Bad request",
                self.public_detail(),
                None,
            ),
            ApiError::UnsupportedMediaType(_) => problem_response(
                status,
                "unsupported-media-type",
                "Unsupported media type",
                self.public_detail(),
                None,
            ),
            ApiError::Conflict(_) => {
                problem_response(status, "conflict", "Conflict", self.public_detail(), None)
            }
            ApiError::PayloadTooLarge => problem_response(
                status,
                "payload-too-large",
                "Payload too large",
                self.public_detail(),
                None,
            ),
            ApiError::NotReady(checks) => problem_response(
                status,
                "not-ready",
                "Not ready",
                self.public_detail(),
                Some(checks.clone()),
            ),
            ApiError::Unavailable(internal) => {
                tracing::error!(error = %internal, "dependency unavailable");
                problem_response(
                    status,
                    "unavailable",
                    "Service unavailable",
                    self.public_detail(),
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
                        .public_detail()
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
                let mut r = problem_response(status, slug, title, Some(detail.clone()), None);
                if let Some(code) = oauth_error {
                    let body = Problem {
                        kind: format!("urn:cloudseal:problem:{slug}"),
                        title: (*title).to_owned(),
                        status: status.as_u16(),
                        detail: Some(detail.clone()),
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
        E::Deserialize(e) => ApiError::MalformedJson(e.to_string()),
        E::Payload(actix_web::error::PayloadError::Overflow) => ApiError::PayloadTooLarge,
        _ => ApiError::BadRequest("The request body could not be read.".into()),
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

impl From<crate::signing::SigningError> for ApiError {
    fn from(e: crate::signing::SigningError) -> Self {
        use crate::signing::SigningError as S;
        match e {
            S::KeyNotFound => ApiError::NotFound,
            S::WrongPin { attempts_left } => ApiError::refused(
                StatusCode::UNAUTHORIZED,
                "wrong-pin",
                "Wrong PIN",
                format!("The PIN is wrong; {attempts_left} attempt(s) left before the key locks."),
            ),
            S::Locked { until } => ApiError::Refused {
                status: StatusCode::TOO_MANY_REQUESTS,
                slug: "key-locked",
                title: "Key locked",
                detail: format!(
                    "The key is locked after too many wrong PINs; try again after {} UTC.",
                    until.format("%Y-%m-%d %H:%M")
                ),
                retry_after: Some(seconds_until(until)),
                oauth_error: None,
            },
            S::WeakPin(d) => {
                ApiError::refused(StatusCode::BAD_REQUEST, "weak-pin", "PIN not allowed", d)
            }
            S::SadInvalid | S::SadExpired | S::SadExhausted | S::HashNotAuthorised => {
                ApiError::refused(
                    StatusCode::FORBIDDEN,
                    "sad-refused",
                    "Authorisation refused",
                    e.to_string(),
                )
            }
            S::Refused(d) => ApiError::BadRequest(d),
            S::Store(s) => s.into(),
            S::Vault(v) => v.into(),
        }
    }
}

impl From<crate::registration::RegistrationError> for ApiError {
    fn from(e: crate::registration::RegistrationError) -> Self {
        use crate::certificates::registry::IssueError;
        use crate::pki::profile::ProfileError;
        use crate::registration::RegistrationError as R;
        match e {
            R::Invalid(d) => ApiError::BadRequest(d),
            R::NotFound => ApiError::NotFound,
            R::Transition { .. } => ApiError::refused(
                StatusCode::CONFLICT,
                "transition-refused",
                "Not allowed in this status",
                format!("The application's lifecycle does not allow this: {e}."),
            ),
            R::Precondition(d) => ApiError::refused(
                StatusCode::CONFLICT,
                "precondition-failed",
                "Not possible yet",
                d,
            ),
            R::BadMarker => ApiError::refused(
                StatusCode::UNAUTHORIZED,
                "invalid-marker",
                "Invalid activation code",
                "The activation code is wrong, used or expired. Ask the operator for a new one if needed.",
            ),
            R::MarkerLocked => ApiError::refused(
                StatusCode::TOO_MANY_REQUESTS,
                "marker-locked",
                "Activation code locked",
                "Too many wrong activation codes. Ask the operator to send a new one.",
            ),
            R::BadPaymentSignature => ApiError::refused(
                StatusCode::UNAUTHORIZED,
                "invalid-signature",
                "Notification not authenticated",
                "The payment notification's signature or timestamp does not verify.",
            ),
            R::UnsupportedScan => ApiError::refused(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported file type",
                "A scan must be a PDF, JPEG or PNG file.",
            ),
            R::Identity(i) => i.into(),
            R::Signing(s) => s.into(),
            R::Signature(s) => s.into(),
            R::Issue(IssueError::Profile(ProfileError::Refused(d))) => ApiError::refused(
                StatusCode::CONFLICT,
                "precondition-failed",
                "Not possible yet",
                d,
            ),
            R::Issue(IssueError::Profile(ProfileError::Vault(v))) => v.into(),
            R::Issue(IssueError::Registry(r)) | R::Registry(r) => r.into(),
            R::Issue(IssueError::Vault(v)) => v.into(),
            R::Store(s) => s.into(),
            R::Audit(a) => ApiError::Unavailable(a.to_string()),
        }
    }
}

impl From<crate::verification::VerificationError> for ApiError {
    fn from(e: crate::verification::VerificationError) -> Self {
        use crate::verification::VerificationError as V;
        match e {
            V::Invalid(d) | V::Unreadable(d) => ApiError::BadRequest(d),
            V::NotFound => ApiError::NotFound,
            V::TooLarge(limit) => ApiError::refused(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "File too large",
                format!("This file is limited to {limit} bytes."),
            ),
            V::RateLimited(seconds) => ApiError::Refused {
                status: StatusCode::TOO_MANY_REQUESTS,
                slug: "rate-limited",
                title: "Too many requests",
                detail: "Verifications without logging in are limited per address and minute; \
                         log in, or retry later."
                    .into(),
                retry_after: Some(seconds),
                oauth_error: None,
            },
            V::Document(d) => d.into(),
            V::Store(s) => s.into(),
            V::Vault(v) => v.into(),
            V::Internal(d) => ApiError::Internal(d),
        }
    }
}

impl From<crate::documents::DocumentError> for ApiError {
    fn from(e: crate::documents::DocumentError) -> Self {
        use crate::documents::DocumentError as D;
        match e {
            D::Invalid(d) | D::Body(d) => ApiError::BadRequest(d),
            D::NotFound => ApiError::NotFound,
            D::TooLarge(limit) => ApiError::refused(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "Document too large",
                format!("Documents are limited to {limit} bytes; nothing was stored."),
            ),
            D::Stalled(secs) => ApiError::refused(
                StatusCode::REQUEST_TIMEOUT,
                "upload-stalled",
                "Upload stalled",
                format!(
                    "No data arrived for {secs} seconds; nothing was stored. Send the document again."
                ),
            ),
            D::Corrupt(d) => ApiError::Internal(d),
            D::Store(s) => s.into(),
            D::Audit(a) => ApiError::Internal(a.to_string()),
            D::Vault(v) => v.into(),
        }
    }
}

impl From<crate::exchange::ExchangeError> for ApiError {
    fn from(e: crate::exchange::ExchangeError) -> Self {
        use crate::exchange::ExchangeError as X;
        match e {
            X::Invalid(d) => ApiError::BadRequest(d),
            X::NotFound => ApiError::NotFound,
            X::Conflict(d) => ApiError::Conflict(d),
            X::TooMany(d) => ApiError::refused(
                StatusCode::TOO_MANY_REQUESTS,
                "too-many",
                "Too many",
                format!("{d}; try again later."),
            ),
            X::Attachments(files) => ApiError::Attachments(
                serde_json::to_value(files).unwrap_or(serde_json::Value::Null),
            ),
            X::KeyReused => ApiError::refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "Idempotency key reused",
                "This Idempotency-Key was already used with a different request; use a new key \
                 for a new request.",
            ),
            X::NotAccepted(d) => ApiError::refused(
                StatusCode::FORBIDDEN,
                "recipient-not-accepting",
                "Recipient does not accept your documents",
                d,
            ),
            X::LinkExpired => ApiError::refused(
                StatusCode::GONE,
                "link-expired",
                "Link expired",
                "This link has expired. Ask the sender to send the documents again.",
            ),
            X::Document(d) => d.into(),
            X::Signature(s) => s.into(),
            X::Verification(v) => v.into(),
            X::Internal(i) => ApiError::Internal(i),
            X::Store(s) => s.into(),
            X::Forbidden(d) => ApiError::forbidden(d),
            X::Audit(a) => a.into(),
        }
    }
}

impl From<crate::audit::AuditError> for ApiError {
    fn from(e: crate::audit::AuditError) -> Self {
        match e {
            crate::audit::AuditError::Behind(secs) => ApiError::refused(
                StatusCode::SERVICE_UNAVAILABLE,
                "audit-chain-behind",
                "Try again shortly",
                format!(
                    "The audit trail did not take in the newest entries within {secs} s, so the \
                     export would not cover itself; try again in a minute."
                ),
            ),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<crate::audit::export::ExportError> for ApiError {
    fn from(e: crate::audit::export::ExportError) -> Self {
        match e {
            crate::audit::export::ExportError::NothingSigned => ApiError::refused(
                StatusCode::CONFLICT,
                "nothing-signed",
                "Nothing signed there yet",
                "No signed checkpoint lies in the requested part of the chain: a segment ends on one, \
                 so that every entry in it is covered by a signature. Widen `to`, or leave it \
                 out.",
            ),
            crate::audit::export::ExportError::Audit(a) => a.into(),
        }
    }
}

impl From<crate::signatures::SignatureError> for ApiError {
    fn from(e: crate::signatures::SignatureError) -> Self {
        use crate::signatures::SignatureError as S;
        match e {
            S::Invalid(d) => ApiError::BadRequest(d),
            S::NotFound => ApiError::NotFound,
            S::Precondition(d) => ApiError::refused(
                StatusCode::CONFLICT,
                "precondition-failed",
                "Not possible now",
                d,
            ),
            S::Identity(i) => i.into(),
            S::Signing(s) => s.into(),
            S::Store(s) => s.into(),
            S::Encoding(d) | S::TimeStamp(d) => ApiError::Internal(d),
            S::Document(d) => d.into(),
        }
    }
}
