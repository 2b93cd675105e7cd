//! NVD CVE API 2.0: incremental windows by last-modified date, paging, rate limit.

use crate::clock::RateLimiter;
use crate::error::FeedError;
use crate::http::Request;
use crate::store::{add_pending, load_state, relative, save_state, write_atomic};
use crate::{FeedError as E, Feeds, FileKind, NVD_API_URL, Progress, SyncReport};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The longest `lastModStartDate`..`lastModEndDate` span the API accepts, in days.
pub const NVD_MAX_WINDOW_DAYS: i64 = 120;

/// Options of an NVD sync.
#[derive(Clone)]
pub struct NvdOptions {
    /// The API endpoint ([`NVD_API_URL`] by default).
    pub base_url: String,
    /// An NVD API key: sent as the `apiKey` header, raises the rate limit tenfold. Never printed.
    pub api_key: Option<String>,
    /// Where the first run starts (records modified since then). `None`: the first run fetches
    /// every CVE, without date parameters. Later runs start from the state file instead.
    pub since: Option<DateTime<Utc>>,
    /// The end of the last window; `None`: now.
    pub until: Option<DateTime<Utc>>,
    /// Page size, 1 to 2,000 (the API's maximum, the default).
    pub results_per_page: u32,
    /// The rate limiter; `None`: NVD's published limit for the presence of a key
    /// ([`RateLimiter::nvd`]). Share one `Arc` across syncs in one process to keep the count.
    pub rate_limit: Option<Arc<RateLimiter>>,
}

impl Default for NvdOptions {
    fn default() -> Self {
        NvdOptions {
            base_url: NVD_API_URL.to_string(),
            api_key: None,
            since: None,
            until: None,
            results_per_page: 2000,
            rate_limit: None,
        }
    }
}

impl std::fmt::Debug for NvdOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NvdOptions")
            .field("base_url", &crate::redact_url(&self.base_url))
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("since", &self.since)
            .field("until", &self.until)
            .field("results_per_page", &self.results_per_page)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

/// Splits `start..end` into consecutive windows of at most [`NVD_MAX_WINDOW_DAYS`] days.
pub fn nvd_windows(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut windows = Vec::new();
    let mut from = start;
    while from < end {
        let to = (from + TimeDelta::days(NVD_MAX_WINDOW_DAYS)).min(end);
        windows.push((from, to));
        from = to;
    }
    windows
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct NvdState {
    /// The `lastModEndDate` of the last window fetched completely.
    #[serde(default)]
    last_mod_end: Option<DateTime<Utc>>,
    /// The window being fetched, if a run stopped inside it.
    #[serde(default)]
    window: Option<Window>,
    /// Pages saved but not yet acknowledged as imported (relative to the cache folder).
    #[serde(default)]
    pending: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Window {
    /// `None` for the first full download (no date parameters).
    start: Option<DateTime<Utc>>,
    end: DateTime<Utc>,
    next_index: u64,
    #[serde(default)]
    total: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageHead {
    total_results: u64,
    start_index: u64,
    #[serde(default)]
    vulnerabilities: Vec<serde::de::IgnoredAny>,
}

/// `2024-01-31T00:00:00.000+00:00`, as the API wants it (the `+` encoded in the query).
fn api_date(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string()
}

pub(crate) fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn page_url(base: &str, window: &Window, index: u64, per_page: u32) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    let mut url = format!("{base}{sep}startIndex={index}&resultsPerPage={per_page}");
    if let Some(start) = window.start {
        url.push_str("&lastModStartDate=");
        url.push_str(&encode_query_value(&api_date(start)));
        url.push_str("&lastModEndDate=");
        url.push_str(&encode_query_value(&api_date(window.end)));
    }
    url
}

impl Feeds {
    /// Fetches the CVEs modified since the last run (or since `options.since`, or all of them
    /// on a first run without `since`), one JSON file per API page. A run that stops (error,
    /// interruption) keeps its place: the next one resumes the same window at the next page.
    pub fn sync_nvd(
        &self,
        options: &NvdOptions,
        progress: &mut dyn Progress,
    ) -> Result<SyncReport, FeedError> {
        if options.results_per_page == 0 || options.results_per_page > 2000 {
            return Err(E::Config(format!(
                "NVD results per page must be 1 to 2000, not {}",
                options.results_per_page
            )));
        }
        let dir = self.cache_dir.join("nvd");
        let state_path = dir.join("state.json");
        let mut state: NvdState = load_state(&state_path)?;
        let until = options.until.unwrap_or_else(Utc::now);
        let limiter = options
            .rate_limit
            .clone()
            .unwrap_or_else(|| Arc::new(RateLimiter::nvd(options.api_key.is_some())));
        let mut report = SyncReport::new("nvd", state_path.clone());
        let pending_before = state.pending.len();

        loop {
            let window = match state.window.clone() {
                Some(w) => w,
                None => match state.last_mod_end.or(options.since) {
                    Some(start) if start >= until => break,
                    Some(start) => Window {
                        start: Some(start),
                        end: (start + TimeDelta::days(NVD_MAX_WINDOW_DAYS)).min(until),
                        next_index: 0,
                        total: None,
                    },
                    None => Window {
                        start: None,
                        end: until,
                        next_index: 0,
                        total: None,
                    },
                },
            };
            state.window = Some(window.clone());
            save_state(&state_path, &state)?;
            self.nvd_window(options, &limiter, &mut state, &state_path, progress)?;
            state.last_mod_end = Some(window.end);
            state.window = None;
            save_state(&state_path, &state)?;
            if window.end >= until {
                break;
            }
        }

        report.new_files = state.pending.len().saturating_sub(pending_before);
        report.files = self.pending_files(&state.pending, FileKind::Advisory);
        report.up_to = state.last_mod_end.map(|t| t.to_rfc3339());
        Ok(report)
    }

    fn nvd_window(
        &self,
        options: &NvdOptions,
        limiter: &RateLimiter,
        state: &mut NvdState,
        state_path: &std::path::Path,
        progress: &mut dyn Progress,
    ) -> Result<(), FeedError> {
        let Some(mut window) = state.window.clone() else {
            return Ok(());
        };
        let label = match window.start {
            Some(start) => format!(
                "NVD {} .. {}",
                start.format("%Y-%m-%d %H:%M"),
                window.end.format("%Y-%m-%d %H:%M")
            ),
            None => "NVD (all CVEs)".to_string(),
        };
        let tag = match window.start {
            Some(_) => window.end.format("%Y%m%dT%H%M%SZ").to_string(),
            None => format!("full-{}", window.end.format("%Y%m%dT%H%M%SZ")),
        };
        let pages_dir = self.cache_dir.join("nvd").join("pages");
        let mut headers = Vec::new();
        if let Some(key) = &options.api_key {
            headers.push(("apiKey", key.clone()));
        }
        let request = Request {
            headers,
            limiter: Some(limiter),
            retry_forbidden: true,
            no_redirects: options.api_key.is_some(),
        };
        let mut started = false;
        loop {
            if window.total.is_some_and(|total| window.next_index >= total) {
                break;
            }
            let index = window.next_index;
            let url = page_url(&options.base_url, &window, index, options.results_per_page);
            let wait = limiter.wait_needed(self.http.clock().now());
            if wait.as_secs() >= 1 {
                progress.note(&format!(
                    "waiting {} s for NVD's rate limit ({} requests per {} s)",
                    wait.as_secs(),
                    limiter.max_requests(),
                    limiter.window().as_secs()
                ));
            }
            let fetched = self
                .http
                .get_bytes(&url, &request, self.config.max_document_bytes, None)?
                .ok_or_else(|| E::invalid(&url, "unexpected 304"))?;
            let head: PageHead = serde_json::from_slice(&fetched.body)
                .map_err(|e| E::invalid(&url, format!("not an NVD CVE API 2.0 page: {e}")))?;
            if head.start_index != index {
                return Err(E::invalid(
                    &url,
                    format!("page starts at {} instead of {index}", head.start_index),
                ));
            }
            let count = head.vulnerabilities.len() as u64;
            if !started {
                progress.start(&label, Some(head.total_results));
                progress.advance(index);
                started = true;
            }
            if count > 0 {
                let path = pages_dir.join(format!("{tag}-{index:07}.json"));
                write_atomic(&path, &fetched.body)?;
                add_pending(&mut state.pending, relative(&self.cache_dir, &path));
            }
            progress.advance(count);
            window.next_index = index + count;
            window.total = Some(head.total_results);
            // A short page before the end would loop forever: the window is done.
            if count == 0 {
                window.total = Some(window.next_index);
            }
            state.window = Some(window.clone());
            save_state(state_path, state)?;
        }
        if started {
            progress.finish();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn windows_are_at_most_120_days() {
        let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2024, 12, 31, 0, 0, 0).unwrap();
        let w = nvd_windows(start, end);
        assert_eq!(w.len(), 4);
        assert_eq!(w[0].0, start);
        assert_eq!(w[3].1, end);
        for (a, b) in &w {
            assert!(*b - *a <= TimeDelta::days(120));
        }
        for pair in w.windows(2) {
            assert_eq!(pair[0].1, pair[1].0);
        }
        assert!(nvd_windows(end, start).is_empty());
    }

    #[test]
    fn dates_are_encoded_with_offset() {
        let t = Utc.with_ymd_and_hms(2024, 1, 31, 12, 5, 0).unwrap();
        assert_eq!(
            encode_query_value(&api_date(t)),
            "2024-01-31T12:05:00.000%2B00:00"
        );
    }

    #[test]
    fn debug_hides_the_key() {
        let o = NvdOptions {
            api_key: Some("SECRET-123".into()),
            ..NvdOptions::default()
        };
        let shown = format!("{o:?}");
        assert!(!shown.contains("SECRET-123"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }
}
