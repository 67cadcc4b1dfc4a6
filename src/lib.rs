//! cloudseal: a cloud electronic-signature service.
//!
//! The crate is layered as `../shared/DESIGN.md` §2 describes: `http` depends on the domain
//! services (`audit`, `notify`, …), which depend on `store`, `vault` and `pki`. Nothing below
//! `http` knows about actix, and nothing outside `store` writes SQL.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod agent;
pub mod app;
pub mod audit;
pub mod certificates;
pub mod cli;
pub mod cli_admin;
pub mod cli_registry;
pub mod clock;
pub mod config;
pub mod documents;
pub mod exchange;
pub mod http;
pub mod identity;
pub mod notify;
pub mod pdf;
pub mod pki;
pub mod registration;
pub mod registries;
pub mod said;
pub mod signatures;
pub mod signing;
pub mod store;
pub mod telemetry;
pub mod vault;
pub mod verification;

pub use app::Application;
pub use config::Config;
