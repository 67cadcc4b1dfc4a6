//! Every subscriber key algorithm the HSM can keep, end to end: born in the HSM, certified by
//! our CA, signing CAdES-BES and CAdES-T that `openssl cms -verify` and our engine accept.

use crate::support::pki::{
    FAST_KDF, OWNER, PIN, cades_sign_with, new_signer_with, openssl, openssl_ok,
    openssl_verify_chain, subject, verify_as_app, write_chain,
};
use crate::support::spawn;
use cloudseal::pki::cms::DigestAlgorithm;
use cloudseal::pki::cms::report::Verdict;
use cloudseal::pki::profile::CertificateKind;
use cloudseal::pki::scheme::{KeyAlgorithm, SignatureScheme};
use cloudseal::vault::custody::KeyBinding;
use spki::SubjectPublicKeyInfoOwned;
use spki::der::Decode;

/// What SoftHSM 2.6 can keep in custody (see the Ed25519 test below).
const CUSTODY_ALGORITHMS: [KeyAlgorithm; 3] = [
    KeyAlgorithm::EcdsaP256,
    KeyAlgorithm::Rsa2048,
    KeyAlgorithm::Rsa3072,
];

const DOC: &[u8] = "Доверенность № 17 от 22.11.2026\n".as_bytes();

fn schemes(algorithm: KeyAlgorithm) -> Vec<SignatureScheme> {
    match algorithm {
        KeyAlgorithm::EcdsaP256 => vec![SignatureScheme::Ecdsa(DigestAlgorithm::Sha256)],
        KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 => vec![
            SignatureScheme::RsaPkcs1v15(DigestAlgorithm::Sha256),
            SignatureScheme::pss(DigestAlgorithm::Sha256),
            SignatureScheme::pss(DigestAlgorithm::Sha512),
        ],
        KeyAlgorithm::Ed25519 => vec![SignatureScheme::Ed25519],
    }
}

#[tokio::test]
async fn every_key_algorithm_signs_cades_that_openssl_and_our_engine_accept() {
    let app = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(dir.path().join("doc.txt"), DOC).unwrap();
    for algorithm in CUSTODY_ALGORITHMS {
        let signer = new_signer_with(&app, algorithm, subject(), CertificateKind::Qualified)
            .await
            .unwrap();
        let spki = SubjectPublicKeyInfoOwned::from_der(&signer.sealed.public_key).unwrap();
        assert_eq!(KeyAlgorithm::of_public_key(&spki), Some(algorithm));
        std::fs::write(
            dir.path().join("signer.pem"),
            cloudseal::pki::to_pem(&signer.certificate),
        )
        .unwrap();
        let text = openssl_ok(
            dir.path(),
            &["x509", "-in", "signer.pem", "-noout", "-text"],
        );
        let expected = match algorithm {
            KeyAlgorithm::EcdsaP256 => "prime256v1",
            KeyAlgorithm::Rsa2048 => "Public-Key: (2048 bit)",
            KeyAlgorithm::Rsa3072 => "Public-Key: (3072 bit)",
            KeyAlgorithm::Ed25519 => "ED25519",
        };
        assert!(text.contains(expected), "{algorithm:?}: {text}");
        openssl_verify_chain(dir.path(), "signer.pem");

        for scheme in schemes(algorithm) {
            for (attached, with_tsa) in [(true, false), (false, true)] {
                let at = chrono::Utc::now();
                let sig = cades_sign_with(&app, &signer, DOC, attached, with_tsa, scheme, at).await;
                std::fs::write(dir.path().join("sig.p7s"), &sig).unwrap();
                let mut args = vec![
                    "cms", "-verify", "-binary", "-inform", "DER", "-in", "sig.p7s", "-CAfile",
                    "root.pem", "-cades", "-out", "out.bin",
                ];
                if !attached {
                    args.extend(["-content", "doc.txt"]);
                }
                let out = openssl(dir.path(), &args);
                assert!(
                    out.status.success(),
                    "{} attached={attached}: {}",
                    scheme.name(),
                    String::from_utf8_lossy(&out.stderr)
                );
                let report = verify_as_app(&app, &sig, (!attached).then_some(DOC)).await;
                assert_eq!(
                    report.verdict,
                    Verdict::Passed,
                    "{}: {report:#?}",
                    scheme.name()
                );
                let facts = &report.signers[0];
                assert_eq!(facts.level, if with_tsa { "CAdES-T" } else { "CAdES-BES" });

                // One changed byte of content fails both.
                let mut other = DOC.to_vec();
                other[0] ^= 1;
                std::fs::write(dir.path().join("other.txt"), &other).unwrap();
                if !attached {
                    let out = openssl(
                        dir.path(),
                        &[
                            "cms",
                            "-verify",
                            "-binary",
                            "-inform",
                            "DER",
                            "-in",
                            "sig.p7s",
                            "-CAfile",
                            "root.pem",
                            "-content",
                            "other.txt",
                            "-out",
                            "out.bin",
                        ],
                    );
                    assert!(!out.status.success(), "{}", scheme.name());
                    let report = verify_as_app(&app, &sig, Some(&other)).await;
                    assert_eq!(report.verdict, Verdict::Failed, "{}", scheme.name());
                }
            }
        }
    }
}

#[tokio::test]
async fn a_key_refuses_a_scheme_of_another_algorithm_and_a_digest_of_the_wrong_length() {
    let app = spawn().await;
    let key_id = uuid::Uuid::new_v4();
    let (ecdsa, short) = app
        .vault
        .run(move |s| {
            let binding = KeyBinding {
                key_id,
                owner: OWNER,
            };
            let sealed = s.generate_sealed(KeyAlgorithm::Rsa2048, &binding, PIN, FAST_KDF)?;
            let rsa = s.unseal(KeyAlgorithm::Rsa2048, &binding, PIN, FAST_KDF, &sealed.blob)?;
            let ecdsa = s.sign_with(
                &rsa,
                SignatureScheme::Ecdsa(DigestAlgorithm::Sha256),
                &[0; 32],
            );
            let short = s.sign_with(
                &rsa,
                SignatureScheme::pss(DigestAlgorithm::Sha256),
                &[0; 20],
            );
            s.destroy(rsa)?;
            Ok((ecdsa, short))
        })
        .await
        .unwrap();
    assert!(
        matches!(&ecdsa, Err(cloudseal::vault::VaultError::Operation(m)) if m.contains("cannot sign")),
        "{ecdsa:?}"
    );
    assert!(
        matches!(&short, Err(cloudseal::vault::VaultError::Operation(m)) if m.contains("20")),
        "{short:?}"
    );
}

/// SoftHSM 2.6 cannot wrap Edwards keys (softhsm/SoftHSMv2#595), so it cannot keep Ed25519
/// keys in custody; the refusal says so instead of failing obscurely. Ed25519 certificates
/// are still issued for keys held elsewhere (tests/api/csr.rs).
#[tokio::test]
async fn a_module_that_cannot_wrap_a_key_type_refuses_to_keep_it() {
    let app = spawn().await;
    let key_id = uuid::Uuid::new_v4();
    let result = app
        .vault
        .run(move |s| {
            s.generate_sealed(
                KeyAlgorithm::Ed25519,
                &KeyBinding {
                    key_id,
                    owner: OWNER,
                },
                PIN,
                FAST_KDF,
            )
        })
        .await;
    match result {
        Err(cloudseal::vault::VaultError::Unsupported(m)) => {
            assert!(m.contains("cannot wrap ed25519"), "{m}")
        }
        Ok(sealed) => {
            // A module that can wrap Edwards keys keeps them like any other.
            assert_eq!(sealed.algorithm, KeyAlgorithm::Ed25519);
        }
        Err(other) => panic!("{other:?}"),
    }
}
