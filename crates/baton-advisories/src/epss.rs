//! FIRST EPSS daily scores (CSV, plain or gzip): a `#model_version:…,score_date:…` line, the
//! header `cve,epss,percentile`, then one row per CVE. The file is machine-made, so anything
//! unexpected is an error naming its line rather than a warning: half a score file imported
//! would silently lower the priority of the CVEs left out.

use crate::json::{is_cve, parse_date};
use crate::model::AdvisoryError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpssScores {
    /// As written, e.g. `v2023.03.01`.
    pub model_version: String,
    pub score_date: DateTime<Utc>,
    pub entries: Vec<EpssEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpssEntry {
    pub cve: String,
    /// Probability of exploitation in the next 30 days, 0–1.
    pub score: f64,
    /// Rank among all scored CVEs, 0–1.
    pub percentile: f64,
}

/// Reads an EPSS score file. `file` names the file in errors.
pub fn parse_epss(file: &str, bytes: &[u8]) -> Result<EpssScores, AdvisoryError> {
    let bytes = crate::inflate(file, bytes)?;
    let text = crate::text_of(file, &bytes)?;
    let err = |line: u64, message: String| AdvisoryError::Csv {
        file: file.to_string(),
        line,
        message,
    };
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let first = first.trim_end_matches('\r');
    let Some(meta) = first.strip_prefix('#') else {
        return Err(err(
            1,
            format!(
                "expected the `#model_version:…,score_date:…` line, found {:?}",
                clip(first)
            ),
        ));
    };
    let mut model_version = None;
    let mut score_date = None;
    for part in meta.split(',') {
        match part.split_once(':') {
            Some(("model_version", v)) => model_version = Some(v.trim().to_string()),
            Some(("score_date", v)) => {
                score_date = Some(
                    parse_date(v)
                        .ok_or_else(|| err(1, format!("score_date {v:?} is not a date-time")))?,
                );
            }
            _ => {}
        }
    }
    let model_version =
        model_version.ok_or_else(|| err(1, "the comment line has no model_version".to_string()))?;
    let score_date = score_date.ok_or_else(|| {
        err(
            1,
            "the comment line has no score_date, so the scores cannot be dated".to_string(),
        )
    })?;

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(rest.as_bytes());
    let mut entries = Vec::new();
    let mut header_seen = false;
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line()) + 1;
            err(line, format!("CSV: {e}"))
        })?;
        // +1 for the comment line taken off above.
        let line = record.position().map_or(0, |p| p.line()) + 1;
        let fields: Vec<&str> = record.iter().map(str::trim).collect();
        if !header_seen {
            if fields != ["cve", "epss", "percentile"] {
                return Err(err(
                    line,
                    format!(
                        "the header is {:?}, expected cve,epss,percentile",
                        fields.join(",")
                    ),
                ));
            }
            header_seen = true;
            continue;
        }
        if fields.len() == 1 && fields[0].is_empty() {
            continue;
        }
        let [cve, score, percentile] = fields[..] else {
            return Err(err(
                line,
                format!("expected 3 fields, found {}", fields.len()),
            ));
        };
        if !is_cve(cve) {
            return Err(err(line, format!("{cve:?} is not a CVE id")));
        }
        let unit = |name: &str, s: &str| -> Result<f64, AdvisoryError> {
            match s.parse::<f64>() {
                Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
                _ => Err(err(
                    line,
                    format!("{name} {s:?} is not a number from 0 to 1"),
                )),
            }
        };
        entries.push(EpssEntry {
            cve: cve.to_string(),
            score: unit("epss", score)?,
            percentile: unit("percentile", percentile)?,
        });
    }
    if !header_seen {
        return Err(err(
            2,
            "the header line cve,epss,percentile is missing".to_string(),
        ));
    }
    Ok(EpssScores {
        model_version,
        score_date,
        entries,
    })
}

fn clip(s: &str) -> String {
    s.chars().take(80).collect()
}
