//! Helpers for tests of certificates: a sample subject, issuing through the registry, and the
//! CA chain written out for openssl.

use super::TestApp;
use cloudseal::certificates::registry::IssueError;
use cloudseal::pki::cms::sign::{SignerDraft, assemble};
use cloudseal::pki::cms::{DigestAlgorithm, ID_DATA};
use cloudseal::pki::identifiers::{Inn, Ogrn, Snils};
use cloudseal::pki::profile::{CertificateKind, SubjectData};
use cloudseal::pki::scheme::{KeyAlgorithm, SignatureScheme};
use cloudseal::vault::custody::{KeyBinding, PinKdf, SealedKey};
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

/// The PIN of every test key, and a fast KDF (the cost is measured in the benchmarks).
pub const PIN: &str = "135790";
pub const FAST_KDF: PinKdf = PinKdf {
    memory_kib: 8192,
    iterations: 1,
};
pub const OWNER: &str = "anna";

/// A subscriber key sealed under [`PIN`] with its certificate.
pub struct TestSigner {
    pub key_id: uuid::Uuid,
    pub sealed: SealedKey,
    pub certificate: Vec<u8>,
}

/// A fresh P-256 key in the vault, certified through the registry (recorded in the database).
pub async fn new_signer(
    app: &TestApp,
    subject: SubjectData,
    kind: CertificateKind,
) -> Result<TestSigner, IssueError> {
    new_signer_with(app, KeyAlgorithm::EcdsaP256, subject, kind).await
}

/// A fresh sealed key of `algorithm`, certified through the registry.
pub async fn new_signer_with(
    app: &TestApp,
    algorithm: KeyAlgorithm,
    subject: SubjectData,
    kind: CertificateKind,
) -> Result<TestSigner, IssueError> {
    let key_id = uuid::Uuid::new_v4();
    let sealed = app
        .vault
        .run(move |s| {
            s.generate_sealed(
                algorithm,
                &KeyBinding {
                    key_id,
                    owner: OWNER,
                },
                PIN,
                FAST_KDF,
            )
        })
        .await
        .unwrap();
    let mut client = app.db.client().await.unwrap();
    let tx = client.transaction().await.unwrap();
    let certificate = app
        .registry
        .issue_end_entity(&tx, subject, sealed.public_key.clone(), kind)
        .await?;
    tx.commit().await.unwrap();
    Ok(TestSigner {
        key_id,
        sealed,
        certificate,
    })
}

/// A certificate for a fresh key: (certificate, SubjectPublicKeyInfo).
pub async fn issue(
    app: &TestApp,
    subject: SubjectData,
    kind: CertificateKind,
) -> Result<(Vec<u8>, Vec<u8>), IssueError> {
    new_signer(app, subject, kind)
        .await
        .map(|s| (s.certificate, s.sealed.public_key))
}

/// A CAdES signature by a P-256 `signer` over `content` (attached or detached), with a
/// signature time-stamp from the app's TSA when `with_tsa` (CAdES-T), signed at `at`.
pub async fn cades_sign(
    app: &TestApp,
    signer: &TestSigner,
    content: &[u8],
    attached: bool,
    with_tsa: bool,
    digest: DigestAlgorithm,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<u8> {
    let scheme = SignatureScheme::Ecdsa(digest);
    cades_sign_with(app, signer, content, attached, with_tsa, scheme, at).await
}

/// A CAdES signature by `signer` under any scheme its key allows.
pub async fn cades_sign_with(
    app: &TestApp,
    signer: &TestSigner,
    content: &[u8],
    attached: bool,
    with_tsa: bool,
    scheme: SignatureScheme,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<u8> {
    let digest = scheme.digest();
    let cert = cloudseal::pki::parse_certificate(&signer.certificate).unwrap();
    let draft =
        SignerDraft::cades_bes(&cert, digest, ID_DATA, &digest.digest(content), at).unwrap();
    let to_sign = draft.input_for(scheme).unwrap();
    let (key_id, blob, algorithm) = (
        signer.key_id,
        signer.sealed.blob.clone(),
        signer.sealed.algorithm,
    );
    let signature = app
        .vault
        .run(move |s| {
            let key = s.unseal(
                algorithm,
                &KeyBinding {
                    key_id,
                    owner: OWNER,
                },
                PIN,
                FAST_KDF,
                &blob,
            )?;
            let sig = s.sign_with(&key, scheme, &to_sign);
            s.destroy(key)?;
            sig
        })
        .await
        .unwrap();
    let unsigned = if with_tsa {
        vec![app.tsa.signature_time_stamp(&signature, at).await.unwrap()]
    } else {
        Vec::new()
    };
    let info = draft
        .finish(&cert, scheme.identifier().unwrap(), &signature, unsigned)
        .unwrap();
    let issuing = cloudseal::pki::parse_certificate(&app.registry.certificates().issuing).unwrap();
    assemble(
        ID_DATA,
        attached.then_some(content),
        vec![info],
        &[cert, issuing],
    )
    .unwrap()
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

/// A P-256 key made in `dir` (`key.pem`) and a PKCS#10 request for it, as someone on the
/// own-key track makes on their token: `req.pem`, or `req.der` when `der`. The request's bytes.
pub fn certificate_request(dir: &Path, der: bool) -> Vec<u8> {
    openssl_ok(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "key.pem",
        ],
    );
    let (form, out) = if der {
        ("DER", "req.der")
    } else {
        ("PEM", "req.pem")
    };
    openssl_ok(
        dir,
        &[
            "req",
            "-new",
            "-key",
            "key.pem",
            "-subj",
            "/CN=whatever",
            "-outform",
            form,
            "-out",
            out,
        ],
    );
    std::fs::read(dir.join(out)).unwrap()
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

/// Our engine's report on `sig` against everything the app trusts: its own CAs and the other
/// CAs and CRLs of its `[trust]` files, revocation from its registry.
pub async fn verify_as_app(
    app: &TestApp,
    sig: &[u8],
    detached: Option<&[u8]>,
) -> cloudseal::pki::cms::report::Report {
    let trust = app.registry.trust_list();
    let revocation = cloudseal::certificates::registry::RegistryRevocation {
        registry: &app.registry,
        crls: &trust.crls,
    };
    cloudseal::pki::cms::verify::verify(sig, detached, &trust, &revocation, chrono::Utc::now())
        .await
        .unwrap()
}

/// `openssl verify` of the PEM certificate `file` in `dir` up to our root (`write_chain`).
pub fn openssl_verify_chain(dir: &Path, file: &str) {
    openssl_ok(
        dir,
        &[
            "verify",
            "-CAfile",
            "root.pem",
            "-untrusted",
            "issuing.pem",
            file,
        ],
    );
}

/// What `openssl cms -cmsout -print` says of the DER CMS `file` in `dir`.
pub fn cms_printed(dir: &Path, file: &str) -> String {
    openssl_ok(
        dir,
        &["cms", "-cmsout", "-print", "-inform", "DER", "-in", file],
    )
}

/// Whether `openssl pkeyutl -verify` with `pub.pem` in `dir` and `options` accepts the raw
/// signature `sig_b64` over the SHA-256 of `doc`.
pub fn raw_verifies(dir: &Path, doc: &[u8], sig_b64: &str, options: &[&str]) -> bool {
    use base64::Engine;
    use sha2::Digest;
    std::fs::write(dir.join("digest.bin"), sha2::Sha256::digest(doc)).unwrap();
    let sig = base64::engine::general_purpose::STANDARD
        .decode(sig_b64)
        .unwrap();
    std::fs::write(dir.join("sig.bin"), sig).unwrap();
    let mut args = vec![
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        "pub.pem",
        "-in",
        "digest.bin",
        "-sigfile",
        "sig.bin",
    ];
    args.extend_from_slice(options);
    openssl(dir, &args).status.success()
}

/// `openssl cms -verify` of the DER signature `sig` over the detached file `content`, against
/// `root.pem` in `dir`, with `extra` options; whether it verified, and what openssl said.
pub fn cms_verify_detached(dir: &Path, sig: &str, content: &str, extra: &[&str]) -> (bool, String) {
    let mut args = vec![
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        sig,
        "-content",
        content,
        "-CAfile",
        "root.pem",
        "-out",
        "/dev/null",
    ];
    args.extend_from_slice(extra);
    let out = openssl(dir, &args);
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A P-256 key (`<stem>.key`) and self-signed certificate (`<stem>.pem`) made by openssl in
/// `dir`, for a party outside our CA; the certificate.
pub fn self_signed_p256(dir: &Path, stem: &str) -> x509_cert::Certificate {
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
            "-subj",
            &format!("/CN={stem}"),
            "-keyout",
            &format!("{stem}.key"),
            "-out",
            &format!("{stem}.pem"),
        ],
    );
    <x509_cert::Certificate as der::DecodePem>::from_pem(
        std::fs::read(dir.join(format!("{stem}.pem"))).unwrap(),
    )
    .unwrap()
}

/// Ask for `credential`'s encryption certificate as `who`, with `pin`.
pub async fn issue_encryption(
    app: &TestApp,
    who: &super::accounts::Session,
    credential: &str,
    pin: &str,
) -> reqwest::Response {
    super::accounts::post_as(
        app,
        &format!("/api/v1/credentials/{credential}/encryption-certificate"),
        &who.access,
        serde_json::json!({ "pin": pin }),
    )
    .await
}
