//! What each organization may see, as SQL conditions every scoped read adds.
//!
//! - A hospital (HDO) sees its own assets and the releases they run.
//! - A manufacturer (MDM) sees its models and releases, and of each hospital's installed base
//!   what that hospital shares with it: nothing, counts, or the asset list.
//! - A third party sees the assets an agreement names it provider for.
//!
//! The operator at the command line holds the database and sees everything.

use baton_model::OrgKind;
use serde::Serialize;

use crate::StoreError;
use crate::db::{Db, Value};

/// Whose view a read is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Visibility {
    /// The operator with the database in hand.
    #[default]
    Operator,
    /// A user of one organization.
    Organization { id: i64, kind: OrgKind },
}

impl Visibility {
    pub fn of(principal: &crate::Principal) -> Visibility {
        Visibility::Organization {
            id: principal.organization_id,
            kind: principal.kind,
        }
    }

    /// Condition on assets aliased `a` for the assets listed to this view; `$N` is `param`.
    pub(crate) fn asset_condition(&self, a: &str, param: usize) -> Option<String> {
        let Visibility::Organization { kind, .. } = self else {
            return None;
        };
        Some(match kind {
            OrgKind::Hdo => format!("{a}.organization_id = ${param}"),
            OrgKind::Mdm => format!(
                "EXISTS (SELECT 1 FROM device_models vm JOIN sharing vs ON vs.manufacturer_id = vm.manufacturer_id WHERE vm.id = {a}.model_id AND vm.manufacturer_id = ${param} AND vs.hdo_id = {a}.organization_id AND vs.level = 'assets')"
            ),
            OrgKind::ThirdParty => format!(
                "EXISTS (SELECT 1 FROM agreements vg JOIN device_models vm ON vm.id = {a}.model_id WHERE vg.provider_id = ${param} AND vg.hdo_id = {a}.organization_id AND vg.manufacturer_id = vm.manufacturer_id AND (vg.model_id IS NULL OR vg.model_id = {a}.model_id))"
            ),
        })
    }

    /// Condition on assets aliased `a` for the assets counted in this view (a manufacturer
    /// also counts the assets of hospitals that share counts only).
    pub(crate) fn counted_asset_condition(&self, a: &str, param: usize) -> Option<String> {
        match self {
            Visibility::Organization {
                kind: OrgKind::Mdm, ..
            } => Some(format!(
                "EXISTS (SELECT 1 FROM device_models vm JOIN sharing vs ON vs.manufacturer_id = vm.manufacturer_id WHERE vm.id = {a}.model_id AND vm.manufacturer_id = ${param} AND vs.hdo_id = {a}.organization_id AND vs.level IN ('counts', 'assets'))"
            )),
            _ => self.asset_condition(a, param),
        }
    }

    /// Condition on a release id expression for the releases this view sees.
    pub(crate) fn release_condition(&self, release: &str, param: usize) -> Option<String> {
        let Visibility::Organization { kind, .. } = self else {
            return None;
        };
        Some(match kind {
            OrgKind::Mdm => format!(
                "{release} IN (SELECT vr.id FROM releases vr JOIN device_models vm ON vm.id = vr.model_id WHERE vm.manufacturer_id = ${param})"
            ),
            _ => {
                let assets = self.asset_condition("va", param).unwrap_or_default();
                format!("{release} IN (SELECT va.release_id FROM assets va WHERE {assets})")
            }
        })
    }

    /// [`Visibility::release_condition`] for a query that walks an index and stops early (a
    /// page): tested finding by finding through an index rather than by listing every visible
    /// release first; the unary plus keeps the planner from driving the query by release.
    pub(crate) fn release_condition_per_row(&self, release: &str, param: usize) -> Option<String> {
        match self {
            Visibility::Operator => None,
            Visibility::Organization {
                kind: OrgKind::Hdo, ..
            } => Some(format!(
                "EXISTS (SELECT 1 FROM assets va WHERE va.organization_id = ${param} AND va.release_id = +{release})"
            )),
            _ => self
                .release_condition(release, param)
                .map(|c| format!("+{c}")),
        }
    }

    /// The organization id bound as the conditions' parameter.
    pub(crate) fn param(&self) -> Option<Value> {
        match self {
            Visibility::Operator => None,
            Visibility::Organization { id, .. } => Some(Value::Int(*id)),
        }
    }

    /// Whether this view sees the asset with this row id.
    pub(crate) fn sees_asset(&self, db: &mut Db, asset: i64) -> Result<bool, StoreError> {
        let Some(cond) = self.asset_condition("a", 2) else {
            return Ok(true);
        };
        let params = vec![Value::Int(asset), self.param().unwrap_or(Value::Null)];
        Ok(!db
            .query(
                &format!("SELECT 1 FROM assets a WHERE a.id = $1 AND {cond}"),
                &params,
            )?
            .is_empty())
    }

    /// [`Visibility::sees_asset`] for an asset of `organization`: a hospital's own assets are
    /// known without a query.
    pub(crate) fn sees_asset_of(
        &self,
        db: &mut Db,
        asset: i64,
        organization: i64,
    ) -> Result<bool, StoreError> {
        match self {
            Visibility::Organization {
                id,
                kind: OrgKind::Hdo,
            } => Ok(*id == organization),
            _ => self.sees_asset(db, asset),
        }
    }

    /// Whether this view sees the release with this row id.
    pub(crate) fn sees_release(&self, db: &mut Db, release: i64) -> Result<bool, StoreError> {
        let Some(cond) = self.release_condition("$1", 2) else {
            return Ok(true);
        };
        let params = vec![Value::Int(release), self.param().unwrap_or(Value::Null)];
        Ok(!db
            .query(&format!("SELECT 1 WHERE {cond}"), &params)?
            .is_empty())
    }
}

/// A page of a longer list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Page {
    pub offset: usize,
    pub limit: usize,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            offset: 0,
            limit: 100,
        }
    }
}

/// One asset as the API lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssetRow {
    pub organization: String,
    pub asset_id: String,
    pub manufacturer: String,
    pub model: String,
    pub version: Option<String>,
    pub serial: Option<String>,
    pub site: Option<String>,
    pub department: Option<String>,
    pub status: String,
}

/// Assets this view sees, ordered by organization and asset id; and the total.
pub(crate) fn assets(
    db: &mut Db,
    view: &Visibility,
    page: Page,
) -> Result<(Vec<AssetRow>, i64), StoreError> {
    let mut params: Vec<Value> = view.param().into_iter().collect();
    let cond = view
        .asset_condition("a", 1)
        .map(|c| format!(" WHERE {c}"))
        .unwrap_or_default();
    let from = format!(
        "FROM assets a JOIN organizations o ON o.id = a.organization_id JOIN device_models m ON m.id = a.model_id JOIN organizations mo ON mo.id = m.manufacturer_id LEFT JOIN releases r ON r.id = a.release_id{cond}"
    );
    let total = db
        .query(&format!("SELECT COUNT(*) {from}"), &params)?
        .first()
        .and_then(|r| r[0].int())
        .unwrap_or(0);
    let n = params.len();
    params.push(Value::Int(page.limit as i64));
    params.push(Value::Int(page.offset as i64));
    let rows = db.query(
        &format!(
            "SELECT o.name, a.asset_id, mo.name, m.name, r.version, a.serial, a.site, a.department, a.status {from} ORDER BY o.name_key, a.asset_id LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        ),
        &params,
    )?;
    let text = |v: &Value| v.text().map(str::to_string);
    Ok((
        rows.iter()
            .map(|r| AssetRow {
                organization: text(&r[0]).unwrap_or_default(),
                asset_id: text(&r[1]).unwrap_or_default(),
                manufacturer: text(&r[2]).unwrap_or_default(),
                model: text(&r[3]).unwrap_or_default(),
                version: text(&r[4]),
                serial: text(&r[5]),
                site: text(&r[6]),
                department: text(&r[7]),
                status: text(&r[8]).unwrap_or_default(),
            })
            .collect(),
        total,
    ))
}
