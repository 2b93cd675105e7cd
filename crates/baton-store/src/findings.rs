//! Reading findings back (per release, per asset, per vulnerability), analysts' decisions, and
//! component identities as people review them.

use std::collections::{BTreeSet, HashMap};

use baton_matching::{Evidence, FindingStatus};
use baton_sbom::CompactString;
use serde::Serialize;

use crate::cache::{self, ReadCache};
use crate::db::{Db, Value, list_marks};
use crate::matching::{self, Identity, MatchSummary, Scope, parse_status};
use crate::{StoreError, now_utc};

const CHUNK: usize = 500;

fn ids_sql(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// Placeholders for `ids` (see [`list_marks`]).
fn id_marks(ids: &[i64], params: &mut Vec<Value>) -> String {
    list_marks(ids.iter().map(|id| Value::Int(*id)), Value::Int(-1), params)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpssValue {
    pub score: f64,
    pub percentile: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CvssValue {
    pub version: String,
    pub vector: String,
    pub score: Option<f64>,
}

/// One row of `baton findings`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingRow {
    pub finding_id: i64,
    pub vulnerability_id: String,
    pub aliases: Vec<String>,
    pub manufacturer: String,
    pub model: String,
    pub version: String,
    pub component_ref: String,
    pub component_name: String,
    pub component_version: Option<String>,
    pub status: String,
    pub justification: Option<String>,
    pub confidence: String,
    pub source: Vec<String>,
    pub kev: bool,
    pub epss: Option<EpssValue>,
    pub cvss: Option<CvssValue>,
    pub first_seen: String,
    pub last_seen: String,
    /// Affected assets not decommissioned (for one asset: 1).
    pub assets: i64,
    /// What matched, advisory by advisory (left out when empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

/// Which findings to list.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    /// `ORG/ASSET-ID`: that asset's findings, with its own decisions applied.
    pub asset: Option<String>,
    /// `MANUFACTURER/MODEL@VERSION`.
    pub release: Option<String>,
    pub status: Option<String>,
    pub kev: bool,
    pub vulnerability: Option<String>,
    /// CVSS qualitative severity: critical, high, medium, low, none, or unscored.
    pub severity: Option<String>,
    /// The order of a fleet-wide list: `urgency` (KEV first, then CVSS score; the default),
    /// `vulnerability` (by id) or `newest` (first seen, newest first). One asset's findings are
    /// always by urgency.
    pub sort: Option<String>,
    /// Whose view: releases, assets and counts outside it are left out.
    pub visibility: crate::Visibility,
}

/// The orders a fleet-wide finding list can be sorted in.
pub const FINDING_SORTS: [&str; 3] = ["urgency", "vulnerability", "newest"];

/// The SQL order of a sort, after the list's filters.
fn sort_sql(sort: Option<&str>) -> Result<&'static str, StoreError> {
    Ok(match sort.map(str::trim).unwrap_or("urgency") {
        "urgency" | "" => "f.kev DESC, f.score_rank DESC, f.vulnerability_id, f.id",
        "vulnerability" => "f.vulnerability_id, f.id",
        "newest" => "f.first_seen DESC, f.id DESC",
        other => {
            return Err(StoreError::Invalid(format!(
                "unknown sort '{other}' (one of {})",
                FINDING_SORTS.join(", ")
            )));
        }
    })
}

/// The severities a finding list filters on, from the most severe.
pub const SEVERITIES: [&str; 6] = ["critical", "high", "medium", "low", "none", "unscored"];

/// The stored score ranks (ten times the CVSS base score; -1 unscored) of a severity.
pub fn severity_ranks(severity: &str) -> Result<(i64, i64), StoreError> {
    Ok(match severity.trim() {
        "critical" => (90, 100),
        "high" => (70, 89),
        "medium" => (40, 69),
        "low" => (1, 39),
        "none" => (0, 0),
        "unscored" => (-1, -1),
        other => {
            return Err(StoreError::Invalid(format!(
                "unknown severity '{other}' (one of {})",
                SEVERITIES.join(", ")
            )));
        }
    })
}

/// An asset named `ORG/ASSET-ID`: its row id and release.
pub(crate) fn asset_spec(db: &mut Db, spec: &str) -> Result<(i64, Option<i64>), StoreError> {
    let (id, release, _) = asset_row(db, spec)?;
    Ok((id, release))
}

/// An asset named `ORG/ASSET-ID` (the organization by name or alias): its row id, release and
/// organization, in one query.
fn asset_row(db: &mut Db, spec: &str) -> Result<(i64, Option<i64>, i64), StoreError> {
    let (org, id) = spec.split_once('/').ok_or_else(|| {
        StoreError::NotFound(format!(
            "--asset must be ORGANIZATION/ASSET-ID, got '{spec}'"
        ))
    })?;
    // Named like a missing asset, so a guess does not tell which organizations exist.
    let row = db
        .query(
            "SELECT a.id, a.release_id, a.organization_id FROM assets a JOIN organizations o ON o.id = a.organization_id WHERE a.asset_id = $2 AND o.name_key = COALESCE((SELECT al.name_key FROM organization_aliases al WHERE al.alias_key = $1), $1)",
            &[
                baton_formats::inventory::name_key(org).into(),
                id.trim().into(),
            ],
        )?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::NotFound(format!("unknown asset '{spec}'")))?;
    Ok((
        row[0].int().unwrap_or(0),
        row[1].int(),
        row[2].int().unwrap_or(0),
    ))
}

pub(crate) fn kev_set(db: &mut Db) -> Result<BTreeSet<String>, StoreError> {
    Ok(db
        .query("SELECT cve FROM kev_entries", &[])?
        .into_iter()
        .filter_map(|r| r[0].text().map(str::to_string))
        .collect())
}

fn epss_for(db: &mut Db, ids: &BTreeSet<String>) -> Result<HashMap<String, EpssValue>, StoreError> {
    let mut out = HashMap::new();
    let ids: Vec<&String> = ids.iter().collect();
    for chunk in ids.chunks(CHUNK) {
        let mut params = Vec::new();
        // No vulnerability has an empty id.
        let marks = list_marks(
            chunk.iter().map(|s| Value::Text((*s).clone())),
            Value::Text(String::new()),
            &mut params,
        );
        for r in db.query(
            &format!("SELECT cve, score, percentile FROM epss_scores WHERE cve IN ({marks})"),
            &params,
        )? {
            let (Some(cve), Some(s), Some(p)) = (
                r[0].text(),
                r[1].text().and_then(|t| t.parse().ok()),
                r[2].text().and_then(|t| t.parse().ok()),
            ) else {
                continue;
            };
            out.insert(
                cve.to_string(),
                EpssValue {
                    score: s,
                    percentile: p,
                },
            );
        }
    }
    Ok(out)
}

/// `f.kev` is kept in step with the KEV catalog (by matching and by each catalog import).
const FINDING_COLUMNS: &str = "f.id, f.vulnerability_id, f.aliases, o.name, m.name, r.version, f.component_ref, c.name, c.version, f.status, f.justification, f.confidence, f.source, f.cvss_version, f.cvss_vector, f.cvss_score, f.first_seen, f.last_seen, f.release_id, f.evidence, f.kev";
const FINDING_JOINS: &str = "JOIN releases r ON r.id = f.release_id JOIN device_models m ON m.id = r.model_id JOIN organizations o ON o.id = m.manufacturer_id JOIN components c ON c.id = f.component_id";

/// The text of a column, moved out of the row.
fn take_text(v: &mut Value) -> Option<String> {
    match std::mem::replace(v, Value::Null) {
        Value::Text(t) => Some(t),
        _ => None,
    }
}

fn list_of(v: &Value) -> Vec<String> {
    v.text()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default()
}

pub(crate) fn list(db: &mut Db, filter: &FindingFilter) -> Result<Vec<FindingRow>, StoreError> {
    Ok(list_inner(db, filter, None, None)?.0)
}

/// One page of findings in the list's order, and how many there are in all. A fleet-wide list
/// is ordered and cut by the database (on `findings_order`), its total counted once per state of
/// the data when a cache is given; one asset's is ordered from a few columns of each finding,
/// and only the page's findings are read whole.
pub(crate) fn list_page(
    db: &mut Db,
    filter: &FindingFilter,
    page: crate::Page,
    cache: Option<&ReadCache>,
) -> Result<(Vec<FindingRow>, i64), StoreError> {
    list_inner(db, filter, Some(page), cache)
}

/// Whether a finding of one asset (status after the asset's own decisions) passes the filter.
fn passes(
    filter: &FindingFilter,
    vulnerability: &str,
    aliases: &[String],
    status: &str,
    wanted: Option<&str>,
    is_kev: bool,
) -> bool {
    if let Some(v) = filter.vulnerability.as_deref()
        && vulnerability != v
        && !aliases.iter().any(|a| a == v)
    {
        return false;
    }
    if wanted.is_some_and(|w| w != status) {
        return false;
    }
    !filter.kev || is_kev
}

/// The ids of one page of an asset's findings (`sql` restricts to its release) and how many
/// pass the filter: walked in the list's order on `findings_release_order`, reading only the
/// columns that filter (the vulnerability's ids only when the filter names one).
fn asset_page_ids(
    db: &mut Db,
    sql: &str,
    params: &[Value],
    filter: &FindingFilter,
    wanted: Option<&str>,
    overrides: &HashMap<i64, (String, Option<String>)>,
    page: crate::Page,
) -> Result<(Vec<i64>, i64), StoreError> {
    let by_vulnerability = filter.vulnerability.is_some();
    let columns = if by_vulnerability {
        "f.id, f.status, f.kev, f.vulnerability_id, f.aliases"
    } else {
        "f.id, f.status, f.kev"
    };
    let rows = db.query(
        &format!(
            "SELECT {columns} FROM findings f{sql} ORDER BY f.kev DESC, f.score_rank DESC, f.vulnerability_id, f.id"
        ),
        params,
    )?;
    let mut ids = Vec::with_capacity(page.limit.min(rows.len()));
    let mut total = 0;
    for r in rows {
        let id = r[0].int().unwrap_or(0);
        let status = match overrides.get(&id) {
            Some((s, _)) => s.as_str(),
            None => r[1].text().unwrap_or_default(),
        };
        let is_kev = r[2].int() == Some(1);
        let (vulnerability, aliases) = match by_vulnerability {
            true => (r[3].text().unwrap_or_default(), list_of(&r[4])),
            false => ("", Vec::new()),
        };
        if !passes(filter, vulnerability, &aliases, status, wanted, is_kev) {
            continue;
        }
        if total >= page.offset && ids.len() < page.limit {
            ids.push(id);
        }
        total += 1;
    }
    Ok((ids, total as i64))
}

fn list_inner(
    db: &mut Db,
    filter: &FindingFilter,
    page: Option<crate::Page>,
    cache: Option<&ReadCache>,
) -> Result<(Vec<FindingRow>, i64), StoreError> {
    let mut sql = " WHERE f.present = 1".to_string();
    let mut params: Vec<Value> = Vec::new();
    let view = filter.visibility;
    // One asset's findings are those of its release, which a view that sees the asset sees.
    let visible = match (filter.asset.is_none(), view.param()) {
        (true, Some(org)) => view.release_condition("f.release_id", 1).inspect(|cond| {
            params.push(org);
            sql.push_str(&format!(" AND {cond}"));
        }),
        _ => None,
    };
    let mut asset: Option<i64> = None;
    if let Some(spec) = &filter.asset {
        let (id, release, organization) = asset_row(db, spec)?;
        // An asset outside the view is as unknown as one that does not exist.
        if !view.sees_asset_of(db, id, organization)? {
            return Err(StoreError::NotFound(format!("unknown asset '{spec}'")));
        }
        asset = Some(id);
        params.push(Value::Int(release.unwrap_or(-1)));
        sql.push_str(&format!(" AND f.release_id = ${}", params.len()));
    }
    if let Some(spec) = &filter.release {
        let id = crate::documents::release_ref(db, spec, false)?;
        if !view.sees_release(db, id)? {
            return Err(StoreError::NotFound(format!("unknown release '{spec}'")));
        }
        params.push(Value::Int(id));
        sql.push_str(&format!(" AND f.release_id = ${}", params.len()));
    }
    if let Some(severity) = &filter.severity {
        let (low, high) = severity_ranks(severity)?;
        params.push(Value::Int(low));
        params.push(Value::Int(high));
        sql.push_str(&format!(
            " AND f.score_rank BETWEEN ${} AND ${}",
            params.len() - 1,
            params.len()
        ));
    }
    let order = sort_sql(filter.sort.as_deref())?;
    let wanted = match &filter.status {
        Some(s) => Some(parse_status(s)?.key()),
        None => None,
    };
    let vulnerability = filter.vulnerability.as_deref();
    // Per-asset decisions override the release-level status for that asset.
    let mut overrides: HashMap<i64, (String, Option<String>)> = HashMap::new();
    if let Some(a) = asset {
        for r in db.query(
            "SELECT finding_id, status, justification FROM finding_decisions WHERE asset_ref = $1 ORDER BY id",
            &[Value::Int(a)],
        )? {
            overrides.insert(
                r[0].int().unwrap_or(0),
                (
                    r[1].text().unwrap_or_default().to_string(),
                    r[2].text().map(str::to_string),
                ),
            );
        }
    }
    let mut total = None;
    match page {
        // Decisions of the asset's own change its statuses: filter and order in Rust.
        Some(page) if asset.is_some() && !overrides.is_empty() => {
            let (ids, n) = asset_page_ids(db, &sql, &params, filter, wanted, &overrides, page)?;
            total = Some(n);
            let marks = id_marks(&ids, &mut params);
            sql.push_str(&format!(" AND f.id IN ({marks})"));
        }
        Some(page) => {
            // Status and KEV are the stored ones (an asset without decisions of its own has its
            // release's): filter, count and cut the page in the database.
            if let Some(w) = wanted {
                params.push(w.into());
                sql.push_str(&format!(" AND f.status = ${}", params.len()));
            }
            if filter.kev {
                sql.push_str(" AND f.kev = 1");
            }
            if let Some(v) = vulnerability {
                params.push(v.into());
                params.push(Value::Text(format!("%{}%", serde_json::Value::from(v))));
                sql.push_str(&format!(
                    " AND (f.vulnerability_id = ${} OR f.aliases LIKE ${})",
                    params.len() - 1,
                    params.len()
                ));
            }
            let count = format!("SELECT COUNT(*) FROM findings f{sql}");
            let count_of = |db: &mut Db| -> Result<i64, StoreError> {
                Ok(db
                    .query(&count, &params)?
                    .first()
                    .and_then(|r| r[0].int())
                    .unwrap_or(0))
            };
            // One release's findings are counted on its index at once; the fleet's, once per
            // state of the data.
            total = Some(match asset {
                Some(_) => count_of(db)?,
                None => {
                    let key = format!("findings.count {count} {params:?}");
                    *cache::cached(cache, db, &key, |_| 1, count_of)?
                }
            });
            // The page walks `findings_order` (one asset's, `findings_release_order`) and
            // filters as it goes, stopping at the page's end: each finding's release is looked
            // up in the view as it comes, instead of listing every visible release first.
            if let (Some(cond), Some(per_row)) =
                (&visible, view.release_condition_per_row("f.release_id", 1))
            {
                sql = sql.replacen(cond.as_str(), &per_row, 1);
            }
            // Only the page's ids are found on the index; the rows skipped to reach it are
            // never read or joined. The page's bounds are written into the SQL: PostgreSQL
            // then keeps one plan for the prepared statement, where a parameter limit made it
            // plan every execution.
            let ids = format!(
                "SELECT f.id FROM findings f{sql} ORDER BY {order} LIMIT {} OFFSET {}",
                page.limit, page.offset
            );
            sql = format!(" WHERE f.id IN ({ids})");
        }
        None => {}
    }
    let rows = db.query(
        &format!("SELECT {FINDING_COLUMNS} FROM findings f {FINDING_JOINS}{sql}"),
        &params,
    )?;
    // Few rows need the counts and decisions of their own releases and findings only; one
    // asset's rows need none (its count is its own status).
    let (page_releases, page_findings): (Option<Vec<i64>>, Option<Vec<i64>>) =
        if page.is_some() || rows.len() <= 1000 {
            let mut releases: Vec<i64> = rows.iter().filter_map(|r| r[18].int()).collect();
            releases.sort_unstable();
            releases.dedup();
            (
                Some(releases),
                Some(rows.iter().filter_map(|r| r[0].int()).collect()),
            )
        } else {
            (None, None)
        };

    let mut names: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::with_capacity(rows.len());
    let (counts, asset_statuses) = if asset.is_some() {
        (HashMap::new(), HashMap::new())
    } else {
        (
            asset_counts(db, &view, page_releases.as_deref())?,
            asset_decisions(db, &view, page_findings.as_deref())?,
        )
    };
    // Each row's text is moved into its finding, not copied.
    for mut r in rows {
        let id = r[0].int().unwrap_or(0);
        let vuln = take_text(&mut r[1]).unwrap_or_default();
        let aliases = list_of(&r[2]);
        let (status, justification) = match overrides.get(&id) {
            Some((s, j)) => (s.clone(), j.clone()),
            None => (
                take_text(&mut r[9]).unwrap_or_default(),
                take_text(&mut r[10]),
            ),
        };
        let is_kev = r[20].int() == Some(1);
        if !passes(filter, &vuln, &aliases, &status, wanted, is_kev) {
            continue;
        }
        names.insert(vuln.clone());
        names.extend(aliases.iter().cloned());
        let release = r[18].int().unwrap_or(0);
        let assets = match asset {
            Some(_) => i64::from(open_status(&status)),
            None => affected_count(
                counts.get(&release).copied().unwrap_or(0),
                &status,
                asset_statuses.get(&id),
            ),
        };
        let cvss = take_text(&mut r[13]).map(|version| CvssValue {
            version,
            vector: take_text(&mut r[14]).unwrap_or_default(),
            score: r[15].text().and_then(|s| s.parse().ok()),
        });
        out.push(FindingRow {
            finding_id: id,
            vulnerability_id: vuln,
            aliases,
            manufacturer: take_text(&mut r[3]).unwrap_or_default(),
            model: take_text(&mut r[4]).unwrap_or_default(),
            version: take_text(&mut r[5]).unwrap_or_default(),
            component_ref: take_text(&mut r[6]).unwrap_or_default(),
            component_name: take_text(&mut r[7]).unwrap_or_default(),
            component_version: take_text(&mut r[8]),
            status,
            justification,
            confidence: take_text(&mut r[11]).unwrap_or_default(),
            source: list_of(&r[12]),
            kev: is_kev,
            epss: None,
            cvss,
            first_seen: take_text(&mut r[16]).unwrap_or_default(),
            last_seen: take_text(&mut r[17]).unwrap_or_default(),
            assets,
            evidence: r[19]
                .text()
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or_default(),
        });
    }
    let epss = epss_for(db, &names)?;
    for f in &mut out {
        f.epss = std::iter::once(&f.vulnerability_id)
            .chain(&f.aliases)
            .find_map(|k| epss.get(k).cloned());
    }
    match filter.sort.as_deref().map(str::trim) {
        Some("vulnerability") if filter.asset.is_none() => out.sort_by(|a, b| {
            (&a.vulnerability_id, a.finding_id).cmp(&(&b.vulnerability_id, b.finding_id))
        }),
        Some("newest") if filter.asset.is_none() => {
            out.sort_by(|a, b| (&b.first_seen, b.finding_id).cmp(&(&a.first_seen, a.finding_id)))
        }
        _ => sort_findings(&mut out),
    }
    let total = total.unwrap_or(out.len() as i64);
    Ok((out, total))
}

/// KEV first, then by CVSS score (highest first), then by id.
fn sort_findings(rows: &mut [FindingRow]) {
    rows.sort_by(|a, b| {
        let score = |f: &FindingRow| f.cvss.as_ref().and_then(|c| c.score).unwrap_or(-1.0);
        b.kev
            .cmp(&a.kev)
            .then_with(|| score(b).total_cmp(&score(a)))
            .then_with(|| a.vulnerability_id.cmp(&b.vulnerability_id))
            .then_with(|| a.finding_id.cmp(&b.finding_id))
    });
}

fn open_status(status: &str) -> bool {
    matches!(status, "affected" | "under_investigation")
}

/// Assets a finding affects: those in use on its release, less the ones a hospital decided are
/// not affected (or fixed), plus the ones decided affected against the release's status.
fn affected_count(in_use: i64, status: &str, overrides: Option<&HashMap<i64, String>>) -> i64 {
    let Some(o) = overrides else {
        return if open_status(status) { in_use } else { 0 };
    };
    let open_overrides = o.values().filter(|s| open_status(s)).count() as i64;
    let closed_overrides = o.len() as i64 - open_overrides;
    if open_status(status) {
        (in_use - closed_overrides).max(0)
    } else {
        open_overrides
    }
}

/// The latest per-asset decision of each finding, for assets in use.
fn asset_decisions(
    db: &mut Db,
    view: &crate::Visibility,
    findings: Option<&[i64]>,
) -> Result<HashMap<i64, HashMap<i64, String>>, StoreError> {
    let mut out: HashMap<i64, HashMap<i64, String>> = HashMap::new();
    let mut cond = view
        .counted_asset_condition("a", 1)
        .map(|c| format!(" AND {c}"))
        .unwrap_or_default();
    let mut params: Vec<Value> = view.param().into_iter().collect();
    if let Some(ids) = findings {
        let marks = id_marks(ids, &mut params);
        cond.push_str(&format!(" AND d.finding_id IN ({marks})"));
    }
    for r in db.query(
        &format!("SELECT d.finding_id, d.asset_ref, d.status FROM finding_decisions d JOIN assets a ON a.id = d.asset_ref WHERE a.status <> 'decommissioned'{cond} ORDER BY d.id"),
        &params,
    )? {
        out.entry(r[0].int().unwrap_or(0))
            .or_default()
            .insert(r[1].int().unwrap_or(0), r[2].text().unwrap_or_default().to_string());
    }
    Ok(out)
}

/// Assets in use (not decommissioned) per release.
fn asset_counts(
    db: &mut Db,
    view: &crate::Visibility,
    releases: Option<&[i64]>,
) -> Result<HashMap<i64, i64>, StoreError> {
    let mut cond = view
        .counted_asset_condition("a", 1)
        .map(|c| format!(" AND {c}"))
        .unwrap_or_default();
    let mut params: Vec<Value> = view.param().into_iter().collect();
    if let Some(ids) = releases {
        let marks = id_marks(ids, &mut params);
        cond.push_str(&format!(" AND a.release_id IN ({marks})"));
    }
    Ok(db
        .query(
            &format!("SELECT a.release_id, COUNT(*) FROM assets a WHERE a.release_id IS NOT NULL AND a.status <> 'decommissioned'{cond} GROUP BY a.release_id"),
            &params,
        )?
        .into_iter()
        .filter_map(|r| Some((r[0].int()?, r[1].int()?)))
        .collect())
}

/// One asset a vulnerability affects, before responsibilities are added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AffectedAsset {
    pub asset_ref: i64,
    pub status: FindingStatus,
    pub components: Vec<String>,
    pub findings: Vec<i64>,
}

/// Assets (not decommissioned) a view sees whose release has a present finding of the
/// vulnerability (or one of its aliases) that is affected or under investigation for that asset;
/// ordered by organization and asset id.
pub(crate) fn affected(
    db: &mut Db,
    vulnerability: &str,
    view: &crate::Visibility,
) -> Result<Vec<AffectedAsset>, StoreError> {
    // The vulnerability and every id it is an alias of.
    let mut names: Vec<Value> = vec![vulnerability.into()];
    for r in db.query(
        "SELECT vulnerability_id FROM vulnerability_aliases WHERE alias = $1",
        &[vulnerability.into()],
    )? {
        if let Some(v) = r[0].text()
            && v != vulnerability
        {
            names.push(v.into());
        }
    }
    let marks = (1..=names.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(",");
    let findings = db.query(
        &format!(
            "SELECT f.id, f.release_id, f.status, c.name FROM findings f JOIN components c ON c.id = f.component_id WHERE f.present = 1 AND f.vulnerability_id IN ({marks})"
        ),
        &names,
    )?;
    let mut by_release: HashMap<i64, Vec<(i64, String, String)>> = HashMap::new();
    for r in &findings {
        by_release
            .entry(r[1].int().unwrap_or(0))
            .or_default()
            .push((
                r[0].int().unwrap_or(0),
                r[2].text().unwrap_or_default().to_string(),
                r[3].text().unwrap_or_default().to_string(),
            ));
    }
    let finding_ids: Vec<i64> = by_release.values().flatten().map(|f| f.0).collect();
    let mut overrides: HashMap<(i64, i64), String> = HashMap::new();
    for chunk in finding_ids.chunks(CHUNK) {
        for r in db.query(
            &format!(
                "SELECT finding_id, asset_ref, status FROM finding_decisions WHERE asset_ref IS NOT NULL AND finding_id IN ({}) ORDER BY id",
                ids_sql(chunk)
            ),
            &[],
        )? {
            overrides.insert(
                (r[0].int().unwrap_or(0), r[1].int().unwrap_or(0)),
                r[2].text().unwrap_or_default().to_string(),
            );
        }
    }
    let mut releases: Vec<i64> = by_release.keys().copied().collect();
    releases.sort_unstable();
    // The view's condition goes into the query, so assets outside it are never read.
    let cond = view
        .asset_condition("a", 1)
        .map(|c| format!(" AND {c}"))
        .unwrap_or_default();
    let params: Vec<Value> = view.param().into_iter().collect();
    let mut out = Vec::new();
    for chunk in releases.chunks(CHUNK) {
        for r in db.query(
            &format!(
                "SELECT a.id, a.release_id, o.name_key, a.asset_id FROM assets a JOIN organizations o ON o.id = a.organization_id WHERE a.status <> 'decommissioned' AND a.release_id IN ({}){cond}",
                ids_sql(chunk)
            ),
            &params,
        )? {
            let asset = r[0].int().unwrap_or(0);
            let release = r[1].int().unwrap_or(0);
            let order = (
                r[2].text().unwrap_or_default().to_string(),
                r[3].text().unwrap_or_default().to_string(),
            );
            let mut best: Option<FindingStatus> = None;
            let mut components = BTreeSet::new();
            let mut ids = Vec::new();
            for (fid, status, component) in by_release.get(&release).map(Vec::as_slice).unwrap_or_default() {
                let status = overrides.get(&(*fid, asset)).unwrap_or(status);
                let Ok(s) = parse_status(status) else { continue };
                if !matches!(s, FindingStatus::Affected | FindingStatus::UnderInvestigation) {
                    continue;
                }
                components.insert(component.clone());
                ids.push(*fid);
                if best.is_none_or(|b| s == FindingStatus::Affected && b != FindingStatus::Affected) {
                    best = Some(s);
                }
            }
            if let Some(status) = best {
                out.push((
                    order,
                    AffectedAsset {
                        asset_ref: asset,
                        status,
                        components: components.into_iter().collect(),
                        findings: ids,
                    },
                ));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out.into_iter().map(|(_, a)| a).collect())
}

/// One analyst's or VEX document's decision on a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub id: i64,
    pub finding_id: i64,
    /// `ORG/ASSET-ID` for a decision on one asset; None for the release.
    pub asset: Option<String>,
    pub status: String,
    pub justification: Option<String>,
    pub note: Option<String>,
    pub decided_by: String,
    pub decided_at: String,
    /// `cli`, or `vex:SOURCE:ID` for a VEX document.
    pub origin: String,
}

/// The five CSAF / OpenVEX justifications of `not_affected`.
pub const JUSTIFICATIONS: [&str; 5] = [
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
];

/// What `baton vex set` records.
#[derive(Debug, Clone)]
pub struct DecisionInput {
    pub finding: i64,
    pub asset: Option<String>,
    pub status: String,
    pub justification: Option<String>,
    pub note: Option<String>,
    pub by: String,
}

pub(crate) fn decide(db: &mut Db, input: &DecisionInput) -> Result<Decision, StoreError> {
    let status = parse_status(&input.status)?;
    let by = input.by.trim();
    if by.is_empty() {
        return Err(StoreError::NotFound("--by must name who decides".into()));
    }
    if let Some(j) = &input.justification {
        if !JUSTIFICATIONS.contains(&j.as_str()) {
            return Err(StoreError::NotFound(format!(
                "unknown justification '{j}' (one of {})",
                JUSTIFICATIONS.join(", ")
            )));
        }
        if status != FindingStatus::NotAffected {
            return Err(StoreError::NotFound(
                "a justification is given only with --status not_affected".into(),
            ));
        }
    }
    if status == FindingStatus::NotAffected
        && input.justification.is_none()
        && input.note.as_deref().is_none_or(|n| n.trim().is_empty())
    {
        return Err(StoreError::NotFound(
            "not_affected needs a --justification or a --note saying why (VEX impact statement)"
                .into(),
        ));
    }
    let row = db
        .query(
            "SELECT id, release_id FROM findings WHERE id = $1",
            &[Value::Int(input.finding)],
        )?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::NotFound(format!("unknown finding {}", input.finding)))?;
    let release = row[1].int();
    let asset_ref = match &input.asset {
        Some(spec) => {
            let (id, asset_release) = asset_spec(db, spec)?;
            if asset_release != release {
                return Err(StoreError::NotFound(format!(
                    "finding {} is not a finding of asset '{spec}' (another release)",
                    input.finding
                )));
            }
            Some(id)
        }
        None => None,
    };
    let now = now_utc();
    let id = db
        .query(
            "INSERT INTO finding_decisions (finding_id, asset_ref, status, justification, note, decided_by, decided_at, origin) VALUES ($1, $2, $3, $4, $5, $6, $7, 'cli') RETURNING id",
            &[
                Value::Int(input.finding),
                asset_ref.map(Value::Int).unwrap_or(Value::Null),
                status.key().into(),
                input.justification.clone().into(),
                input.note.clone().into(),
                by.into(),
                now.clone().into(),
            ],
        )?
        .first()
        .and_then(|r| r[0].int())
        .ok_or_else(|| StoreError::Database("no id returned for a decision".into()))?;
    if asset_ref.is_none() {
        db.exec(
            "UPDATE findings SET status = $1, justification = $2 WHERE id = $3",
            &[
                status.key().into(),
                input.justification.clone().into(),
                Value::Int(input.finding),
            ],
        )?;
    }
    Ok(Decision {
        id,
        finding_id: input.finding,
        asset: input.asset.clone(),
        status: status.key().into(),
        justification: input.justification.clone(),
        note: input.note.clone(),
        decided_by: by.to_string(),
        decided_at: now,
        origin: "cli".into(),
    })
}

/// Every decision on a finding, oldest first.
pub(crate) fn history(db: &mut Db, finding: i64) -> Result<Vec<Decision>, StoreError> {
    Ok(db
        .query(
            "SELECT d.id, d.finding_id, o.name, a.asset_id, d.status, d.justification, d.note, d.decided_by, d.decided_at, d.origin FROM finding_decisions d LEFT JOIN assets a ON a.id = d.asset_ref LEFT JOIN organizations o ON o.id = a.organization_id WHERE d.finding_id = $1 ORDER BY d.id",
            &[Value::Int(finding)],
        )?
        .into_iter()
        .map(|r| Decision {
            id: r[0].int().unwrap_or(0),
            finding_id: r[1].int().unwrap_or(0),
            asset: match (r[2].text(), r[3].text()) {
                (Some(o), Some(a)) => Some(format!("{o}/{a}")),
                _ => None,
            },
            status: r[4].text().unwrap_or_default().to_string(),
            justification: r[5].text().map(str::to_string),
            note: r[6].text().map(str::to_string),
            decided_by: r[7].text().unwrap_or_default().to_string(),
            decided_at: r[8].text().unwrap_or_default().to_string(),
            origin: r[9].text().unwrap_or_default().to_string(),
        })
        .collect())
}

/// The decision in force before `input` for the same finding and asset, as JSON for the log.
pub(crate) fn last_decision(
    db: &mut Db,
    input: &DecisionInput,
) -> Result<Option<serde_json::Value>, StoreError> {
    let asset = match &input.asset {
        Some(spec) => Some(asset_spec(db, spec)?.0),
        None => None,
    };
    let sql = match asset {
        Some(_) => {
            "SELECT id FROM finding_decisions WHERE finding_id = $1 AND asset_ref = $2 ORDER BY id DESC LIMIT 1"
        }
        None => {
            "SELECT id FROM finding_decisions WHERE finding_id = $1 AND asset_ref IS NULL ORDER BY id DESC LIMIT 1"
        }
    };
    let mut params = vec![Value::Int(input.finding)];
    params.extend(asset.map(Value::Int));
    let Some(id) = db.query(sql, &params)?.first().and_then(|r| r[0].int()) else {
        return Ok(None);
    };
    Ok(history(db, input.finding)?
        .into_iter()
        .find(|d| d.id == id)
        .and_then(|d| serde_json::to_value(d).ok()))
}

/// A component no advisory can reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnmatchedComponent {
    pub component_id: i64,
    pub name: String,
    pub version: Option<String>,
    pub supplier: Option<String>,
    pub purl: Option<String>,
    /// Releases whose current SBOM lists it.
    pub releases: i64,
}

pub(crate) fn unmatched(db: &mut Db) -> Result<Vec<UnmatchedComponent>, StoreError> {
    let rows = db.query(
        "SELECT c.kind, c.name, c.version, c.supplier, c.purl, c.cpes, c.id, COUNT(DISTINCT rc.release_id) FROM components c JOIN release_components rc ON rc.component_id = c.id WHERE rc.position >= 0 GROUP BY c.id, c.kind, c.name, c.version, c.supplier, c.purl, c.cpes ORDER BY c.name, c.version, c.id",
        &[],
    )?;
    let idents = matching::identities(db, None)?;
    let mut by_component: HashMap<i64, Vec<Identity>> = HashMap::new();
    for i in idents {
        by_component.entry(i.component_id).or_default().push(i);
    }
    let mut out = Vec::new();
    for r in rows {
        let id = r[6].int().unwrap_or(0);
        let base = matching::base_row(&r);
        let ids = by_component.get(&id).map(Vec::as_slice).unwrap_or_default();
        let (c, _) = matching::effective(id, "", &base, ids);
        if baton_matching::keys::reachable(&c) {
            continue;
        }
        out.push(UnmatchedComponent {
            component_id: id,
            name: base.name.into_string(),
            version: base.version.map(CompactString::into_string),
            supplier: base.supplier.map(CompactString::into_string),
            purl: c.purl,
            releases: r[7].int().unwrap_or(0),
        });
    }
    Ok(out)
}

/// Components a selector names: an id, `NAME@VERSION` or `NAME` (every version).
pub(crate) fn select_components(db: &mut Db, selector: &str) -> Result<Vec<i64>, StoreError> {
    let s = selector.trim();
    let rows = if let Ok(id) = s.parse::<i64>() {
        db.query("SELECT id FROM components WHERE id = $1", &[Value::Int(id)])?
    } else if let Some((name, version)) = s.rsplit_once('@') {
        db.query(
            "SELECT id FROM components WHERE name = $1 AND version = $2",
            &[name.into(), version.into()],
        )?
    } else {
        db.query("SELECT id FROM components WHERE name = $1", &[s.into()])?
    };
    let ids: Vec<i64> = rows.iter().filter_map(|r| r[0].int()).collect();
    if ids.is_empty() {
        return Err(StoreError::NotFound(format!(
            "no component '{selector}' (give its id from `baton identities unmatched`, NAME or NAME@VERSION)"
        )));
    }
    Ok(ids)
}

/// What `baton identities set` records.
#[derive(Debug, Clone)]
pub struct IdentityInput {
    pub component: String,
    /// `purl`, `cpe` or `vendor-product`.
    pub kind: String,
    pub value: String,
    /// `confirmed` or `rejected`.
    pub state: String,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdentityChange {
    pub components: Vec<i64>,
    pub identities: Vec<Identity>,
    pub matching: MatchSummary,
}

pub(crate) fn set_identity(
    db: &mut Db,
    input: &IdentityInput,
) -> Result<IdentityChange, StoreError> {
    let by = input.by.trim();
    if by.is_empty() {
        return Err(StoreError::NotFound("--by must name who reviews".into()));
    }
    if !matches!(input.state.as_str(), "confirmed" | "rejected") {
        return Err(StoreError::NotFound(format!(
            "unknown review state '{}' (confirmed or rejected)",
            input.state
        )));
    }
    let value = input.value.trim();
    match input.kind.as_str() {
        "purl" if baton_matching::purl::Purl::parse(value).is_none() => {
            return Err(StoreError::NotFound(format!("'{value}' is not a purl")));
        }
        "cpe" => {
            if let Err(e) = baton_cpe::Wfn::parse(value) {
                return Err(StoreError::NotFound(format!(
                    "'{value}' is not a CPE name: {e}"
                )));
            }
        }
        "vendor-product" if !value.contains('|') => {
            return Err(StoreError::NotFound(
                "--vendor and --product are both needed".into(),
            ));
        }
        "purl" | "vendor-product" => {}
        k => return Err(StoreError::NotFound(format!("unknown identity kind '{k}'"))),
    }
    let components = select_components(db, &input.component)?;
    let now = now_utc();
    let rows: Vec<Vec<Value>> = components
        .iter()
        .map(|c| {
            vec![
                Value::Int(*c),
                input.kind.clone().into(),
                value.into(),
                "exact".into(),
                input.state.clone().into(),
                matching::ORIGIN_MANUAL.into(),
                by.into(),
                now.clone().into(),
            ]
        })
        .collect();
    db.insert_many(
        "INSERT INTO component_identities (component_id, kind, value, confidence, state, origin, decided_by, decided_at)",
        8,
        &rows,
        "ON CONFLICT (component_id, kind, value) DO UPDATE SET state = excluded.state, confidence = excluded.confidence, decided_by = excluded.decided_by, decided_at = excluded.decided_at",
    )?;
    matching::refresh_keys(db, &components)?;
    let mut releases = BTreeSet::new();
    for chunk in components.chunks(CHUNK) {
        for r in db.query(
            &format!(
                "SELECT DISTINCT release_id FROM release_components WHERE component_id IN ({})",
                ids_sql(chunk)
            ),
            &[],
        )? {
            releases.extend(r[0].int());
        }
    }
    let releases: Vec<i64> = releases.into_iter().collect();
    let summary = matching::rematch(db, Some(&releases), Scope::All)?;
    let identities = list_identities(db, &components)?;
    Ok(IdentityChange {
        components,
        identities,
        matching: summary,
    })
}

pub(crate) fn list_identities(
    db: &mut Db,
    components: &[i64],
) -> Result<Vec<Identity>, StoreError> {
    let mut out = Vec::new();
    for chunk in components.chunks(CHUNK) {
        out.extend(
            db.query(
                &format!(
                    "SELECT id, component_id, kind, value, confidence, state, origin, decided_by, decided_at FROM component_identities WHERE component_id IN ({}) ORDER BY component_id, id",
                    ids_sql(chunk)
                ),
                &[],
            )?
            .iter()
            .map(|r| matching::identity_row(r)),
        );
    }
    Ok(out)
}
