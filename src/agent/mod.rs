//! `cloudseal agent`: the folder agent (DESIGN §1). It talks to a cloudseal server over the
//! public API only, as a folder agent's machine credential for one organisation seal: what
//! appears in the outbox is sealed and sent, what arrives is fetched, checked and filed in the
//! inbox. The server never sees the agent's folders; the agent never sees a key.

pub mod api;
pub mod config;
pub mod envelopes;
pub mod inbox;
pub mod outbox;
pub mod progress;
mod run;
pub mod wake;

use clap::Subcommand;
use std::path::PathBuf;

/// Why the agent could not do something.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// The configuration or a secret is missing or wrong: nothing to retry.
    #[error("{0}")]
    Config(String),
    /// The server could not be reached or answered 408, 429 or 5xx: worth retrying.
    #[error("{0}")]
    Transient(String),
    /// The server refused (4xx): retrying the same thing will not help.
    #[error("refused ({status}): {detail}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The problem's detail.
        detail: String,
    },
    /// A local file could not be read or written.
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    /// Something of ours failed.
    #[error("{0}")]
    Local(String),
}

/// `cloudseal agent …` (the agent's TOML is the global `--config`).
#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Write a commented example configuration (never over an existing file).
    Init {
        /// Where to write it.
        #[arg(default_value = "cloudseal-agent.toml")]
        path: PathBuf,
    },
    /// Watch the outbox and poll the inbox until SIGINT/SIGTERM.
    Run,
    /// Seal and send these files now (they stay where they are); prints a receipt per file.
    Send {
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Recipients' e-mail addresses.
        #[arg(long = "to", required = true)]
        to: Vec<String>,
    },
    /// Fetch, check and file what has arrived, once.
    Fetch,
    /// The server, the credential, the seal, and what waits in the folders.
    Status,
}

pub use run::run;
