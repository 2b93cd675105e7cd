//! Rendering the fleet as RFC 4180 CSV text.

use chrono::{Datelike, NaiveDate, TimeDelta};

use crate::catalog::{ASSESSORS, KINDS, NOTES, PROVIDER_ALIASES, PROVIDERS, pediatric_department};
use crate::fleet::{Fleet, Milestones, Model, S_ASSET_DETAIL, Stage, lot, serial, spell};
use crate::rng::Rng;
use crate::{FleetFiles, FleetSpec, headers};

const S_SPELLING: u64 = 9;

/// A CSV table being written (CRLF line ends, quoting only where needed).
struct Table {
    w: csv::Writer<Vec<u8>>,
}

impl Table {
    fn new(header: &[&str]) -> Self {
        let w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        let mut t = Table { w };
        t.row(header);
        t
    }

    fn row<I, T>(&mut self, fields: I)
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        // Writing into a Vec cannot fail, and every row has the header's width.
        let written = self.w.write_record(fields);
        debug_assert!(written.is_ok(), "csv row not written: {written:?}");
    }

    fn finish(self) -> String {
        match self.w.into_inner() {
            Ok(bytes) => String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            Err(e) => String::from_utf8_lossy(e.into_inner().get_ref()).into_owned(),
        }
    }
}

/// The date `offset` days from `on` (clamped at chrono's range).
fn day(on: NaiveDate, offset: i32) -> NaiveDate {
    TimeDelta::try_days(i64::from(offset))
        .and_then(|d| on.checked_add_signed(d))
        .unwrap_or(if offset < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

/// ISO 8601 `YYYY-MM-DD`.
fn iso(d: NaiveDate) -> String {
    let y = d.year();
    if (0..=9999).contains(&y) {
        format!("{y:04}-{:02}-{:02}", d.month(), d.day())
    } else {
        d.format("%Y-%m-%d").to_string()
    }
}

fn opt_iso(on: NaiveDate, offset: Option<i32>) -> String {
    offset.map(|o| iso(day(on, o))).unwrap_or_default()
}

/// GS1 `YYMMDD`.
fn yymmdd(d: NaiveDate) -> String {
    format!(
        "{:02}{:02}{:02}",
        d.year().rem_euclid(100),
        d.month(),
        d.day()
    )
}

fn milestone_cells(on: NaiveDate, m: &Milestones) -> [String; 4] {
    [
        opt_iso(on, m.eol),
        opt_iso(on, m.eol_announced),
        opt_iso(on, m.eos),
        opt_iso(on, m.eos_announced),
    ]
}

pub(crate) fn render(spec: &FleetSpec, fleet: &Fleet) -> FleetFiles {
    let on = spec.on;
    let mut spelling = Rng::new(spec.seed, S_SPELLING);
    let Fleet {
        orgs,
        mfrs,
        models,
        assets,
        agreements,
        policies,
    } = fleet;

    // aliases.csv
    let mut t = Table::new(headers::ALIASES);
    for m in mfrs {
        for a in &m.aliases {
            t.row([m.name.as_str(), a.as_str()]);
        }
    }
    if !orgs.is_empty() {
        for (name, alias) in PROVIDER_ALIASES {
            t.row([name, alias]);
        }
    }
    let aliases = t.finish();

    // models.csv and releases.csv
    let mut tm = Table::new(headers::MODELS);
    let mut tr = Table::new(headers::RELEASES);
    for m in models {
        let kind = &KINDS[m.kind];
        let [eol, eol_ann, eos, eos_ann] = milestone_cells(on, &m.milestones);
        tm.row([
            m.spelled.as_str(),
            &m.name,
            &m.model_number,
            m.udi_di.as_deref().unwrap_or(""),
            kind.name,
            kind.criticality,
            &opt_iso(on, m.ga),
            &eol,
            &eol_ann,
            &eos,
            &eos_ann,
        ]);
        for r in &m.releases {
            let spelled = spell(&mut spelling, &mfrs[m.mfr], 3, 2);
            let [eol, eol_ann, eos, eos_ann] = milestone_cells(on, &r.milestones);
            tr.row([
                spelled.as_str(),
                &m.name,
                &r.version,
                &opt_iso(on, r.released),
                &eol,
                &eol_ann,
                &eos,
                &eos_ann,
            ]);
        }
    }

    // assets.csv and assessments.csv
    let mut ta = Table::new(headers::ASSETS);
    let mut ts = Table::new(headers::ASSESSMENTS);
    let mut rng = Rng::new(spec.seed, S_ASSET_DETAIL);
    let mut counters = vec![0usize; orgs.len()];
    for (i, &(o, m)) in assets.iter().enumerate() {
        let (o, m) = (o as usize, m as usize);
        let org = &orgs[o];
        let model = &models[m];
        let mfr = &mfrs[model.mfr];
        let kind = &KINDS[model.kind];
        counters[o] += 1;
        let asset_id = format!("{}-{:06}", org.prefix, counters[o]);
        let spelled = spell(&mut rng, mfr, 3, 3);
        let version = software_version(&mut rng, model);
        let serial = serial(&mfr.code, i);
        let udi = udi(&mut rng, on, model, &serial, i);
        let site = org
            .sites
            .get(rng.weighted(&org.site_weights))
            .map_or("", String::as_str);
        let mut department = rng.pick(kind.departments).copied().unwrap_or("");
        if org.pediatric {
            department = pediatric_department(department);
        }
        let zone = rng.weighted_item(kind.zones).copied().unwrap_or("");
        let (decommissioned, repurposed) = match model.stage {
            Stage::Development => (0, 0),
            Stage::EndOfSupport => (8, 4),
            _ => (3, 3),
        };
        let roll = rng.below(100);
        let status = if roll < decommissioned {
            "decommissioned"
        } else if roll < decommissioned + repurposed {
            "repurposed"
        } else {
            "in-use"
        };
        ta.row([
            asset_id.as_str(),
            &org.name,
            &spelled,
            &model.name,
            &version,
            &serial,
            &udi,
            site,
            department,
            zone,
            status,
        ]);

        if status != "decommissioned" && model.stage != Stage::Development && rng.chance(30) {
            assessments(&mut rng, &mut ts, on, &org.name, &asset_id, model.stage);
        }
    }

    // agreements.csv
    let mut tg = Table::new(headers::AGREEMENTS);
    for a in agreements {
        tg.row([
            mfrs[a.mfr].name.as_str(),
            a.model.map_or("", |m| models[m].name.as_str()),
            &orgs[a.org].name,
            a.task,
            a.stage,
            a.party,
            a.lead,
            a.provider.map_or("", |p| PROVIDERS[p].name),
        ]);
    }

    // capabilities.csv
    let mut tc = Table::new(headers::CAPABILITIES);
    for org in orgs {
        for task in &org.incapable {
            tc.row([org.name.as_str(), task, "false"]);
        }
        for task in &org.capable {
            tc.row([org.name.as_str(), task, "true"]);
        }
    }
    for m in mfrs {
        for &(task, capable) in &m.capabilities {
            tc.row([
                m.name.as_str(),
                task,
                if capable { "true" } else { "false" },
            ]);
        }
    }
    if !orgs.is_empty() {
        for p in PROVIDERS {
            for task in p.capabilities {
                tc.row([p.name, task, "true"]);
            }
        }
    }

    // policies.csv
    let mut tp = Table::new(headers::POLICIES);
    for p in policies {
        tp.row([
            orgs[p.org].name.as_str(),
            p.mfr.as_ref().map_or("", |(_, spelled)| spelled.as_str()),
            p.model.map_or("", |m| models[m].name.as_str()),
            p.setting,
            &p.value.to_string(),
        ]);
    }

    FleetFiles {
        aliases,
        models: tm.finish(),
        releases: tr.finish(),
        assets: ta.finish(),
        agreements: tg.finish(),
        capabilities: tc.finish(),
        policies: tp.finish(),
        assessments: ts.finish(),
    }
}

/// The installed software version: newer releases are more common; a few
/// assets run an unlisted hotfix build, a few are unknown.
fn software_version(rng: &mut Rng, model: &Model) -> String {
    let roll = rng.below(1000);
    if roll < 15 {
        return String::new();
    }
    let k = model.releases.len() as u64;
    // P(index i) = (2i + 1) / k²: the newest release is the most common.
    let idx = rng.below(k * k).isqrt() as usize;
    let Some(release) = model.releases.get(idx) else {
        return String::new();
    };
    if roll < 20 {
        format!("{}-hf{}", release.version, 1 + rng.below(3))
    } else {
        release.version.clone()
    }
}

/// A GS1 UDI in bracketed human-readable form for ~70% of the assets of a
/// model with a UDI-DI.
fn udi(rng: &mut Rng, on: NaiveDate, model: &Model, serial: &str, i: usize) -> String {
    let Some(gtin) = &model.udi_di else {
        return String::new();
    };
    if !rng.chance(70) {
        return String::new();
    }
    let hi = model.milestones.eos.map_or(-14, |e| e.min(-14));
    let mut lo = model.ga.unwrap_or(-3000).max(hi - 6000);
    if lo > hi {
        lo = hi - 180;
    }
    let produced = rng.range(lo, hi);
    let expires = produced + rng.range(1825, 3650);
    let mut s = format!("(01){gtin}");
    let variant = rng.below(100);
    if variant < 70 {
        s.push_str("(11)");
        s.push_str(&yymmdd(day(on, produced)));
    }
    if variant < 50 {
        s.push_str("(17)");
        s.push_str(&yymmdd(day(on, expires)));
    }
    if variant < 85 {
        s.push_str("(10)");
        s.push_str(&lot(i));
    }
    s.push_str("(21)");
    s.push_str(serial);
    s
}

/// 1–3 past assessments of one asset, oldest first, all before `on`.
fn assessments(
    rng: &mut Rng,
    t: &mut Table,
    on: NaiveDate,
    org: &str,
    asset_id: &str,
    stage: Stage,
) {
    let n = 1 + rng.weighted(&[50, 35, 15]);
    let age = match rng.weighted(&[45, 30, 25]) {
        0 => rng.range(1, 180),
        1 => rng.range(181, 365),
        _ => rng.range(366, 1000),
    };
    let mut dates = vec![-age];
    for _ in 1..n {
        let prev = dates.last().copied().unwrap_or(-age);
        dates.push(prev - rng.range(90, 400));
    }
    dates.reverse();
    let decision_weights: &[u32] = match stage {
        Stage::EndOfSupport => &[15, 45, 30, 10],
        _ => &[55, 33, 7, 5],
    };
    for d in dates {
        let decision =
            ["accept", "mitigate", "replace", "decommission"][rng.weighted(decision_weights)];
        let residual = if rng.chance(10) {
            ""
        } else {
            let w: &[u32] = match decision {
                "accept" => &[70, 30, 0],
                "mitigate" => &[35, 55, 10],
                "replace" => &[0, 40, 60],
                _ => &[0, 20, 80],
            };
            ["low", "medium", "high"][rng.weighted(w)]
        };
        let assessor = rng.pick(ASSESSORS).copied().unwrap_or("");
        let note = rng.pick(NOTES).copied().unwrap_or("");
        t.row([
            org,
            asset_id,
            &iso(day(on, d)),
            assessor,
            decision,
            residual,
            note,
        ]);
    }
}
