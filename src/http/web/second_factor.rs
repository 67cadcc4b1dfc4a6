//! The step every act of consequence shares (activating, revoking): the service starts a
//! confirmation, the page asks for its code, and the act's form sends the handle back. The
//! factor and the deadline ride along in hidden fields only to word the page again after a
//! refusal; the service decides by the handle alone.

use super::applications_view::moment;
use crate::identity::confirm::{ConfirmFactor, PendingConfirmation};
use serde::Deserialize;

/// A started confirmation as the page shows it.
pub struct Asked {
    /// The handle the form sends back.
    pub handle: String,
    /// Whether the code went by SMS (else: the authenticator app).
    pub sms: bool,
    /// Until when the code is accepted, as the page writes it.
    pub until: String,
}

impl Asked {
    /// What the service started.
    pub fn of(p: PendingConfirmation) -> Asked {
        Asked {
            handle: p.challenge.handle,
            sms: p.factor == ConfirmFactor::Sms,
            until: moment(p.challenge.expires_at),
        }
    }
}

/// The confirmation fields of an act's form.
#[derive(Default, Deserialize)]
pub struct Answer {
    /// The handle.
    #[serde(default)]
    pub confirmation: String,
    /// `sms` or `totp`, as the page was told.
    #[serde(default)]
    pub factor: String,
    /// The deadline as the page showed it.
    #[serde(default)]
    pub until: String,
    /// The code the person typed.
    #[serde(default)]
    pub code: String,
}

impl Answer {
    /// The confirmation again, for the page shown after a refusal.
    pub fn asked(&self) -> Asked {
        Asked {
            handle: self.confirmation.clone(),
            sms: self.factor != "totp",
            until: self.until.chars().take(40).collect(),
        }
    }
}
