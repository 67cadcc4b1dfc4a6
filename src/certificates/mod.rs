//! The certificate service: the registry of what our CAs issued and revoked, CRL publication,
//! the OCSP responder and the time-stamping authority. It joins the pure PKI encoding in
//! `pki` with the database (`store`) and the keys (`vault`).

pub mod authority;
pub mod ocsp;
pub mod registry;
pub mod trust;
pub mod tsa;
