//! Fleet findings on the command line: advisory, VEX, KEV and EPSS imports, `findings`,
//! `affected`, `vex set|history`, `identities`, `match` and `sync`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use baton_advisories::AdvisoryError;
use baton_store::{AdvisoryDoc, AdvisoryImport, Store};

use crate::output::{Format, write_rows};
use crate::{Context_, read_limited};

/// Every file under the paths, directories walked recursively in name order.
pub fn files_under(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    Ok(baton_matching::files_under(paths)?)
}

/// What a folder of vulnerability data holds, read.
#[derive(Default)]
pub struct Loaded {
    pub advisories: Vec<AdvisoryDoc>,
    pub kev: Option<baton_advisories::KevCatalog>,
    pub epss: Option<baton_advisories::EpssScores>,
    pub skipped: usize,
}

/// Read advisory files (any format, mixed), the KEV catalog and EPSS scores among them; files
/// that are none of these are skipped with a warning. A file that is one but cannot be read is
/// an error naming it.
pub fn load_files(files: &[PathBuf]) -> Result<Loaded> {
    let mut loaded = Loaded::default();
    for f in files {
        let name = f.display().to_string();
        let bytes = read_limited(f, baton_advisories::MAX_DOCUMENT_BYTES)?;
        match baton_advisories::parse(&name, &bytes) {
            Ok(parsed) => {
                for w in parsed.warnings.iter().take(3) {
                    eprintln!("warning: {name}: {}: {}", w.location, w.message);
                }
                for advisory in parsed.advisories {
                    loaded.advisories.push(AdvisoryDoc {
                        file: name.clone(),
                        advisory,
                    });
                }
            }
            Err(AdvisoryError::NotAnAdvisory { reason, .. }) => {
                if let Ok(kev) = baton_advisories::parse_kev(&name, &bytes) {
                    loaded.kev = Some(kev);
                } else if let Ok(epss) = baton_advisories::parse_epss(&name, &bytes) {
                    loaded.epss = Some(epss);
                } else {
                    eprintln!("warning: {name}: skipped: {reason}");
                    loaded.skipped += 1;
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(loaded)
}

#[derive(serde::Serialize)]
struct ImportRow {
    files: usize,
    skipped: usize,
    advisories: usize,
    new: usize,
    unchanged: usize,
    superseded: usize,
    older: usize,
    vex_documents: usize,
    asset_decisions: usize,
    releases_matched: usize,
    findings: usize,
    new_findings: usize,
    gone_findings: usize,
    kev: Option<usize>,
    epss: Option<usize>,
}

const IMPORT_COLUMNS: &[&str] = &[
    "files",
    "skipped",
    "advisories",
    "new",
    "unchanged",
    "superseded",
    "older",
    "vex_documents",
    "asset_decisions",
    "releases_matched",
    "new_findings",
    "gone_findings",
    "kev",
    "epss",
];

/// Store what was loaded: KEV and EPSS replace the stored ones; advisories are matched.
pub fn store_loaded(
    store: &mut Store,
    loaded: &Loaded,
    files: usize,
    author: Option<&str>,
) -> Result<serde_json::Value> {
    let kev = match &loaded.kev {
        Some(k) => Some(store.import_kev(k)?),
        None => None,
    };
    let epss = match &loaded.epss {
        Some(e) => Some(store.import_epss(e)?),
        None => None,
    };
    let s: AdvisoryImport = if loaded.advisories.is_empty() {
        AdvisoryImport::default()
    } else {
        store.import_advisories(&loaded.advisories, author)?
    };
    Ok(serde_json::to_value(ImportRow {
        files,
        skipped: loaded.skipped,
        advisories: s.advisories,
        new: s.new,
        unchanged: s.unchanged,
        superseded: s.superseded,
        older: s.older,
        vex_documents: s.vex_documents,
        asset_decisions: s.asset_decisions,
        releases_matched: s.matching.releases,
        findings: s.matching.findings,
        new_findings: s.matching.new_findings,
        gone_findings: s.matching.gone_findings,
        kev,
        epss,
    })?)
}

/// `baton import advisories PATH…` and `baton import vex PATH… [--author ORG]`.
pub fn import(
    out: &mut dyn Write,
    store: &mut Store,
    ctx: &Context_,
    paths: &[PathBuf],
    author: Option<&str>,
) -> Result<()> {
    let files = files_under(paths)?;
    let loaded = load_files(&files)?;
    let row = store_loaded(store, &loaded, files.len(), author)?;
    write_rows(out, ctx.format, IMPORT_COLUMNS, &[row])
}

pub const FINDING_COLUMNS: &[&str] = &[
    "finding_id",
    "vulnerability_id",
    "manufacturer",
    "model",
    "version",
    "component_name",
    "component_version",
    "status",
    "justification",
    "confidence",
    "kev",
    "cvss",
    "assets",
];

pub fn findings(
    out: &mut dyn Write,
    store: &mut Store,
    ctx: &Context_,
    filter: &baton_store::FindingFilter,
    evidence: bool,
) -> Result<()> {
    let mut rows = store.findings(filter)?;
    if !evidence {
        for r in &mut rows {
            r.evidence.clear();
        }
    }
    if ctx.format == Format::Table {
        // The table shows the score; JSON and CSV keep the whole CVSS object.
        let flat: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                let mut v = serde_json::to_value(r).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    let score = r
                        .cvss
                        .as_ref()
                        .and_then(|c| c.score)
                        .map(|s| serde_json::json!(s))
                        .unwrap_or(serde_json::Value::Null);
                    o.insert("cvss".into(), score);
                }
                v
            })
            .collect();
        return write_rows(out, ctx.format, FINDING_COLUMNS, &flat);
    }
    write_rows(out, ctx.format, FINDING_COLUMNS, &rows)
}

pub const AFFECTED_COLUMNS: &[&str] = &[
    "organization",
    "asset_id",
    "manufacturer",
    "model",
    "version",
    "stage",
    "status",
    "patch_developer",
    "patch_deployer",
];

pub fn affected(
    out: &mut dyn Write,
    store: &mut Store,
    ctx: &Context_,
    vulnerability: &str,
) -> Result<()> {
    let rows = store.affected(vulnerability.trim(), ctx.on)?;
    if ctx.format == Format::Table {
        let party = |p: &baton_store::PartyRef| {
            let mut s = p.party.key().to_string();
            if let Some(l) = p.lead {
                s.push_str(&format!(" (lead {})", l.key()));
            }
            if let Some(pr) = &p.provider {
                s.push_str(&format!(" via {pr}"));
            }
            s
        };
        let flat: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                let mut v = serde_json::to_value(r).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("patch_developer".into(), party(&r.patch_developer).into());
                    o.insert("patch_deployer".into(), party(&r.patch_deployer).into());
                }
                v
            })
            .collect();
        return write_rows(out, ctx.format, AFFECTED_COLUMNS, &flat);
    }
    write_rows(out, ctx.format, AFFECTED_COLUMNS, &rows)
}

pub const DECISION_COLUMNS: &[&str] = &[
    "id",
    "finding_id",
    "asset",
    "status",
    "justification",
    "note",
    "decided_by",
    "decided_at",
    "origin",
];

pub const IDENTITY_COLUMNS: &[&str] = &[
    "id",
    "component_id",
    "kind",
    "value",
    "confidence",
    "state",
    "origin",
    "decided_by",
    "decided_at",
];

pub const UNMATCHED_COLUMNS: &[&str] = &[
    "component_id",
    "name",
    "version",
    "supplier",
    "purl",
    "releases",
];

/// A terminal progress line on stderr (nothing when stderr is not a terminal).
pub struct TerminalProgress {
    label: String,
    total: Option<u64>,
    done: u64,
    shown: std::time::Instant,
    tty: bool,
}

impl TerminalProgress {
    pub fn new() -> TerminalProgress {
        TerminalProgress {
            label: String::new(),
            total: None,
            done: 0,
            shown: std::time::Instant::now(),
            tty: std::io::stderr().is_terminal(),
        }
    }

    fn draw(&mut self, force: bool) {
        if !self.tty || (!force && self.shown.elapsed().as_millis() < 100) {
            return;
        }
        self.shown = std::time::Instant::now();
        let line = match self.total {
            Some(t) if t > 0 => {
                let width = 30u64;
                let filled = (self.done.min(t) * width / t) as usize;
                format!(
                    "{} [{}{}] {}/{}",
                    self.label,
                    "#".repeat(filled),
                    " ".repeat(width as usize - filled),
                    self.done,
                    t
                )
            }
            _ => format!("{} {}", self.label, self.done),
        };
        eprint!("\r\x1b[2K{line}");
    }
}

impl baton_feeds::Progress for TerminalProgress {
    fn start(&mut self, label: &str, total: Option<u64>) {
        self.label = label.to_string();
        self.total = total;
        self.done = 0;
        self.draw(true);
    }

    fn advance(&mut self, n: u64) {
        self.done += n;
        self.draw(false);
    }

    fn finish(&mut self) {
        self.draw(true);
        if self.tty {
            eprintln!();
        }
    }

    fn note(&mut self, message: &str) {
        if self.tty {
            eprint!("\r\x1b[2K");
        }
        eprintln!("{message}");
    }
}

/// The sources `baton sync` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SyncSource {
    Nvd,
    Osv,
    Kev,
    Epss,
    Csaf,
}

/// Options of `baton sync`.
pub struct SyncArgs {
    pub sources: Vec<SyncSource>,
    pub cache: Option<PathBuf>,
    pub url: Option<String>,
    pub api_key: Option<String>,
    pub since: Option<chrono::NaiveDate>,
    pub ecosystems: Vec<String>,
    pub provider: Vec<String>,
}

fn default_cache(database: &str) -> PathBuf {
    let target = baton_store::Target::parse(database);
    match target {
        baton_store::Target::Sqlite(path) => {
            let p = Path::new(&path);
            let dir = p.parent().filter(|d| !d.as_os_str().is_empty());
            dir.unwrap_or(Path::new(".")).join("baton-feeds")
        }
        baton_store::Target::Postgres(_) => PathBuf::from("baton-feeds"),
    }
}

/// `baton sync SOURCE…`: download into the cache, import what arrived, acknowledge it.
pub fn sync(out: &mut dyn Write, store: &mut Store, ctx: &Context_, args: &SyncArgs) -> Result<()> {
    let cache = args
        .cache
        .clone()
        .unwrap_or_else(|| default_cache(&ctx.database));
    let feeds = baton_feeds::Feeds::new(&cache, baton_feeds::FeedsConfig::default())
        .map_err(|e| anyhow!("{e}"))?;
    let mut sources = Vec::new();
    for s in &args.sources {
        match s {
            SyncSource::Nvd => {
                let mut o = baton_feeds::NvdOptions::default();
                if let Some(u) = &args.url {
                    o.base_url = u.clone();
                }
                o.api_key = args.api_key.clone();
                o.since = args
                    .since
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|t| t.and_utc());
                sources.push(baton_feeds::Source::Nvd(o));
            }
            SyncSource::Osv => {
                if args.ecosystems.is_empty() {
                    return Err(anyhow!(
                        "`baton sync osv` needs --ecosystem (PyPI, npm, crates.io, Debian:12, …)"
                    ));
                }
                for e in &args.ecosystems {
                    let mut o = baton_feeds::OsvOptions::new(e.clone());
                    if let Some(u) = &args.url {
                        o.base_url = u.clone();
                    }
                    sources.push(baton_feeds::Source::Osv(o));
                }
            }
            SyncSource::Kev => sources.push(baton_feeds::Source::Kev {
                url: args
                    .url
                    .clone()
                    .unwrap_or_else(|| baton_feeds::KEV_URL.to_string()),
            }),
            SyncSource::Epss => sources.push(baton_feeds::Source::Epss {
                url: args
                    .url
                    .clone()
                    .unwrap_or_else(|| baton_feeds::EPSS_URL.to_string()),
            }),
            SyncSource::Csaf => {
                if args.provider.is_empty() {
                    sources.push(baton_feeds::Source::Csaf(baton_feeds::CsafOptions::cisa()));
                }
                for p in &args.provider {
                    sources.push(baton_feeds::Source::Csaf(baton_feeds::CsafOptions::new(
                        p.clone(),
                    )));
                }
            }
        }
    }
    let mut rows = Vec::new();
    let mut failed = Vec::new();
    for source in &sources {
        let mut progress = TerminalProgress::new();
        let report = match feeds.sync(source, &mut progress) {
            Ok(r) => r,
            Err(e) => {
                // Progress is saved; the next run continues.
                eprintln!("error: {e}");
                failed.push(e.to_string());
                continue;
            }
        };
        for e in &report.errors {
            eprintln!("warning: {e}");
        }
        for w in &report.warnings {
            eprintln!("warning: {w}");
        }
        let paths: Vec<PathBuf> = report.files.iter().map(|f| f.path.clone()).collect();
        let loaded = load_files(&paths)?;
        let mut row = store_loaded(store, &loaded, paths.len(), None)?;
        feeds.acknowledge(&report).map_err(|e| anyhow!("{e}"))?;
        if let Some(o) = row.as_object_mut() {
            o.insert("source".into(), report.source.clone().into());
            o.insert("downloaded".into(), report.new_files.into());
            o.insert("not_modified".into(), report.skipped_unchanged.into());
            o.insert("errors".into(), report.errors.len().into());
        }
        rows.push(row);
    }
    let mut columns = vec!["source", "downloaded", "not_modified", "errors"];
    columns.extend(IMPORT_COLUMNS.iter().skip(1));
    write_rows(out, ctx.format, &columns, &rows)?;
    if !failed.is_empty() {
        return Err(anyhow!(
            "{} source(s) failed; run `baton sync` again to continue: {}",
            failed.len(),
            failed.join("; ")
        ));
    }
    Ok(())
}
