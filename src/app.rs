//! `Application::build(config)`: migrate, connect, open the HSM, bind, and start the
//! background workers. Tests build it on port 0 against a fresh database.

use crate::audit::sealer;
use crate::certificates::registry::{Registry, RegistryError, ServiceCertificates};
use crate::clock::{SharedClock, SystemClock};
use crate::config::Config;
use crate::http::{self, AppState, metrics::Metrics, middleware, problem};
use crate::notify::providers::{EmailProvider, ProviderConfigError, SmsProvider};
use crate::notify::worker::Deliverer;
use crate::pki::urls::PkiUrls;
use crate::store::{Db, StoreError, migrate};
use crate::vault::{Vault, VaultError};
use actix_web::dev::{Server, ServerHandle};
use actix_web::{App, HttpServer, web};
use std::net::TcpListener;
use std::sync::Arc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Why the server could not start; each message says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Migrations failed.
    #[error(transparent)]
    Migrate(#[from] migrate::MigrateError),
    /// The database is unreachable.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The HSM could not be opened or lacks the service keys.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// The certificate registry could not be brought up to date.
    #[error("certificate registry: {0}")]
    Registry(#[from] RegistryError),
    /// A configured trust file cannot be used.
    #[error(transparent)]
    Trust(#[from] crate::certificates::trust::TrustFileError),
    /// Notification settings are inconsistent.
    #[error(transparent)]
    Provider(#[from] ProviderConfigError),
    /// The listen address is taken or invalid.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Address.
        addr: std::net::SocketAddr,
        /// Cause.
        source: std::io::Error,
    },
    /// The directory of document files cannot be made or written to.
    #[error("documents.directory {}: {source}", path.display())]
    DocumentFiles {
        /// The configured directory.
        path: std::path::PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// Identity could not start (data key, access-token key).
    #[error("identity: {0}")]
    Identity(#[from] crate::identity::IdentityError),
    /// Internal set-up failure.
    #[error("start-up failed: {0}")]
    Internal(String),
}

/// Open the HSM off the async workers (module loading and login block).
pub async fn open_vault(cfg: &crate::config::HsmConfig) -> Result<Vault, VaultError> {
    let cfg = cfg.clone();
    tokio::task::spawn_blocking(move || Vault::open(&cfg))
        .await
        .map_err(|e| VaultError::Operation(e.to_string()))?
}

/// A built server, not yet running.
pub struct Application {
    port: u16,
    server: Server,
    handle: ServerHandle,
    shutdown: CancellationToken,
    workers: Vec<JoinHandle<()>>,
    db: Db,
    vault: Vault,
    registry: Registry,
    tsa: crate::certificates::tsa::Authority,
    custody: crate::signing::Custody,
    identity: crate::identity::Identity,
    registration: crate::registration::Registration,
    documents: crate::documents::Documents,
}

impl Application {
    /// Build with the system clock.
    pub async fn build(config: Config) -> Result<Self, BuildError> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// Build with a given clock (tests that move time).
    pub async fn build_with_clock(config: Config, clock: SharedClock) -> Result<Self, BuildError> {
        migrate::run(config.migrate_url().expose()).await?;
        let db = Db::connect(config.database.url.expose(), &config.database).await?;
        let vault = open_vault(&config.hsm).await?;
        let certificates = Arc::new(ServiceCertificates::load(&vault).await?);
        let registry = Registry::new(
            db.clone(),
            vault.clone(),
            clock.clone(),
            certificates.clone(),
            &config.ca,
            PkiUrls::new(&config.server.public_url),
        )
        .trusting(crate::certificates::trust::load(&config.trust)?);
        registry.bootstrap().await?;
        let tsa = crate::certificates::tsa::Authority::new(
            db.clone(),
            vault.clone(),
            &certificates.tsa,
            &config.ca.tsa_policy_oid,
        )?;
        let ocsp = crate::certificates::ocsp::Responder::new(
            registry.clone(),
            chrono::TimeDelta::minutes(i64::from(config.ca.ocsp_validity_minutes.get())),
        )?;
        let custody =
            crate::signing::Custody::new(db.clone(), vault.clone(), clock.clone(), &config.signing);
        let identity =
            crate::identity::Identity::start(db.clone(), vault.clone(), clock.clone(), &config)
                .await?;
        let documents = crate::documents::Documents::new(
            db.clone(),
            vault.clone(),
            clock.clone(),
            config.documents.clone(),
        )
        .map_err(|source| BuildError::DocumentFiles {
            path: config.documents.directory.clone().unwrap_or_default(),
            source,
        })?;
        let signatures = crate::signatures::Signatures::new(
            db.clone(),
            clock.clone(),
            crate::signatures::Parts {
                identity: identity.clone(),
                custody: custody.clone(),
                registry: registry.clone(),
                tsa: tsa.clone(),
                documents: documents.clone(),
            },
            &config.signing,
        );
        let verification = crate::verification::Verification::new(
            db.clone(),
            clock.clone(),
            vault.clone(),
            registry.clone(),
            documents.clone(),
            config.verification.clone(),
        );
        let registration = crate::registration::Registration::new(
            db.clone(),
            clock.clone(),
            crate::registration::Services {
                identity: identity.clone(),
                custody: custody.clone(),
                registry: registry.clone(),
                signatures: signatures.clone(),
                registries: crate::registries::Registries::from_config(&config.registries)
                    .map_err(|e| BuildError::Internal(e.to_string()))?,
            },
            &config.registration,
        );
        let sms = SmsProvider::from_config(&config.notify.sms)?;
        let email = EmailProvider::from_config(&config.notify.email)?;
        let metrics = Arc::new(Metrics::new().map_err(|e| BuildError::Internal(e.to_string()))?);

        let listener =
            TcpListener::bind(config.server.bind).map_err(|source| BuildError::Bind {
                addr: config.server.bind,
                source,
            })?;
        let port = listener
            .local_addr()
            .map_err(|e| BuildError::Internal(e.to_string()))?
            .port();
        let state = web::Data::new(AppState {
            db: db.clone(),
            vault: vault.clone(),
            clock: clock.clone(),
            metrics: metrics.clone(),
            certificates: certificates.clone(),
            registry: registry.clone(),
            ocsp,
            tsa: tsa.clone(),
            identity: identity.clone(),
            registration: registration.clone(),
            signatures: signatures.clone(),
            documents: documents.clone(),
            verification: verification.clone(),
            exchange: crate::exchange::Exchange::new(
                db.clone(),
                clock.clone(),
                crate::exchange::Parts {
                    identity: identity.clone(),
                    documents: documents.clone(),
                    verification,
                    signatures: signatures.clone(),
                    vault: vault.clone(),
                    audit: config.audit.clone(),
                    chain: vec![
                        certificates.seal.clone(),
                        certificates.issuing.clone(),
                        certificates.root.clone(),
                    ],
                },
                config.exchange.clone(),
            ),
            audit: crate::audit::trail::Trail::new(
                db.clone(),
                vault.clone(),
                clock.clone(),
                config.audit.clone(),
                vec![
                    certificates.seal.clone(),
                    certificates.issuing.clone(),
                    certificates.root.clone(),
                ],
            ),
        });
        let tsa_handle = tsa;
        let metrics_data = web::Data::from(metrics);
        let max_json = config.server.max_json_bytes;
        let proxies = web::Data::new(config.server.trusted_proxies.clone());
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(metrics_data.clone())
                .app_data(proxies.clone())
                .app_data(
                    web::JsonConfig::default()
                        .limit(max_json)
                        .error_handler(problem::json_error),
                )
                .app_data(web::PayloadConfig::default().limit(max_json))
                .configure(http::configure)
                .default_service(web::to(problem::unrouted))
                .wrap(actix_web::middleware::from_fn(middleware::problem_fallback))
                .wrap(actix_web::middleware::from_fn(
                    middleware::close_after_refused_body,
                ))
                .wrap(middleware::security_headers())
                .wrap(actix_web::middleware::from_fn(middleware::observe))
        })
        .shutdown_timeout(config.server.shutdown_timeout_secs);
        if config.server.workers > 0 {
            server = server.workers(config.server.workers);
        }
        let server = server
            .listen(listener)
            .map_err(|source| BuildError::Bind {
                addr: config.server.bind,
                source,
            })?
            .run();
        let handle = server.handle();

        let shutdown = CancellationToken::new();
        let workers = vec![
            tokio::spawn(sealer::run(
                db.clone(),
                vault.clone(),
                clock.clone(),
                config.audit.clone(),
                shutdown.clone(),
            )),
            tokio::spawn(
                Deliverer {
                    db: db.clone(),
                    clock: clock.clone(),
                    sms,
                    email,
                    cfg: config.notify.clone(),
                }
                .run(shutdown.clone()),
            ),
            tokio::spawn(custody.clone().run_sweeper(shutdown.clone())),
            tokio::spawn(registration.clone().run_reminders(shutdown.clone())),
            tokio::spawn(documents.clone().run_purger(shutdown.clone())),
            tokio::spawn(registry.clone().run_schedule(
                std::time::Duration::from_secs(config.ca.crl_refresh_secs.get()),
                shutdown.clone(),
            )),
        ];
        Ok(Self {
            port,
            server,
            handle,
            shutdown,
            workers,
            db,
            vault,
            registry,
            tsa: tsa_handle,
            custody,
            identity,
            registration,
            documents,
        })
    }

    /// Signing keys in custody and their authorisations.
    pub fn custody(&self) -> &crate::signing::Custody {
        &self.custody
    }

    /// Accounts, sessions and tokens.
    pub fn identity(&self) -> &crate::identity::Identity {
        &self.identity
    }

    /// Applications and certificates.
    pub fn registration(&self) -> &crate::registration::Registration {
        &self.registration
    }

    /// Holders' documents.
    pub fn documents(&self) -> &crate::documents::Documents {
        &self.documents
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The database pool, for tests and CLI helpers.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The vault.
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// The certificate registry (issuance, revocation, CRLs).
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The time-stamping authority.
    pub fn tsa(&self) -> &crate::certificates::tsa::Authority {
        &self.tsa
    }

    /// A handle that stops the server gracefully.
    pub fn handle(&self) -> ServerHandle {
        self.handle.clone()
    }

    /// Serve until stopped (SIGINT/SIGTERM or the handle), then let the background workers
    /// finish: the sealer links what is committed and signs a last checkpoint.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.shutdown.cancel();
        for w in self.workers {
            let _ = w.await;
        }
        result
    }
}
