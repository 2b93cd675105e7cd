//! The in-memory fleet: organizations, models with their lifecycle dates and
//! releases, the asset allocation, and the per-organization profiles.
//!
//! Every date is kept as a day offset relative to `FleetSpec::on` and no
//! random draw ever depends on that date, so the fleet generated for another
//! day is the very same fleet with all dates shifted.

use std::collections::HashSet;

use crate::FleetSpec;
use crate::catalog::{
    CLINSEC, CYBERMED, GENERATIONS, HDO_EASY_TASKS, HDO_HARD_TASKS, HDOS, KINDS, MANUFACTURERS,
    MDM_HARD_TASKS, MEDGUARD, VersionStyle,
};
use crate::gs1::gtin14;
use crate::rng::{Rng, apportion, mix};

// Independent random streams, one per section of the fleet.
const S_ORGS: u64 = 1;
const S_MFRS: u64 = 2;
const S_MODELS: u64 = 3;
const S_ASSETS: u64 = 4;
pub(crate) const S_ASSET_DETAIL: u64 = 5;
const S_AGREEMENTS: u64 = 6;
const S_PROFILES: u64 = 7;
const S_POLICIES: u64 = 8;

/// IMDRF lifecycle stage of a model on the reference date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Stage {
    Development,
    Support,
    LimitedSupport,
    EndOfSupport,
}

/// A hospital (HDO).
pub(crate) struct Org {
    pub(crate) name: String,
    pub(crate) prefix: String,
    pub(crate) sites: Vec<String>,
    pub(crate) site_weights: Vec<u32>,
    pub(crate) weight: u32,
    pub(crate) pediatric: bool,
    /// Tasks the hospital declares it cannot do.
    pub(crate) incapable: Vec<&'static str>,
    /// Tasks the hospital declares it can do.
    pub(crate) capable: Vec<&'static str>,
}

/// A manufacturer (MDM).
pub(crate) struct Mfr {
    pub(crate) name: String,
    pub(crate) aliases: Vec<String>,
    pub(crate) code: String,
    pub(crate) style: VersionStyle,
    /// Product line: (name, device kind). Generated manufacturers have none.
    pub(crate) products: &'static [(&'static str, usize)],
    /// Device kinds of a generated manufacturer.
    pub(crate) specialties: Vec<usize>,
    pub(crate) capabilities: Vec<(&'static str, bool)>,
}

/// End-of-life / end-of-support dates and their announcements (day offsets).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Milestones {
    pub(crate) eol: Option<i32>,
    pub(crate) eol_announced: Option<i32>,
    pub(crate) eos: Option<i32>,
    pub(crate) eos_announced: Option<i32>,
}

pub(crate) struct Release {
    pub(crate) version: String,
    pub(crate) released: Option<i32>,
    pub(crate) milestones: Milestones,
}

pub(crate) struct Model {
    pub(crate) mfr: usize,
    pub(crate) name: String,
    pub(crate) model_number: String,
    pub(crate) udi_di: Option<String>,
    pub(crate) kind: usize,
    pub(crate) stage: Stage,
    pub(crate) ga: Option<i32>,
    pub(crate) milestones: Milestones,
    pub(crate) releases: Vec<Release>,
    /// Relative share of the installed base.
    pub(crate) popularity: u32,
    /// How models.csv spells the manufacturer.
    pub(crate) spelled: String,
}

/// One agreement row.
pub(crate) struct Agreement {
    pub(crate) mfr: usize,
    pub(crate) model: Option<usize>,
    pub(crate) org: usize,
    pub(crate) task: &'static str,
    pub(crate) stage: &'static str,
    pub(crate) party: &'static str,
    pub(crate) lead: &'static str,
    pub(crate) provider: Option<usize>,
}

/// One policy row.
pub(crate) struct Policy {
    pub(crate) org: usize,
    pub(crate) mfr: Option<(usize, String)>,
    pub(crate) model: Option<usize>,
    pub(crate) setting: &'static str,
    pub(crate) value: u32,
}

pub(crate) struct Fleet {
    pub(crate) orgs: Vec<Org>,
    pub(crate) mfrs: Vec<Mfr>,
    pub(crate) models: Vec<Model>,
    /// (organization, model) per asset, grouped by organization.
    pub(crate) assets: Vec<(u32, u32)>,
    pub(crate) agreements: Vec<Agreement>,
    pub(crate) policies: Vec<Policy>,
}

impl Fleet {
    pub(crate) fn build(spec: &FleetSpec) -> Self {
        let orgs = build_orgs(spec);
        let mfrs = build_mfrs(spec);
        let models = build_models(spec, &mfrs);
        let assets = build_assets(spec, &orgs, &models);
        let agreements = build_agreements(spec, &orgs, &mfrs, &models, &assets);
        let policies = build_policies(spec, &orgs, &mfrs, &models);
        Fleet {
            orgs,
            mfrs,
            models,
            assets,
            agreements,
            policies,
        }
    }
}

/// Weighted sampling by binary search over cumulative integer weights.
pub(crate) struct Cdf {
    cumulative: Vec<u64>,
}

impl Cdf {
    pub(crate) fn new(weights: impl IntoIterator<Item = u32>) -> Self {
        let mut total = 0u64;
        let cumulative = weights
            .into_iter()
            .map(|w| {
                total += u64::from(w);
                total
            })
            .collect();
        Cdf { cumulative }
    }

    /// A weighted index; `None` when all weights are zero.
    pub(crate) fn sample(&self, rng: &mut Rng) -> Option<usize> {
        let total = *self.cumulative.last()?;
        if total == 0 {
            return None;
        }
        let r = rng.below(total);
        Some(self.cumulative.partition_point(|&c| c <= r))
    }
}

/// Expands a quota (apportioned from `weights`) into a shuffled list of
/// labels of length `n`.
fn assign<T: Copy>(rng: &mut Rng, n: usize, labels: &[(T, u32)]) -> Vec<T> {
    let weights: Vec<u32> = labels.iter().map(|&(_, w)| w).collect();
    let counts = apportion(n, &weights);
    let mut out = Vec::with_capacity(n);
    for (&(label, _), &count) in labels.iter().zip(&counts) {
        out.extend(std::iter::repeat_n(label, count));
    }
    rng.shuffle(&mut out);
    out
}

fn build_orgs(spec: &FleetSpec) -> Vec<Org> {
    let mut rng = Rng::new(spec.seed, S_ORGS);
    let mut profile_rng = Rng::new(spec.seed, S_PROFILES);
    (0..spec.hdos)
        .map(|i| {
            let (incapable, capable) = hdo_profile(i, &mut profile_rng);
            if let Some(e) = HDOS.get(i) {
                return Org {
                    name: e.name.to_string(),
                    prefix: e.prefix.to_string(),
                    sites: e.sites.iter().map(|&(s, _)| s.to_string()).collect(),
                    site_weights: e.sites.iter().map(|&(_, w)| w).collect(),
                    weight: e.weight,
                    pediatric: e.pediatric,
                    incapable,
                    capable,
                };
            }
            let n = i + 1;
            let mut pool: Vec<&str> = crate::catalog::EXTRA_SITES.to_vec();
            rng.shuffle(&mut pool);
            let extra = 1 + rng.index(2);
            let mut sites = vec!["Main Campus".to_string()];
            let mut site_weights = vec![60];
            for s in pool.into_iter().take(extra) {
                sites.push(s.to_string());
                site_weights.push(rng.range(10, 30) as u32);
            }
            Org {
                name: format!("Hospital {n:04}"),
                prefix: format!("H{n:04}"),
                sites,
                site_weights,
                weight: rng.range(1, 6) as u32,
                pediatric: false,
                incapable,
                capable,
            }
        })
        .collect()
}

/// Which tasks a hospital declares it cannot / can do. The three demo
/// hospitals have fixed profiles; generated ones get a random one.
fn hdo_profile(i: usize, rng: &mut Rng) -> (Vec<&'static str>, Vec<&'static str>) {
    match i {
        0 => (
            vec!["security-testing"],
            vec![
                "monitor-traffic",
                "vulnerability-monitoring",
                "incident-response",
                "deploy-patches",
                "backup-recovery",
                "event-logging",
            ],
        ),
        1 => (
            vec![
                "monitor-traffic",
                "vulnerability-monitoring",
                "incident-response",
            ],
            vec!["deploy-patches", "backup-recovery", "monitor-access"],
        ),
        2 => (
            vec![
                "monitor-traffic",
                "vulnerability-assessment",
                "event-logging",
            ],
            vec!["deploy-patches", "incident-response", "risk-assessment"],
        ),
        _ => {
            let mut hard = HDO_HARD_TASKS.to_vec();
            rng.shuffle(&mut hard);
            let mut easy = HDO_EASY_TASKS.to_vec();
            rng.shuffle(&mut easy);
            let n_incapable = if rng.chance(50) { 1 + rng.index(3) } else { 0 };
            let n_hard_capable = rng.index(3);
            let n_easy = 1 + rng.index(3);
            let incapable = hard[..n_incapable].to_vec();
            let mut capable: Vec<&'static str> =
                hard[n_incapable..n_incapable + n_hard_capable].to_vec();
            capable.extend_from_slice(&easy[..n_easy]);
            (incapable, capable)
        }
    }
}

fn build_mfrs(spec: &FleetSpec) -> Vec<Mfr> {
    let mut rng = Rng::new(spec.seed, S_MFRS);
    (0..spec.manufacturers)
        .map(|i| {
            if let Some(e) = MANUFACTURERS.get(i) {
                return Mfr {
                    name: e.name.to_string(),
                    aliases: e.aliases.iter().map(|a| a.to_string()).collect(),
                    code: e.code.to_string(),
                    style: e.style,
                    products: e.products,
                    specialties: Vec::new(),
                    capabilities: e.capabilities.to_vec(),
                };
            }
            let n = i + 1;
            let aliases = if i % 10 == 3 {
                vec![format!("Manufacturer {n:04} Inc."), format!("Mfr. {n:04}")]
            } else {
                Vec::new()
            };
            let code: String = [b'A' + (i % 26) as u8, b'A' + (i / 26 % 26) as u8]
                .iter()
                .map(|&b| char::from(b))
                .collect();
            let specialties = (0..1 + rng.index(3))
                .map(|_| rng.index(KINDS.len()))
                .collect();
            let capabilities = if rng.chance(4) {
                MDM_HARD_TASKS
                    .get(rng.index(MDM_HARD_TASKS.len()))
                    .map(|&t| vec![(t, false)])
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            Mfr {
                name: format!("Manufacturer {n:04}"),
                aliases,
                code,
                style: VersionStyle::ALL[i % VersionStyle::ALL.len()],
                products: &[],
                specialties,
                capabilities,
            }
        })
        .collect()
}

/// Spelling of a manufacturer's name in a data row: mostly canonical, some
/// registered alias, some with odd case or stray spaces.
pub(crate) fn spell(rng: &mut Rng, mfr: &Mfr, alias_pct: u64, odd_pct: u64) -> String {
    let roll = rng.below(100);
    if roll < alias_pct {
        if let Some(alias) = rng.pick(&mfr.aliases) {
            return alias.clone();
        }
    } else if roll < alias_pct + odd_pct {
        return match rng.below(4) {
            0 => format!(" {} ", mfr.name.to_lowercase()),
            1 => mfr.name.to_uppercase(),
            2 => format!("{} ", mfr.name),
            _ => mfr.name.to_lowercase(),
        };
    }
    mfr.name.clone()
}

/// 7-digit GS1 company prefix of manufacturer `i` (injective for i < 10^7).
fn company_prefix(i: usize) -> u32 {
    ((i as u64 * 7_919 + 3_041_273) % 10_000_000) as u32
}

#[derive(Clone, Copy)]
enum SupportKind {
    /// No end dates known yet.
    Plain,
    /// EOL and EOS known, EOS more than three years away.
    Far,
    /// EOS within three years: the transfer window is open.
    Window,
    /// Only EOL known.
    EolOnly,
}

/// An announcement date for a milestone on day `date`: mostly with at least
/// 730 days notice, some short notice, some unannounced. Never after today.
fn announce(rng: &mut Rng, date: i32) -> Option<i32> {
    let roll = rng.below(100);
    let min_lead = date.max(0);
    if roll < 15 {
        return None;
    }
    if roll < 30 {
        let lo = min_lead.max(200);
        if lo <= 700 {
            return Some(date - rng.range(lo, 700));
        }
    }
    let lo = min_lead.max(730);
    Some(date - rng.range(lo, lo + 900))
}

fn milestones(rng: &mut Rng, eol: Option<i32>, eos: Option<i32>) -> Milestones {
    let eol_announced = eol.and_then(|d| announce(rng, d));
    let eos_announced = eos.and_then(|d| announce(rng, d));
    Milestones {
        eol,
        eol_announced,
        eos,
        eos_announced,
    }
}

const POPULARITY: [u32; 10] = [1, 1, 1, 2, 2, 3, 5, 8, 13, 21];

fn build_models(spec: &FleetSpec, mfrs: &[Mfr]) -> Vec<Model> {
    let mut rng = Rng::new(spec.seed, S_MODELS);
    if mfrs.is_empty() {
        return Vec::new();
    }

    // Models per manufacturer: at least one each, the rest in proportion to
    // the size of the product line (random for generated manufacturers).
    let weights: Vec<u32> = mfrs
        .iter()
        .map(|m| match m.products.len() {
            0 => 2 + rng.below(6) as u32,
            n => n as u32,
        })
        .collect();
    let mut counts = apportion(spec.models.saturating_sub(mfrs.len()), &weights);
    for c in counts.iter_mut().take(spec.models) {
        *c += 1;
    }

    // Lifecycle stages: ~10% development, 45% support, 25% limited, 20% EOS.
    let n = spec.models;
    let stages = assign(
        &mut rng,
        n,
        &[
            (Stage::Development, 10),
            (Stage::Support, 45),
            (Stage::LimitedSupport, 25),
            (Stage::EndOfSupport, 20),
        ],
    );
    let group = |s: Stage| stages.iter().filter(|&&x| x == s).count();
    let mut support_kinds = assign(
        &mut rng,
        group(Stage::Support),
        &[
            (SupportKind::Plain, 45),
            (SupportKind::Far, 20),
            (SupportKind::Window, 25),
            (SupportKind::EolOnly, 10),
        ],
    )
    .into_iter();
    let mut support_ga_unknown =
        assign(&mut rng, group(Stage::Support), &[(false, 92), (true, 8)]).into_iter();
    let mut limited_eos_known = assign(
        &mut rng,
        group(Stage::LimitedSupport),
        &[(true, 80), (false, 20)],
    )
    .into_iter();
    let mut eos_eol_known = assign(
        &mut rng,
        group(Stage::EndOfSupport),
        &[(true, 80), (false, 20)],
    )
    .into_iter();
    let mut eos_ga_unknown = assign(
        &mut rng,
        group(Stage::EndOfSupport),
        &[(false, 92), (true, 8)],
    )
    .into_iter();
    let mut dev_units = assign(
        &mut rng,
        group(Stage::Development),
        &[(true, 50), (false, 50)],
    )
    .into_iter();

    let mut models = Vec::with_capacity(n);
    let mut stage_iter = stages.into_iter();
    for (mi, (mfr, &count)) in mfrs.iter().zip(&counts).enumerate() {
        let item_base = rng.below(100_000) as u32;
        let number = mi + 1;
        for j in 0..count {
            let stage = stage_iter.next().unwrap_or(Stage::Support);
            let (name, kind) =
                if let Some(&(base, kind)) = mfr.products.get(j % mfr.products.len().max(1)) {
                    let round = j / mfr.products.len();
                    let name = match round {
                        0 => base.to_string(),
                        r => match GENERATIONS.get(r - 1) {
                            Some(g) => format!("{base} {g}"),
                            None => format!("{base} Mk {}", r + 1),
                        },
                    };
                    (name, kind)
                } else {
                    let kind = rng.pick(&mfr.specialties).copied().unwrap_or(0);
                    (format!("Model {number:04}-{}", j + 1), kind)
                };
            let model_number = if rng.chance(5) {
                String::new()
            } else {
                format!("{}-{:04}", mfr.code, rng.range(1000, 9999))
            };
            let udi_di = if rng.chance(15) {
                None
            } else {
                let item = (u64::from(item_base) + j as u64 * 37) % 100_000;
                Some(gtin14(company_prefix(mi), item as u32))
            };

            let mut units = true;
            let (ga, eol, eos) = match stage {
                Stage::Development => {
                    units = dev_units.next().unwrap_or(false);
                    (Some(rng.range(30, 540)), None, None)
                }
                Stage::Support => {
                    let kind = support_kinds.next().unwrap_or(SupportKind::Plain);
                    let unknown = support_ga_unknown.next().unwrap_or(false);
                    let (ga, eol, eos) = match kind {
                        SupportKind::Plain => (-rng.range(120, 3000), None, None),
                        SupportKind::Far => {
                            let eol = rng.range(200, 1400);
                            let eos = (eol + rng.range(365, 1460)).max(1100 + rng.range(0, 900));
                            (-rng.range(1500, 4000), Some(eol), Some(eos))
                        }
                        SupportKind::Window => {
                            let eos = rng.range(60, 1080);
                            let eol = (eos - rng.range(180, 730)).max(1);
                            (-rng.range(2000, 4500), Some(eol), Some(eos))
                        }
                        SupportKind::EolOnly => {
                            (-rng.range(1500, 4000), Some(rng.range(100, 900)), None)
                        }
                    };
                    ((!unknown).then_some(ga), eol, eos)
                }
                Stage::LimitedSupport => {
                    let eol = -rng.range(15, 1500);
                    let eos_known = limited_eos_known.next().unwrap_or(true);
                    let eos = eos_known.then(|| rng.range(30, 1800));
                    (Some(eol - rng.range(2000, 4000)), Some(eol), eos)
                }
                Stage::EndOfSupport => {
                    let eos = -rng.range(30, 2500);
                    let eol_known = eos_eol_known.next().unwrap_or(true);
                    let eol = eol_known.then(|| eos - rng.range(365, 1460));
                    let unknown = eos_ga_unknown.next().unwrap_or(false);
                    let ga = eos - rng.range(2500, 5500);
                    ((!unknown).then_some(ga), eol, Some(eos))
                }
            };
            let ms = milestones(&mut rng, eol, eos);
            let releases = build_releases(&mut rng, mfr.style, stage, ga, &ms);
            let popularity = match stage {
                Stage::Development => u32::from(units),
                _ => {
                    let k = KINDS.get(kind).map_or(1, |k| k.weight);
                    k * POPULARITY[rng.index(POPULARITY.len())]
                }
            };
            let spelled = spell(&mut rng, mfr, 6, 4);
            models.push(Model {
                mfr: mi,
                name,
                model_number,
                udi_di,
                kind,
                stage,
                ga,
                milestones: ms,
                releases,
                popularity,
                spelled,
            });
        }
    }
    models
}

fn render_version(
    rng: &mut Rng,
    style: VersionStyle,
    (maj, min, patch): (i32, i32, i32),
) -> String {
    match style {
        VersionStyle::Semver => format!("{maj}.{min}.{patch}"),
        VersionStyle::VSemver => format!("v{maj}.{min}.{patch}"),
        VersionStyle::ServicePack if patch == 0 => format!("R{maj}.{min}"),
        VersionStyle::ServicePack => format!("R{maj}.{min} SP{patch}"),
        VersionStyle::Build => format!("{maj}.{min}.{patch}.{}", rng.range(1000, 9999)),
    }
}

fn build_releases(
    rng: &mut Rng,
    style: VersionStyle,
    stage: Stage,
    ga: Option<i32>,
    model: &Milestones,
) -> Vec<Release> {
    let start = ga.unwrap_or_else(|| -rng.range(2000, 4000));
    let end = model.eos.map_or(0, |e| e.min(0));
    let count = if stage == Stage::Development || end - start < 90 {
        1
    } else {
        1 + rng.weighted(&[25, 35, 25, 15])
    };
    let mut dates = vec![start];
    let mut later: Vec<i32> = (1..count).map(|_| rng.range(start + 30, end)).collect();
    later.sort_unstable();
    later.dedup();
    dates.extend(later);

    let mut v = (rng.range(1, 12), rng.range(0, 5), rng.range(0, 4));
    let mut releases = Vec::with_capacity(dates.len());
    for (i, &d) in dates.iter().enumerate() {
        if i > 0 {
            v = match rng.below(100) {
                0..55 => (v.0, v.1, v.2 + 1),
                55..90 => (v.0, v.1 + 1, 0),
                _ => (v.0 + 1, 0, 0),
            };
        }
        releases.push(Release {
            version: render_version(rng, style, v),
            released: (ga.is_some() || i > 0).then_some(d),
            milestones: Milestones::default(),
        });
    }

    // Some old versions reached their own, earlier end of support.
    if stage != Stage::Development {
        for i in 0..dates.len().saturating_sub(1) {
            if !rng.chance(25) {
                continue;
            }
            let next = dates[i + 1];
            let mut eos = next + rng.range(365, 1460);
            if let Some(m) = model.eos {
                eos = eos.min(m - 30);
            }
            if eos < next + 60 {
                continue;
            }
            let eol = rng
                .chance(75)
                .then(|| (eos - rng.range(90, 540)).max(dates[i]));
            releases[i].milestones = milestones(rng, eol, Some(eos));
        }
    }
    releases
}

fn build_assets(spec: &FleetSpec, orgs: &[Org], models: &[Model]) -> Vec<(u32, u32)> {
    let mut rng = Rng::new(spec.seed, S_ASSETS);
    if orgs.is_empty() || models.is_empty() {
        return Vec::new();
    }
    let org_cdf = Cdf::new(orgs.iter().map(|o| o.weight));
    let model_cdf = Cdf::new(models.iter().map(|m| m.popularity));

    // Every model with an installed base gets at least one asset.
    let mut eligible: Vec<usize> = (0..models.len())
        .filter(|&i| models[i].popularity > 0)
        .collect();
    rng.shuffle(&mut eligible);
    let mut assets: Vec<(u32, u32)> = Vec::with_capacity(spec.assets);
    for (i, &m) in eligible.iter().take(spec.assets).enumerate() {
        let org = if i < orgs.len() {
            i
        } else {
            org_cdf.sample(&mut rng).unwrap_or(0)
        };
        assets.push((org as u32, m as u32));
    }
    while assets.len() < spec.assets {
        let m = model_cdf
            .sample(&mut rng)
            .unwrap_or_else(|| rng.index(models.len()));
        let org = org_cdf.sample(&mut rng).unwrap_or(0);
        assets.push((org as u32, m as u32));
    }
    rng.shuffle(&mut assets);
    assets.sort_by_key(|&(org, _)| org);
    assets
}

/// Agreements deviating from the default responsibility split.
fn build_agreements(
    spec: &FleetSpec,
    orgs: &[Org],
    mfrs: &[Mfr],
    models: &[Model],
    assets: &[(u32, u32)],
) -> Vec<Agreement> {
    let mut rng = Rng::new(spec.seed, S_AGREEMENTS);
    let mut out = Vec::new();
    if mfrs.is_empty() || models.is_empty() {
        return out;
    }
    let mut seen: HashSet<(usize, Option<usize>, usize, &str, &str)> = HashSet::new();

    for (h, org) in orgs.iter().enumerate() {
        // What this hospital runs: contracts are made for installed devices.
        let start = assets.partition_point(|&(o, _)| (o as usize) < h);
        let end = assets.partition_point(|&(o, _)| (o as usize) <= h);
        let installed = &assets[start..end];
        let mut present: Vec<usize> = installed.iter().map(|&(_, m)| m as usize).collect();
        present.sort_unstable();
        present.dedup();
        let in_stage = |s: Stage| -> Vec<usize> {
            let here: Vec<usize> = present
                .iter()
                .copied()
                .filter(|&m| models[m].stage == s)
                .collect();
            if here.is_empty() {
                (0..models.len())
                    .filter(|&m| models[m].stage == s)
                    .collect()
            } else {
                here
            }
        };
        let support = in_stage(Stage::Support);
        let limited = in_stage(Stage::LimitedSupport);
        let ended = in_stage(Stage::EndOfSupport);
        // A manufacturer weighted by its share of the hospital's devices.
        let any_mfr = |rng: &mut Rng| match rng.pick(installed) {
            Some(&(_, m)) => models[m as usize].mfr,
            None => rng.index(mfrs.len()),
        };

        let mut push = |mfr: usize,
                        model: Option<usize>,
                        task: &'static str,
                        stage: &'static str,
                        party: &'static str,
                        lead: &'static str,
                        provider: Option<usize>| {
            if seen.insert((mfr, model, h, task, stage)) {
                out.push(Agreement {
                    mfr,
                    model,
                    org: h,
                    task,
                    stage,
                    party,
                    lead,
                    provider,
                });
            }
        };

        // Extended-support contract: the manufacturer keeps developing
        // patches for its limited-support models.
        if let Some(&m) = rng.pick(&limited) {
            let mfr = models[m].mfr;
            push(
                mfr,
                None,
                "develop-patches",
                "limited-support",
                "mdm",
                "",
                None,
            );
            push(
                mfr,
                None,
                "deploy-patches",
                "limited-support",
                "shared",
                "mdm",
                None,
            );
        }
        // A paid extension for one end-of-support model.
        if let Some(&m) = rng.pick(&ended) {
            let mfr = models[m].mfr;
            push(
                mfr,
                Some(m),
                "vulnerability-monitoring",
                "end-of-support",
                "mdm",
                "",
                None,
            );
            push(
                mfr,
                Some(m),
                "compensating-controls",
                "end-of-support",
                "shared",
                "hdo",
                None,
            );
        }
        // Patches are deployed jointly, the hospital leading.
        let mfr = any_mfr(&mut rng);
        push(
            mfr,
            None,
            "deploy-patches",
            "support",
            "shared",
            "hdo",
            None,
        );

        // Service providers cover some (not all) of what the hospital lacks.
        for &task in &org.incapable {
            match task {
                "monitor-traffic" => {
                    for _ in 0..2 {
                        let mfr = any_mfr(&mut rng);
                        push(mfr, None, task, "", "third-party", "", Some(CYBERMED));
                    }
                }
                "incident-response" => {
                    let mfr = any_mfr(&mut rng);
                    push(mfr, None, task, "", "shared", "third-party", Some(CLINSEC));
                }
                "vulnerability-monitoring" => {
                    let mfr = any_mfr(&mut rng);
                    push(
                        mfr,
                        None,
                        task,
                        "end-of-support",
                        "third-party",
                        "",
                        Some(CLINSEC),
                    );
                }
                "vulnerability-assessment" => {
                    let mfr = any_mfr(&mut rng);
                    push(mfr, None, task, "", "third-party", "", Some(MEDGUARD));
                }
                "event-logging" => {
                    let mfr = any_mfr(&mut rng);
                    push(mfr, None, task, "", "third-party", "", Some(CYBERMED));
                }
                "compensating-controls" => {
                    let mfr = any_mfr(&mut rng);
                    push(mfr, None, task, "", "shared", "mdm", None);
                }
                _ => {
                    let mfr = any_mfr(&mut rng);
                    push(mfr, None, task, "", "third-party", "", Some(CLINSEC));
                }
            }
        }
        // The hospital runs its own penetration tests on one model.
        if rng.chance(50)
            && !org.incapable.contains(&"security-testing")
            && let Some(&m) = rng.pick(&support)
        {
            push(
                models[m].mfr,
                Some(m),
                "security-testing",
                "support",
                "hdo",
                "",
                None,
            );
        }
        // The manufacturer helps wipe and take back end-of-support devices.
        if rng.chance(50) {
            let mfr = any_mfr(&mut rng);
            push(
                mfr,
                None,
                "decommissioning",
                "end-of-support",
                "shared",
                "mdm",
                None,
            );
        }
    }
    out
}

fn build_policies(spec: &FleetSpec, orgs: &[Org], mfrs: &[Mfr], models: &[Model]) -> Vec<Policy> {
    let mut rng = Rng::new(spec.seed, S_POLICIES);
    let mut out = Vec::new();
    let mut seen: HashSet<(usize, Option<usize>, Option<usize>, &str)> = HashSet::new();
    let mut push = |p: Policy| {
        if seen.insert((p.org, p.mfr.as_ref().map(|m| m.0), p.model, p.setting)) {
            out.push(p);
        }
    };
    let all = |org: usize, setting: &'static str, value: u32| Policy {
        org,
        mfr: None,
        model: None,
        setting,
        value,
    };
    for h in 0..orgs.len() {
        match h {
            0 => {
                push(all(h, "eos-notice-days", 1095));
                push(all(h, "assessment-months-support", 12));
            }
            1 => {
                push(all(h, "assessment-months-end-of-support", 2));
                push(all(h, "assessment-months-limited-support", 6));
            }
            2 => {
                if !mfrs.is_empty() {
                    let m = rng.index(mfrs.len());
                    push(Policy {
                        mfr: Some((m, mfrs[m].name.clone())),
                        ..all(h, "eol-notice-days", 365)
                    });
                }
                if let Some(mi) = models.iter().position(|m| {
                    m.stage == Stage::Support
                        && mfrs.get(m.mfr).is_some_and(|f| !f.aliases.is_empty())
                }) {
                    let f = &mfrs[models[mi].mfr];
                    let spelled = f.aliases.first().cloned().unwrap_or_else(|| f.name.clone());
                    push(Policy {
                        mfr: Some((models[mi].mfr, spelled)),
                        model: Some(mi),
                        ..all(h, "assessment-months-support", 24)
                    });
                }
            }
            _ => {
                for _ in 0..rng.index(3) {
                    let p = match rng.below(6) {
                        0 => all(h, "eos-notice-days", [900, 1095, 1460][rng.index(3)]),
                        1 => all(h, "eol-notice-days", [365, 540, 1095][rng.index(3)]),
                        2 => all(h, "assessment-months-support", [12, 18, 24][rng.index(3)]),
                        3 => all(h, "assessment-months-limited-support", [6, 9][rng.index(2)]),
                        4 => all(
                            h,
                            "assessment-months-end-of-support",
                            [2, 3, 6][rng.index(3)],
                        ),
                        _ if !mfrs.is_empty() => {
                            let m = rng.index(mfrs.len());
                            Policy {
                                mfr: Some((m, mfrs[m].name.clone())),
                                ..all(h, "eol-notice-days", 365)
                            }
                        }
                        _ => continue,
                    };
                    push(p);
                }
            }
        }
    }
    out
}

/// A unique, alphanumeric serial number for asset `i` (the multiplier is
/// coprime to 10^8, so serials are distinct for the first 10^8 assets).
pub(crate) fn serial(code: &str, i: usize) -> String {
    let scrambled = (i as u64 * 73_939_133 + 12_345_679) % 100_000_000;
    format!("{code}{scrambled:08}")
}

/// A deterministic lot number.
pub(crate) fn lot(i: usize) -> String {
    let h = mix(i as u64 ^ 0x1A2B_3C4D);
    format!(
        "{}{:05}",
        char::from(b'A' + (h % 26) as u8),
        (h >> 8) % 100_000
    )
}
