//! Delivery providers. SMS: `outbox` (stored only, development) or `http` (a gateway called
//! with a configurable body). Email: `outbox` or SMTP through lettre.

use crate::config::{EmailConfig, EmailProviderKind, SmsConfig, SmsProviderKind, SmtpTls};
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// How a delivery attempt ended, when it did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// Worth retrying (timeouts, 5xx, 429, connection refused).
    #[error("transient: {0}")]
    Transient(String),
    /// Retrying will not help (4xx, invalid address, misconfiguration).
    #[error("permanent: {0}")]
    Permanent(String),
}

/// The SMS provider in use.
#[derive(Debug, Clone)]
pub enum SmsProvider {
    /// Keep in the outbox table only.
    Outbox,
    /// An HTTP gateway.
    Http(HttpSms),
}

/// An HTTP SMS gateway.
#[derive(Debug, Clone)]
pub struct HttpSms {
    client: reqwest::Client,
    url: String,
    auth_header: Option<crate::config::Secret>,
    template: String,
    content_type: String,
    from: String,
}

/// Why a provider could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("invalid notification settings: {0}")]
pub struct ProviderConfigError(pub String);

const DEFAULT_TEMPLATE: &str = r#"{"to":"{{to}}","from":"{{from}}","text":"{{text}}"}"#;

impl SmsProvider {
    /// Build from settings.
    pub fn from_config(cfg: &SmsConfig) -> Result<Self, ProviderConfigError> {
        match cfg.provider {
            SmsProviderKind::Outbox => Ok(SmsProvider::Outbox),
            SmsProviderKind::Http => {
                let url = cfg.url.clone().ok_or_else(|| {
                    ProviderConfigError("notify.sms.url is required for the http provider".into())
                })?;
                let client = reqwest::Client::builder()
                    .timeout(Duration::from_secs(15))
                    .build()
                    .map_err(|e| ProviderConfigError(e.to_string()))?;
                Ok(SmsProvider::Http(HttpSms {
                    client,
                    url,
                    auth_header: cfg.auth_header.clone(),
                    template: cfg
                        .body_template
                        .clone()
                        .unwrap_or_else(|| DEFAULT_TEMPLATE.into()),
                    content_type: cfg
                        .content_type
                        .clone()
                        .unwrap_or_else(|| "application/json".into()),
                    from: cfg.from.clone().unwrap_or_else(|| "cloudseal".into()),
                }))
            }
        }
    }

    /// Name recorded with each attempt.
    pub fn name(&self) -> &'static str {
        match self {
            SmsProvider::Outbox => "outbox",
            SmsProvider::Http(_) => "http",
        }
    }

    /// Deliver one message; returns the provider's reference.
    pub async fn send(&self, to: &str, text: &str) -> Result<String, DeliveryError> {
        match self {
            SmsProvider::Outbox => Ok("stored".into()),
            SmsProvider::Http(h) => h.send(to, text).await,
        }
    }
}

fn escape_for(content_type: &str, value: &str) -> String {
    if content_type.contains("json") {
        let quoted = serde_json::Value::String(value.to_owned()).to_string();
        quoted[1..quoted.len() - 1].to_owned()
    } else {
        url_encode(value)
    }
}

fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl HttpSms {
    /// Fill the body template for one message.
    pub fn render(&self, to: &str, text: &str) -> String {
        self.template
            .replace("{{to}}", &escape_for(&self.content_type, to))
            .replace("{{from}}", &escape_for(&self.content_type, &self.from))
            .replace("{{text}}", &escape_for(&self.content_type, text))
    }

    async fn send(&self, to: &str, text: &str) -> Result<String, DeliveryError> {
        let mut req = self
            .client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, &self.content_type)
            .body(self.render(to, text));
        if let Some(auth) = &self.auth_header {
            req = req.header(reqwest::header::AUTHORIZATION, auth.expose());
        }
        let resp = req.send().await.map_err(|e| {
            DeliveryError::Transient(format!("gateway unreachable: {}", without_url(&e)))
        })?;
        let status = resp.status();
        let body: String = resp
            .text()
            .await
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect();
        if status.is_success() {
            Ok(format!("HTTP {} {}", status.as_u16(), body))
        } else if status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 408 {
            Err(DeliveryError::Transient(format!(
                "gateway answered HTTP {}",
                status.as_u16()
            )))
        } else {
            Err(DeliveryError::Permanent(format!(
                "gateway refused: HTTP {}",
                status.as_u16()
            )))
        }
    }
}

fn without_url(e: &reqwest::Error) -> String {
    let mut msg = e.to_string();
    if let Some(url) = e.url() {
        msg = msg.replace(url.as_str(), "(gateway)");
    }
    msg
}

/// The email provider in use.
#[derive(Clone)]
pub enum EmailProvider {
    /// Keep in the outbox table only.
    Outbox,
    /// An SMTP relay.
    Smtp {
        /// The transport.
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        /// From header.
        from: Mailbox,
    },
}

impl std::fmt::Debug for EmailProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl EmailProvider {
    /// Build from settings.
    pub fn from_config(cfg: &EmailConfig) -> Result<Self, ProviderConfigError> {
        if cfg.provider == EmailProviderKind::Outbox {
            return Ok(EmailProvider::Outbox);
        }
        let host = cfg.host.as_deref().ok_or_else(|| {
            ProviderConfigError("notify.email.host is required for the smtp provider".into())
        })?;
        let from: Mailbox = cfg
            .from
            .parse()
            .map_err(|e| ProviderConfigError(format!("notify.email.from: {e}")))?;
        let builder = match cfg.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|e| ProviderConfigError(format!("notify.email: {e}")))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .map_err(|e| ProviderConfigError(format!("notify.email: {e}")))?,
        };
        let mut builder = builder.timeout(Some(Duration::from_secs(20)));
        if let Some(port) = cfg.port {
            builder = builder.port(port);
        }
        if let (Some(user), Some(password)) = (&cfg.username, &cfg.password) {
            builder =
                builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
        }
        Ok(EmailProvider::Smtp {
            transport: Box::new(builder.build()),
            from,
        })
    }

    /// Name recorded with each attempt.
    pub fn name(&self) -> &'static str {
        match self {
            EmailProvider::Outbox => "outbox",
            EmailProvider::Smtp { .. } => "smtp",
        }
    }

    /// Deliver one message; returns the relay's answer.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<String, DeliveryError> {
        let EmailProvider::Smtp { transport, from } = self else {
            return Ok("stored".into());
        };
        let to: Mailbox = to
            .parse()
            .map_err(|_| DeliveryError::Permanent("invalid recipient address".into()))?;
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| DeliveryError::Permanent(format!("cannot build message: {e}")))?;
        match transport.send(message).await {
            Ok(resp) => Ok(format!("SMTP {}", resp.code())),
            Err(e) if e.is_permanent() => {
                Err(DeliveryError::Permanent(format!("relay refused: {e}")))
            }
            Err(e) => Err(DeliveryError::Transient(format!("relay: {e}"))),
        }
    }
}
