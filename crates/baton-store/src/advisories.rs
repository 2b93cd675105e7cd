//! Stored advisories: each kept once by the digest of its parsed form, the newest revision of an
//! id current, its match keys indexed; KEV and EPSS kept whole. Importing advisories matches only
//! the releases their keys reach (see [`crate::matching`]).

use std::collections::{BTreeSet, HashMap};

use baton_advisories::{Advisory, EpssScores, KevCatalog};
use baton_matching::keys::advisory_keys;
use baton_model::OrgKind;
use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{Db, Value};
use crate::import::Orgs;
use crate::matching::{self, MatchSummary, Scope, is_vex};
use crate::{StoreError, hex, now_utc};

const CHUNK: usize = 500;

/// One advisory and the file it was read from.
#[derive(Debug, Clone)]
pub struct AdvisoryDoc {
    pub file: String,
    pub advisory: Advisory,
}

/// What an advisory import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdvisoryImport {
    pub advisories: usize,
    /// Stored for the first time and now current.
    pub new: usize,
    /// Already stored with the same content.
    pub unchanged: usize,
    /// Earlier revisions replaced by a newer one of this import.
    pub superseded: usize,
    /// Revisions older than the one already current (kept, not matched).
    pub older: usize,
    /// VEX documents applied as their author's statements (manufacturer or hospital).
    pub vex_documents: usize,
    /// Per-asset decisions recorded from hospitals' VEX documents.
    pub asset_decisions: usize,
    pub matching: MatchSummary,
    pub warnings: Vec<String>,
}

fn source_key(a: &Advisory) -> String {
    serde_json::to_value(a.source)
        .ok()
        .and_then(|v| v.as_str().map(str::to_ascii_lowercase))
        .unwrap_or_else(|| "unknown".into())
}

fn rfc3339(t: Option<chrono::DateTime<chrono::Utc>>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

struct CurrentRow {
    id: i64,
    digest: String,
    modified: Option<String>,
    /// The organization that uploaded it through the API; `None` for the operator and feeds.
    owner: Option<i64>,
}

/// Store advisories and match what they reach, in the caller's transaction. `author` names the
/// organization whose VEX statements these are, when the documents' publisher does not.
pub(crate) fn import(
    db: &mut Db,
    docs: &[AdvisoryDoc],
    author: Option<&str>,
    uploader: Option<i64>,
) -> Result<AdvisoryImport, StoreError> {
    let orgs = Orgs::load(db, NaiveDate::MIN)?;
    let author_org = match author {
        Some(name) => Some(orgs.find_with_kind(name).ok_or_else(|| {
            StoreError::NotFound(format!("unknown organization '{name}' (--author)"))
        })?),
        None => None,
    };
    let mut out = AdvisoryImport {
        advisories: docs.len(),
        ..AdvisoryImport::default()
    };
    // What is stored already, for the keys of this import.
    let keyed: Vec<(String, String, &AdvisoryDoc)> = docs
        .iter()
        .map(|d| {
            let key = format!("{}:{}", source_key(&d.advisory), d.advisory.id);
            let digest = hex(&Sha256::digest(
                serde_json::to_vec(&d.advisory).unwrap_or_default(),
            ));
            (key, digest, d)
        })
        .collect();
    let keys: Vec<String> = keyed
        .iter()
        .map(|k| k.0.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut known: HashMap<(String, String), i64> = HashMap::new();
    let mut current: HashMap<String, CurrentRow> = HashMap::new();
    for chunk in keys.chunks(CHUNK) {
        let params: Vec<Value> = chunk.iter().map(|k| Value::Text(k.clone())).collect();
        let marks = (1..=chunk.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(",");
        for r in db.query(
            &format!(
                "SELECT id, advisory_key, digest, modified, current, owner_id FROM advisories WHERE advisory_key IN ({marks})"
            ),
            &params,
        )? {
            let id = r[0].int().unwrap_or(0);
            let key = r[1].text().unwrap_or_default().to_string();
            let digest = r[2].text().unwrap_or_default().to_string();
            if r[4].int() == Some(1) {
                current.insert(
                    key.clone(),
                    CurrentRow {
                        id,
                        digest: digest.clone(),
                        modified: r[3].text().map(str::to_string),
                        owner: r[5].int(),
                    },
                );
            }
            known.insert((key, digest), id);
        }
    }
    // Decide, in file order, which revision of each id is current.
    let mut retired: Vec<i64> = Vec::new();
    let mut winners: HashMap<String, usize> = HashMap::new();
    let mut rows: Vec<(usize, bool)> = Vec::new();
    for (i, (key, digest, doc)) in keyed.iter().enumerate() {
        if known.contains_key(&(key.clone(), digest.clone())) {
            out.unchanged += 1;
            continue;
        }
        // An organization's upload never replaces what another, or the operator, published.
        if let Some(me) = uploader
            && let Some(c) = current.get(key)
            && c.owner != Some(me)
        {
            return Err(StoreError::Forbidden(format!(
                "{}: advisory '{}' was published by another organization; an upload cannot replace it",
                doc.file, doc.advisory.id
            )));
        }
        let modified = rfc3339(doc.advisory.modified);
        let newer_than = |other: &Option<String>| match (&modified, other) {
            (Some(m), Some(o)) => m >= o,
            _ => true,
        };
        let beats_stored = current.get(key).is_none_or(|c| newer_than(&c.modified));
        let beats_batch = winners
            .get(key)
            .is_none_or(|&w| newer_than(&rfc3339(keyed[w].2.advisory.modified)));
        known.insert((key.clone(), digest.clone()), 0);
        if beats_stored && beats_batch {
            if let Some(&w) = winners.get(key)
                && let Some(r) = rows.iter_mut().find(|r| r.0 == w)
            {
                r.1 = false;
                out.superseded += 1;
            }
            winners.insert(key.clone(), i);
            rows.push((i, true));
        } else {
            rows.push((i, false));
            out.older += 1;
        }
    }
    for (key, &w) in &winners {
        if let Some(c) = current.get(key)
            && c.digest != keyed[w].1
        {
            retired.push(c.id);
            out.superseded += 1;
        }
    }
    out.new = rows.iter().filter(|r| r.1).count();
    for chunk in retired.chunks(CHUNK) {
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        db.exec(
            &format!("UPDATE advisories SET current = 0 WHERE id IN ({list})"),
            &[],
        )?;
    }
    // Who speaks in each VEX document.
    let now = now_utc();
    let mut values = Vec::with_capacity(rows.len());
    let mut hdo_vex: Vec<(usize, i64)> = Vec::new();
    for &(i, is_current) in &rows {
        let (key, digest, doc) = &keyed[i];
        let a = &doc.advisory;
        let scope = if is_vex(a.source) {
            let org =
                author_org.or_else(|| a.publisher.as_deref().and_then(|p| orgs.find_with_kind(p)));
            match org {
                Some((id, OrgKind::Hdo)) => {
                    if is_current {
                        hdo_vex.push((i, id));
                    }
                    Some(id)
                }
                Some((id, _)) => Some(id),
                None => None,
            }
        } else {
            None
        };
        if scope.is_some() && is_current {
            out.vex_documents += 1;
        }
        values.push(vec![
            Value::Text(key.clone()),
            Value::Text(source_key(a)),
            Value::Text(a.id.clone()),
            a.publisher.clone().into(),
            rfc3339(a.modified).into(),
            Value::Text(digest.clone()),
            Value::Text(doc.file.clone()),
            Value::Text(serde_json::to_string(a).unwrap_or_default()),
            Value::Int(i64::from(is_current)),
            scope.map(Value::Int).unwrap_or(Value::Null),
            Value::Text(now.clone()),
            uploader.map(Value::Int).unwrap_or(Value::Null),
        ]);
    }
    db.insert_many(
        "INSERT INTO advisories (advisory_key, source, advisory_id, publisher, modified, digest, file_name, document, current, scope_org_id, imported_at, owner_id)",
        12,
        &values,
        "",
    )?;
    // Ids of the new current rows, and their keys.
    let mut matched: Vec<i64> = Vec::new();
    let mut row_of: HashMap<usize, i64> = HashMap::new();
    let current_rows: Vec<usize> = rows.iter().filter(|r| r.1).map(|r| r.0).collect();
    for chunk in current_rows.chunks(CHUNK) {
        let params: Vec<Value> = chunk
            .iter()
            .map(|&i| Value::Text(keyed[i].0.clone()))
            .collect();
        let marks = (1..=chunk.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(",");
        let ids: HashMap<(String, String), i64> = db
            .query(
                &format!(
                    "SELECT id, advisory_key, digest FROM advisories WHERE current = 1 AND advisory_key IN ({marks})"
                ),
                &params,
            )?
            .into_iter()
            .map(|r| {
                (
                    (
                        r[1].text().unwrap_or_default().to_string(),
                        r[2].text().unwrap_or_default().to_string(),
                    ),
                    r[0].int().unwrap_or(0),
                )
            })
            .collect();
        let mut key_rows = Vec::new();
        for &i in chunk {
            let Some(&id) = ids.get(&(keyed[i].0.clone(), keyed[i].1.clone())) else {
                continue;
            };
            matched.push(id);
            row_of.insert(i, id);
            for k in advisory_keys(&keyed[i].2.advisory) {
                key_rows.push(vec![Value::Text(k), Value::Int(id)]);
            }
        }
        db.insert_many(
            "INSERT INTO advisory_keys (match_key, advisory_id)",
            2,
            &key_rows,
            "ON CONFLICT (match_key, advisory_id) DO NOTHING",
        )?;
    }
    // Hospitals' VEX: decisions on their own assets, not matching data.
    let hdo_rows: Vec<i64> = hdo_vex
        .iter()
        .filter_map(|(i, _)| row_of.get(i).copied())
        .collect();
    matched.retain(|id| !hdo_rows.contains(id));
    // A bulk import reaches nearly every release: look at all of them rather than ask.
    let releases = if matched.len() + retired.len() > 5_000 {
        db.query("SELECT id FROM releases ORDER BY id", &[])?
            .iter()
            .filter_map(|r| r[0].int())
            .collect()
    } else {
        matching::releases_reached(db, &matched, &retired)?
    };
    out.matching = matching::rematch(
        db,
        Some(&releases),
        Scope::Advisories {
            matched,
            retired: retired.clone(),
        },
    )?;
    for (i, org) in hdo_vex {
        let doc = &keyed[i].2.advisory;
        out.asset_decisions += matching::apply_hospital_vex(db, org, &keyed[i].0, doc)?;
    }
    Ok(out)
}

/// Replace the KEV catalog.
pub(crate) fn import_kev(db: &mut Db, catalog: &KevCatalog) -> Result<usize, StoreError> {
    db.exec("DELETE FROM kev_entries", &[])?;
    let mut seen = BTreeSet::new();
    let rows: Vec<Vec<Value>> = catalog
        .entries
        .iter()
        .filter(|e| seen.insert(e.cve.clone()))
        .map(|e| {
            vec![
                Value::Text(e.cve.clone()),
                e.date_added.map(|d| d.to_string()).into(),
                e.vendor_project.clone().into(),
                e.product.clone().into(),
                e.known_ransomware_campaign_use.clone().into(),
            ]
        })
        .collect();
    db.insert_many(
        "INSERT INTO kev_entries (cve, date_added, vendor, product, ransomware)",
        5,
        &rows,
        "",
    )?;
    mark_kev(db)?;
    Ok(rows.len())
}

/// Set each finding's `kev` flag (its id or an alias in the catalog), which the findings order
/// starts with.
fn mark_kev(db: &mut Db) -> Result<(), StoreError> {
    let kev = crate::findings::kev_set(db)?;
    let mut on: Vec<i64> = Vec::new();
    let mut off: Vec<i64> = Vec::new();
    for r in db.query(
        "SELECT id, vulnerability_id, aliases, kev FROM findings",
        &[],
    )? {
        let id = r[0].int().unwrap_or(0);
        let aliases: Vec<String> = r[2]
            .text()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default();
        let is =
            r[1].text().is_some_and(|v| kev.contains(v)) || aliases.iter().any(|a| kev.contains(a));
        match (is, r[3].int() == Some(1)) {
            (true, false) => on.push(id),
            (false, true) => off.push(id),
            _ => {}
        }
    }
    for (flag, ids) in [(1, on), (0, off)] {
        for chunk in ids.chunks(500) {
            let list = chunk
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            db.exec(
                &format!("UPDATE findings SET kev = {flag} WHERE id IN ({list})"),
                &[],
            )?;
        }
    }
    Ok(())
}

/// Replace the EPSS scores.
pub(crate) fn import_epss(db: &mut Db, scores: &EpssScores) -> Result<usize, StoreError> {
    db.exec("DELETE FROM epss_scores", &[])?;
    let date = scores.score_date.date_naive().to_string();
    let mut seen = BTreeSet::new();
    let rows: Vec<Vec<Value>> = scores
        .entries
        .iter()
        .filter(|e| seen.insert(e.cve.clone()))
        .map(|e| {
            vec![
                Value::Text(e.cve.clone()),
                Value::Text(e.score.to_string()),
                Value::Text(e.percentile.to_string()),
                Value::Text(date.clone()),
            ]
        })
        .collect();
    db.insert_many(
        "INSERT INTO epss_scores (cve, score, percentile, score_date)",
        4,
        &rows,
        "",
    )?;
    Ok(rows.len())
}
