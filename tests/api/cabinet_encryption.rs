//! Decrypting in the cabinet (issue 9): a recipient chooses an encrypted file of a sending and
//! the certificate whose encryption key opens it, answers the SMS that names the act with the
//! PIN and the code, and downloads a ZIP holding the file, the sender's signature from inside
//! the envelope and the protocol of its verification — checked here by openssl and against
//! the plaintext. Refusals come back as the page with the dialog: a wrong PIN, no code, an
//! envelope to someone else, a file that is no envelope, a credential without an encryption
//! key; another person's sending or credential is not found.

use crate::support::accounts::{PASSWORD, Session, get_as, last_code, outbox, post_as, read_as};
use crate::support::browser::{Browser, Page};
use crate::support::documents::{content, sign_documents, upload};
use crate::support::exchange::{counterparties, ok};
use crate::support::pki::{cms_verify_detached, issue_encryption, self_signed_p256, write_chain};
use crate::support::registration::{PIN, holder};
use crate::support::{TestApp, spawn};
use base64::Engine;
use cloudseal::pki::envelope::signed::attached_parts;
use cloudseal::pki::envelope::stream::Sealer;
use der::Decode;
use serde_json::json;
use std::io::{Read, Write};
use x509_cert::Certificate;

/// A sender and a recipient who accept each other's sendings, with their credentials.
async fn parties(app: &TestApp) -> (Session, String, Session, String) {
    let (sender, sender_credential) = holder(app, "Berlin").await;
    let (recipient, credential) = holder(app, "Oslo").await;
    counterparties(app, &sender, &recipient).await;
    (sender, sender_credential, recipient, credential)
}

/// A browser signed in as `who`.
async fn signed_in<'a>(app: &'a TestApp, who: &Session) -> Browser<'a> {
    let mut b = Browser::new(app);
    b.sign_in(&who.person.email, PASSWORD, &who.person.phone)
        .await;
    b
}

/// `who`'s encryption certificate for `credential`, issued now.
async fn encryption_certificate(app: &TestApp, who: &Session, credential: &str) -> Certificate {
    let issued = ok(issue_encryption(app, who, credential, PIN).await, 201).await;
    let der = base64::engine::general_purpose::STANDARD
        .decode(issued["certificate"].as_str().unwrap())
        .unwrap();
    Certificate::from_der(&der).unwrap()
}

/// `plain` signed by the sender (stored as `name`, detached CAdES-BES) and sealed with its
/// signature inside to `to`: the envelope, as the folder agent makes it.
async fn signed_envelope(
    app: &TestApp,
    sender: &Session,
    credential: &str,
    plain: &[u8],
    to: &[Certificate],
) -> Vec<u8> {
    let doc = upload(app, sender, "plain.bin", plain).await;
    let signature = sign_documents(app, sender, credential, &[doc["id"].as_str().unwrap()]).await;
    let r = get_as(
        app,
        &format!("/api/v1/signatures/{}/p7s", signature[0]),
        &sender.access,
    )
    .await;
    assert_eq!(r.status(), 200);
    let detached = r.bytes().await.unwrap();
    let (prefix, suffix) = attached_parts(&detached, plain.len() as u64).unwrap();
    let total = (prefix.len() + plain.len() + suffix.len()) as u64;
    let mut sealer = Sealer::start(Vec::new(), to, true, total).unwrap();
    for part in [&prefix[..], plain, &suffix[..]] {
        sealer.write_all(part).unwrap();
    }
    sealer.finish().unwrap()
}

/// Send `files` (name, bytes), each signed by the sender as it is, to `to`; the sending's
/// page in the cabinet.
async fn send_files(
    app: &TestApp,
    sender: &Session,
    credential: &str,
    files: &[(&str, &[u8])],
    to: &Session,
) -> String {
    let mut attachments = Vec::new();
    for (name, bytes) in files {
        let doc = upload(app, sender, name, bytes).await;
        let id = doc["id"].as_str().unwrap().to_owned();
        let signature = sign_documents(app, sender, credential, &[&id]).await;
        attachments.push(json!({"document_id": id, "signature_id": signature[0]}));
    }
    let sent = ok(
        post_as(
            app,
            "/api/v1/sendings",
            &sender.access,
            json!({"subject": "Encrypted", "recipients": [to.person.email], "attachments": attachments}),
        )
        .await,
        201,
    )
    .await;
    format!("/cabinet/sendings/{}", sent["id"].as_str().unwrap())
}

/// The dialog for file `position` opened with `credential`.
async fn dialog(b: &mut Browser<'_>, path: &str, position: u32, credential: &str) -> Page {
    let page = b.get(path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    b.post(
        &format!("{path}/files/{position}/opening"),
        &[("csrf", &page.csrf()), ("credential", credential)],
    )
    .await
}

/// The dialog's answer: the form fields with `pin` and `code`.
fn answer(dialog: &Page, credential: &str, pin: &str, code: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", dialog.csrf()),
        ("credential", credential.to_owned()),
        ("pin", pin.to_owned()),
        ("confirmation", dialog.hidden("confirmation")),
        ("factor", dialog.hidden("factor")),
        ("until", dialog.hidden("until")),
        ("code", code.to_owned()),
    ]
}

async fn open(
    b: &mut Browser<'_>,
    path: &str,
    position: u32,
    fields: &[(&'static str, String)],
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post_for_file(&format!("{path}/files/{position}/open"), &pairs)
        .await
}

/// The outcomes of the vault's decryptions so far, in order.
async fn decryptions(app: &TestApp) -> Vec<String> {
    let rows = app
        .owner()
        .await
        .query(
            "SELECT outcome FROM audit_entries WHERE action = 'key.decrypt' ORDER BY pos",
            &[],
        )
        .await
        .unwrap();
    rows.iter().map(|r| r.get(0)).collect()
}

fn text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

#[tokio::test]
async fn an_encrypted_file_is_decrypted_in_the_cabinet_into_the_file_its_signature_and_protocol() {
    let app = spawn().await;
    let (sender, sender_credential, recipient, credential) = parties(&app).await;
    let cert = encryption_certificate(&app, &recipient, &credential).await;
    let mut plain = b"%PDF-1.4 the supply contract ".to_vec();
    plain.extend(content(300_000));
    let envelope = signed_envelope(&app, &sender, &sender_credential, &plain, &[cert]).await;
    let files: [(&str, &[u8]); 1] = [("contract.pdf.p7m", &envelope)];
    let path = send_files(&app, &sender, &sender_credential, &files, &recipient).await;
    let mut b = signed_in(&app, &recipient).await;
    let page = b.get(&path).await;
    assert!(page.body.contains(&format!("{path}/files/0/opening")));
    let asked = dialog(&mut b, &path, 0, &credential).await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert!(asked.body.contains("id=\"decrypt-pin\"") && asked.body.contains("contract.pdf.p7m"));
    let sms = outbox(&app, &recipient.person.phone).await;
    assert!(sms[0].contains("DECRYPT a file sent to you"), "{sms:?}");

    let code = last_code(&app, &recipient.person.phone).await;
    let (status, _, body) = open(
        &mut b,
        &path,
        0,
        &answer(&asked, &credential, "000000", &code),
    )
    .await;
    assert_eq!(status, 401, "{}", text(&body));
    let again = text(&body);
    assert!(again.contains("role=\"alert\"") && again.contains("id=\"decrypt-pin\""));
    assert_eq!(decryptions(&app).await, ["failure"]);

    let asked = dialog(&mut b, &path, 0, &credential).await;
    let code = last_code(&app, &recipient.person.phone).await;
    let (status, headers, zip) =
        open(&mut b, &path, 0, &answer(&asked, &credential, PIN, &code)).await;
    assert_eq!(status, 200, "{}", text(&zip));
    assert_eq!(headers["content-type"], "application/zip");
    assert_eq!(headers["cache-control"], "no-store");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.contains("contract.pdf.zip"), "{disposition}");
    assert_eq!(decryptions(&app).await, ["failure", "success"]);

    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    assert_eq!(
        names,
        [
            "contract.pdf",
            "contract.pdf.p7s",
            "contract.pdf.verification.pdf"
        ]
    );
    let dir = tempfile::tempdir().unwrap();
    for name in &names {
        let mut bytes = Vec::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    assert!(std::fs::read(dir.path().join("contract.pdf")).unwrap() == plain);
    write_chain(&app, dir.path()).await;
    let (verified, said) = cms_verify_detached(dir.path(), "contract.pdf.p7s", "contract.pdf", &[]);
    assert!(verified, "{said}");
    let protocol = std::fs::read(dir.path().join("contract.pdf.verification.pdf")).unwrap();
    assert!(protocol.starts_with(b"%PDF"));

    let kept = read_as(&app, "/api/v1/protocols", &recipient.access).await;
    let kept = kept.as_array().unwrap();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0]["verdict"], "passed");
}

#[tokio::test]
async fn decrypting_in_the_cabinet_refuses_what_it_cannot_open() {
    let app = spawn().await;
    let (sender, sender_credential, recipient, credential) = parties(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let outsider = self_signed_p256(dir.path(), "outsider");
    let foreign =
        signed_envelope(&app, &sender, &sender_credential, b"not yours", &[outsider]).await;
    let files: [(&str, &[u8]); 2] = [("foreign.p7m", &foreign), ("fake.p7m", b"plain text")];
    let path = send_files(&app, &sender, &sender_credential, &files, &recipient).await;
    let mut b = signed_in(&app, &recipient).await;
    let no_key = dialog(&mut b, &path, 0, &credential).await;
    assert_eq!(no_key.status, 409, "{}", no_key.body);
    assert!(no_key.body.contains("has no encryption key"));

    let cert = encryption_certificate(&app, &recipient, &credential).await;
    let not_ours = dialog(&mut b, &path, 0, &credential).await;
    assert_eq!(not_ours.status, 400, "{}", not_ours.body);
    assert!(
        not_ours
            .body
            .contains("not encrypted to the encryption certificate")
    );
    let no_envelope = dialog(&mut b, &path, 1, &credential).await;
    assert_eq!(no_envelope.status, 400, "{}", no_envelope.body);
    assert!(
        no_envelope
            .body
            .contains("not an envelope this service opens")
    );
    let someone_elses = dialog(&mut b, &path, 0, &sender_credential).await;
    assert_eq!(someone_elses.status, 404);
    assert_eq!(dialog(&mut b, &path, 7, &credential).await.status, 404);

    // An envelope cut short opens its entry but not its content: refused, nothing sent back.
    let whole = signed_envelope(&app, &sender, &sender_credential, b"cut", &[cert]).await;
    let cut = &whole[..whole.len() - 16];
    let short = send_files(
        &app,
        &sender,
        &sender_credential,
        &[("cut.p7m", cut)],
        &recipient,
    )
    .await;
    let asked = dialog(&mut b, &short, 0, &credential).await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    let code = last_code(&app, &recipient.person.phone).await;
    let (status, headers, body) =
        open(&mut b, &short, 0, &answer(&asked, &credential, PIN, &code)).await;
    assert_eq!(status, 400, "{}", text(&body));
    assert_ne!(headers["content-type"], "application/zip");
    assert!(text(&body).contains("the file does not open: the envelope ends early"));
    assert_eq!(decryptions(&app).await, ["success"]);
    let page = b.get(&path).await;

    // Without a started confirmation and its code the vault is not asked.
    let blank = vec![
        ("csrf", page.csrf()),
        ("credential", credential.clone()),
        ("pin", PIN.to_owned()),
    ];
    let (status, _, body) = open(&mut b, &path, 0, &blank).await;
    assert_eq!(status, 400, "{}", text(&body));
    assert_eq!(decryptions(&app).await, ["success"], "no second decryption");

    let stranger = holder(&app, "Paris").await.0;
    let mut other = signed_in(&app, &stranger).await;
    let home = other.get("/cabinet/sendings").await;
    let forged = other
        .post(
            &format!("{path}/files/0/opening"),
            &[("csrf", &home.csrf()), ("credential", &credential)],
        )
        .await;
    assert_eq!(forged.status, 404);
}
