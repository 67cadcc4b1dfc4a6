//! The time-stamping authority (RFC 3161, with ESSCertIDv2 per RFC 5816). Tokens are CMS
//! SignedData over a TSTInfo, signed by the TSA key in the HSM; serials come from a database
//! sequence, so they are unique across processes and restarts. The time is the server clock,
//! stated with an accuracy of one second.

use super::cms::DigestAlgorithm;
use chrono::{DateTime, Utc};
use const_oid::ObjectIdentifier;
use der::asn1::{Any, BitString, GeneralizedTime, Int, Utf8StringRef};
use der::{Decode, Encode, Sequence};
use x509_cert::attr::Attribute;
use x509_tsp::{Accuracy, MessageImprint, TimeStampReq, TspVersion};

/// id-ct-TSTInfo.
pub const ID_CT_TST_INFO: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// TSTInfo with the policy kept as raw DER, so UUID-based `2.25.…` policy OIDs (arcs beyond
/// 32 bits) can be used.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TstInfo {
    /// v1.
    pub version: TspVersion,
    /// TSA policy (an OBJECT IDENTIFIER).
    pub policy: Any,
    /// What was stamped.
    pub message_imprint: MessageImprint,
    /// Unique serial.
    pub serial_number: Int,
    /// When.
    pub gen_time: GeneralizedTime,
    /// How precise `gen_time` is.
    #[asn1(optional = "true")]
    pub accuracy: Option<Accuracy>,
    /// Always false.
    #[asn1(default = "Default::default")]
    pub ordering: bool,
    /// The request's nonce.
    #[asn1(optional = "true")]
    pub nonce: Option<Int>,
}

/// PKIStatusInfo (RFC 3161 §2.4.2). Defined here because the failure bits must be encoded
/// as named bits (bit *n* for reason *n*), which cmpv2 0.2's flag set does not do.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct StatusInfo<'a> {
    /// 0 granted, 2 rejection.
    status: u8,
    #[asn1(optional = "true")]
    status_string: Option<Vec<Utf8StringRef<'a>>>,
    #[asn1(optional = "true")]
    fail_info: Option<BitString>,
}

/// TimeStampResp.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct TimeStampResp<'a> {
    status: StatusInfo<'a>,
    #[asn1(optional = "true")]
    time_stamp_token: Option<Any>,
}

/// A BIT STRING with only named bit `n` set, in DER (no trailing zero bits).
fn named_bit(n: usize) -> Result<BitString, der::Error> {
    let mut bytes = vec![0u8; n / 8 + 1];
    bytes[n / 8] = 0x80 >> (n % 8);
    BitString::new((7 - n % 8) as u8, bytes)
}

/// An INTEGER from a non-negative i64 in its minimal encoding.
fn integer(v: i64) -> Result<Int, der::Error> {
    let bytes = v.to_be_bytes();
    let skip = bytes.iter().take(7).take_while(|b| **b == 0).count();
    let mut body = bytes[skip..].to_vec();
    if body[0] & 0x80 != 0 {
        body.insert(0, 0);
    }
    Int::new(&body)
}

/// Why a request was not granted, as RFC 3161 names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not a TimeStampReq.
    BadDataFormat,
    /// A hash algorithm we do not accept.
    BadAlg,
    /// A policy other than ours.
    UnacceptedPolicy,
    /// An extension we do not support.
    UnacceptedExtension,
}

impl Refusal {
    /// PKIFailureInfo bit (RFC 3161 §2.4.2).
    fn bit(self) -> usize {
        match self {
            Refusal::BadAlg => 0,
            Refusal::BadDataFormat => 5,
            Refusal::UnacceptedPolicy => 15,
            Refusal::UnacceptedExtension => 16,
        }
    }

    fn text(self) -> &'static str {
        match self {
            Refusal::BadDataFormat => "the request is not a DER TimeStampReq",
            Refusal::BadAlg => "the message imprint must be SHA-256, SHA-384 or SHA-512",
            Refusal::UnacceptedPolicy => "this TSA issues tokens under its own policy only",
            Refusal::UnacceptedExtension => "request extensions are not supported",
        }
    }
}

/// The DER TimeStampResp refusing a request.
pub fn refusal(why: Refusal) -> Vec<u8> {
    let text = Utf8StringRef::new(why.text()).ok();
    TimeStampResp {
        status: StatusInfo {
            status: 2,
            status_string: text.map(|t| vec![t]),
            fail_info: named_bit(why.bit()).ok(),
        },
        time_stamp_token: None,
    }
    .to_der()
    .unwrap_or_default()
}

/// A checked request.
#[derive(Debug, Clone)]
pub struct Request {
    /// What to stamp.
    pub imprint: MessageImprint,
    /// To echo.
    pub nonce: Option<Int>,
    /// Whether the TSA certificate goes into the token.
    pub cert_req: bool,
}

/// Parse and check a DER TimeStampReq against our policy.
pub fn parse_request(der: &[u8], policy_der: &[u8]) -> Result<Request, Refusal> {
    let req = TimeStampReq::from_der(der).map_err(|_| Refusal::BadDataFormat)?;
    let digest = DigestAlgorithm::from_oid(&req.message_imprint.hash_algorithm.oid)
        .ok_or(Refusal::BadAlg)?;
    if req.message_imprint.hashed_message.as_bytes().len() != digest.output_len() {
        return Err(Refusal::BadDataFormat);
    }
    if let Some(policy) = &req.req_policy {
        if policy.to_der().map_err(|_| Refusal::BadDataFormat)? != policy_der {
            return Err(Refusal::UnacceptedPolicy);
        }
    }
    if req.extensions.as_ref().is_some_and(|e| !e.is_empty()) {
        return Err(Refusal::UnacceptedExtension);
    }
    Ok(Request {
        imprint: req.message_imprint,
        nonce: req.nonce,
        cert_req: req.cert_req,
    })
}

/// The DER TSTInfo of a token: `imprint` stamped at `now` with `serial` under the policy.
pub fn tst_info(
    policy_der: &[u8],
    imprint: &MessageImprint,
    nonce: Option<Int>,
    serial: i64,
    now: DateTime<Utc>,
) -> Result<Vec<u8>, der::Error> {
    TstInfo {
        version: TspVersion::V1,
        policy: Any::from_der(policy_der)?,
        message_imprint: imprint.clone(),
        serial_number: integer(serial)?,
        gen_time: super::time::generalized(now)
            .map_err(|_| der::Error::from(der::ErrorKind::DateTime))?,
        accuracy: Some(Accuracy {
            seconds: Some(1),
            millis: None,
            micros: None,
        }),
        ordering: false,
        nonce,
    }
    .to_der()
}

/// The DER TimeStampResp granting a request with `token`.
pub fn granted(token: &[u8]) -> Result<Vec<u8>, der::Error> {
    TimeStampResp {
        status: StatusInfo {
            status: 0,
            status_string: None,
            fail_info: None,
        },
        time_stamp_token: Some(Any::from_der(token)?),
    }
    .to_der()
}

/// The SHA-256 imprint of a signature value (what a CAdES-T time-stamp covers).
pub fn signature_imprint(signature_value: &[u8]) -> Result<MessageImprint, der::Error> {
    Ok(MessageImprint {
        hash_algorithm: spki::AlgorithmIdentifier {
            oid: DigestAlgorithm::Sha256.oid(),
            parameters: None,
        },
        hashed_message: der::asn1::OctetString::new(
            DigestAlgorithm::Sha256.digest(signature_value),
        )?,
    })
}

/// The CAdES-T unsigned attribute holding `token` (RFC 3161 appendix A).
pub fn signature_time_stamp_attribute(token: &[u8]) -> Result<Attribute, der::Error> {
    Ok(Attribute {
        oid: super::cms::attributes::SIGNATURE_TIME_STAMP,
        values: der::asn1::SetOfVec::try_from(vec![Any::from_der(token)?])?,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_minimal_and_positive() {
        assert_eq!(integer(1).unwrap().as_bytes(), &[1]);
        assert_eq!(integer(0x80).unwrap().as_bytes(), &[0, 0x80]);
        assert_eq!(integer(0x0102).unwrap().as_bytes(), &[1, 2]);
        assert_eq!(integer(0).unwrap().as_bytes(), &[0]);
    }

    #[test]
    fn failure_bits_are_named_bits() {
        assert_eq!(
            named_bit(0).unwrap().to_der().unwrap(),
            [0x03, 0x02, 0x07, 0x80]
        );
        assert_eq!(
            named_bit(5).unwrap().to_der().unwrap(),
            [0x03, 0x02, 0x02, 0x04]
        );
        assert_eq!(
            named_bit(15).unwrap().to_der().unwrap(),
            [0x03, 0x03, 0x00, 0x00, 0x01]
        );
    }
}
