//! Organisation seals and folder agents' machine credentials (issue 9): a seal names the
//! organisation; its holder, confirming with their code, issues a machine credential for it;
//! the agent's token authorises that seal with the PIN alone, signs and sends, and reaches
//! nothing else of the holder's.

use crate::support::accounts::{Session, client_token, get_as, last_code, post_as, problem};
use crate::support::documents::upload;
use crate::support::exchange::{ok, send};
use crate::support::pki::{cms_verify_detached, openssl, write_chain};
use crate::support::registration::{
    PIN, desk, employee, file, identify_and_activate, individual, officer,
};
use crate::support::{TestApp, spawn};
use base64::Engine;
use serde_json::{Value, json};

/// A subscriber holding an active organisation seal and an active personal certificate:
/// (session, seal credential, personal credential).
async fn seal_holder(app: &TestApp) -> (Session, String, String) {
    let point = desk(app, "Limassol").await;
    let op = officer(app, point).await;
    let sub = crate::support::accounts::subscriber(app).await;
    let seal = file(app, &sub, "seal-cloud", point, employee()).await;
    let seal = identify_and_activate(app, &sub, &op, seal["id"].as_str().unwrap()).await;
    let own = file(app, &sub, "qualified-cloud", point, individual()).await;
    let own = identify_and_activate(app, &sub, &op, own["id"].as_str().unwrap()).await;
    (
        sub,
        seal["id"].as_str().unwrap().to_owned(),
        own["id"].as_str().unwrap().to_owned(),
    )
}

/// [`crate::support::agents::issue`], checking the SMS names the act.
async fn issue(app: &TestApp, sub: &Session, credential: &str, name: &str) -> reqwest::Response {
    let r = crate::support::agents::issue(app, sub, credential, name).await;
    let sms = crate::support::accounts::outbox(app, &sub.person.phone).await;
    assert!(
        sms.first().unwrap().contains("folder agent"),
        "the SMS names the act: {sms:?}"
    );
    r
}

/// An agent's access token for `issued` (the issue response).
async fn agent_token(app: &TestApp, issued: &Value) -> String {
    let r = client_token(
        app,
        issued["client_id"].as_str().unwrap(),
        issued["client_secret"].as_str().unwrap(),
        None,
    )
    .await;
    let t = ok(r, 200).await;
    assert_eq!(t["scope"], "seal");
    t["access_token"].as_str().unwrap().to_owned()
}

fn as_session(sub: &Session, token: String) -> Session {
    Session {
        person: sub.person.clone(),
        access: token,
        refresh: String::new(),
        session_id: String::new(),
    }
}

#[tokio::test]
async fn a_seal_names_the_organisation_and_only_an_employee_may_apply_for_one() {
    let app = spawn().await;
    let point = desk(&app, "Paphos").await;
    let sub = crate::support::accounts::subscriber(&app).await;
    let r = post_as(
        &app,
        "/api/v1/applications",
        &sub.access,
        json!({"product": "seal-cloud", "point_of_issue": point, "applicant": individual()}),
    )
    .await;
    let (status, _, body) = problem(r).await;
    assert_eq!(status, 400);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("an organisation seal is issued to an organisation"),
        "{body}"
    );

    let (sub, seal, own) = seal_holder(&app).await;
    let creds: Vec<Value> = get_as(&app, "/api/v1/credentials", &sub.access)
        .await
        .json()
        .await
        .unwrap();
    let purpose = |id: &str| {
        creds.iter().find(|c| c["id"] == id).unwrap()["purpose"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        (purpose(&seal).as_str(), purpose(&own).as_str()),
        ("seal", "signature")
    );
    let dir = tempfile::tempdir().unwrap();
    let der = creds.iter().find(|c| c["id"] == seal.as_str()).unwrap()["certificate"]
        .as_str()
        .unwrap()
        .to_owned();
    std::fs::write(
        dir.path().join("seal.der"),
        base64::engine::general_purpose::STANDARD
            .decode(der)
            .unwrap(),
    )
    .unwrap();
    let out = openssl(
        dir.path(),
        &[
            "x509",
            "-inform",
            "DER",
            "-in",
            "seal.der",
            "-noout",
            "-subject",
            "-nameopt",
            "utf8,sep_comma_plus,oid",
        ],
    );
    let subject = String::from_utf8(out.stdout).unwrap();
    assert!(subject.contains("2.5.4.3=ООО «Ромашка»"), "{subject}");
    assert!(subject.contains("1.2.643.100.4=7707083893"), "{subject}");
    assert!(subject.contains("1.2.643.100.1=1027700132195"), "{subject}");
    for personal in [
        "Иванова",
        "2.5.4.4=",
        "2.5.4.42=",
        "1.2.643.100.3=",
        "1.2.643.3.131.1.1=",
    ] {
        assert!(
            !subject.contains(personal),
            "no person in a seal: {subject}"
        );
    }
}

#[tokio::test]
async fn an_agent_is_issued_only_for_a_seal_and_only_with_the_holders_code() {
    let app = spawn().await;
    let (sub, seal, own) = seal_holder(&app).await;

    let r = post_as(
        &app,
        "/api/v1/me/agents/confirmation",
        &sub.access,
        json!({"credential": own}),
    )
    .await;
    let (status, _, body) = problem(r).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("a personal signature always needs you")
    );

    let other = crate::support::accounts::subscriber(&app).await;
    let r = post_as(
        &app,
        "/api/v1/me/agents/confirmation",
        &other.access,
        json!({"credential": seal}),
    )
    .await;
    assert_eq!(
        problem(r).await.0,
        404,
        "another person's seal is not found"
    );

    let c = ok(
        post_as(
            &app,
            "/api/v1/me/agents/confirmation",
            &sub.access,
            json!({"credential": seal}),
        )
        .await,
        201,
    )
    .await;
    let r = post_as(
        &app,
        "/api/v1/me/agents",
        &sub.access,
        json!({"credential": seal, "name": "office server",
               "confirmation": c["confirmation"], "code": "000000"}),
    )
    .await;
    assert_eq!(problem(r).await.0, 401, "a wrong code issues nothing");
    let code = last_code(&app, &sub.person.phone).await;
    let r = post_as(
        &app,
        "/api/v1/me/agents",
        &sub.access,
        json!({"credential": seal, "name": " ",
               "confirmation": c["confirmation"], "code": code}),
    )
    .await;
    assert_eq!(problem(r).await.0, 400, "an empty name is refused");
    let listed: Vec<Value> = get_as(&app, "/api/v1/me/agents", &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert!(listed.is_empty());

    let r = issue(&app, &sub, &seal, "office server").await;
    assert_eq!(r.headers()["cache-control"], "no-store");
    let issued = ok(r, 201).await;
    assert!(issued["client_id"].as_str().unwrap().starts_with("ag_"));
    assert_eq!(issued["credential_id"], seal.as_str());
    let listed: Value = get_as(&app, "/api/v1/me/agents", &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["name"], "office server");
    let text = listed.to_string();
    assert!(!text.contains(issued["client_secret"].as_str().unwrap()));
    assert!(!text.contains("secret"), "{text}");
}

#[tokio::test]
async fn an_agent_applies_the_seal_with_the_pin_alone_and_sends_it() {
    let app = spawn().await;
    let (sub, seal, _) = seal_holder(&app).await;
    let issued = ok(issue(&app, &sub, &seal, "outbox watcher").await, 201).await;
    let agent = as_session(&sub, agent_token(&app, &issued).await);

    let creds: Vec<Value> = get_as(&app, "/api/v1/credentials", &agent.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(creds.len(), 1, "the agent sees only its seal");
    assert_eq!(creds[0]["id"], seal.as_str());

    let body = b"invoice 42, signed by the seal".to_vec();
    let doc = upload(&app, &agent, "invoice-42.txt", &body).await;
    let doc = doc["id"].as_str().unwrap().to_owned();
    let r = post_as(
        &app,
        &format!("/api/v1/credentials/{seal}/authorise"),
        &agent.access,
        json!({"pin": PIN, "documents": [doc]}),
    )
    .await;
    let sad = ok(r, 201).await["sad"].as_str().unwrap().to_owned();
    let made = ok(
        post_as(
            &app,
            "/api/v1/signatures",
            &agent.access,
            json!({"credential": seal, "sad": sad, "documents": [doc]}),
        )
        .await,
        201,
    )
    .await;
    let signature = made[0]["id"].as_str().unwrap().to_owned();
    let p7s = get_as(
        &app,
        &format!("/api/v1/signatures/{signature}/p7s"),
        &agent.access,
    )
    .await
    .bytes()
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_chain(&app, dir.path()).await;
    std::fs::write(dir.path().join("doc.txt"), &body).unwrap();
    std::fs::write(dir.path().join("doc.p7s"), &p7s).unwrap();
    let (verified, said) = cms_verify_detached(dir.path(), "doc.p7s", "doc.txt", &[]);
    assert!(verified, "{said}");

    let recipient = crate::support::accounts::subscriber(&app).await;
    let sent = ok(
        send(
            &app,
            reqwest::Method::POST,
            "/api/v1/sendings",
            &agent,
            Some(
                json!({"subject": "Invoice 42", "recipients": [recipient.person.email],
                   "attachments": [{"document_id": doc, "signature_id": signature}]}),
            ),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(sent["state"], "sent", "{sent}");
    assert!(
        sent["files"][0]["signer"]
            .as_str()
            .unwrap()
            .contains("CN=ООО «Ромашка»")
    );

    let owner = app.owner().await;
    let actors: Vec<(String, String, String)> = owner
        .query(
            "SELECT action, actor_kind, actor_id FROM audit_entries \
             WHERE action IN ('key.authorise', 'auth.agent_token', 'signature.create') \
             ORDER BY id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let agent_id = issued["id"].as_str().unwrap();
    for action in ["auth.agent_token", "key.authorise"] {
        assert!(
            actors
                .iter()
                .any(|(a, k, id)| a == action && k == "agent" && id == agent_id),
            "{action} names the agent: {actors:?}"
        );
    }
}

#[tokio::test]
async fn an_agent_reaches_nothing_but_its_seal_documents_and_sendings() {
    let app = spawn().await;
    let (sub, seal, own) = seal_holder(&app).await;
    let issued = ok(issue(&app, &sub, &seal, "outbox watcher").await, 201).await;
    let agent = as_session(&sub, agent_token(&app, &issued).await);
    let doc = upload(&app, &agent, "a.txt", b"a").await;
    let doc = doc["id"].as_str().unwrap().to_owned();

    let r = post_as(
        &app,
        &format!("/api/v1/credentials/{own}/authorise"),
        &agent.access,
        json!({"pin": PIN, "documents": [doc]}),
    )
    .await;
    assert_eq!(
        problem(r).await.0,
        404,
        "the personal credential is not there"
    );
    let r = get_as(&app, &format!("/api/v1/credentials/{own}"), &agent.access).await;
    assert_eq!(r.status(), 404);
    let r = post_as(
        &app,
        &format!("/api/v1/credentials/{seal}/confirmation"),
        &agent.access,
        json!({"documents": [doc]}),
    )
    .await;
    assert_eq!(problem(r).await.0, 403);
    let r = post_as(
        &app,
        &format!("/api/v1/credentials/{seal}/authorise"),
        &agent.access,
        json!({"pin": PIN, "documents": [doc], "confirmation": "x", "code": "123456"}),
    )
    .await;
    let (status, _, body) = problem(r).await;
    assert_eq!(status, 400);
    assert!(body["detail"].as_str().unwrap().contains("PIN alone"));

    for path in [
        "/api/v1/me",
        "/api/v1/me/agents",
        "/api/v1/me/sessions",
        "/api/v1/applications",
        "/api/v1/me/certificates",
        "/api/v1/contacts",
    ] {
        let r = get_as(&app, path, &agent.access).await;
        let (status, _, body) = problem(r).await;
        assert_eq!(status, 403, "{path}: {body}");
        assert!(
            body["detail"].as_str().unwrap().contains("folder agent"),
            "{path}: {body}"
        );
    }
    let r = post_as(
        &app,
        "/api/v1/me/agents/confirmation",
        &agent.access,
        json!({"credential": seal}),
    )
    .await;
    assert_eq!(problem(r).await.0, 403, "an agent cannot make agents");
    let r = post_as(&app, "/csc/v1/credentials/list", &agent.access, json!({})).await;
    assert_eq!(r.status(), 403, "CSC is for people");

    // The person authorising the seal still needs their code.
    let r = post_as(
        &app,
        &format!("/api/v1/credentials/{seal}/authorise"),
        &sub.access,
        json!({"pin": PIN, "documents": [doc]}),
    )
    .await;
    let (status, _, body) = problem(r).await;
    assert_eq!(status, 400);
    assert!(body["detail"].as_str().unwrap().contains("one-time code"));
    let r = post_as(
        &app,
        &format!("/api/v1/credentials/{seal}/authorise"),
        &sub.access,
        json!({"pin": PIN, "documents": [doc], "confirmation": "x"}),
    )
    .await;
    let (status, _, body) = problem(r).await;
    assert_eq!(status, 400);
    assert!(
        body["detail"].as_str().unwrap().contains("together"),
        "{body}"
    );
}

#[tokio::test]
async fn a_wrong_secret_gets_no_token_and_a_disabled_agent_stops_at_once() {
    let app = spawn().await;
    let (sub, seal, _) = seal_holder(&app).await;
    let issued = ok(issue(&app, &sub, &seal, "outbox watcher").await, 201).await;
    let r = client_token(&app, issued["client_id"].as_str().unwrap(), "guess", None).await;
    let (status, _, body) = problem(r).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "invalid_client", "{body}");
    let r = client_token(
        &app,
        issued["client_id"].as_str().unwrap(),
        issued["client_secret"].as_str().unwrap(),
        Some("applications:read"),
    )
    .await;
    assert_eq!(problem(r).await.0, 400, "an agent gets the seal scope only");

    let token = agent_token(&app, &issued).await;
    let r = get_as(&app, "/api/v1/credentials", &token).await;
    assert_eq!(r.status(), 200);
    let sessions: Value = get_as(&app, "/api/v1/me/sessions", &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        sessions
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["kind"] == "agent"),
        "the holder sees the agent's session: {sessions}"
    );

    let id = issued["id"].as_str().unwrap();
    let other = crate::support::accounts::subscriber(&app).await;
    let r = send(
        &app,
        reqwest::Method::DELETE,
        &format!("/api/v1/me/agents/{id}"),
        &other,
        None,
    )
    .await;
    assert_eq!(r.status(), 404, "another person cannot disable it");
    let r = send(
        &app,
        reqwest::Method::DELETE,
        &format!("/api/v1/me/agents/{id}"),
        &sub,
        None,
    )
    .await;
    assert_eq!(r.status(), 204);
    let r = get_as(&app, "/api/v1/credentials", &token).await;
    assert_eq!(r.status(), 401, "its token stopped working");
    let r = client_token(
        &app,
        issued["client_id"].as_str().unwrap(),
        issued["client_secret"].as_str().unwrap(),
        None,
    )
    .await;
    assert_eq!(problem(r).await.0, 401, "and it gets no new one");
    let listed: Value = get_as(&app, "/api/v1/me/agents", &sub.access)
        .await
        .json()
        .await
        .unwrap();
    assert!(listed[0]["disabled_at"].is_string());
}
