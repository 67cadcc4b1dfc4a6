//! The folder agent's configuration: a TOML file (unknown keys refused) naming the server, the
//! machine credential, the folders and how to sign. The two secrets — the credential's and the
//! seal's PIN — are read from files only the agent's user can read, or from the environment,
//! never from the TOML itself, so the config can be shown and versioned.

use super::AgentError;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The environment variable that may carry the machine credential's secret.
pub const SECRET_ENV: &str = "CLOUDSEAL_AGENT_SECRET";
/// The environment variable that may carry the seal's PIN.
pub const PIN_ENV: &str = "CLOUDSEAL_AGENT_PIN";

/// How the agent signs what it sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureFormat {
    /// CAdES detached: the `.p7s` beside the file (the default).
    Detached,
    /// CAdES attached: the file inside the signature.
    Attached,
}

/// CAdES-BES, or CAdES-T with the service's time-stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureLevel {
    /// Basic.
    Bes,
    /// With a time-stamp.
    T,
}

/// The configuration as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// The service's base URL, e.g. `https://cloudseal.example.org`.
    pub server: String,
    /// The machine credential's client id (`ag_…`).
    pub client_id: String,
    /// A file holding the credential's secret (else `CLOUDSEAL_AGENT_SECRET`).
    #[serde(default)]
    pub client_secret_file: Option<PathBuf>,
    /// A file holding the seal's PIN (else `CLOUDSEAL_AGENT_PIN`).
    #[serde(default)]
    pub pin_file: Option<PathBuf>,
    /// The seal credential; by default the one seal the credential reaches.
    #[serde(default)]
    pub credential: Option<uuid::Uuid>,
    /// Files dropped here are signed and sent; a sub-folder named as an e-mail address sends
    /// to that address. `sent/` and `failed/` are made inside it.
    pub outbox: PathBuf,
    /// What arrives is filed here, one folder per sending; `quarantine/` inside it.
    pub inbox: PathBuf,
    /// Recipients of files put directly in the outbox.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// Detached (default) or attached.
    #[serde(default = "detached")]
    pub format: SignatureFormat,
    /// `bes` (default) or `t`.
    #[serde(default = "bes")]
    pub level: SignatureLevel,
    /// Seconds between outbox rescans (a file-system notification wakes the agent sooner).
    #[serde(default = "two")]
    pub scan_secs: u64,
    /// Seconds a file's size and time must stay unchanged before it is sent (unless a
    /// `<name>.ready` marker says it is complete).
    #[serde(default = "three")]
    pub settle_secs: u64,
    /// Seconds between inbox polls.
    #[serde(default = "thirty")]
    pub poll_secs: u64,
    /// Acknowledge each verified sending by sealing its receipt.
    #[serde(default = "yes")]
    pub acknowledge: bool,
    /// Encrypt each file (signed first) to its recipients' encryption certificates and the
    /// seal's own, so the server keeps only ciphertext; recipients must be accepted
    /// counterparties with an encryption certificate.
    #[serde(default)]
    pub encrypt: bool,
}

fn detached() -> SignatureFormat {
    SignatureFormat::Detached
}
fn bes() -> SignatureLevel {
    SignatureLevel::Bes
}
fn two() -> u64 {
    2
}
fn three() -> u64 {
    3
}
fn thirty() -> u64 {
    30
}
fn yes() -> bool {
    true
}

/// The configuration with its secrets read.
pub struct Loaded {
    /// As written.
    pub config: AgentConfig,
    /// The credential's secret.
    pub secret: Zeroizing<String>,
    /// The seal's PIN.
    pub pin: Zeroizing<String>,
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn read_secret(
    file: Option<&Path>,
    env: &str,
    what: &str,
    vars: &dyn Fn(&str) -> Option<String>,
) -> Result<Zeroizing<String>, AgentError> {
    let raw = match (file, vars(env)) {
        (Some(path), _) => Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            AgentError::Config(format!(
                "cannot read the {what} from {}: {e}",
                path.display()
            ))
        })?),
        (None, Some(v)) => Zeroizing::new(v),
        (None, None) => {
            return Err(AgentError::Config(format!(
                "the {what} is missing: name a file in the config or set {env}"
            )));
        }
    };
    let value = Zeroizing::new(raw.trim().to_owned());
    if value.is_empty() {
        return Err(AgentError::Config(format!("the {what} is empty")));
    }
    Ok(value)
}

impl AgentConfig {
    /// Parse the TOML text, checking what can be checked without the server.
    pub fn parse(text: &str) -> Result<Self, AgentError> {
        let c: AgentConfig =
            toml::from_str(text).map_err(|e| AgentError::Config(format!("config: {e}")))?;
        if !(c.server.starts_with("http://") || c.server.starts_with("https://")) {
            return Err(AgentError::Config(
                "server must be an http:// or https:// URL".into(),
            ));
        }
        if !c.client_id.starts_with("ag_") {
            return Err(AgentError::Config(
                "client_id must be a folder agent's machine credential (ag_…)".into(),
            ));
        }
        if c.outbox == c.inbox {
            return Err(AgentError::Config(
                "the outbox and the inbox must be different folders".into(),
            ));
        }
        if c.scan_secs == 0 || c.poll_secs == 0 {
            return Err(AgentError::Config(
                "scan_secs and poll_secs are at least 1".into(),
            ));
        }
        Ok(c)
    }

    /// Read the file at `path` and the secrets it names (or the environment's).
    pub fn load(path: &Path, vars: &dyn Fn(&str) -> Option<String>) -> Result<Loaded, AgentError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| AgentError::Config(format!("cannot read {}: {e}", path.display())))?;
        let config = Self::parse(&text)?;
        let secret = read_secret(
            config.client_secret_file.as_deref(),
            SECRET_ENV,
            "client secret",
            vars,
        )?;
        let pin = read_secret(config.pin_file.as_deref(), PIN_ENV, "seal PIN", vars)?;
        Ok(Loaded {
            config,
            secret,
            pin,
        })
    }
}

/// The commented example `cloudseal agent init` writes.
pub const EXAMPLE: &str = r#"# cloudseal folder agent — signs, sends and files documents with an organisation seal.
#
# The seal's holder issues the machine credential in the cabinet or with
#   POST /api/v1/me/agents   (confirmed with their one-time code; the secret is shown once)
# Keep the secret and the seal's PIN in files readable only by the agent's user
# (chmod 600), or pass them as CLOUDSEAL_AGENT_SECRET and CLOUDSEAL_AGENT_PIN.

# The service.
server = "https://cloudseal.example.org"

# The machine credential.
client_id = "ag_0123456789abcdef01234567"
client_secret_file = "/etc/cloudseal-agent/client-secret"
pin_file = "/etc/cloudseal-agent/seal-pin"

# The seal to use; by default the one seal the credential was issued for.
# credential = "00000000-0000-0000-0000-000000000000"

# Drop files here to send them. A sub-folder named as an e-mail address
# (outbox/partner@example.org/) sends to that address; files directly in the
# outbox go to `recipients`. A file is sent once its size and time have been
# still for `settle_secs`, or at once when `<name>.ready` appears beside it.
# Names starting with "." or ending in .tmp, .part, .partial, .crdownload, .swp
# or ~ are never sent. Sent files move to outbox/sent/ with their signature and a
# JSON receipt; refused ones to outbox/failed/ with a .reason.txt.
outbox = "/srv/cloudseal/outbox"
recipients = ["accounts@partner.example.org"]

# What arrives is verified and filed here, one folder per sending, with the
# signatures and the service's sealed delivery protocol; anything that does not
# verify goes to inbox/quarantine/ with the report.
inbox = "/srv/cloudseal/inbox"

# "detached" (a .p7s beside the file) or "attached"; "bes" or "t" (time-stamped).
format = "detached"
level = "bes"

# Seconds between outbox rescans (changes wake the agent at once where the file
# system notifies), of stillness before sending, between inbox polls.
scan_secs = 2
settle_secs = 3
poll_secs = 30

# Seal a receipt for every sending that verified (the sender is told).
acknowledge = true

# Sign each file, then encrypt it to its recipients' encryption certificates and
# this seal's own (CMS EnvelopedData), so the server keeps only ciphertext. The
# recipients must be accepted counterparties with an encryption certificate; the
# agent asks for its own with the PIN when it has none. What arrives encrypted is
# decrypted through the vault either way.
encrypt = false
"#;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_example_parses_and_unknown_keys_are_refused() {
        let c = AgentConfig::parse(EXAMPLE).unwrap();
        assert_eq!(c.format, SignatureFormat::Detached);
        assert_eq!(c.settle_secs, 3);
        let bad = format!("{EXAMPLE}\nsever = \"x\"\n");
        assert!(
            matches!(AgentConfig::parse(&bad), Err(AgentError::Config(m)) if m.contains("sever"))
        );
    }

    #[test]
    fn secrets_come_from_a_file_or_the_environment_and_never_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent.toml");
        let text = EXAMPLE
            .replace(
                "client_secret_file = \"/etc/cloudseal-agent/client-secret\"\n",
                "",
            )
            .replace("pin_file = \"/etc/cloudseal-agent/seal-pin\"\n", "");
        std::fs::write(&path, &text).unwrap();
        let none = |_: &str| None;
        assert!(
            matches!(AgentConfig::load(&path, &none), Err(AgentError::Config(m)) if m.contains(SECRET_ENV))
        );
        let env = |k: &str| match k {
            SECRET_ENV => Some("s3cret\n".to_owned()),
            PIN_ENV => Some("  ".to_owned()),
            _ => None,
        };
        assert!(
            matches!(AgentConfig::load(&path, &env), Err(AgentError::Config(m)) if m.contains("PIN is empty"))
        );
        let env = |k: &str| match k {
            SECRET_ENV => Some("s3cret\n".to_owned()),
            PIN_ENV => Some("1234-5678".to_owned()),
            _ => None,
        };
        let loaded = AgentConfig::load(&path, &env).unwrap();
        assert_eq!(loaded.secret.as_str(), "s3cret");
        assert!(!format!("{loaded:?}").contains("1234-5678"));
    }
}
