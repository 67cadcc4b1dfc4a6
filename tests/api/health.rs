use crate::support::spawn;

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn().await;
    let res = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn readyz_reports_database_and_hsm() {
    let app = spawn().await;
    let res = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["checks"]["database"], "ok");
    assert_eq!(body["checks"]["hsm"], "ok");
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_a_given_one_is_echoed() {
    let app = spawn().await;
    let res = app.http.get(app.url("/healthz")).send().await.unwrap();
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a UUID is generated: {id}");
    let res = app
        .http
        .get(app.url("/no-such-page"))
        .header("x-request-id", "partner-trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "partner-trace-42");
    // An id that could inject into logs is replaced, not echoed.
    let res = app
        .http
        .get(app.url("/healthz"))
        .header("x-request-id", "bad id with spaces")
        .send()
        .await
        .unwrap();
    assert_ne!(res.headers()["x-request-id"], "bad id with spaces");
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern_and_show_pools() {
    let app = spawn().await;
    for _ in 0..3 {
        app.http.get(app.url("/healthz")).send().await.unwrap();
    }
    app.http
        .get(app.url("/secret-token-in-path-abc123"))
        .send()
        .await
        .unwrap();
    let text = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(
            r#"cloudseal_http_requests_total{method="GET",route="/healthz",status="200"} 3"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"route="unmatched",status="404""#));
    assert!(!text.contains("abc123"), "raw paths never become labels");
    assert!(text.contains("cloudseal_http_request_duration_seconds_bucket"));
    assert!(text.contains(r#"cloudseal_db_pool_connections{state="open"}"#));
    assert!(text.contains(r#"cloudseal_hsm_sessions{state="capacity"} 4"#));
}

#[tokio::test]
async fn info_publishes_the_certificate_fingerprints() {
    let app = spawn().await;
    let info: serde_json::Value = app
        .http
        .get(app.url("/api/v1/info"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let seal = app
        .vault
        .certificate(cloudseal::vault::ServiceKey::Seal)
        .await
        .unwrap();
    assert_eq!(info["seal_fingerprint"], cloudseal::pki::fingerprint(&seal));
    assert_eq!(info["root_ca_fingerprint"].as_str().unwrap().len(), 64);
}

#[tokio::test]
async fn security_headers_are_set() {
    let app = spawn().await;
    let res = app.http.get(app.url("/")).send().await.unwrap();
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("script-src 'unsafe-inline'"));
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
}
