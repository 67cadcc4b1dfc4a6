//! Refusals of the key custody and of the certificate lifecycle as problems.

use super::{ApiError, seconds_until};
use crate::said;
use crate::said::Said;
use actix_web::http::StatusCode;

impl From<crate::signing::SigningError> for ApiError {
    fn from(e: crate::signing::SigningError) -> Self {
        use crate::signing::SigningError as S;
        let sad_refused = |detail: Said| {
            ApiError::refused(
                StatusCode::FORBIDDEN,
                "sad-refused",
                "Authorisation refused",
                detail,
            )
        };
        match e {
            S::KeyNotFound => ApiError::NotFound,
            S::WrongPin { attempts_left } => ApiError::refused(
                StatusCode::UNAUTHORIZED,
                "wrong-pin",
                "Wrong PIN",
                said!(
                    "The PIN is wrong; {attempts_left} attempt(s) left before the key locks.",
                    "PIN неверен; до блокировки ключа осталось попыток: {attempts_left}."
                ),
            ),
            S::Locked { until } => {
                let at = until.format("%Y-%m-%d %H:%M");
                ApiError::Refused {
                    status: StatusCode::TOO_MANY_REQUESTS,
                    slug: "key-locked",
                    title: "Key locked",
                    detail: said!(
                        "The key is locked after too many wrong PINs; try again after {at} UTC.",
                        "Ключ заблокирован после слишком многих неверных PIN; повторите после {at} UTC."
                    ),
                    retry_after: Some(seconds_until(until)),
                    oauth_error: None,
                }
            }
            S::WeakPin(d) => {
                ApiError::refused(StatusCode::BAD_REQUEST, "weak-pin", "PIN not allowed", d)
            }
            S::SadInvalid => sad_refused(said!(
                "the signature activation data is not valid",
                "данные активации подписи недействительны"
            )),
            S::SadExpired => sad_refused(said!(
                "the authorisation has expired; authorise again",
                "срок авторизации истёк; авторизуйтесь снова"
            )),
            S::SadExhausted => sad_refused(said!(
                "the authorisation has been used up or closed; authorise again",
                "авторизация израсходована или закрыта; авторизуйтесь снова"
            )),
            S::HashNotAuthorised => sad_refused(said!(
                "the authorisation does not cover this hash",
                "авторизация не распространяется на этот хеш"
            )),
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
        let not_yet = |detail: Said| {
            ApiError::refused(
                StatusCode::CONFLICT,
                "precondition-failed",
                "Not possible yet",
                detail,
            )
        };
        match e {
            R::Invalid(d) => ApiError::BadRequest(d),
            R::NotFound => ApiError::NotFound,
            R::Transition { from, act } => ApiError::refused(
                StatusCode::CONFLICT,
                "transition-refused",
                "Not allowed in this status",
                Said::new(
                    format!(
                        "The application's lifecycle does not allow this: cannot {} an \
                         application in status {}.",
                        act.as_str(),
                        from.as_str()
                    ),
                    format!(
                        "Жизненный цикл заявки этого не допускает: нельзя {}, пока заявка в \
                         статусе «{}».",
                        act.label_ru(),
                        from.label_ru()
                    ),
                ),
            ),
            R::Precondition(d) => not_yet(d),
            R::BadMarker => ApiError::refused(
                StatusCode::UNAUTHORIZED,
                "invalid-marker",
                "Invalid activation code",
                said!(
                    "The activation code is wrong, used or expired. Ask the operator for a new one if needed.",
                    "Код активации неверен, уже использован или истёк. При необходимости попросите оператора прислать новый."
                ),
            ),
            R::MarkerLocked => ApiError::refused(
                StatusCode::TOO_MANY_REQUESTS,
                "marker-locked",
                "Activation code locked",
                said!(
                    "Too many wrong activation codes. Ask the operator to send a new one.",
                    "Слишком много неверных кодов активации. Попросите оператора прислать новый."
                ),
            ),
            R::BadPaymentSignature => ApiError::refused(
                StatusCode::UNAUTHORIZED,
                "invalid-signature",
                "Notification not authenticated",
                said!(
                    "The payment notification's signature or timestamp does not verify.",
                    "Подпись или время уведомления о платеже не проходят проверку."
                ),
            ),
            R::UnsupportedScan => ApiError::refused(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported file type",
                said!(
                    "A scan must be a PDF, JPEG or PNG file.",
                    "Скан должен быть файлом PDF, JPEG или PNG."
                ),
            ),
            R::Identity(i) => i.into(),
            R::Signing(s) => s.into(),
            R::Signature(s) => s.into(),
            R::Issue(IssueError::Profile(ProfileError::Refused(d))) => not_yet(d),
            R::Issue(IssueError::Profile(ProfileError::Vault(v))) => v.into(),
            R::Issue(IssueError::Registry(r)) | R::Registry(r) => r.into(),
            R::Issue(IssueError::Vault(v)) => v.into(),
            R::Store(s) => s.into(),
            R::Audit(a) => ApiError::Unavailable(a.to_string()),
        }
    }
}
