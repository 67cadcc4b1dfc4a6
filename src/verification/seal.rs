//! Sealing a protocol file with the service seal key and checking such a file later. The seal
//! is a detached CAdES-BES over the file's bytes before it, kept inside the file so one file is
//! all a person needs: after the HTML in a closing comment, after the PDF's end in a PDF comment
//! (readers ignore it), beside the protocol in the JSON.

use super::page::{self, Page};
use super::render;
use super::{Lang, Protocol, ProtocolFormat, Verification, VerificationError};
use crate::certificates::registry::RegistryRevocation;
use crate::pki::cms::report::{Reason, Verdict};
use crate::pki::cms::sign::{SignerDraft, assemble};
use crate::pki::cms::verify::verify;
use crate::pki::cms::{DigestAlgorithm, ID_DATA};
use crate::said;
use crate::said::Said;
use crate::vault::ServiceKey;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

const HTML_MARK: &[u8] = b"<!-- cloudseal-seal ";
const HTML_END: &[u8] = b" -->";
const PDF_MARK: &[u8] = b"%cloudseal-seal ";
const DATA_OPEN: &str = "<script type=\"application/json\" id=\"cloudseal-protocol\">";

/// What a check of a protocol file found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProtocolCheck {
    /// True when the seal is ours and the file is exactly as sealed.
    pub valid: bool,
    /// `json`, `html` or `pdf`.
    pub format: String,
    /// When it was sealed (the seal's signing time).
    pub sealed_at: Option<DateTime<Utc>>,
    /// The sealing certificate's subject.
    pub sealed_by: Option<String>,
    /// Why it is not valid (the API gives the English wording).
    #[schema(value_type = Vec<String>)]
    pub problems: Vec<Said>,
    /// `verification` or `delivery`, from a JSON or HTML file.
    pub kind: Option<String>,
    /// The protocol's data, from a JSON or HTML file.
    #[schema(value_type = Option<Object>)]
    pub protocol: Option<serde_json::Value>,
}

/// The JSON file: the protocol exactly as sealed, and the seal.
#[derive(Deserialize)]
struct SealedJson<'a> {
    #[serde(borrow)]
    protocol: &'a serde_json::value::RawValue,
    seal: String,
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// (format, the bytes sealed, the seal in base64, the protocol's data if carried).
type Parts<'a> = (
    ProtocolFormat,
    &'a [u8],
    Option<String>,
    Option<serde_json::Value>,
);

fn split(file: &[u8]) -> Result<Parts<'_>, VerificationError> {
    let start = file
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(file.len());
    let head = &file[start..];
    if head.starts_with(b"%PDF-") {
        return Ok(match find_last(file, PDF_MARK) {
            Some(at) => {
                let seal = &file[at + PDF_MARK.len()..];
                let seal = String::from_utf8_lossy(seal).trim().to_owned();
                (ProtocolFormat::Pdf, &file[..at], Some(seal), None)
            }
            None => (ProtocolFormat::Pdf, file, None, None),
        });
    }
    if head.starts_with(b"{") {
        let parsed: SealedJson<'_> = serde_json::from_slice(file).map_err(|_| {
            VerificationError::Invalid(said!(
                "the JSON is not a cloudseal protocol",
                "этот JSON — не протокол cloudseal"
            ))
        })?;
        let data = serde_json::from_str(parsed.protocol.get()).ok();
        return Ok((
            ProtocolFormat::Json,
            parsed.protocol.get().as_bytes(),
            Some(parsed.seal),
            data,
        ));
    }
    if head.starts_with(b"<!DOCTYPE html") || head.starts_with(b"<html") {
        let (body, seal) = match find_last(file, HTML_MARK) {
            Some(at) => {
                let rest = &file[at + HTML_MARK.len()..];
                let end = find_last(rest, HTML_END).unwrap_or(rest.len());
                (
                    &file[..at],
                    Some(String::from_utf8_lossy(&rest[..end]).trim().to_owned()),
                )
            }
            None => (file, None),
        };
        let text = String::from_utf8_lossy(body);
        let data = text.find(DATA_OPEN).and_then(|i| {
            let rest = &text[i + DATA_OPEN.len()..];
            let end = rest.find("</script>")?;
            serde_json::from_str(&rest[..end].replace("<\\/", "</")).ok()
        });
        return Ok((ProtocolFormat::Html, body, seal, data));
    }
    Err(VerificationError::Invalid(said!(
        "send a protocol file: the JSON, HTML or PDF this service made",
        "пришлите файл протокола: JSON, HTML или PDF, сделанный этим сервисом"
    )))
}

impl Verification {
    /// A detached CAdES-BES over `bytes` by the service seal key.
    async fn seal_bytes(&self, bytes: &[u8]) -> Result<Vec<u8>, VerificationError> {
        let cert = crate::pki::parse_certificate(&self.0.seal_certificate)
            .map_err(|e| VerificationError::Internal(format!("seal certificate: {e}")))?;
        let internal = |e: crate::pki::cms::CmsError| VerificationError::Internal(e.to_string());
        let draft = SignerDraft::cades_bes(
            &cert,
            DigestAlgorithm::Sha256,
            ID_DATA,
            &DigestAlgorithm::Sha256.digest(bytes),
            self.0.clock.now(),
        )
        .map_err(internal)?;
        let digest: [u8; 32] = draft
            .digest_to_sign()
            .map_err(internal)?
            .try_into()
            .map_err(|_| VerificationError::Internal("digest length".into()))?;
        let signature = self.0.vault.sign_digest(ServiceKey::Seal, digest).await?;
        let info = draft
            .finish(
                &cert,
                DigestAlgorithm::Sha256.ecdsa(),
                &signature,
                Vec::new(),
            )
            .map_err(internal)?;
        assemble(ID_DATA, None, vec![info], &[cert]).map_err(internal)
    }

    /// The verification protocol as a sealed file.
    pub async fn sealed(
        &self,
        protocol: &Protocol,
        format: ProtocolFormat,
        lang: Lang,
    ) -> Result<Vec<u8>, VerificationError> {
        self.seal_page(&render::page(protocol, lang), protocol, format)
            .await
    }

    /// Any protocol the service issues as a sealed file: `data` is what the JSON carries (and
    /// the HTML, inert), `page` what people read in the HTML and the PDF.
    pub async fn seal_page(
        &self,
        page: &Page,
        data: &impl Serialize,
        format: ProtocolFormat,
    ) -> Result<Vec<u8>, VerificationError> {
        let json =
            serde_json::to_string(data).map_err(|e| VerificationError::Internal(e.to_string()))?;
        Ok(match format {
            ProtocolFormat::Json => {
                let seal = STANDARD.encode(self.seal_bytes(json.as_bytes()).await?);
                format!("{{\"protocol\":{json},\"seal\":\"{seal}\"}}\n").into_bytes()
            }
            ProtocolFormat::Html => {
                let mut html = page::html(page, &json).into_bytes();
                let seal = STANDARD.encode(self.seal_bytes(&html).await?);
                html.extend_from_slice(HTML_MARK);
                html.extend_from_slice(seal.as_bytes());
                html.extend_from_slice(HTML_END);
                html.push(b'\n');
                html
            }
            ProtocolFormat::Pdf => {
                let mut pdf =
                    page::pdf(page).map_err(|e| VerificationError::Internal(e.to_string()))?;
                if pdf.last() != Some(&b'\n') {
                    pdf.push(b'\n');
                }
                let seal = STANDARD.encode(self.seal_bytes(&pdf).await?);
                pdf.extend_from_slice(PDF_MARK);
                pdf.extend_from_slice(seal.as_bytes());
                pdf.push(b'\n');
                pdf
            }
        })
    }

    /// Check a protocol file: our seal, over exactly these bytes.
    pub async fn check_protocol(&self, file: &[u8]) -> Result<ProtocolCheck, VerificationError> {
        let (format, body, seal, data) = split(file)?;
        let mut check = ProtocolCheck {
            valid: false,
            format: format.extension().into(),
            sealed_at: None,
            sealed_by: None,
            problems: Vec::new(),
            kind: None,
            protocol: None,
        };
        let Some(seal) = seal else {
            check
                .problems
                .push(said!("the file carries no seal", "на файле нет печати"));
            return Ok(check);
        };
        let Ok(seal) = STANDARD.decode(seal.as_bytes()) else {
            check
                .problems
                .push(said!("the seal is not readable", "печать не читается"));
            return Ok(check);
        };
        let trust = self.0.registry.trust_list();
        let revocation = RegistryRevocation {
            registry: &self.0.registry,
            crls: &trust.crls,
        };
        let report = match verify(&seal, Some(body), &trust, &revocation, self.0.clock.now()).await
        {
            Ok(r) => r,
            Err(e) => {
                check.problems.push(said!(
                    "the seal is not readable: {e}",
                    "печать не читается: {e}"
                ));
                return Ok(check);
            }
        };
        let ours = crate::pki::fingerprint(&self.0.seal_certificate);
        let Some(signer) = report.signers.first() else {
            check
                .problems
                .push(said!("the seal has no signer", "у печати нет подписанта"));
            return Ok(check);
        };
        check.sealed_at = signer.signing_time;
        check.sealed_by = signer.subject.clone();
        if signer.certificate_fingerprint.as_deref() != Some(ours.as_str()) {
            check.problems.push(said!(
                "the seal is not this service's seal",
                "это не печать этого сервиса"
            ));
        }
        if report.verdict != Verdict::Passed {
            check
                .problems
                .extend(signer.reasons.iter().map(|r| match r {
                    Reason::MessageDigestMismatch | Reason::BadSignature => {
                        said!(
                            "the file was changed after it was sealed",
                            "файл изменён после того, как на него поставлена печать"
                        )
                    }
                    other => Said::new(
                        super::render::reason(Lang::En, other),
                        super::render::reason(Lang::Ru, other),
                    ),
                }));
            if check.problems.is_empty() {
                check
                    .problems
                    .push(said!("the seal does not hold", "печать не подтверждается"));
            }
        }
        check.valid = check.problems.is_empty();
        if check.valid {
            check.kind = data.as_ref().map(|d| {
                d.get("kind")
                    .and_then(|k| k.as_str())
                    .unwrap_or("verification")
                    .to_owned()
            });
            check.protocol = data;
        }
        Ok(check)
    }
}
