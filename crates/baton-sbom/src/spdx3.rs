//! SPDX 3.0 JSON-LD, in the compact form SPDX publishes (`@context` + `@graph`).
//!
//! Rules Baton follows where SPDX leaves room (the SPDX 2 rules in [`crate::spdx`] apply where
//! the two overlap):
//! - **Elements.** Everything in `@graph`, plus elements written inline where a reference could
//!   be, indexed by `spdxId` (or `@id`). Types may be compact (`software_Package`), prefixed
//!   (`spdx:software_Package`) or full IRIs (`…/terms/Software/Package`); vocabulary values
//!   (`…/RelationshipType/dependsOn`) are read by their last segment.
//! - **Components.** Every `software_Package`, including its subclasses `ai_AIPackage` and
//!   `dataset_DatasetPackage` (spdx-python-model counts them as packages too). Supplier: the
//!   `suppliedBy` agent's name. `originatedBy`: persons' names go to `author`, other agents' to
//!   `manufacturer` (joined with ", " when several). purl: `software_packageUrl`, else an
//!   `externalIdentifier` of type `packageUrl`; CPEs: types `cpe22`/`cpe23`; SWID: type `swid`.
//!   Hashes: `verifiedUsing` entries of type `Hash` (not `PackageVerificationCode`). Licenses:
//!   `hasConcludedLicense` then `hasDeclaredLicense` relationships, as the expression text of a
//!   `simplelicensing_LicenseExpression`, a listed license's id, or a custom license's name.
//!   Kind: `software_primaryPurpose` in kebab case (`operatingSystem` → `operating-system`).
//! - **FDA fields.** `supportLevel` (SPDX 3's own support type, as written) is the level of
//!   support and `validUntilTime` the end of support, unless an `Annotation` on the package says
//!   otherwise in the same `cdx:fda:…` / `Level of Support:` / `End-of-Support:` forms as SPDX 2.
//! - **Dependencies.** `dependsOn`, `contains`, `hasDynamicLink`, `hasStaticLink`,
//!   `hasPrerequisite`, `hasOptionalComponent`, `hasOptionalDependency`,
//!   `hasProvidedDependency` (also as `LifecycleScopedRelationship`), from a package or the
//!   subject to packages or to elements the document imports (`import` / `ExternalMap`). A
//!   `to` naming nothing known is dropped with a warning; files are not components, so edges to
//!   them are dropped. A dependency relationship with an empty `to` and `completeness: complete`
//!   records that the element has no dependencies.
//! - **Document.** The first `SpdxDocument`: its `spdxId` is the serial number, its name the
//!   name, its `creationInfo` (else the first `CreationInfo`) gives `specVersion`, `created` and
//!   `createdBy` (`Person: name` / `Organization: name` / the name as authors; software agents
//!   are tools) and `createdUsing` (tools). Without a `specVersion`, the version in the
//!   `@context` URL is used, with a warning.
//! - **Subject.** Follow `rootElement` from the document through `software_Sbom`/`Bom`/`Bundle`
//!   elements and `describes` relationships to the first package; if the root is a file, the file
//!   is the subject (not a component); if nothing is described and there is exactly one package,
//!   that package, with a warning.

use crate::spdx::common::{self, Notes, asserted};
use crate::spdx::tree::{self, Loc, Node, Style, Value};
use crate::{CompactString, Component, Parsed, Sbom, SbomError, SbomFormat};
use std::collections::{HashMap, HashSet};

const DEPENDENCY_TYPES: &[&str] = &[
    "dependsOn",
    "contains",
    "hasDynamicLink",
    "hasStaticLink",
    "hasPrerequisite",
    "hasOptionalComponent",
    "hasOptionalDependency",
    "hasProvidedDependency",
];

struct Element<'n> {
    node: &'n Node,
    loc: Loc,
    id: Option<String>,
    ty: String,
}

struct Graph<'n> {
    elements: Vec<Element<'n>>,
    by_id: HashMap<String, usize>,
}

impl<'n> Graph<'n> {
    fn get(&self, id: &str) -> Option<&Element<'n>> {
        self.by_id.get(id).map(|&i| &self.elements[i])
    }

    /// What a reference value points at: an id looked up, or an element written inline.
    fn resolve<'g>(&'g self, value: &'n Node) -> Resolved<'g, 'n> {
        match &value.value {
            Value::Text(id) => match self.get(id) {
                Some(e) => Resolved::Element(e),
                None => Resolved::Unknown(id.clone()),
            },
            Value::Map(_) => match element_id(value).and_then(|id| self.get(&id)) {
                Some(e) => Resolved::Element(e),
                None => Resolved::Inline(value),
            },
            _ => Resolved::Nothing,
        }
    }
}

enum Resolved<'g, 'n> {
    Element(&'g Element<'n>),
    Inline(&'n Node),
    Unknown(String),
    Nothing,
}

impl<'n> Resolved<'_, 'n> {
    fn node(&self) -> Option<&'n Node> {
        match self {
            Resolved::Element(e) => Some(e.node),
            Resolved::Inline(n) => Some(n),
            _ => None,
        }
    }

    fn id(&self) -> Option<String> {
        match self {
            Resolved::Element(e) => e.id.clone(),
            Resolved::Inline(n) => element_id(n),
            Resolved::Unknown(id) => Some(id.clone()),
            Resolved::Nothing => None,
        }
    }
}

fn element_id(n: &Node) -> Option<String> {
    n.get("spdxId")
        .or_else(|| n.get("@id"))
        .and_then(Node::as_str)
        .map(str::to_string)
}

/// The compact type name: `software_Package` from any of its spellings.
fn type_name(n: &Node) -> Option<String> {
    let t = n.get("type").or_else(|| n.get("@type"))?;
    let raw = match &t.value {
        Value::Text(s) => s.as_str(),
        Value::List(items) => items.iter().find_map(Node::as_str)?,
        _ => return None,
    };
    Some(compact_type(raw))
}

fn compact_type(raw: &str) -> String {
    if let Some((_, rest)) = raw.split_once("/terms/") {
        return match rest.split_once('/') {
            Some(("Core", name)) => name.to_string(),
            Some((ns, name)) => format!("{}_{name}", ns.to_ascii_lowercase()),
            None => rest.to_string(),
        };
    }
    if !raw.contains("://")
        && let Some((_, name)) = raw.split_once(':')
    {
        return name.to_string();
    }
    raw.to_string()
}

/// A vocabulary value by its last segment (`…/RelationshipType/dependsOn` → `dependsOn`).
fn vocab(s: &str) -> &str {
    let s = s.trim();
    s.rsplit(['/', '#']).next().unwrap_or(s)
}

fn is_package(ty: &str) -> bool {
    matches!(
        ty,
        "software_Package" | "ai_AIPackage" | "dataset_DatasetPackage"
    )
}

fn is_file(ty: &str) -> bool {
    ty == "software_File"
}

fn is_collection(ty: &str) -> bool {
    matches!(
        ty,
        "SpdxDocument" | "software_Sbom" | "Bom" | "Bundle" | "ai_AIPackage_Bom"
    )
}

fn is_relationship(ty: &str) -> bool {
    ty.ends_with("Relationship")
}

/// Registers `n` and any element written inline inside it.
fn collect<'n>(n: &'n Node, loc: Loc, top: bool, g: &mut Graph<'n>, notes: &mut Notes) {
    if let Some(ty) = type_name(n) {
        let id = element_id(n);
        let mut fresh = true;
        if let Some(id) = &id
            && let Some(&first) = g.by_id.get(id)
        {
            fresh = false;
            if top {
                notes.warn(
                    &loc,
                    format!(
                        "spdxId {id} is used again (first at {}); the first is used",
                        g.elements[first].loc.render()
                    ),
                );
            }
        }
        if fresh && (top || id.is_some()) {
            if let Some(id) = &id {
                g.by_id.insert(id.clone(), g.elements.len());
            }
            g.elements.push(Element {
                node: n,
                loc: loc.clone(),
                id,
                ty,
            });
        }
    }
    match &n.value {
        Value::Map(entries) => {
            for (k, v) in entries {
                if matches!(v.value, Value::Map(_) | Value::List(_)) {
                    collect(v, loc.key(k, None), false, g, notes);
                }
            }
        }
        Value::List(items) => {
            for (i, v) in items.iter().enumerate() {
                if matches!(v.value, Value::Map(_) | Value::List(_)) {
                    collect(v, loc.index(i, None), false, g, notes);
                }
            }
        }
        _ => {}
    }
}

pub fn parse_jsonld(file: &str, text: &str) -> Result<Parsed, SbomError> {
    let root = tree::read_json(text).map_err(|(place, message)| SbomError {
        location: format!("{file}: {place}"),
        message,
    })?;
    let mut notes = Notes::default();
    let top = Loc::root(Style::Pointer);
    let err = |message: String| SbomError {
        location: file.to_string(),
        message,
    };

    let context = match &root.value {
        Value::Map(_) => root.get("@context").map(context_text).unwrap_or_default(),
        _ => String::new(),
    };
    let (items, graph_loc): (&[Node], Loc) = match &root.value {
        Value::Map(_) => match root.get("@graph") {
            Some(g) => match g.as_list() {
                Some(items) => (items, top.key("@graph", None)),
                None => return Err(err(format!("@graph should be a list but is {}", g.kind()))),
            },
            None if type_name(&root).is_some() => (std::slice::from_ref(&root), top.clone()),
            None => return Err(err("not SPDX 3 JSON-LD: no @graph and no element".into())),
        },
        Value::List(items) => (items.as_slice(), top.clone()),
        _ => {
            return Err(err(format!(
                "the document is {}, not SPDX 3 JSON-LD",
                root.kind()
            )));
        }
    };

    let mut g = Graph {
        elements: Vec::new(),
        by_id: HashMap::new(),
    };
    for (i, item) in items.iter().enumerate() {
        let loc = graph_loc.index(i, None);
        if type_name(item).is_none() {
            notes.warn(&loc, "graph item without a type; ignored");
            continue;
        }
        collect(item, loc, true, &mut g, &mut notes);
    }
    let spdx_types = g.elements.iter().any(|e| {
        is_package(&e.ty)
            || is_file(&e.ty)
            || is_relationship(&e.ty)
            || matches!(e.ty.as_str(), "SpdxDocument" | "CreationInfo")
    });
    if !context.contains("spdx.org/rdf/3") && !spdx_types {
        return Err(err(
            "not SPDX 3 JSON-LD: no SPDX @context and no SPDX element".into(),
        ));
    }
    if root.get("@context").is_none() {
        notes.warn(&top, "no @context; read as SPDX 3.0.1 compact JSON-LD");
    }

    // Document and creation info.
    let docs: Vec<&Element> = g
        .elements
        .iter()
        .filter(|e| e.ty == "SpdxDocument")
        .collect();
    if docs.len() > 1 {
        notes.warn(
            &docs[1].loc,
            format!("{} SpdxDocument elements; the first is read", docs.len()),
        );
    }
    let doc = docs.first().copied();
    if doc.is_none() {
        notes.warn(&top, "no SpdxDocument element");
    }
    let ci = doc
        .and_then(|d| d.node.get("creationInfo"))
        .and_then(|c| g.resolve(c).node())
        .or_else(|| {
            g.elements
                .iter()
                .find(|e| e.ty == "CreationInfo")
                .map(|e| e.node)
        });
    let ci_loc = ci
        .and_then(|c| element_id(c).and_then(|id| g.get(&id).map(|e| e.loc.clone())))
        .unwrap_or_else(|| top.clone());
    let mut spec_version = String::new();
    let mut timestamp = None;
    let mut authors = Vec::new();
    let mut tools = Vec::new();
    match ci {
        Some(ci) => {
            let n = ci.get("specVersion");
            spec_version = notes
                .text(n, &ci_loc.key("specVersion", n), "specVersion")
                .unwrap_or_default()
                .trim()
                .to_string();
            let n = ci.get("created");
            let loc = ci_loc.key("created", n);
            match notes.text(n, &loc, "created") {
                Some(s) => timestamp = common::timestamp(s, &loc, &mut notes),
                None => notes.warn(&ci_loc, "creation info without created"),
            }
            let by = ci.get("createdBy");
            let by_loc = ci_loc.key("createdBy", by);
            for (i, a) in notes.list(by, &by_loc, "createdBy").iter().enumerate() {
                let r = g.resolve(a);
                match (r.node(), type_name_of(&r)) {
                    (Some(n), Some(ty)) => {
                        let name = n
                            .get("name")
                            .and_then(Node::as_str)
                            .map(str::to_string)
                            .or_else(|| r.id())
                            .unwrap_or_default();
                        match ty.as_str() {
                            "Person" => authors.push(format!("Person: {name}")),
                            "Organization" => authors.push(format!("Organization: {name}")),
                            "SoftwareAgent" | "Tool" => tools.push(name),
                            _ => authors.push(name),
                        }
                    }
                    _ => {
                        let id = r.id().unwrap_or_default();
                        notes.warn(
                            &by_loc.index(i, None),
                            format!(
                                "createdBy {id} is not an element of this document; kept as written"
                            ),
                        );
                        authors.push(id);
                    }
                }
            }
            let using = ci.get("createdUsing");
            let using_loc = ci_loc.key("createdUsing", using);
            for (i, t) in notes
                .list(using, &using_loc, "createdUsing")
                .iter()
                .enumerate()
            {
                let r = g.resolve(t);
                match r.node().and_then(|n| n.get("name")).and_then(Node::as_str) {
                    Some(name) => tools.push(name.to_string()),
                    None => {
                        let id = r.id().unwrap_or_default();
                        notes.warn(&using_loc.index(i, None), format!("createdUsing {id} is not a named tool of this document; kept as written"));
                        tools.push(id);
                    }
                }
            }
        }
        None => notes.warn(&top, "no CreationInfo"),
    }
    if spec_version.is_empty() {
        match context_version(&context) {
            Some(v) => {
                notes.warn(
                    &ci_loc,
                    format!("no specVersion; {v} taken from the @context"),
                );
                spec_version = v;
            }
            None => notes.warn(&ci_loc, "no specVersion"),
        }
    } else if !spec_version.starts_with("3.") {
        notes.warn(
            &ci_loc.key("specVersion", None),
            format!("specVersion {spec_version} is not 3.x; read as SPDX 3"),
        );
    }

    // Imported (external) ids may be dependency targets.
    let mut imported: HashSet<String> = HashSet::new();
    if let Some(d) = doc {
        for m in d.node.get("import").and_then(Node::as_list).unwrap_or(&[]) {
            if let Some(id) = m.get("externalSpdxId").and_then(Node::as_str) {
                imported.insert(id.to_string());
            }
        }
    }

    // Relationships: licenses, describes, dependencies; annotations.
    let mut licenses: HashMap<String, (Vec<String>, Vec<String>)> = HashMap::new();
    let mut describes: HashMap<String, Vec<String>> = HashMap::new();
    let mut edges: Vec<(String, Vec<String>, bool, Loc)> = Vec::new();
    let mut annotations: HashMap<String, Vec<(&Node, Loc)>> = HashMap::new();
    for e in &g.elements {
        if e.ty == "Annotation" {
            if let Some(subject) = e
                .node
                .get("subject")
                .map(|s| g.resolve(s))
                .and_then(|r| r.id())
            {
                annotations
                    .entry(subject)
                    .or_default()
                    .push((e.node, e.loc.clone()));
            }
            continue;
        }
        if !is_relationship(&e.ty) {
            continue;
        }
        let kind = match e.node.get("relationshipType").and_then(Node::as_str) {
            Some(k) => vocab(k).to_string(),
            None => {
                notes.warn(&e.loc, "relationship without relationshipType; ignored");
                continue;
            }
        };
        let Some(from) = e
            .node
            .get("from")
            .map(|f| g.resolve(f))
            .and_then(|r| r.id())
        else {
            notes.warn(&e.loc, "relationship without from; ignored");
            continue;
        };
        let to_node = e.node.get("to");
        let to_loc = e.loc.key("to", to_node);
        let to: Vec<String> = notes
            .list(to_node, &to_loc, "to")
            .iter()
            .filter_map(|t| g.resolve(t).id())
            .collect();
        match kind.as_str() {
            "hasConcludedLicense" | "hasDeclaredLicense" => {
                let texts: Vec<String> = notes
                    .list(to_node, &to_loc, "to")
                    .iter()
                    .filter_map(|t| license_text(&g.resolve(t)))
                    .collect();
                let slot = licenses.entry(from).or_default();
                if kind == "hasConcludedLicense" {
                    slot.0.extend(texts)
                } else {
                    slot.1.extend(texts)
                }
            }
            "describes" => describes.entry(from).or_default().extend(to),
            k if DEPENDENCY_TYPES.contains(&k) => {
                let complete = e.node.get("completeness").and_then(Node::as_str).map(vocab)
                    == Some("complete");
                edges.push((from, to, complete, e.loc.clone()));
            }
            _ => {}
        }
    }

    // Components.
    let mut components = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for e in g.elements.iter().filter(|e| is_package(&e.ty)) {
        let mut c = package(e, &g, &mut notes);
        if let Some((concluded, declared)) = e.id.as_ref().and_then(|id| licenses.get(id)) {
            for l in concluded.iter().chain(declared) {
                if !c.licenses.iter().any(|x| x == l) {
                    c.licenses.push(l.into());
                }
            }
        }
        for (a, aloc) in
            e.id.as_ref()
                .and_then(|id| annotations.get(id))
                .map(Vec::as_slice)
                .unwrap_or(&[])
        {
            let n = a.get("statement");
            let sloc = aloc.key("statement", n);
            if let Some(s) = notes.text(n, &sloc, "statement") {
                c.properties.push(("spdx:annotation".into(), s.to_string()));
                common::apply_fda(&mut c, s, &sloc, &mut notes);
            }
        }
        if c.support_level.is_none() {
            c.support_level = support_level(e.node).map(Into::into);
        }
        if c.end_of_support.is_none() {
            let n = e.node.get("validUntilTime");
            let vloc = e.loc.key("validUntilTime", n);
            if let Some(v) = notes
                .text(n, &vloc, "validUntilTime")
                .and_then(|v| asserted(Some(v)))
            {
                c.end_of_support =
                    Some(common::support_date(v, &vloc, "validUntilTime", &mut notes));
            }
        }
        seen.insert(c.reference.to_string());
        components.push(c);
    }

    // Subject.
    let mut roots: Vec<String> = Vec::new();
    match doc {
        Some(d) => roots.extend(ids(d.node.get("rootElement"), &g)),
        None => {
            for e in g.elements.iter().filter(|e| is_collection(&e.ty)) {
                roots.extend(ids(e.node.get("rootElement"), &g));
            }
        }
    }
    if let Some(d) = doc.and_then(|d| d.id.as_ref()) {
        roots.extend(describes.get(d).cloned().unwrap_or_default());
    }
    let mut subject: Option<Component> = None;
    let mut subject_file: Option<&Element> = None;
    let mut visited: HashSet<String> = HashSet::new();
    let mut queue: std::collections::VecDeque<String> = roots.into();
    let mut described_packages = Vec::new();
    while let Some(id) = queue.pop_front() {
        if !visited.insert(id.clone()) {
            continue;
        }
        match g.get(&id) {
            Some(e) if is_package(&e.ty) => described_packages.push(id.clone()),
            Some(e) if is_file(&e.ty) => {
                subject_file = subject_file.or(Some(e));
            }
            Some(e) if is_collection(&e.ty) => {
                queue.extend(ids(e.node.get("rootElement"), &g));
                queue.extend(describes.get(&id).cloned().unwrap_or_default());
            }
            _ => {}
        }
    }
    if let Some(first) = described_packages.first() {
        if described_packages.len() > 1 {
            notes.warn(
                &top,
                format!(
                    "the document describes {} packages; the subject is the first, {first}",
                    described_packages.len()
                ),
            );
        }
        subject = components.iter().find(|c| c.reference == first).cloned();
    } else if let Some(f) = subject_file {
        subject = Some(file_component(f, &mut notes));
    } else if components.len() == 1 {
        notes.warn(
            &top,
            "the document describes no package; its only package is taken as the subject",
        );
        subject = components.first().cloned();
    } else {
        notes.warn(
            &top,
            "the document describes no package, so the SBOM has no subject",
        );
    }
    let subject_ref = subject.as_ref().map(|s| s.reference.clone());

    // Dependencies.
    let mut deps = common::Deps::default();
    for (from, to, complete, loc) in edges {
        if !(seen.contains(&from) || subject_ref.as_deref() == Some(from.as_str())) {
            continue;
        }
        let mut kept = Vec::new();
        for t in to {
            if seen.contains(&t) || imported.contains(&t) {
                kept.push(t);
            } else if g.get(&t).is_none() && !is_individual(&t) {
                notes.warn(
                    &loc,
                    format!(
                        "{t} is not an element of this document nor imported; dependency ignored"
                    ),
                );
            }
        }
        if kept.is_empty() && !complete {
            continue;
        }
        deps.from(&from);
        for t in kept {
            deps.edge(&from, t);
        }
    }

    let (serial_number, name) = match doc {
        Some(d) => (
            d.id.clone(),
            d.node
                .get("name")
                .and_then(Node::as_str)
                .map(str::to_string),
        ),
        None => (None, None),
    };
    let sbom = Sbom {
        format: SbomFormat::Spdx3JsonLd,
        spec_version,
        serial_number,
        name,
        timestamp,
        authors,
        tools,
        subject,
        components,
        dependencies: deps.into_list(),
        properties: Vec::new(),
    };
    Ok(Parsed {
        sbom,
        warnings: notes.warnings,
    })
}

fn type_name_of(r: &Resolved) -> Option<String> {
    match r {
        Resolved::Element(e) => Some(e.ty.clone()),
        Resolved::Inline(n) => type_name(n),
        _ => None,
    }
}

/// SPDX individuals (`NoAssertionElement`, `NoneLicense`, …) that are valid targets but no element.
fn is_individual(id: &str) -> bool {
    id.starts_with("https://spdx.org/rdf/3.") || id.starts_with("http://spdx.org/rdf/3.")
}

fn ids(n: Option<&Node>, g: &Graph) -> Vec<String> {
    match n {
        None => Vec::new(),
        Some(n) => match &n.value {
            Value::List(items) => items.iter().filter_map(|i| g.resolve(i).id()).collect(),
            _ => g.resolve(n).id().into_iter().collect(),
        },
    }
}

fn context_text(n: &Node) -> String {
    match &n.value {
        Value::Text(s) => s.clone(),
        Value::List(items) => items
            .iter()
            .filter_map(Node::as_str)
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

/// `3.0.1` from `https://spdx.org/rdf/3.0.1/spdx-context.jsonld`.
fn context_version(context: &str) -> Option<String> {
    let (_, rest) = context.split_once("spdx.org/rdf/")?;
    let v: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    v.starts_with('3').then_some(v)
}

/// The license a license relationship points at, as text.
fn license_text(r: &Resolved) -> Option<String> {
    if let Some(n) = r.node() {
        if let Some(expr) = n
            .get("simplelicensing_licenseExpression")
            .and_then(Node::as_str)
        {
            return asserted(Some(expr)).map(str::to_string);
        }
        if let Some(name) = n.get("name").and_then(Node::as_str) {
            return Some(name.to_string());
        }
    }
    let id = r.id()?;
    let last = vocab(&id);
    if last == "NoAssertionLicense" || last == "NoneLicense" {
        return None;
    }
    if id.contains("spdx.org/licenses/") {
        return Some(last.to_string());
    }
    Some(id)
}

fn support_level(n: &Node) -> Option<String> {
    let v = n.get("supportLevel")?;
    let first = match &v.value {
        Value::Text(s) => s.as_str(),
        Value::List(items) => items.iter().find_map(Node::as_str)?,
        _ => return None,
    };
    let level = vocab(first);
    (level != "noAssertion" && !level.is_empty()).then(|| level.to_string())
}

fn agent_name(r: &Resolved) -> Option<(String, String)> {
    let ty = type_name_of(r).unwrap_or_default();
    let name = r
        .node()
        .and_then(|n| n.get("name"))
        .and_then(Node::as_str)
        .map(str::to_string)
        .or_else(|| r.id())?;
    Some((ty, name))
}

fn package(e: &Element, g: &Graph, notes: &mut Notes) -> Component {
    let n = e.node;
    let loc = &e.loc;
    let text = |notes: &mut Notes, key: &str| -> Option<String> {
        let v = n.get(key);
        notes
            .text(v, &loc.key(key, v), key)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let mut c = Component::default();
    let name = text(notes, "name");
    if name.is_none() {
        notes.warn(&loc.key("name", None), "package without a name");
    }
    c.name = name.unwrap_or_default().into();
    c.version = text(notes, "software_packageVersion").map(Into::into);
    c.reference = match &e.id {
        Some(id) => id.into(),
        None => {
            let fallback = match &c.version {
                Some(v) => compact_str::format_compact!("{}@{v}", c.name),
                None => c.name.clone(),
            };
            notes.warn(
                loc,
                format!("package without an spdxId; referred to as \"{fallback}\""),
            );
            fallback
        }
    };
    if let Some(s) = n.get("suppliedBy") {
        let first = s.as_list().and_then(|l| l.first()).unwrap_or(s);
        let r = g.resolve(first);
        match agent_name(&r) {
            Some((ty, name)) => {
                if ty.is_empty() {
                    notes.warn(
                        &loc.key("suppliedBy", None),
                        format!(
                            "supplier {name} is not an element of this document; kept as written"
                        ),
                    );
                }
                c.supplier = Some(name.into());
            }
            None => notes.warn(&loc.key("suppliedBy", None), "suppliedBy names no agent"),
        }
    }
    let ob = n.get("originatedBy");
    let ob_loc = loc.key("originatedBy", ob);
    let (mut persons, mut others) = (Vec::new(), Vec::new());
    for o in notes.list(ob, &ob_loc, "originatedBy") {
        if let Some((ty, name)) = agent_name(&g.resolve(o)) {
            if ty == "Person" {
                persons.push(name)
            } else {
                others.push(name)
            }
        }
    }
    c.author = (!persons.is_empty()).then(|| persons.join(", ").into());
    c.manufacturer = (!others.is_empty()).then(|| others.join(", ").into());
    c.purl = text(notes, "software_packageUrl");
    let ei = n.get("externalIdentifier");
    let ei_loc = loc.key("externalIdentifier", ei);
    for (i, x) in notes
        .list(ei, &ei_loc, "externalIdentifier")
        .iter()
        .enumerate()
    {
        let xloc = ei_loc.index(i, None);
        let (Some(ty), Some(id)) = (
            x.get("externalIdentifierType")
                .and_then(Node::as_str)
                .map(vocab),
            x.get("identifier").and_then(Node::as_str).map(str::trim),
        ) else {
            notes.warn(
                &xloc,
                "external identifier without externalIdentifierType or identifier; ignored",
            );
            continue;
        };
        match ty {
            "packageUrl" => {
                if c.purl.is_none() {
                    c.purl = Some(id.to_string());
                } else if c.purl.as_deref() != Some(id) {
                    notes.warn(&xloc, format!("a second purl {id}; the first is kept"));
                }
            }
            "cpe22" | "cpe23" => {
                if !c.cpes.iter().any(|x| x == id) {
                    c.cpes.push(id.to_string());
                }
            }
            "swid" => {
                if c.swid.is_none() {
                    c.swid = Some(id.to_string());
                }
            }
            other => c
                .properties
                .push((format!("spdx:externalIdentifier:{other}"), id.to_string())),
        }
    }
    hashes(n, loc, &mut c, notes);
    if let Some(p) = text(notes, "software_primaryPurpose") {
        c.kind = Some(common::purpose(vocab(&p)).into());
    }
    c.description = text(notes, "description").or_else(|| text(notes, "summary"));
    for (key, prop) in [
        ("software_downloadLocation", "spdx:downloadLocation"),
        ("software_homePage", "spdx:homepage"),
        ("releaseTime", "spdx:releaseTime"),
        ("builtTime", "spdx:builtTime"),
        ("validUntilTime", "spdx:validUntilTime"),
    ] {
        if let Some(v) = text(notes, key)
            && asserted(Some(&v)).is_some()
        {
            c.properties.push((prop.to_string(), v));
        }
    }
    c
}

fn hashes(n: &Node, loc: &Loc, c: &mut Component, notes: &mut Notes) {
    let vu = n.get("verifiedUsing");
    let vu_loc = loc.key("verifiedUsing", vu);
    for (i, h) in notes.list(vu, &vu_loc, "verifiedUsing").iter().enumerate() {
        if type_name(h).as_deref() != Some("Hash") {
            continue;
        }
        let alg = h
            .get("algorithm")
            .and_then(Node::as_str)
            .map(vocab)
            .unwrap_or("");
        let value = h.get("hashValue").and_then(Node::as_str).unwrap_or("");
        if let Some(h) = common::hash(alg, value, &vu_loc.index(i, None), notes)
            && !c.hashes.contains(&h)
        {
            c.hashes.push(h);
        }
    }
}

/// A described file as the subject: what the document is about, though not a component.
fn file_component(e: &Element, notes: &mut Notes) -> Component {
    let n = e.node;
    let mut c = Component {
        reference: e.id.as_deref().unwrap_or_default().into(),
        name: n
            .get("name")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .into(),
        kind: Some(
            n.get("software_primaryPurpose")
                .and_then(Node::as_str)
                .map(|p| common::purpose(vocab(p)).into())
                .unwrap_or(CompactString::const_new("file")),
        ),
        description: n
            .get("description")
            .and_then(Node::as_str)
            .map(str::to_string),
        ..Component::default()
    };
    hashes(n, &e.loc, &mut c, notes);
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dependency;

    #[test]
    fn compact_types() {
        assert_eq!(compact_type("software_Package"), "software_Package");
        assert_eq!(
            compact_type("https://spdx.org/rdf/3.0.1/terms/Software/Package"),
            "software_Package"
        );
        assert_eq!(
            compact_type("https://spdx.org/rdf/3.0.1/terms/Core/Relationship"),
            "Relationship"
        );
        assert_eq!(compact_type("spdx:Relationship"), "Relationship");
        assert_eq!(
            context_version("https://spdx.org/rdf/3.0.1/spdx-context.jsonld").as_deref(),
            Some("3.0.1")
        );
    }

    #[test]
    fn inline_elements_and_iri_spellings() {
        let doc = r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [
          {"@type": "SpdxDocument", "@id": "urn:doc", "rootElement": "urn:a",
           "creationInfo": {"type": "CreationInfo", "specVersion": "3.0.1", "created": "2024-03-06T00:00:00Z",
             "createdBy": [{"type": "Organization", "spdxId": "urn:o", "name": "Acme"}]}},
          {"type": "https://spdx.org/rdf/3.0.1/terms/Software/Package", "spdxId": "urn:a", "name": "a",
           "suppliedBy": {"type": "Organization", "spdxId": "urn:o2", "name": "Acme Devices"},
           "software_primaryPurpose": "https://spdx.org/rdf/3.0.1/terms/Software/SoftwarePurpose/operatingSystem"}
        ]}"#;
        let p = parse_jsonld("x.json", doc).unwrap();
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(p.sbom.authors, vec!["Organization: Acme"]);
        let a = p.sbom.subject.unwrap();
        assert_eq!(a.supplier.as_deref(), Some("Acme Devices"));
        assert_eq!(a.kind.as_deref(), Some("operating-system"));
    }

    #[test]
    fn small_graph() {
        let doc = r#"{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[
          {"type":"CreationInfo","@id":"_:ci","specVersion":"3.0.1","created":"2024-03-06T00:00:00Z","createdBy":["urn:p"]},
          {"type":"Person","spdxId":"urn:p","name":"Jo","creationInfo":"_:ci"},
          {"type":"Organization","spdxId":"urn:o","name":"Acme","creationInfo":"_:ci"},
          {"type":"SpdxDocument","spdxId":"urn:doc","creationInfo":"_:ci","rootElement":["urn:a"]},
          {"type":"software_Package","spdxId":"urn:a","name":"a","software_packageVersion":"1","suppliedBy":"urn:o",
           "originatedBy":["urn:p"],"software_primaryPurpose":"firmware",
           "externalIdentifier":[{"type":"ExternalIdentifier","externalIdentifierType":"cpe23","identifier":"cpe:2.3:o:acme:a:1:*:*:*:*:*:*:*"}],
           "verifiedUsing":[{"type":"Hash","algorithm":"sha256","hashValue":"AB"}],"creationInfo":"_:ci"},
          {"type":"software_Package","spdxId":"urn:b","name":"b","software_packageUrl":"pkg:npm/b@2","creationInfo":"_:ci"},
          {"type":"Relationship","spdxId":"urn:r","from":"urn:a","to":["urn:b"],"relationshipType":"dependsOn","creationInfo":"_:ci"},
          {"type":"Annotation","spdxId":"urn:n","subject":"urn:a","statement":"level of support: actively maintained\nend-of-support: 2030-01-01","annotationType":"other","creationInfo":"_:ci"}
        ]}"#;
        let p = parse_jsonld("x.json", doc).unwrap();
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let s = p.sbom;
        assert_eq!(s.spec_version, "3.0.1");
        assert_eq!(s.authors, vec!["Person: Jo"]);
        assert_eq!(s.subject.as_ref().unwrap().reference, "urn:a");
        let a = &s.components[0];
        assert_eq!(a.supplier.as_deref(), Some("Acme"));
        assert_eq!(a.author.as_deref(), Some("Jo"));
        assert_eq!(a.kind.as_deref(), Some("firmware"));
        assert_eq!(a.hashes[0].algorithm, "SHA-256");
        assert_eq!(a.support_level.as_deref(), Some("actively maintained"));
        assert_eq!(s.components[1].purl.as_deref(), Some("pkg:npm/b@2"));
        assert_eq!(
            s.dependencies,
            vec![Dependency {
                from: "urn:a".into(),
                to: vec!["urn:b".into()]
            }]
        );
    }
}
