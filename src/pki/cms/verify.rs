//! The verification engine: any CMS SignedData (ours or anyone's, DER, PEM or base64,
//! attached or detached) in, a [`Report`] out. Per signer it checks the message digest, the
//! signature, the signing-certificate attribute, the chain to a trust anchor, validity and
//! revocation at the signing time (from a verified time-stamp when there is one, else the
//! claimed signingTime), the key usage, and any signature time-stamp. Malformed input is a
//! [`VerifyError`], never a panic.

use super::algorithms::{self, AlgorithmError};
use super::attributes::{self, SigningCertificate, SigningCertificateV2};
use super::report::{Reason, Report, SignerReport, TimeSource, Verdict};
use super::{DigestAlgorithm, ID_SIGNED_DATA};
use crate::pki::time::{generalized_to_chrono, to_chrono};
use crate::pki::tsa::{ID_CT_TST_INFO, TstInfo};
use chrono::{DateTime, Utc};
use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use sha1::Sha1;
use sha2::Digest;
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages};

const KP_TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");
const MAX_CHAIN: usize = 8;

/// Input the engine cannot read at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifyError {
    /// Not DER, PEM or base64 of a CMS SignedData.
    #[error("not a CMS signature: {0}")]
    Malformed(&'static str),
}

/// What a relying party trusts: anchors (roots), extra intermediates, and CRLs of CAs other
/// than ours.
#[derive(Debug, Clone, Default)]
pub struct TrustList {
    /// Trust anchors.
    pub anchors: Vec<Certificate>,
    /// Certificates that may complete chains but are not trusted by themselves.
    pub intermediates: Vec<Certificate>,
    /// CRLs supplied for other CAs.
    pub crls: Vec<CertificateList>,
}

/// What is known about one certificate's revocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevocationStatus {
    /// Not revoked.
    Good,
    /// Revoked at this time.
    Revoked(DateTime<Utc>),
    /// Nobody here can say.
    Unknown,
}

/// Where revocation status comes from (our registry for our CAs, CRLs for others).
pub trait RevocationCheck {
    /// The status of `cert`, issued by `issuer`.
    fn status(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
    ) -> impl std::future::Future<Output = RevocationStatus> + Send;
}

/// Revocation from supplied CRLs only: a CRL of the issuer, signed by it, lists the serial
/// or not; without one, unknown.
pub fn status_from_crls(
    crls: &[CertificateList],
    cert: &Certificate,
    issuer: &Certificate,
) -> RevocationStatus {
    for crl in crls {
        let tbs = &crl.tbs_cert_list;
        if tbs.issuer != issuer.tbs_certificate.subject {
            continue;
        }
        let Ok(tbs_der) = tbs.to_der() else { continue };
        let Some(sig) = crl.signature.as_bytes() else {
            continue;
        };
        if algorithms::verify(
            &issuer.tbs_certificate.subject_public_key_info,
            &crl.signature_algorithm,
            DigestAlgorithm::Sha256,
            &tbs_der,
            sig,
        )
        .is_err()
        {
            continue;
        }
        let revoked = tbs
            .revoked_certificates
            .iter()
            .flatten()
            .find(|r| r.serial_number == cert.tbs_certificate.serial_number);
        return match revoked {
            Some(r) => RevocationStatus::Revoked(to_chrono(&r.revocation_date)),
            None => RevocationStatus::Good,
        };
    }
    RevocationStatus::Unknown
}

/// Turn DER, PEM (`CMS`/`PKCS7`) or bare base64 into DER.
pub fn decode_input(input: &[u8]) -> Result<Vec<u8>, VerifyError> {
    use base64::Engine;
    if input.first() == Some(&0x30) {
        return Ok(input.to_vec());
    }
    let text =
        std::str::from_utf8(input).map_err(|_| VerifyError::Malformed("neither DER nor text"))?;
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|_| VerifyError::Malformed("neither DER, PEM nor base64"))
}

/// Parse a ContentInfo holding SignedData.
pub fn parse_signed_data(der: &[u8]) -> Result<SignedData, VerifyError> {
    let info =
        ContentInfo::from_der(der).map_err(|_| VerifyError::Malformed("not a ContentInfo"))?;
    if info.content_type != ID_SIGNED_DATA {
        return Err(VerifyError::Malformed("not SignedData"));
    }
    info.content
        .decode_as::<SignedData>()
        .map_err(|_| VerifyError::Malformed("SignedData does not parse"))
}

fn embedded_certificates(sd: &SignedData) -> Vec<Certificate> {
    sd.certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(c) => Some(c.clone()),
            CertificateChoices::Other(_) => None,
        })
        .collect()
}

/// The certificate carried in a signature file whose SHA-256 fingerprint (hex) is given: the
/// signer's certificate a report names, to be recorded beside the signature.
pub fn embedded_certificate(input: &[u8], fingerprint: &str) -> Option<Vec<u8>> {
    let sd = parse_signed_data(&decode_input(input).ok()?).ok()?;
    embedded_certificates(&sd)
        .iter()
        .filter_map(|c| c.to_der().ok())
        .find(|der| crate::pki::fingerprint(der) == fingerprint)
}

fn encapsulated_content(sd: &SignedData) -> Result<Option<Vec<u8>>, VerifyError> {
    match &sd.encap_content_info.econtent {
        None => Ok(None),
        Some(any) => any
            .decode_as::<der::asn1::OctetString>()
            .map(|o| Some(o.as_bytes().to_vec()))
            .map_err(|_| VerifyError::Malformed("content is not an OCTET STRING")),
    }
}

/// The digests of a detached document under every algorithm the engine checks — for a
/// document too large to hold, hashed as it streams by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digests {
    /// SHA-256.
    pub sha256: Vec<u8>,
    /// SHA-384.
    pub sha384: Vec<u8>,
    /// SHA-512.
    pub sha512: Vec<u8>,
}

/// Computes [`Digests`] piece by piece.
#[derive(Debug, Clone, Default)]
pub struct DigestStream {
    sha256: sha2::Sha256,
    sha384: sha2::Sha384,
    sha512: sha2::Sha512,
    size: u64,
}

impl DigestStream {
    /// Take the next piece.
    pub fn update(&mut self, piece: &[u8]) {
        self.sha256.update(piece);
        self.sha384.update(piece);
        self.sha512.update(piece);
        self.size += piece.len() as u64;
    }

    /// Bytes seen so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The digests of everything taken.
    pub fn finish(self) -> Digests {
        Digests {
            sha256: self.sha256.finalize().to_vec(),
            sha384: self.sha384.finalize().to_vec(),
            sha512: self.sha512.finalize().to_vec(),
        }
    }
}

/// What a signature is checked over: the content, or only its digests.
#[derive(Debug, Clone, Copy)]
pub enum Content<'a> {
    /// The bytes.
    Bytes(&'a [u8]),
    /// Their digests (a signature without signed attributes cannot be checked this way; a
    /// digest left empty is unknown, and a signature over it cannot be decided).
    Digests(&'a Digests),
}

impl Content<'_> {
    fn digest(&self, algorithm: DigestAlgorithm) -> Vec<u8> {
        match self {
            Content::Bytes(b) => algorithm.digest(b),
            Content::Digests(d) => match algorithm {
                DigestAlgorithm::Sha256 => d.sha256.clone(),
                DigestAlgorithm::Sha384 => d.sha384.clone(),
                DigestAlgorithm::Sha512 => d.sha512.clone(),
            },
        }
    }
}

/// Verify a signature. `detached` is the content of a detached signature; `now` the time of
/// verification.
pub async fn verify(
    input: &[u8],
    detached: Option<&[u8]>,
    trust: &TrustList,
    revocation: &impl RevocationCheck,
    now: DateTime<Utc>,
) -> Result<Report, VerifyError> {
    verify_content(input, detached.map(Content::Bytes), trust, revocation, now).await
}

/// Verify a signature over a detached content given as bytes or as digests.
pub async fn verify_content(
    input: &[u8],
    detached: Option<Content<'_>>,
    trust: &TrustList,
    revocation: &impl RevocationCheck,
    now: DateTime<Utc>,
) -> Result<Report, VerifyError> {
    let der = decode_input(input)?;
    let sd = parse_signed_data(&der)?;
    let attached = encapsulated_content(&sd)?;
    let content = attached.as_deref().map(Content::Bytes).or(detached);
    let certs = embedded_certificates(&sd);
    let mut signers = Vec::new();
    for si in sd.signer_infos.0.iter() {
        signers.push(
            verify_signer(
                si,
                sd.encap_content_info.econtent_type,
                content,
                &certs,
                trust,
                revocation,
                now,
            )
            .await,
        );
    }
    if signers.is_empty() {
        return Err(VerifyError::Malformed("no signer"));
    }
    let verdict = if signers.iter().any(|s| s.verdict == Verdict::Failed) {
        Verdict::Failed
    } else if signers.iter().any(|s| s.verdict == Verdict::Indeterminate) {
        Verdict::Indeterminate
    } else {
        Verdict::Passed
    };
    Ok(Report {
        verdict,
        attached: attached.is_some(),
        content_sha256: content.map(|c| hex::encode(c.digest(DigestAlgorithm::Sha256))),
        signers,
    })
}

/// The facts of a signature check before chain and time are judged.
struct Checked {
    cert: Option<Certificate>,
    reasons: Vec<Reason>,
    signing_time: Option<DateTime<Utc>>,
    digest: Option<DigestAlgorithm>,
}

fn find_signer(sid: &SignerIdentifier, pool: &[&Certificate]) -> Option<Certificate> {
    pool.iter()
        .find(|c| match sid {
            SignerIdentifier::IssuerAndSerialNumber(isn) => {
                c.tbs_certificate.issuer == isn.issuer
                    && c.tbs_certificate.serial_number == isn.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => {
                crate::pki::extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>(c)
                    .is_some_and(|k| k.0 == ski.0)
            }
        })
        .map(|c| (*c).clone())
}

/// Check one signer info over `content`: digest, attributes, signature. No chain, no time.
fn check_signature(
    si: &SignerInfo,
    content_type: ObjectIdentifier,
    content: Option<Content<'_>>,
    pool: &[&Certificate],
) -> Checked {
    let mut reasons = Vec::new();
    let cert = find_signer(&si.sid, pool);
    let digest = DigestAlgorithm::from_oid(&si.digest_alg.oid);
    if digest.is_none() {
        reasons.push(Reason::UnsupportedAlgorithm {
            algorithm: si.digest_alg.oid.to_string(),
        });
    }
    let mut signing_time = None;
    let message: Option<Vec<u8>> = match &si.signed_attrs {
        Some(attrs) => {
            let list: Vec<_> = attrs.iter().cloned().collect();
            match attributes::find(&list, attributes::MESSAGE_DIGEST)
                .and_then(|v| v.decode_as::<der::asn1::OctetString>().ok())
            {
                None => reasons.push(Reason::MissingMessageDigest),
                Some(md) => match (content, digest) {
                    (Some(c), Some(d)) if c.digest(d).is_empty() => {
                        reasons.push(Reason::ContentMissing)
                    }
                    (Some(c), Some(d)) if c.digest(d) != md.as_bytes() => {
                        reasons.push(Reason::MessageDigestMismatch)
                    }
                    (None, _) => reasons.push(Reason::ContentMissing),
                    _ => {}
                },
            }
            let ct = attributes::find(&list, attributes::CONTENT_TYPE)
                .and_then(|v| v.decode_as::<ObjectIdentifier>().ok());
            if ct != Some(content_type) {
                reasons.push(Reason::ContentTypeMismatch);
            }
            signing_time = attributes::find(&list, attributes::SIGNING_TIME)
                .and_then(|v| v.to_der().ok())
                .and_then(|d| x509_cert::time::Time::from_der(&d).ok())
                .map(|t| to_chrono(&t));
            if let Some(c) = &cert {
                if !signing_certificate_matches(&list, c) {
                    reasons.push(Reason::SigningCertificateMismatch);
                }
            }
            attrs.to_der().ok()
        }
        None => match content {
            Some(Content::Bytes(c)) => Some(c.to_vec()),
            Some(Content::Digests(_)) | None => {
                reasons.push(Reason::ContentMissing);
                None
            }
        },
    };
    match (&cert, message, digest) {
        (None, _, _) => reasons.push(Reason::SignerCertificateMissing),
        (Some(c), Some(m), Some(d)) => {
            match algorithms::verify(
                &c.tbs_certificate.subject_public_key_info,
                &si.signature_algorithm,
                d,
                &m,
                si.signature.as_bytes(),
            ) {
                Ok(()) => {}
                Err(AlgorithmError::Unsupported(a)) => {
                    reasons.push(Reason::UnsupportedAlgorithm { algorithm: a })
                }
                Err(_) => reasons.push(Reason::BadSignature),
            }
        }
        _ => {}
    }
    Checked {
        cert,
        reasons,
        signing_time,
        digest,
    }
}

/// True when no signing-certificate attribute is present or it names `cert`.
fn signing_certificate_matches(attrs: &[x509_cert::attr::Attribute], cert: &Certificate) -> bool {
    let Ok(der) = cert.to_der() else { return false };
    if let Some(v) = attributes::find(attrs, attributes::SIGNING_CERTIFICATE_V2) {
        let Ok(sc) = v.decode_as::<SigningCertificateV2>() else {
            return false;
        };
        let Some(first) = sc.certs.first() else {
            return false;
        };
        let alg = first
            .hash_algorithm
            .as_ref()
            .map_or(Some(DigestAlgorithm::Sha256), |a| {
                DigestAlgorithm::from_oid(&a.oid)
            });
        return alg.is_some_and(|a| a.digest(&der) == first.cert_hash.as_bytes());
    }
    if let Some(v) = attributes::find(attrs, attributes::SIGNING_CERTIFICATE) {
        let Ok(sc) = v.decode_as::<SigningCertificate>() else {
            return false;
        };
        return sc
            .certs
            .first()
            .is_some_and(|c| Sha1::digest(&der)[..] == *c.cert_hash.as_bytes());
    }
    true
}

/// Build the chain from `leaf` to a trust anchor through `pool`; returns it leaf first,
/// anchor last.
fn build_chain(
    leaf: &Certificate,
    pool: &[&Certificate],
    trust: &TrustList,
) -> Result<Vec<Certificate>, String> {
    let mut chain = vec![leaf.clone()];
    for _ in 0..MAX_CHAIN {
        let current = chain.last().cloned().ok_or("empty chain")?;
        if trust.anchors.contains(&current) {
            return Ok(chain);
        }
        let issuer = trust
            .anchors
            .iter()
            .chain(trust.intermediates.iter())
            .chain(pool.iter().copied())
            .find(|c| {
                c.tbs_certificate.subject == current.tbs_certificate.issuer
                    && **c != current
                    && issued_by(&current, c)
            })
            .cloned();
        match issuer {
            Some(i) => {
                if !is_ca(&i) {
                    return Err(format!("{} is not a CA", i.tbs_certificate.subject));
                }
                chain.push(i);
            }
            None => {
                return Err(format!(
                    "no trusted issuer for {}",
                    current.tbs_certificate.subject
                ));
            }
        }
    }
    Err("chain too long".into())
}

/// Certificate links already proven, keyed by SHA-256 of (certificate DER ‖ issuer DER). A
/// certificate's signature is a pure function of those bytes, so a proven link stays proven;
/// the cache halves the public-key work of verifying signatures from a known chain. Bounded:
/// cleared when full.
static PROVEN_LINKS: std::sync::LazyLock<std::sync::Mutex<std::collections::HashSet<[u8; 32]>>> =
    std::sync::LazyLock::new(Default::default);
const PROVEN_LINKS_MAX: usize = 16_384;

fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    let (Ok(cert_der), Ok(issuer_der)) = (cert.to_der(), issuer.to_der()) else {
        return false;
    };
    let mut h = sha2::Sha256::new();
    h.update((cert_der.len() as u64).to_be_bytes());
    h.update(&cert_der);
    h.update(&issuer_der);
    let key: [u8; 32] = h.finalize().into();
    let lock = || PROVEN_LINKS.lock().unwrap_or_else(|p| p.into_inner());
    if lock().contains(&key) {
        return true;
    }
    let proven = verify_link(cert, issuer);
    if proven {
        let mut set = lock();
        if set.len() >= PROVEN_LINKS_MAX {
            set.clear();
        }
        set.insert(key);
    }
    proven
}

fn verify_link(cert: &Certificate, issuer: &Certificate) -> bool {
    let (Ok(tbs), Some(sig)) = (cert.tbs_certificate.to_der(), cert.signature.as_bytes()) else {
        return false;
    };
    algorithms::verify(
        &issuer.tbs_certificate.subject_public_key_info,
        &cert.signature_algorithm,
        DigestAlgorithm::Sha256,
        &tbs,
        sig,
    )
    .is_ok()
}

fn is_ca(cert: &Certificate) -> bool {
    crate::pki::extension::<BasicConstraints>(cert).is_some_and(|b| b.ca)
}

fn allows_signing(cert: &Certificate) -> bool {
    match crate::pki::extension::<KeyUsage>(cert) {
        None => true,
        Some(ku) => {
            ku.0.contains(KeyUsages::DigitalSignature) || ku.0.contains(KeyUsages::NonRepudiation)
        }
    }
}

fn validity_reasons(chain: &[Certificate], at: DateTime<Utc>) -> Vec<Reason> {
    let mut out = Vec::new();
    for c in chain {
        let v = &c.tbs_certificate.validity;
        let subject = crate::pki::names::readable(&c.tbs_certificate.subject);
        if at < to_chrono(&v.not_before) {
            out.push(Reason::CertificateNotYetValid { subject });
        } else if at > to_chrono(&v.not_after) {
            out.push(Reason::CertificateExpired { subject });
        }
    }
    out
}

async fn revocation_reasons(
    chain: &[Certificate],
    at: DateTime<Utc>,
    source: TimeSource,
    revocation: &impl RevocationCheck,
) -> Vec<Reason> {
    let mut out = Vec::new();
    for pair in chain.windows(2) {
        let (cert, issuer) = (&pair[0], &pair[1]);
        let subject = crate::pki::names::readable(&cert.tbs_certificate.subject);
        match revocation.status(cert, issuer).await {
            RevocationStatus::Good => {}
            RevocationStatus::Unknown => out.push(Reason::RevocationUnknown { subject }),
            RevocationStatus::Revoked(revoked_at) if revoked_at <= at => {
                out.push(Reason::Revoked {
                    subject,
                    revoked_at,
                })
            }
            RevocationStatus::Revoked(revoked_at) => {
                if source != TimeSource::TimeStamp {
                    out.push(Reason::RevokedAfterClaimedTime {
                        subject,
                        revoked_at,
                    });
                }
            }
        }
    }
    out
}

/// Check a signature time-stamp token over `signature_value`; its genTime when it holds.
async fn verify_time_stamp(
    token: &der::asn1::Any,
    signature_value: &[u8],
    trust: &TrustList,
    revocation: &impl RevocationCheck,
) -> Result<DateTime<Utc>, String> {
    let der = token.to_der().map_err(|_| "token does not encode")?;
    let sd = parse_signed_data(&der).map_err(|e| e.to_string())?;
    if sd.encap_content_info.econtent_type != ID_CT_TST_INFO {
        return Err("not a time-stamp token".into());
    }
    let content = encapsulated_content(&sd)
        .map_err(|e| e.to_string())?
        .ok_or("token without TSTInfo")?;
    let info = TstInfo::from_der(&content).map_err(|_| "TSTInfo does not parse")?;
    let alg = DigestAlgorithm::from_oid(&info.message_imprint.hash_algorithm.oid)
        .ok_or("unsupported imprint algorithm")?;
    if alg.digest(signature_value) != info.message_imprint.hashed_message.as_bytes() {
        return Err("the time-stamp is over another signature".into());
    }
    let gen_time = generalized_to_chrono(&info.gen_time);
    let certs = embedded_certificates(&sd);
    let pool: Vec<&Certificate> = certs.iter().collect();
    let si = sd
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or("token without signer")?;
    let checked = check_signature(si, ID_CT_TST_INFO, Some(Content::Bytes(&content)), &pool);
    if let Some(r) = checked.reasons.first() {
        return Err(format!("token signature: {r:?}"));
    }
    let tsa = checked.cert.ok_or("TSA certificate missing")?;
    let eku = crate::pki::extension::<ExtendedKeyUsage>(&tsa);
    if !eku.is_some_and(|e| e.0.contains(&KP_TIME_STAMPING)) {
        return Err("the signer is not a time-stamping authority".into());
    }
    let chain = build_chain(&tsa, &pool, trust)?;
    let mut reasons = validity_reasons(&chain, gen_time);
    reasons.extend(revocation_reasons(&chain, gen_time, TimeSource::TimeStamp, revocation).await);
    if let Some(r) = reasons.into_iter().find(Reason::is_failure) {
        return Err(format!("TSA certificate: {r:?}"));
    }
    Ok(gen_time)
}

async fn verify_signer(
    si: &SignerInfo,
    content_type: ObjectIdentifier,
    content: Option<Content<'_>>,
    certs: &[Certificate],
    trust: &TrustList,
    revocation: &impl RevocationCheck,
    now: DateTime<Utc>,
) -> SignerReport {
    let pool: Vec<&Certificate> = certs
        .iter()
        .chain(trust.intermediates.iter())
        .chain(trust.anchors.iter())
        .collect();
    let checked = check_signature(si, content_type, content, &pool);
    let mut reasons = checked.reasons;
    let token = si.unsigned_attrs.as_ref().and_then(|u| {
        let list: Vec<_> = u.iter().cloned().collect();
        attributes::find(&list, attributes::SIGNATURE_TIME_STAMP).cloned()
    });
    let mut time_stamp = None;
    if let Some(token) = &token {
        match verify_time_stamp(token, si.signature.as_bytes(), trust, revocation).await {
            Ok(t) => time_stamp = Some(t),
            Err(detail) => reasons.push(Reason::TimeStampInvalid { detail }),
        }
    }
    let (validation_time, time_source) = match (time_stamp, checked.signing_time) {
        (Some(t), _) => (t, TimeSource::TimeStamp),
        (None, Some(t)) => (t, TimeSource::SigningTime),
        (None, None) => (now, TimeSource::VerificationTime),
    };
    let mut chain_subjects = Vec::new();
    if let Some(cert) = &checked.cert {
        if !allows_signing(cert) {
            reasons.push(Reason::KeyUsageNotForSigning);
        }
        match build_chain(cert, &pool, trust) {
            Ok(chain) => {
                chain_subjects = chain
                    .iter()
                    .map(|c| crate::pki::names::readable(&c.tbs_certificate.subject))
                    .collect();
                reasons.extend(validity_reasons(&chain, validation_time));
                reasons.extend(
                    revocation_reasons(&chain, validation_time, time_source, revocation).await,
                );
            }
            Err(detail) => reasons.push(Reason::UntrustedChain { detail }),
        }
    }
    let verdict = if reasons.iter().any(Reason::is_failure) {
        Verdict::Failed
    } else if reasons.is_empty() {
        Verdict::Passed
    } else {
        Verdict::Indeterminate
    };
    let (issuer, serial) = match &si.sid {
        SignerIdentifier::IssuerAndSerialNumber(isn) => (
            crate::pki::names::readable(&isn.issuer),
            hex::encode(isn.serial_number.as_bytes()),
        ),
        SignerIdentifier::SubjectKeyIdentifier(ski) => (
            checked
                .cert
                .as_ref()
                .map(|c| crate::pki::names::readable(&c.tbs_certificate.issuer))
                .unwrap_or_default(),
            format!("ski:{}", hex::encode(ski.0.as_bytes())),
        ),
    };
    SignerReport {
        verdict,
        reasons,
        subject: checked
            .cert
            .as_ref()
            .map(|c| crate::pki::names::readable(&c.tbs_certificate.subject)),
        issuer,
        serial,
        certificate_fingerprint: checked
            .cert
            .as_ref()
            .and_then(|c| c.to_der().ok())
            .map(|d| crate::pki::fingerprint(&d)),
        level: match (&si.signed_attrs, &token) {
            (None, _) => "CMS",
            (Some(_), None) => "CAdES-BES",
            (Some(_), Some(_)) => "CAdES-T",
        }
        .to_owned(),
        digest_algorithm: checked
            .digest
            .map_or_else(|| si.digest_alg.oid.to_string(), |d| d.name().to_owned()),
        signature_algorithm: algorithms::name(&si.signature_algorithm.oid),
        signing_time: checked.signing_time,
        time_stamp,
        validation_time,
        time_source,
        chain: chain_subjects,
    }
}
