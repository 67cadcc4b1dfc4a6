//! The cabinet in a real browser: `tests/e2e/cabinet.mjs` (playwright-core driving Debian's
//! chromium) against a server of this suite, with the SMS codes it asks for read from the
//! outbox. `make test` installs chromium and the e2e packages; without them this test fails
//! and says what is missing.

use crate::support::accounts::{PASSWORD, last_code};
use crate::support::registration::{PIN, first_serial, holder};
use crate::support::spawn;
use std::path::Path;
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const CHROMIUM: &str = "/usr/bin/chromium";

#[tokio::test]
async fn the_cabinet_in_a_real_browser_keyboard_only_on_a_phone_in_both_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let e2e = root.join("tests/e2e");
    assert!(
        e2e.join("node_modules/playwright-core").is_dir(),
        "run `make test` (or `npm ci --prefix tests/e2e`) to install playwright-core"
    );
    let chromium = std::env::var("CLOUDSEAL_TEST_CHROMIUM").unwrap_or_else(|_| CHROMIUM.into());
    assert!(
        Path::new(&chromium).exists(),
        "no browser at {chromium}: `make test` installs Debian's chromium"
    );
    let app = spawn().await;
    let (sub, _) = holder(&app, "Lisbon").await;
    let serial = first_serial(&app, &sub).await;
    let shots = root.join("target/e2e-screenshots");

    let mut node = tokio::process::Command::new("node")
        .arg(e2e.join("cabinet.mjs"))
        .current_dir(&e2e)
        .env("CABINET_URL", &app.address)
        .env("LOGIN", &sub.person.email)
        .env("PASSWORD", PASSWORD)
        .env("PHONE", &sub.person.phone)
        .env("SERIAL", &serial)
        .env("PIN", PIN)
        .env("CHROMIUM", &chromium)
        .env("SHOTS", &shots)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs (make test installs nodejs)");
    let mut stdin = node.stdin.take().unwrap();
    let mut lines = BufReader::new(node.stdout.take().unwrap()).lines();
    let mut said = Vec::new();
    let run = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(phone) = line.strip_prefix("code? ") {
                let code = last_code(&app, phone.trim()).await;
                stdin
                    .write_all(format!("{code}\n").as_bytes())
                    .await
                    .unwrap();
            }
            said.push(line);
        }
        node.wait_with_output().await.unwrap()
    };
    let out = tokio::time::timeout(std::time::Duration::from_secs(120), run)
        .await
        .expect("the browser run ends within two minutes");
    assert!(
        out.status.success(),
        "the browser run failed:\n{}\n{}",
        said.join("\n"),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(said.last().map(String::as_str), Some("ok"));
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
            shots.join(format!("{shot}.png")).is_file(),
            "{shot}.png saved"
        );
    }
}
