//! Certificate revocation lists (RFC 5280 §5): built from the registry's revocations and
//! signed inside the HSM by the CA that issued the certificates. Version 2, with the CRL
//! number and authority key identifier, and a reason code on every entry.

use super::{Ca, time::x509_time};
use crate::store::pki::RevokedRow;
use crate::vault::{HsmSession, VaultError};
use chrono::{DateTime, Utc};
use der::Encode;
use der::asn1::OctetString;
use x509_cert::Certificate;
use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
use x509_cert::ext::AsExtension;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, CrlNumber};
use x509_cert::serial_number::SerialNumber;

use super::revocation::RevocationReason;

/// What a CRL says, before it is signed.
#[derive(Debug, Clone)]
pub struct CrlContent {
    /// Monotonic per CA.
    pub number: u64,
    /// thisUpdate.
    pub this_update: DateTime<Utc>,
    /// nextUpdate.
    pub next_update: DateTime<Utc>,
    /// Revoked, unexpired certificates.
    pub entries: Vec<RevokedRow>,
}

/// Build and sign the CRL of `ca`; `ca_cert` is the CA's own certificate (issuer name, key id).
pub fn sign(
    session: &HsmSession,
    ca: Ca,
    ca_cert: &Certificate,
    content: &CrlContent,
) -> Result<Vec<u8>, VaultError> {
    let issuer = ca_cert.tbs_certificate.subject.clone();
    let mut revoked = Vec::with_capacity(content.entries.len());
    for e in &content.entries {
        let reason = RevocationReason::from_code(e.reason).ok_or_else(|| {
            super::build_failed::<String>("CRL")(format!("stored revocation reason {}", e.reason))
        })?;
        let ext = reason
            .crl_reason()
            .to_extension(&issuer, &[])
            .map_err(super::build_failed("CRL"))?;
        revoked.push(RevokedCert {
            serial_number: SerialNumber::new(&e.serial).map_err(super::build_failed("CRL"))?,
            revocation_date: x509_time(e.revoked_at).map_err(super::build_failed("CRL"))?,
            crl_entry_extensions: Some(vec![ext]),
        });
    }
    let aki = AuthorityKeyIdentifier {
        key_identifier: Some(
            OctetString::new(super::subject_key_id(ca_cert)?)
                .map_err(super::build_failed("CRL"))?,
        ),
        authority_cert_issuer: None,
        authority_cert_serial_number: None,
    };
    let number = CrlNumber(
        der::asn1::Uint::new(&content.number.to_be_bytes()).map_err(super::build_failed("CRL"))?,
    );
    let extensions = vec![
        aki.to_extension(&issuer, &[])
            .map_err(super::build_failed("CRL"))?,
        number
            .to_extension(&issuer, &[])
            .map_err(super::build_failed("CRL"))?,
    ];
    let tbs = TbsCertList {
        version: x509_cert::Version::V2,
        signature: super::SERVICE_SIGNATURE_ALGORITHM,
        issuer,
        this_update: x509_time(content.this_update).map_err(super::build_failed("CRL"))?,
        next_update: Some(x509_time(content.next_update).map_err(super::build_failed("CRL"))?),
        revoked_certificates: (!revoked.is_empty()).then_some(revoked),
        crl_extensions: Some(extensions),
    };
    let signature = super::service_signature(
        session,
        ca.key(),
        &tbs.to_der().map_err(super::build_failed("CRL"))?,
    )?;
    CertificateList {
        tbs_cert_list: tbs,
        signature_algorithm: super::SERVICE_SIGNATURE_ALGORITHM,
        signature,
    }
    .to_der()
    .map_err(super::build_failed("CRL"))
}
