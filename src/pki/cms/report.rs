//! What the verification engine tells a person and a program: a verdict per signer, the
//! reasons as stable codes, and the facts (who, which certificate, when, which algorithm).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The outcome for one signer (ETSI EN 319 102-1 terms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every check passed.
    Passed,
    /// A check failed: the signature must not be relied on.
    Failed,
    /// Nothing failed, but something could not be established (revocation unknown, time
    /// only claimed by the signer).
    Indeterminate,
}

/// A reason code. Failures make a signer `failed`; the rest make it `indeterminate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    /// The content does not match the messageDigest attribute.
    MessageDigestMismatch,
    /// Signed attributes without a messageDigest.
    MissingMessageDigest,
    /// The contentType attribute is missing or differs from the content's type.
    ContentTypeMismatch,
    /// The signature value does not verify with the signer's key.
    BadSignature,
    /// The signer's certificate is not in the signature or the trust list.
    SignerCertificateMissing,
    /// The signingCertificate(V2) attribute names another certificate.
    SigningCertificateMismatch,
    /// No chain to a trust anchor.
    UntrustedChain {
        /// What stopped the chain.
        detail: String,
    },
    /// A certificate in the chain was not valid at the validation time.
    CertificateExpired {
        /// Subject of that certificate.
        subject: String,
    },
    /// A certificate in the chain was not yet valid at the validation time.
    CertificateNotYetValid {
        /// Subject of that certificate.
        subject: String,
    },
    /// A certificate in the chain was revoked at or before the validation time.
    Revoked {
        /// Subject.
        subject: String,
        /// When.
        revoked_at: DateTime<Utc>,
    },
    /// Revoked after a signing time that only the signer claims.
    RevokedAfterClaimedTime {
        /// Subject.
        subject: String,
        /// When.
        revoked_at: DateTime<Utc>,
    },
    /// Revocation status could not be established.
    RevocationUnknown {
        /// Subject.
        subject: String,
    },
    /// The signer's keyUsage allows neither digitalSignature nor nonRepudiation.
    KeyUsageNotForSigning,
    /// An algorithm we do not check.
    UnsupportedAlgorithm {
        /// Which.
        algorithm: String,
    },
    /// A detached signature was given without its content.
    ContentMissing,
    /// The signature time-stamp does not hold.
    TimeStampInvalid {
        /// Why.
        detail: String,
    },
    /// No time other than the signer's claim and no signingTime either.
    NoSigningTime,
}

impl Reason {
    /// Whether the reason makes the signature fail (rather than indeterminate).
    pub fn is_failure(&self) -> bool {
        !matches!(
            self,
            Reason::RevocationUnknown { .. }
                | Reason::RevokedAfterClaimedTime { .. }
                | Reason::UnsupportedAlgorithm { .. }
                | Reason::ContentMissing
                | Reason::NoSigningTime
        )
    }
}

/// Where the validation time came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeSource {
    /// A verified signature time-stamp (CAdES-T).
    TimeStamp,
    /// The signer's signingTime attribute (a claim).
    SigningTime,
    /// Neither: the time of verification.
    VerificationTime,
}

/// One signer's result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignerReport {
    /// Passed, failed or indeterminate.
    pub verdict: Verdict,
    /// Why, when not passed.
    pub reasons: Vec<Reason>,
    /// Subject of the signer's certificate.
    pub subject: Option<String>,
    /// Issuer of the signer's certificate.
    pub issuer: String,
    /// Serial number, hex.
    pub serial: String,
    /// SHA-256 fingerprint of the signer's certificate, when found.
    pub certificate_fingerprint: Option<String>,
    /// `CMS`, `CAdES-BES` or `CAdES-T`.
    pub level: String,
    /// Digest algorithm.
    pub digest_algorithm: String,
    /// Signature algorithm.
    pub signature_algorithm: String,
    /// The signingTime attribute.
    pub signing_time: Option<DateTime<Utc>>,
    /// The verified time-stamp's genTime.
    pub time_stamp: Option<DateTime<Utc>>,
    /// The time the certificates were judged at.
    pub validation_time: DateTime<Utc>,
    /// Where it came from.
    pub time_source: TimeSource,
    /// Subjects from the signer up to the trust anchor.
    pub chain: Vec<String>,
}

/// The result for a whole signature.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Passed only when every signer passed.
    pub verdict: Verdict,
    /// Whether the content was inside the signature.
    pub attached: bool,
    /// SHA-256 of the content that was checked, hex.
    pub content_sha256: Option<String>,
    /// Per signer.
    pub signers: Vec<SignerReport>,
}
