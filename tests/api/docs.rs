use crate::support::spawn;

#[tokio::test]
async fn served_openapi_matches_the_committed_document() {
    let app = spawn().await;
    let served: serde_json::Value = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let generated = serde_json::to_value(cloudseal::http::docs::openapi()).unwrap();
    assert_eq!(served, generated);
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.yaml"))
            .unwrap();
    assert!(
        committed == cloudseal::http::docs::openapi_yaml(),
        "openapi/openapi.yaml is stale: run `make openapi` and commit it"
    );
    for path in [
        "/healthz",
        "/readyz",
        "/metrics",
        "/api/v1/info",
        "/api/v1/audit/verify",
    ] {
        assert!(served["paths"][path].is_object(), "{path} is documented");
    }
}

#[tokio::test]
async fn docs_page_uses_vendored_assets_only() {
    let app = spawn().await;
    let page = app
        .http
        .get(app.url("/api/docs"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("/static/swagger-ui/swagger-ui-bundle.js"));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no CDN"
    );
    assert!(!page.contains("<script>"), "no inline script");
    for asset in ["swagger-ui-bundle.js", "swagger-ui.css", "init.js"] {
        let res = app
            .http
            .get(app.url(&format!("/static/swagger-ui/{asset}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{asset}");
        assert!(res.bytes().await.unwrap().len() > 100);
    }
    let res = app
        .http
        .get(app.url("/static/swagger-ui/../../Cargo.toml"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let landing = app
        .http
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(landing.contains("href=\"/api/docs\""));
}
