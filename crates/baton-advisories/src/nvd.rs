//! NVD CVE API 2.0: a whole response page (`vulnerabilities[].cve`) or one `cve` object as the
//! per-CVE mirrors store it. Each CVE is an advisory of its own; every cpeMatch criteria becomes a
//! synthetic product (vulnerable ones get an Affected status), and each configuration is kept as
//! written (`operator`, `negate`, nodes, cpeMatch with version bounds) for the version engine.

use crate::csaf::cvss_object;
use crate::json::{Reader, child, is_cve, push_unique};
use crate::model::{
    Advisory, AdvisoryError, AdvisorySource, AffectedRange, CpeMatch, NvdConfiguration, NvdNode,
    Product, ProductStatus, Status, Vulnerability, Warning, WarningKind,
};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

type Obj = Map<String, Value>;

/// A response page: each CVE, plus warnings about the page itself.
pub(crate) fn read_page(
    file: &str,
    page: &Obj,
) -> Result<(Vec<Advisory>, Vec<Warning>), AdvisoryError> {
    let mut r = Reader::default();
    if let Some(format) = r.str(page, "", "format")
        && format != "NVD_CVE"
    {
        r.warn(
            WarningKind::UnknownValue,
            "/format",
            format!("format {format:?}; read as NVD_CVE"),
        );
    }
    if let Some(version) = r.str(page, "", "version")
        && version != "2.0"
    {
        r.warn(
            WarningKind::UnknownValue,
            "/version",
            format!("API version {version:?}; read as 2.0"),
        );
    }
    let items = r.objects(page, "", "vulnerabilities");
    let per_page = r.number(page, "", "resultsPerPage");
    if let Some(n) = per_page
        && n as usize != items.len()
    {
        r.warn(
            WarningKind::Inconsistent,
            "/resultsPerPage",
            format!(
                "resultsPerPage is {n} but the page holds {} CVEs",
                items.len()
            ),
        );
    }
    let mut advisories = Vec::with_capacity(items.len());
    let mut seen: HashMap<String, String> = HashMap::new();
    for (ip, item) in items {
        let Some(cve) = r.obj(item, &ip, "cve") else {
            r.warn(
                WarningKind::Missing,
                child(&ip, "cve"),
                "an item without `cve`; skipped",
            );
            continue;
        };
        let cp = child(&ip, "cve");
        match read_cve(file, cve, &cp) {
            Ok(a) => {
                if let Some(first) = seen.get(&a.id) {
                    r.warn(
                        WarningKind::Inconsistent,
                        cp.clone(),
                        format!("{} is already on this page at {first}", a.id),
                    );
                }
                seen.insert(a.id.clone(), cp);
                advisories.push(a);
            }
            // One unreadable record costs only itself.
            Err(e) => r.warn(WarningKind::Missing, cp, format!("record skipped: {e}")),
        }
    }
    Ok((advisories, r.warnings))
}

/// One `cve` object at pointer `ptr`.
pub(crate) fn read_cve(file: &str, cve: &Obj, ptr: &str) -> Result<Advisory, AdvisoryError> {
    let mut r = Reader::default();
    let id = match cve.get("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        _ => {
            return Err(AdvisoryError::Invalid {
                file: file.to_string(),
                pointer: child(ptr, "id"),
                message: "an NVD record needs a string `id`".to_string(),
            });
        }
    };
    if !is_cve(&id) {
        r.warn(
            WarningKind::BadId,
            child(ptr, "id"),
            format!("{id:?} is not a CVE id"),
        );
    }
    let publisher = r.text(cve, ptr, "sourceIdentifier");
    let published = r.date(cve, ptr, "published");
    let modified = r.date(cve, ptr, "lastModified");
    let status = r.str(cve, ptr, "vulnStatus");
    let withdrawn = if status.as_deref() == Some("Rejected") {
        modified
    } else {
        None
    };
    let summary = english(&mut r, cve, ptr, "descriptions");

    let mut cvss = Vec::new();
    if let Some(metrics) = r.obj(cve, ptr, "metrics") {
        let mp = child(ptr, "metrics");
        for (key, family) in [
            ("cvssMetricV40", "cvssV4_0"),
            ("cvssMetricV31", "cvssV3_1"),
            ("cvssMetricV30", "cvssV3_0"),
            ("cvssMetricV2", "cvssV2_0"),
        ] {
            for (ep, entry) in r.objects(metrics, &mp, key) {
                let source = r.text(entry, &ep, "source");
                let Some(data) = r.obj(entry, &ep, "cvssData") else {
                    r.warn(
                        WarningKind::Missing,
                        child(&ep, "cvssData"),
                        "a metric without `cvssData`",
                    );
                    continue;
                };
                if let Some(c) = cvss_object(&mut r, data, &child(&ep, "cvssData"), family, source)
                {
                    cvss.push(c);
                }
            }
        }
    }

    let mut cwes = Vec::new();
    for (wp, w) in r.objects(cve, ptr, "weaknesses") {
        for (dp, d) in r.objects(w, &wp, "description") {
            if let Some(v) = r.text(d, &dp, "value") {
                // NVD-CWE-Other / NVD-CWE-noinfo say there is no CWE.
                if v.starts_with("CWE-") {
                    push_unique(&mut cwes, &v, "");
                }
            }
        }
    }

    let mut products: Vec<Product> = Vec::new();
    let mut statuses: Vec<ProductStatus> = Vec::new();
    // Sets beside the lists keep a record with many cpeMatch entries linear.
    let mut seen_products: HashSet<String> = HashSet::new();
    let mut seen_status: HashSet<String> = HashSet::new();
    let mut affected = Vec::new();
    for (cp, conf) in r.objects(cve, ptr, "configurations") {
        let operator = r.str(conf, &cp, "operator");
        if let Some(op) = &operator {
            check_operator(&mut r, op, &child(&cp, "operator"));
        }
        let negate = r.bool(conf, &cp, "negate").unwrap_or(false);
        let mut nodes = Vec::new();
        for (np, node) in r.objects(conf, &cp, "nodes") {
            let op = r.str(node, &np, "operator").unwrap_or_else(|| {
                r.warn(
                    WarningKind::Missing,
                    child(&np, "operator"),
                    "a node without `operator`; read as OR",
                );
                "OR".to_string()
            });
            check_operator(&mut r, &op, &child(&np, "operator"));
            let node_negate = r.bool(node, &np, "negate").unwrap_or(false);
            let mut matches = Vec::new();
            for (mp, m) in r.objects(node, &np, "cpeMatch") {
                let Some(criteria) = r.required_str(m, &mp, "criteria") else {
                    continue;
                };
                let vulnerable = r.bool(m, &mp, "vulnerable").unwrap_or_else(|| {
                    r.warn(
                        WarningKind::Missing,
                        child(&mp, "vulnerable"),
                        "`vulnerable` is missing; read as true",
                    );
                    true
                });
                let parts = cpe_parts(&criteria);
                if parts.is_none() {
                    r.warn(
                        WarningKind::BadId,
                        child(&mp, "criteria"),
                        format!("{criteria:?} is not a CPE 2.3 name"),
                    );
                }
                if seen_products.insert(criteria.clone()) {
                    let (vendor, name, version) = parts.unwrap_or_default();
                    products.push(Product {
                        id: criteria.clone(),
                        vendor,
                        name,
                        version,
                        cpes: vec![criteria.clone()],
                        ..Product::default()
                    });
                }
                if vulnerable && seen_status.insert(criteria.clone()) {
                    statuses.push(ProductStatus {
                        product: criteria.clone(),
                        status: Status::Affected,
                        justification: None,
                        impact: None,
                        remediation: None,
                    });
                }
                matches.push(CpeMatch {
                    vulnerable,
                    match_criteria_id: r.str(m, &mp, "matchCriteriaId"),
                    version_start_including: r.str(m, &mp, "versionStartIncluding"),
                    version_start_excluding: r.str(m, &mp, "versionStartExcluding"),
                    version_end_including: r.str(m, &mp, "versionEndIncluding"),
                    version_end_excluding: r.str(m, &mp, "versionEndExcluding"),
                    criteria,
                });
            }
            nodes.push(NvdNode {
                operator: op,
                negate: node_negate,
                cpe_match: matches,
            });
        }
        affected.push(AffectedRange::Nvd(NvdConfiguration {
            operator,
            negate,
            nodes,
        }));
    }

    let mut references = Vec::new();
    for (rp, reference) in r.objects(cve, ptr, "references") {
        if let Some(url) = r.text(reference, &rp, "url") {
            push_unique(&mut references, &url, "");
        }
    }

    let vulnerability = Vulnerability {
        id: id.clone(),
        aliases: Vec::new(),
        summary: summary.clone(),
        published,
        cvss,
        cwes,
        statuses,
        affected,
        remediations: Vec::new(),
    };
    Ok(Advisory {
        id,
        source: AdvisorySource::Nvd,
        title: None,
        publisher,
        published,
        modified,
        withdrawn,
        vulnerabilities: vec![vulnerability],
        products,
        references,
        warnings: r.warnings,
    })
}

/// The first English `value` of a `[{lang, value}]` list, else the first value.
pub(crate) fn english(r: &mut Reader, obj: &Obj, ptr: &str, key: &str) -> Option<String> {
    let mut first = None;
    for (dp, d) in r.objects(obj, ptr, key) {
        let lang = r.str(d, &dp, "lang").unwrap_or_default();
        let Some(value) = r.text(d, &dp, "value") else {
            continue;
        };
        if lang.starts_with("en") {
            return Some(value);
        }
        first = first.or(Some(value));
    }
    first
}

fn check_operator(r: &mut Reader, op: &str, at: &str) {
    if op != "AND" && op != "OR" {
        r.warn(
            WarningKind::UnknownValue,
            at,
            format!("operator {op:?} is neither AND nor OR"),
        );
    }
}

/// Vendor, product and version of a CPE 2.3 formatted string (`*` and `-` give no version);
/// `None` when it is not one. Backslash escapes (`\:`) are honoured.
pub(crate) fn cpe_parts(cpe: &str) -> Option<(Option<String>, Option<String>, Option<String>)> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = cpe.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            ':' => fields.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    fields.push(cur);
    if fields.len() != 13 || fields[0] != "cpe" || fields[1] != "2.3" {
        return None;
    }
    let field = |i: usize| {
        let f = &fields[i];
        (f != "*" && f != "-" && !f.is_empty()).then(|| f.clone())
    };
    Some((field(3), field(4), field(5)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpe_fields() {
        let (v, p, ver) =
            cpe_parts("cpe:2.3:o:bd:alaris_8015_pcu_firmware:*:*:*:*:*:*:*:*").unwrap();
        assert_eq!(v.as_deref(), Some("bd"));
        assert_eq!(p.as_deref(), Some("alaris_8015_pcu_firmware"));
        assert_eq!(ver, None);
        let (_, p, ver) = cpe_parts(r"cpe:2.3:a:x:a\:b:1.0:*:*:*:*:*:*:*").unwrap();
        assert_eq!((p.as_deref(), ver.as_deref()), (Some("a:b"), Some("1.0")));
        assert!(cpe_parts("cpe:/a:x:y:1").is_none());
        assert!(cpe_parts("cpe:2.3:a:x").is_none());
    }
}
