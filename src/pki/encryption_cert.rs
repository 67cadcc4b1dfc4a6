//! The encryption certificate profile: the same subject and e-mail as the holder's signature
//! or seal certificate, an EC P-256 key with keyUsage keyAgreement only or an RSA key with
//! keyEncipherment only (no digitalSignature, so nothing signed with it could pass for the
//! holder's signature), EKU e-mail protection, recorded in the registry so OCSP and the CRL
//! answer for it.

use super::profile::{ProfileError, op};
use super::urls::PkiUrls;
use super::{Ca, parse_certificate};
use crate::config::CaConfig;
use crate::vault::{HsmSession, ServiceKey, VaultError, provision};
use chrono::{DateTime, TimeDelta, Utc};
use der::Encode;
use p256::ecdsa::DerSignature;
use x509_cert::Certificate;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::spki::SubjectPublicKeyInfoOwned;

/// Issue the encryption certificate for `public_key` (DER SubjectPublicKeyInfo) to the
/// holder of `credential`, valid from `now` until the credential's own end at the latest.
pub fn issue_encryption(
    session: &HsmSession,
    ca: &CaConfig,
    urls: &PkiUrls,
    credential: &Certificate,
    public_key: &[u8],
    now: DateTime<Utc>,
) -> Result<Vec<u8>, ProfileError> {
    use der::Decode;
    use der::referenced::OwnedToRef;
    let spki = SubjectPublicKeyInfoOwned::from_der(public_key).map_err(op)?;
    let issuing_cert = session
        .certificate(ServiceKey::IssuingCa)?
        .ok_or_else(|| VaultError::Missing("certificate of the issuing CA".into()))?;
    let issuing = parse_certificate(&issuing_cert).map_err(op)?;
    let signer = provision::signer(session, ServiceKey::IssuingCa)?;
    let until = super::time::to_chrono(&credential.tbs_certificate.validity.not_after)
        .min(now + TimeDelta::days(i64::from(ca.subscriber_validity_days)));
    let validity = super::time::validity(now, until).map_err(op)?;
    let mut builder = CertificateBuilder::new(
        Profile::Manual {
            issuer: Some(issuing.tbs_certificate.subject.clone()),
        },
        super::random_serial().map_err(op)?,
        validity,
        credential.tbs_certificate.subject.clone(),
        spki.clone(),
        &signer,
    )
    .map_err(op)?;
    builder
        .add_extension(&BasicConstraints {
            ca: false,
            path_len_constraint: None,
        })
        .map_err(op)?;
    builder
        .add_extension(&KeyUsage(
            if spki.algorithm.oid == crate::pki::envelope::transport::ID_RSA_ENCRYPTION {
                KeyUsages::KeyEncipherment
            } else {
                KeyUsages::KeyAgreement
            }
            .into(),
        ))
        .map_err(op)?;
    builder
        .add_extension(&ExtendedKeyUsage(vec![
            der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4"),
        ]))
        .map_err(op)?;
    builder
        .add_extension(&SubjectKeyIdentifier::try_from(spki.owned_to_ref()).map_err(op)?)
        .map_err(op)?;
    builder
        .add_extension(
            &AuthorityKeyIdentifier::try_from(
                issuing
                    .tbs_certificate
                    .subject_public_key_info
                    .owned_to_ref(),
            )
            .map_err(op)?,
        )
        .map_err(op)?;
    if let Some(san) = credential
        .tbs_certificate
        .get::<SubjectAltName>()
        .map_err(op)?
        .map(|(_, san)| san)
    {
        builder.add_extension(&san).map_err(op)?;
    }
    urls.add_to(&mut builder, Ca::Issuing).map_err(op)?;
    let cert = builder.build::<DerSignature>().map_err(op)?;
    cert.to_der().map_err(op)
}
