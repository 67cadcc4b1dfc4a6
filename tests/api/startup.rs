//! Start-up faults and recovery: unreachable database, wrong HSM settings, database going
//! away while serving.

use crate::support::{self, config_for, env, eventually, fresh_database, spawn};
use cloudseal::Application;
use cloudseal::app::BuildError;

async fn build_err(tweak: impl FnOnce(&mut cloudseal::Config)) -> String {
    let db = fresh_database().await;
    let mut config = config_for(&db);
    tweak(&mut config);
    match Application::build(config).await {
        Ok(_) => panic!("the application should not start"),
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn an_unreachable_database_is_retried_then_reported_clearly() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let url = format!("postgres://cloudseal_app:pw@127.0.0.1:{port}/nowhere");
    let db = fresh_database().await;
    let mut config = config_for(&db);
    config.database.url = cloudseal::config::Secret::new(url.clone());
    config.database.migrate_url = None;
    config.database.connect_attempts = 3;
    let started = std::time::Instant::now();
    let err = match Application::build(config).await {
        Ok(_) => panic!("must not start"),
        Err(e) => e,
    };
    assert!(matches!(err, BuildError::Migrate(_) | BuildError::Store(_)));
    let text = err.to_string();
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(!text.contains("pw@"), "no password in the message: {text}");

    // With migrations done, the pool itself retries with backoff before giving up.
    let mut config = config_for(&db);
    config.database.url = cloudseal::config::Secret::new(url);
    config.database.connect_attempts = 3;
    let err = match Application::build(config).await {
        Ok(_) => panic!("must not start"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("not reachable after 3 attempts"), "{err}");
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(100),
        "it waited between attempts"
    );
}

#[tokio::test]
async fn a_documents_directory_that_cannot_be_made_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let err = build_err(|c| c.documents.directory = Some(file.join("documents"))).await;
    assert!(err.starts_with("documents.directory "), "{err}");
    assert!(err.contains("a-file/documents"), "{err}");
}

#[tokio::test]
async fn a_wrong_hsm_pin_is_reported_clearly() {
    let Some(scratch) = env().hsm_scratch_token.clone() else {
        // A vendor HSM configured by the user: do not spend its PIN attempts.
        return;
    };
    let err = build_err(|c| {
        c.hsm.token_label = scratch;
        c.hsm.pin = cloudseal::config::Secret::new("wrong-pin-0000");
    })
    .await;
    assert!(err.contains("HSM login failed"), "{err}");
    assert!(err.contains("PIN is incorrect"), "{err}");
    assert!(!err.contains("wrong-pin-0000"));
}

#[tokio::test]
async fn a_wrong_module_path_is_reported_clearly() {
    let err = build_err(|c| c.hsm.module = "/nonexistent/libpkcs11.so".into()).await;
    assert!(
        err.contains("cannot load PKCS#11 module /nonexistent/libpkcs11.so"),
        "{err}"
    );
}

#[tokio::test]
async fn a_missing_token_is_reported_clearly() {
    let err = build_err(|c| c.hsm.token_label = "no-such-token".into()).await;
    assert!(err.contains("no token labelled 'no-such-token'"), "{err}");
}

#[tokio::test]
async fn a_token_without_service_keys_says_to_run_hsm_init() {
    let Some(scratch) = env().hsm_scratch_token.clone() else {
        return;
    };
    let err = build_err(|c| c.hsm.token_label = scratch).await;
    assert!(err.contains("run `cloudseal hsm init`"), "{err}");
}

#[tokio::test]
async fn the_database_going_away_makes_readyz_503_then_it_recovers() {
    let app = spawn().await;
    assert_eq!(
        app.http
            .get(app.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let admin = support::admin_client(&env().admin_url).await;
    admin
        .batch_execute(&format!(
            "ALTER DATABASE \"{0}\" ALLOW_CONNECTIONS false;
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{0}';",
            app.db_name
        ))
        .await
        .unwrap();
    let down = eventually(10, || async {
        let res = app.http.get(app.url("/readyz")).send().await.unwrap();
        if res.status() != 503 {
            return false;
        }
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let body: serde_json::Value = res.json().await.unwrap();
        body["checks"]["database"] == "unreachable" && body["checks"]["hsm"] == "ok"
    })
    .await;
    assert!(down, "readyz reports the database as unreachable");
    admin
        .batch_execute(&format!(
            "ALTER DATABASE \"{}\" ALLOW_CONNECTIONS true",
            app.db_name
        ))
        .await
        .unwrap();
    let up = eventually(10, || async {
        app.http
            .get(app.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status()
            == 200
    })
    .await;
    assert!(up, "recovers without a restart");
}

#[tokio::test]
async fn hsm_init_is_idempotent_and_keys_are_not_extractable() {
    let app = spawn().await;
    let ca = cloudseal::config::CaConfig::default();
    let urls = crate::support::test_urls();
    let done = app
        .vault
        .run(move |s| cloudseal::vault::provision::init(s, &ca, &urls))
        .await
        .unwrap();
    assert!(
        done.iter()
            .all(|p| !p.key_created && !p.certificate_created),
        "{done:?}"
    );
    // The standard tool sees the private keys as sensitive and never extractable.
    let e = env();
    let out = std::process::Command::new("pkcs11-tool")
        .args([
            "--module",
            e.hsm_module.to_str().unwrap(),
            "--token-label",
            &e.hsm_token,
            "--login",
            "--pin",
        ])
        .arg(std::fs::read_to_string(&e.hsm_pin_file).unwrap().trim())
        .args(["--list-objects", "--type", "privkey"])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&out.stdout);
    let keys = listing.matches("Private Key Object").count();
    assert!(keys >= 4, "{listing}");
    assert_eq!(
        listing.matches("never extractable").count(),
        keys,
        "{listing}"
    );
}

#[tokio::test]
async fn json_logs_carry_the_request_id_no_secret_and_sigterm_seals_a_last_checkpoint() {
    let db_name = fresh_database().await;
    let dir = tempfile::tempdir().unwrap();
    let support::Served {
        mut child,
        mut lines,
        mut log,
        port,
    } = support::serve_binary(&db_name, dir.path()).await;
    // An act with its audit entry, written while the server runs.
    let config = support::config_for(&db_name);
    let db = cloudseal::store::Db::connect(config.database.url.expose(), &config.database)
        .await
        .unwrap();
    {
        let mut client = db.client().await.unwrap();
        let tx = client.transaction().await.unwrap();
        cloudseal::audit::record(
            &tx,
            &cloudseal::clock::SystemClock,
            cloudseal::audit::AuditEvent::system("test.shutdown"),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let res = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/readyz"))
        .header("x-request-id", "trace-json-1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().unwrap().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    while let Ok(Some(line)) = lines.next_line().await {
        log.push(line);
    }
    let exit = child.wait().await.unwrap();
    assert!(exit.success(), "graceful exit: {exit:?}");
    let finished = log
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| {
            v["fields"]["message"] == "request finished"
                && v["span"]["request_id"] == "trace-json-1"
        })
        .expect("the request's log line carries its id");
    assert_eq!(finished["span"]["route"], "/readyz");
    let pin = std::fs::read_to_string(&env().hsm_pin_file).unwrap();
    let all = log.join("\n");
    assert!(!all.contains(pin.trim()), "no HSM PIN in the log");
    assert!(
        !all.contains(&env().app_password),
        "no database password in the log"
    );
    // The sealer linked the entry and signed a checkpoint on its way out.
    let client = db.client().await.unwrap();
    let cp: i64 = client
        .query_one("SELECT coalesce(max(seq), 0) FROM audit_checkpoints", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(cp, 1, "a final checkpoint covers the entry");
}
