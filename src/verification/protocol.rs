//! Running a verification and what its protocol records: the files (names, sizes, SHA-256),
//! the engine's full report and when; kept for the signed-in person who asked.

use super::{Verification, VerificationError};
use crate::certificates::registry::RegistryRevocation;
use crate::documents::{Content as Opened, DocumentId};
use crate::pki::cms::report::Report;
use crate::pki::cms::verify::{Content, DigestStream, Digests, verify_content};
use crate::said;
use crate::store::protocols::{self as sql, ProtocolRow};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

/// A file a verification looked at.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileFacts {
    /// Its name, when one was given.
    pub name: Option<String>,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, hex.
    pub sha256: String,
}

/// A verification protocol: what was checked, when, and the engine's report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Protocol {
    /// Its id.
    pub id: Uuid,
    /// When the verification ran.
    pub verified_at: DateTime<Utc>,
    /// Who verified (this service).
    pub service: String,
    /// The signature file.
    pub signature: FileFacts,
    /// The detached document, when one was given.
    pub document: Option<FileFacts>,
    /// The engine's report.
    pub report: Report,
}

/// A saved protocol in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProtocolSummary {
    /// Its id.
    pub id: Uuid,
    /// `passed`, `failed` or `indeterminate`.
    pub verdict: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A detached document as the verification sees it: only its digests.
#[derive(Debug, Clone)]
pub struct SubmittedDocument {
    /// Its name, when given.
    pub name: Option<String>,
    /// Size in bytes.
    pub size: u64,
    /// Its digests under every algorithm the engine checks.
    pub digests: Digests,
}

/// What is to be verified.
#[derive(Debug, Clone)]
pub struct Submitted {
    /// The signature file (DER, PEM or base64).
    pub signature: Vec<u8>,
    /// Its name, when given.
    pub signature_name: Option<String>,
    /// The detached document, if any.
    pub document: Option<SubmittedDocument>,
}

fn verdict_name(report: &Report) -> String {
    serde_json::to_value(report.verdict)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl Verification {
    /// Verify now; the protocol is kept when `owner` is a signed-in person.
    pub async fn verify(
        &self,
        owner: Option<Uuid>,
        submitted: Submitted,
    ) -> Result<Protocol, VerificationError> {
        let now = self.0.clock.now();
        let trust = self.0.registry.trust_list();
        let revocation = RegistryRevocation {
            registry: &self.0.registry,
            crls: &trust.crls,
        };
        let content = submitted
            .document
            .as_ref()
            .map(|d| Content::Digests(&d.digests));
        let report = verify_content(&submitted.signature, content, &trust, &revocation, now)
            .await
            .map_err(|e| {
                VerificationError::Unreadable(said!(
                    "the signature cannot be read: {e}",
                    "подпись не читается: {e}"
                ))
            })?;
        let protocol = Protocol {
            id: Uuid::new_v4(),
            verified_at: now,
            service: "cloudseal".into(),
            signature: FileFacts {
                name: submitted.signature_name,
                size: submitted.signature.len() as u64,
                sha256: hex::encode(Sha256::digest(&submitted.signature)),
            },
            document: submitted.document.map(|d| FileFacts {
                name: d.name,
                size: d.size,
                sha256: hex::encode(&d.digests.sha256),
            }),
            report,
        };
        if let Some(owner) = owner {
            let row = ProtocolRow {
                id: protocol.id,
                owner_id: owner,
                verdict: verdict_name(&protocol.report),
                protocol: serde_json::to_string(&protocol)
                    .map_err(|e| VerificationError::Internal(e.to_string()))?,
                created_at: now,
            };
            let client = self.0.db.client().await?;
            sql::insert(&**client, &row).await?;
        }
        Ok(protocol)
    }

    /// A holder's stored document as a verification input (hashed as it streams).
    pub async fn stored_document(
        &self,
        owner: Uuid,
        id: DocumentId,
    ) -> Result<SubmittedDocument, VerificationError> {
        let content = self.0.documents.content(owner, id).await?;
        Self::digested(content).await
    }

    /// An opened document as a verification input (hashed as it streams).
    pub async fn digested(mut content: Opened) -> Result<SubmittedDocument, VerificationError> {
        let mut digests = DigestStream::default();
        while let Some(piece) = content.stream.next().await {
            digests.update(&piece?);
        }
        Ok(SubmittedDocument {
            name: Some(content.document.name),
            size: digests.size(),
            digests: digests.finish(),
        })
    }

    /// The person's saved protocols, newest first.
    pub async fn protocols(
        &self,
        owner: Uuid,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ProtocolSummary>, VerificationError> {
        let client = self.0.db.client().await?;
        Ok(sql::list_owned(&**client, owner, limit, offset)
            .await?
            .into_iter()
            .map(|r| ProtocolSummary {
                id: r.id,
                verdict: r.verdict,
                created_at: r.created_at,
            })
            .collect())
    }

    /// One of the person's saved protocols (another person's is not found).
    pub async fn protocol(&self, owner: Uuid, id: Uuid) -> Result<Protocol, VerificationError> {
        let client = self.0.db.client().await?;
        let row = sql::get_owned(&**client, id, owner)
            .await?
            .ok_or(VerificationError::NotFound)?;
        serde_json::from_str(&row.protocol)
            .map_err(|e| VerificationError::Internal(format!("stored protocol: {e}")))
    }
}
