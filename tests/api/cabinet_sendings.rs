//! Sendings in the cabinet through real HTTP as a browser sends it: writing one (refusals come
//! back as the form; a second press sends nothing more), drafts, the emailed link leading
//! through sign-in to the sending, and the recipient verifying, failing to reject without a
//! reason, and acknowledging with PIN and code — while the sender watches the delivery; a
//! draft edited in the form and sent from it.

use crate::support::accounts::{PASSWORD, last_code, read_as, subscriber};
use crate::support::browser::{Browser, Page};
use crate::support::exchange::{link, sender_with_documents};
use crate::support::registration::{PIN, holder};
use crate::support::spawn;

async fn send(b: &mut Browser<'_>, path: &str, form: &[(&str, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(path, &pairs).await
}

/// The text of the first element with class `class`.
fn step(page: &Page) -> String {
    let marker = "class=\"delivery-step\">";
    let at = page.body.find(marker).expect("a delivery row") + marker.len();
    page.body[at..].split('<').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_sending_goes_from_the_form_through_the_emailed_link_to_an_acknowledgement() {
    let app = spawn().await;
    let (sender, _, signed) = sender_with_documents(&app, &[b"%PDF-1.4 the contract"]).await;
    let (doc, sig) = signed[0].clone();
    let (recipient, credential) = holder(&app, "Oslo").await;

    let mut out = Browser::new(&app);
    out.sign_in(&sender.person.email, PASSWORD, &sender.person.phone)
        .await;
    let form = out.get("/cabinet/sendings/new").await;
    assert_eq!(form.status, 200, "{}", form.body);
    let attachment = format!("{doc}:{sig}");
    assert!(form.body.contains(&format!("value=\"{attachment}\"")));
    let mut fields = vec![
        ("csrf", form.csrf()),
        ("idempotency", form.hidden("idempotency")),
        ("recipients", String::new()),
        ("subject", "Contract No. 7".to_owned()),
        ("text", "Please sign and return.".to_owned()),
        ("attachment", attachment.clone()),
        ("action", "send".to_owned()),
    ];
    let refused = send(&mut out, "/cabinet/sendings", &fields).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("Name at least one recipient."));
    assert!(refused.body.contains("value=\"Contract No. 7\""), "kept");
    assert!(
        refused
            .body
            .contains(&format!("value=\"{attachment}\" checked"))
    );
    fields[2].1 = "not-an-email".to_owned();
    let refused = send(&mut out, "/cabinet/sendings", &fields).await;
    assert_eq!(refused.status, 400);
    fields[2].1 = recipient.person.email.clone();
    fields[0].1 = "forged".to_owned();
    assert_eq!(
        send(&mut out, "/cabinet/sendings", &fields).await.status,
        403
    );
    fields[0].1 = form.csrf();
    let sent = send(&mut out, "/cabinet/sendings", &fields).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let path = sent.location().to_owned();
    let again = send(&mut out, "/cabinet/sendings", &fields).await;
    assert_eq!(again.location(), path, "a second press sends nothing more");
    let page = out.get(&path).await;
    assert!(page.body.contains("file-0.pdf"));
    assert_eq!(step(&page), "Notified");
    let list = out.get("/cabinet/sendings?folder=sent").await;
    assert!(list.body.contains(&path));

    // The recipient follows the emailed link: sign-in first, then back to it.
    let secret = link(&app, &recipient.person.email).await;
    let mut inbox = Browser::new(&app);
    let asked = format!("/cabinet/sendings/open?link={secret}");
    let first = inbox.get(&asked).await;
    assert_eq!(first.status, 303);
    assert!(
        first
            .location()
            .starts_with("/signin?next=%2Fcabinet%2Fsendings%2Fopen")
    );
    inbox
        .sign_in(&recipient.person.email, PASSWORD, &recipient.person.phone)
        .await;
    let open = inbox.get(&asked).await;
    assert_eq!(open.status, 200);
    assert_eq!(
        open.hidden("back"),
        asked,
        "switching the language stays on this page"
    );
    let opened = inbox
        .post(
            "/cabinet/sendings/open",
            &[("csrf", &open.csrf()), ("link", &secret)],
        )
        .await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    assert_eq!(opened.location(), path);
    let received = inbox.get("/cabinet/sendings").await;
    assert!(received.body.contains(&path) && received.body.contains("class=\"unread\""));
    let page = inbox.get(&path).await;
    assert!(page.body.contains("Please sign and return."));
    let received = inbox.get("/cabinet/sendings").await;
    assert!(
        !received.body.contains("class=\"unread\""),
        "read once opened"
    );
    assert_eq!(step(&out.get(&path).await), "Delivered");

    let csrf = page.csrf();
    let verified = inbox
        .post(&format!("{path}/verify"), &[("csrf", &csrf)])
        .await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    assert!(verified.body.contains("file-0.pdf: <strong>valid</strong>"));
    let no_reason = inbox
        .post(
            &format!("{path}/reject"),
            &[("csrf", &csrf), ("reason", " ")],
        )
        .await;
    assert_eq!(no_reason.status, 400);
    assert!(no_reason.body.contains("role=\"alert\""));

    let dialog = inbox
        .post(
            &format!("{path}/acknowledgement"),
            &[("csrf", &csrf), ("credential", &credential)],
        )
        .await;
    assert_eq!(dialog.status, 200, "{}", dialog.body);
    let ack = format!("{path}/acknowledge");
    let code = last_code(&app, &recipient.person.phone).await;
    let answer = |pin: &str, code: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("credential", credential.clone()),
            ("pin", pin.to_owned()),
            ("confirmation", dialog.hidden("confirmation")),
            ("factor", dialog.hidden("factor")),
            ("until", dialog.hidden("until")),
            ("code", code.to_owned()),
        ]
    };
    let wrong = send(&mut inbox, &ack, &answer("wrong-pin-1", &code)).await;
    assert!(wrong.status >= 400 && wrong.status < 500);
    assert!(wrong.body.contains("role=\"alert\""));
    assert_eq!(step(&out.get(&path).await), "Verified");
    let dialog = inbox
        .post(
            &format!("{path}/acknowledgement"),
            &[("csrf", &csrf), ("credential", &credential)],
        )
        .await;
    let code = last_code(&app, &recipient.person.phone).await;
    let fields = vec![
        ("csrf", csrf.clone()),
        ("credential", credential.clone()),
        ("pin", PIN.to_owned()),
        ("confirmation", dialog.hidden("confirmation")),
        ("factor", dialog.hidden("factor")),
        ("until", dialog.hidden("until")),
        ("code", code),
    ];
    let done = send(&mut inbox, &ack, &fields).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let theirs = inbox.get(&path).await;
    assert!(
        !theirs.body.contains("/reject\""),
        "answered: nothing more to do"
    );
    assert_eq!(step(&out.get(&path).await), "Acknowledged");

    // Nobody else sees it.
    let stranger = subscriber(&app).await;
    let mut other = Browser::new(&app);
    other
        .sign_in(&stranger.person.email, PASSWORD, &stranger.person.phone)
        .await;
    assert_eq!(other.get(&path).await.status, 404);
    let home = other.get("/cabinet/sendings").await;
    assert!(!home.body.contains(&path));
    let forged = other
        .post(
            "/cabinet/sendings/open",
            &[("csrf", &home.csrf()), ("link", &secret)],
        )
        .await;
    assert_eq!(forged.status, 404, "a link opens only for its recipient");
}

#[tokio::test]
async fn a_draft_is_saved_sent_later_or_deleted() {
    let app = spawn().await;
    let (sender, _, signed) = sender_with_documents(&app, &[b"%PDF-1.4 a", b"%PDF-1.4 b"]).await;
    let mut b = Browser::new(&app);
    b.sign_in(&sender.person.email, PASSWORD, &sender.person.phone)
        .await;
    let form = b.get("/cabinet/sendings/new").await;
    let draft = |subject: &str, attachment: String| {
        vec![
            ("csrf", form.csrf()),
            ("idempotency", form.hidden("idempotency")),
            ("recipients", "someone.abroad@example.org".to_owned()),
            ("subject", subject.to_owned()),
            ("attachment", attachment),
            ("action", "draft".to_owned()),
        ]
    };
    let first = format!("{}:{}", signed[0].0, signed[0].1);
    let saved = send(&mut b, "/cabinet/sendings", &draft("First", first)).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let path = saved.location().to_owned();
    let page = b.get(&path).await;
    assert!(page.body.contains("Draft"));
    assert!(page.body.contains(&format!("action=\"{path}/send\"")));
    let drafts = b.get("/cabinet/sendings?folder=drafts").await;
    assert!(drafts.body.contains(&path));
    let sent = b
        .post(
            &format!("{path}/send"),
            &[
                ("csrf", &page.csrf()),
                ("idempotency", &page.hidden("idempotency")),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let page = b.get(sent.location()).await;
    assert!(page.body.contains("Sent "));
    let deleting = b
        .post(&format!("{path}/delete"), &[("csrf", &page.csrf())])
        .await;
    assert_eq!(deleting.status, 409, "a sent sending is a record");

    let second = format!("{}:{}", signed[1].0, signed[1].1);
    let saved = send(&mut b, "/cabinet/sendings", &draft("Second", second)).await;
    let path = saved.location().to_owned();
    let deleted = b
        .post(&format!("{path}/delete"), &[("csrf", &page.csrf())])
        .await;
    assert_eq!(deleted.status, 303);
    assert_eq!(b.get(&path).await.status, 404);
    assert_eq!(b.get("/cabinet/sendings?folder=nonsense").await.status, 400);
}

#[tokio::test]
async fn a_draft_is_edited_in_the_form_saved_again_then_sent_from_it() {
    let app = spawn().await;
    let (sender, _, signed) = sender_with_documents(&app, &[b"%PDF-1.4 a", b"%PDF-1.4 b"]).await;
    let (recipient, _) = holder(&app, "Tromso").await;
    let mut b = Browser::new(&app);
    b.sign_in(&sender.person.email, PASSWORD, &sender.person.phone)
        .await;
    let form = b.get("/cabinet/sendings/new").await;
    let first = format!("{}:{}", signed[0].0, signed[0].1);
    let second = format!("{}:{}", signed[1].0, signed[1].1);
    let saved = send(
        &mut b,
        "/cabinet/sendings",
        &[
            ("csrf", form.csrf()),
            ("idempotency", form.hidden("idempotency")),
            ("recipients", "someone.abroad@example.org".to_owned()),
            ("subject", "Lease, first try".to_owned()),
            ("text", "Draft text".to_owned()),
            ("attachment", first.clone()),
            ("action", "draft".to_owned()),
        ],
    )
    .await;
    let path = saved.location().to_owned();
    let page = b.get(&path).await;
    assert!(page.body.contains(&format!("href=\"{path}/edit\"")));

    let edit = b.get(&format!("{path}/edit")).await;
    assert_eq!(edit.status, 200, "{}", edit.body);
    assert!(edit.body.contains("<h1>Edit the draft</h1>"));
    assert!(edit.body.contains("value=\"Lease, first try\""));
    assert!(edit.body.contains(">someone.abroad@example.org</textarea>"));
    assert!(edit.body.contains(">Draft text</textarea>"));
    assert!(edit.body.contains(&format!("value=\"{first}\" checked")));
    let id = path.rsplit('/').next().unwrap().to_owned();
    assert_eq!(edit.hidden("editing"), id);
    let fields = |subject: &str, recipients: &str, attachment: &str, action: &str| {
        vec![
            ("csrf", edit.csrf()),
            ("idempotency", edit.hidden("idempotency")),
            ("editing", id.clone()),
            ("recipients", recipients.to_owned()),
            ("subject", subject.to_owned()),
            ("text", "Final text".to_owned()),
            ("attachment", attachment.to_owned()),
            ("action", action.to_owned()),
        ]
    };
    let resaved = send(
        &mut b,
        "/cabinet/sendings",
        &fields(
            "Lease No. 12",
            "someone.abroad@example.org",
            &second,
            "draft",
        ),
    )
    .await;
    assert_eq!(resaved.status, 303, "{}", resaved.body);
    assert_eq!(resaved.location(), path, "the same draft, not a new one");
    let view = read_as(&app, &format!("/api/v1/sendings/{id}"), &sender.access).await;
    assert_eq!(view["subject"], "Lease No. 12");
    assert_eq!(view["text"], "Final text");
    assert_eq!(view["files"].as_array().unwrap().len(), 1);
    assert_eq!(view["files"][0]["signature_id"], signed[1].1.as_str());

    let nobody = send(
        &mut b,
        "/cabinet/sendings",
        &fields("Lease No. 12", "", &second, "send"),
    )
    .await;
    assert_eq!(nobody.status, 400);
    assert!(nobody.body.contains("Name at least one recipient."));
    assert_eq!(nobody.hidden("editing"), id, "still editing it");
    let mut forged = fields("Lease No. 12", &recipient.person.email, &second, "send");
    forged[0].1 = "forged".into();
    assert_eq!(send(&mut b, "/cabinet/sendings", &forged).await.status, 403);
    let mut stray = fields("Lease No. 12", &recipient.person.email, &second, "draft");
    stray[2].1 = "not-an-id".into();
    assert_eq!(send(&mut b, "/cabinet/sendings", &stray).await.status, 404);
    let view = read_as(&app, &format!("/api/v1/sendings/{id}"), &sender.access).await;
    assert_eq!(view["state"], "draft", "nothing sent by a refusal");

    let sent = send(
        &mut b,
        "/cabinet/sendings",
        &fields("Lease No. 12", &recipient.person.email, &second, "send"),
    )
    .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(sent.location(), path);
    let view = read_as(&app, &format!("/api/v1/sendings/{id}"), &sender.access).await;
    assert_eq!(view["state"], "sent");
    assert_eq!(
        view["recipients"][0]["party"]["email"],
        recipient.person.email.as_str()
    );
    let late = b.get(&format!("{path}/edit")).await;
    assert_eq!(late.status, 409, "a sent sending cannot be changed");
    let again = send(
        &mut b,
        "/cabinet/sendings",
        &fields("Changed after", &recipient.person.email, &second, "draft"),
    )
    .await;
    assert_eq!(again.status, 409);

    let mut theirs = Browser::new(&app);
    theirs
        .sign_in(&recipient.person.email, PASSWORD, &recipient.person.phone)
        .await;
    assert_eq!(
        theirs.get(&format!("{path}/edit")).await.status,
        404,
        "the recipient's view is not a draft to edit"
    );
}

#[tokio::test]
async fn a_document_goes_with_a_signature_file_made_elsewhere() {
    use reqwest::multipart::{Form, Part};
    use sha2::Digest;
    let app = spawn().await;
    let (sender, _, signed) = sender_with_documents(&app, &[b"%PDF-1.4 signed on a token"]).await;
    let (doc, sig) = signed[0].clone();
    let (recipient, _) = holder(&app, "Bergen").await;
    let r = crate::support::accounts::get_as(
        &app,
        &format!("/api/v1/signatures/{sig}/p7s"),
        &sender.access,
    )
    .await;
    let elsewhere = r.bytes().await.unwrap().to_vec();
    let mut b = Browser::new(&app);
    b.sign_in(&sender.person.email, PASSWORD, &sender.person.phone)
        .await;
    let page = b.get("/cabinet/sendings/new").await;
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    assert!(
        page.body
            .contains(&format!("<option value=\"{doc}\">file-0.pdf</option>"))
    );
    let csrf = page.csrf();
    let key = page.hidden("idempotency");
    let form = |token: &str, document: &str, file: Option<Vec<u8>>| {
        let mut f = Form::new()
            .text("csrf", token.to_owned())
            .text("idempotency", key.clone())
            .text("recipients", recipient.person.email.clone())
            .text("subject", "Signed on my token")
            .text("text", "")
            .text("external_document", document.to_owned())
            .text("action", "send");
        if let Some(bytes) = file {
            f = f.part(
                "external_signature",
                Part::bytes(bytes).file_name("contract.pdf.sig"),
            );
        }
        f
    };
    let no_file = b
        .post_multipart("/cabinet/sendings", form(&csrf, &doc, None))
        .await;
    assert_eq!(no_file.status, 400);
    assert!(
        no_file
            .body
            .contains("Choose the signature file for the document signed elsewhere.")
    );
    assert!(
        no_file
            .body
            .contains(&format!("<option value=\"{doc}\" selected>")),
        "kept"
    );
    let no_document = b
        .post_multipart(
            "/cabinet/sendings",
            form(&csrf, "", Some(elsewhere.clone())),
        )
        .await;
    assert_eq!(no_document.status, 400);
    assert!(
        no_document
            .body
            .contains("Choose the document the signature file belongs to.")
    );
    let mut tampered = elsewhere.clone();
    let at = tampered.len() - 10;
    tampered[at] ^= 0x01;
    let bad = b
        .post_multipart("/cabinet/sendings", form(&csrf, &doc, Some(tampered)))
        .await;
    assert!(bad.status >= 400 && bad.status < 500, "{}", bad.status);
    assert!(bad.body.contains("role=\"alert\""));
    assert_eq!(
        b.post_multipart(
            "/cabinet/sendings",
            form("forged", &doc, Some(elsewhere.clone()))
        )
        .await
        .status,
        403
    );
    let file_first = Form::new()
        .part(
            "external_signature",
            Part::bytes(elsewhere.clone()).file_name("x.sig"),
        )
        .text("csrf", csrf.clone());
    assert_eq!(
        b.post_multipart("/cabinet/sendings", file_first)
            .await
            .status,
        403,
        "the token comes first"
    );
    let none = read_as(&app, "/api/v1/sendings?folder=sent", &sender.access).await;
    assert!(
        none.as_array().unwrap().is_empty(),
        "nothing sent by a refusal"
    );

    let uploaded = hex::encode(sha2::Sha256::digest(&elsewhere));
    let sent = b
        .post_multipart("/cabinet/sendings", form(&csrf, &doc, Some(elsewhere)))
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let id = sent.location().rsplit('/').next().unwrap().to_owned();
    let view = read_as(&app, &format!("/api/v1/sendings/{id}"), &sender.access).await;
    assert_eq!(view["files"].as_array().unwrap().len(), 1);
    assert_eq!(view["files"][0]["document_id"], doc.as_str());
    assert!(
        view["files"][0]["signature_id"].is_null(),
        "the file, not one made here"
    );
    assert_eq!(
        view["files"][0]["signature_sha256"],
        uploaded.as_str(),
        "the file sent"
    );
    assert_eq!(
        view["files"][0]["verdict"], "passed",
        "verified before it went"
    );
}
