//! The agent's commands: the loop that watches the outbox and polls the inbox, and the manual
//! `send`, `fetch` and `status`. Transient failures (the server down, 5xx) are retried with a
//! growing pause; refusals move the file to `failed/` with the reason.

use super::api::Api;
use super::config::{AgentConfig, EXAMPLE, Loaded};
use super::inbox::{Filed, Receiver};
use super::outbox::{self, Candidate, Readiness, Sender};
use super::wake::Wake;
use super::{AgentCommand, AgentError};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The longest pause between two tries of the same thing.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

fn backoff(attempt: u32) -> Duration {
    Duration::from_secs(1u64 << attempt.min(9)).min(MAX_BACKOFF)
}

/// Run an agent command with the configuration at `config`.
pub async fn run(command: AgentCommand, config: Option<&Path>) -> Result<(), AgentError> {
    if let AgentCommand::Init { path } = &command {
        return init(path);
    }
    let path = config.ok_or_else(|| {
        AgentError::Config("name the agent's configuration: cloudseal --config FILE agent …".into())
    })?;
    let loaded = AgentConfig::load(path, &|k| std::env::var(k).ok())?;
    let Loaded {
        config: cfg,
        secret,
        pin,
    } = loaded;
    let api = Api::new(&cfg.server, &cfg.client_id, secret)?;
    match command {
        AgentCommand::Init { .. } => Ok(()),
        AgentCommand::Status => status(&api, &cfg).await,
        AgentCommand::Fetch => {
            let seal = with_retries(|| api.seal(cfg.credential), 5).await?.0;
            let receiver = Receiver {
                api: &api,
                seal,
                pin: &pin,
                cfg: &cfg,
            };
            let mut last_error = None;
            for (id, filed) in with_retries(|| receiver.round(), 5).await? {
                report_filed(id, &filed);
                if let Err(e) = filed {
                    last_error = Some(e);
                }
            }
            last_error.map_or(Ok(()), Err)
        }
        AgentCommand::Send { files, to } => {
            let seal = with_retries(|| api.seal(cfg.credential), 5).await?.0;
            let sender = Sender {
                api: &api,
                seal,
                pin: &pin,
                cfg: &cfg,
            };
            for file in files {
                let c = manual_candidate(&file, &to)?;
                let d = with_retries(|| sender.deliver(&c), 6).await?;
                sender.done(&d.idempotency_key)?;
                let line =
                    serde_json::to_string(&d).map_err(|e| AgentError::Local(e.to_string()))?;
                let mut out = std::io::stdout().lock();
                writeln!(out, "{line}").map_err(AgentError::Io)?;
            }
            Ok(())
        }
        AgentCommand::Run => watch(&api, &cfg, &pin).await,
    }
}

fn init(path: &Path) -> Result<(), AgentError> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| AgentError::Config(format!("cannot create {}: {e}", path.display())))?;
    f.write_all(EXAMPLE.as_bytes()).map_err(AgentError::Io)?;
    eprintln!(
        "wrote {}; fill in the server, the credential and the folders",
        path.display()
    );
    Ok(())
}

fn manual_candidate(file: &Path, to: &[String]) -> Result<Candidate, AgentError> {
    let absolute = std::fs::canonicalize(file)
        .map_err(|e| AgentError::Config(format!("{}: {e}", file.display())))?;
    let name = absolute
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| AgentError::Config(format!("{}: not a file name", file.display())))?
        .to_owned();
    Ok(Candidate {
        relative: absolute.display().to_string(),
        path: absolute,
        name,
        recipients: to.to_vec(),
    })
}

/// Try `op` up to `attempts` times while it fails transiently, pausing longer each time.
async fn with_retries<T, F, Fut>(mut op: F, attempts: u32) -> Result<T, AgentError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, AgentError>>,
{
    let mut n = 0;
    loop {
        match op().await {
            Err(AgentError::Transient(why)) if n + 1 < attempts => {
                let pause = backoff(n);
                tracing::warn!(%why, retry_in_secs = pause.as_secs(), "will try again");
                tokio::time::sleep(pause).await;
                n += 1;
            }
            other => return other,
        }
    }
}

fn report_filed(id: Uuid, filed: &Result<Filed, AgentError>) {
    match filed {
        Err(e) => {
            tracing::warn!(sending = %id, error = %e, "not filed; the next round tries again")
        }
        Ok(Filed::Inbox(dir)) => {
            tracing::info!(sending = %id, dir = %dir.display(), "received and verified")
        }
        Ok(Filed::Quarantine(dir)) => {
            tracing::warn!(sending = %id, dir = %dir.display(), "did not verify: quarantined");
        }
    }
}

async fn status(api: &Api, cfg: &AgentConfig) -> Result<(), AgentError> {
    let mut out = std::io::stdout().lock();
    let (seal, can_sign) = api.seal(cfg.credential).await?;
    let pending = outbox::candidates(cfg)?.len();
    let in_flight = outbox::in_flight(cfg);
    let count = |dir: PathBuf| {
        std::fs::read_dir(dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| !e.file_name().to_string_lossy().ends_with(".reason.txt"))
                    .count()
            })
            .unwrap_or(0)
    };
    let unread = api.unread().await?.len();
    let lines = [
        format!("server       {}", cfg.server),
        format!("credential   {} (token granted)", cfg.client_id),
        format!(
            "seal         {seal} ({})",
            if can_sign {
                "can sign"
            } else {
                "cannot sign now"
            }
        ),
        format!("outbox       {} waiting, {in_flight} in flight", pending),
        format!("failed       {}", count(cfg.outbox.join(outbox::FAILED))),
        format!("inbox        {unread} unread on the server"),
        format!(
            "quarantine   {}",
            count(cfg.inbox.join(super::inbox::QUARANTINE))
        ),
    ];
    for l in lines {
        writeln!(out, "{l}").map_err(AgentError::Io)?;
    }
    Ok(())
}

/// Files waiting for another try after a transient failure.
#[derive(Default)]
struct Retrying(HashMap<PathBuf, (u32, Instant)>);

impl Retrying {
    fn due(&self, path: &Path) -> bool {
        self.0.get(path).is_none_or(|(_, at)| Instant::now() >= *at)
    }

    fn failed(&mut self, path: &Path) -> Duration {
        let entry = self
            .0
            .entry(path.to_path_buf())
            .or_insert((0, Instant::now()));
        let pause = backoff(entry.0);
        *entry = (entry.0 + 1, Instant::now() + pause);
        pause
    }

    fn clear(&mut self, path: &Path) {
        self.0.remove(path);
    }
}

async fn watch(api: &Api, cfg: &AgentConfig, pin: &str) -> Result<(), AgentError> {
    for dir in [&cfg.outbox, &cfg.inbox] {
        std::fs::create_dir_all(dir).map_err(AgentError::Io)?;
    }
    let stop = shutdown_signal();
    tokio::pin!(stop);
    let mut wake = Wake::on(
        &cfg.outbox,
        [outbox::SENT, outbox::FAILED, outbox::STATE]
            .iter()
            .map(|d| cfg.outbox.join(d))
            .collect(),
    );
    let mut seal = None;
    let mut seal_retry = Retrying::default();
    let mut ready = Readiness::default();
    let mut retrying = Retrying::default();
    let mut next_poll = Instant::now();
    let settle = Duration::from_secs(cfg.settle_secs);
    tracing::info!(outbox = %cfg.outbox.display(), inbox = %cfg.inbox.display(), "agent started");
    loop {
        let round = async {
            let seal = match seal {
                Some(s) => s,
                None if seal_retry.due(Path::new("")) => match ready_seal(api, cfg, pin).await {
                    Ok(s) => {
                        seal = Some(s);
                        s
                    }
                    Err(AgentError::Transient(why)) => {
                        let pause = seal_retry.failed(Path::new(""));
                        tracing::warn!(%why, retry_in_secs = pause.as_secs(), "server not reachable");
                        return Ok(());
                    }
                    Err(e) => return Err(e),
                },
                None => return Ok(()),
            };
            let sender = Sender {
                api,
                seal,
                pin,
                cfg,
            };
            for c in outbox::candidates(cfg)? {
                if !retrying.due(&c.path) || !ready.ready(&c, settle) {
                    continue;
                }
                outbox_one(&sender, cfg, &c, &mut retrying).await;
                ready.forget(&c.path);
            }
            if Instant::now() >= next_poll {
                let receiver = Receiver {
                    api,
                    seal,
                    pin,
                    cfg,
                };
                match receiver.round().await {
                    Ok(filed) => filed.iter().for_each(|(id, f)| report_filed(*id, f)),
                    Err(e) => tracing::warn!(error = %e, "inbox round stopped; next poll retries"),
                }
                next_poll = Instant::now() + Duration::from_secs(cfg.poll_secs);
            }
            Ok::<(), AgentError>(())
        };
        round.await?;
        tokio::select! {
            () = &mut stop => {
                tracing::info!("agent stopped");
                return Ok(());
            }
            () = wake.wait(Duration::from_secs(cfg.scan_secs)) => {}
        }
    }
}

async fn outbox_one(
    sender: &Sender<'_>,
    cfg: &AgentConfig,
    c: &Candidate,
    retrying: &mut Retrying,
) {
    match sender.deliver(c).await {
        Ok(d) => match outbox::file_sent(cfg, c, &d) {
            Ok(to) => {
                if let Err(e) = sender.done(&d.idempotency_key) {
                    tracing::warn!(file = %c.relative, error = %e, "the journal could not record it");
                }
                retrying.clear(&c.path);
                tracing::info!(file = %c.relative, sending = %d.sending, to = %to.display(), "sent");
            }
            Err(e) => {
                tracing::error!(file = %c.relative, error = %e, "sent, but could not be moved to sent/")
            }
        },
        Err(AgentError::Refused { status, detail }) => {
            let reason = format!("refused by the server ({status}): {detail}");
            match outbox::file_failed(cfg, c, &reason) {
                Ok(to) => tracing::warn!(file = %c.relative, %reason, to = %to.display(), "failed"),
                Err(e) => {
                    tracing::error!(file = %c.relative, error = %e, "could not be moved to failed/")
                }
            }
            retrying.clear(&c.path);
        }
        Err(e) => {
            let pause = retrying.failed(&c.path);
            tracing::warn!(file = %c.relative, error = %e, retry_in_secs = pause.as_secs(), "will try again");
        }
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The seal to use; with `encrypt`, its encryption certificate made if it has none yet, so
/// counterparties can encrypt to this agent before it ever sends.
async fn ready_seal(api: &Api, cfg: &AgentConfig, pin: &str) -> Result<Uuid, AgentError> {
    let (seal, _) = api.seal(cfg.credential).await?;
    if cfg.encrypt {
        api.own_encryption_certificate(seal, pin).await?;
    }
    Ok(seal)
}
