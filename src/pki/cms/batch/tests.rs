//! The batch path yields the general path's DER byte for byte, and openssl verifies it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::DetachedBatch;
use crate::pki::cms::attributes::SIGNATURE_TIME_STAMP;
use crate::pki::cms::sign::{SignerDraft, assemble};
use crate::pki::cms::{DigestAlgorithm, ID_DATA};
use crate::pki::scheme::KeyAlgorithm;
use der::asn1::{Any, OctetString, SetOfVec};
use der::{Decode, DecodePem, Encode};
use p256::ecdsa::signature::hazmat::PrehashSigner;
use p256::pkcs8::DecodePrivateKey;
use std::path::Path;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

use crate::pki::openssl_cli::{ok as openssl, run};

const P256: [&str; 4] = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];

/// A root and a leaf it issued, made by openssl in `dir`: their certificates and the leaf's key.
fn chain(dir: &Path) -> (Certificate, Certificate, p256::ecdsa::SigningKey) {
    let mut root = vec![
        "req",
        "-x509",
        "-nodes",
        "-subj",
        "/CN=Batch Root",
        "-days",
        "2",
    ];
    root.extend(P256);
    root.extend(["-keyout", "root.key", "-out", "root.pem"]);
    openssl(dir, &root);
    let mut csr = vec!["req", "-new", "-nodes", "-subj", "/CN=Batch Signer"];
    csr.extend(P256);
    csr.extend(["-keyout", "leaf.key", "-out", "leaf.csr"]);
    openssl(dir, &csr);
    openssl(
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
            "2",
            "-out",
            "leaf.pem",
        ],
    );
    let read = |name: &str| Certificate::from_pem(std::fs::read(dir.join(name)).unwrap()).unwrap();
    let key =
        p256::SecretKey::from_pkcs8_pem(&std::fs::read_to_string(dir.join("leaf.key")).unwrap())
            .unwrap();
    (read("root.pem"), read("leaf.pem"), key.into())
}

fn sign(key: &p256::ecdsa::SigningKey, draft: &SignerDraft) -> Vec<u8> {
    let s: p256::ecdsa::Signature = key.sign_prehash(&draft.digest_to_sign().unwrap()).unwrap();
    s.to_der().as_bytes().to_vec()
}

/// Something in the place of a signature time-stamp: the joins do not look inside it.
fn unsigned_attribute() -> Attribute {
    let value = Any::from_der(&OctetString::new(vec![7u8; 40]).unwrap().to_der().unwrap()).unwrap();
    Attribute {
        oid: SIGNATURE_TIME_STAMP,
        values: SetOfVec::try_from(vec![value]).unwrap(),
    }
}

#[test]
fn a_batch_signature_is_the_general_paths_der_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let (root, leaf, key) = chain(dir.path());
    let (root_der, leaf_der) = (root.to_der().unwrap(), leaf.to_der().unwrap());
    let algorithm = KeyAlgorithm::EcdsaP256
        .default_scheme()
        .identifier()
        .unwrap();
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
        .unwrap()
        .to_utc();
    // Either order of the chain: the certificate set is ordered by DER, not by the caller.
    for chain in [
        [&leaf_der[..], &root_der[..]],
        [&root_der[..], &leaf_der[..]],
    ] {
        let batch = DetachedBatch::new(&leaf, DigestAlgorithm::Sha256, &chain).unwrap();
        for (i, unsigned) in [Vec::new(), vec![unsigned_attribute()]]
            .into_iter()
            .enumerate()
        {
            let digest = DigestAlgorithm::Sha256.digest(format!("document {i}").as_bytes());
            let draft = batch.draft(&digest, at).unwrap();
            let general =
                SignerDraft::cades_bes(&leaf, DigestAlgorithm::Sha256, ID_DATA, &digest, at)
                    .unwrap();
            assert_eq!(
                draft.to_be_signed().unwrap(),
                general.to_be_signed().unwrap()
            );
            let value = sign(&key, &draft);
            let ours = batch
                .assemble(&draft, &algorithm, &value, unsigned.clone())
                .unwrap();
            let info = general
                .finish(&leaf, algorithm.clone(), &value, unsigned)
                .unwrap();
            let theirs =
                assemble(ID_DATA, None, vec![info], &[leaf.clone(), root.clone()]).unwrap();
            assert_eq!(ours, theirs, "signature {i}");
        }
    }
}

#[test]
fn openssl_verifies_every_signature_of_a_batch_against_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (root, leaf, key) = chain(d);
    let chain = [root.to_der().unwrap(), leaf.to_der().unwrap()];
    let chain: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
    let batch = DetachedBatch::new(&leaf, DigestAlgorithm::Sha256, &chain).unwrap();
    let algorithm = KeyAlgorithm::EcdsaP256
        .default_scheme()
        .identifier()
        .unwrap();
    for i in 0..3 {
        let content = format!("batch document {i}");
        let draft = batch
            .draft(
                &DigestAlgorithm::Sha256.digest(content.as_bytes()),
                chrono::Utc::now(),
            )
            .unwrap();
        let signature = batch
            .assemble(&draft, &algorithm, &sign(&key, &draft), Vec::new())
            .unwrap();
        std::fs::write(d.join("doc.txt"), &content).unwrap();
        std::fs::write(d.join("sig.der"), &signature).unwrap();
        let verify = [
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "sig.der",
            "-content",
            "doc.txt",
            "-CAfile",
            "root.pem",
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ];
        let said = openssl(d, &verify);
        assert!(said.contains("Verification successful"), "{said}");
        std::fs::write(d.join("doc.txt"), format!("{content}!")).unwrap();
        let refused = run(d, &verify);
        assert!(!refused.status.success(), "a changed document verified");
    }
}
