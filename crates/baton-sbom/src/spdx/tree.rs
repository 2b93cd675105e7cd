//! A neutral value tree. SPDX 2 JSON, YAML and tag-value are all read into it, so the SPDX field
//! mapping is written once; SPDX 3 JSON-LD uses it too.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Deepest nesting accepted in any SPDX document. serde_json stops at 128 levels on its own; YAML
/// uses the same number so a hostile file cannot exhaust the stack when the tree is dropped.
pub(crate) const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    /// A JSON number, kept as written (so the mapping can say a version was a number).
    Number(String),
    Text(String),
    List(Vec<Node>),
    /// Entries in document order; a repeated key keeps every entry and [`Node::get`] takes the last.
    Map(Vec<(String, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub value: Value,
    /// 1-based source line where known (YAML, tag-value), 0 otherwise (JSON).
    pub line: usize,
}

impl Node {
    pub fn new(value: Value, line: usize) -> Node {
        Node { value, line }
    }

    pub fn text(s: impl Into<String>, line: usize) -> Node {
        Node::new(Value::Text(s.into()), line)
    }

    pub fn map(entries: Vec<(String, Node)>, line: usize) -> Node {
        Node::new(Value::Map(entries), line)
    }

    pub fn list(items: Vec<Node>, line: usize) -> Node {
        Node::new(Value::List(items), line)
    }

    /// The value under `key` in a map (the last one when the key is repeated, as JSON readers do).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Node]> {
        match &self.value {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    /// What the value is, for messages.
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::Text(_) => "a string",
            Value::List(_) => "a list",
            Value::Map(_) => "an object",
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::new(Value::Bool(v), 0))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::new(Value::Number(v.to_string()), 0))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::new(Value::Number(v.to_string()), 0))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::new(Value::Number(v.to_string()), 0))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::text(v, 0))
    }

    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::text(v, 0))
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::new(Value::Null, 0))
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::new(Value::Null, 0))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Node::list(items, 0))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value::<Node>()?;
            entries.push((key, value));
        }
        Ok(Node::map(entries, 0))
    }
}

/// Reads JSON text into a tree. The error says where (line and column) and, for the usual hostile
/// cases, what: a truncated file, or nesting deeper than [`MAX_DEPTH`].
pub(crate) fn read_json(text: &str) -> Result<Node, (String, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str::<Node>(text).map_err(|e| {
        let place = format!("line {}, column {}", e.line(), e.column());
        let message = if e.is_eof() {
            "the JSON ends too early (truncated file?)".to_string()
        } else if e.to_string().starts_with("recursion limit exceeded") {
            format!("JSON nested deeper than {MAX_DEPTH} levels")
        } else {
            let full = e.to_string();
            // serde_json appends " at line L column C"; the place is given separately.
            match full.rfind(" at line ") {
                Some(at) => format!("invalid JSON: {}", &full[..at]),
                None => format!("invalid JSON: {full}"),
            }
        };
        (place, message)
    })
}

/// How a reader names places in warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// JSON pointer: `/packages/3/versionInfo`.
    Pointer,
    /// Dotted path: `packages[3].versionInfo`.
    Dotted,
    /// `line N` from the node's source line.
    Line,
}

/// A place in a document: the path in the chosen style and the nearest known source line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Loc {
    pub style: Style,
    pub path: String,
    pub line: usize,
}

impl Loc {
    pub fn root(style: Style) -> Loc {
        Loc {
            style,
            path: String::new(),
            line: 0,
        }
    }

    /// The place of `key` under this one; `node` (if present) gives the line.
    pub fn key(&self, key: &str, node: Option<&Node>) -> Loc {
        let path = match self.style {
            Style::Pointer => format!(
                "{}/{}",
                self.path,
                key.replace('~', "~0").replace('/', "~1")
            ),
            Style::Dotted if self.path.is_empty() => key.to_string(),
            Style::Dotted => format!("{}.{}", self.path, key),
            Style::Line => String::new(),
        };
        Loc {
            style: self.style,
            path,
            line: line_of(node, self.line),
        }
    }

    pub fn index(&self, i: usize, node: Option<&Node>) -> Loc {
        let path = match self.style {
            Style::Pointer => format!("{}/{}", self.path, i),
            Style::Dotted => format!("{}[{}]", self.path, i),
            Style::Line => String::new(),
        };
        Loc {
            style: self.style,
            path,
            line: line_of(node, self.line),
        }
    }

    /// The text used in warnings and errors.
    pub fn render(&self) -> String {
        match self.style {
            Style::Line if self.line > 0 => format!("line {}", self.line),
            Style::Line => "line ?".to_string(),
            Style::Pointer if self.path.is_empty() => "/".to_string(),
            Style::Dotted if self.path.is_empty() => "(document)".to_string(),
            _ => self.path.clone(),
        }
    }
}

fn line_of(node: Option<&Node>, fallback: usize) -> usize {
    match node {
        Some(n) if n.line > 0 => n.line,
        _ => fallback,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_order_and_numbers() {
        let n = read_json(r#"{"b": 1.50, "a": [true, null, "x"], "b": 2}"#).unwrap();
        let Value::Map(entries) = &n.value else {
            panic!("map expected")
        };
        assert_eq!(entries[0].0, "b");
        assert_eq!(n.get("b").unwrap().value, Value::Number("2".into()));
        assert_eq!(n.get("a").unwrap().as_list().unwrap().len(), 3);
    }

    #[test]
    fn json_errors_name_the_place() {
        let (place, msg) = read_json("{\"a\": [1, 2").unwrap_err();
        assert!(msg.contains("truncated"), "{msg}");
        assert!(place.starts_with("line 1"), "{place}");
        let deep = "[".repeat(10_000);
        let (_, msg) = read_json(&deep).unwrap_err();
        assert!(msg.contains("deeper than 128"), "{msg}");
    }

    #[test]
    fn locations_render_per_style() {
        let root = Loc::root(Style::Pointer);
        assert_eq!(
            root.key("packages", None)
                .index(3, None)
                .key("a/b", None)
                .render(),
            "/packages/3/a~1b"
        );
        let root = Loc::root(Style::Dotted);
        assert_eq!(
            root.key("packages", None)
                .index(3, None)
                .key("versionInfo", None)
                .render(),
            "packages[3].versionInfo"
        );
        let root = Loc::root(Style::Line);
        let n = Node::text("x", 12);
        assert_eq!(
            root.key("packages", Some(&n)).key("name", None).render(),
            "line 12"
        );
    }
}
