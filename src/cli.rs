//! Command-line interface of the one `cloudseal` binary.

use crate::app::{self, Application};
use crate::audit::{self, AuditEvent, export, sealer, verify};
use crate::certificates::registry::ServiceCertificates;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::pki::urls::PkiUrls;
use crate::store::{self, Db, migrate};
use crate::vault::{ServiceKey, provision};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// cloudseal: cloud electronic signatures with HSM key custody.
#[derive(Debug, Parser)]
#[command(name = "cloudseal", version, about)]
pub struct Cli {
    /// Configuration file (TOML); `CLOUDSEAL_*` environment variables override it.
    #[arg(long, short, env = "CLOUDSEAL_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run migrations, then serve HTTP until SIGINT/SIGTERM.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// HSM key management.
    Hsm {
        /// What to do with the HSM.
        #[command(subcommand)]
        command: HsmCommand,
    },
    /// The audit trail.
    Audit {
        /// What to do with the audit trail.
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The notification outbox.
    Outbox {
        /// What to do with the outbox.
        #[command(subcommand)]
        command: OutboxCommand,
    },
    /// Accounts: staff, points of issue.
    Admin {
        /// What to do.
        #[command(subcommand)]
        command: crate::cli_admin::AdminCommand,
    },
    /// Government registries kept locally (the invalid-passports list).
    Registry {
        /// What to do.
        #[command(subcommand)]
        command: crate::cli_registry::RegistryCommand,
    },
    /// Print the OpenAPI document (YAML), as committed in openapi/openapi.yaml.
    Openapi,
    /// The folder agent: seal and send an outbox folder, fetch and verify into an inbox
    /// folder, against a cloudseal server (its own TOML is `--config`).
    Agent {
        /// What the agent does.
        #[command(subcommand)]
        command: crate::agent::AgentCommand,
    },
}

/// `cloudseal hsm …`
#[derive(Debug, Subcommand)]
pub enum HsmCommand {
    /// Create the KEK, PIN pepper, CA root and issuing keys, TSA and seal keys and their
    /// certificates where absent. Idempotent; keys are never extractable.
    Init,
    /// Show the token and the service keys.
    Status,
    /// Replace the access-token signing key; the old one keeps verifying the tokens it signed
    /// (restart the servers to pick up the new key). Nobody is logged out.
    RotateAccessTokenKey,
}

/// `cloudseal audit …`
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Link pending entries, sign a checkpoint, and export the chain as JSON Lines.
    Export {
        /// First seq (default 1).
        #[arg(long)]
        from: Option<i64>,
        /// Last seq (default: the newest checkpoint).
        #[arg(long)]
        to: Option<i64>,
        /// Output file (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Verify an export offline; names the first entry that does not hold.
    Verify {
        /// The export file.
        file: PathBuf,
        /// Root certificate (PEM) to pin; without it the file's own root is reported only.
        #[arg(long)]
        trust: Option<PathBuf>,
    },
}

/// `cloudseal outbox …`
#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Show the newest notifications (development: read SMS codes here).
    List {
        /// Only those to this phone number or address.
        #[arg(long)]
        to: Option<String>,
        /// How many.
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
}

/// A failure of a command, with its exit code.
#[derive(Debug)]
pub struct Exit {
    /// Process exit code: 2 for bad configuration or usage, 1 otherwise.
    pub code: i32,
    /// One line for standard error.
    pub message: String,
}

fn fail(e: impl std::fmt::Display) -> Exit {
    Exit {
        code: 1,
        message: e.to_string(),
    }
}

fn load_config(cli: &Cli) -> Result<Config, Exit> {
    Config::load(cli.config.as_deref(), std::env::vars()).map_err(|e| Exit {
        code: 2,
        message: e.to_string(),
    })
}

/// Run a parsed command.
pub async fn run(cli: Cli) -> Result<(), Exit> {
    if let Command::Agent { command } = cli.command {
        crate::telemetry::init(crate::telemetry::LogFormat::Text, "info");
        return crate::agent::run(command, cli.config.as_deref())
            .await
            .map_err(|e| Exit {
                code: if matches!(e, crate::agent::AgentError::Config(_)) {
                    2
                } else {
                    1
                },
                message: e.to_string(),
            });
    }
    match &cli.command {
        Command::Openapi => {
            print!("{}", crate::http::docs::openapi_yaml());
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify { file, trust },
        } => verify_file(file, trust.as_deref()),
        _ => {
            let config = load_config(&cli)?;
            crate::telemetry::init(config.log.format, &config.log.filter);
            run_with_config(cli.command, config).await
        }
    }
}

async fn run_with_config(command: Command, config: Config) -> Result<(), Exit> {
    match command {
        Command::Serve => {
            let app = Application::build(config).await.map_err(fail)?;
            tracing::info!(port = app.port(), "cloudseal serving");
            app.run_until_stopped().await.map_err(fail)
        }
        Command::Migrate => {
            let n = migrate::run(config.migrate_url().expose())
                .await
                .map_err(fail)?;
            println!("migrations applied: {n}");
            Ok(())
        }
        Command::Hsm { command } => hsm(command, &config).await,
        Command::Admin { command } => crate::cli_admin::run(command, &config).await,
        Command::Registry { command } => crate::cli_registry::run(command, &config).await,
        Command::Audit {
            command: AuditCommand::Export { from, to, output },
        } => export_audit(&config, from, to, output).await,
        Command::Outbox {
            command: OutboxCommand::List { to, limit },
        } => {
            let db = Db::connect(config.database.url.expose(), &config.database)
                .await
                .map_err(fail)?;
            let client = db.client().await.map_err(fail)?;
            for n in store::outbox::list(&**client, to.as_deref(), limit)
                .await
                .map_err(fail)?
            {
                println!(
                    "{}  {:<5} {:<28} {:<8} attempts={} purpose={}\n    {}{}",
                    n.created_at.format("%Y-%m-%d %H:%M:%S"),
                    n.channel,
                    n.recipient,
                    n.status,
                    n.attempts,
                    n.purpose,
                    n.subject.map(|s| format!("[{s}] ")).unwrap_or_default(),
                    n.body.replace('\n', "\n    ")
                );
            }
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify { .. },
        }
        | Command::Openapi
        | Command::Agent { .. } => Ok(()),
    }
}

async fn hsm(command: HsmCommand, config: &Config) -> Result<(), Exit> {
    let vault = app::open_vault(&config.hsm).await.map_err(fail)?;
    match command {
        HsmCommand::Init => {
            let ca = config.ca.clone();
            let urls = PkiUrls::new(&config.server.public_url);
            let done = vault
                .run(move |s| provision::init(s, &ca, &urls))
                .await
                .map_err(fail)?;
            for p in done {
                let what = match (p.key_created, p.certificate_created) {
                    (true, _) => "created",
                    (false, true) => "certificate created",
                    (false, false) => "present",
                };
                println!("{:<22} {what}", p.key.label());
            }
            Ok(())
        }
        HsmCommand::RotateAccessTokenKey => {
            let ca = config.ca.clone();
            let urls = PkiUrls::new(&config.server.public_url);
            vault
                .run(move |s| s.rotate_access_token_key(&ca, &urls))
                .await
                .map_err(fail)?;
            println!("access-token key rotated; restart the servers to sign with the new key");
            Ok(())
        }
        HsmCommand::Status => {
            println!(
                "module: {}\ntoken:  {}",
                config.hsm.module.display(),
                config.hsm.token_label
            );
            vault.ping().await.map_err(fail)?;
            for key in ServiceKey::ALL {
                let line = if key.is_signing() {
                    match vault.certificate(key).await {
                        Ok(der) => match crate::pki::parse_certificate(&der) {
                            Ok(c) => format!(
                                "{}  valid until {}  sha256 {}",
                                c.tbs_certificate.subject,
                                c.tbs_certificate.validity.not_after,
                                crate::pki::fingerprint(&der)
                            ),
                            Err(e) => e.to_string(),
                        },
                        Err(e) => e.to_string(),
                    }
                } else {
                    let present = vault
                        .run(move |s| {
                            s.find(cryptoki::object::ObjectClass::SECRET_KEY, key.label())
                        })
                        .await
                        .map_err(fail)?
                        .is_some();
                    if present {
                        "secret key present".into()
                    } else {
                        "missing: run `cloudseal hsm init`".into()
                    }
                };
                println!("{:<22} {line}", key.label());
            }
            Ok(())
        }
    }
}

async fn export_audit(
    config: &Config,
    from: Option<i64>,
    to: Option<i64>,
    output: Option<PathBuf>,
) -> Result<(), Exit> {
    let db = Db::connect(config.database.url.expose(), &config.database)
        .await
        .map_err(fail)?;
    let vault = app::open_vault(&config.hsm).await.map_err(fail)?;
    let certs = ServiceCertificates::load(&vault).await.map_err(fail)?;
    let clock = SystemClock;
    {
        let mut client = db.client().await.map_err(fail)?;
        let tx = client.transaction().await.map_err(fail)?;
        let event = AuditEvent::system("audit.export").with_details(serde_json::json!({
            "from": from, "to": to, "via": "cli"
        }));
        audit::record(&tx, &clock, event).await.map_err(fail)?;
        tx.commit().await.map_err(fail)?;
    }
    // Wait (bounded) until the entry just written is linked, so the export covers itself.
    sealer::settle(&db, &vault, &clock, &config.audit)
        .await
        .map_err(fail)?;
    let chain = [certs.seal, certs.issuing, certs.root];
    let summary = match output {
        Some(path) => {
            let file = std::fs::File::create(&path)
                .map_err(|e| fail(format!("cannot create {}: {e}", path.display())))?;
            let mut w = std::io::BufWriter::new(file);
            export::write(&db, &chain, from, to, clock.now(), &mut w)
                .await
                .map_err(fail)?
        }
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            export::write(&db, &chain, from, to, clock.now(), &mut w)
                .await
                .map_err(fail)?
        }
    };
    eprintln!(
        "exported entries {}..={} ({} entries, {} checkpoints)",
        summary.first_seq, summary.last_seq, summary.entries, summary.checkpoints
    );
    Ok(())
}

fn verify_file(file: &std::path::Path, trust: Option<&std::path::Path>) -> Result<(), Exit> {
    let anchor = match trust {
        Some(p) => {
            let pem = std::fs::read_to_string(p).map_err(|e| Exit {
                code: 2,
                message: format!("cannot read {}: {e}", p.display()),
            })?;
            let ders = crate::pki::pem_certificates(&pem).map_err(|e| Exit {
                code: 2,
                message: format!("{}: {e}", p.display()),
            })?;
            Some(ders.into_iter().next().ok_or_else(|| Exit {
                code: 2,
                message: format!("{}: no certificate", p.display()),
            })?)
        }
        None => None,
    };
    let f = std::fs::File::open(file).map_err(|e| Exit {
        code: 2,
        message: format!("cannot read {}: {e}", file.display()),
    })?;
    match verify::verify(std::io::BufReader::new(f), anchor.as_deref()) {
        Ok(v) => {
            println!(
                "OK: entries {}..={} ({} entries, {} signed checkpoints), head {}",
                v.first_seq, v.last_seq, v.entries, v.checkpoints, v.head
            );
            println!(
                "sealed by: {} (sha256 {})",
                v.seal_subject, v.seal_fingerprint
            );
            if v.anchored {
                println!("root: {} (matches the trusted root)", v.root_fingerprint);
            } else {
                println!(
                    "root: {} (not pinned: compare it with the published fingerprint, or pass --trust)",
                    v.root_fingerprint
                );
            }
            Ok(())
        }
        Err(f) => Err(Exit {
            code: 1,
            message: format!(
                "FAILED {f}{}",
                if f.line > 0 {
                    format!(" (line {})", f.line)
                } else {
                    String::new()
                }
            ),
        }),
    }
}
