//! The notification outbox: queued in the caller's transaction, delivered by the worker to
//! real SMTP and HTTP listeners, retried with backoff, every attempt recorded.

use crate::support::{TestApp, eventually, http_sink, smtp, spawn, spawn_with};
use cloudseal::clock::SystemClock;
use cloudseal::config::{EmailProviderKind, Secret, SmsProviderKind, SmtpTls};
use cloudseal::notify::{Notification, enqueue};
use cloudseal::store::outbox;
use uuid::Uuid;

async fn queue(app: &TestApp, n: Notification, commit: bool) -> Uuid {
    let mut client = app.db.client().await.unwrap();
    let tx = client.transaction().await.unwrap();
    let id = enqueue(&tx, &SystemClock, "test.purpose", &n)
        .await
        .unwrap();
    if commit {
        tx.commit().await.unwrap();
    } else {
        tx.rollback().await.unwrap();
    }
    id
}

async fn status(app: &TestApp, id: Uuid) -> Option<outbox::NotificationRow> {
    let client = app.db.client().await.unwrap();
    outbox::get(&**client, id).await.unwrap()
}

async fn wait_status(app: &TestApp, id: Uuid, want: &str) -> outbox::NotificationRow {
    let ok = eventually(10, || async {
        status(app, id).await.is_some_and(|n| n.status == want)
    })
    .await;
    let row = status(app, id).await.unwrap();
    assert!(ok, "notification {id} reached {want}: {row:?}");
    row
}

fn sms(text: &str) -> Notification {
    Notification::Sms {
        to: "+491701234567".into(),
        text: text.into(),
    }
}

#[tokio::test]
async fn nothing_is_sent_for_a_rolled_back_act() {
    let sink = http_sink::start(vec![]).await;
    let app = spawn_with(|c| {
        c.notify.sms.provider = SmsProviderKind::Http;
        c.notify.sms.url = Some(sink.url.clone());
    })
    .await;
    let id = queue(&app, sms("rolled back"), false).await;
    let committed = queue(&app, sms("committed"), true).await;
    wait_status(&app, committed, "sent").await;
    assert!(status(&app, id).await.is_none());
    let requests = sink.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].body.contains("committed"));
}

#[tokio::test]
async fn the_outbox_provider_keeps_messages_for_cloudseal_outbox_list() {
    let app = spawn().await;
    let id = queue(&app, sms("Your code 424242"), true).await;
    let row = wait_status(&app, id, "sent").await;
    assert_eq!(row.provider.as_deref(), Some("outbox"));
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.toml");
    std::fs::write(&config, crate::support::config_toml(&app.db_name)).unwrap();
    let out = crate::support::cli([
        "--config",
        config.to_str().unwrap(),
        "outbox",
        "list",
        "--to",
        "+491701234567",
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(listing.contains("Your code 424242"), "{listing}");
    assert!(listing.contains("sms"));
}

#[tokio::test]
async fn the_http_gateway_gets_the_rendered_template_and_transient_failures_are_retried() {
    let sink = http_sink::start(vec![503, 429]).await;
    let app = spawn_with(|c| {
        c.notify.sms.provider = SmsProviderKind::Http;
        c.notify.sms.url = Some(sink.url.clone());
        c.notify.sms.auth_header = Some(Secret::new("Bearer gw-token-1"));
        c.notify.sms.body_template =
            Some(r#"{"phone":"{{to}}","message":"{{text}}","sender":"{{from}}"}"#.into());
        c.notify.sms.from = Some("CloudSeal".into());
    })
    .await;
    let text = "Код: 123 \"quoted\"\nline two";
    let id = queue(&app, sms(text), true).await;
    let row = wait_status(&app, id, "sent").await;
    assert_eq!(row.attempts, 3);
    let requests = sink.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 3);
    let body: serde_json::Value =
        serde_json::from_str(&requests[2].body).expect("valid JSON after escaping");
    assert_eq!(body["message"], text);
    assert_eq!(body["phone"], "+491701234567");
    assert_eq!(body["sender"], "CloudSeal");
    assert_eq!(
        requests[2].header("authorization").as_deref(),
        Some("Bearer gw-token-1")
    );
    let client = app.db.client().await.unwrap();
    let attempts = outbox::attempts(&**client, id).await.unwrap();
    let outcomes: Vec<&str> = attempts.iter().map(|a| a.2.as_str()).collect();
    assert_eq!(outcomes, ["transient", "transient", "sent"]);
}

#[tokio::test]
async fn a_permanent_refusal_is_not_retried() {
    let sink = http_sink::start(vec![400]).await;
    let app = spawn_with(|c| {
        c.notify.sms.provider = SmsProviderKind::Http;
        c.notify.sms.url = Some(sink.url.clone());
    })
    .await;
    let id = queue(&app, sms("x"), true).await;
    let row = wait_status(&app, id, "failed").await;
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.unwrap().contains("HTTP 400"));
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(sink.requests.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn retries_stop_after_max_attempts() {
    let sink = http_sink::start(vec![500; 10]).await;
    let app = spawn_with(|c| {
        c.notify.sms.provider = SmsProviderKind::Http;
        c.notify.sms.url = Some(sink.url.clone());
        c.notify.max_attempts = 3;
    })
    .await;
    let id = queue(&app, sms("x"), true).await;
    let row = wait_status(&app, id, "failed").await;
    assert_eq!(row.attempts, 3);
    assert_eq!(sink.requests.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn email_is_delivered_over_smtp() {
    let server = smtp::start().await;
    let app = spawn_with(|c| {
        c.notify.email.provider = EmailProviderKind::Smtp;
        c.notify.email.host = Some("127.0.0.1".into());
        c.notify.email.port = Some(server.port);
        c.notify.email.tls = SmtpTls::None;
        c.notify.email.from = "cloudseal <no-reply@cloudseal.test>".into();
    })
    .await;
    let id = queue(
        &app,
        Notification::Email {
            to: "anna@example.org".into(),
            subject: "Confirm your address".into(),
            body: "Open the link to confirm.".into(),
        },
        true,
    )
    .await;
    let row = wait_status(&app, id, "sent").await;
    assert_eq!(row.provider.as_deref(), Some("smtp"));
    let mail = server.received.lock().unwrap().clone();
    assert_eq!(mail.len(), 1);
    assert!(mail[0].to[0].contains("anna@example.org"));
    assert!(mail[0].from.contains("no-reply@cloudseal.test"));
    assert!(mail[0].data.contains("Subject: Confirm your address"));
    assert!(mail[0].data.contains("Open the link to confirm."));
}

#[tokio::test]
async fn an_smtp_relay_that_is_down_is_retried_until_it_is_back() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let app = spawn_with(|c| {
        c.notify.email.provider = EmailProviderKind::Smtp;
        c.notify.email.host = Some("127.0.0.1".into());
        c.notify.email.port = Some(port);
        c.notify.email.tls = SmtpTls::None;
    })
    .await;
    let id = queue(
        &app,
        Notification::Email {
            to: "bob@example.org".into(),
            subject: "s".into(),
            body: "b".into(),
        },
        true,
    )
    .await;
    let retried = eventually(10, || async {
        status(&app, id)
            .await
            .is_some_and(|n| n.attempts >= 2 && n.status == "pending")
    })
    .await;
    assert!(retried, "{:?}", status(&app, id).await);
    // Bring a relay up on that port: the next retry delivers.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let server = smtp::serve(listener).await;
    wait_status(&app, id, "sent").await;
    assert_eq!(server.received.lock().unwrap().len(), 1);
}
