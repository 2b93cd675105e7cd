//! OSV (JSON, or YAML turned into the same tree). One record is one advisory with one
//! vulnerability; each `affected[]` entry becomes a synthetic product (`<ecosystem>:<name>`)
//! that is affected, with its ranges and versions kept raw in [`OsvAffected`].

use crate::cvss_vector;
use crate::json::{Reader, UniqueIds, child, is_cve, push_unique};
use crate::model::{
    Advisory, AdvisoryError, AdvisorySource, AffectedRange, Cvss, OsvAffected, OsvEvent, OsvRange,
    Product, ProductStatus, Status, Vulnerability, WarningKind,
};
use serde_json::{Map, Value};

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
