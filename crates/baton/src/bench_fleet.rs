//! `baton bench fleet`: stored matching at fleet scale. Generated advisories (OSV and NVD shapes),
//! releases whose SBOMs draw from a pool of distinct components, and assets spread over them;
//! then the full re-match, one new advisory to its affected assets, and one new SBOM to its
//! findings, on SQLite and (when given) PostgreSQL.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use baton_advisories::{
    Advisory, AdvisorySource, AffectedRange, OsvAffected, OsvEvent, OsvRange, Vulnerability,
};
use baton_matching::bench::Rng;
use baton_sbom::{Component, Sbom};
use baton_store::{AdvisoryDoc, FindingFilter, ImportKind, Store};
use chrono::NaiveDate;

/// The generated fleet both `bench fleet` and `bench api` load.
#[derive(Debug, Clone)]
pub struct FleetShape {
    pub advisories: usize,
    pub releases: usize,
    /// Components per release SBOM.
    pub components: usize,
    /// Distinct components the SBOMs draw from.
    pub distinct: usize,
    /// Percent of the pool's packages that advisories name.
    pub vulnerable_percent: u64,
    pub assets: usize,
    pub on: NaiveDate,
}

impl FleetShape {
    /// The advisories and the pool of distinct components.
    pub fn data(&self) -> (Vec<Advisory>, Vec<Component>) {
        baton_matching::bench::fleet_data(
            self.advisories,
            self.distinct,
            self.vulnerable_percent,
            42,
        )
    }
}

pub struct BenchFleetArgs {
    pub shape: FleetShape,
    pub dir: Option<PathBuf>,
    pub postgres: Option<String>,
}

/// New advisories imported one at a time after the load.
const NEW_ADVISORIES: usize = 9;

/// Peak resident memory of this process (Linux), in MiB.
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The inventory: manufacturers, models of ten releases each, assets spread over releases and
/// three hospitals.
pub(crate) fn inventory(releases: usize, assets: usize) -> (String, String, String, Vec<String>) {
    let mut models = String::from(
        "manufacturer,model,model_number,udi_di,device_type,criticality,general_availability,eol_date,eol_announced,eos_date,eos_announced\n",
    );
    let mut rels = String::from(
        "manufacturer,model,version,released,eol_date,eol_announced,eos_date,eos_announced\n",
    );
    let mut specs = Vec::with_capacity(releases);
    let model_count = releases.div_ceil(10).max(1);
    for m in 0..model_count {
        let mfr = format!("Maker {}", m % 20);
        let (eol, eos) = match m % 3 {
            0 => ("", ""),
            1 => ("2025-06-01", "2029-06-01"),
            _ => ("2022-01-01", "2025-01-01"),
        };
        models.push_str(&format!(
            "{mfr},Device {m},,,monitor,high,2015-01-01,{eol},,{eos},\n"
        ));
        for r in 0..10 {
            if specs.len() >= releases {
                break;
            }
            let version = format!("{}.{}", 1 + r / 5, r % 5);
            rels.push_str(&format!("{mfr},Device {m},{version},2016-01-01,,,,\n"));
            specs.push(format!("{mfr}/Device {m}@{version}"));
        }
    }
    let mut asset_csv = String::from(
        "asset_id,organization,manufacturer,model,software_version,serial,udi,site,department,network_zone,status\n",
    );
    let mut rng = Rng::new(7);
    for a in 0..assets {
        let spec = &specs[rng.below(specs.len())];
        let (mfr, rest) = spec.split_once('/').unwrap_or_default();
        let (model, version) = rest.rsplit_once('@').unwrap_or_default();
        let status = if a % 50 == 0 {
            "decommissioned"
        } else {
            "in-use"
        };
        asset_csv.push_str(&format!(
            "A{a:06},Hospital {},{mfr},{model},{version},,,,,,{status}\n",
            a % 3
        ));
    }
    (models, rels, asset_csv, specs)
}

/// A release's SBOM: `n` components drawn from the pool.
pub(crate) fn release_sbom(
    pool: &[Component],
    n: usize,
    seed: u64,
) -> (Vec<u8>, baton_sbom::Parsed) {
    let mut rng = Rng::new(seed);
    let mut components = Vec::with_capacity(n);
    let mut picked = std::collections::HashSet::new();
    while components.len() < n.min(pool.len()) {
        let i = rng.below(pool.len());
        if picked.insert(i) {
            components.push(pool[i].clone());
        }
    }
    // The bytes only identify the document (stored by digest).
    let bytes = format!("bench sbom {seed}").into_bytes();
    let parsed = baton_sbom::Parsed {
        sbom: Sbom::from_components(components),
        warnings: Vec::new(),
    };
    (bytes, parsed)
}

/// An OSV advisory affecting every version of a pool component's package up to and beyond it.
fn new_advisory(component: &Component, n: usize) -> Option<Advisory> {
    let purl = component.purl.as_deref()?;
    let key = baton_matching::purl::Purl::parse(purl)?;
    let full = match &key.namespace {
        Some(ns) => format!("{ns}/{}", key.name),
        None => key.name.clone(),
    };
    let ecosystem = match key.kind.as_str() {
        "cargo" => "crates.io",
        "npm" => "npm",
        "golang" => "Go",
        "pypi" => "PyPI",
        "maven" => "Maven",
        _ => return None,
    };
    let name = if key.kind == "maven" {
        full.replacen('/', ":", 1)
    } else {
        full
    };
    let id = format!("BENCH-NEW-{n}");
    Some(Advisory {
        id: id.clone(),
        source: AdvisorySource::Osv,
        title: None,
        publisher: None,
        published: None,
        modified: None,
        withdrawn: None,
        vulnerabilities: vec![Vulnerability {
            id: format!("CVE-2099-{n:05}"),
            aliases: vec![id],
            summary: None,
            published: None,
            cvss: Vec::new(),
            cwes: Vec::new(),
            statuses: Vec::new(),
            affected: vec![AffectedRange::Osv(OsvAffected {
                ecosystem: Some(ecosystem.to_string()),
                name: Some(name),
                purl: None,
                product: String::new(),
                ranges: vec![OsvRange {
                    kind: "ECOSYSTEM".to_string(),
                    repo: None,
                    events: vec![OsvEvent::Introduced("0".to_string())],
                }],
                versions: Vec::new(),
                ecosystem_specific: None,
                database_specific: None,
            })],
            remediations: Vec::new(),
        }],
        products: Vec::new(),
        references: Vec::new(),
        warnings: Vec::new(),
    })
}

struct Figures {
    backend: &'static str,
    inventory: Duration,
    sboms: Duration,
    advisories: Duration,
    findings: usize,
    rematch: Duration,
    new_advisory: Duration,
    first_advisory: Duration,
    affected_assets: usize,
    new_sbom: Duration,
    new_sbom_findings: usize,
    peak: Option<f64>,
}

/// What loading a fleet took.
pub(crate) struct Populated {
    /// `MANUFACTURER/MODEL@VERSION` of every release, in load order.
    pub specs: Vec<String>,
    pub inventory: Duration,
    pub sboms: Duration,
    pub advisories: Duration,
    /// Present findings after the advisories are matched.
    pub findings: usize,
}

/// Load the inventory, one SBOM per release and the advisories (matched as they are stored)
/// into an empty database, printing each step's time.
pub(crate) fn populate(
    store: &mut Store,
    backend: &str,
    shape: &FleetShape,
    data: &(Vec<Advisory>, Vec<Component>),
    out: &mut dyn Write,
) -> Result<Populated> {
    let assets_before = store.db().query("SELECT COUNT(*) FROM assets", &[])?;
    if assets_before.first().and_then(|r| r[0].int()).unwrap_or(0) > 0 {
        return Err(anyhow!("{backend}: the benchmark needs an empty database"));
    }
    let (advisories, pool) = data;
    let (models, releases, assets, specs) = inventory(shape.releases, shape.assets);
    let t = Instant::now();
    store.import(
        ImportKind::Models,
        "models.csv",
        models.as_bytes(),
        shape.on,
    )?;
    store.import(
        ImportKind::Releases,
        "releases.csv",
        releases.as_bytes(),
        shape.on,
    )?;
    store.import(
        ImportKind::Assets,
        "assets.csv",
        assets.as_bytes(),
        shape.on,
    )?;
    let inventory = t.elapsed();
    writeln!(
        out,
        "{backend}: inventory ({} assets) in {}",
        shape.assets,
        secs(inventory)
    )?;
    out.flush()?;

    let t = Instant::now();
    for (i, spec) in specs.iter().enumerate() {
        let (bytes, parsed) = release_sbom(pool, shape.components, 1000 + i as u64);
        store.import_sbom(spec, "bench.cdx.json", &bytes, &parsed)?;
    }
    let sboms = t.elapsed();
    writeln!(
        out,
        "{backend}: {} SBOMs × {} components in {}",
        specs.len(),
        shape.components,
        secs(sboms)
    )?;
    out.flush()?;

    let docs: Vec<AdvisoryDoc> = advisories
        .iter()
        .map(|a| AdvisoryDoc {
            file: "generated".into(),
            advisory: a.clone(),
        })
        .collect();
    let t = Instant::now();
    store.import_advisories(&docs, None)?;
    drop(docs);
    let advisories_time = t.elapsed();
    let findings = store
        .db()
        .query("SELECT COUNT(*) FROM findings WHERE present = 1", &[])?
        .first()
        .and_then(|r| r[0].int())
        .unwrap_or(0) as usize;
    writeln!(
        out,
        "{backend}: {} advisories stored and matched in {} ({findings} findings)",
        advisories.len(),
        secs(advisories_time),
    )?;
    out.flush()?;
    Ok(Populated {
        specs,
        inventory,
        sboms,
        advisories: advisories_time,
        findings,
    })
}

fn run_backend(
    backend: &'static str,
    url: &str,
    args: &BenchFleetArgs,
    data: &(Vec<Advisory>, Vec<Component>),
    out: &mut dyn Write,
) -> Result<Figures> {
    // The benchmark's own key, not one in the working directory.
    let key = std::env::temp_dir().join(format!(
        "baton-bench-{}-{backend}.log-key",
        std::process::id()
    ));
    let mut store = Store::open_with_key(url, Some(key))?;
    let shape = &args.shape;
    let loaded = populate(&mut store, backend, shape, data, out)?;
    let (_, pool) = data;
    let specs = &loaded.specs;

    let t = Instant::now();
    let full = store.rematch_all()?;
    let rematch = t.elapsed();
    writeln!(
        out,
        "{backend}: full re-match of {} releases in {} ({} findings)",
        full.releases,
        secs(rematch),
        full.findings
    )?;

    // New advisories, one at a time, each naming a package releases carry: the first finds
    // cold caches; the median is the steady figure.
    let targets: Vec<Advisory> = pool
        .iter()
        .enumerate()
        .filter_map(|(i, c)| new_advisory(c, i))
        .step_by(97)
        .take(NEW_ADVISORIES)
        .collect();
    if targets.is_empty() {
        return Err(anyhow!("no pool component has a purl"));
    }
    let mut times = Vec::with_capacity(targets.len());
    let mut reached = Vec::with_capacity(targets.len());
    for target in targets {
        let vuln = target.vulnerabilities[0].id.clone();
        let t = Instant::now();
        store.import_advisories(
            &[AdvisoryDoc {
                file: "new.json".into(),
                advisory: target,
            }],
            None,
        )?;
        let affected = store.affected(&vuln, shape.on)?;
        times.push(t.elapsed());
        reached.push(affected.len());
    }
    let first_advisory = times[0];
    let mut sorted = times.clone();
    sorted.sort();
    let new_advisory = sorted[sorted.len() / 2];
    let mut counts = reached.clone();
    counts.sort_unstable();
    let affected_median = counts[counts.len() / 2];
    writeln!(
        out,
        "{backend}: one new advisory to its affected assets: median {} over {} advisories ({}..{} assets, median {}), first {}",
        ms(new_advisory),
        times.len(),
        counts[0],
        counts[counts.len() - 1],
        affected_median,
        ms(first_advisory)
    )?;

    // One new SBOM for a new release of an existing model.
    let spec = specs
        .first()
        .and_then(|s| s.rsplit_once('@'))
        .map(|(m, _)| format!("{m}@9.9-new"))
        .ok_or_else(|| anyhow!("no release"))?;
    let (bytes, parsed) = release_sbom(pool, shape.components, 99);
    let t = Instant::now();
    store.import_sbom(&spec, "new.cdx.json", &bytes, &parsed)?;
    let found = store.findings(&FindingFilter {
        release: Some(spec.clone()),
        ..FindingFilter::default()
    })?;
    let new_sbom = t.elapsed();
    writeln!(
        out,
        "{backend}: one new SBOM to {} findings in {}",
        found.len(),
        ms(new_sbom)
    )?;
    Ok(Figures {
        backend,
        inventory: loaded.inventory,
        sboms: loaded.sboms,
        advisories: loaded.advisories,
        findings: full.findings,
        rematch,
        new_advisory,
        first_advisory,
        affected_assets: affected_median,
        new_sbom,
        new_sbom_findings: found.len(),
        peak: peak_mib(),
    })
}

pub fn run(args: &BenchFleetArgs, out: &mut dyn Write) -> Result<()> {
    let t = Instant::now();
    let data = args.shape.data();
    writeln!(
        out,
        "generated {} advisories and {} distinct components in {}",
        data.0.len(),
        data.1.len(),
        secs(t.elapsed())
    )?;
    let dir = match &args.dir {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            d.clone()
        }
        None => std::env::temp_dir().join(format!("baton-bench-fleet-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir)?;
    let sqlite = dir.join("bench.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", sqlite.display()));
    }
    let mut figures = vec![run_backend(
        "sqlite",
        &sqlite.display().to_string(),
        args,
        &data,
        out,
    )?];
    if let Some(pg) = &args.postgres {
        figures.push(run_backend("postgres", pg, args, &data, out)?);
    }
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    writeln!(out)?;
    writeln!(
        out,
        "| backend | inventory | {} SBOMs | {} advisories | findings | full re-match (target < 30 s) | new advisory → affected assets, median (target < 50 ms) | first new advisory (cold) | new SBOM → findings | peak memory (target < 4 GB) |",
        args.shape.releases, args.shape.advisories
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|---|---|")?;
    for f in &figures {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} ({} assets) | {} | {} ({} findings) | {} |",
            f.backend,
            secs(f.inventory),
            secs(f.sboms),
            secs(f.advisories),
            f.findings,
            secs(f.rematch),
            ms(f.new_advisory),
            f.affected_assets,
            ms(f.first_advisory),
            ms(f.new_sbom),
            f.new_sbom_findings,
            f.peak
                .map(|m| format!("{m:.0} MiB"))
                .unwrap_or_else(|| "n/a".into()),
        )?;
    }
    writeln!(
        out,
        "({cores} cores; {} releases × {} components from {} distinct, {}% of packages with advisories; {} assets; peak memory is the whole process, both backends)",
        args.shape.releases,
        args.shape.components,
        args.shape.distinct,
        args.shape.vulnerable_percent,
        args.shape.assets
    )?;
    if args.dir.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}
