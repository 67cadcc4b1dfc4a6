//! Encryption keys in the vault (issue 9): a credential's holder gets an encryption
//! certificate with the credential's PIN; what `openssl cms -encrypt` seals to it opens
//! through the vault — a person with PIN and one-time code, their folder agent with the PIN
//! alone — and only the content key leaves the server; counterparties find the certificate,
//! strangers do not; a PIN change re-seals the key; revoking the credential revokes it.

use crate::support::accounts::{Session, client_token, get_as, last_code, post_as, problem};
use crate::support::agents::{issue, seal_holder};
use crate::support::exchange::{counterparties, ok};
use crate::support::pki::{issue_encryption, openssl, openssl_ok, write_chain};
use crate::support::registration::PIN;
use crate::support::{TestApp, spawn};
use base64::Engine;
use cloudseal::pki::envelope::agree::info_der;
use cloudseal::pki::envelope::stream::{Opener, Sealer, read_head};
use der::Decode;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::Path;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn unb64(v: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(v.as_str().unwrap())
        .unwrap()
}

/// `openssl cms -encrypt` of `content` to the PEM certificate `cert`; the envelope and its
/// recipient entry for that certificate.
fn seal_with_openssl(
    dir: &Path,
    cert_der: &[u8],
    content: &[u8],
    extra: &[&str],
) -> (Vec<u8>, Vec<u8>) {
    std::fs::write(dir.join("recipient.der"), cert_der).unwrap();
    openssl_ok(
        dir,
        &[
            "x509",
            "-inform",
            "DER",
            "-in",
            "recipient.der",
            "-out",
            "recipient.pem",
        ],
    );
    std::fs::write(dir.join("plain.bin"), content).unwrap();
    let mut args = vec![
        "cms",
        "-encrypt",
        "-binary",
        "-aes256",
        "-outform",
        "DER",
        "-in",
        "plain.bin",
        "-out",
        "env.der",
        "-recip",
        "recipient.pem",
    ];
    args.extend_from_slice(extra);
    openssl_ok(dir, &args);
    let envelope = std::fs::read(dir.join("env.der")).unwrap();
    let head = read_head(&mut envelope.as_slice()).unwrap();
    assert_eq!(head.recipients.len(), 1);
    (envelope.clone(), info_der(&head.recipients[0]).unwrap())
}

/// Ask the vault for an envelope's content key with the PIN alone.
async fn decrypt(
    app: &TestApp,
    who: &Session,
    path: &str,
    pin: &str,
    entry: impl std::fmt::Display,
) -> reqwest::Response {
    post_as(
        app,
        path,
        &who.access,
        json!({"pin": pin, "recipient_entry": entry.to_string()}),
    )
    .await
}

fn open(envelope: &[u8], key: &[u8]) -> Vec<u8> {
    let mut r = envelope;
    let head = read_head(&mut r).unwrap();
    let key: [u8; 32] = key.try_into().unwrap();
    let mut out = Vec::new();
    Opener::new(r, &head, &zeroize::Zeroizing::new(key))
        .unwrap()
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// `envelope` opened with the content key `who` got for `entry` with the PIN alone.
async fn opened(
    app: &TestApp,
    who: &Session,
    path: &str,
    envelope: &[u8],
    entry: &[u8],
) -> Vec<u8> {
    let key = ok(decrypt(app, who, path, PIN, b64(entry)).await, 200).await;
    open(envelope, &unb64(&key["content_key"]))
}

async fn agent_session(app: &TestApp, holder: &Session, seal: &str) -> Session {
    let issued = ok(issue(app, holder, seal, "vault test").await, 201).await;
    let t = ok(
        client_token(
            app,
            issued["client_id"].as_str().unwrap(),
            issued["client_secret"].as_str().unwrap(),
            None,
        )
        .await,
        200,
    )
    .await;
    Session {
        person: holder.person.clone(),
        access: t["access_token"].as_str().unwrap().to_owned(),
        refresh: String::new(),
        session_id: String::new(),
    }
}

#[tokio::test]
async fn an_encryption_certificate_agrees_keys_only_and_names_the_credential_holder() {
    let app = spawn().await;
    let (holder, seal) = seal_holder(&app, "Nicosia").await;
    let path = format!("/api/v1/credentials/{seal}/encryption-certificate");
    let (status, _, _) = problem(get_as(&app, &path, &holder.access).await).await;
    assert_eq!(status, 404, "none before it is asked for");
    let (status, _, body) = problem(issue_encryption(&app, &holder, &seal, "000000").await).await;
    assert_eq!(status, 401, "a wrong PIN: {body}");
    let issued = ok(issue_encryption(&app, &holder, &seal, PIN).await, 201).await;
    assert_eq!(issued["credential_id"], seal.as_str());
    let (status, _, body) = problem(issue_encryption(&app, &holder, &seal, PIN).await).await;
    assert_eq!(status, 409, "one per credential: {body}");
    assert_eq!(
        ok(get_as(&app, &path, &holder.access).await, 200).await,
        issued
    );

    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(dir.path().join("enc.der"), unb64(&issued["certificate"])).unwrap();
    let text = openssl_ok(
        dir.path(),
        &[
            "x509", "-inform", "DER", "-in", "enc.der", "-noout", "-text",
        ],
    );
    assert!(text.contains("Key Agreement"), "{text}");
    assert!(
        !text.contains("Digital Signature") && !text.contains("Non Repudiation"),
        "{text}"
    );
    assert!(text.contains("E-mail Protection"), "{text}");
    assert!(text.contains("prime256v1"), "{text}");
    let credential = ok(
        get_as(&app, &format!("/api/v1/credentials/{seal}"), &holder.access).await,
        200,
    )
    .await;
    let subject = |der: &str| {
        openssl_ok(
            dir.path(),
            &["x509", "-inform", "DER", "-in", der, "-noout", "-subject"],
        )
    };
    std::fs::write(
        dir.path().join("seal.der"),
        base64::engine::general_purpose::STANDARD
            .decode(credential["certificate"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(subject("enc.der"), subject("seal.der"));
    openssl_ok(
        dir.path(),
        &[
            "x509", "-inform", "DER", "-in", "enc.der", "-out", "enc.pem",
        ],
    );
    let verified = openssl(
        dir.path(),
        &[
            "verify",
            "-CAfile",
            "root.pem",
            "-untrusted",
            "issuing.pem",
            "enc.pem",
        ],
    );
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );

    let other = crate::support::accounts::subscriber(&app).await;
    let (status, _, _) = problem(get_as(&app, &path, &other.access).await).await;
    assert_eq!(status, 404, "another holder's credential is not found");
    let (status, _, _) = problem(issue_encryption(&app, &other, &seal, PIN).await).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn an_envelope_opens_through_the_vault_for_the_person_with_a_code_and_for_the_agent_with_the_pin()
 {
    let app = spawn().await;
    let (holder, seal) = seal_holder(&app, "Larnaca").await;
    let issued = ok(issue_encryption(&app, &holder, &seal, PIN).await, 201).await;
    let dir = tempfile::tempdir().unwrap();
    let content = b"contract no. 7, encrypted to the seal".repeat(1000);
    let (envelope, entry) =
        seal_with_openssl(dir.path(), &unb64(&issued["certificate"]), &content, &[]);
    let decryption = format!("/api/v1/credentials/{seal}/decryption");

    let (status, _, body) =
        problem(decrypt(&app, &holder, &decryption, PIN, b64(&entry)).await).await;
    assert_eq!(status, 400, "a person needs the code: {body}");
    let confirmation = ok(
        post_as(
            &app,
            &format!("/api/v1/credentials/{seal}/decryption/confirmation"),
            &holder.access,
            json!({"recipient_entry": b64(&entry)}),
        )
        .await,
        201,
    )
    .await;
    let sms = crate::support::accounts::outbox(&app, &holder.person.phone).await;
    assert!(sms.first().unwrap().contains("DECRYPT"), "{sms:?}");
    let code = last_code(&app, &holder.person.phone).await;
    let r = post_as(
        &app,
        &decryption,
        &holder.access,
        json!({"pin": PIN, "recipient_entry": b64(&entry),
               "confirmation": confirmation["confirmation"], "code": code}),
    )
    .await;
    assert_eq!(r.headers()["cache-control"], "no-store");
    let key = ok(r, 200).await;
    assert_eq!(open(&envelope, &unb64(&key["content_key"])), content);
    let (status, _, body) = problem(
        post_as(
            &app,
            &decryption,
            &holder.access,
            json!({"pin": PIN, "recipient_entry": b64(&entry),
                   "confirmation": confirmation["confirmation"]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400, "a confirmation without its code: {body}");

    let agent = agent_session(&app, &holder, &seal).await;
    let (status, _, body) = problem(
        post_as(
            &app,
            &format!("/api/v1/credentials/{seal}/decryption/confirmation"),
            &agent.access,
            json!({"recipient_entry": b64(&entry)}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400, "an agent needs no confirmation: {body}");
    let (status, _, body) = problem(
        post_as(
            &app,
            &decryption,
            &agent.access,
            json!({"pin": PIN, "recipient_entry": b64(&entry),
                   "confirmation": "x", "code": "123456"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400, "an agent sends the PIN alone: {body}");
    let (status, _, body) =
        problem(decrypt(&app, &agent, &decryption, "000000", b64(&entry)).await).await;
    assert_eq!(status, 401, "a wrong PIN: {body}");
    assert_eq!(
        opened(&app, &agent, &decryption, &envelope, &entry).await,
        content
    );
    let (envelope, entry) = seal_with_openssl(
        dir.path(),
        &unb64(&issued["certificate"]),
        &content,
        &["-keyopt", "ecdh_kdf_md:sha256"],
    );
    assert_eq!(
        opened(&app, &agent, &decryption, &envelope, &entry).await,
        content,
        "SHA-256 KDF too"
    );

    let audit = app
        .owner()
        .await
        .query(
            "SELECT outcome, actor_kind FROM audit_entries WHERE action = 'key.decrypt' ORDER BY pos",
            &[],
        )
        .await
        .unwrap();
    let seen: Vec<(String, String)> = audit.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        seen,
        vec![
            ("success".into(), "subscriber".into()),
            ("failure".into(), "agent".into()),
            ("success".into(), "agent".into()),
            ("success".into(), "agent".into()),
        ]
    );
}

#[tokio::test]
async fn envelope_entries_that_are_not_ours_are_refused_and_strangers_find_no_certificate() {
    let app = spawn().await;
    let (holder, seal) = seal_holder(&app, "Kyrenia").await;
    let issued = ok(issue_encryption(&app, &holder, &seal, PIN).await, 201).await;
    let (partner, partner_seal) = seal_holder(&app, "Famagusta").await;
    let partner_cert = ok(
        issue_encryption(&app, &partner, &partner_seal, PIN).await,
        201,
    )
    .await;
    let agent = agent_session(&app, &holder, &seal).await;
    let dir = tempfile::tempdir().unwrap();
    let (_, foreign) =
        seal_with_openssl(dir.path(), &unb64(&partner_cert["certificate"]), b"x", &[]);
    let decryption = format!("/api/v1/credentials/{seal}/decryption");
    for (entry, why) in [
        (b64(&foreign), "addressed to another certificate"),
        (b64(b"not DER"), "not a recipient entry"),
        ("%%%".to_owned(), "not base64"),
    ] {
        let (status, _, body) = problem(decrypt(&app, &agent, &decryption, PIN, entry).await).await;
        assert_eq!(status, 400, "{why}: {body}");
    }
    let (status, _, _) = problem(
        post_as(
            &app,
            &format!("/api/v1/credentials/{partner_seal}/decryption"),
            &agent.access,
            json!({"pin": PIN, "recipient_entry": b64(&foreign)}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 404, "another holder's credential");

    let directory = |email: &str| format!("/api/v1/encryption-certificates?email={email}");
    let (status, _, _) =
        problem(get_as(&app, &directory(&partner.person.email), &agent.access).await).await;
    assert_eq!(status, 404, "not a counterparty yet");
    let (status, _, _) =
        problem(get_as(&app, &directory("nobody@example.org"), &agent.access).await).await;
    assert_eq!(status, 404);
    counterparties(&app, &holder, &partner).await;
    let found = ok(
        get_as(&app, &directory(&partner.person.email), &agent.access).await,
        200,
    )
    .await;
    assert_eq!(found, json!([partner_cert]));
    let own = ok(
        get_as(&app, &directory(&holder.person.email), &holder.access).await,
        200,
    )
    .await;
    assert_eq!(own, json!([issued]));

    let confirmation = ok(
        post_as(
            &app,
            &format!("/api/v1/me/certificates/{partner_seal}/revocation/confirmation"),
            &partner.access,
            json!({}),
        )
        .await,
        201,
    )
    .await;
    let code = last_code(&app, &partner.person.phone).await;
    let v = ok(
        post_as(
            &app,
            &format!("/api/v1/me/certificates/{partner_seal}/revoke"),
            &partner.access,
            json!({"reason": "keyCompromise", "confirmation": confirmation["confirmation"], "code": code}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(v["status"], "revoked");
    let found = ok(
        get_as(&app, &directory(&partner.person.email), &agent.access).await,
        200,
    )
    .await;
    assert_eq!(
        found,
        json!([]),
        "no one encrypts to a revoked credential's key"
    );
    let serial = hex::decode(partner_cert["serial"].as_str().unwrap()).unwrap();
    let reason: i16 = app
        .owner()
        .await
        .query_one(
            "SELECT revocation_reason FROM issued_certificates WHERE serial = $1",
            &[&serial],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        reason, 1,
        "the encryption certificate is revoked with it (keyCompromise)"
    );
}

#[tokio::test]
async fn a_pin_change_reseals_the_encryption_key_with_the_signature_key() {
    use cloudseal::signing::{KeyHolder, KeyId, OwnerId, Pin};
    let app = spawn().await;
    let (holder, seal) = seal_holder(&app, "Protaras").await;
    let issued = ok(issue_encryption(&app, &holder, &seal, PIN).await, 201).await;
    let row = app
        .owner()
        .await
        .query_one(
            "SELECT key_id, account_id FROM certificates WHERE id = $1::text::uuid",
            &[&seal],
        )
        .await
        .unwrap();
    let h = KeyHolder::new(OwnerId(row.get(1)), None, None);
    let new = "K7#pq19z";
    app.custody
        .change_pin(
            &h,
            KeyId(row.get(0)),
            &Pin::presented(PIN).unwrap(),
            &Pin::new_pin(new).unwrap(),
        )
        .await
        .unwrap();
    let agent = agent_session(&app, &holder, &seal).await;
    let dir = tempfile::tempdir().unwrap();
    let (envelope, entry) =
        seal_with_openssl(dir.path(), &unb64(&issued["certificate"]), b"after", &[]);
    let decryption = format!("/api/v1/credentials/{seal}/decryption");
    let (status, _, _) = problem(decrypt(&app, &agent, &decryption, PIN, b64(&entry)).await).await;
    assert_eq!(status, 401, "the old PIN no longer opens it");
    let key = ok(
        decrypt(&app, &agent, &decryption, new, b64(&entry)).await,
        200,
    )
    .await;
    assert_eq!(open(&envelope, &unb64(&key["content_key"])), b"after");
}

#[tokio::test]
async fn an_rsa_encryption_key_takes_the_content_key_by_transport_padded_either_way() {
    let app = spawn().await;
    let (holder, seal) = seal_holder(&app, "Paphos").await;
    let path = format!("/api/v1/credentials/{seal}/encryption-certificate");
    let asked = |algorithm: &str| json!({"pin": PIN, "algorithm": algorithm});
    let (status, _, body) =
        problem(post_as(&app, &path, &holder.access, asked("ed25519")).await).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("rsa_2048"),
        "{body}"
    );
    let issued = ok(
        post_as(&app, &path, &holder.access, asked("rsa_2048")).await,
        201,
    )
    .await;
    let der = unb64(&issued["certificate"]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rsa.der"), &der).unwrap();
    let text = openssl_ok(
        dir.path(),
        &[
            "x509", "-inform", "DER", "-in", "rsa.der", "-noout", "-text",
        ],
    );
    assert!(text.contains("Public-Key: (2048 bit)"), "{text}");
    assert!(text.contains("Key Encipherment"), "{text}");
    assert!(
        !text.contains("Key Agreement") && !text.contains("Digital Signature"),
        "{text}"
    );

    let agent = agent_session(&app, &holder, &seal).await;
    let decryption = format!("/api/v1/credentials/{seal}/decryption");
    let content = b"an invoice for a partner whose software encrypts to RSA".repeat(300);
    for padding in [&[][..], &["-keyopt", "rsa_padding_mode:oaep"][..]] {
        let (envelope, entry) = seal_with_openssl(dir.path(), &der, &content, padding);
        assert_eq!(
            opened(&app, &agent, &decryption, &envelope, &entry).await,
            content,
            "{padding:?}"
        );
    }

    let cert = x509_cert::Certificate::from_der(&der).unwrap();
    let mut sealer = Sealer::start(Vec::new(), &[cert], false, content.len() as u64).unwrap();
    sealer.write_all(&content).unwrap();
    let ours = sealer.finish().unwrap();
    let head = read_head(&mut ours.as_slice()).unwrap();
    let entry = info_der(&head.recipients[0]).unwrap();
    assert_eq!(
        opened(&app, &agent, &decryption, &ours, &entry).await,
        content,
        "our OAEP"
    );
    let mut damaged = entry.clone();
    let at = damaged.len() - 7;
    damaged[at] ^= 0x40;
    let (status, _, body) =
        problem(decrypt(&app, &agent, &decryption, PIN, b64(&damaged)).await).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("does not open"),
        "{body}"
    );
}
