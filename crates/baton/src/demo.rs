//! `baton demo`, `baton bench` and the fleet report they print.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use baton_demo::{FleetFiles, FleetSpec};
use baton_model::reports::{self, Scope};
use baton_store::{ImportKind, LoadedFleet, Store};
use chrono::NaiveDate;

use crate::Context_;
use crate::output::{Format, write_rows, write_table};

pub fn new_temp_dir(prefix: &str) -> Result<PathBuf> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("{prefix}-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

/// Write the generated files into `dir`, replacing a previous demo's files and database.
fn write_files(dir: &Path, files: &FleetFiles) -> Result<Vec<(ImportKind, PathBuf)>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut out = Vec::new();
    for (name, text) in files.files() {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        if let Some(kind) = ImportKind::from_file_name(name) {
            out.push((kind, path));
        }
    }
    Ok(out)
}

pub fn fresh_sqlite(dir: &Path) -> Result<String> {
    let db = dir.join("baton.db");
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let p = PathBuf::from(format!("{}{suffix}", db.display()));
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    Ok(format!("sqlite://{}", db.display()))
}

pub fn run_demo(
    out: &mut dyn Write,
    ctx: &Context_,
    database: Option<&str>,
    dir: Option<&Path>,
) -> Result<()> {
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        None => new_temp_dir("baton-demo")?,
    };
    let spec = FleetSpec::demo(ctx.on);
    let files = baton_demo::generate(&spec);
    let paths = write_files(&dir, &files)?;
    let url = match database {
        Some(url) => url.to_string(),
        None => fresh_sqlite(&dir)?,
    };
    // A given database keeps its configured key; a fresh one gets its own beside it.
    let key = database.and(ctx.log_key.clone());
    let mut store = Store::open_with_key(&url, key)?;
    for (kind, path) in &paths {
        crate::import_file(&mut store, *kind, path, ctx.on)?;
    }
    let fleet = store.load_fleet()?;
    write_report(out, &fleet, ctx.on, Scope::default(), ctx.format)?;
    if ctx.format == Format::Table {
        writeln!(out)?;
        writeln!(out, "Demo files and database: {}", dir.display())?;
        writeln!(
            out,
            "Explore it:  baton --database {url} --on {} lifecycle | gaps | due --horizon 90 | transitions",
            ctx.on
        )?;
    }
    Ok(())
}

/// The fleet report: summary, stages, notice problems, gaps by task and the next transitions.
pub fn write_report(
    out: &mut dyn Write,
    fleet: &LoadedFleet,
    on: NaiveDate,
    scope: Scope,
    format: Format,
) -> Result<()> {
    let fleet = &fleet.fleet;
    let summary = reports::summary(fleet, on, scope);
    match format {
        Format::Cyclonedx => anyhow::bail!("--format cyclonedx is only for `baton scan`"),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &summary)?;
            writeln!(out)?;
            return Ok(());
        }
        Format::Csv => {
            let value = serde_json::to_value(&summary)?;
            let keys: Vec<&str> = value
                .as_object()
                .map(|m| m.keys().map(String::as_str).collect())
                .unwrap_or_default();
            write_rows(out, format, &keys, &[&summary])?;
            return Ok(());
        }
        Format::Table => {}
    }
    writeln!(out, "Baton fleet report on {on}")?;
    writeln!(
        out,
        "{} organizations, {} device models, {} assets in use ({} decommissioned, left out)",
        summary.organizations, summary.models, summary.assets, summary.decommissioned
    )?;
    writeln!(out)?;
    let stages: Vec<Vec<String>> = baton_model::Stage::ALL
        .iter()
        .map(|s| {
            vec![
                s.to_string(),
                summary
                    .models_by_stage
                    .get(s)
                    .copied()
                    .unwrap_or(0)
                    .to_string(),
                summary
                    .assets_by_stage
                    .get(s)
                    .copied()
                    .unwrap_or(0)
                    .to_string(),
            ]
        })
        .collect();
    write_table(out, &["stage", "models", "assets"], &stages)?;
    writeln!(out)?;
    writeln!(
        out,
        "Transfer window open (EOS < 1,095 days away): {} models",
        summary.transfer_windows_open
    )?;
    writeln!(
        out,
        "Notice problems: {} short-notice, {} unannounced",
        summary.short_notice, summary.unannounced
    )?;
    writeln!(out, "Responsibility gaps: {}", summary.gaps)?;
    writeln!(
        out,
        "Risk assessments: {} overdue, {} due within 90 days",
        summary.assessments_overdue, summary.assessments_due_90_days
    )?;
    writeln!(
        out,
        "Stage changes within 365 days: {}",
        summary.transitions_365_days
    )?;

    let life = reports::lifecycle(fleet, on, scope);
    let notices: Vec<Vec<String>> = life
        .iter()
        .flat_map(|r| {
            r.notice_findings.iter().map(move |f| {
                vec![
                    r.manufacturer.clone(),
                    r.model.clone(),
                    f.milestone.to_string(),
                    f.date.to_string(),
                    match f.kind {
                        baton_model::lifecycle::NoticeKind::ShortNotice => format!(
                            "short notice: {} of {} days",
                            f.lead_days.unwrap_or(0),
                            f.required_days
                        ),
                        baton_model::lifecycle::NoticeKind::Unannounced => {
                            "unannounced".to_string()
                        }
                    },
                    r.assets.to_string(),
                ]
            })
        })
        .collect();
    if !notices.is_empty() {
        writeln!(out, "\nNotice problems (IMDRF N70 §7.1.1.2)")?;
        write_table(
            out,
            &[
                "manufacturer",
                "model",
                "milestone",
                "date",
                "problem",
                "assets",
            ],
            &notices,
        )?;
    }
    if !summary.gaps_by_task.is_empty() {
        writeln!(
            out,
            "\nGaps by task (responsible party cannot do it, nobody assigned)"
        )?;
        let rows: Vec<Vec<String>> = summary
            .gaps_by_task
            .iter()
            .map(|(t, n)| vec![t.to_string(), n.to_string()])
            .collect();
        write_table(out, &["task", "assets"], &rows)?;
    }
    let next = reports::transitions(fleet, on, 365, scope);
    if !next.is_empty() {
        writeln!(out, "\nNext stage changes (365 days)")?;
        let rows: Vec<Vec<String>> = next
            .iter()
            .take(15)
            .map(|t| {
                vec![
                    t.date.to_string(),
                    format!("{} {}", t.manufacturer, t.model),
                    t.organization.clone().unwrap_or_default(),
                    format!("{} → {}", t.from_stage, t.to_stage),
                    t.assets.to_string(),
                    t.shifts
                        .iter()
                        .map(|s| format!("{}→{}", s.task, s.to_party))
                        .collect::<Vec<_>>()
                        .join(", "),
                ]
            })
            .collect();
        write_table(
            out,
            &[
                "date",
                "model",
                "organization",
                "change",
                "assets",
                "tasks shifting",
            ],
            &rows,
        )?;
        if next.len() > 15 {
            writeln!(out, "… {} more: baton transitions", next.len() - 15)?;
        }
    }
    Ok(())
}

/// Whole-workflow figures: import of every file and each report (load included), as a user runs
/// them.
pub fn run_bench(
    out: &mut dyn Write,
    ctx: &Context_,
    database: Option<&str>,
    scale: usize,
    dir: Option<&Path>,
) -> Result<()> {
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        None => new_temp_dir("baton-bench")?,
    };
    let spec = FleetSpec::scaled(ctx.on, scale.max(1));
    let started = Instant::now();
    let files = baton_demo::generate(&spec);
    let generate = started.elapsed();
    let paths = write_files(&dir, &files)?;
    let url = match database {
        Some(url) => url.to_string(),
        None => fresh_sqlite(&dir)?,
    };
    // A given database keeps its configured key; a fresh one gets its own beside it.
    let key = database.and(ctx.log_key.clone());
    let mut store = Store::open_with_key(&url, key)?;
    let mut rows: Vec<Vec<String>> = vec![vec![
        "generate".into(),
        String::new(),
        format!("{:.3}", generate.as_secs_f64()),
    ]];
    let mut import_total = 0.0;
    for (kind, path) in &paths {
        let t = Instant::now();
        let s = crate::import_file(&mut store, *kind, path, ctx.on)?;
        let secs = t.elapsed().as_secs_f64();
        import_total += secs;
        rows.push(vec![
            format!("import {}", s.kind),
            s.rows.to_string(),
            format!("{secs:.3}"),
        ]);
    }
    rows.push(vec![
        "import (all files)".into(),
        String::new(),
        format!("{import_total:.3}"),
    ]);
    let mut sink = std::io::sink();
    for report in ["lifecycle", "gaps", "due"] {
        let t = Instant::now();
        let fleet = store.load_fleet()?;
        let loaded = t.elapsed().as_secs_f64();
        let n = match report {
            "lifecycle" => {
                let r = reports::lifecycle(&fleet.fleet, ctx.on, Scope::default());
                serde_json::to_writer(&mut sink, &r)?;
                r.len()
            }
            "gaps" => {
                let r = reports::gaps(&fleet.fleet, ctx.on, Scope::default());
                serde_json::to_writer(&mut sink, &r)?;
                r.len()
            }
            _ => {
                let r = reports::due(&fleet.fleet, ctx.on, None, Scope::default());
                serde_json::to_writer(&mut sink, &r)?;
                r.len()
            }
        };
        let total = t.elapsed().as_secs_f64();
        rows.push(vec![
            format!("{report} (load {loaded:.3} s)"),
            n.to_string(),
            format!("{total:.3}"),
        ]);
    }
    writeln!(
        out,
        "Baton bench: scale {scale} ({} models, {} assets) on {}",
        spec.models,
        spec.assets,
        store.target().redacted()
    )?;
    write_table(out, &["step", "rows", "seconds"], &rows)?;
    Ok(())
}
