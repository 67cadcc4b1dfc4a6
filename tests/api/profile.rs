//! Subscriber certificates from the profile, checked by openssl.

use crate::support::pki::{issue, subject, write_chain};
use crate::support::spawn;
use cloudseal::certificates::registry::IssueError;
use cloudseal::pki::identifiers::Inn;
use cloudseal::pki::profile::{CertificateKind, ProfileError, SubjectData};
use std::process::Command;

#[tokio::test]
async fn a_qualified_certificate_carries_the_russian_identifiers_and_verifies_with_openssl() {
    let app = spawn().await;
    let (der, spki) = issue(&app, subject(), CertificateKind::Qualified)
        .await
        .unwrap();
    let cert = cloudseal::pki::parse_certificate(&der).unwrap();
    assert_eq!(
        der::Encode::to_der(&cert.tbs_certificate.subject_public_key_info).unwrap(),
        spki,
        "the vault key is certified"
    );
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(dir.path().join("leaf.pem"), cloudseal::pki::to_pem(&der)).unwrap();
    let run = |args: &[&str]| {
        Command::new("openssl")
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&[
        "verify",
        "-CAfile",
        "root.pem",
        "-untrusted",
        "issuing.pem",
        "leaf.pem",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&[
        "x509", "-in", "leaf.pem", "-noout", "-text", "-nameopt", "utf8,oid",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "1.2.643.100.3=11223344595",
        "1.2.643.3.131.1.1=500100732259",
        "1.2.643.100.1=1027700132195",
        "1.2.643.100.4=7707083893",
        "Иванова Анна Сергеевна",
        "Digital Signature, Non Repudiation",
        "TLS Web Client Authentication, E-mail Protection",
        "email:anna@example.org",
        &format!("Policy: {}", app.config.ca.qualified_policy_oid),
        "CA Issuers - URI:http://127.0.0.1:8080/pki/ca/issuing.crt",
        "OCSP - URI:http://127.0.0.1:8080/ocsp",
        "URI:http://127.0.0.1:8080/pki/crl/issuing.crl",
    ] {
        assert!(text.contains(expected), "missing {expected} in:\n{text}");
    }
}

#[tokio::test]
async fn simple_and_qualified_certificates_have_different_policies() {
    let app = spawn().await;
    let (der, _) = issue(&app, subject(), CertificateKind::Simple)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("leaf.pem"), cloudseal::pki::to_pem(&der)).unwrap();
    let out = Command::new("openssl")
        .current_dir(dir.path())
        .args(["x509", "-in", "leaf.pem", "-noout", "-text"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("Policy: {}", app.config.ca.simple_policy_oid)),
        "{text}"
    );
    assert!(!text.contains(&app.config.ca.qualified_policy_oid));
}

#[tokio::test]
async fn the_profile_refuses_what_it_does_not_allow() {
    let app = spawn().await;
    let cases: Vec<(SubjectData, &str)> = vec![
        (
            SubjectData {
                common_name: " ".into(),
                ..subject()
            },
            "common name",
        ),
        (
            SubjectData {
                inn: Some(Inn::parse("7707083893").unwrap()),
                ..subject()
            },
            "12 digits",
        ),
        (
            SubjectData {
                inn_le: Some(Inn::parse("500100732259").unwrap()),
                ..subject()
            },
            "10 digits",
        ),
        (
            SubjectData {
                country: Some("Russia".into()),
                ..subject()
            },
            "two-letter",
        ),
        (
            SubjectData {
                email: Some("анна@пример.рф".into()),
                ..subject()
            },
            "e-mail",
        ),
    ];
    for (s, why) in cases {
        match issue(&app, s, CertificateKind::Simple).await {
            Err(IssueError::Profile(ProfileError::Refused(msg))) => {
                assert!(msg.en().contains(why), "{msg} / {why}")
            }
            other => panic!("expected a refusal for {why}, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn unknown_ca_certificate_is_a_404_problem() {
    let app = spawn().await;
    let res = app
        .http
        .get(app.url("/pki/ca/tsa.crt"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}
