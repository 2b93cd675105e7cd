//! Reading the fleet back into the pure model.

use std::collections::{BTreeSet, HashMap};

use baton_model::dates::parse_date;
use baton_model::fleet::{
    Agreement, Assessment, Asset, Capability, DeviceModel, Organization, Policy, Release,
    ReleaseComponent, ReleaseDocument,
};
use baton_model::{Dated, Fleet, Milestones};
use chrono::NaiveDate;

use crate::StoreError;
use crate::db::{Db, Value, list_marks};

/// A fleet and the database ids of its organizations and assets (same order as the vectors).
pub struct LoadedFleet {
    pub fleet: Fleet,
    pub org_ids: Vec<i64>,
    pub asset_ids: Vec<i64>,
    /// The database id of each release, by index.
    pub release_ids: Vec<i64>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

fn int(v: &Value, what: &str) -> Result<i64, StoreError> {
    v.int().ok_or_else(|| corrupt(what))
}

fn text(v: &Value) -> Option<String> {
    v.text().map(str::to_string)
}

fn date(v: &Value) -> Result<Option<NaiveDate>, StoreError> {
    match v.text() {
        None => Ok(None),
        Some(t) => parse_date(t).map(Some).map_err(StoreError::Corrupt),
    }
}

fn term<T: std::str::FromStr<Err = baton_model::UnknownTerm>>(
    v: &Value,
) -> Result<Option<T>, StoreError> {
    match v.text() {
        None => Ok(None),
        Some(t) => t
            .parse()
            .map(Some)
            .map_err(|e: baton_model::UnknownTerm| StoreError::Corrupt(e.to_string())),
    }
}

fn req_term<T: std::str::FromStr<Err = baton_model::UnknownTerm>>(
    v: &Value,
    what: &str,
) -> Result<T, StoreError> {
    term(v)?.ok_or_else(|| corrupt(what))
}

fn milestones(ga: Option<NaiveDate>, r: &[Value]) -> Result<Milestones, StoreError> {
    let dated = |d: &Value, a: &Value| -> Result<Option<Dated>, StoreError> {
        Ok(date(d)?.map(|date| Dated {
            date,
            announced: date_or_none(a),
        }))
    };
    Ok(Milestones {
        general_availability: ga,
        eol: dated(&r[0], &r[1])?,
        eos: dated(&r[2], &r[3])?,
    })
}

fn date_or_none(v: &Value) -> Option<NaiveDate> {
    v.text().and_then(|t| parse_date(t).ok())
}

fn index_of(map: &HashMap<i64, usize>, id: i64, what: &str) -> Result<usize, StoreError> {
    map.get(&id).copied().ok_or_else(|| corrupt(what))
}

/// The rows of `sql` (a SELECT of one table, its id first) with these ids, by id.
fn rows_with_ids(db: &mut Db, sql: &str, ids: &[i64]) -> Result<Vec<Vec<Value>>, StoreError> {
    let mut rows = Vec::new();
    for chunk in ids.chunks(512) {
        let mut params = Vec::new();
        let marks = list_marks(
            chunk.iter().map(|id| Value::Int(*id)),
            Value::Int(-1),
            &mut params,
        );
        rows.extend(db.query(&format!("{sql} WHERE id IN ({marks})"), &params)?);
    }
    rows.sort_by_key(|r| r[0].int());
    Ok(rows)
}

pub(crate) fn load(db: &mut Db) -> Result<LoadedFleet, StoreError> {
    load_with(db, None)
}

/// The fleet; with `only`, just those assets and what deciding their stage and responsibilities
/// needs (no assessments, documents or components).
pub(crate) fn load_with(db: &mut Db, only: Option<&[i64]>) -> Result<LoadedFleet, StoreError> {
    load_models(db, only, &[])
}

/// [`load_with`], and with `only`, also the models `with_models` and every release of them.
pub(crate) fn load_models(
    db: &mut Db,
    only: Option<&[i64]>,
    with_models: &[i64],
) -> Result<LoadedFleet, StoreError> {
    let mut fleet = Fleet::default();
    let mut org_ids = Vec::new();
    let mut orgs = HashMap::new();
    for r in db.query("SELECT id, name, kind FROM organizations ORDER BY id", &[])? {
        let id = int(&r[0], "organization id")?;
        orgs.insert(id, fleet.organizations.len());
        org_ids.push(id);
        fleet.organizations.push(Organization {
            name: text(&r[1]).unwrap_or_default(),
            kind: req_term(&r[2], "organization kind")?,
        });
    }
    let asset_sql = "SELECT id, organization_id, asset_id, model_id, release_id, status, imported_on, site, department, network_zone FROM assets";
    let model_sql = "SELECT id, manufacturer_id, name, model_number, udi_di, device_type, criticality, general_availability, eol_date, eol_announced, eos_date, eos_announced FROM device_models";
    let release_sql = "SELECT id, model_id, version, released, eol_date, eol_announced, eos_date, eos_announced FROM releases";
    // With `only`, just the releases and models of those assets.
    let (asset_rows, release_rows, model_rows) = match only {
        None => (
            db.query(&format!("{asset_sql} ORDER BY id"), &[])?,
            db.query(&format!("{release_sql} ORDER BY id"), &[])?,
            db.query(&format!("{model_sql} ORDER BY id"), &[])?,
        ),
        Some(ids) => {
            let assets = rows_with_ids(db, asset_sql, ids)?;
            let mut release_ids: BTreeSet<i64> = assets.iter().filter_map(|r| r[4].int()).collect();
            // Every release of the models asked for, with or without assets.
            for chunk in with_models.chunks(512) {
                let mut params = Vec::new();
                let marks = list_marks(
                    chunk.iter().map(|id| Value::Int(*id)),
                    Value::Int(-1),
                    &mut params,
                );
                for r in db.query(
                    &format!("SELECT id FROM releases WHERE model_id IN ({marks})"),
                    &params,
                )? {
                    release_ids.extend(r[0].int());
                }
            }
            let releases = rows_with_ids(db, release_sql, &Vec::from_iter(release_ids))?;
            let model_ids: BTreeSet<i64> = assets
                .iter()
                .filter_map(|r| r[3].int())
                .chain(releases.iter().filter_map(|r| r[1].int()))
                .chain(with_models.iter().copied())
                .collect();
            let models = rows_with_ids(db, model_sql, &Vec::from_iter(model_ids))?;
            (assets, releases, models)
        }
    };
    let mut models = HashMap::new();
    for r in &model_rows {
        models.insert(int(&r[0], "model id")?, fleet.models.len());
        fleet.models.push(DeviceModel {
            manufacturer: index_of(&orgs, int(&r[1], "manufacturer")?, "model manufacturer")?,
            name: text(&r[2]).unwrap_or_default(),
            model_number: text(&r[3]),
            udi_di: text(&r[4]),
            device_type: text(&r[5]),
            criticality: term(&r[6])?,
            milestones: milestones(date(&r[7])?, &r[8..12])?,
        });
    }
    let mut releases = HashMap::new();
    let mut release_ids = Vec::with_capacity(release_rows.len());
    for r in &release_rows {
        releases.insert(int(&r[0], "release id")?, fleet.releases.len());
        release_ids.push(int(&r[0], "release id")?);
        fleet.releases.push(Release {
            model: index_of(&models, int(&r[1], "release model")?, "release model")?,
            version: text(&r[2]).unwrap_or_default(),
            released: date(&r[3])?,
            milestones: milestones(None, &r[4..8])?,
        });
    }
    let mut asset_ids = Vec::new();
    let mut assets = HashMap::new();
    for r in asset_rows {
        let id = int(&r[0], "asset id")?;
        assets.insert(id, fleet.assets.len());
        asset_ids.push(id);
        fleet.assets.push(Asset {
            organization: index_of(
                &orgs,
                int(&r[1], "asset organization")?,
                "asset organization",
            )?,
            asset_id: text(&r[2]).unwrap_or_default(),
            model: index_of(&models, int(&r[3], "asset model")?, "asset model")?,
            release: match r[4].int() {
                Some(id) => Some(index_of(&releases, id, "asset release")?),
                None => None,
            },
            status: req_term(&r[5], "asset status")?,
            imported_on: date(&r[6])?.ok_or_else(|| corrupt("asset import date"))?,
            site: text(&r[7]),
            department: text(&r[8]),
            network_zone: text(&r[9]),
        });
    }
    let opt_index =
        |map: &HashMap<i64, usize>, v: &Value, what: &str| -> Result<Option<usize>, StoreError> {
            match v.int() {
                Some(id) => index_of(map, id, what).map(Some),
                None => Ok(None),
            }
        };
    // With `only`, agreements and policies about other models cannot bear on those assets.
    let mut model_params = Vec::new();
    let of_models = match only {
        None => String::new(),
        Some(_) => {
            let mut ids: Vec<i64> = models.keys().copied().collect();
            ids.sort_unstable();
            let marks = list_marks(
                ids.into_iter().map(Value::Int),
                Value::Int(-1),
                &mut model_params,
            );
            format!(" WHERE model_id IS NULL OR model_id IN ({marks})")
        }
    };
    for r in db.query(&format!("SELECT manufacturer_id, model_id, hdo_id, task, stage, party, lead, provider_id FROM agreements{of_models} ORDER BY id"), &model_params)? {
        fleet.agreements.push(Agreement {
            manufacturer: index_of(&orgs, int(&r[0], "agreement manufacturer")?, "agreement manufacturer")?,
            model: opt_index(&models, &r[1], "agreement model")?,
            hdo: index_of(&orgs, int(&r[2], "agreement hdo")?, "agreement hdo")?,
            task: req_term(&r[3], "agreement task")?,
            stage: term(&r[4])?,
            party: req_term(&r[5], "agreement party")?,
            lead: term(&r[6])?,
            provider: opt_index(&orgs, &r[7], "agreement provider")?,
        });
    }
    for r in db.query(
        "SELECT organization_id, task, capable FROM capabilities",
        &[],
    )? {
        fleet.capabilities.push(Capability {
            organization: index_of(
                &orgs,
                int(&r[0], "capability organization")?,
                "capability organization",
            )?,
            task: req_term(&r[1], "capability task")?,
            capable: int(&r[2], "capable")? != 0,
        });
    }
    for r in db.query(&format!("SELECT organization_id, manufacturer_id, model_id, setting, value FROM policies{of_models} ORDER BY id"), &model_params)? {
        fleet.policies.push(Policy {
            organization: index_of(&orgs, int(&r[0], "policy organization")?, "policy organization")?,
            manufacturer: opt_index(&orgs, &r[1], "policy manufacturer")?,
            model: opt_index(&models, &r[2], "policy model")?,
            setting: req_term(&r[3], "policy setting")?,
            value: int(&r[4], "policy value")?,
        });
    }
    if only.is_some() {
        return Ok(LoadedFleet {
            fleet,
            org_ids,
            asset_ids,
            release_ids,
        });
    }
    for r in db.query("SELECT asset_ref, assessed_on, assessor, decision, residual, note FROM risk_assessments ORDER BY id", &[])? {
        fleet.assessments.push(Assessment {
            asset: index_of(&assets, int(&r[0], "assessment asset")?, "assessment asset")?,
            date: date(&r[1])?.ok_or_else(|| corrupt("assessment date"))?,
            assessor: text(&r[2]).unwrap_or_default(),
            decision: req_term(&r[3], "assessment decision")?,
            residual: term(&r[4])?,
            note: text(&r[5]),
        });
    }
    for r in db.query(
        "SELECT release_id, kind FROM release_documents ORDER BY id",
        &[],
    )? {
        let release = index_of(
            &releases,
            int(&r[0], "document release")?,
            "document release",
        )?;
        let kind = req_term(&r[1], "document kind")?;
        fleet.documents.push(ReleaseDocument { release, kind });
    }
    // Components of each release's current SBOM: the newest by its own timestamp, then by import.
    let mut current: HashMap<i64, (String, i64)> = HashMap::new();
    for r in db.query("SELECT id, release_id, document_timestamp FROM sboms", &[])? {
        let (id, release) = (int(&r[0], "sbom id")?, int(&r[1], "sbom release")?);
        let key = (r[2].text().unwrap_or_default().to_string(), id);
        let entry = current.entry(release).or_insert_with(|| key.clone());
        if key > *entry {
            *entry = key;
        }
    }
    let current_ids: HashMap<i64, i64> = current
        .into_iter()
        .map(|(release, (_, id))| (id, release))
        .collect();
    for r in db.query(
        "SELECT sbom_id, reference, name, version, support_level, end_of_support, end_of_support_text FROM sbom_components ORDER BY sbom_id, position",
        &[],
    )? {
        let Some(release_id) = current_ids.get(&int(&r[0], "component sbom")?) else {
            continue;
        };
        fleet.components.push(ReleaseComponent {
            release: index_of(&releases, *release_id, "component release")?,
            reference: text(&r[1]).unwrap_or_default(),
            name: text(&r[2]).unwrap_or_default(),
            version: text(&r[3]),
            support_level: text(&r[4]),
            end_of_support: date(&r[5])?,
            end_of_support_text: text(&r[6]),
        });
    }
    Ok(LoadedFleet {
        fleet,
        org_ids,
        asset_ids,
        release_ids,
    })
}

/// Add to a fleet loaded `with` some assets the documents and current-SBOM components of one
/// model's releases, for that model's page.
pub(crate) fn add_model_details(
    db: &mut Db,
    loaded: &mut LoadedFleet,
    model_id: i64,
) -> Result<(), StoreError> {
    let releases: HashMap<i64, usize> = loaded
        .release_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();
    let model = [Value::Int(model_id)];
    for r in db.query(
        "SELECT d.release_id, d.kind FROM release_documents d JOIN releases r ON r.id = d.release_id WHERE r.model_id = $1 ORDER BY d.id",
        &model,
    )? {
        let release = index_of(&releases, int(&r[0], "document release")?, "document release")?;
        let kind = req_term(&r[1], "document kind")?;
        loaded
            .fleet
            .documents
            .push(ReleaseDocument { release, kind });
    }
    let mut current: HashMap<i64, (String, i64)> = HashMap::new();
    for r in db.query(
        "SELECT s.id, s.release_id, s.document_timestamp FROM sboms s JOIN releases r ON r.id = s.release_id WHERE r.model_id = $1",
        &model,
    )? {
        let (id, release) = (int(&r[0], "sbom id")?, int(&r[1], "sbom release")?);
        let key = (r[2].text().unwrap_or_default().to_string(), id);
        let entry = current.entry(release).or_insert_with(|| key.clone());
        if key > *entry {
            *entry = key;
        }
    }
    for (release_id, (_, sbom)) in current {
        let release = index_of(&releases, release_id, "component release")?;
        for r in db.query(
            "SELECT reference, name, version, support_level, end_of_support, end_of_support_text FROM sbom_components WHERE sbom_id = $1 ORDER BY position",
            &[Value::Int(sbom)],
        )? {
            loaded.fleet.components.push(ReleaseComponent {
                release,
                reference: text(&r[0]).unwrap_or_default(),
                name: text(&r[1]).unwrap_or_default(),
                version: text(&r[2]),
                support_level: text(&r[3]),
                end_of_support: date(&r[4])?,
                end_of_support_text: text(&r[5]),
            });
        }
    }
    Ok(())
}

/// Add the risk assessments of one asset (database id `asset`, index `index` in the fleet) to a
/// fleet loaded with only some assets, for its history.
pub(crate) fn add_asset_assessments(
    db: &mut Db,
    loaded: &mut LoadedFleet,
    asset: i64,
    index: usize,
) -> Result<(), StoreError> {
    for r in db.query(
        "SELECT assessed_on, assessor, decision, residual, note FROM risk_assessments WHERE asset_ref = $1 ORDER BY id",
        &[Value::Int(asset)],
    )? {
        loaded.fleet.assessments.push(Assessment {
            asset: index,
            date: date(&r[0])?.ok_or_else(|| corrupt("assessment date"))?,
            assessor: text(&r[1]).unwrap_or_default(),
            decision: req_term(&r[2], "assessment decision")?,
            residual: term(&r[3])?,
            note: text(&r[4]),
        });
    }
    Ok(())
}
