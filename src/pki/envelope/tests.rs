//! Interoperability with OpenSSL in both directions: what we seal `openssl cms -decrypt`
//! opens, what `openssl cms -encrypt` seals we open, and a signature attached and split again
//! still verifies under `openssl cms -verify`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::agree::{agreement_for, content_key};
use super::signed::{attached_parts, split_attached};
use super::stream::{Opener, Sealer, read_head};
use super::{EnvelopeError, ID_DATA};
use der::DecodePem;
use p256::pkcs8::DecodePrivateKey;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;
use x509_cert::Certificate;

fn openssl(dir: &Path, args: &[&str]) {
    crate::pki::openssl_cli::ok(dir, args);
}

/// A key (`-newkey` and its options in `key`) and self-signed certificate made by openssl,
/// `<name>.key` and `<name>.pem`; the certificate.
fn self_signed(dir: &Path, name: &str, key: &[&str]) -> Certificate {
    let (subject, keyout, out) = (
        format!("/CN={name}"),
        format!("{name}.key"),
        format!("{name}.pem"),
    );
    let mut args = vec!["req", "-x509", "-newkey"];
    args.extend_from_slice(key);
    args.extend_from_slice(&[
        "-nodes", "-subj", &subject, "-days", "2", "-keyout", &keyout, "-out", &out,
    ]);
    openssl(dir, &args);
    Certificate::from_pem(std::fs::read(dir.join(&out)).unwrap()).unwrap()
}

/// A P-256 key and self-signed certificate made by openssl, named `name`.
fn party(dir: &Path, name: &str) -> (Certificate, p256::SecretKey) {
    let cert = self_signed(dir, name, &["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
    let key = p256::SecretKey::from_pkcs8_pem(
        &std::fs::read_to_string(dir.join(format!("{name}.key"))).unwrap(),
    )
    .unwrap();
    (cert, key)
}

/// `openssl cms -decrypt` of `envelope` with `who`'s certificate and key (in `dir`).
fn openssl_decrypt(dir: &Path, envelope: &[u8], who: &str) -> Vec<u8> {
    std::fs::write(dir.join("env.der"), envelope).unwrap();
    openssl(
        dir,
        &[
            "cms",
            "-decrypt",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "env.der",
            "-recip",
            &format!("{who}.pem"),
            "-inkey",
            &format!("{who}.key"),
            "-out",
            "out.bin",
        ],
    );
    std::fs::read(dir.join("out.bin")).unwrap()
}

fn random(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut v);
    v
}

fn open_with(
    envelope: &[u8],
    cert: &Certificate,
    key: &p256::SecretKey,
) -> Result<Vec<u8>, EnvelopeError> {
    let mut r = envelope;
    let head = read_head(&mut r)?;
    let (_, agreement) = agreement_for(&head.recipients, cert)?;
    let theirs = p256::PublicKey::from_sec1_bytes(&agreement.originator).unwrap();
    let z = p256::ecdh::diffie_hellman(key.to_nonzero_scalar(), theirs.as_affine());
    let cek = content_key(&agreement, z.raw_secret_bytes())?;
    let mut out = Vec::new();
    Opener::new(r, &head, &cek)?
        .read_to_end(&mut out)
        .map_err(EnvelopeError::Io)?;
    Ok(out)
}

#[test]
fn openssl_opens_what_we_seal_for_each_recipient() {
    let dir = tempfile::tempdir().unwrap();
    let (alice, _) = party(dir.path(), "alice");
    let (bob, bob_key) = party(dir.path(), "bob");
    for len in [0usize, 15, 16, 17, 200_000] {
        let content = random(len);
        let mut sealer =
            Sealer::start(Vec::new(), &[alice.clone(), bob.clone()], false, len as u64).unwrap();
        for piece in content.chunks(7000) {
            std::io::Write::write_all(&mut sealer, piece).unwrap();
        }
        let envelope = sealer.finish().unwrap();
        for who in ["alice", "bob"] {
            assert_eq!(
                openssl_decrypt(dir.path(), &envelope, who),
                content,
                "{who}, {len} bytes"
            );
        }
        assert_eq!(open_with(&envelope, &bob, &bob_key).unwrap(), content);
    }
}

#[test]
fn we_open_what_openssl_seals_and_refuse_the_wrong_key() {
    let dir = tempfile::tempdir().unwrap();
    let (carol, carol_key) = party(dir.path(), "carol");
    let (dave, dave_key) = party(dir.path(), "dave");
    let content = random(100_003);
    std::fs::write(dir.path().join("in.bin"), &content).unwrap();
    openssl(
        dir.path(),
        &[
            "cms",
            "-encrypt",
            "-binary",
            "-aes256",
            "-outform",
            "DER",
            "-in",
            "in.bin",
            "-out",
            "env.der",
            "carol.pem",
        ],
    );
    openssl(
        dir.path(),
        &[
            "cms",
            "-encrypt",
            "-binary",
            "-aes256",
            "-outform",
            "DER",
            "-in",
            "in.bin",
            "-out",
            "env256.der",
            "-recip",
            "carol.pem",
            "-keyopt",
            "ecdh_kdf_md:sha256",
        ],
    );
    let sha256_kdf = std::fs::read(dir.path().join("env256.der")).unwrap();
    assert_eq!(open_with(&sha256_kdf, &carol, &carol_key).unwrap(), content);
    let envelope = std::fs::read(dir.path().join("env.der")).unwrap();
    let head = read_head(&mut envelope.as_slice()).unwrap();
    assert_eq!(head.content_type, ID_DATA);
    assert_eq!(open_with(&envelope, &carol, &carol_key).unwrap(), content);
    assert!(matches!(
        open_with(&envelope, &dave, &dave_key),
        Err(EnvelopeError::NotForUs)
    ));
    let mut head = read_head(&mut envelope.as_slice()).unwrap();
    let (_, mut agreement) = agreement_for(&head.recipients, &carol).unwrap();
    let wrong = p256::ecdh::diffie_hellman(
        dave_key.to_nonzero_scalar(),
        p256::PublicKey::from_sec1_bytes(&agreement.originator)
            .unwrap()
            .as_affine(),
    );
    assert!(matches!(
        content_key(&agreement, wrong.raw_secret_bytes()),
        Err(EnvelopeError::WrongKey)
    ));
    agreement.encrypted_key[3] ^= 1;
    head.recipients.clear();
    let z = p256::ecdh::diffie_hellman(
        carol_key.to_nonzero_scalar(),
        p256::PublicKey::from_sec1_bytes(&agreement.originator)
            .unwrap()
            .as_affine(),
    );
    assert!(matches!(
        content_key(&agreement, z.raw_secret_bytes()),
        Err(EnvelopeError::WrongKey)
    ));
}

#[test]
fn a_signature_attached_and_split_again_verifies_under_openssl() {
    let dir = tempfile::tempdir().unwrap();
    party(dir.path(), "signer");
    let content = random(70_001);
    std::fs::write(dir.path().join("doc.bin"), &content).unwrap();
    openssl(
        dir.path(),
        &[
            "cms",
            "-sign",
            "-binary",
            "-outform",
            "DER",
            "-in",
            "doc.bin",
            "-signer",
            "signer.pem",
            "-inkey",
            "signer.key",
            "-out",
            "detached.der",
        ],
    );
    let detached = std::fs::read(dir.path().join("detached.der")).unwrap();
    let (prefix, suffix) = attached_parts(&detached, content.len() as u64).unwrap();
    let attached = [prefix, content.clone(), suffix].concat();
    std::fs::write(dir.path().join("attached.der"), &attached).unwrap();
    openssl(
        dir.path(),
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "attached.der",
            "-noverify",
            "-out",
            "content.bin",
        ],
    );
    assert_eq!(
        std::fs::read(dir.path().join("content.bin")).unwrap(),
        content
    );
    let mut out = Vec::new();
    let split = split_attached(&mut attached.as_slice(), &mut out).unwrap();
    assert_eq!(out, content);
    let expected: [u8; 32] = Sha256::digest(&content).into();
    assert_eq!(split.sha256, expected);
    assert_eq!(split.signature, detached);
    assert!(
        attached_parts(&attached, 1).is_err(),
        "an attached signature cannot be attached again"
    );
    assert!(split_attached(&mut detached.as_slice(), &mut Vec::new()).is_err());
}

/// An RSA-2048 key and self-signed certificate made by openssl, named `name`; the key as
/// `rsa` reads it (PKCS #8 DER).
fn rsa_party(dir: &Path, name: &str) -> (Certificate, rsa::RsaPrivateKey) {
    let cert = self_signed(dir, name, &["rsa:2048"]);
    openssl(
        dir,
        &[
            "pkcs8",
            "-topk8",
            "-nocrypt",
            "-in",
            &format!("{name}.key"),
            "-outform",
            "DER",
            "-out",
            &format!("{name}.key.der"),
        ],
    );
    let der = std::fs::read(dir.join(format!("{name}.key.der"))).unwrap();
    let key = <rsa::RsaPrivateKey as rsa::pkcs8::DecodePrivateKey>::from_pkcs8_der(&der).unwrap();
    (cert, key)
}

/// Open `envelope` as the holder of RSA key `key`, the way the vault does: find the entry,
/// decrypt the content key with the padding it names.
fn open_with_rsa(envelope: &[u8], cert: &Certificate, key: &rsa::RsaPrivateKey) -> Vec<u8> {
    use super::transport::{Padding, content_key_of, transport_for};
    let mut r = envelope;
    let head = read_head(&mut r).unwrap();
    let (_, t) = transport_for(&head.recipients, cert).unwrap();
    let plain = match t.padding {
        Padding::Pkcs1 => key.decrypt(rsa::Pkcs1v15Encrypt, &t.encrypted_key),
        Padding::OaepSha1 => key.decrypt(rsa::Oaep::new::<sha1::Sha1>(), &t.encrypted_key),
    }
    .unwrap();
    let cek = content_key_of(zeroize::Zeroizing::new(plain)).unwrap();
    let mut out = Vec::new();
    Opener::new(r, &head, &cek)
        .unwrap()
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn rsa_recipients_take_the_key_by_transport_and_interoperate_with_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let (alice, _) = party(dir.path(), "alice");
    let (carol, carol_key) = rsa_party(dir.path(), "carol");
    let content = random(50_000);
    std::fs::write(dir.path().join("plain.bin"), &content).unwrap();
    for recipients in [vec![carol.clone()], vec![alice.clone(), carol.clone()]] {
        let mut sealer =
            Sealer::start(Vec::new(), &recipients, false, content.len() as u64).unwrap();
        std::io::Write::write_all(&mut sealer, &content).unwrap();
        let envelope = sealer.finish().unwrap();
        let expected = if recipients.len() == 1 {
            cms::content_info::CmsVersion::V0
        } else {
            cms::content_info::CmsVersion::V2
        };
        let info = <cms::content_info::ContentInfo as der::Decode>::from_der(&envelope).unwrap();
        let enveloped = info
            .content
            .decode_as::<cms::enveloped_data::EnvelopedData>()
            .unwrap();
        assert_eq!(enveloped.version, expected, "RFC 5652 §6.1");
        assert_eq!(openssl_decrypt(dir.path(), &envelope, "carol"), content);
        assert_eq!(open_with_rsa(&envelope, &carol, &carol_key), content);
    }
    for padding in [&[][..], &["-keyopt", "rsa_padding_mode:oaep"][..]] {
        let mut args = vec![
            "cms",
            "-encrypt",
            "-binary",
            "-aes256",
            "-outform",
            "DER",
            "-in",
            "plain.bin",
            "-out",
            "theirs.der",
            "-recip",
            "carol.pem",
        ];
        args.extend_from_slice(padding);
        openssl(dir.path(), &args);
        let theirs = std::fs::read(dir.path().join("theirs.der")).unwrap();
        assert_eq!(
            open_with_rsa(&theirs, &carol, &carol_key),
            content,
            "{padding:?}"
        );
        assert!(
            matches!(
                super::transport::transport_for(
                    &read_head(&mut theirs.as_slice()).unwrap().recipients,
                    &alice
                ),
                Err(EnvelopeError::NotForUs)
            ),
            "not addressed to alice"
        );
    }
}
