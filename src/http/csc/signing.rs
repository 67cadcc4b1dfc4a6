//! The signatures methods: raw signatures over hashes (`signHash`, what PAdES and other AdES
//! clients build on), CAdES signatures over hashes or documents (`signDoc`, 2.0), and
//! time-stamps from our TSA (`timestamp`).

use super::algorithms::{Asked, choose};
use super::{AppState, CscError, SMALL_BODY, Version, body, credential, holder};
use crate::http::auth::{Authorised, Holders, Meta};
use crate::http::problem::{ApiError, Problem};
use crate::identity::Person;
use crate::pki::cms::DigestAlgorithm;
use crate::pki::scheme::KeyAlgorithm;
use crate::said;
use crate::signatures::{
    CredentialId, Format, HashAlgorithm, Level, RsaPadding, Shape, SignInput, SignatureView,
    Subject,
};
use actix_web::{HttpResponse, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::json;

/// `signatures/signHash` in both editions' names.
#[derive(Deserialize)]
struct SignHashRequest {
    #[serde(rename = "credentialID")]
    credential_id: Option<String>,
    #[serde(rename = "SAD")]
    sad: Option<String>,
    hash: Option<Vec<String>>,
    hashes: Option<Vec<String>>,
    #[serde(rename = "hashAlgo")]
    hash_algo: Option<String>,
    #[serde(rename = "hashAlgorithmOID")]
    hash_algorithm_oid: Option<String>,
    #[serde(rename = "signAlgo")]
    sign_algo: Option<String>,
    #[serde(rename = "signAlgoParams")]
    sign_algo_params: Option<String>,
    #[serde(rename = "operationMode")]
    operation_mode: Option<String>,
}

/// The credential's key algorithm, from its description (another user's: 404).
async fn key_of(
    state: &AppState,
    person: &Person,
    id: CredentialId,
) -> Result<KeyAlgorithm, CscError> {
    let c = state
        .signatures
        .credential(crate::signatures::Reach::of(person), id)
        .await?;
    KeyAlgorithm::parse(&c.key_algorithm)
        .ok_or_else(|| CscError::from(ApiError::Internal("credential key algorithm".into())))
}

/// The SAD of a request.
fn sad(value: Option<&str>) -> Result<&str, CscError> {
    value.ok_or_else(|| {
        CscError::invalid(said!(
            "Missing string parameter SAD",
            "Не хватает строкового параметра SAD"
        ))
    })
}

/// Refuse the asynchronous mode of 2.0: signatures are made while the client waits.
fn synchronous(mode: Option<&str>) -> Result<(), CscError> {
    match mode {
        None | Some("S") => Ok(()),
        Some(_) => Err(CscError::invalid(said!(
            "operationMode: only `S` (synchronous) is offered",
            "operationMode: предлагается только `S` (синхронный)"
        ))),
    }
}

/// Sign under the SAD and keep the signatures (audited with every hash), all or nothing.
async fn make(
    state: &AppState,
    person: &Person,
    meta: &Meta,
    input: SignInput<'_>,
) -> Result<Vec<SignatureView>, CscError> {
    Ok(state.signatures.sign(person, &meta.0, input).await?)
}

/// Raw signatures over the hashes, one per hash in order (ECDSA as DER), each spending one
/// use of a SAD that must cover it.
#[utoipa::path(tag = "csc", path = "/csc/{version}/signatures/signHash",
    params(("version" = String, Path, description = "`v1` or `v2`")),
    responses((status = 200, body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[post("/csc/{version}/signatures/signHash")]
pub async fn sign_hash(
    state: web::Data<AppState>,
    who: Result<Authorised<Holders>, ApiError>,
    meta: Meta,
    version: web::Path<Version>,
    payload: web::Payload,
) -> Result<HttpResponse, CscError> {
    let person = holder(who)?;
    let r: SignHashRequest = body(payload, SMALL_BODY).await?;
    synchronous(r.operation_mode.as_deref())?;
    let id = credential(r.credential_id.as_deref())?;
    let (values, given) = match *version {
        Version::V1 => (r.hash.as_deref(), r.hash_algo.as_deref()),
        Version::V2 => (r.hashes.as_deref(), r.hash_algorithm_oid.as_deref()),
    };
    let key = key_of(&state, &person, id).await?;
    let asked = Asked {
        sign_algo: r.sign_algo.as_deref(),
        params: r.sign_algo_params.as_deref(),
        hash_algo: given,
        default: None,
    };
    let (algorithm, padding) = choose(key, asked)?;
    let subject = subject(algorithm, values)?;
    let input = SignInput {
        credential: id,
        sad: sad(r.sad.as_deref())?,
        subject,
        shape: Shape {
            format: Format::Raw,
            level: Level::Bes,
            padding,
        },
        label: Some("CSC signHash".into()),
        contents: Vec::new(),
    };
    let made = make(&state, &person, &meta, input).await?;
    let signatures: Vec<&str> = made.iter().map(|s| s.signature.as_str()).collect();
    Ok(HttpResponse::Ok().json(json!({ "signatures": signatures })))
}

/// Hashes under `algorithm` as the signing service takes them.
fn subject(algorithm: HashAlgorithm, values: Option<&[String]>) -> Result<Subject, CscError> {
    let values = values.filter(|v| !v.is_empty()).ok_or_else(|| {
        CscError::invalid(said!("Missing parameter hash", "Не хватает параметра hash"))
    })?;
    Ok(Subject::parse(Some(algorithm.name()), Some(values), None)?)
}

/// One entry of `documentDigests` or `documents` (CSC 2.0 `signDoc`).
#[derive(Deserialize)]
struct DocEntry {
    hashes: Option<Vec<String>>,
    #[serde(rename = "hashAlgorithmOID")]
    hash_algorithm_oid: Option<String>,
    document: Option<String>,
    signature_format: Option<String>,
    conformance_level: Option<String>,
    #[serde(rename = "signAlgo")]
    sign_algo: Option<String>,
    #[serde(rename = "signAlgoParams")]
    sign_algo_params: Option<String>,
    signed_envelope_property: Option<String>,
}

/// `signatures/signDoc`.
#[derive(Deserialize)]
struct SignDocRequest {
    #[serde(rename = "credentialID")]
    credential_id: Option<String>,
    #[serde(rename = "SAD")]
    sad: Option<String>,
    #[serde(rename = "documentDigests", default)]
    document_digests: Vec<DocEntry>,
    #[serde(default)]
    documents: Vec<DocEntry>,
    #[serde(rename = "operationMode")]
    operation_mode: Option<String>,
}

/// The shape asked for by an entry: CAdES only, B-B or B-T, detached or attached, with the
/// RSA padding its `signAlgo` chose.
fn shape_of(e: &DocEntry, padding: RsaPadding) -> Result<Shape, CscError> {
    match e.signature_format.as_deref() {
        Some("C") => {}
        Some(other) => {
            return Err(CscError::invalid(said!(
                "signature_format {other:?} is not offered: `C` (CAdES) only; for PAdES, \
                 build the PDF signature with signHash",
                "signature_format {other:?} не предлагается: только `C` (CAdES); для PAdES соберите подпись PDF через signHash"
            )));
        }
        None => {
            return Err(CscError::invalid(said!(
                "Missing string parameter signature_format",
                "Не хватает строкового параметра signature_format"
            )));
        }
    }
    let level = match e
        .conformance_level
        .as_deref()
        .unwrap_or("Ades-B-B")
        .to_ascii_lowercase()
        .as_str()
    {
        "ades-b-b" | "ades-b" => Level::Bes,
        "ades-b-t" | "ades-t" => Level::T,
        other => {
            return Err(CscError::invalid(said!(
                "conformance_level {other:?} is not offered: `Ades-B-B` or `Ades-B-T`",
                "conformance_level {other:?} не предлагается: `Ades-B-B` или `Ades-B-T`"
            )));
        }
    };
    let format = match e.signed_envelope_property.as_deref().unwrap_or("Detached") {
        "Detached" => Format::Cms,
        "Attached" => Format::Attached,
        other => {
            return Err(CscError::invalid(said!(
                "signed_envelope_property {other:?} is not offered for CAdES: `Detached` or \
                 `Attached`",
                "signed_envelope_property {other:?} для CAdES не предлагается: `Detached` или `Attached`"
            )));
        }
    };
    Ok(Shape {
        format,
        level,
        padding,
    })
}

/// The refusal of a `signDoc` with neither or both lists.
fn either() -> CscError {
    CscError::invalid(said!(
        "send either documentDigests or documents",
        "пришлите либо documentDigests, либо documents"
    ))
}

/// CAdES signatures (detached or attached, B-B or B-T) over document digests or documents
/// sent inline, under a SAD that covers each one's hash; one kind of signature per request.
#[utoipa::path(tag = "csc", path = "/csc/{version}/signatures/signDoc",
    params(("version" = String, Path, description = "`v2`")),
    responses((status = 200, body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json")))]
#[post("/csc/{version}/signatures/signDoc")]
pub async fn sign_doc(
    state: web::Data<AppState>,
    who: Result<Authorised<Holders>, ApiError>,
    meta: Meta,
    version: web::Path<Version>,
    payload: web::Payload,
) -> Result<HttpResponse, CscError> {
    if *version == Version::V1 {
        return Err(CscError::from(ApiError::NotFound));
    }
    let person = holder(who)?;
    let limit = state.documents.attached_max_bytes() / 3 * 4 + SMALL_BODY;
    let r: SignDocRequest = body(payload, limit).await?;
    synchronous(r.operation_mode.as_deref())?;
    let id = credential(r.credential_id.as_deref())?;
    let inline = !r.documents.is_empty();
    let entries = match (r.document_digests.is_empty(), inline) {
        (false, false) => &r.document_digests,
        (true, true) => &r.documents,
        _ => return Err(either()),
    };
    let key = key_of(&state, &person, id).await?;
    let mut shape: Option<Shape> = None;
    let mut algorithm: Option<HashAlgorithm> = None;
    let mut values = Vec::new();
    let mut contents = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let asked = Asked {
            sign_algo: e.sign_algo.as_deref(),
            params: e.sign_algo_params.as_deref(),
            hash_algo: e.hash_algorithm_oid.as_deref(),
            default: inline.then_some(DigestAlgorithm::Sha256),
        };
        let (a, padding) = choose(key, asked)?;
        let this = shape_of(e, padding)?;
        if shape.is_some_and(|s| s != this) {
            return Err(CscError::invalid(said!(
                "every entry of one request asks for the same kind of signature",
                "все записи одного запроса просят подпись одного вида"
            )));
        }
        shape = Some(this);
        if algorithm.is_some_and(|x| x != a) {
            return Err(CscError::invalid(said!(
                "every entry of one request uses the same hash algorithm",
                "все записи одного запроса используют один алгоритм хеширования"
            )));
        }
        algorithm = Some(a);
        if inline {
            let document = e.document.as_deref().ok_or_else(|| {
                CscError::invalid(said!("document {} is missing", "документа {} нет", i + 1))
            })?;
            let bytes = STANDARD.decode(document.trim()).map_err(|_| {
                CscError::invalid(said!(
                    "document {} is not base64",
                    "документ {} не в base64",
                    i + 1
                ))
            })?;
            values.push(STANDARD.encode(a.digest(&bytes)));
            contents.push(bytes);
        } else {
            let hashes = e.hashes.as_deref().unwrap_or_default();
            if hashes.is_empty() {
                return Err(CscError::invalid(said!(
                    "documentDigests {} names no hashes",
                    "documentDigests {} не называет хешей",
                    i + 1
                )));
            }
            values.extend(hashes.iter().cloned());
        }
    }
    let (Some(shape), Some(algorithm)) = (shape, algorithm) else {
        return Err(either());
    };
    if shape.format == Format::Attached && !inline {
        return Err(CscError::invalid(said!(
            "an attached signature carries its document: send `documents`",
            "присоединённая подпись несёт свой документ: пришлите `documents`"
        )));
    }
    let input = SignInput {
        credential: id,
        sad: sad(r.sad.as_deref())?,
        subject: subject(algorithm, Some(&values))?,
        shape,
        label: Some("CSC signDoc".into()),
        contents: if shape.format == Format::Attached {
            contents
        } else {
            Vec::new()
        },
    };
    let made = make(&state, &person, &meta, input).await?;
    let signatures: Vec<&str> = made.iter().map(|s| s.signature.as_str()).collect();
    let member = if shape.format == Format::Attached {
        "DocumentWithSignature"
    } else {
        "SignatureObject"
    };
    Ok(HttpResponse::Ok().json(json!({ member: signatures })))
}

/// `signatures/timestamp`.
#[derive(Deserialize)]
struct TimestampRequest {
    hash: Option<String>,
    #[serde(rename = "hashAlgo")]
    hash_algo: Option<String>,
    #[serde(rename = "hashAlgorithmOID")]
    hash_algorithm_oid: Option<String>,
    nonce: Option<String>,
}

/// The nonce as a positive DER INTEGER's content: hex (as CSC sends it), at most 32 bytes.
fn nonce(text: &str) -> Result<Vec<u8>, CscError> {
    let bytes = hex::decode(text.trim())
        .ok()
        .filter(|b| !b.is_empty() && b.len() <= 32)
        .ok_or_else(|| {
            CscError::invalid(said!(
                "nonce is 1 to 32 bytes in hex",
                "nonce — от 1 до 32 байт в hex"
            ))
        })?;
    let mut out: Vec<u8> = bytes.into_iter().skip_while(|b| *b == 0).collect();
    if out.first().is_none_or(|b| b & 0x80 != 0) {
        out.insert(0, 0);
    }
    Ok(out)
}

/// An RFC 3161 time-stamp token from our TSA over a hash the caller computed.
#[utoipa::path(tag = "csc", path = "/csc/{version}/signatures/timestamp",
    params(("version" = String, Path, description = "`v1` or `v2`")),
    responses((status = 200, body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json")))]
#[post("/csc/{version}/signatures/timestamp")]
pub async fn timestamp(
    state: web::Data<AppState>,
    who: Result<Authorised<Holders>, ApiError>,
    version: web::Path<Version>,
    payload: web::Payload,
) -> Result<HttpResponse, CscError> {
    holder(who)?;
    let r: TimestampRequest = body(payload, SMALL_BODY).await?;
    let name = match *version {
        Version::V1 => r.hash_algo.as_deref(),
        Version::V2 => r.hash_algorithm_oid.as_deref(),
    }
    .ok_or_else(|| {
        CscError::invalid(said!(
            "Missing string parameter hashAlgo",
            "Не хватает строкового параметра hashAlgo"
        ))
    })?;
    let algorithm = crate::signatures::hash_algorithm(name)?;
    let hash = r.hash.as_deref().ok_or_else(|| {
        CscError::invalid(said!(
            "Missing string parameter hash",
            "Не хватает строкового параметра hash"
        ))
    })?;
    let digest = STANDARD
        .decode(hash.trim())
        .ok()
        .filter(|d| d.len() == algorithm.output_len())
        .ok_or_else(|| {
            CscError::invalid(said!(
                "hash is not a base64 {} digest",
                "hash — не дайджест {} в base64",
                algorithm.name()
            ))
        })?;
    let nonce = r.nonce.as_deref().map(nonce).transpose()?;
    let token = state
        .tsa
        .stamp(algorithm, &digest, nonce.as_deref(), state.clock.now())
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "timestamp": STANDARD.encode(token) })))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::nonce;

    #[test]
    fn a_nonce_becomes_a_positive_minimal_integer() {
        assert_eq!(nonce("8f3a").unwrap(), vec![0, 0x8f, 0x3a]);
        assert_eq!(nonce("00017f").unwrap(), vec![0x01, 0x7f]);
        assert_eq!(nonce("0000").unwrap(), vec![0]);
        assert!(nonce("").is_err());
        assert!(nonce("xyz").is_err());
        assert!(nonce(&"ab".repeat(33)).is_err());
    }
}
