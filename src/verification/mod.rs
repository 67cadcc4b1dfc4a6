//! Verification for anyone (issue 6): a signature — with its document, its document's digests,
//! or its content inside — goes through the engine against our trust list; the result is a
//! protocol in JSON, HTML or PDF, English or Russian, sealed by the service seal key so the
//! file itself can be checked later. Protocols of signed-in people are kept for them.

use crate::said;
mod error;
mod limiter;
pub mod page;
mod protocol;
mod render;
mod seal;

pub use error::VerificationError;
pub use limiter::AnonymousLimit;
pub use protocol::{FileFacts, Protocol, ProtocolSummary, Submitted, SubmittedDocument};
pub use seal::ProtocolCheck;

use crate::certificates::registry::Registry;
use crate::clock::SharedClock;
use crate::config::VerificationConfig;
use crate::documents::Documents;
use crate::store::Db;
use crate::vault::Vault;
use std::sync::Arc;

/// The verification service; cheap to clone.
#[derive(Clone)]
pub struct Verification(Arc<Inner>);

struct Inner {
    db: Db,
    clock: SharedClock,
    vault: Vault,
    registry: Registry,
    documents: Documents,
    seal_certificate: Vec<u8>,
    limit: AnonymousLimit,
    cfg: VerificationConfig,
}

impl std::fmt::Debug for Verification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verification").finish_non_exhaustive()
    }
}

/// The language of a protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Russian.
    Ru,
}

impl From<crate::identity::values::Language> for Lang {
    fn from(l: crate::identity::values::Language) -> Self {
        match l {
            crate::identity::values::Language::En => Lang::En,
            crate::identity::values::Language::Ru => Lang::Ru,
        }
    }
}

impl Lang {
    /// `en` or `ru`.
    pub fn parse(text: &str) -> Result<Self, VerificationError> {
        match text {
            "en" => Ok(Lang::En),
            "ru" => Ok(Lang::Ru),
            _ => Err(VerificationError::Invalid(said!(
                "lang is `en` or `ru`",
                "lang — `en` или `ru`"
            ))),
        }
    }
}

/// The file a protocol comes as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolFormat {
    /// `{"protocol": …, "seal": …}`.
    Json,
    /// A web page with the seal in a closing comment.
    Html,
    /// A PDF with the seal in a closing comment.
    Pdf,
}

impl ProtocolFormat {
    /// `json`, `html` or `pdf`.
    pub fn parse(text: &str) -> Result<Self, VerificationError> {
        match text {
            "json" => Ok(ProtocolFormat::Json),
            "html" => Ok(ProtocolFormat::Html),
            "pdf" => Ok(ProtocolFormat::Pdf),
            _ => Err(VerificationError::Invalid(said!(
                "protocol is `json`, `html` or `pdf`",
                "protocol — `json`, `html` или `pdf`"
            ))),
        }
    }

    /// The media type of the file.
    pub fn media_type(self) -> &'static str {
        match self {
            ProtocolFormat::Json => "application/json",
            ProtocolFormat::Html => "text/html; charset=utf-8",
            ProtocolFormat::Pdf => "application/pdf",
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ProtocolFormat::Json => "json",
            ProtocolFormat::Html => "html",
            ProtocolFormat::Pdf => "pdf",
        }
    }
}

impl Verification {
    /// The service over the engine's trust (the registry), the seal key (the vault) and the
    /// holders' documents (verified in place).
    pub fn new(
        db: Db,
        clock: SharedClock,
        vault: Vault,
        registry: Registry,
        documents: Documents,
        cfg: VerificationConfig,
    ) -> Self {
        let seal_certificate = registry.certificates().seal.clone();
        Self(Arc::new(Inner {
            db,
            clock,
            vault,
            registry,
            documents,
            seal_certificate,
            limit: AnonymousLimit::new(cfg.anonymous_per_minute.get()),
            cfg,
        }))
    }

    /// Largest signature file accepted.
    pub fn signature_max_bytes(&self) -> usize {
        self.0.cfg.signature_max_bytes.get()
    }

    /// Largest document accepted (hashed as it streams).
    pub fn document_max_bytes(&self) -> u64 {
        self.0.documents.max_bytes()
    }

    /// A reason of the engine's report in words for a person.
    pub fn explain(reason: &crate::pki::cms::report::Reason, lang: Lang) -> String {
        render::reason(lang, reason)
    }

    /// Count an anonymous verification from `address`; refused beyond the per-minute limit.
    pub fn admit_anonymous(&self, address: &str) -> Result<(), VerificationError> {
        self.0.limit.admit(address, self.0.clock.now())
    }
}
