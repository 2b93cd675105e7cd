//! The CISA Known Exploited Vulnerabilities catalog (JSON). Unknown fields are ignored; an entry
//! without a usable `cveID` is skipped with a warning, other gaps only warn.

use crate::json::{Reader, child, is_cve};
use crate::model::{AdvisoryError, Warning, WarningKind};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KevCatalog {
    pub title: Option<String>,
    pub catalog_version: Option<String>,
    pub date_released: Option<DateTime<Utc>>,
    /// `count` as the catalog states it (checked against the entries).
    pub count: Option<u64>,
    pub entries: Vec<KevEntry>,
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KevEntry {
    pub cve: String,
    pub vendor_project: Option<String>,
    pub product: Option<String>,
    pub vulnerability_name: Option<String>,
    pub date_added: Option<NaiveDate>,
    pub short_description: Option<String>,
    pub required_action: Option<String>,
    pub due_date: Option<NaiveDate>,
    /// `Known` or `Unknown`.
    pub known_ransomware_campaign_use: Option<String>,
    pub notes: Option<String>,
    pub cwes: Vec<String>,
}

/// Reads a KEV catalog (plain or gzip). `file` names the file in errors.
pub fn parse_kev(file: &str, bytes: &[u8]) -> Result<KevCatalog, AdvisoryError> {
    let bytes = crate::inflate(file, bytes)?;
    let text = crate::text_of(file, &bytes)?;
    let root = crate::json_root(file, text)?;
    let Value::Object(root) = root else {
        return Err(AdvisoryError::Invalid {
            file: file.to_string(),
            pointer: String::new(),
            message: "a KEV catalog is a JSON object".to_string(),
        });
    };
    if !matches!(root.get("vulnerabilities"), Some(Value::Array(_))) {
        return Err(AdvisoryError::Invalid {
            file: file.to_string(),
            pointer: "/vulnerabilities".to_string(),
            message: "a KEV catalog needs a `vulnerabilities` array".to_string(),
        });
    }
    let mut r = Reader::default();
    let title = r.str(&root, "", "title");
    let catalog_version = r.required_str(&root, "", "catalogVersion");
    let date_released = r.date(&root, "", "dateReleased");
    let count = r.number(&root, "", "count").map(|n| n as u64);
    let mut entries = Vec::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    for (vp, v) in r.objects(&root, "", "vulnerabilities") {
        let Some(cve) = r
            .required_str(v, &vp, "cveID")
            .map(|c| c.trim().to_string())
        else {
            continue;
        };
        if !is_cve(&cve) {
            r.warn(
                WarningKind::BadId,
                child(&vp, "cveID"),
                format!("{cve:?} is not a CVE id"),
            );
        }
        if let Some(first) = seen.get(&cve) {
            r.warn(
                WarningKind::Inconsistent,
                child(&vp, "cveID"),
                format!("{cve} is already listed at {first}"),
            );
        }
        seen.insert(cve.clone(), vp.clone());
        for key in [
            "vendorProject",
            "product",
            "vulnerabilityName",
            "shortDescription",
            "requiredAction",
        ] {
            if !v.contains_key(key) {
                r.warn(
                    WarningKind::Missing,
                    child(&vp, key),
                    format!("`{key}` is missing"),
                );
            }
        }
        let date_added = day(&mut r, v, &vp, "dateAdded", true);
        let due_date = day(&mut r, v, &vp, "dueDate", true);
        let ransomware = r.str(v, &vp, "knownRansomwareCampaignUse");
        if let Some(k) = &ransomware
            && k != "Known"
            && k != "Unknown"
        {
            r.warn(
                WarningKind::UnknownValue,
                child(&vp, "knownRansomwareCampaignUse"),
                format!("{k:?} is neither Known nor Unknown"),
            );
        }
        entries.push(KevEntry {
            cve,
            vendor_project: r.str(v, &vp, "vendorProject"),
            product: r.str(v, &vp, "product"),
            vulnerability_name: r.str(v, &vp, "vulnerabilityName"),
            date_added,
            short_description: r.str(v, &vp, "shortDescription"),
            required_action: r.str(v, &vp, "requiredAction"),
            due_date,
            known_ransomware_campaign_use: ransomware,
            notes: r.text(v, &vp, "notes"),
            cwes: r.strings(v, &vp, "cwes"),
        });
    }
    if let Some(n) = count
        && n != entries.len() as u64
    {
        r.warn(
            WarningKind::Inconsistent,
            "/count",
            format!(
                "count is {n} but the catalog lists {} entries",
                entries.len()
            ),
        );
    }
    Ok(KevCatalog {
        title,
        catalog_version,
        date_released,
        count,
        entries,
        warnings: r.warnings,
    })
}

fn day(
    r: &mut Reader,
    v: &serde_json::Map<String, Value>,
    vp: &str,
    key: &str,
    required: bool,
) -> Option<NaiveDate> {
    let Some(s) = r.str(v, vp, key) else {
        if required && !v.contains_key(key) {
            r.warn(
                WarningKind::Missing,
                child(vp, key),
                format!("`{key}` is missing"),
            );
        }
        return None;
    };
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    if d.is_none() {
        r.warn(
            WarningKind::BadDate,
            child(vp, key),
            format!("{s:?} is not a YYYY-MM-DD date"),
        );
    }
    d
}
