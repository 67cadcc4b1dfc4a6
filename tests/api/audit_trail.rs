//! The audit trail for auditors over HTTP: entries narrowed by every filter, refusals of a bad
//! filter, the chain's status re-verified (and a row altered behind the service's back found),
//! and a segment exported that verifies offline and covers its own export.

use crate::support::accounts::{get_as, member, post_as, problem, subscriber};
use crate::support::{TestApp, spawn};
use serde_json::{Value, json};

async fn entries(app: &TestApp, token: &str, query: &str) -> Value {
    let r = get_as(app, &format!("/api/v1/audit/entries?{query}"), token).await;
    assert_eq!(r.status(), 200, "{query}");
    r.json().await.unwrap()
}

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().unwrap()
}

/// Export the whole chain through the API; the JSON Lines.
async fn export(app: &TestApp, token: &str, query: &str) -> String {
    let r = get_as(app, &format!("/api/v1/audit/chain{query}"), token).await;
    assert_eq!(r.status(), 200, "{query}");
    assert_eq!(r.headers()["content-type"], "application/jsonl");
    r.text().await.unwrap()
}

#[tokio::test]
async fn auditors_read_the_trail_by_filter_and_export_what_verifies_offline() {
    let app = spawn().await;
    let auditor = member(&app, "auditor", None).await;
    let sub = subscriber(&app).await;
    let other = subscriber(&app).await;

    let all = entries(&app, &auditor.access, "").await;
    let total = all["total"].as_i64().unwrap();
    assert!(total >= 4, "registrations and sign-ins recorded: {all}");
    let logins = entries(&app, &auditor.access, "action=auth.").await;
    assert!(!items(&logins).is_empty());
    assert!(
        items(&logins)
            .iter()
            .all(|e| e["action"].as_str().unwrap().starts_with("auth."))
    );
    assert!(logins["total"].as_i64().unwrap() < total);
    let mine = entries(
        &app,
        &auditor.access,
        &format!("actor_kind=subscriber&actor_id={}", sub.person.id),
    )
    .await;
    assert!(!items(&mine).is_empty());
    assert!(
        items(&mine)
            .iter()
            .all(|e| e["actor_id"] == json!(sub.person.id))
    );
    assert!(
        !items(&mine)
            .iter()
            .any(|e| e["actor_id"] == json!(other.person.id))
    );
    let paged = entries(&app, &auditor.access, "limit=2&offset=1").await;
    assert_eq!(items(&paged).len(), 2);
    assert_eq!(items(&paged)[0]["id"], items(&all)[1]["id"], "newest first");
    let nothing = entries(&app, &auditor.access, "from=2001-01-01&until=2001-12-31").await;
    assert_eq!(nothing["total"], 0);
    let failures = entries(&app, &auditor.access, "outcome=denied").await;
    assert!(items(&failures).iter().all(|e| e["outcome"] == "denied"));

    for (query, detail) in [
        ("actor_kind=robot", "actor_kind is system"),
        ("outcome=maybe", "outcome is success"),
        ("seq_from=0", "seq_from is 1 or more"),
        ("seq_from=5&seq_to=2", "seq_from is after seq_to"),
        ("from=2026-05-02&until=2026-05-01", "from is after until"),
        ("limit=500", "limit is 1 to 200"),
        ("offset=-1", "offset is not negative"),
    ] {
        let r = get_as(
            &app,
            &format!("/api/v1/audit/entries?{query}"),
            &auditor.access,
        )
        .await;
        let (status, _, body) = problem(r).await;
        assert_eq!(status, 400, "{query}");
        assert!(
            body["detail"].as_str().unwrap().starts_with(detail),
            "{query}: {body}"
        );
    }
    let r = get_as(&app, "/api/v1/audit/entries?colour=red", &auditor.access).await;
    assert_eq!(problem(r).await.0, 400);
    for path in [
        "/api/v1/audit/entries",
        "/api/v1/audit/status",
        "/api/v1/audit/chain",
    ] {
        let r = get_as(&app, path, &sub.access).await;
        assert_eq!(problem(r).await.0, 403, "{path}");
        let r = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 401, "{path}");
    }

    // The export covers itself and verifies as the offline tool verifies it.
    let text = export(&app, &auditor.access, "").await;
    let last_entry = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .rfind(|l| l["type"] == "entry")
        .unwrap();
    assert_eq!(last_entry["record"]["action"], "audit.export");
    assert_eq!(
        last_entry["record"]["actor_id"],
        auditor.person.id.to_string()
    );
    let root = app
        .http
        .get(app.url("/pki/ca/root.crt"))
        .send()
        .await
        .unwrap();
    assert_eq!(root.status(), 200);
    use base64::Engine;
    let root_pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        base64::engine::general_purpose::STANDARD.encode(root.bytes().await.unwrap())
    );
    let verdict: Value = post_as(
        &app,
        "/api/v1/audit/verify",
        &auditor.access,
        json!({"export": text, "trust_anchor_pem": root_pem}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert_eq!(verdict["anchored"], true, "pinned to our root: {verdict}");
    let exported = entries(&app, &auditor.access, "action=audit.export").await;
    assert_eq!(exported["total"], 1, "the export is audited");
    assert_eq!(items(&exported)[0]["signed"], true);

    let part = export(&app, &auditor.access, "?from=2").await;
    let header: Value = serde_json::from_str(part.lines().next().unwrap()).unwrap();
    assert_eq!(header["first_seq"], 2);
    for (query, status) in [
        ("?from=5&to=3", 400),
        ("?from=0", 400),
        ("?from=999999", 409),
    ] {
        let r = get_as(
            &app,
            &format!("/api/v1/audit/chain{query}"),
            &auditor.access,
        )
        .await;
        assert_eq!(problem(r).await.0, status, "{query}");
    }
}

#[tokio::test]
async fn the_chain_status_re_verifies_the_newest_segment_and_finds_an_altered_row() {
    let app = spawn().await;
    let auditor = member(&app, "auditor", None).await;
    subscriber(&app).await;
    export(&app, &auditor.access, "").await;

    let r = get_as(&app, "/api/v1/audit/status", &auditor.access).await;
    assert_eq!(r.status(), 200);
    let status: Value = r.json().await.unwrap();
    let cp = status["checkpoint"]["seq"].as_i64().unwrap();
    assert!(cp >= 3, "{status}");
    assert!(status["linked"].as_i64().unwrap() >= cp);
    assert_eq!(
        status["entries"].as_i64().unwrap(),
        status["linked"].as_i64().unwrap() + status["pending"].as_i64().unwrap()
    );
    assert_eq!(status["check"]["valid"], true, "{status}");
    assert_eq!(status["check"]["last_seq"], cp);
    assert_eq!(status["check"]["first_seq"], 1);

    // Someone with the database owner's rights rewrites a signed entry.
    let owner = app.owner().await;
    owner
        .batch_execute(
            "ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only; \
             UPDATE audit_entries SET details = '{\"forged\":true}' \
               WHERE pos = (SELECT entry_pos FROM audit_chain WHERE seq = 2); \
             ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only;",
        )
        .await
        .unwrap();
    let status: Value = get_as(&app, "/api/v1/audit/status", &auditor.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["check"]["valid"], false, "{status}");
    let failure = status["check"]["failure"].as_str().unwrap();
    assert!(failure.starts_with("at seq 2:"), "{failure}");
}
