//! Single-file sources: the CISA KEV catalog and the FIRST EPSS scores.

use crate::error::FeedError;
use crate::http::{DownloadOutcome, Request, Validators};
use crate::store::{add_pending, load_state, relative, save_state};
use crate::{Feeds, FileKind, Progress, SyncReport};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::Path;

#[derive(Debug, Default, Serialize, Deserialize)]
struct SingleState {
    #[serde(default)]
    validators: Validators,
    #[serde(default)]
    pending: Vec<String>,
}

impl Feeds {
    /// Downloads the KEV catalog to `kev/known_exploited_vulnerabilities.json` (conditionally:
    /// a 304 answer keeps the stored copy), checking that it is JSON with a `vulnerabilities`
    /// array.
    pub fn sync_kev(
        &self,
        url: &str,
        progress: &mut dyn Progress,
    ) -> Result<SyncReport, FeedError> {
        let limit = self.config.max_document_bytes;
        self.sync_single(
            "kev",
            url,
            "known_exploited_vulnerabilities.json",
            FileKind::Kev,
            limit,
            progress,
            &mut |part: &Path| {
                #[derive(Deserialize)]
                struct Catalog {
                    vulnerabilities: Vec<serde::de::IgnoredAny>,
                }
                let bytes = std::fs::read(part).map_err(|e| FeedError::io(part, e))?;
                serde_json::from_slice::<Catalog>(&bytes)
                    .map(|c| drop(c.vulnerabilities))
                    .map_err(|e| FeedError::invalid(url, format!("not a KEV catalog: {e}")))
            },
        )
    }

    /// Downloads the EPSS scores to `epss/epss_scores-current.csv.gz`, kept as served (the
    /// reader inflates it), checking that the gzip stream is whole.
    pub fn sync_epss(
        &self,
        url: &str,
        progress: &mut dyn Progress,
    ) -> Result<SyncReport, FeedError> {
        let limit = self.config.max_document_bytes;
        self.sync_single(
            "epss",
            url,
            "epss_scores-current.csv.gz",
            FileKind::Epss,
            limit,
            progress,
            &mut |part: &Path| {
                let file = std::fs::File::open(part).map_err(|e| FeedError::io(part, e))?;
                let mut head = [0u8; 2];
                let mut reader = std::io::BufReader::new(file);
                reader
                    .read_exact(&mut head)
                    .map_err(|e| FeedError::invalid(url, format!("EPSS file too short: {e}")))?;
                if head != [0x1f, 0x8b] {
                    // Plain CSV (a server that inflated it): the reader takes that too.
                    return if head[0] == b'#' || head.eq_ignore_ascii_case(b"cv") {
                        Ok(())
                    } else {
                        Err(FeedError::invalid(url, "neither gzip nor an EPSS CSV"))
                    };
                }
                let file = std::fs::File::open(part).map_err(|e| FeedError::io(part, e))?;
                let mut decoder = flate2::read::GzDecoder::new(file).take(limit + 1);
                let inflated = std::io::copy(&mut decoder, &mut std::io::sink())
                    .map_err(|e| FeedError::invalid(url, format!("broken gzip stream: {e}")))?;
                if inflated > limit {
                    return Err(FeedError::TooLarge {
                        url: format!("{} (inflated)", crate::redact_url(url)),
                        limit,
                    });
                }
                Ok(())
            },
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn sync_single(
        &self,
        source: &str,
        url: &str,
        file_name: &str,
        kind: FileKind,
        limit: u64,
        progress: &mut dyn Progress,
        check: &mut dyn FnMut(&Path) -> Result<(), FeedError>,
    ) -> Result<SyncReport, FeedError> {
        let dir = self.cache_dir.join(source);
        let state_path = dir.join("state.json");
        let dest = dir.join(file_name);
        let mut state: SingleState = load_state(&state_path)?;
        let mut report = SyncReport::new(source, state_path.clone());
        let conditional =
            (dest.exists() && !state.validators.is_empty()).then(|| state.validators.clone());
        let outcome = self.http.download(
            url,
            &Request::default(),
            &dest,
            limit,
            conditional.as_ref(),
            progress,
            &format!("{} {file_name}", source.to_uppercase()),
            check,
        )?;
        match outcome {
            DownloadOutcome::NotModified => report.skipped_unchanged = 1,
            DownloadOutcome::Saved { validators, .. } => {
                state.validators = validators;
                add_pending(&mut state.pending, relative(&self.cache_dir, &dest));
                report.new_files = 1;
                save_state(&state_path, &state)?;
            }
        }
        report.files = self.pending_files(&state.pending, kind);
        Ok(report)
    }
}
