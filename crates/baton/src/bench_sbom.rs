//! `baton bench sbom`: `baton sbom check` as a whole process on a synthetic CycloneDX file, side by
//! side with Python's `json.load` and lib4sbom's parser on the same file (runs alternated, medians
//! reported), peak memory of each, and the import into the database in components per second.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use baton_store::{ImportKind, Store};

use crate::Context_;
use crate::output::write_table;

/// Builds the command line of one tool, fresh for every run.
type MakeCommand<'a> = Box<dyn Fn() -> Command + 'a>;

/// Wall time and peak resident memory (KiB) of one child process.
fn measure(mut cmd: Command) -> Result<(f64, u64)> {
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot start a benchmark process")?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    loop {
        // VmHWM is the high-water mark: sampling it often enough loses only the last moments.
        if let Ok(status) = std::fs::read_to_string(&status_path)
            && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:"))
        {
            let kib: u64 = line
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait()? {
            let secs = started.elapsed().as_secs_f64();
            if !status.success() {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    use std::io::Read;
                    let _ = e.read_to_string(&mut err);
                }
                bail!("benchmark process failed: {}", err.trim());
            }
            return Ok((secs, peak));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() { 0.0 } else { v[v.len() / 2] }
}

pub fn run(
    out: &mut dyn Write,
    ctx: &Context_,
    database: Option<&str>,
    components: usize,
    runs: usize,
    python: &str,
    dir: Option<&Path>,
) -> Result<()> {
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        None => crate::demo::new_temp_dir("baton-bench-sbom")?,
    };
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("bench.cdx.json");
    let text = baton_sbom::generate::synthetic_cyclonedx(components, 2026);
    std::fs::write(&file, &text)?;
    let size = text.len();
    drop(text);
    let exe = std::env::current_exe()?;
    let has_lib4sbom = Command::new(python)
        .args(["-c", "import lib4sbom"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let mut tools: Vec<(&str, MakeCommand<'_>)> = vec![
        (
            "baton sbom check",
            Box::new(|| {
                let mut c = Command::new(&exe);
                c.args([
                    "--format",
                    "json",
                    "--on",
                    &ctx.on.to_string(),
                    "sbom",
                    "check",
                ])
                .arg(&file);
                c
            }),
        ),
        (
            "python json.load",
            Box::new(|| {
                let mut c = Command::new(python);
                c.args(["-c", "import json,sys; json.load(open(sys.argv[1], 'rb'))"])
                    .arg(&file);
                c
            }),
        ),
    ];
    if has_lib4sbom {
        tools.push(("lib4sbom parse_file", Box::new(|| {
            let mut c = Command::new(python);
            c.args(["-c", "import sys; from lib4sbom.parser import SBOMParser; p = SBOMParser(); p.parse_file(sys.argv[1]); p.get_packages()"]).arg(&file);
            c
        })));
    }
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); tools.len()];
    let mut peaks: Vec<u64> = vec![0; tools.len()];
    for _ in 0..runs.max(1) {
        for (i, (_, make)) in tools.iter().enumerate() {
            let (secs, peak) = measure(make())?;
            times[i].push(secs);
            peaks[i] = peaks[i].max(peak);
        }
    }
    let baton_median = median(&mut times[0].clone());
    let mut rows = Vec::new();
    for (i, (name, _)) in tools.iter().enumerate() {
        let m = median(&mut times[i]);
        rows.push(vec![
            name.to_string(),
            format!("{m:.3}"),
            format!("{:.1}", m / baton_median.max(1e-9)),
            format!("{:.0}", peaks[i] as f64 / 1024.0),
            format!("{:.2}", peaks[i] as f64 * 1024.0 / size as f64),
        ]);
    }
    writeln!(
        out,
        "Baton bench sbom: {components} components, {:.1} MB ({}), {} runs each, alternated",
        size as f64 / 1e6,
        file.display(),
        runs.max(1)
    )?;
    if !has_lib4sbom {
        writeln!(
            out,
            "lib4sbom is not installed for {python}: pip install lib4sbom"
        )?;
    }
    write_table(
        out,
        &["tool", "median s", "× baton", "peak MiB", "peak / file"],
        &rows,
    )?;

    // Import into the database: one release, the whole SBOM.
    let url = match database {
        Some(u) => u.to_string(),
        None => crate::demo::fresh_sqlite(&dir)?,
    };
    let mut store = Store::open_with_key(&url, Some(dir.join("bench.log-key")))?;
    let models = "manufacturer,model,model_number,udi_di,device_type,criticality,general_availability,eol_date,eol_announced,eos_date,eos_announced\nBench Medical,Bench Monitor,,,patient monitor,high,,,,,\n";
    store.import(
        ImportKind::Models,
        "bench-models.csv",
        models.as_bytes(),
        ctx.on,
    )?;
    let started = Instant::now();
    let bytes = std::fs::read(&file)?;
    let parsed = baton_sbom::parse(&file.display().to_string(), &bytes)?;
    let release = format!(
        "Bench Medical/Bench Monitor@{}",
        started.elapsed().as_nanos()
    );
    let summary = store.import_sbom(&release, &file.display().to_string(), &bytes, &parsed)?;
    let secs = started.elapsed().as_secs_f64();
    writeln!(
        out,
        "import into {}: {} components in {secs:.3} s = {:.0} components/s (read, parse, store)",
        store.target().redacted(),
        summary.components,
        summary.components as f64 / secs
    )?;
    Ok(())
}
