//! CAdES signatures made with a subscriber key in the vault, checked by `openssl cms`.

use crate::support::pki::{
    TestSigner, cades_sign, cms_printed, new_signer, openssl, subject, write_chain,
};
use crate::support::{TestApp, spawn};
use cloudseal::pki::cms::DigestAlgorithm;
use cloudseal::pki::profile::CertificateKind;
use std::path::Path;

const DOC: &[u8] = "Заявление о выдаче сертификата\n".as_bytes();

async fn signer(app: &TestApp) -> TestSigner {
    new_signer(app, subject(), CertificateKind::Qualified)
        .await
        .unwrap()
}

fn openssl_cms_verify(dir: &Path, sig: &str, detached_content: Option<&str>) -> (bool, String) {
    let mut args = vec![
        "cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-CAfile", "root.pem", "-cades",
        "-out", "out.bin",
    ];
    if let Some(c) = detached_content {
        args.extend(["-content", c]);
    }
    let out = openssl(dir, &args);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[tokio::test]
async fn attached_and_detached_cades_bes_pass_openssl_cms_verify_with_cades() {
    let app = spawn().await;
    let s = signer(&app).await;
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(dir.path().join("doc.txt"), DOC).unwrap();
    let now = chrono::Utc::now();
    for digest in [
        DigestAlgorithm::Sha256,
        DigestAlgorithm::Sha384,
        DigestAlgorithm::Sha512,
    ] {
        let attached = cades_sign(&app, &s, DOC, true, false, digest, now).await;
        std::fs::write(dir.path().join("attached.p7s"), &attached).unwrap();
        let (ok, err) = openssl_cms_verify(dir.path(), "attached.p7s", None);
        assert!(ok, "{digest:?}: {err}");
        assert!(err.contains("Verification successful"), "{err}");
        assert_eq!(std::fs::read(dir.path().join("out.bin")).unwrap(), DOC);

        let detached = cades_sign(&app, &s, DOC, false, false, digest, now).await;
        std::fs::write(dir.path().join("detached.p7s"), &detached).unwrap();
        let (ok, err) = openssl_cms_verify(dir.path(), "detached.p7s", Some("doc.txt"));
        assert!(ok, "{digest:?}: {err}");
    }
    // The signed attributes are the CAdES-BES set.
    let printed = cms_printed(dir.path(), "detached.p7s");
    for attr in [
        "contentType",
        "messageDigest",
        "signingTime",
        "id-smime-aa-signingCertificateV2",
    ] {
        assert!(printed.contains(attr), "{attr} in {printed}");
    }
}

#[tokio::test]
async fn changed_content_fails_openssl_cms_verify() {
    let app = spawn().await;
    let s = signer(&app).await;
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(dir.path().join("other.txt"), b"something else").unwrap();
    let detached = cades_sign(
        &app,
        &s,
        DOC,
        false,
        false,
        DigestAlgorithm::Sha256,
        chrono::Utc::now(),
    )
    .await;
    std::fs::write(dir.path().join("detached.p7s"), &detached).unwrap();
    let (ok, err) = openssl_cms_verify(dir.path(), "detached.p7s", Some("other.txt"));
    assert!(!ok);
    assert!(err.contains("content verify error"), "{err}");
}

#[tokio::test]
async fn cades_t_carries_a_signature_time_stamp_that_openssl_verifies() {
    let app = spawn().await;
    let s = signer(&app).await;
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(dir.path().join("doc.txt"), DOC).unwrap();
    let sig = cades_sign(
        &app,
        &s,
        DOC,
        false,
        true,
        DigestAlgorithm::Sha256,
        chrono::Utc::now(),
    )
    .await;
    std::fs::write(dir.path().join("t.p7s"), &sig).unwrap();
    let (ok, err) = openssl_cms_verify(dir.path(), "t.p7s", Some("doc.txt"));
    assert!(ok, "{err}");
    let printed = cms_printed(dir.path(), "t.p7s");
    assert!(printed.contains("id-smime-aa-timeStampToken"), "{printed}");
}
