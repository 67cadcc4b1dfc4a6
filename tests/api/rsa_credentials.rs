//! Credentials with RSA keys, chosen at activation: RSASSA-PKCS1-v1_5 and RSASSA-PSS, raw and
//! inside CAdES, through the native API and through CSC (`signAlgo` with `signAlgoParams`, and
//! pyHanko's unmodified `CSCSigner` preferring PSS for a PAdES signature),
//! each signature checked by openssl; a refused request leaves its SAD unspent; a reissue
//! keeps the kind of key.

use crate::csc::{
    b64_sha256, csc, enrol_totp, pdf_signature, pyhanko_signs, refused as csc_refused, sad_for,
    write_key,
};
use crate::support::accounts::{Session, get_as, post_as, problem};
use crate::support::pki::{
    cms_printed, cms_verify_detached, openssl_ok, raw_verifies, write_chain,
};
use crate::support::registration::{
    PIN, activate_with, authorise, confirmation, holder, holder_of, identified, marker,
};
use crate::support::{TestApp, spawn};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use std::path::Path;

const RSA_SHA256: &str = "1.2.840.113549.1.1.11";
const RSA_PSS: &str = "1.2.840.113549.1.1.10";
const SHA256: &str = "2.16.840.1.101.3.4.2.1";
/// RSASSA-PSS-params, DER: SHA-256, MGF1 with SHA-256, a salt of 32 bytes (the last byte).
const PSS_SHA256: &str = "3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108\
                          300d06096086480165030402010500a203020120";

fn pss_params(hex_der: &str) -> String {
    STANDARD.encode(hex::decode(hex_der).unwrap())
}

/// Whether openssl verifies the raw RSA signature `sig_b64` over the SHA-256 of `doc` with
/// `pub.pem` in `dir`: as RSASSA-PSS with a salt of `pss_salt` bytes, or as PKCS#1 v1.5.
fn rsa_verifies(dir: &Path, doc: &[u8], sig_b64: &str, pss_salt: Option<u16>) -> bool {
    let salt = pss_salt.map(|n| format!("rsa_pss_saltlen:{n}"));
    let mut options = vec!["-pkeyopt", "digest:sha256"];
    if let Some(salt) = &salt {
        options.extend(["-pkeyopt", "rsa_padding_mode:pss", "-pkeyopt", salt]);
    }
    raw_verifies(dir, doc, sig_b64, &options)
}

/// RSASSA-PSS-params for SHA-256 with a salt of `salt_len` bytes (DER, hex).
fn pss_sha256_salt(salt_len: u16) -> String {
    let common = &PSS_SHA256[4..PSS_SHA256.len() - 10];
    let salt = match salt_len {
        0..=0x7f => format!("a2030201{salt_len:02x}"),
        _ => format!("a2040202{salt_len:04x}"),
    };
    format!("30{:02x}{common}{salt}", (common.len() + salt.len()) / 2)
}

/// Assert `r` is a 400 problem whose detail says `words`.
async fn refused_saying(r: reqwest::Response, words: &str) {
    let (status, _, body) = problem(r).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains(words),
        "{words}: {body}"
    );
}

/// A holder's SAD for one credential, signing SHA-256 hashes through `POST /api/v1/signatures`.
struct Grant<'a> {
    app: &'a TestApp,
    who: &'a Session,
    credential: &'a str,
    sad: &'a str,
}

impl Grant<'_> {
    /// Sign `hashes` with the extra members of `shape`.
    async fn sign(&self, hashes: &[&str], shape: Value) -> reqwest::Response {
        let mut body = json!({"credential": self.credential, "sad": self.sad,
                              "hash_algorithm": "sha256", "hashes": hashes});
        if let Value::Object(members) = shape {
            for (k, v) in members {
                body[k] = v;
            }
        }
        post_as(self.app, "/api/v1/signatures", &self.who.access, body).await
    }
}

/// The credential's certificate written as `cert.pem` and its key as `pub.pem` in `dir`; the
/// text openssl prints of the certificate.
async fn write_credential(app: &TestApp, who: &Session, credential: &str, dir: &Path) -> String {
    let c: Value = get_as(
        app,
        &format!("/api/v1/credentials/{credential}"),
        &who.access,
    )
    .await
    .json()
    .await
    .unwrap();
    write_key(dir, c["certificate"].as_str().unwrap());
    openssl_ok(dir, &["x509", "-in", "cert.pem", "-noout", "-text"])
}

#[tokio::test]
async fn activation_makes_the_kind_of_key_chosen_and_refuses_one_the_vault_does_not_keep() {
    let app = spawn().await;
    let (sub, _, id) = identified(&app, "Limassol").await;
    let m = marker(&app, &sub.person.phone).await;
    for bad in ["ed25519", "rsa_1024", "gost2012_256"] {
        let r = activate_with(
            &app,
            &sub,
            &id,
            &m,
            json!({"pin": PIN, "key_algorithm": bad}),
        )
        .await;
        refused_saying(r, "`rsa_3072`").await;
    }
    let r = activate_with(
        &app,
        &sub,
        &id,
        &m,
        json!({"pin": PIN, "key_algorithm": "rsa_3072"}),
    )
    .await;
    assert_eq!(r.status(), 201, "the marker was not spent by the refusals");
    let cert: Value = r.json().await.unwrap();
    let credential = cert["id"].as_str().unwrap();
    let listed: Value = get_as(
        &app,
        &format!("/api/v1/credentials/{credential}"),
        &sub.access,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(listed["key_algorithm"], "rsa_3072");
    let dir = tempfile::tempdir().unwrap();
    let text = write_credential(&app, &sub, credential, dir.path()).await;
    assert!(
        text.contains("rsaEncryption") && text.contains("(3072 bit)"),
        "{text}"
    );

    // CSC describes the key and offers both RSA schemes for it.
    let (s, info) = csc(
        &app,
        Some(&sub.access),
        "v1/credentials/info",
        json!({"credentialID": credential}),
    )
    .await;
    assert_eq!(s, 200, "{info}");
    assert_eq!(info["key"]["len"], 3072);
    let algos = info["key"]["algo"].as_array().unwrap();
    assert!(algos.contains(&json!(RSA_SHA256)) && algos.contains(&json!(RSA_PSS)));
}

#[tokio::test]
async fn the_native_api_signs_with_an_rsa_key_as_pkcs1_or_pss_raw_and_in_cades() {
    let app = spawn().await;
    let (sub, credential) = holder_of(&app, "Larnaca", "rsa_2048").await;
    let (ec_sub, ec_credential) = holder(&app, "Paphos").await;
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    write_credential(&app, &sub, &credential, dir.path()).await;
    let docs: [&[u8]; 3] = [b"Lease, flat 4", b"Lease, annex 1", b"Lease, annex 2"];
    let hashes: Vec<String> = docs.iter().map(|d| b64_sha256(d)).collect();
    let h: Vec<&str> = hashes.iter().map(String::as_str).collect();
    let sad = authorise(&app, &sub, &credential, &h).await;
    let grant = Grant {
        app: &app,
        who: &sub,
        credential: &credential,
        sad: &sad,
    };

    // Refused before anything is spent: an unknown padding.
    let r = grant.sign(&h[..1], json!({"rsa_padding": "oaep"})).await;
    refused_saying(r, "rsa_padding").await;

    let r = grant.sign(&h[..1], json!({"format": "raw"})).await;
    assert_eq!(r.status(), 201);
    let pkcs1: Value = r.json().await.unwrap();
    assert_eq!(pkcs1[0]["signature_algorithm"], RSA_SHA256);
    let sig = pkcs1[0]["signature"].as_str().unwrap();
    assert!(rsa_verifies(dir.path(), docs[0], sig, None));
    assert!(!rsa_verifies(dir.path(), docs[0], sig, Some(32)));

    let r = grant
        .sign(&h[1..2], json!({"format": "raw", "rsa_padding": "pss"}))
        .await;
    assert_eq!(r.status(), 201);
    let pss: Value = r.json().await.unwrap();
    assert_eq!(pss[0]["signature_algorithm"], RSA_PSS);
    let sig = pss[0]["signature"].as_str().unwrap();
    assert!(rsa_verifies(dir.path(), docs[1], sig, Some(32)));
    assert!(!rsa_verifies(dir.path(), docs[1], sig, None));
    assert!(
        !rsa_verifies(dir.path(), docs[0], sig, Some(32)),
        "over its own hash only"
    );

    // CAdES with RSASSA-PSS: openssl verifies it against the document and names the scheme.
    let r = grant
        .sign(&h[2..], json!({"format": "cms", "rsa_padding": "pss"}))
        .await;
    assert_eq!(r.status(), 201);
    let cms: Value = r.json().await.unwrap();
    assert_eq!(cms[0]["signature_algorithm"], RSA_PSS);
    std::fs::write(dir.path().join("c.txt"), docs[2]).unwrap();
    std::fs::write(
        dir.path().join("c.p7s"),
        STANDARD
            .decode(cms[0]["signature"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    let (ok, out) = cms_verify_detached(dir.path(), "c.p7s", "c.txt", &["-cades"]);
    assert!(ok, "{out}");
    let printed = cms_printed(dir.path(), "c.p7s");
    assert!(printed.contains("rsassaPss"), "{printed}");

    // RSASSA-PSS from an ECDSA key is refused, and its SAD still signs afterwards.
    let ec_hash = b64_sha256(b"Receipt 9");
    let ec_sad = authorise(&app, &ec_sub, &ec_credential, &[&ec_hash]).await;
    let ec_grant = Grant {
        app: &app,
        who: &ec_sub,
        credential: &ec_credential,
        sad: &ec_sad,
    };
    let pss_shape = json!({"format": "raw", "rsa_padding": "pss"});
    let r = ec_grant.sign(&[&ec_hash], pss_shape).await;
    refused_saying(r, "RSASSA-PSS needs an RSA key").await;
    let r = ec_grant.sign(&[&ec_hash], json!({"format": "raw"})).await;
    assert_eq!(r.status(), 201, "the refusal spent nothing");

    // A reissue makes the new key of the same kind.
    let path = format!("/api/v1/me/certificates/{credential}/reissue");
    let (handle, code) = confirmation(&app, &sub, &format!("{path}/confirmation")).await;
    let r = post_as(
        &app,
        &path,
        &sub.access,
        json!({"pin": PIN, "new_pin": "tundra-4826", "confirmation": handle, "code": code}),
    )
    .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let new: Value = r.json().await.unwrap();
    std::fs::write(dir.path().join("new.pem"), new["pem"].as_str().unwrap()).unwrap();
    let text = openssl_ok(dir.path(), &["x509", "-in", "new.pem", "-noout", "-text"]);
    assert!(
        text.contains("rsaEncryption") && text.contains("(2048 bit)"),
        "{text}"
    );
}

#[tokio::test]
async fn csc_signs_with_rsassa_pss_given_its_parameters_and_refuses_others() {
    let app = spawn().await;
    let (sub, credential) = holder_of(&app, "Kyrenia", "rsa_2048").await;
    let token = Some(sub.access.as_str());
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    write_credential(&app, &sub, &credential, dir.path()).await;
    let doc = b"Power of attorney 12".as_slice();
    let h = b64_sha256(doc);
    let sad = sad_for(&app, &sub, &credential, &[&h]).await;
    let sign_hash = |algo: &str, params: Option<String>, hash_algo: &str| {
        let mut body = json!({"credentialID": credential, "SAD": sad, "hash": [&h],
                              "hashAlgo": hash_algo, "signAlgo": algo});
        if let Some(p) = params {
            body["signAlgoParams"] = json!(p);
        }
        body
    };

    // Refusals, none of which spends the SAD's one use.
    assert_eq!(pss_sha256_salt(32), PSS_SHA256);
    let refusals = [
        (sign_hash(RSA_PSS, None, SHA256), "no parameters"),
        (sign_hash(RSA_PSS, Some("%%%".into()), SHA256), "not base64"),
        (
            sign_hash(RSA_PSS, Some(pss_params("0500")), SHA256),
            "not PSS params",
        ),
        (
            sign_hash(RSA_PSS, Some(pss_params(&pss_sha256_salt(223))), SHA256),
            "a salt longer than a 2048-bit key has room for",
        ),
        (
            sign_hash(
                RSA_PSS,
                Some(pss_params(PSS_SHA256)),
                "2.16.840.1.101.3.4.2.2",
            ),
            "hashAlgo names SHA-384",
        ),
        (
            sign_hash("1.2.840.10045.4.3.2", None, SHA256),
            "an ECDSA algorithm",
        ),
    ];
    for (body, why) in refusals {
        let (status, error) = csc_refused(&app, token, "v1/signatures/signHash", body).await;
        assert_eq!((status, error.as_str()), (400, "invalid_request"), "{why}");
    }

    // The longest salt the key has room for, as pyHanko asks: signed with exactly that salt.
    let (s, v) = csc(
        &app,
        token,
        "v1/signatures/signHash",
        sign_hash(RSA_PSS, Some(pss_params(&pss_sha256_salt(222))), SHA256),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let sig = v["signatures"][0].as_str().unwrap();
    assert!(rsa_verifies(dir.path(), doc, sig, Some(222)));
    assert!(!rsa_verifies(dir.path(), doc, sig, Some(32)));
    assert!(!rsa_verifies(dir.path(), doc, sig, None));

    // signDoc: a detached CAdES signed with RSASSA-PSS.
    let report = b"Annual statement".as_slice();
    let hr = b64_sha256(report);
    let sad = sad_for(&app, &sub, &credential, &[&hr]).await;
    let (s, v) = csc(
        &app,
        token,
        "v2/signatures/signDoc",
        json!({"credentialID": credential, "SAD": sad, "documentDigests": [{
            "hashes": [&hr], "hashAlgorithmOID": SHA256, "signature_format": "C",
            "signAlgo": RSA_PSS, "signAlgoParams": pss_params(PSS_SHA256)}]}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    std::fs::write(dir.path().join("r.txt"), report).unwrap();
    std::fs::write(
        dir.path().join("r.p7s"),
        STANDARD
            .decode(v["SignatureObject"][0].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    let (ok, out) = cms_verify_detached(dir.path(), "r.p7s", "r.txt", &[]);
    assert!(ok, "{out}");
    let printed = cms_printed(dir.path(), "r.p7s");
    assert!(printed.contains("rsassaPss"), "{printed}");
}

#[tokio::test]
async fn pyhanko_signs_a_pdf_with_rsassa_pss_through_csc_unmodified() {
    let app = spawn().await;
    let (sub, credential) = holder_of(&app, "Famagusta", "rsa_2048").await;
    let secret = enrol_totp(&app, &sub).await;
    let dir = tempfile::tempdir().unwrap();
    let verdict = pyhanko_signs(&app, &sub, &credential, &secret, dir.path(), "pss").await;
    assert_eq!(
        verdict["pkcs7_signature_mechanism"], "rsassa_pss",
        "{verdict}"
    );

    // openssl agrees: the PAdES CMS verifies over the signed byte ranges, signed with PSS.
    let pdf = std::fs::read(dir.path().join("out.pdf")).unwrap();
    let (signed, cms) = pdf_signature(&pdf);
    std::fs::write(dir.path().join("signed.bin"), signed).unwrap();
    std::fs::write(dir.path().join("pades.p7s"), cms).unwrap();
    let (ok, said) = cms_verify_detached(dir.path(), "pades.p7s", "signed.bin", &[]);
    assert!(ok, "{said}");
    let printed = cms_printed(dir.path(), "pades.p7s");
    assert!(printed.contains("rsassaPss"), "{printed}");

    // The service kept the raw signature under the algorithm pyHanko asked for.
    let kept: Vec<Option<String>> = app
        .owner()
        .await
        .query(
            "SELECT signature_algorithm FROM signatures WHERE label = 'CSC signHash'",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(kept, vec![Some(RSA_PSS.to_owned())]);
}
