//! YAML into the neutral tree, from yaml-rust2's event stream rather than its loader, so that
//! nesting depth and alias expansion are bounded and a syntax error part-way keeps what came before.

use super::tree::{MAX_DEPTH, Node, Value};
use std::collections::HashMap;
use yaml_rust2::Event;
use yaml_rust2::parser::Parser;
use yaml_rust2::scanner::TScalarStyle;

/// Alias copies may add at most this many nodes, or as many as the text itself holds if more: a
/// real document never needs more, and an alias bomb (billion laughs) is stopped at linear size.
const ALIAS_FLOOR: usize = 10_000;

/// What reading gave: the tree, and a syntax problem that cut it short (line, column, message).
pub(crate) struct YamlRead {
    pub root: Node,
    pub cut_short: Option<(usize, usize, String)>,
    pub more_documents: bool,
}

/// A YAML problem that leaves nothing to read: (line, column, message).
pub(crate) type YamlFail = (usize, usize, String);

struct Frame {
    /// `None` for a sequence; for a mapping, the entries so far.
    map: Option<Vec<(String, Node)>>,
    items: Vec<Node>,
    key: Option<String>,
    anchor: usize,
    line: usize,
    /// Depth of the deepest finished child, to know each anchored subtree's depth.
    child_depth: usize,
    /// Nodes counted when this frame opened, to know each anchored subtree's size.
    nodes_before: usize,
}

struct Anchored {
    node: Node,
    nodes: usize,
    depth: usize,
}

pub(crate) fn read(text: &str) -> Result<YamlRead, YamlFail> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Anchored> = HashMap::new();
    let mut root: Option<Node> = None;
    let mut own_nodes = 0usize;
    let mut alias_nodes = 0usize;
    let mut cut_short = None;
    let mut more_documents = false;
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(x) => x,
            Err(e) => {
                let m = e.marker();
                let place = (m.line(), m.col() + 1, e.info().to_string());
                // The scanner looks ahead and may hit its own nesting limit before we count
                // MAX_DEPTH: that is hostile input, not a document cut short.
                if e.info().contains("recursion limit") {
                    return Err((
                        place.0,
                        place.1,
                        format!("YAML nested deeper than {MAX_DEPTH} levels ({})", e.info()),
                    ));
                }
                if root.is_none() && stack.is_empty() {
                    return Err(place);
                }
                cut_short = Some(place);
                break;
            }
        };
        let line = mark.line();
        // A finished value with its subtree depth and node count; anchor id 0 means none.
        let finished: Option<(Node, usize, usize, usize)> = match event {
            Event::StreamEnd => break,
            Event::DocumentStart if root.is_some() => {
                more_documents = true;
                break;
            }
            Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => None,
            Event::Scalar(text, style, anchor, _tag) => {
                own_nodes += 1;
                Some((Node::new(scalar(text, style), line), 1, 1, anchor))
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err((
                        line,
                        mark.col() + 1,
                        format!("YAML nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                own_nodes += 1;
                let is_map = matches!(event, Event::MappingStart(..));
                stack.push(Frame {
                    map: is_map.then(Vec::new),
                    items: Vec::new(),
                    key: None,
                    anchor,
                    line,
                    child_depth: 0,
                    nodes_before: own_nodes + alias_nodes - 1,
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(frame) => {
                    let nodes = own_nodes + alias_nodes - frame.nodes_before;
                    let value = match frame.map {
                        Some(entries) => Value::Map(entries),
                        None => Value::List(frame.items),
                    };
                    Some((
                        Node::new(value, frame.line),
                        frame.child_depth + 1,
                        nodes,
                        frame.anchor,
                    ))
                }
                None => None,
            },
            Event::Alias(id) => {
                let Some(target) = anchors.get(&id) else {
                    return Err((
                        line,
                        mark.col() + 1,
                        "alias to an unknown anchor".to_string(),
                    ));
                };
                alias_nodes += target.nodes;
                if alias_nodes > ALIAS_FLOOR.max(own_nodes) {
                    return Err((
                        line,
                        mark.col() + 1,
                        format!(
                            "YAML aliases expand to more than {} nodes, more than the document itself \
                             holds (alias bomb?)",
                            ALIAS_FLOOR.max(own_nodes)
                        ),
                    ));
                }
                if stack.len() + target.depth > MAX_DEPTH {
                    return Err((
                        line,
                        mark.col() + 1,
                        format!("YAML alias expands deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let mut copy = target.node.clone();
                copy.line = line;
                Some((copy, target.depth, target.nodes, 0))
            }
        };
        let Some((node, depth, nodes, anchor)) = finished else {
            continue;
        };
        if anchor != 0 {
            anchors.insert(
                anchor,
                Anchored {
                    node: node.clone(),
                    nodes,
                    depth,
                },
            );
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(frame) => {
                frame.child_depth = frame.child_depth.max(depth);
                match &mut frame.map {
                    None => frame.items.push(node),
                    Some(entries) => match frame.key.take() {
                        Some(key) => entries.push((key, node)),
                        None => frame.key = Some(key_text(&node)),
                    },
                }
            }
        }
    }
    // A document cut short by a syntax error: close what was open, keeping what was read.
    while let Some(frame) = stack.pop() {
        let value = match frame.map {
            Some(entries) => Value::Map(entries),
            None => Value::List(frame.items),
        };
        let node = Node::new(value, frame.line);
        match stack.last_mut() {
            None => root = Some(node),
            Some(parent) => match &mut parent.map {
                None => parent.items.push(node),
                Some(entries) => {
                    // A key whose value never came is dropped.
                    if let Some(key) = parent.key.take() {
                        entries.push((key, node));
                    }
                }
            },
        }
    }
    let root = root.unwrap_or(Node::new(Value::Null, 1));
    Ok(YamlRead {
        root,
        cut_short,
        more_documents,
    })
}

fn scalar(text: String, style: TScalarStyle) -> Value {
    if style != TScalarStyle::Plain {
        return Value::Text(text);
    }
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        // Numbers stay text: a version written 1.10 must not become 1.1.
        _ => Value::Text(text),
    }
}

fn key_text(node: &Node) -> String {
    match &node.value {
        Value::Text(s) | Value::Number(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        // SPDX never uses complex keys; this one can match no field.
        Value::List(_) | Value::Map(_) => "?".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_maps_lists_and_lines() {
        let r = read("a: 1.10\nb:\n  - x\n  - 'true'\nc: ~\n").unwrap();
        assert_eq!(r.root.get("a").unwrap().as_str(), Some("1.10"));
        let b = r.root.get("b").unwrap();
        assert_eq!(b.as_list().unwrap()[1].as_str(), Some("true"));
        assert_eq!(b.as_list().unwrap()[1].line, 4);
        assert_eq!(r.root.get("c").unwrap().value, Value::Null);
        assert!(r.cut_short.is_none());
    }

    #[test]
    fn aliases_expand_within_bounds() {
        let r = read("a: &x [1, 2]\nb: *x\n").unwrap();
        assert_eq!(r.root.get("b").unwrap().as_list().unwrap().len(), 2);
    }

    #[test]
    fn syntax_error_keeps_what_came_before() {
        let r = read("a: 1\nb: [1, 2\nc: \"x\" y\n").unwrap();
        assert!(r.cut_short.is_some());
        assert_eq!(r.root.get("a").unwrap().as_str(), Some("1"));
    }
}
