//! The OCSP responder (RFC 6960). Each CA answers for the certificates it issued and signs the
//! answer with its own key in the HSM (RFC 6960 §4.2.2.2: the CA that issued the certificate
//! is an authorised responder, so clients need no extra delegation certificate). Requests are
//! matched by CertID under SHA-1 (what most clients still send) or SHA-256; the status comes
//! from the registry, so a revocation is visible here the moment it commits.

use super::registry::{Registry, RegistryError};
use crate::pki::revocation::RevocationReason;
use crate::pki::time::generalized;
use crate::pki::{Ca, SERVICE_SIGNATURE_ALGORITHM};
use crate::store::pki as sql;
use chrono::{DateTime, TimeDelta, Utc};
use der::asn1::{Null, OctetString};
use der::{Decode, Encode};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use spki::ObjectIdentifier;
use x509_cert::Certificate;
use x509_ocsp::{
    BasicOcspResponse, CertId, CertStatus, OcspGeneralizedTime, OcspRequest, OcspResponse,
    ResponderId, ResponseData, RevokedInfo, SingleResponse, Version,
};

const SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_PKIX_OCSP_NONCE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.2");

/// At most this many certificates per request (a bound on work per request).
pub const MAX_REQUESTS: usize = 16;

/// How a CA appears in CertIDs: hashes of its name and key under each algorithm we accept.
#[derive(Debug, Clone)]
struct IssuerHashes {
    ca: Ca,
    sha1: (Vec<u8>, Vec<u8>),
    sha256: (Vec<u8>, Vec<u8>),
}

impl IssuerHashes {
    fn new(ca: Ca, cert: &Certificate) -> Result<Self, der::Error> {
        let name = cert.tbs_certificate.subject.to_der()?;
        let key = cert
            .tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes();
        Ok(Self {
            ca,
            sha1: (Sha1::digest(&name).to_vec(), Sha1::digest(key).to_vec()),
            sha256: (Sha256::digest(&name).to_vec(), Sha256::digest(key).to_vec()),
        })
    }

    fn matches(&self, id: &CertId) -> bool {
        let (name, key) = match id.hash_algorithm.oid {
            SHA1 => &self.sha1,
            SHA256 => &self.sha256,
            _ => return false,
        };
        id.issuer_name_hash.as_bytes() == name.as_slice()
            && id.issuer_key_hash.as_bytes() == key.as_slice()
    }
}

/// Answers OCSP requests; built once at start.
#[derive(Debug, Clone)]
pub struct Responder {
    registry: Registry,
    issuers: Vec<IssuerHashes>,
    validity: TimeDelta,
}

/// The DER of an OCSP response with only an error status.
fn status_only(r: OcspResponse) -> Vec<u8> {
    r.to_der().unwrap_or_default()
}

impl Responder {
    /// A responder for both our CAs.
    pub fn new(registry: Registry, validity: TimeDelta) -> Result<Self, RegistryError> {
        let mut issuers = Vec::new();
        for ca in Ca::ALL {
            let cert = crate::pki::parse_certificate(registry.certificates().ca(ca))
                .map_err(|e| RegistryError::Malformed(e.to_string()))?;
            issuers.push(
                IssuerHashes::new(ca, &cert)
                    .map_err(|e| RegistryError::Malformed(e.to_string()))?,
            );
        }
        Ok(Self {
            registry,
            issuers,
            validity,
        })
    }

    /// The DER OCSPResponse for a DER OCSPRequest. Protocol-level refusals (malformed,
    /// unauthorised) are OCSP responses too, as clients expect; only infrastructure failures
    /// are errors.
    pub async fn respond(
        &self,
        request: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>, RegistryError> {
        let Ok(req) = OcspRequest::from_der(request) else {
            return Ok(status_only(OcspResponse::malformed_request()));
        };
        let list = &req.tbs_request.request_list;
        if list.is_empty() || list.len() > MAX_REQUESTS {
            return Ok(status_only(OcspResponse::malformed_request()));
        }
        // One signature per response, so one CA per response: the CA of the first request
        // that names one of ours. Certificates of anyone else are refused as `unauthorized`.
        let Some(issuer) = list
            .iter()
            .find_map(|r| self.issuers.iter().find(|i| i.matches(&r.req_cert)))
        else {
            return Ok(status_only(OcspResponse::unauthorized()));
        };
        if !list.iter().all(|r| issuer.matches(&r.req_cert)) {
            return Ok(status_only(OcspResponse::unauthorized()));
        }
        let client = self.registry.db().client().await?;
        let this_update = OcspGeneralizedTime(generalized(now).map_err(internal)?);
        let next_update = OcspGeneralizedTime(generalized(now + self.validity).map_err(internal)?);
        let mut responses = Vec::with_capacity(list.len());
        for r in list {
            let serial = r.req_cert.serial_number.as_bytes();
            let status = match sql::status(&**client, issuer.ca.as_str(), serial).await? {
                None => CertStatus::Unknown(Null),
                Some(row) => match (row.revoked_at, row.reason) {
                    (Some(at), reason) if at <= now => CertStatus::Revoked(RevokedInfo {
                        revocation_time: OcspGeneralizedTime(generalized(at).map_err(internal)?),
                        revocation_reason: reason
                            .and_then(RevocationReason::from_code)
                            .map(RevocationReason::crl_reason),
                    }),
                    _ => CertStatus::Good(Null),
                },
            };
            responses.push(SingleResponse {
                cert_id: r.req_cert.clone(),
                cert_status: status,
                this_update,
                next_update: Some(next_update),
                single_extensions: None,
            });
        }
        drop(client);
        let nonce = req
            .tbs_request
            .request_extensions
            .as_ref()
            .and_then(|exts| {
                exts.iter()
                    .find(|e| e.extn_id == ID_PKIX_OCSP_NONCE)
                    .cloned()
            });
        let data = ResponseData {
            version: Version::V1,
            responder_id: ResponderId::ByKey(
                OctetString::new(issuer.sha1.1.clone()).map_err(internal)?,
            ),
            produced_at: this_update,
            responses,
            response_extensions: nonce.map(|n| vec![n]),
        };
        let tbs = data.to_der().map_err(internal)?;
        let key = issuer.ca.key();
        let signature = self
            .registry
            .vault()
            .run(move |s| crate::pki::service_signature(s, key, &tbs))
            .await?;
        let basic = BasicOcspResponse {
            tbs_response_data: data,
            signature_algorithm: SERVICE_SIGNATURE_ALGORITHM,
            signature,
            certs: None,
        };
        OcspResponse::successful(basic)
            .and_then(|r| r.to_der())
            .map_err(internal)
    }
}

fn internal<E: std::fmt::Display>(e: E) -> RegistryError {
    RegistryError::Encoding(format!("OCSP response: {e}"))
}
