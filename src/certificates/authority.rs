//! The CA interface of the registration authority: a request goes out (the subject it vouches
//! for, the public key, the kind of certificate) and a certificate comes back. The built-in CA
//! signs with the issuing-CA key in the HSM; an adapter to an external CA implements the same
//! trait. Whatever an authority returns is checked against the request before it is recorded,
//! so a CA that answers with a certificate for another key or outside its validity is refused.

use super::registry::IssueError;
use crate::config::CaConfig;
use crate::pki::profile::{CertificateKind, ProfileError, SubjectData};
use crate::pki::urls::PkiUrls;
use crate::said;
use crate::said::Said;
use crate::vault::Vault;
use chrono::{DateTime, Utc};
use der::{Decode, Encode};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// What the registration authority asks a CA to certify.
#[derive(Debug, Clone)]
pub struct CertificateRequest {
    /// The identified subject.
    pub subject: SubjectData,
    /// DER SubjectPublicKeyInfo of the key to certify.
    pub public_key: Vec<u8>,
    /// Qualified or simple.
    pub kind: CertificateKind,
    /// When it is asked (the certificate must be valid then).
    pub at: DateTime<Utc>,
}

/// A future an authority answers with: the DER certificate.
pub type Issued<'a> = Pin<Box<dyn Future<Output = Result<Vec<u8>, IssueError>> + Send + 'a>>;

/// A certification authority that issues end-entity certificates on request.
pub trait CertificateAuthority: Send + Sync {
    /// Issue a certificate for `request`.
    fn issue<'a>(&'a self, request: &'a CertificateRequest) -> Issued<'a>;
}

/// The CA of this service: the issuing-CA key in the HSM and the subscriber profile.
pub struct BuiltInCa {
    vault: Vault,
    ca: Arc<CaConfig>,
    urls: Arc<PkiUrls>,
}

impl BuiltInCa {
    /// The built-in CA over the vault, named and published as configured.
    pub fn new(vault: Vault, ca: Arc<CaConfig>, urls: Arc<PkiUrls>) -> Self {
        Self { vault, ca, urls }
    }
}

impl CertificateAuthority for BuiltInCa {
    fn issue<'a>(&'a self, request: &'a CertificateRequest) -> Issued<'a> {
        let (ca, urls, r) = (self.ca.clone(), self.urls.clone(), request.clone());
        Box::pin(async move {
            let der = self
                .vault
                .run(move |s| {
                    Ok(crate::pki::profile::issue_end_entity(
                        s,
                        &ca,
                        &urls,
                        &r.subject,
                        &r.public_key,
                        r.kind,
                        r.at,
                    ))
                })
                .await??;
            Ok(der)
        })
    }
}

/// Refuse a certificate that does not answer the request: another key, or not valid at the
/// time of the request.
pub fn check_answer(request: &CertificateRequest, der: &[u8]) -> Result<(), IssueError> {
    let refused = |m: Said| IssueError::Profile(ProfileError::Refused(m));
    let cert = x509_cert::Certificate::from_der(der).map_err(|_| {
        refused(said!(
            "the CA answered with something that is not a certificate",
            "УЦ ответил не сертификатом"
        ))
    })?;
    let tbs = &cert.tbs_certificate;
    let key = tbs.subject_public_key_info.to_der().map_err(|_| {
        refused(said!(
            "the CA's certificate has an unreadable key",
            "в сертификате от УЦ нечитаемый ключ"
        ))
    })?;
    if key != request.public_key {
        return Err(refused(said!(
            "the CA certified another key than the one requested",
            "УЦ заверил не тот ключ, что был в запросе"
        )));
    }
    let from = crate::pki::time::to_chrono(&tbs.validity.not_before);
    let until = crate::pki::time::to_chrono(&tbs.validity.not_after);
    if request.at < from - chrono::TimeDelta::minutes(5) || request.at >= until {
        return Err(refused(said!(
            "the CA's certificate is not valid now",
            "сертификат от УЦ сейчас недействителен"
        )));
    }
    Ok(())
}
