//! YAML (the PyPA advisory database writes OSV as YAML) into the same JSON tree the JSON readers
//! use. Built from yaml-rust2's event stream so that nesting depth and alias expansion are bounded
//! (no stack overflow, no billion-laughs blow-up).
//!
//! Plain scalars stay text except `null`/`~`/empty, `true` and `false`: versions such as `1.10`
//! must not turn into the number 1.1.

use serde_json::{Map, Value};
use std::collections::HashMap;
use yaml_rust2::Event;
use yaml_rust2::parser::Parser;
use yaml_rust2::scanner::TScalarStyle;

/// Deepest nesting accepted, as for JSON (serde_json's limit).
pub(crate) const MAX_DEPTH: usize = 128;

/// A YAML problem: (line, column, message).
pub(crate) type YamlError = (usize, usize, String);

#[derive(Debug)]
pub(crate) struct YamlDoc {
    pub root: Value,
    /// The stream holds more than one document; only the first was read.
    pub more_documents: bool,
}

enum Frame {
    Seq(Vec<Value>, usize),
    Map(Map<String, Value>, Option<String>, usize),
}

/// Reads the first document of a YAML stream.
pub(crate) fn read(text: &str) -> Result<YamlDoc, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Value> = HashMap::new();
    // Alias copies may add at most this many nodes (or as many as the text has bytes): enough
    // for any real document, and linear in the input for a hostile one.
    let alias_budget = text.len().max(10_000);
    let mut alias_nodes = 0usize;
    let mut root: Option<Value> = None;
    let mut more_documents = false;
    loop {
        let (event, mark) = parser
            .next_token()
            .map_err(|e| (e.marker().line(), e.marker().col(), e.info().to_string()))?;
        let at = |msg: String| (mark.line(), mark.col(), msg);
        let done: Option<(Value, usize)> = match event {
            Event::StreamEnd => break,
            Event::DocumentStart if root.is_some() => {
                more_documents = true;
                break;
            }
            Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => None,
            Event::Scalar(s, style, anchor, _) => Some((scalar(s, style), anchor)),
            Event::Alias(id) => {
                let Some(v) = anchors.get(&id) else {
                    return Err(at("alias to an unknown anchor".to_string()));
                };
                alias_nodes += count_nodes(v);
                if alias_nodes > alias_budget {
                    return Err(at(format!(
                        "aliases expand to more than {alias_budget} nodes"
                    )));
                }
                Some((v.clone(), 0))
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(at(format!("nested deeper than {MAX_DEPTH} levels")));
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq(Vec::new(), anchor)
                } else {
                    Frame::Map(Map::new(), None, anchor)
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(items, anchor)) => Some((Value::Array(items), anchor)),
                Some(Frame::Map(map, _, anchor)) => Some((Value::Object(map), anchor)),
                None => return Err(at("unbalanced end of collection".to_string())),
            },
        };
        let Some((value, anchor)) = done else {
            continue;
        };
        if anchor != 0 {
            anchors.insert(anchor, value.clone());
        }
        match stack.last_mut() {
            None => root = Some(value),
            Some(Frame::Seq(items, _)) => items.push(value),
            Some(Frame::Map(map, key, _)) => match key.take() {
                Some(k) => {
                    map.insert(k, value);
                }
                None => match value {
                    Value::String(k) => *key = Some(k),
                    Value::Bool(b) => *key = Some(b.to_string()),
                    Value::Null => *key = Some(String::new()),
                    _ => return Err(at("a mapping key that is not a scalar".to_string())),
                },
            },
        }
    }
    Ok(YamlDoc {
        root: root.unwrap_or(Value::Null),
        more_documents,
    })
}

fn scalar(s: String, style: TScalarStyle) -> Value {
    if style != TScalarStyle::Plain {
        return Value::String(s);
    }
    match s.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => Value::String(s),
    }
}

fn count_nodes(v: &Value) -> usize {
    // Iterative: an anchored value may itself be deep.
    let mut n = 0;
    let mut todo = vec![v];
    while let Some(v) = todo.pop() {
        n += 1;
        match v {
            Value::Array(a) => todo.extend(a.iter()),
            Value::Object(m) => todo.extend(m.values()),
            _ => {}
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_stay_text() {
        let doc = read("id: X\nversions:\n- 1.10\n- 2\nwithdrawn: ~\nflag: true\n").unwrap();
        assert_eq!(doc.root["versions"][0], "1.10");
        assert_eq!(doc.root["versions"][1], "2");
        assert!(doc.root["withdrawn"].is_null());
        assert_eq!(doc.root["flag"], true);
        assert!(!doc.more_documents);
    }

    #[test]
    fn bounded() {
        let deep = "[".repeat(300) + &"]".repeat(300);
        assert!(read(&deep).is_err());
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            bomb.push_str(&format!(
                "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let err = read(&bomb).unwrap_err();
        assert!(err.2.contains("aliases expand"), "{err:?}");
    }

    #[test]
    fn second_document_noticed() {
        let doc = read("id: A\n---\nid: B\n").unwrap();
        assert!(doc.more_documents);
        assert_eq!(doc.root["id"], "A");
    }
}
