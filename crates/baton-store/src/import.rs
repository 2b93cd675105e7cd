//! Imports: each file is applied in one transaction, after every row has been resolved, so a bad
//! row leaves the database as it was.

use std::collections::HashMap;

use baton_formats::inventory::{
    AgreementRow, AliasRow, AssessmentRow, AssetRow, CapabilityRow, ModelRow, PolicyRow,
    ReleaseRow, name_key,
};
use baton_formats::{InputError, Located};
use baton_model::vocab::OrgKind;
use baton_model::{Dated, Milestones};
use chrono::NaiveDate;

use crate::StoreError;
use crate::db::{Db, Value};

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportSummary {
    pub kind: &'static str,
    pub file: String,
    pub rows: usize,
    pub inserted: usize,
    pub updated: usize,
    pub organizations_created: usize,
    pub releases_created: usize,
}

fn row_error(file: &str, line: u64, column: &str, message: impl Into<String>) -> StoreError {
    StoreError::Input(InputError::new(file, Some(line), Some(column), message))
}

fn date(d: Option<NaiveDate>) -> Value {
    d.map_or(Value::Null, |d| Value::Text(d.to_string()))
}

fn milestone_values(m: &Milestones) -> [Value; 4] {
    let part = |x: Option<Dated>| (date(x.map(|m| m.date)), date(x.and_then(|m| m.announced)));
    let (eol, eol_a) = part(m.eol);
    let (eos, eos_a) = part(m.eos);
    [eol, eol_a, eos, eos_a]
}

/// Organizations by name, through the alias table; creates the ones not seen before.
pub(crate) struct Orgs {
    by_key: HashMap<String, (i64, OrgKind)>,
    aliases: HashMap<String, (String, String)>,
    pub created: usize,
    today: NaiveDate,
}

impl Orgs {
    pub(crate) fn load(db: &mut Db, today: NaiveDate) -> Result<Orgs, StoreError> {
        let mut by_key = HashMap::new();
        for r in db.query("SELECT id, name_key, kind FROM organizations", &[])? {
            let (Some(id), Some(key), Some(kind)) = (r[0].int(), r[1].text(), r[2].text()) else {
                continue;
            };
            let kind = kind
                .parse()
                .map_err(|e: baton_model::UnknownTerm| StoreError::Corrupt(e.to_string()))?;
            by_key.insert(key.to_string(), (id, kind));
        }
        let mut aliases = HashMap::new();
        for r in db.query(
            "SELECT alias_key, name, name_key FROM organization_aliases",
            &[],
        )? {
            if let (Some(a), Some(n), Some(k)) = (r[0].text(), r[1].text(), r[2].text()) {
                aliases.insert(a.to_string(), (n.to_string(), k.to_string()));
            }
        }
        Ok(Orgs {
            by_key,
            aliases,
            created: 0,
            today,
        })
    }

    /// The canonical name and key for a name as written.
    fn canonical(&self, name: &str) -> (String, String) {
        let key = name_key(name);
        match self.aliases.get(&key) {
            Some((n, k)) => (n.clone(), k.clone()),
            None => (name.trim().to_string(), key),
        }
    }

    pub(crate) fn find(&self, name: &str) -> Option<i64> {
        self.by_key.get(&self.canonical(name).1).map(|(id, _)| *id)
    }

    pub(crate) fn find_with_kind(&self, name: &str) -> Option<(i64, OrgKind)> {
        self.by_key.get(&self.canonical(name).1).copied()
    }

    pub(crate) fn get_or_create(
        &mut self,
        db: &mut Db,
        name: &str,
        kind: OrgKind,
    ) -> Result<i64, StoreError> {
        let (display, key) = self.canonical(name);
        if let Some((id, _)) = self.by_key.get(&key) {
            return Ok(*id);
        }
        let rows = db.query(
            "INSERT INTO organizations (name, name_key, kind, created_on) VALUES ($1, $2, $3, $4) RETURNING id",
            &[display.into(), key.clone().into(), kind.key().into(), self.today.to_string().into()],
        )?;
        let id = rows
            .first()
            .and_then(|r| r.first())
            .and_then(Value::int)
            .ok_or_else(|| StoreError::Database("no id returned for a new organization".into()))?;
        self.by_key.insert(key, (id, kind));
        self.created += 1;
        Ok(id)
    }
}

/// Models by (manufacturer id, model key): (model id, udi_di).
/// Models by (manufacturer id, model key) → (model id, UDI-DI).
type ModelIndex = HashMap<(i64, String), (i64, Option<String>)>;

fn load_models(db: &mut Db) -> Result<ModelIndex, StoreError> {
    let mut out = HashMap::new();
    for r in db.query(
        "SELECT id, manufacturer_id, name_key, udi_di FROM device_models",
        &[],
    )? {
        if let (Some(id), Some(m), Some(k)) = (r[0].int(), r[1].int(), r[2].text()) {
            out.insert((m, k.to_string()), (id, r[3].text().map(str::to_string)));
        }
    }
    Ok(out)
}

fn find_model(
    orgs: &Orgs,
    models: &ModelIndex,
    file: &str,
    line: u64,
    manufacturer: &str,
    model: &str,
) -> Result<(i64, Option<String>), StoreError> {
    orgs.find(manufacturer)
        .and_then(|m| models.get(&(m, name_key(model))).cloned())
        .ok_or_else(|| {
            row_error(file, line, "model", format!("unknown model '{model}' of '{manufacturer}' (import it with `baton import models` first)"))
        })
}

fn record_import(
    db: &mut Db,
    kind: &str,
    file: &str,
    sha256: &str,
    rows: usize,
) -> Result<(), StoreError> {
    db.exec(
        "INSERT INTO imports (kind, file, sha256, rows, imported_at) VALUES ($1, $2, $3, $4, $5)",
        &[
            kind.into(),
            file.into(),
            sha256.into(),
            Value::Int(rows as i64),
            crate::now_utc().into(),
        ],
    )?;
    Ok(())
}

/// Count how many of `keys` already exist, given the existing key set.
fn split_counts<K: std::hash::Hash + Eq>(
    existing: &std::collections::HashSet<K>,
    keys: impl Iterator<Item = K>,
) -> (usize, usize) {
    let (mut ins, mut upd) = (0, 0);
    for k in keys {
        if existing.contains(&k) {
            upd += 1
        } else {
            ins += 1
        }
    }
    (ins, upd)
}

/// How one kind of import writes its rows.
struct Upsert {
    kind: &'static str,
    /// `INSERT INTO t (columns…)`
    insert: &'static str,
    width: usize,
    /// `ON CONFLICT (key) DO UPDATE SET …`
    on_conflict: &'static str,
    /// Rows in the file (some may write nothing, like an alias of itself).
    rows: usize,
}

/// The end of every import: one batched upsert, the import recorded, and what was new counted.
#[allow(clippy::too_many_arguments)]
fn finish<K: std::hash::Hash + Eq>(
    db: &mut Db,
    ctx: &Ctx<'_>,
    upsert: &Upsert,
    values: &[Vec<Value>],
    existing: &std::collections::HashSet<K>,
    keys: impl Iterator<Item = K>,
    organizations_created: usize,
    releases_created: usize,
) -> Result<ImportSummary, StoreError> {
    db.insert_many(upsert.insert, upsert.width, values, upsert.on_conflict)?;
    let (inserted, updated) = split_counts(existing, keys);
    record_import(db, upsert.kind, ctx.file, ctx.sha256, upsert.rows)?;
    Ok(ImportSummary {
        kind: upsert.kind,
        file: ctx.file.into(),
        rows: upsert.rows,
        inserted,
        updated,
        organizations_created,
        releases_created,
    })
}

pub(crate) struct Ctx<'a> {
    pub file: &'a str,
    pub sha256: &'a str,
    pub today: NaiveDate,
}

pub(crate) fn models(
    db: &mut Db,
    ctx: &Ctx<'_>,
    rows: &[Located<ModelRow>],
) -> Result<ImportSummary, StoreError> {
    let mut orgs = Orgs::load(db, ctx.today)?;
    let existing_models = load_models(db)?;
    let mut values = Vec::with_capacity(rows.len());
    let mut keys = Vec::with_capacity(rows.len());
    let mut seen = std::collections::HashSet::new();
    for r in rows {
        let m = &r.record;
        let mfr = orgs.get_or_create(db, &m.manufacturer, OrgKind::Mdm)?;
        let key = (mfr, name_key(&m.model));
        // Two spellings that resolve to one manufacturer through aliases.
        if !seen.insert(key.clone()) {
            return Err(row_error(
                ctx.file,
                r.line,
                "model",
                format!(
                    "duplicate model '{}' of '{}' (same manufacturer through an alias)",
                    m.model, m.manufacturer
                ),
            ));
        }
        keys.push(key);
        let [eol, eol_a, eos, eos_a] = milestone_values(&m.milestones);
        values.push(vec![
            Value::Int(mfr),
            m.model.clone().into(),
            name_key(&m.model).into(),
            m.model_number.clone().into(),
            m.udi_di.clone().into(),
            m.device_type.clone().into(),
            m.criticality.map(|c| c.key()).into(),
            date(m.milestones.general_availability),
            eol,
            eol_a,
            eos,
            eos_a,
        ]);
    }
    let existing: std::collections::HashSet<_> = existing_models.into_keys().collect();
    let upsert = Upsert {
        kind: "models",
        insert: "INSERT INTO device_models (manufacturer_id, name, name_key, model_number, udi_di, device_type, criticality, general_availability, eol_date, eol_announced, eos_date, eos_announced)",
        width: 12,
        on_conflict: "ON CONFLICT (manufacturer_id, name_key) DO UPDATE SET name = excluded.name, model_number = excluded.model_number, udi_di = excluded.udi_di, device_type = excluded.device_type, criticality = excluded.criticality, general_availability = excluded.general_availability, eol_date = excluded.eol_date, eol_announced = excluded.eol_announced, eos_date = excluded.eos_date, eos_announced = excluded.eos_announced",
        rows: rows.len(),
    };
    let organizations_created = orgs.created;
    finish(
        db,
        ctx,
        &upsert,
        &values,
        &existing,
        keys.into_iter(),
        organizations_created,
        0,
    )
}

/// Releases by (model id, version).
fn load_releases(db: &mut Db) -> Result<HashMap<(i64, String), i64>, StoreError> {
    let mut out = HashMap::new();
    for r in db.query("SELECT id, model_id, version FROM releases", &[])? {
        if let (Some(id), Some(m), Some(v)) = (r[0].int(), r[1].int(), r[2].text()) {
            out.insert((m, v.to_string()), id);
        }
    }
    Ok(out)
}

pub(crate) fn releases(
    db: &mut Db,
    ctx: &Ctx<'_>,
    rows: &[Located<ReleaseRow>],
) -> Result<ImportSummary, StoreError> {
    let orgs = Orgs::load(db, ctx.today)?;
    let models = load_models(db)?;
    let existing: std::collections::HashSet<_> = load_releases(db)?.into_keys().collect();
    let mut values = Vec::with_capacity(rows.len());
    let mut keys = Vec::with_capacity(rows.len());
    for r in rows {
        let m = &r.record;
        let (model_id, _) =
            find_model(&orgs, &models, ctx.file, r.line, &m.manufacturer, &m.model)?;
        keys.push((model_id, m.version.clone()));
        let [eol, eol_a, eos, eos_a] = milestone_values(&m.milestones);
        values.push(vec![
            Value::Int(model_id),
            m.version.clone().into(),
            date(m.released),
            eol,
            eol_a,
            eos,
            eos_a,
        ]);
    }
    let upsert = Upsert {
        kind: "releases",
        insert: "INSERT INTO releases (model_id, version, released, eol_date, eol_announced, eos_date, eos_announced)",
        width: 7,
        on_conflict: "ON CONFLICT (model_id, version) DO UPDATE SET released = excluded.released, eol_date = excluded.eol_date, eol_announced = excluded.eol_announced, eos_date = excluded.eos_date, eos_announced = excluded.eos_announced",
        rows: rows.len(),
    };
    finish(db, ctx, &upsert, &values, &existing, keys.into_iter(), 0, 0)
}

pub(crate) fn assets(
    db: &mut Db,
    ctx: &Ctx<'_>,
    rows: &[Located<AssetRow>],
) -> Result<ImportSummary, StoreError> {
    let mut orgs = Orgs::load(db, ctx.today)?;
    let models = load_models(db)?;
    let mut releases = load_releases(db)?;
    let mut existing = std::collections::HashSet::new();
    for r in db.query("SELECT organization_id, asset_id FROM assets", &[])? {
        if let (Some(o), Some(a)) = (r[0].int(), r[1].text()) {
            existing.insert((o, a.to_string()));
        }
    }
    let mut new_releases = 0;
    let mut values = Vec::with_capacity(rows.len());
    let mut keys = Vec::with_capacity(rows.len());
    let mut seen = std::collections::HashSet::with_capacity(rows.len());
    let today = Value::Text(ctx.today.to_string());
    for r in rows {
        let a = &r.record;
        let (model_id, udi_di) =
            find_model(&orgs, &models, ctx.file, r.line, &a.manufacturer, &a.model)?;
        let org = orgs.get_or_create(db, &a.organization, OrgKind::Hdo)?;
        if !seen.insert((org, a.asset_id.clone())) {
            return Err(row_error(
                ctx.file,
                r.line,
                "asset_id",
                format!(
                    "duplicate asset '{}' of '{}' (same organization through an alias)",
                    a.asset_id, a.organization
                ),
            ));
        }
        if let (Some(udi), Some(di)) = (&a.parsed_udi, &udi_di)
            && !baton_udi::di_matches(di, udi)
        {
            return Err(row_error(
                ctx.file,
                r.line,
                "udi",
                format!(
                    "the UDI's device identifier {} does not match model '{}' (UDI-DI {di})",
                    udi.device_identifier, a.model
                ),
            ));
        }
        let release = match &a.software_version {
            None => Value::Null,
            Some(v) => match releases.get(&(model_id, v.clone())) {
                Some(id) => Value::Int(*id),
                None => {
                    let rows = db.query(
                        "INSERT INTO releases (model_id, version) VALUES ($1, $2) RETURNING id",
                        &[Value::Int(model_id), v.clone().into()],
                    )?;
                    let id = rows
                        .first()
                        .and_then(|r| r.first())
                        .and_then(Value::int)
                        .ok_or_else(|| {
                            StoreError::Database("no id returned for a new release".into())
                        })?;
                    releases.insert((model_id, v.clone()), id);
                    new_releases += 1;
                    Value::Int(id)
                }
            },
        };
        keys.push((org, a.asset_id.clone()));
        let u = a.parsed_udi.as_ref();
        values.push(vec![
            Value::Int(org),
            a.asset_id.clone().into(),
            Value::Int(model_id),
            release,
            a.serial.clone().into(),
            a.udi.clone().into(),
            u.map(|u| u.device_identifier.clone()).into(),
            u.and_then(|u| u.lot.clone()).into(),
            u.and_then(|u| u.serial.clone()).into(),
            date(u.and_then(|u| u.expiry_date)),
            a.site.clone().into(),
            a.department.clone().into(),
            a.network_zone.clone().into(),
            a.status.key().into(),
            today.clone(),
            today.clone(),
        ]);
    }
    let upsert = Upsert {
        kind: "assets",
        insert: "INSERT INTO assets (organization_id, asset_id, model_id, release_id, serial, udi, udi_di, udi_lot, udi_serial, udi_expiry, site, department, network_zone, status, imported_on, updated_on)",
        width: 16,
        on_conflict: "ON CONFLICT (organization_id, asset_id) DO UPDATE SET model_id = excluded.model_id, release_id = excluded.release_id, serial = excluded.serial, udi = excluded.udi, udi_di = excluded.udi_di, udi_lot = excluded.udi_lot, udi_serial = excluded.udi_serial, udi_expiry = excluded.udi_expiry, site = excluded.site, department = excluded.department, network_zone = excluded.network_zone, status = excluded.status, updated_on = excluded.updated_on",
        rows: rows.len(),
    };
    finish(
        db,
        ctx,
        &upsert,
        &values,
        &existing,
        keys.into_iter(),
        orgs.created,
        new_releases,
    )
}

fn existing_keys(
    db: &mut Db,
    sql: &'static str,
) -> Result<std::collections::HashSet<String>, StoreError> {
    Ok(db
        .query(sql, &[])?
        .iter()
        .filter_map(|r| r[0].text().map(str::to_string))
        .collect())
}

pub(crate) fn agreements(
    db: &mut Db,
    ctx: &Ctx<'_>,
    rows: &[Located<AgreementRow>],
) -> Result<ImportSummary, StoreError> {
    let mut orgs = Orgs::load(db, ctx.today)?;
    let models = load_models(db)?;
    let existing = existing_keys(db, "SELECT agreement_key FROM agreements")?;
    let mut values = Vec::with_capacity(rows.len());
    let mut keys = std::collections::HashSet::new();
    for r in rows {
        let a = &r.record;
        let model_id = match &a.model {
            Some(model) => {
                Some(find_model(&orgs, &models, ctx.file, r.line, &a.manufacturer, model)?.0)
            }
            None => None,
        };
        let mfr = orgs.get_or_create(db, &a.manufacturer, OrgKind::Mdm)?;
        let hdo = orgs.get_or_create(db, &a.hdo, OrgKind::Hdo)?;
        let provider = match &a.provider {
            Some(p) => Some(orgs.get_or_create(db, p, OrgKind::ThirdParty)?),
            None => None,
        };
        let key = format!(
            "{mfr}|{}|{hdo}|{}|{}",
            model_id.map_or("*".to_string(), |m| m.to_string()),
            a.task.key(),
            a.stage.map_or("*", |s| s.key())
        );
        if keys.contains(&key) {
            return Err(row_error(
                ctx.file,
                r.line,
                "task",
                "duplicate agreement (same manufacturer, model, HDO, task and stage through an alias)",
            ));
        }
        keys.insert(key.clone());
        values.push(vec![
            key.into(),
            Value::Int(mfr),
            model_id.map(Value::Int).unwrap_or(Value::Null),
            Value::Int(hdo),
            a.task.key().into(),
            a.stage.map(|s| s.key()).into(),
            a.party.key().into(),
            a.lead.map(|l| l.key()).into(),
            provider.map(Value::Int).unwrap_or(Value::Null),
        ]);
    }
    let upsert = Upsert {
        kind: "agreements",
        insert: "INSERT INTO agreements (agreement_key, manufacturer_id, model_id, hdo_id, task, stage, party, lead, provider_id)",
        width: 9,
        on_conflict: "ON CONFLICT (agreement_key) DO UPDATE SET party = excluded.party, lead = excluded.lead, provider_id = excluded.provider_id",
        rows: rows.len(),
    };
    finish(
        db,
        ctx,
        &upsert,
        &values,
        &existing,
        keys.into_iter(),
        orgs.created,
        0,
    )
}

pub(crate) fn capabilities(
    db: &mut Db,
    ctx: &Ctx<'_>,
    rows: &[Located<CapabilityRow>],
) -> Result<ImportSummary, StoreError> {
    let mut orgs = Orgs::load(db, ctx.today)?;
    let existing = existing_keys(
        db,
        "SELECT organization_id || '|' || task FROM capabilities",
    )?;
    let mut values = Vec::with_capacity(rows.len());
    let mut keys = std::collections::HashSet::new();
    for r in rows {
        let c = &r.record;
        let org = orgs.get_or_create(db, &c.organization, OrgKind::Hdo)?;
        let key = format!("{org}|{}", c.task.key());
        if keys.contains(&key) {
            return Err(row_error(
                ctx.file,
                r.line,
                "task",
                "duplicate capability (same organization through an alias)",
            ));
        }
        keys.insert(key);
        values.push(vec![
            Value::Int(org),
            c.task.key().into(),
            Value::Int(i64::from(c.capable)),
        ]);
    }
    let upsert = Upsert {
        kind: "capabilities",
        insert: "INSERT INTO capabilities (organization_id, task, capable)",
        width: 3,
        on_conflict: "ON CONFLICT (organization_id, task) DO UPDATE SET capable = excluded.capable",
        rows: rows.len(),
    };
    finish(
        db,
        ctx,
        &upsert,
        &values,
        &existing,
        keys.into_iter(),
        orgs.created,
        0,
    )
}

pub(crate) fn policies(
    db: &mut Db,
    ctx: &Ctx<'_>,
    rows: &[Located<PolicyRow>],
) -> Result<ImportSummary, StoreError> {
    let mut orgs = Orgs::load(db, ctx.today)?;
    let models = load_models(db)?;
    let existing = existing_keys(db, "SELECT policy_key FROM policies")?;
    let mut values = Vec::with_capacity(rows.len());
    let mut keys = std::collections::HashSet::new();
    for r in rows {
        let p = &r.record;
        let model_id = match (&p.manufacturer, &p.model) {
            (Some(mfr), Some(model)) => {
                Some(find_model(&orgs, &models, ctx.file, r.line, mfr, model)?.0)
            }
            _ => None,
        };
        let org = orgs.get_or_create(db, &p.organization, OrgKind::Hdo)?;
        let mfr = match &p.manufacturer {
            Some(m) => Some(orgs.get_or_create(db, m, OrgKind::Mdm)?),
            None => None,
        };
        let key = format!(
            "{org}|{}|{}|{}",
            mfr.map_or("*".into(), |m| m.to_string()),
            model_id.map_or("*".into(), |m| m.to_string()),
            p.setting.key()
        );
        if keys.contains(&key) {
            return Err(row_error(
                ctx.file,
                r.line,
                "setting",
                "duplicate policy (same organization through an alias)",
            ));
        }
        keys.insert(key.clone());
        values.push(vec![
            key.into(),
            Value::Int(org),
            mfr.map(Value::Int).unwrap_or(Value::Null),
            model_id.map(Value::Int).unwrap_or(Value::Null),
            p.setting.key().into(),
            Value::Int(p.value),
        ]);
    }
    let upsert = Upsert {
        kind: "policies",
        insert: "INSERT INTO policies (policy_key, organization_id, manufacturer_id, model_id, setting, value)",
        width: 6,
        on_conflict: "ON CONFLICT (policy_key) DO UPDATE SET value = excluded.value",
        rows: rows.len(),
    };
    finish(
        db,
        ctx,
        &upsert,
        &values,
        &existing,
        keys.into_iter(),
        orgs.created,
        0,
    )
}

pub(crate) fn aliases(
    db: &mut Db,
    ctx: &Ctx<'_>,
    rows: &[Located<AliasRow>],
) -> Result<ImportSummary, StoreError> {
    let orgs = Orgs::load(db, ctx.today)?;
    let existing = existing_keys(db, "SELECT alias_key FROM organization_aliases")?;
    let mut values = Vec::with_capacity(rows.len());
    let mut keys = std::collections::HashSet::new();
    for r in rows {
        let a = &r.record;
        let alias_key = name_key(&a.alias);
        let (name, key) = orgs.canonical(&a.name);
        if alias_key == key {
            continue;
        }
        if let Some((id, _)) = orgs.by_key.get(&alias_key)
            && orgs.by_key.get(&key).is_none_or(|(other, _)| other != id)
        {
            return Err(row_error(
                ctx.file,
                r.line,
                "alias",
                format!(
                    "'{}' is already an organization of its own; an alias cannot merge two organizations",
                    a.alias
                ),
            ));
        }
        keys.insert(alias_key.clone());
        values.push(vec![
            alias_key.into(),
            a.alias.clone().into(),
            name.into(),
            key.into(),
        ]);
    }
    let upsert = Upsert {
        kind: "aliases",
        insert: "INSERT INTO organization_aliases (alias_key, alias, name, name_key)",
        width: 4,
        on_conflict: "ON CONFLICT (alias_key) DO UPDATE SET alias = excluded.alias, name = excluded.name, name_key = excluded.name_key",
        rows: rows.len(),
    };
    finish(db, ctx, &upsert, &values, &existing, keys.into_iter(), 0, 0)
}

/// Asset ids by (organization id, asset id).
pub(crate) fn asset_ref(db: &mut Db, org: i64, asset_id: &str) -> Result<Option<i64>, StoreError> {
    Ok(db
        .query(
            "SELECT id FROM assets WHERE organization_id = $1 AND asset_id = $2",
            &[Value::Int(org), asset_id.into()],
        )?
        .first()
        .and_then(|r| r[0].int()))
}

pub(crate) fn assessments(
    db: &mut Db,
    ctx: &Ctx<'_>,
    rows: &[Located<AssessmentRow>],
) -> Result<ImportSummary, StoreError> {
    let orgs = Orgs::load(db, ctx.today)?;
    let mut assets: HashMap<(i64, String), i64> = HashMap::new();
    for r in db.query("SELECT id, organization_id, asset_id FROM assets", &[])? {
        if let (Some(id), Some(o), Some(a)) = (r[0].int(), r[1].int(), r[2].text()) {
            assets.insert((o, a.to_string()), id);
        }
    }
    let existing = existing_keys(
        db,
        "SELECT asset_ref || '|' || assessed_on || '|' || assessor FROM risk_assessments",
    )?;
    let mut values = Vec::with_capacity(rows.len());
    let mut keys = std::collections::HashSet::new();
    let now = crate::now_utc();
    for r in rows {
        let a = &r.record;
        let asset = orgs
            .find(&a.organization)
            .and_then(|o| assets.get(&(o, a.asset_id.clone())))
            .ok_or_else(|| {
                row_error(
                    ctx.file,
                    r.line,
                    "asset_id",
                    format!("unknown asset '{}/{}'", a.organization, a.asset_id),
                )
            })?;
        let key = format!("{asset}|{}|{}", a.date, a.assessor);
        if keys.contains(&key) {
            return Err(row_error(
                ctx.file,
                r.line,
                "date",
                "duplicate assessment (same asset, date and assessor)",
            ));
        }
        keys.insert(key);
        values.push(vec![
            Value::Int(*asset),
            a.date.to_string().into(),
            a.assessor.clone().into(),
            a.decision.key().into(),
            a.residual.map(|r| r.key()).into(),
            a.note.clone().into(),
            now.clone().into(),
        ]);
    }
    let upsert = Upsert {
        kind: "assessments",
        insert: "INSERT INTO risk_assessments (asset_ref, assessed_on, assessor, decision, residual, note, recorded_at)",
        width: 7,
        on_conflict: "ON CONFLICT (asset_ref, assessed_on, assessor) DO UPDATE SET decision = excluded.decision, residual = excluded.residual, note = excluded.note",
        rows: rows.len(),
    };
    finish(db, ctx, &upsert, &values, &existing, keys.into_iter(), 0, 0)
}
