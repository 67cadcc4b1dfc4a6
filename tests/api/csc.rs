//! The CSC API: 1.0.4 and 2.0 methods over the holder's credentials, SCAL2 (the SAD is bound to
//! the hashes) with every refusal answered in CSC's words, signatures checked by openssl — and
//! pyHanko's unmodified `CSCSigner` signing a PDF through it.

use crate::support::accounts::{PASSWORD, Session, last_code, outbox};
use crate::support::pki::{
    cms_printed, cms_verify_detached, openssl_ok, raw_verifies, write_chain,
};
use crate::support::registration::{PIN, holder};
use crate::support::{TestApp, spawn};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::Path;

const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const SHA256: &str = "2.16.840.1.101.3.4.2.1";

/// POST a CSC method; the status and the JSON answer (`null` for an empty one).
pub(crate) async fn csc(
    app: &TestApp,
    token: Option<&str>,
    method: &str,
    body: Value,
) -> (u16, Value) {
    let mut req = app
        .http
        .post(app.url(&format!("/csc/{method}")))
        .json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A refusal: its status and CSC error code, after checking it is a full problem document.
pub(crate) async fn refused(
    app: &TestApp,
    token: Option<&str>,
    method: &str,
    body: Value,
) -> (u16, String) {
    let (status, v) = csc(app, token, method, body).await;
    assert!((400..500).contains(&status), "{method}: {status} {v}");
    assert_eq!(v["status"], status, "problem+json: {v}");
    assert!(
        v["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()),
        "{v}"
    );
    (status, v["error"].as_str().unwrap_or_default().to_owned())
}

pub(crate) fn b64_sha256(doc: &[u8]) -> String {
    STANDARD.encode(Sha256::digest(doc))
}

/// Ask for the SMS naming the hashes, then authorise them with the PIN and that code.
pub(crate) async fn sad_for(
    app: &TestApp,
    who: &Session,
    credential: &str,
    hashes: &[&str],
) -> String {
    let (s, _) = csc(
        app,
        Some(&who.access),
        "v1/credentials/sendOTP",
        json!({"credentialID": credential, "hash": hashes, "hashAlgo": SHA256}),
    )
    .await;
    assert_eq!(s, 204);
    let code = last_code(app, &who.person.phone).await;
    let (s, v) = csc(
        app,
        Some(&who.access),
        "v1/credentials/authorize",
        json!({"credentialID": credential, "numSignatures": hashes.len(), "hash": hashes,
               "PIN": PIN, "OTP": code}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert!(v["expiresIn"].as_i64().unwrap() > 0);
    v["SAD"].as_str().unwrap().to_owned()
}

/// The certificate of a credential as PEM and its public key, written into `dir`.
pub(crate) fn write_key(dir: &Path, certificate_b64: &str) {
    let der = STANDARD.decode(certificate_b64).unwrap();
    std::fs::write(dir.join("cert.pem"), cloudseal::pki::to_pem(&der)).unwrap();
    openssl_ok(
        dir,
        &[
            "x509", "-in", "cert.pem", "-pubkey", "-noout", "-out", "pub.pem",
        ],
    );
}

#[tokio::test]
async fn csc_v1_lists_describes_authorises_and_signs_hashes_for_the_holder_only() {
    let app = spawn().await;
    let (sub, credential) = holder(&app, "Lisbon").await;
    let (other, other_credential) = holder(&app, "Porto").await;
    let token = Some(sub.access.as_str());

    let (s, info) = csc(&app, None, "v1/info", json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(info["specs"], "1.0.4.0");
    assert_eq!(info["authType"], json!(["external"]));
    assert!(
        info["methods"]
            .as_array()
            .unwrap()
            .contains(&json!("signatures/signHash"))
    );

    // The list holds the caller's credential only; no token, no list.
    let (s, list) = csc(&app, token, "v1/credentials/list", json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(list["credentialIDs"], json!([credential]));
    assert_eq!(
        refused(&app, None, "v1/credentials/list", json!({})).await,
        (401, "invalid_token".into())
    );
    assert_eq!(
        refused(
            &app,
            token,
            "v1/credentials/list",
            json!({"userID": other.person.id})
        )
        .await
        .0,
        400
    );

    // Its description: the key's algorithms, the chain, SCAL2, PIN and an online OTP.
    let (s, d) = csc(
        &app,
        token,
        "v1/credentials/info",
        json!({"credentialID": credential, "certificates": "chain", "certInfo": true}),
    )
    .await;
    assert_eq!(s, 200, "{d}");
    assert!(
        d["key"]["algo"]
            .as_array()
            .unwrap()
            .contains(&json!(ECDSA_SHA256))
    );
    assert_eq!(d["key"]["status"], "enabled");
    assert_eq!(d["key"]["len"], 256);
    assert_eq!(d["cert"]["status"], "valid");
    assert_eq!(d["cert"]["certificates"].as_array().unwrap().len(), 3);
    assert!(d["cert"]["validTo"].as_str().unwrap().ends_with('Z'));
    assert_eq!(d["SCAL"], "2");
    assert_eq!(d["OTP"]["type"], "online");
    assert_eq!(d["PIN"]["presence"], "true");
    assert_eq!(
        refused(
            &app,
            token,
            "v1/credentials/info",
            json!({"credentialID": other_credential})
        )
        .await,
        (404, "invalid_request".into()),
        "another user's credential is not found"
    );

    // sendOTP with the hashes: the SMS names them; the SAD signs exactly them, once.
    let doc_a = "Договор аренды № 5".as_bytes();
    let ha = b64_sha256(doc_a);
    let sad = sad_for(&app, &sub, &credential, &[&ha]).await;
    let sms = outbox(&app, &sub.person.phone).await;
    assert!(
        sms.iter()
            .any(|m| m.contains(&hex::encode(&Sha256::digest(doc_a)[..4]))),
        "{sms:?}"
    );
    let sign = |sad: String, hashes: Vec<String>| {
        json!({"credentialID": credential, "SAD": sad, "hash": hashes,
               "signAlgo": ECDSA_SHA256})
    };
    let (s, signed) = csc(
        &app,
        token,
        "v1/signatures/signHash",
        sign(sad.clone(), vec![ha.clone()]),
    )
    .await;
    assert_eq!(s, 200, "{signed}");
    let dir = tempfile::tempdir().unwrap();
    write_key(dir.path(), d["cert"]["certificates"][0].as_str().unwrap());
    assert!(raw_verifies(
        dir.path(),
        doc_a,
        signed["signatures"][0].as_str().unwrap(),
        &[]
    ));
    assert_eq!(
        refused(
            &app,
            token,
            "v1/signatures/signHash",
            sign(sad.clone(), vec![ha.clone()])
        )
        .await,
        (403, "invalid_sad".into()),
        "a SAD is not replayed"
    );

    // sendOTP without hashes names the certificate; the SAD is still bound to the hashes
    // given with the PIN: other hashes, another user, another credential are refused.
    let (s, _) = csc(
        &app,
        token,
        "v1/credentials/sendOTP",
        json!({"credentialID": credential}),
    )
    .await;
    assert_eq!(s, 204);
    let sms = last_code(&app, &sub.person.phone).await;
    let doc_b = b"Annex B".as_slice();
    let hb = b64_sha256(doc_b);
    let hc = b64_sha256(b"Annex C");
    let (s, v) = csc(
        &app,
        token,
        "v1/credentials/authorize",
        json!({"credentialID": credential, "numSignatures": 2, "hash": [&hb, &hc],
               "PIN": PIN, "OTP": sms}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let sad2 = v["SAD"].as_str().unwrap().to_owned();
    assert_eq!(
        refused(
            &app,
            token,
            "v1/signatures/signHash",
            sign(sad2.clone(), vec![b64_sha256(b"not authorised")])
        )
        .await
        .0,
        403,
        "other hashes"
    );
    assert_eq!(
        refused(
            &app,
            Some(&other.access),
            "v1/signatures/signHash",
            json!({"credentialID": other_credential, "SAD": sad2, "hash": [&hb],
                   "signAlgo": ECDSA_SHA256})
        )
        .await
        .0,
        403,
        "another user's SAD"
    );
    assert_eq!(
        refused(
            &app,
            Some(&other.access),
            "v1/signatures/signHash",
            sign(sad2.clone(), vec![hb.clone()])
        )
        .await
        .0,
        404,
        "another user's credential"
    );

    // Algorithms that do not fit, named clearly.
    for (sign_algo, hash_algo) in [
        ("1.2.840.113549.1.1.11", None),
        ("1.2.3.4", None),
        ("1.2.840.10045.4.3.3", Some(SHA256)),
        ("1.2.840.10045.2.1", None),
    ] {
        let mut body = sign(sad2.clone(), vec![hb.clone()]);
        body["signAlgo"] = json!(sign_algo);
        if let Some(h) = hash_algo {
            body["hashAlgo"] = json!(h);
        }
        assert_eq!(
            refused(&app, token, "v1/signatures/signHash", body).await,
            (400, "invalid_request".into()),
            "{sign_algo}"
        );
    }

    // extendTransaction keeps the SAD alive for a hash it still covers; both get signed.
    let (s, v) = csc(
        &app,
        token,
        "v1/credentials/extendTransaction",
        json!({"credentialID": credential, "SAD": sad2, "hash": [&hc]}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["SAD"], json!(sad2));
    let mut body = sign(sad2.clone(), vec![hb.clone(), hc.clone()]);
    body["signAlgo"] = json!("1.2.840.10045.2.1");
    body["hashAlgo"] = json!(SHA256);
    let (s, signed) = csc(&app, token, "v1/signatures/signHash", body).await;
    assert_eq!(s, 200, "{signed}");
    assert!(raw_verifies(
        dir.path(),
        doc_b,
        signed["signatures"][0].as_str().unwrap(),
        &[]
    ));
    assert_eq!(
        refused(
            &app,
            token,
            "v1/credentials/extendTransaction",
            json!({"credentialID": credential, "SAD": sad2, "hash": [&hc]})
        )
        .await
        .0,
        403,
        "a spent SAD is not extended"
    );

    // Every signature is kept and audited like the native API's.
    let kept: i64 = app
        .owner()
        .await
        .query_one(
            "SELECT count(*) FROM signatures WHERE format = 'raw' AND label = 'CSC signHash'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(kept, 3);
}

#[tokio::test]
async fn csc_authorize_refuses_wrong_codes_and_pins_and_a_missing_hash() {
    let app = spawn().await;
    let (sub, credential) = holder(&app, "Valletta").await;
    let token = Some(sub.access.as_str());
    let h = b64_sha256(b"lease");
    let (s, _) = csc(
        &app,
        token,
        "v1/credentials/sendOTP",
        json!({"credentialID": credential, "hash": [&h], "hashAlgo": "sha256"}),
    )
    .await;
    assert_eq!(s, 204);
    let code = last_code(&app, &sub.person.phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let authorize = |pin: &str, otp: &str| {
        json!({"credentialID": credential, "numSignatures": 1, "hash": [&h], "PIN": pin,
               "OTP": otp})
    };
    assert_eq!(
        refused(
            &app,
            token,
            "v1/credentials/authorize",
            authorize(PIN, wrong)
        )
        .await,
        (401, "invalid_otp".into())
    );
    assert_eq!(
        refused(
            &app,
            token,
            "v1/credentials/authorize",
            authorize("wrong-pin-1", &code)
        )
        .await,
        (401, "invalid_pin".into())
    );
    assert_eq!(
        refused(
            &app,
            token,
            "v1/credentials/authorize",
            json!({"credentialID": credential, "numSignatures": 1, "PIN": PIN, "OTP": code})
        )
        .await
        .0,
        400,
        "SCAL2: no hashes, no SAD"
    );
    assert_eq!(
        refused(
            &app,
            token,
            "v1/credentials/authorize",
            json!({"credentialID": credential, "numSignatures": 3, "hash": [&h], "PIN": PIN,
                   "OTP": code})
        )
        .await
        .0,
        400,
        "numSignatures disagrees with the hashes"
    );
    assert_eq!(
        refused(
            &app,
            token,
            "v1/credentials/authorize",
            json!("not an object")
        )
        .await
        .0,
        400
    );
    assert_eq!(
        refused(&app, token, "v2/signatures/signDoc", json!({}))
            .await
            .0,
        400
    );
    let (s, _) = csc(&app, token, "v3/info", json!({})).await;
    assert_eq!(s, 404, "no such edition");
    for (method, body) in [
        ("v1/credentials/list", json!({"maxResults": 0})),
        ("v1/credentials/list", json!({"pageToken": "not ours"})),
        (
            "v1/credentials/info",
            json!({"credentialID": credential, "certificates": "all"}),
        ),
        ("v1/credentials/info", json!({})),
        ("v1/auth/login", json!({})),
    ] {
        assert_eq!(
            refused(&app, token, method, body.clone()).await,
            (400, "invalid_request".into()),
            "{method} {body}"
        );
    }
}

#[tokio::test]
async fn csc_tokens_are_refreshed_and_revoked_and_a_password_alone_does_not_log_in() {
    let app = spawn().await;
    let sub = crate::support::accounts::subscriber(&app).await;
    let r = app
        .http
        .post(app.url("/csc/v1/auth/login"))
        .basic_auth(&sub.person.email, Some(PASSWORD))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(
        v["error_description"]
            .as_str()
            .unwrap()
            .contains("second factor"),
        "{v}"
    );

    let (s, fresh) = csc(
        &app,
        None,
        "v1/auth/login",
        json!({"refresh_token": sub.refresh}),
    )
    .await;
    assert_eq!(s, 200, "{fresh}");
    let access = fresh["access_token"].as_str().unwrap().to_owned();
    assert!(fresh["expires_in"].as_i64().unwrap() > 0);
    let (s, _) = csc(&app, Some(&access), "v1/credentials/list", json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(
        refused(
            &app,
            None,
            "v1/auth/login",
            json!({"refresh_token": sub.refresh})
        )
        .await
        .0,
        401,
        "a refresh token works once"
    );
    assert_eq!(
        refused(&app, Some(&access), "v1/credentials/list", json!({})).await,
        (401, "invalid_token".into()),
        "a reused refresh token ends its whole session"
    );

    let access = crate::support::accounts::login(&app, &sub.person)
        .await
        .access;

    let (s, _) = csc(
        &app,
        Some(&access),
        "v1/auth/revoke",
        json!({"token": "not-a-token"}),
    )
    .await;
    assert_eq!(s, 204, "RFC 7009: nothing to revoke is not an error");
    let (s, _) = csc(&app, Some(&access), "v1/credentials/list", json!({})).await;
    assert_eq!(s, 200);
    let (s, _) = csc(
        &app,
        Some(&access),
        "v1/auth/revoke",
        json!({"token": access}),
    )
    .await;
    assert_eq!(s, 204);
    assert_eq!(
        refused(&app, Some(&access), "v1/credentials/list", json!({})).await,
        (401, "invalid_token".into()),
        "the session has ended"
    );
}

#[tokio::test]
async fn csc_v2_signs_hashes_and_documents_as_cades_and_time_stamps() {
    let app = spawn().await;
    let (sub, credential) = holder(&app, "Riga").await;
    let token = Some(sub.access.as_str());
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;

    let (s, info) = csc(&app, None, "v2/info", json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(info["signature_formats"]["formats"], json!(["C"]));
    let (s, list) = csc(
        &app,
        token,
        "v2/credentials/list",
        json!({"credentialInfo": true, "certificates": "single", "onlyValid": true}),
    )
    .await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(
        list["credentialInfos"][0]["credentialID"],
        json!(credential)
    );
    assert_eq!(list["credentialInfos"][0]["auth"]["mode"], "explicit");

    // signHash with 2.0 names.
    let doc = b"Invoice 2026-11".as_slice();
    let h = b64_sha256(doc);
    let sad = sad_for(&app, &sub, &credential, &[&h]).await;
    let (s, signed) = csc(
        &app,
        token,
        "v2/signatures/signHash",
        json!({"credentialID": credential, "SAD": sad, "hashes": [&h],
               "hashAlgorithmOID": SHA256, "signAlgo": ECDSA_SHA256}),
    )
    .await;
    assert_eq!(s, 200, "{signed}");
    let (_, d) = csc(
        &app,
        token,
        "v2/credentials/info",
        json!({"credentialID": credential}),
    )
    .await;
    write_key(dir.path(), d["cert"]["certificates"][0].as_str().unwrap());
    assert!(raw_verifies(
        dir.path(),
        doc,
        signed["signatures"][0].as_str().unwrap(),
        &[]
    ));

    // signDoc over a digest: a detached CAdES-T that openssl verifies against the document.
    let report = "Quarterly report".as_bytes();
    let hr = b64_sha256(report);
    let sad = sad_for(&app, &sub, &credential, &[&hr]).await;
    let (s, v) = csc(
        &app,
        token,
        "v2/signatures/signDoc",
        json!({"credentialID": credential, "SAD": sad, "documentDigests": [{
            "hashes": [&hr], "hashAlgorithmOID": SHA256, "signature_format": "C",
            "conformance_level": "Ades-B-T", "signAlgo": ECDSA_SHA256,
            "signed_envelope_property": "Detached"}]}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let p7s = STANDARD
        .decode(v["SignatureObject"][0].as_str().unwrap())
        .unwrap();
    std::fs::write(dir.path().join("report.p7s"), &p7s).unwrap();
    std::fs::write(dir.path().join("report.txt"), report).unwrap();
    let (ok, out) = cms_verify_detached(dir.path(), "report.p7s", "report.txt", &["-cades"]);
    assert!(ok, "{out}");
    let printed = cms_printed(dir.path(), "report.p7s");
    assert!(
        printed.contains("id-smime-aa-timeStampToken"),
        "CAdES-T carries the time-stamp"
    );

    // signDoc with the document inline: an attached CAdES-BES carrying it.
    let letter = "Письмо в консульство".as_bytes();
    let sad = sad_for(&app, &sub, &credential, &[&b64_sha256(letter)]).await;
    let (s, v) = csc(
        &app,
        token,
        "v2/signatures/signDoc",
        json!({"credentialID": credential, "SAD": sad, "documents": [{
            "document": STANDARD.encode(letter), "signature_format": "C",
            "conformance_level": "Ades-B-B", "signAlgo": ECDSA_SHA256,
            "signed_envelope_property": "Attached"}]}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let attached = STANDARD
        .decode(v["DocumentWithSignature"][0].as_str().unwrap())
        .unwrap();
    std::fs::write(dir.path().join("letter.p7m"), &attached).unwrap();
    openssl_ok(
        dir.path(),
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "letter.p7m",
            "-CAfile",
            "root.pem",
            "-out",
            "letter.out",
        ],
    );
    assert_eq!(
        std::fs::read(dir.path().join("letter.out")).unwrap(),
        letter
    );

    // PAdES is not built here (signHash serves PDF clients); an unknown level is refused.
    for (format, level) in [("P", "Ades-B-B"), ("C", "Ades-B-LTA")] {
        assert_eq!(
            refused(
                &app,
                token,
                "v2/signatures/signDoc",
                json!({"credentialID": credential, "SAD": "x", "documentDigests": [{
                    "hashes": [&hr], "hashAlgorithmOID": SHA256, "signature_format": format,
                    "conformance_level": level, "signAlgo": ECDSA_SHA256}]}),
            )
            .await,
            (400, "invalid_request".into()),
            "{format} {level}"
        );
    }

    // A time-stamp over a hash, with the caller's nonce, that openssl verifies.
    let (s, v) = csc(
        &app,
        token,
        "v2/signatures/timestamp",
        json!({"hash": &h, "hashAlgorithmOID": SHA256, "nonce": "8f3a5c"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    std::fs::write(
        dir.path().join("token.der"),
        STANDARD.decode(v["timestamp"].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    let digest = hex::encode(Sha256::digest(doc));
    openssl_ok(
        dir.path(),
        &[
            "ts",
            "-verify",
            "-digest",
            &digest,
            "-in",
            "token.der",
            "-token_in",
            "-CAfile",
            "root.pem",
            "-untrusted",
            "issuing.pem",
        ],
    );
    let printed = openssl_ok(
        dir.path(),
        &["ts", "-reply", "-in", "token.der", "-token_in", "-text"],
    );
    assert!(printed.contains("0x8F3A5C"), "{printed}");
    assert_eq!(
        refused(
            &app,
            token,
            "v2/signatures/timestamp",
            json!({"hash": "AAAA", "hashAlgorithmOID": SHA256})
        )
        .await
        .0,
        400
    );
}

/// Enrol an authenticator app for `sub`; its TOTP secret.
pub(crate) async fn enrol_totp(app: &TestApp, sub: &Session) -> String {
    let r = crate::support::accounts::post_as(
        app,
        "/api/v1/me/totp",
        &sub.access,
        json!({"password": PASSWORD}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let secret = r.json::<Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = crate::support::accounts::post_as(
        app,
        "/api/v1/me/totp/confirm",
        &sub.access,
        json!({"code": totp_now(&secret)}),
    )
    .await;
    assert_eq!(r.status(), 200);
    secret
}

/// Have pyHanko's unmodified `CSCSigner` sign a one-page PDF (`in.pdf` → `out.pdf` in `dir`,
/// next to the chain) with the credential, authorising with the PIN and a TOTP code from
/// `secret`; `padding` `pss` makes it prefer RSASSA-PSS. pyHanko's verdict on its signature,
/// asserted intact, valid, trusted and covering the whole file.
pub(crate) async fn pyhanko_signs(
    app: &TestApp,
    sub: &Session,
    credential: &str,
    secret: &str,
    dir: &Path,
    padding: &str,
) -> Value {
    let python = std::env::var("CLOUDSEAL_TEST_PYTHON").expect(
        "CLOUDSEAL_TEST_PYTHON names the Python of the pyHanko venv (scripts/test.sh makes it)",
    );
    write_chain(app, dir).await;
    let mut sheet = cloudseal::pdf::Sheet::new("Power of attorney");
    sheet
        .title("Power of attorney")
        .unwrap()
        .text("I authorise my representative to collect the parcel.")
        .unwrap();
    std::fs::write(dir.join("in.pdf"), sheet.finish().unwrap()).unwrap();

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pyhanko/sign_pdf.py");
    let out = tokio::process::Command::new(&python)
        .current_dir(dir)
        .args([
            script,
            &app.url(""),
            &sub.access,
            credential,
            PIN,
            secret,
            "root.pem",
            "in.pdf",
            "out.pdf",
            padding,
        ])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "pyHanko failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verdict: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(verdict["intact"], true, "{verdict}");
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert_eq!(verdict["trusted"], true, "{verdict}");
    assert_eq!(verdict["coverage"], "ENTIRE_FILE", "{verdict}");
    verdict
}

/// The current TOTP code of a seed (what the holder's authenticator app shows).
fn totp_now(secret: &str) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .unwrap();
    totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        None,
        String::new(),
    )
    .unwrap()
    .generate_current()
    .unwrap()
}

/// The bytes a PDF signature covers (its `/ByteRange`) and its CMS (the `/Contents`, without
/// the padding after the DER).
pub(crate) fn pdf_signature(pdf: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let find = |needle: &[u8], from: usize| {
        from + pdf[from..]
            .windows(needle.len())
            .position(|w| w == needle)
            .expect("in the PDF")
    };
    let at = find(b"/ByteRange", 0);
    let (open, close) = (find(b"[", at), find(b"]", at));
    let range: Vec<usize> = std::str::from_utf8(&pdf[open + 1..close])
        .unwrap()
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(range.len(), 4);
    assert_eq!(
        range[2] + range[3],
        pdf.len(),
        "the signature covers the whole file"
    );
    let mut signed = pdf[range[0]..range[0] + range[1]].to_vec();
    signed.extend_from_slice(&pdf[range[2]..range[2] + range[3]]);
    let hex_text = &pdf[range[0] + range[1] + 1..range[2] - 1];
    let der = hex::decode(hex_text).unwrap();
    assert_eq!(der[0], 0x30);
    let len = match der[1] {
        n if n < 0x80 => usize::from(n) + 2,
        0x81 => usize::from(der[2]) + 3,
        0x82 => (usize::from(der[2]) << 8 | usize::from(der[3])) + 4,
        0x83 => (usize::from(der[2]) << 16 | usize::from(der[3]) << 8 | usize::from(der[4])) + 5,
        other => panic!("length form {other:#x}"),
    };
    (signed, der[..len].to_vec())
}

#[tokio::test]
async fn pyhanko_csc_signer_signs_a_pdf_through_the_csc_api_unmodified() {
    let app = spawn().await;
    let (sub, credential) = holder(&app, "Tallinn").await;

    // The holder signs with an authenticator app: pyHanko's authorisation sends its code.
    let secret = enrol_totp(&app, &sub).await;
    assert_eq!(
        refused(
            &app,
            Some(&sub.access),
            "v1/credentials/sendOTP",
            json!({"credentialID": credential})
        )
        .await,
        (400, "invalid_request".into()),
        "an authenticator user is sent nothing"
    );

    let dir = tempfile::tempdir().unwrap();
    let verdict = pyhanko_signs(&app, &sub, &credential, &secret, dir.path(), "").await;
    assert_eq!(verdict["md_algorithm"], "sha256", "{verdict}");

    // openssl agrees: the CMS in the PDF verifies over the signed byte ranges, and its signer
    // is the holder's credential.
    let pdf = std::fs::read(dir.path().join("out.pdf")).unwrap();
    let (signed, cms) = pdf_signature(&pdf);
    std::fs::write(dir.path().join("signed.bin"), signed).unwrap();
    std::fs::write(dir.path().join("pades.p7s"), cms).unwrap();
    let (ok, said) = cms_verify_detached(
        dir.path(),
        "pades.p7s",
        "signed.bin",
        &["-signer", "signer.pem"],
    );
    assert!(ok, "{said}");
    let signer = std::fs::read_to_string(dir.path().join("signer.pem")).unwrap();
    let (_, d) = csc(
        &app,
        Some(&sub.access),
        "v1/credentials/info",
        json!({"credentialID": credential}),
    )
    .await;
    let cert = STANDARD
        .decode(d["cert"]["certificates"][0].as_str().unwrap())
        .unwrap();
    assert_eq!(signer.trim(), cloudseal::pki::to_pem(&cert).trim());

    // The service kept the signature and audited the hash pyHanko sent.
    let kept: i64 = app
        .owner()
        .await
        .query_one(
            "SELECT count(*) FROM signatures WHERE label = 'CSC signHash'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(kept, 1);
}
