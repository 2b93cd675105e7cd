//! CSAF 2.0 (and the 2.1 draft's renamed fields: `metrics`, `cwes`, `purls`).
//!
//! The product tree is flattened into [`Product`]s: branches are walked from the root, the nearest
//! `vendor`, `product_name` (or `product_family`), `product_version` and
//! `product_version_range` branch above a product give its fields, and relationship products
//! inherit what their component has. Vulnerabilities keep every product status with the flag,
//! impact threat and remediation that name the product.
//!
//! The CSAF 2.0 mandatory tests that concern data Baton uses are checked and reported as located
//! warnings naming the test (see [`WarningKind::csaf_test`]), and so are two optional tests that
//! say how well products can be matched (6.2.16 no identification helper, 6.2.18 free-text
//! version range). Tests about document metadata (revision history, language, translator, …)
//! are not checked, since nothing here depends on them.

use crate::cvss_vector;
use crate::json::{Reader, child, index, is_cve, push_unique};
use crate::model::{
    Advisory, AdvisoryError, AdvisorySource, Cvss, Product, ProductStatus, Relationship,
    Remediation, Status, Vulnerability, WarningKind,
};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

type Obj = Map<String, Value>;

/// Reads one CSAF document whose root is `root`.
pub(crate) fn read(file: &str, root: &Obj) -> Result<Advisory, AdvisoryError> {
    let Some(Value::Object(document)) = root.get("document") else {
        return Err(AdvisoryError::Invalid {
            file: file.to_string(),
            pointer: "/document".to_string(),
            message: "a CSAF document needs a `document` object".to_string(),
        });
    };
    let mut c = Csaf::default();
    let advisory = c.read(file, root, document);
    Ok(advisory)
}

#[derive(Default)]
struct Csaf {
    r: Reader,
    products: Vec<Product>,
    /// Product id → index into `products`.
    index: HashMap<String, usize>,
    /// Group id → product ids.
    groups: HashMap<String, Vec<String>>,
    /// Relationship-defined product → (component, platform), for cycle checks.
    relations: HashMap<String, (String, String)>,
}

/// Words that make a `product_version` name a range (CSAF 2.0 test 6.1.31).
const RANGE_WORDS: &[&str] = &[
    "after", "all", "before", "earlier", "later", "prior", "versions",
];

const JUSTIFICATIONS: &[&str] = &[
    "component_not_present",
    "inline_mitigations_already_exist",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_not_present",
];

/// Remediation categories, strongest remedy first.
const REMEDIATIONS: &[&str] = &[
    "vendor_fix",
    "mitigation",
    "workaround",
    "none_available",
    "no_fix_planned",
    // CSAF 2.1 additions.
    "optional_patch",
    "fix_planned",
];

const RELATIONSHIPS: &[&str] = &[
    "default_component_of",
    "external_component_of",
    "installed_on",
    "installed_with",
    "optional_component_of",
];

fn test_note(test: &str) -> String {
    format!(" (CSAF 2.0 test {test})")
}

impl Csaf {
    fn read(&mut self, file: &str, root: &Obj, document: &Obj) -> Advisory {
        let dp = "/document";
        let category = self
            .r
            .required_str(document, dp, "category")
            .unwrap_or_default();
        match self.r.str(document, dp, "csaf_version").as_deref() {
            Some("2.0" | "2.1") => {}
            Some(v) => self.r.warn(
                WarningKind::UnknownValue,
                "/document/csaf_version",
                format!("CSAF version {v:?}; read as 2.0"),
            ),
            None => self.r.warn(
                WarningKind::Missing,
                "/document/csaf_version",
                "`csaf_version` is missing",
            ),
        }
        let title = self.r.text(document, dp, "title");
        let publisher = self
            .r
            .obj(document, dp, "publisher")
            .and_then(|p| self.r.text(p, "/document/publisher", "name"));
        let tracking = self.r.obj(document, dp, "tracking");
        let tp = "/document/tracking";
        let id = match tracking.and_then(|t| self.r.text(t, tp, "id")) {
            Some(id) => id,
            None => {
                self.r.warn(
                    WarningKind::Missing,
                    "/document/tracking/id",
                    "the document has no tracking id; the file name stands in",
                );
                file.rsplit('/').next().unwrap_or(file).to_string()
            }
        };
        let published = tracking.and_then(|t| self.r.date(t, tp, "initial_release_date"));
        let modified = tracking.and_then(|t| self.r.date(t, tp, "current_release_date"));
        let mut references = Vec::new();
        let doc_refs = self.r.objects(document, dp, "references");
        for (rp, reference) in &doc_refs {
            if let Some(url) = self.r.text(reference, rp, "url") {
                push_unique(&mut references, &url, "");
            }
        }

        let tree = self.r.obj(root, "", "product_tree");
        if let Some(tree) = tree {
            self.read_tree(tree);
        }

        let vulns = self.r.objects(root, "", "vulnerabilities");
        let mut vulnerabilities = Vec::with_capacity(vulns.len());
        let mut cves: HashMap<String, String> = HashMap::new();
        for (i, (vp, v)) in vulns.iter().enumerate() {
            let vuln = self.read_vulnerability(&id, vulns.len(), i, vp, v, &category, &mut cves);
            vulnerabilities.push(vuln);
        }

        self.profile(&category, document, root, tree.is_some(), &vulns, &doc_refs);

        let source = if category == "csaf_vex" {
            AdvisorySource::CsafVex
        } else {
            AdvisorySource::Csaf
        };
        Advisory {
            id,
            source,
            title,
            publisher,
            published,
            modified,
            withdrawn: None,
            vulnerabilities,
            products: std::mem::take(&mut self.products),
            references,
            warnings: std::mem::take(&mut self.r.warnings),
        }
    }

    // ---- product tree ----

    fn read_tree(&mut self, tree: &Obj) {
        let tp = "/product_tree";
        let mut path = Vec::new();
        self.branches(tree, tp, &mut path);
        for (fp, fpn) in self.r.objects(tree, tp, "full_product_names") {
            self.define(&fp, fpn, &[], None);
        }
        let rels = self.r.objects(tree, tp, "relationships");
        for (rp, rel) in &rels {
            let category = self.r.required_str(rel, rp, "category").unwrap_or_default();
            if !category.is_empty() && !RELATIONSHIPS.contains(&category.as_str()) {
                self.r.warn(
                    WarningKind::UnknownValue,
                    child(rp, "category"),
                    format!("unknown relationship category {category:?}"),
                );
            }
            let component = self.r.required_str(rel, rp, "product_reference");
            let platform = self.r.required_str(rel, rp, "relates_to_product_reference");
            let (Some(component), Some(platform)) = (component, platform) else {
                continue;
            };
            let relationship = Relationship {
                category,
                component,
                platform,
            };
            match self.r.obj(rel, rp, "full_product_name") {
                Some(fpn) => {
                    let at = child(rp, "full_product_name");
                    if let Some(pid) = self.define(&at, fpn, &[], Some(relationship.clone())) {
                        self.relations.insert(
                            pid,
                            (
                                relationship.component.clone(),
                                relationship.platform.clone(),
                            ),
                        );
                    }
                }
                None => self.r.warn(
                    WarningKind::Missing,
                    child(rp, "full_product_name"),
                    "a relationship without `full_product_name` defines no product",
                ),
            }
        }
        // CSAF 2.1 draft: product paths (a beginning product and installed_on/… steps) take the
        // place of relationships; read as component = beginning, platform = last step.
        let paths = self.r.objects(tree, tp, "product_paths");
        for (pp, path) in &paths {
            let component = self.r.required_str(path, pp, "beginning_product_reference");
            let steps = self.r.objects(path, pp, "subpaths");
            let first = steps
                .first()
                .and_then(|(sp, s)| self.r.str(s, sp, "category"));
            let last = steps
                .last()
                .and_then(|(sp, s)| self.r.str(s, sp, "next_product_reference"));
            let (Some(component), Some(platform)) = (component, last) else {
                continue;
            };
            let relationship = Relationship {
                category: first.unwrap_or_default(),
                component,
                platform,
            };
            if let Some(fpn) = self.r.obj(path, pp, "full_product_name") {
                let at = child(pp, "full_product_name");
                if let Some(pid) = self.define(&at, fpn, &[], Some(relationship.clone())) {
                    self.relations
                        .insert(pid, (relationship.component, relationship.platform));
                }
            }
        }
        // References are checked once every product is known, since relationships may name
        // products defined after them.
        for (rp, rel) in &rels {
            let mut refs = Vec::new();
            for key in ["product_reference", "relates_to_product_reference"] {
                if let Some(Value::String(pid)) = rel.get(key) {
                    self.check_ref(pid, &child(rp, key));
                    refs.push(pid.as_str());
                }
            }
            self.check_cycle(rp, rel, &refs);
        }
        for (pp, path) in &paths {
            let mut refs = Vec::new();
            if let Some(Value::String(pid)) = path.get("beginning_product_reference") {
                self.check_ref(pid, &child(pp, "beginning_product_reference"));
                refs.push(pid.as_str());
            }
            if let Some(Value::Array(steps)) = path.get("subpaths") {
                for (i, step) in steps.iter().enumerate() {
                    if let Some(pid) = step.get("next_product_reference").and_then(Value::as_str) {
                        let at = child(&index(&child(pp, "subpaths"), i), "next_product_reference");
                        self.check_ref(pid, &at);
                        refs.push(pid);
                    }
                }
            }
            self.check_cycle(pp, path, &refs);
        }
        self.inherit_from_components();

        let mut group_at: HashMap<String, String> = HashMap::new();
        for (gp, group) in self.r.objects(tree, tp, "product_groups") {
            let Some(gid) = self.r.required_str(group, &gp, "group_id") else {
                continue;
            };
            let members = self.r.strings_at(group, &gp, "product_ids");
            for (mp, pid) in &members {
                self.check_ref(pid, mp);
            }
            if let Some(first) = group_at.get(&gid) {
                self.r.warn(
                    WarningKind::DuplicateGroup,
                    child(&gp, "group_id"),
                    format!(
                        "group id {gid:?} is already defined at {first}{}",
                        test_note("6.1.5")
                    ),
                );
                continue;
            }
            group_at.insert(gid.clone(), child(&gp, "group_id"));
            self.groups
                .insert(gid, members.into_iter().map(|(_, p)| p).collect());
        }
    }

    fn branches(&mut self, node: &Obj, ptr: &str, path: &mut Vec<(String, String)>) {
        for (bp, branch) in self.r.objects(node, ptr, "branches") {
            let category = self
                .r
                .required_str(branch, &bp, "category")
                .unwrap_or_default();
            let name = self.r.required_str(branch, &bp, "name").unwrap_or_default();
            if category == "product_version" && is_range(&name) {
                self.r.warn(
                    WarningKind::VersionRangeInVersion,
                    child(&bp, "name"),
                    format!(
                        "product_version {name:?} is a range; read as a version range{}",
                        test_note("6.1.31")
                    ),
                );
            }
            if category == "product_version_range" && !name.trim_start().starts_with("vers:") {
                self.r.warn(
                    WarningKind::RangeWithoutVers,
                    child(&bp, "name"),
                    format!(
                        "product_version_range {name:?} is free text, not a vers: range{}",
                        test_note("6.2.18")
                    ),
                );
            }
            path.push((category, name));
            if let Some(fpn) = self.r.obj(branch, &bp, "product") {
                let at = child(&bp, "product");
                self.define(&at, fpn, path, None);
            }
            self.branches(branch, &bp, path);
            path.pop();
        }
    }

    /// Adds the product of a full_product_name object; returns its id when it is new.
    fn define(
        &mut self,
        ptr: &str,
        fpn: &Obj,
        path: &[(String, String)],
        relationship: Option<Relationship>,
    ) -> Option<String> {
        let pid = self.r.required_str(fpn, ptr, "product_id")?;
        if self.index.contains_key(&pid) {
            self.r.warn(
                WarningKind::DuplicateProduct,
                child(ptr, "product_id"),
                format!(
                    "product id {pid:?} is defined more than once; the first definition is kept{}",
                    test_note("6.1.2")
                ),
            );
            return None;
        }
        let last = |cat: &str| {
            path.iter()
                .rev()
                .find(|(c, _)| c == cat)
                .map(|(_, n)| n.clone())
        };
        let mut product = Product {
            id: pid.clone(),
            vendor: last("vendor"),
            name: last("product_name").or_else(|| last("product_family")),
            version: last("product_version"),
            version_range: last("product_version_range"),
            full_name: self.r.text(fpn, ptr, "name"),
            branch_path: path.to_vec(),
            relationship,
            ..Product::default()
        };
        // A range written as a product_version is kept where the version engine looks for ranges.
        if product.version.as_deref().is_some_and(holds_range) && product.version_range.is_none() {
            product.version_range = product.version.take();
        }
        match self.r.obj(fpn, ptr, "product_identification_helper") {
            Some(helper) => self.helper(
                &child(ptr, "product_identification_helper"),
                helper,
                &mut product,
            ),
            // Relationship products take their component's identifiers.
            None if product.relationship.is_some() => {}
            None => self.r.warn(
                WarningKind::MissingIdentifier,
                ptr,
                format!(
                    "product {pid:?} has no identification helper (purl, CPE, model number, …){}",
                    test_note("6.2.16")
                ),
            ),
        }
        self.index.insert(pid.clone(), self.products.len());
        self.products.push(product);
        Some(pid)
    }

    fn helper(&mut self, hp: &str, helper: &Obj, product: &mut Product) {
        let mut purls = self
            .r
            .str(helper, hp, "purl")
            .into_iter()
            .collect::<Vec<_>>();
        purls.extend(self.r.strings(helper, hp, "purls"));
        for purl in purls {
            if !looks_like_purl(&purl) {
                self.r.warn(
                    WarningKind::BadId,
                    child(hp, "purl"),
                    format!("{purl:?} is not a package URL (pkg:type/name)"),
                );
            }
            push_unique(&mut product.purls, &purl, "");
        }
        if let Some(cpe) = self.r.str(helper, hp, "cpe") {
            if !(cpe.starts_with("cpe:2.3:") || cpe.starts_with("cpe:/")) {
                self.r.warn(
                    WarningKind::BadId,
                    child(hp, "cpe"),
                    format!("{cpe:?} is not a CPE 2.3 or 2.2 name"),
                );
            }
            push_unique(&mut product.cpes, &cpe, "");
        }
        product.model_numbers = self.r.strings(helper, hp, "model_numbers");
        product.skus = self.r.strings(helper, hp, "skus");
        product.serial_numbers = self.r.strings(helper, hp, "serial_numbers");
        product.sbom_urls = self.r.strings(helper, hp, "sbom_urls");
        for (fp, file) in self.r.objects(helper, hp, "hashes") {
            for (hp2, h) in self.r.objects(file, &fp, "file_hashes") {
                let alg = self.r.required_str(h, &hp2, "algorithm");
                let value = self.r.required_str(h, &hp2, "value");
                if let (Some(alg), Some(value)) = (alg, value) {
                    product.hashes.push(format!("{alg}:{value}"));
                }
            }
        }
    }

    /// A relationship whose references lead back to the product it defines (CSAF 2.0 6.1.3).
    fn check_cycle(&mut self, rp: &str, rel: &Obj, refs: &[&str]) {
        let Some(Value::Object(fpn)) = rel.get("full_product_name") else {
            return;
        };
        let Some(Value::String(own)) = fpn.get("product_id") else {
            return;
        };
        let mut seen: HashSet<&str> = HashSet::new();
        let mut todo: Vec<&str> = refs.to_vec();
        while let Some(next) = todo.pop() {
            if next == own {
                self.r.warn(
                    WarningKind::CircularRelationship,
                    child(rp, "full_product_name"),
                    format!(
                        "relationship product {own:?} refers back to itself{}",
                        test_note("6.1.3")
                    ),
                );
                return;
            }
            if !seen.insert(next) {
                continue;
            }
            if let Some((a, b)) = self.relations.get(next) {
                todo.push(a);
                todo.push(b);
            }
        }
    }

    /// Relationship products take vendor, name, version and identifiers from their component
    /// (following chains of relationships), since the component is what a vulnerability is in.
    fn inherit_from_components(&mut self) {
        for i in 0..self.products.len() {
            let mut component = match &self.products[i].relationship {
                Some(rel) => rel.component.clone(),
                None => continue,
            };
            let mut hops = 0;
            let source = loop {
                let Some(&j) = self.index.get(&component) else {
                    break None;
                };
                if j == i || hops > self.products.len() {
                    break None;
                }
                match &self.products[j].relationship {
                    Some(rel) => {
                        component = rel.component.clone();
                        hops += 1;
                    }
                    None => break Some(j),
                }
            };
            let Some(j) = source else { continue };
            let from = self.products[j].clone();
            let p = &mut self.products[i];
            p.vendor = p.vendor.take().or(from.vendor);
            p.name = p.name.take().or(from.name);
            p.version = p.version.take().or(from.version);
            p.version_range = p.version_range.take().or(from.version_range);
            if p.branch_path.is_empty() {
                p.branch_path = from.branch_path;
            }
            for (mine, theirs) in [
                (&mut p.purls, from.purls),
                (&mut p.cpes, from.cpes),
                (&mut p.model_numbers, from.model_numbers),
                (&mut p.skus, from.skus),
            ] {
                if mine.is_empty() {
                    *mine = theirs;
                }
            }
        }
    }

    fn check_ref(&mut self, pid: &str, at: &str) {
        if !self.index.contains_key(pid) {
            self.r.warn(
                WarningKind::UndefinedProduct,
                at,
                format!(
                    "product id {pid:?} is not defined in the product tree{}",
                    test_note("6.1.1")
                ),
            );
        }
    }

    /// Product ids and group ids of an object (`product_ids` + `group_ids`), checked and with
    /// groups expanded. `None` when the object names neither.
    fn targets(&mut self, obj: &Obj, ptr: &str) -> Option<Vec<String>> {
        let named = obj.contains_key("product_ids") || obj.contains_key("group_ids");
        let mut out = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for (at, pid) in self.r.strings_at(obj, ptr, "product_ids") {
            self.check_ref(&pid, &at);
            if seen.insert(pid.clone()) {
                out.push(pid);
            }
        }
        for (at, gid) in self.r.strings_at(obj, ptr, "group_ids") {
            match self.groups.get(&gid) {
                Some(members) => {
                    for m in members {
                        if seen.insert(m.clone()) {
                            out.push(m.clone());
                        }
                    }
                }
                None => self.r.warn(
                    WarningKind::UndefinedGroup,
                    at,
                    format!(
                        "group id {gid:?} is not defined in the product tree{}",
                        test_note("6.1.4")
                    ),
                ),
            }
        }
        named.then_some(out)
    }

    // ---- vulnerabilities ----

    #[allow(clippy::too_many_arguments)]
    fn read_vulnerability(
        &mut self,
        advisory_id: &str,
        count: usize,
        i: usize,
        vp: &str,
        v: &Obj,
        category: &str,
        cves: &mut HashMap<String, String>,
    ) -> Vulnerability {
        let cve = self.r.text(v, vp, "cve").map(|c| c.trim().to_string());
        if let Some(cve) = &cve {
            if !is_cve(cve) {
                self.r.warn(
                    WarningKind::BadId,
                    child(vp, "cve"),
                    format!("{cve:?} is not a CVE id"),
                );
            }
            match cves.get(cve) {
                Some(first) => self.r.warn(
                    WarningKind::DuplicateCve,
                    child(vp, "cve"),
                    format!("{cve} is already used at {first}{}", test_note("6.1.23")),
                ),
                None => {
                    cves.insert(cve.clone(), child(vp, "cve"));
                }
            }
        }
        let mut other_ids = Vec::new();
        for (ip, item) in self.r.objects(v, vp, "ids") {
            if let Some(text) = self.r.required_str(item, &ip, "text") {
                push_unique(&mut other_ids, &text, "");
            }
        }
        let id = match (&cve, other_ids.first()) {
            (Some(cve), _) => cve.clone(),
            (None, Some(first)) => first.clone(),
            (None, None) if count == 1 => advisory_id.to_string(),
            (None, None) => format!("{advisory_id}#{}", i + 1),
        };
        let mut aliases = Vec::new();
        for a in cve.iter().chain(other_ids.iter()) {
            push_unique(&mut aliases, a, &id);
        }
        push_unique(&mut aliases, advisory_id, &id);

        let mut notes: Vec<(String, String)> = Vec::new();
        for (np, note) in self.r.objects(v, vp, "notes") {
            let cat = self.r.str(note, &np, "category").unwrap_or_default();
            if let Some(text) = self.r.text(note, &np, "text") {
                notes.push((cat, text));
            }
        }
        let note = |cat: &str| notes.iter().find(|(c, _)| c == cat).map(|(_, t)| t.clone());
        let summary = note("summary")
            .or_else(|| self.r.text(v, vp, "title"))
            .or_else(|| note("description"))
            .or_else(|| note("details"));
        let published = self.r.date(v, vp, "release_date");

        let mut cwes = Vec::new();
        if let Some(cwe) = self.r.obj(v, vp, "cwe")
            && let Some(id) = self.r.required_str(cwe, &child(vp, "cwe"), "id")
        {
            push_unique(&mut cwes, &id, "");
        }
        for (cp, cwe) in self.r.objects(v, vp, "cwes") {
            if let Some(id) = self.r.required_str(cwe, &cp, "id") {
                push_unique(&mut cwes, &id, "");
            }
        }

        let cvss = self.scores(vp, v);
        let statuses_by_key = self.product_status(vp, v);

        // Flags: justification per product.
        let mut justification: HashMap<String, (String, String)> = HashMap::new();
        for (fp, flag) in self.r.objects(v, vp, "flags") {
            let label = self.r.required_str(flag, &fp, "label").unwrap_or_default();
            if !label.is_empty() && !JUSTIFICATIONS.contains(&label.as_str()) {
                self.r.warn(
                    WarningKind::UnknownValue,
                    child(&fp, "label"),
                    format!("unknown flag label {label:?}"),
                );
            }
            let Some(products) = self.targets(flag, &fp) else {
                self.r.warn(
                    WarningKind::FlagWithoutProduct,
                    fp.clone(),
                    format!("the flag names no product or group{}", test_note("6.1.32")),
                );
                continue;
            };
            for pid in products {
                match justification.get(&pid) {
                    Some((_, first)) => self.r.warn(
                        WarningKind::MultipleJustifications,
                        fp.clone(),
                        format!(
                            "product {pid:?} already has a justification flag at {first}{}",
                            test_note("6.1.33")
                        ),
                    ),
                    None => {
                        justification.insert(pid, (label.clone(), fp.clone()));
                    }
                }
            }
        }

        // Threats: impact statements per product.
        let mut impact: HashMap<String, String> = HashMap::new();
        let mut impact_for_all: Option<String> = None;
        for (tp, threat) in self.r.objects(v, vp, "threats") {
            let cat = self
                .r
                .required_str(threat, &tp, "category")
                .unwrap_or_default();
            if !["exploit_status", "impact", "target_set"].contains(&cat.as_str()) {
                self.r.warn(
                    WarningKind::UnknownValue,
                    child(&tp, "category"),
                    format!("unknown threat category {cat:?}"),
                );
            }
            let details = self.r.text(threat, &tp, "details").unwrap_or_default();
            let products = self.targets(threat, &tp);
            if cat != "impact" {
                continue;
            }
            match products {
                Some(products) => {
                    for pid in products {
                        impact.entry(pid).or_insert_with(|| details.clone());
                    }
                }
                None => impact_for_all = impact_for_all.or(Some(details)),
            }
        }

        // Remediations.
        let mut remediations = Vec::new();
        for (rp, rem) in self.r.objects(v, vp, "remediations") {
            let category = self
                .r
                .required_str(rem, &rp, "category")
                .unwrap_or_default();
            if !category.is_empty() && !REMEDIATIONS.contains(&category.as_str()) {
                self.r.warn(
                    WarningKind::UnknownValue,
                    child(&rp, "category"),
                    format!("unknown remediation category {category:?}"),
                );
            }
            let products = match self.targets(rem, &rp) {
                Some(p) => p,
                None => {
                    self.r.warn(
                        WarningKind::RemediationWithoutProduct,
                        rp.clone(),
                        format!(
                            "the remediation names no product or group{}",
                            test_note("6.1.29")
                        ),
                    );
                    Vec::new()
                }
            };
            remediations.push(Remediation {
                category,
                details: self.r.text(rem, &rp, "details"),
                url: self.r.text(rem, &rp, "url"),
                date: self.r.date(rem, &rp, "date"),
                products,
            });
        }

        // The strongest remedy per product (and for remediations that name none, for all),
        // found once: a VEX may list thousands of products per remediation.
        let rank = |c: &str| {
            REMEDIATIONS
                .iter()
                .position(|x| *x == c)
                .unwrap_or(usize::MAX)
        };
        let mut remedy: HashMap<&str, &str> = HashMap::new();
        let mut remedy_for_all: Option<&str> = None;
        for rem in &remediations {
            let c = rem.category.as_str();
            let better = |old: Option<&str>| old.is_none_or(|o| rank(c) < rank(o));
            if rem.products.is_empty() && better(remedy_for_all) {
                remedy_for_all = Some(c);
            }
            for p in &rem.products {
                if better(remedy.get(p.as_str()).copied()) {
                    remedy.insert(p, c);
                }
            }
        }
        let mut statuses = Vec::new();
        // The other fields follow from the product, so (product, status) identifies a status.
        let mut seen_status: HashSet<(String, Status)> = HashSet::new();
        for (status, pids) in &statuses_by_key {
            for (pp, pid) in pids {
                let named = remedy.get(pid.as_str()).copied();
                let best = match (named, remedy_for_all) {
                    (Some(a), Some(b)) => Some(if rank(b) < rank(a) { b } else { a }),
                    (a, b) => a.or(b),
                };
                let ps = ProductStatus {
                    product: pid.clone(),
                    status: *status,
                    justification: justification.get(pid).map(|(l, _)| l.clone()),
                    impact: impact.get(pid).cloned().or_else(|| impact_for_all.clone()),
                    remediation: best.map(str::to_string),
                };
                if category == "csaf_vex" {
                    self.vex_statements(&ps, pp, named.is_some());
                }
                if seen_status.insert((ps.product.clone(), ps.status)) {
                    statuses.push(ps);
                }
            }
        }

        Vulnerability {
            id,
            aliases,
            summary,
            published,
            cvss,
            cwes,
            statuses,
            affected: Vec::new(),
            remediations,
        }
    }

    /// CSAF VEX needs an impact statement for every not-affected product (6.1.27.9) and an
    /// action statement for every affected one (6.1.27.10).
    fn vex_statements(&mut self, ps: &ProductStatus, at: &str, covered: bool) {
        if ps.status == Status::NotAffected && ps.justification.is_none() && ps.impact.is_none() {
            self.r.warn(
                WarningKind::ProfileViolation,
                at,
                format!(
                    "not-affected product {:?} has no impact statement (flag or impact threat){}",
                    ps.product,
                    test_note("6.1.27.9")
                ),
            );
        }
        if ps.status == Status::Affected && !covered {
            self.r.warn(
                WarningKind::ProfileViolation,
                at,
                format!(
                    "affected product {:?} has no action statement (remediation){}",
                    ps.product,
                    test_note("6.1.27.10")
                ),
            );
        }
    }

    /// `product_status` as (status, [(pointer, product id)]), with undefined products and
    /// contradictions (6.1.1, 6.1.6) reported.
    fn product_status(&mut self, vp: &str, v: &Obj) -> Vec<(Status, Vec<(String, String)>)> {
        let mut out = Vec::new();
        let Some(ps) = self.r.obj(v, vp, "product_status") else {
            return out;
        };
        let pp = child(vp, "product_status");
        // Status group per product, for contradictions: the four groups of CSAF 6.1.6.
        let mut group_of: HashMap<String, (&'static str, String)> = HashMap::new();
        // Key order, whatever order the JSON map keeps, so warnings come out the same way.
        let mut keys: Vec<&String> = ps.keys().collect();
        keys.sort_unstable();
        for key in keys {
            let Some(status) = Status::from_csaf_key(key) else {
                self.r.warn(
                    WarningKind::UnknownValue,
                    child(&pp, key),
                    format!("unknown product status {key:?}; ignored"),
                );
                continue;
            };
            let group = match status {
                Status::Affected | Status::FirstAffected | Status::LastAffected => "affected",
                Status::NotAffected => "not affected",
                Status::Fixed | Status::FirstFixed => "fixed",
                Status::UnderInvestigation => "under investigation",
                Status::Recommended => "",
            };
            let ids = self.r.strings_at(ps, &pp, key);
            for (at, pid) in &ids {
                self.check_ref(pid, at);
                if group.is_empty() {
                    continue;
                }
                match group_of.get(pid) {
                    Some((g, first)) if *g != group => {
                        let msg = format!(
                            "product {pid:?} is {group} here but {g} at {first}{}",
                            test_note("6.1.6")
                        );
                        self.r
                            .warn(WarningKind::ContradictingStatus, at.clone(), msg);
                    }
                    Some(_) => {}
                    None => {
                        group_of.insert(pid.clone(), (group, at.clone()));
                    }
                }
            }
            out.push((status, ids));
        }
        out
    }

    /// `scores` (2.0) and `metrics` (2.1).
    fn scores(&mut self, vp: &str, v: &Obj) -> Vec<Cvss> {
        let mut out: Vec<Cvss> = Vec::new();
        // (product, CVSS version) → pointer of the first score, for 6.1.7.
        let mut seen: HashMap<(String, String), String> = HashMap::new();
        let mut entries = Vec::new();
        for (sp, score) in self.r.objects(v, vp, "scores") {
            for key in ["cvss_v2", "cvss_v3", "cvss_v4"] {
                if let Some(obj) = self.r.obj(score, &sp, key) {
                    entries.push((sp.clone(), score, child(&sp, key), obj, key));
                }
            }
        }
        for (mp, metric) in self.r.objects(v, vp, "metrics") {
            if let Some(content) = self.r.obj(metric, &mp, "content") {
                let cp = child(&mp, "content");
                for key in ["cvss_v2", "cvss_v3", "cvss_v4"] {
                    if let Some(obj) = self.r.obj(content, &cp, key) {
                        entries.push((mp.clone(), metric, child(&cp, key), obj, key));
                    }
                }
            }
        }
        for (sp, holder, cp, obj, key) in entries {
            let products = self.r.strings_at(holder, &sp, "products");
            if products.is_empty() && !holder.contains_key("products") {
                self.r.warn(
                    WarningKind::Missing,
                    child(&sp, "products"),
                    "a score without `products`",
                );
            }
            for (at, pid) in &products {
                self.check_ref(pid, at);
            }
            let Some(cvss) = cvss_object(&mut self.r, obj, &cp, key, None) else {
                continue;
            };
            for (_, pid) in &products {
                let k = (pid.clone(), cvss.version.clone());
                match seen.get(&k) {
                    Some(first) => self.r.warn(
                        WarningKind::DuplicateScore,
                        cp.clone(),
                        format!(
                            "product {pid:?} already has a CVSS {} score at {first}{}",
                            cvss.version,
                            test_note("6.1.7")
                        ),
                    ),
                    None => {
                        seen.insert(k, cp.clone());
                    }
                }
            }
            out.push(Cvss {
                products: products.into_iter().map(|(_, p)| p).collect(),
                ..cvss
            });
        }
        out
    }

    // ---- profiles (6.1.27.x) ----

    fn profile(
        &mut self,
        category: &str,
        document: &Obj,
        root: &Obj,
        has_tree: bool,
        vulns: &[(String, &Obj)],
        doc_refs: &[(String, &Obj)],
    ) {
        let violation = |r: &mut Reader, at: &str, what: &str, test: &str| {
            r.warn(
                WarningKind::ProfileViolation,
                at,
                format!("a {category} document {what}{}", test_note(test)),
            );
        };
        match category {
            "csaf_informational_advisory" | "csaf_security_incident_response" => {
                let has_note =
                    self.r
                        .objects(document, "/document", "notes")
                        .iter()
                        .any(|(_, n)| {
                            matches!(
                                n.get("category").and_then(Value::as_str),
                                Some("description" | "details" | "general" | "summary")
                            )
                        });
                if !has_note {
                    violation(
                        &mut self.r,
                        "/document/notes",
                        "needs a note of category description, details, general or summary",
                        "6.1.27.1",
                    );
                }
                let has_external = doc_refs
                    .iter()
                    .any(|(_, r)| r.get("category").and_then(Value::as_str) == Some("external"));
                if !has_external {
                    violation(
                        &mut self.r,
                        "/document/references",
                        "needs an external reference",
                        "6.1.27.2",
                    );
                }
                if category == "csaf_informational_advisory" && root.contains_key("vulnerabilities")
                {
                    violation(
                        &mut self.r,
                        "/vulnerabilities",
                        "must not have vulnerabilities",
                        "6.1.27.3",
                    );
                }
            }
            "csaf_security_advisory" | "csaf_vex" => {
                if !has_tree {
                    violation(
                        &mut self.r,
                        "/product_tree",
                        "needs a product tree",
                        "6.1.27.4",
                    );
                }
                if !root.contains_key("vulnerabilities") {
                    violation(
                        &mut self.r,
                        "/vulnerabilities",
                        "needs vulnerabilities",
                        "6.1.27.11",
                    );
                }
                for (vp, v) in vulns {
                    if !v.contains_key("notes") {
                        violation(
                            &mut self.r,
                            &child(vp, "notes"),
                            "needs notes on every vulnerability",
                            "6.1.27.5",
                        );
                    }
                    if category == "csaf_security_advisory" && !v.contains_key("product_status") {
                        violation(
                            &mut self.r,
                            &child(vp, "product_status"),
                            "needs a product status on every vulnerability",
                            "6.1.27.6",
                        );
                    }
                    if category == "csaf_vex" {
                        let ps = v.get("product_status").and_then(Value::as_object);
                        let has = ps.is_some_and(|ps| {
                            [
                                "fixed",
                                "known_affected",
                                "known_not_affected",
                                "under_investigation",
                            ]
                            .iter()
                            .any(|k| ps.contains_key(*k))
                        });
                        if !has {
                            violation(
                                &mut self.r,
                                &child(vp, "product_status"),
                                "needs fixed, known_affected, known_not_affected or under_investigation products",
                                "6.1.27.7",
                            );
                        }
                        if !v.contains_key("cve") && !v.contains_key("ids") {
                            violation(
                                &mut self.r,
                                vp,
                                "needs a cve or ids on every vulnerability",
                                "6.1.27.8",
                            );
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// Reads a CVSS JSON object (`cvss_v2`, `cvss_v3`, `cvss_v4` of CSAF; `cvssData` of NVD;
/// `cvssV3_1` … of CVE 5), checking what the FIRST schemas require (6.1.8), the stated score
/// and severity against the vector (6.1.9) and the metric fields against the vector (6.1.10).
pub(crate) fn cvss_object(
    r: &mut Reader,
    obj: &Obj,
    ptr: &str,
    key: &str,
    source: Option<String>,
) -> Option<Cvss> {
    let Some(vector) = r.text(obj, ptr, "vectorString") else {
        r.warn(
            WarningKind::BadCvss,
            child(ptr, "vectorString"),
            format!(
                "a CVSS object without `vectorString` is ignored{}",
                test_note("6.1.8")
            ),
        );
        return None;
    };
    let stated_version = r.str(obj, ptr, "version");
    let stated_score = r.number(obj, ptr, "baseScore");
    let stated_severity = r.str(obj, ptr, "baseSeverity");
    let mut required = vec!["version", "baseScore"];
    if key != "cvss_v2" && key != "cvssV2_0" {
        required.push("baseSeverity");
    }
    for field in required {
        if !obj.contains_key(field) {
            r.warn(
                WarningKind::BadCvss,
                child(ptr, field),
                format!("the CVSS object lacks `{field}`{}", test_note("6.1.8")),
            );
        }
    }
    let parsed = match cvss_vector::parse(&vector) {
        Ok(v) => v,
        Err(e) => {
            r.warn(
                WarningKind::BadCvss,
                child(ptr, "vectorString"),
                format!("{vector:?}: {e}{}", test_note("6.1.8")),
            );
            return Some(Cvss {
                version: stated_version.unwrap_or_default(),
                vector,
                score: stated_score,
                source,
                products: Vec::new(),
            });
        }
    };
    if let Some(sv) = &stated_version
        && sv != parsed.version
    {
        r.warn(
            WarningKind::BadCvss,
            child(ptr, "version"),
            format!(
                "version {sv:?} but the vector is CVSS {}{}",
                parsed.version,
                test_note("6.1.8")
            ),
        );
    }
    let expected_family = match key {
        "cvss_v2" | "cvssV2_0" => Some("2"),
        "cvss_v3" | "cvssV3_0" | "cvssV3_1" => Some("3"),
        "cvss_v4" | "cvssV4_0" => Some("4"),
        _ => None,
    };
    if let Some(f) = expected_family
        && !parsed.version.starts_with(f)
    {
        r.warn(
            WarningKind::BadCvss,
            child(ptr, "vectorString"),
            format!(
                "a CVSS {} vector under `{key}`{}",
                parsed.version,
                test_note("6.1.8")
            ),
        );
    }
    if let Some(stated) = stated_score
        && parsed.base_only()
        && (stated - parsed.score).abs() > 0.05
    {
        r.warn(
            WarningKind::CvssScoreMismatch,
            child(ptr, "baseScore"),
            format!(
                "base score {stated} but {vector} computes {}{}",
                parsed.score,
                test_note("6.1.9")
            ),
        );
    }
    if let Some(sev) = &stated_severity {
        let score = stated_score.unwrap_or(parsed.score);
        let want = cvss_vector::severity(parsed.version, score);
        if !sev.eq_ignore_ascii_case(want) && parsed.version != "2.0" {
            r.warn(
                WarningKind::CvssScoreMismatch,
                child(ptr, "baseSeverity"),
                format!(
                    "severity {sev} but a score of {score} is {want}{}",
                    test_note("6.1.9")
                ),
            );
        }
    }
    for (prop, metric, values) in cvss_vector::json_properties(parsed.version) {
        let Some(Value::String(given)) = obj.get(*prop) else {
            continue;
        };
        let in_vector = parsed.metric(metric).unwrap_or("X");
        let want = values
            .iter()
            .find(|(abbr, _)| *abbr == in_vector)
            .map(|(_, long)| *long)
            .unwrap_or("NOT_DEFINED");
        if given != want {
            r.warn(
                WarningKind::CvssInconsistent,
                child(ptr, prop),
                format!(
                    "{prop} is {given} but the vector says {metric}:{in_vector}{}",
                    test_note("6.1.10")
                ),
            );
        }
    }
    Some(Cvss {
        version: parsed.version.to_string(),
        vector: parsed.text,
        score: Some(stated_score.unwrap_or(parsed.score)),
        source,
        products: Vec::new(),
    })
}

/// Whether a version string is a range by CSAF 2.0 test 6.1.31: a comparison operator, or one of
/// the range words as a blank-separated word (as the BSI validator reads the test, so that
/// `vers:all/*`, which it accepts, does not fail it).
pub(crate) fn is_range(name: &str) -> bool {
    if name.contains('<') || name.contains('>') {
        return true;
    }
    name.split_whitespace()
        .any(|w| RANGE_WORDS.iter().any(|r| w.eq_ignore_ascii_case(r)))
}

/// Whether a `product_version` holds a range all the same: a 6.1.31 range or a `vers:` string
/// (CISA writes `vers:all/*` there). Such a value is moved to `version_range`.
fn holds_range(name: &str) -> bool {
    is_range(name) || name.trim_start().starts_with("vers:")
}

/// `pkg:type/…name` with a type and a non-empty name (enough to catch CSAF 6.1.13's example).
fn looks_like_purl(purl: &str) -> bool {
    let Some(rest) = purl.strip_prefix("pkg:") else {
        return false;
    };
    let rest = rest.trim_start_matches('/');
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let Some((ty, path)) = rest.split_once('/') else {
        return false;
    };
    let name = path.rsplit('/').next().unwrap_or_default();
    let name = name.split('@').next().unwrap_or_default();
    !ty.is_empty()
        && ty.starts_with(|c: char| c.is_ascii_alphabetic())
        && ty
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".+-".contains(c))
        && !name.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_words() {
        for r in [
            "<= 4.1",
            "prior to 4.2",
            "4.1 and earlier",
            "all",
            "3.X versions",
            ">4",
        ] {
            assert!(is_range(r), "{r}");
        }
        for v in [
            "4.1",
            "12.1.3",
            "Firmware 2.0 build 7",
            "allegro-1",
            "vers:all/*",
        ] {
            assert!(!is_range(v), "{v}");
        }
        assert!(holds_range("vers:all/*"));
        assert!(!holds_range("12.1.3"));
    }

    #[test]
    fn purls() {
        assert!(looks_like_purl("pkg:maven/org.apache/log4j@1.2"));
        assert!(looks_like_purl("pkg:cargo/tough"));
        assert!(!looks_like_purl("pkg:maven/@1.3.4"));
        assert!(!looks_like_purl("maven/x"));
        assert!(!looks_like_purl("pkg:/x"));
    }

    #[test]
    fn pointers_escape() {
        assert_eq!(index(&child("/a", "b/c~d"), 2), "/a/b~1c~0d/2");
    }
}
