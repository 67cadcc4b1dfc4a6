//! Remote signing for holders (DESIGN §3): the credentials a holder signs with, the
//! second-factor confirmation that names what will be signed, the authorisation (SAD) bound to
//! exactly those hashes, and the signatures — raw, or detached CAdES-BES — kept for the holder.
//!
//! Keys stay in [`Custody`]; this service only decides which key a request may use (the
//! holder's own, active, unexpired certificate), what the one-time code confirms, and what is
//! built around the bare signature the vault returns.

mod authorise;
pub mod credentials;
mod error;
mod hashes;
mod sign;
pub mod views;

pub use authorise::Authorise;
pub use credentials::{Credential, CredentialId};
pub use error::SignatureError;
pub use hashes::{HashAlgorithm, Hashes};
pub use sign::{Format, SignHashes};
pub use views::{AuthorisationView, CredentialView, SignatureView};

use crate::certificates::registry::Registry;
use crate::clock::SharedClock;
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
    max_lifetime: std::time::Duration,
}

impl std::fmt::Debug for Signatures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signatures").finish_non_exhaustive()
    }
}

impl Signatures {
    /// The service over the vault custody, the identity service (second factor) and the CA
    /// registry (the chain placed in CMS signatures); authorisations live at most as long as
    /// `signing` allows.
    pub fn new(
        db: Db,
        clock: SharedClock,
        identity: Identity,
        custody: Custody,
        registry: Registry,
        signing: &crate::config::SigningConfig,
    ) -> Self {
        Self(Arc::new(Inner {
            db,
            clock,
            identity,
            custody,
            registry,
            max_lifetime: std::time::Duration::from_secs(u64::from(
                signing.authorisation_max_secs.get(),
            )),
        }))
    }
}
