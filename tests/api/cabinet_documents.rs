//! Documents in the cabinet through real HTTP as a browser sends it: upload (the token first,
//! so a forged form stores nothing), the list, one document and its download, the signing
//! dialog that names the documents and the certificate, the PIN and the code (a refusal comes
//! back as the dialog), the signature verified by openssl, deletion, and isolation.

use crate::support::accounts::last_code;
use crate::support::accounts::{PASSWORD, read_as, subscriber};
use crate::support::browser::{Browser, Page, only_holders};
use crate::support::pki::{cms_verify_detached, write_chain};
use crate::support::registration::{PIN, holder};
use crate::support::{spawn, spawn_with};
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The upload form with `csrf` and the file `name` holding `content`.
fn upload_form(csrf: &str, name: &str, content: &[u8]) -> Form {
    Form::new().text("csrf", csrf.to_owned()).part(
        "file",
        Part::bytes(content.to_vec())
            .file_name(name.to_owned())
            .mime_str("text/plain")
            .unwrap(),
    )
}

/// Upload through the page; the new document's path.
async fn uploaded(b: &mut Browser<'_>, csrf: &str, name: &str, content: &[u8]) -> String {
    let r = b
        .post_multipart("/cabinet/documents", upload_form(csrf, name, content))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    r.location().to_owned()
}

/// The dialog's confirming form: everything `dialog` carries, with `pin` and `code`.
fn confirming(dialog: &Page, docs: &[&str], pin: &str, code: &str) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = [
        ("csrf", dialog.csrf()),
        ("credential", dialog.hidden("credential")),
        ("format", "cms".to_owned()),
        ("level", "bes".to_owned()),
        ("label", "contract of sale".to_owned()),
        ("pin", pin.to_owned()),
        ("confirmation", dialog.hidden("confirmation")),
        ("factor", dialog.hidden("factor")),
        ("until", dialog.hidden("until")),
        ("code", code.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    form.extend(
        docs.iter()
            .map(|d| ("document".to_owned(), (*d).to_owned())),
    );
    form
}

async fn send(b: &mut Browser<'_>, path: &str, form: &[(String, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    b.post(path, &pairs).await
}

#[tokio::test]
async fn a_holder_uploads_signs_with_pin_and_code_and_downloads_a_verifiable_signature() {
    let app = spawn().await;
    let (sub, credential) = holder(&app, "Riga").await;
    let mut browser = Browser::new(&app);
    let home = browser
        .sign_in(&sub.person.email, PASSWORD, &sub.person.phone)
        .await;
    assert!(home.body.contains("href=\"/cabinet/documents\""));
    let list = browser.get("/cabinet/documents").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("You have no documents yet."));
    assert!(list.body.contains("src=\"/static/upload.js\""));
    let csrf = list.csrf();

    // The token must come first: a file before it is refused and nothing is stored.
    let forged = Form::new()
        .part("file", Part::bytes(b"x".to_vec()).file_name("x.txt"))
        .text("csrf", csrf.clone());
    let r = browser.post_multipart("/cabinet/documents", forged).await;
    assert_eq!(r.status, 403);
    let r = browser
        .post_multipart("/cabinet/documents", upload_form("forged", "x.txt", b"x"))
        .await;
    assert_eq!(r.status, 403);
    let empty = Form::new()
        .text("csrf", csrf.clone())
        .part("file", Part::bytes(Vec::new()).file_name(""));
    let r = browser.post_multipart("/cabinet/documents", empty).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Choose a file first."));
    let docs: Value = read_as(&app, "/api/v1/documents", &sub.access).await;
    assert_eq!(
        docs.as_array().unwrap().len(),
        0,
        "nothing refused was stored"
    );

    let contract = "Договор купли-продажи № 7\nThe seller sells, the buyer buys.\n".repeat(50);
    let contract_path = uploaded(&mut browser, &csrf, "contract.txt", contract.as_bytes()).await;
    let contract_id = contract_path.rsplit('/').next().unwrap().to_owned();
    let annex_path = uploaded(&mut browser, &csrf, "annex.txt", b"Annex 1: the goods.\n").await;
    let annex_id = annex_path.rsplit('/').next().unwrap().to_owned();

    let page = browser.get(&contract_path).await;
    assert_eq!(page.status, 200);
    let sha = hex::encode(Sha256::digest(contract.as_bytes()));
    assert!(page.body.contains(&sha));
    assert!(page.body.contains("Not signed yet."));
    let (status, bytes) = browser
        .download(&format!("/api/v1/documents/{contract_id}/content"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(bytes, contract.as_bytes());

    let list = browser.get("/cabinet/documents").await;
    assert_eq!(
        list.body
            .matches("<td class=\"signed-state\"><span class=\"detail\">not signed</span>")
            .count(),
        2,
        "neither is signed yet"
    );
    assert!(list.body.contains(&format!("value=\"{contract_id}\"")));
    assert!(list.body.contains(&format!("value=\"{annex_id}\"")));
    assert!(
        list.body
            .contains(&format!("<option value=\"{credential}\">"))
    );

    // Nothing chosen.
    let r = browser
        .post(
            "/cabinet/documents/sign",
            &[("csrf", &csrf), ("credential", &credential)],
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Choose at least one document to sign."));

    // The dialog names both documents, their digests and the certificate; so does the SMS.
    let start = [
        ("csrf", csrf.as_str()),
        ("credential", credential.as_str()),
        ("document", contract_id.as_str()),
        ("document", annex_id.as_str()),
    ];
    let dialog = browser.post("/cabinet/documents/sign", &start).await;
    assert_eq!(dialog.status, 200, "{}", dialog.body);
    assert!(dialog.body.contains("contract.txt") && dialog.body.contains("annex.txt"));
    assert!(dialog.body.contains(&sha));
    assert!(
        dialog
            .body
            .contains("Documents you are signing: <strong>2</strong>")
    );
    let serial = read_as(
        &app,
        &format!("/api/v1/credentials/{credential}"),
        &sub.access,
    )
    .await["serial"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(dialog.body.contains(&serial));
    let sms = crate::support::accounts::outbox(&app, &sub.person.phone).await;
    assert!(sms[0].contains("contract.txt"), "{}", sms[0]);
    let code = last_code(&app, &sub.person.phone).await;
    let both = [contract_id.as_str(), annex_id.as_str()];

    // A wrong PIN comes back as the dialog; the code it spent is replaced by a new one.
    let confirm = "/cabinet/documents/sign/confirm";
    let wrong = send(
        &mut browser,
        confirm,
        &confirming(&dialog, &both, "wrong-pin-1", &code),
    )
    .await;
    assert!(
        wrong.status >= 400 && wrong.status < 500,
        "{}",
        wrong.status
    );
    assert!(wrong.body.contains("role=\"alert\""));
    assert!(!wrong.body.contains("wrong-pin-1"), "the PIN is not echoed");
    assert!(wrong.body.contains("Send a new code"));
    let made: Value = read_as(&app, "/api/v1/signatures", &sub.access).await;
    assert_eq!(
        made.as_array().unwrap().len(),
        0,
        "nothing refused was signed"
    );

    let dialog = browser.post("/cabinet/documents/sign", &start).await;
    let code = last_code(&app, &sub.person.phone).await;
    let done = send(
        &mut browser,
        confirm,
        &confirming(&dialog, &both, PIN, &code),
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/cabinet/documents?signed=2");
    let list = browser.get(done.location()).await;
    assert!(list.body.contains("Documents signed: 2"));
    assert_eq!(
        list.body
            .matches("<td class=\"signed-state\">Signed</td>")
            .count(),
        2,
        "both marked signed in the list"
    );

    let page = browser.get(&contract_path).await;
    assert!(page.body.contains("contract of sale"));
    let made: Value = read_as(&app, "/api/v1/signatures", &sub.access).await;
    let on_contract = made
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["document"] == contract_id.as_str())
        .expect("a signature over the contract");
    let p7s = format!(
        "/api/v1/signatures/{}/p7s",
        on_contract["id"].as_str().unwrap()
    );
    assert!(page.body.contains(&p7s));
    let (status, sig) = browser.download(&p7s).await;
    assert_eq!(status, 200);
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(dir.path().join("contract.txt"), contract.as_bytes()).unwrap();
    std::fs::write(dir.path().join("contract.p7s"), &sig).unwrap();
    let (ok, said) = cms_verify_detached(
        dir.path(),
        "contract.p7s",
        "contract.txt",
        &["-certfile", "issuing.pem"],
    );
    assert!(ok, "{said}");

    // Delete: gone from the list and its page at once.
    let deleted = browser
        .post(&format!("{annex_path}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(deleted.status, 303);
    assert_eq!(browser.get(&annex_path).await.status, 404);
    let list = browser.get("/cabinet/documents").await;
    assert!(!list.body.contains(&annex_id));

    // In Russian, the dialog in the words the holder reads.
    browser
        .post(
            "/language",
            &[("csrf", &csrf), ("lang", "ru"), ("back", "/cabinet")],
        )
        .await;
    let one = [
        ("csrf", csrf.as_str()),
        ("credential", credential.as_str()),
        ("document", contract_id.as_str()),
    ];
    let dialog = browser.post("/cabinet/documents/sign", &one).await;
    assert_eq!(dialog.status, 200);
    assert!(
        dialog
            .body
            .contains("Вы подписываете документов: <strong>1</strong>")
    );
    assert!(dialog.body.contains("ПИН-код для подписи"));
}

#[tokio::test]
async fn document_pages_answer_only_their_holder() {
    let app = spawn().await;
    let (sub, credential) = holder(&app, "Vilnius").await;
    let mut owner = Browser::new(&app);
    let home = owner
        .sign_in(&sub.person.email, PASSWORD, &sub.person.phone)
        .await;
    let path = uploaded(&mut owner, &home.csrf(), "mine.txt", b"mine").await;
    let id = path.rsplit('/').next().unwrap().to_owned();

    let stranger = subscriber(&app).await;
    let mut other = Browser::new(&app);
    let home = other
        .sign_in(&stranger.person.email, PASSWORD, &stranger.person.phone)
        .await;
    let csrf = home.csrf();
    assert_eq!(other.get(&path).await.status, 404);
    assert_eq!(other.get("/cabinet/documents/not-an-id").await.status, 404);
    let list = other.get("/cabinet/documents").await;
    assert!(!list.body.contains(&id));
    assert!(!list.body.contains(&credential));
    let sign = other
        .post(
            "/cabinet/documents/sign",
            &[
                ("csrf", &csrf),
                ("credential", &credential),
                ("document", &id),
            ],
        )
        .await;
    assert_eq!(
        sign.status, 404,
        "another's credential and document are not found"
    );
    let delete = other
        .post(&format!("{path}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(delete.status, 404);
    assert_eq!(
        owner.get(&path).await.status,
        200,
        "still there for its holder"
    );

    only_holders(&app, "/cabinet/documents").await;
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_on_the_page_and_closes_the_connection() {
    let app = spawn_with(|c| {
        c.documents.max_bytes = std::num::NonZeroU64::new(64 * 1024).unwrap();
    })
    .await;
    let sub = subscriber(&app).await;
    let mut browser = Browser::new(&app);
    let home = browser
        .sign_in(&sub.person.email, PASSWORD, &sub.person.phone)
        .await;
    let csrf = home.csrf();

    let r = browser
        .post_multipart(
            "/cabinet/documents",
            upload_form(&csrf, "big.bin", &vec![7u8; 256 * 1024]),
        )
        .await;
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(
        r.body.contains("65536"),
        "the page names the limit: {}",
        r.body
    );
    assert_eq!(
        r.headers["connection"], "close",
        "the rest of the form is unread: the browser must not reuse the connection"
    );

    // The browser goes on over a new connection; nothing refused was stored.
    let list = browser.get("/cabinet/documents").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("You have no documents yet."));
    let r = browser
        .post_multipart(
            "/cabinet/documents",
            upload_form(&csrf, "small.txt", b"fits"),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        !r.headers.contains_key("connection"),
        "an accepted upload keeps the connection"
    );
}
