//! The Cloud Signature Consortium API over our signing service: `/csc/v1` with the 1.0.4
//! names and `/csc/v2` with the 2.0 ones, so that CSC clients (pyHanko's `CSCSigner`, DSS,
//! vendors' plug-ins) sign with a holder's credential unmodified.
//!
//! This is a protocol adapter only: every call lands in the same services as the native API
//! (credentials, the second factor, the SAD bound to the hashes — SCAL2 — and the stored,
//! audited signatures). Callers authenticate with the bearer tokens of our identity service
//! (`authType: external`): the password and the second factor are proved at our login, never
//! by HTTP Basic here. Errors are problem+json that also carry CSC's `error` and
//! `error_description`.

use crate::said;
mod algorithms;
pub mod credentials;
mod error;
pub mod service;
pub mod signing;

pub use error::CscError;

use super::AppState;
use super::auth::{Authorised, Holders};
use super::problem::ApiError;
use crate::identity::Person;
use crate::signatures::{CredentialId, Subject};
use actix_web::web;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Register every route of the CSC API.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(service::info)
        .service(service::login)
        .service(service::revoke)
        .service(credentials::list)
        .service(credentials::info)
        .service(credentials::authorize)
        .service(credentials::send_otp)
        .service(credentials::extend)
        .service(signing::sign_hash)
        .service(signing::sign_doc)
        .service(signing::timestamp);
}

/// Largest JSON body of a call that carries no documents.
const SMALL_BODY: usize = 256 * 1024;

/// Which edition of the API a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Version {
    /// CSC API 1.0.4.
    #[serde(rename = "v1")]
    V1,
    /// CSC API 2.0.
    #[serde(rename = "v2")]
    V2,
}

/// The caller, who must be a holder; a missing or bad token answers in CSC's words.
fn holder(who: Result<Authorised<Holders>, ApiError>) -> Result<Person, CscError> {
    Ok(who?.0)
}

/// A JSON body read up to `limit` bytes and parsed strictly in its types (unknown members are
/// ignored: CSC clients send vendor extensions).
async fn body<T: DeserializeOwned>(payload: web::Payload, limit: usize) -> Result<T, CscError> {
    let bytes = super::body::limited(payload, limit).await?;
    serde_json::from_slice(&bytes).map_err(|e| {
        CscError::invalid(said!(
            "the body is not the JSON this method takes: {e}",
            "тело — не тот JSON, что принимает этот метод: {e}"
        ))
    })
}

/// The credential named in a request (unknown and other holders' ones are not found).
fn credential(id: Option<&str>) -> Result<CredentialId, CscError> {
    let id = id.ok_or_else(|| {
        CscError::invalid(said!(
            "Missing string parameter credentialID",
            "Не хватает строкового параметра credentialID"
        ))
    })?;
    Ok(CredentialId::parse(id)?)
}

/// The hashes of a request as the signing service takes them. CSC 1.0.4 `authorize` names no
/// algorithm: then the length of the digests tells it (32, 48 or 64 bytes: SHA-256/384/512).
fn hashes(algorithm: Option<&str>, values: Option<&[String]>) -> Result<Subject, CscError> {
    let values = values.filter(|v| !v.is_empty()).ok_or_else(|| {
        CscError::invalid(
            said!("Missing parameter hash: this service is SCAL2, a SAD is bound to the hashes it signs", "Не хватает параметра hash: этот сервис — SCAL2, SAD привязаны к хешам, которые они подписывают"),
        )
    })?;
    let algorithm = match algorithm {
        Some(a) => a.to_owned(),
        None => {
            let len = STANDARD
                .decode(values[0].trim())
                .map_err(|_| CscError::invalid(said!("hash 1 is not base64", "хеш 1 не в base64")))?
                .len();
            match len {
                32 => "sha256",
                48 => "sha384",
                64 => "sha512",
                _ => {
                    return Err(CscError::invalid(said!(
                        "hash 1 has {len} bytes: not a SHA-256, SHA-384 or SHA-512 digest",
                        "в хеше 1 {len} байт: это не дайджест SHA-256, SHA-384 или SHA-512"
                    )));
                }
            }
            .to_owned()
        }
    };
    Ok(Subject::parse(Some(&algorithm), Some(values), None)?)
}
