//! `baton`: the command line. Parses arguments, opens the store, calls the model's reports and
//! renders their rows; no business rules live here.

mod admin_cmd;
mod bench_api;
mod bench_fleet;
mod bench_sbom;
mod demo;
mod findings_cmd;
mod mds2_cmd;
mod output;
mod sbom_cmd;
mod serve_cmd;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use baton_formats::inventory::AssessmentRow;
use baton_model::reports::{self, Scope};
use baton_model::vocab::{Decision, Residual};
use baton_store::{ImportKind, LoadedFleet, Store};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use output::{Format, write_rows};

/// Baton keeps clear, for every medical device at every lifecycle stage, who must do each
/// security task: the manufacturer (MDM), the hospital (HDO) or a provider.
#[derive(Parser)]
#[command(name = "baton", version, about, max_term_width = 100)]
struct Cli {
    /// Database: sqlite://PATH, sqlite:PATH, a file path, or postgres://… [default: baton.db]
    #[arg(
        long,
        global = true,
        env = "BATON_DATABASE_URL",
        hide_env_values = true
    )]
    database: Option<String>,
    /// Report as of this date (YYYY-MM-DD) instead of today
    #[arg(long, global = true, value_parser = parse_day)]
    on: Option<NaiveDate>,
    /// The audit log's signing key [default: DATABASE.log-key beside a SQLite file, else
    /// ./baton-log.key]
    #[arg(long, global = true, env = "BATON_LOG_KEY")]
    log_key: Option<PathBuf>,
    /// Also send every committed audit event to a SIEM: file:PATH (JSON lines) or
    /// tcp:HOST:PORT (RFC 5424 syslog)
    #[arg(long, global = true, env = "BATON_SIEM")]
    siem: Option<String>,
    /// Output format [default: table; json for `scan`]
    #[arg(long, global = true, value_enum)]
    format: Option<Format>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Organizations, users, API tokens and sharing (every change is logged)
    Admin {
        #[command(subcommand)]
        what: admin_cmd::AdminCommand,
    },
    /// Write an online backup of a SQLite database to a new FILE (PostgreSQL: pg_dump)
    Backup { file: PathBuf },
    /// Replace a SQLite database with a backup whose audit log verifies (stop the server first)
    Restore { file: PathBuf },
    /// Serve the web pages and the HTTP API (127.0.0.1:8080 unless configured; stops cleanly on SIGTERM)
    Serve {
        /// ADDR:PORT to listen on [default: the configuration's, else 127.0.0.1:8080]
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// A TOML configuration file [default: $BATON_CONFIG]; BATON_* variables override it
        #[arg(long)]
        config: Option<PathBuf>,
        /// Start on a fresh SQLite database loaded with the demo fleet, SBOMs and advisories, and
        /// print a one-time password for each demo organization's admin
        #[arg(long)]
        demo: bool,
    },
    /// The tamper-evident audit log: verify, prove, key, checkpoint, export
    Log {
        #[command(subcommand)]
        what: admin_cmd::LogCommand,
    },
    /// Create and migrate the database
    Init,
    /// Import an inventory CSV file (one transaction: all rows or none)
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Stage, next milestone, transfer window and notice problems of every model
    Lifecycle {
        /// Only what this organization sees (and the notice periods it requires)
        #[arg(long)]
        organization: Option<String>,
    },
    /// Who does each task for one asset, and what shifts at the next milestone
    Responsibilities {
        /// ORGANIZATION/ASSET_ID (split at the last '/')
        #[arg(long)]
        asset: String,
    },
    /// Tasks nobody will do: the responsible party cannot, and no provider is assigned
    Gaps {
        #[arg(long)]
        organization: Option<String>,
    },
    /// Risk assessments and EOL/EOS milestones due (overdue included)
    Due {
        /// Also list items due within this many days
        #[arg(long)]
        horizon: Option<u32>,
        #[arg(long)]
        organization: Option<String>,
    },
    /// Upcoming stage changes and what shifts to whom at each
    Transitions {
        #[arg(long, default_value_t = 365)]
        horizon: u32,
        #[arg(long)]
        organization: Option<String>,
    },
    /// The fleet at a glance
    Report {
        #[arg(long)]
        organization: Option<String>,
    },
    /// Record a risk assessment of continued use
    Assess {
        /// ORGANIZATION/ASSET_ID
        #[arg(long)]
        asset: String,
        #[arg(long, value_parser = parse_day)]
        date: NaiveDate,
        #[arg(long, value_parser = parse_term::<Decision>)]
        decision: Decision,
        #[arg(long)]
        assessor: String,
        #[arg(long, value_parser = parse_term::<Residual>)]
        residual: Option<Residual>,
        #[arg(long)]
        note: Option<String>,
    },
    /// The default responsibility matrix with the source of every cell
    Matrix,
    /// Per release: the documentation present, and what its stage expects but is missing
    Docs {
        #[arg(long)]
        organization: Option<String>,
    },
    /// Components of releases' current SBOMs that lost support (per release, or per asset)
    Unsupported {
        /// One row per asset in use instead of per release
        #[arg(long)]
        per_asset: bool,
        #[arg(long)]
        organization: Option<String>,
    },
    /// A release's SBOMs: show, compare, or check a file against NTIA and FDA
    Sbom {
        #[command(subcommand)]
        command: SbomCommand,
    },
    /// Coverage of the FDA security control categories by a release's MDS2 answers
    Controls {
        /// MANUFACTURER/MODEL@VERSION
        #[arg(long)]
        release: String,
    },
    /// MDS2 forms: compare two releases
    Mds2 {
        #[command(subcommand)]
        command: Mds2Command,
    },
    /// Write stored documents in their standard formats
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// The record of one asset, decommissioned ones included: import, assessments
    History {
        /// ORGANIZATION/ASSET_ID
        #[arg(long)]
        asset: String,
    },
    /// Match an SBOM against advisories (CSAF, OpenVEX, OSV, NVD, CVE 5), no database needed;
    /// --format json (default here) or cyclonedx
    Scan {
        /// The SBOM to scan (CycloneDX or SPDX)
        #[arg(long)]
        sbom: PathBuf,
        /// Advisory files or directories (any supported format, mixed; other files are skipped)
        #[arg(long, num_args = 1.., required = true)]
        advisories: Vec<PathBuf>,
        /// VEX files or directories whose statements override statuses
        #[arg(long, num_args = 1..)]
        vex: Vec<PathBuf>,
        /// CISA KEV catalog (JSON)
        #[arg(long)]
        kev: Option<PathBuf>,
        /// FIRST EPSS scores (CSV, plain or gzip)
        #[arg(long)]
        epss: Option<PathBuf>,
        /// Lowest confidence of a device-product match to report
        #[arg(long, default_value = "alias", value_parser = parse_confidence)]
        min_confidence: baton_matching::Confidence,
        /// Vendor spellings added to the built-in alias table (CSV `name,alias`, as for
        /// `import aliases`)
        #[arg(long)]
        aliases: Option<PathBuf>,
    },
    /// Stored findings, KEV first then by CVSS score (`--format json` for every field)
    Findings {
        /// ORGANIZATION/ASSET_ID: that asset's findings, its own decisions applied
        #[arg(long, conflicts_with = "release")]
        asset: Option<String>,
        /// MANUFACTURER/MODEL@VERSION
        #[arg(long)]
        release: Option<String>,
        /// affected, not_affected, fixed or under_investigation
        #[arg(long)]
        status: Option<String>,
        /// Only vulnerabilities in CISA's KEV catalog
        #[arg(long)]
        kev: bool,
        /// Only this vulnerability (id or alias)
        #[arg(long)]
        vulnerability: Option<String>,
        /// Include what matched, advisory by advisory
        #[arg(long)]
        evidence: bool,
    },
    /// Every asset in use that a vulnerability affects, its stage on the date, and who develops
    /// and who deploys the patch
    Affected {
        /// CVE or any alias (GHSA, ICSMA, …)
        vulnerability: String,
    },
    /// Analysts' decisions on findings (VEX status), each kept with who and when
    Vex {
        #[command(subcommand)]
        command: VexCommand,
    },
    /// Component identities: what could not be matched, and reviewed mappings
    Identities {
        #[command(subcommand)]
        command: IdentitiesCommand,
    },
    /// Match every release against every stored advisory again (imports match incrementally)
    Match,
    /// Download vulnerability data (NVD, OSV, KEV, EPSS, CSAF providers) and import it;
    /// resumable, progress on a terminal
    Sync {
        #[arg(required = true, value_enum)]
        sources: Vec<findings_cmd::SyncSource>,
        /// Download cache [default: baton-feeds beside the database]
        #[arg(long)]
        cache: Option<PathBuf>,
        /// Another base URL (a mirror) for the source
        #[arg(long)]
        url: Option<String>,
        /// NVD API key (raises the rate limit)
        #[arg(long, env = "NVD_API_KEY", hide_env_values = true)]
        api_key: Option<String>,
        /// NVD: first run starts from this day instead of everything
        #[arg(long, value_parser = parse_day)]
        since: Option<NaiveDate>,
        /// OSV ecosystem (repeat): PyPI, npm, crates.io, Go, Maven, Debian:12, …
        #[arg(long = "ecosystem")]
        ecosystems: Vec<String>,
        /// CSAF provider-metadata.json URL (repeat) [default: CISA's]
        #[arg(long)]
        provider: Vec<String>,
    },
    /// Version range tools
    Vers {
        #[command(subcommand)]
        command: VersCommand,
    },
    /// CPE 2.3 tools
    Cpe {
        #[command(subcommand)]
        command: CpeCommand,
    },
    /// UDI tools
    Udi {
        #[command(subcommand)]
        command: UdiCommand,
    },
    /// Load a realistic demo hospital network into a fresh database and print the fleet report
    Demo {
        /// Folder for the demo's CSV files and database [default: a new temporary folder]
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Time imports and reports on a synthetic fleet (scale 100 = 200,000 assets, 6,000 models)
    #[command(args_conflicts_with_subcommands = true)]
    Bench {
        #[arg(long, default_value_t = 100)]
        scale: usize,
        /// Folder for the generated files [default: a new temporary folder]
        #[arg(long)]
        dir: Option<PathBuf>,
        #[command(subcommand)]
        what: Option<BenchWhat>,
    },
}

#[derive(Subcommand)]
enum BenchWhat {
    /// The HTTP API under load from `wrk`: a findings page, an asset's findings and `affected`
    /// on a generated fleet (SQLite, and PostgreSQL when given an empty database)
    Api {
        #[arg(long, default_value_t = 300_000)]
        advisories: usize,
        #[arg(long, default_value_t = 2_000)]
        releases: usize,
        /// Components per release SBOM
        #[arg(long, default_value_t = 500)]
        components: usize,
        /// Distinct components the SBOMs draw from
        #[arg(long, default_value_t = 100_000)]
        distinct: usize,
        /// Percent of the pool's packages that advisories name
        #[arg(long, default_value_t = 6)]
        vulnerable_percent: u64,
        #[arg(long, default_value_t = 100_000)]
        assets: usize,
        #[arg(long, default_value_t = 50)]
        connections: usize,
        /// Seconds of load per request
        #[arg(long, default_value_t = 60)]
        duration: u64,
        /// An empty PostgreSQL database to run on as well (or one an earlier run loaded)
        #[arg(long)]
        postgres: Option<String>,
        /// Keep the SQLite database and log keys here; a fleet an earlier run loaded here is
        /// used as it is [default: a new temporary folder, removed after]
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Run on PostgreSQL only
        #[arg(long, requires = "postgres")]
        skip_sqlite: bool,
        /// Load the web pages instead (the dashboard and a device page, signed in), and report
        /// their weight
        #[arg(long)]
        pages: bool,
        /// The server's database connections [default: 4 on SQLite, 8 on PostgreSQL]
        #[arg(long)]
        pool: Option<usize>,
    },
    /// `baton scan` beside cve-bin-tool (offline, its database built from the same local files)
    ScanPeer {
        /// A Python with cve-bin-tool installed (the comparison is skipped without it)
        #[arg(long)]
        python: Option<String>,
        /// The shared data folder
        #[arg(long, default_value = "../shared/data")]
        data: PathBuf,
        #[arg(long, default_value_t = 3)]
        runs: usize,
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Stored matching at fleet scale: full re-match, one new advisory to its affected assets,
    /// one new SBOM to its findings, peak memory; SQLite, and PostgreSQL with --postgres
    Fleet {
        #[arg(long, default_value_t = 300_000)]
        advisories: usize,
        #[arg(long, default_value_t = 2_000)]
        releases: usize,
        /// Components per release
        #[arg(long, default_value_t = 500)]
        components: usize,
        /// Distinct components the releases draw from
        #[arg(long, default_value_t = 100_000)]
        distinct: usize,
        /// Percent of the pool's packages that advisories name
        #[arg(long, default_value_t = 6)]
        vulnerable_percent: u64,
        #[arg(long, default_value_t = 100_000)]
        assets: usize,
        /// Folder for the SQLite database [default: a new temporary folder]
        #[arg(long)]
        dir: Option<PathBuf>,
        /// An empty PostgreSQL database to run the same figures on
        #[arg(long)]
        postgres: Option<String>,
    },
    /// The matching engine on generated advisories (OSV and NVD shapes) and SBOMs, and
    /// `baton vers check` as a whole process beside univers
    Match {
        #[arg(long, default_value_t = 300_000)]
        advisories: usize,
        #[arg(long, default_value_t = 100_000)]
        vers_lines: usize,
        /// A Python with univers installed (the comparison is skipped without it)
        #[arg(long)]
        python: Option<String>,
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// `baton sbom check` on a synthetic CycloneDX file, beside Python's json.load and lib4sbom,
    /// and the import into the database
    Sbom {
        #[arg(long, default_value_t = 100_000)]
        components: usize,
        /// Runs of each tool (alternated); medians are reported
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// The Python that has lib4sbom installed
        #[arg(long, default_value = "python3")]
        python: String,
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum SbomCommand {
    /// The SBOMs stored for a release (the last is current), or its current components
    Show {
        /// MANUFACTURER/MODEL@VERSION
        #[arg(long)]
        release: String,
        /// List the current SBOM's components
        #[arg(long)]
        components: bool,
    },
    /// Component changes between two SBOMs of a release (default: the last two)
    Diff {
        #[arg(long)]
        release: String,
        /// sha256 (or a unique prefix) of the older SBOM
        #[arg(long)]
        from: Option<String>,
        /// sha256 (or a unique prefix) of the newer SBOM
        #[arg(long)]
        to: Option<String>,
    },
    /// NTIA minimum elements and FDA support fields of an SBOM file (no database needed)
    Check { file: PathBuf },
}

#[derive(Subcommand)]
enum Mds2Command {
    /// Answers that changed between two releases' forms
    Diff {
        /// The older release, then the newer (MANUFACTURER/MODEL@VERSION, given twice)
        #[arg(long, num_args = 1, required = true)]
        release: Vec<String>,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// A release's MDS2 form as xlsx, in the HN 1-2019 layout
    Mds2 {
        #[arg(long)]
        release: String,
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum VexCommand {
    /// Record a decision on a finding (for its release, or with --asset for one asset)
    Set {
        #[arg(long)]
        finding: i64,
        /// ORGANIZATION/ASSET_ID: decide for this asset only
        #[arg(long)]
        asset: Option<String>,
        /// affected, not_affected, fixed or under_investigation
        #[arg(long)]
        status: String,
        /// For not_affected: component_not_present, vulnerable_code_not_present,
        /// vulnerable_code_not_in_execute_path, vulnerable_code_cannot_be_controlled_by_adversary,
        /// inline_mitigations_already_exist
        #[arg(long)]
        justification: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// Who decides
        #[arg(long)]
        by: String,
    },
    /// Every decision on a finding, oldest first
    History {
        #[arg(long)]
        finding: i64,
    },
}

#[derive(Subcommand)]
enum IdentitiesCommand {
    /// Components of current SBOMs with no identity an advisory can reach (no usable purl or CPE)
    Unmatched,
    /// The identities of components (id, NAME or NAME@VERSION)
    Show { component: String },
    /// Confirm (or --reject) an identity of components; their releases are matched again
    Set {
        /// Component id, NAME (every version) or NAME@VERSION
        component: String,
        #[arg(long, conflicts_with_all = ["purl", "vendor"])]
        cpe: Option<String>,
        #[arg(long, conflicts_with = "vendor")]
        purl: Option<String>,
        #[arg(long, requires = "product")]
        vendor: Option<String>,
        #[arg(long, requires = "vendor")]
        product: Option<String>,
        /// Reject this identity instead of confirming it
        #[arg(long)]
        reject: bool,
        /// Who reviews
        #[arg(long)]
        by: String,
    },
}

#[derive(Subcommand)]
enum VersCommand {
    /// Read `RANGE<TAB>VERSION` lines on stdin (RANGE a `vers:` string); write `true`, `false` or
    /// `error: MESSAGE` per line, in order
    Check,
}

#[derive(Subcommand)]
enum CpeCommand {
    /// Read `SOURCE<TAB>TARGET` lines on stdin; write the NISTIR 7696 relation of SOURCE to TARGET
    /// per line: equal, subset, superset, disjoint, undefined or `error: MESSAGE`
    Match,
}

#[derive(Subcommand)]
enum UdiCommand {
    /// Parse a GS1 or HIBC UDI string
    Parse { udi: String },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// manufacturer,model,model_number,udi_di,device_type,criticality,general_availability,eol_date,eol_announced,eos_date,eos_announced
    Models { file: PathBuf },
    /// manufacturer,model,version,released,eol_date,eol_announced,eos_date,eos_announced
    Releases { file: PathBuf },
    /// asset_id,organization,manufacturer,model,software_version,serial,udi,site,department,network_zone,status
    Assets { file: PathBuf },
    /// manufacturer,model,hdo,task,stage,party,lead,provider
    Agreements { file: PathBuf },
    /// organization,task,capable
    Capabilities { file: PathBuf },
    /// organization,manufacturer,model,setting,value
    Policies { file: PathBuf },
    /// name,alias
    Aliases { file: PathBuf },
    /// organization,asset_id,date,assessor,decision,residual,note
    Assessments { file: PathBuf },
    /// Any document of a release, kept by its sha256 (N70 §7.1.1, FDA Appendix 4 kinds)
    Document {
        file: PathBuf,
        /// MANUFACTURER/MODEL@VERSION (split at the first '/' and the last '@')
        #[arg(long)]
        release: String,
        #[arg(long, value_parser = parse_term::<baton_model::DocumentKind>)]
        kind: baton_model::DocumentKind,
    },
    /// EOL/EOS notices: CycloneDX lifecycle properties, ECMA-428 CLE, OASIS OpenEoX core or shell
    Lifecycle {
        file: PathBuf,
        /// Apply to this model (MANUFACTURER/MODEL) instead of what the document names
        #[arg(long, conflicts_with = "release")]
        model: Option<String>,
        /// Apply to this release (MANUFACTURER/MODEL@VERSION) instead of what the document names
        #[arg(long)]
        release: Option<String>,
        /// When the notice reached customers (default: the document's own publication date)
        #[arg(long, value_parser = parse_day)]
        announced: Option<NaiveDate>,
    },
    /// An MDS2 form (ANSI/NEMA HN 1-2019 xlsx) of a release
    Mds2 {
        file: PathBuf,
        /// MANUFACTURER/MODEL@VERSION
        #[arg(long)]
        release: String,
    },
    /// Advisories (CSAF, OpenVEX, CycloneDX VEX, OSV, NVD 2.0, CVE 5), the KEV catalog and EPSS
    /// scores: files or folders, formats mixed, other files skipped with a warning; one
    /// transaction; only what the advisories can reach is matched
    Advisories {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// VEX documents (OpenVEX, CSAF VEX, CycloneDX VEX) as statements of their author: a
    /// manufacturer's apply to its releases, a hospital's to its own assets
    Vex {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The organization speaking [default: the document's author or publisher]
        #[arg(long)]
        author: Option<String>,
    },
    /// An SBOM of a release: CycloneDX 1.2–1.6 JSON/XML, SPDX 2.2/2.3 JSON/tag-value/YAML, SPDX 3.0 JSON-LD
    Sbom {
        file: PathBuf,
        /// MANUFACTURER/MODEL@VERSION (split at the first '/' and the last '@')
        #[arg(long)]
        release: String,
    },
}

/// Lifecycle notices are small documents; the limit keeps a hostile one from costing gigabytes.
const MAX_NOTICE_BYTES: u64 = 8 * 1024 * 1024;

impl ImportWhat {
    fn inventory(&self) -> Option<(ImportKind, &Path)> {
        Some(match self {
            ImportWhat::Models { file } => (ImportKind::Models, file),
            ImportWhat::Releases { file } => (ImportKind::Releases, file),
            ImportWhat::Assets { file } => (ImportKind::Assets, file),
            ImportWhat::Agreements { file } => (ImportKind::Agreements, file),
            ImportWhat::Capabilities { file } => (ImportKind::Capabilities, file),
            ImportWhat::Policies { file } => (ImportKind::Policies, file),
            ImportWhat::Aliases { file } => (ImportKind::Aliases, file),
            ImportWhat::Assessments { file } => (ImportKind::Assessments, file),
            _ => return None,
        })
    }
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date (expected YYYY-MM-DD)"))
}

fn parse_confidence(s: &str) -> Result<baton_matching::Confidence, String> {
    s.parse()
        .map_err(|_| format!("'{s}' is not a confidence (exact, normalized, alias, fuzzy)"))
}

fn parse_term<T: std::str::FromStr<Err = baton_model::UnknownTerm>>(s: &str) -> Result<T, String> {
    s.parse()
        .map_err(|e: baton_model::UnknownTerm| e.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    // Reports can be tens of megabytes: write in blocks, not lines.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    match run(cli, &mut out).and_then(|()| out.flush().map_err(Into::into)) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped reading (`baton gaps | head`) is not an error worth a message.
        Err(e) if e.chain().any(is_broken_pipe) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = out.flush();
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &(dyn std::error::Error + 'static)) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    if let Some(io) = e.downcast_ref::<std::io::Error>() {
        return io.kind() == BrokenPipe;
    }
    if let Some(json) = e.downcast_ref::<serde_json::Error>() {
        return json.io_error_kind() == Some(BrokenPipe);
    }
    if let Some(csv) = e.downcast_ref::<csv::Error>()
        && let csv::ErrorKind::Io(io) = csv.kind()
    {
        return io.kind() == BrokenPipe;
    }
    false
}

/// Everything a command needs from the global options.
pub struct Context_ {
    pub database: String,
    pub log_key: Option<PathBuf>,
    pub siem: Option<String>,
    pub on: NaiveDate,
    pub format: Format,
}

impl Context_ {
    /// The store, with changes logged as the operator at this command line.
    pub fn open(&self) -> Result<CliStore> {
        let mut store = Store::open_with_key(&self.database, self.log_key.clone())?;
        let who = std::env::var("USER").unwrap_or_default();
        let name = if who.is_empty() {
            "baton-cli".to_string()
        } else {
            format!("baton-cli:{who}")
        };
        store.set_actor(baton_store::Actor::operator(&name));
        if let Some(siem) = &self.siem {
            store.set_siem(Some(baton_store::Siem::parse(siem)?));
        }
        Ok(CliStore(store))
    }
}

/// The store a command works with. When the command is done with it, every audit event that
/// did not reach the SIEM is named on stderr (the events stay in the log; `baton log export`
/// sends them again).
pub struct CliStore(Store);

impl std::ops::Deref for CliStore {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.0
    }
}

impl std::ops::DerefMut for CliStore {
    fn deref_mut(&mut self) -> &mut Store {
        &mut self.0
    }
}

impl Drop for CliStore {
    fn drop(&mut self) {
        for failure in self.0.take_siem_failures() {
            eprintln!(
                "warning: an audit event did not reach the SIEM (it is in the log; `baton log export` resends): {failure}"
            );
        }
    }
}

fn split_asset(spec: &str) -> Result<(&str, &str)> {
    spec.rsplit_once('/')
        .filter(|(o, a)| !o.trim().is_empty() && !a.trim().is_empty())
        .map(|(o, a)| (o.trim(), a.trim()))
        .ok_or_else(|| anyhow!("--asset must be ORGANIZATION/ASSET_ID, got '{spec}'"))
}

/// The index of the asset `ORGANIZATION/ASSET_ID` names (organization through aliases).
fn find_asset(store: &mut Store, fleet: &LoadedFleet, spec: &str) -> Result<usize> {
    let (org_name, asset_id) = split_asset(spec)?;
    let org = store
        .resolve_organization(org_name, fleet)?
        .ok_or_else(|| anyhow!("unknown organization '{org_name}'"))?;
    fleet
        .fleet
        .assets
        .iter()
        .position(|a| a.organization == org && a.asset_id == asset_id)
        .ok_or_else(|| anyhow!("unknown asset '{spec}'"))
}

fn scope(
    store: &mut Store,
    fleet: &LoadedFleet,
    organization: Option<&str>,
) -> Result<Scope<'static>> {
    match organization {
        None => Ok(Scope::default()),
        Some(name) => {
            let org = store
                .resolve_organization(name, fleet)?
                .ok_or_else(|| anyhow!("unknown organization '{name}'"))?;
            Ok(Scope::organization(org))
        }
    }
}

fn run(cli: Cli, out: &mut dyn Write) -> Result<()> {
    let cli_database = cli.database.clone();
    let ctx = Context_ {
        database: cli
            .database
            .clone()
            .unwrap_or_else(|| "baton.db".to_string()),
        log_key: cli.log_key.clone(),
        siem: cli.siem.clone(),
        on: cli.on.unwrap_or_else(|| chrono::Local::now().date_naive()),
        // `scan` output is for machines first: JSON unless asked otherwise.
        format: cli
            .format
            .unwrap_or(if matches!(cli.command, Command::Scan { .. }) {
                Format::Json
            } else {
                Format::Table
            }),
    };
    match cli.command {
        Command::Admin { what } => {
            let mut store = ctx.open()?;
            admin_cmd::admin(&mut store, what, ctx.format, out)?;
        }
        Command::Backup { file } => {
            let mut store = ctx.open()?;
            store.backup(&file)?;
            writeln!(out, "backup written: {}", file.display())?;
        }
        Command::Restore { file } => {
            let mut store = ctx.open()?;
            let verified = store.restore(&file)?;
            writeln!(
                out,
                "restored from {}; its log verifies: {verified}",
                file.display()
            )?;
        }
        Command::Serve {
            listen,
            config,
            demo,
        } => serve_cmd::serve(
            &cli_database,
            &ctx,
            serve_cmd::ServeArgs {
                listen,
                config,
                demo,
            },
            out,
        )?,
        Command::Log { what } => {
            let mut store = ctx.open()?;
            if !admin_cmd::log(&mut store, what, out)? {
                bail!("audit log verification failed");
            }
        }
        Command::Init => {
            let store = ctx.open()?;
            writeln!(out, "database ready: {}", store.target().redacted())?;
        }
        Command::Import { what } => {
            let mut store = ctx.open()?;
            if let Some((kind, file)) = what.inventory() {
                let summary = import_file(&mut store, kind, file, ctx.on)?;
                write_rows(out, ctx.format, IMPORT_COLUMNS, &[summary])?;
                return Ok(());
            }
            match what {
                ImportWhat::Document {
                    file,
                    release,
                    kind,
                } => {
                    let bytes =
                        read_limited(&file, baton_formats::inventory::MAX_FILE_BYTES as u64 * 8)?;
                    let s = store.import_document(
                        &release,
                        kind,
                        &file.display().to_string(),
                        &bytes,
                    )?;
                    write_rows(
                        out,
                        ctx.format,
                        &["release", "kind", "sha256", "file", "new"],
                        &[s],
                    )?;
                }
                ImportWhat::Lifecycle {
                    file,
                    model,
                    release,
                    announced,
                } => {
                    let bytes = read_limited(&file, MAX_NOTICE_BYTES)?;
                    let name = file.display().to_string();
                    let notices = baton_notices::parse(&name, &bytes)?;
                    let target = match (model, release) {
                        (Some(m), _) => baton_store::NoticeTarget::Model(m),
                        (None, Some(r)) => baton_store::NoticeTarget::Release(r),
                        (None, None) => baton_store::NoticeTarget::Named,
                    };
                    let applied =
                        store.import_notices(&target, &name, &bytes, &notices, announced)?;
                    for n in &notices {
                        for w in &n.warnings {
                            eprintln!("warning: {name}: {}: {}", w.location, w.message);
                        }
                    }
                    write_rows(
                        out,
                        ctx.format,
                        &[
                            "target",
                            "format",
                            "eol",
                            "eos",
                            "announced",
                            "end_of_life",
                            "to_be_announced",
                        ],
                        &applied,
                    )?;
                }
                ImportWhat::Mds2 { file, release } => {
                    mds2_cmd::import(out, &mut store, &ctx, &file, &release)?;
                }
                ImportWhat::Sbom { file, release } => {
                    sbom_cmd::import(out, &mut store, &ctx, &file, &release)?;
                }
                ImportWhat::Advisories { paths } => {
                    findings_cmd::import(out, &mut store, &ctx, &paths, None)?;
                }
                ImportWhat::Vex { paths, author } => {
                    findings_cmd::import(out, &mut store, &ctx, &paths, author.as_deref())?;
                }
                _ => {}
            }
        }
        Command::Lifecycle { organization } => {
            let (mut store, fleet) = open_fleet(&ctx)?;
            let scope = scope(&mut store, &fleet, organization.as_deref())?;
            let rows = reports::lifecycle(&fleet.fleet, ctx.on, scope);
            write_rows(out, ctx.format, LIFECYCLE_COLUMNS, &rows)?;
        }
        Command::Responsibilities { asset } => {
            let (mut store, fleet) = open_fleet(&ctx)?;
            let index = find_asset(&mut store, &fleet, &asset)?;
            let rows = reports::responsibilities(&fleet.fleet, index, ctx.on);
            write_rows(out, ctx.format, RESPONSIBILITY_COLUMNS, &rows)?;
        }
        Command::Gaps { organization } => {
            let (mut store, fleet) = open_fleet(&ctx)?;
            let scope = scope(&mut store, &fleet, organization.as_deref())?;
            let rows = reports::gaps(&fleet.fleet, ctx.on, scope);
            write_rows(out, ctx.format, GAP_COLUMNS, &rows)?;
        }
        Command::Due {
            horizon,
            organization,
        } => {
            let (mut store, fleet) = open_fleet(&ctx)?;
            let scope = scope(&mut store, &fleet, organization.as_deref())?;
            let rows = reports::due(&fleet.fleet, ctx.on, horizon, scope);
            write_rows(out, ctx.format, DUE_COLUMNS, &rows)?;
        }
        Command::Transitions {
            horizon,
            organization,
        } => {
            let (mut store, fleet) = open_fleet(&ctx)?;
            let scope = scope(&mut store, &fleet, organization.as_deref())?;
            let rows = reports::transitions(&fleet.fleet, ctx.on, horizon, scope);
            write_rows(out, ctx.format, TRANSITION_COLUMNS, &rows)?;
        }
        Command::Report { organization } => {
            let (mut store, fleet) = open_fleet(&ctx)?;
            let scope = scope(&mut store, &fleet, organization.as_deref())?;
            demo::write_report(out, &fleet, ctx.on, scope, ctx.format)?;
        }
        Command::Assess {
            asset,
            date,
            decision,
            assessor,
            residual,
            note,
        } => {
            let (org, asset_id) = split_asset(&asset)?;
            if assessor.trim().is_empty() {
                bail!("--assessor must name who assessed");
            }
            let mut store = ctx.open()?;
            let record = AssessmentRow {
                organization: org.to_string(),
                asset_id: asset_id.to_string(),
                date,
                assessor: assessor.trim().to_string(),
                decision,
                residual,
                note,
            };
            let summary = store.assess(record, ctx.on)?;
            write_rows(out, ctx.format, IMPORT_COLUMNS, &[summary])?;
        }
        Command::Docs { organization } => {
            let (mut store, fleet) = open_fleet(&ctx)?;
            let scope = scope(&mut store, &fleet, organization.as_deref())?;
            let rows = reports::docs(&fleet.fleet, ctx.on, scope);
            write_rows(
                out,
                ctx.format,
                &[
                    "manufacturer",
                    "model",
                    "version",
                    "stage",
                    "present",
                    "missing",
                ],
                &rows,
            )?;
        }
        Command::Unsupported {
            per_asset,
            organization,
        } => {
            let (mut store, fleet) = open_fleet(&ctx)?;
            let scope = scope(&mut store, &fleet, organization.as_deref())?;
            let rows = reports::unsupported(&fleet.fleet, ctx.on, scope, per_asset);
            write_rows(out, ctx.format, UNSUPPORTED_COLUMNS, &rows)?;
        }
        Command::Sbom {
            command: SbomCommand::Check { file },
        } => {
            sbom_cmd::check(out, &ctx, &file)?;
        }
        Command::Sbom {
            command:
                SbomCommand::Show {
                    release,
                    components,
                },
        } => {
            let mut store = ctx.open()?;
            sbom_cmd::show(out, &mut store, &ctx, &release, components)?;
        }
        Command::Sbom {
            command: SbomCommand::Diff { release, from, to },
        } => {
            let mut store = ctx.open()?;
            sbom_cmd::diff(
                out,
                &mut store,
                &ctx,
                &release,
                from.as_deref(),
                to.as_deref(),
            )?;
        }
        Command::Controls { release } => {
            let mut store = ctx.open()?;
            mds2_cmd::controls(out, &mut store, &ctx, &release)?;
        }
        Command::Mds2 {
            command: Mds2Command::Diff { release },
        } => {
            let mut store = ctx.open()?;
            mds2_cmd::diff(out, &mut store, &ctx, &release)?;
        }
        Command::Export {
            command: ExportCommand::Mds2 { release, file },
        } => {
            let mut store = ctx.open()?;
            mds2_cmd::export(out, &mut store, &release, &file)?;
        }
        Command::Findings {
            asset,
            release,
            status,
            kev,
            vulnerability,
            evidence,
        } => {
            let mut store = ctx.open()?;
            let filter = baton_store::FindingFilter {
                asset,
                release,
                status,
                kev,
                vulnerability,
                ..Default::default()
            };
            findings_cmd::findings(out, &mut store, &ctx, &filter, evidence)?;
        }
        Command::Affected { vulnerability } => {
            let mut store = ctx.open()?;
            findings_cmd::affected(out, &mut store, &ctx, &vulnerability)?;
        }
        Command::Vex { command } => {
            let mut store = ctx.open()?;
            match command {
                VexCommand::Set {
                    finding,
                    asset,
                    status,
                    justification,
                    note,
                    by,
                } => {
                    let d = store.decide(&baton_store::DecisionInput {
                        finding,
                        asset,
                        status,
                        justification,
                        note,
                        by,
                    })?;
                    write_rows(out, ctx.format, findings_cmd::DECISION_COLUMNS, &[d])?;
                }
                VexCommand::History { finding } => {
                    let rows = store.decisions(finding)?;
                    write_rows(out, ctx.format, findings_cmd::DECISION_COLUMNS, &rows)?;
                }
            }
        }
        Command::Identities { command } => {
            let mut store = ctx.open()?;
            match command {
                IdentitiesCommand::Unmatched => {
                    let rows = store.unmatched_components()?;
                    write_rows(out, ctx.format, findings_cmd::UNMATCHED_COLUMNS, &rows)?;
                }
                IdentitiesCommand::Show { component } => {
                    let rows = store.identities(&component)?;
                    write_rows(out, ctx.format, findings_cmd::IDENTITY_COLUMNS, &rows)?;
                }
                IdentitiesCommand::Set {
                    component,
                    cpe,
                    purl,
                    vendor,
                    product,
                    reject,
                    by,
                } => {
                    let (kind, value) = match (cpe, purl, vendor, product) {
                        (Some(c), _, _, _) => ("cpe", c),
                        (_, Some(p), _, _) => ("purl", p),
                        (_, _, Some(v), Some(p)) => ("vendor-product", format!("{v}|{p}")),
                        _ => {
                            return Err(anyhow!("give --cpe, --purl, or --vendor with --product"));
                        }
                    };
                    let change = store.set_identity(&baton_store::IdentityInput {
                        component,
                        kind: kind.to_string(),
                        value,
                        state: if reject { "rejected" } else { "confirmed" }.to_string(),
                        by,
                    })?;
                    eprintln!(
                        "{} component(s); {} release(s) matched again: {} new finding(s), {} gone",
                        change.components.len(),
                        change.matching.releases,
                        change.matching.new_findings,
                        change.matching.gone_findings
                    );
                    write_rows(
                        out,
                        ctx.format,
                        findings_cmd::IDENTITY_COLUMNS,
                        &change.identities,
                    )?;
                }
            }
        }
        Command::Match => {
            let mut store = ctx.open()?;
            let s = store.rematch_all()?;
            write_rows(
                out,
                ctx.format,
                &[
                    "releases",
                    "advisories",
                    "findings",
                    "new_findings",
                    "gone_findings",
                ],
                &[s],
            )?;
        }
        Command::Sync {
            sources,
            cache,
            url,
            api_key,
            since,
            ecosystems,
            provider,
        } => {
            let mut store = ctx.open()?;
            let args = findings_cmd::SyncArgs {
                sources,
                cache,
                url,
                api_key,
                since,
                ecosystems,
                provider,
            };
            findings_cmd::sync(out, &mut store, &ctx, &args)?;
        }
        Command::History { asset } => {
            let (mut store, fleet) = open_fleet(&ctx)?;
            let index = find_asset(&mut store, &fleet, &asset)?;
            let rows = reports::history(&fleet.fleet, index);
            write_rows(out, ctx.format, &["date", "event", "detail"], &rows)?;
        }
        Command::Matrix => {
            write_rows(
                out,
                ctx.format,
                MATRIX_COLUMNS,
                baton_model::responsibility::DEFAULT_MATRIX,
            )?;
        }
        Command::Scan {
            sbom,
            advisories,
            vex,
            kev,
            epss,
            min_confidence,
            aliases,
        } => {
            let format = match ctx.format {
                Format::Cyclonedx => baton_matching::OutputFormat::CycloneDx,
                _ => baton_matching::OutputFormat::Json,
            };
            let args = baton_matching::ScanArgs {
                sbom,
                advisories,
                vex,
                kev,
                epss,
                min_confidence,
                aliases,
                format,
                on: ctx.on,
            };
            match ctx.format {
                Format::Json | Format::Cyclonedx => baton_matching::run_scan(&args, &mut *out)?,
                Format::Table | Format::Csv => {
                    let mut buffer = Vec::new();
                    baton_matching::run_scan(&args, &mut buffer)?;
                    let rows: Vec<serde_json::Value> = serde_json::from_slice(&buffer)?;
                    let columns = [
                        "vulnerability_id",
                        "component_name",
                        "component_version",
                        "status",
                        "justification",
                        "confidence",
                        "source",
                        "kev",
                        "epss",
                        "cvss",
                    ];
                    write_rows(out, ctx.format, &columns, &rows)?;
                }
            }
        }
        Command::Vers {
            command: VersCommand::Check,
        } => {
            let stdin = std::io::stdin();
            baton_versions::check_reader(stdin.lock(), &mut *out)?;
        }
        Command::Cpe {
            command: CpeCommand::Match,
        } => {
            let stdin = std::io::stdin();
            baton_cpe::match_lines(stdin.lock(), &mut *out)?;
        }
        Command::Udi {
            command: UdiCommand::Parse { udi },
        } => {
            let parsed = baton_udi::parse(&udi)?;
            write_rows(out, ctx.format, UDI_COLUMNS, &[parsed])?;
        }
        Command::Demo { dir } => {
            demo::run_demo(out, &ctx, cli.database.as_deref(), dir.as_deref())?;
        }
        Command::Bench {
            scale,
            dir,
            what: None,
        } => {
            demo::run_bench(out, &ctx, cli.database.as_deref(), scale, dir.as_deref())?;
        }
        Command::Bench {
            what:
                Some(BenchWhat::Match {
                    advisories,
                    vers_lines,
                    python,
                    dir,
                }),
            ..
        } => {
            let dir = match dir {
                Some(d) => d,
                None => demo::new_temp_dir("baton-bench-match")?,
            };
            std::fs::create_dir_all(&dir)?;
            let args = baton_matching::bench::BenchMatchArgs {
                advisories,
                vers_lines,
                baton_exe: python.is_some().then(std::env::current_exe).transpose()?,
                python,
                dir,
                seed: 1,
            };
            baton_matching::bench::run_bench_match(&args, &mut *out)?;
        }
        Command::Bench {
            what:
                Some(BenchWhat::Sbom {
                    components,
                    runs,
                    python,
                    dir,
                }),
            ..
        } => {
            bench_sbom::run(
                out,
                &ctx,
                cli.database.as_deref(),
                components,
                runs,
                &python,
                dir.as_deref(),
            )?;
        }
        Command::Bench {
            what:
                Some(BenchWhat::ScanPeer {
                    python,
                    data,
                    runs,
                    dir,
                }),
            ..
        } => {
            let dir = match dir {
                Some(d) => d,
                None => demo::new_temp_dir("baton-bench-scan-peer")?,
            };
            std::fs::create_dir_all(&dir)?;
            let args = baton_matching::bench::ScanPeerArgs {
                python,
                baton_exe: std::env::current_exe()?,
                data,
                dir,
                runs,
            };
            baton_matching::bench::run_bench_scan_peer(&args, &mut *out)?;
        }
        Command::Bench {
            what:
                Some(BenchWhat::Api {
                    advisories,
                    releases,
                    components,
                    distinct,
                    vulnerable_percent,
                    assets,
                    connections,
                    duration,
                    postgres,
                    dir,
                    skip_sqlite,
                    pages,
                    pool,
                }),
            ..
        } => bench_api::run(
            &bench_api::BenchApiArgs {
                shape: bench_fleet::FleetShape {
                    advisories,
                    releases,
                    components,
                    distinct,
                    vulnerable_percent,
                    assets,
                    on: ctx.on,
                },
                connections,
                duration,
                postgres,
                dir,
                skip_sqlite,
                pages,
                pool,
            },
            out,
        )?,
        Command::Bench {
            what:
                Some(BenchWhat::Fleet {
                    advisories,
                    releases,
                    components,
                    distinct,
                    vulnerable_percent,
                    assets,
                    dir,
                    postgres,
                }),
            ..
        } => {
            let args = bench_fleet::BenchFleetArgs {
                shape: bench_fleet::FleetShape {
                    advisories,
                    releases,
                    components,
                    distinct,
                    vulnerable_percent,
                    assets,
                    on: ctx.on,
                },
                dir,
                postgres,
            };
            bench_fleet::run(&args, out)?;
        }
    }
    Ok(())
}

/// Read a file whole after checking its size, so an oversized file is refused before reading.
pub fn read_limited(file: &Path, limit: u64) -> Result<Vec<u8>> {
    let name = file.display();
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot read {name}"))?
        .len();
    if size > limit {
        bail!("{name}: file is {size} bytes; the limit is {limit} bytes");
    }
    std::fs::read(file).with_context(|| format!("cannot read {name}"))
}

pub fn import_file(
    store: &mut Store,
    kind: ImportKind,
    file: &Path,
    today: NaiveDate,
) -> Result<baton_store::ImportSummary> {
    let name = file.display().to_string();
    // Refuse an oversized file before reading it into memory.
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot read {name}"))?
        .len();
    if size > baton_formats::inventory::MAX_FILE_BYTES as u64 {
        bail!(
            "{name}: file is {size} bytes; the limit is {} bytes (64 MiB): split it into several imports",
            baton_formats::inventory::MAX_FILE_BYTES
        );
    }
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {name}"))?;
    Ok(store.import(kind, &name, &bytes, today)?)
}

fn open_fleet(ctx: &Context_) -> Result<(CliStore, LoadedFleet)> {
    let mut store = ctx.open()?;
    let fleet = store.load_fleet()?;
    Ok((store, fleet))
}

pub const IMPORT_COLUMNS: &[&str] = &[
    "kind",
    "file",
    "rows",
    "inserted",
    "updated",
    "organizations_created",
    "releases_created",
];
pub const LIFECYCLE_COLUMNS: &[&str] = &[
    "manufacturer",
    "model",
    "stage",
    "next_milestone",
    "next_milestone_date",
    "transfer_window",
    "assets",
    "notice_findings",
    "stage_reviews",
];
pub const RESPONSIBILITY_COLUMNS: &[&str] = &[
    "task",
    "stage",
    "party",
    "lead",
    "provider",
    "source",
    "gap",
    "next_stage",
    "next_date",
    "next_party",
    "next_lead",
    "next_provider",
    "shifts",
];
pub const GAP_COLUMNS: &[&str] = &[
    "organization",
    "asset_id",
    "manufacturer",
    "model",
    "task",
    "stage",
    "reason",
];
pub const DUE_COLUMNS: &[&str] = &[
    "kind",
    "milestone",
    "organization",
    "asset_id",
    "manufacturer",
    "model",
    "due_date",
    "overdue_days",
];
pub const TRANSITION_COLUMNS: &[&str] = &[
    "manufacturer",
    "model",
    "organization",
    "milestone",
    "date",
    "from_stage",
    "to_stage",
    "days_until",
    "assets",
    "shifts",
];
pub const UNSUPPORTED_COLUMNS: &[&str] = &[
    "manufacturer",
    "model",
    "version",
    "organization",
    "asset_id",
    "stage",
    "component",
    "reference",
    "reason",
    "review_stage",
];
pub const MATRIX_COLUMNS: &[&str] = &["task", "stage", "party", "lead", "source", "note"];
pub const UDI_COLUMNS: &[&str] = &[
    "issuer",
    "device_identifier",
    "lot",
    "serial",
    "production_date",
    "expiry_date",
    "expiry_hour",
    "quantity",
    "symbology",
    "elements",
];
