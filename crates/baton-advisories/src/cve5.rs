//! CVE JSON 5 records (CVE Services, cvelistV5): the CNA container and any ADP containers
//! (CISA's ADP adds CVSS, CWE and CPEs to records whose CNA gave none). Each `affected[]` entry
//! becomes a synthetic product `<vendor>:<product>` with its version list kept raw.

use crate::csaf::cvss_object;
use crate::json::{Reader, UniqueIds, child, is_cve, push_unique};
use crate::model::{
    Advisory, AdvisoryError, AdvisorySource, AffectedRange, Cve5Affected, Cve5Version, Product,
    ProductStatus, Remediation, Status, Vulnerability, WarningKind,
};
use crate::nvd::english;
use serde_json::{Map, Value};

type Obj = Map<String, Value>;

pub(crate) fn read(file: &str, root: &Obj) -> Result<Advisory, AdvisoryError> {
    let mut r = Reader::default();
    let invalid = |pointer: &str, message: &str| AdvisoryError::Invalid {
        file: file.to_string(),
        pointer: pointer.to_string(),
        message: message.to_string(),
    };
    let Some(Value::Object(meta)) = root.get("cveMetadata") else {
        return Err(invalid(
            "/cveMetadata",
            "a CVE 5 record needs a `cveMetadata` object",
        ));
    };
    let mp = "/cveMetadata";
    let id = match meta.get("cveId") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        _ => {
            return Err(invalid(
                "/cveMetadata/cveId",
                "a CVE 5 record needs a string `cveId`",
            ));
        }
    };
    if !is_cve(&id) {
        r.warn(
            WarningKind::BadId,
            "/cveMetadata/cveId",
            format!("{id:?} is not a CVE id"),
        );
    }
    if let Some(v) = r.str(root, "", "dataVersion")
        && !v.starts_with('5')
    {
        r.warn(
            WarningKind::UnknownValue,
            "/dataVersion",
            format!("dataVersion {v:?}; read as 5"),
        );
    }
    let state = r.str(meta, mp, "state").unwrap_or_default();
    let publisher = r.text(meta, mp, "assignerShortName");
    let published = r.date(meta, mp, "datePublished");
    let modified = r.date(meta, mp, "dateUpdated");
    let withdrawn = match state.as_str() {
        "REJECTED" => r.date(meta, mp, "dateRejected").or(modified),
        "PUBLISHED" => None,
        other => {
            r.warn(
                WarningKind::UnknownValue,
                "/cveMetadata/state",
                format!("state {other:?}"),
            );
            None
        }
    };

    let Some(containers) = r.obj(root, "", "containers") else {
        return Err(invalid(
            "/containers",
            "a CVE 5 record needs a `containers` object",
        ));
    };
    let mut list: Vec<(String, &Obj)> = Vec::new();
    match r.obj(containers, "/containers", "cna") {
        Some(cna) => list.push(("/containers/cna".to_string(), cna)),
        None => r.warn(
            WarningKind::Missing,
            "/containers/cna",
            "the record has no CNA container",
        ),
    }
    list.extend(r.objects(containers, "/containers", "adp"));

    let mut title = None;
    let mut summary = None;
    let mut cvss = Vec::new();
    let mut cwes = Vec::new();
    let mut products: Vec<Product> = Vec::new();
    let mut used = UniqueIds::default();
    let mut statuses = Vec::new();
    let mut affected = Vec::new();
    let mut remediations = Vec::new();
    let mut references = Vec::new();
    for (cp, c) in &list {
        let who = c
            .get("providerMetadata")
            .and_then(|p| p.get("shortName"))
            .and_then(Value::as_str)
            .map(str::to_string);
        title = title.or_else(|| r.text(c, cp, "title"));
        summary = summary.or_else(|| english(&mut r, c, cp, "descriptions"));
        if state == "REJECTED" {
            summary = summary.or_else(|| english(&mut r, c, cp, "rejectedReasons"));
        }
        for (mp, m) in r.objects(c, cp, "metrics") {
            for key in ["cvssV4_0", "cvssV3_1", "cvssV3_0", "cvssV2_0"] {
                if let Some(obj) = r.obj(m, &mp, key)
                    && let Some(x) = cvss_object(&mut r, obj, &child(&mp, key), key, who.clone())
                {
                    cvss.push(x);
                }
            }
        }
        for (pp, pt) in r.objects(c, cp, "problemTypes") {
            for (dp, d) in r.objects(pt, &pp, "descriptions") {
                let cwe = r.text(d, &dp, "cweId").or_else(|| {
                    // Older records put the CWE only at the start of the description.
                    d.get("description")
                        .and_then(Value::as_str)
                        .and_then(|s| s.split_whitespace().next())
                        .filter(|w| w.starts_with("CWE-"))
                        .map(str::to_string)
                });
                if let Some(cwe) = cwe {
                    push_unique(&mut cwes, &cwe, "");
                }
            }
        }
        for (ap, a) in r.objects(c, cp, "affected") {
            let entry = read_affected(&mut r, &ap, a, &mut used);
            let any_affected = entry.default_status.as_deref() == Some("affected")
                || entry.versions.iter().any(|v| v.status == "affected");
            let all_unaffected = !entry.versions.is_empty()
                && entry.versions.iter().all(|v| v.status == "unaffected")
                && entry.default_status.as_deref() != Some("affected")
                && entry.default_status.as_deref() != Some("unknown");
            let status = if any_affected {
                Some(Status::Affected)
            } else if all_unaffected {
                Some(Status::NotAffected)
            } else {
                None
            };
            if let Some(status) = status {
                statuses.push(ProductStatus {
                    product: entry.product.clone(),
                    status,
                    justification: None,
                    impact: None,
                    remediation: None,
                });
            }
            products.push(Product {
                id: entry.product.clone(),
                vendor: entry.vendor.clone(),
                name: entry
                    .product_name
                    .clone()
                    .or_else(|| entry.package_name.clone()),
                cpes: entry.cpes.clone(),
                ..Product::default()
            });
            affected.push(AffectedRange::Cve5(entry));
        }
        for (sp, s) in r.objects(c, cp, "solutions") {
            remediations.push(Remediation {
                category: "solution".to_string(),
                details: r.text(s, &sp, "value"),
                url: None,
                date: None,
                products: Vec::new(),
            });
        }
        for (rp, reference) in r.objects(c, cp, "references") {
            if let Some(url) = r.text(reference, &rp, "url") {
                push_unique(&mut references, &url, "");
            }
        }
    }

    let vulnerability = Vulnerability {
        id: id.clone(),
        aliases: Vec::new(),
        summary: summary.or_else(|| title.clone()),
        published,
        cvss,
        cwes,
        statuses,
        affected,
        remediations,
    };
    Ok(Advisory {
        id,
        source: AdvisorySource::Cve5,
        title,
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

fn read_affected(r: &mut Reader, ap: &str, a: &Obj, used: &mut UniqueIds) -> Cve5Affected {
    let vendor = r.text(a, ap, "vendor");
    let product_name = r.text(a, ap, "product");
    let package_name = r.text(a, ap, "packageName");
    if product_name.is_none() && package_name.is_none() {
        r.warn(
            WarningKind::Missing,
            child(ap, "product"),
            "an affected entry needs `product` or `packageName`",
        );
    }
    let default_status = r.str(a, ap, "defaultStatus");
    if let Some(s) = &default_status {
        check_status(r, s, &child(ap, "defaultStatus"));
    }
    let mut versions = Vec::new();
    for (vp, v) in r.objects(a, ap, "versions") {
        let Some(version) = r.required_str(v, &vp, "version") else {
            continue;
        };
        let status = r.required_str(v, &vp, "status").unwrap_or_default();
        check_status(r, &status, &child(&vp, "status"));
        versions.push(Cve5Version {
            version,
            status,
            version_type: r.str(v, &vp, "versionType"),
            less_than: r.str(v, &vp, "lessThan"),
            less_than_or_equal: r.str(v, &vp, "lessThanOrEqual"),
        });
    }
    if versions.is_empty() && default_status.is_none() {
        r.warn(
            WarningKind::Missing,
            child(ap, "versions"),
            "an affected entry needs `versions` or `defaultStatus`",
        );
    }
    let base = format!(
        "{}:{}",
        vendor.as_deref().unwrap_or("n/a").trim(),
        product_name
            .as_deref()
            .or(package_name.as_deref())
            .unwrap_or("n/a")
            .trim()
    );
    let id = used.claim(&base);
    Cve5Affected {
        product: id,
        vendor,
        product_name,
        package_name,
        collection_url: r.str(a, ap, "collectionURL"),
        default_status,
        versions,
        cpes: r.strings(a, ap, "cpes"),
        platforms: r.strings(a, ap, "platforms"),
    }
}

fn check_status(r: &mut Reader, s: &str, at: &str) {
    if !matches!(s, "affected" | "unaffected" | "unknown") {
        r.warn(
            WarningKind::UnknownValue,
            at,
            format!("status {s:?} is not affected, unaffected or unknown"),
        );
    }
}
