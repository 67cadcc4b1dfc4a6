//! Verification over HTTP: open to anyone (limited per address), a report or a sealed protocol
//! in JSON, HTML or PDF, English or Russian; protocol files checked by their seal — tampering
//! and another key's seal caught; saved protocols for the signed-in, and every refusal.

use crate::support::accounts::{get_as, problem, subscriber};
use crate::support::browser::Browser;
use crate::support::documents::{check_protocol as check, upload};
use crate::support::pki::{TestSigner, cades_sign, new_signer, subject};
use crate::support::{TestApp, spawn_with};
use base64::Engine;
use chrono::Utc;
use cloudseal::pki::cms::DigestAlgorithm;
use cloudseal::pki::profile::CertificateKind;
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use sha2::{Digest, Sha256};

const DOC: &[u8] = "Договор № 12 / Contract No. 12\n".as_bytes();

async fn signer(app: &TestApp) -> TestSigner {
    new_signer(app, subject(), CertificateKind::Qualified)
        .await
        .unwrap()
}

fn form(signature: &[u8], document: Option<&[u8]>) -> Form {
    let mut f = Form::new().part(
        "signature",
        Part::bytes(signature.to_vec()).file_name("contract.pdf.p7s"),
    );
    if let Some(d) = document {
        f = f.part(
            "document",
            Part::bytes(d.to_vec()).file_name("contract.pdf"),
        );
    }
    f
}

async fn post_form(
    app: &TestApp,
    query: &str,
    form: Form,
    token: Option<&str>,
) -> reqwest::Response {
    let mut req = app
        .http
        .post(app.url(&format!("/api/v1/verify{query}")))
        .multipart(form);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

fn roomy(c: &mut cloudseal::config::Config) {
    c.verification.anonymous_per_minute = std::num::NonZeroU32::new(1000).unwrap();
}

/// An app without a tight limit, a signer, and its detached CAdES-BES over [`DOC`].
async fn app_with_signature() -> (TestApp, TestSigner, Vec<u8>) {
    let app = spawn_with(roomy).await;
    let s = signer(&app).await;
    let sig = cades_sign(
        &app,
        &s,
        DOC,
        false,
        false,
        DigestAlgorithm::Sha256,
        Utc::now(),
    )
    .await;
    (app, s, sig)
}

#[tokio::test]
async fn anyone_verifies_and_gets_a_report() {
    let app = spawn_with(roomy).await;
    let s = signer(&app).await;
    let detached = cades_sign(
        &app,
        &s,
        DOC,
        false,
        true,
        DigestAlgorithm::Sha256,
        Utc::now(),
    )
    .await;
    let attached = cades_sign(
        &app,
        &s,
        DOC,
        true,
        false,
        DigestAlgorithm::Sha256,
        Utc::now(),
    )
    .await;

    let r = post_form(&app, "", form(&detached, Some(DOC)), None).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["saved"], false, "anonymous verifications are not kept");
    let p = &v["protocol"];
    assert_eq!(p["report"]["verdict"], "passed", "{p}");
    assert_eq!(p["report"]["signers"][0]["level"], "CAdES-T");
    assert_eq!(p["document"]["name"], "contract.pdf");
    assert_eq!(p["document"]["sha256"], hex::encode(Sha256::digest(DOC)));
    assert_eq!(
        p["signature"]["sha256"],
        hex::encode(Sha256::digest(&detached))
    );

    // Another document, no document, the content inside.
    let r = post_form(&app, "", form(&detached, Some(b"another text")), None).await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["protocol"]["report"]["verdict"], "failed");
    assert_eq!(
        v["protocol"]["report"]["signers"][0]["reasons"][0]["code"],
        "message_digest_mismatch"
    );
    let r = post_form(&app, "", form(&detached, None), None).await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["protocol"]["report"]["verdict"], "indeterminate");
    let pem = format!(
        "-----BEGIN CMS-----\n{}\n-----END CMS-----\n",
        base64::engine::general_purpose::STANDARD.encode(&attached)
    );
    let r = post_form(&app, "", form(pem.as_bytes(), None), None).await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["protocol"]["report"]["verdict"], "passed");
    assert_eq!(v["protocol"]["report"]["attached"], true);
}

#[tokio::test]
async fn sealed_protocols_check_and_tampering_is_caught() {
    let (app, s, sig) = app_with_signature().await;

    // PDF in Russian.
    let r = post_form(&app, "?protocol=pdf&lang=ru", form(&sig, Some(DOC)), None).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap().to_vec();
    let text = crate::support::pdf::text(&pdf);
    for phrase in [
        "Протокол проверки электронной подписи",
        "Подпись действительна",
        "Иванова Анна Сергеевна",
        "SNILS=11223344595",
        &hex::encode(Sha256::digest(DOC))[..16],
    ] {
        assert!(text.contains(phrase), "{phrase} in {text}");
    }
    let c = check(&app, pdf.clone()).await;
    assert_eq!(
        (c["valid"].as_bool(), c["format"].as_str()),
        (Some(true), Some("pdf")),
        "{c}"
    );
    assert!(c["sealed_by"].as_str().unwrap().contains("Seal"), "{c}");
    let mut changed = pdf.clone();
    let at = changed.windows(7).position(|w| w == b"/Title ").unwrap();
    changed[at + 8] ^= 1;
    let c = check(&app, changed).await;
    assert_eq!(c["valid"], false);
    assert_eq!(c["problems"][0], "the file was changed after it was sealed");

    // HTML in English carries the data back.
    let r = post_form(&app, "?protocol=html", form(&sig, Some(DOC)), None).await;
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("The signature is valid"), "{html}");
    assert!(html.contains("Иванова Анна Сергеевна"));
    let c = check(&app, html.clone().into_bytes()).await;
    assert_eq!(c["valid"], true, "{c}");
    assert_eq!(c["protocol"]["report"]["verdict"], "passed");
    let forged = html.replacen("The signature is valid", "The signature is valid!", 1);
    assert_eq!(check(&app, forged.into_bytes()).await["valid"], false);
    let unsealed = &html[..html.rfind("<!-- cloudseal-seal").unwrap()];
    let c = check(&app, unsealed.as_bytes().to_vec()).await;
    assert_eq!(c["problems"][0], "the file carries no seal");

    // A seal by another certificate of our own CA is not the service's seal.
    let other = cades_sign(
        &app,
        &s,
        unsealed.as_bytes(),
        false,
        false,
        DigestAlgorithm::Sha256,
        Utc::now(),
    )
    .await;
    let resealed = format!(
        "{unsealed}<!-- cloudseal-seal {} -->\n",
        base64::engine::general_purpose::STANDARD.encode(other)
    );
    let c = check(&app, resealed.into_bytes()).await;
    assert_eq!(c["valid"], false);
    assert_eq!(
        c["problems"][0], "the seal is not this service's seal",
        "{c}"
    );

    // JSON: the protocol exactly as sealed.
    let r = post_form(&app, "?protocol=json", form(&sig, Some(DOC)), None).await;
    let json = r.text().await.unwrap();
    let c = check(&app, json.clone().into_bytes()).await;
    assert_eq!(c["valid"], true, "{c}");
    let id = serde_json::from_str::<Value>(&json).unwrap()["protocol"]["id"].clone();
    assert_eq!(c["protocol"]["id"], id);
    let forged = json.replacen("\"verdict\":\"passed\"", "\"verdict\":\"failed\"", 1);
    assert_ne!(forged, json);
    assert_eq!(check(&app, forged.into_bytes()).await["valid"], false);

    let r = app
        .http
        .post(app.url("/api/v1/verify/protocol"))
        .body("just text")
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 400);
}

/// The cabinet's "check a protocol" page: a file in through a form, the verdict in words.
#[tokio::test]
async fn the_protocol_check_page_says_whether_the_seal_holds() {
    let (app, _, sig) = app_with_signature().await;
    let r = post_form(&app, "?protocol=json", form(&sig, Some(DOC)), None).await;
    let json = r.text().await.unwrap();
    let forged = json.replacen("\"verdict\":\"passed\"", "\"verdict\":\"failed\"", 1);
    let with = |token: &str, file: Option<&str>| {
        let f = Form::new().text("csrf", token.to_owned());
        match file {
            Some(body) => f.part(
                "protocol",
                Part::bytes(body.as_bytes().to_vec()).file_name("p.json"),
            ),
            None => f,
        }
    };
    let mut browser = Browser::new(&app);

    let refused = browser
        .post_multipart("/verify/protocol", with("no-form-cookie", Some(&json)))
        .await;
    assert_eq!(refused.status, 403, "no form cookie: {}", refused.body);

    let page = browser.get("/verify/protocol").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    let token = page.csrf();
    let good = browser
        .post_multipart("/verify/protocol", with(&token, Some(&json)))
        .await;
    assert_eq!(good.status, 200, "{}", good.body);
    assert!(good.body.contains("The seal holds"), "{}", good.body);
    assert!(good.body.contains("signature verification"));
    assert!(good.body.contains("<dd>JSON</dd>"));
    assert!(!good.body.contains("The seal does not hold"));

    let bad = browser
        .post_multipart("/verify/protocol", with(&token, Some(&forged)))
        .await;
    assert_eq!(bad.status, 200);
    assert!(bad.body.contains("The seal does not hold"), "{}", bad.body);
    assert!(
        bad.body
            .contains("the file was changed after it was sealed")
    );
    assert!(!bad.body.contains("The seal holds"));

    let wrong = browser
        .post_multipart("/verify/protocol", with("x", Some(&json)))
        .await;
    assert_eq!(wrong.status, 403, "a token not the cookie's");
    let empty = browser
        .post_multipart("/verify/protocol", with(&token, None))
        .await;
    assert_eq!(empty.status, 400);
    assert!(empty.body.contains("Choose a file first."));
    let text = browser
        .post_multipart("/verify/protocol", with(&token, Some("just text")))
        .await;
    assert_eq!(text.status, 400, "not a protocol: {}", text.body);
    let extra = browser
        .post_multipart(
            "/verify/protocol",
            with(&token, Some(&json)).text("more", "x"),
        )
        .await;
    assert_eq!(extra.status, 400, "an unknown field");

    let mut russian = Browser::new(&app);
    russian.accept_language = Some("ru");
    let page = russian.get("/verify/protocol").await;
    assert!(page.body.contains("Проверка протокола"));
    let good = russian
        .post_multipart("/verify/protocol", with(&page.csrf(), Some(&json)))
        .await;
    assert!(good.body.contains("Печать верна"), "{}", good.body);
    assert!(good.body.contains("проверки подписи"));
    // What is wrong, and what the service refuses, in the page's language.
    let token = page.csrf();
    let bad = russian
        .post_multipart("/verify/protocol", with(&token, Some(&forged)))
        .await;
    assert!(
        bad.body
            .contains("файл изменён после того, как на него поставлена печать"),
        "{}",
        bad.body
    );
    assert!(!bad.body.contains("the file was changed"));
    let text = russian
        .post_multipart("/verify/protocol", with(&token, Some("just text")))
        .await;
    assert_eq!(text.status, 400);
    assert!(
        text.body
            .contains("пришлите файл протокола: JSON, HTML или PDF, сделанный этим сервисом"),
        "{}",
        text.body
    );
    assert!(!text.body.contains("send a protocol file"));
}

#[tokio::test]
async fn signed_in_holders_keep_protocols_and_verify_stored_documents() {
    let (app, _, sig) = app_with_signature().await;
    let sub = subscriber(&app).await;
    let other = subscriber(&app).await;
    let doc = upload(&app, &sub, "contract.pdf", DOC).await;
    let id = doc["id"].as_str().unwrap();
    let f = Form::new()
        .part("signature", Part::bytes(sig.clone()))
        .text("document_id", id.to_owned());
    let r = post_form(&app, "", f, Some(&sub.access)).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["saved"], true);
    assert_eq!(v["protocol"]["report"]["verdict"], "passed");
    assert_eq!(v["protocol"]["document"]["name"], "contract.pdf");
    let pid = v["protocol"]["id"].as_str().unwrap();

    let list: Value = get_as(&app, "/api/v1/protocols", &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["id"], pid);
    assert_eq!(list[0]["verdict"], "passed");
    let r = get_as(
        &app,
        &format!("/api/v1/protocols/{pid}?format=pdf&lang=en"),
        &sub.access,
    )
    .await;
    assert_eq!(r.status(), 200);
    let c = check(&app, r.bytes().await.unwrap().to_vec()).await;
    assert_eq!(c["valid"], true);
    let r = get_as(&app, &format!("/api/v1/protocols/{pid}"), &other.access).await;
    assert_eq!(problem(r).await.0, 404, "another person's protocol");
    let list: Value = get_as(&app, "/api/v1/protocols", &other.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list, serde_json::json!([]));

    // Another person's document is not found; anonymous callers have no stored documents.
    let f = Form::new()
        .part("signature", Part::bytes(sig.clone()))
        .text("document_id", id.to_owned());
    assert_eq!(
        problem(post_form(&app, "", f, Some(&other.access)).await)
            .await
            .0,
        404
    );
    let f = Form::new()
        .part("signature", Part::bytes(sig.clone()))
        .text("document_id", id.to_owned());
    assert_eq!(problem(post_form(&app, "", f, None).await).await.0, 401);
    let f = Form::new()
        .part("signature", Part::bytes(sig.clone()))
        .part("document", Part::bytes(DOC.to_vec()))
        .text("document_id", id.to_owned());
    let (status, _, b) = problem(post_form(&app, "", f, Some(&sub.access)).await).await;
    assert_eq!(status, 400, "a document and a stored one together: {b}");
    let r = post_form(&app, "", form(&sig, Some(DOC)), Some("not-a-token")).await;
    assert_eq!(problem(r).await.0, 401, "a bad token is not anonymous");
}

#[tokio::test]
async fn bad_requests_are_refused_and_anonymous_calls_are_limited() {
    let app = spawn_with(|c| {
        c.verification.anonymous_per_minute = std::num::NonZeroU32::new(8).unwrap();
        c.verification.signature_max_bytes = std::num::NonZeroUsize::new(4096).unwrap();
    })
    .await;
    let r = app
        .http
        .post(app.url("/api/v1/verify"))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 415);
    for (query, f, status, why) in [
        (
            "",
            Form::new().text("document_id", "x"),
            400,
            "needs a `signature`",
        ),
        ("", Form::new().text("extra", "x"), 400, "unknown form part"),
        ("", form(b"not a signature", None), 400, "cannot be read"),
        ("?protocol=doc", form(b"x", None), 400, "protocol is"),
        ("?lang=de", form(b"x", None), 400, "lang is"),
        ("", form(&[0u8; 5000], None), 413, "4096 bytes"),
    ] {
        let (s, _, p) = problem(post_form(&app, query, f, None).await).await;
        assert_eq!(s, status, "{why}");
        assert!(p["detail"].as_str().unwrap().contains(why), "{p}");
    }
    // Five were counted above (the 415 too; a bad query is refused before counting): three
    // more are let through, the ninth is refused.
    for _ in 0..3 {
        let r = post_form(&app, "", form(b"x", None), None).await;
        assert_eq!(problem(r).await.0, 400);
    }
    let r = post_form(&app, "", form(b"x", None), None).await;
    let retry = r
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let (s, slug, _) = problem(r).await;
    assert_eq!((s, slug.as_str()), (429, "rate-limited"));
    assert!(retry.is_some_and(|r| r.parse::<u64>().unwrap() <= 60));
    let sub = subscriber(&app).await;
    let r = post_form(&app, "", form(b"x", None), Some(&sub.access)).await;
    assert_eq!(problem(r).await.0, 400, "signed-in callers are not limited");
    let mut browser = Browser::new(&app);
    let page = browser.get("/verify/protocol").await;
    let f = Form::new()
        .text("csrf", page.csrf())
        .part("protocol", Part::bytes(b"x".to_vec()));
    let limited = browser.post_multipart("/verify/protocol", f).await;
    assert_eq!(limited.status, 429, "the page shares the anonymous limit");
    assert!(
        limited.body.contains("Too many attempts"),
        "{}",
        limited.body
    );

    let page = app
        .http
        .get(app.url("/verify?lang=ru"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Проверка электронной подписи"));
    assert!(html.contains("action=\"/api/v1/verify?protocol=html&amp;lang=ru\""));
}

#[tokio::test]
async fn a_detached_signature_verifies_against_the_documents_hash_alone() {
    let (app, _, sig) = app_with_signature().await;
    let sha = hex::encode(Sha256::digest(DOC));
    let by_hash = |hash: &str, size: Option<&str>| {
        let mut f = form(&sig, None).text("document_sha256", hash.to_owned());
        if let Some(s) = size {
            f = f.text("document_size", s.to_owned());
        }
        f
    };
    let r = post_form(&app, "", by_hash(&sha, Some(&DOC.len().to_string())), None).await;
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["protocol"]["report"]["verdict"], "passed", "{v}");
    assert_eq!(v["protocol"]["document"]["size"], DOC.len());
    let other = hex::encode(Sha256::digest(b"another text"));
    let v: serde_json::Value = post_form(&app, "", by_hash(&other, None), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["protocol"]["report"]["verdict"], "failed", "{v}");
    for (f, why) in [
        (by_hash("abc", None), "not 64 hex digits"),
        (by_hash(&sha, Some("ten")), "a size that is not a number"),
        (
            form(&sig, Some(DOC)).text("document_sha256", sha.clone()),
            "both the document and its hash",
        ),
        (
            form(&sig, None).text("document_size", "3"),
            "a size without a hash",
        ),
    ] {
        let r = post_form(&app, "", f, None).await;
        assert_eq!(r.status(), 400, "{why}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
}

/// The bytes a protocol file's seal covers and the seal (DER), cut apart as a person would by
/// hand: before the last seal marker, and the base64 after it.
fn cut_at_seal(file: &[u8], mark: &str, end: &str) -> (Vec<u8>, Vec<u8>) {
    let at = file
        .windows(mark.len())
        .rposition(|w| w == mark.as_bytes())
        .expect("a seal marker");
    let rest = std::str::from_utf8(&file[at + mark.len()..]).unwrap();
    let seal = rest.trim().trim_end_matches(end).trim();
    let der = base64::engine::general_purpose::STANDARD
        .decode(seal)
        .unwrap();
    (file[..at].to_vec(), der)
}

#[tokio::test]
async fn a_sealed_protocol_verifies_offline_with_openssl_and_our_published_certificates() {
    use crate::support::pki::{cms_verify_detached, openssl, write_chain};
    let (app, _, sig) = app_with_signature().await;
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    // The seal carries its own certificate; the CA certificates are the published ones.
    let chain = [
        std::fs::read_to_string(dir.path().join("issuing.pem")).unwrap(),
        std::fs::read_to_string(dir.path().join("root.pem")).unwrap(),
    ]
    .join("\n");
    std::fs::write(dir.path().join("chain.pem"), chain).unwrap();
    let pdf = post_form(&app, "?protocol=pdf&lang=ru", form(&sig, Some(DOC)), None)
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let html = post_form(&app, "?protocol=html", form(&sig, Some(DOC)), None)
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    for (name, file, mark, end) in [
        ("pdf", pdf, "%cloudseal-seal ", ""),
        ("html", html, "<!-- cloudseal-seal ", "-->"),
    ] {
        let (body, seal) = cut_at_seal(&file, mark, end);
        std::fs::write(dir.path().join("body"), &body).unwrap();
        std::fs::write(dir.path().join("seal.der"), &seal).unwrap();
        let verify = |content: &str| {
            cms_verify_detached(
                dir.path(),
                "seal.der",
                content,
                &["-CAfile", "chain.pem", "-signer", "sealer.pem"],
            )
        };
        let (verified, said) = verify("body");
        assert!(verified, "{name}: {said}");
        let who = openssl(
            dir.path(),
            &["x509", "-in", "sealer.pem", "-noout", "-subject"],
        );
        let who = String::from_utf8_lossy(&who.stdout).to_string();
        assert!(
            who.contains("Seal"),
            "{name}: sealed by the service seal: {who}"
        );

        // One byte changed before the seal: openssl refuses it as well as the service does.
        let mut changed = body.clone();
        let middle = changed.len() / 2;
        changed[middle] ^= 1;
        std::fs::write(dir.path().join("changed"), &changed).unwrap();
        let (verified, said) = verify("changed");
        assert!(!verified, "{name}: a changed file verified");
        assert!(said.contains("content verify error"), "{name}: {said}");
    }
}

/// An anonymous verification sent through a proxy that forwarded `forwarded_for`; its status.
async fn anonymous_via(app: &TestApp, forwarded_for: &str) -> u16 {
    app.http
        .post(app.url("/api/v1/verify"))
        .header("x-forwarded-for", forwarded_for)
        .multipart(form(b"x", None))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// A failed login sent through a proxy that forwarded `forwarded_for`: the address its audit
/// entry records.
async fn failed_login_address(app: &TestApp, forwarded_for: &str) -> String {
    let r = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", forwarded_for)
        .json(&serde_json::json!({"login": "nobody@example.org", "password": "wrong password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 401);
    app.owner()
        .await
        .query_one(
            "SELECT client_ip FROM audit_entries WHERE action = 'auth.login' \
             ORDER BY pos DESC LIMIT 1",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_caller_has_its_own_limit_and_audit_address() {
    let app = spawn_with(|c| {
        c.verification.anonymous_per_minute = std::num::NonZeroU32::new(2).unwrap();
        c.server.trusted_proxies = serde_json::from_value(serde_json::json!("127.0.0.1")).unwrap();
    })
    .await;
    // Each attempt is counted, then refused as unreadable (400); the third of one caller is 429.
    assert_eq!(anonymous_via(&app, "203.0.113.7").await, 400);
    assert_eq!(anonymous_via(&app, "203.0.113.7").await, 400);
    assert_eq!(anonymous_via(&app, "203.0.113.7").await, 429);
    assert_eq!(
        anonymous_via(&app, "203.0.113.8, 203.0.113.7").await,
        429,
        "what the caller writes left of its own address changes nothing"
    );
    assert_eq!(
        anonymous_via(&app, "203.0.113.8").await,
        400,
        "another caller behind the same proxy"
    );

    assert_eq!(
        failed_login_address(&app, "198.51.100.23").await,
        "198.51.100.23",
        "the audit trail names the caller, not the proxy"
    );
}

#[tokio::test]
async fn without_a_trusted_proxy_a_forwarded_address_is_ignored() {
    let app = spawn_with(|c| {
        c.verification.anonymous_per_minute = std::num::NonZeroU32::new(2).unwrap();
    })
    .await;
    assert_eq!(anonymous_via(&app, "203.0.113.7").await, 400);
    assert_eq!(anonymous_via(&app, "203.0.113.8").await, 400);
    assert_eq!(
        anonymous_via(&app, "203.0.113.9").await,
        429,
        "a caller cannot escape the limit by naming another address"
    );
    assert_eq!(
        failed_login_address(&app, "198.51.100.23").await,
        "127.0.0.1"
    );
}
