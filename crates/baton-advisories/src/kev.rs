//! The CISA Known Exploited Vulnerabilities catalog (JSON). Unknown fields are ignored; an entry
//! without a usable `cveID` is skipped with a warning, other gaps only warn.

use crate::json::{Reader, child, is_cve, parse_date};
use crate::model::{AdvisoryError, Warning, WarningKind};
use crate::typed::{Object, Text, from_json, present};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

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
    match read_fast(text) {
        Some(catalog) => Ok(catalog),
        None => read_general(file, text),
    }
}

/// Reads any catalog, with located warnings for what is odd.
fn read_general(file: &str, text: &str) -> Result<KevCatalog, AdvisoryError> {
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

// ---------------------------------------------------------------------------------------------
// The fast path: a clean catalog read straight into typed structs (see `crate::typed`).

#[derive(Deserialize)]
struct FastCatalog<'a> {
    #[serde(borrow)]
    title: Option<Text<'a>>,
    #[serde(borrow, rename = "catalogVersion")]
    catalog_version: Text<'a>,
    #[serde(borrow, rename = "dateReleased")]
    date_released: Option<Text<'a>>,
    count: Option<f64>,
    #[serde(borrow)]
    vulnerabilities: Vec<Object<FastEntry<'a>>>,
}

/// `Option<Option<_>>`: absent (the general reader warns) apart from `null` (it does not).
#[derive(Deserialize)]
struct FastEntry<'a> {
    #[serde(borrow, rename = "cveID")]
    cve: Text<'a>,
    #[serde(
        default,
        borrow,
        rename = "vendorProject",
        deserialize_with = "present"
    )]
    vendor_project: Option<Option<Text<'a>>>,
    #[serde(default, borrow, deserialize_with = "present")]
    product: Option<Option<Text<'a>>>,
    #[serde(
        default,
        borrow,
        rename = "vulnerabilityName",
        deserialize_with = "present"
    )]
    vulnerability_name: Option<Option<Text<'a>>>,
    #[serde(default, borrow, rename = "dateAdded", deserialize_with = "present")]
    date_added: Option<Option<Text<'a>>>,
    #[serde(
        default,
        borrow,
        rename = "shortDescription",
        deserialize_with = "present"
    )]
    short_description: Option<Option<Text<'a>>>,
    #[serde(
        default,
        borrow,
        rename = "requiredAction",
        deserialize_with = "present"
    )]
    required_action: Option<Option<Text<'a>>>,
    #[serde(default, borrow, rename = "dueDate", deserialize_with = "present")]
    due_date: Option<Option<Text<'a>>>,
    #[serde(borrow, rename = "knownRansomwareCampaignUse")]
    ransomware: Option<Text<'a>>,
    #[serde(borrow)]
    notes: Option<Text<'a>>,
    #[serde(borrow)]
    cwes: Option<Vec<Text<'a>>>,
}

/// Reads a catalog the general reader would read without a warning, giving what it gives;
/// `None` for anything else.
fn read_fast(text: &str) -> Option<KevCatalog> {
    let Object(root) = from_json::<Object<FastCatalog<'_>>>(text)?;
    let date_released = match root.date_released {
        None => None,
        Some(d) => Some(parse_date(d.as_str())?),
    };
    let mut seen: HashSet<String> = HashSet::with_capacity(root.vulnerabilities.len());
    let mut entries = Vec::with_capacity(root.vulnerabilities.len());
    for Object(v) in root.vulnerabilities {
        let cve = v.cve.as_str().trim().to_string();
        if !is_cve(&cve) || seen.contains(&cve) {
            return None;
        }
        seen.insert(cve.clone());
        // A key that is absent is warned about; one that is null is not.
        let given = |t: Option<Option<Text<'_>>>| t.map(|t| t.map(Text::into_string));
        let day = |t: Option<Option<Text<'_>>>| -> Option<Option<NaiveDate>> {
            match t? {
                None => Some(None),
                Some(d) => NaiveDate::parse_from_str(d.as_str().trim(), "%Y-%m-%d")
                    .ok()
                    .map(Some),
            }
        };
        let ransomware = v.ransomware.map(Text::into_string);
        if ransomware
            .as_deref()
            .is_some_and(|k| k != "Known" && k != "Unknown")
        {
            return None;
        }
        entries.push(KevEntry {
            cve,
            vendor_project: given(v.vendor_project)?,
            product: given(v.product)?,
            vulnerability_name: given(v.vulnerability_name)?,
            date_added: day(v.date_added)?,
            short_description: given(v.short_description)?,
            required_action: given(v.required_action)?,
            due_date: day(v.due_date)?,
            known_ransomware_campaign_use: ransomware,
            notes: Text::not_blank(v.notes),
            cwes: v
                .cwes
                .unwrap_or_default()
                .into_iter()
                .map(Text::into_string)
                .collect(),
        });
    }
    let count = root.count.map(|n| n as u64);
    if count.is_some_and(|n| n != entries.len() as u64) {
        return None;
    }
    Some(KevCatalog {
        title: root.title.map(Text::into_string),
        catalog_version: Some(root.catalog_version.into_string()),
        date_released,
        count,
        entries,
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::typed::testing;

    fn agrees(text: &str) -> bool {
        match read_fast(text) {
            None => false,
            Some(fast) => {
                assert_eq!(read_general("x.json", text), Ok(fast), "{text}");
                true
            }
        }
    }

    #[test]
    fn the_fast_path_reads_every_corpus_file_as_the_general_reader_does() {
        let mut fast = Vec::new();
        for path in testing::json_files() {
            let bytes = std::fs::read(&path).unwrap();
            if let Ok(text) = std::str::from_utf8(&bytes)
                && agrees(text)
            {
                fast.push(path.strip_prefix(testing::data()).unwrap().to_path_buf());
            }
        }
        let fast: Vec<String> = fast.iter().map(|p| p.display().to_string()).collect();
        assert!(
            fast.contains(&"cisa-kev/known_exploited_vulnerabilities.json".to_string()),
            "{fast:?}"
        );
    }

    #[test]
    fn anything_the_general_reader_warns_about_is_left_to_it() {
        let base = r#"{"title": "KEV", "catalogVersion": "2025.08.25",
            "dateReleased": "2025-08-25T17:04:19.9796Z", "count": 2, "vulnerabilities": [
            {"cveID": "CVE-2025-48384", "vendorProject": "Git", "product": "Git",
             "vulnerabilityName": "n", "dateAdded": "2025-08-25", "shortDescription": "d",
             "requiredAction": "a", "dueDate": "2025-09-15", "knownRansomwareCampaignUse": "Unknown",
             "notes": "", "cwes": ["CWE-59"]},
            {"cveID": "CVE-2024-0001", "vendorProject": null, "product": "P",
             "vulnerabilityName": "n", "dateAdded": "2024-01-02", "shortDescription": "d \u00e9",
             "requiredAction": "a", "dueDate": null}]}"#;
        assert!(agrees(base));
        let refused = [
            (r#""count": 2"#, r#""count": 3"#),
            (r#""count": 2"#, r#""count": "2""#),
            (r#""CVE-2024-0001""#, r#""CVE-2025-48384""#),
            (r#""CVE-2024-0001""#, r#""CVE-24-1""#),
            (r#""Unknown""#, r#""Maybe""#),
            (r#""product": "P","#, ""),
            (r#""dueDate": null"#, r#""dueDate": "soon""#),
            (r#""dateAdded": "2024-01-02","#, ""),
            (r#""cwes": ["CWE-59"]"#, r#""cwes": "CWE-59""#),
            (r#""catalogVersion": "2025.08.25","#, ""),
            ("2025-08-25T17:04:19.9796Z", "today"),
        ];
        for (from, to) in refused {
            let text = base.replacen(from, to, 1);
            assert_ne!(text, base, "{from}");
            assert!(read_fast(&text).is_none(), "{to}");
        }
    }
}
