//! `baton bench match`: generated, realistic advisories (OSV and NVD range shapes) against
//! generated SBOMs, timing the index build apart from the lookups, with the peak memory of the
//! process; and, when a Python with univers and the `baton` binary are given, `baton vers check`
//! as a whole process against univers on the same lines.
//!
//! Everything is generated from one seed, so two runs with the same arguments see the same
//! inputs. Nothing is read from the network.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use baton_advisories::{
    Advisory, AdvisorySource, AffectedRange, CpeMatch, NvdConfiguration, NvdNode, OsvAffected,
    OsvEvent, OsvRange, Vulnerability,
};
use baton_sbom::{Component, Sbom, SbomFormat};

use crate::{FindingStatus, Index, Method, ScanOptions, ScanReport, scan_with_index};

/// What `baton bench match` runs.
#[derive(Debug, Clone)]
pub struct BenchMatchArgs {
    /// Advisories generated (about 60% OSV, 40% NVD).
    pub advisories: usize,
    /// `RANGE<TAB>VERSION` lines for the `vers check` comparison.
    pub vers_lines: usize,
    /// A Python interpreter with univers installed; the comparison runs only with `baton_exe`.
    pub python: Option<String>,
    /// The `baton` binary, run as a whole process for `vers check`.
    pub baton_exe: Option<PathBuf>,
    /// Scratch folder for the `vers check` input, outputs and the univers driver.
    pub dir: PathBuf,
    pub seed: u64,
}

impl Default for BenchMatchArgs {
    fn default() -> Self {
        BenchMatchArgs {
            advisories: 300_000,
            vers_lines: 100_000,
            python: None,
            baton_exe: None,
            dir: std::env::temp_dir().join("baton-bench-match"),
            seed: 1,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: io::Error,
    },
    #[error("{program} failed ({status}): {stderr}")]
    Process {
        program: String,
        status: String,
        stderr: String,
    },
}

fn io_context(context: impl Into<String>) -> impl FnOnce(io::Error) -> BenchError {
    let context = context.into();
    move |source| BenchError::Io { context, source }
}

/// Components of the single SBOM and of each fleet SBOM, and the fleet size.
const SINGLE_COMPONENTS: usize = 1_000;
const FLEET_SBOMS: usize = 100;
const FLEET_COMPONENTS: usize = 500;

/// Runs the benchmark and writes a plain-text table of the figures to `out`.
pub fn run_bench_match(args: &BenchMatchArgs, out: &mut dyn Write) -> Result<(), BenchError> {
    let mut table = Table::default();
    let hwm_start = peak_memory_kib();
    table.row("seed", args.seed.to_string());

    let t = Instant::now();
    let world = World::new(args.advisories);
    let advisories = world.advisories(args.seed);
    let generated = t.elapsed();
    let osv = advisories
        .iter()
        .filter(|a| a.source == AdvisorySource::Osv)
        .count();
    table.row(
        "advisories generated",
        format!(
            "{} ({osv} OSV, {} NVD) in {}",
            advisories.len(),
            advisories.len() - osv,
            ms(generated)
        ),
    );
    let single = world.sbom(SINGLE_COMPONENTS, args.seed ^ 0x5eed_0001, "device-1000");
    let fleet: Vec<Sbom> = (0..FLEET_SBOMS)
        .map(|i| {
            world.sbom(
                FLEET_COMPONENTS,
                args.seed ^ (0x5eed_1000 + i as u64),
                &format!("fleet-{i}"),
            )
        })
        .collect();
    let hwm_generated = peak_memory_kib();

    let t = Instant::now();
    let index = Index::build(&advisories);
    let built = t.elapsed();
    let hwm_index = peak_memory_kib();
    table.row("index build", ms(built));

    let options = ScanOptions::default();
    let t = Instant::now();
    let report = scan_with_index(&single, &index, &options);
    let single_time = t.elapsed();
    let single_counts = Counts::of(&single, &report);
    table.row(
        format!("scan 1 SBOM × {SINGLE_COMPONENTS} components"),
        ms(single_time),
    );
    table.row("  findings", single_counts.describe());

    let mut per_sbom = Vec::with_capacity(fleet.len());
    let mut fleet_counts = Counts::default();
    let t = Instant::now();
    for sbom in &fleet {
        let s = Instant::now();
        let report = scan_with_index(sbom, &index, &options);
        per_sbom.push(s.elapsed());
        fleet_counts.add(&Counts::of(sbom, &report));
    }
    let fleet_time = t.elapsed();
    per_sbom.sort();
    table.row(
        format!("scan {FLEET_SBOMS} SBOMs × {FLEET_COMPONENTS} components"),
        format!(
            "{} total; per SBOM mean {}, median {}, max {}",
            ms(fleet_time),
            ms(fleet_time / FLEET_SBOMS as u32),
            ms(median(&per_sbom)),
            ms(per_sbom.last().copied().unwrap_or_default())
        ),
    );
    table.row("  findings", fleet_counts.describe());
    let hwm_end = peak_memory_kib();
    table.row(
        "peak memory (VmHWM)",
        format!(
            "start {}, after generation {}, after index {}, after scans {}",
            mib(hwm_start),
            mib(hwm_generated),
            mib(hwm_index),
            mib(hwm_end)
        ),
    );
    drop(index);
    drop(advisories);

    let vers = match (&args.python, &args.baton_exe) {
        (Some(python), Some(baton)) => Some(compare_vers(args, python, baton, &mut table)),
        _ => {
            table.row(
                "vers check vs univers",
                "skipped (needs a Python with univers and the baton binary)".to_string(),
            );
            None
        }
    };
    table
        .write(out)
        .map_err(io_context("writing the benchmark table"))?;
    match vers {
        Some(Err(e)) => Err(e),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Figures

#[derive(Default)]
struct Table {
    rows: Vec<(String, String)>,
}

impl Table {
    fn row(&mut self, label: impl Into<String>, value: String) {
        self.rows.push((label.into(), value));
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        self.write_titled("baton bench match", out)
    }

    fn write_titled(&self, title: &str, out: &mut dyn Write) -> io::Result<()> {
        let width = self
            .rows
            .iter()
            .map(|(l, _)| l.chars().count())
            .max()
            .unwrap_or(0);
        writeln!(out, "{title}")?;
        writeln!(out, "{}", "-".repeat(width + 40))?;
        for (label, value) in &self.rows {
            let pad = width - label.chars().count();
            writeln!(out, "{label}{}  {value}", " ".repeat(pad))?;
        }
        Ok(())
    }
}

/// Findings of one or more scans.
#[derive(Default)]
struct Counts {
    components: usize,
    findings: usize,
    affected: usize,
    under_investigation: usize,
    by_purl: usize,
    by_cpe: usize,
    components_hit: usize,
}

impl Counts {
    fn of(sbom: &Sbom, report: &ScanReport) -> Counts {
        let hit: BTreeSet<&str> = report
            .findings
            .iter()
            .map(|f| f.component_ref.as_str())
            .collect();
        let method = |m: Method| {
            report
                .findings
                .iter()
                .filter(|f| f.evidence.iter().any(|e| e.method == m))
                .count()
        };
        Counts {
            components: sbom.components.len(),
            findings: report.findings.len(),
            affected: report
                .findings
                .iter()
                .filter(|f| f.status == FindingStatus::Affected)
                .count(),
            under_investigation: report
                .findings
                .iter()
                .filter(|f| f.status == FindingStatus::UnderInvestigation)
                .count(),
            by_purl: method(Method::Purl),
            by_cpe: method(Method::Cpe),
            components_hit: hit.len(),
        }
    }

    fn add(&mut self, other: &Counts) {
        self.components += other.components;
        self.findings += other.findings;
        self.affected += other.affected;
        self.under_investigation += other.under_investigation;
        self.by_purl += other.by_purl;
        self.by_cpe += other.by_cpe;
        self.components_hit += other.components_hit;
    }

    fn describe(&self) -> String {
        let share = if self.components == 0 {
            0.0
        } else {
            100.0 * self.components_hit as f64 / self.components as f64
        };
        format!(
            "{} ({} affected, {} under investigation; {} by purl, {} by CPE); \
             {} of {} components hit ({share:.1}%)",
            self.findings,
            self.affected,
            self.under_investigation,
            self.by_purl,
            self.by_cpe,
            self.components_hit,
            self.components
        )
    }
}

/// The process's peak resident set (VmHWM), in KiB, where /proc gives it.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mib(kib: Option<u64>) -> String {
    match kib {
        Some(k) => format!("{:.1} MiB", k as f64 / 1024.0),
        None => "n/a".to_string(),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn median(sorted: &[Duration]) -> Duration {
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Deterministic generation

/// SplitMix64: small, fast and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// 0..n (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "json", "http", "yaml", "crypto", "log", "xml", "tls", "auth", "image", "zip", "sql", "cache",
    "parser", "client", "server", "core", "utils", "async", "stream", "proto", "regex", "time",
    "config", "dicom", "hl7", "fhir", "mqtt", "serial", "usb", "ble", "pump", "monitor",
];

const VENDORS: &[&str] = &[
    "acme", "globex", "initech", "umbrella", "medtron", "philo", "stryde", "baxtor", "draeg",
    "hillrom", "nihon", "mindray", "zoll", "welch", "carefuse", "omnimed",
];

/// The six OSV ecosystems generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Eco {
    Cargo,
    PyPi,
    Npm,
    Maven,
    Go,
    Debian,
}

const ECOS: [Eco; 6] = [
    Eco::Cargo,
    Eco::PyPi,
    Eco::Npm,
    Eco::Maven,
    Eco::Go,
    Eco::Debian,
];

/// A version as three numbers (plus a Debian revision), ordered as every scheme here orders it.
type Triple = (u32, u32, u32);

fn random_triple(rng: &mut Rng) -> Triple {
    // Skewed to low majors, as real version histories are.
    let major = [0, 0, 1, 1, 1, 2, 2, 3, 4][rng.below(9)];
    (major, rng.below(13) as u32, rng.below(11) as u32)
}

/// Two or more distinct triples, sorted.
fn sorted_triples(rng: &mut Rng, n: usize) -> Vec<Triple> {
    let mut set = BTreeSet::new();
    let mut tries = 0;
    while set.len() < n && tries < 50 {
        set.insert(random_triple(rng));
        tries += 1;
    }
    set.into_iter().collect()
}

impl Eco {
    fn osv_name(self) -> &'static str {
        match self {
            Eco::Cargo => "crates.io",
            Eco::PyPi => "PyPI",
            Eco::Npm => "npm",
            Eco::Maven => "Maven",
            Eco::Go => "Go",
            Eco::Debian => "Debian:12",
        }
    }

    /// SEMVER where OSV uses it, ECOSYSTEM elsewhere.
    fn range_kind(self) -> &'static str {
        match self {
            Eco::Cargo | Eco::Npm | Eco::Go => "SEMVER",
            _ => "ECOSYSTEM",
        }
    }

    /// The package name as OSV writes it, for package number `i`.
    fn package(self, i: usize) -> String {
        let a = WORDS[i % WORDS.len()];
        let b = WORDS[(i / WORDS.len() + 7) % WORDS.len()];
        match self {
            Eco::Cargo => format!("{a}-{b}-{i}"),
            Eco::PyPi => format!("Py{a}_{b}.{i}"),
            Eco::Npm if i.is_multiple_of(5) => format!("@{a}/{b}-{i}"),
            Eco::Npm => format!("{a}-{b}-{i}"),
            Eco::Maven => format!("org.{a}:{b}-{i}"),
            Eco::Go => format!("github.com/{a}/{b}-{i}"),
            Eco::Debian => format!("lib{a}{b}{i}"),
        }
    }

    /// The version string of `t` in this ecosystem's advisories.
    fn version(self, t: Triple) -> String {
        match self {
            Eco::Debian => format!("{}.{}.{}-{}", t.0, t.1, t.2, 1 + (t.2 % 3)),
            _ => format!("{}.{}.{}", t.0, t.1, t.2),
        }
    }

    /// The purl of package number `i` at version `t`, as SBOM tools write it.
    fn purl(self, i: usize, t: Triple) -> String {
        let v = self.version(t);
        let name = self.package(i);
        match self {
            Eco::Cargo => format!("pkg:cargo/{name}@{v}"),
            Eco::PyPi => {
                // Tools write the normalized name; the index must fold it (PEP 503).
                let normal = name.to_lowercase().replace(['_', '.'], "-");
                format!("pkg:pypi/{normal}@{v}")
            }
            Eco::Npm => match name.strip_prefix('@') {
                Some(scoped) => format!("pkg:npm/%40{scoped}@{v}"),
                None => format!("pkg:npm/{name}@{v}"),
            },
            Eco::Maven => format!("pkg:maven/{}@{v}", name.replacen(':', "/", 1)),
            Eco::Go => format!("pkg:golang/{name}@v{v}"),
            Eco::Debian => format!("pkg:deb/debian/{name}@{v}?arch=amd64&distro=debian-12"),
        }
    }

    fn advisory_id(self, n: usize) -> String {
        let year = 2018 + n % 7;
        match self {
            Eco::Cargo => format!("RUSTSEC-{year}-{:04}", n % 10_000),
            Eco::PyPi => format!("PYSEC-{year}-{n}"),
            Eco::Go => format!("GO-{year}-{n:04}"),
            Eco::Debian => format!("DEBIAN-CVE-{year}-{n}"),
            Eco::Npm | Eco::Maven => ghsa(n),
        }
    }
}

fn ghsa(n: usize) -> String {
    const ALPHABET: &[u8] = b"23456789cfghjmpqrvwx";
    let mut x = (n as u64).wrapping_mul(0x2545_f491_4f6c_dd1d) ^ 0x1234_5678;
    let mut s = String::from("GHSA");
    for _ in 0..3 {
        s.push('-');
        for _ in 0..4 {
            s.push(ALPHABET[(x % 20) as usize] as char);
            x /= 20;
            if x == 0 {
                x = (n as u64).wrapping_add(0x9e37_79b9);
            }
        }
    }
    s
}

/// An NVD product: vendor, product, and whether it is a device (firmware + hardware).
struct NvdProduct {
    vendor: String,
    product: String,
    device: bool,
}

fn nvd_product(i: usize) -> NvdProduct {
    let vendor = format!("{}_{}", VENDORS[i % VENDORS.len()], i / VENDORS.len());
    let word = WORDS[(i * 7 + 3) % WORDS.len()];
    let device = i.is_multiple_of(5);
    let product = if device {
        format!("{word}_{}00", i % 97)
    } else {
        format!("{word}_server_{i}")
    };
    NvdProduct {
        vendor,
        product,
        device,
    }
}

/// Sizes of the package and product populations for a number of advisories.
struct World {
    osv_advisories: usize,
    nvd_advisories: usize,
    /// Packages that have advisories (package number = index), about three advisories each.
    osv_packages: usize,
    /// NVD products that have advisories, about four advisories each.
    nvd_products: usize,
    /// Percent of SBOM packages drawn from those with advisories.
    vulnerable_percent: u64,
}

/// Package and product numbers from here on never appear in an advisory.
const CLEAN_BASE: usize = 10_000_000;

impl World {
    fn new(advisories: usize) -> World {
        let osv_advisories = advisories * 6 / 10;
        let nvd_advisories = advisories - osv_advisories;
        World {
            osv_advisories,
            nvd_advisories,
            osv_packages: (osv_advisories / 3).max(12),
            nvd_products: (nvd_advisories / 4).max(10),
            vulnerable_percent: 6,
        }
    }

    fn advisories(&self, seed: u64) -> Vec<Advisory> {
        let mut rng = Rng::new(seed);
        let mut out = Vec::with_capacity(self.osv_advisories + self.nvd_advisories);
        // Interleaved, as a mixed feed would be.
        let (mut o, mut n) = (0, 0);
        while o < self.osv_advisories || n < self.nvd_advisories {
            if o < self.osv_advisories && (n >= self.nvd_advisories || o * 4 <= n * 6) {
                out.push(self.osv_advisory(&mut rng, o));
                o += 1;
            } else {
                out.push(self.nvd_advisory(&mut rng, n));
                n += 1;
            }
        }
        out
    }

    fn osv_advisory(&self, rng: &mut Rng, n: usize) -> Advisory {
        let package = rng.below(self.osv_packages);
        let eco = ECOS[package % ECOS.len()];
        let mut affected = vec![osv_affected(rng, eco, package)];
        // Some advisories name several packages of one ecosystem (a library and its bindings).
        if rng.chance(12) {
            let other = (package + ECOS.len() * (1 + rng.below(50))) % self.osv_packages;
            if other % ECOS.len() == package % ECOS.len() && other != package {
                affected.push(osv_affected(rng, eco, other));
            }
        }
        let id = eco.advisory_id(n);
        let cve = format!("CVE-{}-{}", 2018 + n % 7, 10_000 + n);
        advisory(
            id.clone(),
            AdvisorySource::Osv,
            cve,
            vec![id],
            affected.into_iter().map(AffectedRange::Osv).collect(),
        )
    }

    fn nvd_advisory(&self, rng: &mut Rng, n: usize) -> Advisory {
        let p = nvd_product(rng.below(self.nvd_products));
        let cve = format!("CVE-{}-{}", 2015 + n % 10, 500_000 + n);
        let configurations = if p.device {
            vec![device_configuration(rng, &p)]
        } else {
            application_configurations(rng, &p)
        };
        advisory(
            cve.clone(),
            AdvisorySource::Nvd,
            cve,
            Vec::new(),
            configurations.into_iter().map(AffectedRange::Nvd).collect(),
        )
    }

    /// An SBOM of `n` components: mostly packages without advisories, some with, a few
    /// applications and devices named by CPE.
    fn sbom(&self, n: usize, seed: u64, name: &str) -> Sbom {
        let mut rng = Rng::new(seed);
        let mut components = Vec::with_capacity(n + 2);
        let mut i = 0;
        while components.len() < n {
            let roll = rng.below(100);
            let version = random_triple(&mut rng);
            if roll < 84 {
                // A package: one in sixteen has advisories (by default).
                let eco = *rng.pick(&ECOS);
                let base = if rng.chance(self.vulnerable_percent) {
                    rng.below(self.osv_packages / ECOS.len())
                } else {
                    CLEAN_BASE / ECOS.len() + rng.below(1_000_000)
                };
                let number = base * ECOS.len() + ECOS.iter().position(|e| *e == eco).unwrap_or(0);
                components.push(Component {
                    reference: format!("{name}-c{i}").into(),
                    name: eco.package(number).into(),
                    version: Some(eco.version(version).into()),
                    kind: Some("library".into()),
                    purl: Some(eco.purl(number, version)),
                    ..Component::default()
                });
            } else {
                let number = if rng.chance(12) {
                    rng.below(self.nvd_products)
                } else {
                    CLEAN_BASE + rng.below(1_000_000)
                };
                let p = nvd_product(number);
                let v = format!("{}.{}.{}", version.0, version.1, version.2);
                if p.device && components.len() + 2 <= n {
                    components.push(Component {
                        reference: format!("{name}-c{i}-fw").into(),
                        name: format!("{} firmware", p.product).into(),
                        version: Some(v.clone().into()),
                        kind: Some("firmware".into()),
                        supplier: Some(p.vendor.clone().into()),
                        cpes: vec![cpe('o', &p.vendor, &format!("{}_firmware", p.product), &v)],
                        ..Component::default()
                    });
                    components.push(Component {
                        reference: format!("{name}-c{i}-hw").into(),
                        name: p.product.clone().into(),
                        kind: Some("device".into()),
                        supplier: Some(p.vendor.clone().into()),
                        cpes: vec![cpe('h', &p.vendor, &p.product, "-")],
                        ..Component::default()
                    });
                } else if !p.device {
                    components.push(Component {
                        reference: format!("{name}-c{i}").into(),
                        name: p.product.clone().into(),
                        version: Some(v.clone().into()),
                        kind: Some("application".into()),
                        supplier: Some(p.vendor.clone().into()),
                        cpes: vec![cpe('a', &p.vendor, &p.product, &v)],
                        ..Component::default()
                    });
                }
            }
            i += 1;
        }
        Sbom {
            format: SbomFormat::CycloneDxJson,
            spec_version: "1.6".to_string(),
            serial_number: None,
            name: Some(name.to_string()),
            timestamp: None,
            authors: Vec::new(),
            tools: Vec::new(),
            subject: None,
            components,
            dependencies: Vec::new(),
            properties: Vec::new(),
        }
    }
}

fn advisory(
    id: String,
    source: AdvisorySource,
    vulnerability: String,
    aliases: Vec<String>,
    affected: Vec<AffectedRange>,
) -> Advisory {
    Advisory {
        id,
        source,
        title: None,
        publisher: None,
        published: None,
        modified: None,
        withdrawn: None,
        vulnerabilities: vec![Vulnerability {
            id: vulnerability,
            aliases,
            summary: None,
            published: None,
            cvss: Vec::new(),
            cwes: Vec::new(),
            statuses: Vec::new(),
            affected,
            remediations: Vec::new(),
        }],
        products: Vec::new(),
        references: Vec::new(),
        warnings: Vec::new(),
    }
}

/// One OSV `affected` entry with one of the range shapes OSV feeds carry.
fn osv_affected(rng: &mut Rng, eco: Eco, package: usize) -> OsvAffected {
    let name = eco.package(package);
    let v = |t: Triple| eco.version(t);
    let mut ranges = Vec::new();
    let mut versions = Vec::new();
    let shape = rng.below(100);
    let t = sorted_triples(rng, 4);
    let (a, b) = (t[0], t[t.len().min(2) - 1]);
    let introduced =
        |t: Triple, zero: bool| OsvEvent::Introduced(if zero { "0".to_string() } else { v(t) });
    let events = match shape {
        // introduced / fixed, the common shape.
        0..=54 => vec![introduced(a, rng.chance(30)), OsvEvent::Fixed(v(b))],
        // introduced / last_affected.
        55..=64 => vec![introduced(a, rng.chance(20)), OsvEvent::LastAffected(v(b))],
        // Two pairs: a bug brought back in a later branch.
        65..=79 if t.len() >= 4 => vec![
            introduced(t[0], false),
            OsvEvent::Fixed(v(t[1])),
            OsvEvent::Introduced(v(t[2])),
            OsvEvent::Fixed(v(t[3])),
        ],
        // No fix yet.
        80..=86 => vec![introduced(a, rng.chance(50))],
        // A range plus the explicit versions list OSV feeds add.
        87..=94 => {
            versions = (0..3)
                .map(|k| v((a.0, a.1, (a.2 + k) % 11)))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            vec![introduced(a, false), OsvEvent::Fixed(v(b))]
        }
        // Only a versions list.
        _ => {
            versions = t.iter().map(|x| v(*x)).collect();
            Vec::new()
        }
    };
    if !events.is_empty() {
        ranges.push(OsvRange {
            kind: eco.range_kind().to_string(),
            repo: None,
            events,
        });
    }
    OsvAffected {
        product: format!("{}:{name}", eco.osv_name()),
        ecosystem: Some(eco.osv_name().to_string()),
        name: Some(name),
        purl: None,
        ranges,
        versions,
        ecosystem_specific: None,
        database_specific: None,
    }
}

fn cpe(part: char, vendor: &str, product: &str, version: &str) -> String {
    format!("cpe:2.3:{part}:{vendor}:{product}:{version}:*:*:*:*:*:*:*")
}

fn bounded(
    criteria: String,
    vulnerable: bool,
    bounds: [Option<String>; 4],
) -> baton_advisories::CpeMatch {
    let [si, se, ei, ee] = bounds;
    CpeMatch {
        vulnerable,
        criteria,
        match_criteria_id: None,
        version_start_including: si,
        version_start_excluding: se,
        version_end_including: ei,
        version_end_excluding: ee,
    }
}

fn dotted(t: Triple) -> String {
    format!("{}.{}.{}", t.0, t.1, t.2)
}

/// NVD application configurations: one OR node of one to three matches with version bounds or
/// exact versions; sometimes an AND with a platform the SBOM may not have.
fn application_configurations(rng: &mut Rng, p: &NvdProduct) -> Vec<NvdConfiguration> {
    let any = cpe('a', &p.vendor, &p.product, "*");
    let matches: Vec<CpeMatch> = (0..1 + rng.below(3))
        .map(|_| {
            let t = sorted_triples(rng, 2);
            let (lo, hi) = (t[0], t[t.len() - 1]);
            match rng.below(6) {
                0 => bounded(
                    any.clone(),
                    true,
                    [Some(dotted(lo)), None, None, Some(dotted(hi))],
                ),
                1 => bounded(any.clone(), true, [None, None, None, Some(dotted(hi))]),
                2 => bounded(any.clone(), true, [None, None, Some(dotted(hi)), None]),
                3 => bounded(
                    any.clone(),
                    true,
                    [None, Some(dotted(lo)), Some(dotted(hi)), None],
                ),
                4 => bounded(any.clone(), true, [Some(dotted(lo)), None, None, None]),
                _ => bounded(
                    cpe('a', &p.vendor, &p.product, &dotted(lo)),
                    true,
                    [None, None, None, None],
                ),
            }
        })
        .collect();
    let node = NvdNode {
        operator: "OR".to_string(),
        negate: false,
        cpe_match: matches,
    };
    if rng.chance(8) {
        // "running on": vulnerable only with an operating system the SBOM rarely lists.
        vec![NvdConfiguration {
            operator: Some("AND".to_string()),
            negate: false,
            nodes: vec![
                node,
                NvdNode {
                    operator: "OR".to_string(),
                    negate: false,
                    cpe_match: vec![bounded(
                        cpe('o', "microsoft", "windows", "-"),
                        false,
                        [None, None, None, None],
                    )],
                },
            ],
        }]
    } else {
        vec![NvdConfiguration {
            operator: None,
            negate: false,
            nodes: vec![node],
        }]
    }
}

/// The device shape: vulnerable firmware AND the hardware it runs on.
fn device_configuration(rng: &mut Rng, p: &NvdProduct) -> NvdConfiguration {
    let t = sorted_triples(rng, 2);
    let firmware = format!("{}_firmware", p.product);
    let fw = if rng.chance(70) {
        bounded(
            cpe('o', &p.vendor, &firmware, "*"),
            true,
            [None, None, None, Some(dotted(t[t.len() - 1]))],
        )
    } else {
        bounded(
            cpe('o', &p.vendor, &firmware, "*"),
            true,
            [Some(dotted(t[0])), None, Some(dotted(t[t.len() - 1])), None],
        )
    };
    NvdConfiguration {
        operator: Some("AND".to_string()),
        negate: false,
        nodes: vec![
            NvdNode {
                operator: "OR".to_string(),
                negate: false,
                cpe_match: vec![fw],
            },
            NvdNode {
                operator: "OR".to_string(),
                negate: false,
                cpe_match: vec![bounded(
                    cpe('h', &p.vendor, &p.product, "-"),
                    false,
                    [None, None, None, None],
                )],
            },
        ],
    }
}

// ---------------------------------------------------------------------------------------------
// vers check against univers

/// Schemes both `baton vers check` and univers know.
const SCHEMES: &[&str] = &[
    "pypi", "npm", "maven", "deb", "rpm", "golang", "cargo", "nuget", "gem", "generic",
];

/// A bound of scheme `scheme`: plain numbers, so that bounds sort the same in every scheme.
fn bound(scheme: &str, t: Triple) -> String {
    match scheme {
        "deb" => format!("{}.{}.{}-1", t.0, t.1, t.2),
        "rpm" => format!("{}.{}.{}-1.el8", t.0, t.1, t.2),
        "golang" => format!("v{}.{}.{}", t.0, t.1, t.2),
        _ => dotted(t),
    }
}

/// A version to test, with the suffixes each scheme's real versions carry.
fn test_version(rng: &mut Rng, scheme: &str, t: Triple) -> String {
    let plain = bound(scheme, t);
    if !rng.chance(30) {
        return plain;
    }
    let (a, b, c) = t;
    match scheme {
        "pypi" => [
            format!("{a}.{b}.{c}rc1"),
            format!("{a}.{b}.{c}.post1"),
            format!("{a}.{b}"),
        ][rng.below(3)]
        .clone(),
        "npm" | "cargo" => format!("{a}.{b}.{c}-beta.{}", rng.below(3)),
        "maven" => [format!("{a}.{b}"), format!("{a}.{b}.{c}.1")][rng.below(2)].clone(),
        "deb" => [
            format!("1:{a}.{b}.{c}-1"),
            format!("{a}.{b}.{c}-2+deb12u1"),
            format!("{a}.{b}.{c}-0ubuntu1"),
        ][rng.below(3)]
        .clone(),
        "rpm" => format!("{a}.{b}.{c}-2.el8"),
        "golang" => format!("v{a}.{b}.{c}-rc.1"),
        "nuget" => format!("{a}.{b}.{c}.{}", 1 + rng.below(3)),
        "gem" => format!("{a}.{b}.{c}.{}", 1 + rng.below(3)),
        _ => format!("{a}.{b}"),
    }
}

/// A vers range of one of the shapes advisories produce.
fn vers_range(rng: &mut Rng, scheme: &str) -> (String, Vec<Triple>) {
    let t = sorted_triples(rng, 4);
    let b = |x: Triple| bound(scheme, x);
    let constraints = match rng.below(10) {
        0 => format!("<{}", b(t[0])),
        1 | 2 => format!(">={}|<{}", b(t[0]), b(t[1])),
        3 => format!(">={}|<={}", b(t[0]), b(t[1])),
        4 if t.len() >= 4 => format!(">={}|<{}|>={}|<{}", b(t[0]), b(t[1]), b(t[2]), b(t[3])),
        // Equality is written as the bare version in vers.
        5 => format!("{}|{}", b(t[0]), b(t[1])),
        6 => format!("!={}", b(t[0])),
        7 => format!("<={}", b(t[1])),
        8 => format!(">{}|<{}", b(t[0]), b(t[1])),
        _ => format!(">={}", b(t[0])),
    };
    (format!("vers:{scheme}/{constraints}"), t)
}

/// Writes `lines` questions: a pool of ranges asked about many versions, mostly near the bounds.
fn write_vers_lines(path: &Path, lines: usize, seed: u64) -> io::Result<()> {
    let mut rng = Rng::new(seed ^ 0x7e25);
    let pool: Vec<(String, &str, Vec<Triple>)> = (0..(lines / 20).max(10))
        .map(|_| {
            let scheme = *rng.pick(SCHEMES);
            let (range, bounds) = vers_range(&mut rng, scheme);
            (range, scheme, bounds)
        })
        .collect();
    let mut out = BufWriter::new(File::create(path)?);
    for _ in 0..lines {
        let (range, scheme, bounds) = rng.pick(&pool);
        let t = if rng.chance(50) {
            let (a, b, c) = *rng.pick(bounds);
            match rng.below(3) {
                0 => (a, b, c),
                1 => (a, b, c + 1),
                _ => (a, b, c.saturating_sub(1)),
            }
        } else {
            random_triple(&mut rng)
        };
        let version = test_version(&mut rng, scheme, t);
        writeln!(out, "{range}\t{version}")?;
    }
    out.flush()
}

const UNIVERS_DRIVER: &str = r#"import sys
from univers.version_range import VersionRange


def main():
    cache = {}
    out = []
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n").rstrip("\r")
            try:
                text, version = line.split("\t", 1)
                vr = cache.get(text)
                if vr is None:
                    vr = VersionRange.from_string(text)
                    cache[text] = vr
                out.append("true" if vr.version_class(version) in vr else "false")
            except Exception as e:
                out.append("error: " + " ".join(str(e).split()))
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write("\n".join(out))
        f.write("\n")


main()
"#;

fn run_timed(mut command: Command, program: &str) -> Result<Duration, BenchError> {
    let t = Instant::now();
    let output = command
        .stderr(Stdio::piped())
        .output()
        .map_err(io_context(format!("starting {program}")))?;
    let elapsed = t.elapsed();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(BenchError::Process {
            program: program.to_string(),
            status: output.status.to_string(),
            stderr: stderr.chars().take(2000).collect(),
        });
    }
    Ok(elapsed)
}

/// Answers of the two tools compared line by line.
#[derive(Default)]
struct Agreement {
    both_agree: usize,
    both_disagree: usize,
    baton_error_only: usize,
    univers_error_only: usize,
    both_error: usize,
    total: usize,
    /// Up to five lines where both answered and differ.
    examples: Vec<String>,
}

fn compare_outputs(input: &str, baton: &str, univers: &str) -> Agreement {
    let mut a = Agreement::default();
    let mut b_lines = baton.lines();
    let mut u_lines = univers.lines();
    for question in input.lines() {
        a.total += 1;
        let b = b_lines.next().unwrap_or("error: no answer");
        let u = u_lines.next().unwrap_or("error: no answer");
        let bool_of = |s: &str| match s {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        match (bool_of(b), bool_of(u)) {
            (Some(x), Some(y)) if x == y => a.both_agree += 1,
            (Some(_), Some(_)) => {
                a.both_disagree += 1;
                if a.examples.len() < 5 {
                    a.examples
                        .push(format!("{question} → baton {b}, univers {u}"));
                }
            }
            (None, Some(_)) => a.baton_error_only += 1,
            (Some(_), None) => a.univers_error_only += 1,
            (None, None) => a.both_error += 1,
        }
    }
    a
}

fn compare_vers(
    args: &BenchMatchArgs,
    python: &str,
    baton: &Path,
    table: &mut Table,
) -> Result<(), BenchError> {
    std::fs::create_dir_all(&args.dir)
        .map_err(io_context(format!("creating {}", args.dir.display())))?;
    let input = args.dir.join("vers-lines.tsv");
    let baton_out = args.dir.join("vers-baton.out");
    let univers_out = args.dir.join("vers-univers.out");
    let driver = args.dir.join("univers_check.py");
    write_vers_lines(&input, args.vers_lines, args.seed)
        .map_err(io_context(format!("writing {}", input.display())))?;
    std::fs::write(&driver, UNIVERS_DRIVER)
        .map_err(io_context(format!("writing {}", driver.display())))?;

    let mut baton_times = Vec::new();
    let mut univers_times = Vec::new();
    for _ in 0..3 {
        let stdin =
            File::open(&input).map_err(io_context(format!("opening {}", input.display())))?;
        let stdout = File::create(&baton_out)
            .map_err(io_context(format!("creating {}", baton_out.display())))?;
        let mut command = Command::new(baton);
        command.args(["vers", "check"]).stdin(stdin).stdout(stdout);
        baton_times.push(run_timed(command, "baton vers check")?);

        let mut command = Command::new(python);
        command
            .arg(&driver)
            .arg(&input)
            .arg(&univers_out)
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        univers_times.push(run_timed(command, "univers driver")?);
    }
    baton_times.sort();
    univers_times.sort();
    let (b, u) = (median(&baton_times), median(&univers_times));
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(io_context(format!("reading {}", p.display())))
    };
    let agreement = compare_outputs(&read(&input)?, &read(&baton_out)?, &read(&univers_out)?);

    let lines = args.vers_lines.max(1) as f64;
    table.row(
        format!("baton vers check, {} lines (process)", args.vers_lines),
        format!(
            "median {} of 3 ({:.0} ns/line; runs {})",
            ms(b),
            b.as_secs_f64() * 1e9 / lines,
            baton_times
                .iter()
                .map(|d| ms(*d))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    table.row(
        "univers, same lines (process)",
        format!(
            "median {} of 3 ({:.0} ns/line; runs {})",
            ms(u),
            u.as_secs_f64() * 1e9 / lines,
            univers_times
                .iter()
                .map(|d| ms(*d))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    let ratio = if b.is_zero() {
        0.0
    } else {
        u.as_secs_f64() / b.as_secs_f64()
    };
    table.row(
        "speed-up (univers / baton)",
        format!(
            "{ratio:.0}× ({})",
            if ratio >= 100.0 {
                "meets the 100× target"
            } else {
                "below the 100× target"
            }
        ),
    );
    table.row(
        "agreement (both true/false and equal)",
        format!(
            "{} / {} lines; {} disagree, {} baton-only errors, {} univers-only errors, \
             {} both errors",
            agreement.both_agree,
            agreement.total,
            agreement.both_disagree,
            agreement.baton_error_only,
            agreement.univers_error_only,
            agreement.both_error
        ),
    );
    for (k, e) in agreement.examples.iter().enumerate() {
        table.row(format!("  disagreement {}", k + 1), e.clone());
    }
    Ok(())
}

/// Data for the fleet benchmark: `advisories` generated advisories (OSV and NVD shapes, as
/// `bench match` makes them) and a pool of `distinct` components that releases draw their SBOMs
/// from (packages by purl, `vulnerable_percent` of them with advisories, 6 as `bench match`
/// draws them; applications and devices by CPE).
pub fn fleet_data(
    advisories: usize,
    distinct: usize,
    vulnerable_percent: u64,
    seed: u64,
) -> (Vec<Advisory>, Vec<Component>) {
    let mut world = World::new(advisories);
    world.vulnerable_percent = vulnerable_percent.min(100);
    let generated = world.advisories(seed);
    let pool = world.sbom(distinct, seed ^ 0x5eed, "pool").components;
    (generated, pool)
}

// ---------------------------------------------------------------------------------------------
// baton scan against cve-bin-tool

/// What `baton bench scan-peer` runs: `baton scan` and cve-bin-tool (offline, its database built
/// from the same local files by its own importers) on the same SBOMs, as whole processes.
#[derive(Debug, Clone)]
pub struct ScanPeerArgs {
    /// The Python of a virtual environment where cve-bin-tool is installed; its `cve-bin-tool`
    /// script is looked for beside it, then on `PATH`. Without it the comparison is skipped.
    pub python: Option<String>,
    /// The `baton` binary, run as a whole process.
    pub baton_exe: PathBuf,
    /// The shared data folder (`…/shared/data`): SBOMs and advisories are read from it.
    pub data: PathBuf,
    /// Scratch folder: cve-bin-tool's home and database, device SBOMs, outputs.
    pub dir: PathBuf,
    /// Runs of each tool per SBOM, alternated; medians are reported.
    pub runs: usize,
}

/// Advisory data both tools get: OSV records of crates.io and Go, NVD CVE API 2.0 records, and
/// the CISA KEV catalog. cve-bin-tool reads no CSAF, so the ICSMA corpus is left out.
const PEER_ADVISORIES: &[&str] = &[
    "osv-rustsec",
    "osv-golang",
    "nvd-cve-2.0-meddev",
    "vunnel-fixtures/nvd",
];
const PEER_KEV: &str = "cisa-kev/known_exploited_vulnerabilities.json";

/// Real SBOMs of the shared data: (label, cve-bin-tool `--sbom` type, path under the data folder).
const PEER_SBOMS: &[(&str, &str, &str)] = &[
    (
        "spdx example11 (Rust)",
        "spdx",
        "spdx-examples/software/example11/spdx2.3/sbom.spdx.json",
    ),
    (
        "proton-bridge 1.8.0 (Go)",
        "cyclonedx",
        "cyclonedx-bom-examples/SBOM/proton-bridge/proton-bridge-v1.8.0.bom.json",
    ),
    (
        "keycloak 10.0.2 (Maven, 903)",
        "cyclonedx",
        "cyclonedx-bom-examples/SBOM/keycloak-10.0.2/bom.json",
    ),
    (
        "medical case study (65)",
        "cyclonedx",
        "medical-sbom-case-study/extended.sbom.json",
    ),
];

/// Device SBOMs written by the benchmark (cve-bin-tool needs a `serialNumber`): BD Alaris PCU
/// firmware with and without its hardware, against NVD CVE-2023-30559 (firmware ≤ 12.1.3 AND
/// running on the PCU hardware).
const PEER_DEVICE_SBOMS: &[(&str, &str)] = &[
    (
        "alaris firmware + hardware",
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
 "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
 "components": [
  {"type": "firmware", "bom-ref": "pcu-fw", "supplier": {"name": "BD"}, "name": "Alaris 8015 PCU firmware",
   "version": "12.1.2", "cpe": "cpe:2.3:o:bd:alaris_8015_pcu_firmware:12.1.2:*:*:*:*:*:*:*"},
  {"type": "device", "bom-ref": "pcu-hw", "supplier": {"name": "BD"}, "name": "Alaris 8015 PCU",
   "cpe": "cpe:2.3:h:bd:alaris_8015_pcu:-:*:*:*:*:*:*:*"}]}"#,
    ),
    (
        "alaris firmware only",
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
 "serialNumber": "urn:uuid:8f1d2a9e-51c4-4b7e-9d0a-6c2f3e4b5a61",
 "components": [
  {"type": "firmware", "bom-ref": "pcu-fw", "supplier": {"name": "BD"}, "name": "Alaris 8015 PCU firmware",
   "version": "12.1.2", "cpe": "cpe:2.3:o:bd:alaris_8015_pcu_firmware:12.1.2:*:*:*:*:*:*:*"}]}"#,
    ),
];

/// Fills cve-bin-tool's database (`$HOME/.cache/cve-bin-tool/cve.db`) from local files with its
/// own importers: `NVD_Source.format_data_api2`, `OSV_Source.format_data`, `CVEDB.populate_db`
/// and `populate_exploit_db`. Prints one JSON line of counts.
const CBT_BUILDER: &str = r#"import json
import sys
from pathlib import Path


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def main():
    config = load(sys.argv[1])
    from cve_bin_tool.cvedb import CVEDB
    from cve_bin_tool.data_sources.nvd_source import NVD_Source
    from cve_bin_tool.data_sources.osv_source import OSV_Source

    db = CVEDB(version_check=False)
    db.cachedir.mkdir(parents=True, exist_ok=True)
    db.init_database()

    nvd = NVD_Source()
    nvd_severity, nvd_affected, nvd_skipped = [], [], []
    for path in config["nvd"]:
        doc = load(path)
        if not isinstance(doc, dict):
            continue
        # An API 2.0 page holds {"vulnerabilities": [{"cve": ...}]}; a single record (as the
        # fkie-cad feed stores them) is the "cve" object itself.
        entries = doc.get("vulnerabilities") or ([{"cve": doc}] if "id" in doc else [])
        for entry in entries:
            # format_data_api2 fails on a CVE without a CVSS v2/v3 metric (it calls a
            # self.logger that does not exist): such CVEs cannot enter its database.
            try:
                severity, affected = nvd.format_data_api2([entry])
            except Exception as e:
                nvd_skipped.append(entry.get("cve", {}).get("id", "?"))
                continue
            nvd_severity.extend(severity)
            nvd_affected.extend(affected)

    osv_entries = []
    for path in config["osv"]:
        entry = load(path)
        if isinstance(entry, dict) and "id" in entry:
            osv_entries.append(entry)
    osv_severity, osv_affected = OSV_Source().format_data(osv_entries)

    db.data = [((nvd_severity, nvd_affected), "NVD"), ((osv_severity, osv_affected), "OSV")]
    db.populate_db()

    catalog = load(config["kev"])
    exploits = [
        (v["cveID"], v["product"], v["shortDescription"])
        for v in catalog.get("vulnerabilities", [])
    ]
    db.create_exploit_db()
    db.populate_exploit_db(exploits)

    cursor = db.db_open_and_get_cursor()
    ranges = cursor.execute("SELECT COUNT(*) FROM cve_range").fetchone()[0]
    db.db_close()
    print(json.dumps({
        "nvd_cves": len(nvd_severity),
        "nvd_skipped": nvd_skipped,
        "osv_records": len(osv_severity),
        "ranges": ranges,
        "kev": len(exploits),
    }))


main()
"#;

/// Every `.json` file under `dir`, in name order.
fn json_files_under(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&d)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The `cve-bin-tool` script of the environment of `python`, else the one on `PATH`.
fn find_cve_bin_tool(python: &str) -> Option<PathBuf> {
    let beside = Path::new(python)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(|p| p.join("cve-bin-tool"));
    if let Some(p) = beside.filter(|p| p.is_file()) {
        return Some(p);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("cve-bin-tool"))
            .find(|p| p.is_file())
    })
}

/// Why the comparison cannot run here, if it cannot.
fn scan_peer_missing(args: &ScanPeerArgs) -> Option<String> {
    let Some(python) = &args.python else {
        return Some(
            "skipped: cve-bin-tool not given (install it with `python3 -m venv V && \
             V/bin/pip install cve-bin-tool` and pass --python V/bin/python)"
                .to_string(),
        );
    };
    let imports = Command::new(python)
        .args(["-c", "import cve_bin_tool.cvedb"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !imports {
        return Some(format!(
            "skipped: cve-bin-tool is not installed for {python} (pip install cve-bin-tool)"
        ));
    }
    if find_cve_bin_tool(python).is_none() {
        return Some(format!(
            "skipped: no cve-bin-tool script beside {python} or on PATH"
        ));
    }
    let mut needed: Vec<&str> = PEER_ADVISORIES.to_vec();
    needed.push(PEER_KEV);
    needed.extend(PEER_SBOMS.iter().map(|(_, _, p)| *p));
    let missing: Vec<&str> = needed
        .into_iter()
        .filter(|p| !args.data.join(p).exists())
        .collect();
    if !missing.is_empty() {
        return Some(format!(
            "skipped: missing under {}: {}",
            args.data.display(),
            missing.join(", ")
        ));
    }
    None
}

/// Runs `command`, timing it; any exit code in `ok` counts as success.
fn run_timed_codes(
    mut command: Command,
    program: &str,
    ok: &[i32],
) -> Result<Duration, BenchError> {
    let t = Instant::now();
    let output = command
        .stderr(Stdio::piped())
        .output()
        .map_err(io_context(format!("starting {program}")))?;
    let elapsed = t.elapsed();
    if !output.status.code().is_some_and(|c| ok.contains(&c)) {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(BenchError::Process {
            program: program.to_string(),
            status: output.status.to_string(),
            stderr: stderr.chars().take(2000).collect(),
        });
    }
    Ok(elapsed)
}

/// One finding, as either tool reports it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct PeerFinding {
    /// Lower-case product name (cve-bin-tool: its product; Baton: the component name).
    product: String,
    version: String,
    /// The identifier reported (cve-bin-tool: the CVE or the OSV id; Baton: the vulnerability).
    id: String,
    /// Every name of the vulnerability (Baton: the id and its aliases).
    ids: BTreeSet<String>,
    /// Other names the component answers to (Baton: purl name, CPE products).
    names: BTreeSet<String>,
    status: String,
    detail: String,
}

fn json_str(v: &serde_json::Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// Baton's findings (`baton scan --format json`).
fn baton_findings(doc: &serde_json::Value) -> Vec<PeerFinding> {
    let empty = Vec::new();
    doc.as_array()
        .unwrap_or(&empty)
        .iter()
        .map(|f| {
            let id = json_str(&f["vulnerability_id"]);
            let mut ids: BTreeSet<String> = f["aliases"]
                .as_array()
                .unwrap_or(&empty)
                .iter()
                .map(json_str)
                .collect();
            ids.insert(id.clone());
            let mut names = BTreeSet::new();
            if let Some(p) = f["component_purl"].as_str()
                && let Some(purl) = crate::purl::Purl::parse(p)
            {
                names.insert(purl.name.to_lowercase());
            }
            for cpe in f["component_cpes"].as_array().unwrap_or(&empty) {
                if let Some(product) = cpe.as_str().and_then(|c| c.split(':').nth(4)) {
                    names.insert(product.to_lowercase());
                }
            }
            let detail = f["evidence"]
                .as_array()
                .and_then(|e| e.first())
                .map(|e| json_str(&e["version"]))
                .unwrap_or_default();
            PeerFinding {
                product: json_str(&f["component_name"]).to_lowercase(),
                version: json_str(&f["component_version"]),
                id,
                ids,
                names,
                status: json_str(&f["status"]),
                detail,
            }
        })
        .collect()
}

/// cve-bin-tool's findings (`-f json`).
fn cbt_findings(doc: &serde_json::Value) -> Vec<PeerFinding> {
    let empty = Vec::new();
    doc.as_array()
        .unwrap_or(&empty)
        .iter()
        .map(|f| {
            let id = json_str(&f["cve_number"]);
            PeerFinding {
                product: json_str(&f["product"]).to_lowercase(),
                version: json_str(&f["version"]),
                ids: BTreeSet::from([id.clone()]),
                id,
                names: BTreeSet::new(),
                status: json_str(&f["remarks"]),
                detail: format!("{} via {}", json_str(&f["vendor"]), json_str(&f["source"])),
            }
        })
        .collect()
}

/// Whether cve-bin-tool's finding `c` and Baton's `b` are the same vulnerability of the same
/// component.
fn same_finding(c: &PeerFinding, b: &PeerFinding) -> bool {
    b.ids.contains(&c.id)
        && b.version == c.version
        && (b.product == c.product || b.names.contains(&c.product))
}

/// Findings of one SBOM: (cve-bin-tool only, Baton only, both).
fn diff_findings(
    cbt: &[PeerFinding],
    baton: &[PeerFinding],
) -> (Vec<PeerFinding>, Vec<PeerFinding>, usize) {
    let cbt_only: Vec<PeerFinding> = cbt
        .iter()
        .filter(|c| !baton.iter().any(|b| same_finding(c, b)))
        .cloned()
        .collect();
    let baton_only: Vec<PeerFinding> = baton
        .iter()
        .filter(|b| !cbt.iter().any(|c| same_finding(c, b)))
        .cloned()
        .collect();
    let both = baton.len() - baton_only.len();
    (cbt_only, baton_only, both)
}

/// Runs the comparison and writes a plain-text table to `out`. When cve-bin-tool or the data
/// is missing, the table says why and nothing else runs.
pub fn run_bench_scan_peer(args: &ScanPeerArgs, out: &mut dyn Write) -> Result<(), BenchError> {
    let mut table = Table::default();
    let result = match scan_peer_missing(args) {
        Some(reason) => {
            table.row("baton scan vs cve-bin-tool", reason);
            Ok(())
        }
        None => compare_scan_peer(args, &mut table),
    };
    table
        .write_titled("baton bench scan-peer", out)
        .map_err(io_context("writing the benchmark table"))?;
    result
}

fn compare_scan_peer(args: &ScanPeerArgs, table: &mut Table) -> Result<(), BenchError> {
    let python = args.python.as_deref().unwrap_or("python3");
    let cbt = find_cve_bin_tool(python).unwrap_or_else(|| PathBuf::from("cve-bin-tool"));
    let runs = args.runs.max(1);
    let home = args.dir.join("cbt-home");
    // A fresh database each time: cve-bin-tool appends to an existing one.
    if home.exists() {
        std::fs::remove_dir_all(&home)
            .map_err(io_context(format!("removing {}", home.display())))?;
    }
    std::fs::create_dir_all(&home).map_err(io_context(format!("creating {}", home.display())))?;

    // cve-bin-tool's database, from the same files Baton reads.
    let mut nvd = Vec::new();
    let mut osv = Vec::new();
    for dir in PEER_ADVISORIES {
        let files =
            json_files_under(&args.data.join(dir)).map_err(io_context(format!("listing {dir}")))?;
        if dir.starts_with("osv-") {
            osv.extend(files);
        } else {
            nvd.extend(files);
        }
    }
    let config = serde_json::json!({
        "nvd": nvd,
        "osv": osv,
        "kev": args.data.join(PEER_KEV),
    });
    let config_path = args.dir.join("cbt-config.json");
    let builder = args.dir.join("cbt_build.py");
    std::fs::write(&config_path, config.to_string())
        .map_err(io_context(format!("writing {}", config_path.display())))?;
    std::fs::write(&builder, CBT_BUILDER)
        .map_err(io_context(format!("writing {}", builder.display())))?;
    let t = Instant::now();
    let built = Command::new(python)
        .arg(&builder)
        .arg(&config_path)
        .env("HOME", &home)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(io_context("starting the cve-bin-tool database builder"))?;
    let build_time = t.elapsed();
    if !built.status.success() {
        return Err(BenchError::Process {
            program: "cve-bin-tool database builder".to_string(),
            status: built.status.to_string(),
            stderr: String::from_utf8_lossy(&built.stderr)
                .chars()
                .take(2000)
                .collect(),
        });
    }
    let counts: serde_json::Value = serde_json::from_slice(&built.stdout).unwrap_or_default();
    table.row(
        "advisory data (both tools)",
        format!(
            "{} + KEV ({} OSV and {} NVD files)",
            PEER_ADVISORIES.join(", "),
            osv.len(),
            nvd.len()
        ),
    );
    table.row(
        "cve-bin-tool database build",
        format!(
            "{} (once; its own importers): {} OSV records, {} NVD CVEs ({} skipped by \
             format_data_api2: {}), {} ranges, {} KEV rows",
            ms(build_time),
            counts["osv_records"],
            counts["nvd_cves"],
            counts["nvd_skipped"].as_array().map_or(0, Vec::len),
            counts["nvd_skipped"]
                .as_array()
                .map(|a| a.iter().map(json_str).collect::<Vec<_>>().join(" "))
                .unwrap_or_default(),
            counts["ranges"],
            counts["kev"]
        ),
    );

    let mut sboms: Vec<(String, &str, PathBuf)> = PEER_SBOMS
        .iter()
        .map(|(label, kind, path)| (label.to_string(), *kind, args.data.join(path)))
        .collect();
    for (n, (label, text)) in PEER_DEVICE_SBOMS.iter().enumerate() {
        let path = args.dir.join(format!("device-{n}.cdx.json"));
        std::fs::write(&path, text).map_err(io_context(format!("writing {}", path.display())))?;
        sboms.push((label.to_string(), "cyclonedx", path));
    }

    // Where Baton's time goes, in process: reading the advisory files is most of a scan.
    let advisory_paths: Vec<PathBuf> = PEER_ADVISORIES.iter().map(|a| args.data.join(a)).collect();
    let t = Instant::now();
    let advisories = crate::read_advisories(&advisory_paths, &mut io::sink())
        .map_err(|e| io::Error::other(e.to_string()))
        .map_err(io_context("reading the advisories"))?;
    let read_time = t.elapsed();
    let t = Instant::now();
    let kev_path = args.data.join(PEER_KEV);
    let kev_bytes =
        std::fs::read(&kev_path).map_err(io_context(format!("reading {}", kev_path.display())))?;
    let kev = baton_advisories::parse_kev(&kev_path.display().to_string(), &kev_bytes)
        .map_err(|e| io::Error::other(e.to_string()))
        .map_err(io_context("reading the KEV catalog"))?;
    let kev_time = t.elapsed();
    let t = Instant::now();
    let index = Index::build(&advisories);
    let index_time = t.elapsed();
    table.row(
        "baton in process",
        format!(
            "reading {} advisories {}, KEV {}, index {}",
            advisories.len(),
            ms(read_time),
            ms(kev_time),
            ms(index_time)
        ),
    );
    let options = ScanOptions::default().with_kev(&kev);

    let (mut baton_total, mut cbt_total) = (Duration::ZERO, Duration::ZERO);
    let (mut all_cbt_only, mut all_baton_only, mut all_both) = (0, 0, 0);
    for (n, (label, kind, path)) in sboms.iter().enumerate() {
        let baton_out = args.dir.join(format!("baton-{n}.json"));
        let cbt_out = args.dir.join(format!("cbt-{n}.json"));
        let mut baton_times = Vec::new();
        let mut cbt_times = Vec::new();
        for _ in 0..runs {
            let stdout = File::create(&baton_out)
                .map_err(io_context(format!("creating {}", baton_out.display())))?;
            let mut command = Command::new(&args.baton_exe);
            command
                .arg("scan")
                .arg("--sbom")
                .arg(path)
                .arg("--advisories")
                .args(PEER_ADVISORIES.iter().map(|a| args.data.join(a)))
                .arg("--kev")
                .arg(args.data.join(PEER_KEV))
                .args(["--format", "json"])
                .stdin(Stdio::null())
                .stdout(stdout);
            baton_times.push(run_timed_codes(command, "baton scan", &[0])?);

            // cve-bin-tool does not overwrite a report: it picks another name.
            if cbt_out.exists() {
                std::fs::remove_file(&cbt_out)
                    .map_err(io_context(format!("removing {}", cbt_out.display())))?;
            }
            let mut command = Command::new(&cbt);
            command
                .args(["--offline", "-l", "error", "--sbom", kind, "--sbom-file"])
                .arg(path)
                .args(["-f", "json", "-o"])
                .arg(&cbt_out)
                .env("HOME", &home)
                .stdin(Stdio::null())
                .stdout(Stdio::null());
            // Exit code 1 means "CVEs found".
            cbt_times.push(run_timed_codes(command, "cve-bin-tool", &[0, 1])?);
        }
        baton_times.sort();
        cbt_times.sort();
        let (b, c) = (median(&baton_times), median(&cbt_times));
        baton_total += b;
        cbt_total += c;
        let read = |p: &Path| -> serde_json::Value {
            std::fs::read(p)
                .ok()
                .and_then(|bytes| serde_json::from_slice(&bytes).ok())
                .unwrap_or(serde_json::Value::Array(Vec::new()))
        };
        let in_process = std::fs::read(path)
            .ok()
            .and_then(|bytes| baton_sbom::parse(&path.display().to_string(), &bytes).ok())
            .map(|parsed| {
                let t = Instant::now();
                let _report = scan_with_index(&parsed.sbom, &index, &options);
                t.elapsed()
            });
        let baton = baton_findings(&read(&baton_out));
        let cbt_found = cbt_findings(&read(&cbt_out));
        let (cbt_only, baton_only, both) = diff_findings(&cbt_found, &baton);
        all_cbt_only += cbt_only.len();
        all_baton_only += baton_only.len();
        all_both += both;
        table.row(
            label.clone(),
            format!(
                "baton {} / cve-bin-tool {} (medians of {runs}; {:.0}×; in process the scan \
                 itself takes {}); findings: baton {}, cve-bin-tool {}, same {both}",
                ms(b),
                ms(c),
                ratio(c, b),
                in_process.map_or_else(|| "n/a".to_string(), ms),
                baton.len(),
                cbt_found.len()
            ),
        );
        // cve-bin-tool's findings are all "affected"; say where Baton's answer for the same
        // finding is another.
        for c in &cbt_found {
            if let Some(b) = baton
                .iter()
                .find(|b| same_finding(c, b) && b.status != "affected")
            {
                table.row(
                    "  both; baton says",
                    format!(
                        "{} {} {} = {}: baton {}: {}",
                        c.product, c.version, c.id, b.id, b.status, b.detail
                    ),
                );
            }
        }
        for f in &cbt_only {
            let baton_status = baton
                .iter()
                .find(|b| b.ids.contains(&f.id))
                .map(|b| format!("baton: {} for {} {}", b.status, b.product, b.version))
                .unwrap_or_else(|| "baton: not reported".to_string());
            table.row(
                "  cve-bin-tool only",
                format!(
                    "{} {} {} ({}); {baton_status}",
                    f.product, f.version, f.id, f.detail
                ),
            );
        }
        for f in &baton_only {
            table.row(
                "  baton only",
                format!(
                    "{} {} {} [{}] {}: {}",
                    f.product,
                    f.version,
                    f.id,
                    f.ids
                        .iter()
                        .filter(|i| **i != f.id)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" "),
                    f.status,
                    f.detail
                ),
            );
        }
    }
    table.row(
        "all SBOMs",
        format!(
            "baton {} / cve-bin-tool {} ({:.0}×, {}); findings only cve-bin-tool reports: \
             {all_cbt_only}; only Baton: {all_baton_only}; both: {all_both}",
            ms(baton_total),
            ms(cbt_total),
            ratio(cbt_total, baton_total),
            if ratio(cbt_total, baton_total) >= 20.0 {
                "meets the 20× target"
            } else {
                "below the 20× target"
            }
        ),
    );
    Ok(())
}

fn ratio(slow: Duration, fast: Duration) -> f64 {
    if fast.is_zero() {
        0.0
    } else {
        slow.as_secs_f64() / fast.as_secs_f64()
    }
}
