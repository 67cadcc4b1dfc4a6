//! CRLs: served per CA, signed by the CA in the HSM, reissued on revocation and on schedule,
//! checked by openssl.

use crate::support::pki::{issue, openssl, openssl_ok, serial_of, subject, write_chain};
use crate::support::{ManualClock, TestApp, spawn, spawn_with_clock};
use chrono::TimeDelta;
use cloudseal::audit::AuditEvent;
use cloudseal::certificates::registry::RegistryError;
use cloudseal::pki::Ca;
use cloudseal::pki::profile::CertificateKind;
use cloudseal::pki::revocation::RevocationReason;
use std::path::Path;
use std::sync::Arc;

async fn fetch_crl(app: &TestApp, ca: &str) -> Vec<u8> {
    let res = app
        .http
        .get(app.url(&format!("/pki/crl/{ca}.crl")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pkix-crl");
    res.bytes().await.unwrap().to_vec()
}

fn crl_text(dir: &Path, name: &str, ca_file: &str) -> String {
    let text = openssl_ok(
        dir,
        &[
            "crl", "-inform", "DER", "-in", name, "-CAfile", ca_file, "-noout", "-text",
        ],
    );
    assert!(text.contains("verify OK"), "{text}");
    text
}

fn serial_hex(der: &[u8]) -> String {
    let cert = cloudseal::pki::parse_certificate(der).unwrap();
    hex::encode_upper(cert.tbs_certificate.serial_number.as_bytes())
}

#[tokio::test]
async fn each_ca_publishes_a_crl_that_openssl_verifies() {
    let app = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(dir.path().join("root.crl"), fetch_crl(&app, "root").await).unwrap();
    std::fs::write(
        dir.path().join("issuing.crl"),
        fetch_crl(&app, "issuing").await,
    )
    .unwrap();

    let root = crl_text(dir.path(), "root.crl", "root.pem");
    assert!(root.contains("Version 2 (0x1)"), "{root}");
    assert!(root.contains("X509v3 CRL Number"), "{root}");
    assert!(root.contains("X509v3 Authority Key Identifier"), "{root}");
    assert!(root.contains("No Revoked Certificates"), "{root}");
    assert!(root.contains("CN = cloudseal Root CA"), "{root}");

    let issuing = crl_text(dir.path(), "issuing.crl", "issuing.pem");
    assert!(issuing.contains("CN = cloudseal Issuing CA"), "{issuing}");

    // Signed by the other CA, the CRL does not verify.
    let out = openssl(
        dir.path(),
        &[
            "crl",
            "-inform",
            "DER",
            "-in",
            "issuing.crl",
            "-CAfile",
            "root.pem",
            "-noout",
        ],
    );
    let text =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("verify OK"), "{text}");
}

#[tokio::test]
async fn revocation_publishes_a_new_crl_listing_the_certificate() {
    let app = spawn().await;
    let (der, _) = issue(&app, subject(), CertificateKind::Qualified)
        .await
        .unwrap();
    let (other, _) = issue(&app, subject(), CertificateKind::Simple)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(
        dir.path().join("before.crl"),
        fetch_crl(&app, "issuing").await,
    )
    .unwrap();

    let serial = serial_of(&der);
    app.registry
        .revoke(
            Ca::Issuing,
            &serial,
            RevocationReason::KeyCompromise,
            AuditEvent::system("certificate.revoke"),
        )
        .await
        .unwrap();

    std::fs::write(
        dir.path().join("after.crl"),
        fetch_crl(&app, "issuing").await,
    )
    .unwrap();
    let before = crl_text(dir.path(), "before.crl", "issuing.pem");
    let after = crl_text(dir.path(), "after.crl", "issuing.pem");
    let number = |t: &str| {
        t.lines()
            .skip_while(|l| !l.contains("X509v3 CRL Number"))
            .nth(1)
            .unwrap()
            .trim()
            .to_owned()
    };
    assert!(
        number(&after).parse::<u64>().unwrap() > number(&before).parse::<u64>().unwrap(),
        "the CRL number grows: {} then {}",
        number(&before),
        number(&after)
    );
    assert!(
        after.contains(&format!("Serial Number: {}", serial_hex(&der))),
        "{after}"
    );
    assert!(after.contains("Key Compromise"), "{after}");
    assert!(
        !after.contains(&serial_hex(&other)),
        "only the revoked one is listed"
    );

    // openssl's own revocation check now refuses the certificate and accepts the other.
    std::fs::write(dir.path().join("leaf.pem"), cloudseal::pki::to_pem(&der)).unwrap();
    std::fs::write(dir.path().join("other.pem"), cloudseal::pki::to_pem(&other)).unwrap();
    openssl_ok(
        dir.path(),
        &[
            "crl",
            "-inform",
            "DER",
            "-in",
            "after.crl",
            "-out",
            "after.pem",
        ],
    );
    let root_crl = fetch_crl(&app, "root").await;
    std::fs::write(dir.path().join("root.crl"), root_crl).unwrap();
    openssl_ok(
        dir.path(),
        &[
            "crl",
            "-inform",
            "DER",
            "-in",
            "root.crl",
            "-out",
            "root-crl.pem",
        ],
    );
    let verify = |leaf: &str| {
        openssl(
            dir.path(),
            &[
                "verify",
                "-crl_check_all",
                "-CAfile",
                "root.pem",
                "-untrusted",
                "issuing.pem",
                "-CRLfile",
                "after.pem",
                "-CRLfile",
                "root-crl.pem",
                leaf,
            ],
        )
    };
    let out = verify("leaf.pem");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("certificate revoked")
            || String::from_utf8_lossy(&out.stderr).contains("certificate revoked")
    );
    let out = verify("other.pem");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The act is in the audit trail.
    let owner = app.owner().await;
    let row = owner
        .query_one(
            "SELECT object_id, details::jsonb->>'reason' FROM audit_entries WHERE action = 'certificate.revoke'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), hex::encode(&serial));
    assert_eq!(row.get::<_, String>(1), "keyCompromise");
}

#[tokio::test]
async fn revoking_twice_or_an_unknown_serial_is_refused() {
    let app = spawn().await;
    let (der, _) = issue(&app, subject(), CertificateKind::Simple)
        .await
        .unwrap();
    let serial = serial_of(&der);
    let revoke = |ca, serial: Vec<u8>| {
        let registry = app.registry.clone();
        async move {
            registry
                .revoke(
                    ca,
                    &serial,
                    RevocationReason::Superseded,
                    AuditEvent::system("certificate.revoke"),
                )
                .await
        }
    };
    revoke(Ca::Issuing, serial.clone()).await.unwrap();
    assert!(matches!(
        revoke(Ca::Issuing, serial.clone()).await,
        Err(RegistryError::AlreadyRevoked)
    ));
    assert!(matches!(
        revoke(Ca::Root, serial.clone()).await,
        Err(RegistryError::NotFound)
    ));
    assert!(matches!(
        revoke(Ca::Issuing, vec![0x01, 0x02]).await,
        Err(RegistryError::NotFound)
    ));
    // The database itself refuses to undo a revocation.
    let owner = app.owner().await;
    let err = owner
        .execute(
            "UPDATE issued_certificates SET revoked_at = NULL, revocation_reason = NULL WHERE serial = $1",
            &[&serial],
        )
        .await
        .unwrap_err();
    let message = err.as_db_error().unwrap().message();
    assert!(message.contains("cannot change"), "{message}");
}

#[tokio::test]
async fn a_crl_is_republished_at_half_life_and_never_served_stale() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = spawn_with_clock(clock.clone()).await;
    fetch_crl(&app, "root").await;
    let number = |der: &[u8]| {
        use der::Decode;
        let crl = x509_cert::crl::CertificateList::from_der(der).unwrap();
        let next = crl.tbs_cert_list.next_update.unwrap();
        (crl_number(&crl), next.to_unix_duration().as_secs())
    };
    let (n1, next1) = number(&fetch_crl(&app, "issuing").await);
    // Before half-life the schedule leaves it alone.
    clock.advance(TimeDelta::hours(11));
    app.registry.refresh_due().await.unwrap();
    assert_eq!(number(&fetch_crl(&app, "issuing").await).0, n1);
    // Past half-life it publishes a new one with a later nextUpdate.
    clock.advance(TimeDelta::hours(2));
    app.registry.refresh_due().await.unwrap();
    let (n2, next2) = number(&fetch_crl(&app, "issuing").await);
    assert_eq!(n2, n1 + 1);
    assert!(next2 > next1);
    // Even with the schedule stopped, an expired CRL is never served: a request publishes.
    clock.advance(TimeDelta::hours(25));
    let (n3, next3) = number(&fetch_crl(&app, "issuing").await);
    assert_eq!(n3, n2 + 1);
    assert!(next3 as i64 > clock_secs(&clock));
}

fn clock_secs(clock: &ManualClock) -> i64 {
    use cloudseal::clock::Clock;
    clock.now().timestamp()
}

fn crl_number(crl: &x509_cert::crl::CertificateList) -> u64 {
    use der::Decode;
    let ext = crl
        .tbs_cert_list
        .crl_extensions
        .as_ref()
        .unwrap()
        .iter()
        .find(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_CRL_NUMBER)
        .unwrap();
    let n = x509_cert::ext::pkix::CrlNumber::from_der(ext.extn_value.as_bytes()).unwrap();
    n.0.as_bytes()
        .iter()
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}

#[tokio::test]
async fn an_unknown_ca_has_no_crl() {
    let app = spawn().await;
    let res = app
        .http
        .get(app.url("/pki/crl/tsa.crl"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}
