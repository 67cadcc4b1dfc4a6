//! An application's Documents tab through real HTTP as a browser sends it: the forms to print,
//! the scans uploaded, replaced and deleted by the applicant and by the operator (each refusal
//! shown on the tab with nothing stored), completion once the set is there, and the paper
//! originals of a simple certificate marked received by the operator only.

use crate::support::accounts::{PASSWORD, get_as, subscriber};
use crate::support::browser::{Browser, Page};
use crate::support::registration::{
    active_certificate, desk, file, identify_and_activate, individual, officer,
};
use crate::support::{TestApp, spawn_with};
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use sha2::{Digest, Sha256};

const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1,
];

/// Send `content` as the scan of `doc` through the tab's form.
async fn upload(b: &mut Browser<'_>, tab: &Page, id: &str, doc: &str, content: &[u8]) -> Page {
    let form = Form::new().text("csrf", tab.csrf()).part(
        "file",
        Part::bytes(content.to_vec()).file_name(format!("{doc}.bin")),
    );
    b.post_multipart(&format!("/cabinet/applications/{id}/scans/{doc}"), form)
        .await
}

/// The scans the API lists: (document, media type).
async fn stored(app: &TestApp, token: &str, id: &str) -> Vec<(String, String)> {
    let r = get_as(app, &format!("/api/v1/applications/{id}/scans"), token).await;
    assert_eq!(r.status(), 200);
    let v: Vec<Value> = r.json().await.unwrap();
    v.iter()
        .map(|s| {
            (
                s["document"].as_str().unwrap().to_owned(),
                s["media_type"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The row of `doc` on the tab.
fn row<'p>(page: &'p Page, doc: &str) -> &'p str {
    let at = page
        .body
        .find(&format!("<tr id=\"scan-{doc}\">"))
        .unwrap_or_else(|| panic!("no row {doc} in:\n{}", page.body));
    let rest = &page.body[at..];
    &rest[..rest.find("</tr>").unwrap()]
}

#[tokio::test]
async fn the_documents_tab_takes_the_signed_set_until_the_application_is_completed() {
    let app = spawn_with(|c| {
        c.registration.scan_max_bytes = std::num::NonZeroUsize::new(1024).unwrap();
    })
    .await;
    let point = desk(&app, "Kyrenia").await;
    let op = officer(&app, point).await;
    let sub = subscriber(&app).await;
    let (id, _) = active_certificate(&app, &sub, &op, point).await;

    let mut b = Browser::new(&app);
    b.sign_in(&sub.person.email, PASSWORD, &sub.person.phone)
        .await;
    let details = b.get(&format!("/cabinet/applications/{id}")).await;
    assert!(
        details
            .body
            .contains(&format!("href=\"/cabinet/applications/{id}/documents\"")),
        "the Documents tab"
    );
    let tab = b
        .get(&format!("/cabinet/applications/{id}/documents"))
        .await;
    assert_eq!(tab.status, 200, "{}", tab.body);
    for paper in [
        "application-form",
        "invoice",
        "certificate-form",
        "act",
        "security-guide",
    ] {
        assert!(
            tab.body
                .contains(&format!("/api/v1/applications/{id}/papers/{paper}\"")),
            "{paper} offered once the certificate is active"
        );
    }
    let (status, pdf) = b
        .download(&format!("/api/v1/applications/{id}/papers/invoice"))
        .await;
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF-"), "the invoice as PDF");
    assert!(
        tab.body.contains("Still needed to complete: Signed application; Signed certificate form; Signed act of acceptance; Identity document (main page); SNILS</p>"),
        "{}",
        tab.body
    );
    assert!(row(&tab, "authority").contains("optional"), "an individual");

    let signed = b"%PDF-1.7\nthe signed application";
    let done = upload(&mut b, &tab, &id, "application_form", signed).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(
        done.location(),
        format!("/cabinet/applications/{id}/documents")
    );
    let tab = b
        .get(&format!("/cabinet/applications/{id}/documents"))
        .await;
    let uploaded = row(&tab, "application_form");
    assert!(uploaded.contains("application/pdf"), "{uploaded}");
    assert!(uploaded.contains(&hex::encode(Sha256::digest(signed))));
    assert!(uploaded.contains("uploaded by the applicant"));
    assert!(uploaded.contains(">Replace<") && uploaded.contains(">Delete<"));
    let (status, back) = b
        .download(&format!("/api/v1/applications/{id}/scans/application_form"))
        .await;
    assert_eq!((status, back.as_slice()), (200, &signed[..]));

    // Refusals: the tab again with the reason, nothing stored or replaced.
    let text = upload(&mut b, &tab, &id, "act", b"just some text").await;
    assert_eq!(text.status, 415, "{}", text.body);
    assert!(text.body.contains("role=\"alert\""), "{}", text.body);
    assert!(text.body.contains("Scans of the signed documents"));
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(2000, b'x');
    let large = upload(&mut b, &tab, &id, "act", &big).await;
    assert_eq!(large.status, 413, "{}", large.body);
    assert!(large.body.contains("role=\"alert\""));
    let empty = upload(&mut b, &tab, &id, "act", b"").await;
    assert_eq!(empty.status, 400, "{}", empty.body);
    let unknown = upload(&mut b, &tab, &id, "passport_photo", JPEG).await;
    assert_eq!(unknown.status, 404);
    let forged = Form::new()
        .text("csrf", "forged")
        .part("file", Part::bytes(JPEG.to_vec()).file_name("act.jpg"));
    let forged = b
        .post_multipart(&format!("/cabinet/applications/{id}/scans/act"), forged)
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(
        stored(&app, &sub.access, &id).await,
        vec![("application_form".into(), "application/pdf".into())]
    );

    // Replace, then delete; deleting what is gone is refused on the tab.
    let done = upload(&mut b, &tab, &id, "application_form", JPEG).await;
    assert_eq!(done.status, 303);
    assert_eq!(
        stored(&app, &sub.access, &id).await,
        vec![("application_form".into(), "image/jpeg".into())]
    );
    let path = format!("/cabinet/applications/{id}/scans/application_form/delete");
    let gone = b.post(&path, &[("csrf", &tab.csrf())]).await;
    assert_eq!(gone.status, 303);
    assert!(stored(&app, &sub.access, &id).await.is_empty());
    let again = b.post(&path, &[("csrf", &tab.csrf())]).await;
    assert_eq!(again.status, 404, "{}", again.body);
    assert!(again.body.contains("role=\"alert\""));

    // Another subscriber neither sees the tab nor stores anything on it.
    let stranger = subscriber(&app).await;
    let mut s = Browser::new(&app);
    let home = s
        .sign_in(&stranger.person.email, PASSWORD, &stranger.person.phone)
        .await;
    let theirs = s
        .get(&format!("/cabinet/applications/{id}/documents"))
        .await;
    assert_eq!(theirs.status, 404);
    let theirs = upload(&mut s, &home, &id, "act", JPEG).await;
    assert_eq!(theirs.status, 404);
    assert!(stored(&app, &sub.access, &id).await.is_empty());

    // The operator brings the whole set from the desk and completes.
    let mut o = Browser::new(&app);
    o.sign_in(&op.person.email, PASSWORD, &op.person.phone)
        .await;
    let desk_page = o.get(&format!("/cabinet/desk/{id}")).await;
    assert!(
        desk_page
            .body
            .contains(&format!("href=\"/cabinet/desk/{id}/documents\"")),
        "the desk's Documents tab"
    );
    let tab = o.get(&format!("/cabinet/desk/{id}/documents")).await;
    assert_eq!(tab.status, 200, "{}", tab.body);
    for doc in [
        "application_form",
        "certificate_form",
        "act",
        "identity_document",
        "snils",
    ] {
        let done = upload(&mut o, &tab, &id, doc, b"%PDF-1.4\nsigned").await;
        assert_eq!(done.status, 303, "{doc}: {}", done.body);
        assert_eq!(done.location(), format!("/cabinet/desk/{id}/documents"));
    }
    let tab = o.get(&format!("/cabinet/desk/{id}/documents")).await;
    assert!(tab.body.contains("id=\"scans-complete\""), "{}", tab.body);
    assert!(row(&tab, "snils").contains("uploaded by the operator"));
    for act in ["documents-prepared", "completion-confirmed", "complete"] {
        let done = o
            .post(
                &format!("/cabinet/desk/{id}/{act}"),
                &[("csrf", &tab.csrf())],
            )
            .await;
        assert_eq!(done.status, 303, "{act}: {}", done.body);
    }
    let closed = b
        .get(&format!("/cabinet/applications/{id}/documents"))
        .await;
    assert!(closed.body.contains("its scans can no longer change"));
    assert!(!closed.body.contains("enctype=\"multipart/form-data\""));
    let late = upload(&mut b, &closed, &id, "authority", JPEG).await;
    assert_eq!(late.status, 409, "{}", late.body);
    assert!(late.body.contains("the application is closed"));
    assert_eq!(stored(&app, &sub.access, &id).await.len(), 5);
}

#[tokio::test]
async fn the_operator_marks_a_simple_certificates_originals_received() {
    let app = spawn_with(|_| {}).await;
    let point = desk(&app, "Famagusta").await;
    let op = officer(&app, point).await;
    let sub = subscriber(&app).await;
    let a = file(&app, &sub, "simple-cloud", point, individual()).await;
    let id = a["id"].as_str().unwrap().to_owned();
    identify_and_activate(&app, &sub, &op, &id).await;

    let mut b = Browser::new(&app);
    let home = b
        .sign_in(&sub.person.email, PASSWORD, &sub.person.phone)
        .await;
    let switched = b
        .post(
            "/language",
            &[("csrf", &home.csrf()), ("lang", "ru"), ("back", "/cabinet")],
        )
        .await;
    assert_eq!(switched.status, 303);
    let mine = b
        .get(&format!("/cabinet/applications/{id}/documents"))
        .await;
    assert_eq!(mine.status, 200);
    assert!(mine.body.contains("Оригиналы документов"), "{}", mine.body);
    assert!(mine.body.contains("ещё не получены"));
    assert!(
        !mine.body.contains("/originals-received\""),
        "only the operator marks them"
    );
    let refused = b
        .post(
            &format!("/cabinet/desk/{id}/originals-received"),
            &[("csrf", &mine.csrf())],
        )
        .await;
    assert_eq!(refused.status, 403);

    let mut o = Browser::new(&app);
    o.sign_in(&op.person.email, PASSWORD, &op.person.phone)
        .await;
    let tab = o.get(&format!("/cabinet/desk/{id}/documents")).await;
    assert!(
        tab.body.contains("The originals have arrived"),
        "{}",
        tab.body
    );
    let path = format!("/cabinet/desk/{id}/originals-received");
    let done = o.post(&path, &[("csrf", &tab.csrf())]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let v: Value = get_as(&app, &format!("/api/v1/applications/{id}"), &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert!(v["originals_received_at"].is_string());
    let tab = o.get(&format!("/cabinet/desk/{id}/documents")).await;
    assert!(!tab.body.contains("The originals have arrived"));
    assert!(!tab.body.contains("not received yet"));
    let twice = o.post(&path, &[("csrf", &tab.csrf())]).await;
    assert_eq!(twice.status, 409, "{}", twice.body);
    assert!(twice.body.contains("no paper originals are awaited"));
}
