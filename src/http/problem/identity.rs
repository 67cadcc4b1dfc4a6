//! Identity's refusals, and the failures of the parts below every service (database, HSM,
//! certificate registry), as problems.

use super::{ApiError, seconds_until};
use crate::said;
use actix_web::http::StatusCode;

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
                said!(
                    "An account with this email address already exists. Log in, or reset the password.",
                    "Учётная запись с этим адресом электронной почты уже есть. Войдите или восстановите пароль."
                ),
            ),
            I::Taken(Taken::Phone) => ApiError::refused(
                StatusCode::CONFLICT,
                "phone-taken",
                "Phone already registered",
                said!(
                    "An account with this phone number already exists. Log in, or reset the password.",
                    "Учётная запись с этим номером телефона уже есть. Войдите или восстановите пароль."
                ),
            ),
            I::BadCredentials => ApiError::refused(
                StatusCode::UNAUTHORIZED,
                "invalid-credentials",
                "Invalid credentials",
                said!(
                    "The login or the password is wrong.",
                    "Неверный логин или пароль."
                ),
            ),
            I::BadCode => ApiError::refused(
                StatusCode::UNAUTHORIZED,
                "invalid-code",
                "Invalid code",
                said!(
                    "The code is wrong, or it has expired or been used. Ask for a new one if needed.",
                    "Код неверен, истёк или уже использован. При необходимости запросите новый."
                ),
            ),
            I::BadLink => ApiError::refused(
                StatusCode::GONE,
                "invalid-link",
                "Link not valid",
                said!(
                    "The link has expired or has already been used. Ask for a new one.",
                    "Срок ссылки истёк, или она уже использована. Запросите новую."
                ),
            ),
            I::Locked { until } => {
                let at = until.format("%Y-%m-%d %H:%M");
                ApiError::Refused {
                    status: StatusCode::TOO_MANY_REQUESTS,
                    slug: "locked",
                    title: "Too many failed attempts",
                    detail: said!(
                        "Too many wrong answers. Try again after {at} UTC, or ask support to unlock.",
                        "Слишком много неверных ответов. Повторите после {at} UTC или попросите поддержку снять блокировку."
                    ),
                    retry_after: Some(seconds_until(until)),
                    oauth_error: None,
                }
            }
            I::ResendRefused { retry_at } => ApiError::Refused {
                status: StatusCode::TOO_MANY_REQUESTS,
                slug: "resend-refused",
                title: "Code not sent again",
                detail: match retry_at {
                    Some(_) => said!(
                        "A code was sent a moment ago; wait before asking again.",
                        "Код только что отправлен; подождите, прежде чем просить снова."
                    ),
                    None => said!(
                        "This code has been sent too many times; start again.",
                        "Этот код отправлялся слишком много раз; начните заново."
                    ),
                },
                retry_after: retry_at.map(seconds_until),
                oauth_error: None,
            },
            I::NotConfirmed => ApiError::refused(
                StatusCode::FORBIDDEN,
                "not-confirmed",
                "Account not confirmed",
                said!(
                    "Confirm your email (follow the emailed link) and your phone (enter the SMS code) first.",
                    "Сначала подтвердите почту (перейдите по ссылке из письма) и телефон (введите код из SMS)."
                ),
            ),
            I::BadToken(_) => ApiError::refused(
                StatusCode::UNAUTHORIZED,
                "invalid-token",
                "Invalid access token",
                said!(
                    "The access token is not valid or has expired; log in again or refresh it.",
                    "Токен доступа недействителен или истёк; войдите снова или обновите его."
                ),
            ),
            I::BadRefresh => ApiError::refused(
                StatusCode::UNAUTHORIZED,
                "invalid-refresh-token",
                "Invalid refresh token",
                said!(
                    "The refresh token is not valid or its session has ended; log in again.",
                    "Токен обновления недействителен, или его сеанс завершён; войдите снова."
                ),
            ),
            I::RefreshReused => ApiError::refused(
                StatusCode::UNAUTHORIZED,
                "refresh-token-reused",
                "Refresh token reused",
                said!(
                    "This refresh token was already used, so the session was ended for safety; log in again.",
                    "Этот токен обновления уже использовался, поэтому сеанс завершён ради безопасности; войдите снова."
                ),
            ),
            I::BadClient => ApiError::Refused {
                status: StatusCode::UNAUTHORIZED,
                slug: "invalid-client",
                title: "Invalid client",
                detail: said!(
                    "The client id or secret is wrong, or the client is disabled.",
                    "Неверный идентификатор или секрет клиента, или клиент отключён."
                ),
                retry_after: None,
                oauth_error: Some("invalid_client"),
            },
            I::RateLimited { retry_after } => ApiError::Refused {
                status: StatusCode::TOO_MANY_REQUESTS,
                slug: "rate-limited",
                title: "Too many requests",
                detail: said!(
                    "This client has used its requests for this minute.",
                    "Этот клиент исчерпал запросы на эту минуту."
                ),
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
            R::AlreadyRevoked => ApiError::Conflict(said!(
                "The certificate is already revoked.",
                "Сертификат уже отозван."
            )),
            R::Store(s) => s.into(),
            R::Vault(v) => v.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}
