//! The integration suite: one binary, real PostgreSQL, real SoftHSM, real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod audit_chain;
mod audit_export;
mod authorisation;
mod cms;
mod config;
mod crl;
mod csr;
mod custody;
mod docs;
mod health;
mod hsm_faults;
mod identifiers;
mod identity_accounts;
mod identity_factors;
mod identity_staff;
mod identity_tokens;
mod key_algorithms;
mod lifecycle;
mod lifecycle_activation;
mod lifecycle_completion;
mod lifecycle_desk;
mod lifecycle_papers;
mod lifecycle_refusals;
mod lifecycle_registries;
mod lifecycle_reissue;
mod ocsp;
mod outbox;
mod problems;
mod profile;
mod startup;
mod support;
mod trust;
mod tsa;
mod verify;
