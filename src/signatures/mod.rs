//! Remote signing for holders (DESIGN §3): the credentials a holder signs with, the
//! second-factor confirmation that names what will be signed, the authorisation (SAD) bound to
//! exactly those hashes, and the signatures — raw, detached or attached CAdES-BES, or CAdES-T
//! with our time-stamp — kept for the holder.
//!
//! Keys stay in [`Custody`]; this service only decides which key a request may use (the
//! holder's own, active, unexpired certificate), what the one-time code confirms, and what is
//! built around the bare signature the vault returns.

mod agents;
mod authorise;
pub mod credentials;
pub mod encryption;
mod error;
mod hashes;
mod sign;
mod subject;
pub mod views;

pub(crate) use authorise::key_holder;
pub use authorise::{Authorise, AuthoriseByCode};
pub use credentials::{Credential, CredentialId, Reach};
pub use error::SignatureError;
pub use hashes::{HashAlgorithm, Hashes, algorithm as hash_algorithm};
pub(crate) use sign::Grant;
pub use sign::{Format, Level, RsaPadding, Shape, SignInput};
pub use subject::Subject;
pub use views::{AuthorisationView, CredentialView, SignatureView};

use crate::certificates::registry::Registry;
use crate::certificates::tsa::Authority;
use crate::clock::SharedClock;
use crate::documents::Documents;
use crate::identity::Identity;
use crate::signing::Custody;
use crate::store::Db;
use std::sync::Arc;

/// The signing service; cheap to clone.
#[derive(Clone)]
pub struct Signatures(Arc<Inner>);

struct Inner {
    db: Db,
    clock: SharedClock,
    identity: Identity,
    custody: Custody,
    registry: Registry,
    tsa: Authority,
    documents: Documents,
    max_lifetime: std::time::Duration,
    max_signatures: u32,
}

/// The services signing builds on.
pub struct Parts {
    /// The second factor.
    pub identity: Identity,
    /// The keys.
    pub custody: Custody,
    /// The CA chain placed in CMS signatures.
    pub registry: Registry,
    /// Time-stamps for CAdES-T.
    pub tsa: Authority,
    /// The documents signed.
    pub documents: Documents,
}

impl std::fmt::Debug for Signatures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signatures").finish_non_exhaustive()
    }
}

impl Signatures {
    /// The service over its parts; authorisations live at most as long as `signing` allows.
    pub fn new(
        db: Db,
        clock: SharedClock,
        parts: Parts,
        signing: &crate::config::SigningConfig,
    ) -> Self {
        Self(Arc::new(Inner {
            db,
            clock,
            identity: parts.identity,
            custody: parts.custody,
            registry: parts.registry,
            tsa: parts.tsa,
            documents: parts.documents,
            max_lifetime: std::time::Duration::from_secs(u64::from(
                signing.authorisation_max_secs.get(),
            )),
            max_signatures: signing.authorisation_max_signatures.get(),
        }))
    }

    /// Most signatures one authorisation (and one request) may make: CSC's `multisign`.
    pub fn max_signatures(&self) -> u32 {
        self.0.max_signatures
    }
}
