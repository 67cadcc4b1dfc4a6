//! Logging set-up. Every line carries the request id through the request span (see
//! `http::middleware`); secrets never reach a log because the types that hold them do not
//! print them (`config::Secret`) and handlers log ids, never payloads.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Output format of log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines, for a terminal.
    #[default]
    Text,
    /// One JSON object a line, with the current span's fields, for log collectors.
    Json,
}

/// Install the global subscriber once; later calls (tests) are ignored.
pub fn init(format: LogFormat, default_filter: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match format {
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(false),
            )
            .try_init(),
        LogFormat::Text => registry.with(fmt::layer().with_target(false)).try_init(),
    };
}
