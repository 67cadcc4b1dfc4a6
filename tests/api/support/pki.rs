//! Helpers for tests of certificates: a sample subject, issuing through the registry, and the
//! CA chain written out for openssl.

use super::TestApp;
use cloudseal::pki::identifiers::{Inn, Ogrn, Snils};
use cloudseal::pki::profile::{CertificateKind, SubjectData};
use cloudseal::pki::registry::IssueError;
use cloudseal::vault::custody::{KeyBinding, PinKdf};
use std::path::Path;
use std::process::{Command, Output};

pub fn subject() -> SubjectData {
    SubjectData {
        common_name: "Иванова Анна Сергеевна".into(),
        surname: Some("Иванова".into()),
        given_name: Some("Анна Сергеевна".into()),
        organization: Some("ООО Ромашка".into()),
        title: Some("Генеральный директор".into()),
        country: Some("RU".into()),
        locality: Some("Москва".into()),
        region: Some("77 г. Москва".into()),
        email: Some("anna@example.org".into()),
        snils: Some(Snils::parse("112-233-445 95").unwrap()),
        inn: Some(Inn::parse("500100732259").unwrap()),
        ogrn: Some(Ogrn::parse("1027700132195").unwrap()),
        inn_le: Some(Inn::parse("7707083893").unwrap()),
    }
}

/// A fresh sealed key in the vault, certified through the registry (recorded in the database).
pub async fn issue(
    app: &TestApp,
    subject: SubjectData,
    kind: CertificateKind,
) -> Result<(Vec<u8>, Vec<u8>), IssueError> {
    let point = app
        .vault
        .run(move |s| {
            let sealed = s.generate_sealed_p256(
                &KeyBinding {
                    key_id: uuid::Uuid::new_v4(),
                    owner: "anna",
                },
                "135790",
                PinKdf {
                    memory_kib: 8192,
                    iterations: 1,
                },
            )?;
            Ok(sealed.public_point)
        })
        .await
        .unwrap();
    let mut client = app.db.client().await.unwrap();
    let tx = client.transaction().await.unwrap();
    let der = app
        .registry
        .issue_end_entity(&tx, subject, point.clone(), kind)
        .await?;
    tx.commit().await.unwrap();
    Ok((der, point))
}

pub async fn write_chain(app: &TestApp, dir: &std::path::Path) {
    for name in ["root", "issuing"] {
        let der = app
            .http
            .get(app.url(&format!("/pki/ca/{name}.crt")))
            .send()
            .await
            .unwrap();
        assert_eq!(der.headers()["content-type"], "application/pkix-cert");
        std::fs::write(
            dir.join(format!("{name}.pem")),
            cloudseal::pki::to_pem(&der.bytes().await.unwrap()),
        )
        .unwrap();
    }
}

/// Run openssl in `dir`.
pub fn openssl(dir: &Path, args: &[&str]) -> Output {
    Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// Run openssl in `dir` and insist that it succeeds; its stdout and stderr together.
pub fn openssl_ok(dir: &Path, args: &[&str]) -> String {
    let out = openssl(dir, args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "openssl {args:?} failed:\n{text}");
    text
}

/// The serial number octets of a DER certificate.
pub fn serial_of(der: &[u8]) -> Vec<u8> {
    cloudseal::pki::parse_certificate(der)
        .unwrap()
        .tbs_certificate
        .serial_number
        .as_bytes()
        .to_vec()
}

/// Run openssl in `dir` without blocking the runtime (for commands that talk to the test
/// server over HTTP); stdout and stderr together, and whether it succeeded.
pub async fn openssl_net(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = tokio::process::Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .await
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}
