//! Certificates in the cabinet through real HTTP as a browser sends it: activation with the
//! SMS marker, the signing PIN, the kind of key and the second factor (each refusal shown on the form, nothing
//! typed echoed back), the certificate page and its downloads checked by openssl, revocation
//! confirmed by the second factor, and other people's certificates looking like nothing.

use crate::support::accounts::{PASSWORD, last_code, read_as, subscriber};
use crate::support::browser::{Browser, Page, only_holders};
use crate::support::pki::openssl_ok;
use crate::support::registration::{PIN, holder, identified, marker};
use crate::support::spawn;
use serde_json::Value;

/// The activation form's fields with `marker`, `pin` twice (`again` the second) and `code`.
fn activation<'a>(
    page: &'a Page,
    marker: &'a str,
    pin: &'a str,
    again: &'a str,
    code: &'a str,
) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", page.csrf()),
        ("marker", marker.to_owned()),
        ("pin", pin.to_owned()),
        ("pin_again", again.to_owned()),
        ("confirmation", page.hidden("confirmation")),
        ("factor", page.hidden("factor")),
        ("until", page.hidden("until")),
        ("code", code.to_owned()),
    ]
}

async fn send(b: &mut Browser<'_>, path: &str, form: &[(&'static str, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(path, &pairs).await
}

/// The text of the element with id `id`.
fn text_of(page: &Page, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let at = page.body.find(&marker).expect("the element") + marker.len();
    page.body[at..].split('<').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_subscriber_activates_downloads_and_revokes_in_the_cabinet() {
    let app = spawn().await;
    let (sub, _, id) = identified(&app, "Tbilisi").await;
    let the_marker = marker(&app, &sub.person.phone).await;

    let mut browser = Browser::new(&app);
    browser
        .sign_in(&sub.person.email, PASSWORD, &sub.person.phone)
        .await;
    let path = format!("/cabinet/applications/{id}");
    let page = browser.get(&path).await;
    assert!(page.body.contains(&format!("action=\"{path}/activation\"")));
    let forged = browser
        .post(&format!("{path}/activation"), &[("csrf", "forged")])
        .await;
    assert_eq!(forged.status, 403);

    let form = browser
        .post(&format!("{path}/activation"), &[("csrf", &page.csrf())])
        .await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("name=\"marker\""));
    assert!(form.body.contains("name=\"pin\" type=\"password\""));
    assert!(form.body.contains("name=\"pin_again\" type=\"password\""));
    assert!(form.body.contains("<option value=\"ecdsa_p256\" selected>"));
    assert!(form.body.contains("<option value=\"rsa_2048\">"));
    assert!(form.body.contains("We sent a confirmation code by SMS"));
    assert_eq!(form.hidden("factor"), "sms");
    let code = last_code(&app, &sub.person.phone).await;
    let act = format!("{path}/activate");

    // Two different PINs: refused before the service counts anything.
    let typed = activation(&form, &the_marker, PIN, "fjord-7392", &code);
    let again = send(&mut browser, &act, &typed).await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("The two PINs differ."));
    assert!(
        !again.body.contains(&the_marker),
        "the marker is not echoed"
    );
    assert!(!again.body.contains(PIN), "the PIN is not echoed");
    assert_eq!(again.hidden("confirmation"), form.hidden("confirmation"));
    // A weak PIN: the service's policy, word for word.
    let typed = activation(&again, &the_marker, "123456", "123456", &code);
    let again = send(&mut browser, &act, &typed).await;
    assert_eq!(again.status, 400, "{}", again.body);
    assert!(
        again.body.contains("a run such as 123456"),
        "{}",
        again.body
    );
    // A wrong marker.
    let typed = activation(&again, "AAAAA-AAAAA", PIN, PIN, &code);
    let again = send(&mut browser, &act, &typed).await;
    assert!(again.status >= 400 && again.status < 500);
    assert!(again.body.contains("role=\"alert\""));
    assert!(!again.body.contains(PIN));
    let api: Value = read_as(&app, &format!("/api/v1/applications/{id}"), &sub.access).await;
    assert_eq!(api["status"], "issuing", "nothing refused activated");

    // A kind of key the vault does not keep: refused before anything is counted.
    let mut typed = activation(&again, &the_marker, PIN, PIN, &code);
    typed.push(("key_algorithm", "ed25519".to_owned()));
    let again = send(&mut browser, &act, &typed).await;
    assert_eq!(again.status, 400, "{}", again.body);
    assert!(
        again.body.contains("key_algorithm is `ecdsa_p256`"),
        "{}",
        again.body
    );

    let mut typed = activation(&again, &the_marker, PIN, PIN, &code);
    typed.push(("key_algorithm", "rsa_2048".to_owned()));
    let done = send(&mut browser, &act, &typed).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let cert_path = done.location().to_owned();
    assert!(cert_path.starts_with("/cabinet/certificates/"));
    let cert_id = cert_path.rsplit('/').next().unwrap().to_owned();

    let page = browser.get(&cert_path).await;
    assert_eq!(page.status, 200);
    assert_eq!(text_of(&page, "status"), "Active");
    let api: Value = read_as(
        &app,
        &format!("/api/v1/me/certificates/{cert_id}"),
        &sub.access,
    )
    .await;
    let serial = api["serial"].as_str().unwrap().to_owned();
    assert!(page.body.contains(&serial));
    assert!(page.body.contains(api["key_id"].as_str().unwrap()));
    let list = browser.get("/cabinet/certificates").await;
    assert!(list.body.contains(&cert_path) && list.body.contains(&serial));
    let application = browser.get(&path).await;
    assert!(application.body.contains(&format!("href=\"{cert_path}\"")));
    assert!(!application.body.contains("/activation\""));

    // The page's download links give what openssl reads as this certificate.
    let pem_link = format!("/api/v1/me/certificates/{cert_id}/download?format=pem");
    assert!(page.body.contains(&pem_link.replace('&', "&amp;")));
    let pem = browser.get(&pem_link).await;
    assert_eq!(pem.status, 200);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cert.pem"), &pem.body).unwrap();
    let shown = openssl_ok(
        dir.path(),
        &["x509", "-in", "cert.pem", "-noout", "-serial"],
    );
    assert_eq!(
        shown
            .trim()
            .trim_start_matches("serial=")
            .to_ascii_lowercase(),
        serial.to_ascii_lowercase()
    );
    let text = openssl_ok(dir.path(), &["x509", "-in", "cert.pem", "-noout", "-text"]);
    assert!(
        text.contains("rsaEncryption"),
        "the key chosen on the form: {text}"
    );
    assert!(text.contains("(2048 bit)"), "{text}");

    // Revocation: the second factor first, then the reason and the code.
    let asked = browser
        .post(
            &format!("{cert_path}/revocation"),
            &[("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert!(asked.body.contains("<option value=\"keyCompromise\">"));
    let code = last_code(&app, &sub.person.phone).await;
    let revoke = format!("{cert_path}/revoke");
    let mut typed = vec![
        ("csrf", asked.csrf()),
        ("reason", "nonsense".to_owned()),
        ("confirmation", asked.hidden("confirmation")),
        ("factor", "sms".to_owned()),
        ("until", asked.hidden("until")),
        ("code", code.clone()),
    ];
    let refused = send(&mut browser, &revoke, &typed).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("unknown revocation reason"));
    typed[1].1 = "keyCompromise".to_owned();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    typed[5].1 = wrong.to_owned();
    let refused = send(&mut browser, &revoke, &typed).await;
    assert!(refused.status >= 400 && refused.status < 500);
    assert!(
        refused
            .body
            .contains("<option value=\"keyCompromise\" selected>")
    );
    assert_eq!(text_of(&refused, "status"), "Active");
    typed[5].1 = code;
    let done = send(&mut browser, &revoke, &typed).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let page = browser.get(&cert_path).await;
    assert_eq!(text_of(&page, "status"), "Revoked");
    assert!(page.body.contains("The key may be compromised"));
    assert!(
        !page.body.contains("/revocation\""),
        "nothing left to revoke"
    );
    let api: Value = read_as(
        &app,
        &format!("/api/v1/me/certificates/{cert_id}"),
        &sub.access,
    )
    .await;
    assert_eq!(api["status"], "revoked");
    assert_eq!(api["revocation_code"], "keyCompromise");
    assert_eq!(api["revocation_reason"], "by the holder");

    // In Russian, the same page in the words the holder reads.
    browser
        .post(
            "/language",
            &[("csrf", &page.csrf()), ("lang", "ru"), ("back", "/cabinet")],
        )
        .await;
    let page = browser.get(&cert_path).await;
    assert_eq!(text_of(&page, "status"), "Отозван");
    assert!(page.body.contains("Ключ мог быть скомпрометирован"));
}

#[tokio::test]
async fn certificate_pages_answer_only_their_holder() {
    let app = spawn().await;
    let (_, op, id) = identified(&app, "Yerevan").await;

    let stranger = subscriber(&app).await;
    let mut other = Browser::new(&app);
    let home = other
        .sign_in(&stranger.person.email, PASSWORD, &stranger.person.phone)
        .await;
    let csrf = home.csrf();
    let started = other
        .post(
            &format!("/cabinet/applications/{id}/activation"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(started.status, 404, "another's application is not found");
    let the_cert = op.credential.clone();
    for path in [
        "/cabinet/certificates/00000000-0000-0000-0000-000000000000".to_owned(),
        format!("/cabinet/certificates/{the_cert}"),
        "/cabinet/certificates/not-an-id".to_owned(),
    ] {
        assert_eq!(other.get(&path).await.status, 404, "{path}");
    }
    let revoking = other
        .post(
            &format!("/cabinet/certificates/{the_cert}/revocation"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(revoking.status, 404);
    let list = other.get("/cabinet/certificates").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("You have no certificates yet."));
    assert!(!list.body.contains(&the_cert));

    // The officer sees their own certificate in the cabinet.
    let mut officer_browser = Browser::new(&app);
    officer_browser
        .sign_in(&op.session.person.email, PASSWORD, &op.session.person.phone)
        .await;
    let own = officer_browser
        .get(&format!("/cabinet/certificates/{the_cert}"))
        .await;
    assert_eq!(own.status, 200, "{}", own.body);

    // A partner agent, an auditor, nobody: no certificate pages.
    only_holders(&app, "/cabinet/certificates").await;
}

/// The reissue form's fields with the current PIN, the new PIN twice and the code.
fn reissuing(
    page: &Page,
    pin: &str,
    new: &str,
    again: &str,
    code: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", page.csrf()),
        ("pin", pin.to_owned()),
        ("new_pin", new.to_owned()),
        ("new_pin_again", again.to_owned()),
        ("confirmation", page.hidden("confirmation")),
        ("factor", page.hidden("factor")),
        ("until", page.hidden("until")),
        ("code", code.to_owned()),
    ]
}

#[tokio::test]
async fn a_holder_reissues_from_the_certificate_page_with_the_current_pin_and_a_new_one() {
    let app = spawn().await;
    let (sub, old) = holder(&app, "Tallinn").await;
    let mut browser = Browser::new(&app);
    browser
        .sign_in(&sub.person.email, PASSWORD, &sub.person.phone)
        .await;
    let old_path = format!("/cabinet/certificates/{old}");
    let page = browser.get(&old_path).await;
    let start = format!("{old_path}/reissue/start");
    assert!(page.body.contains(&format!("action=\"{start}\"")));
    assert_eq!(
        page.body.matches("id=\"reissue\"").count(),
        1,
        "one reissue section"
    );
    assert!(page.body.contains("<title>Certificate "), "a plain title");
    let forged = browser.post(&start, &[("csrf", "forged")]).await;
    assert_eq!(forged.status, 403);

    let form = browser.post(&start, &[("csrf", &page.csrf())]).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("name=\"new_pin_again\""));
    let code = last_code(&app, &sub.person.phone).await;
    let reissue = format!("{old_path}/reissue");
    let fresh = "harbour-4821";

    // New PINs that differ: refused before the service is asked.
    let typed = reissuing(&form, PIN, fresh, "harbour-4822", &code);
    let again = send(&mut browser, &reissue, &typed).await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("The two PINs differ."));
    assert!(!again.body.contains(fresh) && !again.body.contains(PIN));
    // A wrong current PIN: refused by the key's custody; the code is spent, so a new one.
    let typed = reissuing(&again, "not-my-pin-9", fresh, fresh, &code);
    let wrong = send(&mut browser, &reissue, &typed).await;
    assert!(
        wrong.status >= 400 && wrong.status < 500,
        "{}",
        wrong.status
    );
    assert!(wrong.body.contains("role=\"alert\""));
    assert_eq!(text_of(&wrong, "status"), "Active");
    let certs: Value = read_as(&app, "/api/v1/me/certificates", &sub.access).await;
    assert_eq!(
        certs.as_array().unwrap().len(),
        1,
        "nothing refused was issued"
    );

    let form = browser.post(&start, &[("csrf", &page.csrf())]).await;
    let code = last_code(&app, &sub.person.phone).await;
    let typed = reissuing(&form, PIN, fresh, fresh, &code);
    let done = send(&mut browser, &reissue, &typed).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let new_path = done.location().to_owned();
    assert_ne!(new_path, old_path);
    let new = browser.get(&new_path).await;
    assert_eq!(text_of(&new, "status"), "Active");
    assert!(
        new.body.contains(&format!("href=\"{old_path}\"")),
        "it names what it replaces"
    );
    let old_page = browser.get(&old_path).await;
    assert_eq!(text_of(&old_page, "status"), "Revoked");
    assert!(old_page.body.contains("Replaced by a new certificate"));
    assert!(
        !old_page.body.contains("/reissue/start\""),
        "a revoked one is not reissued"
    );
    let new_id = new_path.rsplit('/').next().unwrap();
    let v: Value = read_as(&app, &format!("/api/v1/credentials/{new_id}"), &sub.access).await;
    assert_eq!(v["can_sign"], true);
}
