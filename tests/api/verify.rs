//! The verification engine on our signatures, openssl's signatures, and every refusal.

use crate::support::pki::{TestSigner, cades_sign, new_signer, openssl_ok, serial_of, subject};
use crate::support::{TestApp, spawn};
use chrono::{TimeDelta, Utc};
use cloudseal::audit::AuditEvent;
use cloudseal::certificates::registry::RegistryRevocation;
use cloudseal::pki::Ca;
use cloudseal::pki::cms::DigestAlgorithm;
use cloudseal::pki::cms::report::{Reason, Report, TimeSource, Verdict};
use cloudseal::pki::cms::verify::{TrustList, VerifyError, verify};
use cloudseal::pki::profile::CertificateKind;
use cloudseal::pki::revocation::RevocationReason;
use der::{Decode, Encode};
use std::path::Path;

const DOC: &[u8] = b"Contract No. 7, signed abroad\n";

async fn signer(app: &TestApp) -> TestSigner {
    new_signer(app, subject(), CertificateKind::Qualified)
        .await
        .unwrap()
}

async fn try_check(
    app: &TestApp,
    sig: &[u8],
    detached: Option<&[u8]>,
    trust: &TrustList,
) -> Result<Report, VerifyError> {
    let revocation = RegistryRevocation {
        registry: &app.registry,
        crls: &trust.crls,
    };
    verify(sig, detached, trust, &revocation, Utc::now()).await
}

async fn check(app: &TestApp, sig: &[u8], detached: Option<&[u8]>, trust: &TrustList) -> Report {
    try_check(app, sig, detached, trust).await.unwrap()
}

fn only_reasons(report: &Report) -> Vec<Reason> {
    assert_eq!(report.signers.len(), 1);
    report.signers[0].reasons.clone()
}

#[tokio::test]
async fn our_cades_bes_and_cades_t_pass_with_the_facts_a_person_needs() {
    let app = spawn().await;
    let s = signer(&app).await;
    let trust = app.registry.trust_list();
    let at = Utc::now();

    let bes = cades_sign(&app, &s, DOC, true, false, DigestAlgorithm::Sha256, at).await;
    let report = check(&app, &bes, None, &trust).await;
    assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");
    assert!(report.attached);
    let signer = &report.signers[0];
    assert_eq!(signer.level, "CAdES-BES");
    assert_eq!(signer.time_source, TimeSource::SigningTime);
    assert_eq!(signer.signing_time.unwrap().timestamp(), at.timestamp());
    assert_eq!(signer.signature_algorithm, "ECDSA with SHA-256");
    assert_eq!(signer.digest_algorithm, "SHA-256");
    assert!(
        signer
            .subject
            .as_ref()
            .unwrap()
            .contains("Иванова Анна Сергеевна")
    );
    assert_eq!(signer.serial, hex::encode(serial_of(&s.certificate)));
    assert_eq!(
        signer.certificate_fingerprint.as_deref(),
        Some(cloudseal::pki::fingerprint(&s.certificate).as_str())
    );
    assert_eq!(signer.chain.len(), 3, "{:?}", signer.chain);

    let t = cades_sign(&app, &s, DOC, false, true, DigestAlgorithm::Sha512, at).await;
    let report = check(&app, &t, Some(DOC), &trust).await;
    assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");
    let signer = &report.signers[0];
    assert_eq!(signer.level, "CAdES-T");
    assert_eq!(signer.time_source, TimeSource::TimeStamp);
    assert!(signer.time_stamp.is_some());

    // PEM and base64 forms are read too.
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&bes);
    let pem = format!("-----BEGIN CMS-----\n{b64}\n-----END CMS-----\n");
    for text in [b64.as_bytes(), pem.as_bytes()] {
        assert_eq!(
            check(&app, text, None, &trust).await.verdict,
            Verdict::Passed
        );
    }
}

#[tokio::test]
async fn changed_content_and_missing_content_are_reported() {
    let app = spawn().await;
    let s = signer(&app).await;
    let trust = app.registry.trust_list();
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
    let report = check(&app, &sig, Some(b"another text"), &trust).await;
    assert_eq!(report.verdict, Verdict::Failed);
    assert_eq!(only_reasons(&report), vec![Reason::MessageDigestMismatch]);
    let report = check(&app, &sig, None, &trust).await;
    assert_eq!(report.verdict, Verdict::Indeterminate);
    assert_eq!(only_reasons(&report), vec![Reason::ContentMissing]);
}

#[tokio::test]
async fn a_foreign_trust_anchor_does_not_vouch_for_our_signer() {
    let app = spawn().await;
    let s = signer(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let (other_root, _) = self_signed(dir.path(), "ec");
    let trust = TrustList {
        anchors: vec![other_root],
        ..TrustList::default()
    };
    let sig = cades_sign(
        &app,
        &s,
        DOC,
        true,
        false,
        DigestAlgorithm::Sha256,
        Utc::now(),
    )
    .await;
    let report = check(&app, &sig, None, &trust).await;
    assert_eq!(report.verdict, Verdict::Failed);
    assert!(matches!(
        only_reasons(&report)[..],
        [Reason::UntrustedChain { .. }]
    ));
}

#[tokio::test]
async fn expiry_and_revocation_are_judged_at_the_signing_time() {
    let app = spawn().await;
    let trust = app.registry.trust_list();
    let s = signer(&app).await;
    // Signed (by its own claim) after the certificate expired.
    let late = Utc::now() + TimeDelta::days(400);
    let sig = cades_sign(&app, &s, DOC, true, false, DigestAlgorithm::Sha256, late).await;
    let report = check(&app, &sig, None, &trust).await;
    assert_eq!(report.verdict, Verdict::Failed);
    assert!(
        only_reasons(&report)
            .iter()
            .any(|r| matches!(r, Reason::CertificateExpired { .. })),
        "{report:#?}"
    );

    // Signed before the revocation: with a time-stamp it still passes, with only the
    // signer's claim it is indeterminate; signed after it, it fails.
    let before = Utc::now();
    let stamped = cades_sign(&app, &s, DOC, true, true, DigestAlgorithm::Sha256, before).await;
    let claimed = cades_sign(&app, &s, DOC, true, false, DigestAlgorithm::Sha256, before).await;
    app.registry
        .revoke(
            Ca::Issuing,
            &serial_of(&s.certificate),
            RevocationReason::KeyCompromise,
            AuditEvent::system("certificate.revoke"),
        )
        .await
        .unwrap();
    let after = Utc::now() + TimeDelta::seconds(5);
    let revoked = cades_sign(&app, &s, DOC, true, false, DigestAlgorithm::Sha256, after).await;

    let report = check(&app, &stamped, None, &trust).await;
    assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");
    let report = check(&app, &claimed, None, &trust).await;
    assert_eq!(report.verdict, Verdict::Indeterminate);
    assert!(matches!(
        only_reasons(&report)[..],
        [Reason::RevokedAfterClaimedTime { .. }]
    ));
    let report = check(&app, &revoked, None, &trust).await;
    assert_eq!(report.verdict, Verdict::Failed);
    assert!(matches!(
        only_reasons(&report)[..],
        [Reason::Revoked { .. }]
    ));
}

/// Re-encode the SignedData of `sig` after `change` to its only signer info.
fn edit_signer(sig: &[u8], change: impl FnOnce(&mut cms::signed_data::SignerInfo)) -> Vec<u8> {
    let info = cms::content_info::ContentInfo::from_der(sig).unwrap();
    let mut sd = info
        .content
        .decode_as::<cms::signed_data::SignedData>()
        .unwrap();
    let mut infos: Vec<_> = sd.signer_infos.0.iter().cloned().collect();
    change(&mut infos[0]);
    sd.signer_infos = cms::signed_data::SignerInfos::try_from(infos).unwrap();
    cms::content_info::ContentInfo {
        content_type: info.content_type,
        content: der::Any::from_der(&sd.to_der().unwrap()).unwrap(),
    }
    .to_der()
    .unwrap()
}

#[tokio::test]
async fn a_signature_by_another_key_or_without_message_digest_fails() {
    let app = spawn().await;
    let trust = app.registry.trust_list();
    let (a, b) = (signer(&app).await, signer(&app).await);
    let now = Utc::now();
    let sig_a = cades_sign(&app, &a, DOC, true, false, DigestAlgorithm::Sha256, now).await;
    let sig_b = cades_sign(&app, &b, DOC, true, false, DigestAlgorithm::Sha256, now).await;
    let info_b = cms::content_info::ContentInfo::from_der(&sig_b).unwrap();
    let sd_b = info_b
        .content
        .decode_as::<cms::signed_data::SignedData>()
        .unwrap();
    let value_b = sd_b.signer_infos.0.iter().next().unwrap().signature.clone();
    let forged = edit_signer(&sig_a, |si| si.signature = value_b);
    let report = check(&app, &forged, None, &trust).await;
    assert_eq!(report.verdict, Verdict::Failed);
    assert_eq!(only_reasons(&report), vec![Reason::BadSignature]);

    let stripped = edit_signer(&sig_a, |si| {
        let attrs: Vec<_> = si
            .signed_attrs
            .as_ref()
            .unwrap()
            .iter()
            .filter(|a| a.oid != cloudseal::pki::cms::attributes::MESSAGE_DIGEST)
            .cloned()
            .collect();
        si.signed_attrs = Some(der::asn1::SetOfVec::try_from(attrs).unwrap());
    });
    let report = check(&app, &stripped, None, &trust).await;
    assert_eq!(report.verdict, Verdict::Failed);
    let reasons = only_reasons(&report);
    assert!(
        reasons.contains(&Reason::MissingMessageDigest),
        "{reasons:?}"
    );
    assert!(reasons.contains(&Reason::BadSignature), "{reasons:?}");
}

#[tokio::test]
async fn truncated_and_garbage_input_is_an_error_not_a_panic() {
    let app = spawn().await;
    let s = signer(&app).await;
    let trust = app.registry.trust_list();
    let sig = cades_sign(
        &app,
        &s,
        DOC,
        true,
        true,
        DigestAlgorithm::Sha256,
        Utc::now(),
    )
    .await;
    for len in 0..sig.len() {
        let result = try_check(&app, &sig[..len], None, &trust).await;
        assert!(
            matches!(result, Err(VerifyError::Malformed(_))),
            "length {len}"
        );
    }
    let garbage: [&[u8]; 4] = [
        b"hello",
        &[0x30, 0x80, 0x00, 0x00],
        &[0xff; 64],
        b"-----BEGIN CMS-----\n!!\n",
    ];
    for g in garbage {
        assert!(try_check(&app, g, None, &trust).await.is_err());
    }
}

/// A self-signed certificate and key made by openssl: (certificate, key file name).
fn self_signed(dir: &Path, kind: &str) -> (x509_cert::Certificate, String) {
    let (key, cert) = (format!("{kind}.key"), format!("{kind}.pem"));
    let newkey: Vec<&str> = match kind {
        "rsa" => vec!["-newkey", "rsa:2048"],
        _ => vec!["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
    };
    let mut args = vec!["req", "-x509", "-nodes", "-days", "2", "-subj"];
    let subj = format!("/CN=Openssl {kind} signer");
    args.push(&subj);
    args.extend(newkey);
    args.extend(["-keyout", &key, "-out", &cert]);
    openssl_ok(dir, &args);
    let pem = std::fs::read_to_string(dir.join(&cert)).unwrap();
    let der = cloudseal::pki::pem_certificates(&pem).unwrap().remove(0);
    (x509_cert::Certificate::from_der(&der).unwrap(), key)
}

#[tokio::test]
async fn signatures_made_by_openssl_verify() {
    let app = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.txt"), DOC).unwrap();
    for kind in ["ec", "rsa"] {
        let (cert, key) = self_signed(dir.path(), kind);
        let trust = TrustList {
            anchors: vec![cert],
            ..TrustList::default()
        };
        let cert_file = format!("{kind}.pem");
        let variants: Vec<(&str, Vec<&str>)> = vec![
            ("attached", vec!["-nodetach"]),
            ("detached", vec![]),
            ("attached-noattr", vec!["-nodetach", "-noattr"]),
            ("detached-noattr", vec!["-noattr"]),
            ("attached-sha384", vec!["-nodetach", "-md", "sha384"]),
        ];
        let mut variants = variants;
        if kind == "rsa" {
            variants.push(("pss", vec!["-keyopt", "rsa_padding_mode:pss"]));
        }
        for (name, extra) in variants {
            let out = format!("{kind}-{name}.p7s");
            let mut args = vec![
                "cms", "-sign", "-binary", "-in", "doc.txt", "-signer", &cert_file, "-inkey", &key,
                "-outform", "DER", "-out", &out,
            ];
            args.extend(extra.iter().copied());
            openssl_ok(dir.path(), &args);
            let sig = std::fs::read(dir.path().join(&out)).unwrap();
            let detached = (!name.starts_with("attached")).then_some(DOC);
            let report = check(&app, &sig, detached, &trust).await;
            assert_eq!(
                report.verdict,
                Verdict::Passed,
                "{kind} {name}: {report:#?}"
            );
            let expect_level = if name.contains("noattr") {
                "CMS"
            } else {
                "CAdES-BES"
            };
            if name != "pss" {
                assert_eq!(report.signers[0].level, expect_level, "{kind} {name}");
            }
            // And a changed document fails.
            let report = check(&app, &sig, Some(b"changed"), &trust).await;
            if detached.is_some() {
                assert_eq!(report.verdict, Verdict::Failed, "{kind} {name} changed");
            }
        }
    }
}

#[tokio::test]
async fn a_certificate_without_digital_signature_usage_cannot_sign() {
    let app = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.txt"), DOC).unwrap();
    openssl_ok(
        dir.path(),
        &[
            "req",
            "-x509",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=Encryption only",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-keyout",
            "k.key",
            "-out",
            "k.pem",
            "-addext",
            "keyUsage=critical,keyAgreement",
        ],
    );
    openssl_ok(
        dir.path(),
        &[
            "cms",
            "-sign",
            "-binary",
            "-nodetach",
            "-in",
            "doc.txt",
            "-signer",
            "k.pem",
            "-inkey",
            "k.key",
            "-outform",
            "DER",
            "-out",
            "k.p7s",
        ],
    );
    let der = cloudseal::pki::pem_certificates(
        &std::fs::read_to_string(dir.path().join("k.pem")).unwrap(),
    )
    .unwrap()
    .remove(0);
    let trust = TrustList {
        anchors: vec![x509_cert::Certificate::from_der(&der).unwrap()],
        ..TrustList::default()
    };
    let sig = std::fs::read(dir.path().join("k.p7s")).unwrap();
    let report = check(&app, &sig, None, &trust).await;
    assert_eq!(report.verdict, Verdict::Failed);
    assert_eq!(only_reasons(&report), vec![Reason::KeyUsageNotForSigning]);
}
