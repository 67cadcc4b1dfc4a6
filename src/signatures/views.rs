//! What holders see of credentials, authorisations and signatures.

use crate::pki::scheme::KeyAlgorithm;
use crate::store::certificates::CertificateRow;
use crate::store::signatures::SignatureRow;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use der::Decode;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A credential: a certificate whose key is in custody.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CredentialView {
    /// Its id (the certificate's).
    pub id: Uuid,
    /// `active`, `expired`, `revoked` or `pending_activation`.
    pub status: String,
    /// True when it can sign now.
    pub can_sign: bool,
    /// Serial number, hex.
    pub serial: String,
    /// Subject, with SNILS/INN/OGRN labels.
    pub subject: String,
    /// Issuer.
    pub issuer: String,
    /// Valid from.
    pub not_before: Option<DateTime<Utc>>,
    /// Valid until.
    pub not_after: Option<DateTime<Utc>>,
    /// `ecdsa_p256`, `rsa_2048`, `rsa_3072` or `ed25519`.
    pub key_algorithm: String,
    /// The hash algorithms it signs under.
    pub hash_algorithms: Vec<String>,
    /// The certificate, base64 DER.
    pub certificate: String,
    /// `signature` (a person's, always with their one-time code) or `seal` (an
    /// organisation's, which a folder agent may apply with its machine credential).
    pub purpose: String,
}

pub(super) fn credential_view(c: &CertificateRow, now: DateTime<Utc>) -> Option<CredentialView> {
    let der = c.der.as_deref()?;
    let cert = x509_cert::Certificate::from_der(der).ok()?;
    let tbs = &cert.tbs_certificate;
    let algorithm = KeyAlgorithm::of_public_key(&tbs.subject_public_key_info);
    let expired = c.not_after.is_none_or(|t| t <= now);
    let status = match c.status.as_str() {
        "active" if expired => "expired",
        s => s,
    };
    Some(CredentialView {
        id: c.id,
        status: status.to_owned(),
        can_sign: status == "active" && c.not_before.is_none_or(|t| t <= now),
        serial: hex::encode(c.serial.as_deref().unwrap_or_default()),
        subject: crate::pki::names::readable(&tbs.subject),
        issuer: crate::pki::names::readable(&tbs.issuer),
        not_before: c.not_before,
        not_after: c.not_after,
        key_algorithm: algorithm.map_or("unknown", KeyAlgorithm::as_str).to_owned(),
        hash_algorithms: match algorithm {
            Some(KeyAlgorithm::Ed25519) => vec!["sha512".into()],
            _ => vec!["sha256".into(), "sha384".into(), "sha512".into()],
        },
        certificate: STANDARD.encode(der),
        purpose: c.purpose.clone(),
    })
}

/// A granted authorisation: the SAD is shown once, here.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuthorisationView {
    /// The signature activation data to send with each signing request.
    pub sad: String,
    /// Signatures it allows (one per authorised hash).
    pub count: u32,
    /// End of life.
    pub expires_at: DateTime<Utc>,
}

/// A signature made in custody.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignatureView {
    /// Its id.
    pub id: Uuid,
    /// The credential that made it.
    pub credential: Uuid,
    /// `cms` (detached CAdES SignedData, DER), `attached` (the same carrying the document) or
    /// `raw`.
    pub format: String,
    /// `bes`, or `t` when it carries our time-stamp (CAdES-T).
    pub level: String,
    /// The stored document it signs, if any.
    pub document: Option<Uuid>,
    /// `sha256`, `sha384` or `sha512`.
    pub hash_algorithm: String,
    /// The signed hash, base64.
    pub hash: String,
    /// The signature, base64 (DER for `cms` and for ECDSA).
    pub signature: String,
    /// The signature algorithm's OID, as CSC names it in `signAlgo`: ECDSA with the hash,
    /// `sha…WithRSAEncryption` (PKCS#1 v1.5), `1.2.840.113549.1.1.10` (RSASSA-PSS, MGF1 with
    /// the same hash, salt as long as the hash) or Ed25519. Absent for signatures made before
    /// it was recorded.
    pub signature_algorithm: Option<String>,
    /// The holder's label.
    pub label: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<&SignatureRow> for SignatureView {
    fn from(s: &SignatureRow) -> Self {
        SignatureView {
            id: s.id,
            credential: s.certificate_id,
            format: s.format.clone(),
            level: s.level.clone(),
            document: s.document_id,
            hash_algorithm: s.hash_algorithm.clone(),
            hash: STANDARD.encode(&s.hash),
            signature: STANDARD.encode(&s.signature),
            signature_algorithm: s.signature_algorithm.clone(),
            label: s.label.clone(),
            created_at: s.created_at,
        }
    }
}
