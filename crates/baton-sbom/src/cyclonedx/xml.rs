//! CycloneDX XML into the shared lenient model.
//!
//! The document is first read into a small element tree, keeping only elements in the root's
//! CycloneDX namespace (extensions in other namespaces are skipped). Safety: a DOCTYPE is an error
//! (so no DTD, no entity declarations, no external entities), references other than XML's five
//! predefined entities and character references are errors, and elements nest at most
//! [`MAX_DEPTH`] deep.

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::raw::{
    List, Obj, RawAttachment, RawBom, RawComponent, RawContact, RawDataFlow, RawDependency,
    RawEntity, RawHash, RawIssue, RawLicense, RawLicenseChoice, RawMetadata, RawPatch, RawPedigree,
    RawProperty, RawService, RawSwid, RawTool, RawToolSet, Str, Tools,
};
use crate::model::{SbomError, Warning};

/// Deepest element nesting accepted; real CycloneDX documents stay far below it.
pub const MAX_DEPTH: usize = 256;

const NAMESPACE_PREFIX: &str = "http://cyclonedx.org/schema/bom/";

pub(super) struct XmlDoc {
    pub raw: RawBom<'static>,
    pub spec_version: String,
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Default)]
struct Elem {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
}

/// An element with its children; kept apart from [`Elem`] so the build loop can hold a stack.
#[derive(Debug, Default)]
struct Node {
    elem: Elem,
    children: Vec<Node>,
}

impl Node {
    fn attr(&self, name: &str) -> Option<&str> {
        self.elem
            .attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

pub(super) fn read(file: &str, text: &str) -> Result<XmlDoc, SbomError> {
    let (root, namespace) = build(file, text)?;
    let version = &namespace[NAMESPACE_PREFIX.len()..];
    let valid = version
        .strip_prefix("1.")
        .is_some_and(|minor| !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit()));
    if !valid {
        return Err(SbomError {
            location: format!("{file}: /bom (line {})", line_col(text, 0).0),
            message: format!(
                "namespace \"{namespace}\" is not a CycloneDX 1.x namespace (http://cyclonedx.org/schema/bom/1.N)"
            ),
        });
    }
    let mut mapper = Mapper {
        warnings: Vec::new(),
    };
    let raw = mapper.bom(root);
    Ok(XmlDoc {
        raw,
        spec_version: version.to_string(),
        warnings: mapper.warnings,
    })
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

fn fail(file: &str, text: &str, offset: u64, path: &str, message: String) -> SbomError {
    let (line, col) = line_col(text, usize::try_from(offset).unwrap_or(usize::MAX));
    let place = if path.is_empty() {
        String::new()
    } else {
        format!("{path} ")
    };
    SbomError {
        location: format!("{file}: {place}(line {line}, column {col})"),
        message,
    }
}

/// The element path of the open elements, for error messages (its middle elided when deep).
fn open_path(stack: &[Option<Node>]) -> String {
    let name = |node: &Option<Node>| {
        node.as_ref()
            .map_or("*", |n| n.elem.name.as_str())
            .to_string()
    };
    let mut out = String::new();
    if stack.len() > 8 {
        for node in &stack[..4] {
            out.push('/');
            out.push_str(&name(node));
        }
        out.push_str(&format!("/…{} more…", stack.len() - 6));
        for node in &stack[stack.len() - 2..] {
            out.push('/');
            out.push_str(&name(node));
        }
        return out;
    }
    for node in stack {
        out.push('/');
        out.push_str(&name(node));
    }
    out
}

fn build(file: &str, text: &str) -> Result<(Node, String), SbomError> {
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Option<Node>> = Vec::new();
    let mut root: Option<Node> = None;
    let mut namespace: Option<String> = None;
    loop {
        let event = reader.read_event().map_err(|e| {
            let at = reader.error_position();
            fail(
                file,
                text,
                at,
                &open_path(&stack),
                format!("not well-formed XML: {e}"),
            )
        })?;
        let position = reader.buffer_position();
        match event {
            Event::DocType(_) => {
                return Err(fail(
                    file,
                    text,
                    reader.error_position().max(position.saturating_sub(1)),
                    "",
                    "a DOCTYPE is not accepted in an SBOM: DTDs and entity declarations allow entity-expansion \
                     and external-entity attacks, and CycloneDX needs neither"
                        .into(),
                ));
            }
            Event::Start(ref start) | Event::Empty(ref start) => {
                let empty = matches!(event, Event::Empty(_));
                if stack.len() >= MAX_DEPTH {
                    return Err(fail(
                        file,
                        text,
                        position,
                        &open_path(&stack),
                        format!("elements nest deeper than {MAX_DEPTH} levels; refused"),
                    ));
                }
                if root.is_some() {
                    return Err(fail(
                        file,
                        text,
                        position,
                        "",
                        "content after the root element".into(),
                    ));
                }
                let (resolved, local) = reader.resolver().resolve_element(start.name());
                let element_ns = match resolved {
                    ResolveResult::Bound(ns) => Some(ns.0),
                    ResolveResult::Unbound => None,
                    ResolveResult::Unknown(prefix) => {
                        return Err(fail(
                            file,
                            text,
                            position,
                            &open_path(&stack),
                            format!("undeclared namespace prefix \"{prefix}\""),
                        ));
                    }
                };
                let keep = if stack.is_empty() {
                    let ns = element_ns.unwrap_or_default();
                    if local.as_ref() != "bom" || !ns.starts_with(NAMESPACE_PREFIX) {
                        return Err(fail(
                            file,
                            text,
                            position,
                            "",
                            format!(
                                "the root element is <{}> in namespace \"{ns}\", not a CycloneDX <bom> \
                                 (namespace http://cyclonedx.org/schema/bom/1.N)",
                                local.as_ref()
                            ),
                        ));
                    }
                    namespace = Some(ns.to_string());
                    true
                } else {
                    matches!(stack.last(), Some(Some(_))) && element_ns == namespace.as_deref()
                };
                let node = if keep {
                    let attrs = attributes(&reader, start).map_err(|message| {
                        fail(file, text, position, &open_path(&stack), message)
                    })?;
                    Some(Node {
                        elem: Elem {
                            name: local.as_ref().to_string(),
                            attrs,
                            text: String::new(),
                        },
                        children: Vec::new(),
                    })
                } else {
                    None
                };
                if empty {
                    close(&mut stack, &mut root, node);
                } else {
                    stack.push(node);
                }
            }
            Event::End(_) => {
                let node = stack.pop().flatten();
                close(&mut stack, &mut root, node);
            }
            Event::Text(t) => {
                if let Some(Some(top)) = stack.last_mut() {
                    top.elem.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(c) => {
                if let Some(Some(top)) = stack.last_mut() {
                    top.elem.text.push_str(&c.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => match r.as_ref() {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "apos" => Some('\''),
                        "quot" => Some('"'),
                        _ => None,
                    },
                    Err(e) => {
                        return Err(fail(
                            file,
                            text,
                            position,
                            &open_path(&stack),
                            format!("bad character reference: {e}"),
                        ));
                    }
                };
                let Some(c) = resolved else {
                    return Err(fail(
                        file,
                        text,
                        position,
                        &open_path(&stack),
                        format!(
                            "undefined entity &{};: only XML's five predefined entities are allowed",
                            r.as_ref()
                        ),
                    ));
                };
                if let Some(Some(top)) = stack.last_mut() {
                    top.elem.text.push(c);
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(fail(
            file,
            text,
            u64::try_from(text.len()).unwrap_or(u64::MAX),
            &open_path(&stack),
            "the XML ends before its elements are closed (truncated file?)".into(),
        ));
    }
    match (root, namespace) {
        (Some(root), Some(namespace)) => Ok((root, namespace)),
        _ => Err(fail(
            file,
            text,
            0,
            "",
            "no root element: not an XML document".into(),
        )),
    }
}

fn close(stack: &mut [Option<Node>], root: &mut Option<Node>, node: Option<Node>) {
    let Some(mut node) = node else { return };
    // Text between child elements is layout; only leaf text is a value.
    if !node.children.is_empty() && node.elem.text.trim().is_empty() {
        node.elem.text = String::new();
    }
    match stack.last_mut() {
        None => *root = Some(node),
        Some(Some(parent)) => parent.children.push(node),
        Some(None) => {}
    }
}

fn attributes(
    reader: &NsReader<&[u8]>,
    start: &BytesStart,
) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| format!("bad attribute: {e}"))?;
        let key = attr.key.as_ref();
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let (resolved, local) = reader.resolver().resolve_attribute(attr.key);
        if !matches!(resolved, ResolveResult::Unbound) {
            continue;
        }
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| {
                format!("attribute {key}: {e} (only XML's five predefined entities are allowed)")
            })?;
        out.push((local.as_ref().to_string(), value.into_owned()));
    }
    Ok(out)
}

struct Mapper {
    warnings: Vec<Warning>,
}

fn text(value: String) -> Str<'static> {
    Str::Text(Cow::Owned(match value.trim() {
        t if t.len() == value.len() => value,
        t => t.to_string(),
    }))
}

fn attr(node: &Node, name: &str) -> Str<'static> {
    node.attr(name).map_or(Str::Absent, |v| text(v.to_string()))
}

impl Mapper {
    /// Stores a child's text in a single-valued field; a second occurrence is a warning.
    fn single(&mut self, slot: &mut Str<'static>, node: Node, path: &str) {
        if matches!(slot, Str::Absent) {
            *slot = text(node.elem.text);
        } else {
            self.warnings.push(Warning {
                location: format!("{path}/{}", node.elem.name),
                message: format!("more than one <{}>; the first is used", node.elem.name),
            });
        }
    }

    fn bom(&mut self, root: Node) -> RawBom<'static> {
        let path = "/bom";
        let mut bom = RawBom {
            serial_number: attr(&root, "serialNumber"),
            ..RawBom::default()
        };
        for child in root.children {
            match child.elem.name.as_str() {
                "metadata" => bom.metadata = Obj::Value(self.metadata(child, "/bom/metadata")),
                "components" => bom.components = List::items(self.components(child, path)),
                "services" => bom.services = List::items(self.services(child, path)),
                "dependencies" => {
                    let mut out = Vec::new();
                    let mut at = String::from("/bom/dependencies");
                    dependencies(child, &mut at, &mut out);
                    bom.dependencies = List::items(out);
                }
                _ => {}
            }
        }
        bom
    }

    fn metadata(&mut self, node: Node, path: &str) -> RawMetadata<'static> {
        let mut m = RawMetadata::default();
        for child in node.children {
            match child.elem.name.as_str() {
                "timestamp" => self.single(&mut m.timestamp, child, path),
                "tools" => m.tools = tools(child),
                "authors" => {
                    m.authors = List::items(
                        children(child, "author")
                            .map(|a| Obj::Value(contact(a)))
                            .collect(),
                    )
                }
                "component" => {
                    m.component = Obj::Value(self.component(child, &format!("{path}/component")))
                }
                "manufacture" => m.manufacture = Obj::Value(entity(child)),
                "manufacturer" => m.manufacturer = Obj::Value(entity(child)),
                "supplier" => m.supplier = Obj::Value(entity(child)),
                "licenses" => m.licenses = List::items(self.licenses(child, path)),
                "properties" => m.properties = List::items(properties(child)),
                _ => {}
            }
        }
        m
    }

    fn components(&mut self, node: Node, path: &str) -> Vec<Obj<RawComponent<'static>>> {
        children(node, "component")
            .enumerate()
            .map(|(i, c)| {
                Obj::Value(self.component(c, &format!("{path}/components/component[{}]", i + 1)))
            })
            .collect()
    }

    fn component(&mut self, node: Node, path: &str) -> RawComponent<'static> {
        let mut c = RawComponent {
            bom_ref: attr(&node, "bom-ref"),
            kind: attr(&node, "type"),
            ..RawComponent::default()
        };
        for child in node.children {
            match child.elem.name.as_str() {
                "name" => self.single(&mut c.name, child, path),
                "version" => self.single(&mut c.version, child, path),
                "publisher" => self.single(&mut c.publisher, child, path),
                "author" => self.single(&mut c.author, child, path),
                "description" => self.single(&mut c.description, child, path),
                "scope" => self.single(&mut c.scope, child, path),
                "cpe" => self.single(&mut c.cpe, child, path),
                "purl" => self.single(&mut c.purl, child, path),
                "supplier" => c.supplier = Obj::Value(entity(child)),
                "manufacturer" => c.manufacturer = Obj::Value(entity(child)),
                "authors" => {
                    c.authors = List::items(
                        children(child, "author")
                            .map(|a| Box::new(Obj::Value(contact(a))))
                            .collect(),
                    )
                }
                "hashes" => {
                    c.hashes = List::items(
                        children(child, "hash")
                            .map(|h| {
                                Obj::Value(RawHash {
                                    alg: attr(&h, "alg"),
                                    content: text(h.elem.text),
                                })
                            })
                            .collect(),
                    );
                }
                "licenses" => c.licenses = List::items(self.licenses(child, path)),
                "swid" => {
                    c.swid = Obj::Value(Box::new(RawSwid {
                        tag_id: attr(&child, "tagId"),
                        name: attr(&child, "name"),
                    }))
                }
                "pedigree" => c.pedigree = Obj::Value(Box::new(pedigree(child))),
                "properties" => c.properties = List::items(properties(child)),
                "components" => {
                    c.components = List::items(
                        self.components(child, path)
                            .into_iter()
                            .map(Box::new)
                            .collect(),
                    );
                }
                _ => {}
            }
        }
        c
    }

    fn licenses(&mut self, node: Node, path: &str) -> Vec<Obj<RawLicenseChoice<'static>>> {
        let mut out = Vec::new();
        for child in node.children {
            let at = format!("{path}/licenses/*[{}]", out.len() + 1);
            match child.elem.name.as_str() {
                "license" => {
                    let mut l = RawLicense::default();
                    for part in child.children {
                        match part.elem.name.as_str() {
                            "id" => self.single(&mut l.id, part, &at),
                            "name" => self.single(&mut l.name, part, &at),
                            "text" => {
                                l.text = Obj::Value(RawAttachment {
                                    encoding: attr(&part, "encoding"),
                                })
                            }
                            _ => {}
                        }
                    }
                    out.push(Obj::Value(RawLicenseChoice {
                        license: Obj::Value(l),
                        ..RawLicenseChoice::default()
                    }));
                }
                "expression" => {
                    out.push(Obj::Value(RawLicenseChoice {
                        expression: text(child.elem.text),
                        ..RawLicenseChoice::default()
                    }));
                }
                _ => {}
            }
        }
        out
    }

    fn services(&mut self, node: Node, path: &str) -> Vec<Obj<RawService<'static>>> {
        children(node, "service")
            .enumerate()
            .map(|(i, s)| {
                let at = format!("{path}/services/service[{}]", i + 1);
                let mut service = RawService {
                    bom_ref: attr(&s, "bom-ref"),
                    ..RawService::default()
                };
                for child in s.children {
                    match child.elem.name.as_str() {
                        "name" => self.single(&mut service.name, child, &at),
                        "data" => service.data = List::items(data_flows(child)),
                        "properties" => service.properties = List::items(properties(child)),
                        "services" => {
                            service.services = List::items(
                                self.services(child, &at)
                                    .into_iter()
                                    .map(Box::new)
                                    .collect(),
                            );
                        }
                        _ => {}
                    }
                }
                Obj::Value(service)
            })
            .collect()
    }
}

fn children(node: Node, name: &'static str) -> impl Iterator<Item = Node> {
    node.children
        .into_iter()
        .filter(move |c| c.elem.name == name)
}

fn child_text(node: &mut Node, name: &str) -> Str<'static> {
    match node.children.iter_mut().find(|c| c.elem.name == name) {
        Some(c) => text(std::mem::take(&mut c.elem.text)),
        None => Str::Absent,
    }
}

fn entity(mut node: Node) -> RawEntity<'static> {
    RawEntity {
        name: child_text(&mut node, "name"),
    }
}

fn contact(mut node: Node) -> RawContact<'static> {
    RawContact {
        name: child_text(&mut node, "name"),
        email: child_text(&mut node, "email"),
    }
}

fn tools(node: Node) -> Tools<'static> {
    let legacy = node.children.iter().any(|c| c.elem.name == "tool");
    if legacy {
        return Tools::Legacy(
            children(node, "tool")
                .map(|t| Obj::Value(tool(t)))
                .collect(),
        );
    }
    let mut set = RawToolSet::default();
    for child in node.children {
        match child.elem.name.as_str() {
            "components" => {
                set.components = List::items(
                    children(child, "component")
                        .map(|t| Obj::Value(tool(t)))
                        .collect(),
                )
            }
            "services" => {
                set.services = List::items(
                    children(child, "service")
                        .map(|t| Obj::Value(tool(t)))
                        .collect(),
                )
            }
            _ => {}
        }
    }
    Tools::Modern(Box::new(set))
}

fn tool(mut node: Node) -> RawTool<'static> {
    RawTool {
        vendor: child_text(&mut node, "vendor"),
        name: child_text(&mut node, "name"),
        version: child_text(&mut node, "version"),
    }
}

fn pedigree(node: Node) -> RawPedigree<'static> {
    let mut p = RawPedigree::default();
    for child in children(node, "patches") {
        let patches = children(child, "patch").map(|patch| {
            let kind = attr(&patch, "type");
            let resolves = patch
                .children
                .into_iter()
                .filter(|c| c.elem.name == "resolves")
                .flat_map(|r| children(r, "issue"))
                .map(|issue| {
                    Obj::Value(RawIssue {
                        kind: attr(&issue, "type"),
                    })
                })
                .collect();
            Obj::Value(RawPatch {
                kind,
                resolves: List::items(resolves),
            })
        });
        p.patches = List::items(patches.collect());
    }
    p
}

fn properties(node: Node) -> Vec<Obj<RawProperty<'static>>> {
    children(node, "property")
        .map(|p| {
            Obj::Value(RawProperty {
                name: attr(&p, "name"),
                value: text(p.elem.text),
            })
        })
        .collect()
}

/// `<data>` holds `<classification flow=…>` directly (1.2–1.4) or inside `<dataflow>` (1.5+).
fn data_flows(node: Node) -> Vec<Obj<RawDataFlow<'static>>> {
    let mut out = Vec::new();
    for child in node.children {
        match child.elem.name.as_str() {
            "classification" => out.push(Obj::Value(RawDataFlow {
                flow: attr(&child, "flow"),
            })),
            "dataflow" => {
                for c in children(child, "classification") {
                    out.push(Obj::Value(RawDataFlow {
                        flow: attr(&c, "flow"),
                    }));
                }
            }
            _ => {}
        }
    }
    out
}

/// XML nests each dependency's targets inside it; every top-level `<dependency>` is one entry,
/// and so is every nested one that has targets of its own (their own dependencies).
fn dependencies(node: Node, path: &mut String, out: &mut Vec<Obj<RawDependency<'static>>>) {
    let base = path.len();
    for (i, dep) in children(node, "dependency").enumerate() {
        path.push_str(&format!("/dependency[{}]", i + 1));
        dependency(dep, path, out, true);
        path.truncate(base);
    }
}

fn dependency(dep: Node, path: &mut String, out: &mut Vec<Obj<RawDependency<'static>>>, top: bool) {
    let targets: Vec<Str<'static>> = dep
        .children
        .iter()
        .filter(|c| c.elem.name == "dependency")
        .map(|c| attr(c, "ref"))
        .collect();
    if top || !targets.is_empty() {
        out.push(Obj::Value(RawDependency {
            reference: attr(&dep, "ref"),
            depends_on: List::items(targets),
            xml_path: Some(path.clone()),
        }));
    }
    let base = path.len();
    for (j, child) in children(dep, "dependency").enumerate() {
        if child.children.iter().any(|c| c.elem.name == "dependency") {
            path.push_str(&format!("/dependency[{}]", j + 1));
            dependency(child, path, out, false);
            path.truncate(base);
        }
    }
}
