//! The own-key track: requests made by openssl (standing in for a subscriber's token) are
//! checked for proof of possession and the profile, certified, and the certificates work with
//! the key that never left the requester.

use crate::support::pki::{openssl_ok, openssl_verify_chain, subject, verify_as_app, write_chain};
use crate::support::spawn;
use cloudseal::pki::cms::ID_DATA;
use cloudseal::pki::cms::report::Verdict;
use cloudseal::pki::cms::sign::{SignerDraft, assemble};
use cloudseal::pki::csr::{CsrError, check};
use cloudseal::pki::profile::CertificateKind;
use cloudseal::pki::scheme::{KeyAlgorithm, SignatureScheme};
use der::{Decode, DecodePem, Encode};
use std::path::Path;
use x509_cert::request::CertReq;

/// Make a key and a request in `dir` with openssl: `key.pem`, `req.pem`, `req.der`.
fn request(dir: &Path, key_args: &[&str], digest: &str) -> (Vec<u8>, Vec<u8>) {
    let mut args = vec!["genpkey", "-out", "key.pem"];
    args.extend_from_slice(key_args);
    openssl_ok(dir, &args);
    let mut req = vec![
        "req",
        "-new",
        "-key",
        "key.pem",
        "-subj",
        "/CN=Anna Ivanova/C=DE",
        "-out",
        "req.pem",
    ];
    if !digest.is_empty() {
        req.push(digest);
    }
    openssl_ok(dir, &req);
    openssl_ok(
        dir,
        &[
            "req", "-in", "req.pem", "-outform", "DER", "-out", "req.der",
        ],
    );
    (
        std::fs::read(dir.join("req.pem")).unwrap(),
        std::fs::read(dir.join("req.der")).unwrap(),
    )
}

#[tokio::test]
async fn requests_for_every_allowed_key_are_certified_for_the_requesters_key() {
    let app = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    let cases: [(&[&str], &str, KeyAlgorithm); 4] = [
        (
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
            "-sha256",
            KeyAlgorithm::EcdsaP256,
        ),
        (
            &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
            "-sha256",
            KeyAlgorithm::Rsa2048,
        ),
        (
            &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"],
            "-sha512",
            KeyAlgorithm::Rsa3072,
        ),
        (&["-algorithm", "ED25519"], "", KeyAlgorithm::Ed25519),
    ];
    for (key_args, digest, algorithm) in cases {
        let (pem, der) = request(dir.path(), key_args, digest);
        let from_pem = check(&pem).unwrap();
        let checked = check(&der).unwrap();
        assert_eq!(from_pem, checked);
        assert_eq!(checked.algorithm, algorithm);
        assert!(checked.requested_subject.contains("CN=Anna Ivanova"));

        let mut client = app.db.client().await.unwrap();
        let tx = client.transaction().await.unwrap();
        let cert = app
            .registry
            .issue_end_entity(&tx, subject(), checked.public_key, CertificateKind::Simple)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        std::fs::write(dir.path().join("cert.pem"), cloudseal::pki::to_pem(&cert)).unwrap();
        openssl_verify_chain(dir.path(), "cert.pem");
        // The certificate is for the requester's key: openssl pairs them.
        let cert_key = openssl_ok(
            dir.path(),
            &["x509", "-in", "cert.pem", "-noout", "-pubkey"],
        );
        let own_key = openssl_ok(dir.path(), &["pkey", "-in", "key.pem", "-pubout"]);
        assert_eq!(cert_key, own_key, "{algorithm:?}");
        // The subject is ours, not the request's.
        let text = openssl_ok(
            dir.path(),
            &["x509", "-in", "cert.pem", "-noout", "-subject"],
        );
        assert!(!text.contains("Anna Ivanova"), "{text}");
    }

    // The last certificate is Ed25519 (RFC 8410). OpenSSL 3.0 cannot make Ed25519 CMS, so
    // our builder makes CAdES-BES (RFC 8419: SHA-512 digest, pure Ed25519 over the signed
    // attributes), openssl signs those attributes with the requester's key, and our engine
    // must accept the result and refuse it once the content changes.
    let cert_der = std::fs::read(dir.path().join("cert.pem")).unwrap();
    let cert = x509_cert::Certificate::from_pem(&cert_der).unwrap();
    let scheme = SignatureScheme::Ed25519;
    let content = b"contract".as_slice();
    let draft = SignerDraft::cades_bes(
        &cert,
        scheme.digest(),
        ID_DATA,
        &scheme.digest().digest(content),
        chrono::Utc::now(),
    )
    .unwrap();
    std::fs::write(dir.path().join("tbs.bin"), draft.input_for(scheme).unwrap()).unwrap();
    openssl_ok(
        dir.path(),
        &[
            "pkeyutl", "-sign", "-rawin", "-inkey", "key.pem", "-in", "tbs.bin", "-out", "sig.bin",
        ],
    );
    let signature = std::fs::read(dir.path().join("sig.bin")).unwrap();
    let info = draft
        .finish(&cert, scheme.identifier().unwrap(), &signature, Vec::new())
        .unwrap();
    let sig = assemble(ID_DATA, None, vec![info], &[cert]).unwrap();
    let report = verify_as_app(&app, &sig, Some(content)).await;
    assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");
    assert_eq!(report.signers[0].signature_algorithm, "Ed25519");
    assert_eq!(report.signers[0].digest_algorithm, "SHA-512");
    let report = verify_as_app(&app, &sig, Some(b"contracT")).await;
    assert_eq!(report.verdict, Verdict::Failed);
}

#[tokio::test]
async fn requests_for_keys_the_profile_does_not_allow_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for key_args in [
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"][..],
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"][..],
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"][..],
        &["-algorithm", "ED448"][..],
    ] {
        let (_, der) = request(dir.path(), key_args, "");
        assert!(
            matches!(check(&der), Err(CsrError::NotAllowed(m)) if m.en().contains("P-256")),
            "{key_args:?}"
        );
    }
    // A SHA-1 signature proves nothing we accept.
    let (_, der) = request(
        dir.path(),
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        "-sha1",
    );
    assert!(
        matches!(check(&der), Err(CsrError::NotAllowed(m)) if m.en().contains("SHA-256")),
        "SHA-1"
    );
}

#[tokio::test]
async fn a_request_whose_signature_does_not_match_its_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_, der) = request(
        dir.path(),
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        "-sha256",
    );
    // Change the subject: the signature no longer covers what the request says.
    let at = der.windows(12).position(|w| w == b"Anna Ivanova").unwrap();
    let mut tampered = der.clone();
    tampered[at] = b'B';
    assert_eq!(check(&tampered), Err(CsrError::ProofOfPossession));

    // Another key's request with this key put in: signed, but not by the key it names.
    let (_, other) = request(
        dir.path(),
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        "-sha256",
    );
    let mut forged = CertReq::from_der(&other).unwrap();
    forged.info.public_key = CertReq::from_der(&der).unwrap().info.public_key;
    assert_eq!(
        check(&forged.to_der().unwrap()),
        Err(CsrError::ProofOfPossession)
    );
}

#[tokio::test]
async fn garbage_truncated_and_oversized_requests_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let (pem, der) = request(
        dir.path(),
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        "-sha256",
    );
    for cut in 0..der.len() {
        assert!(
            matches!(
                check(&der[..cut]),
                Err(CsrError::Malformed(_) | CsrError::ProofOfPossession)
            ),
            "cut at {cut}"
        );
    }
    let cert_label = String::from_utf8(pem)
        .unwrap()
        .replace("CERTIFICATE REQUEST", "CERTIFICATE");
    assert!(matches!(
        check(cert_label.as_bytes()),
        Err(CsrError::Malformed(_))
    ));
    assert!(matches!(check(b"hello"), Err(CsrError::Malformed(_))));
    assert!(matches!(check(&[0xff; 16]), Err(CsrError::Malformed(_))));
    let mut huge = vec![0x30];
    huge.resize(70 * 1024, 0);
    assert_eq!(check(&huge), Err(CsrError::Malformed("larger than 64 KiB")));
}
