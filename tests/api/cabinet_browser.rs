//! The cabinet in a real browser: `tests/e2e/cabinet.mjs` against a server of this suite —
//! sign-in and signing by keyboard alone, on a phone-sized screen, and the language switch.

use crate::support::accounts::PASSWORD;
use crate::support::e2e::{run, shots};
use crate::support::registration::{PIN, first_serial, holder};
use crate::support::spawn;
use std::time::Duration;

#[tokio::test]
async fn the_cabinet_in_a_real_browser_keyboard_only_on_a_phone_in_both_languages() {
    let app = spawn().await;
    let (sub, _) = holder(&app, "Lisbon").await;
    let serial = first_serial(&app, &sub).await;
    run(
        &app,
        "cabinet.mjs",
        &[
            ("LOGIN", sub.person.email.clone()),
            ("PASSWORD", PASSWORD.into()),
            ("PHONE", sub.person.phone.clone()),
            ("SERIAL", serial),
            ("PIN", PIN.into()),
        ],
        Duration::from_secs(120),
    )
    .await;
    for shot in [
        "signin-en",
        "code-en",
        "cabinet-en",
        "cabinet-ru",
        "application-new-en",
        "documents-en",
        "sign-en",
        "document-en",
        "application-en",
        "application-ru",
        "signin-ru",
    ] {
        assert!(
            shots().join(format!("{shot}.png")).is_file(),
            "{shot}.png saved"
        );
    }
}
