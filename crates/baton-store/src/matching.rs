//! Stored matching: the distinct components of every release (its current SBOM's components and
//! the device itself), their identities and match keys, and the findings the matching engine
//! gives for them, kept per (release, component, vulnerability) with one part per advisory.
//!
//! Work is incremental: [`rematch`] takes the releases to look at and the advisories in scope,
//! replaces only those advisories' parts of those releases' findings and merges each touched
//! finding again. Finding ids never change, so decisions and history stay attached.

use std::collections::{BTreeSet, HashMap, HashSet};

use baton_advisories::{Advisory, AdvisorySource};
use baton_cpe::{Attribute, AvString, Wfn};
use baton_matching::keys::{component_keys, device_cpes};
use baton_matching::{
    Confidence, Finding, FindingStatus, Index, Method, Rules, ScanOptions, merge_parts, scan_parts,
};
use baton_sbom::{CompactString, Component, Sbom};
use sha2::{Digest, Sha256};

use crate::db::{Db, Value};
use crate::{StoreError, hex, now_utc};

/// Where a component identity comes from.
pub const ORIGIN_SBOM: &str = "sbom";
pub const ORIGIN_DERIVED: &str = "derived";
pub const ORIGIN_MANUAL: &str = "manual";

/// The position of the device component among a release's components.
pub(crate) const DEVICE_POSITION: i64 = -1;
pub(crate) const DEVICE_REFERENCE: &str = "device";

/// Rows per `IN (…)` list.
const CHUNK: usize = 500;

/// What [`rematch`] replaces: every part of the releases, or only the parts of some advisories
/// (the new ones matched again, the retired ones dropped).
pub(crate) enum Scope {
    All,
    Advisories {
        matched: Vec<i64>,
        retired: Vec<i64>,
    },
}

/// What a matching run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatchSummary {
    pub releases: usize,
    pub advisories: usize,
    /// Findings merged and written by the run (every present one of the releases on a full
    /// match; only those the advisories in scope speak of on an incremental one).
    pub findings: usize,
    /// Findings that appeared, and that disappeared (kept, marked absent).
    pub new_findings: usize,
    pub gone_findings: usize,
}

/// One stored component as the SBOM gave it.
#[derive(Debug, Clone, Default)]
pub(crate) struct ComponentBase {
    pub kind: Option<CompactString>,
    pub name: CompactString,
    pub version: Option<CompactString>,
    pub supplier: Option<CompactString>,
    pub purl: Option<String>,
    pub cpes: Vec<String>,
}

impl ComponentBase {
    /// The digest under which equal components of different releases are one row.
    pub(crate) fn key(&self) -> String {
        let mut h = Sha256::new();
        for part in [
            self.kind.as_deref().unwrap_or(""),
            &self.name,
            self.version.as_deref().unwrap_or(""),
            self.supplier.as_deref().unwrap_or(""),
            self.purl.as_deref().unwrap_or(""),
        ] {
            h.update(part.as_bytes());
            h.update([0x1f]);
        }
        for c in &self.cpes {
            h.update(c.as_bytes());
            h.update([0x1e]);
        }
        hex(&h.finalize())
    }

    pub(crate) fn from_component(c: &Component) -> ComponentBase {
        ComponentBase {
            kind: c.kind.clone(),
            name: c.name.clone(),
            version: c.version.clone(),
            supplier: c.supplier.clone().or_else(|| c.manufacturer.clone()),
            purl: c.purl.clone(),
            cpes: c.cpes.clone(),
        }
    }
}

/// A reviewed, proposed or rejected identity of a component.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Identity {
    pub id: i64,
    pub component_id: i64,
    /// `purl`, `cpe` or `vendor-product` (value `VENDOR|PRODUCT`).
    pub kind: String,
    pub value: String,
    pub confidence: String,
    /// `proposed`, `confirmed` or `rejected`.
    pub state: String,
    pub origin: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
}

/// The component the engine sees: the SBOM's data with reviewed identities applied, and the
/// confidence of the weakest unreviewed identity it relies on.
pub(crate) fn effective(
    id: i64,
    reference: &str,
    base: &ComponentBase,
    identities: &[Identity],
) -> (Component, Option<Confidence>) {
    let mut c = Component {
        reference: reference.into(),
        name: base.name.clone(),
        version: base.version.clone(),
        kind: base.kind.clone(),
        supplier: base.supplier.clone(),
        purl: base.purl.clone(),
        cpes: base.cpes.clone(),
        ..Component::default()
    };
    let mut cap: Option<Confidence> = None;
    let mut confirmed_purl = false;
    for i in identities.iter().filter(|i| i.component_id == id) {
        let rejected = i.state == "rejected";
        match i.kind.as_str() {
            "purl" if rejected && c.purl.as_deref() == Some(&i.value) => c.purl = None,
            "purl" if rejected => {}
            "purl" if i.state == "confirmed" => {
                c.purl = Some(i.value.clone());
                confirmed_purl = true;
            }
            "purl" if c.purl.is_none() && !confirmed_purl => {
                c.purl = Some(i.value.clone());
                cap = lower(cap, &i.confidence);
            }
            "cpe" if rejected => c.cpes.retain(|x| *x != i.value),
            "cpe" => {
                let value = with_version(&i.value, c.version.as_deref());
                if !c.cpes.contains(&value) {
                    c.cpes.push(value);
                    if i.state != "confirmed" {
                        cap = lower(cap, &i.confidence);
                    }
                }
            }
            "vendor-product" if !rejected => {
                if let Some((v, p)) = i.value.split_once('|') {
                    c.supplier = Some(v.into());
                    c.name = p.into();
                    if i.state != "confirmed" {
                        cap = lower(cap, &i.confidence);
                    }
                }
            }
            _ => {}
        }
    }
    (c, cap)
}

fn lower(cap: Option<Confidence>, text: &str) -> Option<Confidence> {
    let c: Confidence = text.parse().unwrap_or(Confidence::Alias);
    Some(cap.map_or(c, |x| x.min(c)))
}

/// A CPE whose version is ANY takes the component's version, so one mapping serves every
/// version of a component.
fn with_version(cpe: &str, version: Option<&str>) -> String {
    let (Ok(w), Some(v)) = (Wfn::parse(cpe), version.filter(|v| !v.trim().is_empty())) else {
        return cpe.to_string();
    };
    if *w.get(Attribute::Version) != baton_cpe::Value::Any {
        return cpe.to_string();
    }
    match AvString::literal(Attribute::Version, v.trim())
        .ok()
        .and_then(|s| w.with(Attribute::Version, baton_cpe::Value::Str(s)).ok())
    {
        Some(w) => w.to_formatted_string(),
        None => cpe.to_string(),
    }
}

fn ids_sql(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The ids of component rows, created (with their identities and match keys) when new; one id
/// per base, in order.
pub(crate) fn component_ids(db: &mut Db, bases: &[ComponentBase]) -> Result<Vec<i64>, StoreError> {
    let keys: Vec<String> = bases.iter().map(ComponentBase::key).collect();
    let mut ids: HashMap<String, i64> = HashMap::new();
    let lookup = |db: &mut Db, wanted: &[&String], ids: &mut HashMap<String, i64>| {
        for chunk in wanted.chunks(CHUNK) {
            let params: Vec<Value> = chunk.iter().map(|k| Value::Text((*k).clone())).collect();
            let marks = (1..=chunk.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(",");
            for r in db.query(
                &format!(
                    "SELECT id, component_key FROM components WHERE component_key IN ({marks})"
                ),
                &params,
            )? {
                if let (Some(id), Some(k)) = (r[0].int(), r[1].text()) {
                    ids.insert(k.to_string(), id);
                }
            }
        }
        Ok::<(), StoreError>(())
    };
    let unique: Vec<&String> = keys.iter().collect::<BTreeSet<_>>().into_iter().collect();
    lookup(db, &unique, &mut ids)?;
    let mut seen = HashSet::new();
    let missing: Vec<(usize, &String)> = keys
        .iter()
        .enumerate()
        .filter(|(_, k)| !ids.contains_key(*k) && seen.insert((*k).clone()))
        .collect();
    if !missing.is_empty() {
        let rows: Vec<Vec<Value>> = missing
            .iter()
            .map(|(i, k)| {
                let b = &bases[*i];
                vec![
                    Value::Text((*k).clone()),
                    b.kind.clone().into(),
                    b.name.clone().into(),
                    b.version.clone().into(),
                    b.supplier.clone().into(),
                    b.purl.clone().into(),
                    (!b.cpes.is_empty()).then(|| json(&b.cpes)).into(),
                ]
            })
            .collect();
        db.insert_many(
            "INSERT INTO components (component_key, kind, name, version, supplier, purl, cpes)",
            7,
            &rows,
            "ON CONFLICT (component_key) DO NOTHING",
        )?;
        let wanted: Vec<&String> = missing.iter().map(|(_, k)| *k).collect();
        lookup(db, &wanted, &mut ids)?;
        let now = now_utc();
        let mut identities: Vec<Vec<Value>> = Vec::new();
        let mut created = Vec::with_capacity(missing.len());
        for (i, k) in &missing {
            let Some(&id) = ids.get(*k) else { continue };
            created.push(id);
            let base = &bases[*i];
            let mut add =
                |kind: &str, value: &str, confidence: Confidence, state: &str, origin: &str| {
                    identities.push(vec![
                        Value::Int(id),
                        kind.into(),
                        value.into(),
                        confidence.key().into(),
                        state.into(),
                        origin.into(),
                        Value::Null,
                        Value::Text(now.clone()),
                    ]);
                };
            if base.kind.as_deref() == Some("device") {
                for cpe in device_cpes(
                    base.supplier.as_deref().unwrap_or(""),
                    &base.name,
                    base.version.as_deref().unwrap_or(""),
                ) {
                    add(
                        "cpe",
                        &cpe,
                        Confidence::Normalized,
                        "proposed",
                        ORIGIN_DERIVED,
                    );
                }
            } else {
                if let Some(p) = &base.purl {
                    add("purl", p, Confidence::Exact, "confirmed", ORIGIN_SBOM);
                }
                for c in &base.cpes {
                    add("cpe", c, Confidence::Exact, "confirmed", ORIGIN_SBOM);
                }
            }
        }
        db.insert_many(
            "INSERT INTO component_identities (component_id, kind, value, confidence, state, origin, decided_by, decided_at)",
            8,
            &identities,
            "ON CONFLICT (component_id, kind, value) DO NOTHING",
        )?;
        refresh_keys(db, &created)?;
    }
    keys.iter()
        .map(|k| {
            ids.get(k)
                .copied()
                .ok_or_else(|| StoreError::Database("a component row was not created".into()))
        })
        .collect()
}

/// Identities that change what the engine sees (everything but the SBOM's own, unless
/// rejected), for some components or all.
pub(crate) fn identities(
    db: &mut Db,
    components: Option<&[i64]>,
) -> Result<Vec<Identity>, StoreError> {
    let head = "SELECT id, component_id, kind, value, confidence, state, origin, decided_by, decided_at FROM component_identities WHERE (origin <> 'sbom' OR state = 'rejected')";
    let mut rows = Vec::new();
    match components {
        None => rows = db.query(&format!("{head} ORDER BY id"), &[])?,
        Some(ids) => {
            for chunk in ids.chunks(CHUNK) {
                rows.extend(db.query(
                    &format!(
                        "{head} AND component_id IN ({}) ORDER BY id",
                        ids_sql(chunk)
                    ),
                    &[],
                )?);
            }
        }
    }
    Ok(rows.iter().map(|r| identity_row(r)).collect())
}

pub(crate) fn identity_row(r: &[Value]) -> Identity {
    let t = |i: usize| r[i].text().unwrap_or_default().to_string();
    Identity {
        id: r[0].int().unwrap_or(0),
        component_id: r[1].int().unwrap_or(0),
        kind: t(2),
        value: t(3),
        confidence: t(4),
        state: t(5),
        origin: t(6),
        decided_by: r[7].text().map(str::to_string),
        decided_at: r[8].text().map(str::to_string),
    }
}

pub(crate) fn base_row(r: &[Value]) -> ComponentBase {
    ComponentBase {
        kind: r[0].text().map(Into::into),
        name: r[1].text().unwrap_or_default().into(),
        version: r[2].text().map(Into::into),
        supplier: r[3].text().map(Into::into),
        purl: r[4].text().map(str::to_string),
        cpes: r[5]
            .text()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default(),
    }
}

/// Recompute the match keys of components from their data and identities.
pub(crate) fn refresh_keys(db: &mut Db, ids: &[i64]) -> Result<(), StoreError> {
    for chunk in ids.chunks(CHUNK) {
        let list = ids_sql(chunk);
        let rows = db.query(
            &format!(
                "SELECT kind, name, version, supplier, purl, cpes, id FROM components WHERE id IN ({list})"
            ),
            &[],
        )?;
        let idents = identities(db, Some(chunk))?;
        db.exec(
            &format!("DELETE FROM component_keys WHERE component_id IN ({list})"),
            &[],
        )?;
        let mut values = Vec::new();
        let mut platform = Vec::new();
        for r in &rows {
            let id = r[6].int().unwrap_or(0);
            let (c, _) = effective(id, "", &base_row(r), &idents);
            for k in component_keys(&c) {
                values.push(vec![Value::Text(k), Value::Int(id)]);
            }
            if !c.cpes.is_empty() {
                platform.push(id);
            }
        }
        // Components named by CPE make up the platform NVD configurations are evaluated on.
        db.exec(
            &format!(
                "UPDATE components SET platform = CASE WHEN id IN ({}) THEN 1 ELSE 0 END WHERE id IN ({list})",
                if platform.is_empty() { "-1".to_string() } else { ids_sql(&platform) }
            ),
            &[],
        )?;
        db.insert_many(
            "INSERT INTO component_keys (match_key, component_id)",
            2,
            &values,
            "ON CONFLICT (match_key, component_id) DO NOTHING",
        )?;
    }
    Ok(())
}

/// Give every release its device component (the release itself: manufacturer, model, version),
/// so that an inventory without SBOMs is matched too. Returns the releases that got one.
pub(crate) fn ensure_devices(db: &mut Db) -> Result<Vec<i64>, StoreError> {
    let rows = db.query(
        "SELECT r.id, o.name, m.name, r.version FROM releases r JOIN device_models m ON m.id = r.model_id JOIN organizations o ON o.id = m.manufacturer_id WHERE NOT EXISTS (SELECT 1 FROM release_components rc WHERE rc.release_id = r.id AND rc.position = -1) ORDER BY r.id",
        &[],
    )?;
    let bases: Vec<ComponentBase> = rows
        .iter()
        .map(|r| ComponentBase {
            kind: Some("device".into()),
            name: r[2].text().unwrap_or_default().into(),
            version: r[3].text().map(Into::into),
            supplier: r[1].text().map(Into::into),
            purl: None,
            cpes: Vec::new(),
        })
        .collect();
    let ids = component_ids(db, &bases)?;
    let mut links = Vec::with_capacity(rows.len());
    let mut out = Vec::with_capacity(rows.len());
    for (r, id) in rows.iter().zip(ids) {
        let release = r[0].int().unwrap_or(0);
        links.push(vec![
            Value::Int(release),
            Value::Int(DEVICE_POSITION),
            DEVICE_REFERENCE.into(),
            Value::Int(id),
        ]);
        out.push(release);
    }
    db.insert_many(
        "INSERT INTO release_components (release_id, position, reference, component_id)",
        4,
        &links,
        "",
    )?;
    Ok(out)
}

/// Make a release's SBOM components those of `components` (its new current SBOM).
pub(crate) fn set_release_components(
    db: &mut Db,
    release: i64,
    components: &[Component],
) -> Result<(), StoreError> {
    db.exec(
        "DELETE FROM release_components WHERE release_id = $1 AND position >= 0",
        &[Value::Int(release)],
    )?;
    let bases: Vec<ComponentBase> = components
        .iter()
        .map(ComponentBase::from_component)
        .collect();
    let ids = component_ids(db, &bases)?;
    let links: Vec<Vec<Value>> = components
        .iter()
        .zip(ids)
        .enumerate()
        .map(|(i, (c, id))| {
            vec![
                Value::Int(release),
                Value::Int(i as i64),
                c.reference.clone().into(),
                Value::Int(id),
            ]
        })
        .collect();
    db.insert_many(
        "INSERT INTO release_components (release_id, position, reference, component_id)",
        4,
        &links,
        "",
    )
}

/// A release as the engine sees it.
struct ReleaseInput {
    release: i64,
    manufacturer: i64,
    /// (component id, the component, the cap of its unreviewed identities).
    components: Vec<(i64, Component, Option<Confidence>)>,
}

/// The releases' components as the engine sees them. With `advisories`, only the components
/// those advisories can reach by a match key, and every component named by CPE (the platform an
/// NVD configuration is evaluated against), so a new advisory reads a few rows per release.
/// Links, components and releases are read apart and joined here: each query stays on its
/// index on both databases.
fn load_inputs(
    db: &mut Db,
    releases: Option<&[i64]>,
    advisories: Option<&[i64]>,
) -> Result<Vec<ReleaseInput>, StoreError> {
    // Which components a few advisories can reach; None: every component.
    let reached: Option<HashSet<i64>> = match advisories {
        None => None,
        Some(ads) => {
            let mut set = HashSet::new();
            for chunk in ads.chunks(CHUNK) {
                for r in db.query(
                    &format!(
                        "SELECT DISTINCT ck.component_id FROM advisory_keys ak JOIN component_keys ck ON ck.match_key = ak.match_key WHERE ak.advisory_id IN ({})",
                        ids_sql(chunk)
                    ),
                    &[],
                )? {
                    set.extend(r[0].int());
                }
            }
            Some(set)
        }
    };
    let link_sql = "SELECT release_id, position, reference, component_id FROM release_components";
    let release_sql =
        "SELECT r.id, m.manufacturer_id FROM releases r JOIN device_models m ON m.id = r.model_id";
    let mut links = Vec::new();
    let mut makers: HashMap<i64, i64> = HashMap::new();
    let mut collect_makers = |rows: Vec<Vec<Value>>| {
        for r in rows {
            if let (Some(id), Some(m)) = (r[0].int(), r[1].int()) {
                makers.insert(id, m);
            }
        }
    };
    match releases {
        None => {
            links = db.query(&format!("{link_sql} ORDER BY release_id, position"), &[])?;
            collect_makers(db.query(release_sql, &[])?);
        }
        Some(ids) => {
            for chunk in ids.chunks(CHUNK) {
                let list = ids_sql(chunk);
                links.extend(db.query(
                    &format!(
                        "{link_sql} WHERE release_id IN ({list}) ORDER BY release_id, position"
                    ),
                    &[],
                )?);
                collect_makers(db.query(&format!("{release_sql} WHERE r.id IN ({list})"), &[])?);
            }
        }
    }
    // The components the links name (all of them for a full match).
    let component_sql =
        "SELECT kind, name, version, supplier, purl, cpes, id, platform FROM components";
    let mut bases: HashMap<i64, (ComponentBase, bool)> = HashMap::new();
    let mut keep_row = |r: &[Value]| {
        let id = r[6].int().unwrap_or(0);
        let platform = r[7].int() == Some(1);
        if platform || reached.as_ref().is_none_or(|set| set.contains(&id)) {
            bases.insert(id, (base_row(r), platform));
        }
    };
    if releases.is_none() {
        for r in db.query(component_sql, &[])? {
            keep_row(&r);
        }
    } else {
        let wanted: Vec<i64> = links
            .iter()
            .filter_map(|l| l[3].int())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        for chunk in wanted.chunks(CHUNK) {
            for r in db.query(
                &format!("{component_sql} WHERE id IN ({})", ids_sql(chunk)),
                &[],
            )? {
                keep_row(&r);
            }
        }
    }
    let component_ids: Vec<i64> = {
        let set: BTreeSet<i64> = bases.keys().copied().collect();
        set.into_iter().collect()
    };
    let idents = if releases.is_none() {
        identities(db, None)?
    } else {
        identities(db, Some(&component_ids))?
    };
    let mut by_component: HashMap<i64, Vec<Identity>> = HashMap::new();
    for i in idents {
        by_component.entry(i.component_id).or_default().push(i);
    }
    let mut out: Vec<ReleaseInput> = Vec::new();
    for l in links {
        let (Some(release), Some(id)) = (l[0].int(), l[3].int()) else {
            continue;
        };
        let Some((base, _)) = bases.get(&id) else {
            continue;
        };
        let reference = l[2].text().unwrap_or_default();
        let idents = by_component.get(&id).map(Vec::as_slice).unwrap_or_default();
        let (c, cap) = effective(id, reference, base, idents);
        if out.last().is_none_or(|x| x.release != release) {
            out.push(ReleaseInput {
                release,
                manufacturer: makers.get(&release).copied().unwrap_or(0),
                components: Vec::new(),
            });
        }
        if let Some(last) = out.last_mut() {
            last.components.push((id, c, cap));
        }
    }
    Ok(out)
}

/// A stored advisory ready to match.
pub(crate) struct LoadedAdvisory {
    pub row: i64,
    pub scope: Option<i64>,
    pub advisory: Advisory,
}

pub(crate) fn is_vex(source: AdvisorySource) -> bool {
    matches!(
        source,
        AdvisorySource::CsafVex | AdvisorySource::OpenVex | AdvisorySource::CycloneDxVex
    )
}

fn load_advisories(db: &mut Db, ids: Option<&[i64]>) -> Result<Vec<LoadedAdvisory>, StoreError> {
    let head = "SELECT id, scope_org_id, document FROM advisories WHERE current = 1";
    let mut rows = Vec::new();
    match ids {
        None => rows = db.query(&format!("{head} ORDER BY id"), &[])?,
        Some(ids) => {
            for chunk in ids.chunks(CHUNK) {
                rows.extend(db.query(
                    &format!("{head} AND id IN ({}) ORDER BY id", ids_sql(chunk)),
                    &[],
                )?);
            }
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let row = r[0].int().unwrap_or(0);
        let advisory: Advisory = serde_json::from_str(r[2].text().unwrap_or_default())
            .map_err(|e| StoreError::Corrupt(format!("advisory row {row}: {e}")))?;
        out.push(LoadedAdvisory {
            row,
            scope: r[1].int(),
            advisory,
        });
    }
    Ok(out)
}

/// Current advisories that share a match key with a component of the releases.
fn candidate_advisories(db: &mut Db, releases: &[i64]) -> Result<Vec<i64>, StoreError> {
    let mut out = BTreeSet::new();
    for chunk in releases.chunks(CHUNK) {
        for r in db.query(
            &format!(
                "SELECT DISTINCT ak.advisory_id FROM release_components rc JOIN component_keys ck ON ck.component_id = rc.component_id JOIN advisory_keys ak ON ak.match_key = ck.match_key JOIN advisories a ON a.id = ak.advisory_id WHERE a.current = 1 AND rc.release_id IN ({})",
                ids_sql(chunk)
            ),
            &[],
        )? {
            out.extend(r[0].int());
        }
    }
    Ok(out.into_iter().collect())
}

/// Releases with a component that shares a match key with one of the advisories, or with a
/// finding that one of them (or a retired one) contributed to.
pub(crate) fn releases_reached(
    db: &mut Db,
    advisories: &[i64],
    retired: &[i64],
) -> Result<Vec<i64>, StoreError> {
    let mut out = BTreeSet::new();
    for chunk in advisories.chunks(CHUNK) {
        for r in db.query(
            &format!(
                "SELECT DISTINCT rc.release_id FROM advisory_keys ak JOIN component_keys ck ON ck.match_key = ak.match_key JOIN release_components rc ON rc.component_id = ck.component_id WHERE ak.advisory_id IN ({})",
                ids_sql(chunk)
            ),
            &[],
        )? {
            out.extend(r[0].int());
        }
    }
    let all: Vec<i64> = advisories.iter().chain(retired).copied().collect();
    for chunk in all.chunks(CHUNK) {
        for r in db.query(
            &format!(
                "SELECT DISTINCT f.release_id FROM finding_parts p JOIN findings f ON f.id = p.finding_id WHERE p.advisory_id IN ({})",
                ids_sql(chunk)
            ),
            &[],
        )? {
            out.extend(r[0].int());
        }
    }
    Ok(out.into_iter().collect())
}

/// Advisory row ids and whether each is a VEX document, in index order.
type Rows = Vec<(i64, bool)>;

/// One advisory's statement on one (release, component, vulnerability), as stored.
struct StoredPart {
    release: i64,
    component: i64,
    advisory: i64,
    vex: bool,
    finding: Finding,
}

type FindingKey = (i64, i64, String);

/// Run `work` over `items` on every core, keeping the order of the results.
fn parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> Vec<R> + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len().max(1));
    if threads <= 1 || items.len() < 8 {
        return items.iter().flat_map(&work).collect();
    }
    let per = items.len().div_ceil(threads);
    let work = &work;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|chunk| s.spawn(move || chunk.iter().flat_map(work).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// One advisory's statement on one component, before it is placed in a release.
struct ComponentPart {
    advisory: usize,
    finding: Finding,
}

/// Turn an engine part into a stored one: the advisory's row, the cap of unreviewed identities,
/// VEX evidence marked as such.
fn stored(
    release: i64,
    component: i64,
    cap: Option<Confidence>,
    rows: &[(i64, bool)],
    advisory: usize,
    mut f: Finding,
) -> Option<StoredPart> {
    let &(advisory, is_vex) = rows.get(advisory)?;
    if let Some(cap) = cap
        && f.evidence
            .iter()
            .all(|e| matches!(e.method, Method::Cpe | Method::Purl))
    {
        f.confidence = f.confidence.min(cap);
    }
    if is_vex {
        for e in &mut f.evidence {
            e.method = Method::Vex;
        }
    }
    Some(StoredPart {
        release,
        component,
        advisory,
        vex: is_vex,
        finding: f,
    })
}

/// Match the releases against the indexes: the shared one, and the VEX documents of each
/// release's manufacturer. The rules that look at one component at a time run once per
/// distinct component; the NVD rule, which needs every CPE of the release, once per release.
fn scan_releases(
    inputs: &[ReleaseInput],
    shared: &Index<'_>,
    shared_rows: &[(i64, bool)],
    vex: &HashMap<i64, (Index<'_>, Rows)>,
) -> Vec<StoredPart> {
    // Distinct components, each scanned once.
    let mut distinct: Vec<(i64, &Component)> = Vec::new();
    let mut seen = HashSet::new();
    for input in inputs {
        for (id, c, _) in &input.components {
            if seen.insert(*id) {
                distinct.push((*id, c));
            }
        }
    }
    let per_component = ScanOptions {
        rules: Rules::PerComponent,
        ..ScanOptions::default()
    };
    let chunks: Vec<&[(i64, &Component)]> = distinct.chunks(256).collect();
    let scanned: Vec<(i64, ComponentPart)> = parallel(&chunks, |chunk| {
        // Unique references within the chunk: the component id.
        let sbom = Sbom::from_components(
            chunk
                .iter()
                .map(|(id, c)| Component {
                    reference: id.to_string().into(),
                    ..(*c).clone()
                })
                .collect(),
        );
        scan_parts(&sbom, shared, &per_component)
            .into_iter()
            .filter_map(|p| {
                let id: i64 = p.finding.component_ref.parse().ok()?;
                Some((
                    id,
                    ComponentPart {
                        advisory: p.advisory,
                        finding: p.finding,
                    },
                ))
            })
            .collect()
    });
    let mut by_component: HashMap<i64, Vec<ComponentPart>> = HashMap::new();
    for (id, p) in scanned {
        by_component.entry(id).or_default().push(p);
    }
    let platform = ScanOptions {
        rules: Rules::Platform,
        ..ScanOptions::default()
    };
    let everything = ScanOptions::default();
    parallel(inputs, |input| {
        let mut out = Vec::new();
        for (id, c, cap) in &input.components {
            for p in by_component.get(id).map(Vec::as_slice).unwrap_or_default() {
                let mut f = p.finding.clone();
                f.component_ref = c.reference.to_string();
                out.extend(stored(input.release, *id, *cap, shared_rows, p.advisory, f));
            }
        }
        let ids: HashMap<(&str, &str), (i64, Option<Confidence>)> = input
            .components
            .iter()
            .map(|(id, c, cap)| ((c.reference.as_str(), c.name.as_str()), (*id, *cap)))
            .collect();
        let mut run =
            |index: &Index<'_>, rows: &[(i64, bool)], sbom: &Sbom, options: &ScanOptions| {
                for part in scan_parts(sbom, index, options) {
                    let key = (
                        part.finding.component_ref.as_str(),
                        part.finding.component_name.as_str(),
                    );
                    let Some(&(component, cap)) = ids.get(&key) else {
                        continue;
                    };
                    out.extend(stored(
                        input.release,
                        component,
                        cap,
                        rows,
                        part.advisory,
                        part.finding,
                    ));
                }
            };
        // The release's CPEs together, for NVD configurations.
        let with_cpes: Vec<Component> = input
            .components
            .iter()
            .filter(|(_, c, _)| !c.cpes.is_empty())
            .map(|(_, c, _)| c.clone())
            .collect();
        if !with_cpes.is_empty() {
            run(
                shared,
                shared_rows,
                &Sbom::from_components(with_cpes),
                &platform,
            );
        }
        if let Some((index, rows)) = vex.get(&input.manufacturer) {
            let sbom =
                Sbom::from_components(input.components.iter().map(|(_, c, _)| c.clone()).collect());
            run(index, rows, &sbom, &everything);
        }
        out
    })
}

/// The finding a set of parts gives: the advisories' statements merged, then the VEX documents
/// of the release's manufacturer, the latest last, overriding the status.
fn combine(parts: &[&StoredPart]) -> Option<Finding> {
    let mut merged = merge_parts(parts.iter().filter(|p| !p.vex).map(|p| &p.finding));
    let mut vex: Vec<&&StoredPart> = parts.iter().filter(|p| p.vex).collect();
    vex.sort_by_key(|p| p.advisory);
    for v in vex {
        match merged.as_mut() {
            None => merged = Some(v.finding.clone()),
            Some(m) => {
                m.status = v.finding.status;
                m.justification = v.finding.justification.clone();
                for s in &v.finding.source {
                    if !m.source.contains(s) {
                        m.source.push(s.clone());
                    }
                }
                m.source.sort();
                m.evidence.extend(v.finding.evidence.iter().cloned());
            }
        }
    }
    merged
}

/// Match releases again and store the result (see the module documentation).
pub(crate) fn rematch(
    db: &mut Db,
    releases: Option<&[i64]>,
    scope: Scope,
) -> Result<MatchSummary, StoreError> {
    if releases.is_some_and(<[i64]>::is_empty) {
        return Ok(MatchSummary::default());
    }
    // Few advisories: read only what they can reach. Many: read the releases whole.
    let reach = match &scope {
        Scope::Advisories { matched, .. } if matched.len() <= CHUNK => Some(matched.as_slice()),
        _ => None,
    };
    let inputs = load_inputs(db, releases, reach)?;
    let release_ids: Vec<i64> = match releases {
        Some(r) => r.to_vec(),
        None => inputs.iter().map(|i| i.release).collect(),
    };
    let (advisories, replaced): (Vec<LoadedAdvisory>, Option<HashSet<i64>>) = match &scope {
        Scope::All => {
            let ads = match releases {
                None => load_advisories(db, None)?,
                Some(r) => {
                    let ids = candidate_advisories(db, r)?;
                    load_advisories(db, Some(&ids))?
                }
            };
            (ads, None)
        }
        Scope::Advisories { matched, retired } => {
            let ads = load_advisories(db, Some(matched))?;
            let set: HashSet<i64> = matched.iter().chain(retired).copied().collect();
            (ads, Some(set))
        }
    };
    // Shared advisories in one index; VEX documents of a manufacturer in one index each.
    let mut shared_docs = Vec::new();
    let mut shared_rows = Vec::new();
    let mut vex_docs: HashMap<i64, (Vec<Advisory>, Rows)> = HashMap::new();
    let count = advisories.len();
    for a in advisories {
        match a.scope {
            Some(org) => {
                let e = vex_docs.entry(org).or_default();
                e.0.push(a.advisory);
                e.1.push((a.row, true));
            }
            None => {
                shared_docs.push(a.advisory);
                shared_rows.push((a.row, false));
            }
        }
    }
    let shared = Index::build(&shared_docs);
    let vex: HashMap<i64, (Index<'_>, Rows)> = vex_docs
        .iter()
        .map(|(org, (docs, rows))| (*org, (Index::build(docs), rows.clone())))
        .collect();
    let new_parts = scan_releases(&inputs, &shared, &shared_rows, &vex);

    // What the findings of these releases are now.
    let mut existing: HashMap<FindingKey, (i64, bool)> = HashMap::new();
    for chunk in release_ids.chunks(CHUNK) {
        for r in db.query(
            &format!(
                "SELECT id, release_id, component_id, vulnerability_id, present FROM findings WHERE release_id IN ({})",
                ids_sql(chunk)
            ),
            &[],
        )? {
            existing.insert(
                (
                    r[1].int().unwrap_or(0),
                    r[2].int().unwrap_or(0),
                    r[3].text().unwrap_or_default().to_string(),
                ),
                (r[0].int().unwrap_or(0), r[4].int() == Some(1)),
            );
        }
    }
    // With some advisories in scope, only the findings they speak of (now or before) change:
    // those are merged again with the parts other advisories keep.
    let touched: Option<HashSet<FindingKey>> = match &replaced {
        None => None,
        Some(set) => {
            let by_id: HashMap<i64, &FindingKey> =
                existing.iter().map(|(k, (id, _))| (*id, k)).collect();
            let mut keys: HashSet<FindingKey> = new_parts
                .iter()
                .map(|p| (p.release, p.component, p.finding.vulnerability_id.clone()))
                .collect();
            let ads: Vec<i64> = set.iter().copied().collect();
            for chunk in release_ids.chunks(CHUNK) {
                for a in ads.chunks(CHUNK) {
                    for r in db.query(
                        &format!(
                            "SELECT p.finding_id FROM finding_parts p JOIN findings f ON f.id = p.finding_id WHERE f.release_id IN ({}) AND p.advisory_id IN ({})",
                            ids_sql(chunk),
                            ids_sql(a)
                        ),
                        &[],
                    )? {
                        if let Some(k) = r[0].int().and_then(|id| by_id.get(&id)) {
                            keys.insert((*k).clone());
                        }
                    }
                }
            }
            Some(keys)
        }
    };
    // Parts of other advisories stay; load them to merge with the new ones.
    let mut kept: Vec<StoredPart> = Vec::new();
    if let (Some(replaced), Some(touched)) = (&replaced, &touched) {
        let ids: Vec<i64> = touched
            .iter()
            .filter_map(|k| existing.get(k).map(|(id, _)| *id))
            .collect();
        for chunk in ids.chunks(CHUNK) {
            for r in db.query(
                &format!(
                    "SELECT f.release_id, f.component_id, p.advisory_id, p.vex, p.part FROM finding_parts p JOIN findings f ON f.id = p.finding_id WHERE p.finding_id IN ({})",
                    ids_sql(chunk)
                ),
                &[],
            )? {
                let advisory = r[2].int().unwrap_or(0);
                if replaced.contains(&advisory) {
                    continue;
                }
                let finding: Finding = serde_json::from_str(r[4].text().unwrap_or_default())
                    .map_err(|e| StoreError::Corrupt(format!("finding part: {e}")))?;
                kept.push(StoredPart {
                    release: r[0].int().unwrap_or(0),
                    component: r[1].int().unwrap_or(0),
                    advisory,
                    vex: r[3].int() == Some(1),
                    finding,
                });
            }
        }
    }
    // Drop the parts being replaced.
    for chunk in release_ids.chunks(CHUNK) {
        let list = ids_sql(chunk);
        match &replaced {
            None => db.exec(
                &format!(
                    "DELETE FROM finding_parts WHERE finding_id IN (SELECT id FROM findings WHERE release_id IN ({list}))"
                ),
                &[],
            )?,
            Some(set) => {
                let ads: Vec<i64> = set.iter().copied().collect();
                let mut n = 0;
                for a in ads.chunks(CHUNK) {
                    n += db.exec(
                        &format!(
                            "DELETE FROM finding_parts WHERE advisory_id IN ({}) AND finding_id IN (SELECT id FROM findings WHERE release_id IN ({list}))",
                            ids_sql(a)
                        ),
                        &[],
                    )?;
                }
                n
            }
        };
    }

    // Merge per finding.
    let mut groups: HashMap<FindingKey, Vec<&StoredPart>> = HashMap::new();
    for p in new_parts.iter().chain(&kept) {
        groups
            .entry((p.release, p.component, p.finding.vulnerability_id.clone()))
            .or_default()
            .push(p);
    }
    let decisions = latest_decisions(db, &release_ids)?;
    let kev = crate::findings::kev_set(db)?;
    let now = now_utc();
    let mut rows = Vec::with_capacity(groups.len());
    let mut summary = MatchSummary {
        releases: release_ids.len(),
        advisories: count,
        ..MatchSummary::default()
    };
    let mut keys: Vec<&FindingKey> = groups.keys().collect();
    keys.sort();
    for key in keys {
        let Some(f) = combine(&groups[key]) else {
            continue;
        };
        match existing.get(key) {
            Some((_, true)) => {}
            _ => summary.new_findings += 1,
        }
        let (status, justification) = match decisions.get(key) {
            Some((s, j)) => (s.clone(), j.clone()),
            None => (f.status.key().to_string(), f.justification.clone()),
        };
        rows.push(vec![
            Value::Int(key.0),
            Value::Int(key.1),
            f.component_ref.clone().into(),
            key.2.clone().into(),
            json(&f.aliases).into(),
            f.status.key().into(),
            status.into(),
            justification.into(),
            f.confidence.key().into(),
            json(&f.source).into(),
            f.cvss.as_ref().map(|c| c.version.clone()).into(),
            f.cvss.as_ref().map(|c| c.vector.clone()).into(),
            f.cvss
                .as_ref()
                .and_then(|c| c.score)
                .map(|s| format!("{s:.1}"))
                .into(),
            json(&f.evidence).into(),
            Value::Text(now.clone()),
            Value::Text(now.clone()),
            Value::Int(1),
            Value::Int(i64::from(
                kev.contains(&key.2) || f.aliases.iter().any(|a| kev.contains(a)),
            )),
            Value::Int(
                f.cvss
                    .as_ref()
                    .and_then(|c| c.score)
                    .map_or(-1, |s| (s * 10.0).round() as i64),
            ),
        ]);
    }
    summary.findings = rows.len();
    let mut aliases: Vec<Vec<Value>> = Vec::new();
    let mut seen_alias = HashSet::new();
    for g in groups.values() {
        for p in g {
            for a in &p.finding.aliases {
                if seen_alias.insert((a.as_str(), p.finding.vulnerability_id.as_str())) {
                    aliases.push(vec![
                        Value::Text(a.clone()),
                        Value::Text(p.finding.vulnerability_id.clone()),
                    ]);
                }
            }
        }
    }
    db.insert_many(
        "INSERT INTO vulnerability_aliases (alias, vulnerability_id)",
        2,
        &aliases,
        "ON CONFLICT (alias, vulnerability_id) DO NOTHING",
    )?;
    db.insert_many(
        "INSERT INTO findings (release_id, component_id, component_ref, vulnerability_id, aliases, matched_status, status, justification, confidence, source, cvss_version, cvss_vector, cvss_score, evidence, first_seen, last_seen, present, kev, score_rank)",
        19,
        &rows,
        "ON CONFLICT (release_id, component_id, vulnerability_id) DO UPDATE SET component_ref = excluded.component_ref, aliases = excluded.aliases, matched_status = excluded.matched_status, status = excluded.status, justification = excluded.justification, confidence = excluded.confidence, source = excluded.source, cvss_version = excluded.cvss_version, cvss_vector = excluded.cvss_vector, cvss_score = excluded.cvss_score, evidence = excluded.evidence, last_seen = excluded.last_seen, present = 1, kev = excluded.kev, score_rank = excluded.score_rank",
    )?;
    // Findings no advisory speaks of any more stay, marked absent.
    let gone: Vec<i64> = existing
        .iter()
        .filter(|(k, (_, present))| {
            *present && !groups.contains_key(*k) && touched.as_ref().is_none_or(|t| t.contains(*k))
        })
        .map(|(_, (id, _))| *id)
        .collect();
    summary.gone_findings = gone.len();
    for chunk in gone.chunks(CHUNK) {
        db.exec(
            &format!(
                "UPDATE findings SET present = 0, matched_status = NULL WHERE id IN ({})",
                ids_sql(chunk)
            ),
            &[],
        )?;
    }
    // The new parts, under their findings' ids.
    if !new_parts.is_empty() {
        let mut ids: HashMap<FindingKey, i64> = HashMap::new();
        for chunk in release_ids.chunks(CHUNK) {
            for r in db.query(
                &format!(
                    "SELECT id, release_id, component_id, vulnerability_id FROM findings WHERE release_id IN ({})",
                    ids_sql(chunk)
                ),
                &[],
            )? {
                ids.insert(
                    (
                        r[1].int().unwrap_or(0),
                        r[2].int().unwrap_or(0),
                        r[3].text().unwrap_or_default().to_string(),
                    ),
                    r[0].int().unwrap_or(0),
                );
            }
        }
        // One part per (finding, advisory): statements of one advisory found by several rules
        // (or for a component listed twice) are merged.
        let mut merged: HashMap<(i64, i64), (bool, Vec<&Finding>)> = HashMap::new();
        let mut order = Vec::new();
        for p in &new_parts {
            let Some(&id) = ids.get(&(p.release, p.component, p.finding.vulnerability_id.clone()))
            else {
                continue;
            };
            let e = merged.entry((id, p.advisory)).or_insert_with(|| {
                order.push((id, p.advisory));
                (p.vex, Vec::new())
            });
            e.1.push(&p.finding);
        }
        let values: Vec<Vec<Value>> = order
            .iter()
            .filter_map(|key| {
                let (vex, parts) = merged.get(key)?;
                let f = merge_parts(parts.iter().copied())?;
                Some(vec![
                    Value::Int(key.0),
                    Value::Int(key.1),
                    Value::Int(i64::from(*vex)),
                    json(&f).into(),
                ])
            })
            .collect();
        db.insert_many(
            "INSERT INTO finding_parts (finding_id, advisory_id, vex, part)",
            4,
            &values,
            "ON CONFLICT (finding_id, advisory_id) DO UPDATE SET vex = excluded.vex, part = excluded.part",
        )?;
    }
    Ok(summary)
}

/// The latest release-level decision of each finding of the releases.
fn latest_decisions(
    db: &mut Db,
    releases: &[i64],
) -> Result<HashMap<FindingKey, (String, Option<String>)>, StoreError> {
    let mut out = HashMap::new();
    for chunk in releases.chunks(CHUNK) {
        for r in db.query(
            &format!(
                "SELECT f.release_id, f.component_id, f.vulnerability_id, d.status, d.justification FROM finding_decisions d JOIN findings f ON f.id = d.finding_id WHERE d.asset_ref IS NULL AND f.release_id IN ({}) ORDER BY d.id",
                ids_sql(chunk)
            ),
            &[],
        )? {
            out.insert(
                (
                    r[0].int().unwrap_or(0),
                    r[1].int().unwrap_or(0),
                    r[2].text().unwrap_or_default().to_string(),
                ),
                (
                    r[3].text().unwrap_or_default().to_string(),
                    r[4].text().map(str::to_string),
                ),
            );
        }
    }
    Ok(out)
}

/// Whether a status text is one a decision may set.
pub fn parse_status(s: &str) -> Result<FindingStatus, StoreError> {
    Ok(match s.trim().replace('-', "_").as_str() {
        "affected" => FindingStatus::Affected,
        "not_affected" => FindingStatus::NotAffected,
        "fixed" => FindingStatus::Fixed,
        "under_investigation" => FindingStatus::UnderInvestigation,
        _ => {
            return Err(StoreError::NotFound(format!(
                "unknown status '{s}' (affected, not_affected, fixed or under_investigation)"
            )));
        }
    })
}

/// A hospital's VEX document: its statements become per-asset decisions on the findings of
/// its own assets (not decommissioned) that the statements name. Returns the decisions made.
pub(crate) fn apply_hospital_vex(
    db: &mut Db,
    org: i64,
    advisory_key: &str,
    advisory: &Advisory,
) -> Result<usize, StoreError> {
    let mut assets: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in db.query(
        "SELECT release_id, id FROM assets WHERE organization_id = $1 AND release_id IS NOT NULL AND status <> 'decommissioned'",
        &[Value::Int(org)],
    )? {
        if let (Some(rel), Some(id)) = (r[0].int(), r[1].int()) {
            assets.entry(rel).or_default().push(id);
        }
    }
    let mut releases: Vec<i64> = assets.keys().copied().collect();
    releases.sort_unstable();
    let inputs = load_inputs(db, Some(&releases), None)?;
    let docs = std::slice::from_ref(advisory);
    let index = Index::build(docs);
    let parts = scan_releases(&inputs, &index, &[(0, true)], &HashMap::new());
    let by = advisory
        .publisher
        .clone()
        .unwrap_or_else(|| "VEX document".to_string());
    let now = now_utc();
    let mut rows = Vec::new();
    for p in parts {
        let f = &p.finding;
        let names: Vec<&String> = std::iter::once(&f.vulnerability_id)
            .chain(&f.aliases)
            .collect();
        for r in db.query(
            "SELECT id, vulnerability_id, aliases FROM findings WHERE release_id = $1 AND component_id = $2",
            &[Value::Int(p.release), Value::Int(p.component)],
        )? {
            let id = r[1].text().unwrap_or_default();
            let aliases: Vec<String> = r[2]
                .text()
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or_default();
            if !names.iter().any(|n| **n == id || aliases.contains(n)) {
                continue;
            }
            for asset in assets.get(&p.release).map(Vec::as_slice).unwrap_or_default() {
                rows.push(vec![
                    Value::Int(r[0].int().unwrap_or(0)),
                    Value::Int(*asset),
                    f.status.key().into(),
                    f.justification.clone().into(),
                    Value::Text(format!("VEX {}", advisory.id)),
                    Value::Text(by.clone()),
                    Value::Text(now.clone()),
                    Value::Text(format!("vex:{advisory_key}")),
                ]);
            }
        }
    }
    db.insert_many(
        "INSERT INTO finding_decisions (finding_id, asset_ref, status, justification, note, decided_by, decided_at, origin)",
        8,
        &rows,
        "",
    )?;
    Ok(rows.len())
}
