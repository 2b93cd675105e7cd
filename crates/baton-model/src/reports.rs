//! The reports: pure functions of a fleet and a date. Their row types are a public contract (field
//! names are the JSON keys and CSV headers).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use crate::cadence::next_assessment_due;
use crate::dates::{add_days, days_between};
use crate::fleet::{Asset, Fleet, FleetIndex};
use crate::lifecycle::NoticeFinding;
use crate::responsibility::{GapReason, Responsibility, default_cell, gap_reason};
use crate::vocab::{AssetStatus, MilestoneKind, Party, Stage, Task};

/// Restrict a report to what one organization sees: an HDO its own assets, an MDM its own models,
/// a provider the assets of the agreements naming it.
///
/// `assets`, when given, replaces the organization rule for assets: exactly the assets whose index
/// is `true` are seen (a signed-in user's view, where sharing and agreements decide). Models are
/// then seen when the organization makes them or one of those assets runs them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope<'a> {
    pub organization: Option<usize>,
    pub assets: Option<&'a [bool]>,
}

impl Scope<'_> {
    /// What one organization sees by the organization rule alone.
    pub fn organization(organization: usize) -> Scope<'static> {
        Scope {
            organization: Some(organization),
            assets: None,
        }
    }

    fn sees_asset(&self, fleet: &Fleet, index: usize, asset: &Asset) -> bool {
        if let Some(mask) = self.assets {
            return mask.get(index).copied().unwrap_or(false);
        }
        match self.organization {
            None => true,
            Some(o) => asset.organization == o || fleet.models[asset.model].manufacturer == o,
        }
    }

    fn sees_model(&self, fleet: &Fleet, model: usize, has_assets: bool) -> bool {
        match self.organization {
            None => self.assets.is_none() || has_assets,
            Some(o) => fleet.models[model].manufacturer == o || has_assets,
        }
    }
}

fn active(asset: &Asset) -> bool {
    asset.status != AssetStatus::Decommissioned
}

/// One row of `baton lifecycle`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LifecycleRow {
    pub manufacturer: String,
    pub model: String,
    pub stage: Stage,
    pub next_milestone: Option<MilestoneKind>,
    pub next_milestone_date: Option<NaiveDate>,
    pub transfer_window: bool,
    pub assets: usize,
    pub notice_findings: Vec<NoticeFinding>,
    /// Releases with components that lost support, and the stage N70 §5.5 asks to review them for.
    pub stage_reviews: Vec<StageReview>,
}

/// Stage, next milestone, transfer window, asset count and notice problems of every model.
///
/// The required notice is the strictest one among the organizations concerned: the manufacturer
/// and every organization running the model (or only the scoped organization).
pub fn lifecycle(fleet: &Fleet, on: NaiveDate, scope: Scope) -> Vec<LifecycleRow> {
    let index = fleet.index();
    let mut reviews = stage_reviews(fleet, on);
    let mut counts = vec![0usize; fleet.models.len()];
    let mut operators: Vec<Vec<usize>> = vec![Vec::new(); fleet.models.len()];
    for (i, asset) in fleet.assets.iter().enumerate().filter(|(_, a)| active(a)) {
        if !scope.sees_asset(fleet, i, asset) {
            continue;
        }
        counts[asset.model] += 1;
        let ops = &mut operators[asset.model];
        if !ops.contains(&asset.organization) {
            ops.push(asset.organization);
        }
    }
    let mut rows: Vec<LifecycleRow> = fleet
        .models
        .iter()
        .enumerate()
        .filter(|(i, _)| scope.sees_model(fleet, *i, counts[*i] > 0))
        .map(|(i, model)| {
            let ms = &model.milestones;
            let concerned: Vec<usize> = match scope.organization {
                Some(o) => vec![o],
                None => std::iter::once(model.manufacturer)
                    .chain(operators[i].iter().copied())
                    .collect(),
            };
            let required = |kind: MilestoneKind| {
                concerned
                    .iter()
                    .map(|o| index.notice_days(*o, i, kind))
                    .max()
                    .unwrap_or(crate::lifecycle::DEFAULT_NOTICE_DAYS)
            };
            let next = ms.next_transition(on);
            LifecycleRow {
                manufacturer: fleet.organizations[model.manufacturer].name.clone(),
                model: model.name.clone(),
                stage: ms.stage_on(on),
                next_milestone: next.map(|t| t.milestone),
                next_milestone_date: next.map(|t| t.date),
                transfer_window: ms.transfer_window_open(on),
                assets: counts[i],
                notice_findings: ms.notice_findings(required),
                stage_reviews: std::mem::take(&mut reviews[i]),
            }
        })
        .collect();
    rows.sort_by(|a, b| (&a.manufacturer, &a.model).cmp(&(&b.manufacturer, &b.model)));
    rows
}

/// Resolve who holds `task` for an asset in `stage`.
pub fn resolve(index: &FleetIndex<'_>, asset: &Asset, task: Task, stage: Stage) -> Responsibility {
    let fleet = index.fleet;
    if let Some(a) = index.agreement(asset.organization, asset.model, task, stage) {
        let model = match a.model {
            Some(m) => fleet.models[m].name.as_str(),
            None => "every model",
        };
        let stages = a.stage.map_or("every stage", Stage::key);
        return Responsibility {
            task,
            stage,
            party: a.party,
            lead: a.lead,
            provider: a.provider.map(|p| fleet.organizations[p].name.clone()),
            source: format!(
                "agreement: {} / {} with {}, {}",
                fleet.organizations[a.manufacturer].name,
                model,
                fleet.organizations[a.hdo].name,
                stages
            ),
        };
    }
    let cell = default_cell(task, stage);
    Responsibility {
        task,
        stage,
        party: cell.party,
        lead: cell.lead,
        provider: None,
        source: format!("default: {}", cell.source),
    }
}

/// One row of `baton responsibilities`, with what changes at the next milestone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponsibilityRow {
    pub task: Task,
    pub stage: Stage,
    pub party: Party,
    pub lead: Option<Party>,
    pub provider: Option<String>,
    pub source: String,
    /// Whether the gap rules flag this task.
    pub gap: Option<GapReason>,
    pub next_stage: Option<Stage>,
    pub next_date: Option<NaiveDate>,
    pub next_party: Option<Party>,
    pub next_lead: Option<Party>,
    pub next_provider: Option<String>,
    /// True when the next milestone moves this task to another party, lead or provider.
    pub shifts: bool,
}

fn capability_of<'a>(
    index: &'a FleetIndex<'_>,
    asset: &Asset,
    task: Task,
) -> impl Fn(Party, Option<&str>) -> bool + 'a {
    let hdo_ok = index.capable(asset.organization, task);
    let mdm_ok = index.capable(index.fleet.models[asset.model].manufacturer, task);
    move |party, provider| match party {
        Party::Hdo => hdo_ok,
        Party::Mdm => mdm_ok,
        _ => provider
            .and_then(|p| index.organization_named(p))
            .is_none_or(|p| index.capable(p, task)),
    }
}

/// Who does every task for one asset on `on`, sorted by task.
pub fn responsibilities(fleet: &Fleet, asset: usize, on: NaiveDate) -> Vec<ResponsibilityRow> {
    let index = fleet.index();
    let asset = &fleet.assets[asset];
    let ms = fleet.asset_milestones(asset);
    let stage = ms.stage_on(on);
    let next = ms.next_transition(on);
    Task::sorted_by_key()
        .into_iter()
        .map(|task| {
            let now = resolve(&index, asset, task, stage);
            let then = next.map(|t| resolve(&index, asset, task, t.to));
            let gap = gap_reason(&now, capability_of(&index, asset, task));
            let shifts = then.as_ref().is_some_and(|t| {
                (t.party, t.lead, &t.provider) != (now.party, now.lead, &now.provider)
            });
            ResponsibilityRow {
                task,
                stage,
                party: now.party,
                lead: now.lead,
                provider: now.provider,
                source: now.source,
                gap,
                next_stage: next.map(|t| t.to),
                next_date: next.map(|t| t.date),
                next_party: then.as_ref().map(|t| t.party),
                next_lead: then.as_ref().and_then(|t| t.lead),
                next_provider: then.and_then(|t| t.provider),
                shifts,
            }
        })
        .collect()
}

/// Assets of one organization and model in the same stage share their answers (a release only
/// changes the stage).
type GroupKey = (usize, usize, Stage);

/// One row of `baton gaps`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GapRow {
    pub organization: String,
    pub asset_id: String,
    pub manufacturer: String,
    pub model: String,
    pub task: Task,
    pub stage: Stage,
    pub reason: GapReason,
}

/// Every task of every asset in use that nobody will do, sorted by organization, asset, task.
pub fn gaps(fleet: &Fleet, on: NaiveDate, scope: Scope) -> Vec<GapRow> {
    let index = fleet.index();
    // Assets of one organization, release and stage share their answer: compute it once.
    let mut memo: HashMap<GroupKey, Vec<(Task, GapReason)>> = HashMap::new();
    let tasks = Task::sorted_by_key();
    let mut rows = Vec::new();
    for (_, asset) in fleet
        .assets
        .iter()
        .enumerate()
        .filter(|(i, a)| active(a) && scope.sees_asset(fleet, *i, a))
    {
        let stage = fleet.asset_milestones(asset).stage_on(on);
        let key = (asset.organization, asset.model, stage);
        let found = memo.entry(key).or_insert_with(|| {
            tasks
                .iter()
                .filter_map(|&task| {
                    let r = resolve(&index, asset, task, stage);
                    gap_reason(&r, capability_of(&index, asset, task)).map(|g| (task, g))
                })
                .collect()
        });
        let model = &fleet.models[asset.model];
        for (task, reason) in found.iter() {
            rows.push(GapRow {
                organization: fleet.organizations[asset.organization].name.clone(),
                asset_id: asset.asset_id.clone(),
                manufacturer: fleet.organizations[model.manufacturer].name.clone(),
                model: model.name.clone(),
                task: *task,
                stage,
                reason: *reason,
            });
        }
    }
    rows.sort_by(|a, b| {
        (&a.organization, &a.asset_id, a.task.key()).cmp(&(
            &b.organization,
            &b.asset_id,
            b.task.key(),
        ))
    });
    rows
}

/// What falls due: a risk assessment of an asset, or an EOL/EOS milestone of a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DueKind {
    Milestone,
    RiskAssessment,
}

/// One row of `baton due`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueRow {
    pub kind: DueKind,
    pub milestone: Option<MilestoneKind>,
    pub organization: Option<String>,
    pub asset_id: Option<String>,
    pub manufacturer: String,
    pub model: String,
    pub due_date: NaiveDate,
    pub overdue_days: i64,
}

/// Items due on or before `on`, or within `horizon` days after it, sorted by due date.
pub fn due(fleet: &Fleet, on: NaiveDate, horizon: Option<u32>, scope: Scope) -> Vec<DueRow> {
    let index = fleet.index();
    let until = add_days(on, i64::from(horizon.unwrap_or(0)));
    let mut rows = Vec::new();
    let mut has_assets = vec![false; fleet.models.len()];
    for (i, asset) in fleet.assets.iter().enumerate() {
        if !active(asset) || !scope.sees_asset(fleet, i, asset) {
            continue;
        }
        has_assets[asset.model] = true;
        let ms = fleet.asset_milestones(asset);
        let cadence = index.cadence(asset.organization, asset.model);
        let last = index.last_assessment(i, on).map(|a| a.date);
        let Some(due) = next_assessment_due(&ms, &cadence, last, asset.imported_on, on) else {
            continue;
        };
        if due <= until {
            let model = &fleet.models[asset.model];
            rows.push(DueRow {
                kind: DueKind::RiskAssessment,
                milestone: None,
                organization: Some(fleet.organizations[asset.organization].name.clone()),
                asset_id: Some(asset.asset_id.clone()),
                manufacturer: fleet.organizations[model.manufacturer].name.clone(),
                model: model.name.clone(),
                due_date: due,
                overdue_days: days_between(due, on),
            });
        }
    }
    for (i, model) in fleet.models.iter().enumerate() {
        if !scope.sees_model(fleet, i, has_assets[i]) {
            continue;
        }
        for (kind, m) in [
            (MilestoneKind::Eol, model.milestones.eol),
            (MilestoneKind::Eos, model.milestones.eos),
        ] {
            let Some(m) = m else { continue };
            if m.date <= until {
                rows.push(DueRow {
                    kind: DueKind::Milestone,
                    milestone: Some(kind),
                    organization: None,
                    asset_id: None,
                    manufacturer: fleet.organizations[model.manufacturer].name.clone(),
                    model: model.name.clone(),
                    due_date: m.date,
                    overdue_days: days_between(m.date, on),
                });
            }
        }
    }
    rows.sort_by(|a, b| {
        (
            a.due_date,
            a.kind,
            &a.manufacturer,
            &a.model,
            &a.organization,
            &a.asset_id,
            a.milestone,
        )
            .cmp(&(
                b.due_date,
                b.kind,
                &b.manufacturer,
                &b.model,
                &b.organization,
                &b.asset_id,
                b.milestone,
            ))
    });
    rows
}

/// A task that changes hands at a transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Shift {
    pub task: Task,
    pub from_party: Party,
    pub from_lead: Option<Party>,
    pub to_party: Party,
    pub to_lead: Option<Party>,
    pub to_provider: Option<String>,
}

/// One row of `baton transitions`: a model's next stage change within the horizon, per
/// organization running it, and what shifts to whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitionRow {
    pub manufacturer: String,
    pub model: String,
    pub organization: Option<String>,
    pub milestone: MilestoneKind,
    pub date: NaiveDate,
    pub from_stage: Stage,
    pub to_stage: Stage,
    pub days_until: i64,
    pub assets: usize,
    pub shifts: Vec<Shift>,
}

/// Upcoming stage changes of models within `horizon` days, with the responsibility shifts they
/// bring for each organization running the model (agreements applied).
pub fn transitions(fleet: &Fleet, on: NaiveDate, horizon: u32, scope: Scope) -> Vec<TransitionRow> {
    let index = fleet.index();
    let until = add_days(on, i64::from(horizon));
    // (model, organization) → a representative asset and the count.
    let mut running: BTreeMap<(usize, usize), (usize, usize)> = BTreeMap::new();
    for (i, a) in fleet.assets.iter().enumerate() {
        if active(a) && scope.sees_asset(fleet, i, a) {
            running.entry((a.model, a.organization)).or_insert((i, 0)).1 += 1;
        }
    }
    let mut rows = Vec::new();
    for (m, model) in fleet.models.iter().enumerate() {
        let Some(t) = model
            .milestones
            .next_transition(on)
            .filter(|t| t.date <= until)
        else {
            continue;
        };
        let operators: Vec<_> = running
            .range((m, 0)..(m + 1, 0))
            .map(|(&(_, o), &v)| (o, v))
            .collect();
        if !scope.sees_model(fleet, m, !operators.is_empty()) {
            continue;
        }
        let base =
            |organization: Option<String>, assets: usize, shifts: Vec<Shift>| TransitionRow {
                manufacturer: fleet.organizations[model.manufacturer].name.clone(),
                model: model.name.clone(),
                organization,
                milestone: t.milestone,
                date: t.date,
                from_stage: t.from,
                to_stage: t.to,
                days_until: days_between(on, t.date),
                assets,
                shifts,
            };
        if operators.is_empty() {
            let shifts = Task::sorted_by_key()
                .into_iter()
                .filter_map(|task| {
                    let (a, b) = (default_cell(task, t.from), default_cell(task, t.to));
                    ((a.party, a.lead) != (b.party, b.lead)).then_some(Shift {
                        task,
                        from_party: a.party,
                        from_lead: a.lead,
                        to_party: b.party,
                        to_lead: b.lead,
                        to_provider: None,
                    })
                })
                .collect();
            rows.push(base(None, 0, shifts));
            continue;
        }
        for (org, (sample, count)) in operators {
            let asset = &fleet.assets[sample];
            let shifts = Task::sorted_by_key()
                .into_iter()
                .filter_map(|task| {
                    let a = resolve(&index, asset, task, t.from);
                    let b = resolve(&index, asset, task, t.to);
                    ((a.party, a.lead, &a.provider) != (b.party, b.lead, &b.provider)).then_some(
                        Shift {
                            task,
                            from_party: a.party,
                            from_lead: a.lead,
                            to_party: b.party,
                            to_lead: b.lead,
                            to_provider: b.provider,
                        },
                    )
                })
                .collect();
            rows.push(base(
                Some(fleet.organizations[org].name.clone()),
                count,
                shifts,
            ));
        }
    }
    rows.sort_by(|a, b| {
        (a.date, &a.manufacturer, &a.model, &a.organization).cmp(&(
            b.date,
            &b.manufacturer,
            &b.model,
            &b.organization,
        ))
    });
    rows
}

/// The fleet at a glance: what `baton report` and the demo print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FleetSummary {
    pub on: NaiveDate,
    pub organizations: usize,
    pub models: usize,
    pub assets: usize,
    pub decommissioned: usize,
    pub models_by_stage: BTreeMap<Stage, usize>,
    pub assets_by_stage: BTreeMap<Stage, usize>,
    pub transfer_windows_open: usize,
    pub short_notice: usize,
    pub unannounced: usize,
    pub gaps: usize,
    pub gaps_by_task: BTreeMap<Task, usize>,
    pub assessments_overdue: usize,
    pub assessments_due_90_days: usize,
    pub transitions_365_days: usize,
}

pub fn summary(fleet: &Fleet, on: NaiveDate, scope: Scope) -> FleetSummary {
    let life = lifecycle(fleet, on, scope);
    let mut models_by_stage = BTreeMap::new();
    for row in &life {
        *models_by_stage.entry(row.stage).or_insert(0) += 1;
    }
    let mut assets_by_stage = BTreeMap::new();
    let mut decommissioned = 0;
    let mut assets = 0;
    for (_, a) in fleet
        .assets
        .iter()
        .enumerate()
        .filter(|(i, a)| scope.sees_asset(fleet, *i, a))
    {
        if !active(a) {
            decommissioned += 1;
            continue;
        }
        assets += 1;
        *assets_by_stage
            .entry(fleet.asset_milestones(a).stage_on(on))
            .or_insert(0) += 1;
    }
    let notices = life.iter().flat_map(|r| &r.notice_findings);
    let short_notice = notices
        .clone()
        .filter(|f| f.kind == crate::lifecycle::NoticeKind::ShortNotice)
        .count();
    let unannounced = notices
        .filter(|f| f.kind == crate::lifecycle::NoticeKind::Unannounced)
        .count();
    let gap_rows = gaps(fleet, on, scope);
    let mut gaps_by_task = BTreeMap::new();
    for g in &gap_rows {
        *gaps_by_task.entry(g.task).or_insert(0) += 1;
    }
    let due_rows = due(fleet, on, Some(90), scope);
    let assessments = due_rows
        .iter()
        .filter(|r| r.kind == DueKind::RiskAssessment);
    FleetSummary {
        on,
        organizations: fleet.organizations.len(),
        models: life.len(),
        assets,
        decommissioned,
        models_by_stage,
        assets_by_stage,
        transfer_windows_open: life.iter().filter(|r| r.transfer_window).count(),
        short_notice,
        unannounced,
        gaps: gap_rows.len(),
        gaps_by_task,
        assessments_overdue: assessments.clone().filter(|r| r.overdue_days > 0).count(),
        assessments_due_90_days: assessments.filter(|r| r.overdue_days <= 0).count(),
        transitions_365_days: transitions(fleet, on, 365, scope).len(),
    }
}

/// Releases a scope sees, by index: an MDM its own models' releases, and any scope the releases
/// its assets in use run (an HDO its own assets'; with a mask, the mask's).
fn visible_releases(fleet: &Fleet, scope: Scope) -> Vec<bool> {
    if scope.organization.is_none() && scope.assets.is_none() {
        return vec![true; fleet.releases.len()];
    }
    let mut seen = vec![false; fleet.releases.len()];
    if let Some(o) = scope.organization {
        for (r, release) in fleet.releases.iter().enumerate() {
            if fleet.models[release.model].manufacturer == o {
                seen[r] = true;
            }
        }
    }
    for (i, a) in fleet.assets.iter().enumerate() {
        let runs = match scope.assets {
            Some(mask) => mask.get(i).copied().unwrap_or(false),
            None => scope.organization == Some(a.organization),
        };
        if let Some(r) = a.release
            && runs
            && active(a)
        {
            seen[r] = true;
        }
    }
    seen
}

/// A missing document and the passage that expects it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MissingDocument {
    pub kind: crate::vocab::DocumentKind,
    pub source: &'static str,
}

/// One row of `baton docs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocsRow {
    pub manufacturer: String,
    pub model: String,
    pub version: String,
    pub stage: Stage,
    pub present: Vec<crate::vocab::DocumentKind>,
    pub missing: Vec<MissingDocument>,
}

/// Per release, the documentation present and what its stage expects but is missing.
pub fn docs(fleet: &Fleet, on: NaiveDate, scope: Scope) -> Vec<DocsRow> {
    let visible = visible_releases(fleet, scope);
    let mut present: Vec<Vec<crate::vocab::DocumentKind>> = vec![Vec::new(); fleet.releases.len()];
    for d in &fleet.documents {
        if !present[d.release].contains(&d.kind) {
            present[d.release].push(d.kind);
        }
    }
    let mut rows: Vec<DocsRow> = (0..fleet.releases.len())
        .filter(|r| visible[*r])
        .map(|r| {
            let release = &fleet.releases[r];
            let model = &fleet.models[release.model];
            let stage = fleet.release_milestones(r).stage_on(on);
            let mut have = present[r].clone();
            have.sort_by_key(|k| k.key());
            let missing = crate::documentation::expected(stage)
                .into_iter()
                .filter(|e| !have.contains(&e.kind))
                .map(|e| MissingDocument {
                    kind: e.kind,
                    source: e.source,
                })
                .collect();
            DocsRow {
                manufacturer: fleet.organizations[model.manufacturer].name.clone(),
                model: model.name.clone(),
                version: release.version.clone(),
                stage,
                present: have,
                missing,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.manufacturer, &a.model, &a.version).cmp(&(&b.manufacturer, &b.model, &b.version))
    });
    rows
}

/// One row of `baton unsupported`: a component that lost support, in a release or on an asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnsupportedRow {
    pub manufacturer: String,
    pub model: String,
    pub version: String,
    pub organization: Option<String>,
    pub asset_id: Option<String>,
    pub stage: Stage,
    pub component: String,
    pub reference: String,
    pub reason: String,
    /// The stage N70 §5.5 asks the manufacturer to review the device for.
    pub review_stage: Option<Stage>,
}

/// Components of releases' current SBOMs that are unsupported on `on`; with `per_asset`, one row
/// per asset in use running the release instead of one per release.
pub fn unsupported(
    fleet: &Fleet,
    on: NaiveDate,
    scope: Scope,
    per_asset: bool,
) -> Vec<UnsupportedRow> {
    let visible = visible_releases(fleet, scope);
    let mut by_release: Vec<Vec<(usize, String)>> = vec![Vec::new(); fleet.releases.len()];
    for (i, c) in fleet.components.iter().enumerate() {
        if let Some(reason) = crate::support::unsupported_reason(
            c.support_level.as_deref(),
            c.end_of_support,
            c.end_of_support_text.as_deref(),
            on,
        ) {
            by_release[c.release].push((i, reason));
        }
    }
    let row = |r: usize,
               org: Option<String>,
               asset: Option<String>,
               stage: Stage,
               c: usize,
               reason: &str| {
        let release = &fleet.releases[r];
        let model = &fleet.models[release.model];
        let comp = &fleet.components[c];
        UnsupportedRow {
            manufacturer: fleet.organizations[model.manufacturer].name.clone(),
            model: model.name.clone(),
            version: release.version.clone(),
            organization: org,
            asset_id: asset,
            stage,
            component: match &comp.version {
                Some(v) => format!("{}@{v}", comp.name),
                None => comp.name.clone(),
            },
            reference: comp.reference.clone(),
            reason: reason.to_string(),
            review_stage: crate::support::review_candidate(stage),
        }
    };
    let mut rows = Vec::new();
    if per_asset {
        for (_, a) in fleet
            .assets
            .iter()
            .enumerate()
            .filter(|(i, a)| active(a) && scope.sees_asset(fleet, *i, a))
        {
            let Some(r) = a.release else { continue };
            let stage = fleet.asset_milestones(a).stage_on(on);
            for (c, reason) in &by_release[r] {
                rows.push(row(
                    r,
                    Some(fleet.organizations[a.organization].name.clone()),
                    Some(a.asset_id.clone()),
                    stage,
                    *c,
                    reason,
                ));
            }
        }
    } else {
        for (r, comps) in by_release.iter().enumerate() {
            if comps.is_empty() || !visible[r] {
                continue;
            }
            let stage = fleet.release_milestones(r).stage_on(on);
            for (c, reason) in comps {
                rows.push(row(r, None, None, stage, *c, reason));
            }
        }
    }
    rows.sort_by(|a, b| {
        (
            &a.manufacturer,
            &a.model,
            &a.version,
            &a.organization,
            &a.asset_id,
            &a.component,
        )
            .cmp(&(
                &b.manufacturer,
                &b.model,
                &b.version,
                &b.organization,
                &b.asset_id,
                &b.component,
            ))
    });
    rows
}

/// A stage review N70 §5.5 raises for a release of a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageReview {
    pub release: String,
    pub component: String,
    pub reason: String,
    pub stage: Stage,
    pub candidate: Stage,
}

/// Stage reviews per model index, for `baton lifecycle`.
pub fn stage_reviews(fleet: &Fleet, on: NaiveDate) -> Vec<Vec<StageReview>> {
    let mut out = vec![Vec::new(); fleet.models.len()];
    let mut stages: HashMap<usize, Stage> = HashMap::new();
    for c in &fleet.components {
        let Some(reason) = crate::support::unsupported_reason(
            c.support_level.as_deref(),
            c.end_of_support,
            c.end_of_support_text.as_deref(),
            on,
        ) else {
            continue;
        };
        let stage = *stages
            .entry(c.release)
            .or_insert_with(|| fleet.release_milestones(c.release).stage_on(on));
        let Some(candidate) = crate::support::review_candidate(stage) else {
            continue;
        };
        let release = &fleet.releases[c.release];
        out[release.model].push(StageReview {
            release: release.version.clone(),
            component: match &c.version {
                Some(v) => format!("{}@{v}", c.name),
                None => c.name.clone(),
            },
            reason,
            stage,
            candidate,
        });
    }
    for reviews in &mut out {
        reviews.sort_by(|a, b| (&a.release, &a.component).cmp(&(&b.release, &b.component)));
    }
    out
}

/// One event in an asset's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryRow {
    pub date: NaiveDate,
    pub event: String,
    pub detail: String,
}

/// An asset's record, oldest first: when Baton first saw it, every assessment, its status now.
/// Decommissioned assets are included: this is the one report that keeps them.
pub fn history(fleet: &Fleet, asset: usize) -> Vec<HistoryRow> {
    let a = &fleet.assets[asset];
    let model = &fleet.models[a.model];
    let release = a
        .release
        .map(|r| fleet.releases[r].version.as_str())
        .unwrap_or("unknown version");
    let mut rows = vec![HistoryRow {
        date: a.imported_on,
        event: "imported".into(),
        detail: format!(
            "{} {} {} at {}; status now {}",
            fleet.organizations[model.manufacturer].name,
            model.name,
            release,
            [a.site.as_deref(), a.department.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" / "),
            a.status
        ),
    }];
    let mut assessed: Vec<_> = fleet
        .assessments
        .iter()
        .filter(|x| x.asset == asset)
        .collect();
    assessed.sort_by_key(|x| x.date);
    for x in assessed {
        let mut detail = format!("{} by {}", x.decision, x.assessor);
        if let Some(r) = x.residual {
            detail.push_str(&format!(", residual {r}"));
        }
        if let Some(n) = &x.note {
            detail.push_str(&format!(": {n}"));
        }
        rows.push(HistoryRow {
            date: x.date,
            event: "risk-assessment".into(),
            detail,
        });
    }
    rows.sort_by_key(|r| r.date);
    rows
}
