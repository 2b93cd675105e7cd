//! Structured logs: human-readable text or JSON lines on stderr, filtered by `BATON_LOG`
//! (`RUST_LOG` syntax; default `info`). Request spans carry method, path, request id and client
//! address only, never headers, cookies, tokens or query strings.

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

#[derive(Debug, thiserror::Error)]
pub enum LogInitError {
    #[error("BATON_LOG: {0}")]
    Filter(String),
    #[error("a global logger is already installed")]
    AlreadySet,
}

/// Install the global subscriber once per process.
pub fn init(format: LogFormat) -> Result<(), LogInitError> {
    let filter = match std::env::var("BATON_LOG") {
        Ok(v) => EnvFilter::try_new(v).map_err(|e| LogInitError::Filter(e.to_string()))?,
        Err(_) => EnvFilter::new("info"),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
    result.map_err(|_| LogInitError::AlreadySet)
}
