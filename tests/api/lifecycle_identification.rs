//! The operator's sign-off of an identification: a detached CAdES-BES signature over the
//! canonical statement, made with the operator's own officer certificate under a SAD for
//! exactly the statement's hash, kept with the application and checked by openssl.

use crate::support::accounts::{get_as, post_as, problem, subscriber};
use crate::support::pki::{cms_verify_detached, write_chain};
use crate::support::registration::*;
use crate::support::spawn;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde_json::{Value, json};

fn b64(v: &Value) -> Vec<u8> {
    STANDARD.decode(v.as_str().unwrap()).unwrap()
}

#[tokio::test]
async fn the_identification_is_signed_with_the_officers_certificate_and_openssl_verifies_it() {
    let app = spawn().await;
    let point = desk(&app, "Tbilisi").await;
    let op = officer(&app, point).await;
    let sub = subscriber(&app).await;
    let a = file(&app, &sub, "qualified-cloud", point, individual()).await;
    let id = a["id"].as_str().unwrap();
    to_identification(&app, &sub, &op, id, None).await;
    let v = identify(&app, &op, id).await;
    assert_eq!(v["status"], "issuing");

    // The applicant reads the identification back: the statement and the signature.
    let r = get_as(
        &app,
        &format!("/api/v1/applications/{id}/identification"),
        &sub.access,
    )
    .await;
    assert_eq!(r.status(), 200);
    let ident: Value = r.json().await.unwrap();
    assert_eq!(ident["operator"], json!(op.person.id));
    assert_eq!(ident["originals"], json!(["passport", "snils"]));
    let statement: Value = serde_json::from_str(ident["statement"].as_str().unwrap()).unwrap();
    assert_eq!(statement["application"], json!(id));
    assert_eq!(statement["number"], a["number"]);
    assert_eq!(statement["applicant"]["snils"], "11223344595");
    assert_eq!(statement["identified_by_operator"], json!(op.person.id));
    assert_eq!(
        statement["originals_presented"],
        json!(["passport", "snils"])
    );
    assert!(
        statement["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] != "failed"),
        "{statement}"
    );

    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(
        dir.path().join("statement.json"),
        ident["statement"].as_str().unwrap(),
    )
    .unwrap();
    std::fs::write(dir.path().join("sig.p7s"), b64(&ident["signature"])).unwrap();
    let (ok, out) = cms_verify_detached(dir.path(), "sig.p7s", "statement.json", &["-cades"]);
    assert!(ok && out.contains("Verification successful"), "{out}");
    // The signer is the officer's certificate, not the applicant's or a service key.
    let (ok, out) = cms_verify_detached(
        dir.path(),
        "sig.p7s",
        "statement.json",
        &["-signer", "signer.pem"],
    );
    assert!(ok, "{out}");
    let creds: Value = get_as(&app, "/api/v1/credentials", &op.access)
        .await
        .json()
        .await
        .unwrap();
    let officer_cert = cloudseal::pki::to_pem(&b64(&creds[0]["certificate"]));
    let signer = std::fs::read_to_string(dir.path().join("signer.pem")).unwrap();
    assert_eq!(signer.trim(), officer_cert.trim());

    // A changed statement does not verify.
    let forged = ident["statement"]
        .as_str()
        .unwrap()
        .replace("\"passport\",\"snils\"", "\"snils\"");
    std::fs::write(dir.path().join("forged.json"), forged).unwrap();
    let (ok, _) = cms_verify_detached(dir.path(), "sig.p7s", "forged.json", &[]);
    assert!(!ok, "a changed statement does not verify");

    // The officer finds the signature among their own.
    let mine: Value = get_as(&app, "/api/v1/signatures", &op.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["signature"], ident["signature"]);
    assert!(
        mine[0]["label"]
            .as_str()
            .unwrap()
            .contains(&a["number"].to_string())
    );
}

#[tokio::test]
async fn an_identification_is_refused_without_a_valid_signature_of_the_operators_own() {
    let app = spawn().await;
    let point = desk(&app, "Almaty").await;
    let op = officer(&app, point).await;
    let plain = operator(&app, point).await;
    let sub = subscriber(&app).await;
    let a = file(&app, &sub, "qualified-cloud", point, individual()).await;
    let id = a["id"].as_str().unwrap();
    to_identification(&app, &sub, &op, id, None).await;
    let path = format!("/api/v1/desk/applications/{id}/identify");
    let with = |credential: &str, sad: &str| {
        let mut b = presented();
        b["credential"] = json!(credential);
        b["sad"] = json!(sad);
        b
    };

    // An operator without a certificate cannot borrow the officer's.
    let sad = identification_sad(&app, &op, id).await;
    let r = post_as(&app, &path, &plain.access, with(&op.credential, &sad)).await;
    assert_eq!(problem(r).await.0, 404, "another person's credential");
    let r = post_as(&app, &path, &op.access, with(&op.credential, "garbage")).await;
    assert_eq!(
        problem(r).await.1,
        "sad-refused",
        "a malformed SAD is refused"
    );

    // The applicant's data changes after the statement was authorised: the SAD no longer
    // covers what would be signed.
    let mut moved = individual();
    moved["address"] = json!("Almaty, Abay Ave 10");
    let r = send(
        &app,
        Method::PUT,
        &format!("/api/v1/applications/{id}/applicant"),
        &sub.access,
        Some(moved),
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = post_as(&app, &path, &op.access, with(&op.credential, &sad)).await;
    let (status, slug, body) = problem(r).await;
    assert_eq!((status, slug.as_str()), (409, "precondition-failed"));
    assert!(
        body["detail"].as_str().unwrap().contains("statement"),
        "{body}"
    );
    let v: Value = get_as(&app, &format!("/api/v1/applications/{id}"), &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "awaiting_identification", "nothing changed");
    let r = get_as(
        &app,
        &format!("/api/v1/applications/{id}/identification"),
        &sub.access,
    )
    .await;
    assert_eq!(r.status(), 404, "no identification recorded");

    // A fresh statement and SAD work; the SAD cannot be spent twice.
    let sad = identification_sad(&app, &op, id).await;
    let r = post_as(&app, &path, &op.access, with(&op.credential, &sad)).await;
    assert_eq!(r.status(), 200);
    let other = file(&app, &sub, "qualified-cloud", point, individual()).await;
    let other_id = other["id"].as_str().unwrap();
    to_identification(&app, &sub, &op, other_id, None).await;
    let r = post_as(
        &app,
        &format!("/api/v1/desk/applications/{other_id}/identify"),
        &op.access,
        with(&op.credential, &sad),
    )
    .await;
    assert_eq!(
        problem(r).await.1,
        "sad-refused",
        "a spent SAD is not reused"
    );
}

#[tokio::test]
async fn officers_are_enrolled_by_an_administrator_and_never_act_on_their_own_application() {
    let app = spawn().await;
    let point = desk(&app, "Limassol").await;
    let op = officer(&app, point).await;
    let own = &op.application;

    // The enrolment is on record, attested by the administrator, with no operator signature.
    let r = get_as(
        &app,
        &format!("/api/v1/applications/{own}/identification"),
        &op.access,
    )
    .await;
    let ident: Value = r.json().await.unwrap();
    assert!(ident["enrolled_by"].is_string(), "{ident}");
    assert!(ident["signature"].is_null());
    let v: Value = get_as(&app, &format!("/api/v1/applications/{own}"), &op.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "preparing_documents");
    assert!(
        v["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["note"] == "officer enrolment by the administrator")
            .count()
            >= 4,
        "{v}"
    );

    // At the desk the officer cannot move their own application.
    let r = post_as(
        &app,
        &format!("/api/v1/desk/applications/{own}/documents-prepared"),
        &op.access,
        json!({}),
    )
    .await;
    let (status, slug, body) = problem(r).await;
    assert_eq!((status, slug.as_str()), (409, "precondition-failed"));
    assert!(body["detail"].as_str().unwrap().contains("own application"));
    // Another operator of the point can.
    let colleague = operator(&app, point).await;
    let r = post_as(
        &app,
        &format!("/api/v1/desk/applications/{own}/documents-prepared"),
        &colleague.access,
        json!({}),
    )
    .await;
    assert_eq!(r.status(), 200);

    // Only an administrator enrols, only operators are enrolled, only with passing checks.
    let admin = crate::support::accounts::member(&app, "admin", None).await;
    let body = |applicant: Value| {
        json!({"product": "qualified-cloud", "applicant": applicant,
               "identification": {"originals": ["passport"], "data_confirmed": true}})
    };
    let other = operator(&app, point).await;
    let path = format!("/api/v1/admin/officers/{}/enrolment", other.person.id);
    let r = post_as(&app, &path, &colleague.access, body(individual())).await;
    assert_eq!(problem(r).await.0, 403);
    let sub = subscriber(&app).await;
    let r = post_as(
        &app,
        &format!("/api/v1/admin/officers/{}/enrolment", sub.person.id),
        &admin.access,
        body(individual()),
    )
    .await;
    assert_eq!(problem(r).await.0, 404, "a subscriber is not an officer");
    let mut bad = individual();
    bad["snils"] = json!("112-233-445 96");
    let r = post_as(&app, &path, &admin.access, body(bad)).await;
    let (status, _, body_) = problem(r).await;
    assert_eq!(status, 409);
    assert!(body_["detail"].as_str().unwrap().contains("snils_checksum"));
    let r = post_as(
        &app,
        &path,
        &admin.access,
        json!({"product": "qualified-own-key", "applicant": individual(),
               "identification": {"originals": ["passport"], "data_confirmed": true}}),
    )
    .await;
    assert_eq!(problem(r).await.0, 400, "an officer key lives in the vault");
    let other_id = uuid::Uuid::parse_str(&other.person.id).unwrap();
    let left: i64 = app
        .owner()
        .await
        .query_one(
            "SELECT count(*) FROM applications WHERE account_id = $1",
            &[&other_id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "refused enrolments leave nothing behind");
}
