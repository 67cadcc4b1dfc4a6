//! Other CAs configured in `[trust]`: their signers verify, their CRLs decide revocation, and
//! a trust file that cannot be read stops the start naming the file.

use crate::support::pki::{openssl_ok, verify_as_app};
use crate::support::{config_for, fresh_database, spawn_with};
use cloudseal::Application;
use cloudseal::pki::cms::report::{Reason, Verdict};
use std::path::Path;

const CA_CONFIG: &str = "[ca]\ndefault_ca = other\n[other]\ndatabase = index.txt\n\
crlnumber = crlnumber\ndefault_md = sha256\ndefault_crl_days = 7\n";

/// Another CA made by openssl: `root.pem` (+ key), `leaf.pem` (+ key) and an empty CRL.
fn other_ca(dir: &Path) {
    openssl_ok(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "root.key",
            "-subj",
            "/CN=Other Root CA/O=Other CA",
            "-days",
            "30",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-out",
            "root.pem",
        ],
    );
    openssl_ok(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-subj",
            "/CN=Other Signer",
            "-out",
            "leaf.csr",
        ],
    );
    std::fs::write(
        dir.join("leaf.ext"),
        "keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    openssl_ok(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "root.pem",
            "-CAkey",
            "root.key",
            "-CAcreateserial",
            "-days",
            "10",
            "-extfile",
            "leaf.ext",
            "-out",
            "leaf.pem",
        ],
    );
    std::fs::write(dir.join("ca.cnf"), CA_CONFIG).unwrap();
    std::fs::write(dir.join("index.txt"), "").unwrap();
    std::fs::write(dir.join("crlnumber"), "01\n").unwrap();
    gen_crl(dir, "empty.crl");
}

fn gen_crl(dir: &Path, out: &str) {
    openssl_ok(
        dir,
        &[
            "ca", "-config", "ca.cnf", "-keyfile", "root.key", "-cert", "root.pem", "-gencrl",
            "-out", out,
        ],
    );
}

fn sign(dir: &Path) -> Vec<u8> {
    std::fs::write(dir.join("doc.txt"), b"agreement").unwrap();
    openssl_ok(
        dir,
        &[
            "cms",
            "-sign",
            "-binary",
            "-nodetach",
            "-in",
            "doc.txt",
            "-signer",
            "leaf.pem",
            "-inkey",
            "leaf.key",
            "-outform",
            "DER",
            "-out",
            "sig.p7s",
        ],
    );
    std::fs::read(dir.join("sig.p7s")).unwrap()
}

/// An app that trusts the other CA in `dir`, with the CRL file `crl`.
async fn trusting(dir: &Path, crl: &str) -> crate::support::TestApp {
    let (anchor, crl) = (dir.join("root.pem"), dir.join(crl));
    spawn_with(move |c| {
        c.trust.anchors = vec![anchor];
        c.trust.crls = vec![crl];
    })
    .await
}

#[tokio::test]
async fn a_configured_ca_is_trusted_and_its_crl_decides_revocation() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_owned();
    other_ca(&d);
    let sig = sign(&d);

    let untrusting = spawn_with(|_| {}).await;
    let report = verify_as_app(&untrusting, &sig, None).await;
    assert_eq!(report.verdict, Verdict::Failed, "{report:#?}");

    let app = trusting(&d, "empty.crl").await;
    let report = verify_as_app(&app, &sig, None).await;
    assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");

    // Revoked, and the next signature comes after the revocation.
    openssl_ok(
        &d,
        &[
            "ca",
            "-config",
            "ca.cnf",
            "-keyfile",
            "root.key",
            "-cert",
            "root.pem",
            "-revoke",
            "leaf.pem",
            "-crl_reason",
            "keyCompromise",
        ],
    );
    gen_crl(&d, "revoked.crl");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let late = sign(&d);
    let app = trusting(&d, "revoked.crl").await;
    let report = verify_as_app(&app, &late, None).await;
    assert_eq!(report.verdict, Verdict::Failed, "{report:#?}");
    assert!(
        report.signers[0]
            .reasons
            .iter()
            .any(|r| matches!(r, Reason::Revoked { .. })),
        "{report:#?}"
    );
}

#[tokio::test]
async fn an_unusable_trust_file_stops_the_start_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("garbage.pem"), "not a certificate").unwrap();
    std::fs::write(
        dir.path().join("cert-as-crl.pem"),
        "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let cases = [
        (dir.path().join("missing.pem"), false, "missing.pem"),
        (
            dir.path().join("garbage.pem"),
            false,
            "no certificate in the file",
        ),
        (dir.path().join("cert-as-crl.pem"), true, "not X509 CRL"),
    ];
    for (path, as_crl, expected) in cases {
        let db = fresh_database().await;
        let mut config = config_for(&db);
        if as_crl {
            config.trust.crls = vec![path.clone()];
        } else {
            config.trust.anchors = vec![path.clone()];
        }
        let err = Application::build(config)
            .await
            .err()
            .expect("refused")
            .to_string();
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.contains(expected), "{err}");
    }
}
