//! The outbox: which files are complete, and taking one through upload, the seal, the sending
//! and into `sent/` (or `failed/`). Each step's result is written to a journal entry named by
//! the file's idempotency key before the next step, so an agent killed at any point resumes
//! where it stopped; the sending itself carries the key, so the server answers a repeated
//! request with the sending already made instead of a second one.

use super::AgentError;
use super::api::Api;
use super::config::{AgentConfig, SignatureFormat, SignatureLevel};
use super::progress::Progress;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};
use uuid::Uuid;

/// How many files are between upload and `sent/` according to the journal.
pub fn in_flight(cfg: &AgentConfig) -> usize {
    std::fs::read_dir(cfg.outbox.join(STATE))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                .filter_map(|e| std::fs::read(e.path()).ok())
                .filter_map(|b| serde_json::from_slice::<Journal>(&b).ok())
                .filter(|j| j.filed_at.is_none())
                .count()
        })
        .unwrap_or(0)
}

/// Folder names inside the outbox that are not recipients.
pub const SENT: &str = "sent";
/// Where refused files go.
pub const FAILED: &str = "failed";
/// The agent's own state (journal).
pub const STATE: &str = ".cloudseal";

/// Endings of names that are still being written or are not documents.
const TEMPORARY: &[&str] = &[
    ".tmp",
    ".part",
    ".partial",
    ".crdownload",
    ".swp",
    "~",
    ".ready",
];

/// A file in the outbox and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The file.
    pub path: PathBuf,
    /// Its name relative to the outbox (`partner@example.org/invoice.pdf`).
    pub relative: String,
    /// Its file name.
    pub name: String,
    /// Who receives it.
    pub recipients: Vec<String>,
}

/// Whether a name is never sent: hidden, temporary, or a marker.
pub fn ignored(name: &str) -> bool {
    name.starts_with('.') || TEMPORARY.iter().any(|t| name.ends_with(t))
}

/// The `.ready` marker of `path`.
pub fn marker(path: &Path) -> PathBuf {
    let mut m = path.as_os_str().to_owned();
    m.push(".ready");
    PathBuf::from(m)
}

/// Every file of the outbox that may be sent once complete: files at the top go to the
/// configured recipients, files in a sub-folder named as an e-mail address to that address.
pub fn candidates(cfg: &AgentConfig) -> Result<Vec<Candidate>, AgentError> {
    let mut out = Vec::new();
    let mut push = |dir: &Path, prefix: &str, recipients: &[String]| -> Result<(), AgentError> {
        for entry in std::fs::read_dir(dir).map_err(AgentError::Io)? {
            let entry = entry.map_err(AgentError::Io)?;
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if ignored(&name) || !entry.file_type().map_err(AgentError::Io)?.is_file() {
                continue;
            }
            out.push(Candidate {
                path: entry.path(),
                relative: format!("{prefix}{name}"),
                name,
                recipients: recipients.to_vec(),
            });
        }
        Ok(())
    };
    push(&cfg.outbox, "", &cfg.recipients)?;
    for entry in std::fs::read_dir(&cfg.outbox).map_err(AgentError::Io)? {
        let entry = entry.map_err(AgentError::Io)?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if name.contains('@')
            && !ignored(&name)
            && entry.file_type().map_err(AgentError::Io)?.is_dir()
        {
            push(
                &entry.path(),
                &format!("{name}/"),
                std::slice::from_ref(&name),
            )?;
        }
    }
    out.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok(out)
}

/// What the scanner saw of a file last time.
#[derive(Debug, Clone, Copy)]
struct Seen {
    size: u64,
    modified: SystemTime,
    since: Instant,
}

/// Tells complete files from files still being written: a `.ready` marker, or size and
/// modification time unchanged for the settle time across scans.
#[derive(Debug, Default)]
pub struct Readiness {
    seen: HashMap<PathBuf, Seen>,
}

impl Readiness {
    /// Whether `c` is complete now.
    pub fn ready(&mut self, c: &Candidate, settle: Duration) -> bool {
        if marker(&c.path).exists() {
            return true;
        }
        let Ok(meta) = std::fs::metadata(&c.path) else {
            self.seen.remove(&c.path);
            return false;
        };
        let now = Seen {
            size: meta.len(),
            modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            since: Instant::now(),
        };
        match self.seen.get(&c.path) {
            Some(s) if s.size == now.size && s.modified == now.modified => {
                s.since.elapsed() >= settle
            }
            _ => {
                self.seen.insert(c.path.clone(), now);
                false
            }
        }
    }

    /// Forget a file that went.
    pub fn forget(&mut self, path: &Path) {
        self.seen.remove(path);
    }
}

/// The journal entry of one file in flight.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Journal {
    /// The file, relative to the outbox (or its absolute path when sent by hand).
    pub file: String,
    /// Its SHA-256, hex.
    pub sha256: String,
    /// With `encrypt`: the seal's signature over the file's own hash, which goes inside the
    /// envelope.
    #[serde(default)]
    pub inner_signature: Option<Uuid>,
    /// With `encrypt`: SHA-256 of the envelope built beside the journal.
    #[serde(default)]
    pub envelope_sha256: Option<String>,
    /// Uploaded as (the envelope, with `encrypt`).
    pub document: Option<Uuid>,
    /// Sealed as.
    pub signature: Option<Uuid>,
    /// Sent as.
    pub sending: Option<Uuid>,
    /// When the server recorded the sending.
    #[serde(default)]
    pub sent_at: Option<String>,
    /// When the file was filed in `sent/`: the entry stays, so the same file dropped again
    /// is filed as the sending already made instead of being sent twice.
    #[serde(default)]
    pub filed_at: Option<String>,
}

/// The idempotency key of a file: from its name and content, so a restart (or the same file
/// dropped again) never makes a second sending, while a changed file makes a new one.
pub fn idempotency_key(relative: &str, sha256_hex: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"cloudseal-agent/1\n");
    h.update(relative.as_bytes());
    h.update(b"\n");
    h.update(sha256_hex.as_bytes());
    format!("agent-{}", hex::encode(h.finalize()))
}

/// SHA-256 and size of a file, read in chunks.
pub fn digest_file(path: &Path) -> Result<(String, u64), AgentError> {
    let mut f = std::fs::File::open(path).map_err(AgentError::Io)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(AgentError::Io)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok((hex::encode(h.finalize()), size))
}

fn journal_path(state: &Path, key: &str) -> PathBuf {
    state.join(format!("{key}.json"))
}

fn save(state: &Path, key: &str, j: &Journal) -> Result<(), AgentError> {
    std::fs::create_dir_all(state).map_err(AgentError::Io)?;
    let tmp = state.join(format!("{key}.json.tmp"));
    let text = serde_json::to_vec_pretty(j).map_err(|e| AgentError::Local(e.to_string()))?;
    std::fs::write(&tmp, text).map_err(AgentError::Io)?;
    std::fs::rename(&tmp, journal_path(state, key)).map_err(AgentError::Io)
}

fn load(state: &Path, key: &str) -> Option<Journal> {
    let text = std::fs::read(journal_path(state, key)).ok()?;
    serde_json::from_slice(&text).ok()
}

/// A file delivered: what the receipt says.
#[derive(Debug, Clone, Serialize)]
pub struct Delivered {
    /// The sending.
    pub sending: Uuid,
    /// Its idempotency key.
    pub idempotency_key: String,
    /// The file's name.
    pub file: String,
    /// Its SHA-256, hex.
    pub sha256: String,
    /// Its size.
    pub size: u64,
    /// The stored document.
    pub document: Uuid,
    /// The seal's signature.
    pub signature: Uuid,
    /// SHA-256 of the signature file written beside the file, hex (with `encrypt`: the
    /// signature over the file itself, which travelled inside the envelope).
    pub signature_sha256: String,
    /// With `encrypt`: that inner signature, and the envelope the server holds instead of
    /// the file (the `signature` above seals the envelope).
    pub inner_signature: Option<Uuid>,
    /// With `encrypt`: SHA-256 of the envelope sent, hex.
    pub envelope_sha256: Option<String>,
    /// Recipients.
    pub recipients: Vec<String>,
    /// When the server recorded the sending.
    pub sent_at: Option<String>,
    /// When the agent finished with it.
    pub filed_at: String,
    /// The signature file (written beside the file, not into the receipt).
    #[serde(skip)]
    pub p7s: Vec<u8>,
}

/// What signs and sends: the API, the seal, its PIN and how to sign.
pub struct Sender<'a> {
    /// The server.
    pub api: &'a Api,
    /// The seal.
    pub seal: Uuid,
    /// Its PIN.
    pub pin: &'a str,
    /// The config.
    pub cfg: &'a AgentConfig,
}

impl Sender<'_> {
    fn state(&self) -> PathBuf {
        self.cfg.outbox.join(STATE)
    }

    /// Take one complete file through upload, seal and sending, journalled step by step.
    pub async fn deliver(&self, c: &Candidate) -> Result<Delivered, AgentError> {
        if c.recipients.is_empty() {
            return Err(AgentError::Refused {
                status: 400,
                detail: "no recipients: put the file in a folder named as an e-mail address, \
                         or set `recipients`"
                    .into(),
            });
        }
        let path = c.path.clone();
        let (sha256, size) = tokio::task::spawn_blocking(move || digest_file(&path))
            .await
            .map_err(|e| AgentError::Local(e.to_string()))??;
        let key = idempotency_key(&c.relative, &sha256);
        let result = self.steps(c, sha256, size, &key).await;
        if matches!(result, Err(AgentError::Refused { .. })) {
            // The file goes to failed/: its journal would otherwise count it as in flight.
            let _ = std::fs::remove_file(journal_path(&self.state(), &key));
        }
        result
    }

    async fn steps(
        &self,
        c: &Candidate,
        sha256: String,
        size: u64,
        key: &str,
    ) -> Result<Delivered, AgentError> {
        let (state, key) = (self.state(), key.to_owned());
        let mut j = load(&state, &key).unwrap_or_else(|| Journal {
            file: c.relative.clone(),
            sha256: sha256.clone(),
            ..Journal::default()
        });
        let inner_signature = match (self.cfg.encrypt, j.inner_signature) {
            (false, _) => None,
            (true, Some(s)) => Some(s),
            (true, None) => {
                let hash = hash_bytes(&sha256)?;
                let sad = self
                    .api
                    .authorise(self.seal, self.pin, &[], &[hash])
                    .await?;
                let s = self
                    .api
                    .sign_hash(self.seal, &sad, &hash, level(self.cfg))
                    .await?;
                j.inner_signature = Some(s);
                save(&state, &key, &j)?;
                Some(s)
            }
        };
        let document = match j.document {
            Some(d) => d,
            None => {
                let (path, name, expected) = match inner_signature {
                    None => (c.path.clone(), c.name.clone(), sha256.clone()),
                    Some(inner) => {
                        let envelope = state.join(format!("{key}.p7m"));
                        let hash = match &j.envelope_sha256 {
                            Some(h) if envelope.exists() => h.clone(),
                            _ => {
                                let h = self.envelope(c, size, inner, &envelope).await?;
                                j.envelope_sha256 = Some(h.clone());
                                save(&state, &key, &j)?;
                                h
                            }
                        };
                        (envelope, format!("{}.p7m", c.name), hash)
                    }
                };
                let bar = Progress::new(&name, std::fs::metadata(&path).map_or(size, |m| m.len()));
                let stored = self.api.upload(&path, &name, &bar).await;
                bar.finish();
                let stored = stored?;
                if stored.sha256 != expected {
                    return Err(AgentError::Transient(
                        "the file changed while it was uploaded; it is sent once it is still"
                            .into(),
                    ));
                }
                j.document = Some(stored.id);
                save(&state, &key, &j)?;
                stored.id
            }
        };
        let signature = match j.signature {
            Some(s) => s,
            None => {
                let sad = self
                    .api
                    .authorise(self.seal, self.pin, &[document], &[])
                    .await?;
                let format = match (self.cfg.format, self.cfg.encrypt) {
                    (SignatureFormat::Detached, _) | (_, true) => "cms",
                    (SignatureFormat::Attached, false) => "attached",
                };
                let s = self
                    .api
                    .sign(self.seal, &sad, document, format, level(self.cfg))
                    .await?;
                j.signature = Some(s);
                save(&state, &key, &j)?;
                s
            }
        };
        let sending = match j.sending {
            Some(s) => s,
            None => {
                let sent = self
                    .api
                    .send_sending(&key, &c.name, &c.recipients, document, signature)
                    .await?;
                let s = sent["id"]
                    .as_str()
                    .and_then(|s| Uuid::parse_str(s).ok())
                    .ok_or_else(|| AgentError::Transient("the sending answer has no id".into()))?;
                j.sending = Some(s);
                j.sent_at = sent["sent_at"].as_str().map(str::to_owned);
                save(&state, &key, &j)?;
                s
            }
        };
        let p7s = self.api.p7s(inner_signature.unwrap_or(signature)).await?;
        Ok(Delivered {
            sending,
            idempotency_key: key,
            file: c.relative.clone(),
            sha256,
            size,
            document,
            signature,
            signature_sha256: hex::encode(Sha256::digest(&p7s)),
            inner_signature,
            envelope_sha256: j.envelope_sha256.clone(),
            recipients: c.recipients.clone(),
            sent_at: j.sent_at.clone(),
            filed_at: chrono::Utc::now().to_rfc3339(),
            p7s,
        })
    }

    /// Build the envelope of `c` at `target`: the seal's signature `inner` attached to the
    /// file, encrypted to every recipient's current encryption certificate and the seal's
    /// own. A recipient without one refuses the file (to `failed/`).
    async fn envelope(
        &self,
        c: &Candidate,
        size: u64,
        inner: Uuid,
        target: &Path,
    ) -> Result<String, AgentError> {
        let mut ders = vec![
            self.api
                .own_encryption_certificate(self.seal, self.pin)
                .await?,
        ];
        for email in &c.recipients {
            let theirs = match self.api.encryption_certificates(email).await {
                Err(AgentError::Refused { status: 404, .. }) => {
                    return Err(AgentError::Refused {
                        status: 404,
                        detail: format!(
                            "{email} is not an accepted counterparty: files are encrypted only \
                             to counterparties"
                        ),
                    });
                }
                other => other?,
            };
            if theirs.is_empty() {
                return Err(AgentError::Refused {
                    status: 409,
                    detail: format!("{email} has no encryption certificate to encrypt to"),
                });
            }
            ders.extend(theirs);
        }
        let recipients = super::envelopes::certificates(&ders)?;
        let detached = self.api.p7s(inner).await?;
        let (plain, target) = (c.path.clone(), target.to_path_buf());
        tokio::task::spawn_blocking(move || {
            super::envelopes::seal_file(&plain, size, &detached, &recipients, &target)
        })
        .await
        .map_err(|e| AgentError::Local(e.to_string()))?
    }

    /// Record that the file of `key` was filed.
    pub fn done(&self, key: &str) -> Result<(), AgentError> {
        let state = self.state();
        let _ = std::fs::remove_file(state.join(format!("{key}.p7m")));
        let mut j = load(&state, key).unwrap_or_default();
        j.filed_at = Some(chrono::Utc::now().to_rfc3339());
        save(&state, key, &j)
    }
}

fn level(cfg: &AgentConfig) -> &'static str {
    match cfg.level {
        SignatureLevel::Bes => "bes",
        SignatureLevel::T => "t",
    }
}

fn hash_bytes(sha256_hex: &str) -> Result<[u8; 32], AgentError> {
    hex::decode(sha256_hex)
        .ok()
        .and_then(|h| <[u8; 32]>::try_from(h).ok())
        .ok_or_else(|| AgentError::Local("a journal entry with a damaged hash".into()))
}

/// A free name for `name` in `dir`: the name itself, else with a counter before the
/// extension.
pub fn free_name(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_owned(), format!(".{e}")),
        _ => (name.to_owned(), String::new()),
    };
    (2..)
        .map(|n| dir.join(format!("{stem}-{n}{ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Move a delivered file into `sent/` with its signature and receipt.
pub fn file_sent(cfg: &AgentConfig, c: &Candidate, d: &Delivered) -> Result<PathBuf, AgentError> {
    let dir = cfg.outbox.join(SENT);
    std::fs::create_dir_all(&dir).map_err(AgentError::Io)?;
    let target = free_name(&dir, &c.name);
    let base = target.as_os_str().to_owned();
    let with = |suffix: &str| {
        let mut p = base.clone();
        p.push(suffix);
        PathBuf::from(p)
    };
    std::fs::write(with(".p7s"), &d.p7s).map_err(AgentError::Io)?;
    let receipt = serde_json::to_vec_pretty(d).map_err(|e| AgentError::Local(e.to_string()))?;
    std::fs::write(with(".receipt.json"), receipt).map_err(AgentError::Io)?;
    std::fs::rename(&c.path, &target).map_err(AgentError::Io)?;
    let _ = std::fs::remove_file(marker(&c.path));
    Ok(target)
}

/// Move a refused file into `failed/` with the reason beside it.
pub fn file_failed(cfg: &AgentConfig, c: &Candidate, reason: &str) -> Result<PathBuf, AgentError> {
    let dir = cfg.outbox.join(FAILED);
    std::fs::create_dir_all(&dir).map_err(AgentError::Io)?;
    let target = free_name(&dir, &c.name);
    let mut why = target.as_os_str().to_owned();
    why.push(".reason.txt");
    std::fs::write(PathBuf::from(why), format!("{reason}\n")).map_err(AgentError::Io)?;
    std::fs::rename(&c.path, &target).map_err(AgentError::Io)?;
    let _ = std::fs::remove_file(marker(&c.path));
    Ok(target)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn temporary_and_hidden_names_are_never_sent() {
        for n in [
            ".x.pdf",
            "a.pdf.part",
            "a.tmp",
            "a~",
            "a.pdf.ready",
            "a.crdownload",
        ] {
            assert!(ignored(n), "{n}");
        }
        assert!(!ignored("invoice.pdf"));
    }

    #[test]
    fn the_key_follows_name_and_content() {
        let a = idempotency_key("x@y.z/a.pdf", "00");
        assert_eq!(a, idempotency_key("x@y.z/a.pdf", "00"));
        assert_ne!(a, idempotency_key("x@y.z/a.pdf", "01"));
        assert_ne!(a, idempotency_key("x@y.z/b.pdf", "00"));
        assert!(a.len() <= 200 && a.is_ascii());
    }

    #[test]
    fn a_file_is_ready_when_still_for_the_settle_time_or_marked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.pdf");
        std::fs::write(&path, b"half").unwrap();
        let c = Candidate {
            path: path.clone(),
            relative: "a.pdf".into(),
            name: "a.pdf".into(),
            recipients: vec![],
        };
        let mut r = Readiness::default();
        let settle = Duration::from_millis(200);
        assert!(!r.ready(&c, settle), "first sight");
        assert!(!r.ready(&c, settle), "not still long enough");
        std::thread::sleep(Duration::from_millis(250));
        std::fs::write(&path, b"half and more").unwrap();
        assert!(!r.ready(&c, settle), "it grew: wait again");
        std::thread::sleep(Duration::from_millis(250));
        assert!(r.ready(&c, settle));
        std::fs::write(&path, b"changed").unwrap();
        std::fs::write(marker(&path), b"").unwrap();
        assert!(r.ready(&c, settle), "a marker says it is complete");
    }

    #[test]
    fn names_are_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.pdf"), b"1").unwrap();
        std::fs::write(dir.path().join("a-2.pdf"), b"2").unwrap();
        assert_eq!(free_name(dir.path(), "a.pdf"), dir.path().join("a-3.pdf"));
        assert_eq!(free_name(dir.path(), "b"), dir.path().join("b"));
    }
}
