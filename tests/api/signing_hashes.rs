//! The holder's native signing API: credentials, a confirmation naming the hashes, an
//! authorisation bound to them, and signatures over them — detached CMS checked by
//! `openssl cms`, raw ECDSA checked by `openssl pkeyutl` — with every refusal.

use crate::support::accounts::{get_as, last_code, post_as, problem, subscriber};
use crate::support::pki::{cms_verify_detached, openssl_ok, write_chain};
use crate::support::registration::*;
use crate::support::{TestApp, spawn};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const DOC_A: &[u8] = "Договор поставки № 17\n".as_bytes();
const DOC_B: &[u8] = b"Annex B: delivery schedule\n";

fn h(doc: &[u8]) -> String {
    STANDARD.encode(Sha256::digest(doc))
}

async fn sign(
    app: &TestApp,
    who: &crate::support::accounts::Session,
    credential: &str,
    sad: &str,
    hashes: &[&str],
    format: &str,
) -> reqwest::Response {
    post_as(
        app,
        "/api/v1/signatures",
        &who.access,
        json!({"credential": credential, "sad": sad, "hash_algorithm": "sha256",
               "hashes": hashes, "format": format, "label": "contract 17"}),
    )
    .await
}

#[tokio::test]
async fn hashes_are_signed_as_detached_cms_and_raw_and_openssl_verifies_both() {
    let app = spawn().await;
    let (sub, credential) = holder(&app, "Prague").await;

    let creds: Value = get_as(&app, "/api/v1/credentials", &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(creds.as_array().unwrap().len(), 1);
    assert_eq!(creds[0]["id"], json!(credential));
    assert_eq!(creds[0]["can_sign"], true);
    assert_eq!(creds[0]["key_algorithm"], "ecdsa_p256");

    // The SMS names the certificate and the first bytes of each hash.
    let (ha, hb) = (h(DOC_A), h(DOC_B));
    let r = post_as(
        &app,
        &format!("/api/v1/credentials/{credential}/confirmation"),
        &sub.access,
        json!({"hash_algorithm": "2.16.840.1.101.3.4.2.1", "hashes": [&ha, &hb]}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let sms = crate::support::accounts::outbox(&app, &sub.person.phone).await;
    let first = hex::encode(&Sha256::digest(DOC_A)[..4]);
    assert!(sms[0].contains(&first), "{}", sms[0]);
    assert!(sms[0].contains("2 document hash"), "{}", sms[0]);

    let sad = authorise(&app, &sub, &credential, &[&ha, &hb]).await;
    let r = sign(&app, &sub, &credential, &sad, &[&ha], "cms").await;
    assert_eq!(r.status(), 201);
    let cms: Value = r.json().await.unwrap();
    let r = sign(&app, &sub, &credential, &sad, &[&hb], "raw").await;
    assert_eq!(r.status(), 201);
    let raw: Value = r.json().await.unwrap();
    assert_eq!(raw[0]["signature_algorithm"], "1.2.840.10045.4.3.2");
    assert_eq!(cms[0]["signature_algorithm"], "1.2.840.10045.4.3.2");

    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(dir.path().join("a.txt"), DOC_A).unwrap();
    std::fs::write(dir.path().join("b.txt"), DOC_B).unwrap();
    let id = cms[0]["id"].as_str().unwrap();
    let r = get_as(&app, &format!("/api/v1/signatures/{id}/p7s"), &sub.access).await;
    assert_eq!(r.headers()["content-type"], "application/pkcs7-signature");
    std::fs::write(dir.path().join("a.p7s"), r.bytes().await.unwrap()).unwrap();
    let (ok, out) = cms_verify_detached(dir.path(), "a.p7s", "a.txt", &["-cades"]);
    assert!(ok && out.contains("Verification successful"), "{out}");
    let (ok, _) = cms_verify_detached(dir.path(), "a.p7s", "b.txt", &[]);
    assert!(!ok, "the signature is over document A only");

    // The raw signature verifies with the certificate's public key over the hash.
    let cert = STANDARD
        .decode(creds[0]["certificate"].as_str().unwrap())
        .unwrap();
    std::fs::write(dir.path().join("cert.pem"), cloudseal::pki::to_pem(&cert)).unwrap();
    openssl_ok(
        dir.path(),
        &[
            "x509", "-in", "cert.pem", "-pubkey", "-noout", "-out", "pub.pem",
        ],
    );
    std::fs::write(dir.path().join("b.sha256"), Sha256::digest(DOC_B)).unwrap();
    std::fs::write(
        dir.path().join("b.sig"),
        STANDARD
            .decode(raw[0]["signature"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    let out = openssl_ok(
        dir.path(),
        &[
            "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-in", "b.sha256", "-sigfile",
            "b.sig",
        ],
    );
    assert!(out.contains("Signature Verified Successfully"), "{out}");
    assert_eq!(
        get_as(
            &app,
            &format!("/api/v1/signatures/{}/p7s", raw[0]["id"].as_str().unwrap()),
            &sub.access
        )
        .await
        .status(),
        404,
        "a raw signature has no .p7s"
    );

    // Both are listed, newest first; the SAD is spent.
    let list: Value = get_as(&app, "/api/v1/signatures", &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["label"], "contract 17");
    let r = sign(&app, &sub, &credential, &sad, &[&ha], "cms").await;
    assert_eq!(problem(r).await.1, "sad-refused", "spent");
    let audit: i64 = app
        .owner()
        .await
        .query_one(
            "SELECT count(*) FROM audit_entries \
             WHERE action = 'signature.create' AND actor_id = $1 AND details LIKE $2",
            &[
                &sub.person.id,
                &format!("%{}%", hex::encode(Sha256::digest(DOC_A))),
            ],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        audit, 1,
        "the signing of A is in the audit trail with its hash"
    );
}

#[tokio::test]
async fn signing_refuses_wrong_secrets_other_hashes_and_other_peoples_objects() {
    let app = spawn().await;
    let (sub, credential) = holder(&app, "Vienna").await;
    let other = subscriber(&app).await;
    let (ha, hb) = (h(DOC_A), h(DOC_B));
    let confirm = |hashes: Vec<String>| {
        let (app, sub, credential) = (&app, &sub, &credential);
        async move {
            let r = post_as(
                app,
                &format!("/api/v1/credentials/{credential}/confirmation"),
                &sub.access,
                json!({"hash_algorithm": "sha256", "hashes": hashes}),
            )
            .await;
            assert_eq!(r.status(), 201);
            let v: Value = r.json().await.unwrap();
            let code = last_code(app, &sub.person.phone).await;
            (v["confirmation"].as_str().unwrap().to_owned(), code)
        }
    };
    let path = format!("/api/v1/credentials/{credential}/authorise");
    let body = |pin: &str, handle: &str, code: &str, hashes: &[&str]| {
        json!({"pin": pin, "confirmation": handle, "code": code,
               "hash_algorithm": "sha256", "hashes": hashes})
    };

    // Input errors: 400 with a reason, nothing started.
    for (alg, hashes, why) in [
        ("md5", vec![ha.clone()], "unsupported hash algorithm"),
        ("1.2.3.4", vec![ha.clone()], "unsupported hash algorithm"),
        ("sha256", vec![STANDARD.encode([1u8; 20])], "has 20 bytes"),
        ("sha256", vec!["%%%".into()], "not base64"),
        ("sha256", vec![], "1 to 1000"),
    ] {
        let r = post_as(
            &app,
            &format!("/api/v1/credentials/{credential}/confirmation"),
            &sub.access,
            json!({"hash_algorithm": alg, "hashes": hashes}),
        )
        .await;
        let (status, _, b) = problem(r).await;
        assert_eq!(status, 400, "{alg}");
        assert!(b["detail"].as_str().unwrap().contains(why), "{b}");
    }

    // Another person's credential is not found anywhere.
    for p in [
        format!("/api/v1/credentials/{credential}"),
        "/api/v1/credentials/not-a-uuid".to_owned(),
    ] {
        assert_eq!(get_as(&app, &p, &other.access).await.status(), 404);
    }
    let r = post_as(
        &app,
        &format!("/api/v1/credentials/{credential}/confirmation"),
        &other.access,
        json!({"hash_algorithm": "sha256", "hashes": [&ha]}),
    )
    .await;
    assert_eq!(problem(r).await.0, 404);

    // A wrong one-time code, a code for other hashes, a wrong PIN.
    let (handle, code) = confirm(vec![ha.clone()]).await;
    let r = post_as(
        &app,
        &path,
        &sub.access,
        body(PIN, &handle, "000000", &[&ha]),
    )
    .await;
    assert_eq!(problem(r).await.0, 401, "wrong code");
    let (handle, code2) = confirm(vec![ha.clone()]).await;
    assert_ne!(code, code2);
    let r = post_as(&app, &path, &sub.access, body(PIN, &handle, &code2, &[&hb])).await;
    assert_eq!(
        problem(r).await.0,
        401,
        "a code confirms only the hashes it named"
    );
    let (handle, code) = confirm(vec![ha.clone()]).await;
    let r = post_as(
        &app,
        &path,
        &sub.access,
        body("wrong-pin-1", &handle, &code, &[&ha]),
    )
    .await;
    let (status, slug, _) = problem(r).await;
    assert_eq!((status, slug.as_str()), (401, "wrong-pin"));

    // A good authorisation for A only.
    let sad = authorise(&app, &sub, &credential, &[&ha]).await;
    let r = sign(&app, &sub, &credential, &sad, &[&hb], "cms").await;
    let (status, slug, _) = problem(r).await;
    assert_eq!(
        (status, slug.as_str()),
        (403, "sad-refused"),
        "other hashes"
    );
    let r = sign(&app, &other, &credential, &sad, &[&ha], "cms").await;
    assert_eq!(
        problem(r).await.0,
        404,
        "another person's credential and SAD"
    );
    let r = sign(&app, &sub, &credential, &sad, &[&ha], "pdf").await;
    assert_eq!(problem(r).await.0, 400, "unknown format");
    let r = sign(&app, &sub, &credential, &sad, &[&ha], "cms").await;
    assert_eq!(r.status(), 201, "the refusals spent nothing");
    let made: Value = r.json().await.unwrap();
    let id = made[0]["id"].as_str().unwrap();
    assert_eq!(
        get_as(&app, &format!("/api/v1/signatures/{id}"), &other.access)
            .await
            .status(),
        404,
        "another person's signature"
    );

    for bad in ["limit=0", "limit=201", "offset=-1", "limit=x"] {
        let r = get_as(&app, &format!("/api/v1/signatures?{bad}"), &sub.access).await;
        assert_eq!(problem(r).await.0, 400, "{bad}");
    }
    let r = get_as(&app, "/api/v1/signatures/not-an-id/p7s", &sub.access).await;
    assert_eq!(problem(r).await.0, 404);

    // A revoked certificate authorises nothing.
    let (handle, code) = confirmation(
        &app,
        &sub,
        &format!("/api/v1/me/certificates/{credential}/revocation/confirmation"),
    )
    .await;
    ok(
        &app,
        &format!("/api/v1/me/certificates/{credential}/revoke"),
        &sub.access,
        json!({"reason": "keyCompromise", "confirmation": handle, "code": code}),
    )
    .await;
    let r = post_as(
        &app,
        &format!("/api/v1/credentials/{credential}/confirmation"),
        &sub.access,
        json!({"hash_algorithm": "sha256", "hashes": [&ha]}),
    )
    .await;
    let (status, _, b) = problem(r).await;
    assert_eq!(status, 409);
    assert!(b["detail"].as_str().unwrap().contains("revoked"), "{b}");
    let creds: Value = get_as(&app, "/api/v1/credentials", &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(creds[0]["status"], "revoked");
    assert_eq!(creds[0]["can_sign"], false);
}

#[tokio::test]
async fn a_sad_signs_only_with_the_credential_it_was_granted_for() {
    let app = spawn().await;
    let point = desk(&app, "Bratislava").await;
    let op = officer(&app, point).await;
    let sub = subscriber(&app).await;
    let (_, first) = active_certificate(&app, &sub, &op, point).await;
    let (_, second) = active_certificate(&app, &sub, &op, point).await;
    let (first, second) = (
        first["id"].as_str().unwrap(),
        second["id"].as_str().unwrap(),
    );
    let ha = h(DOC_A);
    let sad = authorise(&app, &sub, first, &[&ha]).await;
    let r = sign(&app, &sub, second, &sad, &[&ha], "cms").await;
    let (status, slug, _) = problem(r).await;
    assert_eq!(
        (status, slug.as_str()),
        (403, "sad-refused"),
        "the holder's other key"
    );
    let r = sign(&app, &sub, first, &sad, &[&ha], "cms").await;
    assert_eq!(r.status(), 201, "the refusal spent nothing");
}

#[tokio::test]
async fn a_batch_of_forty_keeps_each_signature_with_its_hash() {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    use p256::ecdsa::{Signature, VerifyingKey};
    use p256::pkcs8::DecodePublicKey;
    use x509_cert::der::{Decode, Encode};

    let app = spawn().await;
    let (sub, credential) = holder(&app, "Tallinn").await;
    let docs: Vec<Vec<u8>> = (0..40)
        .map(|i| format!("invoice {i}\n").into_bytes())
        .collect();
    let hashes: Vec<String> = docs.iter().map(|d| h(d)).collect();
    let hashes: Vec<&str> = hashes.iter().map(String::as_str).collect();
    let sad = authorise(&app, &sub, &credential, &hashes).await;
    let r = sign(&app, &sub, &credential, &sad, &hashes, "raw").await;
    assert_eq!(r.status(), 201);
    let made: Value = r.json().await.unwrap();
    let made = made.as_array().unwrap();
    assert_eq!(made.len(), docs.len());

    let creds: Value = get_as(&app, "/api/v1/credentials", &sub.access)
        .await
        .json()
        .await
        .unwrap();
    let cert = STANDARD
        .decode(creds[0]["certificate"].as_str().unwrap())
        .unwrap();
    let cert = x509_cert::Certificate::from_der(&cert).unwrap();
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .unwrap();
    let public = VerifyingKey::from_public_key_der(&spki).unwrap();
    for (i, (doc, s)) in docs.iter().zip(made).enumerate() {
        assert_eq!(s["hash"], hashes[i], "answered in the order asked");
        let der = STANDARD.decode(s["signature"].as_str().unwrap()).unwrap();
        public
            .verify_prehash(&Sha256::digest(doc), &Signature::from_der(&der).unwrap())
            .unwrap_or_else(|e| panic!("signature {i} is not over hash {i}: {e}"));
    }
}

#[tokio::test]
async fn a_stored_signature_names_rows_that_exist_and_keeps_them() {
    use tokio_postgres::error::SqlState;

    let app = spawn().await;
    let (sub, credential) = holder(&app, "Lisbon").await;
    let ha = h(DOC_A);
    let sad = authorise(&app, &sub, &credential, &[&ha]).await;
    let r = sign(&app, &sub, &credential, &sad, &[&ha], "raw").await;
    assert_eq!(r.status(), 201);
    let made: Value = r.json().await.unwrap();
    let id = uuid::Uuid::parse_str(made[0]["id"].as_str().unwrap()).unwrap();

    // As the service's role: a copy naming a missing holder, certificate or authorisation is
    // refused, one row or many.
    let runtime = app.runtime_role().await;
    let copy = |missing: Option<&str>| {
        let pick = |column: &str| match missing {
            Some(m) if m == column => {
                format!("CASE WHEN g = 2 THEN gen_random_uuid() ELSE {column} END")
            }
            _ => column.to_owned(),
        };
        format!(
            "INSERT INTO signatures (id, owner_id, certificate_id, authorisation_id, format, \
             hash_algorithm, hash, signature, created_at) \
             SELECT gen_random_uuid(), {}, {}, {}, format, hash_algorithm, hash, signature, \
             created_at FROM signatures, generate_series(1, 3) g WHERE id = $1",
            pick("owner_id"),
            pick("certificate_id"),
            pick("authorisation_id")
        )
    };
    let stored = runtime.execute(&copy(None), &[&id]).await.unwrap();
    assert_eq!(stored, 3, "copies naming existing rows are stored");
    for column in ["owner_id", "certificate_id", "authorisation_id"] {
        let e = runtime
            .execute(&copy(Some(column)), &[&id])
            .await
            .unwrap_err();
        assert_eq!(
            e.code(),
            Some(&SqlState::FOREIGN_KEY_VIOLATION),
            "{column}: {e:?}"
        );
    }

    // As the owner: the authorisation a signature names cannot be deleted.
    let owner = app.owner().await;
    let e = owner
        .execute(
            "DELETE FROM key_authorisations WHERE id = \
             (SELECT authorisation_id FROM signatures WHERE id = $1)",
            &[&id],
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&SqlState::FOREIGN_KEY_VIOLATION), "{e:?}");
    let e = owner
        .execute(
            "UPDATE signatures SET certificate_id = gen_random_uuid() WHERE id = $1",
            &[&id],
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&SqlState::FOREIGN_KEY_VIOLATION), "{e:?}");
}
