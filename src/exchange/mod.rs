//! The document exchange (issue 7, DESIGN §4 Message): the address book (contacts, counterparty
//! relationships and the setting that admits sendings only from counterparties), and sendings —
//! signed documents sent to people by email with an expiring link, delivered into their Received
//! folder when they open it; receipts; sealed delivery protocols and their exports.

mod attachments;
mod contacts;
mod counterparties;
mod error;
mod export;
mod opening;
mod protocol;
mod receipts;
mod receiving;
mod sendings;
mod values;
pub mod views;

pub use attachments::{Attachment, FileProblem, SignatureChoice};
pub use contacts::ContactInput;
pub use counterparties::Invitation;
pub use error::ExchangeError;
pub use export::{Archive, ExportRequest};
pub use opening::{EnvelopeFile, OpenedArchive};
pub use protocol::{DeliveryProtocol, Viewer};
pub use receipts::{Acknowledgement, FileCheck, ReceiptView, VerificationView};
pub use receiving::{Folder, SignatureFile};
pub use sendings::{Outgoing, Sent};
pub use values::{ContactName, IdempotencyKey, MessageText, ShortText, Subject};

use crate::clock::SharedClock;
use crate::config::{AuditConfig, ExchangeConfig};
use crate::documents::Documents;
use crate::identity::Identity;
use crate::signatures::Signatures;
use crate::store::Db;
use crate::vault::Vault;
use crate::verification::Verification;
use std::sync::Arc;

/// The exchange service; cheap to clone.
#[derive(Clone)]
pub struct Exchange(Arc<Inner>);

/// The services the exchange works through.
pub struct Parts {
    /// Words the links in emails.
    pub identity: Identity,
    /// The sender's sealed documents, read by recipients through a sending.
    pub documents: Documents,
    /// Checks every attached signature before anything is sent.
    pub verification: Verification,
    /// Signs a recipient's receipt with their credential.
    pub signatures: Signatures,
    /// Signs the audit checkpoint an auditor's export ends on.
    pub vault: Vault,
    /// How long an export waits for the audit chain to take in its own entry.
    pub audit: AuditConfig,
    /// The seal certificate and its issuers up to the root (DER), for the chain segment.
    pub chain: Vec<Vec<u8>>,
}

struct Inner {
    db: Db,
    clock: SharedClock,
    identity: Identity,
    documents: Documents,
    verification: Verification,
    signatures: Signatures,
    vault: Vault,
    audit: AuditConfig,
    chain: Vec<Vec<u8>>,
    cfg: ExchangeConfig,
}

impl std::fmt::Debug for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exchange").finish_non_exhaustive()
    }
}

impl Exchange {
    /// The service over its parts.
    pub fn new(db: Db, clock: SharedClock, parts: Parts, cfg: ExchangeConfig) -> Self {
        Self(Arc::new(Inner {
            db,
            clock,
            identity: parts.identity,
            documents: parts.documents,
            verification: parts.verification,
            signatures: parts.signatures,
            vault: parts.vault,
            audit: parts.audit,
            chain: parts.chain,
            cfg,
        }))
    }
}
