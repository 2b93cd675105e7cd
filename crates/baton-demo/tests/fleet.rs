//! Properties of the generated fleet, checked by re-reading the CSV text the
//! way an importer would.

// Helpers outside `#[test]` functions may unwrap too: this is test code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use baton_demo::{FleetFiles, FleetSpec, generate};
use chrono::{Days, NaiveDate};

fn on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
}

struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn parse(text: &str) -> Self {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let header = r.headers().unwrap().iter().map(String::from).collect();
        let rows = r
            .records()
            .map(|rec| rec.unwrap().iter().map(String::from).collect())
            .collect();
        Table { header, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    /// The values of column `name`, one per row.
    fn column<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + 'a {
        let c = self.col(name);
        self.rows.iter().map(move |r| r[c].as_str())
    }
}

/// All eight tables of a fleet.
struct Parsed {
    aliases: Table,
    models: Table,
    releases: Table,
    assets: Table,
    agreements: Table,
    capabilities: Table,
    policies: Table,
    assessments: Table,
}

impl Parsed {
    fn new(f: &FleetFiles) -> Self {
        Parsed {
            aliases: Table::parse(&f.aliases),
            models: Table::parse(&f.models),
            releases: Table::parse(&f.releases),
            assets: Table::parse(&f.assets),
            agreements: Table::parse(&f.agreements),
            capabilities: Table::parse(&f.capabilities),
            policies: Table::parse(&f.policies),
            assessments: Table::parse(&f.assessments),
        }
    }

    /// Organization name resolution: trim, collapse spaces, ignore case,
    /// then follow aliases.csv.
    fn resolver(&self) -> Resolver {
        let mut map = HashMap::new();
        for r in &self.aliases.rows {
            let previous = map.insert(norm(&r[1]), norm(&r[0]));
            assert!(previous.is_none(), "alias {:?} listed twice", r[1]);
        }
        Resolver { map }
    }
}

struct Resolver {
    map: HashMap<String, String>,
}

impl Resolver {
    fn resolve(&self, name: &str) -> String {
        let n = norm(name);
        self.map.get(&n).cloned().unwrap_or(n)
    }
}

fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn date(s: &str) -> Option<NaiveDate> {
    if s.is_empty() {
        None
    } else {
        Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|_| panic!("bad date {s:?}")))
    }
}

fn demo() -> (FleetFiles, Parsed) {
    let files = generate(&FleetSpec::demo(on()));
    let parsed = Parsed::new(&files);
    (files, parsed)
}

/// The stage of a model on `d` by Baton's rule.
fn stage(
    ga: Option<NaiveDate>,
    eol: Option<NaiveDate>,
    eos: Option<NaiveDate>,
    d: NaiveDate,
) -> &'static str {
    if ga.is_some_and(|ga| ga > d) {
        "development"
    } else if eos.is_some_and(|eos| eos <= d) {
        "end-of-support"
    } else if eol.is_some_and(|eol| eol <= d) {
        "limited-support"
    } else {
        "support"
    }
}

fn gtin_valid(gtin: &str) -> bool {
    if gtin.len() != 14 || !gtin.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits: Vec<u32> = gtin.bytes().map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = digits[..13]
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { 3 * d } else { *d })
        .sum();
    (10 - sum % 10) % 10 == digits[13]
}

/// The element strings of a bracketed GS1 UDI: [("01", "…"), ("21", "…")].
fn udi_parts(udi: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = udi;
    while let Some(stripped) = rest.strip_prefix('(') {
        let (ai, after) = stripped.split_once(')').unwrap();
        let end = after.find('(').unwrap_or(after.len());
        out.push((ai.to_string(), after[..end].to_string()));
        rest = &after[end..];
    }
    assert!(rest.is_empty(), "unparsed UDI tail in {udi:?}");
    out
}

#[test]
fn same_spec_gives_identical_bytes() {
    let spec = FleetSpec::demo(on());
    assert_eq!(generate(&spec), generate(&spec));
    assert_eq!(generate(&FleetSpec::scaled(on(), 1)), generate(&spec));
    let other_seed = FleetSpec { seed: 7, ..spec };
    assert_ne!(generate(&other_seed).assets, generate(&spec).assets);
}

#[test]
fn another_day_shifts_every_date_and_nothing_else() {
    let shift = 137;
    let later = on().checked_add_days(Days::new(shift)).unwrap();
    let a = generate(&FleetSpec::demo(on()));
    let b = generate(&FleetSpec::demo(later));
    let mut dates_seen = 0;
    for ((name, ta), (_, tb)) in a.files().into_iter().zip(b.files()) {
        let (ta, tb) = (Table::parse(ta), Table::parse(tb));
        assert_eq!(ta.header, tb.header);
        assert_eq!(ta.rows.len(), tb.rows.len(), "{name}");
        for (ra, rb) in ta.rows.iter().zip(&tb.rows) {
            for ((h, ca), cb) in ta.header.iter().zip(ra).zip(rb) {
                let is_date = matches!(
                    h.as_str(),
                    "general_availability"
                        | "eol_date"
                        | "eol_announced"
                        | "eos_date"
                        | "eos_announced"
                        | "released"
                        | "date"
                );
                if is_date {
                    match (date(ca), date(cb)) {
                        (Some(da), Some(db)) => {
                            assert_eq!((db - da).num_days(), shift as i64, "{name}.{h}");
                            dates_seen += 1;
                        }
                        (None, None) => {}
                        _ => panic!("{name}.{h}: {ca:?} vs {cb:?}"),
                    }
                } else if h == "udi" {
                    let pa = udi_parts(ca);
                    let pb = udi_parts(cb);
                    assert_eq!(pa.len(), pb.len());
                    for ((aia, va), (aib, vb)) in pa.iter().zip(&pb) {
                        assert_eq!(aia, aib);
                        if aia == "11" || aia == "17" {
                            let da =
                                NaiveDate::parse_from_str(&format!("20{va}"), "%Y%m%d").unwrap();
                            let db =
                                NaiveDate::parse_from_str(&format!("20{vb}"), "%Y%m%d").unwrap();
                            assert_eq!((db - da).num_days(), shift as i64);
                        } else {
                            assert_eq!(va, vb);
                        }
                    }
                } else {
                    assert_eq!(ca, cb, "{name}.{h}");
                }
            }
        }
    }
    assert!(dates_seen > 1000);
}

#[test]
fn headers_are_exact_and_files_are_in_import_order() {
    let (files, _) = demo();
    let expected = [
        ("aliases.csv", "name,alias"),
        (
            "models.csv",
            "manufacturer,model,model_number,udi_di,device_type,criticality,general_availability,eol_date,eol_announced,eos_date,eos_announced",
        ),
        (
            "releases.csv",
            "manufacturer,model,version,released,eol_date,eol_announced,eos_date,eos_announced",
        ),
        (
            "assets.csv",
            "asset_id,organization,manufacturer,model,software_version,serial,udi,site,department,network_zone,status",
        ),
        (
            "agreements.csv",
            "manufacturer,model,hdo,task,stage,party,lead,provider",
        ),
        ("capabilities.csv", "organization,task,capable"),
        (
            "policies.csv",
            "organization,manufacturer,model,setting,value",
        ),
        (
            "assessments.csv",
            "organization,asset_id,date,assessor,decision,residual,note",
        ),
    ];
    for ((name, text), (want_name, want_header)) in files.files().into_iter().zip(expected) {
        assert_eq!(name, want_name);
        assert!(text.starts_with(&format!("{want_header}\r\n")), "{name}");
        assert!(text.ends_with("\r\n"), "{name}");
        assert!(text.lines().count() > 1, "{name} has no rows");
    }
    assert_eq!(baton_demo::headers::ASSETS.join(","), expected[3].1);
}

#[test]
fn demo_counts() {
    let (_, p) = demo();
    assert_eq!(p.assets.rows.len(), 2000);
    assert_eq!(p.models.rows.len(), 60);
    let r = p.resolver();
    let mfrs: HashSet<String> = p
        .models
        .column("manufacturer")
        .map(|m| r.resolve(m))
        .collect();
    assert_eq!(mfrs.len(), 12, "{mfrs:?}");
    assert!(mfrs.contains("dräger") && mfrs.contains("ge healthcare"));
    let hdos: HashSet<&str> = p.assets.column("organization").collect();
    assert!(hdos.len() >= 3);
    for h in [
        "Riverside General Hospital",
        "Northgate Children's Hospital",
        "Lakeside Community Hospital",
    ] {
        assert!(hdos.contains(h));
    }
    let n = p.agreements.rows.len();
    assert!((15..=30).contains(&n), "{n} agreements");
    let per_model = p.releases.rows.len() as f64 / 60.0;
    assert!((1.0..=4.0).contains(&per_model));
}

#[test]
fn every_stage_is_present_in_roughly_the_intended_mix() {
    for day in [on(), NaiveDate::from_ymd_opt(2031, 11, 17).unwrap()] {
        let p = Parsed::new(&generate(&FleetSpec::demo(day)));
        let m = &p.models;
        let mut counts: HashMap<&str, usize> = HashMap::new();
        let mut eos_without_eol = 0;
        let mut window_open = 0;
        for row in &m.rows {
            let ga = date(&row[m.col("general_availability")]);
            let eol = date(&row[m.col("eol_date")]);
            let eos = date(&row[m.col("eos_date")]);
            let s = stage(ga, eol, eos, day);
            *counts.entry(s).or_default() += 1;
            if s == "end-of-support" && eol.is_none() {
                eos_without_eol += 1;
            }
            if s == "support" && eos.is_some_and(|e| (e - day).num_days() <= 3 * 365) {
                window_open += 1;
            }
        }
        assert_eq!(counts["development"], 6, "{counts:?}");
        assert_eq!(counts["support"], 27, "{counts:?}");
        assert_eq!(counts["limited-support"], 15, "{counts:?}");
        assert_eq!(counts["end-of-support"], 12, "{counts:?}");
        assert!(eos_without_eol >= 1);
        assert!(window_open >= 3);
        assert!(m.column("general_availability").any(str::is_empty));
    }
}

#[test]
fn milestones_are_consistent_with_some_short_notice_and_unannounced() {
    let (_, p) = demo();
    let mut short = 0;
    let mut unannounced = 0;
    let mut adequate = 0;
    for t in [&p.models, &p.releases] {
        for row in &t.rows {
            let eol = date(&row[t.col("eol_date")]);
            let eos = date(&row[t.col("eos_date")]);
            if let (Some(eol), Some(eos)) = (eol, eos) {
                assert!(eos >= eol, "EOS before EOL in {row:?}");
            }
            for (d, a) in [("eol_date", "eol_announced"), ("eos_date", "eos_announced")] {
                let d = date(&row[t.col(d)]);
                let a = date(&row[t.col(a)]);
                match (d, a) {
                    (Some(d), Some(a)) => {
                        assert!(a <= d && a <= on(), "announced {a} for {d}");
                        if (d - a).num_days() < 730 {
                            short += 1;
                        } else {
                            adequate += 1;
                        }
                    }
                    (Some(_), None) => unannounced += 1,
                    (None, Some(_)) => panic!("announcement without date in {row:?}"),
                    (None, None) => {}
                }
            }
        }
    }
    assert!(
        short >= 1 && unannounced >= 1,
        "{short} short, {unannounced} unannounced"
    );
    assert!(
        adequate > short + unannounced,
        "most milestones have proper notice"
    );
    // Some old releases end support on their own, earlier than the model.
    let r = &p.releases;
    assert!(r.column("eos_date").any(|d| !d.is_empty()));
}

#[test]
fn gtins_and_udis_are_valid_and_match_their_model() {
    let (_, p) = demo();
    let r = p.resolver();
    let m = &p.models;
    let mut udi_di: HashMap<(String, String), String> = HashMap::new();
    let mut without = 0;
    for row in &m.rows {
        let gtin = &row[m.col("udi_di")];
        if gtin.is_empty() {
            without += 1;
        } else {
            assert!(gtin_valid(gtin), "bad GTIN {gtin}");
        }
        udi_di.insert(
            (
                r.resolve(&row[m.col("manufacturer")]),
                row[m.col("model")].clone(),
            ),
            gtin.clone(),
        );
    }
    assert!(
        (1..=20).contains(&without),
        "{without} models without UDI-DI"
    );

    let a = &p.assets;
    let (mut with_udi, mut could) = (0, 0);
    let mut short_form = 0;
    for row in &a.rows {
        let key = (
            r.resolve(&row[a.col("manufacturer")]),
            row[a.col("model")].clone(),
        );
        let gtin = udi_di
            .get(&key)
            .unwrap_or_else(|| panic!("asset of unknown model {key:?}"));
        let udi = &row[a.col("udi")];
        if !gtin.is_empty() {
            could += 1;
        }
        if udi.is_empty() {
            continue;
        }
        with_udi += 1;
        let parts = udi_parts(udi);
        assert_eq!(parts[0].0, "01");
        assert_eq!(&parts[0].1, gtin, "UDI {udi} of model {key:?}");
        let last = parts.last().unwrap();
        assert_eq!(last.0, "21");
        assert_eq!(last.1, row[a.col("serial")]);
        if parts.len() == 2 {
            short_form += 1;
        }
        for (ai, v) in &parts[1..parts.len() - 1] {
            match ai.as_str() {
                "11" | "17" => assert!(v.len() == 6 && v.bytes().all(|b| b.is_ascii_digit())),
                "10" => assert!(!v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric())),
                other => panic!("unexpected AI {other}"),
            }
        }
    }
    let share = with_udi * 100 / could;
    assert!((60..=80).contains(&share), "{share}% of assets carry a UDI");
    assert!(short_form > 0);
}

#[test]
fn no_duplicate_keys_in_any_file() {
    let (_, p) = demo();
    let r = p.resolver();
    fn unique(name: &str, keys: impl Iterator<Item = Vec<String>>) {
        let mut seen = HashSet::new();
        for k in keys {
            assert!(seen.insert(k.clone()), "duplicate key {k:?} in {name}");
        }
    }
    let key = |t: &Table, row: &[String], cols: &[(&str, bool)]| -> Vec<String> {
        cols.iter()
            .map(|&(c, org)| {
                let v = &row[t.col(c)];
                if org { r.resolve(v) } else { v.clone() }
            })
            .collect()
    };
    unique(
        "aliases",
        p.aliases.rows.iter().map(|row| vec![norm(&row[1])]),
    );
    let t = &p.models;
    unique(
        "models",
        t.rows
            .iter()
            .map(|row| key(t, row, &[("manufacturer", true), ("model", false)])),
    );
    let udi_dis: Vec<&str> = t.column("udi_di").filter(|g| !g.is_empty()).collect();
    assert_eq!(udi_dis.len(), udi_dis.iter().collect::<HashSet<_>>().len());
    let t = &p.releases;
    unique(
        "releases",
        t.rows.iter().map(|row| {
            key(
                t,
                row,
                &[("manufacturer", true), ("model", false), ("version", false)],
            )
        }),
    );
    let t = &p.assets;
    unique(
        "assets",
        t.rows
            .iter()
            .map(|row| key(t, row, &[("organization", true), ("asset_id", false)])),
    );
    unique(
        "serials",
        t.rows
            .iter()
            .map(|row| key(t, row, &[("manufacturer", true), ("serial", false)])),
    );
    let t = &p.agreements;
    unique(
        "agreements",
        t.rows.iter().map(|row| {
            key(
                t,
                row,
                &[
                    ("manufacturer", true),
                    ("model", false),
                    ("hdo", true),
                    ("task", false),
                    ("stage", false),
                ],
            )
        }),
    );
    let t = &p.capabilities;
    unique(
        "capabilities",
        t.rows
            .iter()
            .map(|row| key(t, row, &[("organization", true), ("task", false)])),
    );
    let t = &p.policies;
    unique(
        "policies",
        t.rows.iter().map(|row| {
            key(
                t,
                row,
                &[
                    ("organization", true),
                    ("manufacturer", true),
                    ("model", false),
                    ("setting", false),
                ],
            )
        }),
    );
    let t = &p.assessments;
    unique(
        "assessments",
        t.rows.iter().map(|row| {
            key(
                t,
                row,
                &[("organization", true), ("asset_id", false), ("date", false)],
            )
        }),
    );
}

const TASKS: [&str; 16] = [
    "monitor-access",
    "monitor-users",
    "monitor-traffic",
    "event-logging",
    "vulnerability-monitoring",
    "vulnerability-assessment",
    "develop-patches",
    "deploy-patches",
    "security-testing",
    "incident-response",
    "backup-recovery",
    "compensating-controls",
    "risk-assessment",
    "lifecycle-notices",
    "security-documentation",
    "decommissioning",
];
const STAGES: [&str; 4] = [
    "development",
    "support",
    "limited-support",
    "end-of-support",
];

#[test]
fn references_and_value_domains_hold() {
    let (_, p) = demo();
    let r = p.resolver();
    let m = &p.models;
    let models: HashSet<(String, String)> = m
        .rows
        .iter()
        .map(|row| {
            (
                r.resolve(&row[m.col("manufacturer")]),
                row[m.col("model")].clone(),
            )
        })
        .collect();
    let manufacturers: HashSet<String> = models.iter().map(|(f, _)| f.clone()).collect();
    let hdos: HashSet<String> = p
        .assets
        .column("organization")
        .map(|o| r.resolve(o))
        .collect();
    let mut criticality_of: HashMap<&str, &str> = HashMap::new();
    for row in &m.rows {
        let crit = row[m.col("criticality")].as_str();
        assert!(["life-sustaining", "high", "medium", "low"].contains(&crit));
        let kind = row[m.col("device_type")].as_str();
        assert_eq!(*criticality_of.entry(kind).or_insert(crit), crit, "{kind}");
    }
    for (kind, crit) in [
        ("ventilator", "life-sustaining"),
        ("lab analyzer", "medium"),
        ("infusion pump", "high"),
    ] {
        assert_eq!(criticality_of.get(kind), Some(&crit), "{kind}");
    }

    let t = &p.releases;
    for row in &t.rows {
        let key = (
            r.resolve(&row[t.col("manufacturer")]),
            row[t.col("model")].clone(),
        );
        assert!(models.contains(&key), "release of unknown model {key:?}");
    }

    let t = &p.assets;
    let mut asset_status: HashMap<(String, String), String> = HashMap::new();
    for row in &t.rows {
        let key = (
            r.resolve(&row[t.col("manufacturer")]),
            row[t.col("model")].clone(),
        );
        assert!(models.contains(&key), "asset of unknown model {key:?}");
        assert!(
            row[t.col("serial")]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric())
        );
        assert!(!row[t.col("site")].is_empty() && !row[t.col("department")].is_empty());
        let zone = row[t.col("network_zone")].as_str();
        assert!(
            [
                "",
                "clinical-vlan",
                "imaging-vlan",
                "lab-vlan",
                "isolated",
                "guest",
                "corporate"
            ]
            .contains(&zone)
        );
        let status = row[t.col("status")].clone();
        assert!(["in-use", "repurposed", "decommissioned"].contains(&status.as_str()));
        asset_status.insert(
            (
                r.resolve(&row[t.col("organization")]),
                row[t.col("asset_id")].clone(),
            ),
            status,
        );
    }

    let providers: HashSet<String> = ["CyberMed Services", "ClinSec Partners", "MedGuard Security"]
        .iter()
        .map(|p| norm(p))
        .collect();
    let t = &p.agreements;
    for row in &t.rows {
        let get = |c: &str| row[t.col(c)].as_str();
        let mfr = r.resolve(get("manufacturer"));
        assert!(manufacturers.contains(&mfr), "{row:?}");
        if !get("model").is_empty() {
            assert!(
                models.contains(&(mfr.clone(), get("model").to_string())),
                "{row:?}"
            );
        }
        assert!(hdos.contains(&r.resolve(get("hdo"))), "{row:?}");
        assert!(TASKS.contains(&get("task")), "{row:?}");
        assert!(
            get("stage").is_empty() || STAGES.contains(&get("stage")),
            "{row:?}"
        );
        let party = get("party");
        assert!(
            ["mdm", "hdo", "third-party", "shared"].contains(&party),
            "{row:?}"
        );
        if party == "shared" {
            assert!(
                ["mdm", "hdo", "third-party"].contains(&get("lead")),
                "{row:?}"
            );
        } else {
            assert!(get("lead").is_empty(), "{row:?}");
        }
        let needs_provider = party == "third-party" || get("lead") == "third-party";
        assert_eq!(needs_provider, !get("provider").is_empty(), "{row:?}");
        if !get("provider").is_empty() {
            assert!(providers.contains(&r.resolve(get("provider"))), "{row:?}");
        }
    }

    let t = &p.capabilities;
    for row in &t.rows {
        let org = r.resolve(&row[t.col("organization")]);
        assert!(
            hdos.contains(&org) || manufacturers.contains(&org) || providers.contains(&org),
            "{row:?}"
        );
        assert!(TASKS.contains(&row[t.col("task")].as_str()));
        assert!(["true", "false"].contains(&row[t.col("capable")].as_str()));
    }

    let t = &p.policies;
    for row in &t.rows {
        assert!(hdos.contains(&r.resolve(&row[t.col("organization")])));
        let mfr = &row[t.col("manufacturer")];
        let model = &row[t.col("model")];
        if !mfr.is_empty() {
            assert!(manufacturers.contains(&r.resolve(mfr)), "{row:?}");
        }
        if !model.is_empty() {
            assert!(models.contains(&(r.resolve(mfr), model.clone())), "{row:?}");
        }
        assert!(
            [
                "eol-notice-days",
                "eos-notice-days",
                "assessment-months-support",
                "assessment-months-limited-support",
                "assessment-months-end-of-support"
            ]
            .contains(&row[t.col("setting")].as_str())
        );
        assert!(row[t.col("value")].parse::<u32>().unwrap() > 0);
    }

    let t = &p.assessments;
    for row in &t.rows {
        let key = (
            r.resolve(&row[t.col("organization")]),
            row[t.col("asset_id")].clone(),
        );
        let status = asset_status.get(&key).unwrap_or_else(|| panic!("{key:?}"));
        assert_ne!(status, "decommissioned");
        assert!(date(&row[t.col("date")]).unwrap() < on());
        assert!(
            ["accept", "mitigate", "replace", "decommission"]
                .contains(&row[t.col("decision")].as_str())
        );
        assert!(["", "low", "medium", "high"].contains(&row[t.col("residual")].as_str()));
    }
}

#[test]
fn the_installed_base_looks_like_a_hospital() {
    let (files, p) = demo();
    let r = p.resolver();
    let a = &p.assets;

    // Skew: popular models have many assets; every model but a few in
    // development has at least one.
    let mut per_model: HashMap<(String, String), usize> = HashMap::new();
    for row in &a.rows {
        *per_model
            .entry((
                r.resolve(&row[a.col("manufacturer")]),
                row[a.col("model")].clone(),
            ))
            .or_default() += 1;
    }
    let m = &p.models;
    let mut without_assets = 0;
    for row in &m.rows {
        let key = (
            r.resolve(&row[m.col("manufacturer")]),
            row[m.col("model")].clone(),
        );
        if !per_model.contains_key(&key) {
            without_assets += 1;
            let ga = date(&row[m.col("general_availability")]);
            assert!(ga.is_some_and(|ga| ga > on()), "{key:?} has no asset");
        }
    }
    assert!((1..=5).contains(&without_assets));
    let mut counts: Vec<usize> = per_model.values().copied().collect();
    counts.sort_unstable();
    let median = counts[counts.len() / 2];
    assert!(counts[counts.len() - 1] >= 5 * median, "{counts:?}");

    // Status mix.
    let n = a.rows.len() as f64;
    let share = |s: &str| a.column("status").filter(|&x| x == s).count() as f64 / n;
    assert!(
        (0.90..=0.96).contains(&share("in-use")),
        "{}",
        share("in-use")
    );
    assert!((0.015..=0.05).contains(&share("repurposed")));
    assert!((0.025..=0.06).contains(&share("decommissioned")));

    // Asset ids are per organization with the hospital's prefix.
    for row in &a.rows {
        let id = &row[a.col("asset_id")];
        let prefix = match row[a.col("organization")].as_str() {
            "Riverside General Hospital" => "RGH-",
            "Northgate Children's Hospital" => "NCH-",
            _ => "LCH-",
        };
        assert!(id.starts_with(prefix), "{id}");
    }
    assert!(a.column("department").any(|d| d == "PICU"));
    assert!(a.column("site").collect::<HashSet<_>>().len() >= 5);

    // Alias spellings and odd case are used.
    let raw_mfrs: HashSet<&str> = a.column("manufacturer").collect();
    assert!(
        raw_mfrs
            .iter()
            .any(|s| s.starts_with(' ') || s.ends_with(' '))
    );
    assert!(
        raw_mfrs.iter().any(|s| r.map.contains_key(&norm(s))),
        "no alias in assets"
    );
    let model_mfrs: HashSet<&str> = m.column("manufacturer").collect();
    assert!(
        model_mfrs.iter().any(|s| r.map.contains_key(&norm(s))),
        "no alias in models"
    );

    // Software versions: mostly listed releases, a few unknown or unlisted.
    let t = &p.releases;
    let releases: HashSet<(String, String, String)> = t
        .rows
        .iter()
        .map(|row| {
            (
                r.resolve(&row[t.col("manufacturer")]),
                row[t.col("model")].clone(),
                row[t.col("version")].clone(),
            )
        })
        .collect();
    let (mut listed, mut unlisted, mut empty) = (0, 0, 0);
    for row in &a.rows {
        let v = row[a.col("software_version")].clone();
        if v.is_empty() {
            empty += 1;
        } else if releases.contains(&(
            r.resolve(&row[a.col("manufacturer")]),
            row[a.col("model")].clone(),
            v,
        )) {
            listed += 1;
        } else {
            unlisted += 1;
        }
    }
    assert!(
        unlisted >= 1 && empty >= 1 && listed > 1900,
        "{listed}/{unlisted}/{empty}"
    );

    // About 30% of devices in service were assessed; some are overdue.
    let s = &p.assessments;
    let assessed: HashSet<&str> = s.column("asset_id").collect();
    let in_service = a
        .column("status")
        .filter(|&x| x != "decommissioned")
        .count();
    let share = assessed.len() as f64 / in_service as f64;
    assert!((0.22..=0.38).contains(&share), "{share}");
    let mut latest: HashMap<&str, NaiveDate> = HashMap::new();
    for row in &s.rows {
        let d = date(&row[s.col("date")]).unwrap();
        let e = latest.entry(row[s.col("asset_id")].as_str()).or_insert(d);
        *e = (*e).max(d);
    }
    let old = latest
        .values()
        .filter(|d| (on() - **d).num_days() > 365)
        .count();
    assert!(
        old > 10 && old < latest.len() / 2,
        "{old} of {}",
        latest.len()
    );
    // CSV quoting is exercised.
    assert!(files.assessments.contains("\"\""));
    assert!(files.aliases.contains("\"Becton, Dickinson and Company\""));
}

#[test]
fn capability_gaps_exist_but_some_are_covered() {
    let (_, p) = demo();
    let c = &p.capabilities;
    let incapable: Vec<(&str, &str)> = c
        .rows
        .iter()
        .filter(|row| row[c.col("capable")] == "false")
        .map(|row| {
            (
                row[c.col("organization")].as_str(),
                row[c.col("task")].as_str(),
            )
        })
        .collect();
    assert!(incapable.contains(&("Northgate Children's Hospital", "monitor-traffic")));
    assert!(incapable.iter().any(|(org, _)| *org == "Mindray"));
    let g = &p.agreements;
    let covered: HashSet<&str> = g
        .rows
        .iter()
        .filter(|row| {
            row[g.col("hdo")] == "Northgate Children's Hospital"
                && row[g.col("task")] == "monitor-traffic"
                && !row[g.col("provider")].is_empty()
        })
        .map(|row| row[g.col("manufacturer")].as_str())
        .collect();
    assert!(!covered.is_empty() && covered.len() < 12, "{covered:?}");
    // The demo's signature agreements.
    let has = |task: &str, stage: &str, party: &str, lead: &str| {
        g.rows.iter().any(|row| {
            row[g.col("task")] == task
                && row[g.col("stage")] == stage
                && row[g.col("party")] == party
                && row[g.col("lead")] == lead
        })
    };
    assert!(has("develop-patches", "limited-support", "mdm", ""));
    assert!(has("deploy-patches", "support", "shared", "hdo"));
    assert!(has("monitor-traffic", "", "third-party", ""));
    let pol = &p.policies;
    assert!(
        pol.rows
            .iter()
            .any(|r| r[3] == "eos-notice-days" && r[4] == "1095" && r[1].is_empty())
    );
    assert!(
        pol.rows
            .iter()
            .any(|r| r[3] == "assessment-months-end-of-support" && r[4] == "2")
    );
    assert!(
        pol.rows
            .iter()
            .any(|r| r[3] == "eol-notice-days" && r[4] == "365" && !r[1].is_empty())
    );
}

#[test]
fn degenerate_specs_do_not_panic() {
    let empty = FleetSpec {
        seed: 1,
        on: on(),
        manufacturers: 0,
        models: 0,
        hdos: 0,
        assets: 0,
    };
    for (name, text) in generate(&empty).files() {
        assert_eq!(text.lines().count(), 1, "{name}");
    }
    let odd = [
        FleetSpec {
            manufacturers: 5,
            models: 2,
            hdos: 0,
            assets: 10,
            ..empty
        },
        FleetSpec {
            manufacturers: 1,
            models: 1,
            hdos: 1,
            assets: 1,
            ..empty
        },
        FleetSpec {
            manufacturers: 2,
            models: 0,
            hdos: 4,
            assets: 3,
            ..empty
        },
        FleetSpec {
            manufacturers: 3,
            models: 40,
            hdos: 7,
            assets: 5,
            ..empty
        },
        FleetSpec {
            manufacturers: 30,
            models: 30,
            hdos: 20,
            assets: 500,
            ..empty
        },
    ];
    for spec in odd {
        let p = Parsed::new(&generate(&spec));
        assert_eq!(p.models.rows.len(), spec.models);
        let assets = if spec.hdos == 0 || spec.models == 0 {
            0
        } else {
            spec.assets
        };
        assert_eq!(p.assets.rows.len(), assets, "{spec:?}");
    }
    for extreme in [
        NaiveDate::from_ymd_opt(9990, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2, 1, 1).unwrap(),
        NaiveDate::MAX,
        NaiveDate::MIN,
    ] {
        let files = generate(&FleetSpec::demo(extreme));
        assert_eq!(files.assets.lines().count(), 2001);
    }
}

#[test]
fn scaled_fleet_has_the_requested_size() {
    let spec = FleetSpec::scaled(on(), 100);
    assert_eq!(
        (spec.manufacturers, spec.models, spec.hdos, spec.assets),
        (1200, 6000, 300, 200_000)
    );
    let start = Instant::now();
    let files = generate(&spec);
    eprintln!("scaled(100) generated in {:?}", start.elapsed());
    assert_eq!(files.assets.lines().count(), 200_001);
    assert_eq!(files.models.lines().count(), 6001);
    let p = Parsed::new(&files);
    let r = p.resolver();
    let mfrs: HashSet<String> = p
        .models
        .column("manufacturer")
        .map(|m| r.resolve(m))
        .collect();
    assert_eq!(mfrs.len(), 1200);
    assert!(mfrs.contains("manufacturer 0417"));
    assert!(p.models.column("model").any(|m| m == "Model 0417-3"));
    let hdos: HashSet<&str> = p.assets.column("organization").collect();
    assert_eq!(hdos.len(), 300);
    assert!(hdos.contains("Hospital 0042"));
    let ids: HashSet<(&str, &str)> = p
        .assets
        .rows
        .iter()
        .map(|r| (r[1].as_str(), r[0].as_str()))
        .collect();
    assert_eq!(ids.len(), 200_000);
    let models = &p.models;
    assert!(
        models
            .column("udi_di")
            .filter(|g| !g.is_empty())
            .all(gtin_valid)
    );
}
