//! OSV: one ecosystem's `all.zip`, downloaded resumably and unpacked into one file per record.

use crate::error::FeedError;
use crate::http::{DownloadOutcome, Request, Validators};
use crate::nvd::encode_query_value;
use crate::store::{load_state, relative, safe_file_name, save_state, write_replace_unsynced};
use crate::{Feeds, FileKind, OSV_BASE_URL, Progress, SyncReport};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::Path;

/// Options of an OSV sync.
#[derive(Debug, Clone)]
pub struct OsvOptions {
    /// The bucket ([`OSV_BASE_URL`] by default); the archive is `{base_url}/{ecosystem}/all.zip`.
    pub base_url: String,
    /// The ecosystem exactly as OSV spells it: `crates.io`, `PyPI`, `npm`, `Go`, `Debian:12`, …
    pub ecosystem: String,
}

impl OsvOptions {
    /// The public bucket, this ecosystem.
    pub fn new(ecosystem: impl Into<String>) -> Self {
        OsvOptions {
            base_url: OSV_BASE_URL.to_string(),
            ecosystem: ecosystem.into(),
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct OsvState {
    /// Validators of the `all.zip` on disk.
    #[serde(default)]
    validators: Validators,
    /// Whether that archive has been unpacked completely.
    #[serde(default)]
    unpacked: bool,
    #[serde(default)]
    pending: Vec<String>,
}

impl Feeds {
    /// Downloads `{base}/{ecosystem}/all.zip` (conditionally, resuming a partial download) and
    /// unpacks its records into `osv/<ecosystem>/records/`. Only records that are new or whose
    /// bytes changed are returned as new. Entries whose name is not a plain file name (`../x`,
    /// `/x`, `a/b`) or that exceed the size limits are reported in `errors` and not written.
    pub fn sync_osv(
        &self,
        options: &OsvOptions,
        progress: &mut dyn Progress,
    ) -> Result<SyncReport, FeedError> {
        let eco_dir = safe_file_name(&options.ecosystem).ok_or_else(|| {
            FeedError::Config(format!(
                "unusable OSV ecosystem name {:?}",
                options.ecosystem
            ))
        })?;
        let dir = self.cache_dir.join("osv").join(&eco_dir);
        let state_path = dir.join("state.json");
        let zip_path = dir.join("all.zip");
        let mut state: OsvState = load_state(&state_path)?;
        let mut report = SyncReport::new(format!("osv:{}", options.ecosystem), state_path.clone());
        let url = format!(
            "{}/{}/all.zip",
            options.base_url.trim_end_matches('/'),
            encode_query_value(&options.ecosystem)
        );
        // An unpack that was interrupted must hand out again the records it had already
        // written: they were never acknowledged.
        let resuming_unpack = zip_path.exists() && !state.unpacked;
        let conditional =
            (zip_path.exists() && !state.validators.is_empty()).then(|| state.validators.clone());
        let outcome = self.http.download(
            &url,
            &Request::default(),
            &zip_path,
            self.config.max_archive_bytes,
            conditional.as_ref(),
            progress,
            &format!("OSV {} all.zip", options.ecosystem),
            &mut |part: &Path| {
                let file = std::fs::File::open(part).map_err(|e| FeedError::io(part, e))?;
                zip::ZipArchive::new(file)
                    .map(|_| ())
                    .map_err(|e| FeedError::invalid(&url, format!("not a zip archive: {e}")))
            },
        )?;
        let pending_before = state.pending.len();
        match outcome {
            DownloadOutcome::NotModified if state.unpacked => {
                report.skipped_unchanged = 1;
            }
            DownloadOutcome::NotModified => {
                self.osv_unpack(
                    &url,
                    &dir,
                    &mut state,
                    &state_path,
                    true,
                    &mut report,
                    progress,
                )?;
            }
            DownloadOutcome::Saved { validators, .. } => {
                state.validators = validators;
                state.unpacked = false;
                save_state(&state_path, &state)?;
                self.osv_unpack(
                    &url,
                    &dir,
                    &mut state,
                    &state_path,
                    resuming_unpack,
                    &mut report,
                    progress,
                )?;
            }
        }
        report.new_files = state.pending.len().saturating_sub(pending_before);
        report.files = self.pending_files(&state.pending, FileKind::Advisory);
        Ok(report)
    }

    #[allow(clippy::too_many_arguments)]
    fn osv_unpack(
        &self,
        url: &str,
        dir: &Path,
        state: &mut OsvState,
        state_path: &Path,
        resuming: bool,
        report: &mut SyncReport,
        progress: &mut dyn Progress,
    ) -> Result<(), FeedError> {
        let zip_path = dir.join("all.zip");
        let records = dir.join("records");
        std::fs::create_dir_all(&records).map_err(|e| FeedError::io(&records, e))?;
        let file = std::fs::File::open(&zip_path).map_err(|e| FeedError::io(&zip_path, e))?;
        let mut archive = zip::ZipArchive::new(file)
            .map_err(|e| FeedError::invalid(url, format!("not a zip archive: {e}")))?;
        if archive.len() > self.config.max_archive_entries {
            return Err(FeedError::invalid(
                url,
                format!(
                    "{} entries, more than the limit of {}",
                    archive.len(),
                    self.config.max_archive_entries
                ),
            ));
        }
        let entry_limit = self.config.max_document_bytes;
        let mut unpacked_total: u64 = 0;
        let mut listed: std::collections::HashSet<String> = state.pending.iter().cloned().collect();
        progress.start("OSV records", Some(archive.len() as u64));
        for index in 0..archive.len() {
            progress.advance(1);
            let mut entry = match archive.by_index(index) {
                Ok(e) => e,
                Err(e) => {
                    report
                        .errors
                        .push(format!("{}: entry {index}: {e}", crate::redact_url(url)));
                    continue;
                }
            };
            let raw_name = String::from_utf8_lossy(entry.name_raw()).into_owned();
            let shown = format!("{}#{raw_name:?}", crate::redact_url(url));
            if entry.is_dir() {
                if raw_name.contains("..") || raw_name.starts_with(['/', '\\']) {
                    report
                        .errors
                        .push(format!("{shown}: entry rejected: not a plain file name"));
                }
                continue;
            }
            let Some(name) =
                safe_file_name(&raw_name).filter(|n| n.to_ascii_lowercase().ends_with(".json"))
            else {
                report.errors.push(format!(
                    "{shown}: entry rejected: not a plain `.json` file name (path traversal?)"
                ));
                continue;
            };
            if entry.size() > entry_limit {
                report.errors.push(format!(
                    "{shown}: entry rejected: {} bytes unpacked, more than the limit of {entry_limit}",
                    entry.size()
                ));
                continue;
            }
            let mut bytes = Vec::new();
            if let Err(e) = (&mut entry).take(entry_limit + 1).read_to_end(&mut bytes) {
                report.errors.push(format!("{shown}: {e}"));
                continue;
            }
            if bytes.len() as u64 > entry_limit {
                report.errors.push(format!(
                    "{shown}: entry rejected: more than the limit of {entry_limit} bytes unpacked"
                ));
                continue;
            }
            unpacked_total += bytes.len() as u64;
            if unpacked_total > self.config.max_unpacked_bytes {
                save_state(state_path, state)?;
                return Err(FeedError::TooLarge {
                    url: format!("{} (unpacked)", crate::redact_url(url)),
                    limit: self.config.max_unpacked_bytes,
                });
            }
            if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
                report
                    .errors
                    .push(format!("{shown}: entry rejected: not JSON: {e}"));
                continue;
            }
            let dest = records.join(&name);
            let same = std::fs::read(&dest).is_ok_and(|old| old == bytes);
            if same && !resuming {
                report.skipped_unchanged += 1;
                continue;
            }
            if !same {
                write_replace_unsynced(&dest, &bytes)?;
            }
            let rel = relative(&self.cache_dir, &dest);
            if listed.insert(rel.clone()) {
                state.pending.push(rel);
                if state.pending.len().is_multiple_of(1000) {
                    save_state(state_path, state)?;
                }
            }
        }
        progress.finish();
        state.unpacked = true;
        save_state(state_path, state)
    }
}
