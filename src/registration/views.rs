//! What the service hands out and takes in: applications, checks, history and certificates as
//! their readers see them.

use super::lifecycle::Status;
use super::values::{Applicant, ProductKind, Track};
use super::{RegistrationError, applicant_of, corrupt, kind_of, status_of, track_of};
use crate::pki::revocation::RevocationReason;
use crate::said::Said;
use crate::store::applications::{ApplicationRow, CheckRow, HistoryRow};
use crate::store::certificates::CertificateRow;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A new application.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    /// Product code from the catalogue.
    pub product: String,
    /// The point of issue where the applicant will be identified.
    pub point_of_issue: Uuid,
    /// The applicant's data.
    pub applicant: Applicant,
    /// Partners only: the email of the client's subscriber account the application is for.
    #[serde(default)]
    pub subscriber_email: Option<String>,
}

/// A background check's outcome.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckView {
    /// Stable name (`snils_checksum`, `passport_format`, …).
    pub name: String,
    /// `passed`, `failed` or `not_applicable`.
    pub status: super::checks::CheckStatus,
    /// What it found (the API gives the English wording).
    #[schema(value_type = String)]
    pub message: Said,
    /// When it ran.
    pub checked_at: DateTime<Utc>,
}

/// One step of the process history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryView {
    /// When.
    pub at: DateTime<Utc>,
    /// `subscriber`, `staff`, `partner` or `system`.
    pub actor_kind: String,
    /// Who.
    pub actor_id: Option<Uuid>,
    /// From (none when filed).
    pub from: Option<Status>,
    /// To.
    pub to: Status,
    /// Reason or remark.
    pub note: Option<String>,
}

/// `pending_activation`, `active`, `revoked` or `expired`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CertificateStatus {
    /// Identified; waits for the holder to enter the marker.
    PendingActivation,
    /// In force.
    Active,
    /// Revoked.
    Revoked,
    /// Past its validity.
    Expired,
}

/// A subscriber certificate.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CertificateView {
    /// Id.
    pub id: Uuid,
    /// The application it was issued on.
    pub application_id: Uuid,
    /// Status.
    pub status: CertificateStatus,
    /// Serial number (hex).
    pub serial: Option<String>,
    /// The key in custody (cloud track): the credential to sign with.
    pub key_id: Option<Uuid>,
    /// Valid from.
    pub not_before: Option<DateTime<Utc>>,
    /// Valid until.
    pub not_after: Option<DateTime<Utc>>,
    /// The certificate, PEM.
    pub pem: Option<String>,
    /// When activated.
    pub activated_at: Option<DateTime<Utc>>,
    /// When revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// The note recorded with the revocation: an operator's words, or "by the holder".
    pub revocation_reason: Option<String>,
    /// The RFC 5280 reason the CRL and OCSP publish (`keyCompromise`, `superseded`, …).
    pub revocation_code: Option<String>,
    /// The certificate this one supersedes.
    pub replaces: Option<Uuid>,
}

/// An application as its readers see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApplicationView {
    /// Id.
    pub id: Uuid,
    /// Application number.
    pub number: i64,
    /// Invoice number.
    pub invoice_number: i64,
    /// Status.
    pub status: Status,
    /// Status as the Russian UI names it.
    pub status_label_ru: String,
    /// Product code.
    pub product: String,
    /// Qualified or simple.
    pub product_kind: ProductKind,
    /// Cloud key or own key.
    pub track: Track,
    /// Point of issue.
    pub point_of_issue: Uuid,
    /// Its name.
    pub point_of_issue_name: String,
    /// Its region.
    pub region: String,
    /// Filed by a partner.
    pub partner: Option<Uuid>,
    /// The applicant's data.
    pub applicant: Applicant,
    /// Price (minor units).
    pub price_minor: i64,
    /// Currency.
    pub currency: String,
    /// When paid.
    pub paid_at: Option<DateTime<Utc>>,
    /// Why it was rejected.
    pub rejection_reason: Option<String>,
    /// Filed.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Background checks (filled on the single-application read).
    pub checks: Vec<CheckView>,
    /// Process history (filled on the single-application read).
    pub history: Vec<HistoryView>,
    /// Scans of the signed paper set (filled on the single-application read).
    pub scans: Vec<super::scans::ScanView>,
    /// Simple certificates: when the paper originals must have arrived.
    pub originals_due_at: Option<DateTime<Utc>>,
    /// When they arrived.
    pub originals_received_at: Option<DateTime<Utc>>,
    /// Employees: the organisation's register extract at the last check, for the operator.
    pub legal_entity_extract: Option<crate::registries::wire::LegalEntity>,
    /// Certificates issued on it (filled on the single-application read).
    pub certificates: Vec<CertificateView>,
}

impl ApplicationView {
    pub(super) fn of(app: &ApplicationRow) -> Result<Self, RegistrationError> {
        let status = status_of(app)?;
        Ok(Self {
            id: app.id,
            number: app.number,
            invoice_number: app.invoice_number,
            status,
            status_label_ru: status.label_ru().to_owned(),
            product: app.product_code.clone(),
            product_kind: kind_of(app)?,
            track: track_of(app)?,
            point_of_issue: app.point_id,
            point_of_issue_name: app.point_name.clone(),
            region: app.region.clone(),
            partner: app.partner_id,
            applicant: applicant_of(app)?,
            price_minor: app.price_minor,
            currency: app.currency.clone(),
            paid_at: app.paid_at,
            rejection_reason: app.rejection_reason.clone(),
            created_at: app.created_at,
            updated_at: app.updated_at,
            checks: Vec::new(),
            history: Vec::new(),
            scans: Vec::new(),
            originals_due_at: app.originals_due_at,
            originals_received_at: app.originals_received_at,
            legal_entity_extract: app
                .legal_entity_extract
                .clone()
                .and_then(|v| serde_json::from_value(v).ok()),
            certificates: Vec::new(),
        })
    }
}

pub(super) fn check_view(c: &CheckRow) -> Result<CheckView, RegistrationError> {
    Ok(CheckView {
        name: c.name.clone(),
        status: super::checks::CheckStatus::parse(&c.status)
            .ok_or_else(|| corrupt("check status"))?,
        message: Said::new(
            c.message.clone(),
            c.message_ru.clone().unwrap_or_else(|| c.message.clone()),
        ),
        checked_at: c.checked_at,
    })
}

pub(super) fn history_view(h: &HistoryRow) -> Result<HistoryView, RegistrationError> {
    let parse = |s: &str| Status::parse(s).ok_or_else(|| corrupt("history status"));
    Ok(HistoryView {
        at: h.at,
        actor_kind: h.actor_kind.clone(),
        actor_id: h.actor_id,
        from: h.from_status.as_deref().map(parse).transpose()?,
        to: parse(&h.to_status)?,
        note: h.note.clone(),
    })
}

/// The certificate as its holder sees it at `now`.
pub(super) fn certificate_view(c: &CertificateRow, now: DateTime<Utc>) -> CertificateView {
    let status = match c.status.as_str() {
        "active" if c.not_after.is_some_and(|t| t <= now) => CertificateStatus::Expired,
        "active" => CertificateStatus::Active,
        "revoked" => CertificateStatus::Revoked,
        _ => CertificateStatus::PendingActivation,
    };
    CertificateView {
        id: c.id,
        application_id: c.application_id,
        status,
        serial: c.serial.as_deref().map(hex::encode),
        key_id: c.key_id,
        not_before: c.not_before,
        not_after: c.not_after,
        pem: c.der.as_deref().map(crate::pki::to_pem),
        activated_at: c.activated_at,
        revoked_at: c.revoked_at,
        revocation_reason: c.revocation_reason.clone(),
        revocation_code: c
            .revocation_code
            .and_then(RevocationReason::from_code)
            .map(|r| r.as_str().to_owned()),
        replaces: c.replaces,
    }
}
