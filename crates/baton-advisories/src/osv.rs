//! OSV (JSON, or YAML turned into the same tree). One record is one advisory with one
//! vulnerability; each `affected[]` entry becomes a synthetic product (`<ecosystem>:<name>`)
//! that is affected, with its ranges and versions kept raw in [`OsvAffected`].

use crate::cvss_vector;
use crate::json::{Reader, UniqueIds, child, is_cve, parse_date, push_unique};
use crate::model::{
    Advisory, AdvisoryError, AdvisorySource, AffectedRange, Cvss, OsvAffected, OsvEvent, OsvRange,
    Product, ProductStatus, Status, Vulnerability, WarningKind,
};
use crate::typed::{Object, Refuse, Text, from_json, present};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::borrow::Cow;

type Obj = Map<String, Value>;

/// Reads one OSV record at `ptr` (empty for a whole file, `/3` inside an array).
pub(crate) fn read(file: &str, rec: &Obj, ptr: &str) -> Result<Advisory, AdvisoryError> {
    let mut r = Reader::default();
    let id = match rec.get("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        _ => {
            return Err(AdvisoryError::Invalid {
                file: file.to_string(),
                pointer: child(ptr, "id"),
                message: "an OSV record needs a non-empty string `id`".to_string(),
            });
        }
    };
    let modified = r.date(rec, ptr, "modified");
    if !rec.contains_key("modified") {
        r.warn(
            WarningKind::Missing,
            child(ptr, "modified"),
            "`modified` is missing",
        );
    }
    let published = r.date(rec, ptr, "published");
    let withdrawn = r.date(rec, ptr, "withdrawn");
    let summary = r.text(rec, ptr, "summary");
    let details = r.text(rec, ptr, "details");

    let aliases_in = r.strings_at(rec, ptr, "aliases");
    let vuln_id = if is_cve(&id) {
        id.clone()
    } else {
        aliases_in
            .iter()
            .map(|(_, a)| a.trim())
            .find(|a| is_cve(a))
            .map_or_else(|| id.clone(), str::to_string)
    };
    let mut aliases = Vec::new();
    push_unique(&mut aliases, &id, &vuln_id);
    for (_, a) in &aliases_in {
        push_unique(&mut aliases, a, &vuln_id);
    }

    let mut cvss = Vec::new();
    severities(&mut r, rec, ptr, &[], &mut cvss);

    let mut cwes = Vec::new();
    if let Some(db) = r.obj(rec, ptr, "database_specific") {
        for (_, cwe) in r.strings_at(db, &child(ptr, "database_specific"), "cwe_ids") {
            push_unique(&mut cwes, &cwe, "");
        }
    }

    let mut products: Vec<Product> = Vec::new();
    let mut used = UniqueIds::default();
    let mut statuses = Vec::new();
    let mut affected = Vec::new();
    for (ap, entry) in r.objects(rec, ptr, "affected") {
        let pkg = r.obj(entry, &ap, "package");
        let pp = child(&ap, "package");
        let ecosystem = pkg.and_then(|p| r.text(p, &pp, "ecosystem"));
        let name = pkg.and_then(|p| r.text(p, &pp, "name"));
        let purl = pkg.and_then(|p| r.text(p, &pp, "purl"));
        let ranges = read_ranges(&mut r, entry, &ap);
        let versions = r.strings(entry, &ap, "versions");
        if pkg.is_none() {
            let has_git = ranges.iter().any(|rg| rg.kind == "GIT");
            // A GIT-only entry may omit the package; anything else cannot be matched.
            if !has_git {
                r.warn(
                    WarningKind::Missing,
                    pp.clone(),
                    "an affected entry without `package` or GIT range",
                );
            }
        } else if ecosystem.is_none() || name.is_none() {
            r.warn(
                WarningKind::Missing,
                pp.clone(),
                "a package needs `ecosystem` and `name`",
            );
        }
        if ranges.is_empty() && versions.is_empty() {
            r.warn(
                WarningKind::Missing,
                ap.clone(),
                "an affected entry with neither `ranges` nor `versions` affects nothing",
            );
        }
        let base = match (&ecosystem, &name) {
            (Some(e), Some(n)) => format!("{e}:{n}"),
            (None, Some(n)) => n.clone(),
            _ => ranges
                .iter()
                .find_map(|rg| rg.repo.as_ref().map(|repo| format!("GIT:{repo}")))
                .unwrap_or_else(|| "unknown".to_string()),
        };
        let pid = used.claim(&base);
        let mut entry_cvss = Vec::new();
        severities(
            &mut r,
            entry,
            &ap,
            std::slice::from_ref(&pid),
            &mut entry_cvss,
        );
        cvss.extend(entry_cvss);
        products.push(Product {
            id: pid.clone(),
            name: name.clone(),
            ecosystem: ecosystem.clone(),
            purls: purl.iter().cloned().collect(),
            ..Product::default()
        });
        statuses.push(ProductStatus {
            product: pid.clone(),
            status: Status::Affected,
            justification: None,
            impact: None,
            remediation: None,
        });
        affected.push(AffectedRange::Osv(OsvAffected {
            product: pid,
            ecosystem,
            name,
            purl,
            ranges,
            versions,
            ecosystem_specific: entry.get("ecosystem_specific").cloned(),
            database_specific: entry.get("database_specific").cloned(),
        }));
    }

    let mut references = Vec::new();
    for (rp, reference) in r.objects(rec, ptr, "references") {
        if let Some(url) = r.text(reference, &rp, "url") {
            push_unique(&mut references, &url, "");
        }
    }

    let vulnerability = Vulnerability {
        id: vuln_id,
        aliases,
        summary: summary.clone().or(details),
        published,
        cvss,
        cwes,
        statuses,
        affected,
        remediations: Vec::new(),
    };
    Ok(Advisory {
        id,
        source: AdvisorySource::Osv,
        title: summary,
        publisher: None,
        published,
        modified,
        withdrawn,
        vulnerabilities: vec![vulnerability],
        products,
        references,
        warnings: r.warnings,
    })
}

fn severities(r: &mut Reader, obj: &Obj, ptr: &str, products: &[String], out: &mut Vec<Cvss>) {
    for (sp, sev) in r.objects(obj, ptr, "severity") {
        let kind = r.required_str(sev, &sp, "type").unwrap_or_default();
        let family = kind.trim_start_matches("CVSS_V").to_string();
        let Some(score) = r.required_str(sev, &sp, "score") else {
            continue;
        };
        if !matches!(kind.as_str(), "CVSS_V2" | "CVSS_V3" | "CVSS_V4") {
            if kind != "Ubuntu" {
                r.warn(
                    WarningKind::UnknownValue,
                    child(&sp, "type"),
                    format!("unknown severity type {kind:?}; ignored"),
                );
            }
            continue;
        }
        match cvss_vector::parse(&score) {
            Ok(v) => {
                if !v.version.starts_with(family.as_str()) {
                    r.warn(
                        WarningKind::BadCvss,
                        child(&sp, "score"),
                        format!("a CVSS {} vector under type {kind}", v.version),
                    );
                }
                out.push(Cvss {
                    version: v.version.to_string(),
                    vector: v.text,
                    score: Some(v.score),
                    source: None,
                    products: products.to_vec(),
                });
            }
            Err(e) => r.warn(
                WarningKind::BadCvss,
                child(&sp, "score"),
                format!("{score:?}: {e}"),
            ),
        }
    }
}

fn read_ranges(r: &mut Reader, entry: &Obj, ap: &str) -> Vec<OsvRange> {
    let mut out = Vec::new();
    for (rp, range) in r.objects(entry, ap, "ranges") {
        let kind = r.required_str(range, &rp, "type").unwrap_or_default();
        if !matches!(kind.as_str(), "SEMVER" | "ECOSYSTEM" | "GIT") {
            r.warn(
                WarningKind::UnknownValue,
                child(&rp, "type"),
                format!("unknown range type {kind:?}"),
            );
        }
        let repo = r.text(range, &rp, "repo");
        if kind == "GIT" && repo.is_none() {
            r.warn(
                WarningKind::BadRange,
                child(&rp, "repo"),
                "a GIT range needs `repo`",
            );
        }
        let mut events = Vec::new();
        for (ep, event) in r.objects(range, &rp, "events") {
            let known: Vec<&String> = event
                .keys()
                .filter(|k| ["introduced", "fixed", "last_affected", "limit"].contains(&k.as_str()))
                .collect();
            if known.len() != 1 {
                r.warn(
                    WarningKind::BadRange,
                    ep.clone(),
                    format!(
                        "an event needs exactly one of introduced, fixed, last_affected, limit; found {}",
                        known.len()
                    ),
                );
            }
            for key in known {
                let Some(v) = r.str(event, &ep, key) else {
                    continue;
                };
                events.push(match key.as_str() {
                    "introduced" => OsvEvent::Introduced(v),
                    "fixed" => OsvEvent::Fixed(v),
                    "last_affected" => OsvEvent::LastAffected(v),
                    _ => OsvEvent::Limit(v),
                });
            }
        }
        if !events.iter().any(|e| matches!(e, OsvEvent::Introduced(_))) {
            r.warn(
                WarningKind::BadRange,
                child(&rp, "events"),
                "a range without an `introduced` event",
            );
        }
        out.push(OsvRange { kind, repo, events });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The fast path: a clean OSV JSON record read straight into typed structs (see `crate::typed`).

/// Declares a record struct that refuses the keys of the formats [`crate::parse`] recognises
/// before OSV: a document with any of them is left to the general reader, which decides what
/// it is.
macro_rules! osv_record {
    ($(#[$meta:meta])* struct $name:ident<$lt:lifetime> { $($body:tt)* }) => {
        $(#[$meta])*
        struct $name<$lt> {
            $($body)*
            #[serde(default, rename = "bomFormat")]
            _bom_format: Refuse,
            #[serde(default, rename = "document")]
            _document: Refuse,
            #[serde(default, rename = "product_tree")]
            _product_tree: Refuse,
            #[serde(default, rename = "vulnerabilities")]
            _vulnerabilities: Refuse,
            #[serde(default, rename = "statements")]
            _statements: Refuse,
            #[serde(default, rename = "cveMetadata")]
            _cve_metadata: Refuse,
            #[serde(default, rename = "dataType")]
            _data_type: Refuse,
            #[serde(default, rename = "catalogVersion")]
            _catalog_version: Refuse,
            #[serde(default, rename = "format")]
            _format: Refuse,
            #[serde(default, rename = "resultsPerPage")]
            _results_per_page: Refuse,
            #[serde(default, rename = "cve")]
            _cve: Refuse,
            #[serde(default, rename = "sourceIdentifier")]
            _source_identifier: Refuse,
            #[serde(default, rename = "vulnStatus")]
            _vuln_status: Refuse,
            #[serde(default, rename = "descriptions")]
            _descriptions: Refuse,
            #[serde(default, rename = "metrics")]
            _metrics: Refuse,
        }
    };
}

osv_record! {
/// One OSV record, as much of it as [`read`] uses.
#[derive(Deserialize)]
struct FastRecord<'a> {
    #[serde(borrow)]
    id: Text<'a>,
    #[serde(borrow)]
    modified: Text<'a>,
    #[serde(borrow)]
    published: Option<Text<'a>>,
    #[serde(borrow)]
    withdrawn: Option<Text<'a>>,
    #[serde(borrow)]
    summary: Option<Text<'a>>,
    #[serde(borrow)]
    details: Option<Text<'a>>,
    #[serde(borrow)]
    aliases: Option<Vec<Text<'a>>>,
    #[serde(borrow)]
    severity: Option<Vec<Object<FastSeverity<'a>>>>,
    #[serde(borrow)]
    database_specific: Option<Object<FastCwes<'a>>>,
    #[serde(borrow)]
    affected: Option<Vec<Object<FastAffected<'a>>>>,
    #[serde(borrow)]
    references: Option<Vec<Object<FastReference<'a>>>>,
}
}

#[derive(Deserialize)]
struct FastSeverity<'a> {
    #[serde(borrow, rename = "type")]
    kind: Text<'a>,
    #[serde(borrow)]
    score: Text<'a>,
}

#[derive(Deserialize)]
struct FastCwes<'a> {
    #[serde(borrow)]
    cwe_ids: Option<Vec<Text<'a>>>,
}

#[derive(Deserialize)]
struct FastAffected<'a> {
    #[serde(borrow)]
    package: Option<Object<FastPackage<'a>>>,
    #[serde(borrow)]
    ranges: Option<Vec<Object<FastRange<'a>>>>,
    #[serde(borrow)]
    versions: Option<Vec<Text<'a>>>,
    #[serde(borrow)]
    severity: Option<Vec<Object<FastSeverity<'a>>>>,
    #[serde(default, deserialize_with = "present")]
    ecosystem_specific: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct FastPackage<'a> {
    #[serde(borrow)]
    ecosystem: Option<Text<'a>>,
    #[serde(borrow)]
    name: Option<Text<'a>>,
    #[serde(borrow)]
    purl: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct FastRange<'a> {
    #[serde(borrow, rename = "type")]
    kind: Text<'a>,
    #[serde(borrow)]
    repo: Option<Text<'a>>,
    #[serde(borrow)]
    events: Option<Vec<Object<FastEvent<'a>>>>,
}

#[derive(Deserialize)]
struct FastEvent<'a> {
    #[serde(borrow)]
    introduced: Option<Text<'a>>,
    #[serde(borrow)]
    fixed: Option<Text<'a>>,
    #[serde(borrow)]
    last_affected: Option<Text<'a>>,
    #[serde(borrow)]
    limit: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct FastReference<'a> {
    #[serde(borrow)]
    url: Option<Text<'a>>,
}

/// Reads `text` as one clean OSV record, giving the same [`Advisory`] as [`read`] would. `None`
/// when the text is anything else (another format, malformed JSON) or when [`read`] would warn
/// about something: the caller then reads it with the general reader.
pub(crate) fn read_fast(text: &str) -> Option<Advisory> {
    let Object(rec) = from_json::<Object<FastRecord<'_>>>(text)?;
    let id = rec.id.as_str().trim();
    if id.is_empty() {
        return None;
    }
    let id = id.to_string();
    let date = |t: Option<Text<'_>>| -> Option<Option<DateTime<Utc>>> {
        match t {
            None => Some(None),
            Some(t) => parse_date(t.as_str()).map(Some),
        }
    };
    let modified = date(Some(rec.modified))?;
    let published = date(rec.published)?;
    let withdrawn = date(rec.withdrawn)?;
    let summary = Text::not_blank(rec.summary);
    let details = Text::not_blank(rec.details);

    let aliases_in = rec.aliases.unwrap_or_default();
    let vuln_id = if is_cve(&id) {
        id.clone()
    } else {
        aliases_in
            .iter()
            .map(|a| a.as_str().trim())
            .find(|a| is_cve(a))
            .map_or_else(|| id.clone(), str::to_string)
    };
    let mut aliases = Vec::new();
    push_unique(&mut aliases, &id, &vuln_id);
    for a in &aliases_in {
        push_unique(&mut aliases, a.as_str(), &vuln_id);
    }

    let mut cvss = Vec::new();
    fast_severities(rec.severity, &[], &mut cvss)?;

    let mut cwes = Vec::new();
    if let Some(Object(db)) = rec.database_specific {
        for cwe in db.cwe_ids.unwrap_or_default() {
            push_unique(&mut cwes, cwe.as_str(), "");
        }
    }

    let mut products: Vec<Product> = Vec::new();
    let mut used = UniqueIds::default();
    let mut statuses = Vec::new();
    let mut affected = Vec::new();
    for Object(entry) in rec.affected.unwrap_or_default() {
        let pkg_given = entry.package.is_some();
        let (ecosystem, name, purl) = match entry.package {
            Some(Object(p)) => (
                Text::not_blank(p.ecosystem),
                Text::not_blank(p.name),
                Text::not_blank(p.purl),
            ),
            None => (None, None, None),
        };
        let ranges = fast_ranges(entry.ranges)?;
        let versions: Vec<String> = entry
            .versions
            .unwrap_or_default()
            .into_iter()
            .map(Text::into_string)
            .collect();
        let has_git = ranges.iter().any(|rg| rg.kind == "GIT");
        let unreadable = if pkg_given {
            ecosystem.is_none() || name.is_none()
        } else {
            !has_git
        };
        if unreadable || (ranges.is_empty() && versions.is_empty()) {
            return None;
        }
        let base = match (&ecosystem, &name) {
            (Some(e), Some(n)) => format!("{e}:{n}"),
            (None, Some(n)) => n.clone(),
            _ => ranges
                .iter()
                .find_map(|rg| rg.repo.as_ref().map(|repo| format!("GIT:{repo}")))
                .unwrap_or_else(|| "unknown".to_string()),
        };
        let pid = used.claim(&base);
        fast_severities(entry.severity, std::slice::from_ref(&pid), &mut cvss)?;
        products.push(Product {
            id: pid.clone(),
            name: name.clone(),
            ecosystem: ecosystem.clone(),
            purls: purl.iter().cloned().collect(),
            ..Product::default()
        });
        statuses.push(ProductStatus {
            product: pid.clone(),
            status: Status::Affected,
            justification: None,
            impact: None,
            remediation: None,
        });
        affected.push(AffectedRange::Osv(OsvAffected {
            product: pid,
            ecosystem,
            name,
            purl,
            ranges,
            versions,
            ecosystem_specific: entry.ecosystem_specific,
            database_specific: entry.database_specific,
        }));
    }

    let mut references = Vec::new();
    for Object(reference) in rec.references.unwrap_or_default() {
        if let Some(url) = Text::not_blank(reference.url) {
            push_unique(&mut references, &url, "");
        }
    }

    Some(Advisory {
        id,
        source: AdvisorySource::Osv,
        title: summary.clone(),
        publisher: None,
        published,
        modified,
        withdrawn,
        vulnerabilities: vec![Vulnerability {
            id: vuln_id,
            aliases,
            summary: summary.or(details),
            published,
            cvss,
            cwes,
            statuses,
            affected,
            remediations: Vec::new(),
        }],
        products,
        references,
        warnings: Vec::new(),
    })
}

/// [`severities`] on a clean list; `None` where it would warn.
fn fast_severities(
    list: Option<Vec<Object<FastSeverity<'_>>>>,
    products: &[String],
    out: &mut Vec<Cvss>,
) -> Option<()> {
    for Object(sev) in list.unwrap_or_default() {
        let kind = sev.kind.as_str();
        let family = match kind {
            "CVSS_V2" => "2",
            "CVSS_V3" => "3",
            "CVSS_V4" => "4",
            "Ubuntu" => continue,
            _ => return None,
        };
        let v = cvss_vector::parse(sev.score.as_str()).ok()?;
        if !v.version.starts_with(family) {
            return None;
        }
        out.push(Cvss {
            version: v.version.to_string(),
            vector: v.text,
            score: Some(v.score),
            source: None,
            products: products.to_vec(),
        });
    }
    Some(())
}

/// [`read_ranges`] on clean ranges; `None` where it would warn.
fn fast_ranges(list: Option<Vec<Object<FastRange<'_>>>>) -> Option<Vec<OsvRange>> {
    let list = list.unwrap_or_default();
    let mut out = Vec::with_capacity(list.len());
    for Object(range) in list {
        let kind = range.kind.into_string();
        if !matches!(kind.as_str(), "SEMVER" | "ECOSYSTEM" | "GIT") {
            return None;
        }
        let repo = Text::not_blank(range.repo);
        if kind == "GIT" && repo.is_none() {
            return None;
        }
        let events_in = range.events.unwrap_or_default();
        let mut events = Vec::with_capacity(events_in.len());
        for Object(e) in events_in {
            let event = match (e.introduced, e.fixed, e.last_affected, e.limit) {
                (Some(v), None, None, None) => OsvEvent::Introduced(v.into_string()),
                (None, Some(v), None, None) => OsvEvent::Fixed(v.into_string()),
                (None, None, Some(v), None) => OsvEvent::LastAffected(v.into_string()),
                (None, None, None, Some(v)) => OsvEvent::Limit(v.into_string()),
                _ => return None,
            };
            events.push(event);
        }
        if !events.iter().any(|e| matches!(e, OsvEvent::Introduced(_))) {
            return None;
        }
        out.push(OsvRange { kind, repo, events });
    }
    Some(out)
}

/// The package an OSV `affected[]` entry names, as [`read`] would take it (blank values are
/// absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsvPackage<'a> {
    pub ecosystem: Option<Cow<'a, str>>,
    pub name: Option<Cow<'a, str>>,
    pub purl: Option<Cow<'a, str>>,
}

osv_record! {
/// The part of an OSV record that names its packages; the rest is only checked to be JSON.
#[derive(Deserialize)]
struct ProbeRecord<'a> {
    #[serde(borrow)]
    id: Text<'a>,
    // Only required to be there: it makes the document OSV for `crate::parse`.
    #[serde(borrow, rename = "modified")]
    _modified: Text<'a>,
    #[serde(borrow)]
    affected: Option<Vec<Object<ProbeAffected<'a>>>>,
}
}

#[derive(Deserialize)]
struct ProbeAffected<'a> {
    #[serde(borrow)]
    package: Option<Object<ProbePackage<'a>>>,
}

#[derive(Deserialize)]
struct ProbePackage<'a> {
    #[serde(borrow)]
    ecosystem: Option<Text<'a>>,
    #[serde(borrow)]
    name: Option<Text<'a>>,
    #[serde(borrow)]
    purl: Option<Text<'a>>,
}

/// The packages of an OSV JSON record that [`crate::parse`] would read as OSV without an error,
/// found by a pass over the text that builds nothing else. `None` when the bytes are anything
/// else (gzip, another format, JSON with a problem the full reader would report): read them
/// with [`crate::parse`].
pub fn osv_packages(bytes: &[u8]) -> Option<Vec<OsvPackage<'_>>> {
    if bytes.len() as u64 > crate::MAX_DOCUMENT_BYTES {
        return None;
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).ok()?;
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let Object(rec) = from_json::<Object<ProbeRecord<'_>>>(text)?;
    if rec.id.as_str().trim().is_empty() {
        return None;
    }
    fn blank(t: Option<Text<'_>>) -> Option<Cow<'_, str>> {
        t.filter(|t| !t.as_str().trim().is_empty()).map(|t| t.0)
    }
    Some(
        rec.affected
            .unwrap_or_default()
            .into_iter()
            .filter_map(|Object(a)| a.package)
            .map(|Object(p)| OsvPackage {
                ecosystem: blank(p.ecosystem),
                name: blank(p.name),
                purl: blank(p.purl),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::typed::testing;
    use crate::{Format, Parsed};
    use std::collections::BTreeMap;

    /// What the general reader makes of a JSON text.
    fn general(text: &str) -> Result<Parsed, AdvisoryError> {
        let root = crate::json_root("x.json", text)?;
        crate::read_tree("x.json", &root, false)
    }

    fn agrees(text: &str) -> bool {
        match read_fast(text) {
            None => false,
            Some(fast) => {
                let expected = Parsed {
                    format: Format::OsvJson,
                    advisories: vec![fast],
                    warnings: Vec::new(),
                };
                assert_eq!(general(text), Ok(expected), "{text}");
                true
            }
        }
    }

    #[test]
    fn the_fast_path_reads_every_corpus_file_as_the_general_reader_does() {
        let mut fast: BTreeMap<String, usize> = BTreeMap::new();
        for path in testing::json_files() {
            let bytes = std::fs::read(&path).unwrap();
            let Ok(text) = std::str::from_utf8(&bytes) else {
                continue;
            };
            if agrees(text.trim_start_matches('\u{feff}')) {
                *fast.entry(testing::corpus(&path)).or_default() += 1;
            }
        }
        // Every record of the two JSON corpora is clean; nothing else is taken for OSV.
        assert_eq!(fast.remove("osv-rustsec"), Some(1206));
        assert_eq!(fast.remove("osv-golang"), Some(613));
        for (corpus, n) in &fast {
            assert!(
                corpus.starts_with("osv") || corpus == "vunnel-fixtures",
                "{corpus}: {n}"
            );
        }
    }

    #[test]
    fn anything_the_general_reader_warns_about_is_left_to_it() {
        let base = r#"{"id": "RUSTSEC-2020-0001", "modified": "2021-01-01T00:00:00Z",
            "aliases": ["CVE-2020-1234"], "summary": "s",
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "affected": [{"package": {"ecosystem": "crates.io", "name": "x"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.0"}]}],
                "ecosystem_specific": null}],
            "references": [{"type": "WEB", "url": "https://example.com"}]}"#;
        assert!(agrees(base));
        let refused = [
            // Wrong types, read as text or ignored with a warning.
            ("\"id\": \"RUSTSEC-2020-0001\"", "\"id\": 7"),
            ("\"summary\": \"s\"", "\"summary\": 3"),
            ("[\"CVE-2020-1234\"]", "\"CVE-2020-1234\""),
            ("[\"CVE-2020-1234\"]", "[\"CVE-2020-1234\", 4]"),
            ("{\"introduced\": \"0\"}", "[\"introduced\", \"0\"]"),
            ("{\"introduced\": \"0\"}", "{\"introduced\": 0}"),
            // Missing or odd values the general reader warns about.
            ("\"modified\": \"2021-01-01T00:00:00Z\",", ""),
            ("2021-01-01T00:00:00Z", "yesterday"),
            ("\"CVSS_V3\"", "\"CVSS_V9\""),
            ("\"CVSS_V3\"", "\"CVSS_V2\""),
            ("{\"introduced\": \"0\"}, ", ""),
            (
                "{\"fixed\": \"1.0.0\"}",
                "{\"fixed\": \"1.0.0\", \"limit\": \"2\"}",
            ),
            ("{\"fixed\": \"1.0.0\"}", "{\"fixed\": null}"),
            ("\"SEMVER\"", "\"GIT\""),
            ("\"name\": \"x\"", "\"name\": \" \""),
            // A repeated key, and keys of other formats.
            (
                "\"summary\": \"s\"",
                "\"summary\": \"s\", \"summary\": \"t\"",
            ),
            (
                "\"summary\": \"s\"",
                "\"summary\": \"s\", \"statements\": []",
            ),
            (
                "\"summary\": \"s\"",
                "\"summary\": \"s\", \"vulnStatus\": \"Analyzed\"",
            ),
        ];
        for (from, to) in refused {
            let text = base.replacen(from, to, 1);
            assert_ne!(text, base, "{from}");
            assert!(read_fast(&text).is_none(), "{to}");
        }
        let accepted = [
            ("\"summary\": \"s\"", "\"summary\": null"),
            (
                "\"summary\": \"s\"",
                "\"summary\": \"line\\nbreak \\u00e9\"",
            ),
            ("\"CVSS_V3\"", "\"Ubuntu\""),
            (
                "\"ecosystem_specific\": null",
                "\"database_specific\": {\"x\": [1, 2.5]}",
            ),
            (
                "\"summary\": \"s\"",
                "\"summary\": \"s\", \"schema_version\": \"1.6.0\"",
            ),
            (
                "[{\"type\": \"WEB\", \"url\": \"https://example.com\"}]",
                "[{\"url\": \" \"}]",
            ),
        ];
        for (from, to) in accepted {
            let text = base.replacen(from, to, 1);
            assert_ne!(text, base, "{from}");
            assert!(agrees(&text), "{to}");
        }
    }

    #[test]
    fn the_package_probe_names_what_the_reader_reads() {
        let mut probed = 0;
        for path in testing::json_files() {
            let bytes = std::fs::read(&path).unwrap();
            let Some(packages) = osv_packages(&bytes) else {
                continue;
            };
            probed += 1;
            let parsed = crate::parse("x.json", &bytes).unwrap();
            assert_eq!(parsed.format, Format::OsvJson, "{}", path.display());
            let read: Vec<OsvPackage<'_>> = parsed.advisories[0].vulnerabilities[0]
                .affected
                .iter()
                .filter_map(|r| match r {
                    AffectedRange::Osv(o) => Some(o),
                    _ => None,
                })
                // The probe lists entries with a package; the reader also keeps GIT-only ones.
                .filter(|o| o.ecosystem.is_some() || o.name.is_some() || o.purl.is_some())
                .map(|o| OsvPackage {
                    ecosystem: o.ecosystem.as_deref().map(Cow::Borrowed),
                    name: o.name.as_deref().map(Cow::Borrowed),
                    purl: o.purl.as_deref().map(Cow::Borrowed),
                })
                .collect();
            assert_eq!(packages, read, "{}", path.display());
        }
        assert!(probed >= 1206 + 613, "{probed}");
        for text in [
            r#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": 3}]}"#,
            r#"{"id": " ", "modified": "2024-01-01T00:00:00Z"}"#,
            r#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "cveMetadata": {}}"#,
            r#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": []"#,
        ] {
            assert_eq!(osv_packages(text.as_bytes()), None, "{text}");
        }
    }

    #[test]
    fn nesting_too_deep_for_the_general_reader_is_left_to_it() {
        for depth in [50, 100, 200, 5000] {
            let text = format!(
                r#"{{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "junk": {}{}}}"#,
                "[".repeat(depth),
                "]".repeat(depth)
            );
            // Either path may refuse; what the fast one reads, the general one reads alike.
            let read = agrees(&text);
            assert_eq!(read, depth == 50, "{depth}");
            assert_eq!(
                osv_packages(text.as_bytes()).is_some(),
                depth == 50,
                "{depth}"
            );
            if depth > 128 {
                assert!(general(&text).is_err(), "{depth}");
            }
        }
    }
}
