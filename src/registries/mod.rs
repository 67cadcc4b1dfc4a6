//! The state registries a registration authority must consult — the pension fund's SNILS
//! register (does this SNILS belong to this person?), the tax service (the INN of a person by
//! passport) and the register of legal entities (an organisation's extract). They are reached
//! through one HTTP gateway whose JSON wire format is [`wire`]; [`Registries`] is the real
//! client of it. Those registries cannot be reached from a development machine, so [`local`]
//! serves the same wire format over a small dataset, for `make run` and the tests.

mod client;
pub mod local;
pub mod wire;

pub use client::Registries;

/// Why a registry could not answer. Checks record it as a failed check naming the reason, so
/// the operator knows to run them again rather than trusting a silent pass.
#[derive(Debug, thiserror::Error)]
pub enum RegistriesError {
    /// No gateway is configured (`registries.url`).
    #[error("no registry gateway is configured")]
    NotConfigured,
    /// The gateway could not be reached, timed out, or answered with an error.
    #[error("the registry gateway is unavailable: {0}")]
    Unavailable(String),
}
