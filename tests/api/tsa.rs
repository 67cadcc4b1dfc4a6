//! The RFC 3161 time-stamping authority, checked with `openssl ts`.

use crate::support::pki::{openssl, openssl_ok, write_chain};
use crate::support::{TestApp, spawn};
use std::path::Path;

async fn post(app: &TestApp, body: Vec<u8>, media: &str) -> reqwest::Response {
    app.http
        .post(app.url("/tsa"))
        .header("content-type", media)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Send `req.tsq` from `dir`, store the reply as `name`, and return openssl's reading of it.
async fn stamp(app: &TestApp, dir: &Path, name: &str) -> String {
    let query = std::fs::read(dir.join("req.tsq")).unwrap();
    let res = post(app, query, "application/timestamp-query").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/timestamp-reply");
    std::fs::write(dir.join(name), res.bytes().await.unwrap()).unwrap();
    openssl_ok(dir, &["ts", "-reply", "-in", name, "-text"])
}

#[tokio::test]
async fn openssl_verifies_our_time_stamps_and_serials_are_unique() {
    let app = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(dir.path().join("doc.txt"), "Договор №1\n").unwrap();
    openssl_ok(
        dir.path(),
        &[
            "ts", "-query", "-data", "doc.txt", "-sha256", "-cert", "-out", "req.tsq",
        ],
    );
    let first = stamp(&app, dir.path(), "first.tsr").await;
    assert!(first.contains("Status: Granted."), "{first}");
    assert!(
        first.contains(&format!("Policy OID: {}", app.config.ca.tsa_policy_oid)),
        "{first}"
    );
    assert!(first.contains("Accuracy: 0x01 seconds"), "{first}");
    assert!(first.contains("Nonce: 0x"), "{first}");
    let second = stamp(&app, dir.path(), "second.tsr").await;
    let serial = |t: &str| {
        t.lines()
            .find(|l| l.starts_with("Serial number:"))
            .unwrap()
            .to_owned()
    };
    assert_ne!(serial(&first), serial(&second));

    let verified = openssl_ok(
        dir.path(),
        &[
            "ts",
            "-verify",
            "-data",
            "doc.txt",
            "-in",
            "first.tsr",
            "-CAfile",
            "root.pem",
            "-untrusted",
            "issuing.pem",
        ],
    );
    assert!(verified.contains("Verification: OK"), "{verified}");
    // The token also verifies against the query (nonce and imprint).
    let verified = openssl_ok(
        dir.path(),
        &[
            "ts",
            "-verify",
            "-queryfile",
            "req.tsq",
            "-in",
            "second.tsr",
            "-CAfile",
            "root.pem",
            "-untrusted",
            "issuing.pem",
        ],
    );
    assert!(verified.contains("Verification: OK"), "{verified}");

    // Other data does not match the stamp.
    std::fs::write(dir.path().join("other.txt"), "Договор №2\n").unwrap();
    let out = openssl(
        dir.path(),
        &[
            "ts",
            "-verify",
            "-data",
            "other.txt",
            "-in",
            "first.tsr",
            "-CAfile",
            "root.pem",
            "-untrusted",
            "issuing.pem",
        ],
    );
    assert!(!out.status.success());
}

#[tokio::test]
async fn requests_we_cannot_honour_are_rejected_with_the_rfc_3161_reason() {
    let app = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.txt"), "x").unwrap();
    let cases: [(&[&str], &str); 2] = [
        (
            &["-sha1"],
            "unrecognized or unsupported algorithm identifier",
        ),
        (
            &["-sha256", "-tspolicy", "1.2.3.4"],
            "the requested TSA policy is not supported by the TSA",
        ),
    ];
    for (extra, reason) in cases {
        let mut args = vec!["ts", "-query", "-data", "doc.txt", "-out", "req.tsq"];
        args.extend_from_slice(extra);
        openssl_ok(dir.path(), &args);
        let text = stamp(&app, dir.path(), "reply.tsr").await;
        assert!(text.contains("Status: Rejected"), "{text}");
        assert!(text.contains(reason), "{reason} in {text}");
        assert!(text.contains("TST info:\nNot included."), "{text}");
    }
    std::fs::write(dir.path().join("req.tsq"), b"not a request").unwrap();
    let text = stamp(&app, dir.path(), "reply.tsr").await;
    assert!(text.contains("Status: Rejected"), "{text}");
    assert!(
        text.contains("the data submitted has the wrong format"),
        "{text}"
    );

    let res = post(&app, b"{}".to_vec(), "application/json").await;
    assert_eq!(res.status(), 415);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let res = post(&app, vec![0; 9000], "application/timestamp-query").await;
    assert_eq!(res.status(), 413);
}
