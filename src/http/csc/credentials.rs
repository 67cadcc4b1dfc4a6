//! The credentials methods: listing and describing the caller's credentials, sending the
//! one-time code, authorising (PIN + code → a SAD bound to the hashes) and extending a SAD.

use super::algorithms::key_facts;
use super::{AppState, CscError, SMALL_BODY, Version, body, credential, hashes, holder};
use crate::http::auth::{Authorised, Holders, Meta};
use crate::http::problem::{ApiError, Problem};
use crate::identity::Person;
use crate::pki::Ca;
use crate::pki::scheme::KeyAlgorithm;
use crate::said;
use crate::signatures::{AuthorisationView, AuthoriseByCode, CredentialView};
use actix_web::{HttpResponse, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::{Value, json};

/// The members of the credentials requests, in both editions' names.
#[derive(Deserialize)]
struct Request {
    #[serde(rename = "credentialID")]
    credential_id: Option<String>,
    #[serde(rename = "userID")]
    user_id: Option<String>,
    #[serde(rename = "maxResults")]
    max_results: Option<i64>,
    #[serde(rename = "pageToken")]
    page_token: Option<String>,
    #[serde(rename = "credentialInfo", default)]
    credential_info: bool,
    #[serde(rename = "onlyValid", default)]
    only_valid: bool,
    certificates: Option<String>,
    #[serde(rename = "certInfo", default)]
    cert_info: bool,
    #[serde(rename = "numSignatures")]
    num_signatures: Option<i64>,
    hash: Option<Vec<String>>,
    hashes: Option<Vec<String>>,
    #[serde(rename = "hashAlgo")]
    hash_algo: Option<String>,
    #[serde(rename = "hashAlgorithmOID")]
    hash_algorithm_oid: Option<String>,
    #[serde(rename = "PIN")]
    pin: Option<String>,
    #[serde(rename = "OTP")]
    otp: Option<String>,
    #[serde(rename = "SAD")]
    sad: Option<String>,
}

impl Request {
    /// The hashes under the edition's name (`hash` in 1.0.4, `hashes` in 2.0).
    fn hash_values(&self, version: Version) -> Option<&[String]> {
        match version {
            Version::V1 => self.hash.as_deref(),
            Version::V2 => self.hashes.as_deref(),
        }
    }

    /// The hash algorithm under the edition's name (1.0.4 `authorize` has none).
    fn hash_algorithm(&self, version: Version) -> Option<&str> {
        match version {
            Version::V1 => self.hash_algo.as_deref(),
            Version::V2 => self.hash_algorithm_oid.as_deref(),
        }
    }
}

/// The caller's credentials (never anyone else's: a `userID` other than the caller's is
/// refused), a page at a time.
#[utoipa::path(tag = "csc", path = "/csc/{version}/credentials/list",
    params(("version" = String, Path, description = "`v1` or `v2`")),
    responses((status = 200, body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json")))]
#[post("/csc/{version}/credentials/list")]
pub async fn list(
    state: web::Data<AppState>,
    who: Result<Authorised<Holders>, ApiError>,
    version: web::Path<Version>,
    payload: web::Payload,
) -> Result<HttpResponse, CscError> {
    let person = holder(who)?;
    let r: Request = body(payload, SMALL_BODY).await?;
    if r.user_id
        .as_deref()
        .is_some_and(|u| u != person.account.0.to_string())
    {
        return Err(CscError::invalid(said!(
            "userID names another user: list your own credentials with your own token",
            "userID называет другого пользователя: перечисляйте свои сертификаты со своим токеном"
        )));
    }
    let limit = r.max_results.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(CscError::invalid(said!(
            "maxResults is 1 to 1000",
            "maxResults — от 1 до 1000"
        )));
    }
    let offset = match r.page_token.as_deref() {
        None | Some("") => 0,
        Some(t) => t.parse::<usize>().map_err(|_| {
            CscError::invalid(said!(
                "pageToken is not one this service gave",
                "pageToken выдан не этим сервисом"
            ))
        })?,
    };
    let mut all = state
        .signatures
        .credentials(crate::signatures::Reach::of(&person))
        .await?;
    if r.only_valid {
        all.retain(|c| c.can_sign);
    }
    let page: Vec<&CredentialView> = all
        .iter()
        .skip(offset)
        .take(usize::try_from(limit).unwrap_or(100))
        .collect();
    let mut out = json!({
        "credentialIDs": page.iter().map(|c| c.id.to_string()).collect::<Vec<_>>(),
    });
    let next = offset + page.len();
    if next < all.len() {
        out["nextPageToken"] = json!(next.to_string());
    }
    if *version == Version::V2 && r.credential_info {
        let factor = second_factor(&state, &person).await?;
        let infos: Vec<Value> = page
            .iter()
            .map(|c| {
                let mut entry = describe(&state, c, *version, &r, &factor)?;
                entry["credentialID"] = json!(c.id.to_string());
                Ok(entry)
            })
            .collect::<Result<_, CscError>>()?;
        out["credentialInfos"] = json!(infos);
    }
    Ok(HttpResponse::Ok().json(out))
}

/// `sms` or `totp`: how the caller's one-time codes reach them.
async fn second_factor(state: &AppState, person: &Person) -> Result<String, CscError> {
    Ok(state.identity.profile(person).await?.second_factor)
}

/// CSC's status of a certificate.
fn cert_status(c: &CredentialView) -> &'static str {
    match c.status.as_str() {
        "active" => "valid",
        "expired" => "expired",
        "revoked" => "revoked",
        _ => "suspended",
    }
}

/// A time as CSC 1.0.4 writes it (GeneralizedTime).
fn generalized(t: Option<chrono::DateTime<chrono::Utc>>) -> Value {
    t.map_or(Value::Null, |t| {
        json!(t.format("%Y%m%d%H%M%SZ").to_string())
    })
}

/// The `credentials/info` answer for one credential.
fn describe(
    state: &AppState,
    c: &CredentialView,
    version: Version,
    r: &Request,
    factor: &str,
) -> Result<Value, CscError> {
    let algorithm = KeyAlgorithm::parse(&c.key_algorithm)
        .ok_or_else(|| CscError::from(ApiError::Internal("credential key algorithm".into())))?;
    let facts = key_facts(algorithm);
    let mut key = json!({
        "status": if c.can_sign { "enabled" } else { "disabled" },
        "algo": facts.algo,
        "len": facts.len,
    });
    if let Some(curve) = facts.curve {
        key["curve"] = json!(curve);
    }
    let mut cert = json!({ "status": cert_status(c) });
    let registry = state.registry.certificates();
    let chain = match r.certificates.as_deref().unwrap_or("single") {
        "none" => None,
        "single" => Some(vec![c.certificate.clone()]),
        "chain" => Some(vec![
            c.certificate.clone(),
            STANDARD.encode(registry.ca(Ca::Issuing)),
            STANDARD.encode(registry.ca(Ca::Root)),
        ]),
        _ => {
            return Err(CscError::invalid(said!(
                "certificates is `none`, `single` or `chain`",
                "certificates — `none`, `single` или `chain`"
            )));
        }
    };
    if let Some(chain) = chain {
        cert["certificates"] = json!(chain);
    }
    if r.cert_info {
        cert["issuerDN"] = json!(c.issuer);
        cert["subjectDN"] = json!(c.subject);
        cert["serialNumber"] = json!(c.serial);
        cert["validFrom"] = generalized(c.not_before);
        cert["validTo"] = generalized(c.not_after);
    }
    let online = factor != "totp";
    let (otp_type, otp_label) = if online {
        ("online", "the code sent by SMS (credentials/sendOTP)")
    } else {
        ("offline", "the code of your authenticator app")
    };
    let mut described = json!({
        "description": format!("Certificate {} of {}", c.serial, c.subject),
        "key": key,
        "cert": cert,
        "SCAL": "2",
        "multisign": state.signatures.max_signatures(),
        "lang": "en-US",
        "authMode": "explicit",
        "PIN": {"presence": "true", "format": "A", "label": "PIN",
                "description": "The signing PIN of this certificate"},
        "OTP": {"presence": "true", "type": otp_type, "format": "N", "label": "One-time code",
                "description": otp_label, "ID": if online { "sms" } else { "totp" },
                "provider": "cloudseal"},
    });
    if version == Version::V2 {
        described["auth"] = json!({
            "mode": "explicit",
            "expression": "PIN AND OTP",
            "objects": [
                {"type": "Password", "id": "PIN", "format": "A", "label": "PIN",
                 "description": "The signing PIN of this certificate"},
                {"type": "Password", "id": "OTP", "format": "N", "label": "One-time code",
                 "description": otp_label},
            ],
        });
    }
    Ok(described)
}

/// One of the caller's credentials: its key, its certificate (and chain) and how to
/// authorise it. Another user's credential answers as an unknown one: 404.
#[utoipa::path(tag = "csc", path = "/csc/{version}/credentials/info",
    params(("version" = String, Path, description = "`v1` or `v2`")),
    responses((status = 200, body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[post("/csc/{version}/credentials/info")]
pub async fn info(
    state: web::Data<AppState>,
    who: Result<Authorised<Holders>, ApiError>,
    version: web::Path<Version>,
    payload: web::Payload,
) -> Result<HttpResponse, CscError> {
    let person = holder(who)?;
    let r: Request = body(payload, SMALL_BODY).await?;
    let id = credential(r.credential_id.as_deref())?;
    let c = state
        .signatures
        .credential(crate::signatures::Reach::of(&person), id)
        .await?;
    let factor = second_factor(&state, &person).await?;
    Ok(HttpResponse::Ok().json(describe(&state, &c, *version, &r, &factor)?))
}

/// `{SAD, expiresIn}` from an authorisation.
fn sad_answer(state: &AppState, granted: &AuthorisationView) -> HttpResponse {
    let secs = (granted.expires_at - state.clock.now())
        .num_seconds()
        .max(1);
    HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(json!({ "SAD": granted.sad, "expiresIn": secs }))
}

/// Authorise signing exactly these hashes (SCAL2): the PIN (wrong ones count toward the key's
/// lock) and the one-time code (the SMS `sendOTP` asked for, or the authenticator app's).
#[utoipa::path(tag = "csc", path = "/csc/{version}/credentials/authorize",
    params(("version" = String, Path, description = "`v1` or `v2`")),
    responses((status = 200, body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json")))]
#[post("/csc/{version}/credentials/authorize")]
pub async fn authorize(
    state: web::Data<AppState>,
    who: Result<Authorised<Holders>, ApiError>,
    meta: Meta,
    version: web::Path<Version>,
    payload: web::Payload,
) -> Result<HttpResponse, CscError> {
    let person = holder(who)?;
    let r: Request = body(payload, SMALL_BODY).await?;
    let id = credential(r.credential_id.as_deref())?;
    let subject = hashes(r.hash_algorithm(*version), r.hash_values(*version))?;
    let n = r.hash_values(*version).map_or(0, <[String]>::len);
    if r.num_signatures
        .is_some_and(|k| usize::try_from(k).ok() != Some(n))
    {
        return Err(CscError::invalid(said!(
            "numSignatures must be the number of hashes (each hash is signed once)",
            "numSignatures должно равняться числу хешей (каждый хеш подписывается один раз)"
        )));
    }
    let pin = r.pin.as_deref().ok_or_else(|| {
        CscError::invalid(said!(
            "Missing string parameter PIN",
            "Не хватает строкового параметра PIN"
        ))
    })?;
    let code = r.otp.as_deref().ok_or_else(|| {
        CscError::invalid(said!(
            "Missing string parameter OTP",
            "Не хватает строкового параметра OTP"
        ))
    })?;
    let input = AuthoriseByCode {
        pin,
        code,
        subject,
        lifetime_secs: None,
    };
    let granted = state
        .signatures
        .authorise_by_code(&person, &meta.0, id, input)
        .await?;
    Ok(sad_answer(&state, &granted))
}

/// Send the one-time code by SMS. CSC 1.0.4 names no hashes here, so the SMS names the
/// certificate; a client that sends `hash` (and `hashAlgo`) gets an SMS naming them, and
/// that code then authorises exactly them. A user of an authenticator app is sent nothing.
#[utoipa::path(tag = "csc", path = "/csc/{version}/credentials/sendOTP",
    params(("version" = String, Path, description = "`v1` or `v2`")),
    responses((status = 204),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[post("/csc/{version}/credentials/sendOTP")]
pub async fn send_otp(
    state: web::Data<AppState>,
    who: Result<Authorised<Holders>, ApiError>,
    meta: Meta,
    _version: web::Path<Version>,
    payload: web::Payload,
) -> Result<HttpResponse, CscError> {
    let person = holder(who)?;
    let r: Request = body(payload, SMALL_BODY).await?;
    let id = credential(r.credential_id.as_deref())?;
    let subject = match r.hash.as_deref().or(r.hashes.as_deref()) {
        Some(values) => Some(hashes(
            r.hash_algo.as_deref().or(r.hash_algorithm_oid.as_deref()),
            Some(values),
        )?),
        None => None,
    };
    let sent = state
        .signatures
        .send_code(&person, &meta.0, id, subject.as_ref())
        .await?;
    if !sent {
        return Err(CscError::invalid(said!(
            "your one-time codes come from your authenticator app (OTP type offline): \
             nothing was sent",
            "ваши одноразовые коды приходят из приложения-аутентификатора (OTP type offline): ничего не отправлено"
        )));
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Keep a SAD alive for the hashes it still covers, without the PIN: the same SAD with a new
/// end of life, never beyond the configured maximum from the authorisation.
#[utoipa::path(tag = "csc", path = "/csc/{version}/credentials/extendTransaction",
    params(("version" = String, Path, description = "`v1` or `v2`")),
    responses((status = 200, body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[post("/csc/{version}/credentials/extendTransaction")]
pub async fn extend(
    state: web::Data<AppState>,
    who: Result<Authorised<Holders>, ApiError>,
    meta: Meta,
    version: web::Path<Version>,
    payload: web::Payload,
) -> Result<HttpResponse, CscError> {
    let person = holder(who)?;
    let r: Request = body(payload, SMALL_BODY).await?;
    let id = credential(r.credential_id.as_deref())?;
    let subject = hashes(r.hash_algorithm(*version), r.hash_values(*version))?;
    let sad = r.sad.as_deref().ok_or_else(|| {
        CscError::invalid(said!(
            "Missing string parameter SAD",
            "Не хватает строкового параметра SAD"
        ))
    })?;
    let extended = state
        .signatures
        .extend(&person, &meta.0, id, sad, &subject)
        .await?;
    Ok(sad_answer(&state, &extended))
}
