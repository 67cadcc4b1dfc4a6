//! The inbox: each unread sending is downloaded into a staging folder, its files checked
//! against the hashes the sending declares, its signatures verified by the service, and the
//! sealed delivery protocol and per-file verification protocols saved beside them; then the
//! folder moves to `inbox/<sending>/`, or to `inbox/quarantine/<sending>/` with the report when
//! anything does not hold. Only then is the sending marked read (and, if configured,
//! acknowledged with the seal), so an agent stopped half-way fetches it again.

use super::AgentError;
use super::api::Api;
use super::config::AgentConfig;
use super::envelopes::{self, Opened};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// Where sendings that do not verify go.
pub const QUARANTINE: &str = "quarantine";
const STAGING: &str = ".cloudseal";

/// The report written beside the files.
const REPORT: &str = "report.json";
/// The service's sealed delivery protocol.
const DELIVERY_PROTOCOL: &str = "delivery-protocol.pdf";

/// What the agent writes beside a received file called `name`; for an envelope
/// (`x.p7m`), also what its decrypted file `x` brings.
fn companions(name: &str) -> Vec<String> {
    let mut out = Vec::with_capacity(6);
    for n in std::iter::once(name).chain(opened_name(name)) {
        out.extend([
            n.to_owned(),
            format!("{n}.p7s"),
            format!("{n}.verification.pdf"),
        ]);
    }
    out
}

/// The name a received envelope's content is filed under: its name without `.p7m`.
fn opened_name(name: &str) -> Option<&str> {
    name.strip_suffix(".p7m").filter(|s| !s.is_empty())
}

/// `name`, or `<position>-name` when it or a file written beside it would take a name already
/// used in the sending's folder (a sender cannot overwrite the report or another file's
/// signature by naming a file so).
fn unused_name(taken: &mut HashSet<String>, name: &str, position: i64) -> String {
    let mut chosen = name.to_owned();
    let mut n = 0;
    while companions(&chosen).iter().any(|c| taken.contains(c)) {
        n += 1;
        chosen = if n == 1 {
            format!("{position}-{name}")
        } else {
            format!("{position}-{n}-{name}")
        };
    }
    taken.extend(companions(&chosen));
    chosen
}

/// What became of one sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filed {
    /// Verified and filed here.
    Inbox(PathBuf),
    /// Did not verify: filed here with `report.json`.
    Quarantine(PathBuf),
}

/// A file name a sender chose, made safe to create inside our folder: no directories, no
/// leading dots, no control characters; `file-<n>` when nothing is left.
pub fn safe_name(raw: &str, position: i64) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .map(|c| if c.is_control() { '_' } else { c })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').to_owned();
    if trimmed.is_empty() || trimmed.len() > 200 {
        format!("file-{position}")
    } else {
        trimmed
    }
}

/// What checks a sending.
pub struct Receiver<'a> {
    /// The server.
    pub api: &'a Api,
    /// The seal that acknowledges.
    pub seal: Uuid,
    /// Its PIN.
    pub pin: &'a str,
    /// The config.
    pub cfg: &'a AgentConfig,
}

impl Receiver<'_> {
    /// One pass over the unread sendings, oldest first. A sending the server refuses
    /// something for does not hold up the others; trouble reaching the server ends the pass
    /// (the next one tries again).
    pub async fn round(&self) -> Result<Vec<(Uuid, Result<Filed, AgentError>)>, AgentError> {
        let mut out = Vec::new();
        for id in self.api.unread().await? {
            let filed = self.take(id).await;
            let stop = matches!(filed, Err(AgentError::Transient(_)));
            out.push((id, filed));
            if stop {
                break;
            }
        }
        Ok(out)
    }

    async fn take(&self, id: Uuid) -> Result<Filed, AgentError> {
        let inbox = &self.cfg.inbox;
        let (good, bad) = (
            inbox.join(id.to_string()),
            inbox.join(QUARANTINE).join(id.to_string()),
        );
        let filed = if good.exists() {
            Filed::Inbox(good)
        } else if bad.exists() {
            Filed::Quarantine(bad)
        } else {
            self.fetch(id, &good, &bad).await?
        };
        self.api
            .put(
                &format!("/api/v1/sendings/{id}/read"),
                json!({"read": true}),
            )
            .await?;
        if self.cfg.acknowledge && matches!(filed, Filed::Inbox(_)) {
            self.acknowledge(id).await?;
        }
        Ok(filed)
    }

    async fn fetch(&self, id: Uuid, good: &Path, bad: &Path) -> Result<Filed, AgentError> {
        let staging = self.cfg.inbox.join(STAGING).join(id.to_string());
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(AgentError::Io)?;
        }
        std::fs::create_dir_all(&staging).map_err(AgentError::Io)?;
        let view = self.api.get(&format!("/api/v1/sendings/{id}")).await?;
        let mut problems: Vec<String> = Vec::new();
        let mut files = Vec::new();
        let mut taken: HashSet<String> = [REPORT, DELIVERY_PROTOCOL]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        for f in view["files"].as_array().into_iter().flatten() {
            let position = f["position"].as_i64().unwrap_or_default();
            let name = unused_name(
                &mut taken,
                &safe_name(f["name"].as_str().unwrap_or_default(), position),
                position,
            );
            let got = self
                .api
                .download(
                    &format!("/api/v1/sendings/{id}/files/{position}"),
                    &staging.join(&name),
                )
                .await?;
            let declared = f["sha256"].as_str().unwrap_or_default();
            if hex::encode(got) != declared {
                problems.push(format!(
                    "{name}: its content does not match the hash the sending declares"
                ));
            }
            let p7s = self
                .api
                .bytes(&format!("/api/v1/sendings/{id}/files/{position}/signature"))
                .await?;
            if f["signature_sha256"].as_str() != Some(&hex::encode(Sha256::digest(&p7s))) {
                problems.push(format!("{name}: its signature is not the one sent"));
            }
            std::fs::write(staging.join(format!("{name}.p7s")), &p7s).map_err(AgentError::Io)?;
            files.push(
                json!({"position": position, "name": name, "sha256": hex::encode(got),
                              "declared_sha256": declared, "signer": f["signer"]}),
            );
        }
        let verified = self
            .api
            .post(&format!("/api/v1/sendings/{id}/verify"), json!({}))
            .await?;
        for check in verified["files"].as_array().into_iter().flatten() {
            let position = check["position"].as_i64().unwrap_or_default();
            let name = files
                .iter()
                .find(|f| f["position"] == position)
                .and_then(|f| f["name"].as_str())
                .unwrap_or("file")
                .to_owned();
            if check["verdict"] != "passed" {
                problems.push(format!(
                    "{name}: the signature's verdict is {}",
                    check["verdict"].as_str().unwrap_or("unknown")
                ));
            }
            if let Some(protocol) = check["protocol_id"].as_str() {
                let pdf = self
                    .api
                    .bytes(&format!("/api/v1/protocols/{protocol}?format=pdf"))
                    .await?;
                std::fs::write(staging.join(format!("{name}.verification.pdf")), pdf)
                    .map_err(AgentError::Io)?;
            }
        }
        if problems.is_empty() {
            for f in &mut files {
                self.open_envelope(&staging, f, &mut problems).await?;
            }
        }
        let delivery = self
            .api
            .bytes(&format!("/api/v1/sendings/{id}/protocol?format=pdf"))
            .await?;
        std::fs::write(staging.join(DELIVERY_PROTOCOL), delivery).map_err(AgentError::Io)?;
        let report = json!({
            "sending": id,
            "subject": view["subject"],
            "sender": view["sender"],
            "sent_at": view["sent_at"],
            "files": files,
            "verification": verified,
            "problems": problems,
            "verdict": if problems.is_empty() { "passed" } else { "failed" },
        });
        std::fs::write(
            staging.join(REPORT),
            serde_json::to_vec_pretty(&report).map_err(|e| AgentError::Local(e.to_string()))?,
        )
        .map_err(AgentError::Io)?;
        let (target, filed) = if problems.is_empty() {
            (good, Filed::Inbox(good.to_path_buf()))
        } else {
            (bad, Filed::Quarantine(bad.to_path_buf()))
        };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(AgentError::Io)?;
        }
        std::fs::rename(&staging, target).map_err(AgentError::Io)?;
        Ok(filed)
    }

    /// Decrypt a received envelope (`x.p7m`) into `x`: its entry for this agent's
    /// certificate goes to the vault for the content key, the content is decrypted here, and
    /// the signature inside is verified by the service from the file's hash alone and must be
    /// the sender's. What does not hold is a problem of the sending (to quarantine).
    async fn open_envelope(
        &self,
        staging: &Path,
        f: &mut Value,
        problems: &mut Vec<String>,
    ) -> Result<(), AgentError> {
        let name = f["name"].as_str().unwrap_or_default().to_owned();
        let Some(stem) = opened_name(&name).map(str::to_owned) else {
            return Ok(());
        };
        let path = staging.join(&name);
        let probe = path.clone();
        let Some(head) = blocking(move || Ok(envelopes::head_of(&probe))).await? else {
            return Ok(());
        };
        let own = envelopes::certificates(&[self
            .api
            .own_encryption_certificate(self.seal, self.pin)
            .await?])?;
        let entry = match envelopes::entry_for(&head, &own[0]) {
            Ok(e) => e,
            Err(why) => {
                problems.push(format!("{name}: cannot be decrypted: {why}"));
                return Ok(());
            }
        };
        let key = match self.api.content_key(self.seal, self.pin, &entry).await {
            Err(AgentError::Refused { detail, .. }) => {
                problems.push(format!("{name}: the vault did not open it: {detail}"));
                return Ok(());
            }
            other => other?,
        };
        let out = staging.join(&stem);
        let target = out.clone();
        let opened = blocking(move || envelopes::open_file(&path, &key, &target)).await?;
        let split = match opened {
            Opened::Damaged(why) => {
                let _ = std::fs::remove_file(&out);
                problems.push(format!("{name}: {why}"));
                return Ok(());
            }
            Opened::Plain { sha256, len } => {
                problems.push(format!("{name}: the envelope holds no signature"));
                f["decrypted"] = json!({"name": stem, "sha256": hex::encode(sha256), "size": len});
                return Ok(());
            }
            Opened::Signed(split) => split,
        };
        std::fs::write(staging.join(format!("{stem}.p7s")), &split.signature)
            .map_err(AgentError::Io)?;
        let protocol = self
            .api
            .verify_by_hash(&split.signature, &split.sha256, split.len)
            .await?;
        let verdict = protocol["report"]["verdict"].as_str().unwrap_or("unknown");
        if verdict != "passed" {
            problems.push(format!("{stem}: the signature inside is {verdict}"));
        }
        let inner_signer = &protocol["report"]["signers"][0]["subject"];
        if *inner_signer != f["signer"] {
            problems.push(format!(
                "{stem}: signed inside by {inner_signer}, but the envelope was sealed by {}",
                f["signer"]
            ));
        }
        if let Some(id) = protocol["id"].as_str() {
            let pdf = self
                .api
                .bytes(&format!("/api/v1/protocols/{id}?format=pdf"))
                .await?;
            std::fs::write(staging.join(format!("{stem}.verification.pdf")), pdf)
                .map_err(AgentError::Io)?;
        }
        f["decrypted"] = json!({"name": stem, "sha256": hex::encode(split.sha256),
                                "size": split.len, "signer": inner_signer,
                                "verdict": verdict, "protocol_id": protocol["id"]});
        Ok(())
    }

    async fn acknowledge(&self, id: Uuid) -> Result<(), AgentError> {
        let receipt: Value = self
            .api
            .get(&format!("/api/v1/sendings/{id}/receipt"))
            .await?;
        if !receipt["acknowledged_at"].is_null() {
            return Ok(());
        }
        let hash = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            receipt["hash"].as_str().unwrap_or_default(),
        )
        .ok()
        .and_then(|h| <[u8; 32]>::try_from(h).ok())
        .ok_or_else(|| AgentError::Transient("the receipt has no SHA-256".into()))?;
        let sad = self
            .api
            .authorise(self.seal, self.pin, &[], &[hash])
            .await?;
        let answered = self
            .api
            .post(
                &format!("/api/v1/sendings/{id}/acknowledge"),
                json!({"credential": self.seal, "sad": sad.as_str()}),
            )
            .await;
        match answered {
            Ok(_) => Ok(()),
            Err(AgentError::Refused { status: 409, .. }) if self.acknowledged(id).await? => {
                // Another agent or a web session with the same credential acknowledged it
                // between our look and our answer: the receipt is signed, which is the point.
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Whether the sending's receipt is signed already.
    async fn acknowledged(&self, id: Uuid) -> Result<bool, AgentError> {
        let receipt: Value = self
            .api
            .get(&format!("/api/v1/sendings/{id}/receipt"))
            .await?;
        Ok(!receipt["acknowledged_at"].is_null())
    }
}

/// Run file work on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AgentError> + Send + 'static,
) -> Result<T, AgentError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AgentError::Local(e.to_string()))?
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_senders_name_cannot_leave_the_folder() {
        assert_eq!(safe_name("../../etc/passwd", 0), "passwd");
        assert_eq!(safe_name("..\\..\\boot.ini", 1), "boot.ini");
        assert_eq!(safe_name(".bashrc", 2), "bashrc");
        assert_eq!(safe_name("a\nb.pdf", 3), "a_b.pdf");
        assert_eq!(safe_name("..", 4), "file-4");
        assert_eq!(safe_name("счёт.pdf", 5), "счёт.pdf");
    }

    #[test]
    fn a_senders_name_cannot_overwrite_what_the_agent_writes() {
        let mut taken: HashSet<String> = [REPORT, DELIVERY_PROTOCOL]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        assert_eq!(unused_name(&mut taken, "a", 0), "a");
        assert_eq!(unused_name(&mut taken, "a.p7s", 1), "1-a.p7s");
        assert_eq!(unused_name(&mut taken, "report.json", 2), "2-report.json");
        assert_eq!(unused_name(&mut taken, "a", 3), "3-a");
        assert_eq!(unused_name(&mut taken, "3-a", 4), "4-3-a");
    }
}
