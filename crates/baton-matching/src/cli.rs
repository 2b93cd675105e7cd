//! `baton scan`: files in, findings out, no database.

use std::io::Write;
use std::path::{Path, PathBuf};

use baton_advisories::{Advisory, AdvisoryError};
use chrono::NaiveDate;

use crate::{Confidence, ScanOptions, scan, to_cyclonedx, to_json};

/// Output format of `baton scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    #[default]
    Json,
    CycloneDx,
}

/// The arguments of `baton scan`.
#[derive(Debug, Clone)]
pub struct ScanArgs {
    pub sbom: PathBuf,
    /// Advisory files or directories (read recursively, formats mixed).
    pub advisories: Vec<PathBuf>,
    /// VEX files or directories whose statements override statuses.
    pub vex: Vec<PathBuf>,
    pub kev: Option<PathBuf>,
    pub epss: Option<PathBuf>,
    pub min_confidence: Confidence,
    pub format: OutputFormat,
    /// "Today": dates the CycloneDX output and bounds KEV additions.
    pub on: NaiveDate,
}

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Sbom(#[from] baton_sbom::SbomError),
    #[error(transparent)]
    Advisory(#[from] AdvisoryError),
    #[error("writing the output: {0}")]
    Output(std::io::Error),
}

fn read(path: &Path) -> Result<Vec<u8>, ScanError> {
    std::fs::read(path).map_err(|source| ScanError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Every file under the paths, directories walked recursively in name order.
pub fn files_under(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ScanError> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = paths.iter().rev().cloned().collect();
    while let Some(p) = stack.pop() {
        let meta = std::fs::metadata(&p).map_err(|source| ScanError::Io {
            path: p.display().to_string(),
            source,
        })?;
        if meta.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&p)
                .map_err(|source| ScanError::Io {
                    path: p.display().to_string(),
                    source,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            stack.extend(entries.into_iter().rev());
        } else {
            out.push(p);
        }
    }
    Ok(out)
}

/// Reads every advisory under the paths; files that are no advisory are reported on `warn`
/// and skipped.
pub fn read_advisories(
    paths: &[PathBuf],
    warn: &mut dyn Write,
) -> Result<Vec<Advisory>, ScanError> {
    let mut advisories = Vec::new();
    for file in files_under(paths)? {
        let bytes = read(&file)?;
        let name = file.display().to_string();
        match baton_advisories::parse(&name, &bytes) {
            Ok(parsed) => advisories.extend(parsed.advisories),
            Err(e @ AdvisoryError::NotAnAdvisory { .. }) => {
                // A failed warning must not stop the scan.
                let _ = writeln!(warn, "warning: skipped {e}");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(advisories)
}

/// Runs `baton scan`, warnings on stderr.
pub fn run_scan(args: &ScanArgs, out: &mut dyn Write) -> Result<(), ScanError> {
    run_scan_with(args, out, &mut std::io::stderr())
}

/// Runs `baton scan` with warnings written to `warn`.
pub fn run_scan_with(
    args: &ScanArgs,
    out: &mut dyn Write,
    warn: &mut dyn Write,
) -> Result<(), ScanError> {
    let sbom_name = args.sbom.display().to_string();
    let parsed = baton_sbom::parse(&sbom_name, &read(&args.sbom)?)?;
    let advisories = read_advisories(&args.advisories, warn)?;
    let vex = read_advisories(&args.vex, warn)?;
    let mut options = ScanOptions {
        min_confidence: args.min_confidence,
        vex,
        on: Some(args.on),
        ..ScanOptions::default()
    };
    if let Some(path) = &args.kev {
        let catalog = baton_advisories::parse_kev(&path.display().to_string(), &read(path)?)?;
        options = options.with_kev(&catalog);
    }
    if let Some(path) = &args.epss {
        let scores = baton_advisories::parse_epss(&path.display().to_string(), &read(path)?)?;
        options = options.with_epss(&scores);
    }
    let report = scan(&parsed.sbom, &advisories, &options);
    for w in &report.warnings {
        let _ = writeln!(warn, "warning: {w}");
    }
    let value = match args.format {
        OutputFormat::Json => to_json(&report.findings),
        OutputFormat::CycloneDx => to_cyclonedx(&parsed.sbom, &report.findings, args.on),
    };
    serde_json::to_writer_pretty(&mut *out, &value)
        .map_err(|e| ScanError::Output(std::io::Error::other(e)))?;
    writeln!(out).map_err(ScanError::Output)?;
    Ok(())
}
