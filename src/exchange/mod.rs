//! The document exchange (issue 7, DESIGN §4 Message). So far its address book: contacts by
//! email, counterparty relationships (invite → accept) and the setting that admits sendings
//! only from counterparties.

mod contacts;
mod counterparties;
mod error;
mod values;
pub mod views;

pub use contacts::ContactInput;
pub use counterparties::Invitation;
pub use error::ExchangeError;
pub use values::{ContactName, ShortText};

use crate::clock::SharedClock;
use crate::identity::Identity;
use crate::store::Db;
use std::sync::Arc;

/// The exchange service; cheap to clone.
#[derive(Clone)]
pub struct Exchange(Arc<Inner>);

struct Inner {
    db: Db,
    identity: Identity,
    clock: SharedClock,
}

impl std::fmt::Debug for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exchange").finish_non_exhaustive()
    }
}

impl Exchange {
    /// The service; `identity` words the links in invitations.
    pub fn new(db: Db, identity: Identity, clock: SharedClock) -> Self {
        Self(Arc::new(Inner {
            db,
            identity,
            clock,
        }))
    }
}
