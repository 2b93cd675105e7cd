//! The scan's two output formats: Baton's JSON array and CycloneDX 1.6.

use baton_sbom::{Component, Sbom};
use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use crate::{Finding, FindingStatus};

/// The findings as a JSON array, in their order.
pub fn to_json(findings: &[Finding]) -> Value {
    serde_json::to_value(findings).unwrap_or(Value::Array(Vec::new()))
}

/// CycloneDX component types; anything else (or nothing) is written as `library`.
const CDX_TYPES: &[&str] = &[
    "application",
    "framework",
    "library",
    "container",
    "platform",
    "operating-system",
    "device",
    "device-driver",
    "firmware",
    "file",
    "machine-learning-model",
    "data",
    "cryptographic-asset",
];

fn cdx_component(c: &Component) -> Value {
    let kind = c
        .kind
        .as_deref()
        .filter(|k| CDX_TYPES.contains(k))
        .unwrap_or("library");
    let mut o = Map::new();
    o.insert("type".into(), json!(kind));
    o.insert("bom-ref".into(), json!(c.reference));
    o.insert("name".into(), json!(c.name));
    if let Some(v) = &c.version {
        o.insert("version".into(), json!(v));
    }
    if let Some(p) = &c.purl {
        o.insert("purl".into(), json!(p));
    }
    if let Some(cpe) = c.cpes.first() {
        o.insert("cpe".into(), json!(cpe));
    }
    Value::Object(o)
}

fn severity(score: f64) -> &'static str {
    match score {
        s if s <= 0.0 => "none",
        s if s < 4.0 => "low",
        s if s < 7.0 => "medium",
        s if s < 9.0 => "high",
        _ => "critical",
    }
}

fn cvss_method(version: &str) -> &'static str {
    match version {
        "2.0" => "CVSSv2",
        "3.0" => "CVSSv3",
        "3.1" => "CVSSv31",
        "4.0" => "CVSSv4",
        _ => "other",
    }
}

/// CSAF/OpenVEX justification → CycloneDX `impactAnalysisJustification`.
fn cdx_justification(j: &str) -> Option<&'static str> {
    Some(match j {
        "component_not_present" | "vulnerable_code_not_present" => "code_not_present",
        "vulnerable_code_not_in_execute_path" => "code_not_reachable",
        "vulnerable_code_cannot_be_controlled_by_adversary" => "requires_environment",
        "inline_mitigations_already_exist" => "protected_by_mitigating_control",
        _ => return None,
    })
}

fn cdx_state(s: FindingStatus) -> &'static str {
    match s {
        FindingStatus::Affected => "exploitable",
        FindingStatus::NotAffected => "not_affected",
        FindingStatus::Fixed => "resolved",
        FindingStatus::UnderInvestigation => "in_triage",
    }
}

/// A CycloneDX 1.6 BOM holding the SBOM's components (so that `affects` refs resolve in the
/// same document) and one vulnerability per finding. `on` dates the document.
pub fn to_cyclonedx(sbom: &Sbom, findings: &[Finding], on: NaiveDate) -> Value {
    let mut vulns = Vec::with_capacity(findings.len());
    for (n, f) in findings.iter().enumerate() {
        let mut v = Map::new();
        v.insert(
            "bom-ref".into(),
            json!(format!("vuln-{}-{}", n + 1, f.vulnerability_id)),
        );
        v.insert("id".into(), json!(f.vulnerability_id));
        if f.vulnerability_id.starts_with("CVE-") {
            v.insert(
                "source".into(),
                json!({"name": "NVD", "url": format!("https://nvd.nist.gov/vuln/detail/{}", f.vulnerability_id)}),
            );
        }
        if !f.aliases.is_empty() {
            let refs: Vec<Value> = f
                .aliases
                .iter()
                .map(|a| json!({"id": a, "source": {"name": alias_source(a)}}))
                .collect();
            v.insert("references".into(), Value::Array(refs));
        }
        if let Some(c) = &f.cvss {
            let mut r = Map::new();
            if let Some(s) = c.score {
                r.insert("score".into(), json!(s));
                r.insert("severity".into(), json!(severity(s)));
            }
            r.insert("method".into(), json!(cvss_method(&c.version)));
            r.insert("vector".into(), json!(c.vector));
            v.insert("ratings".into(), json!([Value::Object(r)]));
        }
        let mut analysis = Map::new();
        analysis.insert("state".into(), json!(cdx_state(f.status)));
        if let Some(j) = f.justification.as_deref().and_then(cdx_justification) {
            analysis.insert("justification".into(), json!(j));
        }
        let detail: Vec<String> = f
            .evidence
            .iter()
            .map(|e| format!("{}: {}; {}", e.advisory, e.matched, e.version))
            .collect();
        analysis.insert("detail".into(), json!(detail.join("\n")));
        v.insert("analysis".into(), Value::Object(analysis));
        let mut props = vec![
            json!({"name": "baton:confidence", "value": f.confidence.key()}),
            json!({"name": "baton:kev", "value": f.kev.to_string()}),
        ];
        if let Some(e) = f.epss {
            props.push(json!({"name": "baton:epss:score", "value": e.score.to_string()}));
            props.push(json!({"name": "baton:epss:percentile", "value": e.percentile.to_string()}));
        }
        for s in &f.source {
            props.push(json!({"name": "baton:source", "value": s}));
        }
        v.insert("properties".into(), Value::Array(props));
        v.insert("affects".into(), json!([{"ref": f.component_ref}]));
        vulns.push(Value::Object(v));
    }
    let mut metadata = Map::new();
    metadata.insert(
        "timestamp".into(),
        json!(format!("{}T00:00:00Z", on.format("%Y-%m-%d"))),
    );
    metadata.insert(
        "tools".into(),
        json!({"components": [{"type": "application", "name": "baton", "version": env!("CARGO_PKG_VERSION")}]}),
    );
    if let Some(s) = &sbom.subject {
        metadata.insert("component".into(), cdx_component(s));
    }
    // bom-refs must be unique in a BOM: a component listed twice is written once, and the
    // subject (which SPDX documents may also list as a package) only in the metadata, where
    // `affects` refs still find it.
    let mut seen = std::collections::HashSet::new();
    if let Some(s) = &sbom.subject {
        seen.insert(s.reference.clone());
    }
    let components: Vec<Value> = sbom
        .components
        .iter()
        .filter(|c| seen.insert(c.reference.clone()))
        .map(cdx_component)
        .collect();
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": Value::Object(metadata),
        "components": components,
        "vulnerabilities": vulns,
    })
}

fn alias_source(id: &str) -> &'static str {
    match id.split('-').next().unwrap_or_default() {
        "CVE" => "NVD",
        "GHSA" => "GitHub",
        "RUSTSEC" => "RustSec",
        "PYSEC" => "PyPA",
        "GO" => "Go",
        "ICSMA" | "ICSA" => "CISA",
        _ => "other",
    }
}
