//! `cloudseal registry …`: the government registries kept locally — today the MVD list of
//! invalid passports, imported whole from its official CSV.

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
}

fn failed(e: impl std::fmt::Display) -> super::cli::Exit {
    super::cli::Exit {
        code: 1,
        message: e.to_string(),
    }
}

/// Run a registry command.
pub async fn run(command: RegistryCommand, config: &Config) -> Result<(), super::cli::Exit> {
    let RegistryCommand::ImportPassports { file } = command;
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
