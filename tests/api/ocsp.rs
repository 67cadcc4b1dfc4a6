//! The OCSP responder, exercised by `openssl ocsp` over real HTTP.

use crate::support::pki::{issue, openssl_net, openssl_ok, serial_of, subject, write_chain};
use crate::support::{TestApp, spawn};
use cloudseal::audit::AuditEvent;
use cloudseal::pki::Ca;
use cloudseal::pki::profile::CertificateKind;
use cloudseal::pki::revocation::RevocationReason;
use der::Decode;
use std::path::Path;

async fn ask(app: &TestApp, dir: &Path, issuer: &str, cert: &str) -> String {
    let url = app.url("/ocsp");
    let (ok, text) = openssl_net(
        dir,
        &[
            "ocsp",
            "-issuer",
            issuer,
            "-cert",
            cert,
            "-url",
            &url,
            "-CAfile",
            "root.pem",
            "-resp_text",
        ],
    )
    .await;
    assert!(ok, "{text}");
    text
}

#[tokio::test]
async fn openssl_sees_good_then_revoked_with_a_verified_signature_and_nonce() {
    let app = spawn().await;
    let (der, _) = issue(&app, subject(), CertificateKind::Qualified)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(dir.path().join("leaf.pem"), cloudseal::pki::to_pem(&der)).unwrap();

    let text = ask(&app, dir.path(), "issuing.pem", "leaf.pem").await;
    assert!(text.contains("Response verify OK"), "{text}");
    assert!(text.contains("leaf.pem: good"), "{text}");
    assert!(text.contains("Next Update:"), "{text}");
    assert!(text.contains("OCSP Nonce"), "the nonce is echoed: {text}");
    assert!(!text.contains("WARNING"), "{text}");

    app.registry
        .revoke(
            Ca::Issuing,
            &serial_of(&der),
            RevocationReason::KeyCompromise,
            AuditEvent::system("certificate.revoke"),
        )
        .await
        .unwrap();
    let text = ask(&app, dir.path(), "issuing.pem", "leaf.pem").await;
    assert!(text.contains("Response verify OK"), "{text}");
    assert!(text.contains("leaf.pem: revoked"), "{text}");
    assert!(text.contains("Reason: keyCompromise"), "{text}");
}

#[tokio::test]
async fn the_root_answers_for_the_issuing_ca_and_unknown_serials_are_unknown() {
    let app = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    let text = ask(&app, dir.path(), "root.pem", "issuing.pem").await;
    assert!(text.contains("Response verify OK"), "{text}");
    assert!(text.contains("issuing.pem: good"), "{text}");

    let url = app.url("/ocsp");
    let (ok, text) = openssl_net(
        dir.path(),
        &[
            "ocsp",
            "-issuer",
            "issuing.pem",
            "-serial",
            "0x0123456789",
            "-url",
            &url,
            "-CAfile",
            "root.pem",
        ],
    )
    .await;
    assert!(ok, "{text}");
    assert!(text.contains("0x0123456789: unknown"), "{text}");
}

#[tokio::test]
async fn certificates_of_another_ca_are_unauthorized() {
    let app = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    openssl_ok(
        dir.path(),
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "other.key",
            "-out",
            "other.pem",
            "-subj",
            "/CN=Other CA",
            "-days",
            "1",
        ],
    );
    let url = app.url("/ocsp");
    let (_, text) = openssl_net(
        dir.path(),
        &[
            "ocsp",
            "-issuer",
            "other.pem",
            "-serial",
            "1",
            "-url",
            &url,
            "-CAfile",
            "root.pem",
        ],
    )
    .await;
    assert!(text.contains("unauthorized"), "{text}");
}

#[tokio::test]
async fn the_get_form_answers_the_same_request() {
    let app = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    openssl_ok(
        dir.path(),
        &[
            "ocsp",
            "-issuer",
            "root.pem",
            "-cert",
            "issuing.pem",
            "-no_nonce",
            "-reqout",
            "req.der",
        ],
    );
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD
        .encode(std::fs::read(dir.path().join("req.der")).unwrap())
        .replace('/', "%2F")
        .replace('+', "%2B")
        .replace('=', "%3D");
    let res = app
        .http
        .get(app.url(&format!("/ocsp/{b64}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/ocsp-response");
    std::fs::write(dir.path().join("resp.der"), res.bytes().await.unwrap()).unwrap();
    let text = openssl_ok(
        dir.path(),
        &[
            "ocsp",
            "-respin",
            "resp.der",
            "-issuer",
            "root.pem",
            "-cert",
            "issuing.pem",
            "-CAfile",
            "root.pem",
        ],
    );
    assert!(text.contains("issuing.pem: good"), "{text}");
}

#[tokio::test]
async fn malformed_requests_get_an_ocsp_refusal_and_wrong_media_a_problem() {
    let app = spawn().await;
    let post = |body: Vec<u8>, media: &'static str| {
        app.http
            .post(app.url("/ocsp"))
            .header("content-type", media)
            .body(body)
            .send()
    };
    for garbage in [vec![], vec![0x30, 0x82, 0xff], b"hello".to_vec()] {
        let res = post(garbage, "application/ocsp-request").await.unwrap();
        assert_eq!(res.status(), 200);
        let body = res.bytes().await.unwrap();
        let parsed = x509_ocsp::OcspResponse::from_der(&body).unwrap();
        assert_eq!(
            parsed.response_status,
            x509_ocsp::OcspResponseStatus::MalformedRequest
        );
        assert!(parsed.response_bytes.is_none());
    }
    let res = post(vec![0x30, 0x00], "application/json").await.unwrap();
    assert_eq!(res.status(), 415);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let res = post(vec![0x30; 20_000], "application/ocsp-request")
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}
