//! The downloading half of `baton sync`: fetches vulnerability data from public sources into a
//! local cache folder, resumably, and returns the files that are ready to import. Parsing is not
//! done here: the CLI hands the files to `baton_advisories::parse`, `parse_kev` and `parse_epss`.
//!
//! Sources (each takes a base URL, so tests can point at loopback; the defaults are the real
//! public addresses):
//! - **NVD CVE API 2.0** ([`Feeds::sync_nvd`]): incremental by `lastModStartDate` /
//!   `lastModEndDate` in windows of at most 120 days, paged by `startIndex`, rate limited
//!   (5 or, with an API key, 50 requests per rolling 30 s), one JSON file per page.
//! - **OSV** per-ecosystem `all.zip` ([`Feeds::sync_osv`]), unpacked into one JSON file per
//!   record with entry names reduced to safe file names and size limits against zip bombs.
//! - **CISA KEV** JSON ([`Feeds::sync_kev`]) and **FIRST EPSS** `.csv.gz` ([`Feeds::sync_epss`],
//!   kept gzipped), fetched conditionally (ETag / Last-Modified).
//! - **CSAF providers** ([`Feeds::sync_csaf`]): `provider-metadata.json` → ROLIE feeds (or a
//!   directory with `changes.csv` / `index.txt`) → advisories, each checked against its
//!   `.sha256` / `.sha512` file; entries whose `updated` is unchanged are not fetched again.
//!
//! Resuming: downloads go to `*.part` files (with a `*.part.json` note of the URL and its
//! validators) and are renamed into place only when complete and checked; a dropped connection
//! is resumed with `Range` + `If-Range`, within a run and in the next one. Each source keeps a
//! JSON state file, written atomically, so a second run continues where the first stopped. Files
//! stay listed as pending (returned by every sync) until [`Feeds::acknowledge`] is called after
//! a successful import, so a crash between download and import loses nothing.
//!
//! Cache layout (under the folder given to [`Feeds::new`]):
//! ```text
//! nvd/state.json                      last lastModEndDate reached, the window in progress, pending
//! nvd/pages/<end>-<startIndex>.json   one API page each (<end> = window end, 20240131T000000Z)
//! osv/<ecosystem>/all.zip             the archive as downloaded (kept for conditional requests)
//! osv/<ecosystem>/records/<id>.json   one record per entry
//! osv/<ecosystem>/state.json
//! kev/known_exploited_vulnerabilities.json, kev/state.json
//! epss/epss_scores-current.csv.gz,    epss/state.json
//! csaf/<provider host>/<file>.json    advisories whose hash matched
//! csaf/<provider host>/state.json     per advisory URL: updated, path, sha256
//! ```
//! One sync per cache folder at a time: there is no lock between processes.
//!
//! **HTTP client.** `ureq` 3 (blocking, rustls with the *ring* provider, gzip) rather than
//! reqwest: Baton's sync is a sequence of polite, rate-limited requests, so an async runtime
//! (tokio, hyper, tower) buys nothing and would roughly triple the dependency tree and build
//! time. `ureq` reads `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` and `NO_PROXY` from the
//! environment ([`ProxySetting::FromEnv`], the default) and can verify certificates with the
//! operating system's trust store ([`TlsRoots::Platform`], the default; needed behind a hospital's
//! TLS-inspecting proxy) or with the bundled Mozilla roots ([`TlsRoots::WebPki`]).
//!
//! **Secrets.** The NVD API key is sent only as the `apiKey` header, with redirects disabled so it
//! cannot follow one to another host; no error, report or `Debug` output contains it, and user
//! information in URLs (`https://user:pass@…`) is removed from every message.
//!
//! **Not done here:** OpenPGP signatures of CSAF advisories (the `signature` links) are not
//! checked; that would need an OpenPGP implementation (sequoia) and the provider's keys. The
//! hash files are fetched from the same server as the advisories, so they guard against
//! corruption and truncation, not against a compromised server.

mod clock;
mod csaf;
mod error;
mod http;
mod nvd;
mod osv;
mod single;
mod store;

pub use clock::{Clock, RateLimiter, SystemClock};
pub use csaf::CsafOptions;
pub use error::{FeedError, redact_url};
pub use http::RetryPolicy;
pub use nvd::{NVD_MAX_WINDOW_DAYS, NvdOptions, nvd_windows};
pub use osv::OsvOptions;
pub use store::safe_file_name;

use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// NVD CVE API 2.0.
pub const NVD_API_URL: &str = "https://services.nvd.nist.gov/rest/json/cves/2.0";
/// The OSV bucket; `{base}/{ECOSYSTEM}/all.zip`.
pub const OSV_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";
/// CISA's Known Exploited Vulnerabilities catalog.
pub const KEV_URL: &str =
    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";
/// FIRST EPSS scores of the day, gzipped CSV.
pub const EPSS_URL: &str = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz";
/// CISA's CSAF provider metadata (ICS and ICS medical advisories among others).
pub const CISA_CSAF_PROVIDER_METADATA_URL: &str =
    "https://www.cisa.gov/.well-known/csaf/provider-metadata.json";

/// What a fetched file holds, i.e. which reader the CLI hands it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// An advisory document or page (NVD page, OSV record, CSAF advisory): `baton_advisories::parse`.
    Advisory,
    /// The KEV catalog: `baton_advisories::parse_kev`.
    Kev,
    /// The EPSS scores (gzipped CSV): `baton_advisories::parse_epss`.
    Epss,
}

/// A file in the cache, complete and checked, ready to import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetchedFile {
    /// Absolute (or cache-relative, if the cache folder was given relative) path.
    pub path: PathBuf,
    /// Which reader takes it.
    pub kind: FileKind,
}

/// What one sync of one source did.
#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    /// `nvd`, `osv:<ecosystem>`, `kev`, `epss` or `csaf:<host>`.
    pub source: String,
    /// Files ready to import: those fetched now and those fetched earlier but not yet
    /// acknowledged. Import order within a source does not matter (imports are upserts).
    pub files: Vec<FetchedFile>,
    /// How many of `files` were downloaded (or changed) in this run.
    pub new_files: usize,
    /// Entries not downloaded again because they are unchanged (CSAF `updated`, identical OSV
    /// records, a 304 answer).
    pub skipped_unchanged: usize,
    /// Per-file problems that did not stop the source (a hash mismatch, a rejected archive
    /// entry); the files concerned were not kept.
    pub errors: Vec<String>,
    /// Things worth knowing that are not failures (an advisory without a hash file, a feed
    /// left out by the TLP filter).
    pub warnings: Vec<String>,
    /// For NVD: the `lastModEndDate` reached (RFC 3339); the next run starts there.
    pub up_to: Option<String>,
    /// The state file of this source.
    pub state_file: PathBuf,
}

impl SyncReport {
    fn new(source: impl Into<String>, state_file: PathBuf) -> Self {
        SyncReport {
            source: source.into(),
            files: Vec::new(),
            new_files: 0,
            skipped_unchanged: 0,
            errors: Vec::new(),
            warnings: Vec::new(),
            up_to: None,
            state_file,
        }
    }
}

/// Progress of a long step, for a terminal progress bar. Calls come in `start`, `advance`…,
/// `finish` groups; `total` is in bytes for downloads and in items for pages and entries.
pub trait Progress {
    /// A new step begins.
    fn start(&mut self, label: &str, total: Option<u64>);
    /// `n` more bytes or items are done.
    fn advance(&mut self, n: u64);
    /// The step is over.
    fn finish(&mut self);
    /// A remark worth showing (waiting for the rate limit, a retried request). Default: ignored.
    fn note(&mut self, _message: &str) {}
}

/// A [`Progress`] that shows nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&mut self, _label: &str, _total: Option<u64>) {}
    fn advance(&mut self, _n: u64) {}
    fn finish(&mut self) {}
}

/// Which proxy to use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProxySetting {
    /// `ALL_PROXY`, `HTTPS_PROXY`, `HTTP_PROXY` (or lower case), honouring `NO_PROXY`.
    #[default]
    FromEnv,
    /// Connect directly.
    None,
    /// This proxy (`http://host:port`, `socks5://…` is not enabled).
    Url(String),
}

/// Which certificates TLS trusts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TlsRoots {
    /// The operating system's trust store (includes a hospital proxy's own CA).
    #[default]
    Platform,
    /// The Mozilla roots compiled into the binary.
    WebPki,
}

/// Settings shared by all sources.
#[derive(Clone)]
pub struct FeedsConfig {
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Proxy choice.
    pub proxy: ProxySetting,
    /// Certificate roots.
    pub tls_roots: TlsRoots,
    /// Retries and backoff.
    pub retry: RetryPolicy,
    /// Time source for waits (rate limit, backoff); tests inject one that does not sleep.
    pub clock: Arc<dyn Clock>,
    /// Limit for one document held in memory or on disk: an NVD page, a CSAF advisory or feed,
    /// provider metadata, the KEV catalog, one unpacked OSV record.
    pub max_document_bytes: u64,
    /// Limit for one archive download: an OSV `all.zip`, the EPSS file.
    pub max_archive_bytes: u64,
    /// Limit for everything unpacked from one archive.
    pub max_unpacked_bytes: u64,
    /// Limit for the number of entries in one archive.
    pub max_archive_entries: usize,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Timeout for the response head and for any single read of the body.
    pub read_timeout: Duration,
}

impl std::fmt::Debug for FeedsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedsConfig")
            .field("user_agent", &self.user_agent)
            .field("proxy", &self.proxy)
            .field("tls_roots", &self.tls_roots)
            .field("retry", &self.retry)
            .field("max_document_bytes", &self.max_document_bytes)
            .field("max_archive_bytes", &self.max_archive_bytes)
            .field("max_unpacked_bytes", &self.max_unpacked_bytes)
            .field("max_archive_entries", &self.max_archive_entries)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .finish_non_exhaustive()
    }
}

impl Default for FeedsConfig {
    fn default() -> Self {
        FeedsConfig {
            user_agent: concat!("baton/", env!("CARGO_PKG_VERSION")).to_string(),
            proxy: ProxySetting::FromEnv,
            tls_roots: TlsRoots::Platform,
            retry: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
            max_document_bytes: 64 * 1024 * 1024,
            max_archive_bytes: 2 * 1024 * 1024 * 1024,
            max_unpacked_bytes: 16 * 1024 * 1024 * 1024,
            max_archive_entries: 2_000_000,
            connect_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(120),
        }
    }
}

/// One source to sync, for callers that loop over a configured list.
#[derive(Debug, Clone)]
pub enum Source {
    /// NVD CVE API 2.0.
    Nvd(NvdOptions),
    /// One OSV ecosystem.
    Osv(OsvOptions),
    /// The KEV catalog at this URL.
    Kev {
        /// Catalog URL ([`KEV_URL`] by default).
        url: String,
    },
    /// EPSS scores at this URL.
    Epss {
        /// Scores URL ([`EPSS_URL`] by default).
        url: String,
    },
    /// One CSAF provider.
    Csaf(CsafOptions),
}

impl Source {
    /// KEV from CISA.
    pub fn kev() -> Self {
        Source::Kev {
            url: KEV_URL.to_string(),
        }
    }

    /// EPSS from FIRST.
    pub fn epss() -> Self {
        Source::Epss {
            url: EPSS_URL.to_string(),
        }
    }
}

/// The cache folder and the HTTP client; every sync goes through it.
pub struct Feeds {
    cache_dir: PathBuf,
    config: FeedsConfig,
    http: http::Http,
}

impl std::fmt::Debug for Feeds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Feeds")
            .field("cache_dir", &self.cache_dir)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Feeds {
    /// Opens (creating it if needed) the cache folder.
    pub fn new(cache_dir: impl Into<PathBuf>, config: FeedsConfig) -> Result<Self, FeedError> {
        let cache_dir = cache_dir.into();
        std::fs::create_dir_all(&cache_dir).map_err(|e| FeedError::io(&cache_dir, e))?;
        let http = http::Http::new(http::HttpSettings {
            user_agent: &config.user_agent,
            proxy: &config.proxy,
            tls_roots: config.tls_roots,
            connect_timeout: config.connect_timeout,
            read_timeout: config.read_timeout,
            retry: config.retry.clone(),
            clock: config.clock.clone(),
        })?;
        Ok(Feeds {
            cache_dir,
            config,
            http,
        })
    }

    /// The cache folder.
    pub fn cache_dir(&self) -> &Path {
        &self.cache_dir
    }

    /// Syncs one source.
    pub fn sync(
        &self,
        source: &Source,
        progress: &mut dyn Progress,
    ) -> Result<SyncReport, FeedError> {
        match source {
            Source::Nvd(o) => self.sync_nvd(o, progress),
            Source::Osv(o) => self.sync_osv(o, progress),
            Source::Kev { url } => self.sync_kev(url, progress),
            Source::Epss { url } => self.sync_epss(url, progress),
            Source::Csaf(o) => self.sync_csaf(o, progress),
        }
    }

    /// Marks the files of `report` as imported: later syncs stop returning them (unless they
    /// change again).
    pub fn acknowledge(&self, report: &SyncReport) -> Result<(), FeedError> {
        let path = &report.state_file;
        let Some(mut state) = store::read_json_opt::<serde_json::Value>(path)? else {
            return Ok(());
        };
        let done: Vec<String> = report
            .files
            .iter()
            .map(|f| store::relative(&self.cache_dir, &f.path))
            .collect();
        if let Some(serde_json::Value::Array(pending)) = state.get_mut("pending") {
            pending.retain(|p| !p.as_str().is_some_and(|p| done.iter().any(|d| d == p)));
        }
        store::save_state(path, &state)
    }

    fn pending_files(&self, pending: &[String], kind: FileKind) -> Vec<FetchedFile> {
        pending
            .iter()
            .filter_map(|rel| store::resolve(&self.cache_dir, rel))
            .filter(|p| p.is_file())
            .map(|path| FetchedFile { path, kind })
            .collect()
    }
}
