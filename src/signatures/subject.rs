//! What a signing request is about: hashes the caller computed elsewhere, or documents stored
//! here — whose SHA-256 the service itself computed at upload and whose names the confirmation
//! shows, so the holder sees what they sign.

use super::hashes::{HashAlgorithm, Hashes, MAX_HASHES};
use super::{SignatureError, Signatures};
use crate::documents::DocumentId;
use crate::said;
use crate::store::documents::DocumentRow;
use uuid::Uuid;

/// Hashes or documents.
#[derive(Debug, Clone)]
pub enum Subject {
    /// Hashes under one algorithm.
    Hashes(Hashes),
    /// The holder's documents, in order.
    Documents(Vec<DocumentId>),
}

impl Subject {
    /// Exactly one of: `documents`, or `hash_algorithm` with `hashes`.
    pub fn parse(
        hash_algorithm: Option<&str>,
        hashes: Option<&[String]>,
        documents: Option<&[String]>,
    ) -> Result<Self, SignatureError> {
        match (hash_algorithm, hashes, documents) {
            (Some(a), Some(h), None) => Ok(Subject::Hashes(Hashes::parse(a, h)?)),
            (None, None, Some(d)) => {
                if d.is_empty() || d.len() > MAX_HASHES {
                    return Err(SignatureError::Invalid(said!(
                        "name 1 to {MAX_HASHES} documents",
                        "укажите от 1 до {MAX_HASHES} документов"
                    )));
                }
                let mut ids = Vec::with_capacity(d.len());
                for text in d {
                    let id =
                        DocumentId::parse(text.trim()).map_err(|_| SignatureError::NotFound)?;
                    if ids.contains(&id) {
                        return Err(SignatureError::Invalid(said!(
                            "document {} is named twice",
                            "документ {} указан дважды",
                            id.0
                        )));
                    }
                    ids.push(id);
                }
                Ok(Subject::Documents(ids))
            }
            _ => Err(SignatureError::Invalid(said!(
                "name either `documents`, or `hash_algorithm` with `hashes`",
                "укажите либо `documents`, либо `hash_algorithm` с `hashes`"
            ))),
        }
    }
}

/// A subject with its hashes known.
pub(super) struct Resolved {
    /// What will be signed.
    pub hashes: Hashes,
    /// The documents, in the order of `hashes` (empty for bare hashes).
    pub documents: Vec<DocumentRow>,
}

impl Resolved {
    /// How the confirmation names it: the documents by name, or the hashes' first bytes.
    pub fn describe(&self, en: bool) -> String {
        let n = self.hashes.values.len();
        if self.documents.is_empty() {
            let what = if en {
                "document hash(es)"
            } else {
                "хэш(а) документов"
            };
            return format!("{n} {what} {}", self.hashes.describe());
        }
        let mut shown: Vec<String> = self
            .documents
            .iter()
            .take(3)
            .map(|d| {
                let name: String = d.name.chars().take(40).collect();
                format!(
                    "«{name}» {}…",
                    hex::encode(&d.sha256[..4.min(d.sha256.len())])
                )
            })
            .collect();
        if n > 3 {
            shown.push(format!("+{}", n - 3));
        }
        let what = if en {
            "document(s)"
        } else {
            "документ(а)"
        };
        format!("{n} {what} {}", shown.join(", "))
    }
}

impl Signatures {
    /// The hashes of a subject; a document the holder does not have is not found.
    pub(super) async fn resolve(
        &self,
        owner: Uuid,
        subject: &Subject,
    ) -> Result<Resolved, SignatureError> {
        match subject {
            Subject::Hashes(h) => Ok(Resolved {
                hashes: h.clone(),
                documents: Vec::new(),
            }),
            Subject::Documents(ids) => {
                let mut documents = Vec::with_capacity(ids.len());
                for id in ids {
                    documents.push(self.0.documents.document(owner, *id).await?);
                }
                Ok(Resolved {
                    hashes: Hashes {
                        algorithm: HashAlgorithm::Sha256,
                        values: documents.iter().map(|d| d.sha256.clone()).collect(),
                    },
                    documents,
                })
            }
        }
    }
}
