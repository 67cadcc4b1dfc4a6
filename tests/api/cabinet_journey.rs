//! A subscriber's whole journey in a real browser (`tests/e2e/journey.mjs`), once in each
//! language: register → apply → the operator identifies in a second browser → activation with
//! the marker from the SMS → sign → send to a contact → the recipient verifies and
//! acknowledges → the sender checks the delivery protocol. The server is checked afterwards
//! for what the pages claimed.

use crate::support::accounts::{PASSWORD, contact, read_as};
use crate::support::e2e::{run, shots};
use crate::support::registration::{PIN, desk, holder, officer};
use crate::support::spawn;
use std::time::Duration;

async fn journey(lang: &str) {
    let app = spawn().await;
    let point = desk(&app, "Lisbon").await;
    let op = officer(&app, point).await;
    let (recipient, _) = holder(&app, "Porto").await;
    let (email, phone) = contact();
    run(
        &app,
        "journey.mjs",
        &[
            ("LANG", lang.into()),
            ("EMAIL", email.clone()),
            ("PHONE", phone),
            ("POINT", point.to_string()),
            ("OPERATOR_LOGIN", op.person.email.clone()),
            ("OPERATOR_PHONE", op.person.phone.clone()),
            ("RECIPIENT_LOGIN", recipient.person.email.clone()),
            ("RECIPIENT_PHONE", recipient.person.phone.clone()),
            ("PASSWORD", PASSWORD.into()),
            ("PIN", PIN.into()),
        ],
        Duration::from_secs(180),
    )
    .await;

    let received = read_as(&app, "/api/v1/sendings?folder=received", &recipient.access).await;
    let got = received
        .as_array()
        .expect("the recipient's Received folder")
        .iter()
        .find(|s| s["subject"] == format!("Lease No. 12 ({lang})"))
        .expect("the sending arrived");
    assert_eq!(got["sender"], email.as_str(), "{got}");
    let view = read_as(
        &app,
        &format!("/api/v1/sendings/{}", got["id"].as_str().unwrap()),
        &recipient.access,
    )
    .await;
    let theirs = &view["recipients"][0];
    assert!(theirs["verified_at"].is_string(), "{view}");
    assert!(theirs["acknowledged_at"].is_string(), "{view}");
    assert!(
        theirs["receipt_signer"].is_string(),
        "a signed receipt: {view}"
    );
    let account = app
        .owner()
        .await
        .query_one("SELECT language FROM accounts WHERE email = $1", &[&email])
        .await
        .unwrap();
    assert_eq!(
        account.get::<_, String>(0),
        lang,
        "registered in the page's language"
    );
    for page in [
        "register",
        "cabinet",
        "apply",
        "application",
        "wizard",
        "identify",
        "activate",
        "certificate",
        "compose",
        "verified",
        "sending",
        "protocol",
    ] {
        assert!(
            shots().join(format!("journey-{page}-{lang}.png")).is_file(),
            "journey-{page}-{lang}.png saved"
        );
    }
}

#[tokio::test]
async fn a_subscribers_whole_journey_in_english() {
    journey("en").await;
}

#[tokio::test]
async fn a_subscribers_whole_journey_in_russian() {
    journey("ru").await;
}
