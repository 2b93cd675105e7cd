//! The fleet the reports read, kept in memory between requests, and the reports scoped to what a
//! signed-in user may see.
//!
//! Loading the fleet takes seconds at 100,000 assets, so the server keeps one [`FleetSnapshot`]
//! and reads it again only when the data changed. Every change appends to the audit log in its
//! own transaction, so the log's size is a change counter: each request reads it (one tiny
//! query), and when it moved the entries since are looked at; sign-ins, refusals, tokens, users
//! and decisions leave the fleet as it was, anything else reloads it. One request loads at a
//! time; the others wait for it, so a user who just uploaded sees the upload.
//!
//! The scoped reports mirror `baton_store::Visibility` exactly (the SQL conditions of
//! `scoped.rs`), so the API, the web pages and the store's own reads agree on who sees what:
//! - a hospital sees its own assets;
//! - a manufacturer sees its models, and of each hospital's assets of those models what that
//!   hospital shares: rows (`assets`), or only in aggregate numbers (`counts`: the asset counts
//!   of `lifecycle` and the `summary`), or nothing;
//! - a third party sees the assets an agreement names it provider for (that hospital, that
//!   manufacturer, that model or every model of the manufacturer);
//! - the operator sees everything.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use baton_model::OrgKind;
use baton_model::reports::{
    self, DocsRow, DueRow, FleetSummary, GapRow, HistoryRow, LifecycleRow, ResponsibilityRow,
    Scope, TransitionRow, UnsupportedRow,
};
use baton_model::vocab::{Party, Stage, Task};
use baton_store::{LoadedFleet, Principal, Sharing, Store, StoreError, Visibility};
use chrono::NaiveDate;

use crate::error::ApiError;
use crate::pool::Pool;

/// Audit actions that change nothing the fleet holds (nor who sees which asset).
const LEAVES_FLEET: &[&str] = &[
    "access.refused",
    "login.success",
    "login.failure",
    "logout",
    "token.create",
    "token.revoke",
    "user.create",
    "user.role",
    "user.disable",
    "vex.decide",
    "identity.set",
    "backup",
];

/// Past this many new log entries the fleet is reloaded without looking at them.
const MAX_ENTRIES_TO_CLASSIFY: u64 = 1_000;

/// One loaded fleet and the lookups the scoped reports need.
pub struct FleetSnapshot {
    loaded: LoadedFleet,
    /// Log size up to which every entry is known to be reflected (or to leave the fleet alone).
    checked: AtomicU64,
    /// Log size read before the fleet was loaded.
    loaded_at: u64,
    load_time: Duration,
    /// Database id → index of organizations.
    orgs: HashMap<i64, usize>,
    /// (hospital, manufacturer) indices → what the hospital shares.
    sharing: HashMap<(usize, usize), Sharing>,
    /// (organization index, asset id) → asset index.
    assets_by_name: HashMap<(usize, String), usize>,
    /// Which assets each view sees, made once per snapshot: (organization id, counted).
    masks: Mutex<Masks>,
}

/// Asset masks by (organization id, counted).
type Masks = HashMap<(i64, bool), Arc<[bool]>>;

impl std::fmt::Debug for FleetSnapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FleetSnapshot")
            .field("assets", &self.loaded.fleet.assets.len())
            .field("loaded_at", &self.loaded_at)
            .field("load_time", &self.load_time)
            .finish_non_exhaustive()
    }
}

impl FleetSnapshot {
    /// Read the log size, then the fleet: the snapshot reflects at least every change counted.
    pub fn load(store: &mut Store) -> Result<FleetSnapshot, StoreError> {
        let started = Instant::now();
        let size = store.log_size()?;
        let loaded = store.load_fleet()?;
        let levels = store.sharing_levels()?;
        Ok(FleetSnapshot::new(loaded, levels, size, started.elapsed()))
    }

    fn new(
        loaded: LoadedFleet,
        levels: Vec<(i64, i64, Sharing)>,
        size: u64,
        load_time: Duration,
    ) -> FleetSnapshot {
        let orgs: HashMap<i64, usize> = loaded
            .org_ids
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, i))
            .collect();
        let sharing = levels
            .into_iter()
            .filter_map(|(hdo, mdm, level)| Some(((*orgs.get(&hdo)?, *orgs.get(&mdm)?), level)))
            .collect();
        let assets_by_name = loaded
            .fleet
            .assets
            .iter()
            .enumerate()
            .map(|(i, a)| ((a.organization, a.asset_id.clone()), i))
            .collect();
        FleetSnapshot {
            loaded,
            checked: AtomicU64::new(size),
            loaded_at: size,
            load_time,
            orgs,
            sharing,
            assets_by_name,
            masks: Mutex::new(HashMap::new()),
        }
    }

    /// The fleet and the database ids of its organizations and assets.
    pub fn loaded(&self) -> &LoadedFleet {
        &self.loaded
    }

    /// The audit log size read before this fleet was loaded.
    pub fn log_size(&self) -> u64 {
        self.loaded_at
    }

    /// How long reading the fleet from the database took.
    pub fn load_time(&self) -> Duration {
        self.load_time
    }

    fn current_at(&self, size: u64) -> bool {
        self.checked.load(Ordering::Acquire) == size
    }

    /// The assets a view sees (`counted`: also those a hospital shares as counts only), by asset
    /// index; `None` for the operator.
    fn mask(&self, view: &Visibility, counted: bool) -> Option<Arc<[bool]>> {
        let Visibility::Organization { id, kind } = *view else {
            return None;
        };
        // Only a manufacturer counts more than it lists.
        let counted = counted && kind == OrgKind::Mdm;
        let key = (id, counted);
        let mut masks = self.masks.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(m) = masks.get(&key) {
            return Some(m.clone());
        }
        let mask: Arc<[bool]> = self.compute_mask(id, kind, counted).into();
        masks.insert(key, mask.clone());
        Some(mask)
    }

    fn compute_mask(&self, id: i64, kind: OrgKind, counted: bool) -> Vec<bool> {
        let fleet = &self.loaded.fleet;
        let Some(&org) = self.orgs.get(&id) else {
            return vec![false; fleet.assets.len()];
        };
        match kind {
            OrgKind::Hdo => fleet.assets.iter().map(|a| a.organization == org).collect(),
            OrgKind::Mdm => fleet
                .assets
                .iter()
                .map(|a| {
                    fleet.models[a.model].manufacturer == org
                        && match self.sharing.get(&(a.organization, org)) {
                            Some(Sharing::Assets) => true,
                            Some(Sharing::Counts) => counted,
                            _ => false,
                        }
                })
                .collect(),
            OrgKind::ThirdParty => {
                // (hospital, manufacturer, model or every model) of the agreements naming it.
                let assigned: HashSet<(usize, usize, Option<usize>)> = fleet
                    .agreements
                    .iter()
                    .filter(|g| g.provider == Some(org))
                    .map(|g| (g.hdo, g.manufacturer, g.model))
                    .collect();
                fleet
                    .assets
                    .iter()
                    .map(|a| {
                        let maker = fleet.models[a.model].manufacturer;
                        assigned.contains(&(a.organization, maker, None))
                            || assigned.contains(&(a.organization, maker, Some(a.model)))
                    })
                    .collect()
            }
        }
    }

    /// The assets a view lists (not those only counted), by asset index; `None` for the
    /// operator, who sees every asset.
    pub fn listed_assets(&self, view: &Visibility) -> Option<Arc<[bool]>> {
        self.mask(view, false)
    }

    fn organization_index(&self, view: &Visibility) -> Option<usize> {
        match view {
            Visibility::Operator => None,
            Visibility::Organization { id, .. } => self.orgs.get(id).copied(),
        }
    }

    /// The asset `asset_id` of the organization with database id `organization`, if this view
    /// sees it; otherwise the same not-found error as for an asset that does not exist.
    pub fn visible_asset(
        &self,
        view: &Visibility,
        organization: i64,
        asset_id: &str,
    ) -> Result<usize, ApiError> {
        let unknown = || ApiError::not_found(format!("unknown asset '{asset_id}'"));
        let org = self.orgs.get(&organization).ok_or_else(unknown)?;
        let asset = *self
            .assets_by_name
            .get(&(*org, asset_id.trim().to_string()))
            .ok_or_else(unknown)?;
        match self.mask(view, false) {
            Some(mask) if !mask.get(asset).copied().unwrap_or(false) => Err(unknown()),
            _ => Ok(asset),
        }
    }

    fn with_scope<T>(
        &self,
        view: &Visibility,
        counted: bool,
        report: impl FnOnce(Scope<'_>) -> T,
    ) -> T {
        let mask = self.mask(view, counted);
        let scope = match view {
            Visibility::Operator => Scope::default(),
            Visibility::Organization { .. } => Scope {
                organization: self.organization_index(view),
                assets: Some(mask.as_deref().unwrap_or(&[])),
            },
        };
        report(scope)
    }
}

/// The shared, reloaded-when-changed fleet.
#[derive(Default)]
pub struct FleetCache {
    current: Mutex<Option<Arc<FleetSnapshot>>>,
    reload: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for FleetCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FleetCache")
            .field("current", &self.snapshot())
            .finish_non_exhaustive()
    }
}

impl FleetCache {
    pub fn new() -> FleetCache {
        FleetCache::default()
    }

    /// The snapshot held now, however old.
    pub fn snapshot(&self) -> Option<Arc<FleetSnapshot>> {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn replace(&self, snapshot: Arc<FleetSnapshot>) {
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Some(snapshot);
    }

    /// The fleet as of now: the held snapshot when the audit log has not moved since (or moved
    /// only by entries that leave the fleet alone), else a fresh one (one loader at a time).
    pub async fn current(&self, pool: &Pool) -> Result<Arc<FleetSnapshot>, ApiError> {
        let size = pool.run(|s| s.log_size()).await??;
        if let Some(snap) = self.snapshot().filter(|s| s.current_at(size)) {
            return Ok(snap);
        }
        let _loading = self.reload.lock().await;
        // Another request may have reloaded while this one waited.
        let size = pool.run(|s| s.log_size()).await??;
        if let Some(snap) = self.snapshot() {
            if snap.current_at(size) {
                return Ok(snap);
            }
            let from = snap.checked.load(Ordering::Acquire);
            if size > from && size - from <= MAX_ENTRIES_TO_CLASSIFY {
                let count = (size - from) as i64;
                let events = pool.run(move |s| s.log_events(from, count)).await?;
                let unchanged = events.is_ok_and(|events| {
                    events.len() as u64 == size - from
                        && events
                            .iter()
                            .all(|(_, e)| LEAVES_FLEET.contains(&e.action.as_str()))
                });
                if unchanged {
                    snap.checked.fetch_max(size, Ordering::AcqRel);
                    return Ok(snap);
                }
            }
        }
        let fresh = Arc::new(pool.run(FleetSnapshot::load).await??);
        tracing::info!(
            assets = fresh.loaded.fleet.assets.len(),
            log_size = fresh.loaded_at,
            ms = fresh.load_time.as_millis() as u64,
            "fleet loaded"
        );
        self.replace(fresh.clone());
        Ok(fresh)
    }
}

/// The view of a signed-in user.
pub fn view_of(principal: &Principal) -> Visibility {
    Visibility::of(principal)
}

/// Stage, next milestone, transfer window, asset count and notice problems of every model the
/// view sees; a manufacturer's asset counts include hospitals that share counts.
pub fn lifecycle(snap: &FleetSnapshot, view: &Visibility, on: NaiveDate) -> Vec<LifecycleRow> {
    snap.with_scope(view, true, |scope| {
        reports::lifecycle(&snap.loaded.fleet, on, scope)
    })
}

/// Who does each task for one asset the view sees, and what shifts at the next milestone.
/// An asset outside the view is answered as unknown (404).
pub fn responsibilities(
    snap: &FleetSnapshot,
    view: &Visibility,
    organization: i64,
    asset_id: &str,
    on: NaiveDate,
) -> Result<Vec<ResponsibilityRow>, ApiError> {
    let asset = snap.visible_asset(view, organization, asset_id)?;
    Ok(reports::responsibilities(&snap.loaded.fleet, asset, on))
}

/// An asset's record (import, risk assessments). Assessments are the hospital's own: a
/// manufacturer or provider who sees the asset is refused (403); one who does not gets 404.
pub fn history(
    snap: &FleetSnapshot,
    view: &Visibility,
    organization: i64,
    asset_id: &str,
) -> Result<Vec<HistoryRow>, ApiError> {
    let asset = snap.visible_asset(view, organization, asset_id)?;
    if let Visibility::Organization { kind, .. } = view
        && *kind != OrgKind::Hdo
    {
        return Err(ApiError::forbidden(
            "an asset's risk assessments are its hospital's",
        ));
    }
    Ok(reports::history(&snap.loaded.fleet, asset))
}

/// Tasks nobody will do, for the assets the view sees.
pub fn gaps(snap: &FleetSnapshot, view: &Visibility, on: NaiveDate) -> Vec<GapRow> {
    snap.with_scope(view, false, |scope| {
        reports::gaps(&snap.loaded.fleet, on, scope)
    })
}

/// Risk assessments of the assets the view sees, and milestones of the models it sees, due by
/// `on` plus `horizon` days.
pub fn due(
    snap: &FleetSnapshot,
    view: &Visibility,
    on: NaiveDate,
    horizon: Option<u32>,
) -> Vec<DueRow> {
    snap.with_scope(view, false, |scope| {
        reports::due(&snap.loaded.fleet, on, horizon, scope)
    })
}

/// Stage changes within `horizon` days of the models the view sees, per organization running
/// them among the assets it sees.
pub fn transitions(
    snap: &FleetSnapshot,
    view: &Visibility,
    on: NaiveDate,
    horizon: u32,
) -> Vec<TransitionRow> {
    snap.with_scope(view, false, |scope| {
        reports::transitions(&snap.loaded.fleet, on, horizon, scope)
    })
}

/// Per release the view sees (a manufacturer its own, others those their assets run): the
/// documentation present, and what its stage expects but is missing.
pub fn docs(snap: &FleetSnapshot, view: &Visibility, on: NaiveDate) -> Vec<DocsRow> {
    snap.with_scope(view, false, |scope| {
        reports::docs(&snap.loaded.fleet, on, scope)
    })
}

/// Components of the current SBOMs of the releases the view sees that lost support; with
/// `per_asset`, one row per asset it sees running them.
pub fn unsupported(
    snap: &FleetSnapshot,
    view: &Visibility,
    on: NaiveDate,
    per_asset: bool,
) -> Vec<UnsupportedRow> {
    snap.with_scope(view, false, |scope| {
        reports::unsupported(&snap.loaded.fleet, on, scope, per_asset)
    })
}

/// The fleet at a glance, in numbers; a manufacturer's include hospitals that share counts.
/// `organizations` counts those the rows concern (the view's own, and those running its
/// assets), not every organization Baton knows.
pub fn summary(snap: &FleetSnapshot, view: &Visibility, on: NaiveDate) -> FleetSummary {
    snap.with_scope(view, true, |scope| {
        let fleet = &snap.loaded.fleet;
        let mut s = reports::summary(fleet, on, scope);
        if let Some(mask) = scope.assets {
            let mut seen: HashSet<usize> = scope.organization.into_iter().collect();
            for (a, _) in fleet.assets.iter().zip(mask).filter(|(_, m)| **m) {
                seen.insert(a.organization);
                seen.insert(fleet.models[a.model].manufacturer);
            }
            s.organizations = seen.len();
        }
        s
    })
}

/// An MDM–HDO agreement overriding who holds a task (`model`/`stage` absent: every model of the
/// manufacturer / every stage).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct AgreementRow {
    pub manufacturer: String,
    pub model: Option<String>,
    pub hdo: String,
    pub task: Task,
    pub stage: Option<Stage>,
    pub party: Party,
    pub lead: Option<Party>,
    pub provider: Option<String>,
}

/// Agreements that name the view's organization as hospital, manufacturer or provider (the
/// operator: all), by hospital, manufacturer, model, task and stage.
pub fn agreements(snap: &FleetSnapshot, view: &Visibility) -> Vec<AgreementRow> {
    let fleet = &snap.loaded.fleet;
    let own = snap.organization_index(view);
    let name = |o: usize| fleet.organizations[o].name.clone();
    let mut rows: Vec<AgreementRow> = fleet
        .agreements
        .iter()
        .filter(|g| match (view, own) {
            (Visibility::Operator, _) => true,
            (_, None) => false,
            (_, Some(o)) => g.hdo == o || g.manufacturer == o || g.provider == Some(o),
        })
        .map(|g| AgreementRow {
            manufacturer: name(g.manufacturer),
            model: g.model.map(|m| fleet.models[m].name.clone()),
            hdo: name(g.hdo),
            task: g.task,
            stage: g.stage,
            party: g.party,
            lead: g.lead,
            provider: g.provider.map(name),
        })
        .collect();
    rows.sort_by(|a, b| {
        (
            &a.hdo,
            &a.manufacturer,
            &a.model,
            a.task.key(),
            a.stage.map(Stage::key),
        )
            .cmp(&(
                &b.hdo,
                &b.manufacturer,
                &b.model,
                b.task.key(),
                b.stage.map(Stage::key),
            ))
    });
    rows
}
