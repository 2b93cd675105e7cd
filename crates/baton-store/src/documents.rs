//! Release documents and SBOMs: raw bytes kept by sha256, SBOM components stored per document,
//! the current SBOM of a release chosen by the documents' own timestamps.

use baton_formats::inventory::name_key;
use baton_model::DocumentKind;
use baton_sbom::{Parsed, SupportDate};
use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{Db, Value};
use crate::import::Orgs;
use crate::{StoreError, hex, now_utc};

/// `MANUFACTURER/MODEL@VERSION`, split at the first `/` and the last `@`.
pub fn parse_release_spec(spec: &str) -> Result<(String, String, String), StoreError> {
    let bad = || {
        StoreError::NotFound(format!(
            "--release must be MANUFACTURER/MODEL@VERSION, got '{spec}'"
        ))
    };
    let (mfr, rest) = spec.split_once('/').ok_or_else(bad)?;
    let (model, version) = rest.rsplit_once('@').ok_or_else(bad)?;
    let (mfr, model, version) = (mfr.trim(), model.trim(), version.trim());
    if mfr.is_empty() || model.is_empty() || version.is_empty() {
        return Err(bad());
    }
    Ok((mfr.to_string(), model.to_string(), version.to_string()))
}

/// The release a spec names; created (without milestones) when `create` and the model exists.
pub(crate) fn release_ref(db: &mut Db, spec: &str, create: bool) -> Result<i64, StoreError> {
    let (mfr, model, version) = parse_release_spec(spec)?;
    let orgs = Orgs::load(db, NaiveDate::MIN)?;
    let mfr_id = orgs.find(&mfr).ok_or_else(|| {
        StoreError::NotFound(format!(
            "unknown manufacturer '{mfr}' (import its models first)"
        ))
    })?;
    let model_id = db
        .query(
            "SELECT id FROM device_models WHERE manufacturer_id = $1 AND name_key = $2",
            &[Value::Int(mfr_id), name_key(&model).into()],
        )?
        .first()
        .and_then(|r| r[0].int())
        .ok_or_else(|| {
            StoreError::NotFound(format!(
                "unknown model '{model}' of '{mfr}' (import it with `baton import models` first)"
            ))
        })?;
    let found = db
        .query(
            "SELECT id FROM releases WHERE model_id = $1 AND version = $2",
            &[Value::Int(model_id), version.clone().into()],
        )?
        .first()
        .and_then(|r| r[0].int());
    match found {
        Some(id) => Ok(id),
        None if create => {
            let id = db
                .query(
                    "INSERT INTO releases (model_id, version) VALUES ($1, $2) RETURNING id",
                    &[Value::Int(model_id), version.into()],
                )?
                .first()
                .and_then(|r| r[0].int())
                .ok_or_else(|| StoreError::Database("no id returned for a new release".into()))?;
            // A new release is a device to match like any other.
            crate::matching::ensure_devices(db)?;
            crate::matching::rematch(db, Some(&[id]), crate::matching::Scope::All)?;
            Ok(id)
        }
        None => Err(StoreError::NotFound(format!(
            "unknown release '{version}' of {mfr}/{model}"
        ))),
    }
}

/// Keep the bytes once, by digest.
pub(crate) fn store_blob(db: &mut Db, bytes: &[u8]) -> Result<String, StoreError> {
    let sha = hex(&Sha256::digest(bytes));
    let known = !db
        .query(
            "SELECT 1 FROM blobs WHERE sha256 = $1",
            &[sha.clone().into()],
        )?
        .is_empty();
    if !known {
        db.exec(
            "INSERT INTO blobs (sha256, size, content, stored_at) VALUES ($1, $2, $3, $4)",
            &[
                sha.clone().into(),
                Value::Int(bytes.len() as i64),
                Value::Bytes(bytes.to_vec()),
                now_utc().into(),
            ],
        )?;
    }
    Ok(sha)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentSummary {
    pub release: String,
    pub kind: DocumentKind,
    pub sha256: String,
    pub file: String,
    /// False when the same bytes were already stored for this release and kind.
    pub new: bool,
}

pub(crate) fn import_document(
    db: &mut Db,
    spec: &str,
    kind: DocumentKind,
    file: &str,
    bytes: &[u8],
) -> Result<DocumentSummary, StoreError> {
    let release = release_ref(db, spec, true)?;
    let sha = store_blob(db, bytes)?;
    let new = attach_document(db, release, kind, &sha, file)?;
    Ok(DocumentSummary {
        release: spec.to_string(),
        kind,
        sha256: sha,
        file: file.to_string(),
        new,
    })
}

fn attach_document(
    db: &mut Db,
    release: i64,
    kind: DocumentKind,
    sha: &str,
    file: &str,
) -> Result<bool, StoreError> {
    let exists = !db
        .query(
            "SELECT 1 FROM release_documents WHERE release_id = $1 AND kind = $2 AND sha256 = $3",
            &[Value::Int(release), kind.key().into(), sha.into()],
        )?
        .is_empty();
    if !exists {
        db.exec(
            "INSERT INTO release_documents (release_id, kind, sha256, file_name, imported_at) VALUES ($1, $2, $3, $4, $5)",
            &[Value::Int(release), kind.key().into(), sha.into(), file.into(), now_utc().into()],
        )?;
    }
    Ok(!exists)
}

/// A stored SBOM of a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SbomInfo {
    #[serde(skip)]
    pub id: i64,
    pub sha256: String,
    pub format: String,
    pub spec_version: String,
    pub serial_number: Option<String>,
    pub timestamp: Option<String>,
    pub components: i64,
    pub warnings: i64,
    pub file: String,
    pub imported_at: String,
    /// The SBOM in force for the release: the newest by its own timestamp, import order breaking ties.
    pub current: bool,
}

/// SBOMs of a release, oldest first by the rule that picks the current one; the last is current.
pub(crate) fn sboms(db: &mut Db, release: i64) -> Result<Vec<SbomInfo>, StoreError> {
    let mut rows: Vec<SbomInfo> = db
        .query(
            "SELECT id, sha256, format, spec_version, serial_number, document_timestamp, components, warnings, file_name, imported_at FROM sboms WHERE release_id = $1",
            &[Value::Int(release)],
        )?
        .into_iter()
        .map(|r| SbomInfo {
            id: r[0].int().unwrap_or(0),
            sha256: r[1].text().unwrap_or_default().to_string(),
            format: r[2].text().unwrap_or_default().to_string(),
            spec_version: r[3].text().unwrap_or_default().to_string(),
            serial_number: r[4].text().map(str::to_string),
            timestamp: r[5].text().map(str::to_string),
            components: r[6].int().unwrap_or(0),
            warnings: r[7].int().unwrap_or(0),
            file: r[8].text().unwrap_or_default().to_string(),
            imported_at: r[9].text().unwrap_or_default().to_string(),
            current: false,
        })
        .collect();
    // A missing timestamp is older than any; RFC 3339 UTC strings sort by time.
    rows.sort_by(|a, b| {
        (a.timestamp.as_deref().unwrap_or(""), a.id)
            .cmp(&(b.timestamp.as_deref().unwrap_or(""), b.id))
    });
    if let Some(last) = rows.last_mut() {
        last.current = true;
    }
    Ok(rows)
}

/// A stored component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComponentRow {
    pub reference: String,
    pub name: String,
    pub version: Option<String>,
    pub kind: Option<String>,
    pub supplier: Option<String>,
    pub purl: Option<String>,
    pub cpes: Vec<String>,
    pub support_level: Option<String>,
    pub end_of_support: Option<String>,
}

pub(crate) fn components(db: &mut Db, sbom: i64) -> Result<Vec<ComponentRow>, StoreError> {
    Ok(db
        .query(
            "SELECT reference, name, version, kind, supplier, purl, cpes, support_level, end_of_support, end_of_support_text FROM sbom_components WHERE sbom_id = $1 ORDER BY position",
            &[Value::Int(sbom)],
        )?
        .into_iter()
        .map(|r| ComponentRow {
            reference: r[0].text().unwrap_or_default().to_string(),
            name: r[1].text().unwrap_or_default().to_string(),
            version: r[2].text().map(str::to_string),
            kind: r[3].text().map(str::to_string),
            supplier: r[4].text().map(str::to_string),
            purl: r[5].text().map(str::to_string),
            cpes: r[6].text().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default(),
            support_level: r[7].text().map(str::to_string),
            end_of_support: r[8].text().or(r[9].text()).map(str::to_string),
        })
        .collect())
}

/// What an SBOM import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SbomImport {
    pub release: String,
    pub sha256: String,
    pub format: String,
    pub components: usize,
    pub warnings: usize,
    /// False when these bytes were already stored for the release (nothing changed).
    pub new: bool,
    /// Whether this SBOM is now the release's current one.
    pub current: bool,
    /// The SBOM it superseded, if any.
    pub superseded: Option<String>,
    pub changes: Vec<baton_model::sbom_diff::ComponentChange>,
    /// The release matched again with its new components.
    pub matching: Option<crate::MatchSummary>,
}

fn versions(rows: &[ComponentRow]) -> Vec<baton_model::sbom_diff::ComponentVersion> {
    rows.iter()
        .map(|c| baton_model::sbom_diff::ComponentVersion {
            name: c.name.clone(),
            version: c.version.clone(),
            purl: c.purl.clone(),
        })
        .collect()
}

pub(crate) fn diff(
    db: &mut Db,
    from: i64,
    to: i64,
) -> Result<Vec<baton_model::sbom_diff::ComponentChange>, StoreError> {
    let a = components(db, from)?;
    let b = components(db, to)?;
    Ok(baton_model::sbom_diff::diff(&versions(&a), &versions(&b)))
}

pub(crate) fn import_sbom(
    db: &mut Db,
    spec: &str,
    file: &str,
    bytes: &[u8],
    parsed: &Parsed,
) -> Result<SbomImport, StoreError> {
    let release = release_ref(db, spec, true)?;
    let before = sboms(db, release)?;
    let previous = before.iter().find(|s| s.current).cloned();
    let sha = store_blob(db, bytes)?;
    let format = parsed.sbom.format.key().to_string();
    if before.iter().any(|s| s.sha256 == sha) {
        let current = previous.is_some_and(|p| p.sha256 == sha);
        return Ok(SbomImport {
            release: spec.to_string(),
            sha256: sha,
            format,
            components: parsed.sbom.components.len(),
            warnings: parsed.warnings.len(),
            new: false,
            current,
            superseded: None,
            changes: Vec::new(),
            matching: None,
        });
    }
    let timestamp = parsed
        .sbom
        .timestamp
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    let id = db
        .query(
            "INSERT INTO sboms (release_id, sha256, format, spec_version, serial_number, document_timestamp, components, warnings, file_name, imported_at, subject_name, subject_purl) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            &[
                Value::Int(release),
                sha.clone().into(),
                format.clone().into(),
                parsed.sbom.spec_version.clone().into(),
                parsed.sbom.serial_number.clone().into(),
                timestamp.into(),
                Value::Int(parsed.sbom.components.len() as i64),
                Value::Int(parsed.warnings.len() as i64),
                file.into(),
                now_utc().into(),
                parsed.sbom.subject.as_ref().map(|c| c.name.clone()).into(),
                parsed.sbom.subject.as_ref().and_then(|c| c.purl.clone()).into(),
            ],
        )?
        .first()
        .and_then(|r| r[0].int())
        .ok_or_else(|| StoreError::Database("no id returned for a new SBOM".into()))?;
    fn json<S: serde::Serialize>(v: &[S]) -> Value {
        if v.is_empty() {
            Value::Null
        } else {
            Value::Text(serde_json::to_string(v).unwrap_or_default())
        }
    }
    let rows: Vec<Vec<Value>> = parsed
        .sbom
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (eos, eos_text) = match &c.end_of_support {
                Some(SupportDate::Date(d)) => (Value::Text(d.to_string()), Value::Null),
                Some(SupportDate::Text(t)) => (Value::Null, Value::Text(t.clone())),
                None => (Value::Null, Value::Null),
            };
            let hashes: Vec<String> = c
                .hashes
                .iter()
                .map(|h| format!("{}:{}", h.algorithm, h.value))
                .collect();
            vec![
                Value::Int(id),
                Value::Int(i as i64),
                c.reference.clone().into(),
                c.name.clone().into(),
                c.version.clone().into(),
                c.kind.clone().into(),
                c.supplier.clone().or_else(|| c.manufacturer.clone()).into(),
                c.purl.clone().into(),
                json(&c.cpes),
                json(&hashes),
                json(&c.licenses),
                c.support_level.clone().into(),
                eos,
                eos_text,
                c.parent.clone().into(),
            ]
        })
        .collect();
    db.insert_many(
        "INSERT INTO sbom_components (sbom_id, position, reference, name, version, kind, supplier, purl, cpes, hashes, licenses, support_level, end_of_support, end_of_support_text, parent)",
        15,
        &rows,
        "",
    )?;
    attach_document(db, release, DocumentKind::Sbom, &sha, file)?;
    let after = sboms(db, release)?;
    let current = after.last().is_some_and(|s| s.id == id);
    let (superseded, changes) = match (&previous, current) {
        (Some(p), true) => (Some(p.sha256.clone()), diff(db, p.id, id)?),
        _ => (None, Vec::new()),
    };
    let matching = if current {
        crate::matching::set_release_components(db, release, &parsed.sbom.components)?;
        Some(crate::matching::rematch(
            db,
            Some(&[release]),
            crate::matching::Scope::All,
        )?)
    } else {
        None
    };
    Ok(SbomImport {
        release: spec.to_string(),
        sha256: sha,
        format,
        components: parsed.sbom.components.len(),
        warnings: parsed.warnings.len(),
        new: true,
        current,
        superseded,
        changes,
        matching,
    })
}

/// Store an MDS2 form of a release: the xlsx bytes by sha256 and the answers as read (JSON).
/// Returns false when these bytes were already stored for the release.
pub(crate) fn import_mds2(
    db: &mut Db,
    spec: &str,
    file: &str,
    bytes: &[u8],
    form_json: &str,
) -> Result<(String, bool), StoreError> {
    let release = release_ref(db, spec, true)?;
    let sha = store_blob(db, bytes)?;
    let exists = !db
        .query(
            "SELECT 1 FROM mds2_forms WHERE release_id = $1 AND sha256 = $2",
            &[Value::Int(release), sha.clone().into()],
        )?
        .is_empty();
    if !exists {
        db.exec(
            "INSERT INTO mds2_forms (release_id, sha256, form, file_name, imported_at) VALUES ($1, $2, $3, $4, $5)",
            &[Value::Int(release), sha.clone().into(), form_json.into(), file.into(), now_utc().into()],
        )?;
    }
    attach_document(db, release, DocumentKind::Mds2, &sha, file)?;
    Ok((sha, !exists))
}

/// The latest MDS2 form stored for a release, as JSON.
pub(crate) fn mds2_form(db: &mut Db, spec: &str) -> Result<Option<String>, StoreError> {
    let release = release_ref(db, spec, false)?;
    Ok(db
        .query(
            "SELECT form FROM mds2_forms WHERE release_id = $1 ORDER BY id DESC",
            &[Value::Int(release)],
        )?
        .first()
        .and_then(|r| r[0].text().map(str::to_string)))
}
