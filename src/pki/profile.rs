//! The subscriber certificate profile: subject with the Russian identifiers, keyUsage
//! digitalSignature + nonRepudiation, a policy that tells qualified from simple, EKU for client
//! authentication and e-mail protection, random serials, issued by the issuing CA in the HSM.

use super::envelope::tlv::element;
use super::identifiers::{Inn, Ogrn, Snils};
use super::scheme::KeyAlgorithm;
use super::urls::PkiUrls;
use crate::config::CaConfig;
use crate::said;
use crate::said::Said;
use crate::vault::{HsmSession, ServiceKey, VaultError, provision};
use chrono::{DateTime, TimeDelta, Utc};
use der::asn1::{Any, Ia5String, SetOfVec};
use der::{Encode, Tag};
use p256::ecdsa::DerSignature;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{ExtendedKeyUsage, SubjectAltName};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::spki::SubjectPublicKeyInfoOwned;

/// Qualified (needs identification in person) or simple.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateKind {
    /// Qualified electronic signature certificate.
    Qualified,
    /// Simple (non-qualified) certificate.
    Simple,
}

/// What goes into the subject; identifiers are already checked typed values.
#[derive(Debug, Clone, Default)]
pub struct SubjectData {
    /// Common name: the holder's full name, or the organisation's.
    pub common_name: String,
    /// Surname.
    pub surname: Option<String>,
    /// Given name and patronymic.
    pub given_name: Option<String>,
    /// Organisation.
    pub organization: Option<String>,
    /// Position in the organisation.
    pub title: Option<String>,
    /// ISO 3166 alpha-2 country.
    pub country: Option<String>,
    /// Locality.
    pub locality: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// E-mail (also put in subjectAltName).
    pub email: Option<String>,
    /// СНИЛС (1.2.643.100.3).
    pub snils: Option<Snils>,
    /// ИНН of the individual (1.2.643.3.131.1.1).
    pub inn: Option<Inn>,
    /// ОГРН (1.2.643.100.1).
    pub ogrn: Option<Ogrn>,
    /// ИНН of the legal entity (1.2.643.100.4).
    pub inn_le: Option<Inn>,
}

/// Why a certificate was not issued.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// Input the profile does not allow.
    #[error("{0}")]
    Refused(Said),
    /// HSM trouble.
    #[error(transparent)]
    Vault(#[from] VaultError),
}

fn refused(msg: Said) -> ProfileError {
    ProfileError::Refused(msg)
}

fn oid(s: &str) -> der::asn1::ObjectIdentifier {
    der::asn1::ObjectIdentifier::new_unwrap(s)
}

fn attribute(id: &str, tag: Tag, value: &str) -> Result<RelativeDistinguishedName, ProfileError> {
    let value = Any::new(tag, value.as_bytes()).map_err(|e| {
        refused(said!(
            "subject value: {e}",
            "значение в имени субъекта: {e}"
        ))
    })?;
    let atv = AttributeTypeAndValue {
        oid: oid(id),
        value,
    };
    Ok(RelativeDistinguishedName(
        SetOfVec::try_from(vec![atv])
            .map_err(|e| refused(said!("subject name: {e}", "имя субъекта: {e}")))?,
    ))
}

fn subject_name(s: &SubjectData) -> Result<Name, ProfileError> {
    if s.common_name.trim().is_empty() {
        return Err(refused(said!(
            "the common name is required",
            "нужно общее имя (commonName)"
        )));
    }
    if s.inn.as_ref().is_some_and(Inn::is_legal_entity) {
        return Err(refused(said!(
            "the INN of an individual has 12 digits",
            "ИНН физического лица состоит из 12 цифр"
        )));
    }
    if s.inn_le.as_ref().is_some_and(|i| !i.is_legal_entity()) {
        return Err(refused(said!(
            "the INN of a legal entity has 10 digits",
            "ИНН юридического лица состоит из 10 цифр"
        )));
    }
    let mut rdns = Vec::new();
    if let Some(c) = &s.country {
        if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(refused(said!(
                "country must be a two-letter ISO 3166 code",
                "страна — двухбуквенный код ISO 3166"
            )));
        }
        rdns.push(attribute("2.5.4.6", Tag::PrintableString, c)?);
    }
    let utf8 = [
        ("2.5.4.8", &s.region),
        ("2.5.4.7", &s.locality),
        ("2.5.4.10", &s.organization),
        ("2.5.4.12", &s.title),
        ("2.5.4.4", &s.surname),
        ("2.5.4.42", &s.given_name),
    ];
    for (id, value) in utf8 {
        if let Some(v) = value {
            rdns.push(attribute(id, Tag::Utf8String, v)?);
        }
    }
    rdns.push(attribute("2.5.4.3", Tag::Utf8String, &s.common_name)?);
    if let Some(e) = &s.email {
        if !e.is_ascii() || !e.contains('@') {
            return Err(refused(said!(
                "the e-mail address is not valid",
                "адрес электронной почты неверен"
            )));
        }
        rdns.push(attribute("1.2.840.113549.1.9.1", Tag::Ia5String, e)?);
    }
    let numeric = [
        ("1.2.643.100.3", s.snils.as_ref().map(Snils::as_str)),
        ("1.2.643.3.131.1.1", s.inn.as_ref().map(Inn::as_str)),
        ("1.2.643.100.1", s.ogrn.as_ref().map(Ogrn::as_str)),
        ("1.2.643.100.4", s.inn_le.as_ref().map(Inn::as_str)),
    ];
    for (id, value) in numeric {
        if let Some(v) = value {
            rdns.push(attribute(id, Tag::NumericString, v)?);
        }
    }
    Ok(RdnSequence(rdns))
}

/// DER of an OBJECT IDENTIFIER from dotted text, with arcs up to 128 bits (so UUID-based
/// `2.25.<uuid>` OIDs work, which `const-oid` cannot hold).
pub(crate) fn oid_der(dotted: &str) -> Result<Vec<u8>, ProfileError> {
    let bad = || {
        refused(said!(
            "invalid policy OID {dotted}",
            "неверный OID политики {dotted}"
        ))
    };
    let arcs: Vec<u128> = dotted
        .split('.')
        .map(|a| a.parse().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    if arcs.len() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39) {
        return Err(bad());
    }
    let mut body = Vec::new();
    let first = arcs[0]
        .checked_mul(40)
        .and_then(|v| v.checked_add(arcs[1]))
        .ok_or_else(bad)?;
    for arc in std::iter::once(first).chain(arcs[2..].iter().copied()) {
        let mut chunk = vec![(arc & 0x7f) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            chunk.push(((rest & 0x7f) as u8) | 0x80);
            rest >>= 7;
        }
        chunk.reverse();
        body.extend(chunk);
    }
    Ok(element(0x06, &body))
}

/// certificatePolicies with one policy, encoded by hand (see `oid_der`).
struct Policies(Vec<u8>);

impl der::oid::AssociatedOid for Policies {
    const OID: der::asn1::ObjectIdentifier = const_oid::db::rfc5280::ID_CE_CERTIFICATE_POLICIES;
}

impl der::Encode for Policies {
    fn encoded_len(&self) -> der::Result<der::Length> {
        der::Length::try_from(self.0.len())
    }
    fn encode(&self, w: &mut impl der::Writer) -> der::Result<()> {
        w.write(&self.0)
    }
}

impl x509_cert::ext::AsExtension for Policies {
    fn critical(&self, _: &Name, _: &[x509_cert::ext::Extension]) -> bool {
        false
    }
}

pub(super) fn op<E: std::fmt::Display>(e: E) -> ProfileError {
    ProfileError::Vault(VaultError::Operation(format!(
        "certificate building failed: {e}"
    )))
}

/// The public key of a certificate request, if the profile allows it: ECDSA P-256,
/// RSA-2048/3072 or Ed25519, nothing weaker or unusual.
pub fn allowed_public_key(der: &[u8]) -> Result<SubjectPublicKeyInfoOwned, ProfileError> {
    use der::Decode;
    let spki = SubjectPublicKeyInfoOwned::from_der(der).map_err(|_| {
        refused(said!(
            "the public key is not a valid SubjectPublicKeyInfo",
            "открытый ключ — не корректная структура SubjectPublicKeyInfo"
        ))
    })?;
    if KeyAlgorithm::of_public_key(&spki).is_none() {
        return Err(refused(said!(
            "the public key must be ECDSA P-256, RSA-2048, RSA-3072 or Ed25519",
            "открытый ключ должен быть ECDSA P-256, RSA-2048, RSA-3072 или Ed25519"
        )));
    }
    Ok(spki)
}

/// Issue a subscriber certificate for a public key (DER SubjectPublicKeyInfo) with the
/// issuing CA key in the HSM, valid from `now`. Callers record it through
/// [`super::registry`]; `Registry::issue_end_entity` does both.
pub fn issue_end_entity(
    session: &HsmSession,
    ca: &CaConfig,
    urls: &PkiUrls,
    subject: &SubjectData,
    public_key: &[u8],
    kind: CertificateKind,
    now: DateTime<Utc>,
) -> Result<Vec<u8>, ProfileError> {
    let name = subject_name(subject)?;
    let spki = allowed_public_key(public_key)?;
    let issuing_cert = session
        .certificate(ServiceKey::IssuingCa)?
        .ok_or_else(|| VaultError::Missing("certificate of the issuing CA".into()))?;
    let issuer = super::parse_certificate(&issuing_cert)
        .map_err(op)?
        .tbs_certificate
        .subject;
    let signer = provision::signer(session, ServiceKey::IssuingCa)?;
    let validity = super::time::validity(
        now,
        now + TimeDelta::days(i64::from(ca.subscriber_validity_days)),
    )
    .map_err(op)?;
    let mut builder = CertificateBuilder::new(
        Profile::Leaf {
            issuer,
            enable_key_agreement: false,
            enable_key_encipherment: false,
            include_subject_key_identifier: true,
        },
        super::random_serial().map_err(op)?,
        validity,
        name,
        spki,
        &signer,
    )
    .map_err(op)?;
    let policy = match kind {
        CertificateKind::Qualified => &ca.qualified_policy_oid,
        CertificateKind::Simple => &ca.simple_policy_oid,
    };
    builder
        .add_extension(&Policies(element(0x30, &element(0x30, &oid_der(policy)?))))
        .map_err(op)?;
    builder
        .add_extension(&ExtendedKeyUsage(vec![
            oid("1.3.6.1.5.5.7.3.2"),
            oid("1.3.6.1.5.5.7.3.4"),
        ]))
        .map_err(op)?;
    if let Some(email) = &subject.email {
        let ia5 = Ia5String::new(email).map_err(|_| {
            refused(said!(
                "the e-mail address is not valid",
                "адрес электронной почты неверен"
            ))
        })?;
        builder
            .add_extension(&SubjectAltName(vec![GeneralName::Rfc822Name(ia5)]))
            .map_err(op)?;
    }
    urls.add_to(&mut builder, super::Ca::Issuing).map_err(op)?;
    let cert = builder.build::<DerSignature>().map_err(op)?;
    cert.to_der().map_err(op)
}
