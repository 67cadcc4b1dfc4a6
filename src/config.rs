//! Configuration: a TOML file overlaid with `CLOUDSEAL_*` environment variables.
//!
//! `CLOUDSEAL_DATABASE__URL=…` sets `database.url` (a double underscore separates levels).
//! A secret may come from a file instead: `pin_file = "/run/secrets/hsm-pin"` in TOML or
//! `CLOUDSEAL_HSM__PIN_FILE=…` in the environment. Unknown keys are refused, and the refusal
//! names the key, because a misspelt setting that is silently ignored is how a production
//! server ends up with a default it was never meant to have.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// A value that must never be printed: `Debug` and `Display` show `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl<'de> Deserialize<'de> for Secret {
    /// Accepts a string or a bare number: `CLOUDSEAL_HSM__PIN=123456` arrives as an integer.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(i64),
        }
        Ok(match Raw::deserialize(d)? {
            Raw::Text(s) => Secret(s),
            Raw::Number(n) => Secret(n.to_string()),
        })
    }
}

impl Secret {
    /// Wrap a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The secret itself; call only where it is handed to the party that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Settings that may be given as `<name>_file`; the file's content (without the final newline)
/// becomes the value.
const SECRET_KEYS: &[&str] = &[
    "url",
    "migrate_url",
    "pin",
    "password",
    "auth_header",
    "payment_webhook_secret",
    "token",
];

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// HTTP listener.
    #[serde(default)]
    pub server: ServerConfig,
    /// Logging.
    #[serde(default)]
    pub log: LogConfig,
    /// PostgreSQL.
    pub database: DatabaseConfig,
    /// PKCS#11 module and token.
    pub hsm: HsmConfig,
    /// Audit chain sealing and checkpoints.
    #[serde(default)]
    pub audit: AuditConfig,
    /// Names written into the service's own certificates.
    #[serde(default)]
    pub ca: CaConfig,
    /// SMS and email delivery.
    #[serde(default)]
    pub notify: NotifyConfig,
    /// Signing keys in custody: PIN cost and limits, authorisation limits.
    #[serde(default)]
    pub signing: SigningConfig,
    /// Other certification authorities whose signatures are accepted.
    #[serde(default)]
    pub trust: TrustConfig,
    /// Accounts, passwords, factors, tokens and attempt limits.
    #[serde(default)]
    pub identity: IdentityConfig,
    /// Applications, activation markers and payment notifications.
    #[serde(default)]
    pub registration: RegistrationConfig,
    /// The gateway to the state registries (SNILS, INN, legal entities).
    #[serde(default)]
    pub registries: RegistriesConfig,
    /// Holders' documents: size limits and retention after deletion.
    #[serde(default)]
    pub documents: DocumentsConfig,
    /// Signature verification: limits of the open endpoint.
    #[serde(default)]
    pub verification: VerificationConfig,
    /// The document exchange: how long emailed links work.
    #[serde(default)]
    pub exchange: ExchangeConfig,
}

/// The document exchange (issue 7).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExchangeConfig {
    /// Days the link emailed to a recipient keeps working.
    pub link_days: std::num::NonZeroU32,
    /// Most sendings one export of delivery protocols takes; a wider selection is refused
    /// (narrow the period) rather than building an archive nobody can wait for.
    pub export_max_sendings: std::num::NonZeroU32,
}

impl Default for ExchangeConfig {
    fn default() -> Self {
        Self {
            link_days: std::num::NonZeroU32::MIN.saturating_add(13),
            export_max_sendings: std::num::NonZeroU32::MIN.saturating_add(999),
        }
    }
}

/// The verification service.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VerificationConfig {
    /// Verifications per minute one address may ask for without logging in.
    pub anonymous_per_minute: std::num::NonZeroU32,
    /// Largest signature file accepted, in bytes (a document may be as large as
    /// `documents.max_bytes`: it is hashed as it streams, not kept).
    pub signature_max_bytes: std::num::NonZeroUsize,
}

impl Default for VerificationConfig {
    fn default() -> Self {
        Self {
            anonymous_per_minute: std::num::NonZeroU32::MIN.saturating_add(29),
            signature_max_bytes: std::num::NonZeroUsize::MIN.saturating_add(10 * 1024 * 1024 - 1),
        }
    }
}

/// Holders' documents (issue 6).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DocumentsConfig {
    /// Largest document accepted, in bytes (a bigger upload answers 413 and stores nothing).
    pub max_bytes: std::num::NonZeroU64,
    /// Largest document signed with an attached signature (it carries the document, so it is
    /// built in memory); bigger ones are signed detached.
    pub attached_max_bytes: std::num::NonZeroUsize,
    /// Days a deleted document is kept (hidden) before its content is erased.
    pub retention_days: std::num::NonZeroU32,
    /// How often deleted documents past retention are erased, in seconds.
    pub purge_interval_secs: std::num::NonZeroU64,
    /// Seconds an upload may go without a byte arriving before it is dropped (408, nothing
    /// stored): an upload holds a database connection, so a stalled client must not keep it.
    pub body_idle_secs: std::num::NonZeroU64,
    /// A directory to keep documents' sealed chunks in, one file per document, instead of
    /// PostgreSQL rows: uploads then run at the speed of hashing and sealing rather than of
    /// the database writing every byte twice. Several instances must share it, and it must be
    /// backed up with the database: a row whose file is gone is a document that no longer
    /// opens.
    pub directory: Option<std::path::PathBuf>,
}

impl Default for DocumentsConfig {
    fn default() -> Self {
        Self {
            max_bytes: std::num::NonZeroU64::MIN.saturating_add(100 * 1024 * 1024 - 1),
            attached_max_bytes: std::num::NonZeroUsize::MIN.saturating_add(16 * 1024 * 1024 - 1),
            retention_days: std::num::NonZeroU32::MIN.saturating_add(29),
            purge_interval_secs: std::num::NonZeroU64::MIN.saturating_add(3599),
            body_idle_secs: std::num::NonZeroU64::MIN.saturating_add(29),
            directory: None,
        }
    }
}

/// Where the state registries are reached (see `registries::wire` for the format).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegistriesConfig {
    /// Base URL of the gateway; without it the registry checks fail as "not configured", so
    /// nothing passes identification unchecked.
    pub url: Option<String>,
    /// Bearer token for the gateway (or `token_file`).
    pub token: Option<Secret>,
    /// How long one question may take, in milliseconds.
    pub timeout_ms: std::num::NonZeroU64,
}

impl Default for RegistriesConfig {
    fn default() -> Self {
        Self {
            url: None,
            token: None,
            timeout_ms: std::num::NonZeroU64::MIN.saturating_add(4999),
        }
    }
}

/// The registration authority (DESIGN §4).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegistrationConfig {
    /// Life of an activation marker, in hours.
    pub marker_ttl_hours: std::num::NonZeroU32,
    /// Wrong markers before the marker locks (the operator then sends a new one).
    pub marker_max_failures: std::num::NonZeroU32,
    /// Shared secret of the payment provider's notifications (HMAC-SHA256); without it the
    /// payment webhook refuses everything and only operators mark invoices paid.
    pub payment_webhook_secret: Option<Secret>,
    /// How far a payment notification's timestamp may be from now, in seconds (replay window).
    pub payment_webhook_tolerance_secs: std::num::NonZeroU32,
    /// Largest scan of a signed paper (PDF, JPEG or PNG) accepted, in bytes.
    pub scan_max_bytes: std::num::NonZeroUsize,
    /// Simple certificates: days after issue by which the paper originals must arrive.
    pub originals_due_days: std::num::NonZeroU32,
    /// Days before the originals' deadline from which the holder is reminded, and the pause
    /// between two reminders of the same application.
    pub originals_reminder_days: std::num::NonZeroU32,
    /// How often the server looks for originals to remind of, in seconds.
    pub originals_reminder_interval_secs: std::num::NonZeroU64,
}

impl Default for RegistrationConfig {
    fn default() -> Self {
        Self {
            marker_ttl_hours: std::num::NonZeroU32::MIN.saturating_add(71),
            marker_max_failures: std::num::NonZeroU32::MIN.saturating_add(4),
            payment_webhook_secret: None,
            payment_webhook_tolerance_secs: std::num::NonZeroU32::MIN.saturating_add(299),
            scan_max_bytes: std::num::NonZeroUsize::MIN.saturating_add(10 * 1024 * 1024 - 1),
            originals_due_days: std::num::NonZeroU32::MIN.saturating_add(29),
            originals_reminder_days: std::num::NonZeroU32::MIN.saturating_add(6),
            originals_reminder_interval_secs: std::num::NonZeroU64::MIN.saturating_add(3599),
        }
    }
}

/// Identity and access (accounts, factors, sessions, attempt limits).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IdentityConfig {
    /// argon2id memory (KiB) of new password hashes; old hashes keep theirs and are upgraded
    /// at the next login.
    pub password_memory_kib: u32,
    /// argon2id passes of new password hashes.
    pub password_iterations: u32,
    /// Password hashes computed at once (each takes `password_memory_kib`).
    pub password_concurrency: std::num::NonZeroUsize,
    /// Wrong answers in a row (password, code, TOTP) before the account or login name locks.
    pub max_attempts: std::num::NonZeroU32,
    /// Wrong answers from one client address before the address locks.
    pub ip_max_attempts: std::num::NonZeroU32,
    /// First lock, in minutes; each further lock lasts twice as long, up to a day.
    pub lock_minutes: std::num::NonZeroU32,
    /// Life of an access token, in seconds.
    pub access_token_secs: std::num::NonZeroU32,
    /// Life of a session (its refresh tokens and web cookie), in hours.
    pub session_hours: std::num::NonZeroU32,
    /// Life of an SMS code, in seconds.
    pub code_ttl_secs: std::num::NonZeroU32,
    /// Pause before a code may be sent again, in seconds.
    pub resend_after_secs: u32,
    /// Most times one code may be sent.
    pub max_sends: std::num::NonZeroU32,
    /// Life of an emailed link (confirmation, password reset), in minutes.
    pub link_ttl_minutes: std::num::NonZeroU32,
}

impl Default for IdentityConfig {
    fn default() -> Self {
        Self {
            password_memory_kib: 32 * 1024,
            password_iterations: 2,
            password_concurrency: std::num::NonZeroUsize::MIN.saturating_add(1),
            max_attempts: std::num::NonZeroU32::MIN.saturating_add(4),
            ip_max_attempts: std::num::NonZeroU32::MIN.saturating_add(29),
            lock_minutes: std::num::NonZeroU32::MIN.saturating_add(14),
            access_token_secs: std::num::NonZeroU32::MIN.saturating_add(599),
            session_hours: std::num::NonZeroU32::MIN.saturating_add(23),
            code_ttl_secs: std::num::NonZeroU32::MIN.saturating_add(299),
            resend_after_secs: 60,
            max_sends: std::num::NonZeroU32::MIN.saturating_add(4),
            link_ttl_minutes: std::num::NonZeroU32::MIN.saturating_add(1439),
        }
    }
}

/// Files of other CAs the verification engine trusts (ours are always trusted).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrustConfig {
    /// Their roots (PEM or DER files; a PEM file may hold several).
    pub anchors: Vec<PathBuf>,
    /// Their intermediate CAs, which complete chains but are not trusted alone.
    pub intermediates: Vec<PathBuf>,
    /// Their CRLs (PEM or DER), for revocation of their certificates.
    pub crls: Vec<PathBuf>,
}

/// HTTP listener settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address to listen on; port 0 picks a free port (tests).
    pub bind: SocketAddr,
    /// The address people and partners use to reach the service (links in SMS and email).
    pub public_url: String,
    /// actix worker threads; 0 means one per core.
    pub workers: usize,
    /// Largest JSON body accepted, in bytes.
    pub max_json_bytes: usize,
    /// Seconds given to in-flight requests on shutdown.
    pub shutdown_timeout_secs: u64,
    /// Reverse proxies in front of the service (addresses or networks, a list or one
    /// comma-separated string); their `X-Forwarded-For` names the caller for limits and the
    /// audit trail. Empty: the header is ignored.
    pub trusted_proxies: crate::http::forwarded::TrustedProxies,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: "http://127.0.0.1:8080".into(),
            workers: 0,
            max_json_bytes: 1024 * 1024,
            shutdown_timeout_secs: 30,
            trusted_proxies: Default::default(),
        }
    }
}

/// Logging settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `text` for a terminal, `json` for collectors.
    pub format: crate::telemetry::LogFormat,
    /// A `tracing` filter such as `info` or `cloudseal=debug,actix_web=info`.
    pub filter: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: crate::telemetry::LogFormat::Text,
            filter: "info".into(),
        }
    }
}

/// PostgreSQL settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    /// Connection URL of the role the server runs as (may only INSERT/SELECT audit tables).
    pub url: Secret,
    /// Connection URL of the schema owner, used to run migrations; none means `url`.
    #[serde(default)]
    pub migrate_url: Option<Secret>,
    /// Largest number of pooled connections.
    #[serde(default = "defaults::pool_size")]
    pub pool_size: usize,
    /// How many times to try reaching the database at start before giving up.
    #[serde(default = "defaults::connect_attempts")]
    pub connect_attempts: u32,
    /// First pause between those tries; it doubles each time, up to 5 s.
    #[serde(default = "defaults::connect_backoff_ms")]
    pub connect_backoff_ms: u64,
    /// How long a request waits for a pooled connection.
    #[serde(default = "defaults::pool_wait_ms")]
    pub pool_wait_ms: u64,
}

/// PKCS#11 settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HsmConfig {
    /// Path of the PKCS#11 module (`libsofthsm2.so` by default set-up).
    pub module: PathBuf,
    /// Label of the token that holds the service's keys; found by label, not slot number.
    pub token_label: String,
    /// The token's user PIN.
    pub pin: Secret,
    /// Largest number of open sessions (one per concurrent HSM operation).
    #[serde(default = "defaults::hsm_sessions")]
    pub sessions: usize,
}

/// Audit chain settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    /// How often the sealer links committed entries into the chain.
    pub seal_interval_ms: u64,
    /// How often a signed checkpoint is made when the chain has grown.
    pub checkpoint_interval_secs: u64,
    /// Most entries linked in one sealing transaction.
    pub seal_batch: i64,
    /// How long `audit export` waits for its own entry to be linked before refusing.
    pub export_wait_secs: u64,
}

impl Default for AuditConfig {
    fn default() -> Self {
        Self {
            seal_interval_ms: 500,
            checkpoint_interval_secs: 60,
            seal_batch: 5000,
            export_wait_secs: 120,
        }
    }
}

/// Names for the service's own certificates (root, issuing CA, seal, TSA).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CaConfig {
    /// Organisation name in the CA subjects.
    pub organization: String,
    /// ISO 3166 country code in the CA subjects.
    pub country: String,
    /// Certificate policy OID of qualified certificates (defaults are UUID-based OIDs, X.667,
    /// unique without registration; an accredited CA sets its own).
    pub qualified_policy_oid: String,
    /// Certificate policy OID of simple (non-qualified) certificates.
    pub simple_policy_oid: String,
    /// Validity of subscriber certificates, in days.
    pub subscriber_validity_days: u32,
    /// Lifetime of a CRL (nextUpdate − thisUpdate); a new one is published at half-life.
    pub crl_validity_hours: std::num::NonZeroU32,
    /// How often the CRL schedule looks for CRLs past half-life.
    pub crl_refresh_secs: std::num::NonZeroU64,
    /// How long an OCSP answer may be cached (nextUpdate − thisUpdate).
    pub ocsp_validity_minutes: std::num::NonZeroU32,
    /// Policy OID under which the TSA issues time-stamp tokens.
    pub tsa_policy_oid: String,
}

impl Default for CaConfig {
    fn default() -> Self {
        Self {
            organization: "cloudseal".into(),
            country: "RU".into(),
            qualified_policy_oid: "2.25.300201855676221193018283094106820802017".into(),
            simple_policy_oid: "2.25.218877582812325327415218361224898505603".into(),
            subscriber_validity_days: 365,
            crl_validity_hours: std::num::NonZeroU32::MIN.saturating_add(23),
            crl_refresh_secs: std::num::NonZeroU64::MIN.saturating_add(299),
            ocsp_validity_minutes: std::num::NonZeroU32::MIN.saturating_add(59),
            tsa_policy_oid: "2.25.148303837081591489221507928534181204727".into(),
        }
    }
}

/// Signing keys in custody and their authorisations (DESIGN §3).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SigningConfig {
    /// argon2id memory (KiB) of the PIN seal of new keys; existing keys keep theirs.
    pub pin_kdf_memory_kib: u32,
    /// argon2id passes of the PIN seal of new keys.
    pub pin_kdf_iterations: u32,
    /// Wrong PINs in a row before the key locks.
    pub pin_max_attempts: std::num::NonZeroU32,
    /// First lock, in minutes; each further lock lasts twice as long, up to a day.
    pub pin_lock_minutes: std::num::NonZeroU32,
    /// Longest life of one authorisation (SAD), in seconds.
    pub authorisation_max_secs: std::num::NonZeroU32,
    /// Most signatures one authorisation may allow.
    pub authorisation_max_signatures: std::num::NonZeroU32,
    /// How often expired authorisations are closed and their HSM objects destroyed.
    pub sweep_interval_ms: std::num::NonZeroU64,
}

impl Default for SigningConfig {
    fn default() -> Self {
        let kdf = crate::vault::custody::PinKdf::default();
        Self {
            pin_kdf_memory_kib: kdf.memory_kib,
            pin_kdf_iterations: kdf.iterations,
            pin_max_attempts: std::num::NonZeroU32::MIN.saturating_add(4),
            pin_lock_minutes: std::num::NonZeroU32::MIN.saturating_add(14),
            authorisation_max_secs: std::num::NonZeroU32::MIN.saturating_add(299),
            authorisation_max_signatures: std::num::NonZeroU32::MIN.saturating_add(999),
            sweep_interval_ms: std::num::NonZeroU64::MIN.saturating_add(999),
        }
    }
}

impl SigningConfig {
    /// The PIN seal cost of new keys.
    pub fn pin_kdf(&self) -> crate::vault::custody::PinKdf {
        crate::vault::custody::PinKdf {
            memory_kib: self.pin_kdf_memory_kib,
            iterations: self.pin_kdf_iterations,
        }
    }
}

/// Notification delivery settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotifyConfig {
    /// How often the worker looks for due notifications.
    pub poll_interval_ms: u64,
    /// Attempts before a notification is given up as failed.
    pub max_attempts: i32,
    /// First retry delay; doubles per attempt.
    pub backoff_base_ms: u64,
    /// Longest retry delay.
    pub backoff_max_secs: u64,
    /// SMS provider.
    pub sms: SmsConfig,
    /// Email provider.
    pub email: EmailConfig,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        Self {
            poll_interval_ms: 500,
            max_attempts: 10,
            backoff_base_ms: 2000,
            backoff_max_secs: 3600,
            sms: SmsConfig::default(),
            email: EmailConfig::default(),
        }
    }
}

/// Which SMS provider delivers messages.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum SmsProviderKind {
    /// Stored only; read with `cloudseal outbox list` (development).
    #[default]
    Outbox,
    /// POST to an SMS gateway.
    Http,
}

/// SMS provider settings.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct SmsConfig {
    /// `outbox` or `http`.
    pub provider: SmsProviderKind,
    /// Gateway URL (http provider).
    pub url: Option<String>,
    /// Value of the `Authorization` header sent to the gateway.
    pub auth_header: Option<Secret>,
    /// Request body with `{{to}}` and `{{text}}` placeholders, escaped for `content_type`.
    pub body_template: Option<String>,
    /// `application/json` (default) or `application/x-www-form-urlencoded`.
    pub content_type: Option<String>,
    /// Sender name or number passed as `{{from}}`.
    pub from: Option<String>,
}

/// Which email provider delivers messages.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum EmailProviderKind {
    /// Stored only (development).
    #[default]
    Outbox,
    /// An SMTP relay.
    Smtp,
}

/// Transport security towards the SMTP relay.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain SMTP (a relay on loopback only).
    None,
    /// STARTTLS required.
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// Email provider settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmailConfig {
    /// `outbox` or `smtp`.
    pub provider: EmailProviderKind,
    /// The From header.
    pub from: String,
    /// SMTP host.
    pub host: Option<String>,
    /// SMTP port; default by `tls`.
    pub port: Option<u16>,
    /// Transport security.
    pub tls: SmtpTls,
    /// SMTP user name.
    pub username: Option<String>,
    /// SMTP password.
    pub password: Option<Secret>,
}

impl Default for EmailConfig {
    fn default() -> Self {
        Self {
            provider: EmailProviderKind::Outbox,
            from: "cloudseal <no-reply@localhost>".into(),
            host: None,
            port: None,
            tls: SmtpTls::Starttls,
            username: None,
            password: None,
        }
    }
}

mod defaults {
    pub fn pool_size() -> usize {
        16
    }
    pub fn connect_attempts() -> u32 {
        8
    }
    pub fn connect_backoff_ms() -> u64 {
        250
    }
    pub fn pool_wait_ms() -> u64 {
        5000
    }
    pub fn hsm_sessions() -> usize {
        8
    }
}

/// Why a configuration was refused; the message names the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not TOML.
    #[error("configuration file {path} is not valid TOML: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Parser message.
        message: String,
    },
    /// A key is unknown, missing or of the wrong type.
    #[error("invalid configuration: {key}: {message}")]
    Invalid {
        /// Dotted path of the key.
        key: String,
        /// What is wrong.
        message: String,
    },
}

impl Config {
    /// Load from an optional TOML file and the given environment (pass `std::env::vars()`).
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let text = match file {
            Some(path) => std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.to_owned(),
                source,
            })?,
            None => String::new(),
        };
        Self::from_toml(&text, file.unwrap_or(Path::new("(none)")), env)
    }

    /// Parse TOML text (read from `origin`) overlaid with the given environment.
    pub fn from_toml(
        text: &str,
        origin: &Path,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut tree = text
            .parse::<toml::Table>()
            .map_err(|e| ConfigError::Syntax {
                path: origin.to_owned(),
                message: e.message().to_owned(),
            })?;
        for (name, value) in env {
            let Some(rest) = name.strip_prefix("CLOUDSEAL_") else {
                continue;
            };
            if rest == "CONFIG" || rest.starts_with("TEST_") {
                continue;
            }
            let path: Vec<String> = rest.split("__").map(|s| s.to_ascii_lowercase()).collect();
            set_path(&mut tree, &path, env_value(&value)).map_err(|message| {
                ConfigError::Invalid {
                    key: path.join("."),
                    message,
                }
            })?;
        }
        resolve_secret_files(&mut tree, &mut Vec::new())?;
        serde_path_to_error::deserialize(toml::Value::Table(tree))
            .map_err(|e| {
                let key = e.path().to_string();
                ConfigError::Invalid {
                    key: if key == "." {
                        "(top level)".into()
                    } else {
                        key
                    },
                    message: e
                        .into_inner()
                        .to_string()
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                }
            })
            .and_then(|c: Config| c.checked())
    }

    /// Values that parse but cannot work, refused at load rather than at first use.
    fn checked(self) -> Result<Self, ConfigError> {
        let kdf = self.signing.pin_kdf();
        if argon2::Params::new(kdf.memory_kib, kdf.iterations, 1, Some(32)).is_err() {
            return Err(ConfigError::Invalid {
                key: "signing.pin_kdf_memory_kib".into(),
                message: "argon2id needs at least 8 KiB and 1 pass".into(),
            });
        }
        let id = &self.identity;
        if argon2::Params::new(id.password_memory_kib, id.password_iterations, 1, Some(32)).is_err()
        {
            return Err(ConfigError::Invalid {
                key: "identity.password_memory_kib".into(),
                message: "argon2id needs at least 8 KiB and 1 pass".into(),
            });
        }
        Ok(self)
    }

    /// The URL migrations run with.
    pub fn migrate_url(&self) -> &Secret {
        self.database
            .migrate_url
            .as_ref()
            .unwrap_or(&self.database.url)
    }
}

/// An environment value is a TOML scalar when it parses as one and prints back the same
/// (numbers, booleans), else a string: `CLOUDSEAL_DATABASE__POOL_SIZE=4` is a number, while a
/// URL, `1_000` or a PIN like `004711` stay exactly as typed.
fn env_value(raw: &str) -> toml::Value {
    match format!("v = {raw}").parse::<toml::Table>() {
        Ok(mut t) => match t.remove("v") {
            Some(
                v @ (toml::Value::Integer(_) | toml::Value::Boolean(_) | toml::Value::Float(_)),
            ) if v.to_string() == raw => v,
            _ => toml::Value::String(raw.to_owned()),
        },
        Err(_) => toml::Value::String(raw.to_owned()),
    }
}

fn set_path(table: &mut toml::Table, path: &[String], value: toml::Value) -> Result<(), String> {
    match path {
        [] => Err("empty key".into()),
        [last] => {
            table.insert(last.clone(), value);
            Ok(())
        }
        [first, rest @ ..] => {
            let entry = table
                .entry(first.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            match entry {
                toml::Value::Table(t) => set_path(t, rest, value),
                _ => Err(format!("`{first}` is not a section")),
            }
        }
    }
}

fn resolve_secret_files(
    table: &mut toml::Table,
    path: &mut Vec<String>,
) -> Result<(), ConfigError> {
    let keys: Vec<String> = table.keys().cloned().collect();
    for key in keys {
        if let Some(toml::Value::Table(inner)) = table.get_mut(&key) {
            path.push(key.clone());
            resolve_secret_files(inner, path)?;
            path.pop();
            continue;
        }
        let Some(base) = key.strip_suffix("_file") else {
            continue;
        };
        if !SECRET_KEYS.contains(&base) {
            continue;
        }
        let dotted = path
            .iter()
            .chain(std::iter::once(&key))
            .cloned()
            .collect::<Vec<_>>()
            .join(".");
        let file = match table.remove(&key) {
            Some(toml::Value::String(f)) => f,
            _ => {
                return Err(ConfigError::Invalid {
                    key: dotted,
                    message: "expected a file path".into(),
                });
            }
        };
        let content = std::fs::read_to_string(&file).map_err(|e| ConfigError::Invalid {
            key: dotted,
            message: format!("cannot read {file}: {e}"),
        })?;
        let content = content.strip_suffix('\n').unwrap_or(&content);
        let content = content.strip_suffix('\r').unwrap_or(content);
        table.insert(base.to_owned(), toml::Value::String(content.to_owned()));
    }
    Ok(())
}
