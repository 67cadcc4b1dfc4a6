//! Seal holders and folder agents for the agent's tests: an active organisation seal, a
//! machine credential for it, and an agent configuration under a temporary folder.

use super::TestApp;
use super::accounts::{Session, last_code, post_as};
use super::exchange::ok;
use super::registration::{PIN, desk, employee, file, identify_and_activate, officer};
use serde_json::{Value, json};
use std::path::PathBuf;

/// A subscriber holding an active organisation seal: (session, seal credential id).
pub async fn seal_holder(app: &TestApp, city: &str) -> (Session, String) {
    let point = desk(app, city).await;
    let op = officer(app, point).await;
    let sub = super::accounts::subscriber(app).await;
    let seal = file(app, &sub, "seal-cloud", point, employee()).await;
    let seal = identify_and_activate(app, &sub, &op, seal["id"].as_str().unwrap()).await;
    (sub, seal["id"].as_str().unwrap().to_owned())
}

/// Confirm with the SMS code and issue a machine credential for `credential`; the response.
pub async fn issue(
    app: &TestApp,
    sub: &Session,
    credential: &str,
    name: &str,
) -> reqwest::Response {
    let r = post_as(
        app,
        "/api/v1/me/agents/confirmation",
        &sub.access,
        json!({"credential": credential}),
    )
    .await;
    let c = ok(r, 201).await;
    let code = last_code(app, &sub.person.phone).await;
    post_as(
        app,
        "/api/v1/me/agents",
        &sub.access,
        json!({"credential": credential, "name": name,
               "confirmation": c["confirmation"], "code": code}),
    )
    .await
}

/// A folder agent's set-up: its holder, seal, credential and folders.
pub struct Agent {
    /// Keeps the folders while the test runs.
    pub dir: tempfile::TempDir,
    /// The agent's TOML.
    pub config: PathBuf,
    /// Its outbox.
    pub outbox: PathBuf,
    /// Its inbox.
    pub inbox: PathBuf,
    /// The seal's holder.
    pub holder: Session,
    /// The seal.
    pub seal: String,
    /// The machine credential as issued.
    pub issued: Value,
}

/// A seal holder in `city` with a folder agent talking to `server`; `extra` TOML lines are
/// appended to the config.
pub async fn agent(app: &TestApp, city: &str, server: &str, extra: &str) -> Agent {
    let (holder, seal) = seal_holder(app, city).await;
    let issued = ok(issue(app, &holder, &seal, city).await, 201).await;
    let dir = tempfile::tempdir().unwrap();
    let (outbox, inbox) = (dir.path().join("outbox"), dir.path().join("inbox"));
    std::fs::create_dir_all(&outbox).unwrap();
    std::fs::create_dir_all(&inbox).unwrap();
    let secret = dir.path().join("secret");
    let pin = dir.path().join("pin");
    std::fs::write(&secret, issued["client_secret"].as_str().unwrap()).unwrap();
    std::fs::write(&pin, format!("{PIN}\n")).unwrap();
    let config = dir.path().join("agent.toml");
    std::fs::write(
        &config,
        format!(
            "server = {server:?}\nclient_id = {:?}\nclient_secret_file = {secret:?}\n\
             pin_file = {pin:?}\noutbox = {outbox:?}\ninbox = {inbox:?}\n{extra}\n",
            issued["client_id"].as_str().unwrap(),
        ),
    )
    .unwrap();
    Agent {
        dir,
        config,
        outbox,
        inbox,
        holder,
        seal,
        issued,
    }
}

impl Agent {
    /// A second agent on the same machine credential (and so the same seal and PIN) with
    /// folders of its own, as on a second machine.
    pub fn twin(&self) -> Agent {
        let dir = tempfile::tempdir().unwrap();
        let (outbox, inbox) = (dir.path().join("outbox"), dir.path().join("inbox"));
        std::fs::create_dir_all(&outbox).unwrap();
        std::fs::create_dir_all(&inbox).unwrap();
        let text = std::fs::read_to_string(&self.config).unwrap();
        let text = text
            .replace(
                &format!("outbox = {:?}", self.outbox),
                &format!("outbox = {outbox:?}"),
            )
            .replace(
                &format!("inbox = {:?}", self.inbox),
                &format!("inbox = {inbox:?}"),
            );
        let config = dir.path().join("agent.toml");
        std::fs::write(&config, text).unwrap();
        Agent {
            dir,
            config,
            outbox,
            inbox,
            holder: self.holder.clone(),
            seal: self.seal.clone(),
            issued: self.issued.clone(),
        }
    }

    /// Run `cloudseal --config <agent.toml> agent <args…>` to its end.
    pub async fn cli(&self, args: &[&str]) -> std::process::Output {
        let mut all = vec!["--config", self.config.to_str().unwrap(), "agent"];
        all.extend_from_slice(args);
        super::cli(all).await
    }

    /// `agent send FILE --to EMAIL`, to its end.
    pub async fn send(&self, file: &std::path::Path, to: &str) -> std::process::Output {
        self.cli(&["send", file.to_str().unwrap(), "--to", to])
            .await
    }

    /// Start `agent run` in the background (killed when dropped).
    pub fn start(&self) -> tokio::process::Child {
        tokio::process::Command::new(super::binary())
            .args(["--config", self.config.to_str().unwrap(), "agent", "run"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap()
    }
}
