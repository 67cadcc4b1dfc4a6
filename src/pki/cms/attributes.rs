//! The signed attributes of CAdES-BES and the signature time-stamp of CAdES-T.

use super::DigestAlgorithm;
use const_oid::ObjectIdentifier;
use der::asn1::{Any, OctetString, SetOfVec};
use der::{Decode, Encode, Sequence};
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;

/// contentType (RFC 5652 §11.1).
pub const CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
/// messageDigest (RFC 5652 §11.2).
pub const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
/// signingTime (RFC 5652 §11.3).
pub const SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
/// signingCertificateV2 (RFC 5035).
pub const SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
/// signingCertificate (v1, SHA-1; RFC 2634) — accepted when verifying.
pub const SIGNING_CERTIFICATE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.12");
/// signature-time-stamp (RFC 3161 appendix A): the unsigned attribute of CAdES-T.
pub const SIGNATURE_TIME_STAMP: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");

/// IssuerSerial (RFC 5035).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct IssuerSerial {
    /// The issuer as GeneralNames (a directoryName).
    pub issuer: Vec<GeneralName>,
    /// Serial.
    pub serial_number: SerialNumber,
}

/// ESSCertIDv2 (RFC 5035); the hash algorithm defaults to SHA-256 and is then omitted.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct EssCertIdV2 {
    /// Hash algorithm, absent for SHA-256.
    #[asn1(optional = "true")]
    pub hash_algorithm: Option<spki::AlgorithmIdentifierOwned>,
    /// Hash of the whole certificate.
    pub cert_hash: OctetString,
    /// Which certificate, by issuer and serial.
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

/// SigningCertificateV2 (RFC 5035), without policies.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SigningCertificateV2 {
    /// The signer's certificate first.
    pub certs: Vec<EssCertIdV2>,
}

/// ESSCertID (RFC 2634, SHA-1) as found in older signatures.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct EssCertId {
    /// SHA-1 of the certificate.
    pub cert_hash: OctetString,
    /// Which certificate.
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

/// SigningCertificate (RFC 2634), without policies.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SigningCertificate {
    /// The signer's certificate first.
    pub certs: Vec<EssCertId>,
}

fn single(oid: ObjectIdentifier, value: &impl Encode) -> Result<Attribute, der::Error> {
    let value = Any::from_der(&value.to_der()?)?;
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![value])?,
    })
}

/// contentType.
pub fn content_type(oid: ObjectIdentifier) -> Result<Attribute, der::Error> {
    single(CONTENT_TYPE, &oid)
}

/// messageDigest.
pub fn message_digest(digest: &[u8]) -> Result<Attribute, der::Error> {
    single(MESSAGE_DIGEST, &OctetString::new(digest)?)
}

/// signingTime (UTCTime through 2049, as RFC 5652 requires).
pub fn signing_time(at: chrono::DateTime<chrono::Utc>) -> Result<Attribute, der::Error> {
    let time =
        crate::pki::time::x509_time(at).map_err(|_| der::Error::from(der::ErrorKind::DateTime))?;
    single(SIGNING_TIME, &time)
}

/// signingCertificateV2 naming `cert` by its SHA-256 hash and issuer/serial.
pub fn signing_certificate_v2(cert: &Certificate) -> Result<Attribute, der::Error> {
    let hash = DigestAlgorithm::Sha256.digest(&cert.to_der()?);
    let id = EssCertIdV2 {
        hash_algorithm: None,
        cert_hash: OctetString::new(hash)?,
        issuer_serial: Some(IssuerSerial {
            issuer: vec![GeneralName::DirectoryName(
                cert.tbs_certificate.issuer.clone(),
            )],
            serial_number: cert.tbs_certificate.serial_number.clone(),
        }),
    };
    single(
        SIGNING_CERTIFICATE_V2,
        &SigningCertificateV2 { certs: vec![id] },
    )
}

/// The single value of attribute `oid`, if present exactly once with one value.
pub fn find(attrs: &[Attribute], oid: ObjectIdentifier) -> Option<&Any> {
    let mut found = attrs.iter().filter(|a| a.oid == oid);
    let attr = found.next()?;
    if found.next().is_some() || attr.values.len() != 1 {
        return None;
    }
    attr.values.get(0)
}
