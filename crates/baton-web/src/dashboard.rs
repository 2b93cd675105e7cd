//! The dashboard and the asset list, both read from the server's cached fleet
//! (`baton_server::fleet`), scoped to the signed-in user's view exactly as the API's reports.
//!
//! The dashboard's numbers are kept per organization until the audit log moves: every change
//! appends to it, so its size says when they may be stale.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use askama::Template;
use axum::Extension;
use axum::extract::{OriginalUri, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use baton_model::{AssetStatus, Party, Stage, Task};
use baton_server::AppState;
use baton_server::fleet::{self, FleetSnapshot};
use baton_store::{FindingCount, SEVERITIES, Visibility};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::auth::Signed;
use crate::charts::{self, Bar, Event};
use crate::pages::{run, today};
use crate::render::{self, Me, Pager, encode, query};

/// Counts of one organization as of an audit log size.
type HeldCounts = (u64, Arc<Vec<FindingCount>>);
/// A dashboard of one organization as of an audit log size and a day.
type HeldDashboard = (u64, NaiveDate, Arc<Dashboard>);

/// Finding counts and dashboards computed since the audit log last moved, per organization.
#[derive(Debug, Clone, Default)]
pub struct DashboardCache {
    counts: Arc<Mutex<HashMap<i64, HeldCounts>>>,
    held: Arc<Mutex<HashMap<i64, HeldDashboard>>>,
}

/// One asset of the list: its index, stage today, next milestone and open findings.
struct Listed {
    index: usize,
    stage: Stage,
    next: Option<(NaiveDate, String)>,
    open: i64,
}

/// The user's finding counts by release and severity, and the audit log size they reflect.
async fn counts(
    state: &AppState,
    cache: &DashboardCache,
    signed: &Signed,
    uri: &OriginalUri,
) -> Result<(u64, Arc<Vec<FindingCount>>), Response> {
    let org = signed.principal.organization_id;
    let view = Visibility::of(&signed.principal);
    let held = cache
        .counts
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&org)
        .cloned();
    let what = format!("GET {}", uri.0.path());
    let (size, counts) = run(state, &signed.principal, what, move |s| {
        let size = s.log_size()?;
        match held {
            Some((held_size, counts)) if held_size == size => Ok((size, counts)),
            _ => Ok((size, Arc::new(s.finding_counts(&view)?))),
        }
    })
    .await?;
    cache
        .counts
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(org, (size, counts.clone()));
    Ok((size, counts))
}

/// What the dashboard shows.
#[derive(Debug)]
pub struct Dashboard {
    pub assets: usize,
    pub transfer_windows: usize,
    pub gaps: usize,
    pub overdue: usize,
    pub due_soon: usize,
    pub transitions: usize,
    pub kev: i64,
    pub open: i64,
    pub stage_chart: String,
    pub severity_chart: String,
    pub develop_chart: String,
    pub deploy_chart: String,
    pub gap_chart: String,
    pub timeline: String,
    pub overdue_rows: Vec<DueItem>,
    pub window_rows: Vec<WindowItem>,
}

pub struct DueItem {
    pub what: String,
    pub due: String,
    pub days: i64,
    pub link: String,
}

#[derive(Debug)]
pub struct WindowItem {
    pub model: String,
    pub eos: String,
    pub assets: usize,
    pub link: String,
}

impl std::fmt::Debug for DueItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.what)
    }
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    me: Me,
    section: &'static str,
    today: NaiveDate,
    d: Arc<Dashboard>,
}

fn stage_class(stage: Stage) -> &'static str {
    match stage {
        Stage::Development => "st-dev",
        Stage::Support => "st-support",
        Stage::LimitedSupport => "st-limited",
        Stage::EndOfSupport => "st-eos",
    }
}

fn party_class(party: Party) -> &'static str {
    match party {
        Party::Mdm => "p-mdm",
        Party::Hdo => "p-hdo",
        _ => "p-other",
    }
}

/// Release (manufacturer, model, version) → release index of the snapshot.
fn release_index(snap: &FleetSnapshot) -> HashMap<(&str, &str, &str), usize> {
    let fleet = &snap.loaded().fleet;
    fleet
        .releases
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let m = &fleet.models[r.model];
            (
                (
                    fleet.organizations[m.manufacturer].name.as_str(),
                    m.name.as_str(),
                    r.version.as_str(),
                ),
                i,
            )
        })
        .collect()
}

/// Open findings per release index.
pub fn open_by_release(snap: &FleetSnapshot, counts: &[FindingCount]) -> Vec<i64> {
    let index = release_index(snap);
    let mut open = vec![0i64; snap.loaded().fleet.releases.len()];
    for c in counts {
        if let Some(&r) = index.get(&(
            c.manufacturer.as_str(),
            c.model.as_str(),
            c.version.as_str(),
        )) {
            open[r] += c.open;
        }
    }
    open
}

fn compute(
    snap: &FleetSnapshot,
    view: &Visibility,
    counts: &[FindingCount],
    on: NaiveDate,
) -> Dashboard {
    let fleet = &snap.loaded().fleet;
    let summary = fleet::summary(snap, view, on);
    let listed = snap.listed_assets(view);
    let sees = |i: usize| {
        listed
            .as_ref()
            .is_none_or(|m| m.get(i).copied().unwrap_or(false))
    };

    let stage_chart = charts::bars(
        "Assets by stage",
        &Stage::ALL
            .iter()
            .map(|s| Bar {
                label: s.key().to_string(),
                value: summary.assets_by_stage.get(s).copied().unwrap_or(0) as u64,
                href: format!("/assets?stage={}", s.key()),
                class: stage_class(*s),
            })
            .collect::<Vec<_>>(),
    );

    let mut by_severity: HashMap<&str, i64> = HashMap::new();
    let (mut kev, mut open) = (0, 0);
    for c in counts {
        *by_severity.entry(c.severity).or_default() += c.all;
        kev += c.kev;
        open += c.open;
    }
    let severity_chart = charts::bars(
        "Findings by CVSS severity",
        &SEVERITIES
            .iter()
            .map(|s| Bar {
                label: s.to_string(),
                value: by_severity.get(s).copied().unwrap_or(0).max(0) as u64,
                href: format!("/findings?severity={s}"),
                class: match *s {
                    "critical" => "sev-c",
                    "high" => "sev-h",
                    "medium" => "sev-m",
                    "low" => "sev-l",
                    _ => "sev-n",
                },
            })
            .collect::<Vec<_>>(),
    );

    // Who acts on the open findings of each asset in use: the party that develops the patch
    // and the one that deploys it, in the asset's stage today, agreements applied.
    let open_by_release = open_by_release(snap, counts);
    let index = fleet.index();
    let mut develop: HashMap<Party, u64> = HashMap::new();
    let mut deploy: HashMap<Party, u64> = HashMap::new();
    let mut stage_of_release: HashMap<usize, Stage> = HashMap::new();
    for (i, a) in fleet.assets.iter().enumerate() {
        if !sees(i) || a.status == AssetStatus::Decommissioned {
            continue;
        }
        let Some(r) = a.release else { continue };
        let n = open_by_release[r];
        if n <= 0 {
            continue;
        }
        let stage = *stage_of_release
            .entry(r)
            .or_insert_with(|| fleet.asset_milestones(a).stage_on(on));
        let dev = baton_model::reports::resolve(&index, a, Task::DevelopPatches, stage);
        let dep = baton_model::reports::resolve(&index, a, Task::DeployPatches, stage);
        *develop.entry(dev.party).or_default() += n as u64;
        *deploy.entry(dep.party).or_default() += n as u64;
    }
    let party_bars = |map: &HashMap<Party, u64>, task: Task| {
        let mut parties: Vec<(&Party, &u64)> = map.iter().collect();
        parties.sort();
        parties
            .into_iter()
            .map(|(p, n)| Bar {
                label: p.key().to_string(),
                value: *n,
                href: format!("/assets?task={}&party={}&findings=1", task.key(), p.key()),
                class: party_class(*p),
            })
            .collect::<Vec<_>>()
    };
    let develop_chart = charts::bars(
        "Open findings on assets, by who develops the patch",
        &party_bars(&develop, Task::DevelopPatches),
    );
    let deploy_chart = charts::bars(
        "Open findings on assets, by who deploys the patch",
        &party_bars(&deploy, Task::DeployPatches),
    );

    let gaps = fleet::gaps(snap, view, on);
    let mut by_task: HashMap<Task, u64> = HashMap::new();
    for g in &gaps {
        *by_task.entry(g.task).or_default() += 1;
    }
    let mut tasks: Vec<(Task, u64)> = by_task.into_iter().collect();
    tasks.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let gap_chart = charts::bars(
        "Gaps: tasks nobody will do, by task",
        &tasks
            .iter()
            .map(|(t, n)| Bar {
                label: t.key().to_string(),
                value: *n,
                href: format!("/assets?gap={}", t.key()),
                class: "gap",
            })
            .collect::<Vec<_>>(),
    );

    let until = on.checked_add_days(chrono::Days::new(730)).unwrap_or(on);
    let transitions = fleet::transitions(snap, view, on, 730);
    let mut seen_models = std::collections::HashSet::new();
    let events: Vec<Event> = transitions
        .iter()
        .filter(|t| seen_models.insert((t.manufacturer.clone(), t.model.clone(), t.milestone)))
        .take(14)
        .map(|t| Event {
            date: t.date,
            label: format!("{} {} {}", t.manufacturer, t.model, t.milestone.key()),
            href: format!("/models/{}/{}", encode(&t.manufacturer), encode(&t.model)),
            class: stage_class(t.to_stage),
        })
        .collect();
    let timeline = charts::timeline("Upcoming milestones, next two years", on, until, &events);

    let due = fleet::due(snap, view, on, Some(90));
    let assessments: Vec<_> = due
        .iter()
        .filter(|d| d.kind == baton_model::reports::DueKind::RiskAssessment)
        .collect();
    let overdue: Vec<_> = assessments.iter().filter(|d| d.overdue_days > 0).collect();
    let due_soon = assessments.len() - overdue.len();
    let overdue_rows = overdue
        .iter()
        .take(12)
        .map(|d| {
            let link = match (&d.organization, &d.asset_id) {
                (Some(o), Some(a)) => format!("/assets/{}/{}", encode(o), encode(a)),
                _ => format!("/models/{}/{}", encode(&d.manufacturer), encode(&d.model)),
            };
            DueItem {
                what: format!(
                    "Risk assessment of {} ({} {})",
                    d.asset_id.clone().unwrap_or_default(),
                    d.manufacturer,
                    d.model
                ),
                due: d.due_date.to_string(),
                days: d.overdue_days,
                link,
            }
        })
        .collect();
    let window_rows = fleet::lifecycle(snap, view, on)
        .into_iter()
        .filter(|l| l.transfer_window && l.assets > 0)
        .take(12)
        .map(|l| WindowItem {
            link: format!("/models/{}/{}", encode(&l.manufacturer), encode(&l.model)),
            model: format!("{} {}", l.manufacturer, l.model),
            eos: l
                .next_milestone_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            assets: l.assets,
        })
        .collect();

    Dashboard {
        assets: summary.assets,
        transfer_windows: summary.transfer_windows_open,
        gaps: summary.gaps,
        overdue: summary.assessments_overdue,
        due_soon,
        transitions: summary.transitions_365_days,
        kev,
        open,
        stage_chart,
        severity_chart,
        develop_chart,
        deploy_chart,
        gap_chart,
        timeline,
        overdue_rows,
        window_rows,
    }
}

/// The cached fleet, or the page that says why it could not be read.
pub async fn snapshot(state: &AppState) -> Result<Arc<FleetSnapshot>, Response> {
    state.fleet().current(state.pool()).await.map_err(|e| {
        tracing::warn!(error = ?e, "the fleet could not be read");
        render::error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "The fleet could not be read. Try again in a moment.",
        )
    })
}

pub async fn dashboard(
    State(state): State<AppState>,
    Extension(cache): Extension<DashboardCache>,
    signed: Signed,
    uri: OriginalUri,
) -> Response {
    let on = today();
    let view = Visibility::of(&signed.principal);
    let org = signed.principal.organization_id;
    let snap = match snapshot(&state).await {
        Ok(s) => s,
        Err(res) => return res,
    };
    let (size, counts) = match counts(&state, &cache, &signed, &uri).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let held = cache
        .held
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&org)
        .cloned();
    let d = match held {
        Some((held_size, held_on, d)) if held_size == size && held_on == on => d,
        _ => {
            let d = Arc::new(compute(&snap, &view, &counts, on));
            cache
                .held
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(org, (size, on, d.clone()));
            d
        }
    };
    render::html(&DashboardPage {
        me: signed.me(),
        section: "dashboard",
        today: on,
        d,
    })
}

// ---- the asset list ----------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct AssetsQuery {
    pub q: Option<String>,
    pub stage: Option<String>,
    pub status: Option<String>,
    pub task: Option<String>,
    pub party: Option<String>,
    pub gap: Option<String>,
    pub findings: Option<String>,
    pub window: Option<String>,
    pub sort: Option<String>,
    pub offset: Option<usize>,
}

pub struct AssetItem {
    pub organization: String,
    pub asset_id: String,
    pub manufacturer: String,
    pub model: String,
    pub version: String,
    pub site: String,
    pub department: String,
    pub status: String,
    pub stage: String,
    pub next: String,
    pub open: i64,
    pub link: String,
    pub model_link: String,
}

#[derive(Template)]
#[template(path = "assets.html")]
struct AssetsPage {
    me: Me,
    section: &'static str,
    today: NaiveDate,
    items: Vec<AssetItem>,
    pager: Pager,
    q: String,
    stage: String,
    status: String,
    task: String,
    party: String,
    gap: String,
    findings: bool,
    window: bool,
    sort: String,
    sort_base: String,
    stages: Vec<&'static str>,
    statuses: Vec<&'static str>,
    tasks: Vec<&'static str>,
    parties: Vec<&'static str>,
}

const LIMIT: usize = 50;

pub async fn assets(
    State(state): State<AppState>,
    Extension(cache): Extension<DashboardCache>,
    signed: Signed,
    uri: OriginalUri,
    Query(q): Query<AssetsQuery>,
) -> Response {
    let on = today();
    let view = Visibility::of(&signed.principal);
    let clean = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_string();
    let (text, stage, status, task, party, gap, sort) = (
        clean(&q.q),
        clean(&q.stage),
        clean(&q.status),
        clean(&q.task),
        clean(&q.party),
        clean(&q.gap),
        clean(&q.sort),
    );
    let findings_only = q.findings.as_deref().is_some_and(|v| v == "1" || v == "on");
    let window_only = q.window.as_deref().is_some_and(|v| v == "1" || v == "on");
    let bad = |m: String| render::error_page(StatusCode::UNPROCESSABLE_ENTITY, &m);
    let stage_f: Option<Stage> = match stage.as_str() {
        "" => None,
        s => match s.parse() {
            Ok(v) => Some(v),
            Err(e) => return bad(format!("{e}")),
        },
    };
    let status_f: Option<AssetStatus> = match status.as_str() {
        "" => None,
        s => match s.parse() {
            Ok(v) => Some(v),
            Err(e) => return bad(format!("{e}")),
        },
    };
    let task_f: Option<Task> = match task.as_str() {
        "" => None,
        s => match s.parse() {
            Ok(v) => Some(v),
            Err(e) => return bad(format!("{e}")),
        },
    };
    let party_f: Option<Party> = match party.as_str() {
        "" => None,
        s => match s.parse() {
            Ok(v) => Some(v),
            Err(e) => return bad(format!("{e}")),
        },
    };
    let gap_f: Option<Task> = match gap.as_str() {
        "" => None,
        s => match s.parse() {
            Ok(v) => Some(v),
            Err(e) => return bad(format!("{e}")),
        },
    };
    if !matches!(
        sort.as_str(),
        "" | "asset" | "organization" | "model" | "stage" | "findings" | "next"
    ) {
        return bad(format!("unknown sort '{sort}'"));
    }
    let snap = match snapshot(&state).await {
        Ok(s) => s,
        Err(res) => return res,
    };
    let counts = match counts(&state, &cache, &signed, &uri).await {
        Ok((_, c)) => c,
        Err(res) => return res,
    };
    let open = open_by_release(&snap, &counts);
    let fleet = &snap.loaded().fleet;
    let listed = snap.listed_assets(&view);
    let index = fleet.index();
    let gaps: std::collections::HashSet<(String, String)> = match gap_f {
        Some(t) => fleet::gaps(&snap, &view, on)
            .into_iter()
            .filter(|g| g.task == t)
            .map(|g| (g.organization, g.asset_id))
            .collect(),
        None => Default::default(),
    };
    let needle = text.to_lowercase();
    let mut rows: Vec<Listed> = Vec::new();
    for (i, a) in fleet.assets.iter().enumerate() {
        if listed
            .as_ref()
            .is_some_and(|m| !m.get(i).copied().unwrap_or(false))
        {
            continue;
        }
        if status_f.is_some_and(|s| s != a.status) {
            continue;
        }
        let ms = fleet.asset_milestones(a);
        let st = ms.stage_on(on);
        if stage_f.is_some_and(|s| s != st) || (window_only && !ms.transfer_window_open(on)) {
            continue;
        }
        let n = a.release.map(|r| open[r]).unwrap_or(0);
        if findings_only && n <= 0 {
            continue;
        }
        if let Some(t) = task_f {
            let r = baton_model::reports::resolve(&index, a, t, st);
            if party_f.is_some_and(|p| p != r.party) {
                continue;
            }
        }
        let org = &fleet.organizations[a.organization].name;
        if gap_f.is_some() && !gaps.contains(&(org.clone(), a.asset_id.clone())) {
            continue;
        }
        let model = &fleet.models[a.model];
        if !needle.is_empty() {
            let hay = format!(
                "{} {} {} {} {} {}",
                a.asset_id,
                org,
                fleet.organizations[model.manufacturer].name,
                model.name,
                a.site.as_deref().unwrap_or(""),
                a.department.as_deref().unwrap_or("")
            )
            .to_lowercase();
            if !hay.contains(&needle) {
                continue;
            }
        }
        let next = ms
            .next_transition(on)
            .map(|t| (t.date, format!("{} {}", t.milestone.key(), t.date)));
        rows.push(Listed {
            index: i,
            stage: st,
            next,
            open: n,
        });
    }
    let name = |i: usize| {
        let a = &fleet.assets[i];
        (&fleet.organizations[a.organization].name, &a.asset_id)
    };
    match sort.as_str() {
        "model" => rows.sort_by(|x, y| {
            let mx = &fleet.models[fleet.assets[x.index].model];
            let my = &fleet.models[fleet.assets[y.index].model];
            (
                &fleet.organizations[mx.manufacturer].name,
                &mx.name,
                name(x.index),
            )
                .cmp(&(
                    &fleet.organizations[my.manufacturer].name,
                    &my.name,
                    name(y.index),
                ))
        }),
        "stage" => rows.sort_by(|x, y| {
            y.stage
                .cmp(&x.stage)
                .then(name(x.index).cmp(&name(y.index)))
        }),
        "findings" => {
            rows.sort_by(|x, y| y.open.cmp(&x.open).then(name(x.index).cmp(&name(y.index))))
        }
        "next" => rows.sort_by(|x, y| {
            let (dx, dy) = (x.next.as_ref().map(|n| n.0), y.next.as_ref().map(|n| n.0));
            match (dx, dy) {
                (Some(a), Some(b)) => a.cmp(&b),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
            .then(name(x.index).cmp(&name(y.index)))
        }),
        "asset" => rows.sort_by(|x, y| {
            fleet.assets[x.index]
                .asset_id
                .cmp(&fleet.assets[y.index].asset_id)
                .then(name(x.index).cmp(&name(y.index)))
        }),
        _ => rows.sort_by(|x, y| name(x.index).cmp(&name(y.index))),
    }
    let total = rows.len();
    let offset = q.offset.unwrap_or(0);
    let items = rows
        .into_iter()
        .skip(offset)
        .take(LIMIT)
        .map(|row| {
            let a = &fleet.assets[row.index];
            let model = &fleet.models[a.model];
            let org = fleet.organizations[a.organization].name.clone();
            let manufacturer = fleet.organizations[model.manufacturer].name.clone();
            AssetItem {
                link: format!("/assets/{}/{}", encode(&org), encode(&a.asset_id)),
                model_link: format!("/models/{}/{}", encode(&manufacturer), encode(&model.name)),
                organization: org,
                asset_id: a.asset_id.clone(),
                manufacturer,
                model: model.name.clone(),
                version: a
                    .release
                    .map(|r| fleet.releases[r].version.clone())
                    .unwrap_or_default(),
                site: a.site.clone().unwrap_or_default(),
                department: a.department.clone().unwrap_or_default(),
                status: a.status.key().to_string(),
                stage: row.stage.key().to_string(),
                next: row.next.map(|n| n.1).unwrap_or_default(),
                open: row.open,
            }
        })
        .collect();
    let filters = [
        ("q", text.as_str()),
        ("stage", stage.as_str()),
        ("status", status.as_str()),
        ("task", task.as_str()),
        ("party", party.as_str()),
        ("gap", gap.as_str()),
        ("findings", if findings_only { "1" } else { "" }),
        ("window", if window_only { "1" } else { "" }),
    ];
    let sort_base = query(&filters);
    let mut with_sort = filters.to_vec();
    with_sort.push(("sort", sort.as_str()));
    render::html(&AssetsPage {
        me: signed.me(),
        section: "assets",
        today: on,
        items,
        pager: Pager {
            offset,
            limit: LIMIT,
            total,
            base: query(&with_sort),
        },
        q: text,
        stage,
        status,
        task,
        party,
        gap,
        findings: findings_only,
        window: window_only,
        sort,
        sort_base,
        stages: Stage::ALL.iter().map(|s| s.key()).collect(),
        statuses: AssetStatus::ALL.iter().map(|s| s.key()).collect(),
        tasks: Task::ALL.iter().map(|t| t.key()).collect(),
        parties: Party::ALL.iter().map(|p| p.key()).collect(),
    })
}
