//! `cloudseal registry …`: the government registries — the MVD list of invalid passports,
//! imported whole from its official CSV, and a local registry gateway for development.

use crate::audit::{self, AuditEvent};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::store::{Db, passports};
use clap::Subcommand;
use std::path::PathBuf;

/// `cloudseal registry …`
#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Replace the list of invalid passports with the official CSV (`PASSP_SERIES,PASSP_NUMBER`
    /// after a header line; `-` reads standard input). Malformed lines are skipped and counted.
    ImportPassports {
        /// The CSV file.
        file: PathBuf,
    },
    /// Serve the registry gateway's wire format over a local dataset (development only: the
    /// real registries cannot be reached from here). Point `registries.url` at it.
    ServeLocal {
        /// Where to listen.
        #[arg(long, default_value = "127.0.0.1:8091")]
        bind: std::net::SocketAddr,
        /// A dataset in the format of `src/registries/local_demo.json` (default: that one).
        #[arg(long)]
        data: Option<PathBuf>,
    },
}

fn failed(e: impl std::fmt::Display) -> super::cli::Exit {
    super::cli::Exit {
        code: 1,
        message: e.to_string(),
    }
}

/// Run a registry command.
pub async fn run(command: RegistryCommand, config: &Config) -> Result<(), super::cli::Exit> {
    match command {
        RegistryCommand::ImportPassports { file } => import_passports(file, config).await,
        RegistryCommand::ServeLocal { bind, data } => serve_local(bind, data, config).await,
    }
}

async fn serve_local(
    bind: std::net::SocketAddr,
    data: Option<PathBuf>,
    config: &Config,
) -> Result<(), super::cli::Exit> {
    use crate::registries::local::{Dataset, serve};
    let dataset = match &data {
        None => Dataset::demo().map_err(failed)?,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| failed(format!("{}: {e}", path.display())))?;
            serde_json::from_str(&text).map_err(|e| failed(format!("{}: {e}", path.display())))?
        }
    };
    let listener = std::net::TcpListener::bind(bind).map_err(|e| failed(format!("{bind}: {e}")))?;
    let token = config
        .registries
        .token
        .as_ref()
        .map(|t| t.expose().to_owned());
    println!("local registry gateway on http://{bind} (development data)");
    serve(listener, dataset, token)
        .map_err(failed)?
        .await
        .map_err(failed)
}

async fn import_passports(file: PathBuf, config: &Config) -> Result<(), super::cli::Exit> {
    let db = Db::connect(config.database.url.expose(), &config.database)
        .await
        .map_err(failed)?;
    let started = std::time::Instant::now();
    let source = file.display().to_string();
    let mut input: Box<dyn tokio::io::AsyncRead + Unpin> = if source == "-" {
        Box::new(tokio::io::stdin())
    } else {
        Box::new(
            tokio::fs::File::open(&file)
                .await
                .map_err(|e| super::cli::Exit {
                    code: 2,
                    message: format!("{source}: {e}"),
                })?,
        )
    };
    let (read, kept) = import(&db, &mut input, &source).await.map_err(failed)?;
    println!(
        "read {read} lines, {kept} invalid passports in force (distinct, well formed) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Import the list read from `input` with its audit entry, in one transaction.
pub async fn import(
    db: &Db,
    input: &mut (impl tokio::io::AsyncRead + Unpin),
    source: &str,
) -> Result<(i64, i64), Box<dyn std::error::Error + Send + Sync>> {
    let clock = SystemClock;
    let mut client = db.client().await?;
    let tx = client.transaction().await?;
    let (read, kept) = passports::import(&tx, input, source, clock.now()).await?;
    let mut event = AuditEvent::system("registry.import_passports");
    event.details =
        serde_json::json!({"source": source, "lines": read, "kept": kept, "via": "cli"});
    audit::record(&tx, &clock, event).await?;
    tx.commit().await?;
    Ok((read, kept))
}
