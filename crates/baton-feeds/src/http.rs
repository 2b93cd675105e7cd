//! The HTTP layer: one blocking `ureq` agent, retries with backoff, the rate limiter, size
//! limits, and resumable downloads into `*.part` files.

use crate::clock::{Clock, RateLimiter};
use crate::error::{FeedError, redact_url};
use crate::store::{read_json_opt, remove_quietly, write_atomic};
use crate::{Progress, ProxySetting, TlsRoots};
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// How failed requests are retried: 408, 429, 500, 502, 503 and 504 answers (and 403 for NVD,
/// which answers rate-limited clients with it), dropped connections and timeouts. The wait
/// doubles from `initial_backoff` up to `max_backoff`; a `Retry-After` header in seconds is
/// honoured up to `max_backoff`.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (at least 1).
    pub max_attempts: u32,
    /// The wait before the second attempt.
    pub initial_backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            initial_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(20)).unwrap_or(u32::MAX);
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// The validators of a stored response, sent back as `If-None-Match` / `If-Modified-Since` (or
/// `If-Range` when resuming).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Validators {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

impl Validators {
    fn from_response<B>(response: &ureq::http::Response<B>) -> Self {
        Validators {
            etag: header(response, "etag"),
            last_modified: header(response, "last-modified"),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }

    /// The value for `If-Range`: a strong ETag, else the date.
    fn if_range(&self) -> Option<&str> {
        match &self.etag {
            Some(etag) if !etag.starts_with("W/") => Some(etag),
            _ => self.last_modified.as_deref(),
        }
    }
}

/// One request's settings beyond the URL.
#[derive(Default)]
pub(crate) struct Request<'a> {
    /// Extra headers. Values are never printed.
    pub headers: Vec<(&'static str, String)>,
    /// Waited on before every attempt.
    pub limiter: Option<&'a RateLimiter>,
    /// Treat 403 as "slow down" and retry.
    pub retry_forbidden: bool,
    /// Do not follow redirects (used when a secret header is sent).
    pub no_redirects: bool,
}

/// A complete small response held in memory.
pub(crate) struct Fetched {
    pub body: Vec<u8>,
}

pub(crate) enum DownloadOutcome {
    /// The server said 304: the stored copy is current.
    NotModified,
    /// The file was downloaded, checked and renamed into place.
    Saved { validators: Validators },
}

/// What the `.part.json` file beside a partial download remembers, so that a later run may
/// resume it with `Range` + `If-Range`.
#[derive(Debug, Default, Serialize, Deserialize)]
struct PartMeta {
    url: String,
    #[serde(flatten)]
    validators: Validators,
}

enum Attempt<T> {
    Done(T),
    Retry {
        error: FeedError,
        after: Option<Duration>,
    },
    Fail(FeedError),
}

pub(crate) struct Http {
    agent: ureq::Agent,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
}

pub(crate) struct HttpSettings<'a> {
    pub user_agent: &'a str,
    pub proxy: &'a ProxySetting,
    pub tls_roots: TlsRoots,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub retry: RetryPolicy,
    pub clock: Arc<dyn Clock>,
}

impl Http {
    pub fn new(settings: HttpSettings<'_>) -> Result<Self, FeedError> {
        let proxy = match settings.proxy {
            ProxySetting::FromEnv => ureq::Proxy::try_from_env(),
            ProxySetting::None => None,
            ProxySetting::Url(url) => Some(
                ureq::Proxy::new(url)
                    .map_err(|e| FeedError::Config(format!("proxy {}: {e}", redact_url(url))))?,
            ),
        };
        let roots = match settings.tls_roots {
            TlsRoots::Platform => ureq::tls::RootCerts::PlatformVerifier,
            TlsRoots::WebPki => ureq::tls::RootCerts::WebPki,
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(proxy)
            .user_agent(settings.user_agent)
            .tls_config(ureq::tls::TlsConfig::builder().root_certs(roots).build())
            .timeout_connect(Some(settings.connect_timeout))
            .timeout_recv_response(Some(settings.read_timeout))
            .timeout_per_read(Some(settings.read_timeout))
            .max_redirects(10)
            .build();
        let mut retry = settings.retry;
        retry.max_attempts = retry.max_attempts.max(1);
        Ok(Http {
            agent: ureq::Agent::new_with_config(config),
            retry,
            clock: settings.clock,
        })
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    fn send(
        &self,
        url: &str,
        req: &Request<'_>,
        extra: &[(&str, String)],
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        if let Some(limiter) = req.limiter {
            limiter.acquire(self.clock.as_ref());
        }
        let mut builder = self.agent.get(url);
        for (name, value) in req
            .headers
            .iter()
            .map(|(n, v)| (*n, v))
            .chain(extra.iter().map(|(n, v)| (*n, v)))
        {
            builder = builder.header(name, value.as_str());
        }
        if req.no_redirects {
            builder = builder.config().max_redirects(0).build();
        }
        builder.call()
    }

    fn run<T>(&self, mut attempt: impl FnMut(u32) -> Attempt<T>) -> Result<T, FeedError> {
        let mut n = 0;
        loop {
            match attempt(n) {
                Attempt::Done(value) => return Ok(value),
                Attempt::Fail(error) => return Err(error),
                Attempt::Retry { error, after } => {
                    n += 1;
                    if n >= self.retry.max_attempts {
                        return Err(error);
                    }
                    let wait = after
                        .map(|a| a.min(self.retry.max_backoff))
                        .unwrap_or_else(|| self.retry.backoff(n - 1));
                    self.clock.sleep(wait);
                }
            }
        }
    }

    /// Fetches a small document into memory. `Ok(None)` when the server answers 304 to the
    /// conditional request built from `conditional`.
    pub fn get_bytes(
        &self,
        url: &str,
        req: &Request<'_>,
        limit: u64,
        conditional: Option<&Validators>,
    ) -> Result<Option<Fetched>, FeedError> {
        let mut extra = Vec::new();
        if let Some(v) = conditional {
            if let Some(etag) = &v.etag {
                extra.push(("if-none-match", etag.clone()));
            }
            if let Some(date) = &v.last_modified {
                extra.push(("if-modified-since", date.clone()));
            }
        }
        self.run(|_| {
            let response = match self.send(url, req, &extra) {
                Ok(r) => r,
                Err(e) => return transport(url, e),
            };
            let status = response.status().as_u16();
            if status == 304 && conditional.is_some() {
                return Attempt::Done(None);
            }
            if !(200..300).contains(&status) {
                return status_outcome(url, &response, req.retry_forbidden);
            }
            if let Some(len) = content_length(&response)
                && len > limit
            {
                return Attempt::Fail(too_large(url, limit));
            }
            let mut body = Vec::new();
            let reader = response.into_body().into_reader();
            match reader.take(limit + 1).read_to_end(&mut body) {
                Ok(_) if body.len() as u64 > limit => Attempt::Fail(too_large(url, limit)),
                Ok(_) => Attempt::Done(Some(Fetched { body })),
                Err(e) => Attempt::Retry {
                    error: FeedError::Transport {
                        url: redact_url(url),
                        message: format!("connection lost while reading the body: {e}"),
                    },
                    after: None,
                },
            }
        })
    }

    /// Downloads `url` to `dest` through `dest.part`, resuming a partial file left by an earlier
    /// attempt or run (`Range` + `If-Range`). `check` sees the complete `.part` file; only when it
    /// agrees is the file renamed to `dest`. A conditional request is made from `conditional`
    /// when nothing partial is there and `dest` exists.
    #[allow(clippy::too_many_arguments)]
    pub fn download(
        &self,
        url: &str,
        req: &Request<'_>,
        dest: &Path,
        limit: u64,
        conditional: Option<&Validators>,
        progress: &mut dyn Progress,
        label: &str,
        check: &mut dyn FnMut(&Path) -> Result<(), FeedError>,
    ) -> Result<DownloadOutcome, FeedError> {
        let part = sibling(dest, ".part");
        let meta_path = sibling(dest, ".part.json");
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).map_err(|e| FeedError::io(dir, e))?;
        }
        // What an earlier run left: resumable only if it was the same URL and the server gave a
        // validator to check that the file has not changed since.
        let mut resume: Option<Validators> = match read_json_opt::<PartMeta>(&meta_path) {
            Ok(Some(meta)) if meta.url == url && !meta.validators.is_empty() && part.exists() => {
                Some(meta.validators)
            }
            _ => {
                remove_quietly(&part);
                remove_quietly(&meta_path);
                None
            }
        };
        let conditional = conditional.filter(|_| resume.is_none() && dest.exists());
        let mut started = false;

        let result = self.run(|_| {
            let offset = match (&resume, std::fs::metadata(&part)) {
                (Some(_), Ok(m)) => m.len(),
                _ => 0,
            };
            let mut extra: Vec<(&str, String)> = vec![("accept-encoding", "identity".into())];
            if offset > 0 {
                extra.push(("range", format!("bytes={offset}-")));
                if let Some(value) = resume.as_ref().and_then(Validators::if_range) {
                    extra.push(("if-range", value.to_string()));
                }
            } else if let Some(v) = conditional {
                if let Some(etag) = &v.etag {
                    extra.push(("if-none-match", etag.clone()));
                }
                if let Some(date) = &v.last_modified {
                    extra.push(("if-modified-since", date.clone()));
                }
            }
            let response = match self.send(url, req, &extra) {
                Ok(r) => r,
                Err(e) => return transport(url, e),
            };
            let status = response.status().as_u16();
            if status == 304 && conditional.is_some() && offset == 0 {
                return Attempt::Done(DownloadOutcome::NotModified);
            }
            if status == 416 && offset > 0 {
                // The partial file no longer fits the resource: start again.
                remove_quietly(&part);
                resume = None;
                return Attempt::Retry {
                    error: FeedError::invalid(url, "the server refused to resume (416)"),
                    after: Some(Duration::ZERO),
                };
            }
            if !(200..300).contains(&status) {
                return status_outcome(url, &response, req.retry_forbidden);
            }
            let validators = Validators::from_response(&response);
            let (append_from, expected_total) = if status == 206 && offset > 0 {
                match header(&response, "content-range")
                    .as_deref()
                    .and_then(parse_content_range)
                {
                    Some((start, total)) if start == offset => (offset, total),
                    _ => {
                        remove_quietly(&part);
                        resume = None;
                        return Attempt::Retry {
                            error: FeedError::invalid(url, "unexpected Content-Range on resume"),
                            after: Some(Duration::ZERO),
                        };
                    }
                }
            } else if status == 206 {
                return Attempt::Fail(FeedError::invalid(
                    url,
                    "partial content (206) to a request without Range",
                ));
            } else {
                (0, content_length(&response))
            };
            if let Some(total) = expected_total
                && total > limit
            {
                remove_quietly(&part);
                remove_quietly(&meta_path);
                return Attempt::Fail(too_large(url, limit));
            }
            // Remember how to resume this download, before writing any of it.
            let meta = PartMeta {
                url: url.to_string(),
                validators: validators.clone(),
            };
            if let Err(e) = write_json(&meta_path, &meta) {
                return Attempt::Fail(e);
            }
            resume = Some(validators.clone());
            let file = if append_from > 0 {
                OpenOptions::new().append(true).open(&part)
            } else {
                File::create(&part)
            };
            let mut file = match file {
                Ok(f) => f,
                Err(e) => return Attempt::Fail(FeedError::io(&part, e)),
            };
            if !started {
                progress.start(label, expected_total);
                started = true;
            }
            if append_from > 0 {
                progress.advance(append_from);
            }
            let mut reader = response.into_body().into_reader();
            let mut written = append_from;
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) => {
                        let _ = file.flush();
                        return Attempt::Retry {
                            error: FeedError::Transport {
                                url: redact_url(url),
                                message: format!(
                                    "connection lost after {written} bytes of the body: {e}"
                                ),
                            },
                            after: None,
                        };
                    }
                };
                written += n as u64;
                if written > limit {
                    drop(file);
                    remove_quietly(&part);
                    remove_quietly(&meta_path);
                    return Attempt::Fail(too_large(url, limit));
                }
                if let Err(e) = file.write_all(&buf[..n]) {
                    return Attempt::Fail(FeedError::io(&part, e));
                }
                progress.advance(n as u64);
            }
            if let Some(total) = expected_total
                && written != total
            {
                let _ = file.flush();
                return Attempt::Retry {
                    error: FeedError::Transport {
                        url: redact_url(url),
                        message: format!("body ended after {written} of {total} bytes"),
                    },
                    after: None,
                };
            }
            if let Err(e) = file.sync_all() {
                return Attempt::Fail(FeedError::io(&part, e));
            }
            drop(file);
            if let Err(e) = check(&part) {
                remove_quietly(&part);
                remove_quietly(&meta_path);
                return Attempt::Fail(e);
            }
            if let Err(e) = std::fs::rename(&part, dest) {
                return Attempt::Fail(FeedError::io(dest, e));
            }
            remove_quietly(&meta_path);
            Attempt::Done(DownloadOutcome::Saved { validators })
        });
        if started {
            progress.finish();
        }
        result
    }
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), FeedError> {
    let bytes = serde_json::to_vec_pretty(value).map_err(|e| FeedError::State {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    write_atomic(path, &bytes)
}

/// `dir/name` + `suffix` → `dir/name{suffix}`.
pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

fn header<B>(response: &ureq::http::Response<B>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn content_length<B>(response: &ureq::http::Response<B>) -> Option<u64> {
    if header(response, "content-encoding").is_some_and(|e| !e.eq_ignore_ascii_case("identity")) {
        return None;
    }
    header(response, "content-length").and_then(|v| v.parse().ok())
}

/// `bytes 100-999/1000` → (100, Some(1000)); `bytes 100-999/*` → (100, None).
pub(crate) fn parse_content_range(value: &str) -> Option<(u64, Option<u64>)> {
    let rest = value.trim().strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    let start: u64 = start.trim().parse().ok()?;
    let end: u64 = end.trim().parse().ok()?;
    if end < start {
        return None;
    }
    let total = match total.trim() {
        "*" => None,
        t => {
            let t: u64 = t.parse().ok()?;
            if t <= end {
                return None;
            }
            Some(t)
        }
    };
    Some((start, total))
}

fn too_large(url: &str, limit: u64) -> FeedError {
    FeedError::TooLarge {
        url: redact_url(url),
        limit,
    }
}

fn transport<T>(url: &str, error: ureq::Error) -> Attempt<T> {
    let retryable = matches!(
        error,
        ureq::Error::Io(_)
            | ureq::Error::Timeout(_)
            | ureq::Error::ConnectionFailed
            | ureq::Error::Protocol(_)
            | ureq::Error::BodyStalled
    );
    let error = FeedError::Transport {
        url: redact_url(url),
        message: error.to_string(),
    };
    if retryable {
        Attempt::Retry { error, after: None }
    } else {
        Attempt::Fail(error)
    }
}

fn status_outcome<T, B>(
    url: &str,
    response: &ureq::http::Response<B>,
    retry_forbidden: bool,
) -> Attempt<T> {
    let status = response.status().as_u16();
    // NVD explains refusals in a `message` header; keep it short and printable.
    let message = header(response, "message").map(|m| {
        m.chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect::<String>()
    });
    let error = FeedError::Status {
        url: redact_url(url),
        status,
        message,
    };
    let retryable =
        matches!(status, 408 | 429 | 500 | 502 | 503 | 504) || (status == 403 && retry_forbidden);
    if retryable {
        let after = header(response, "retry-after")
            .and_then(|v| v.parse::<u64>().ok())
            .map(Duration::from_secs);
        Attempt::Retry { error, after }
    } else {
        Attempt::Fail(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range() {
        assert_eq!(
            parse_content_range("bytes 100-999/1000"),
            Some((100, Some(1000)))
        );
        assert_eq!(parse_content_range("bytes 0-0/*"), Some((0, None)));
        assert_eq!(parse_content_range("bytes 10-5/100"), None);
        assert_eq!(parse_content_range("bytes 10-100/100"), None);
        assert_eq!(parse_content_range("items 1-2/3"), None);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(20),
        };
        let waits: Vec<u64> = (0..6).map(|n| policy.backoff(n).as_secs()).collect();
        assert_eq!(waits, vec![2, 4, 8, 16, 20, 20]);
    }

    #[test]
    fn weak_etags_are_not_used_for_if_range() {
        let v = Validators {
            etag: Some("W/\"x\"".into()),
            last_modified: Some("Tue, 01 Oct 2024 00:00:00 GMT".into()),
        };
        assert_eq!(v.if_range(), Some("Tue, 01 Oct 2024 00:00:00 GMT"));
        let v = Validators {
            etag: Some("\"x\"".into()),
            last_modified: None,
        };
        assert_eq!(v.if_range(), Some("\"x\""));
    }
}
