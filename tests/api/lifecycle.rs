//! The certificate lifecycle through HTTP: filing, the desk, payment, identification, the SMS
//! marker, activation and issuance on both tracks, checked by openssl.

use crate::support::accounts::{get_as, problem, subscriber};
use crate::support::pki::{certificate_request, openssl_ok, openssl_verify_chain, write_chain};
use crate::support::registration::*;
use crate::support::spawn;
use serde_json::{Value, json};

#[tokio::test]
async fn a_cloud_certificate_goes_from_application_to_active_and_openssl_verifies_it() {
    let app = spawn().await;
    let point = desk(&app, "Limassol").await;
    let op = officer(&app, point).await;
    let sub = subscriber(&app).await;

    let a = file(&app, &sub, "qualified-cloud", point, individual()).await;
    assert_eq!(a["status"], "data_check");
    assert_eq!(a["status_label_ru"], "Проверка данных");
    assert_eq!(a["price_minor"], 390000);
    assert_eq!(a["applicant"]["snils"], "11223344595", "normalised");
    let checks = a["checks"].as_array().unwrap();
    assert!(checks.len() >= 6);
    assert!(checks.iter().all(|c| c["status"] != "failed"), "{checks:?}");
    let id = a["id"].as_str().unwrap();

    to_identification(&app, &sub, &op, id, None).await;
    let v = identify(&app, &op, id).await;
    assert_eq!(v["status"], "issuing");
    assert_eq!(v["certificates"][0]["status"], "pending_activation");

    let m = marker(&app, &sub.person.phone).await;
    let r = activate(&app, &sub, id, &m, Some(PIN)).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let cert: Value = r.json().await.unwrap();
    assert_eq!(cert["status"], "active");
    assert!(cert["key_id"].is_string(), "the key is in custody");

    let v: Value = get_as(&app, &format!("/api/v1/applications/{id}"), &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "preparing_documents");
    let steps: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["to"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "data_check",
            "awaiting_payment",
            "awaiting_request",
            "awaiting_identification",
            "issuing",
            "preparing_documents"
        ]
    );

    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(dir.path().join("leaf.pem"), cert["pem"].as_str().unwrap()).unwrap();
    openssl_verify_chain(dir.path(), "leaf.pem");
    let text = openssl_ok(
        dir.path(),
        &[
            "x509",
            "-in",
            "leaf.pem",
            "-noout",
            "-subject",
            "-nameopt",
            "utf8,sep_multiline",
        ],
    );
    assert!(text.contains("Иванова Анна Сергеевна"), "{text}");
    assert!(text.contains("11223344595"), "SNILS in the subject: {text}");

    // The key in custody is the certificate's: the public keys match.
    let key_id = cert["key_id"].as_str().unwrap().parse().unwrap();
    let holder = cloudseal::signing::KeyHolder::new(
        cloudseal::signing::OwnerId(sub.person.id.parse().unwrap()),
        None,
        None,
    );
    let key = app
        .custody
        .key(&holder, cloudseal::signing::KeyId(key_id))
        .await
        .unwrap();
    let der = pem_to_der(cert["pem"].as_str().unwrap());
    let parsed = cloudseal::pki::parse_certificate(&der).unwrap();
    use der::Encode;
    assert_eq!(
        parsed
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .unwrap(),
        key.public_key
    );

    // Downloads: PEM, DER, and the PKCS#7 chain openssl lists in full.
    let cid = cert["id"].as_str().unwrap();
    for (format, expect) in [
        ("pem", "application/x-pem-file"),
        ("der", "application/pkix-cert"),
    ] {
        let r = get_as(
            &app,
            &format!("/api/v1/me/certificates/{cid}/download?format={format}"),
            &sub.access,
        )
        .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], expect);
    }
    let r = get_as(
        &app,
        &format!("/api/v1/me/certificates/{cid}/download?format=p7c"),
        &sub.access,
    )
    .await;
    std::fs::write(dir.path().join("chain.p7c"), r.bytes().await.unwrap()).unwrap();
    let text = openssl_ok(
        dir.path(),
        &[
            "pkcs7",
            "-inform",
            "DER",
            "-in",
            "chain.p7c",
            "-print_certs",
            "-noout",
        ],
    );
    assert_eq!(text.matches("subject=").count(), 3, "{text}");
    let r = get_as(
        &app,
        &format!("/api/v1/me/certificates/{cid}/download?format=pfx"),
        &sub.access,
    )
    .await;
    assert_eq!(problem(r).await.0, 400);

    // The marker is spent: the application is no longer waiting for it.
    let r = activate(&app, &sub, id, &m, Some(PIN)).await;
    let (status, slug, _) = problem(r).await;
    assert_eq!((status, slug.as_str()), (409, "transition-refused"));
}

fn pem_to_der(pem: &str) -> Vec<u8> {
    cloudseal::pki::pem_certificates(pem).unwrap().remove(0)
}

#[tokio::test]
async fn an_employee_on_the_own_key_track_gets_a_certificate_for_the_key_of_the_request() {
    let app = spawn().await;
    let point = desk(&app, "Riga").await;
    let op = officer(&app, point).await;
    let sub = subscriber(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let csr = String::from_utf8(certificate_request(dir.path(), false)).unwrap();

    let a = file(&app, &sub, "qualified-own-key", point, employee()).await;
    assert_eq!(a["track"], "own_key");
    let checks = a["checks"].as_array().unwrap();
    for name in ["org_inn_checksum", "kpp_format", "ogrn_checksum"] {
        let c = checks.iter().find(|c| c["name"] == name).unwrap();
        assert_eq!(c["status"], "passed", "{c}");
    }
    let id = a["id"].as_str().unwrap();
    // A cloud-style confirmation is not a request.
    accept_and_pay(&app, &op, id).await;
    let r = crate::support::accounts::post_as(
        &app,
        &format!("/api/v1/applications/{id}/request"),
        &sub.access,
        json!({"confirm": true}),
    )
    .await;
    assert_eq!(problem(r).await.0, 400);
    let r = crate::support::accounts::post_as(
        &app,
        &format!("/api/v1/applications/{id}/request"),
        &sub.access,
        json!({"csr_pem": "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"}),
    )
    .await;
    assert_eq!(problem(r).await.0, 400, "a malformed request is refused");
    let v = ok(
        &app,
        &format!("/api/v1/applications/{id}/request"),
        &sub.access,
        json!({"csr_pem": csr}),
    )
    .await;
    assert_eq!(v["status"], "awaiting_identification");
    identify(&app, &op, id).await;
    let m = marker(&app, &sub.person.phone).await;
    let r = activate(&app, &sub, id, &m, Some(PIN)).await;
    assert_eq!(problem(r).await.0, 400, "no PIN on the own-key track");
    let extra = json!({"key_algorithm": "rsa_2048"});
    let r = activate_with(&app, &sub, id, &m, extra).await;
    let (status, _, body) = problem(r).await;
    assert_eq!(status, 400, "no kind of key on the own-key track: {body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("takes no key_algorithm"),
        "{body}"
    );
    let r = activate(&app, &sub, id, &m, None).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let cert: Value = r.json().await.unwrap();
    assert!(cert["key_id"].is_null());
    std::fs::write(dir.path().join("leaf.pem"), cert["pem"].as_str().unwrap()).unwrap();
    write_chain(&app, dir.path()).await;
    openssl_verify_chain(dir.path(), "leaf.pem");
    let from_cert = openssl_ok(
        dir.path(),
        &["x509", "-in", "leaf.pem", "-noout", "-pubkey"],
    );
    let from_key = openssl_ok(dir.path(), &["pkey", "-in", "key.pem", "-pubout"]);
    assert_eq!(from_cert, from_key);
    let subject = openssl_ok(
        dir.path(),
        &[
            "x509",
            "-in",
            "leaf.pem",
            "-noout",
            "-subject",
            "-nameopt",
            "utf8,sep_multiline",
        ],
    );
    assert!(
        subject.contains("Ромашка"),
        "the organisation, not the request's CN: {subject}"
    );
    assert!(!subject.contains("whatever"), "{subject}");
}
