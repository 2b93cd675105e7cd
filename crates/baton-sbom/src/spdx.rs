//! SPDX 2.2 and 2.3: JSON, tag-value and YAML.
//!
//! All three are read into one neutral tree shaped like SPDX JSON (`spdx/tree.rs`); one mapping turns it
//! into the [`Sbom`] model. Reading is lenient: problems become warnings located by JSON pointer
//! (`/packages/3/versionInfo`), YAML path (`packages[3].versionInfo`) or tag-value line
//! (`line 12`); only a document with nothing SPDX in it, or a hostile one, is an error.
//!
//! Rules Baton follows where SPDX leaves room:
//! - **Version.** `SPDX-2.2` and `SPDX-2.3` are read silently; another `SPDX-2.x` (2.0, 2.1, or a
//!   non-existent 2.2.1) is read the same way with a warning; `SPDX-3…` is refused (SPDX 3 is
//!   JSON-LD, see [`crate::spdx3`]). A missing `spdxVersion` gives a warning and an empty
//!   `spec_version`. A 2.2 document that uses 2.3-only package fields is warned about and read.
//! - **Creators.** `Person:` and `Organization:` creators are authors, kept as written; `Tool:`
//!   creators are tools, without the prefix; a creator with no known prefix is an author, warned.
//! - **Supplier / originator.** The supplier is the name without its `Person:`/`Organization:`
//!   prefix, and without a trailing `(contact)` when it is empty or an e-mail address. The
//!   originator (who first made the package) goes, cleaned the same way, to `manufacturer` when it
//!   is an organization and to `author` when it is a person, as CycloneDX uses those fields.
//! - **Identifiers.** purl: an external ref of type `purl` (any category, `PACKAGE-MANAGER` or
//!   `PACKAGE_MANAGER` in practice); CPEs: types `cpe22Type`/`cpe23Type`; SWID: type `swid`. A type
//!   written as a URL (`http://spdx.org/rdf/references/cpe23Type`) is read by its last segment, with
//!   a warning. A second purl is warned about; the first is kept.
//! - **Licenses.** `licenseConcluded` then `licenseDeclared`, each unless NOASSERTION/NONE, once.
//! - **Description.** `description`, else `summary`.
//! - **FDA fields.** From annotations on the package (nested, or document-level with an element
//!   id, as tag-value's `SPDXREF` gives): each line `cdx:fda:<key>=<value>`, `Level of Support:
//!   …`, `End-of-Support: …` (any case, `:` or `=`) – see `fda_fields` in `spdx/common.rs`. SPDX 2.3
//!   defines `validUntilDate` as the end of the supplier's support period, so it is the
//!   end-of-support date when no annotation gives one. A value that is not an ISO date is kept as
//!   text with a warning.
//! - **Dependencies** (NTIA "dependency relationship": one component includes or needs another).
//!   `A DEPENDS_ON/CONTAINS/DYNAMIC_LINK/STATIC_LINK/HAS_PREREQUISITE B` gives A→B;
//!   `A DEPENDENCY_OF/CONTAINED_BY/{BUILD,DEV,OPTIONAL,PROVIDED,TEST,RUNTIME}_DEPENDENCY_OF/
//!   PREREQUISITE_FOR/OPTIONAL_COMPONENT_OF B` gives B→A. Only edges from a package (or the
//!   subject) count; targets are packages or elements of another document (`DocumentRef-…:…`);
//!   files and snippets are not components, so edges to them are dropped. An edge to an SPDXID the
//!   document never defines is dropped with a warning. `A DEPENDS_ON NONE` records that A has no
//!   dependencies (an entry with an empty list). Provenance types (GENERATED_FROM, COPY_OF,
//!   VARIANT_OF, …) are not dependencies.
//! - **Subject.** The first package among `documentDescribes` and `DESCRIBES`/`DESCRIBED_BY`
//!   relationships of the document (Trivy's misspelt `DESCRIBE` is read as DESCRIBES, with a
//!   warning); a warning when several packages are described. With no package described, a
//!   described file becomes the subject (it is not a component); with nothing described and
//!   exactly one package, that package, with a warning. The subject is also among the components.
//! - **Duplicate SPDXIDs.** Both packages are kept as components (they are both in the inventory);
//!   a warning names the second.
//! - **YAML.** Only the first document of a stream is read; scalars stay text (so `1.10` stays
//!   `1.10`); nesting deeper than 128 levels is an error; aliases may expand to no more nodes than
//!   the file itself holds (at least 10,000), so an alias bomb is an error, not an out-of-memory.
//!   A syntax error part-way keeps what came before it, with a warning (the SPDX 2.2 spec's own
//!   YAML example has an unescaped quote in a late file entry).
//! - **JSON.** Numbers where strings belong are read as text, with a warning; a repeated key takes
//!   its last value; a truncated file or nesting deeper than 128 levels is an error.

pub(crate) mod common;
mod tagvalue;
pub(crate) mod tree;
mod yaml;

use crate::{CompactString, Component, Parsed, Sbom, SbomError, SbomFormat};
use common::{ActorKind, Notes, actor_name, asserted};
use std::collections::{HashMap, HashSet};
use tree::{Loc, Node, Style};

pub fn parse_json(file: &str, text: &str) -> Result<Parsed, SbomError> {
    let root = tree::read_json(text).map_err(|(place, message)| SbomError {
        location: format!("{file}: {place}"),
        message,
    })?;
    read_document(
        file,
        &root,
        SbomFormat::SpdxJson,
        Style::Pointer,
        Notes::default(),
    )
}

pub fn parse_tag_value(file: &str, text: &str) -> Result<Parsed, SbomError> {
    let mut notes = Notes::default();
    let Some(root) = tagvalue::read(text, &mut notes) else {
        return Err(SbomError {
            location: format!("{file}: line 1"),
            message: "no \"Tag: value\" line in the file".into(),
        });
    };
    read_document(file, &root, SbomFormat::SpdxTagValue, Style::Line, notes)
}

pub fn parse_yaml(file: &str, text: &str) -> Result<Parsed, SbomError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let read = yaml::read(text).map_err(|(line, col, message)| SbomError {
        location: format!("{file}: line {line}, column {col}"),
        message,
    })?;
    let mut notes = Notes::default();
    let top = Loc::root(Style::Dotted);
    if let Some((line, col, message)) = &read.cut_short {
        notes.warnings.push(crate::Warning {
            location: format!("line {line}, column {col}"),
            message: format!("YAML syntax error: {message}; only what comes before it is read"),
        });
    }
    if read.more_documents {
        notes.warn(
            &top,
            "the file holds more than one YAML document; only the first is read",
        );
    }
    read_document(file, &read.root, SbomFormat::SpdxYaml, Style::Dotted, notes)
}

/// Relationship types that are dependencies, and whether they point from the element (`true`:
/// element → related) or the other way.
fn dependency_direction(kind: &str) -> Option<bool> {
    match kind {
        "DEPENDS_ON" | "CONTAINS" | "DYNAMIC_LINK" | "STATIC_LINK" | "HAS_PREREQUISITE" => {
            Some(true)
        }
        "DEPENDENCY_OF"
        | "CONTAINED_BY"
        | "BUILD_DEPENDENCY_OF"
        | "DEV_DEPENDENCY_OF"
        | "OPTIONAL_DEPENDENCY_OF"
        | "PROVIDED_DEPENDENCY_OF"
        | "TEST_DEPENDENCY_OF"
        | "RUNTIME_DEPENDENCY_OF"
        | "PREREQUISITE_FOR"
        | "OPTIONAL_COMPONENT_OF" => Some(false),
        _ => None,
    }
}

/// Every relationship type of SPDX 2.3 (§11.1), to warn about the others.
const RELATIONSHIP_TYPES: &[&str] = &[
    "DESCRIBES",
    "DESCRIBED_BY",
    "CONTAINS",
    "CONTAINED_BY",
    "DEPENDS_ON",
    "DEPENDENCY_OF",
    "DEPENDENCY_MANIFEST_OF",
    "BUILD_DEPENDENCY_OF",
    "DEV_DEPENDENCY_OF",
    "OPTIONAL_DEPENDENCY_OF",
    "PROVIDED_DEPENDENCY_OF",
    "TEST_DEPENDENCY_OF",
    "RUNTIME_DEPENDENCY_OF",
    "EXAMPLE_OF",
    "GENERATES",
    "GENERATED_FROM",
    "ANCESTOR_OF",
    "DESCENDANT_OF",
    "VARIANT_OF",
    "DISTRIBUTION_ARTIFACT",
    "PATCH_FOR",
    "PATCH_APPLIED",
    "COPY_OF",
    "FILE_ADDED",
    "FILE_DELETED",
    "FILE_MODIFIED",
    "EXPANDED_FROM_ARCHIVE",
    "DYNAMIC_LINK",
    "STATIC_LINK",
    "DATA_FILE_OF",
    "TEST_CASE_OF",
    "BUILD_TOOL_OF",
    "DEV_TOOL_OF",
    "TEST_OF",
    "TEST_TOOL_OF",
    "DOCUMENTATION_OF",
    "OPTIONAL_COMPONENT_OF",
    "METAFILE_OF",
    "PACKAGE_OF",
    "AMENDS",
    "PREREQUISITE_FOR",
    "HAS_PREREQUISITE",
    "REQUIREMENT_DESCRIPTION_FOR",
    "SPECIFICATION_FOR",
    "OTHER",
];

/// External reference types listed in SPDX 2.3 Annex F.
const LISTED_REF_TYPES: &[&str] = &[
    "cpe22Type",
    "cpe23Type",
    "advisory",
    "fix",
    "url",
    "swid",
    "maven-central",
    "npm",
    "nuget",
    "bower",
    "purl",
    "swh",
    "gitoid",
];

/// Package fields SPDX 2.3 added, warned about in a document that says it is 2.2.
const NEW_IN_2_3: &[&str] = &[
    "primaryPackagePurpose",
    "releaseDate",
    "builtDate",
    "validUntilDate",
];

/// The mapping from the JSON-shaped tree to the model, shared by the three formats.
fn read_document(
    file: &str,
    root: &Node,
    format: SbomFormat,
    style: Style,
    mut notes: Notes,
) -> Result<Parsed, SbomError> {
    let top = Loc {
        style,
        path: String::new(),
        line: root.line,
    };
    let err = |message: String| SbomError {
        location: file.to_string(),
        message,
    };
    if !root.is_map() {
        return Err(err(format!(
            "the document is {}, not an SPDX document object",
            root.kind()
        )));
    }

    // Version.
    let version_node = root.get("spdxVersion");
    let version_loc = top.key("spdxVersion", version_node);
    let spec_version = match notes.text(version_node, &version_loc, "spdxVersion") {
        Some(v) => {
            let v = v.trim();
            let bare = common::strip_prefix_ci(v, "SPDX-").unwrap_or(v);
            if bare.starts_with('3') {
                return Err(SbomError {
                    location: format!("{file}: {}", version_loc.render()),
                    message: format!("{v} is SPDX 3, which is written as JSON-LD, not this format"),
                });
            }
            if !bare.starts_with("2.") {
                if root.get("packages").is_none() && root.get("SPDXID").is_none() {
                    return Err(SbomError {
                        location: format!("{file}: {}", version_loc.render()),
                        message: format!("spdxVersion \"{v}\" is not SPDX 2"),
                    });
                }
                notes.warn(
                    &version_loc,
                    format!("spdxVersion \"{v}\" is not SPDX 2.x; read as SPDX 2"),
                );
            } else if bare != "2.2" && bare != "2.3" {
                notes.warn(
                    &version_loc,
                    format!("{v} is not SPDX 2.2 or 2.3; read with the 2.3 rules"),
                );
            }
            if !v.starts_with("SPDX-") {
                notes.warn(
                    &version_loc,
                    format!("spdxVersion \"{v}\" should start with \"SPDX-\""),
                );
            }
            bare.to_string()
        }
        None => {
            let spdx_like = ["SPDXID", "packages", "creationInfo", "documentNamespace"]
                .iter()
                .any(|k| root.get(k).is_some());
            if root.get("@context").is_some() || root.get("@graph").is_some() {
                return Err(err(
                    "this is JSON-LD, not SPDX 2 JSON; read it as SPDX 3".into()
                ));
            }
            if !spdx_like {
                return Err(err(
                    "not an SPDX 2 document: no spdxVersion, SPDXID, creationInfo or packages"
                        .into(),
                ));
            }
            notes.warn(&top, "no spdxVersion; read as SPDX 2");
            String::new()
        }
    };

    let doc_id_node = root.get("SPDXID");
    let doc_id = notes
        .text(doc_id_node, &top.key("SPDXID", doc_id_node), "SPDXID")
        .unwrap_or("SPDXRef-DOCUMENT")
        .to_string();
    let field = |notes: &mut Notes, key: &str| -> Option<String> {
        let n = root.get(key);
        notes.text(n, &top.key(key, n), key).map(str::to_string)
    };
    let serial_number =
        field(&mut notes, "documentNamespace").and_then(|s| asserted(Some(&s)).map(str::to_string));
    let name = field(&mut notes, "name");

    // Creation info.
    let mut timestamp = None;
    let mut authors = Vec::new();
    let mut tools = Vec::new();
    let ci = root.get("creationInfo");
    let ci_loc = top.key("creationInfo", ci);
    match ci {
        Some(ci) if ci.is_map() => {
            let created = ci.get("created");
            let loc = ci_loc.key("created", created);
            match notes.text(created, &loc, "created") {
                Some(s) => timestamp = common::timestamp(s, &loc, &mut notes),
                None => notes.warn(&ci_loc, "no created time"),
            }
            let creators = ci.get("creators");
            let loc = ci_loc.key("creators", creators);
            for (i, c) in notes.list(creators, &loc, "creators").iter().enumerate() {
                let cloc = loc.index(i, Some(c));
                let Some(text) = notes.text(Some(c), &cloc, "creator") else {
                    continue;
                };
                let text = text.trim();
                match actor_name(text) {
                    (ActorKind::Tool, name) => tools.push(name),
                    (ActorKind::Person | ActorKind::Organization, _) => {
                        authors.push(text.to_string())
                    }
                    (ActorKind::Unknown, _) => {
                        notes.warn(&cloc, format!("creator \"{text}\" has no Person:, Organization: or Tool: prefix; taken as an author"));
                        authors.push(text.to_string());
                    }
                }
            }
        }
        Some(other) => notes.warn(
            &ci_loc,
            format!("creationInfo should be an object but is {}", other.kind()),
        ),
        None => notes.warn(&top, "no creationInfo"),
    }

    // Annotations given at document level with a target (tag-value's SPDXREF), by element id.
    let mut targeted: HashMap<String, Vec<(&Node, Loc)>> = HashMap::new();
    let mut properties = Vec::new();
    let ann = root.get("annotations");
    let ann_loc = top.key("annotations", ann);
    for (i, a) in notes.list(ann, &ann_loc, "annotations").iter().enumerate() {
        let loc = ann_loc.index(i, Some(a));
        let target = a
            .get("spdxElementId")
            .and_then(Node::as_str)
            .unwrap_or(&doc_id);
        if target == doc_id {
            if let Some(c) = a.get("comment").and_then(Node::as_str) {
                properties.push(("spdx:annotation".to_string(), c.to_string()));
            }
        } else {
            targeted
                .entry(target.to_string())
                .or_default()
                .push((a, loc));
        }
    }

    // Packages.
    let pk = root.get("packages");
    let pk_loc = top.key("packages", pk);
    let mut components: Vec<Component> = Vec::new();
    let mut package_at: HashMap<String, usize> = HashMap::new();
    for (i, p) in notes.list(pk, &pk_loc, "packages").iter().enumerate() {
        let loc = pk_loc.index(i, Some(p));
        if !p.is_map() {
            notes.warn(
                &loc,
                format!("a package should be an object but is {}; skipped", p.kind()),
            );
            continue;
        }
        let c = package(
            p,
            &loc,
            &spec_version,
            targeted.get(p.get("SPDXID").and_then(Node::as_str).unwrap_or("")),
            &mut notes,
        );
        if let Some(first) = package_at.get(c.reference.as_str()) {
            let id_loc = loc.key("SPDXID", p.get("SPDXID"));
            notes.warn(
                &id_loc,
                format!(
                    "SPDXID {} is already used by package {}; both are kept",
                    c.reference, first
                ),
            );
        } else {
            package_at.insert(c.reference.to_string(), components.len());
        }
        components.push(c);
    }

    // Other elements, to tell packages from files and from ids never defined.
    let mut files: HashMap<String, (&Node, Loc)> = HashMap::new();
    let mut other_ids: HashSet<String> = HashSet::new();
    for key in ["files", "snippets"] {
        let n = root.get(key);
        let loc = top.key(key, n);
        for (i, f) in notes.list(n, &loc, key).iter().enumerate() {
            if let Some(id) = f.get("SPDXID").and_then(Node::as_str) {
                if key == "files" {
                    files.insert(id.to_string(), (f, loc.index(i, Some(f))));
                } else {
                    other_ids.insert(id.to_string());
                }
            }
        }
    }

    // Relationships, plus documentDescribes as DESCRIBES.
    let mut described: Vec<(String, Loc)> = Vec::new();
    let dd = root.get("documentDescribes");
    let dd_loc = top.key("documentDescribes", dd);
    for (i, d) in notes
        .list(dd, &dd_loc, "documentDescribes")
        .iter()
        .enumerate()
    {
        let loc = dd_loc.index(i, Some(d));
        if let Some(id) = notes.text(Some(d), &loc, "documentDescribes item") {
            described.push((id.to_string(), loc));
        }
    }
    let mut deps = common::Deps::default();
    let rel = root.get("relationships");
    let rel_loc = top.key("relationships", rel);
    let known = |id: &str| {
        package_at.contains_key(id)
            || files.contains_key(id)
            || other_ids.contains(id)
            || id == doc_id
    };
    for (i, r) in notes
        .list(rel, &rel_loc, "relationships")
        .iter()
        .enumerate()
    {
        let loc = rel_loc.index(i, Some(r));
        let get = |notes: &mut Notes, k: &str| {
            let n = r.get(k);
            notes
                .text(n, &loc.key(k, n), k)
                .map(|s| s.trim().to_string())
        };
        let (Some(a), Some(kind), Some(b)) = (
            get(&mut notes, "spdxElementId"),
            get(&mut notes, "relationshipType"),
            get(&mut notes, "relatedSpdxElement"),
        ) else {
            notes.warn(&loc, "relationship without spdxElementId, relationshipType or relatedSpdxElement; ignored");
            continue;
        };
        let mut kind = kind.to_ascii_uppercase().replace('-', "_");
        if kind == "DESCRIBE" {
            notes.warn(
                &loc,
                "relationship type DESCRIBE is not SPDX; read as DESCRIBES",
            );
            kind = "DESCRIBES".into();
        } else if !RELATIONSHIP_TYPES.contains(&kind.as_str()) {
            notes.warn(&loc, format!("unknown relationship type {kind}; ignored"));
            continue;
        }
        match kind.as_str() {
            "DESCRIBES" if a == doc_id => described.push((b, loc)),
            "DESCRIBED_BY" if b == doc_id => described.push((a, loc)),
            _ => {
                let Some(forward) = dependency_direction(&kind) else {
                    continue;
                };
                let (from, to) = if forward { (a, b) } else { (b, a) };
                let none = to == "NONE";
                if to == "NOASSERTION" || from == "NONE" || from == "NOASSERTION" {
                    continue;
                }
                for id in [&from, &to] {
                    if id != "NONE" && !id.starts_with("DocumentRef-") && !known(id) {
                        notes.warn(
                            &loc,
                            format!("{id} is not defined in this document; relationship ignored"),
                        );
                    }
                }
                let external = to.starts_with("DocumentRef-");
                if !package_at.contains_key(&from) && !files.contains_key(&from) {
                    continue;
                }
                if !(none || external || package_at.contains_key(&to)) {
                    continue;
                }
                if none {
                    deps.from(&from);
                } else {
                    deps.edge(&from, to);
                }
            }
        }
    }

    // Subject.
    let mut subject = None;
    let described_packages: Vec<&(String, Loc)> = described
        .iter()
        .filter(|(id, _)| package_at.contains_key(id))
        .collect();
    if let Some((id, loc)) = described_packages.first() {
        let distinct: HashSet<&str> = described_packages
            .iter()
            .map(|(id, _)| id.as_str())
            .collect();
        if distinct.len() > 1 {
            notes.warn(
                loc,
                format!(
                    "the document describes {} packages; the subject is the first, {id}",
                    distinct.len()
                ),
            );
        }
        subject = package_at.get(id).map(|&i| components[i].clone());
    } else if let Some((f, floc)) = described.iter().find_map(|(id, _)| files.get(id)) {
        subject = Some(file_component(f, floc, &mut notes));
    } else {
        for (id, loc) in &described {
            if !known(id) && !id.starts_with("DocumentRef-") {
                notes.warn(
                    loc,
                    format!("the document describes {id}, which it does not define"),
                );
            }
        }
        if components.len() == 1 {
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
    }
    // Dependencies from a described file count only when that file is the subject.
    let subject_ref = subject.as_ref().map(|s| s.reference.clone());
    let mut deps = deps.into_list();
    deps.retain(|d| {
        package_at.contains_key(d.from.as_str()) || Some(&d.from) == subject_ref.as_ref()
    });

    let sbom = Sbom {
        format,
        spec_version,
        serial_number,
        name,
        timestamp,
        authors,
        tools,
        subject,
        components,
        dependencies: deps,
        properties,
    };
    Ok(Parsed {
        sbom,
        warnings: notes.warnings,
    })
}

/// One package as a component.
fn package(
    p: &Node,
    loc: &Loc,
    spec_version: &str,
    targeted: Option<&Vec<(&Node, Loc)>>,
    notes: &mut Notes,
) -> Component {
    let text = |notes: &mut Notes, key: &str| -> Option<String> {
        let n = p.get(key);
        notes
            .text(n, &loc.key(key, n), key)
            .map(|s| s.trim().to_string())
    };
    let mut c = Component::default();
    let id = text(notes, "SPDXID");
    let name = text(notes, "name");
    if name.as_deref().is_none_or(str::is_empty) {
        notes.warn(&loc.key("name", p.get("name")), "package without a name");
    }
    c.name = name.unwrap_or_default().into();
    c.version = text(notes, "versionInfo")
        .filter(|v| !v.is_empty())
        .map(Into::into);
    c.reference = match id.filter(|s| !s.is_empty()) {
        Some(id) => id.into(),
        None => {
            let fallback = match &c.version {
                Some(v) => compact_str::format_compact!("{}@{}", c.name, v),
                None => c.name.clone(),
            };
            notes.warn(
                loc,
                format!("package without an SPDXID; referred to as \"{fallback}\""),
            );
            fallback
        }
    };
    if let Some(s) = text(notes, "supplier")
        && asserted(Some(&s)).is_some()
    {
        let (kind, n) = actor_name(&s);
        if kind == ActorKind::Unknown || kind == ActorKind::Tool {
            notes.warn(
                &loc.key("supplier", p.get("supplier")),
                format!("supplier \"{s}\" has no Person: or Organization: prefix"),
            );
        }
        c.supplier = Some(n.into()).filter(|n: &CompactString| !n.is_empty());
    }
    if let Some(s) = text(notes, "originator")
        && asserted(Some(&s)).is_some()
    {
        let (kind, n) = actor_name(&s);
        match kind {
            ActorKind::Person => c.author = Some(n.into()),
            ActorKind::Organization => c.manufacturer = Some(n.into()),
            _ => {
                notes.warn(
                    &loc.key("originator", p.get("originator")),
                    format!("originator \"{s}\" has no Person: or Organization: prefix; taken as the manufacturer"),
                );
                c.manufacturer = Some(n.into());
            }
        }
    }

    // External references.
    let refs = p.get("externalRefs");
    let refs_loc = loc.key("externalRefs", refs);
    for (i, r) in notes
        .list(refs, &refs_loc, "externalRefs")
        .iter()
        .enumerate()
    {
        let rloc = refs_loc.index(i, Some(r));
        let get = |notes: &mut Notes, k: &str| {
            let n = r.get(k);
            notes
                .text(n, &rloc.key(k, n), k)
                .map(|s| s.trim().to_string())
        };
        let (Some(typ), Some(locator)) =
            (get(notes, "referenceType"), get(notes, "referenceLocator"))
        else {
            notes.warn(
                &rloc,
                "external ref without referenceType or referenceLocator; ignored",
            );
            continue;
        };
        let category = get(notes, "referenceCategory").unwrap_or_default();
        // A listed type written as a URL (`http://spdx.org/rdf/references/cpe23Type`) is read by
        // its last segment; other URL types are the legitimate form for category OTHER.
        let last = typ.rsplit(['/', '#']).next().unwrap_or(&typ);
        let short = if last != typ
            && LISTED_REF_TYPES
                .iter()
                .any(|t| t.eq_ignore_ascii_case(last))
        {
            notes.warn(
                &rloc,
                format!("referenceType \"{typ}\" is written as a URL; read as {last}"),
            );
            last.to_string()
        } else {
            typ.clone()
        };
        match short.to_ascii_lowercase().as_str() {
            "purl" => match &c.purl {
                None => c.purl = Some(locator),
                Some(first) if *first != locator => {
                    notes.warn(
                        &rloc,
                        format!("a second purl {locator}; the first, {first}, is kept"),
                    );
                    c.properties.push(("spdx:purl".into(), locator));
                }
                Some(_) => {}
            },
            "cpe22type" | "cpe23type" => {
                if !c.cpes.contains(&locator) {
                    c.cpes.push(locator);
                }
            }
            "swid" => {
                if c.swid.is_none() {
                    c.swid = Some(locator);
                }
            }
            // The short form, so tag-value's `LocationRef-x` and JSON's `…#LocationRef-x` agree.
            _ => c
                .properties
                .push((format!("spdx:externalRef:{category}:{last}"), locator)),
        }
    }

    // Checksums.
    let sums = p.get("checksums");
    let sums_loc = loc.key("checksums", sums);
    for (i, s) in notes.list(sums, &sums_loc, "checksums").iter().enumerate() {
        let sloc = sums_loc.index(i, Some(s));
        let alg = s.get("algorithm").and_then(Node::as_str).unwrap_or("");
        let value = s.get("checksumValue").and_then(Node::as_str).unwrap_or("");
        if let Some(h) = common::hash(alg, value, &sloc, notes)
            && !c.hashes.contains(&h)
        {
            c.hashes.push(h);
        }
    }

    for key in ["licenseConcluded", "licenseDeclared"] {
        if let Some(l) = text(notes, key)
            && let Some(l) = asserted(Some(&l))
            && !c.licenses.iter().any(|x| x == l)
        {
            c.licenses.push(l.into());
        }
    }
    if let Some(k) = text(notes, "primaryPackagePurpose").filter(|k| !k.is_empty()) {
        c.kind = Some(common::purpose(&k).into());
    }
    c.description = text(notes, "description")
        .or_else(|| text(notes, "summary"))
        .filter(|d| !d.is_empty());

    if spec_version == "2.2" {
        for key in NEW_IN_2_3 {
            if p.get(key).is_some() {
                notes.warn(
                    &loc.key(key, p.get(key)),
                    format!("{key} is SPDX 2.3; the document says SPDX-2.2 (read anyway)"),
                );
            }
        }
    }
    for (key, prop) in [
        ("downloadLocation", "spdx:downloadLocation"),
        ("homepage", "spdx:homepage"),
        ("packageFileName", "spdx:packageFileName"),
        ("releaseDate", "spdx:releaseDate"),
        ("builtDate", "spdx:builtDate"),
        ("validUntilDate", "spdx:validUntilDate"),
    ] {
        if let Some(v) = text(notes, key)
            && asserted(Some(&v)).is_some()
        {
            c.properties.push((prop.to_string(), v));
        }
    }

    // Annotations: nested ones, then document-level ones aimed at this package.
    let anns = p.get("annotations");
    let anns_loc = loc.key("annotations", anns);
    let mut found: Vec<(&Node, Loc)> = notes
        .list(anns, &anns_loc, "annotations")
        .iter()
        .enumerate()
        .map(|(i, a)| (a, anns_loc.index(i, Some(a))))
        .collect();
    if let Some(more) = targeted {
        found.extend(more.iter().map(|(a, l)| (*a, l.clone())));
    }
    for (a, aloc) in found {
        let cn = a.get("comment");
        let cloc = aloc.key("comment", cn);
        if let Some(comment) = notes.text(cn, &cloc, "comment") {
            c.properties
                .push(("spdx:annotation".into(), comment.to_string()));
            common::apply_fda(&mut c, comment, &cloc, notes);
        }
    }
    if c.end_of_support.is_none() {
        let n = p.get("validUntilDate");
        let vloc = loc.key("validUntilDate", n);
        if let Some(v) = notes
            .text(n, &vloc, "validUntilDate")
            .and_then(|v| asserted(Some(v)))
        {
            c.end_of_support = Some(common::support_date(v, &vloc, "validUntilDate", notes));
        }
    }
    c
}

/// A described file as the subject: it is what the document is about, though not a component.
fn file_component(f: &Node, loc: &Loc, notes: &mut Notes) -> Component {
    let mut c = Component {
        reference: f
            .get("SPDXID")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .into(),
        name: f
            .get("fileName")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .into(),
        kind: Some("file".into()),
        ..Component::default()
    };
    let sums = f.get("checksums");
    let sums_loc = loc.key("checksums", sums);
    for (i, s) in notes.list(sums, &sums_loc, "checksums").iter().enumerate() {
        let alg = s.get("algorithm").and_then(Node::as_str).unwrap_or("");
        let value = s.get("checksumValue").and_then(Node::as_str).unwrap_or("");
        if let Some(h) = common::hash(alg, value, &sums_loc.index(i, Some(s)), notes) {
            c.hashes.push(h);
        }
    }
    if let Some(l) = asserted(f.get("licenseConcluded").and_then(Node::as_str)) {
        c.licenses.push(l.into());
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dependency;

    #[test]
    fn minimal_json() {
        let doc = r#"{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","documentNamespace":"urn:x",
            "creationInfo":{"created":"2024-01-02T03:04:05Z","creators":["Tool: t-1","Person: P"]},
            "packages":[{"SPDXID":"SPDXRef-a","name":"a","versionInfo":"1","supplier":"Organization: Acme (a@b.c)",
              "checksums":[{"algorithm":"SHA256","checksumValue":"ABCD"}],"primaryPackagePurpose":"OPERATING_SYSTEM"},
              {"SPDXID":"SPDXRef-b","name":"b"}],
            "relationships":[{"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-a"},
              {"spdxElementId":"SPDXRef-b","relationshipType":"DEPENDENCY_OF","relatedSpdxElement":"SPDXRef-a"}]}"#;
        let p = parse_json("x.json", doc).unwrap();
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let s = p.sbom;
        assert_eq!(s.spec_version, "2.3");
        assert_eq!(s.tools, vec!["t-1"]);
        assert_eq!(s.authors, vec!["Person: P"]);
        assert_eq!(s.subject.unwrap().reference, "SPDXRef-a");
        let a = &s.components[0];
        assert_eq!(a.supplier.as_deref(), Some("Acme"));
        assert_eq!(a.hashes[0].algorithm, "SHA-256");
        assert_eq!(a.hashes[0].value, "abcd");
        assert_eq!(a.kind.as_deref(), Some("operating-system"));
        assert_eq!(
            s.dependencies,
            vec![Dependency {
                from: "SPDXRef-a".into(),
                to: vec!["SPDXRef-b".into()]
            }]
        );
    }

    #[test]
    fn not_spdx_is_an_error() {
        assert!(parse_json("x.json", r#"{"bomFormat":"CycloneDX"}"#).is_err());
        assert!(parse_json("x.json", "[1]").is_err());
        assert!(parse_tag_value("x.spdx", "\n# only a comment\n").is_err());
        assert!(parse_json("x.json", r#"{"spdxVersion":"SPDX-3.0"}"#).is_err());
    }
}
