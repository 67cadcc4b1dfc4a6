//! Running a browser script of `tests/e2e/` (playwright-core driving Debian's chromium)
//! against a server of this suite, answering the questions the script asks on stdin from the
//! outbox (`common.mjs` says which). `make test` installs chromium and the e2e packages;
//! without them the test fails and says what is missing.

use crate::support::TestApp;
use crate::support::accounts::{last_code, last_link_token};
use crate::support::exchange::link;
use crate::support::registration::marker;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const CHROMIUM: &str = "/usr/bin/chromium";

/// Where the scripts save screenshots of the main pages, for review.
pub fn shots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screenshots")
}

/// The outbox's answer to one question of the script.
async fn answer(app: &TestApp, line: &str) -> Option<String> {
    let (kind, to) = line.split_once("? ")?;
    let to = to.trim();
    Some(match kind {
        "code" => last_code(app, to).await,
        "link" => last_link_token(app, to).await,
        "marker" => marker(app, to).await,
        "sending" => link(app, to).await,
        other => panic!("the script asked an unknown question: {other}"),
    })
}

/// Run `script` with `vars` (besides CABINET_URL, CHROMIUM and SHOTS) within `limit`; the run
/// must end with `ok` on its last line and exit 0.
pub async fn run(app: &TestApp, script: &str, vars: &[(&str, String)], limit: std::time::Duration) {
    let e2e = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e");
    assert!(
        e2e.join("node_modules/playwright-core").is_dir(),
        "run `make test` (or `npm ci --prefix tests/e2e`) to install playwright-core"
    );
    let chromium = std::env::var("CLOUDSEAL_TEST_CHROMIUM").unwrap_or_else(|_| CHROMIUM.into());
    assert!(
        Path::new(&chromium).exists(),
        "no browser at {chromium}: `make test` installs Debian's chromium"
    );
    let mut node = tokio::process::Command::new("node")
        .arg(e2e.join(script))
        .current_dir(&e2e)
        .env("CABINET_URL", &app.address)
        .env("CHROMIUM", &chromium)
        .env("SHOTS", shots())
        .envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs (make test installs nodejs)");
    let mut stdin = node.stdin.take().unwrap();
    let mut lines = BufReader::new(node.stdout.take().unwrap()).lines();
    let mut said = Vec::new();
    let talk = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(reply) = answer(app, &line).await {
                stdin
                    .write_all(format!("{reply}\n").as_bytes())
                    .await
                    .unwrap();
            }
            said.push(line);
        }
        node.wait_with_output().await.unwrap()
    };
    let out = tokio::time::timeout(limit, talk)
        .await
        .unwrap_or_else(|_| panic!("{script} ends within {limit:?}"));
    assert!(
        out.status.success(),
        "{script} failed:\n{}\n{}",
        said.join("\n"),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(said.last().map(String::as_str), Some("ok"));
}
