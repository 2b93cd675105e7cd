//! OpenVEX 0.2.0 (and the 0.0.1 shape: vulnerability and products as plain strings). Statements
//! about one vulnerability are gathered into one [`Vulnerability`], in document order. A product
//! with subcomponents gives one combined product per subcomponent (`<product>#<subcomponent>`,
//! a `default_component_of` relationship), since the statement is about the subcomponent inside
//! that product.

use crate::json::{Reader, child, is_cve, push_unique};
use crate::model::{
    Advisory, AdvisoryError, AdvisorySource, Product, ProductStatus, Relationship, Status,
    Vulnerability, WarningKind,
};
use serde_json::{Map, Value};
use std::collections::HashSet;

type Obj = Map<String, Value>;

const JUSTIFICATIONS: &[&str] = &[
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
];

pub(crate) fn read(file: &str, root: &Obj) -> Result<Advisory, AdvisoryError> {
    let mut r = Reader::default();
    let id = match r.text(root, "", "@id").or_else(|| r.text(root, "", "id")) {
        Some(id) => id,
        None => {
            r.warn(
                WarningKind::Missing,
                "/@id",
                "the document has no @id; the file name stands in",
            );
            file.rsplit('/').next().unwrap_or(file).to_string()
        }
    };
    let publisher = r.text(root, "", "author");
    let published = r.date(root, "", "timestamp");
    let modified = r.date(root, "", "last_updated").or(published);
    if !root.contains_key("statements") {
        return Err(AdvisoryError::Invalid {
            file: file.to_string(),
            pointer: "/statements".to_string(),
            message: "an OpenVEX document needs `statements`".to_string(),
        });
    }
    let mut products: Vec<Product> = Vec::new();
    let mut ids_seen: HashSet<String> = HashSet::new();
    let mut vulnerabilities: Vec<Vulnerability> = Vec::new();
    for (sp, st) in r.objects(root, "", "statements") {
        let (name, aliases, description) = match st.get("vulnerability") {
            Some(Value::String(s)) => (Some(s.clone()), Vec::new(), None),
            Some(Value::Object(v)) => {
                let vp = child(&sp, "vulnerability");
                let name = r.text(v, &vp, "name").or_else(|| r.text(v, &vp, "@id"));
                (
                    name,
                    r.strings(v, &vp, "aliases"),
                    r.text(v, &vp, "description"),
                )
            }
            _ => (None, Vec::new(), None),
        };
        let Some(name) = name else {
            r.warn(
                WarningKind::Missing,
                child(&sp, "vulnerability"),
                "a statement without a vulnerability name; skipped",
            );
            continue;
        };
        let status_text = r.required_str(st, &sp, "status").unwrap_or_default();
        let status = match status_text.as_str() {
            "not_affected" => Status::NotAffected,
            "affected" => Status::Affected,
            "fixed" => Status::Fixed,
            "under_investigation" => Status::UnderInvestigation,
            other => {
                r.warn(
                    WarningKind::UnknownValue,
                    child(&sp, "status"),
                    format!("unknown status {other:?}; statement skipped"),
                );
                continue;
            }
        };
        let justification = r.text(st, &sp, "justification");
        if let Some(j) = &justification
            && !JUSTIFICATIONS.contains(&j.as_str())
        {
            r.warn(
                WarningKind::UnknownValue,
                child(&sp, "justification"),
                format!("unknown justification {j:?}"),
            );
        }
        let impact = r.text(st, &sp, "impact_statement");
        let action = r.text(st, &sp, "action_statement");
        // The spec's two must-haves, checked because a match decision rests on them.
        if status == Status::NotAffected && justification.is_none() && impact.is_none() {
            r.warn(
                WarningKind::Missing,
                sp.clone(),
                "a not_affected statement needs a justification or an impact_statement",
            );
        }
        if status == Status::Affected && action.is_none() {
            r.warn(
                WarningKind::Missing,
                child(&sp, "action_statement"),
                "an affected statement needs an action_statement",
            );
        }

        let mut ids = Vec::new();
        for (pp, p) in statement_products(&mut r, st, &sp) {
            let (pid, purls) = match p {
                Value::String(s) if s.starts_with("cpe:") => {
                    define(&mut products, &mut ids_seen, s, &[], None);
                    if let Some(p) = products.iter_mut().find(|p| p.id == *s)
                        && !p.cpes.contains(s)
                    {
                        p.cpes.push(s.clone());
                    }
                    (s.clone(), Vec::new())
                }
                Value::String(s) => (s.clone(), vec![s.clone()]),
                Value::Object(o) => {
                    let pid = r.text(o, &pp, "@id");
                    let idents = r.obj(o, &pp, "identifiers");
                    let purl = idents.and_then(|i| r.text(i, &child(&pp, "identifiers"), "purl"));
                    let Some(pid) = pid.or_else(|| purl.clone()) else {
                        r.warn(
                            WarningKind::Missing,
                            child(&pp, "@id"),
                            "a product without @id or purl; skipped",
                        );
                        continue;
                    };
                    let purls: Vec<String> = purl
                        .into_iter()
                        .chain(pid.starts_with("pkg:").then(|| pid.clone()))
                        .collect();
                    // CPE identifiers (`cpe23`, `cpe22`, or a CPE as the @id) name devices
                    // and products that have no purl.
                    let cpes: Vec<String> = ["cpe23", "cpe22"]
                        .iter()
                        .filter_map(|k| {
                            idents.and_then(|i| r.text(i, &child(&pp, "identifiers"), k))
                        })
                        .chain(pid.starts_with("cpe:").then(|| pid.clone()))
                        .collect();
                    let subs: Vec<String> = r
                        .objects(o, &pp, "subcomponents")
                        .into_iter()
                        .filter_map(|(_, s)| {
                            s.get("@id").and_then(Value::as_str).map(str::to_string)
                        })
                        .collect();
                    define(&mut products, &mut ids_seen, &pid, &purls, None);
                    if let Some(p) = products.iter_mut().find(|p| p.id == pid) {
                        for c in cpes {
                            if !p.cpes.contains(&c) {
                                p.cpes.push(c);
                            }
                        }
                    }
                    if !subs.is_empty() {
                        for sub in subs {
                            let combined = format!("{pid}#{sub}");
                            let rel = Relationship {
                                category: "default_component_of".to_string(),
                                component: sub.clone(),
                                platform: pid.clone(),
                            };
                            let sub_purls: Vec<String> = sub
                                .starts_with("pkg:")
                                .then(|| sub.clone())
                                .into_iter()
                                .collect();
                            define(&mut products, &mut ids_seen, &sub, &sub_purls, None);
                            define(
                                &mut products,
                                &mut ids_seen,
                                &combined,
                                &sub_purls,
                                Some(rel),
                            );
                            ids.push(combined);
                        }
                        continue;
                    }
                    (pid, purls)
                }
                _ => {
                    r.warn(
                        WarningKind::WrongType,
                        pp,
                        "a product must be a string or an object; skipped",
                    );
                    continue;
                }
            };
            define(&mut products, &mut ids_seen, &pid, &purls, None);
            ids.push(pid);
        }

        let vid = if is_cve(&name) {
            name.clone()
        } else {
            aliases
                .iter()
                .find(|a| is_cve(a))
                .cloned()
                .unwrap_or_else(|| name.clone())
        };
        let idx = match vulnerabilities.iter().position(|v| v.id == vid) {
            Some(i) => i,
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
                vulnerabilities.len() - 1
            }
        };
        let vuln = &mut vulnerabilities[idx];
        push_unique(&mut vuln.aliases, &name, &vid);
        for a in &aliases {
            push_unique(&mut vuln.aliases, a, &vid);
        }
        vuln.summary = vuln.summary.take().or(description);
        for pid in ids {
            vuln.statuses.push(ProductStatus {
                product: pid,
                status,
                justification: justification.clone(),
                impact: impact.clone(),
                remediation: action.clone(),
            });
        }
    }
    Ok(Advisory {
        id,
        source: AdvisorySource::OpenVex,
        title: None,
        publisher,
        published,
        modified,
        withdrawn: None,
        vulnerabilities,
        products,
        references: Vec::new(),
        warnings: r.warnings,
    })
}

fn statement_products<'v>(r: &mut Reader, st: &'v Obj, sp: &str) -> Vec<(String, &'v Value)> {
    let at = child(sp, "products");
    let items = r.arr(st, sp, "products");
    if items.is_empty() {
        r.warn(
            WarningKind::Missing,
            at.clone(),
            "a statement without products",
        );
    }
    items
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("{at}/{i}"), v))
        .collect()
}

fn define(
    products: &mut Vec<Product>,
    seen: &mut HashSet<String>,
    id: &str,
    purls: &[String],
    relationship: Option<Relationship>,
) {
    if !seen.insert(id.to_string()) {
        return;
    }
    products.push(Product {
        id: id.to_string(),
        purls: purls.to_vec(),
        relationship,
        ..Product::default()
    });
}
