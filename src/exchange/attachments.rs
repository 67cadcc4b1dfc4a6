//! Checking a sending's attachments before anything is sent: each file is one of the sender's
//! stored documents with the sender's signature over it — one made here or a CMS file made
//! elsewhere — and the verification engine must pass that signature against the document. A
//! file that fails is reported with its reasons, all files at once, and nothing is sent.

use super::sendings::unsigned_file;
use super::{Exchange, ExchangeError};
use crate::documents::{DocumentError, DocumentId};
use crate::pki::cms::report::{Report, Verdict};
use crate::pki::cms::verify::embedded_certificate;
use crate::store::sendings::FileRow;
use crate::store::{certificates, signatures};
use crate::verification::{Lang, Submitted, Verification, VerificationError};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

/// The signature that goes with a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureChoice {
    /// One of the sender's signatures made in cloudseal (CMS, detached or attached).
    Made(Uuid),
    /// A CMS signature file made elsewhere (DER, PEM or base64 as sent).
    Uploaded(Vec<u8>),
    /// None yet (a draft only).
    Missing,
}

/// One attachment as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The sender's stored document.
    pub document: DocumentId,
    /// Its signature.
    pub signature: SignatureChoice,
}

/// Why one attachment cannot be sent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FileProblem {
    /// Its place in the request, from 0.
    pub position: usize,
    /// The document named.
    pub document_id: Uuid,
    /// The file name, when the document was found.
    pub name: Option<String>,
    /// `passed`, `failed` or `indeterminate`, when the signature could be checked.
    pub verdict: Option<String>,
    /// What is wrong, for a person.
    pub problems: Vec<String>,
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Passed => "passed",
        Verdict::Failed => "failed",
        Verdict::Indeterminate => "indeterminate",
    }
}

impl Exchange {
    /// Check every attachment; the files to record, or every problem found.
    pub(super) async fn check_attachments(
        &self,
        sender: Uuid,
        attachments: &[Attachment],
    ) -> Result<Vec<FileRow>, ExchangeError> {
        let mut files = Vec::with_capacity(attachments.len());
        let mut problems = Vec::new();
        for (position, a) in attachments.iter().enumerate() {
            let mut row = match self.0.documents.document(sender, a.document).await {
                Ok(d) => unsigned_file(Uuid::nil(), position, d),
                Err(DocumentError::NotFound) => {
                    problems.push(FileProblem {
                        position,
                        document_id: a.document.0,
                        name: None,
                        verdict: None,
                        problems: vec!["there is no such document among yours".into()],
                    });
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            match self.check_one(sender, a, &mut row).await? {
                Ok(()) => files.push(row),
                Err(found) => problems.push(FileProblem {
                    position,
                    document_id: a.document.0,
                    name: Some(row.name),
                    verdict: row.verdict,
                    problems: found,
                }),
            }
        }
        if problems.is_empty() {
            Ok(files)
        } else {
            Err(ExchangeError::Attachments(problems))
        }
    }

    /// Fill `row` with the verified signature, or say what is wrong with it.
    async fn check_one(
        &self,
        sender: Uuid,
        a: &Attachment,
        row: &mut FileRow,
    ) -> Result<Result<(), Vec<String>>, ExchangeError> {
        let signature = match &a.signature {
            SignatureChoice::Missing => {
                return Ok(Err(vec!["the file has no signature: sign it first".into()]));
            }
            SignatureChoice::Uploaded(bytes) => bytes.clone(),
            SignatureChoice::Made(id) => {
                let client = self.0.db.client().await?;
                match signatures::get_owned(&**client, *id, sender).await? {
                    None => return Ok(Err(vec!["there is no such signature among yours".into()])),
                    Some(s) if s.format == "raw" => {
                        return Ok(Err(vec![
                            "a raw signature cannot go with a file: sign the document as CMS"
                                .into(),
                        ]));
                    }
                    Some(s) => {
                        row.signature_id = Some(s.id);
                        s.signature
                    }
                }
            }
        };
        let verification = &self.0.verification;
        let document = verification
            .stored_document(sender, DocumentId(row.document_id))
            .await?;
        let protocol = match verification
            .verify(
                None,
                Submitted {
                    signature: signature.clone(),
                    signature_name: None,
                    document: Some(document),
                },
            )
            .await
        {
            Ok(p) => p,
            Err(VerificationError::Unreadable(why)) => return Ok(Err(vec![why.to_string()])),
            Err(e) => return Err(e.into()),
        };
        let report = protocol.report;
        row.verdict = Some(verdict_name(report.verdict).into());
        let mut found = reasons(&report);
        if report.attached && report.content_sha256 != Some(hex::encode(&row.sha256)) {
            found.push("the signature carries another document than the one attached".into());
        }
        let client = self.0.db.client().await?;
        for signer in &report.signers {
            let Some(der) = signer
                .certificate_fingerprint
                .as_deref()
                .and_then(|fp| embedded_certificate(&signature, fp))
            else {
                continue;
            };
            let Ok(cert) = crate::pki::parse_certificate(&der) else {
                continue;
            };
            let serial = cert.tbs_certificate.serial_number.as_bytes();
            if certificates::holder_of(&**client, serial, &der)
                .await?
                .is_some_and(|holder| holder != sender)
            {
                found.push("it is signed with another person's certificate".into());
            }
            if row.signer_certificate.is_none() {
                row.signer_certificate = Some(der);
                row.signer_subject = signer.subject.clone();
            }
        }
        if !found.is_empty() {
            return Ok(Err(found));
        }
        row.signature_sha256 = Some(Sha256::digest(&signature).to_vec());
        row.signature = Some(signature);
        row.report = Some(
            serde_json::to_value(&report).map_err(|e| ExchangeError::Internal(e.to_string()))?,
        );
        row.verified_at = Some(protocol.verified_at);
        Ok(Ok(()))
    }
}

/// Why a report does not let the file go: a signature must pass, not just not fail.
fn reasons(report: &Report) -> Vec<String> {
    if report.verdict == Verdict::Passed {
        return Vec::new();
    }
    let mut found: Vec<String> = report
        .signers
        .iter()
        .flat_map(|s| s.reasons.iter())
        .map(|r| Verification::explain(r, Lang::En))
        .collect();
    if found.is_empty() {
        found.push("the signature did not pass verification".into());
    }
    found.dedup();
    found
}
