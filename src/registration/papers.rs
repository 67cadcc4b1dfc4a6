//! Shipping documents: the invoice, the certificate form, the act of acceptance and the
//! security guide, generated as PDF from what the application and its certificate hold. They
//! are made afresh on every download from stored data only (no "printed at" time), so the
//! same application always yields the same bytes — the copy the holder signed on paper can be
//! matched later.

use super::values::{Product, Track};
use super::views::ApplicationView;
use super::{Actor, Registration, RegistrationError};
use crate::said;
use crate::store;
use crate::store::certificates::CertificateRow;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    /// Заявление на изготовление сертификата: the application the holder signs; from filing.
    ApplicationForm,
    /// Счёт на оплату: available from filing.
    Invoice,
    /// Бланк сертификата: the holder's data and the certificate's, with a place to sign.
    CertificateForm,
    /// Акт приёма-передачи: the holder accepts the certificate.
    Act,
    /// Памятка по безопасности: how to keep the signature safe.
    SecurityGuide,
}

impl Paper {
    /// Every document, in the order they are handed out.
    pub const ALL: [Paper; 5] = [
        Paper::ApplicationForm,
        Paper::Invoice,
        Paper::CertificateForm,
        Paper::Act,
        Paper::SecurityGuide,
    ];

    /// The spelling in URLs and file names.
    pub fn slug(self) -> &'static str {
        match self {
            Paper::ApplicationForm => "application-form",
            Paper::Invoice => "invoice",
            Paper::CertificateForm => "certificate-form",
            Paper::Act => "act",
            Paper::SecurityGuide => "security-guide",
        }
    }

    /// From its URL spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.slug() == s)
    }

    /// The certificate form and the act describe the issued certificate, so they exist only
    /// once there is one; the pages say so instead of offering a link that answers 409.
    pub fn needs_certificate(self) -> bool {
        matches!(self, Paper::CertificateForm | Paper::Act)
    }
}

/// A generated document.
#[derive(Debug)]
pub struct PaperFile {
    /// File name to offer, e.g. `invoice-500001.pdf`.
    pub file_name: String,
    /// The PDF.
    pub pdf: Vec<u8>,
}

/// What a document is made from.
pub(super) struct PaperData<'a> {
    pub(super) application: &'a ApplicationView,
    pub(super) product: &'a Product,
    pub(super) point_address: &'a str,
    pub(super) authority: &'a str,
    pub(super) certificate: Option<&'a CertificateRow>,
}

impl PaperData<'_> {
    pub(super) fn cloud(&self) -> bool {
        self.application.track == Track::Cloud
    }
}

impl Registration {
    /// One shipping document of an application the actor sees.
    pub async fn paper(
        &self,
        actor: &Actor,
        id: Uuid,
        paper: Paper,
    ) -> Result<PaperFile, RegistrationError> {
        let application = self.application(actor, id).await?;
        let client = self.0.db.client().await?;
        let product = store::catalogue::get(&**client, &application.product)
            .await?
            .and_then(super::applications::product)
            .ok_or_else(|| super::corrupt("product of an application"))?;
        let point_address = store::partners::points(&**client)
            .await?
            .into_iter()
            .find(|p| p.0 == application.point_of_issue)
            .map(|p| p.3)
            .unwrap_or_default();
        let certificates = store::certificates::of_application(&**client, id).await?;
        let certificate = current(&certificates);
        if paper.needs_certificate() && certificate.is_none() {
            return Err(RegistrationError::Precondition(said!(
                "This document describes the issued certificate; it is available once the \
                 certificate has been activated.",
                "Этот документ описывает выпущенный сертификат; он доступен после активации сертификата."
            )));
        }
        let data = PaperData {
            application: &application,
            product: &product,
            point_address: &point_address,
            authority: &self.0.registry.authority().organization,
            certificate,
        };
        let pdf = super::paper_layouts::render(paper, &data)?;
        Ok(PaperFile {
            file_name: format!("{}-{}.pdf", paper.slug(), application.number),
            pdf,
        })
    }
}

/// The certificate the documents describe: the one in force, or else the newest issued.
fn current(certificates: &[CertificateRow]) -> Option<&CertificateRow> {
    certificates
        .iter()
        .find(|c| c.status == "active" && c.der.is_some())
        .or_else(|| certificates.iter().find(|c| c.der.is_some()))
}
