//! Refusals of documents, signatures, verification, the exchange and the audit trail as
//! problems.

use super::ApiError;
use crate::said;
use actix_web::http::StatusCode;

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
                said!(
                    "This file is limited to {limit} bytes.",
                    "Этот файл ограничен {limit} байтами."
                ),
            ),
            V::RateLimited(seconds) => ApiError::Refused {
                status: StatusCode::TOO_MANY_REQUESTS,
                slug: "rate-limited",
                title: "Too many requests",
                detail: said!(
                    "Verifications without logging in are limited per address and minute; \
                     log in, or retry later.",
                    "Проверки без входа ограничены на адрес и минуту; войдите или повторите \
                     позже."
                ),
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
                said!(
                    "Documents are limited to {limit} bytes; nothing was stored.",
                    "Документы ограничены {limit} байтами; ничего не сохранено."
                ),
            ),
            D::Stalled(secs) => ApiError::refused(
                StatusCode::REQUEST_TIMEOUT,
                "upload-stalled",
                "Upload stalled",
                said!(
                    "No data arrived for {secs} seconds; nothing was stored. Send the document again.",
                    "Данные не поступали {secs} секунд; ничего не сохранено. Отправьте документ снова."
                ),
            ),
            D::Corrupt(d) => ApiError::Internal(d),
            D::Files(e) => ApiError::Internal(e.to_string()),
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
                d.then(said!("; try again later.", "; повторите позже.")),
            ),
            X::Attachments(files) => ApiError::Attachments(
                serde_json::to_value(files).unwrap_or(serde_json::Value::Null),
            ),
            X::KeyReused => ApiError::refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "Idempotency key reused",
                said!(
                    "This Idempotency-Key was already used with a different request; use a new key \
                     for a new request.",
                    "Этот Idempotency-Key уже использован с другим запросом; для нового запроса \
                     возьмите новый ключ."
                ),
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
                said!(
                    "This link has expired. Ask the sender to send the documents again.",
                    "Срок этой ссылки истёк. Попросите отправителя прислать документы снова."
                ),
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
                said!(
                    "The audit trail did not take in the newest entries within {secs} s, so the \
                     export would not cover itself; try again in a minute.",
                    "Журнал аудита не принял новейшие записи за {secs} с, и выгрузка не покрыла \
                     бы саму себя; повторите через минуту."
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
                said!(
                    "No signed checkpoint lies in the requested part of the chain: a segment ends on one, \
                     so that every entry in it is covered by a signature. Widen `to`, or leave it \
                     out.",
                    "В запрошенной части цепочки нет подписанной контрольной точки: сегмент \
                     заканчивается на ней, чтобы каждая его запись была покрыта подписью. \
                     Расширьте `to` или не указывайте его."
                ),
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
