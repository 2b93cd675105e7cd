//! `baton scan`: files in, findings out, no database.

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use baton_advisories::{Advisory, AdvisoryError};
use chrono::NaiveDate;

use crate::keys::osv_package_keys;
use crate::names::VendorAliases;
use crate::purl::Purl;
use crate::{Confidence, Index, ScanOptions, scan_with_index, to_cyclonedx, to_json};

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
    /// Vendor spellings added to the built-in alias table: the `name,alias` CSV of
    /// `baton import aliases`.
    pub aliases: Option<PathBuf>,
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
    #[error(transparent)]
    Aliases(#[from] baton_formats::InputError),
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
    let io = |p: &Path| {
        let path = p.display().to_string();
        move |source| ScanError::Io { path, source }
    };
    let mut out = Vec::new();
    let mut stack: Vec<(PathBuf, Option<bool>)> =
        paths.iter().rev().map(|p| (p.clone(), None)).collect();
    while let Some((p, known_dir)) = stack.pop() {
        // A directory entry says what it is without another stat, except for a symlink.
        let is_dir = match known_dir {
            Some(d) => d,
            None => std::fs::metadata(&p).map_err(io(&p))?.is_dir(),
        };
        if is_dir {
            let mut entries: Vec<(OsString, PathBuf, Option<bool>)> = std::fs::read_dir(&p)
                .map_err(io(&p))?
                .filter_map(|e| {
                    let e = e.ok()?;
                    let kind = e.file_type().ok().filter(|t| !t.is_symlink());
                    Some((e.file_name(), e.path(), kind.map(|t| t.is_dir())))
                })
                .collect();
            // By name: the same order as by path within one folder, without parsing paths.
            entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            stack.extend(entries.into_iter().rev().map(|(_, path, dir)| (path, dir)));
        } else {
            out.push(p);
        }
    }
    Ok(out)
}

/// Reads every advisory under the paths; files that are no advisory are reported on `warn`
/// and skipped. Files are read and parsed on up to four threads; warnings, advisories and the
/// first error come in file order, as if read one by one.
pub fn read_advisories(
    paths: &[PathBuf],
    warn: &mut dyn Write,
) -> Result<Vec<Advisory>, ScanError> {
    read_advisories_for(paths, None, warn)
}

/// [`read_advisories`] for a scan of components whose purls have these package keys
/// ([`crate::purl::Purl::key`]): an OSV JSON record none of whose packages has one of them is
/// skipped after a quick pass over its text, since the scan can reach an OSV record only through
/// its packages. `None` reads everything.
pub fn read_advisories_for(
    paths: &[PathBuf],
    packages: Option<&HashSet<String>>,
    warn: &mut dyn Write,
) -> Result<Vec<Advisory>, ScanError> {
    let files = files_under(paths)?;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
        .min(files.len().div_ceil(16).max(1));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        let mut buffer = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(file) = files.get(i) else {
                return done;
            };
            done.push((i, read_one(file, packages, &mut buffer)));
        }
    };
    let mut results: Vec<(usize, Result<Vec<Advisory>, ScanError>)> = if threads == 1 {
        work()
    } else {
        std::thread::scope(|scope| {
            let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
            let mut all = work();
            for h in helpers {
                match h.join() {
                    Ok(part) => all.extend(part),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            all
        })
    };
    results.sort_unstable_by_key(|(i, _)| *i);
    let mut advisories = Vec::new();
    for (_, result) in results {
        match result {
            Ok(parsed) => advisories.extend(parsed),
            Err(ScanError::Advisory(e @ AdvisoryError::NotAnAdvisory { .. })) => {
                // A failed warning must not stop the scan.
                let _ = writeln!(warn, "warning: skipped {e}");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(advisories)
}

/// Reads and parses one file, its bytes going through `buffer`.
fn read_one(
    file: &Path,
    packages: Option<&HashSet<String>>,
    buffer: &mut Vec<u8>,
) -> Result<Vec<Advisory>, ScanError> {
    let io = |source| ScanError::Io {
        path: file.display().to_string(),
        source,
    };
    let len = std::fs::File::open(file)
        .and_then(|mut f| read_into(&mut f, buffer))
        .map_err(io)?;
    let bytes = buffer.get(..len).unwrap_or_default();
    if let Some(wanted) = packages
        && let Some(named) = baton_advisories::osv_packages(bytes)
        && !named.iter().any(|p| {
            osv_package_keys(p.ecosystem.as_deref(), p.name.as_deref(), p.purl.as_deref())
                .iter()
                .any(|k| wanted.contains(k))
        })
    {
        return Ok(Vec::new());
    }
    let parsed = baton_advisories::parse(&file.display().to_string(), bytes)?;
    Ok(parsed.advisories)
}

/// Reads a whole file into `buffer` (grown as needed, never shrunk) and gives its length.
/// Unlike `read_to_end` it asks for no size or position first: two system calls fewer per file,
/// which counts over thousands of small advisories.
fn read_into(file: &mut std::fs::File, buffer: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut len = 0;
    loop {
        if len == buffer.len() {
            buffer.resize((buffer.len() * 2).max(64 * 1024), 0);
        }
        match file.read(buffer.get_mut(len..).unwrap_or_default()) {
            Ok(0) => return Ok(len),
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
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
    let packages: HashSet<String> = parsed
        .sbom
        .components
        .iter()
        .filter_map(|c| c.purl.as_deref().and_then(Purl::parse))
        .map(|p| p.key())
        .collect();
    let advisories = read_advisories_for(&args.advisories, Some(&packages), warn)?;
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
    let aliases = match &args.aliases {
        Some(path) => VendorAliases::from_csv(&path.display().to_string(), &read(path)?)?,
        None => VendorAliases::default(),
    };
    let index = Index::build_with(&advisories, aliases);
    let report = scan_with_index(&parsed.sbom, &index, &options);
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
