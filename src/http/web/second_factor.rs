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
    /// Keep `value` when `key` is one of the confirmation's fields (for forms read pair by
    /// pair); any other key is left to the caller.
    pub fn read(&mut self, key: &str, value: &str) {
        let field = match key {
            "confirmation" => &mut self.confirmation,
            "factor" => &mut self.factor,
            "until" => &mut self.until,
            "code" => &mut self.code,
            _ => return,
        };
        *field = value.to_owned();
    }

    /// The confirmation again, for the page shown after a refusal.
    pub fn asked(&self) -> Asked {
        Asked {
            handle: self.confirmation.clone(),
            sms: self.factor != "totp",
            until: self.until.chars().take(40).collect(),
        }
    }
}

/// The start of an act done with a credential: which one.
#[derive(Deserialize)]
pub struct CredentialChoice {
    /// The form's token.
    pub csrf: String,
    /// The credential's id as the form sent it.
    #[serde(default)]
    pub credential: String,
}

/// An act's form answered with the credential's PIN and the confirmation's code.
#[derive(Deserialize)]
pub struct PinAnswer {
    /// The form's token.
    pub csrf: String,
    /// The credential's id as the form sent it.
    #[serde(default)]
    pub credential: String,
    /// The PIN the person typed.
    #[serde(default)]
    pub pin: String,
    /// The confirmation and its code.
    #[serde(flatten)]
    pub answer: Answer,
}
