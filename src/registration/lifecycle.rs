//! The application lifecycle of DESIGN §4 as one table: which act moves an application from
//! which status to which. Every change of status goes through [`next`], so a transition the
//! lifecycle does not allow cannot happen by accident in some handler.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Проверка данных: filed; background checks run, an operator reviews the data.
    DataCheck,
    /// Ожидание оплаты: the data was accepted, the invoice waits to be paid.
    AwaitingPayment,
    /// Ожидание запроса на сертификат: the subscriber confirms the certificate data (cloud
    /// track) or uploads a PKCS#10 request (own-key track).
    AwaitingRequest,
    /// Ожидание идентификации: waits for the applicant to be identified in person.
    AwaitingIdentification,
    /// Выпуск сертификата: identified; the certificate waits for activation by the marker.
    Issuing,
    /// Формирование отгрузочных документов: the certificate is active.
    PreparingDocuments,
    /// Ожидание подтверждения завершения.
    AwaitingCompletion,
    /// Ожидание загрузки документов.
    AwaitingScans,
    /// Завершена.
    Completed,
    /// Отклонена, with a reason told to the applicant.
    Rejected,
    /// Отменена.
    Cancelled,
}

impl Status {
    /// Every status, in lifecycle order.
    pub const ALL: [Status; 11] = [
        Status::DataCheck,
        Status::AwaitingPayment,
        Status::AwaitingRequest,
        Status::AwaitingIdentification,
        Status::Issuing,
        Status::PreparingDocuments,
        Status::AwaitingCompletion,
        Status::AwaitingScans,
        Status::Completed,
        Status::Rejected,
        Status::Cancelled,
    ];

    /// The stored spelling (also the API's).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::DataCheck => "data_check",
            Status::AwaitingPayment => "awaiting_payment",
            Status::AwaitingRequest => "awaiting_request",
            Status::AwaitingIdentification => "awaiting_identification",
            Status::Issuing => "issuing",
            Status::PreparingDocuments => "preparing_documents",
            Status::AwaitingCompletion => "awaiting_completion",
            Status::AwaitingScans => "awaiting_scans",
            Status::Completed => "completed",
            Status::Rejected => "rejected",
            Status::Cancelled => "cancelled",
        }
    }

    /// The label operators know (Russian UI).
    pub fn label_ru(self) -> &'static str {
        match self {
            Status::DataCheck => "Проверка данных",
            Status::AwaitingPayment => "Ожидание оплаты",
            Status::AwaitingRequest => "Ожидание запроса на сертификат",
            Status::AwaitingIdentification => "Ожидание идентификации",
            Status::Issuing => "Выпуск сертификата",
            Status::PreparingDocuments => "Формирование отгрузочных документов",
            Status::AwaitingCompletion => "Ожидание подтверждения завершения",
            Status::AwaitingScans => "Ожидание загрузки документов",
            Status::Completed => "Завершена",
            Status::Rejected => "Отклонена",
            Status::Cancelled => "Отменена",
        }
    }

    /// Parse the stored spelling.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Whether the applicant's data may still change (it is frozen once identified, because
    /// the operator signed a snapshot of it).
    pub fn data_editable(self) -> bool {
        matches!(
            self,
            Status::DataCheck
                | Status::AwaitingPayment
                | Status::AwaitingRequest
                | Status::AwaitingIdentification
        )
    }
}

/// What someone does to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Act {
    /// The operator accepts the data (all checks passed); the invoice becomes payable.
    Accept,
    /// Payment arrived (operator or payment webhook).
    Pay,
    /// The subscriber confirmed the certificate data or uploaded the request.
    SubmitRequest,
    /// The operator identified the applicant and signed off.
    Identify,
    /// The subscriber activated the certificate with the marker.
    Activate,
    /// The shipping documents were generated.
    PrepareDocuments,
    /// The holder's signed documents were collected.
    ConfirmCompletion,
    /// The required scans were uploaded.
    Complete,
    /// The operator refused the application (with a reason).
    Reject,
    /// The applicant or the operator withdrew it.
    Cancel,
}

impl Act {
    /// How the act is named in refusals and history.
    pub fn as_str(self) -> &'static str {
        match self {
            Act::Accept => "accept",
            Act::Pay => "pay",
            Act::SubmitRequest => "submit_request",
            Act::Identify => "identify",
            Act::Activate => "activate",
            Act::PrepareDocuments => "prepare_documents",
            Act::ConfirmCompletion => "confirm_completion",
            Act::Complete => "complete",
            Act::Reject => "reject",
            Act::Cancel => "cancel",
        }
    }

    /// The act as a Russian refusal names it ("нельзя принять данные: …").
    pub fn label_ru(self) -> &'static str {
        match self {
            Act::Accept => "принять данные",
            Act::Pay => "оплатить",
            Act::SubmitRequest => "подать запрос на сертификат",
            Act::Identify => "провести идентификацию",
            Act::Activate => "активировать сертификат",
            Act::PrepareDocuments => "подготовить документы",
            Act::ConfirmCompletion => "подтвердить завершение",
            Act::Complete => "завершить заявку",
            Act::Reject => "отклонить заявку",
            Act::Cancel => "отозвать заявку",
        }
    }
}

/// The status `act` leads to from `from`, or `None` when the lifecycle does not allow it.
pub fn next(from: Status, act: Act) -> Option<Status> {
    use Status::*;
    let to = match (act, from) {
        (Act::Accept, DataCheck) => AwaitingPayment,
        (Act::Pay, AwaitingPayment) => AwaitingRequest,
        (Act::SubmitRequest, AwaitingRequest) => AwaitingIdentification,
        (Act::Identify, AwaitingIdentification) => Issuing,
        (Act::Activate, Issuing) => PreparingDocuments,
        (Act::PrepareDocuments, PreparingDocuments) => AwaitingCompletion,
        (Act::ConfirmCompletion, AwaitingCompletion) => AwaitingScans,
        (Act::Complete, AwaitingScans) => Completed,
        (Act::Reject | Act::Cancel, s) if s.data_editable() => {
            if act == Act::Reject {
                Rejected
            } else {
                Cancelled
            }
        }
        _ => return None,
    };
    Some(to)
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path_visits_every_working_status_once() {
        let acts = [
            Act::Accept,
            Act::Pay,
            Act::SubmitRequest,
            Act::Identify,
            Act::Activate,
            Act::PrepareDocuments,
            Act::ConfirmCompletion,
            Act::Complete,
        ];
        let mut s = Status::DataCheck;
        let mut seen = vec![s];
        for a in acts {
            s = next(s, a).expect("allowed");
            seen.push(s);
        }
        assert_eq!(seen, Status::ALL[..9].to_vec());
    }

    #[test]
    fn nothing_leaves_a_final_status() {
        for from in [Status::Completed, Status::Rejected, Status::Cancelled] {
            for act in [
                Act::Accept,
                Act::Pay,
                Act::Reject,
                Act::Cancel,
                Act::Complete,
            ] {
                assert_eq!(next(from, act), None, "{from:?} {act:?}");
            }
        }
    }

    #[test]
    fn an_identified_application_can_no_longer_be_cancelled() {
        assert_eq!(next(Status::Issuing, Act::Cancel), None);
        assert_eq!(
            next(Status::AwaitingIdentification, Act::Cancel),
            Some(Status::Cancelled)
        );
        assert_eq!(next(Status::DataCheck, Act::Pay), None);
    }

    #[test]
    fn statuses_round_trip_through_their_spelling() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
    }
}
