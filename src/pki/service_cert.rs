//! Certificates of the service keys: a self-signed root, an issuing CA under it, and the
//! seal and TSA certificates under the issuing CA.

use super::urls::PkiUrls;
use crate::config::CaConfig;
use crate::vault::{HsmSession, ServiceKey, VaultError, provision};
use chrono::{TimeDelta, Utc};
use der::{Encode, asn1::ObjectIdentifier};
use p256::ecdsa::DerSignature;
use signature::Keypair;
use std::str::FromStr;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::pkix::ExtendedKeyUsage;
use x509_cert::name::Name;
use x509_cert::spki::SubjectPublicKeyInfoOwned;

/// id-kp-timeStamping.
const KP_TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");

/// Extended key usage marked critical, as RFC 3161 requires of a TSA certificate.
struct CriticalEku(ExtendedKeyUsage);

impl der::oid::AssociatedOid for CriticalEku {
    const OID: ObjectIdentifier = const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE;
}

impl der::Encode for CriticalEku {
    fn encoded_len(&self) -> der::Result<der::Length> {
        self.0.encoded_len()
    }
    fn encode(&self, w: &mut impl der::Writer) -> der::Result<()> {
        self.0.encode(w)
    }
}

impl x509_cert::ext::AsExtension for CriticalEku {
    fn critical(&self, _: &Name, _: &[x509_cert::ext::Extension]) -> bool {
        true
    }
}

fn name(key: ServiceKey, ca: &CaConfig) -> Result<Name, VaultError> {
    let escape = |s: &str| {
        s.replace('\\', "\\\\")
            .replace(',', "\\,")
            .replace('+', "\\+")
    };
    Name::from_str(&format!(
        "CN={} {},O={},C={}",
        escape(&ca.organization),
        key.common_name(),
        escape(&ca.organization),
        escape(&ca.country)
    ))
    .map_err(|e| VaultError::Operation(format!("invalid CA name settings: {e}")))
}

/// Build and sign the certificate of `key`; returns (certificate DER, subject DER).
pub fn issue(
    session: &HsmSession,
    key: ServiceKey,
    ca: &CaConfig,
    urls: &PkiUrls,
) -> Result<(Vec<u8>, Vec<u8>), VaultError> {
    let subject = name(key, ca)?;
    let subject_signer = provision::signer(session, key)?;
    let spki = SubjectPublicKeyInfoOwned::from_key(subject_signer.verifying_key())
        .map_err(super::build_failed("certificate"))?;
    let issuer_key = key.issuer();
    let (profile, years) = match key {
        ServiceKey::RootCa => (Profile::Root, 20),
        ServiceKey::IssuingCa => (
            Profile::SubCA {
                issuer: name(issuer_key, ca)?,
                path_len_constraint: Some(0),
            },
            10,
        ),
        _ => (
            Profile::Leaf {
                issuer: name(issuer_key, ca)?,
                enable_key_agreement: false,
                enable_key_encipherment: false,
                include_subject_key_identifier: true,
            },
            5,
        ),
    };
    let issuer_signer = provision::signer(session, issuer_key)?;
    let now = Utc::now();
    let validity = super::time::validity(now, now + TimeDelta::days(years * 365))
        .map_err(super::build_failed("certificate"))?;
    let mut builder = CertificateBuilder::new(
        profile,
        super::random_serial().map_err(super::build_failed("certificate"))?,
        validity,
        subject.clone(),
        spki,
        &issuer_signer,
    )
    .map_err(super::build_failed("certificate"))?;
    if key != ServiceKey::RootCa {
        urls.add_to(&mut builder, super::Ca::of_service_key(key))
            .map_err(super::build_failed("certificate"))?;
    }
    if key == ServiceKey::Tsa {
        builder
            .add_extension(&CriticalEku(ExtendedKeyUsage(vec![KP_TIME_STAMPING])))
            .map_err(super::build_failed("certificate"))?;
    }
    let cert = builder
        .build::<DerSignature>()
        .map_err(super::build_failed("certificate"))?;
    Ok((
        cert.to_der().map_err(super::build_failed("certificate"))?,
        subject
            .to_der()
            .map_err(super::build_failed("certificate"))?,
    ))
}
