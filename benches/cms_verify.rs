//! Verification engine throughput on this machine, one thread, beside the raw ECDSA limit:
//! a CAdES-BES signature (P-256, SHA-256) by a leaf under a root, both made by openssl, checked
//! in full (parse, message digest, signing-certificate, signature, chain, validity) with
//! revocation answered from memory so only the engine is measured.
//!
//! Run with `make bench`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cloudseal::pki::cms::report::Verdict;
use cloudseal::pki::cms::verify::{RevocationCheck, RevocationStatus, TrustList, verify};
use std::process::Command;
use std::time::Instant;
use x509_cert::Certificate;

struct AllGood;

impl RevocationCheck for AllGood {
    async fn status(&self, _: &Certificate, _: &Certificate) -> RevocationStatus {
        RevocationStatus::Good
    }
}

fn openssl(dir: &std::path::Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn cert(dir: &std::path::Path, name: &str) -> Certificate {
    use der::Decode;
    let pem = std::fs::read_to_string(dir.join(name)).unwrap();
    Certificate::from_der(&cloudseal::pki::pem_certificates(&pem).unwrap()[0]).unwrap()
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let mut root = vec![
        "req",
        "-x509",
        "-subj",
        "/CN=Bench Root",
        "-days",
        "2",
        "-keyout",
        "root.key",
        "-out",
        "root.pem",
    ];
    root.extend(ec);
    openssl(d, &root);
    let mut csr = vec![
        "req",
        "-new",
        "-subj",
        "/CN=Bench Signer",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
    ];
    csr.extend(ec);
    openssl(d, &csr);
    std::fs::write(
        d.join("ext.cnf"),
        "keyUsage=critical,digitalSignature,nonRepudiation\n",
    )
    .unwrap();
    openssl(
        d,
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
            "-extfile",
            "ext.cnf",
            "-out",
            "leaf.pem",
        ],
    );
    std::fs::write(d.join("doc.txt"), vec![b'x'; 4096]).unwrap();
    openssl(
        d,
        &[
            "cms", "-sign", "-binary", "-cades", "-in", "doc.txt", "-signer", "leaf.pem", "-inkey",
            "leaf.key", "-outform", "DER", "-out", "sig.p7s",
        ],
    );
    let sig = std::fs::read(d.join("sig.p7s")).unwrap();
    let doc = std::fs::read(d.join("doc.txt")).unwrap();
    let trust = TrustList {
        anchors: vec![cert(d, "root.pem")],
        ..TrustList::default()
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let now = chrono::Utc::now();
    let report = rt
        .block_on(verify(&sig, Some(&doc), &trust, &AllGood, now))
        .unwrap();
    assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");

    // This host is shared and noisy: each side runs three rounds of 3 s, interleaved, and
    // the best round of each is compared (the same length `openssl speed -seconds 3` uses).
    let ours = || {
        let start = Instant::now();
        let mut n = 0u32;
        while start.elapsed().as_secs_f64() < 3.0 {
            let r = rt
                .block_on(verify(&sig, Some(&doc), &trust, &AllGood, now))
                .unwrap();
            assert_eq!(r.verdict, Verdict::Passed);
            n += 1;
        }
        f64::from(n) / start.elapsed().as_secs_f64()
    };
    let theirs = || {
        let out = Command::new("openssl")
            .args(["speed", "-seconds", "3", "ecdsap256"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        text.lines()
            .find(|l| l.contains("nistp256"))
            .and_then(|l| l.split_whitespace().last())
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    let (mut best_ours, mut best_openssl) = (0f64, 0f64);
    for _ in 0..3 {
        best_ours = best_ours.max(ours());
        best_openssl = best_openssl.max(theirs());
    }
    println!(
        "CAdES-BES verification, full report (signature verify each time; the leaf-to-root link proven once, then cached): {best_ours:.0}/s"
    );
    println!(
        "openssl speed ecdsap256 verify: {best_openssl:.0}/s; ours is {:.0}% of it (best of three 3 s rounds each, interleaved)",
        100.0 * best_ours / best_openssl
    );
}
