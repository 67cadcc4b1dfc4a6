//! Scans of the signed paper set, one per document type: uploaded by the applicant, the
//! partner that filed the application, or the operator; sniffed (PDF, JPEG, PNG — whatever
//! the client claims), sealed at rest under the identity data key, replaceable and removable
//! until the application is completed.

use super::lifecycle::Status;
use super::values::{ApplicantKind, ProductKind};
use super::{Actor, Registration, RegistrationError, applicant_of, kind_of, status_of};
use crate::audit;
use crate::said;
use crate::store::{self, applications as sql, scans::NewScan};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

/// A document of the paper set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScanDocument {
    /// The signed application for the certificate.
    ApplicationForm,
    /// The certificate form signed by the holder.
    CertificateForm,
    /// The act of acceptance signed by the holder.
    Act,
    /// The identity document's main page.
    IdentityDocument,
    /// The SNILS card or notice.
    Snils,
    /// Employees: the document that gives them authority (order, power of attorney).
    Authority,
}

impl ScanDocument {
    /// Every document type.
    pub const ALL: [ScanDocument; 6] = [
        ScanDocument::ApplicationForm,
        ScanDocument::CertificateForm,
        ScanDocument::Act,
        ScanDocument::IdentityDocument,
        ScanDocument::Snils,
        ScanDocument::Authority,
    ];

    /// The spelling in URLs and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ScanDocument::ApplicationForm => "application_form",
            ScanDocument::CertificateForm => "certificate_form",
            ScanDocument::Act => "act",
            ScanDocument::IdentityDocument => "identity_document",
            ScanDocument::Snils => "snils",
            ScanDocument::Authority => "authority",
        }
    }

    /// From its spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// The scans an application needs before it can be completed: the signed form and act
    /// and the identity document always; the SNILS for qualified certificates; the authority
    /// for employees.
    pub fn required(kind: ProductKind, applicant: ApplicantKind) -> Vec<ScanDocument> {
        let mut docs = vec![
            ScanDocument::ApplicationForm,
            ScanDocument::CertificateForm,
            ScanDocument::Act,
            ScanDocument::IdentityDocument,
        ];
        if kind == ProductKind::Qualified {
            docs.push(ScanDocument::Snils);
        }
        if applicant == ApplicantKind::Employee {
            docs.push(ScanDocument::Authority);
        }
        docs
    }
}

/// A stored scan.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScanView {
    /// Document type.
    pub document: ScanDocument,
    /// `application/pdf`, `image/jpeg` or `image/png`, as sniffed from the content.
    pub media_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the file (hex).
    pub sha256: String,
    /// When it was uploaded.
    pub uploaded_at: DateTime<Utc>,
    /// `subscriber`, `staff` or `partner`.
    pub uploaded_by: String,
}

/// A scan's file.
#[derive(Debug)]
pub struct ScanFile {
    /// Its description.
    pub view: ScanView,
    /// The content.
    pub content: Vec<u8>,
}

pub(super) fn view(r: &store::scans::ScanRow) -> Result<ScanView, RegistrationError> {
    Ok(ScanView {
        document: ScanDocument::parse(&r.document)
            .ok_or_else(|| super::corrupt("scan document type"))?,
        media_type: r.media_type.clone(),
        size: r.size,
        sha256: hex::encode(&r.sha256),
        uploaded_at: r.uploaded_at,
        uploaded_by: r.uploaded_by_kind.clone(),
    })
}

/// The media type of a scan from its first bytes, whatever the client said.
fn sniff(content: &[u8]) -> Option<&'static str> {
    if content.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if content.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

fn aad(application: Uuid, document: ScanDocument) -> Vec<u8> {
    format!("scan:{application}:{}", document.as_str()).into_bytes()
}

impl Registration {
    /// Largest scan accepted, in bytes.
    pub fn scan_limit(&self) -> usize {
        self.0.cfg.scan_max_bytes.get()
    }

    /// Store (or replace) the scan of one document.
    pub async fn put_scan(
        &self,
        actor: &Actor,
        id: Uuid,
        document: ScanDocument,
        content: &[u8],
    ) -> Result<ScanView, RegistrationError> {
        if content.is_empty() {
            return Err(RegistrationError::Invalid(said!(
                "the scan is empty",
                "скан пуст"
            )));
        }
        let media_type = sniff(content).ok_or(RegistrationError::UnsupportedScan)?;
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let app = self.scans_open(&tx, actor, id).await?;
        let sha256 = Sha256::digest(content);
        let sealed = self
            .0
            .identity
            .secrets()
            .seal(&aad(id, document), content)?;
        let size = i64::try_from(content.len()).map_err(|_| RegistrationError::UnsupportedScan)?;
        let kind = actor.kind().as_str();
        let scan = NewScan {
            document: document.as_str(),
            media_type,
            size,
            sha256: &sha256,
            sealed: &sealed,
            uploaded_by_kind: kind,
            uploaded_by: actor.id(),
        };
        let replaced = store::scans::put(&tx, id, &scan, self.0.clock.now()).await?;
        let event = actor
            .event("application.scan_upload")
            .on("application", id.to_string())
            .with_details(serde_json::json!({
                "number": app.number,
                "document": document.as_str(),
                "media_type": media_type,
                "size": size,
                "sha256": hex::encode(sha256),
                "replaced": replaced,
            }));
        audit::record(&tx, self.0.clock.as_ref(), event).await?;
        let stored = store::scans::list(&*tx, id)
            .await?
            .into_iter()
            .find(|s| s.document == document.as_str())
            .ok_or_else(|| super::corrupt("scan just stored"))?;
        tx.commit().await?;
        view(&stored)
    }

    /// The scans of an application the actor sees.
    pub async fn scans(&self, actor: &Actor, id: Uuid) -> Result<Vec<ScanView>, RegistrationError> {
        let client = self.0.db.client().await?;
        sql::get(&**client, id, actor.visibility())
            .await?
            .ok_or(RegistrationError::NotFound)?;
        store::scans::list(&**client, id)
            .await?
            .iter()
            .map(view)
            .collect()
    }

    /// One scan's file, opened and checked against its recorded hash.
    pub async fn scan(
        &self,
        actor: &Actor,
        id: Uuid,
        document: ScanDocument,
    ) -> Result<ScanFile, RegistrationError> {
        let client = self.0.db.client().await?;
        sql::get(&**client, id, actor.visibility())
            .await?
            .ok_or(RegistrationError::NotFound)?;
        let (row, sealed) = store::scans::sealed(&**client, id, document.as_str())
            .await?
            .ok_or(RegistrationError::NotFound)?;
        let content = self
            .0
            .identity
            .secrets()
            .open(&aad(id, document), &sealed)?;
        if Sha256::digest(&content[..])[..] != row.sha256[..] {
            return Err(super::corrupt("a scan does not match its hash"));
        }
        Ok(ScanFile {
            view: view(&row)?,
            content: content.to_vec(),
        })
    }

    /// Remove the scan of one document.
    pub async fn delete_scan(
        &self,
        actor: &Actor,
        id: Uuid,
        document: ScanDocument,
    ) -> Result<(), RegistrationError> {
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let app = self.scans_open(&tx, actor, id).await?;
        let gone = store::scans::delete(&tx, id, document.as_str())
            .await?
            .ok_or(RegistrationError::NotFound)?;
        let event = actor
            .event("application.scan_delete")
            .on("application", id.to_string())
            .with_details(serde_json::json!({
                "number": app.number,
                "document": document.as_str(),
                "sha256": hex::encode(&gone.sha256),
            }));
        audit::record(&tx, self.0.clock.as_ref(), event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The application, locked, while its scans may still change.
    async fn scans_open(
        &self,
        tx: &store::Transaction<'_>,
        actor: &Actor,
        id: Uuid,
    ) -> Result<sql::ApplicationRow, RegistrationError> {
        let app = self.locked(tx, actor, id).await?;
        if matches!(
            status_of(&app)?,
            Status::Completed | Status::Rejected | Status::Cancelled
        ) {
            return Err(RegistrationError::Precondition(said!(
                "the application is closed; its scans can no longer change",
                "заявка закрыта; её сканы больше не меняются"
            )));
        }
        Ok(app)
    }

    /// The required scans the application still lacks.
    pub(super) async fn missing_scans(
        &self,
        tx: &store::Transaction<'_>,
        app: &sql::ApplicationRow,
    ) -> Result<Vec<ScanDocument>, RegistrationError> {
        let have: Vec<String> = store::scans::list(tx, app.id)
            .await?
            .into_iter()
            .map(|s| s.document)
            .collect();
        let required = ScanDocument::required(kind_of(app)?, applicant_of(app)?.kind);
        Ok(required
            .into_iter()
            .filter(|d| !have.iter().any(|h| h == d.as_str()))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_are_known_by_their_first_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some("image/jpeg")
        );
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"MZ\x90\0"), None);
        assert_eq!(sniff(b"%PD"), None);
    }

    #[test]
    fn employees_and_qualified_certificates_need_more_papers() {
        let simple = ScanDocument::required(ProductKind::Simple, ApplicantKind::Individual);
        assert!(!simple.contains(&ScanDocument::Snils));
        let full = ScanDocument::required(ProductKind::Qualified, ApplicantKind::Employee);
        assert!(full.contains(&ScanDocument::Snils) && full.contains(&ScanDocument::Authority));
    }
}
