//! Lifecycle notices (CycloneDX lifecycle properties, ECMA-428 CLE, OASIS OpenEoX) applied to the
//! milestones of a model or a release. The source document is kept by sha256 and each notice as
//! read, with the format's own milestone names, beside the milestones it set.

use baton_formats::inventory::name_key;
use baton_model::{Dated, Milestones};
use baton_notices::{Mapped, Notice, When};
use chrono::NaiveDate;
use serde::Serialize;

use crate::db::{Db, Value};
use crate::documents::{parse_release_spec, release_ref, store_blob};
use crate::import::Orgs;
use crate::{StoreError, now_utc};

/// What a notice is applied to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeTarget {
    /// `MANUFACTURER/MODEL`
    Model(String),
    /// `MANUFACTURER/MODEL@VERSION`
    Release(String),
    /// Whatever the document names.
    Named,
}

/// What one notice changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeApplied {
    pub target: String,
    pub format: String,
    pub eol: Option<NaiveDate>,
    pub eos: Option<NaiveDate>,
    pub announced: Option<NaiveDate>,
    /// "End of life" (end of all support), kept beside EOL and EOS.
    pub end_of_life: Option<NaiveDate>,
    /// Milestones announced without a date yet ("tba"), by the format's own name.
    pub to_be_announced: Vec<String>,
}

struct Resolved {
    model_id: i64,
    release_id: Option<i64>,
    label: String,
}

fn model_ref(
    db: &mut Db,
    orgs: &Orgs,
    manufacturer: &str,
    model: &str,
) -> Result<Option<i64>, StoreError> {
    let Some(mfr) = orgs.find(manufacturer) else {
        return Ok(None);
    };
    Ok(db
        .query(
            "SELECT id FROM device_models WHERE manufacturer_id = $1 AND name_key = $2",
            &[Value::Int(mfr), name_key(model).into()],
        )?
        .first()
        .and_then(|r| r[0].int()))
}

/// A purl without its version, qualifiers and subpath, lower-cased: the identity a CLE document
/// names.
fn purl_base(purl: &str) -> String {
    let p = purl.split(['?', '#']).next().unwrap_or(purl);
    let p = match p.rfind('@') {
        Some(at) if at > p.rfind('/').unwrap_or(0) => &p[..at],
        _ => p,
    };
    p.to_lowercase()
}

/// The targets a notice names by itself: releases whose SBOM describes its purl (all versions or
/// those listed), or a model named by vendor and product.
fn named_targets(db: &mut Db, orgs: &Orgs, notice: &Notice) -> Result<Vec<Resolved>, StoreError> {
    let product = &notice.product;
    let purls: Vec<String> = product
        .purl
        .iter()
        .chain(product.aliases.iter())
        .filter(|p| p.starts_with("pkg:"))
        .map(|p| purl_base(p))
        .collect();
    let mut out = Vec::new();
    if !purls.is_empty() {
        let rows = db.query(
            "SELECT DISTINCT s.subject_purl, r.id, r.model_id, r.version FROM sboms s JOIN releases r ON r.id = s.release_id WHERE s.subject_purl IS NOT NULL",
            &[],
        )?;
        let mut models_seen = Vec::new();
        for r in rows {
            let (Some(purl), Some(release), Some(model), Some(version)) =
                (r[0].text(), r[1].int(), r[2].int(), r[3].text())
            else {
                continue;
            };
            if !purls.contains(&purl_base(purl)) {
                continue;
            }
            let versions: Vec<&String> = product
                .versions
                .iter()
                .chain(product.version.iter())
                .collect();
            if versions.is_empty() {
                // No versions: the notice is about the product, i.e. the model.
                if !models_seen.contains(&model) {
                    models_seen.push(model);
                    out.push(Resolved {
                        model_id: model,
                        release_id: None,
                        label: purl.to_string(),
                    });
                }
            } else if versions_apply(&versions, version)? {
                out.push(Resolved {
                    model_id: model,
                    release_id: Some(release),
                    label: format!("{purl}@{version}"),
                });
            }
        }
    }
    if out.is_empty()
        && let (Some(vendor), Some(name)) = (&product.vendor, &product.product)
        && let Some(model) = model_ref(db, orgs, vendor, name)?
    {
        let release = match &product.version {
            Some(v) => db
                .query(
                    "SELECT id FROM releases WHERE model_id = $1 AND version = $2",
                    &[Value::Int(model), v.clone().into()],
                )?
                .first()
                .and_then(|r| r[0].int()),
            None => None,
        };
        let label = match (&product.version, release) {
            (Some(v), Some(_)) => format!("{vendor}/{name}@{v}"),
            _ => format!("{vendor}/{name}"),
        };
        out.push(Resolved {
            model_id: model,
            release_id: release,
            label,
        });
    }
    Ok(out)
}

/// Whether a release version is among a notice's versions: equal to one, or inside a `vers:`
/// range. A range that cannot be evaluated is an error, never a silent "does not apply".
fn versions_apply(versions: &[&String], version: &str) -> Result<bool, StoreError> {
    for v in versions {
        if v.starts_with("vers:") {
            let range = baton_versions::parse_vers(v).map_err(|e| {
                StoreError::NotFound(format!(
                    "cannot read the notice's version range: {e}; give --release"
                ))
            })?;
            let inside = range.contains(version).map_err(|e| {
                StoreError::NotFound(format!(
                    "cannot tell whether release {version} is in {v}: {e}; give --release"
                ))
            })?;
            if inside {
                return Ok(true);
            }
        } else if v.as_str() == version {
            return Ok(true);
        }
    }
    Ok(false)
}

fn dated(
    m: Option<&baton_notices::NoticeMilestone>,
    announced: Option<NaiveDate>,
) -> Option<Dated> {
    let m = m?;
    match (&m.when, m.effective) {
        (When::Date(_), Some(date)) => Some(Dated { date, announced }),
        _ => None,
    }
}

fn read_milestones(db: &mut Db, target: &Resolved) -> Result<Milestones, StoreError> {
    let (sql, id): (&'static str, i64) = match target.release_id {
        Some(r) => (
            "SELECT NULL, eol_date, eol_announced, eos_date, eos_announced FROM releases WHERE id = $1",
            r,
        ),
        None => (
            "SELECT general_availability, eol_date, eol_announced, eos_date, eos_announced FROM device_models WHERE id = $1",
            target.model_id,
        ),
    };
    let rows = db.query(sql, &[Value::Int(id)])?;
    let r = rows
        .first()
        .ok_or_else(|| StoreError::NotFound("notice target vanished".into()))?;
    let date = |v: &Value| {
        v.text()
            .and_then(|t| baton_model::dates::parse_date(t).ok())
    };
    let dated = |d: &Value, a: &Value| {
        date(d).map(|day| Dated {
            date: day,
            announced: date(a),
        })
    };
    Ok(Milestones {
        general_availability: date(&r[0]),
        eol: dated(&r[1], &r[2]),
        eos: dated(&r[3], &r[4]),
    })
}

pub(crate) fn import_notices(
    db: &mut Db,
    target: &NoticeTarget,
    file: &str,
    bytes: &[u8],
    notices: &[Notice],
    announced: Option<NaiveDate>,
) -> Result<Vec<NoticeApplied>, StoreError> {
    let orgs = Orgs::load(db, NaiveDate::MIN)?;
    let fixed = match target {
        NoticeTarget::Model(spec) => {
            let (mfr, model) = spec
                .split_once('/')
                .map(|(a, b)| (a.trim(), b.trim()))
                .filter(|(a, b)| !a.is_empty() && !b.is_empty())
                .ok_or_else(|| {
                    StoreError::NotFound(format!(
                        "--model must be MANUFACTURER/MODEL, got '{spec}'"
                    ))
                })?;
            let id = model_ref(db, &orgs, mfr, model)?.ok_or_else(|| {
                StoreError::NotFound(format!("unknown model '{model}' of '{mfr}'"))
            })?;
            Some(Resolved {
                model_id: id,
                release_id: None,
                label: spec.clone(),
            })
        }
        NoticeTarget::Release(spec) => {
            let (mfr, model, _) = parse_release_spec(spec)?;
            let release = release_ref(db, spec, true)?;
            let id = model_ref(db, &orgs, &mfr, &model)?.ok_or_else(|| {
                StoreError::NotFound(format!("unknown model '{model}' of '{mfr}'"))
            })?;
            Some(Resolved {
                model_id: id,
                release_id: Some(release),
                label: spec.clone(),
            })
        }
        NoticeTarget::Named => None,
    };
    let sha = store_blob(db, bytes)?;
    let mut applied = Vec::new();
    for notice in notices {
        let targets = match &fixed {
            Some(t) => vec![Resolved {
                model_id: t.model_id,
                release_id: t.release_id,
                label: t.label.clone(),
            }],
            None => named_targets(db, &orgs, notice)?,
        };
        if targets.is_empty() {
            let named: Vec<&str> = [
                notice.product.purl.as_deref(),
                notice.product.vendor.as_deref(),
                notice.product.product.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect();
            let product = if named.is_empty() {
                "the document names no product".to_string()
            } else {
                format!("no known model or release matches {}", named.join(" "))
            };
            let place = if notice.location.is_empty() {
                String::new()
            } else {
                format!(": {}", notice.location)
            };
            return Err(StoreError::NotFound(format!(
                "{file}{place}: cannot tell which model or release this notice is about ({product}); give --model or --release"
            )));
        }
        let when_announced = announced.or(notice.announced);
        for t in targets {
            let current = read_milestones(db, &t)?;
            let eol = dated(notice.eol(), when_announced);
            let eos = dated(notice.eos(), when_announced);
            let updated = Milestones {
                general_availability: current.general_availability,
                eol: eol.or(current.eol),
                eos: eos.or(current.eos),
            };
            updated.validate().map_err(|e| {
                StoreError::NotFound(format!(
                    "{file}: applying the notice to {} would give {e}",
                    t.label
                ))
            })?;
            let part = |m: Option<Dated>| {
                (
                    m.map(|d| Value::Text(d.date.to_string()))
                        .unwrap_or(Value::Null),
                    m.and_then(|d| d.announced)
                        .map(|a| Value::Text(a.to_string()))
                        .unwrap_or(Value::Null),
                )
            };
            let (eol_d, eol_a) = part(updated.eol);
            let (eos_d, eos_a) = part(updated.eos);
            match t.release_id {
                Some(r) => db.exec(
                    "UPDATE releases SET eol_date = $1, eol_announced = $2, eos_date = $3, eos_announced = $4 WHERE id = $5",
                    &[eol_d, eol_a, eos_d, eos_a, Value::Int(r)],
                )?,
                None => db.exec(
                    "UPDATE device_models SET eol_date = $1, eol_announced = $2, eos_date = $3, eos_announced = $4 WHERE id = $5",
                    &[eol_d, eol_a, eos_d, eos_a, Value::Int(t.model_id)],
                )?,
            };
            let record =
                serde_json::to_string(notice).map_err(|e| StoreError::Database(e.to_string()))?;
            db.exec(
                "INSERT INTO lifecycle_notices (model_id, release_id, sha256, format, notice, file_name, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[Value::Int(t.model_id), t.release_id.map(Value::Int).unwrap_or(Value::Null), sha.clone().into(), notice.format.as_str().into(), record.into(), file.into(), now_utc().into()],
            )?;
            applied.push(NoticeApplied {
                target: t.label,
                format: notice.format.as_str().to_string(),
                eol: eol.map(|d| d.date),
                eos: eos.map(|d| d.date),
                announced: when_announced,
                end_of_life: notice.earliest(Mapped::EndOfLife).and_then(|m| m.effective),
                to_be_announced: notice
                    .milestones
                    .iter()
                    .filter(|m| m.when == When::Tba)
                    .map(|m| m.source_name.clone())
                    .collect(),
            });
        }
    }
    Ok(applied)
}
