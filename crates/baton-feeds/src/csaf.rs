//! CSAF 2.0 providers (§7.1): `provider-metadata.json` → ROLIE feeds (§7.1.16), or, when the
//! provider has none, directories with `changes.csv` / `index.txt` (§7.1.13-7.1.15) → each
//! advisory, checked against its `.sha512` / `.sha256` file (§7.1.18).

use crate::error::{FeedError, redact_url};
use crate::http::{DownloadOutcome, Request};
use crate::store::{load_state, relative, resolve, safe_file_name, save_state};
use crate::{CISA_CSAF_PROVIDER_METADATA_URL, Feeds, FileKind, NoProgress, Progress, SyncReport};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256, Sha512};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// Largest hash file read (`<hex>  <file name>`).
const MAX_HASH_FILE_BYTES: u64 = 64 * 1024;
/// How often (in advisories) the state file is written during a long feed.
const SAVE_EVERY: usize = 25;

/// Options of a CSAF provider sync.
#[derive(Debug, Clone)]
pub struct CsafOptions {
    /// The provider's `provider-metadata.json`.
    pub provider_metadata_url: String,
    /// TLP labels of the ROLIE feeds (and directories named after a TLP label) to take, upper
    /// case. Default: `WHITE` and `CLEAR`, i.e. public advisories only.
    pub tlp_labels: Vec<String>,
}

impl CsafOptions {
    /// This provider, TLP:WHITE / TLP:CLEAR only.
    pub fn new(provider_metadata_url: impl Into<String>) -> Self {
        CsafOptions {
            provider_metadata_url: provider_metadata_url.into(),
            tlp_labels: vec!["WHITE".to_string(), "CLEAR".to_string()],
        }
    }

    /// CISA ([`CISA_CSAF_PROVIDER_METADATA_URL`]).
    pub fn cisa() -> Self {
        CsafOptions::new(CISA_CSAF_PROVIDER_METADATA_URL)
    }

    fn allows(&self, label: &str) -> bool {
        self.tlp_labels
            .iter()
            .any(|l| l.eq_ignore_ascii_case(label.trim()))
    }
}

#[derive(Deserialize)]
struct ProviderMetadata {
    #[serde(default)]
    distributions: Vec<Distribution>,
}

#[derive(Deserialize)]
struct Distribution {
    #[serde(default)]
    directory_url: Option<String>,
    #[serde(default)]
    rolie: Option<Rolie>,
}

#[derive(Deserialize)]
struct Rolie {
    #[serde(default)]
    feeds: Vec<FeedRef>,
}

#[derive(Deserialize)]
struct FeedRef {
    #[serde(default)]
    tlp_label: Option<String>,
    url: String,
}

#[derive(Deserialize)]
struct FeedDocument {
    feed: Feed,
}

#[derive(Deserialize)]
struct Feed {
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    updated: Option<String>,
    #[serde(default)]
    content: Option<Content>,
    #[serde(default)]
    link: Vec<Link>,
}

#[derive(Deserialize)]
struct Content {
    #[serde(default)]
    src: Option<String>,
}

#[derive(Deserialize)]
struct Link {
    #[serde(default)]
    rel: Option<String>,
    /// CISA's IT feed spells `rel` as `ref`.
    #[serde(default, rename = "ref")]
    ref_: Option<String>,
    #[serde(default)]
    href: Option<String>,
}

impl Link {
    fn is(&self, rel: &str) -> bool {
        self.rel.as_deref().or(self.ref_.as_deref()) == Some(rel)
    }
}

/// One advisory to consider.
struct Item {
    url: String,
    updated: Option<String>,
    /// Hash files to try, in order.
    hash_urls: Vec<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CsafState {
    /// Per advisory URL.
    #[serde(default)]
    docs: BTreeMap<String, DocState>,
    #[serde(default)]
    pending: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct DocState {
    #[serde(default)]
    updated: Option<String>,
    /// Relative to the cache folder.
    path: String,
    sha256: String,
}

enum HashAlgo {
    Sha256,
    Sha512,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `<hex>  <file name>` (or just `<hex>`) → the algorithm (by length) and the lower-case hex.
fn parse_hash_file(text: &str) -> Option<(HashAlgo, String)> {
    let token = text.split_whitespace().next()?.to_ascii_lowercase();
    if !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match token.len() {
        64 => Some((HashAlgo::Sha256, token)),
        128 => Some((HashAlgo::Sha512, token)),
        _ => None,
    }
}

/// `base` + `relative` for a directory distribution; an absolute `relative` is taken as is.
fn join_url(base: &str, relative: &str) -> String {
    if relative.contains("://") {
        return relative.to_string();
    }
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        relative.trim_start_matches('/')
    )
}

/// The host (and port) of a URL, as a folder name.
fn host_dir(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    safe_file_name(&host.replace(':', "_")).unwrap_or_else(|| "provider".to_string())
}

fn last_segment(url: &str) -> &str {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
}

const TLP_NAMES: [&str; 6] = ["white", "clear", "green", "amber", "red", "unlabeled"];

impl Feeds {
    /// Reads the provider's metadata, then every ROLIE feed whose TLP label is allowed (or, if
    /// the provider has no ROLIE feed, every directory distribution), and downloads each advisory
    /// whose `updated` changed since the last run, checked against its hash file. A hash
    /// mismatch, a missing advisory or a broken feed is an entry in `errors`; the rest goes on.
    pub fn sync_csaf(
        &self,
        options: &CsafOptions,
        progress: &mut dyn Progress,
    ) -> Result<SyncReport, FeedError> {
        let meta_url = options.provider_metadata_url.as_str();
        let host = host_dir(meta_url);
        let dir = self.cache_dir.join("csaf").join(&host);
        let state_path = dir.join("state.json");
        let mut state: CsafState = load_state(&state_path)?;
        let mut report = SyncReport::new(format!("csaf:{host}"), state_path.clone());
        let pending_before = state.pending.len();

        let metadata = self
            .http
            .get_bytes(
                meta_url,
                &Request::default(),
                self.config.max_document_bytes,
                None,
            )?
            .ok_or_else(|| FeedError::invalid(meta_url, "unexpected 304"))?;
        let metadata: ProviderMetadata = serde_json::from_slice(&metadata.body).map_err(|e| {
            FeedError::invalid(
                meta_url,
                format!("not a CSAF provider metadata document: {e}"),
            )
        })?;

        let feeds: Vec<&FeedRef> = metadata
            .distributions
            .iter()
            .filter_map(|d| d.rolie.as_ref())
            .flat_map(|r| r.feeds.iter())
            .collect();
        let mut sources: Vec<(String, Vec<Item>)> = Vec::new();
        if !feeds.is_empty() {
            for feed in feeds {
                let label = feed.tlp_label.as_deref().unwrap_or("UNLABELED");
                if !options.allows(label) {
                    report.warnings.push(format!(
                        "{}: ROLIE feed left out (TLP:{label})",
                        redact_url(&feed.url)
                    ));
                    continue;
                }
                match self.rolie_items(&feed.url) {
                    Ok(items) => sources.push((feed.url.clone(), items)),
                    Err(e) => report.errors.push(e.to_string()),
                }
            }
        } else {
            for directory in metadata
                .distributions
                .iter()
                .filter_map(|d| d.directory_url.as_deref())
            {
                let segment = last_segment(directory).to_ascii_lowercase();
                if TLP_NAMES.contains(&segment.as_str()) && !options.allows(&segment) {
                    report.warnings.push(format!(
                        "{}: directory left out (TLP:{})",
                        redact_url(directory),
                        segment.to_ascii_uppercase()
                    ));
                    continue;
                }
                match self.directory_items(directory) {
                    Ok(items) => sources.push((directory.to_string(), items)),
                    Err(e) => report.errors.push(e.to_string()),
                }
            }
            if sources.is_empty() && report.errors.is_empty() && report.warnings.is_empty() {
                report.warnings.push(format!(
                    "{}: no ROLIE feed and no directory distribution",
                    redact_url(meta_url)
                ));
            }
        }

        let mut seen: HashSet<String> = HashSet::new();
        let mut used_paths: HashMap<String, String> = state
            .docs
            .iter()
            .map(|(url, d)| (d.path.clone(), url.clone()))
            .collect();
        let mut since_save = 0;
        for (source_url, items) in sources {
            progress.start(
                &format!("CSAF {}", redact_url(&source_url)),
                Some(items.len() as u64),
            );
            for item in items {
                progress.advance(1);
                if !seen.insert(item.url.clone()) {
                    continue;
                }
                if let Some(previous) = state.docs.get(&item.url)
                    && item.updated.is_some()
                    && previous.updated == item.updated
                    && resolve(&self.cache_dir, &previous.path).is_some_and(|p| p.is_file())
                {
                    report.skipped_unchanged += 1;
                    continue;
                }
                match self.csaf_document(&item, &dir, &state, &mut used_paths, &mut report.warnings)
                {
                    Ok((doc, changed)) => {
                        if changed {
                            crate::store::add_pending(&mut state.pending, doc.path.clone());
                        } else {
                            report.skipped_unchanged += 1;
                        }
                        state.docs.insert(item.url.clone(), doc);
                        since_save += 1;
                    }
                    Err(Outcome::Error(e)) => report.errors.push(e),
                    Err(Outcome::Fatal(e)) => {
                        save_state(&state_path, &state)?;
                        return Err(e);
                    }
                }
                if since_save >= SAVE_EVERY {
                    save_state(&state_path, &state)?;
                    since_save = 0;
                }
            }
            progress.finish();
        }
        save_state(&state_path, &state)?;
        report.new_files = state.pending.len().saturating_sub(pending_before);
        report.files = self.pending_files(&state.pending, FileKind::Advisory);
        Ok(report)
    }

    fn rolie_items(&self, feed_url: &str) -> Result<Vec<Item>, FeedError> {
        let fetched = self
            .http
            .get_bytes(
                feed_url,
                &Request::default(),
                self.config.max_document_bytes,
                None,
            )?
            .ok_or_else(|| FeedError::invalid(feed_url, "unexpected 304"))?;
        let feed: FeedDocument = serde_json::from_slice(&fetched.body)
            .map_err(|e| FeedError::invalid(feed_url, format!("not a ROLIE feed: {e}")))?;
        Ok(feed
            .feed
            .entry
            .into_iter()
            .filter_map(|entry| {
                let url = entry.content.and_then(|c| c.src).or_else(|| {
                    entry
                        .link
                        .iter()
                        .find(|l| l.is("self"))
                        .and_then(|l| l.href.clone())
                })?;
                let mut hash_urls: Vec<String> = entry
                    .link
                    .iter()
                    .filter(|l| l.is("hash"))
                    .filter_map(|l| l.href.clone())
                    .collect();
                // Prefer SHA-512 when both are offered.
                hash_urls.sort_by_key(|h| !h.ends_with(".sha512"));
                if hash_urls.is_empty() {
                    hash_urls = vec![format!("{url}.sha512"), format!("{url}.sha256")];
                }
                Some(Item {
                    url,
                    updated: entry.updated,
                    hash_urls,
                })
            })
            .collect())
    }

    fn directory_items(&self, directory: &str) -> Result<Vec<Item>, FeedError> {
        let request = Request::default();
        let limit = self.config.max_document_bytes;
        let changes_url = join_url(directory, "changes.csv");
        let entries: Vec<(String, Option<String>)> =
            match self.http.get_bytes(&changes_url, &request, limit, None) {
                Ok(Some(fetched)) => {
                    let mut reader = csv::ReaderBuilder::new()
                        .has_headers(false)
                        .flexible(true)
                        .trim(csv::Trim::All)
                        .from_reader(fetched.body.as_slice());
                    let mut entries = Vec::new();
                    for record in reader.records() {
                        let record = record.map_err(|e| {
                            FeedError::invalid(&changes_url, format!("bad changes.csv: {e}"))
                        })?;
                        if let Some(path) = record.get(0).filter(|p| !p.is_empty()) {
                            entries.push((path.to_string(), record.get(1).map(str::to_string)));
                        }
                    }
                    entries
                }
                Ok(None) => Vec::new(),
                Err(FeedError::Status { status: 404, .. }) => {
                    let index_url = join_url(directory, "index.txt");
                    let fetched = self
                        .http
                        .get_bytes(&index_url, &request, limit, None)?
                        .ok_or_else(|| FeedError::invalid(&index_url, "unexpected 304"))?;
                    String::from_utf8_lossy(&fetched.body)
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(|l| (l.to_string(), None))
                        .collect()
                }
                Err(e) => return Err(e),
            };
        Ok(entries
            .into_iter()
            .map(|(path, updated)| {
                let url = join_url(directory, &path);
                Item {
                    hash_urls: vec![format!("{url}.sha512"), format!("{url}.sha256")],
                    url,
                    updated,
                }
            })
            .collect())
    }

    /// Fetches the hash file, then the advisory, checks it and renames it into place. Returns
    /// the new state of the document and whether its bytes changed.
    fn csaf_document(
        &self,
        item: &Item,
        dir: &Path,
        state: &CsafState,
        used_paths: &mut HashMap<String, String>,
        warnings: &mut Vec<String>,
    ) -> Result<(DocState, bool), Outcome> {
        let request = Request::default();
        let mut expected: Option<(HashAlgo, String, String)> = None;
        for hash_url in &item.hash_urls {
            match self
                .http
                .get_bytes(hash_url, &request, MAX_HASH_FILE_BYTES, None)
            {
                Ok(Some(fetched)) => {
                    let text = String::from_utf8_lossy(&fetched.body);
                    let (algo, hex) = parse_hash_file(&text).ok_or_else(|| {
                        Outcome::Error(format!(
                            "{}: not a hash file; {} not kept",
                            redact_url(hash_url),
                            redact_url(&item.url)
                        ))
                    })?;
                    expected = Some((algo, hex, hash_url.clone()));
                    break;
                }
                Ok(None) => {}
                Err(FeedError::Status {
                    status: 404 | 410, ..
                }) => {}
                Err(e) => {
                    return Err(Outcome::Error(format!(
                        "{e}; {} not kept",
                        redact_url(&item.url)
                    )));
                }
            }
        }
        if expected.is_none() {
            warnings.push(format!(
                "{}: no hash file found; kept without a hash check",
                redact_url(&item.url)
            ));
        }

        // Where it goes: the same file as before, else a new safe name unique in the folder.
        let rel_path = match state.docs.get(&item.url) {
            Some(previous) if resolve(&self.cache_dir, &previous.path).is_some() => {
                previous.path.clone()
            }
            _ => {
                let name = safe_file_name(last_segment(&item.url))
                    .filter(|n| n.to_ascii_lowercase().ends_with(".json"))
                    .unwrap_or_else(|| "advisory.json".to_string());
                let mut rel = relative(&self.cache_dir, &dir.join(&name));
                if used_paths.get(&rel).is_some_and(|u| u != &item.url) {
                    let tag = hex(&Sha256::digest(item.url.as_bytes()))[..12].to_string();
                    let stem = name.strip_suffix(".json").unwrap_or(&name);
                    rel = relative(&self.cache_dir, &dir.join(format!("{stem}-{tag}.json")));
                }
                rel
            }
        };
        used_paths.insert(rel_path.clone(), item.url.clone());
        let dest = resolve(&self.cache_dir, &rel_path)
            .ok_or_else(|| Outcome::Error(format!("{}: unusable path", redact_url(&item.url))))?;

        let url = item.url.as_str();
        let mut sha256 = String::new();
        let outcome = self.http.download(
            url,
            &request,
            &dest,
            self.config.max_document_bytes,
            None,
            &mut NoProgress,
            "",
            &mut |part: &Path| {
                let bytes = std::fs::read(part).map_err(|e| FeedError::io(part, e))?;
                if let Some((algo, want, hash_url)) = &expected {
                    let got = match algo {
                        HashAlgo::Sha256 => hex(&Sha256::digest(&bytes)),
                        HashAlgo::Sha512 => hex(&Sha512::digest(&bytes)),
                    };
                    if &got != want {
                        return Err(FeedError::invalid(
                            url,
                            format!(
                                "hash mismatch against {}: expected {want}, got {got}; not kept",
                                redact_url(hash_url)
                            ),
                        ));
                    }
                }
                let json: serde_json::Value = serde_json::from_slice(&bytes)
                    .map_err(|e| FeedError::invalid(url, format!("not JSON: {e}; not kept")))?;
                if !json.get("document").is_some_and(|d| d.is_object()) {
                    return Err(FeedError::invalid(
                        url,
                        "not a CSAF document (no `document` object); not kept",
                    ));
                }
                sha256 = hex(&Sha256::digest(&bytes));
                Ok(())
            },
        );
        match outcome {
            Ok(DownloadOutcome::Saved { .. }) => {}
            Ok(DownloadOutcome::NotModified) => {
                return Err(Outcome::Error(format!(
                    "{}: unexpected 304",
                    redact_url(url)
                )));
            }
            Err(e @ FeedError::Io { .. }) => return Err(Outcome::Fatal(e)),
            Err(e) => return Err(Outcome::Error(e.to_string())),
        }
        let changed = state
            .docs
            .get(&item.url)
            .is_none_or(|previous| previous.sha256 != sha256);
        Ok((
            DocState {
                updated: item.updated.clone(),
                path: rel_path,
                sha256,
            },
            changed,
        ))
    }
}

enum Outcome {
    /// This advisory failed; go on with the others.
    Error(String),
    /// The cache itself failed; stop.
    Fatal(FeedError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_files() {
        let text = "292f0c72afd9f7ca091b78125ff3a79963d5f90e12231cdf196a0aa29998b018e64e86a1b6b269315948aa4355bb18ec54e4bbb6b7ffbcc2597c956aa933a0f7  icsma-17-009-01a.json";
        assert!(matches!(parse_hash_file(text), Some((HashAlgo::Sha512, _))));
        let text = format!("{}\n", "AB".repeat(32));
        let (algo, hex) = parse_hash_file(&text).unwrap();
        assert!(matches!(algo, HashAlgo::Sha256));
        assert_eq!(hex, "ab".repeat(32));
        assert!(parse_hash_file("xyz  file").is_none());
        assert!(parse_hash_file("").is_none());
        assert!(parse_hash_file("abcd  file").is_none());
    }

    #[test]
    fn urls() {
        assert_eq!(
            join_url("https://h/csaf/white/", "2024/a.json"),
            "https://h/csaf/white/2024/a.json"
        );
        assert_eq!(
            join_url("https://h/x", "https://o/y.json"),
            "https://o/y.json"
        );
        assert_eq!(
            host_dir("https://u:p@www.cisa.gov/.well-known/csaf/x.json"),
            "www.cisa.gov"
        );
        assert_eq!(host_dir("http://127.0.0.1:8080/p.json"), "127.0.0.1_8080");
        assert_eq!(last_segment("https://h/csaf/white/"), "white");
        assert_eq!(last_segment("https://h/a/b.json?x=1"), "b.json");
    }
}
