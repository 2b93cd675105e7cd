//! The reports under `/api/v1`: lifecycle, an asset's responsibilities and history, gaps, due,
//! transitions, the summary, agreements, documentation and unsupported components. Each reads the cached fleet ([`crate::fleet`])
//! through the caller's view, on today's date unless `on` says otherwise.

use axum::extract::State;
use baton_model::reports::{
    DocsRow, DueRow, FleetSummary, GapRow, HistoryRow, LifecycleRow, ResponsibilityRow,
    TransitionRow, UnsupportedRow,
};
use baton_store::{Principal, StoreError, Visibility};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody};
use crate::fleet::{self, AgreementRow, FleetSnapshot};
use crate::principal::User;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(lifecycle))
        .routes(routes!(responsibilities))
        .routes(routes!(history))
        .routes(routes!(gaps))
        .routes(routes!(due))
        .routes(routes!(transitions))
        .routes(routes!(report))
        .routes(routes!(agreements))
        .routes(routes!(docs))
        .routes(routes!(unsupported))
}

/// Longest horizon accepted, in days (a century).
const MAX_HORIZON: u32 = 36_500;

#[derive(Debug, Deserialize, IntoParams)]
pub struct OnQuery {
    /// The report's date, YYYY-MM-DD, 1900–2200 [default today, UTC]
    #[param(format = Date)]
    pub on: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ReportQuery {
    /// The report's date, YYYY-MM-DD, 1900–2200 [default today, UTC]
    #[param(format = Date)]
    pub on: Option<String>,
    /// Rows to skip [default 0]
    pub offset: Option<usize>,
    /// Rows to return, 1–1000 [default 100]
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct HorizonQuery {
    /// The report's date, YYYY-MM-DD, 1900–2200 [default today, UTC]
    #[param(format = Date)]
    pub on: Option<String>,
    /// Also what falls within this many days after the date, 0–36500
    #[param(maximum = 36500)]
    pub horizon: Option<u32>,
    /// Rows to skip [default 0]
    pub offset: Option<usize>,
    /// Rows to return, 1–1000 [default 100]
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
}

/// The date a report is for: `on`, or today.
fn report_date(on: Option<&str>) -> Result<NaiveDate, ApiError> {
    let Some(text) = on else {
        return Ok(crate::api::today());
    };
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::unprocessable("on must be a date, YYYY-MM-DD"))?;
    if !(1900..=2200).contains(&date.year()) {
        return Err(ApiError::unprocessable("on must be between 1900 and 2200"));
    }
    Ok(date)
}

fn horizon(days: Option<u32>) -> Result<Option<u32>, ApiError> {
    match days {
        Some(d) if d > MAX_HORIZON => Err(ApiError::unprocessable(format!(
            "horizon is 0 to {MAX_HORIZON} days"
        ))),
        other => Ok(other),
    }
}

/// The fleet as of now, and the caller's view of it.
async fn fleet_for(
    state: &AppState,
    p: &Principal,
) -> Result<(std::sync::Arc<FleetSnapshot>, Visibility), ApiError> {
    let snap = state.fleet().current(state.pool()).await?;
    Ok((snap, Visibility::of(p)))
}

/// Cut `rows` to one page.
fn cut<T>(rows: Vec<T>, offset: Option<usize>, limit: Option<usize>) -> Result<Cut<T>, ApiError> {
    let page = crate::api::page(offset, limit)?;
    let total = rows.len() as i64;
    let items = rows
        .into_iter()
        .skip(page.offset)
        .take(page.limit)
        .collect();
    Ok(Cut {
        total,
        offset: page.offset,
        limit: page.limit,
        items,
    })
}

struct Cut<T> {
    total: i64,
    offset: usize,
    limit: usize,
    items: Vec<T>,
}

macro_rules! paged {
    ($(#[$meta:meta])* $name:ident, $row:ty) => {
        $(#[$meta])*
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            /// Rows in the whole report
            pub total: i64,
            pub offset: usize,
            pub limit: usize,
            pub items: Vec<$row>,
        }

        impl From<Cut<$row>> for $name {
            fn from(c: Cut<$row>) -> $name {
                $name {
                    total: c.total,
                    offset: c.offset,
                    limit: c.limit,
                    items: c.items,
                }
            }
        }
    };
}

paged!(
    /// A page of `lifecycle`.
    LifecyclePage,
    LifecycleRow
);
paged!(
    /// A page of `gaps`.
    GapPage,
    GapRow
);
paged!(
    /// A page of `due`.
    DuePage,
    DueRow
);
paged!(
    /// A page of `docs`.
    DocsPage,
    DocsRow
);
paged!(
    /// A page of `unsupported`.
    UnsupportedPage,
    UnsupportedRow
);
paged!(
    /// A page of `transitions`.
    TransitionPage,
    TransitionRow
);

/// Stage, next milestone, transfer window, assets in use and notice problems of every model you
/// see (a manufacturer its own; a hospital or provider those of its assets), by manufacturer
/// and model.
#[utoipa::path(get, path = "/lifecycle", tag = "reports", params(ReportQuery),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "A page of models", body = LifecyclePage),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Bad date or page", body = ErrorBody)))]
async fn lifecycle(
    State(state): State<AppState>,
    User(p): User,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<ApiJson<LifecyclePage>, ApiError> {
    let on = report_date(q.on.as_deref())?;
    crate::api::page(q.offset, q.limit)?;
    let (snap, view) = fleet_for(&state, &p).await?;
    let rows = fleet::lifecycle(&snap, &view, on);
    Ok(ApiJson(cut(rows, q.offset, q.limit)?.into()))
}

/// The organization a path names (by name or alias), as its database id; an unknown one reads
/// as an unknown asset.
async fn organization_id(
    state: &AppState,
    p: &Principal,
    organization: String,
    asset_id: &str,
) -> Result<i64, ApiError> {
    let unknown = format!("unknown asset '{asset_id}'");
    crate::api::as_user(state, p, move |s| match s.organization(&organization) {
        Ok(o) => Ok(o.id),
        Err(StoreError::NotFound(_)) => Err(StoreError::NotFound(unknown)),
        Err(e) => Err(e),
    })
    .await
}

/// Who does each security task for one asset you see, and what shifts at its next milestone.
#[utoipa::path(get, path = "/assets/{organization}/{asset_id}/responsibilities", tag = "reports",
    params(("organization" = String, Path, description = "The asset's organization (name or alias)"),
        ("asset_id" = String, Path, description = "The asset's id in its organization"),
        OnQuery),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "One row per task", body = Vec<ResponsibilityRow>),
        (status = 404, description = "Unknown asset (or not yours)", body = ErrorBody),
        (status = 422, description = "Bad date", body = ErrorBody)))]
async fn responsibilities(
    State(state): State<AppState>,
    User(p): User,
    ApiPath((organization, asset_id)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<OnQuery>,
) -> Result<ApiJson<Vec<ResponsibilityRow>>, ApiError> {
    let on = report_date(q.on.as_deref())?;
    let org = organization_id(&state, &p, organization, &asset_id).await?;
    let (snap, view) = fleet_for(&state, &p).await?;
    Ok(ApiJson(fleet::responsibilities(
        &snap, &view, org, &asset_id, on,
    )?))
}

/// An asset's record, oldest first: its import and every risk assessment (decommissioned
/// assets included). For the hospital: a manufacturer or provider that sees the asset is refused.
#[utoipa::path(get, path = "/assets/{organization}/{asset_id}/history", tag = "reports",
    params(("organization" = String, Path, description = "The asset's organization (name or alias)"),
        ("asset_id" = String, Path, description = "The asset's id in its organization")),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "Events, oldest first", body = Vec<HistoryRow>),
        (status = 403, description = "Not the asset's hospital", body = ErrorBody),
        (status = 404, description = "Unknown asset (or not yours)", body = ErrorBody)))]
async fn history(
    State(state): State<AppState>,
    User(p): User,
    ApiPath((organization, asset_id)): ApiPath<(String, String)>,
) -> Result<ApiJson<Vec<HistoryRow>>, ApiError> {
    let org = organization_id(&state, &p, organization, &asset_id).await?;
    let (snap, view) = fleet_for(&state, &p).await?;
    Ok(ApiJson(fleet::history(&snap, &view, org, &asset_id)?))
}

/// Tasks nobody will do for the assets you see in use: the responsible party declared it
/// cannot, and no provider is assigned. By organization, asset and task.
#[utoipa::path(get, path = "/gaps", tag = "reports", params(ReportQuery),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "A page of gaps", body = GapPage),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Bad date or page", body = ErrorBody)))]
async fn gaps(
    State(state): State<AppState>,
    User(p): User,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<ApiJson<GapPage>, ApiError> {
    let on = report_date(q.on.as_deref())?;
    crate::api::page(q.offset, q.limit)?;
    let (snap, view) = fleet_for(&state, &p).await?;
    let rows = fleet::gaps(&snap, &view, on);
    Ok(ApiJson(cut(rows, q.offset, q.limit)?.into()))
}

/// Risk assessments of the assets you see, and EOL/EOS milestones of the models you see, due on
/// the date (overdue included) or within `horizon` days; by due date.
#[utoipa::path(get, path = "/due", tag = "reports", params(HorizonQuery),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "A page of due items", body = DuePage),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Bad date, horizon or page", body = ErrorBody)))]
async fn due(
    State(state): State<AppState>,
    User(p): User,
    ApiQuery(q): ApiQuery<HorizonQuery>,
) -> Result<ApiJson<DuePage>, ApiError> {
    let on = report_date(q.on.as_deref())?;
    let days = horizon(q.horizon)?;
    crate::api::page(q.offset, q.limit)?;
    let (snap, view) = fleet_for(&state, &p).await?;
    let rows = fleet::due(&snap, &view, on, days);
    Ok(ApiJson(cut(rows, q.offset, q.limit)?.into()))
}

/// Stage changes within `horizon` days [default 365] of the models you see, per organization
/// running them among the assets you see, and which tasks shift to whom.
#[utoipa::path(get, path = "/transitions", tag = "reports", params(HorizonQuery),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "A page of transitions", body = TransitionPage),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Bad date, horizon or page", body = ErrorBody)))]
async fn transitions(
    State(state): State<AppState>,
    User(p): User,
    ApiQuery(q): ApiQuery<HorizonQuery>,
) -> Result<ApiJson<TransitionPage>, ApiError> {
    let on = report_date(q.on.as_deref())?;
    let days = horizon(q.horizon)?.unwrap_or(365);
    crate::api::page(q.offset, q.limit)?;
    let (snap, view) = fleet_for(&state, &p).await?;
    let rows = fleet::transitions(&snap, &view, on, days);
    Ok(ApiJson(cut(rows, q.offset, q.limit)?.into()))
}

/// The fleet you see at a glance, in numbers (a manufacturer's include hospitals that share
/// counts with it).
#[utoipa::path(get, path = "/report", tag = "reports", params(OnQuery),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "The summary", body = FleetSummary),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Bad date", body = ErrorBody)))]
async fn report(
    State(state): State<AppState>,
    User(p): User,
    ApiQuery(q): ApiQuery<OnQuery>,
) -> Result<ApiJson<FleetSummary>, ApiError> {
    let on = report_date(q.on.as_deref())?;
    let (snap, view) = fleet_for(&state, &p).await?;
    Ok(ApiJson(fleet::summary(&snap, &view, on)))
}

/// Agreements that name your organization: as the hospital, the manufacturer or the provider.
/// Hospitals upload them with `POST /imports/agreements`.
#[utoipa::path(get, path = "/agreements", tag = "reports",
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "Agreements", body = Vec<AgreementRow>),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn agreements(
    State(state): State<AppState>,
    User(p): User,
) -> Result<ApiJson<Vec<AgreementRow>>, ApiError> {
    let (snap, view) = fleet_for(&state, &p).await?;
    Ok(ApiJson(fleet::agreements(&snap, &view)))
}

/// Per release you see (a manufacturer its own; a hospital or provider those its assets run):
/// the documentation present, and what its stage expects but is missing (N70 §7.1.1, FDA).
#[utoipa::path(get, path = "/docs", tag = "reports", params(ReportQuery),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "A page of releases", body = DocsPage),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Bad date or page", body = ErrorBody)))]
async fn docs(
    State(state): State<AppState>,
    User(p): User,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<ApiJson<DocsPage>, ApiError> {
    let on = report_date(q.on.as_deref())?;
    crate::api::page(q.offset, q.limit)?;
    let (snap, view) = fleet_for(&state, &p).await?;
    let rows = fleet::docs(&snap, &view, on);
    Ok(ApiJson(cut(rows, q.offset, q.limit)?.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UnsupportedQuery {
    /// The report's date, YYYY-MM-DD, 1900–2200 [default today, UTC]
    #[param(format = Date)]
    pub on: Option<String>,
    /// One row per asset you see running the release, instead of one per release
    pub per_asset: Option<bool>,
    /// Rows to skip [default 0]
    pub offset: Option<usize>,
    /// Rows to return, 1–1000 [default 100]
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
}

/// Components of the current SBOMs of releases you see that lost support on the date, and the
/// stage N70 §5.5 asks to review the device for.
#[utoipa::path(get, path = "/unsupported", tag = "reports", params(UnsupportedQuery),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "A page of components", body = UnsupportedPage),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Bad date or page", body = ErrorBody)))]
async fn unsupported(
    State(state): State<AppState>,
    User(p): User,
    ApiQuery(q): ApiQuery<UnsupportedQuery>,
) -> Result<ApiJson<UnsupportedPage>, ApiError> {
    let on = report_date(q.on.as_deref())?;
    crate::api::page(q.offset, q.limit)?;
    let (snap, view) = fleet_for(&state, &p).await?;
    let rows = fleet::unsupported(&snap, &view, on, q.per_asset.unwrap_or(false));
    Ok(ApiJson(cut(rows, q.offset, q.limit)?.into()))
}
