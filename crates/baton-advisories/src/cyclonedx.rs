//! CycloneDX VEX: a CycloneDX JSON document (1.4 – 1.6, 1.7 read alike) with `vulnerabilities[]`,
//! whether a dedicated VEX BOM or an SBOM with the vulnerabilities embedded. One document is one
//! [`Advisory`]; entries about the same vulnerability id are gathered into one [`Vulnerability`].
//!
//! Products are the targets of `affects[].ref`, resolved to the document's components and
//! services (at any depth, `metadata.component` included). A BOM-Link to another BOM
//! (`urn:cdx:<serial>/<version>#<bom-ref>`) stays a product of its own with the link as id, the
//! linked BOM in `sbom_urls` and, when the bom-ref is a purl, that purl. An `affects` entry with
//! `versions[]` gives one product per version or range, `<ref>#<n>` (numbered per ref over the
//! document, one number per distinct version or range), whose purl loses its version so that the
//! version or range decides.
//!
//! Status: `analysis.state` exploitable → affected, in_triage → under investigation, resolved and
//! resolved_with_pedigree → fixed, not_affected and false_positive → not affected, no analysis →
//! affected. A `versions[]` entry that is `unaffected` is not affected and one that is `unknown`
//! under investigation; `affected` (the default) takes the analysis state, which is what says
//! whether the affected code can be exploited in this product.
//!
//! The nine CycloneDX justifications are mapped onto the five CSAF/OpenVEX labels (see
//! [`justification_label`]); the CycloneDX value is kept in the status's `impact` text beside
//! `analysis.detail`.

use crate::cvss_vector;
use crate::json::{Reader, child, index, is_cve, push_unique};
use crate::model::{
    Advisory, AdvisorySource, Cvss, Product, ProductStatus, Remediation, Status, Vulnerability,
    WarningKind,
};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

type Obj = Map<String, Value>;

/// The CycloneDX `analysis.justification` values and the CSAF/OpenVEX label each maps to.
const JUSTIFICATIONS: &[(&str, &str)] = &[
    // "The code has been removed or tree-shaked."
    ("code_not_present", "vulnerable_code_not_present"),
    // "The vulnerable code is not invoked at runtime."
    ("code_not_reachable", "vulnerable_code_not_in_execute_path"),
    // "Exploitability requires a configurable option to be set/unset." and the other conditions
    // that are absent: the vulnerable code is there but an attacker cannot bring it into play.
    (
        "requires_configuration",
        "vulnerable_code_cannot_be_controlled_by_adversary",
    ),
    (
        "requires_dependency",
        "vulnerable_code_cannot_be_controlled_by_adversary",
    ),
    (
        "requires_environment",
        "vulnerable_code_cannot_be_controlled_by_adversary",
    ),
    // Protections in or around the product.
    ("protected_by_compiler", "inline_mitigations_already_exist"),
    ("protected_at_runtime", "inline_mitigations_already_exist"),
    ("protected_at_perimeter", "inline_mitigations_already_exist"),
    (
        "protected_by_mitigating_control",
        "inline_mitigations_already_exist",
    ),
];

/// The CSAF/OpenVEX label of a CycloneDX justification.
pub(crate) fn justification_label(cyclonedx: &str) -> Option<&'static str> {
    JUSTIFICATIONS
        .iter()
        .find(|(c, _)| *c == cyclonedx)
        .map(|(_, label)| *label)
}

/// `analysis.response` values and the CSAF remediation category each stands for.
const RESPONSES: &[(&str, &str)] = &[
    ("update", "vendor_fix"),
    ("rollback", "vendor_fix"),
    ("workaround_available", "workaround"),
    ("can_not_fix", "none_available"),
    ("will_not_fix", "no_fix_planned"),
];

/// Remediation categories, strongest first (as the CSAF reader ranks them).
const REMEDY_RANK: &[&str] = &[
    "vendor_fix",
    "mitigation",
    "workaround",
    "none_available",
    "no_fix_planned",
];

const SPEC_VERSIONS: &[&str] = &["1.4", "1.5", "1.6", "1.7"];

/// A component or service of the document, by bom-ref.
struct Element<'v> {
    obj: &'v Obj,
    service: bool,
    /// `metadata.component`: its vendor may come from the metadata.
    subject: bool,
}

/// Reads a CycloneDX document whose `vulnerabilities` is a non-empty array. Nothing in it is
/// required, so this never fails: what is odd becomes a warning.
pub(crate) fn read(root: &Obj) -> Advisory {
    let mut r = Reader::default();
    match r.text(root, "", "specVersion") {
        None => r.warn(
            WarningKind::Missing,
            "/specVersion",
            "the document has no specVersion; read as CycloneDX 1.6",
        ),
        Some(v) if !SPEC_VERSIONS.contains(&v.trim()) => r.warn(
            WarningKind::UnknownValue,
            "/specVersion",
            format!("specVersion {v:?}: vulnerabilities are read as CycloneDX 1.6 has them"),
        ),
        Some(_) => {}
    }
    let serial = r
        .text(root, "", "serialNumber")
        .map(|s| s.trim().to_string());
    let version = bom_version(&mut r, root);
    if let Some(s) = &serial
        && !is_uuid_urn(s)
    {
        r.warn(
            WarningKind::BadId,
            "/serialNumber",
            format!("{s:?} is not a urn:uuid serial number"),
        );
    }
    let id = match &serial {
        Some(s) => format!("{s}/{version}"),
        None => {
            r.warn(
                WarningKind::Missing,
                "/serialNumber",
                "the document has no serialNumber; its id is derived from its content",
            );
            content_id(root)
        }
    };

    let meta = r.obj(root, "", "metadata");
    let mp = "/metadata";
    let modified_meta = meta.and_then(|m| r.date(m, mp, "timestamp"));
    let subject = meta.and_then(|m| r.obj(m, mp, "component"));
    let meta_vendor = meta.and_then(|m| {
        org_name(&mut r, m, mp, "supplier").or_else(|| org_name(&mut r, m, mp, "manufacture"))
    });
    // Who speaks: the BOM's manufacturer, supplier or first author, else the supplier of the
    // product it describes (later: the source of the first vulnerability).
    let mut publisher = meta.and_then(|m| {
        org_name(&mut r, m, mp, "manufacturer")
            .or_else(|| org_name(&mut r, m, mp, "supplier"))
            .or_else(|| first_author(&mut r, m, mp))
    });
    if publisher.is_none()
        && let Some(c) = subject
    {
        let cp = child(mp, "component");
        publisher = org_name(&mut r, c, &cp, "supplier")
            .or_else(|| org_name(&mut r, c, &cp, "manufacturer"))
            .or_else(|| r.text(c, &cp, "publisher"))
            .or_else(|| meta_vendor.clone());
    }

    let elements = collect_elements(&mut r, root, subject);
    let own_serial = serial
        .as_deref()
        .and_then(|s| s.strip_prefix("urn:uuid:"))
        .map(str::to_ascii_lowercase);

    let mut products: Vec<Product> = Vec::new();
    let mut defined: HashSet<String> = HashSet::new();
    // (ref, version, range) → product id, and the next number per ref.
    let mut versioned: HashMap<(String, Option<String>, Option<String>), String> = HashMap::new();
    let mut numbers: HashMap<String, usize> = HashMap::new();
    let mut vulnerabilities: Vec<Vulnerability> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    // (vulnerability index, product id) → the status already given.
    let mut given: HashMap<(usize, String), Status> = HashMap::new();
    let mut references: Vec<String> = Vec::new();
    let mut first_issued: Option<DateTime<Utc>> = None;
    let mut last_updated: Option<DateTime<Utc>> = None;
    let mut rejected: Vec<DateTime<Utc>> = Vec::new();
    let mut count = 0usize;

    for (vp, v) in r.objects(root, "", "vulnerabilities") {
        count += 1;
        // Ids: `id` and the ids of `references[]` (equivalent records elsewhere).
        let own = r.text(v, &vp, "id").map(|s| s.trim().to_string());
        if !v.contains_key("id") {
            r.warn(
                WarningKind::Missing,
                child(&vp, "id"),
                "a vulnerability without `id`",
            );
        }
        let mut ids: Vec<String> = own.into_iter().collect();
        for (rp, reference) in r.objects(v, &vp, "references") {
            if let Some(rid) = r.required_str(reference, &rp, "id") {
                ids.push(rid.trim().to_string());
            }
            if let Some(src) = r.obj(reference, &rp, "source")
                && let Some(url) = r.text(src, &child(&rp, "source"), "url")
            {
                push_unique(&mut references, &url, "");
            }
        }
        let vid = ids
            .iter()
            .find(|i| is_cve(i))
            .or_else(|| ids.iter().find(|i| !i.is_empty()))
            .cloned()
            .unwrap_or_else(|| id.clone());

        let source = r.obj(v, &vp, "source");
        let source_name = source.and_then(|s| r.text(s, &child(&vp, "source"), "name"));
        if let Some(url) = source.and_then(|s| r.text(s, &child(&vp, "source"), "url")) {
            push_unique(&mut references, &url, "");
        }
        if publisher.is_none() {
            publisher = source_name.clone();
        }
        for (ap, adv) in r.objects(v, &vp, "advisories") {
            if let Some(url) = r.required_str(adv, &ap, "url") {
                push_unique(&mut references, &url, "");
            }
        }
        let summary = r
            .text(v, &vp, "description")
            .or_else(|| r.text(v, &vp, "detail"));
        let published = r
            .date(v, &vp, "published")
            .or_else(|| r.date(v, &vp, "created"));
        if let Some(u) = r.date(v, &vp, "updated") {
            last_updated = last_updated.max(Some(u));
        }
        if let Some(d) = r.date(v, &vp, "rejected") {
            rejected.push(d);
        }
        let cvss = ratings(&mut r, v, &vp, source_name.as_deref());
        let cwes = cwes(&mut r, v, &vp);

        // The analysis: one status, justification and response for every target of the entry.
        let ap = child(&vp, "analysis");
        let analysis = r.obj(v, &vp, "analysis");
        let a = analysis.map(|a| read_analysis(&mut r, a, &ap));
        let a = a.unwrap_or_default();
        if let Some(d) = a.first_issued {
            first_issued = Some(first_issued.map_or(d, |f| f.min(d)));
        }
        last_updated = last_updated.max(a.last_updated);

        // Remedies of the entry: the analysis responses, the recommendation, the workaround.
        let recommendation = r.text(v, &vp, "recommendation");
        let workaround = r.text(v, &vp, "workaround");
        let mut categories: Vec<&'static str> = Vec::new();
        for c in &a.remedies {
            if !categories.contains(c) {
                categories.push(c);
            }
        }
        if recommendation.is_some() && !categories.contains(&"vendor_fix") {
            categories.push("mitigation");
        }
        if workaround.is_some() && !categories.contains(&"workaround") {
            categories.push("workaround");
        }
        let best = REMEDY_RANK.iter().find(|c| categories.contains(c)).copied();

        // Targets.
        let mut entry_products: Vec<String> = Vec::new();
        let mut statuses: Vec<(ProductStatus, String)> = Vec::new();
        let affects = r.objects(v, &vp, "affects");
        if affects.is_empty() {
            r.warn(
                WarningKind::Missing,
                child(&vp, "affects"),
                "a vulnerability that names no affected component or service",
            );
        }
        for (tp, t) in affects {
            let Some(target) = r.required_str(t, &tp, "ref").map(|s| s.trim().to_string()) else {
                continue;
            };
            if target.is_empty() {
                r.warn(WarningKind::Missing, child(&tp, "ref"), "an empty `ref`");
                continue;
            }
            let base = resolve(
                &mut r,
                &target,
                &child(&tp, "ref"),
                &elements,
                own_serial.as_deref(),
                meta_vendor.as_deref(),
            );
            let versions = r.objects(t, &tp, "versions");
            if versions.is_empty() {
                define(&mut products, &mut defined, base.clone());
                entry_products.push(base.id.clone());
                statuses.push((a.status_for(a.status, &base.id), tp.clone()));
                continue;
            }
            for (xp, x) in versions {
                let version = r.text(x, &xp, "version").map(|s| s.trim().to_string());
                let range = r.text(x, &xp, "range").map(|s| s.trim().to_string());
                match (&version, &range) {
                    (None, None) => r.warn(
                        WarningKind::Missing,
                        xp.clone(),
                        "a versions entry needs `version` or `range`; read as every version",
                    ),
                    (Some(_), Some(_)) => r.warn(
                        WarningKind::Inconsistent,
                        xp.clone(),
                        "a versions entry has both `version` and `range`; both kept",
                    ),
                    _ => {}
                }
                if let Some(rg) = &range
                    && !rg.starts_with("vers:")
                {
                    r.warn(
                        WarningKind::RangeWithoutVers,
                        child(&xp, "range"),
                        format!("{rg:?} is not a vers: range"),
                    );
                }
                let status = match r.text(x, &xp, "status").as_deref() {
                    None | Some("affected") => a.status,
                    Some("unaffected") => Status::NotAffected,
                    Some("unknown") => Status::UnderInvestigation,
                    Some(other) => {
                        r.warn(
                            WarningKind::UnknownValue,
                            child(&xp, "status"),
                            format!("unknown version status {other:?}; read as unknown"),
                        );
                        Status::UnderInvestigation
                    }
                };
                let key = (target.clone(), version.clone(), range.clone());
                let pid = match versioned.get(&key) {
                    Some(pid) => pid.clone(),
                    None => {
                        let n = numbers.entry(target.clone()).or_insert(0);
                        *n += 1;
                        let pid = format!("{target}#{n}");
                        versioned.insert(key, pid.clone());
                        pid
                    }
                };
                let product = Product {
                    id: pid.clone(),
                    version,
                    version_range: range,
                    purls: base.purls.iter().map(|p| purl_without_version(p)).collect(),
                    ..base.clone()
                };
                define(&mut products, &mut defined, product);
                entry_products.push(pid.clone());
                statuses.push((a.status_for(status, &pid), xp.clone()));
            }
        }

        let idx = match by_id.get(&vid) {
            Some(&i) => i,
            None => {
                vulnerabilities.push(Vulnerability {
                    id: vid.clone(),
                    aliases: Vec::new(),
                    summary: None,
                    published: None,
                    cvss: Vec::new(),
                    cwes: Vec::new(),
                    statuses: Vec::new(),
                    affected: Vec::new(),
                    remediations: Vec::new(),
                });
                by_id.insert(vid.clone(), vulnerabilities.len() - 1);
                vulnerabilities.len() - 1
            }
        };
        for (mut st, at) in statuses {
            match given.get(&(idx, st.product.clone())) {
                Some(prev) if *prev != st.status => r.warn(
                    WarningKind::ContradictingStatus,
                    at,
                    format!(
                        "{} is {} and {} for {vid}",
                        st.product,
                        prev.csaf_key(),
                        st.status.csaf_key()
                    ),
                ),
                Some(_) => {}
                None => {
                    given.insert((idx, st.product.clone()), st.status);
                }
            }
            st.remediation = best.map(str::to_string);
            vulnerabilities[idx].statuses.push(st);
        }
        let vuln = &mut vulnerabilities[idx];
        for i in &ids {
            push_unique(&mut vuln.aliases, i, &vid);
        }
        vuln.summary = vuln.summary.take().or(summary);
        vuln.published = vuln.published.or(published);
        for c in cvss {
            if !vuln.cvss.contains(&c) {
                vuln.cvss.push(c);
            }
        }
        for c in cwes {
            push_unique(&mut vuln.cwes, &c, "");
        }
        let date = a.last_updated.or(a.first_issued);
        for category in categories {
            let details = match category {
                "vendor_fix" | "mitigation" => recommendation.clone(),
                "workaround" => workaround.clone(),
                _ => None,
            };
            vuln.remediations.push(Remediation {
                category: category.to_string(),
                details,
                url: None,
                date,
                products: entry_products.clone(),
            });
        }
    }

    // Every vulnerability withdrawn: so is the advisory.
    let withdrawn = if count > 0 && rejected.len() == count {
        rejected.iter().max().copied()
    } else {
        if !rejected.is_empty() {
            r.warn(
                WarningKind::Inconsistent,
                "/vulnerabilities",
                format!(
                    "{} of {count} vulnerabilities are rejected; their statements are still read",
                    rejected.len()
                ),
            );
        }
        None
    };

    Advisory {
        id,
        source: AdvisorySource::CycloneDxVex,
        title: None,
        publisher,
        published: first_issued,
        modified: modified_meta.or(last_updated),
        withdrawn,
        vulnerabilities,
        products,
        references,
        warnings: r.warnings,
    }
}

/// What an `analysis` object says, for every target of its vulnerability entry.
struct Analysis {
    status: Status,
    /// The CSAF/OpenVEX label, for not-affected products.
    label: Option<&'static str>,
    /// `detail`, with the CycloneDX state or justification the label came from.
    impact: Option<String>,
    remedies: Vec<&'static str>,
    first_issued: Option<DateTime<Utc>>,
    last_updated: Option<DateTime<Utc>>,
}

impl Default for Analysis {
    /// No analysis: the targets are affected.
    fn default() -> Self {
        Analysis {
            status: Status::Affected,
            label: None,
            impact: None,
            remedies: Vec::new(),
            first_issued: None,
            last_updated: None,
        }
    }
}

impl Analysis {
    /// The status of one product. The justification and the detail belong to the analysis
    /// state; a version status that overrides it (an `unaffected` range of an exploitable
    /// vulnerability) has neither.
    fn status_for(&self, status: Status, product: &str) -> ProductStatus {
        let own = status == self.status;
        ProductStatus {
            product: product.to_string(),
            status,
            justification: (own && status == Status::NotAffected)
                .then(|| self.label.map(str::to_string))
                .flatten(),
            impact: own.then(|| self.impact.clone()).flatten(),
            remediation: None,
        }
    }
}

fn read_analysis(r: &mut Reader, a: &Obj, ap: &str) -> Analysis {
    let state = r.text(a, ap, "state");
    let status = match state.as_deref() {
        None | Some("exploitable") => Status::Affected,
        Some("in_triage") => Status::UnderInvestigation,
        Some("resolved" | "resolved_with_pedigree") => Status::Fixed,
        Some("not_affected" | "false_positive") => Status::NotAffected,
        Some(other) => {
            r.warn(
                WarningKind::UnknownValue,
                child(ap, "state"),
                format!("unknown analysis state {other:?}; read as in_triage"),
            );
            Status::UnderInvestigation
        }
    };
    let justification = r.text(a, ap, "justification");
    let mut label = justification.as_deref().and_then(|j| {
        let l = justification_label(j);
        if l.is_none() {
            r.warn(
                WarningKind::UnknownValue,
                child(ap, "justification"),
                format!("unknown justification {j:?}"),
            );
        }
        l
    });
    let detail = r.text(a, ap, "detail");
    let mut notes: Vec<String> = Vec::new();
    if state.as_deref() == Some("false_positive") {
        notes.push("CycloneDX state false_positive".to_string());
        // Wrongly associated with the component: for the component the vulnerable code is
        // simply not there.
        label = label.or(Some("component_not_present"));
    }
    if let Some(j) = &justification {
        notes.push(format!("CycloneDX justification {j}"));
    }
    if state.as_deref() == Some("not_affected") && justification.is_none() && detail.is_none() {
        r.warn(
            WarningKind::Missing,
            child(ap, "justification"),
            "a not_affected analysis needs a justification or a detail",
        );
    }
    let impact = match (detail, notes.is_empty()) {
        (Some(d), true) => Some(d),
        (Some(d), false) => Some(format!("{d} ({})", notes.join("; "))),
        (None, false) => Some(notes.join("; ")),
        (None, true) => None,
    };
    let mut remedies = Vec::new();
    for (rp, resp) in r.strings_at(a, ap, "response") {
        match RESPONSES.iter().find(|(k, _)| *k == resp) {
            Some((_, category)) => remedies.push(*category),
            None => r.warn(
                WarningKind::UnknownValue,
                rp,
                format!("unknown response {resp:?}"),
            ),
        }
    }
    Analysis {
        status,
        label,
        impact,
        remedies,
        first_issued: r.date(a, ap, "firstIssued"),
        last_updated: r.date(a, ap, "lastUpdated"),
    }
}

/// `ratings[]` with a CVSS method and a vector. Other methods (OWASP, SSVC, other) and ratings
/// without a vector have nothing the model keeps.
fn ratings(r: &mut Reader, v: &Obj, vp: &str, default_source: Option<&str>) -> Vec<Cvss> {
    let mut out = Vec::new();
    for (rp, rating) in r.objects(v, vp, "ratings") {
        let method = r.text(rating, &rp, "method");
        let vector = r.text(rating, &rp, "vector").map(|s| s.trim().to_string());
        let score = r.number(rating, &rp, "score");
        let source = r
            .obj(rating, &rp, "source")
            .and_then(|s| r.text(s, &child(&rp, "source"), "name"))
            .or_else(|| default_source.map(str::to_string));
        let Some(vector) = vector else {
            continue;
        };
        let family = match method.as_deref() {
            Some("CVSSv2") => "2.0",
            Some("CVSSv3") => "3.0",
            Some("CVSSv31") => "3.1",
            Some("CVSSv4") => "4.0",
            Some("OWASP" | "SSVC" | "other") => continue,
            None if vector.starts_with("CVSS:") => "",
            None => continue,
            Some(other) => {
                r.warn(
                    WarningKind::UnknownValue,
                    child(&rp, "method"),
                    format!("unknown rating method {other:?}; ignored"),
                );
                continue;
            }
        };
        // CycloneDX vectors usually leave out the `CVSS:3.1/` prefix the method stands for.
        let full = if vector.starts_with("CVSS:") || family == "2.0" || family.is_empty() {
            vector.clone()
        } else {
            format!("CVSS:{family}/{vector}")
        };
        match cvss_vector::parse(&full) {
            Ok(parsed) => {
                if !family.is_empty() && parsed.version != family {
                    r.warn(
                        WarningKind::BadCvss,
                        child(&rp, "vector"),
                        format!(
                            "a CVSS {} vector under method {}",
                            parsed.version,
                            method.as_deref().unwrap_or_default()
                        ),
                    );
                }
                if let Some(stated) = score
                    && parsed.base_only()
                    && (stated - parsed.score).abs() > 0.05
                {
                    r.warn(
                        WarningKind::CvssScoreMismatch,
                        child(&rp, "score"),
                        format!("score {stated} but {full} computes {}", parsed.score),
                    );
                }
                out.push(Cvss {
                    version: parsed.version.to_string(),
                    vector: parsed.text,
                    score: Some(score.unwrap_or(parsed.score)),
                    source,
                    products: Vec::new(),
                });
            }
            Err(e) => {
                r.warn(
                    WarningKind::BadCvss,
                    child(&rp, "vector"),
                    format!("{vector:?}: {e}"),
                );
                out.push(Cvss {
                    version: family.to_string(),
                    vector: full,
                    score,
                    source,
                    products: Vec::new(),
                });
            }
        }
    }
    out
}

/// `cwes[]`: integers, written `CWE-n`.
fn cwes(r: &mut Reader, v: &Obj, vp: &str) -> Vec<String> {
    let at = child(vp, "cwes");
    let mut out = Vec::new();
    for (i, item) in r.arr(v, vp, "cwes").iter().enumerate() {
        let ip = index(&at, i);
        let n = match item {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => {
                let digits = s.trim().trim_start_matches("CWE-");
                let n = digits.parse::<u64>().ok();
                if n.is_some() {
                    r.warn(
                        WarningKind::WrongType,
                        ip.clone(),
                        "expected an integer, found a string; read as a number",
                    );
                }
                n
            }
            _ => None,
        };
        match n {
            Some(n) if n >= 1 => out.push(format!("CWE-{n}")),
            _ => r.warn(
                WarningKind::BadId,
                ip,
                format!("{item} is not a CWE number; ignored"),
            ),
        }
    }
    out
}

/// The BOM `version` (default 1).
fn bom_version(r: &mut Reader, root: &Obj) -> u64 {
    match root.get("version") {
        None | Some(Value::Null) => 1,
        Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n >= 1) => n.as_u64().unwrap_or(1),
        Some(Value::String(s)) if s.trim().parse::<u64>().is_ok_and(|n| n >= 1) => {
            r.warn(
                WarningKind::WrongType,
                "/version",
                "expected an integer, found a string; read as a number",
            );
            s.trim().parse().unwrap_or(1)
        }
        Some(other) => {
            r.warn(
                WarningKind::WrongType,
                "/version",
                format!("{other} is not a BOM version (an integer from 1); read as 1"),
            );
            1
        }
    }
}

fn is_uuid_urn(s: &str) -> bool {
    let Some(u) = s.strip_prefix("urn:uuid:") else {
        return false;
    };
    let groups: Vec<&str> = u.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A stable id for a document without serial number: FNV-1a (128 bits) of its JSON as
/// serde_json writes it, so the same content gives the same id whatever its layout.
fn content_id(root: &Obj) -> String {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let text = serde_json::to_string(root).unwrap_or_default();
    let mut h = OFFSET;
    for b in text.bytes() {
        h ^= u128::from(b);
        h = h.wrapping_mul(PRIME);
    }
    format!("cyclonedx-vex:{h:032x}")
}

/// `<key>.name` of an organizational entity.
fn org_name(r: &mut Reader, obj: &Obj, ptr: &str, key: &str) -> Option<String> {
    let o = r.obj(obj, ptr, key)?;
    r.text(o, &child(ptr, key), "name")
}

fn first_author(r: &mut Reader, meta: &Obj, mp: &str) -> Option<String> {
    r.objects(meta, mp, "authors")
        .into_iter()
        .find_map(|(ap, a)| r.text(a, &ap, "name"))
}

/// Every component and service with a bom-ref, at any depth, `metadata.component` included.
fn collect_elements<'v>(
    r: &mut Reader,
    root: &'v Obj,
    subject: Option<&'v Obj>,
) -> HashMap<String, Element<'v>> {
    let mut out: HashMap<String, Element<'v>> = HashMap::new();
    // (pointer, object, service, subject)
    let mut todo: Vec<(String, &'v Obj, bool, bool)> = Vec::new();
    if let Some(s) = subject {
        todo.push(("/metadata/component".to_string(), s, false, true));
    }
    for (p, c) in r.objects(root, "", "components").into_iter().rev() {
        todo.push((p, c, false, false));
    }
    for (p, s) in r.objects(root, "", "services").into_iter().rev() {
        todo.push((p, s, true, false));
    }
    while let Some((ptr, obj, service, is_subject)) = todo.pop() {
        if let Some(reference) = r.text(obj, &ptr, "bom-ref") {
            let reference = reference.trim().to_string();
            match out.entry(reference) {
                std::collections::hash_map::Entry::Occupied(e) => r.warn(
                    WarningKind::DuplicateProduct,
                    child(&ptr, "bom-ref"),
                    format!("bom-ref {:?} is used twice; the first is kept", e.key()),
                ),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(Element {
                        obj,
                        service,
                        subject: is_subject,
                    });
                }
            }
        }
        let nested = if service { "services" } else { "components" };
        for (p, c) in r.objects(obj, &ptr, nested).into_iter().rev() {
            todo.push((p, c, service, false));
        }
    }
    out
}

/// The product an `affects[].ref` names.
fn resolve(
    r: &mut Reader,
    target: &str,
    at: &str,
    elements: &HashMap<String, Element<'_>>,
    own_serial: Option<&str>,
    meta_vendor: Option<&str>,
) -> Product {
    if let Some(e) = elements.get(target) {
        return element_product(target, e, meta_vendor);
    }
    if let Some(link) = target.strip_prefix("urn:cdx:") {
        let (document, fragment) = match link.split_once('#') {
            Some((d, f)) => (d, Some(f)),
            None => (link, None),
        };
        let serial = document.split('/').next().unwrap_or_default();
        if let Some(fragment) = fragment {
            // A link into this very document (any version of it: bom-refs outlive versions).
            if own_serial.is_some_and(|own| own.eq_ignore_ascii_case(serial))
                && let Some(e) = elements.get(fragment)
            {
                return element_product(target, e, meta_vendor);
            }
            let fragment = if fragment.len() > 6 && fragment[..6].eq_ignore_ascii_case("pkg%3A") {
                percent_decode(fragment)
            } else {
                fragment.to_string()
            };
            return Product {
                id: target.to_string(),
                purls: fragment
                    .starts_with("pkg:")
                    .then_some(fragment)
                    .into_iter()
                    .collect(),
                sbom_urls: vec![format!("urn:cdx:{document}")],
                ..Product::default()
            };
        }
        r.warn(
            WarningKind::BadId,
            at,
            format!("BOM-Link {target:?} names a document, not a component"),
        );
        return Product {
            id: target.to_string(),
            sbom_urls: vec![target.to_string()],
            ..Product::default()
        };
    }
    r.warn(
        WarningKind::UndefinedProduct,
        at,
        format!("no component or service has bom-ref {target:?}"),
    );
    Product {
        id: target.to_string(),
        purls: target
            .starts_with("pkg:")
            .then(|| target.to_string())
            .into_iter()
            .collect(),
        ..Product::default()
    }
}

fn element_product(id: &str, e: &Element<'_>, meta_vendor: Option<&str>) -> Product {
    let o = e.obj;
    let text = |k: &str| {
        o.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let org = |k: &str| {
        o.get(k)
            .and_then(|x| x.get("name"))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let vendor = org("supplier")
        .or_else(|| org("manufacturer"))
        .or_else(|| text("publisher"))
        .or_else(|| if e.service { org("provider") } else { None })
        .or_else(|| e.subject.then(|| meta_vendor.map(str::to_string)).flatten());
    let hashes = o
        .get("hashes")
        .and_then(Value::as_array)
        .map(|hs| {
            hs.iter()
                .filter_map(|h| {
                    let alg = h.get("alg").and_then(Value::as_str)?;
                    let content = h.get("content").and_then(Value::as_str)?;
                    Some(format!("{alg}:{content}"))
                })
                .collect()
        })
        .unwrap_or_default();
    let sbom_urls = o
        .get("externalReferences")
        .and_then(Value::as_array)
        .map(|rs| {
            rs.iter()
                .filter(|x| x.get("type").and_then(Value::as_str) == Some("bom"))
                .filter_map(|x| x.get("url").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Product {
        id: id.to_string(),
        vendor,
        name: text("name"),
        version: text("version"),
        purls: text("purl").into_iter().collect(),
        cpes: text("cpe").into_iter().collect(),
        hashes,
        sbom_urls,
        ..Product::default()
    }
}

fn define(products: &mut Vec<Product>, defined: &mut HashSet<String>, p: Product) {
    if defined.insert(p.id.clone()) {
        products.push(p);
    }
}

/// A purl without its `@version`, for a product whose versions are given apart.
fn purl_without_version(purl: &str) -> String {
    let end = purl.find(['?', '#']).unwrap_or(purl.len());
    let (head, tail) = purl.split_at(end);
    // The version is after the last `@` of the name; an `@` before the last `/` is a
    // namespace written unencoded (`pkg:npm/@scope/name`).
    let last_slash = head.rfind('/').unwrap_or(0);
    match head.rfind('@') {
        Some(at) if at > last_slash => format!("{}{tail}", &head[..at]),
        _ => purl.to_string(),
    }
}

/// `%XX` decoding; invalid escapes are kept as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::model::{AdvisoryError, Format};

    fn parse(json: &str) -> Advisory {
        let p = crate::parse("t.json", json.as_bytes()).unwrap();
        assert_eq!(p.format, Format::CycloneDxVex);
        p.advisories.into_iter().next().unwrap()
    }

    fn status<'a>(a: &'a Advisory, vuln: &str, product: &str) -> &'a ProductStatus {
        a.vulnerabilities
            .iter()
            .find(|v| v.id == vuln)
            .unwrap()
            .statuses
            .iter()
            .find(|s| s.product == product)
            .unwrap()
    }

    #[test]
    fn every_justification_maps_to_a_known_label() {
        let labels = [
            "component_not_present",
            "vulnerable_code_not_present",
            "vulnerable_code_not_in_execute_path",
            "vulnerable_code_cannot_be_controlled_by_adversary",
            "inline_mitigations_already_exist",
        ];
        assert_eq!(JUSTIFICATIONS.len(), 9);
        for (c, l) in JUSTIFICATIONS {
            assert!(labels.contains(l), "{c} → {l}");
        }
        assert_eq!(
            justification_label("code_not_reachable"),
            Some("vulnerable_code_not_in_execute_path")
        );
        assert_eq!(justification_label("nonsense"), None);
    }

    #[test]
    fn states_map_to_statuses() {
        for (state, want) in [
            ("exploitable", Status::Affected),
            ("in_triage", Status::UnderInvestigation),
            ("resolved", Status::Fixed),
            ("resolved_with_pedigree", Status::Fixed),
            ("not_affected", Status::NotAffected),
            ("false_positive", Status::NotAffected),
            ("bogus", Status::UnderInvestigation),
        ] {
            let a = parse(&format!(
                r#"{{"bomFormat": "CycloneDX", "specVersion": "1.6",
                "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", "version": 2,
                "components": [{{"bom-ref": "c1", "name": "lib", "version": "1.0",
                                 "purl": "pkg:npm/lib@1.0"}}],
                "vulnerabilities": [{{"id": "CVE-2024-0001",
                   "analysis": {{"state": "{state}", "justification": "code_not_present",
                                 "detail": "why"}},
                   "affects": [{{"ref": "c1"}}]}}]}}"#
            ));
            assert_eq!(a.id, "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79/2");
            let s = status(&a, "CVE-2024-0001", "c1");
            assert_eq!(s.status, want, "{state}");
            if want == Status::NotAffected {
                assert_eq!(
                    s.justification.as_deref(),
                    Some("vulnerable_code_not_present")
                );
                assert!(
                    s.impact
                        .as_deref()
                        .unwrap()
                        .contains("CycloneDX justification code_not_present")
                );
            } else {
                assert_eq!(s.justification, None);
            }
            assert_eq!(
                a.warnings
                    .iter()
                    .any(|w| w.location == "/vulnerabilities/0/analysis/state"),
                state == "bogus"
            );
        }
    }

    #[test]
    fn no_analysis_is_affected_and_false_positive_is_component_not_present() {
        let a = parse(
            r#"{"bomFormat": "CycloneDX", "specVersion": "1.5",
            "components": [{"bom-ref": "a", "name": "a"}, {"bom-ref": "b", "name": "b"}],
            "vulnerabilities": [
              {"id": "CVE-2024-0001", "affects": [{"ref": "a"}]},
              {"id": "CVE-2024-0002", "analysis": {"state": "false_positive"}, "affects": [{"ref": "b"}]}]}"#,
        );
        assert!(a.id.starts_with("cyclonedx-vex:"));
        assert_eq!(status(&a, "CVE-2024-0001", "a").status, Status::Affected);
        let fp = status(&a, "CVE-2024-0002", "b");
        assert_eq!(fp.status, Status::NotAffected);
        assert_eq!(fp.justification.as_deref(), Some("component_not_present"));
        assert_eq!(fp.impact.as_deref(), Some("CycloneDX state false_positive"));
    }

    #[test]
    fn versions_give_one_product_each() {
        let a = parse(
            r#"{"bomFormat": "CycloneDX", "specVersion": "1.6",
            "metadata": {"supplier": {"name": "Acme"},
                         "component": {"bom-ref": "prod", "name": "Pump", "version": "9",
                                       "purl": "pkg:generic/acme/pump@9"}},
            "vulnerabilities": [
              {"id": "CVE-2024-0001", "analysis": {"state": "exploitable", "response": ["update"]},
               "recommendation": "Upgrade to 5.",
               "affects": [{"ref": "prod", "versions": [
                  {"range": "vers:generic/<5", "status": "affected"},
                  {"version": "7"},
                  {"range": "vers:generic/>=5", "status": "unaffected"},
                  {"version": "8", "status": "unknown"}]}]},
              {"id": "CVE-2024-0001", "analysis": {"state": "not_affected",
                                                    "justification": "protected_at_perimeter"},
               "affects": [{"ref": "prod", "versions": [{"version": "7"}, {"version": "6"}]}]}]}"#,
        );
        assert_eq!(a.publisher.as_deref(), Some("Acme"));
        assert_eq!(a.vulnerabilities.len(), 1);
        let ids: Vec<&str> = a.products.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["prod#1", "prod#2", "prod#3", "prod#4", "prod#5"]);
        let p1 = &a.products[0];
        assert_eq!(p1.version_range.as_deref(), Some("vers:generic/<5"));
        assert_eq!(p1.version, None);
        assert_eq!(p1.purls, ["pkg:generic/acme/pump"]);
        assert_eq!(p1.vendor.as_deref(), Some("Acme"));
        assert_eq!(p1.name.as_deref(), Some("Pump"));
        assert_eq!(a.products[1].version.as_deref(), Some("7"));
        let v = &a.vulnerabilities[0];
        let st: Vec<(&str, Status)> = v
            .statuses
            .iter()
            .map(|s| (s.product.as_str(), s.status))
            .collect();
        assert_eq!(
            st,
            [
                ("prod#1", Status::Affected),
                ("prod#2", Status::Affected),
                ("prod#3", Status::NotAffected),
                ("prod#4", Status::UnderInvestigation),
                ("prod#2", Status::NotAffected),
                ("prod#5", Status::NotAffected),
            ]
        );
        // The unaffected range of an exploitable entry has no justification of its own.
        assert_eq!(v.statuses[2].justification, None);
        assert_eq!(
            v.statuses[5].justification.as_deref(),
            Some("inline_mitigations_already_exist")
        );
        assert_eq!(v.statuses[0].remediation.as_deref(), Some("vendor_fix"));
        assert_eq!(v.remediations[0].category, "vendor_fix");
        assert_eq!(v.remediations[0].details.as_deref(), Some("Upgrade to 5."));
        // Version 7 is both affected and not affected.
        assert!(
            a.warnings
                .iter()
                .any(|w| w.kind == WarningKind::ContradictingStatus
                    && w.location == "/vulnerabilities/1/affects/0/versions/0")
        );
    }

    #[test]
    fn bom_links_and_unknown_refs() {
        let a = parse(
            r#"{"bomFormat": "CycloneDX", "specVersion": "1.4",
            "serialNumber": "urn:uuid:11111111-2222-3333-4444-555555555555",
            "components": [{"bom-ref": "x", "name": "X", "components": [
                {"bom-ref": "deep", "name": "Deep", "supplier": {"name": "Deep Inc"},
                 "cpe": "cpe:2.3:a:deep:deep:1:*:*:*:*:*:*:*"}]}],
            "vulnerabilities": [{"id": "GHSA-aaaa-bbbb-cccc",
              "references": [{"id": "CVE-2024-0003", "source": {"name": "NVD"}}],
              "affects": [
                {"ref": "urn:cdx:11111111-2222-3333-4444-555555555555/1#deep"},
                {"ref": "urn:cdx:99999999-2222-3333-4444-555555555555/3#pkg:maven/a/b@1.0?type=jar"},
                {"ref": "urn:cdx:99999999-2222-3333-4444-555555555555/3#pkg%3Anpm/c@2"},
                {"ref": "urn:cdx:99999999-2222-3333-4444-555555555555/3#device-1"},
                {"ref": "pkg:pypi/d@3"}]}]}"#,
        );
        let v = &a.vulnerabilities[0];
        assert_eq!(v.id, "CVE-2024-0003");
        assert_eq!(v.aliases, ["GHSA-aaaa-bbbb-cccc"]);
        assert_eq!(a.publisher, None);
        let deep = &a.products[0];
        assert_eq!(deep.name.as_deref(), Some("Deep"));
        assert_eq!(deep.vendor.as_deref(), Some("Deep Inc"));
        assert_eq!(deep.cpes.len(), 1);
        assert_eq!(a.products[1].purls, ["pkg:maven/a/b@1.0?type=jar"]);
        assert_eq!(
            a.products[1].sbom_urls,
            ["urn:cdx:99999999-2222-3333-4444-555555555555/3"]
        );
        assert_eq!(a.products[2].purls, ["pkg:npm/c@2"]);
        assert!(a.products[3].purls.is_empty());
        assert_eq!(a.products[4].purls, ["pkg:pypi/d@3"]);
        assert!(
            a.warnings
                .iter()
                .any(|w| w.kind == WarningKind::UndefinedProduct
                    && w.location == "/vulnerabilities/0/affects/4/ref")
        );
        assert_eq!(v.statuses.len(), 5);
    }

    #[test]
    fn ratings_and_cwes() {
        let a = parse(
            r#"{"bomFormat": "CycloneDX", "specVersion": "1.6",
            "vulnerabilities": [{"id": "CVE-2024-0004", "cwes": [79, "89", "x", 0],
              "ratings": [
                {"method": "CVSSv31", "vector": "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "score": 9.8,
                 "source": {"name": "NVD"}},
                {"method": "CVSSv2", "vector": "AV:N/AC:L/Au:N/C:P/I:P/A:P"},
                {"method": "CVSSv4", "vector": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"},
                {"method": "CVSSv3", "vector": "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "score": 5.0},
                {"method": "OWASP", "vector": "SL:1/M:1"},
                {"method": "CVSSv31", "vector": "garbage"},
                {"score": 3.0, "severity": "low"}],
              "affects": [{"ref": "nowhere"}]}]}"#,
        );
        let v = &a.vulnerabilities[0];
        assert_eq!(v.cwes, ["CWE-79", "CWE-89"]);
        let got: Vec<(&str, &str, Option<f64>)> = v
            .cvss
            .iter()
            .map(|c| (c.version.as_str(), c.vector.as_str(), c.score))
            .collect();
        assert_eq!(
            got[0],
            (
                "3.1",
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                Some(9.8)
            )
        );
        assert_eq!(got[1], ("2.0", "AV:N/AC:L/Au:N/C:P/I:P/A:P", Some(7.5)));
        assert_eq!(got[2].0, "4.0");
        assert_eq!(got[3].1, "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
        assert_eq!(got.len(), 5);
        assert_eq!(v.cvss[0].source.as_deref(), Some("NVD"));
        let k: Vec<(WarningKind, &str)> = a
            .warnings
            .iter()
            .map(|w| (w.kind, w.location.as_str()))
            .collect();
        for want in [
            (WarningKind::WrongType, "/vulnerabilities/0/cwes/1"),
            (WarningKind::BadId, "/vulnerabilities/0/cwes/2"),
            (WarningKind::BadId, "/vulnerabilities/0/cwes/3"),
            (
                WarningKind::CvssScoreMismatch,
                "/vulnerabilities/0/ratings/3/score",
            ),
            (WarningKind::BadCvss, "/vulnerabilities/0/ratings/5/vector"),
            (
                WarningKind::UndefinedProduct,
                "/vulnerabilities/0/affects/0/ref",
            ),
        ] {
            assert!(k.contains(&want), "{want:?} in {k:#?}");
        }
    }

    #[test]
    fn sboms_without_vulnerabilities_are_not_advisories() {
        for doc in [
            r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}"#,
            r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "vulnerabilities": []}"#,
        ] {
            match crate::parse("s.json", doc.as_bytes()) {
                Err(AdvisoryError::NotAnAdvisory { reason, .. }) => {
                    assert_eq!(reason, "a CycloneDX SBOM without vulnerabilities")
                }
                other => panic!("{other:?}"),
            }
        }
        match crate::parse(
            "s.json",
            br#"{"bomFormat": "CycloneDX", "vulnerabilities": {"id": "x"}}"#,
        ) {
            Err(AdvisoryError::Invalid { pointer, .. }) => assert_eq!(pointer, "/vulnerabilities"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn content_ids_are_stable_and_distinct() {
        let a = r#"{"bomFormat": "CycloneDX", "vulnerabilities": [{"id": "CVE-2024-0001"}]}"#;
        let b = "{\n  \"bomFormat\" : \"CycloneDX\",\n  \"vulnerabilities\" : [ { \"id\" : \"CVE-2024-0001\" } ]\n}\n";
        let c = r#"{"bomFormat": "CycloneDX", "vulnerabilities": [{"id": "CVE-2024-0002"}]}"#;
        let id = |s: &str| parse(s).id;
        // The layout does not change the id; the content does.
        assert_eq!(id(a), id(b));
        assert_ne!(id(a), id(c));
        assert_eq!(id(a).len(), "cyclonedx-vex:".len() + 32);
        let w = &parse(a).warnings;
        assert!(w.iter().any(|w| w.location == "/serialNumber"));
    }

    #[test]
    fn purl_versions_are_removed() {
        for (purl, want) in [
            ("pkg:maven/a/b@1.0?type=jar", "pkg:maven/a/b?type=jar"),
            ("pkg:npm/@scope/name@1.2.3", "pkg:npm/@scope/name"),
            ("pkg:npm/@scope/name", "pkg:npm/@scope/name"),
            (
                "pkg:npm/%40scope/name@1#sub/p@x",
                "pkg:npm/%40scope/name#sub/p@x",
            ),
            ("pkg:generic/x", "pkg:generic/x"),
        ] {
            assert_eq!(purl_without_version(purl), want, "{purl}");
        }
        assert_eq!(percent_decode("pkg%3Anpm/a%40b@1"), "pkg:npm/a@b@1");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
