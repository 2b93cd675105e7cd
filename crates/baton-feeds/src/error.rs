//! The one error type of the crate. Every variant names the URL or the path it is about; none
//! carries a request header, so an API key can never reach a message.

use std::path::PathBuf;

/// What went wrong while fetching a feed.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The server answered with a status that is not success (after retries, for the statuses
    /// that are retried).
    #[error("{url}: HTTP status {status}{}", message.as_deref().map(|m| format!(" ({m})")).unwrap_or_default())]
    Status {
        /// The URL asked for (user information removed).
        url: String,
        /// The HTTP status code.
        status: u16,
        /// The server's explanation when it gave one (NVD's `message` header).
        message: Option<String>,
    },
    /// The request could not be completed: connection refused or dropped, timeout, TLS, proxy
    /// (after retries for the errors that are retried).
    #[error("{url}: {message}")]
    Transport {
        /// The URL asked for (user information removed).
        url: String,
        /// What the HTTP client said.
        message: String,
    },
    /// The response (or an unpacked entry) is larger than the configured limit.
    #[error("{url}: response larger than the limit of {limit} bytes")]
    TooLarge {
        /// The URL asked for, or `URL#entry` for an archive entry.
        url: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// The response arrived whole but is not what was expected: not JSON, not a zip, a hash that
    /// does not match, a malformed feed.
    #[error("{url}: {message}")]
    Invalid {
        /// The URL asked for (user information removed).
        url: String,
        /// What is wrong with it.
        message: String,
    },
    /// A file in the cache could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A state file exists but cannot be read as this crate's JSON.
    #[error("state file {}: {message}", path.display())]
    State {
        /// The state file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The options given cannot work (a bad URL, a zero page size, …).
    #[error("{0}")]
    Config(String),
}

impl FeedError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        FeedError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn invalid(url: &str, message: impl Into<String>) -> Self {
        FeedError::Invalid {
            url: redact_url(url),
            message: message.into(),
        }
    }
}

/// The URL without user information (`https://user:password@host/` → `https://host/`), for
/// messages and reports.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}{}", &url[..scheme_end + 3], &rest[at + 1..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_information_is_removed() {
        assert_eq!(
            redact_url("https://me:secret@example.com/a@b"),
            "https://example.com/a@b"
        );
        assert_eq!(redact_url("https://example.com/x"), "https://example.com/x");
        assert_eq!(redact_url("not a url"), "not a url");
    }
}
