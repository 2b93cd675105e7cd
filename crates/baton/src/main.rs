//! `baton`: the command line. Parses arguments, opens the store, calls the model's reports and
//! renders their rows; no business rules live here.

mod demo;
mod output;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use baton_formats::inventory::AssessmentRow;
use baton_model::reports::{self, Scope};
use baton_model::vocab::{Decision, Residual};
use baton_store::{ImportKind, LoadedFleet, Store};
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

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
    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create and migrate the database
    Init,
    /// Import an inventory CSV file (one transaction: all rows or none)
    Import {
        #[arg(value_enum)]
        kind: Kind,
        file: PathBuf,
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
    Bench {
        #[arg(long, default_value_t = 100)]
        scale: usize,
        /// Folder for the generated files [default: a new temporary folder]
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum UdiCommand {
    /// Parse a GS1 or HIBC UDI string
    Parse { udi: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum Kind {
    Models,
    Releases,
    Assets,
    Agreements,
    Capabilities,
    Policies,
    Aliases,
    Assessments,
}

impl From<Kind> for ImportKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Models => ImportKind::Models,
            Kind::Releases => ImportKind::Releases,
            Kind::Assets => ImportKind::Assets,
            Kind::Agreements => ImportKind::Agreements,
            Kind::Capabilities => ImportKind::Capabilities,
            Kind::Policies => ImportKind::Policies,
            Kind::Aliases => ImportKind::Aliases,
            Kind::Assessments => ImportKind::Assessments,
        }
    }
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date (expected YYYY-MM-DD)"))
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
        Err(e) => {
            let _ = out.flush();
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Everything a command needs from the global options.
pub struct Context_ {
    pub database: String,
    pub on: NaiveDate,
    pub format: Format,
}

fn split_asset(spec: &str) -> Result<(&str, &str)> {
    spec.rsplit_once('/')
        .filter(|(o, a)| !o.trim().is_empty() && !a.trim().is_empty())
        .map(|(o, a)| (o.trim(), a.trim()))
        .ok_or_else(|| anyhow!("--asset must be ORGANIZATION/ASSET_ID, got '{spec}'"))
}

fn scope(store: &mut Store, fleet: &LoadedFleet, organization: Option<&str>) -> Result<Scope> {
    match organization {
        None => Ok(Scope::default()),
        Some(name) => {
            let org = store
                .resolve_organization(name, fleet)?
                .ok_or_else(|| anyhow!("unknown organization '{name}'"))?;
            Ok(Scope {
                organization: Some(org),
            })
        }
    }
}

fn run(cli: Cli, out: &mut dyn Write) -> Result<()> {
    let ctx = Context_ {
        database: cli
            .database
            .clone()
            .unwrap_or_else(|| "baton.db".to_string()),
        on: cli.on.unwrap_or_else(|| chrono::Local::now().date_naive()),
        format: cli.format,
    };
    match cli.command {
        Command::Init => {
            let store = Store::open(&ctx.database)?;
            writeln!(out, "database ready: {}", store.target().redacted())?;
        }
        Command::Import { kind, file } => {
            let mut store = Store::open(&ctx.database)?;
            let summary = import_file(&mut store, kind.into(), &file, ctx.on)?;
            write_rows(out, ctx.format, IMPORT_COLUMNS, &[summary])?;
        }
        Command::Lifecycle { organization } => {
            let (mut store, fleet) = open_fleet(&ctx)?;
            let scope = scope(&mut store, &fleet, organization.as_deref())?;
            let rows = reports::lifecycle(&fleet.fleet, ctx.on, scope);
            write_rows(out, ctx.format, LIFECYCLE_COLUMNS, &rows)?;
        }
        Command::Responsibilities { asset } => {
            let (mut store, fleet) = open_fleet(&ctx)?;
            let (org_name, asset_id) = split_asset(&asset)?;
            let org = store
                .resolve_organization(org_name, &fleet)?
                .ok_or_else(|| anyhow!("unknown organization '{org_name}'"))?;
            let index = fleet
                .fleet
                .assets
                .iter()
                .position(|a| a.organization == org && a.asset_id == asset_id)
                .ok_or_else(|| anyhow!("unknown asset '{asset}'"))?;
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
            let mut store = Store::open(&ctx.database)?;
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
        Command::Matrix => {
            write_rows(
                out,
                ctx.format,
                MATRIX_COLUMNS,
                baton_model::responsibility::DEFAULT_MATRIX,
            )?;
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
        Command::Bench { scale, dir } => {
            demo::run_bench(out, &ctx, cli.database.as_deref(), scale, dir.as_deref())?;
        }
    }
    Ok(())
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

fn open_fleet(ctx: &Context_) -> Result<(Store, LoadedFleet)> {
    let mut store = Store::open(&ctx.database)?;
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
